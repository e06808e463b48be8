// SPDX-License-Identifier: GPL-2.0
/*
 * libmgm: the Windows callbacks (contract D14-D16). Each protocol lives in
 * a process of its own (a "party", driven over a pipe) that registers it
 * with recording callbacks; the test checks that each party's callbacks
 * ran exactly as the rules say, with exactly the Windows arguments, and
 * that nobody else's did. Delivery by the library's thread and by
 * mgm_event_fd()/mgm_event_dispatch() in the party's own loop; after an
 * overflow, the re-synchronisation leaves a callback-built state equal to
 * a fresh enumeration.
 *
 * Synchronisation without sleeps: to collect a party's callbacks, the test
 * adds a membership on a marker group (239.255.0.k) from a protocol of its
 * own: every party gets that JoinAlert after everything queued before it,
 * so once a party has seen it, its callbacks up to then have all run.
 * Marker callbacks are left out of the records.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include "kselftest_harness.h"
#include "lib_test.h"
#include "tests/recording_callbacks.h"

#define PROTO_B		13
#define PROTO_C		14
#define MARKER(k)	htonl(0xefff0000u + (k))	/* 239.255.0.k */
#define IS_MARKER(g)	((ntohl(g) & 0xffff0000u) == 0xefff0000u)
#define MAX_RECS	20000

/* what calls made from a JoinAlert returned */
#define CB_PROBE	(CB_RECORDED_LAST + 1)

/* One callback call: which, and its arguments in order (pointers as values). */
struct rec {
	uint32_t cb;
	DWORD a[8];
};

/* --- inside a party process ------------------------------------------------------ */

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct rec *recs;
	uint32_t n;
	uint32_t marker;	/* last marker JoinAlert seen */
	bool block;		/* the next callback waits until unblocked */
	bool blocked;
	bool probe;		/* JoinAlerts call the library (CB_PROBE) */
	bool manual;		/* this party called mgm_event_fd() */
	DWORD probe_if;		/* ... asking who owns this interface */
	pthread_t tid;		/* thread of the last callback */
} pl = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

static void note(uint32_t cb, DWORD a0, DWORD a1, DWORD a2, DWORD a3, DWORD a4,
		 DWORD a5, DWORD a6, DWORD a7)
{
	pthread_mutex_lock(&pl.lock);
	pl.tid = pthread_self();
	while (pl.block) {
		pl.blocked = true;
		pthread_cond_broadcast(&pl.cond);
		pthread_cond_wait(&pl.cond, &pl.lock);
	}
	if (cb == CB_JOIN && IS_MARKER(a2)) {
		pl.marker = ntohl(a2) & 0xffff;
		pthread_cond_broadcast(&pl.cond);
	} else if (!(cb == CB_PRUNE && IS_MARKER(a2)) && pl.n < MAX_RECS) {
		pl.recs[pl.n++] = (struct rec){ cb, { a0, a1, a2, a3, a4, a5, a6, a7 } };
		if (cb == CB_JOIN && pl.probe && pl.n < MAX_RECS) {
			DWORD id = 0, comp = 0, rc;

			/* Any Mgm call works from a callback; dispatching does not. */
			rc = MgmGetProtocolOnInterface(pl.probe_if, 0, &id, &comp);
			pl.recs[pl.n++] = (struct rec){ CB_PROBE, {
				(DWORD)mgm_event_dispatch(),
				pl.manual ? 0 : (DWORD)mgm_event_fd(), rc, id } };
		}
	}
	pthread_mutex_unlock(&pl.lock);
}

enum op { OP_REGISTER = 1, OP_TAKE, OP_RELEASE, OP_ADD, OP_DEL, OP_DEREG,
	  OP_COLLECT, OP_BLOCK, OP_UNBLOCK, OP_THREADS, OP_EVENT_FD, OP_BATCH,
	  OP_PROBE };

struct cmd {
	uint32_t op;
	DWORD a[5];
};

struct reply {
	int32_t rc;
	uint32_t n;
};

static int party_threads(void)
{
	char *s = read_file("/proc/self/status"), *t;
	int n = -1;

	if (s && (t = strstr(s, "Threads:")))
		n = atoi(t + 8);
	free(s);
	return n;
}

/* Wait for marker @k (dispatching ourselves with @efd >= 0): 0, or -ETIMEDOUT. */
static int party_wait_marker(uint32_t k, int efd)
{
	struct timespec until;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&pl.lock);
	while (pl.marker != k && !rc) {
		if (efd >= 0) {
			struct pollfd p = { .fd = efd, .events = POLLIN };

			pthread_mutex_unlock(&pl.lock);
			if (poll(&p, 1, 10000) != 1 || mgm_event_dispatch() < 0)
				rc = -ETIMEDOUT;
			pthread_mutex_lock(&pl.lock);
		} else {
			rc = pthread_cond_timedwait(&pl.cond, &pl.lock, &until) ? -ETIMEDOUT : 0;
		}
	}
	pthread_mutex_unlock(&pl.lock);
	return rc;
}

