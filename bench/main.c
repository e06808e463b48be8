// SPDX-License-Identifier: GPL-2.0
/*
 * mgm-bench - mgm's table side by side with the kernel's own tables.
 *
 * usage: mgm-bench [--sizes N,N,...] [--peer-max N] [--peer-limit SECONDS]
 *                  [--writer-n N] [--round-ms MS]
 *
 * Runs in the VM (tools/vm-run) as root. For each size N it fills mgm (with
 * the batch command, then again one membership per call), a BPF hash map,
 * a tmpfs file (the copy floor) and, up to --peer-max, the kernel's
 * multicast forwarding cache with the same N (S,G), then reads each back
 * whole, interleaved, and keeps the best of several repetitions; the
 * smallest size's mgm table, kept in a namespace of its own, is read again
 * alongside each larger one. At --writer-n it also measures writers under a
 * reader; at every N the kernel memory mgm's entries cost. Prints one
 * "bench:" line per measurement, then the ratios against issue 7's targets
 * and markdown tables.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "bench.h"
#include "helpers.h"
#include "memory.h"
#include "peers.h"

struct opts {
	unsigned long sizes[BENCH_SIZES_MAX];
	unsigned int nsizes;
	unsigned long peer_max;		/* largest N for ipmr */
	uint64_t peer_limit_ns;		/* time one ipmr dump may take */
	unsigned long writer_n;		/* table size for writers/reader */
	uint64_t round_ns;		/* one writer round */
};

#define NULL_CALLS	20000
/* The small table's read is short: several per repetition. */
#define SMALL_PER_REP	8

static char enum_buf[BENCH_BUF];

static void parse_sizes(struct opts *o, char *arg)
{
	char *tok, *save = NULL;

	o->nsizes = 0;
	for (tok = strtok_r(arg, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (o->nsizes == BENCH_SIZES_MAX)
			bench_die("at most %d sizes", BENCH_SIZES_MAX);
		o->sizes[o->nsizes] = strtoul(tok, NULL, 0);
		if (!o->sizes[o->nsizes] ||
		    (o->nsizes && o->sizes[o->nsizes] <= o->sizes[o->nsizes - 1]))
			bench_die("--sizes: ascending positive numbers");
		o->nsizes++;
	}
}

static void parse(struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "sizes", required_argument, NULL, 's' },
		{ "peer-max", required_argument, NULL, 'p' },
		{ "peer-limit", required_argument, NULL, 'l' },
		{ "writer-n", required_argument, NULL, 'w' },
		{ "round-ms", required_argument, NULL, 'r' },
		{ 0 }
	};
	char sizes[] = "1000,10000,100000,1000000";
	int c;

	parse_sizes(o, sizes);
	o->peer_max = 100000;
	o->peer_limit_ns = 60 * 1000000000ull;
	o->writer_n = 100000;
	o->round_ns = 500000000ull;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			parse_sizes(o, optarg);
			break;
		case 'p':
			o->peer_max = strtoul(optarg, NULL, 0);
			break;
		case 'l':
			o->peer_limit_ns = strtod(optarg, NULL) * 1e9;
			break;
		case 'w':
			o->writer_n = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			o->round_ns = strtoul(optarg, NULL, 0) * 1000000ull;
			break;
		default:
			fprintf(stderr, "usage: see %s\n", __FILE__);
			exit(2);
		}
	}
}

static double per(uint64_t ns, unsigned long count)
{
	return (double)ns / count;
}

static double rate(uint64_t ns, unsigned long count)
{
	return count * 1e9 / ns;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/*
 * The smallest size's mgm table, in a network namespace of its own, is
 * measured again alongside every larger one: the per-record cost at n vs
 * at the smallest n is then a ratio of two numbers taken side by side.
 */
struct small {
	struct mgmb t;
	unsigned long n;
};

static void small_create(struct small *s, unsigned long n)
{
	int home, ifindex;

	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0 || unshare(CLONE_NEWNET))
		bench_die("new network namespace: %s", strerror(errno));
	ifindex = make_dummy("small0");
	if (ifindex < 0)
		bench_die("cannot make a dummy interface");
	/* The file keeps the namespace, and so the table, alive. */
	mgmb_open(&s->t, ifindex, 1);
	mgmb_fill_batch(&s->t, 0, n);
	s->n = n;
	if (setns(home, CLONE_NEWNET))
		bench_die("setns: %s", strerror(errno));
	close(home);
}

