// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgm-bench - mgm's table side by side with the kernel's own tables.
 *
 * usage: mgm-bench [--sizes N,N,...] [--peer-max N] [--peer-limit SECONDS]
 *                  [--writer-n N] [--round-ms MS] [--compare-ko PATH]
 *
 * Runs in the VM (testing/vm-run) as root. For each size N it fills mgm (with
 * the batch command, then again one membership per call), a BPF hash map,
 * a tmpfs file (the copy floor) and, up to --peer-max, the kernel's
 * multicast forwarding cache with the same N (S,G), then reads each back
 * whole, interleaved, and keeps the best of several repetitions; the
 * smallest size's mgm table, kept in a namespace of its own, is read again
 * alongside each larger one. At --writer-n it also measures writers under a
 * reader; at every N the kernel memory mgm's entries cost; at the largest N
 * what deleting a network device costs (rtnl held); at every N what
 * listing the memberships with mgmctl costs, whole and one group. Prints one
 * "bench:" line per measurement, then the ratios against their targets
 * and markdown tables.
 */
#include <errno.h>
#include <getopt.h>
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
	const char *compare_ko;		/* --compare-ko: see compare.c */
};

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
		{ "compare-ko", required_argument, NULL, 'c' },
		{ 0 }
	};
	char sizes[] = "1000,10000,100000,1000000";
	int c;

	parse_sizes(o, sizes);
	o->peer_max = 100000;
	o->peer_limit_ns = 60 * 1000000000ull;
	o->writer_n = 100000;
	o->round_ns = 500000000ull;
	o->compare_ko = NULL;
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
		case 'c':
			o->compare_ko = optarg;
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
	mgmb_open_isolated(&s->t);
	mgmb_add(&s->t, 0, n, n, 1, true);
	s->n = n;
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
 * One size: mgm filled with the batch command (the kernel memory it took
 * measured around it), read side by side with a BPF hash map and the copy
 * floor, with writers under a reader at --writer-n, listed by mgmctl
 * (memberships.c); then the add rates
 * (writes.c); then, up to --peer-max, the kernel's MFC dumps.
 */
static void bench_size(const struct opts *o, unsigned long n, int if0,
		       int if1, const struct small *small)
{
	struct kmem_snap before, after;
	int map, floor_fd, sock;
	struct mgmb a;

	mgmb_open(&a, if0, 1);
	kmem_snap(&before);
	mgmb_add(&a, 0, n, n, 1, true);
	kmem_snap(&after);
	kmem_report(&before, &after, n);
	mgmb_verify(a.fd, n);

	map = bpfb_create(n, true);
	bpfb_add(map, 0, n);
	floor_fd = floor_create(n);
	bench_reads(a.fd, map, floor_fd, n, small);
	close(floor_fd);
	close(map);
	if (n == o->writer_n)
		bench_writers_under_reader(&a, n, o->round_ns);
	/* At the largest size: a tenth of it (at most 100,000) on one device. */
	if (n == o->sizes[o->nsizes - 1])
		bench_netdev_removal(n, n / 10 < 100000 ? n / 10 : 100000);
	/* Last: it adds a group's memberships to the table. */
	bench_mgmctl(&a, n, &small->t, small->n);
	mgmb_close(&a);

	bench_writes(n, if0, if1, n <= o->peer_max);

	if (n > o->peer_max)
		return;
	sock = ipmr_open(if0, if1);
	ipmr_add(sock, 0, n);
	bench_ipmr_dump("ipmr_netlink_dump", n, o->peer_limit_ns,
			ipmr_dump_netlink);
	bench_ipmr_dump("ipmr_proc_dump", n, o->peer_limit_ns,
			ipmr_dump_proc);
	ipmr_close(sock);
}

/*
 * mgm-igmpd's end-to-end rate (IGMP reports processed per second)
 * comes from its own program, which bench/run adds to the guest with the
 * daemon; its "bench:" line goes out with ours.
 */
static void bench_igmpd(void)
{
	int st;

	fflush(stdout);
	st = system("mgm-igmpd-bench");
	if (st)
		bench_note("mgm-igmpd-bench failed (wait status %d): no igmpd line",
			   st);
}

/*
 * Forwarding beside smcroute and igmpproxy (tools/mgm-fwd/bench-fwd.c):
 * its own program, with mgm-fwd, mgm-igmpd and the peers in the guest.
 */
static void bench_fwd(void)
{
	int st;

	fflush(stdout);
	st = system("mgm-fwd-bench");
	if (st)
		bench_note("mgm-fwd-bench failed (wait status %d): no forwarding lines", st);
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

	/* First, while the memory cgroup's counters are quiet (events.c). */
	bench_events(o.round_ns);
	if (o.compare_ko)
		bench_compare_walk(o.compare_ko, o.sizes, o.nsizes, if0);
	small_create(&small, o.sizes[0]);
	for (i = 0; i < o.nsizes; i++)
		bench_size(&o, o.sizes[i], if0, if1, &small);
	mgmb_close(&small.t);
	bench_igmpd();
	bench_fwd();

	bench_report(o.sizes, o.nsizes, o.peer_max);
	bench_note("done in %.0f s", (now_ns() - t0) / 1e9);
	return 0;
}
