// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgm-bench: add rates. Every writer adds the same n (S,G) into a table of
 * its own (each mgm one in a network namespace of its own), starting empty,
 * and they take turns a chunk at a time (n/20
 * entries, at least 500), so that the host's load, which drifts over
 * seconds, weighs on all of them alike. Rates are entries added per second
 * of the writers' own calls.
 *
 * mgm's batch command gets each chunk in as few calls as MGM_BATCH_MAX
 * allows. mgm is also filled in a scattered order (no two consecutive adds
 * near each other) since its index, unlike a hash, cares about order. The
 * BPF hash map is measured as created by default, every element
 * preallocated at creation, and with BPF_F_NO_PREALLOC, which allocates per
 * update as mgm does.
 *
 * An mgm call that does no table work (MGM_IOC_STATS) is timed as well:
 * that is all batching saves per record, so batch / one per call is at most
 * (null call + batched add) / batched add.
 */
#include <string.h>
#include <unistd.h>
#include "bench.h"
#include "helpers.h"
#include "peers.h"

#define CHUNK_MIN	500
#define NULL_CALLS	20000

enum writer_kind { W_MGM, W_BPF, W_IPMR };

struct writer {
	const char *name;
	const char *extra;
	enum writer_kind kind;
	bool batch;		/* W_MGM */
	bool scattered;		/* W_MGM */
	bool prealloc;		/* W_BPF */
	struct mgmb t;
	int fd;			/* W_BPF: the map; W_IPMR: the socket */
	uint64_t ns;
};

static struct writer writers[] = {
	{ .name = "mgm_add_one", .extra = "order=ascending", .kind = W_MGM },
	{ .name = "mgm_add_batch", .extra = "order=ascending", .kind = W_MGM,
	  .batch = true },
	{ .name = "mgm_add_one_scattered", .extra = "order=scattered",
	  .kind = W_MGM, .scattered = true },
	{ .name = "mgm_add_batch_scattered", .extra = "order=scattered",
	  .kind = W_MGM, .batch = true, .scattered = true },
	{ .name = "bpf_update_elem", .extra = "map=prealloc", .kind = W_BPF,
	  .prealloc = true },
	{ .name = "bpf_update_elem_noprealloc",
	  .extra = "map=BPF_F_NO_PREALLOC", .kind = W_BPF },
	{ .name = "ipmr_add_mfc", .kind = W_IPMR },
};

#define NWRITERS	(sizeof(writers) / sizeof(writers[0]))

static uint64_t writer_add(struct writer *w, unsigned long from,
			   unsigned long to, unsigned long n)
{
	switch (w->kind) {
	case W_MGM:
		return mgmb_add(&w->t, from, to, n,
				w->scattered ? bench_stride(n) : 1, w->batch);
	case W_BPF:
		return bpfb_add(w->fd, from, to);
	case W_IPMR:
		return ipmr_add(w->fd, from, to);
	}
	return 0;
}

void bench_writes(unsigned long n, int ifindex0, int ifindex1, bool ipmr)
{
	unsigned long chunk = n / 20 > CHUNK_MIN ? n / 20 : CHUNK_MIN;
	unsigned long from, to;
	uint64_t null_ns;
	unsigned int i;
	bool on[NWRITERS];

	for (i = 0; i < NWRITERS; i++) {
		struct writer *w = &writers[i];

		w->ns = 0;
		on[i] = w->kind != W_IPMR || ipmr;
		if (!on[i])
			continue;
		if (w->kind == W_MGM)
			mgmb_open_isolated(&w->t);
		else if (w->kind == W_BPF)
			w->fd = bpfb_create(n, w->prealloc);
		else
			w->fd = ipmr_open(ifindex0, ifindex1);
	}

	for (from = 0; from < n; from = to) {
		to = n - from < chunk ? n : from + chunk;
		for (i = 0; i < NWRITERS; i++)
			if (on[i])
				writers[i].ns += writer_add(&writers[i], from,
							    to, n);
	}

	for (i = 0; i < NWRITERS; i++) {
		struct writer *w = &writers[i];

		if (!on[i])
			continue;
		bench_result(w->name, n, "per_s", n * 1e9 / w->ns, false,
			     "%s%schunk=%lu", w->extra ? w->extra : "",
			     w->extra ? " " : "", chunk);
	}

	null_ns = mgmb_null_calls(&writers[1].t, NULL_CALLS);
	bench_result("mgm_null_ioctl", n, "ns_per_call",
		     (double)null_ns / NULL_CALLS, false,
		     "calls=%u batch_ns_per_add=%.0f batch_vs_one_ceiling=%.2f",
		     NULL_CALLS, (double)writers[1].ns / n,
		     ((double)null_ns / NULL_CALLS + (double)writers[1].ns / n) /
		     ((double)writers[1].ns / n));

	for (i = 0; i < NWRITERS; i++) {
		struct writer *w = &writers[i];

		if (!on[i])
			continue;
		if (w->kind == W_MGM)
			mgmb_close(&w->t);
		else if (w->kind == W_BPF)
			close(w->fd);
		else
			ipmr_close(w->fd);
	}
}
