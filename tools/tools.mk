# SPDX-License-Identifier: GPL-2.0-or-later
# Command-line tools. GUEST_TOOLS are copied into the VM's /usr/bin.
#
# mgmctl links libmgm statically and is itself static, so the same binary
# runs in the guest (no C library there) and is what `make install` installs.
# tools/common/ holds what several programs share (the JSON writer).

TOOLS_COMMON := $(TOP)/tools/common
TOOLS_COMMON_SRCS := tools/common/json.c
TOOLS_COMMON_HDRS := tools/common/json.h
TOOLS_CFLAGS := $(LIB_CFLAGS) -I$(TOOLS_COMMON) $(VERSION_CFLAGS)

MGMCTL_SRCS := $(wildcard tools/mgmctl/*.c)
# Everything but main(): the host-side parser tests link these.
MGMCTL_LIB_SRCS := $(filter-out tools/mgmctl/main.c,$(MGMCTL_SRCS)) $(TOOLS_COMMON_SRCS)
MGMCTL_HDRS := $(wildcard tools/mgmctl/*.h) $(TOOLS_COMMON_HDRS)
MGMCTL := $(B)/tools/mgmctl

GUEST_TOOLS := $(MGMCTL)

tools: $(MGMCTL)

$(MGMCTL): $(MGMCTL_SRCS) $(MGMCTL_HDRS) $(TOOLS_COMMON_SRCS) $(LIB_A) lib/mgm.h
	@mkdir -p $(@D)
	$(CC) $(TOOLS_CFLAGS) -o $@ $(MGMCTL_SRCS) $(TOOLS_COMMON_SRCS) $(LIB_A) $(STATIC)

# mgmctl monitor against a fake device (open() and ioctl() interposed).
$(B)/lib/tests/mgmctl_monitor_test: lib/tests/mgmctl_monitor_test.c $(MGMCTL_LIB_SRCS) \
		$(MGMCTL_HDRS) $(LIB_HDRS) $(LIB_A) $(B)/linux/.done
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -I$(TOOLS_COMMON) $(VERSION_CFLAGS) -pthread -o $@ $< $(MGMCTL_LIB_SRCS) $(LIB_A)

# mgmctl's grammar (everything but its main()) and the shared JSON writer,
# tested on the host: no device is opened while parsing.
$(B)/lib/tests/mgmctl_parse_test: lib/tests/mgmctl_parse_test.c $(MGMCTL_LIB_SRCS) \
		$(MGMCTL_HDRS) $(LIB_HDRS) $(LIB_A) $(B)/linux/.done
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -I$(TOOLS_COMMON) $(VERSION_CFLAGS) -pthread -o $@ $< $(MGMCTL_LIB_SRCS) $(LIB_A)
