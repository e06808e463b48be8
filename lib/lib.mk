# SPDX-License-Identifier: LGPL-2.1-or-later
# libmgm: the Windows MGM API over /dev/mgm.
#
# build/lib/libmgm.a and build/lib/libmgm.so.$(LIB_VERSION) (soname
# libmgm.so.1, symlinks libmgm.so.1 and libmgm.so beside it), built from
# the same sources with -fvisibility=hidden: only the names of
# lib/libmgm.map (marked MGM_API in lib/mgm.h) are exported.
#
# make lib-check runs the host-side tests of lib/tests/ (no kernel needed).

# The library's version is the project's; its soname carries the major
# number only (docs/versions.md).
LIB_VERSION := $(MGM_VERSION)
LIB_SONAME := libmgm.so.$(MGM_VERSION_MAJOR)
LIB_SRCS := $(wildcard lib/*.c)
LIB_HDRS := lib/mgm.h lib/internal.h lib/mfe_wire.h uapi/linux/mgm.h
# Headers the host tests and the library's selftests share.
LIB_TEST_HDRS := $(wildcard lib/tests/*.h)
LIB_MAP := lib/libmgm.map
LIB_A := $(B)/lib/libmgm.a
LIB_SO := $(B)/lib/libmgm.so.$(LIB_VERSION)
LIB_OBJ_CFLAGS := $(LIB_CFLAGS) -fvisibility=hidden -pthread

.PHONY: lib-check

lib: $(LIB_A) $(LIB_SO)

# lib/mgm.h's version macros must be VERSION's before anything is built.
$(B)/.version-ok: VERSION lib/mgm.h packaging/dkms.conf testing/version-check
	@mkdir -p $(@D)
	@testing/version-check -q
	@touch $@

$(B)/lib/static/%.o: lib/%.c $(LIB_HDRS) $(B)/.version-ok
	@mkdir -p $(@D)
	$(CC) $(LIB_OBJ_CFLAGS) -c -o $@ $<

$(B)/lib/shared/%.o: lib/%.c $(LIB_HDRS) $(B)/.version-ok
	@mkdir -p $(@D)
	$(CC) $(LIB_OBJ_CFLAGS) -fPIC -c -o $@ $<

$(LIB_A): $(patsubst lib/%.c,$(B)/lib/static/%.o,$(LIB_SRCS))
	rm -f $@
	ar rcs $@ $^

$(LIB_SO): $(patsubst lib/%.c,$(B)/lib/shared/%.o,$(LIB_SRCS)) $(LIB_MAP)
	$(CC) -shared -pthread $(LDFLAGS) -Wl,-soname,$(LIB_SONAME) \
		-Wl,--version-script=$(LIB_MAP) -Wl,-z,defs -Wl,-z,relro,-z,now \
		-o $@ $(filter %.o,$^)
	ln -sf $(notdir $@) $(B)/lib/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $(B)/lib/libmgm.so

# In-VM selftests of the library (selftests/lib_*_test.c) link it
# statically; this rule wins over selftests.mk's for their names.
$(B)/selftests/lib_%_test: selftests/lib_%_test.c selftests/lib_test.h $(LIB_TEST_HDRS) \
		$(SELFTEST_DEPS) $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $< selftests/helpers.c $(LIB_A) $(STATIC)

# --- host-side tests ---------------------------------------------------------
LIB_TEST_NAMES := $(notdir $(basename $(wildcard lib/tests/*_test.c)))
LIB_TEST_BINS := $(addprefix $(B)/lib/tests/,$(LIB_TEST_NAMES))

$(B)/lib/tests/%_test: lib/tests/%_test.c $(LIB_HDRS) $(LIB_TEST_HDRS) $(LIB_A) $(B)/linux/.done
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -pthread -o $@ $< $(LIB_A)

# mgmctl_parse_test's rule is in tools/tools.mk, beside mgmctl's sources.

$(B)/lib/tests/cxx_test: lib/tests/cxx_test.cpp $(LIB_HDRS) $(LIB_A)
	@mkdir -p $(@D)
	$(CXX) -std=c++11 -pedantic $(OPT) $(WARN) -I$(TOP)/uapi -I$(TOP)/lib \
		-pthread -o $@ $< $(LIB_A)

lib-check: lib tools module $(LIB_TEST_BINS) $(B)/lib/tests/cxx_test
	@TOP=$(TOP) B=$(B) DKMS_KDIR=$(KDIR) KMOD=$(KMOD) MAKE="$(MAKE)" lib/tests/run-host-tests \
		$(LIB_TEST_BINS) $(B)/lib/tests/cxx_test \
		lib/tests/abi_check.sh lib/tests/install_test.sh \
		lib/tests/summary_test.sh tools/tests/cli_test.sh tools/tests/units_test.sh \
		testing/version-check

# A 32-bit libmgm for the 32-bit build of lib_events_test (same records,
# other pointer size: ROUTING_PROTOCOL_CONFIG's layout, handles).
LIB32_A := $(B)/lib/libmgm32.a
SELFTEST_BINS += $(B)/selftests/lib_events_test_32

selftests: $(B)/selftests/lib_events_test_32

$(B)/lib/static32/%.o: lib/%.c $(LIB_HDRS)
	@mkdir -p $(@D)
	$(CC) -m32 $(LIB_OBJ_CFLAGS) -c -o $@ $<

$(LIB32_A): $(patsubst lib/%.c,$(B)/lib/static32/%.o,$(LIB_SRCS))
	rm -f $@
	ar rcs $@ $^

$(B)/selftests/lib_events_test_32: selftests/lib_events_test.c selftests/lib_test.h \
		$(LIB_TEST_HDRS) $(SELFTEST_DEPS) $(LIB32_A)
	@mkdir -p $(@D)
	$(CC) -m32 $(TEST_CFLAGS) -o $@ $< selftests/helpers.c $(LIB32_A) $(STATIC)
