#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# install_test.sh - `make install DESTDIR=$D PREFIX=/usr` installs what it
# should; the pkg-config line of the README is all a program needs to build
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
pc() {
	PKG_CONFIG_SYSROOT_DIR=$D PKG_CONFIG_PATH=$D/usr/lib/pkgconfig PKG_CONFIG_LIBDIR= \
		pkg-config "$@" libmgm
}
kver=${KVER:?}

echo "TAP version 13"
echo "1..11"
$make -s --no-print-directory install DESTDIR="$D" PREFIX=/usr >"$D.log" 2>&1
ok $? "make install DESTDIR PREFIX=/usr"
sed 's/^/# /' "$D.log"; rm -f "$D.log"

want="usr/include/linux/mgm.h usr/include/mgm.h usr/lib/libmgm.a usr/lib/libmgm.so
usr/lib/libmgm.so.1 usr/lib/libmgm.so.1.0.0 usr/lib/pkgconfig/libmgm.pc usr/sbin/mgmctl
lib/modules/$kver/extra/mgm.ko usr/share/man/man4/mgm.4 usr/share/man/man8/mgmctl.8
usr/share/man/man3/libmgm.3 usr/share/man/man3/MgmGroupEnumerationStart.3
usr/share/man/man3/MgmGroupEnumerationGetNext.3 usr/share/man/man3/MgmRegisterMProtocol.3"
missing=
for f in $want; do [ -e "$D/$f" ] || missing="$missing $f"; done
[ -z "$missing" ]; ok $? "installed files present${missing:+ (missing:$missing)}"

[ "$(readlink "$D/usr/lib/libmgm.so")" = libmgm.so.1 ] &&
	[ "$(readlink "$D/usr/lib/libmgm.so.1")" = libmgm.so.1.0.0 ]
ok $? "library symlinks"

[ "$(pc --modversion)" = 1.0.0 ] && pc --cflags | grep -q -- "-I$D/usr/include" &&
	pc --libs --static | grep -q -- "-L$D/usr/lib"
ok $? "pkg-config: $(pc --cflags --libs --static | tr -s ' ')"

# The example, exactly as a user builds it: pkg-config's flags only.
gcc -static -o "$D/ex-static" examples/mgm-enum.c $(pc --cflags --libs --static) 2>&1 | sed 's/^/# /'
[ -x "$D/ex-static" ] && ! ldd "$D/ex-static" >/dev/null 2>&1
ok $? "static link with pkg-config --cflags --libs --static"

gcc -o "$D/ex-dyn" examples/mgm-enum.c $(pc --cflags --libs) 2>&1 | sed 's/^/# /'
LD_LIBRARY_PATH=$D/usr/lib ldd "$D/ex-dyn" 2>/dev/null | grep -q "libmgm.so.1 => $D/usr/lib/libmgm.so.1"
ok $? "dynamic link resolves libmgm.so.1 from the install"

# On this host there is no /dev/mgm: a clean error, not a crash.
out=$(LD_LIBRARY_PATH=$D/usr/lib "$D/ex-dyn" 2>&1); r=$?
[ -e /dev/mgm ] || { [ $r = 1 ] && [ "$out" = "MgmRegisterMProtocol: ERROR_CAN_NOT_COMPLETE" ]; }
ok $? "installed example runs: $out"
out=$("$D/usr/sbin/mgmctl" show 2>&1); r=$?
[ -e /dev/mgm ] || { [ $r = 2 ] && [ "$out" = "mgm: module not loaded" ]; }
ok $? "installed mgmctl runs: $out"

$make -s --no-print-directory uninstall DESTDIR="$D" PREFIX=/usr >/dev/null 2>&1
left=$(cd "$D" && find usr lib \( -type f -o -type l \) 2>/dev/null)
[ -z "$left" ]; ok $? "make uninstall removes every installed file${left:+ (left: $left)}"

# dkms: the installed source tree builds with dkms.conf's MAKE line.
if [ -n "${DKMS_KDIR:-}" ] && [ -d "$DKMS_KDIR" ]; then
	$make -s --no-print-directory install-dkms DESTDIR="$D" >/dev/null 2>&1 &&
	src=$(echo "$D"/usr/src/mgm-*) && mkdir -p "$D/dkms/mgm/1.0.0" &&
	cp -a "$src" "$D/dkms/mgm/1.0.0/build" &&
	line=$(kernel_source_dir=$DKMS_KDIR; dkms_tree=$D/dkms; . "$src/dkms.conf"; echo "${MAKE[0]}") &&
	echo "# $line" && (eval "$line") >"$D/dkms.log" 2>&1 &&
	[ -f "$D/dkms/mgm/1.0.0/build/mgm.ko" ]
	r=$?
	[ $r = 0 ] || tail -20 "$D/dkms.log" | sed 's/^/# /'
	ok $r "install-dkms tree builds mgm.ko with dkms.conf's MAKE line"
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
