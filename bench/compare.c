// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgm-bench --compare-ko PATH: the enumeration of this build's module and
 * of another build of it (a modified walk, say), measured in the same guest
 * run, one after the other, twice each (A B A B), best of each: the ratio
 * of the two is then not at the mercy of the machine's load between runs.
 * Runs first, before any other measurement holds a file of /dev/mgm open
 * (the module is reloaded for each turn), and leaves this build's module
 * loaded.
 */
#include <stdlib.h>
#include <string.h>
#include "bench.h"
#include "helpers.h"
#include "peers.h"

static char cmp_buf[BENCH_BUF];

static void load(const char *ko)
{
	int ret;

	setenv("MGM_KO", ko, 1);
	ret = module_reload(NULL);
	if (ret)
		bench_die("loading %s: %s", ko, strerror(-ret));
}

/* Best full enumeration of @n records, ns, with @bufsize-byte buffers. */
static uint64_t best_enum(int fd, uint32_t bufsize, unsigned long n,
			  unsigned int reps)
{
	uint64_t best = UINT64_MAX, ns;
	unsigned long records;
	unsigned int r;

	for (r = 0; r < reps; r++) {
		ns = mgmb_enum(fd, cmp_buf, bufsize, &records, NULL);
		if (records != n)
			bench_die("compare: %lu records, expected %lu", records, n);
		if (ns < best)
			best = ns;
	}
	return best;
}

void bench_compare_walk(const char *alt_ko, const unsigned long *sizes,
			unsigned int nsizes, int ifindex)
{
	const char *kos[2] = { getenv("MGM_KO"), alt_ko };
	const char *names[2] = { "this", "other" };
	uint64_t best64[2], best1[2], ns;
	unsigned int s, turn, k;
	unsigned long n;
	struct mgmb t;

	if (!kos[0])
		kos[0] = "/lib/mgm/mgm.ko";
	kos[0] = strdup(kos[0]);
	for (s = 0; s < nsizes; s++) {
		n = sizes[s];
		best64[0] = best64[1] = best1[0] = best1[1] = UINT64_MAX;
		for (turn = 0; turn < 4; turn++) {
			k = turn % 2;
			load(kos[k]);
			mgmb_open(&t, ifindex, 1);
			mgmb_add(&t, 0, n, n, 1, true);
			ns = best_enum(t.fd, BENCH_BUF, n, bench_reps(n));
			if (ns < best64[k])
				best64[k] = ns;
			ns = best_enum(t.fd, sizeof(struct mgm_source_group), n,
				       (bench_reps(n) + 2) / 3);
			if (ns < best1[k])
				best1[k] = ns;
			mgmb_close(&t);
		}
		for (k = 0; k < 2; k++) {
			bench_result("compare_enum_64k", n, "ns_per_record",
				     (double)best64[k] / n, false, "module=%s",
				     names[k]);
			bench_result("compare_enum_1rec", n, "ns_per_call",
				     (double)best1[k] / n, false, "module=%s",
				     names[k]);
		}
		bench_note("compare n=%lu: this vs other: 64 KiB %.3fx, one record %.3fx",
			   n, (double)best64[0] / best64[1],
			   (double)best1[0] / best1[1]);
	}
	load(kos[0]);
	setenv("MGM_KO", kos[0], 1);
}