/* One timed full enumeration; dies unless it returned @n records. */
static uint64_t enum_once(int fd, uint32_t bufsize, unsigned long n,
			  unsigned long *calls)
{
	unsigned long records;
	uint64_t ns = mgmb_enum(fd, enum_buf, bufsize, &records, calls);

	if (records != n)
		bench_die("mgm enumeration: %lu records, expected %lu",
			  records, n);
	return ns;
}

/*
 * mgm (64 KiB and one-record buffers, and the small table alongside), the
 * BPF batch lookup and the copy floor, interleaved, best of bench_reps().
 */
static void bench_reads(int mgm_fd, int map, int floor_fd, unsigned long n,
			const struct small *small)
{
	uint64_t best_mgm = UINT64_MAX, best_bpf = UINT64_MAX;
	uint64_t best_floor = UINT64_MAX, best_one = UINT64_MAX;
	uint64_t small_mgm = UINT64_MAX, small_one = UINT64_MAX;
	unsigned long mgm_calls = 0, bpf_calls = 0, floor_calls = 0;
	unsigned int k, r, reps = bench_reps(n), one_reps = (reps + 2) / 3;
	const uint32_t rec = sizeof(struct mgm_source_group);
	bool alongside = small && small->n < n;

	for (r = 0; r < reps; r++) {
		best_mgm = min_u64(best_mgm, enum_once(mgm_fd, BENCH_BUF, n,
						       &mgm_calls));
		best_bpf = min_u64(best_bpf, bpfb_dump(map, n, &bpf_calls));
		best_floor = min_u64(best_floor,
				     floor_read(floor_fd, n, &floor_calls));
		for (k = 0; alongside && k < SMALL_PER_REP; k++)
			small_mgm = min_u64(small_mgm,
					    enum_once(small->t.fd, BENCH_BUF,
						      small->n, NULL));
	}
	/* One record per call: n calls, so fewer repetitions. */
	for (r = 0; r < one_reps; r++) {
		best_one = min_u64(best_one, enum_once(mgm_fd, rec, n, NULL));
		if (alongside)
			small_one = min_u64(small_one,
					    enum_once(small->t.fd, rec,
						      small->n, NULL));
	}

	bench_result("mgm_enum_64k", n, "ns_per_record", per(best_mgm, n),
		     false, "calls=%lu reps=%u", mgm_calls, reps);
	bench_result("mgm_enum_1rec", n, "ns_per_call", per(best_one, n),
		     false, "calls=%lu reps=%u", n, one_reps);
	if (alongside) {
		bench_result("mgm_enum_64k_small", n, "ns_per_record",
			     per(small_mgm, small->n), false,
			     "small_n=%lu reps=%u", small->n,
			     reps * SMALL_PER_REP);
		bench_result("mgm_enum_1rec_small", n, "ns_per_call",
			     per(small_one, small->n), false,
			     "small_n=%lu reps=%u", small->n, one_reps);
	}
	bench_result("bpf_lookup_batch", n, "ns_per_record",
		     per(best_bpf, n), false, "calls=%lu reps=%u", bpf_calls,
		     reps);
	bench_result("copy_floor", n, "ns_per_record", per(best_floor, n),
		     false, "calls=%lu reps=%u bytes=%lu", floor_calls, reps,
		     n * (unsigned long)rec);
}

/* The ipmr dumps: a few repetitions while they are fast, then one. */
static void bench_ipmr_dump(const char *name, unsigned long n,
			    uint64_t limit_ns,
			    uint64_t (*dump)(unsigned long, uint64_t,
					     unsigned long *, bool *))
{
	unsigned long records = 0;
	uint64_t best = UINT64_MAX, ns;
	unsigned int r, reps = n <= 10000 ? 3 : 1;
	bool stopped = false;

	for (r = 0; r < reps && !stopped; r++) {
		ns = dump(n, limit_ns, &records, &stopped);
		if (stopped)
			best = ns;
		else
			best = min_u64(best, ns);
	}
	if (stopped)
		bench_result(name, n, "ns_per_record", per(best, records), true,
			     "stopped_after_s=%.1f records=%lu of %lu",
			     best / 1e9, records, n);
	else
		bench_result(name, n, "ns_per_record", per(best, n), false,
			     "reps=%u", reps);
}

