# SPDX-License-Identifier: GPL-2.0
# Command-line tools. GUEST_TOOLS are copied into the VM's /usr/bin.
#
# mgmctl links libmgm statically and is itself static, so the same binary
# runs in the guest (no C library there) and is what `make install` installs.

MGMCTL_SRCS := $(wildcard tools/mgmctl/*.c)
MGMCTL := $(B)/tools/mgmctl

GUEST_TOOLS := $(MGMCTL)

tools: $(MGMCTL)

$(MGMCTL): $(MGMCTL_SRCS) tools/mgmctl/mgmctl.h $(LIB_A) lib/mgm.h
	@mkdir -p $(@D)
	$(CC) $(LIB_CFLAGS) -o $@ $(MGMCTL_SRCS) $(LIB_A) $(STATIC)
