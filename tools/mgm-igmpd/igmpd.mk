# SPDX-License-Identifier: GPL-2.0-or-later
# mgm-igmpd: the IGMP side of MGM (tools/mgm-igmpd/), with its tests, its
# lab helper and its benchmark. Included from the top Makefile.
#
#   build/tools/mgm-igmpd        the daemon (static, libmgm linked in)
#   build/tools/mgm-igmpd-lab    veth/join helper for `make demo`
#   build/tools/mgm-igmpd-bench  reports processed per second (in the VM)
#   tools/mgm-igmpd/mgm-igmpd-demo   the IGMP scene of make demo
#   build/selftests/igmpd_unit_test  the state machines, fake clock and mgm
#   build/selftests/igmpd_test   real hosts' IGMP through veth links (VM)
#
# make igmpd-unit runs the unit tests on the build machine.

IGMPD_DIR := tools/mgm-igmpd
# The protocol, without sockets or libmgm: the unit tests link these.
IGMPD_CORE_SRCS := $(addprefix $(IGMPD_DIR)/,packet.c group.c querier.c \
	iface.c hold.c timer.c log.c config.c ctl.c) $(TOOLS_COMMON_SRCS)
IGMPD_SRCS := $(IGMPD_CORE_SRCS) $(addprefix $(IGMPD_DIR)/,mgm.c net.c main.c)
IGMPD_HDRS := $(wildcard $(IGMPD_DIR)/*.h) $(TOOLS_COMMON_HDRS)
IGMPD_LAB_SRCS := $(IGMPD_DIR)/test/lab.c
IGMPD_LAB_HDRS := $(IGMPD_DIR)/test/lab.h
IGMPD := $(B)/tools/mgm-igmpd
IGMPD_DYN := $(B)/tools/dyn/mgm-igmpd
IGMPD_LAB := $(B)/tools/mgm-igmpd-lab
IGMPD_BENCH := $(B)/tools/mgm-igmpd-bench

GUEST_TOOLS += $(IGMPD) $(IGMPD_LAB) $(IGMPD_BENCH) $(IGMPD_DIR)/mgm-igmpd-demo

.PHONY: igmpd-unit

tools: $(IGMPD) $(IGMPD_DYN) $(IGMPD_LAB) $(IGMPD_BENCH)
installed-tools: $(IGMPD_DYN)

$(IGMPD): $(IGMPD_SRCS) $(IGMPD_HDRS) $(LIB_A) lib/mgm.h
	@mkdir -p $(@D)
	$(CC) $(TOOLS_CFLAGS) -o $@ $(IGMPD_SRCS) $(LIB_A) $(STATIC)

# What make install installs: linked against libmgm.so.
$(IGMPD_DYN): $(IGMPD_SRCS) $(IGMPD_HDRS) $(LIB_SO) lib/mgm.h
	@mkdir -p $(@D)
	$(CC) $(TOOLS_CFLAGS) $(LDFLAGS) -o $@ $(IGMPD_SRCS) $(LIB_DYN_LINK)

$(IGMPD_LAB): $(IGMPD_DIR)/test/labtool.c $(IGMPD_LAB_SRCS) $(IGMPD_LAB_HDRS)
	@mkdir -p $(@D)
	$(CC) $(LIB_CFLAGS) -o $@ $< $(IGMPD_LAB_SRCS) $(STATIC)

$(IGMPD_BENCH): $(IGMPD_DIR)/bench-igmpd.c $(IGMPD_LAB_SRCS) $(IGMPD_LAB_HDRS)
	@mkdir -p $(@D)
	$(CC) $(LIB_CFLAGS) -I$(IGMPD_DIR)/test -o $@ $< $(IGMPD_LAB_SRCS) $(STATIC)

# These rules win over selftests.mk's pattern for their names.
$(B)/selftests/igmpd_unit_test: selftests/igmpd_unit_test.c $(IGMPD_CORE_SRCS) \
		$(IGMPD_HDRS) $(SELFTEST_DEPS)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -I$(IGMPD_DIR) -I$(TOOLS_COMMON) -o $@ $< $(IGMPD_CORE_SRCS) $(STATIC)

$(B)/selftests/igmpd_test: selftests/igmpd_test.c $(IGMPD_LAB_SRCS) \
		$(IGMPD_LAB_HDRS) $(SELFTEST_DEPS) $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -I$(IGMPD_DIR)/test -o $@ $< selftests/helpers.c \
		$(IGMPD_LAB_SRCS) $(LIB_A) $(STATIC)

igmpd-unit: $(B)/selftests/igmpd_unit_test
	$<

# make install / uninstall (install.mk) take the daemon along; its man page
# is in man/ with the others.
.PHONY: install-igmpd uninstall-igmpd
install-user: install-igmpd
uninstall: uninstall-igmpd

install-igmpd: $(IGMPD_DYN)
	$(INSTALL) -D -m 0755 $(IGMPD_DYN) $(DESTDIR)$(SBINDIR)/mgm-igmpd

uninstall-igmpd:
	rm -f $(DESTDIR)$(SBINDIR)/mgm-igmpd
