// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgm-bench: listing memberships with mgmctl, the real program
 * (tools/mgmctl, which bench/run adds to the guest) run as an operator runs
 * it, its output to /dev/null, the whole process timed (fork to exit) and
 * the best of a few runs kept:
 *  - `mgmctl -j membership show` over the table of n memberships, and over
 *    the smallest size's table (in a namespace of its own) in the same
 *    repetition loop: ns per membership, and their ratio (linear: within
 *    2x). An empty table's listing is the cost of the process itself;
 *  - `mgmctl -j membership show group G` where G holds MS_GROUP_N
 *    memberships, on that table with G's memberships added and on a table
 *    holding only G's, interleaved: the ratio (what G holds, not the table).
 * Every listing is checked once, untimed: its JSON has as many objects as
 * the table (or G) has memberships.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench.h"
#include "helpers.h"
#include "peers.h"

#define MS_GROUP_N	1000	/* memberships of the group listed alone */
#define MS_SMALL_PER_REP	3
/* Sources of G's added memberships: 10.1.0.1, 10.1.0.3, ... (not bench_sg()'s). */
#define MS_EXTRA_SOURCE(k)	htonl(0x0a010001u + 2 * (uint32_t)(k))

static struct mgm_membership ms_batch[MS_GROUP_N];