static void party_main(int in, int out)
{
	HANDLE h = NULL;
	struct cmd c;
	struct reply r;
	int efd = -1;

	pl.recs = calloc(MAX_RECS, sizeof(*pl.recs));
	while (read(in, &c, sizeof(c)) == sizeof(c)) {
		r = (struct reply){ 0, 0 };
		switch (c.op) {
		case OP_EVENT_FD:
			efd = mgm_event_fd();
			r.rc = efd < 0 ? efd : 0;
			pl.manual = efd >= 0;
			break;
		case OP_PROBE:
			pthread_mutex_lock(&pl.lock);
			pl.probe = true;
			pl.probe_if = c.a[0];
			pthread_mutex_unlock(&pl.lock);
			break;
		case OP_REGISTER:
			r.rc = (int32_t)MgmRegisterMProtocol(c.a[2] ? &lt_config : &recording,
							     c.a[0], c.a[1], &h);
			break;
		case OP_TAKE:
			r.rc = (int32_t)MgmTakeInterfaceOwnership(h, c.a[0], 0);
			break;
		case OP_RELEASE:
			r.rc = (int32_t)MgmReleaseInterfaceOwnership(h, c.a[0], 0);
			break;
		case OP_ADD:
			r.rc = (int32_t)lt_add(h, c.a[0], c.a[1], c.a[2], c.a[3]);
			break;
		case OP_DEL:
			r.rc = (int32_t)lt_del(h, c.a[0], c.a[1], c.a[2], c.a[3]);
			break;
		case OP_BATCH: {	/* a[0] if, a[1] first group, a[2] count, a[3] add?, a[4] src */
			struct mgm_member *m = calloc(c.a[2], sizeof(*m));
			uint32_t i;

			for (i = 0; m && i < c.a[2]; i++)
				m[i] = lt_member(c.a[0], c.a[4], htonl(ntohl(c.a[1]) + i), JOIN);
			r.rc = !m ? -ENOMEM : c.a[3] ?
			       mgm_add_memberships(h, m, c.a[2], NULL) :
			       mgm_delete_memberships(h, m, c.a[2], NULL);
			free(m);
			break;
		}
		case OP_DEREG:
			r.rc = (int32_t)MgmDeRegisterMProtocol(h);
			break;
		case OP_BLOCK:
			pthread_mutex_lock(&pl.lock);
			pl.block = true;
			pl.blocked = false;
			pthread_mutex_unlock(&pl.lock);
			break;
		case OP_UNBLOCK:	/* after a callback got blocked */
			pthread_mutex_lock(&pl.lock);
			while (!pl.blocked)
				pthread_cond_wait(&pl.cond, &pl.lock);
			pl.block = false;
			pthread_cond_broadcast(&pl.cond);
			pthread_mutex_unlock(&pl.lock);
			break;
		case OP_THREADS:
			/*
			 * With a0, wait (1 s at most) for that many: a thread
			 * pthread_join() returned for may still be counted in
			 * /proc until the kernel has released it (seen on
			 * 6.1-rt).
			 */
			r.rc = party_threads();
			for (int i = 0; c.a[0] && r.rc != (int)c.a[0] && i < 100; i++) {
				usleep(10000);
				r.rc = party_threads();
			}
			break;
		case OP_COLLECT:
			r.rc = party_wait_marker(c.a[0], efd);
			pthread_mutex_lock(&pl.lock);
			r.n = pl.n;
			if (write(out, &r, sizeof(r)) != sizeof(r) ||
			    write(out, pl.recs, r.n * sizeof(*pl.recs)) !=
			    (ssize_t)(r.n * sizeof(*pl.recs)))
				_exit(2);
			/* a[1]: the thread that ran the last callback is the caller's? */
			pl.n = 0;
			pthread_mutex_unlock(&pl.lock);
			continue;
		}
		if (write(out, &r, sizeof(r)) != sizeof(r))
			_exit(2);
	}
	_exit(0);
}

/* --- in the test ------------------------------------------------------------------ */

struct party {
	pid_t pid;
	int in, out;
};

/* The test's ends of the parties' pipes: a party closes the others'. */
static int party_fds[8], nparty_fds;

