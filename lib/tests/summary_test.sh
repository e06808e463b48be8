#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# summary_test.sh - testing/selftest-summary counts what a run really did:
# a program that never finished (the guest crashed, hung or was killed), one
# never started, a crash after a program's totals, an "exited" line cut by
# a kernel message, a non-zero exit with passing totals, a failed VM with
# passing tests. Each case feeds a console log to the script and checks the
# exact summary line, the program it names and its exit status. TAP output
# with kselftest totals (make lib-check).
set -u
summary=${TOP:?}/testing/selftest-summary
pass=0 fail=0 n=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# check NAME VM-STATUS WANT-LINE WANT-RC [WANT-NAMED]  (log on stdin)
check() {
	local name=$1 vm=$2 want=$3 want_rc=$4 named=${5:-} out rc last ok=1
	cat >"$tmp/log"
	out=$("$summary" "$tmp/log" "$vm" 2>&1)
	rc=$?
	last=$(printf '%s\n' "$out" | tail -n 1)
	n=$((n + 1))
	[ "$last" = "$want" ] || ok=0
	[ "$rc" = "$want_rc" ] || ok=0
	if [ -n "$named" ] && ! printf '%s\n' "$out" | grep -q "FAIL $named:"; then
		ok=0
	fi
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
		echo "ok $n $name"
	else
		fail=$((fail + 1))
		echo "not ok $n $name"
		printf '# got (rc %s):\n' "$rc"
		printf '%s\n' "$out" | sed 's/^/#   /'
		echo "#   want: $want (rc $want_rc)${named:+ naming $named}"
	fi
}

echo "TAP version 13"
echo "1..8"

check "a clean run" 0 "selftests: 3 passed, 0 failed, 1 skipped" 0 <<'EOF'
# selftest-plan: a_test b_test
# selftest: a_test
# Totals: pass:2 fail:0 xfail:0 xpass:0 skip:1 error:0
# selftest: a_test exited 0
# selftest: b_test
# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0
# selftest: b_test exited 0
EOF

check "the guest dies inside a program: it and the one after it fail" 1 \
	"selftests: 2 passed, 2 failed, 0 skipped" 1 b_test <<'EOF'
# selftest-plan: a_test b_test c_test
# selftest: a_test
# Totals: pass:2 fail:0 xfail:0 xpass:0 skip:0 error:0
# selftest: a_test exited 0
# selftest: b_test
#  RUN           global.walks ...
[   12.345678] BUG: kernel NULL pointer dereference, address: 0000000000000008
EOF

check "a crash after a program's totals" 1 \
	"selftests: 1 passed, 1 failed, 0 skipped" 1 a_test <<'EOF'
# selftest-plan: a_test
# selftest: a_test
# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0
[    3.100000] Oops: general protection fault
EOF

check "an exited line cut by a kernel message still counts" 0 \
	"selftests: 1 passed, 0 failed, 0 skipped" 0 <<'EOF'
# selftest-plan: a_test
# selftest: a_test
# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0
# selftest: a_t[    5.123456] mgm: a kernel message in the middle
est exited 0
EOF

check "a non-zero exit with passing totals fails" 0 \
	"selftests: 1 passed, 1 failed, 0 skipped" 1 a_test <<'EOF'
# selftest-plan: a_test
# selftest: a_test
# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0
# selftest: a_test exited 139
EOF

check "a failed VM never reads 0 failed" 3 \
	"selftests: 1 passed, 1 failed, 0 skipped" 1 "(run)" <<'EOF'
# selftest-plan: a_test
# selftest: a_test
# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0
# selftest: a_test exited 0
EOF

check "a planned program never started is named" 1 \
	"selftests: 1 passed, 1 failed, 0 skipped" 1 b_test <<'EOF'
# selftest-plan: a_test b_test
# selftest: a_test
# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0
# selftest: a_test exited 0
# run-selftests: no time left for b_test (MGM_VM_TIMEOUT 1500 s): not run
EOF

check "nothing ran" 1 "selftests: 0 passed, 1 failed, 0 skipped" 1 "(run)" </dev/null

echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" = 0 ]
