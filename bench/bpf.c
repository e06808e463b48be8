// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgm-bench: a BPF hash map through the raw bpf(2) system call. Key: the
 * 8-byte mgm key (group << 32 | source); value: the 16-byte record an mgm
 * enumeration returns. Read back with BPF_MAP_LOOKUP_BATCH, each call's
 * keys and values together within BENCH_BUF bytes (24 bytes a record).
 */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/mgm.h>
#include "bench.h"
#include "peers.h"

#define BPF_KEY		sizeof(uint64_t)
#define BPF_VALUE	sizeof(struct mgm_source_group)
#define BPF_PER_CALL	(BENCH_BUF / (BPF_KEY + BPF_VALUE))

static uint64_t batch_keys[BPF_PER_CALL];
static struct mgm_source_group batch_values[BPF_PER_CALL];

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

int bpfb_create(unsigned long max_entries, bool prealloc)
{
	union bpf_attr attr;
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_HASH;
	attr.key_size = BPF_KEY;
	attr.value_size = BPF_VALUE;
	attr.max_entries = max_entries;
	attr.map_flags = prealloc ? 0 : BPF_F_NO_PREALLOC;
	fd = sys_bpf(BPF_MAP_CREATE, &attr);
	if (fd < 0)
		bench_die("BPF_MAP_CREATE (%lu entries): %s", max_entries,
			  strerror(errno));
	return fd;
}

uint64_t bpfb_add(int map, unsigned long from, unsigned long to)
{
	struct mgm_source_group value;
	uint64_t i, key, t0 = now_ns();
	union bpf_attr attr;
	struct bench_sg sg;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = map;
	attr.key = (uintptr_t)&key;
	attr.value = (uintptr_t)&value;
	attr.flags = BPF_ANY;
	for (i = from; i < to; i++) {
		sg = bench_sg(i);
		key = bench_key(sg);
		value.source = sg.source;
		value.source_mask = 0xffffffffu;
		value.group = sg.group;
		value.group_mask = 0xffffffffu;
		if (sys_bpf(BPF_MAP_UPDATE_ELEM, &attr))
			bench_die("BPF_MAP_UPDATE_ELEM: %s", strerror(errno));
	}
	return now_ns() - t0;
}

uint64_t bpfb_dump(int map, unsigned long expect, unsigned long *calls)
{
	uint64_t in_batch, out_batch, t0 = now_ns(), ns;
	unsigned long records = 0, ncalls = 0;
	union bpf_attr attr;
	bool first = true, end = false;
	long ret;

	while (!end) {
		memset(&attr, 0, sizeof(attr));
		attr.batch.map_fd = map;
		attr.batch.in_batch = first ? 0 : (uintptr_t)&in_batch;
		attr.batch.out_batch = (uintptr_t)&out_batch;
		attr.batch.keys = (uintptr_t)batch_keys;
		attr.batch.values = (uintptr_t)batch_values;
		attr.batch.count = BPF_PER_CALL;
		ret = sys_bpf(BPF_MAP_LOOKUP_BATCH, &attr);
		if (ret && errno != ENOENT)
			bench_die("BPF_MAP_LOOKUP_BATCH: %s", strerror(errno));
		end = ret != 0;		/* ENOENT: no more entries */
		records += attr.batch.count;
		ncalls++;
		in_batch = out_batch;
		first = false;
	}
	ns = now_ns() - t0;
	if (records != expect)
		bench_die("BPF batch lookup: %lu records, expected %lu",
			  records, expect);
	if (calls)
		*calls = ncalls;
	return ns;
}
