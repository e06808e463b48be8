#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# install_test.sh - `make install DESTDIR=$D PREFIX=/usr` installs what it
# should where it should (D24): mgm.ko under /lib/modules/RELEASE/extra,
# RELEASE the module's own vermagic release (what `uname -r` prints on the
# kernel it was built for), the library in the multiarch directory, the
# uapi header away from /usr/include/linux, mgmctl and mgm-igmpd linked
# against the installed libmgm.so.1; the pkg-config line of the README is all a program needs to build
# against it (statically and dynamically); `make uninstall` removes it all;
# `make install-dkms` gives a tree that builds the module with dkms.conf's
# MAKE line; the man pages format without warnings. TAP, kselftest totals.
set -u
cd "${TOP:?}"
make=${MAKE:-make}
pass=0 fail=0 n=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then pass=$((pass + 1)); echo "ok $n $2"
	else fail=$((fail + 1)); echo "not ok $n $2"; fi
}
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
ko=${KMOD:?}/mgm.ko
v=$(cat VERSION)
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null)
lib=usr/lib${ma:+/$ma}
pc() {
	PKG_CONFIG_SYSROOT_DIR=$D PKG_CONFIG_PATH=$D/$lib/pkgconfig PKG_CONFIG_LIBDIR= \
		pkg-config "$@" libmgm
}
# The release the module was built for, as its kernel's `uname -r` says.
kver=$(/sbin/modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)

echo "TAP version 13"
echo "1..16"
$make -s --no-print-directory install DESTDIR="$D" PREFIX=/usr >"$D.log" 2>&1
ok $? "make install DESTDIR PREFIX=/usr"
sed 's/^/# /' "$D.log"; rm -f "$D.log"

# The module: exactly one release directory, the vermagic's (and the
# headers' utsrelease, when they are at hand: KDIR's generated header).
rels=$(ls "$D/lib/modules" 2>/dev/null | tr '\n' ' ')
[ -n "$kver" ] && [ "$rels" = "$kver " ] && [ -f "$D/lib/modules/$kver/extra/mgm.ko" ] &&
	[ "$(/sbin/modinfo -F vermagic "$D/lib/modules/$kver/extra/mgm.ko" | cut -d' ' -f1)" = "$kver" ]
ok $? "mgm.ko in lib/modules/RELEASE/extra, RELEASE the vermagic's: ${rels:-none} (vermagic ${kver:-?})"
uts=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "${DKMS_KDIR:-/nonexistent}/include/generated/utsrelease.h" 2>/dev/null)
up=$(cat "${DKMS_KDIR:-/nonexistent}/include/config/kernel.release" 2>/dev/null)
if [ -n "$uts" ]; then
	[ "$uts" = "$kver" ]
	ok $? "RELEASE is the kernel's uname -r ($uts), not the headers' kernel.release ($up)"
else
	ok 0 "# SKIP no utsrelease.h in KDIR=${DKMS_KDIR:-}"
fi

# Loaded on demand (docs/uapi.md): depmod of the installed tree turns the
# module's aliases into the static node (modules.devname) and the
# char-major alias modprobe is asked for when it is opened.
/sbin/depmod -b "$D" "$kver" 2>/dev/null &&
	grep -qx 'mgm mgm c10:250' "$D/lib/modules/$kver/modules.devname" &&
	grep -qx 'alias char-major-10-250 mgm' "$D/lib/modules/$kver/modules.alias"
ok $? "depmod: modules.devname has 'mgm mgm c10:250', modules.alias char-major-10-250"
rm -f "$D/lib/modules/$kver"/modules.*	# depmod's, not make install's

want="usr/include/mgm/linux/mgm.h usr/include/mgm.h $lib/libmgm.a $lib/libmgm.so
$lib/libmgm.so.1 $lib/libmgm.so.$v $lib/pkgconfig/libmgm.pc usr/sbin/mgmctl usr/sbin/mgm-igmpd
usr/sbin/mgm-fwd lib/modules/$kver/extra/mgm.ko usr/share/man/man4/mgm.4 usr/share/man/man8/mgmctl.8
usr/share/man/man8/mgm-igmpd.8 usr/share/man/man8/mgm-fwd.8
usr/share/man/man3/libmgm.3 usr/share/man/man3/MgmGroupEnumerationStart.3
usr/share/man/man3/MgmGroupEnumerationGetNext.3 usr/share/man/man3/MgmRegisterMProtocol.3"
missing=
for f in $want; do [ -e "$D/$f" ] || missing="$missing $f"; done
[ -z "$missing" ]; ok $? "installed files present${missing:+ (missing:$missing)}"
[ ! -e "$D/usr/include/linux" ]
ok $? "nothing in usr/include/linux (the kernel headers package's)"

[ "$(readlink "$D/$lib/libmgm.so")" = libmgm.so.1 ] &&
	[ "$(readlink "$D/$lib/libmgm.so.1")" = "libmgm.so.$v" ]