static int party_start(struct party *p)
{
	int c2p[2], p2c[2], i;

	if (pipe(c2p) || pipe(p2c))
		return -errno;
	p->pid = fork();
	if (p->pid < 0)
		return -errno;
	if (!p->pid) {
		close(p2c[1]);
		close(c2p[0]);
		for (i = 0; i < nparty_fds; i++)
			close(party_fds[i]);
		party_main(p2c[0], c2p[1]);
	}
	close(p2c[0]);
	close(c2p[1]);
	p->in = p2c[1];
	p->out = c2p[0];
	if (nparty_fds + 2 <= 8) {
		party_fds[nparty_fds++] = p->in;
		party_fds[nparty_fds++] = p->out;
	}
	return 0;
}

static int32_t party_do(struct party *p, uint32_t op, DWORD a0, DWORD a1, DWORD a2,
			DWORD a3, DWORD a4)
{
	struct cmd c = { op, { a0, a1, a2, a3, a4 } };
	struct reply r;

	if (write(p->in, &c, sizeof(c)) != sizeof(c) ||
	    read(p->out, &r, sizeof(r)) != sizeof(r))
		return -EIO;
	return r.rc;
}

static void party_stop(struct party *p)
{
	if (p->pid <= 0)
		return;
	close(p->in);
	close(p->out);
	waitpid(p->pid, NULL, 0);
	p->pid = 0;
}

#define DO(p, op, ...)	party_do(p, op, __VA_ARGS__)

/* The marker protocol: on a file of the test's own, through raw ioctls. */
static int mk_fd = -1, mk_if;
static uint32_t mk_handle, mk_next;

static int marker_setup(void)
{
	mk_if = make_dummy("lemk");
	mk_fd = mgm_open_dev();
	if (mk_if < 0 || mk_fd < 0 ||
	    mgm_register_proto(mk_fd, 99, 1, &mk_handle) ||
	    mgm_take(mk_fd, mk_handle, mk_if, 0))
		return -1;
	return 0;
}

/* Read exactly @len bytes (a pipe returns at most what it holds). */
static int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	ssize_t got;

	while (len) {
		got = read(fd, p, len);
		if (got <= 0)
			return -1;
		p += got;
		len -= (size_t)got;
	}
	return 0;
}

/*
 * Everything @n parties' callbacks recorded since the last collection:
 * recs[i] (malloc()ed) with count[i]; returns 0 or -1.
 */
static int collect(struct party **ps, int n, struct rec **recs, uint32_t *count)
{
	uint32_t k = ++mk_next;
	struct cmd c = { OP_COLLECT, { k } };
	struct reply r;
	int i, bad = 0;

	if (mgm_add(mk_fd, mk_handle, mk_if, 0, MARKER(k), JOIN))
		return -1;
	for (i = 0; i < n; i++) {
		recs[i] = NULL;
		count[i] = 0;
		if (write(ps[i]->in, &c, sizeof(c)) != sizeof(c) ||
		    read(ps[i]->out, &r, sizeof(r)) != sizeof(r)) {
			bad = 1;
			continue;
		}
		recs[i] = malloc((r.n ? r.n : 1) * sizeof(struct rec));
		if (r.n && read_all(ps[i]->out, recs[i], r.n * sizeof(struct rec)))
			bad = 1;
		count[i] = r.n;
		if (r.rc) {
			fprintf(stderr, "# party %d: marker %u: %d\n", i, k, r.rc);
			bad = 1;
		}
	}
	if (mgm_del(mk_fd, mk_handle, mk_if, 0, MARKER(k), JOIN))
		return -1;
	return bad ? -1 : 0;
}

static struct rec join_rec(DWORD s, DWORD g)
{
	return (struct rec){ CB_JOIN, { s, s ? MASK32 : 0, g, g ? MASK32 : 0, 1 } };
}

static struct rec prune_rec(DWORD s, DWORD g, DWORD ifx)
{
	return (struct rec){ CB_PRUNE, { s, s ? MASK32 : 0, g, g ? MASK32 : 0, ifx, 0, 1,
					 900 } };
}

static struct rec local_rec(uint32_t cb, DWORD s, DWORD g, DWORD ifx)
{
	return (struct rec){ cb, { s, s ? MASK32 : 0, g, g ? MASK32 : 0, ifx, 0 } };
}

static struct rec igmp_rec(uint32_t cb, DWORD ifx)
{
	return (struct rec){ cb, { ifx, 0 } };
}

