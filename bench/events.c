// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgm-bench: events. In a network namespace of its own (a fresh
 * table), with BENCH_EVENTS_N (*,G) groups:
 *  - writer cost: one writer adds and deletes (*,G) one per call, each
 *    change an alert to every other protocol; rounds alternate between no
 *    subscribed file and three subscribed files (a protocol each) whose
 *    events one reader thread drains with 64 KiB reads; best of each;
 *  - reader capacity: the fastest writer (one MGM_IOC_BATCH of a queue's
 *    worth of adds, then of deletes) fills a subscriber's queue, and one
 *    reader empties it with 64 KiB reads: events read per second of read()
 *    against changes per second of the batch;
 *  - latency: from just before an add in this process to the JoinAlert
 *    callback running on libmgm's thread in another process, against a
 *    pipe write -> read between the same two processes, interleaved,
 *    medians;
 *  - kernel memory per queued event: memory.stat's kernel bytes around
 *    subscribing 64 files, over 64 queues' room.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench.h"
#include "helpers.h"
#include "memory.h"
#include "mgm.h"

#define EV_ROUNDS	6
#define EV_SUBSCRIBERS	3
#define EV_LAT_SAMPLES	200
#define EV_MEM_FILES	64
#define EV_READ_REPS	10
#define EV_GROUP(i)	htonl(0xe9000000u + (uint32_t)(i))	/* 233.0.0.0 + i */

static int ev_subscribe(int fd, uint32_t events, uint32_t *queue)
{
	struct mgm_subscribe s = { .events = events };

	if (ioctl(fd, MGM_IOC_SUBSCRIBE, &s))
		return -errno;
	if (queue)
		*queue = s.queue_size;
	return 0;
}

/* A file with a protocol of its own: it receives the writer's alerts. */
static int ev_party(uint32_t id, uint32_t comp)
{
	uint32_t h;
	int fd = mgm_open_dev();

	if (fd < 0 || mgm_register_proto(fd, id, comp, &h))
		bench_die("subscriber: cannot open and register");
	fcntl(fd, F_SETFL, O_NONBLOCK);
	return fd;
}

/* --- writer cost ------------------------------------------------------------------ */

struct ev_reader {
	pthread_t thread;
	int ep, stop;
	uint64_t events, lost;
};

static void *ev_reader_main(void *arg)
{
	struct ev_reader *r = arg;
	struct mgm_event *buf = malloc(BENCH_BUF);
	struct epoll_event evs[EV_SUBSCRIBERS + 1];
	ssize_t got;
	int n, i, k;

	if (!buf)
		bench_die("out of memory");
	for (;;) {
		n = epoll_wait(r->ep, evs, EV_SUBSCRIBERS + 1, -1);
		for (i = 0; i < n; i++) {
			if (evs[i].data.fd == r->stop)
				goto out;
			while ((got = read(evs[i].data.fd, buf, BENCH_BUF)) > 0) {
				r->events += (uint64_t)got / sizeof(*buf);
				for (k = 0; k < got / (ssize_t)sizeof(*buf); k++)
					r->lost += buf[k].lost;
			}
		}
	}
out:
	free(buf);
	return NULL;
}

/* Add and delete (*,G) one per call for @ns: changes per second. */
static double ev_write_round(int fd, uint32_t handle, uint32_t ifindex,
			     uint64_t ns)
{
	uint64_t t0 = now_ns(), t = t0, ops = 0;
	unsigned int k;

	while (t - t0 < ns) {
		for (k = 0; k < 64; k++, ops += 2) {
			uint32_t g = EV_GROUP(ops / 2 % BENCH_EVENTS_N);

			if (mgm_add(fd, handle, ifindex, 0, g, MGM_JOIN_STATE) ||
			    mgm_del(fd, handle, ifindex, 0, g, MGM_JOIN_STATE))
				bench_die("events writer: add/delete failed");
		}
		t = now_ns();
	}
	return ops / ((t - t0) / 1e9);
}