ok $? "library symlinks in $lib"

# Installed programs: dynamic, libmgm.so.1 found in the install.
dyn=0
for p in mgmctl mgm-igmpd; do
	LD_LIBRARY_PATH=$D/$lib ldd "$D/usr/sbin/$p" 2>/dev/null |
		grep -q "libmgm.so.1 => $D/$lib/libmgm.so.1" || { dyn=1; echo "# $p: not linked against libmgm.so.1"; }
done
out=$(LD_LIBRARY_PATH=$D/$lib "$D/usr/sbin/mgm-igmpd" --version 2>&1)
# mgm-fwd uses /dev/mgm itself: dynamic, but no libmgm.
ldd "$D/usr/sbin/mgm-fwd" 2>/dev/null | grep -q 'libc.so.6 =>' ||
	{ dyn=1; echo "# mgm-fwd: not dynamically linked"; }
[ $dyn = 0 ] && [ "$out" = "mgm-igmpd $v" ]
ok $? "installed mgmctl, mgm-igmpd dynamically linked against libmgm.so.1, mgm-fwd dynamic ($out)"

[ "$(pc --modversion)" = "$v" ] && pc --cflags | grep -q -- "-I$D/usr/include/mgm" &&
	pc --libs --static | grep -q -- "-L$D/$lib"
ok $? "pkg-config: $(pc --cflags --libs --static | tr -s ' ')"

# The example, exactly as a user builds it: pkg-config's flags only.
gcc -static -o "$D/ex-static" examples/mgm-enum.c $(pc --cflags --libs --static) 2>&1 | sed 's/^/# /'
[ -x "$D/ex-static" ] && ! ldd "$D/ex-static" >/dev/null 2>&1
ok $? "static link with pkg-config --cflags --libs --static"

gcc -o "$D/ex-dyn" examples/mgm-enum.c $(pc --cflags --libs) 2>&1 | sed 's/^/# /'
LD_LIBRARY_PATH=$D/$lib ldd "$D/ex-dyn" 2>/dev/null | grep -q "libmgm.so.1 => $D/$lib/libmgm.so.1"
ok $? "dynamic link resolves libmgm.so.1 from the install"

# On this host there is no /dev/mgm: a clean error, not a crash.
out=$(LD_LIBRARY_PATH=$D/$lib "$D/ex-dyn" 2>&1); r=$?
[ -e /dev/mgm ] || { [ $r = 1 ] && [ "$out" = "MgmRegisterMProtocol: ERROR_CAN_NOT_COMPLETE" ]; }
ok $? "installed example runs: $out"
out=$(LD_LIBRARY_PATH=$D/$lib "$D/usr/sbin/mgmctl" show 2>&1); r=$?
[ -e /dev/mgm ] || { [ $r = 2 ] && [ "$out" = "mgm: module not loaded" ]; }
ok $? "installed mgmctl runs: $out"

$make -s --no-print-directory uninstall DESTDIR="$D" PREFIX=/usr >/dev/null 2>&1
left=$(cd "$D" && find usr lib \( -type f -o -type l \) 2>/dev/null)
[ -z "$left" ]; ok $? "make uninstall removes every installed file${left:+ (left: $left)}"

# dkms: the installed source tree builds with dkms.conf's MAKE line.
if [ -n "${DKMS_KDIR:-}" ] && [ -d "$DKMS_KDIR" ]; then
	$make -s --no-print-directory install-dkms DESTDIR="$D" >/dev/null 2>&1 &&
	src=$(echo "$D"/usr/src/mgm-*) && [ "$src" = "$D/usr/src/mgm-$v" ] &&
	mkdir -p "$D/dkms/mgm/$v" && cp -a "$src" "$D/dkms/mgm/$v/build" &&
	line=$(kernel_source_dir=$DKMS_KDIR; dkms_tree=$D/dkms; . "$src/dkms.conf"; echo "${MAKE[0]}") &&
	echo "# $line" && (eval "$line") >"$D/dkms.log" 2>&1 &&
	[ -f "$D/dkms/mgm/$v/build/mgm.ko" ] &&
	[ "$(/sbin/modinfo -F version "$D/dkms/mgm/$v/build/mgm.ko")" = "$v" ]
	r=$?
	[ $r = 0 ] || tail -20 "$D/dkms.log" | sed 's/^/# /'
	ok $r "install-dkms tree builds mgm.ko (version $v) with dkms.conf's MAKE line"
else
	ok 1 "install-dkms: no kernel tree (KDIR=${DKMS_KDIR:-})"
fi

warn=$(for p in man/*.[348]; do
	grep -q '^\.so ' "$p" && continue
	LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$p" 2>&1 | sed "s|^|$p: |"
done)
[ -z "$warn" ]; ok $? "man pages format without warnings"
[ -z "$warn" ] || echo "$warn" | sed 's/^/# /'

echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" = 0 ]