/* Start mgmctl with @args in @netns (-1: this one), stdout to @out_fd. */
static pid_t ms_spawn(int netns, int out_fd, char *const *args)
{
	char *argv[8] = { "mgmctl" };
	unsigned int i;
	pid_t pid;

	for (i = 0; args[i] && i + 2 < sizeof(argv) / sizeof(argv[0]); i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		bench_die("fork: %s", strerror(errno));
	if (!pid) {
		if ((netns >= 0 && setns(netns, CLONE_NEWNET)) ||
		    dup2(out_fd, STDOUT_FILENO) < 0)
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* Dies unless mgmctl exited 0. */
static void ms_wait(pid_t pid, char *const *args)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		bench_die("waitpid: %s", strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		bench_die("mgmctl %s %s ...: wait status %d", args[0], args[1], st);
}

/* One timed run: from fork to exit. */
static uint64_t ms_run(int netns, int out_fd, char *const *args)
{
	uint64_t t0 = now_ns();

	ms_wait(ms_spawn(netns, out_fd, args), args);
	return now_ns() - t0;
}

/* Untimed: the objects the listing prints (its '{'s: no string has one). */
static unsigned long ms_count(int netns, char *const *args)
{
	static char buf[BENCH_BUF];
	unsigned long objects = 0;
	ssize_t got, i;
	pid_t pid;
	int p[2];

	if (pipe2(p, O_CLOEXEC))
		bench_die("pipe: %s", strerror(errno));
	pid = ms_spawn(netns, p[1], args);
	close(p[1]);
	while ((got = read(p[0], buf, sizeof(buf))) > 0)
		for (i = 0; i < got; i++)
			objects += buf[i] == '{';
	close(p[0]);
	ms_wait(pid, args);
	return objects;
}

static void ms_check(int netns, char *const *args, unsigned long expect)
{
	unsigned long got = ms_count(netns, args);

	if (got != expect)
		bench_die("mgmctl %s %s %s: %lu memberships listed, expected %lu",
			  args[0], args[1], args[2] ? args[2] : "", got, expect);
}

static unsigned int ms_reps(unsigned long n)
{
	if (n <= 10000)
		return 11;
	if (n <= 100000)
		return 5;
	return 3;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/*
 * G: the group of the middle entry of [0, n). Its MS_GROUP_N memberships go
 * to ms_batch, for @t: the bench_sg() ones @t has (their number is
 * returned), then *@extra more with MS_EXTRA_SOURCE()s.
 */
static uint32_t ms_group(const struct mgmb *t, unsigned long n, uint32_t *group,
			 uint32_t *extra)
{
	uint64_t first = n / 2 / 100 * 100, i;
	uint32_t k = 0;

	*group = bench_sg(first).group;
	for (i = first; i < n && bench_sg(i).group == *group; i++)
		ms_batch[k++] = mgm_rec(t->handle, t->ifindex, bench_sg(i).source,
					*group, MGM_JOIN_STATE);
	*extra = MS_GROUP_N - k;
	for (i = 0; k < MS_GROUP_N; i++)
		ms_batch[k++] = mgm_rec(t->handle, t->ifindex,
					MS_EXTRA_SOURCE(i), *group,
					MGM_JOIN_STATE);
	return MS_GROUP_N - *extra;
}

static void ms_add(const struct mgmb *t, const struct mgm_membership *recs,
		   uint32_t count)
{
	uint32_t done = 0, i;
	int ret;

	for (i = 0; i < count; i += done) {
		ret = mgm_batch_apply(t->fd, MGM_BATCH_ADD, recs + i,
				      count - i < MGM_BATCH_MAX ? count - i :
				      MGM_BATCH_MAX, &done, NULL);
		if (ret || !done)
			bench_die("MGM_IOC_BATCH: %s", strerror(-ret));
	}
}

/* The whole table: @t's n and @small's small_n, alongside; the empty one. */
static void ms_full(const struct mgmb *t, unsigned long n,
		    const struct mgmb *small, unsigned long small_n, int devnull)
{
	char *args[] = { "-j", "membership", "show", NULL };
	uint64_t best = UINT64_MAX, best_small = UINT64_MAX, best_empty = UINT64_MAX;
	unsigned int r, k, reps = ms_reps(n);
	bool alongside = small && small_n < n;
	struct mgmb empty;

	mgmb_open_isolated(&empty);
	ms_check(t->netns, args, n);
	if (alongside)
		ms_check(small->netns, args, small_n);
	ms_check(empty.netns, args, 0);
	for (r = 0; r < reps; r++) {
		best = min_u64(best, ms_run(t->netns, devnull, args));
		for (k = 0; alongside && k < MS_SMALL_PER_REP; k++)
			best_small = min_u64(best_small,
					     ms_run(small->netns, devnull, args));
		best_empty = min_u64(best_empty,
				     ms_run(empty.netns, devnull, args));
	}
	mgmb_close(&empty);
	bench_result("mgmctl_membership_json", n, "ns_per_membership",
		     (double)best / n, false, "total_ms=%.1f reps=%u",
		     best / 1e6, reps);
	if (alongside)
		bench_result("mgmctl_membership_json_small", n,
			     "ns_per_membership", (double)best_small / small_n,
			     false, "small_n=%lu total_ms=%.1f reps=%u", small_n,
			     best_small / 1e6, reps * MS_SMALL_PER_REP);
	bench_result("mgmctl_membership_json_empty", n, "us_per_run",
		     best_empty / 1e3, false, "reps=%u", reps);
}

/* One group: G on @t (G's added to it) and on a table of G alone. */
static void ms_one_group(struct mgmb *t, unsigned long n, int devnull)
{
	char g[INET_ADDRSTRLEN];
	char *args[] = { "-j", "membership", "show", "group", g, NULL };
	uint64_t best = UINT64_MAX, best_only = UINT64_MAX;
	unsigned int r, reps = ms_reps(n) + 4;
	uint32_t group, extra, own;
	struct mgmb only;

	mgmb_open_isolated(&only);
	own = ms_group(t, n, &group, &extra);
	ms_add(t, ms_batch + own, extra);
	/* The same memberships on the other table's protocol and interface. */
	for (r = 0; r < MS_GROUP_N; r++) {
		ms_batch[r].handle = only.handle;
		ms_batch[r].ifindex = only.ifindex;
	}
	ms_add(&only, ms_batch, MS_GROUP_N);
	inet_ntop(AF_INET, &group, g, sizeof(g));
	ms_check(t->netns, args, MS_GROUP_N);
	ms_check(only.netns, args, MS_GROUP_N);
	for (r = 0; r < reps; r++) {
		best = min_u64(best, ms_run(t->netns, devnull, args));
		best_only = min_u64(best_only, ms_run(only.netns, devnull, args));
	}
	mgmb_close(&only);
	bench_result("mgmctl_group_json", n, "ns_per_membership",
		     (double)best / MS_GROUP_N, false,
		     "group=%s group_n=%d table_n=%lu total_ms=%.2f reps=%u", g,
		     MS_GROUP_N, n + extra, best / 1e6, reps);
	bench_result("mgmctl_group_json_alone", n, "ns_per_membership",
		     (double)best_only / MS_GROUP_N, false,
		     "group=%s group_n=%d table_n=%d total_ms=%.2f reps=%u", g,
		     MS_GROUP_N, MS_GROUP_N, best_only / 1e6, reps);
}

void bench_mgmctl(struct mgmb *t, unsigned long n, const struct mgmb *small,
		  unsigned long small_n)
{
	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (devnull < 0)
		bench_die("/dev/null: %s", strerror(errno));
	ms_full(t, n, small, small_n, devnull);
	ms_one_group(t, n, devnull);
	close(devnull);
}
