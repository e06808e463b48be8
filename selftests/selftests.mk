# SPDX-License-Identifier: GPL-2.0
# Selftests: one static kselftest-harness program per concern, run in the VM.
# Tests listed in SELFTESTS_32 are also built as 32-bit programs (name_32),
# which reach the module through its compat_ioctl path.

SELFTEST_NAMES := $(notdir $(basename $(wildcard selftests/*_test.c)))
SELFTESTS_32 := $(filter abi_test table_test enum_test events_test,$(SELFTEST_NAMES))
SELFTEST_BINS := $(addprefix $(B)/selftests/,$(SELFTEST_NAMES) \
	$(addsuffix _32,$(SELFTESTS_32)))
SELFTEST_DEPS := selftests/helpers.h selftests/helpers.c uapi/linux/mgm.h \
	$(B)/linux/.done

selftests: $(SELFTEST_BINS)

$(B)/selftests/%: selftests/%.c $(SELFTEST_DEPS)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $< selftests/helpers.c $(STATIC)

$(B)/selftests/%_32: selftests/%.c $(SELFTEST_DEPS)
	@mkdir -p $(@D)
	$(CC) -m32 $(TEST_CFLAGS) -o $@ $< selftests/helpers.c $(STATIC)
