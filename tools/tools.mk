# SPDX-License-Identifier: GPL-2.0-or-later
# Command-line tools. GUEST_TOOLS are copied into the VM's /usr/bin.
#
# build/tools/mgmctl links libmgm statically and is itself static, so it
# runs in the guest (no C library there); build/tools/dyn/mgmctl, linked
# against libmgm.so, is what `make install` installs (LDFLAGS apply to it).
# tools/common/ holds what several programs share (the JSON writer).

TOOLS_COMMON := $(TOP)/tools/common
TOOLS_COMMON_SRCS := tools/common/json.c tools/common/member_walk.c tools/common/ctlsock.c
TOOLS_COMMON_HDRS := tools/common/json.h tools/common/member_walk.h tools/common/ctlsock.h
TOOLS_CFLAGS := $(LIB_CFLAGS) -I$(TOOLS_COMMON) $(VERSION_CFLAGS)

MGMCTL_SRCS := $(wildcard tools/mgmctl/*.c)
# Everything but main(): the host-side parser tests link these.
MGMCTL_LIB_SRCS := $(filter-out tools/mgmctl/main.c,$(MGMCTL_SRCS)) $(TOOLS_COMMON_SRCS)
MGMCTL_HDRS := $(wildcard tools/mgmctl/*.h) $(TOOLS_COMMON_HDRS)
MGMCTL := $(B)/tools/mgmctl

GUEST_TOOLS := $(MGMCTL)

MGMCTL_DYN := $(B)/tools/dyn/mgmctl
# Link the installed programs against build/lib/libmgm.so (soname libmgm.so.1).
LIB_DYN_LINK := -L$(B)/lib -lmgm -pthread

.PHONY: installed-tools
tools: $(MGMCTL) $(MGMCTL_DYN)
# Only what make install installs (the Debian build's target).
installed-tools: $(MGMCTL_DYN)

$(MGMCTL): $(MGMCTL_SRCS) $(MGMCTL_HDRS) $(TOOLS_COMMON_SRCS) $(LIB_A) lib/mgm.h
	@mkdir -p $(@D)
	$(CC) $(TOOLS_CFLAGS) -o $@ $(MGMCTL_SRCS) $(TOOLS_COMMON_SRCS) $(LIB_A) $(STATIC)

$(MGMCTL_DYN): $(MGMCTL_SRCS) $(MGMCTL_HDRS) $(TOOLS_COMMON_SRCS) $(LIB_SO) lib/mgm.h
	@mkdir -p $(@D)
	$(CC) $(TOOLS_CFLAGS) $(LDFLAGS) -o $@ $(MGMCTL_SRCS) $(TOOLS_COMMON_SRCS) $(LIB_DYN_LINK)

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
