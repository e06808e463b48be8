# SPDX-License-Identifier: GPL-2.0-or-later
# mgm-fwd: the forwarder (tools/mgm-fwd/). Included from the top Makefile.
#
#   build/tools/mgm-fwd          the daemon (static, for the guest)
#   build/tools/dyn/mgm-fwd      what make install installs
#   build/tools/mgm-fwd-bench    forwarding beside smcroute, igmpproxy (VM)
#   build/selftests/fwd_test     real packets through the router (VM)

FWD_DIR := tools/mgm-fwd
FWD_SRCS := $(filter-out $(FWD_DIR)/bench-fwd.c,$(wildcard $(FWD_DIR)/*.c)) $(TOOLS_COMMON_SRCS)
FWD_HDRS := $(wildcard $(FWD_DIR)/*.h) $(TOOLS_COMMON_HDRS) lib/mfe_wire.h VERSION
FWD := $(B)/tools/mgm-fwd
FWD_DYN := $(B)/tools/dyn/mgm-fwd
FWD_BENCH := $(B)/tools/mgm-fwd-bench

GUEST_TOOLS += $(FWD) $(FWD_DIR)/mgm-fwd-demo $(FWD_BENCH)

tools: $(FWD) $(FWD_DYN) $(FWD_BENCH)
installed-tools: $(FWD_DYN)

# No libmgm call: the raw device and the kernel's sockets only.
$(FWD): $(FWD_SRCS) $(FWD_HDRS)
	@mkdir -p $(@D)
	$(CC) $(TOOLS_CFLAGS) -o $@ $(FWD_SRCS) $(STATIC)

$(FWD_DYN): $(FWD_SRCS) $(FWD_HDRS)
	@mkdir -p $(@D)
	$(CC) $(TOOLS_CFLAGS) $(LDFLAGS) -o $@ $(FWD_SRCS)

# Forwarding beside smcroute and igmpproxy (make bench runs it in the VM).
$(FWD_BENCH): $(FWD_DIR)/bench-fwd.c $(IGMPD_LAB_SRCS) $(IGMPD_LAB_HDRS) $(LIB_A) lib/mgm.h
	@mkdir -p $(@D)
	$(CC) $(TOOLS_CFLAGS) -I$(IGMPD_DIR)/test -o $@ $< $(IGMPD_LAB_SRCS) $(LIB_A) $(STATIC)

$(B)/selftests/fwd_test: selftests/fwd_test.c $(IGMPD_LAB_SRCS) \
		$(IGMPD_LAB_HDRS) $(SELFTEST_DEPS) $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -I$(IGMPD_DIR)/test -o $@ $< selftests/helpers.c \
		$(IGMPD_LAB_SRCS) $(LIB_A) $(STATIC)

.PHONY: install-fwd uninstall-fwd
install-user: install-fwd
uninstall: uninstall-fwd

install-fwd: $(FWD_DYN)
	$(INSTALL) -D -m 0755 $(FWD_DYN) $(DESTDIR)$(SBINDIR)/mgm-fwd

uninstall-fwd:
	rm -f $(DESTDIR)$(SBINDIR)/mgm-fwd

# libmgm's MFE calls against a stand-in daemon that answers with the
# daemons' transport (make lib-check; wins over lib.mk's pattern rule).
$(B)/lib/tests/mfe_host_test: lib/tests/mfe_host_test.c tools/common/ctlsock.c \
		tools/common/ctlsock.h lib/mfe_wire.h $(LIB_HDRS) $(LIB_A) $(B)/linux/.done
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -I$(TOOLS_COMMON) -pthread -o $@ $< tools/common/ctlsock.c $(LIB_A)

# libmgm's MFE callbacks: a fake device's records, a stand-in daemon's requests.
$(B)/lib/tests/mfe_events_host_test: lib/tests/mfe_events_host_test.c tools/common/ctlsock.c \
		tools/common/ctlsock.h lib/tests/fake_dev.h lib/mfe_wire.h $(LIB_HDRS) $(LIB_A) \
		$(B)/linux/.done
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -I$(TOOLS_COMMON) -pthread -o $@ $< tools/common/ctlsock.c $(LIB_A)

# mgm-fwd's parts without main.c, on the build machine (make lib-check):
# memberships, MFEs, expiry, the upcall parser fed crafted upcalls.
FWD_PART_SRCS := $(filter-out $(FWD_DIR)/main.c,$(FWD_SRCS))
$(B)/lib/tests/fwd_unit_test: lib/tests/fwd_unit_test.c $(FWD_PART_SRCS) $(FWD_HDRS) \
		$(B)/linux/.done
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -I$(FWD_DIR) -I$(TOOLS_COMMON) -o $@ $< $(FWD_PART_SRCS)
