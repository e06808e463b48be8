// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgm-bench: the copy floor. A file on tmpfs already holds the n records
 * an enumeration returns (16 bytes each); reading it back with pread() in
 * BENCH_BUF chunks is a page-cache copy to user memory, the least work any
 * kernel interface returning those bytes can do.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/mgm.h>
#include "bench.h"
#include "peers.h"

#define FLOOR_PATH	"/tmp/mgm-bench-floor"

static char floor_buf[BENCH_BUF];

int floor_create(unsigned long n)
{
	struct mgm_source_group *rec = (void *)floor_buf;
	unsigned long i = 0, j, per = BENCH_BUF / sizeof(*rec);
	struct bench_sg sg;
	int fd;

	fd = open(FLOOR_PATH, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		bench_die("open %s: %s", FLOOR_PATH, strerror(errno));
	unlink(FLOOR_PATH);	/* gone with the last close */
	while (i < n) {
		for (j = 0; j < per && i < n; j++, i++) {
			sg = bench_sg(i);
			rec[j].source = sg.source;
			rec[j].source_mask = 0xffffffffu;
			rec[j].group = sg.group;
			rec[j].group_mask = 0xffffffffu;
		}
		if (write(fd, rec, j * sizeof(*rec)) != (ssize_t)(j * sizeof(*rec)))
			bench_die("write %s: %s", FLOOR_PATH, strerror(errno));
	}
	return fd;
}

uint64_t floor_read(int fd, unsigned long n, unsigned long *calls)
{
	uint64_t size = (uint64_t)n * sizeof(struct mgm_source_group);
	uint64_t off = 0, t0 = now_ns(), ns;
	unsigned long ncalls = 0;
	ssize_t r;

	while (off < size) {
		r = pread(fd, floor_buf, BENCH_BUF, off);
		if (r <= 0)
			bench_die("pread: %s", r ? strerror(errno) : "short file");
		off += r;
		ncalls++;
	}
	ns = now_ns() - t0;
	if (calls)
		*calls = ncalls;
	return ns;
}
