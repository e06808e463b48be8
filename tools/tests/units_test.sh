#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# units_test.sh - the systemd units and example files of packaging/ agree
# with the programs as built, and the section 8 pages with their options
# (no device, no systemd needed):
#  - each unit's ExecStart, run with the example config uncommented (and
#    the interfaces made "lo"; mgm-fwd.service has none), gets past option
#    and file parsing: on a host without /dev/mgm it fails at run time
#    (exit 2), never with a usage error (exit 1);
#  - the units' files are the ones the examples install (/etc/mgm/...);
#  - every long option of mgm-igmpd, mgmctl and mgm-fwd is in its man page;
#  - systemd-analyze verify finds nothing but the absent binaries and man
#    pages (skipped without systemd-analyze).
# TAP with kselftest totals.
set -u
cd "${TOP:?}"
B=${B:-$TOP/build}
bindir=${TOOLS_DIR:-$B/tools}
pass=0 fail=0 skip=0 n=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then pass=$((pass + 1)); echo "ok $n $2"
	else fail=$((fail + 1)); echo "not ok $n $2"; fi
}
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
uncomment() { sed -e 's/^#\([a-z]\)/\1/' -e 's/eth[0-9]/lo/g' "$1"; }
execstart() { sed -n 's/^ExecStart=//p' "packaging/systemd/$1"; }

echo "TAP version 13"
echo "1..10"
for u in mgm-igmpd.service:igmpd.conf mgm-static.service:static.conf; do
	unit=${u%%:*} conf=${u#*:}
	cmd=$(execstart "$unit")
	[[ $cmd == *" /etc/mgm/$conf"* ]] && grep -q "^packaging/etc/$conf etc/mgm/" debian/mgm-tools.install
	ok $? "$unit reads /etc/mgm/$conf, which mgm-tools installs"
	uncomment "packaging/etc/$conf" >"$D/$conf"
	set -- $cmd
	prog=$bindir/$(basename "$1"); shift
	args=("${@//\/etc\/mgm\/$conf/$D/$conf}")
	out=$("$prog" "${args[@]}" 2>&1 </dev/null); rc=$?
	if [ -e /dev/mgm ]; then
		skip=$((skip + 1)); n=$((n + 1)); echo "ok $n # SKIP $unit: /dev/mgm exists here (it would start)"
	else
		[ $rc = 2 ]; ok $? "$unit: $(basename "$prog") ${args[*]/#$D\//} parses the example (exit $rc: ${out%%$'\n'*})"
	fi
done

# mgm-fwd.service: no configuration file; its ExecStart gets past option
# parsing (exit 2 at run time without /dev/mgm), and the unit is installed.
grep -q "^packaging/systemd/mgm-fwd.service lib/systemd/system/" debian/mgm-tools.install
ok $? "mgm-fwd.service is installed by mgm-tools"
set -- $(execstart mgm-fwd.service)
prog=$bindir/$(basename "$1"); shift
out=$("$prog" "$@" 2>&1 </dev/null); rc=$?
if [ -e /dev/mgm ]; then
	skip=$((skip + 1)); n=$((n + 1)); echo "ok $n # SKIP mgm-fwd.service: /dev/mgm exists here (it would start)"
else
	[ $rc = 2 ]; ok $? "mgm-fwd.service: $(basename "$prog") $* gets past its options (exit $rc: ${out%%$'\n'*})"
fi

missing=
for o in $(sed -n '/longopts\[\] = {/,/NULL, 0, NULL, 0/p' tools/mgm-igmpd/config.c |
	   grep -o '{ "[a-z-]*"' | cut -d'"' -f2); do
	grep -q -- "\\\\-\\\\-${o//-/\\\\-}" man/mgm-igmpd.8 || missing="$missing --$o"
done
[ -z "$missing" ]; ok $? "every long option of mgm-igmpd is in mgm-igmpd(8)${missing:+ (missing:$missing)}"
missing=
for o in $(sed -n '/longopts\[\] = {/,/NULL, 0, NULL, 0/p' tools/mgmctl/cli.c |
	   grep -o '{ "[a-z-]*"' | cut -d'"' -f2); do
	grep -q -- "\\\\-\\\\-${o//-/\\\\-}" man/mgmctl.8 || missing="$missing --$o"
done
[ -z "$missing" ]; ok $? "every long option of mgmctl is in mgmctl(8)${missing:+ (missing:$missing)}"
missing=
for o in $(sed -n '/longopts\[\] = {/,/NULL, 0, NULL, 0/p' tools/mgm-fwd/main.c |
	   grep -o '{ "[a-z-]*"' | cut -d'"' -f2); do
	grep -q -- "\\\\-\\\\-${o//-/\\\\-}" man/mgm-fwd.8 || missing="$missing --$o"
done
[ -z "$missing" ]; ok $? "every long option of mgm-fwd is in mgm-fwd(8)${missing:+ (missing:$missing)}"

if command -v systemd-analyze >/dev/null; then
	out=$(cd packaging/systemd && systemd-analyze verify ./*.service 2>&1 |
		grep -vE 'is not executable: No such file|Command .man .* failed with code')
	[ -z "$out" ]; ok $? "systemd-analyze verify${out:+: $out}"
else
	skip=$((skip + 1)); n=$((n + 1)); echo "ok $n # SKIP no systemd-analyze"
fi
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
[ "$fail" = 0 ]