static void ev_writer_cost(uint32_t ifindex, uint64_t round_ns)
{
	struct ev_reader r = { 0 };
	struct epoll_event e = { .events = EPOLLIN };
	int subs[EV_SUBSCRIBERS], i, wfd;
	double best[2] = { 0, 0 }, rate;
	uint64_t one = 1, events_sub = 0;
	uint32_t wh;

	wfd = mgm_open_dev();
	if (wfd < 0 || mgm_register_proto(wfd, MGM_PROTO_PIM, 41, &wh) ||
	    mgm_take(wfd, wh, ifindex, 0))
		bench_die("events writer: cannot set up");
	r.ep = epoll_create1(0);
	r.stop = eventfd(0, 0);
	e.data.fd = r.stop;
	epoll_ctl(r.ep, EPOLL_CTL_ADD, r.stop, &e);
	for (i = 0; i < EV_SUBSCRIBERS; i++) {
		subs[i] = ev_party(13 + i, 41);
		/* A file without a queue has nothing for epoll to wait on. */
		if (ev_subscribe(subs[i], MGM_SUBSCRIBE_ALERTS, NULL))
			bench_die("MGM_IOC_SUBSCRIBE: %s", strerror(errno));
		e.data.fd = subs[i];
		epoll_ctl(r.ep, EPOLL_CTL_ADD, subs[i], &e);
	}
	if (pthread_create(&r.thread, NULL, ev_reader_main, &r))
		bench_die("pthread_create");
	for (i = 0; i < EV_ROUNDS * 2; i++) {
		bool sub = i % 2;
		uint64_t before = r.events;
		int k;

		for (k = 0; k < EV_SUBSCRIBERS; k++)
			if (ev_subscribe(subs[k], sub ? MGM_SUBSCRIBE_ALERTS : 0, NULL))
				bench_die("MGM_IOC_SUBSCRIBE: %s", strerror(errno));
		rate = ev_write_round(wfd, wh, ifindex, round_ns);
		if (rate > best[sub])
			best[sub] = rate;
		usleep(20000);		/* the reader catches up */
		if (sub)
			events_sub += r.events - before;
	}
	(void)!write(r.stop, &one, sizeof(one));
	pthread_join(r.thread, NULL);
	bench_result("events_writer_none", BENCH_EVENTS_N, "changes_per_s", best[0],
		     false, "rounds=%d", EV_ROUNDS);
	bench_result("events_writer_subscribed", BENCH_EVENTS_N, "changes_per_s",
		     best[1], false, "subscribers=%d events_read=%llu lost=%llu",
		     EV_SUBSCRIBERS, (unsigned long long)events_sub,
		     (unsigned long long)r.lost);
	for (i = 0; i < EV_SUBSCRIBERS; i++)
		close(subs[i]);
	close(r.ep);
	close(r.stop);
	close(wfd);
}

/* --- reader capacity -------------------------------------------------------------- */

static void ev_reader_capacity(uint32_t ifindex)
{
	struct mgm_membership *recs;
	struct mgm_event *buf = malloc(BENCH_BUF);
	uint64_t wns = 0, rns = 0, changes = 0, events = 0, t0;
	uint32_t wh, q = 0, i, done;
	int wfd, sub, rep, op;
	ssize_t got;

	wfd = mgm_open_dev();
	if (!buf || wfd < 0 || mgm_register_proto(wfd, MGM_PROTO_PIM, 42, &wh) ||
	    mgm_take(wfd, wh, ifindex, 0))
		bench_die("events reader: cannot set up");
	sub = ev_party(13, 42);
	if (ev_subscribe(sub, MGM_SUBSCRIBE_ALERTS, &q))
		bench_die("MGM_IOC_SUBSCRIBE: %s", strerror(errno));
	recs = calloc(q, sizeof(*recs));
	if (!recs)
		bench_die("out of memory");
	for (i = 0; i < q; i++)
		recs[i] = mgm_rec(wh, ifindex, 0, EV_GROUP(i), MGM_JOIN_STATE);
	for (rep = 0; rep < EV_READ_REPS; rep++) {
		for (op = MGM_BATCH_ADD; op <= MGM_BATCH_DELETE; op++) {
			t0 = now_ns();
			if (mgm_batch_apply(wfd, op, recs, q, &done, NULL))
				bench_die("events reader: batch failed");
			wns += now_ns() - t0;
			changes += q;
			t0 = now_ns();
			while ((got = read(sub, buf, BENCH_BUF)) > 0)
				events += (uint64_t)got / sizeof(*buf);
			rns += now_ns() - t0;
		}
	}
	if (events != changes)
		bench_die("events reader: %llu events for %llu changes",
			  (unsigned long long)events, (unsigned long long)changes);
	bench_result("events_read_64k", BENCH_EVENTS_N, "events_per_s",
		     events / (rns / 1e9), false, "queue=%u reps=%d", q, EV_READ_REPS);
	bench_result("events_writer_batch", BENCH_EVENTS_N, "changes_per_s",
		     changes / (wns / 1e9), false, "batch=%u", q);
	free(recs);
	free(buf);
	close(sub);
	close(wfd);
}

/* --- latency ------------------------------------------------------------------------ */

static int lat_back = -1;	/* the child's pipe to the parent */

static DWORD lat_join(DWORD s, DWORD sm, DWORD g, DWORD gm, BOOL update)
{
	uint64_t t = now_ns();

	(void)s, (void)sm, (void)g, (void)gm, (void)update;
	(void)!write(lat_back, &t, sizeof(t));
	return NO_ERROR;
}

static DWORD lat_prune(DWORD s, DWORD sm, DWORD g, DWORD gm, DWORD ifx,
		       DWORD nh, BOOL del, PDWORD timeout)
{
	(void)s, (void)sm, (void)g, (void)gm, (void)ifx, (void)nh, (void)del;
	(void)timeout;
	return NO_ERROR;
}

