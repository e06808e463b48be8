# SPDX-License-Identifier: GPL-2.0-or-later
# The test bench: what runs the product in the VM, never installed.
# testing/vm-run boots the guest, testing/run-selftests runs the selftests
# in it, testing/mgm-demo is `make demo`'s scene; vm-exit is the guest's
# way to hand its exit status to qemu.

TESTING_GUEST := testing/run-selftests testing/mgm-demo

testing: $(B)/testing/vm-exit

$(B)/testing/vm-exit: testing/vm-exit.c
	@mkdir -p $(@D)
	$(CC) $(LIB_CFLAGS) -o $@ $< -static
