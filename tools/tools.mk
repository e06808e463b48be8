# SPDX-License-Identifier: GPL-2.0
# Command-line tools. GUEST_TOOLS are copied into the VM's /usr/bin.

GUEST_TOOLS := tools/mgm-demo

tools: $(B)/tools/vm-exit

$(B)/tools/vm-exit: tools/vm-exit.c
	@mkdir -p $(@D)
	$(CC) $(LIB_CFLAGS) -o $@ $< -static