/*
 * Writes: mgm with the batch command (and the kernel memory it took), then
 * one membership per call into a fresh table; a BPF hash map (as created
 * by default, every element preallocated, and with BPF_F_NO_PREALLOC). The
 * cost of an mgm call that does no table work says how far batching can
 * go: batch/one-per-call is at most (null call + batch add) / batch add.
 */
static void bench_size(const struct opts *o, unsigned long n, int if0,
		       int if1, const struct small *small)
{
	struct kmem_snap before, after;
	uint64_t ns, batch_ns, null_ns;
	int map, floor_fd, sock;
	struct mgmb a, b;

	mgmb_open(&a, if0, 1);
	kmem_snap(&before);
	batch_ns = mgmb_fill_batch(&a, 0, n);
	kmem_snap(&after);
	bench_result("mgm_add_batch", n, "per_s", rate(batch_ns, n), false,
		     "batch=%u", MGM_BATCH_MAX);
	kmem_report(&before, &after, n);
	mgmb_verify(a.fd, n);
	null_ns = mgmb_null_calls(&a, NULL_CALLS);
	bench_result("mgm_null_ioctl", n, "ns_per_call",
		     per(null_ns, NULL_CALLS), false,
		     "calls=%u batch_ns_per_add=%.0f batch_vs_one_ceiling=%.2f",
		     NULL_CALLS, per(batch_ns, n),
		     (per(null_ns, NULL_CALLS) + per(batch_ns, n)) /
		     per(batch_ns, n));

	map = bpfb_create(n, true);
	ns = bpfb_fill(map, n);
	bench_result("bpf_update_elem", n, "per_s", rate(ns, n), false,
		     "map=prealloc");
	floor_fd = floor_create(n);

	bench_reads(a.fd, map, floor_fd, n, small);
	close(floor_fd);
	close(map);
	if (n == o->writer_n)
		bench_writers_under_reader(&a, n, o->round_ns);
	mgmb_close(&a);

	mgmb_open(&b, if0, 2);
	ns = mgmb_fill_one(&b, 0, n);
	bench_result("mgm_add_one", n, "per_s", rate(ns, n), false, NULL);
	mgmb_close(&b);

	map = bpfb_create(n, false);
	ns = bpfb_fill(map, n);
	bench_result("bpf_update_elem_noprealloc", n, "per_s", rate(ns, n),
		     false, "map=BPF_F_NO_PREALLOC");
	close(map);

	if (n > o->peer_max)
		return;
	sock = ipmr_open(if0, if1);
	ns = ipmr_fill(sock, n);
	bench_result("ipmr_add_mfc", n, "per_s", rate(ns, n), false, NULL);
	bench_ipmr_dump("ipmr_netlink_dump", n, o->peer_limit_ns,
			ipmr_dump_netlink);
	bench_ipmr_dump("ipmr_proc_dump", n, o->peer_limit_ns,
			ipmr_dump_proc);
	ipmr_close(sock);
}

int main(int argc, char **argv)
{
	uint64_t t0 = now_ns();
	struct small small;
	struct utsname u;
	struct opts o;
	unsigned int i;
	int if0, if1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse(&o, argc, argv);
	uname(&u);
	bench_note("kernel %s, %ld cpus, buffer %u bytes, peers up to n=%lu stopped after %.0f s",
		   u.release, sysconf(_SC_NPROCESSORS_ONLN), BENCH_BUF,
		   o.peer_max, o.peer_limit_ns / 1e9);
	bench_note("(S,G) i: group 232.0.0.1 + i/100, source 10.0.0.1 + 2*(i%%100): no two keys adjacent");
	kmem_cgroup_enter();
	if0 = make_dummy("bench0");
	if1 = make_dummy("bench1");
	if (if0 < 0 || if1 < 0)
		bench_die("cannot make dummy interfaces");

	small_create(&small, o.sizes[0]);
	for (i = 0; i < o.nsizes; i++)
		bench_size(&o, o.sizes[i], if0, if1, &small);
	mgmb_close(&small.t);

	bench_report(o.sizes, o.nsizes, o.peer_max);
	bench_note("done in %.0f s", (now_ns() - t0) / 1e9);
	return 0;
}
