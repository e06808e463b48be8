// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vm-exit - end the qemu guest with an exit status the host can trust.
 *
 * Writes STATUS to qemu's isa-debug-exit port (0xf4), which makes qemu exit
 * with 2 * STATUS + 1. A guest that crashes or reboots makes qemu exit with 0
 * instead, so a crash can never pass for success. Statically linked: the
 * guest has no C library.
 *
 * usage: vm-exit STATUS
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>
#include <unistd.h>

#define DEBUG_EXIT_PORT 0xf4

int main(int argc, char **argv)
{
	long status;

	if (argc != 2) {
		fprintf(stderr, "usage: vm-exit STATUS\n");
		return 2;
	}
	status = strtol(argv[1], NULL, 0);
	if (status < 0 || status > 127)
		status = 127;	/* qemu's exit status has 8 bits */
	if (ioperm(DEBUG_EXIT_PORT, 4, 1)) {
		perror("vm-exit: ioperm");
		return 1;
	}
	outl((unsigned int)status, DEBUG_EXIT_PORT);
	/* Not reached with the exit device present. */
	fprintf(stderr, "vm-exit: no isa-debug-exit device\n");
	return 1;
}