static bool rec_eq(const struct rec *a, const struct rec *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static void rec_print(const char *who, const struct rec *r)
{
	fprintf(stderr, "#   %s: cb %u (%x %x %x %x %x %x %x %x)\n", who, r->cb,
		r->a[0], r->a[1], r->a[2], r->a[3], r->a[4], r->a[5], r->a[6], r->a[7]);
}

/* Party @i got exactly @want (in order). */
static bool got_exactly(const char *who, const struct rec *got, uint32_t n,
			const struct rec *want, uint32_t nwant)
{
	uint32_t i;
	bool ok = n == nwant;

	for (i = 0; ok && i < n; i++)
		ok = rec_eq(&got[i], &want[i]);
	if (!ok) {
		fprintf(stderr, "# %s: got %u callbacks, want %u\n", who, n, nwant);
		for (i = 0; i < n; i++)
			rec_print("got", &got[i]);
		for (i = 0; i < nwant; i++)
			rec_print("want", &want[i]);
	}
	return ok;
}

FIXTURE(ev) {
	struct party a, b, c;
	int if_a, if_b, if_c;
};

FIXTURE_SETUP(ev)
{
	self->if_a = make_dummy("lea");
	self->if_b = make_dummy("leb");
	self->if_c = make_dummy("lec");
	ASSERT_LT(0, self->if_a);
	ASSERT_LT(0, self->if_b);
	ASSERT_LT(0, self->if_c);
	ASSERT_EQ(0, marker_setup());
	ASSERT_EQ(0, party_start(&self->a));
	ASSERT_EQ(0, party_start(&self->b));
	ASSERT_EQ(0, party_start(&self->c));
}

FIXTURE_TEARDOWN(ev)
{
	party_stop(&self->a);
	party_stop(&self->b);
	party_stop(&self->c);
	nparty_fds = 0;
	close(mk_fd);
	del_link("lea");
	del_link("leb");
	del_link("lec");
	del_link("lemk");
}

/* Register @p as (@id, 1) with recording callbacks and take @ifx. */
#define JOIN_PARTY(p, id, ifx)						\
	do {								\
		ASSERT_EQ(0, DO(p, OP_REGISTER, id, 1, 0, 0, 0));	\
		ASSERT_EQ(0, DO(p, OP_TAKE, ifx, 0, 0, 0, 0));		\
	} while (0)

#define COLLECT(n, ...)							\
	struct party *ps_[] = { __VA_ARGS__ };				\
	struct rec *got[3];						\
	uint32_t cnt[3];						\
	ASSERT_EQ(0, collect(ps_, n, got, cnt))

#define EXPECT_GOT(i, ...)						\
	do {								\
		const struct rec want_[] = { __VA_ARGS__ };		\
		EXPECT_TRUE(got_exactly(#i, got[i], cnt[i], want_,	\
			sizeof(want_) / sizeof(want_[0])));		\
	} while (0)

#define EXPECT_NONE(i)	EXPECT_TRUE(got_exactly(#i, got[i], cnt[i], NULL, 0))

#define FREE_GOT(n)	do { for (int i_ = 0; i_ < (n); i_++) free(got[i_]); } while (0)

TEST_F(ev, two_processes_join_and_prune)
{
	JOIN_PARTY(&self->a, PIM, self->if_a);
	JOIN_PARTY(&self->b, PROTO_B, self->if_b);

	ASSERT_EQ(0, DO(&self->a, OP_ADD, self->if_a, 0, G1, JOIN, 0));
	do {
		COLLECT(2, &self->a, &self->b);
		EXPECT_NONE(0);			/* never told of its own change */
		EXPECT_GOT(1, join_rec(0, G1));
		FREE_GOT(2);
	} while (0);
	ASSERT_EQ(0, DO(&self->b, OP_ADD, self->if_b, 0, G1, JOIN, 0));
	ASSERT_EQ(0, DO(&self->b, OP_DEL, self->if_b, 0, G1, JOIN, 0));
	ASSERT_EQ(0, DO(&self->a, OP_DEL, self->if_a, 0, G1, JOIN, 0));
	do {
		COLLECT(2, &self->a, &self->b);
		EXPECT_GOT(0, join_rec(0, G1), prune_rec(0, G1, self->if_b));
		EXPECT_GOT(1, prune_rec(0, G1, self->if_a));
		FREE_GOT(2);
	} while (0);
	/* Duplicates and failed calls fire nothing. */
	ASSERT_EQ(0, DO(&self->a, OP_ADD, self->if_a, 0, 0, JOIN, 0));
	ASSERT_EQ(0, DO(&self->a, OP_ADD, self->if_a, 0, 0, JOIN, 0));
	ASSERT_EQ((int32_t)ERROR_NOT_FOUND, DO(&self->a, OP_DEL, self->if_a, 0, G2, JOIN, 0));
	ASSERT_EQ((int32_t)ERROR_INVALID_PARAMETER,
		  DO(&self->a, OP_ADD, self->if_b, 0, G2, JOIN, 0));
	ASSERT_EQ(0, DO(&self->a, OP_ADD, self->if_a, 0, G2, FWD, 0));
	do {
		COLLECT(2, &self->a, &self->b);
		EXPECT_NONE(0);
		EXPECT_GOT(1, join_rec(0, 0));	/* (*,*), once */
		FREE_GOT(2);
	} while (0);
}

TEST_F(ev, three_processes_follow_the_windows_rules)
{
	JOIN_PARTY(&self->a, PIM, self->if_a);
	JOIN_PARTY(&self->b, PROTO_B, self->if_b);
	JOIN_PARTY(&self->c, PROTO_C, self->if_c);

	ASSERT_EQ(0, DO(&self->a, OP_ADD, self->if_a, 0, G1, JOIN, 0));	/* 0 -> 1 */
	ASSERT_EQ(0, DO(&self->b, OP_ADD, self->if_b, 0, G1, JOIN, 0));	/* 1 -> 2 */
	ASSERT_EQ(0, DO(&self->c, OP_ADD, self->if_c, 0, G1, JOIN, 0));	/* 2 -> 3 */
	do {
		COLLECT(3, &self->a, &self->b, &self->c);
		EXPECT_GOT(0, join_rec(0, G1));
		EXPECT_GOT(1, join_rec(0, G1));
		EXPECT_GOT(2, join_rec(0, G1));
		FREE_GOT(3);
	} while (0);
	ASSERT_EQ(0, DO(&self->c, OP_DEL, self->if_c, 0, G1, JOIN, 0));	/* 3 -> 2 */
	do {
		COLLECT(3, &self->a, &self->b, &self->c);
		EXPECT_NONE(0);
		EXPECT_NONE(1);
		EXPECT_NONE(2);
		FREE_GOT(3);
	} while (0);
	ASSERT_EQ(0, DO(&self->b, OP_DEL, self->if_b, 0, G1, JOIN, 0));	/* 2 -> 1 */
	ASSERT_EQ(0, DO(&self->a, OP_DEL, self->if_a, 0, G1, JOIN, 0));	/* 1 -> 0 */
	do {
		COLLECT(3, &self->a, &self->b, &self->c);
		EXPECT_GOT(0, prune_rec(0, G1, self->if_b));
		EXPECT_GOT(1, prune_rec(0, G1, self->if_a));
		EXPECT_GOT(2, prune_rec(0, G1, self->if_a));
		FREE_GOT(3);
	} while (0);
}

/* (S,G): the owner of the RPF interface towards S, and nobody else. */
TEST_F(ev, source_specific_to_the_rpf_owner)
{
	DWORD s = ip4(10, 87, 1, 5);

	ASSERT_EQ(0, run("ip addr add 10.87.1.1/24 dev leb"));
	JOIN_PARTY(&self->a, PIM, self->if_a);
	JOIN_PARTY(&self->b, PROTO_B, self->if_b);
	JOIN_PARTY(&self->c, PROTO_C, self->if_c);
	ASSERT_EQ(0, DO(&self->a, OP_ADD, self->if_a, s, G1, JOIN, 0));
	ASSERT_EQ(0, DO(&self->c, OP_ADD, self->if_c, s, G1, JOIN, 0));
	ASSERT_EQ(0, DO(&self->a, OP_DEL, self->if_a, s, G1, JOIN, 0));
	ASSERT_EQ(0, DO(&self->c, OP_DEL, self->if_c, s, G1, JOIN, 0));
	COLLECT(3, &self->a, &self->b, &self->c);
	EXPECT_NONE(0);
	EXPECT_GOT(1, join_rec(s, G1), prune_rec(s, G1, self->if_c));
	EXPECT_NONE(2);
	FREE_GOT(3);
}

/* IGMP and a routing protocol on one interface, in two processes. */
TEST_F(ev, igmp_and_its_routing_owner)
{
	DWORD s1 = ip4(10, 88, 0, 1), s2 = ip4(10, 88, 0, 2);

	/* a is IGMP on lec; b routes. */
	JOIN_PARTY(&self->a, PROTO_IP_IGMP, self->if_c);
	ASSERT_EQ(0, DO(&self->b, OP_REGISTER, PROTO_B, 1, 0, 0, 0));
	ASSERT_EQ(0, DO(&self->a, OP_ADD, self->if_c, s1, G1, JOIN, 0));
	ASSERT_EQ(0, DO(&self->a, OP_ADD, self->if_c, s2, G1, JOIN, 0));
	do {
		COLLECT(2, &self->a, &self->b);
		EXPECT_NONE(0);
		EXPECT_NONE(1);
		FREE_GOT(2);
	} while (0);
	/* The routing protocol takes it: IGMP disabled then enabled; LocalJoins. */
	ASSERT_EQ(0, DO(&self->b, OP_TAKE, self->if_c, 0, 0, 0, 0));
	do {
		COLLECT(2, &self->a, &self->b);
		EXPECT_GOT(0, igmp_rec(CB_DISABLE, self->if_c), igmp_rec(CB_ENABLE, self->if_c));
		EXPECT_GOT(1, local_rec(CB_LOCAL_JOIN, s1, G1, self->if_c),
			   local_rec(CB_LOCAL_JOIN, s2, G1, self->if_c));
		FREE_GOT(2);
	} while (0);
	/* IGMP re-adds on EnableIgmp: nothing; leaves and joins: LocalLeave/Join. */
	ASSERT_EQ(0, DO(&self->a, OP_ADD, self->if_c, s1, G1, JOIN, 0));
	ASSERT_EQ(0, DO(&self->a, OP_DEL, self->if_c, s2, G1, JOIN, 0));
	ASSERT_EQ(0, DO(&self->a, OP_ADD, self->if_c, 0, G2, JOIN, 0));
	ASSERT_EQ(0, DO(&self->b, OP_RELEASE, self->if_c, 0, 0, 0, 0));
	do {
		COLLECT(2, &self->a, &self->b);
		EXPECT_GOT(0, igmp_rec(CB_DISABLE, self->if_c), igmp_rec(CB_ENABLE, self->if_c));
		EXPECT_GOT(1, local_rec(CB_LOCAL_LEAVE, s2, G1, self->if_c),
			   local_rec(CB_LOCAL_JOIN, 0, G2, self->if_c), join_rec(0, G2));
		FREE_GOT(2);
	} while (0);
}

/* The default: one library thread, started by the first config with a callback. */
TEST_F(ev, one_library_thread_by_default)
{
	ASSERT_EQ(1, DO(&self->a, OP_THREADS, 0, 0, 0, 0, 0));
	ASSERT_EQ(0, DO(&self->a, OP_REGISTER, PIM, 1, 1, 0, 0));	/* no callbacks */
	EXPECT_EQ(1, DO(&self->a, OP_THREADS, 0, 0, 0, 0, 0));
	ASSERT_EQ(0, DO(&self->a, OP_REGISTER, PIM, 2, 0, 0, 0));
	EXPECT_EQ(2, DO(&self->a, OP_THREADS, 0, 0, 0, 0, 0));
	ASSERT_EQ(0, DO(&self->a, OP_REGISTER, PIM, 3, 0, 0, 0));
	EXPECT_EQ(2, DO(&self->a, OP_THREADS, 0, 0, 0, 0, 0));
}

/* An event loop of its own: mgm_event_fd() + mgm_event_dispatch(), no thread. */
TEST_F(ev, event_loop_without_a_thread)
{
	ASSERT_EQ(0, DO(&self->b, OP_EVENT_FD, 0, 0, 0, 0, 0));
	JOIN_PARTY(&self->a, PIM, self->if_a);
	JOIN_PARTY(&self->b, PROTO_B, self->if_b);
	EXPECT_EQ(1, DO(&self->b, OP_THREADS, 0, 0, 0, 0, 0));
	ASSERT_EQ(0, DO(&self->a, OP_ADD, self->if_a, 0, G1, JOIN, 0));
	ASSERT_EQ(0, DO(&self->a, OP_DEL, self->if_a, 0, G1, JOIN, 0));
	do {
		COLLECT(2, &self->a, &self->b);
		EXPECT_NONE(0);
		EXPECT_GOT(1, join_rec(0, G1), prune_rec(0, G1, self->if_a));
		FREE_GOT(2);
	} while (0);
	/* A thread already running is stopped by mgm_event_fd(). */
	EXPECT_EQ(2, DO(&self->a, OP_THREADS, 0, 0, 0, 0, 0));
	ASSERT_EQ(0, DO(&self->a, OP_EVENT_FD, 0, 0, 0, 0, 0));
	EXPECT_EQ(1, DO(&self->a, OP_THREADS, 1, 0, 0, 0, 0));
	ASSERT_EQ(0, DO(&self->b, OP_ADD, self->if_b, 0, G2, JOIN, 0));
	do {
		COLLECT(2, &self->a, &self->b);
		EXPECT_GOT(0, join_rec(0, G2));
		EXPECT_NONE(1);
		FREE_GOT(2);
	} while (0);
}

/*
 * From a callback: any Mgm function may be called (here
 * MgmGetProtocolOnInterface); mgm_event_dispatch() is -EINVAL on the
 * library's thread (no mgm_event_fd()) and -EBUSY within a dispatch;
 * mgm_event_fd() on the library's thread is -EDEADLK (it would stop the
 * thread it runs on).
 */
TEST_F(ev, calls_from_a_callback)
{
	struct rec probe_a, probe_b;

	ASSERT_EQ(0, DO(&self->b, OP_EVENT_FD, 0, 0, 0, 0, 0));
	JOIN_PARTY(&self->a, PIM, self->if_a);
	JOIN_PARTY(&self->b, PROTO_B, self->if_b);
	JOIN_PARTY(&self->c, PROTO_C, self->if_c);
	ASSERT_EQ(0, DO(&self->a, OP_PROBE, self->if_b, 0, 0, 0, 0));
	ASSERT_EQ(0, DO(&self->b, OP_PROBE, self->if_a, 0, 0, 0, 0));
	ASSERT_EQ(0, DO(&self->c, OP_ADD, self->if_c, 0, G1, JOIN, 0));
	probe_a = (struct rec){ CB_PROBE, { (DWORD)-EINVAL, (DWORD)-EDEADLK, NO_ERROR,
					    PROTO_B } };
	probe_b = (struct rec){ CB_PROBE, { (DWORD)-EBUSY, 0, NO_ERROR, PIM } };
	COLLECT(3, &self->a, &self->b, &self->c);
	EXPECT_GOT(0, join_rec(0, G1), probe_a);
	EXPECT_GOT(1, join_rec(0, G1), probe_b);
	EXPECT_NONE(2);
	FREE_GOT(3);
	/* a's thread goes on: the next callbacks come. */
	ASSERT_EQ(0, DO(&self->c, OP_DEL, self->if_c, 0, G1, JOIN, 0));
	do {
		COLLECT(1, &self->a);
		EXPECT_GOT(0, prune_rec(0, G1, self->if_c));
		FREE_GOT(1);
	} while (0);
	EXPECT_EQ(2, DO(&self->a, OP_THREADS, 0, 0, 0, 0, 0));
}

/* Native calls' errors, in a process of the test's own. */
TEST(dispatch_without_event_fd_is_einval)
{
	pid_t pid = fork();
	int st;

	ASSERT_LE(0, pid);
	if (!pid)
		_exit(mgm_event_dispatch() == -EINVAL && mgm_event_fd() >= 0 &&
		      mgm_event_dispatch() == 0 ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, st);
}

/* A killed process's memberships: the others get its prunes. */
TEST_F(ev, killed_process_prunes_to_the_others)
{
	JOIN_PARTY(&self->a, PIM, self->if_a);
	JOIN_PARTY(&self->b, PROTO_B, self->if_b);
	JOIN_PARTY(&self->c, PROTO_C, self->if_c);
	ASSERT_EQ(0, DO(&self->c, OP_ADD, self->if_c, 0, G1, JOIN, 0));
	do {
		COLLECT(2, &self->a, &self->b);
		FREE_GOT(2);
	} while (0);
	kill(self->c.pid, SIGKILL);
	party_stop(&self->c);
	COLLECT(2, &self->a, &self->b);
	EXPECT_GOT(0, prune_rec(0, G1, self->if_c));
	EXPECT_GOT(1, prune_rec(0, G1, self->if_c));
	FREE_GOT(2);
}

/*
 * The state a protocol builds from JoinAlert and PruneAlert alone: the
 * (S,G) it was told of and not pruned. After the overflow it must equal
 * what a fresh enumeration says it should be.
 */
static __attribute__((noinline)) int built_state(const struct rec *r, uint32_t n,
						 uint64_t *keys, uint32_t max)
{
	uint32_t i, j, k = 0;

	for (i = 0; i < n; i++) {
		uint64_t key = (uint64_t)ntohl(r[i].a[2]) << 32 | ntohl(r[i].a[0]);

		if (r[i].cb == CB_JOIN) {
			for (j = 0; j < k && keys[j] != key; j++)
				;
			if (j < k)
				return -1;	/* joined twice */
			if (k == max)
				return -1;
			keys[k++] = key;
		} else if (r[i].cb == CB_PRUNE) {
			for (j = 0; j < k && keys[j] != key; j++)
				;
			if (j == k)
				return -1;	/* pruned what it was not told of */
			keys[j] = keys[--k];
		}
	}
	return (int)k;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

TEST_F_TIMEOUT(ev, overflow_resync_equals_a_fresh_enumeration, 300)
{
	const uint32_t n = 6000;
	DWORD s_b = ip4(10, 89, 1, 7), s_x = ip4(10, 89, 3, 7);
	uint64_t *state = calloc(MAX_RECS, sizeof(*state)), *want = NULL;
	SOURCE_GROUP_ENTRY *all = NULL;
	HANDLE me;
	long nall, i;
	int k, nw = 0, pass;

	ASSERT_TRUE(state != NULL);
	ASSERT_EQ(0, run("ip addr add 10.89.1.1/24 dev leb"));
	ASSERT_EQ(0, run("ip addr add 10.89.3.1/24 dev lec"));
	JOIN_PARTY(&self->a, PIM, self->if_a);
	JOIN_PARTY(&self->b, PROTO_B, self->if_b);
	ASSERT_EQ(0, DO(&self->c, OP_REGISTER, PROTO_C, 1, 0, 0, 0));

	/* B's thread sits in its first callback while 8,300 changes happen. */
	ASSERT_EQ(0, DO(&self->b, OP_BLOCK, 0, 0, 0, 0, 0));
	ASSERT_EQ(0, DO(&self->a, OP_ADD, self->if_a, 0, G3, JOIN, 0));
	ASSERT_EQ(0, DO(&self->a, OP_BATCH, self->if_a, GRP(0), n, 1, 0));
	ASSERT_EQ(0, DO(&self->a, OP_BATCH, self->if_a, GRP(0), 1000, 0, 0));
	ASSERT_EQ(0, DO(&self->a, OP_BATCH, self->if_a, GRP(0), 200, 1, s_b));
	ASSERT_EQ(0, DO(&self->a, OP_BATCH, self->if_a, GRP(0), 100, 0, s_b));
	ASSERT_EQ(0, DO(&self->a, OP_BATCH, self->if_a, GRP(0), 100, 1, s_x));
	/* (*,G) B has itself is no JoinAlert to B. */
	ASSERT_EQ(0, DO(&self->b, OP_ADD, self->if_b, 0, GRP(n - 1), JOIN, 0));
	ASSERT_EQ(0, DO(&self->a, OP_DEL, self->if_a, 0, GRP(n - 1), JOIN, 0));
	ASSERT_EQ(0, DO(&self->b, OP_UNBLOCK, 0, 0, 0, 0, 0));

	/* Twice: right after the resync, and after events flowed again. */
	for (pass = 0; pass < 2; pass++) {
		struct party *ps[] = { &self->b };
		struct rec *got;
		uint32_t cnt;

		if (pass) {
			ASSERT_EQ(0, DO(&self->a, OP_ADD, self->if_a, 0, G1, JOIN, 0));
			ASSERT_EQ(0, DO(&self->a, OP_DEL, self->if_a, 0, GRP(n - 2), JOIN, 0));
		}
		ASSERT_EQ(0, collect(ps, 1, &got, &cnt));
		/* Fold this collection into the state built so far. */
		do {
			struct rec *prev = calloc(nw + cnt + 1, sizeof(*prev));

			ASSERT_TRUE(prev != NULL);
			for (k = 0; k < nw; k++)
				prev[k] = join_rec(htonl((uint32_t)state[k]),
						   htonl((uint32_t)(state[k] >> 32)));
			memcpy(prev + nw, got, cnt * sizeof(*got));
			nw = built_state(prev, nw + cnt, state, MAX_RECS);
			free(prev);
		} while (0);
		free(got);
		ASSERT_LE(0, nw);

		/* What a fresh enumeration says B should know: A's groups, not B's own. */
		ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, 98, 1, &me));
		nall = lt_enum_all(me, ALL_SOURCES, 65536, &all);
		ASSERT_LE(0, nall);
		ASSERT_EQ(NO_ERROR, MgmDeRegisterMProtocol(me));
		free(want);
		want = calloc(nall + 1, sizeof(*want));
		k = 0;
		for (i = 0; i < nall; i++) {
			if (IS_MARKER(all[i].dwGroupAddr) || all[i].dwSourceAddr == s_x)
				continue;
			if (all[i].dwGroupAddr == GRP(n - 1))
				continue;	/* B's own */
			want[k++] = lt_key(&all[i]);
		}
		free(all);
		qsort(state, nw, sizeof(*state), cmp_u64);
		qsort(want, k, sizeof(*want), cmp_u64);
		EXPECT_EQ(k, nw);
		EXPECT_EQ(5100, k);
		EXPECT_EQ(0, memcmp(state, want, (size_t)(k < nw ? k : nw) * sizeof(*want)));
	}
	free(state);
	free(want);
}

TEST_HARNESS_MAIN
