#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# abi_check.sh - libmgm.so exports exactly the names of lib/libmgm.map, each
# at the version of the map's node that lists it (MGM_1.0, MGM_1.1, ...),
# and they are exactly the MGM_API declarations of lib/mgm.h; the soname is
# libmgm.so.1. TAP output with kselftest totals.
set -u
cd "${TOP:?}"
v=$(cat VERSION)
so=${B:?}/lib/libmgm.so.$v
pass=0 fail=0 n=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then pass=$((pass + 1)); echo "ok $n $2"
	else fail=$((fail + 1)); echo "not ok $n $2"; fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "TAP version 13"
echo "1..6"
# Names in the version script's global list.
sed -n '/global:/,/local:/p' lib/libmgm.map | grep -Eo '^[[:space:]]+[A-Za-z_][A-Za-z0-9_]*;' |
	tr -d ' \t;' | sort >"$tmp/map"
# Defined dynamic symbols, without the version node itself.
nm -D --defined-only "$so" | awk '$2 != "A" { print $3 }' | sed 's/@.*//' | sort >"$tmp/exported"
# Functions the header marks MGM_API.
sed -n 's/^MGM_API [^(]*[ *]\([A-Za-z_][A-Za-z0-9_]*\)(.*/\1/p' lib/mgm.h | sort >"$tmp/header"

diff -u "$tmp/map" "$tmp/exported" >"$tmp/d1"; r=$?
[ -s "$tmp/map" ] || r=1
ok $r "exported symbols = version script ($(wc -l <"$tmp/map") names)"
[ $r = 0 ] || sed 's/^/# /' "$tmp/d1"

diff -u "$tmp/map" "$tmp/header" >"$tmp/d2"; r=$?
ok $r "version script = MGM_API declarations of mgm.h"
[ $r = 0 ] || sed 's/^/# /' "$tmp/d2"

# name -> node, from the map: each node's names are versioned with it.
awk '/^MGM_[0-9.]+ *\{/ { node = $1 } /^[[:space:]]+[A-Za-z_][A-Za-z0-9_]*;/ && node { gsub(/[ \t;]/, ""); print $0 "@@" node }' \
	lib/libmgm.map | sort >"$tmp/want"
nm -D --defined-only "$so" | awk '$2 != "A" { print $3 }' | sort >"$tmp/got"
bad=$(comm -3 "$tmp/want" "$tmp/got" | tr -d '\t' | tr '\n' ' ')
[ -z "$bad" ]; ok $? "every export is versioned with its node of libmgm.map${bad:+ (differ: $bad)}"

soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libmgm.so.1 ]; ok $? "soname is libmgm.so.1 (got $soname)"

[ "$(readlink "$B/lib/libmgm.so.1")" = "libmgm.so.$v" ] &&
	[ "$(readlink "$B/lib/libmgm.so")" = libmgm.so.1 ]
ok $? "symlinks libmgm.so -> libmgm.so.1 -> libmgm.so.$v"

# The static archive: every global name is exported API or libmgm_*, so
# internals cannot collide with a program's own mgm_* names.
odd=$(nm -g --defined-only "$B/lib/libmgm.a" | awk 'NF == 3 { print $3 }' |
	grep -vxF -f "$tmp/map" | grep -v '^libmgm_')
[ -z "$odd" ]; ok $? "libmgm.a defines only API names and libmgm_* internals"
[ -z "$odd" ] || echo "$odd" | sed 's/^/# /'

echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" = 0 ]
