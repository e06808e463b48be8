# SPDX-License-Identifier: GPL-2.0-or-later
#
# The debug-kernel test tier: `make check-debug`.
#
# Builds (once; cached under ~/.cache/mgm) a kernel with KASAN, lockdep,
# PROVE_RCU, kmemleak, UBSAN, fault injection and KUnit (testing/debug-kernel),
# mgm.ko and mgm_kunit.ko against it, and runs testing/check-debug: one guest
# boot per phase (the KUnit suites, then each selftest program), each ending
# with an unload of the module and a kmemleak scan. Prints the same summary
# line as `make check` and fails on any failed test, kernel splat or leak.
#
# Sizes of the heavy cases in this tier (override on the command line):
MGM_FUZZ_CALLS ?= 1000000
MGM_FUZZ_SEED ?= 1
MGM_LIFECYCLE_ENTRIES ?= 100000
# Churn: 2 writers, 2 enumerators, 100,000 stable entries and 20,000
# churning keys.
MGM_CHURN_STABLE ?= 100000
MGM_CHURN_CHURN ?= 20000
MGM_CHURN_WRITERS ?= 2
MGM_CHURN_READERS ?= 2
MGM_CHURN_ROUNDS ?= 4
# enum_test's large table: a tenth of the million (it ran ~8 minutes a
# binary at the full size here).
MGM_ENUM_LARGE ?= 100000
# Run only some phases, e.g. PHASES="kunit fault_test".
PHASES ?=

export MGM_FUZZ_CALLS MGM_FUZZ_SEED MGM_LIFECYCLE_ENTRIES MGM_ENUM_LARGE MGM_CHURN_STABLE \
	MGM_CHURN_CHURN MGM_CHURN_WRITERS MGM_CHURN_READERS MGM_CHURN_ROUNDS

# The reliability tests share a header of their own.
RELIABILITY_TESTS := fault_test fuzz_test lifecycle_test infoleak_test
$(addprefix $(B)/selftests/,$(RELIABILITY_TESTS)): selftests/reliability.h

check-debug: deps
	@$(TOP)/testing/check-debug $(PHASES)
