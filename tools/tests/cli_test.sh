#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# cli_test.sh - the programs' version and help options, as built (no device
# needed): --version prints "NAME VERSION" (VERSION the top-level file's)
# on stdout and exits 0; --help prints the usage on stdout and exits 0; an
# unknown option is a usage error (stderr, exit 1, stdout empty). mgmctl's
# and mgm-fwd's short version option is -V; mgm-igmpd's is -v (its -V is
# --igmp-version, see mgm-igmpd(8)). TAP with kselftest totals.
set -u
cd "${TOP:?}"
B=${B:-$TOP/build}
bindir=${TOOLS_DIR:-$B/tools}
v=$(cat VERSION)
pass=0 fail=0 n=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then pass=$((pass + 1)); echo "ok $n $2"
	else fail=$((fail + 1)); echo "not ok $n $2"; fi
}
# run PROG ARGS...: sets out, err, rc
run() {
	local e; e=$(mktemp)
	out=$("$@" 2>"$e"); rc=$?
	err=$(cat "$e"); rm -f "$e"
}
echo "TAP version 13"
echo "1..15"
for p in mgmctl:-V mgm-igmpd:-v mgm-fwd:-V; do
	name=${p%%:*} short=${p#*:} bin=$bindir/$name
	run "$bin" --version
	[ $rc = 0 ] && [ "$out" = "$name $v" ] && [ -z "$err" ]
	ok $? "$name --version: $out (exit $rc)"
	run "$bin" "$short"
	[ $rc = 0 ] && [ "$out" = "$name $v" ]
	ok $? "$name $short: $out (exit $rc)"
	run "$bin" --help
	[ $rc = 0 ] && [[ $out == "usage: $name "* ]] && [ -z "$err" ]
	ok $? "$name --help: usage on stdout, exit $rc"
	run "$bin" -h
	[ $rc = 0 ] && [[ $out == "usage: $name "* ]]
	ok $? "$name -h: exit $rc"
	run "$bin" --no-such-option
	[ $rc = 1 ] && [ -z "$out" ] && [[ $err == "$name: unknown option"* ]]
	ok $? "$name --no-such-option: usage error on stderr, exit $rc"
done
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" = 0 ]