/* The other process: callbacks on libmgm's thread, pipe reads on its main. */
static void lat_child(int in, int back)
{
	ROUTING_PROTOCOL_CONFIG cfg = {
		.pfnJoinAlertCallback = lat_join,
		.pfnPruneAlertCallback = lat_prune,
	};
	uint64_t t;
	HANDLE h;

	lat_back = back;
	if (MgmRegisterMProtocol(&cfg, 13, 43, &h))
		_exit(1);
	t = 0;
	(void)!write(back, &t, sizeof(t));	/* ready */
	while (read(in, &t, sizeof(t)) == sizeof(t)) {
		t = now_ns();
		(void)!write(back, &t, sizeof(t));
	}
	_exit(0);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void ev_latency(uint32_t ifindex)
{
	uint64_t pipe_ns[EV_LAT_SAMPLES], ev_ns[EV_LAT_SAMPLES], t0, t1;
	int to[2], back[2], wfd, i;
	uint32_t wh;
	pid_t pid;

	wfd = mgm_open_dev();
	if (wfd < 0 || mgm_register_proto(wfd, MGM_PROTO_PIM, 43, &wh) ||
	    mgm_take(wfd, wh, ifindex, 0) || pipe(to) || pipe(back))
		bench_die("events latency: cannot set up");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		bench_die("fork: %s", strerror(errno));
	if (!pid) {
		close(to[1]);
		close(back[0]);
		close(wfd);
		lat_child(to[0], back[1]);
	}
	close(to[0]);
	close(back[1]);
	if (read(back[0], &t1, sizeof(t1)) != sizeof(t1))
		bench_die("events latency: the other process did not start");
	for (i = 0; i < EV_LAT_SAMPLES; i++) {
		t0 = now_ns();
		if (write(to[1], &t0, sizeof(t0)) != sizeof(t0) ||
		    read(back[0], &t1, sizeof(t1)) != sizeof(t1))
			bench_die("events latency: pipe");
		pipe_ns[i] = t1 - t0;
		t0 = now_ns();
		if (mgm_add(wfd, wh, ifindex, 0, EV_GROUP(i), MGM_JOIN_STATE) ||
		    read(back[0], &t1, sizeof(t1)) != sizeof(t1))
			bench_die("events latency: add");
		ev_ns[i] = t1 - t0;
		if (mgm_del(wfd, wh, ifindex, 0, EV_GROUP(i), MGM_JOIN_STATE))
			bench_die("events latency: delete");
	}
	close(to[1]);
	waitpid(pid, NULL, 0);
	close(back[0]);
	close(wfd);
	qsort(pipe_ns, EV_LAT_SAMPLES, sizeof(*pipe_ns), cmp_u64);
	qsort(ev_ns, EV_LAT_SAMPLES, sizeof(*ev_ns), cmp_u64);
	bench_result("events_latency_callback", BENCH_EVENTS_N, "median_us",
		     ev_ns[EV_LAT_SAMPLES / 2] / 1e3, false, "samples=%d p90_us=%.0f",
		     EV_LAT_SAMPLES, ev_ns[EV_LAT_SAMPLES * 9 / 10] / 1e3);
	bench_result("events_latency_pipe", BENCH_EVENTS_N, "median_us",
		     pipe_ns[EV_LAT_SAMPLES / 2] / 1e3, false, "samples=%d p90_us=%.0f",
		     EV_LAT_SAMPLES, pipe_ns[EV_LAT_SAMPLES * 9 / 10] / 1e3);
}

/* --- memory ---------------------------------------------------------------------------- */

static void ev_memory(void)
{
	struct kmem_snap before, after;
	int fds[EV_MEM_FILES], i;
	uint32_t q = 0;

	for (i = 0; i < EV_MEM_FILES; i++) {
		fds[i] = mgm_open_dev();
		if (fds[i] < 0)
			bench_die("open: %s", strerror(-fds[i]));
	}
	kmem_snap(&before);
	for (i = 0; i < EV_MEM_FILES; i++)
		if (ev_subscribe(fds[i], MGM_SUBSCRIBE_TABLE, &q))
			bench_die("MGM_IOC_SUBSCRIBE: %s", strerror(errno));
	kmem_snap(&after);
	bench_result("events_memory", BENCH_EVENTS_N, "bytes_per_event",
		     (double)(after.memcg_kernel - before.memcg_kernel) /
		     ((double)EV_MEM_FILES * q), false,
		     "files=%d queue=%u meminfo_slab_per_event=%.1f", EV_MEM_FILES, q,
		     (double)(after.meminfo_slab - before.meminfo_slab) /
		     ((double)EV_MEM_FILES * q));
	for (i = 0; i < EV_MEM_FILES; i++)
		close(fds[i]);
}

void bench_events(uint64_t round_ns)
{
	int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), ifindex;

	if (home < 0 || unshare(CLONE_NEWNET))
		bench_die("events: new network namespace: %s", strerror(errno));
	ifindex = make_dummy("bench0");
	if (ifindex < 0)
		bench_die("events: cannot make a dummy interface");
	ev_memory();
	ev_writer_cost((uint32_t)ifindex, round_ns);
	ev_reader_capacity((uint32_t)ifindex);
	ev_latency((uint32_t)ifindex);
	if (setns(home, CLONE_NEWNET))
		bench_die("setns: %s", strerror(errno));
	close(home);
}
