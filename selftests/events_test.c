// SPDX-License-Identifier: GPL-2.0
/*
 * Events (docs/contract.md, D14-D17): subscription and the queue's read()
 * and poll(), then every rule of "who is told what" (D15) on its own, with
 * exact expectations: which protocol's file gets which event with which
 * fields, and that nobody else gets anything. Each protocol lives on a file
 * of its own (events are queued per file); the lifecycle cases put them in
 * processes of their own too.
 *
 * Also built as a 32-bit program (events_test_32): same record layout.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "helpers.h"

#define G1	ip4(232, 9, 0, 1)
#define G2	ip4(232, 9, 0, 2)
#define JOIN	MGM_JOIN_STATE
#define FWD	MGM_FORWARD_STATE
#define PROTO_A	MGM_PROTO_PIM
#define PROTO_B	13		/* some other routing protocol */
#define PROTO_C	14
#define EV	sizeof(struct mgm_event)

/* A protocol on a file of its own, subscribed to its alerts. */
struct party {
	int fd;
	uint32_t id, handle;
};

static int party_open(struct party *p, uint32_t id, uint32_t comp)
{
	struct mgm_subscribe s = { .events = MGM_SUBSCRIBE_ALERTS };
	int ret;

	p->id = id;
	p->fd = mgm_open_dev();
	if (p->fd < 0)
		return p->fd;
	ret = mgm_register_proto(p->fd, id, comp, &p->handle);
	if (ret)
		return ret;
	fcntl(p->fd, F_SETFL, O_NONBLOCK);
	return ioctl(p->fd, MGM_IOC_SUBSCRIBE, &s) ? -errno : 0;
}

/* Read every queued event (non-blocking); returns how many, at most @max. */
static int drain(int fd, struct mgm_event *ev, int max)
{
	int n = 0;
	ssize_t got;

	while (n < max) {
		got = read(fd, ev + n, (size_t)(max - n) * EV);
		if (got < 0)
			return errno == EAGAIN ? n : -errno;
		if (got == 0 || got % EV)
			return -EIO;
		n += (int)(got / EV);
	}
	return n;
}

/* No event is waiting on @fd. */
static int quiet(int fd)
{
	struct mgm_event ev;

	return read(fd, &ev, EV) < 0 && errno == EAGAIN;
}

static uint64_t sg_key(uint32_t source, uint32_t group)
{
	return (uint64_t)ntohl(group) << 32 | ntohl(source);
}

static uint64_t ev_key(const struct mgm_event *e)
{
	return (uint64_t)ntohl(e->group) << 32 | ntohl(e->source);
}

/* One event of @type about (@source, @group) for @to, with these fields. */
#define EXPECT_EVENT(e, to, _type, _flags, source, group, _ifindex, by)	\
	do {								\
		EXPECT_EQ((uint32_t)(_type), (e)->type);		\
		EXPECT_EQ((to)->handle, (e)->handle);			\
		EXPECT_EQ((uint32_t)(_flags), (e)->flags);		\
		EXPECT_EQ(sg_key(source, group), ev_key(e));		\
		EXPECT_EQ((uint32_t)((source) ? MASK32 : 0), (e)->source_mask); \
		EXPECT_EQ((uint32_t)((group) ? MASK32 : 0), (e)->group_mask); \
		EXPECT_EQ((uint32_t)(_ifindex), (e)->ifindex);		\
		EXPECT_EQ(0u, (e)->nexthop);				\
		EXPECT_EQ((uint32_t)(by), (e)->protocol_id);		\
		EXPECT_EQ(0ull, (unsigned long long)(e)->lost);		\
		EXPECT_EQ(0u, (e)->reserved[0] | (e)->reserved[1]);	\
	} while (0)

FIXTURE(ev) {
	struct party a, b, c;
	int if_a, if_b, if_c;
};

FIXTURE_SETUP(ev)
{
	self->if_a = make_dummy("eva");
	self->if_b = make_dummy("evb");
	self->if_c = make_dummy("evc");
	ASSERT_LT(0, self->if_a);
	ASSERT_LT(0, self->if_b);
	ASSERT_LT(0, self->if_c);
	ASSERT_EQ(0, party_open(&self->a, PROTO_A, 1));
	ASSERT_EQ(0, party_open(&self->b, PROTO_B, 1));
	ASSERT_EQ(0, party_open(&self->c, PROTO_C, 1));
	ASSERT_EQ(0, mgm_take(self->a.fd, self->a.handle, self->if_a, 0));
	ASSERT_EQ(0, mgm_take(self->b.fd, self->b.handle, self->if_b, 0));
	ASSERT_EQ(0, mgm_take(self->c.fd, self->c.handle, self->if_c, 0));
	/* Taking interfaces nobody else owns tells nobody anything. */
	ASSERT_TRUE(quiet(self->a.fd) && quiet(self->b.fd) && quiet(self->c.fd));
}

FIXTURE_TEARDOWN(ev)
{
	close(self->a.fd);
	close(self->b.fd);
	close(self->c.fd);
	del_link("eva");
	del_link("evb");
	del_link("evc");
}

/* --- subscription and the queue ---------------------------------------------- */

TEST_F(ev, subscribe_rules)
{
	struct mgm_subscribe s = { .events = MGM_SUBSCRIBE_ALERTS };
	struct mgm_stats st;
	struct mgm_event e;
	int fd = mgm_open_dev();

	ASSERT_LE(0, fd);
	/* Not subscribed: nothing to read, nothing to poll for. */
	EXPECT_EQ(-1, read(fd, &e, EV));
	EXPECT_EQ(EINVAL, errno);
	/* Each rule with otherwise valid input. */
	s.events = 0x4;
	EXPECT_EQ(-1, ioctl(fd, MGM_IOC_SUBSCRIBE, &s));
	EXPECT_EQ(EINVAL, errno);
	s.events = MGM_SUBSCRIBE_ALERTS, s.flags = 1;
	EXPECT_EQ(-1, ioctl(fd, MGM_IOC_SUBSCRIBE, &s));
	EXPECT_EQ(EINVAL, errno);
	s.flags = 0, s.pad = 1;
	EXPECT_EQ(-1, ioctl(fd, MGM_IOC_SUBSCRIBE, &s));
	EXPECT_EQ(EINVAL, errno);
	s.pad = 0;
	ASSERT_EQ(0, ioctl(fd, MGM_IOC_SUBSCRIBE, &s));
	EXPECT_EQ(4096u, s.queue_size);
	ASSERT_EQ(0, mgm_stats_get(fd, &st));
	EXPECT_EQ(st.generation, s.generation);
	/* The reply is valid input as it is. */
	EXPECT_EQ(0, ioctl(fd, MGM_IOC_SUBSCRIBE, &s));
	/* A buffer below one record. */
	EXPECT_EQ(-1, read(fd, &e, EV - 1));
	EXPECT_EQ(EINVAL, errno);
	/* Empty and non-blocking. */
	fcntl(fd, F_SETFL, O_NONBLOCK);
	EXPECT_EQ(-1, read(fd, &e, EV));
	EXPECT_EQ(EAGAIN, errno);
	/* Unsubscribed again: read is EINVAL once more. */
	s.events = 0;
	EXPECT_EQ(0, ioctl(fd, MGM_IOC_SUBSCRIBE, &s));
	EXPECT_EQ(-1, read(fd, &e, EV));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

TEST_F(ev, poll_and_blocking_read)
{
	struct pollfd pfd = { .fd = self->b.fd, .events = POLLIN };
	struct mgm_event e;
	pid_t pid;
	int st;

	EXPECT_EQ(0, poll(&pfd, 1, 0));
	ASSERT_EQ(0, mgm_add(self->a.fd, self->a.handle, self->if_a, 0, G1, JOIN));
	EXPECT_EQ(1, poll(&pfd, 1, 1000));
	EXPECT_EQ(POLLIN, pfd.revents);
	ASSERT_EQ((ssize_t)EV, read(self->b.fd, &e, EV));
	EXPECT_EQ(0, poll(&pfd, 1, 0));

	/* A blocking read waits for the next event, from another process. */
	fcntl(self->b.fd, F_SETFL, 0);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		usleep(200000);
		_exit(mgm_del(self->a.fd, self->a.handle, self->if_a, 0, G1, JOIN) ? 1 : 0);
	}
	ASSERT_EQ((ssize_t)EV, read(self->b.fd, &e, EV));
	EXPECT_EVENT(&e, &self->b, MGM_EVENT_PRUNE_ALERT, MGM_EVENT_MEMBER, 0, G1,
		     self->if_a, PROTO_A);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, st);
}

/* A failed copy-out loses nothing: the events are read again. */
TEST_F(ev, read_fault_loses_nothing)
{
	struct mgm_event e[2];
	void *bad = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_TRUE(bad != MAP_FAILED);
	ASSERT_EQ(0, mgm_add(self->a.fd, self->a.handle, self->if_a, 0, G1, JOIN));
	ASSERT_EQ(0, mgm_add(self->a.fd, self->a.handle, self->if_a, 0, G2, JOIN));
	EXPECT_EQ(-1, read(self->b.fd, bad, 2 * EV));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(2, drain(self->b.fd, e, 2));
	EXPECT_EQ(sg_key(0, G1), ev_key(&e[0]));
	EXPECT_EQ(sg_key(0, G2), ev_key(&e[1]));
	/* C's event for G1 came in between. */
	EXPECT_EQ(e[0].seq + 2, e[1].seq);
	munmap(bad, 4096);
}

/* --- (*,G) and (*,*): the Windows join and prune alert rules ------------------ */

TEST_F(ev, star_g_first_protocol_alerts_everyone_else)
{
	struct mgm_event e[4];
	struct mgm_stats st;

	ASSERT_EQ(0, mgm_add(self->a.fd, self->a.handle, self->if_a, 0, G1, JOIN));
	ASSERT_EQ(0, mgm_stats_get(self->a.fd, &st));
	ASSERT_EQ(1, drain(self->b.fd, e, 4));
	EXPECT_EVENT(&e[0], &self->b, MGM_EVENT_JOIN_ALERT, MGM_EVENT_MEMBER, 0, G1,
		     0, PROTO_A);
	EXPECT_EQ(st.generation, e[0].generation);
	ASSERT_EQ(1, drain(self->c.fd, e + 1, 3));
	EXPECT_EVENT(&e[1], &self->c, MGM_EVENT_JOIN_ALERT, MGM_EVENT_MEMBER, 0, G1,
		     0, PROTO_A);
	/* One change, two events: consecutive numbers. */
	EXPECT_EQ(e[0].seq + 1, e[1].seq);
	/* The caller is never told of its own change. */
	EXPECT_TRUE(quiet(self->a.fd));

	/* (*,*) follows the same rules. */
	ASSERT_EQ(0, mgm_add(self->a.fd, self->a.handle, self->if_a, 0, 0, JOIN));
	ASSERT_EQ(1, drain(self->b.fd, e, 4));
	EXPECT_EVENT(&e[0], &self->b, MGM_EVENT_JOIN_ALERT, MGM_EVENT_MEMBER, 0, 0,
		     0, PROTO_A);
	ASSERT_EQ(1, drain(self->c.fd, e, 4));
	EXPECT_TRUE(quiet(self->a.fd));
}

TEST_F(ev, star_g_second_protocol_alerts_the_first_only)
{
	struct mgm_event e[4];

	ASSERT_EQ(0, mgm_add(self->a.fd, self->a.handle, self->if_a, 0, G1, JOIN));
	ASSERT_EQ(1, drain(self->b.fd, e, 4));
	ASSERT_EQ(1, drain(self->c.fd, e, 4));

	ASSERT_EQ(0, mgm_add(self->b.fd, self->b.handle, self->if_b, 0, G1, JOIN));
	ASSERT_EQ(1, drain(self->a.fd, e, 4));
	EXPECT_EVENT(&e[0], &self->a, MGM_EVENT_JOIN_ALERT, MGM_EVENT_MEMBER, 0, G1,
		     0, PROTO_B);
	EXPECT_TRUE(quiet(self->b.fd));
	EXPECT_TRUE(quiet(self->c.fd));

	/* A third: nothing to anybody. */
	ASSERT_EQ(0, mgm_add(self->c.fd, self->c.handle, self->if_c, 0, G1, JOIN));
	EXPECT_TRUE(quiet(self->a.fd) && quiet(self->b.fd) && quiet(self->c.fd));
	/* Back to two: nothing either. */
	ASSERT_EQ(0, mgm_del(self->c.fd, self->c.handle, self->if_c, 0, G1, JOIN));
	EXPECT_TRUE(quiet(self->a.fd) && quiet(self->b.fd) && quiet(self->c.fd));
}

TEST_F(ev, star_g_prunes)
{
	struct mgm_event e[4];

	ASSERT_EQ(0, mgm_add(self->a.fd, self->a.handle, self->if_a, 0, G1, JOIN));
	ASSERT_EQ(0, mgm_add(self->b.fd, self->b.handle, self->if_b, 0, G1, JOIN));
	drain(self->a.fd, e, 4), drain(self->b.fd, e, 4), drain(self->c.fd, e, 4);

	/* 2 -> 1: the one that remains, with the leaving interface. */
	ASSERT_EQ(0, mgm_del(self->b.fd, self->b.handle, self->if_b, 0, G1, JOIN));
	ASSERT_EQ(1, drain(self->a.fd, e, 4));
	EXPECT_EVENT(&e[0], &self->a, MGM_EVENT_PRUNE_ALERT, MGM_EVENT_MEMBER, 0, G1,
		     self->if_b, PROTO_B);
	EXPECT_TRUE(quiet(self->b.fd) && quiet(self->c.fd));

	/* 1 -> 0: everybody else. */
	ASSERT_EQ(0, mgm_del(self->a.fd, self->a.handle, self->if_a, 0, G1, JOIN));
	ASSERT_EQ(1, drain(self->b.fd, e, 4));
	EXPECT_EVENT(&e[0], &self->b, MGM_EVENT_PRUNE_ALERT, MGM_EVENT_MEMBER, 0, G1,
		     self->if_a, PROTO_A);
	ASSERT_EQ(1, drain(self->c.fd, e, 4));
	EXPECT_EVENT(&e[0], &self->c, MGM_EVENT_PRUNE_ALERT, MGM_EVENT_MEMBER, 0, G1,
		     self->if_a, PROTO_A);
	EXPECT_TRUE(quiet(self->a.fd));
}

/* Protocols are counted, not interfaces or flags. */
TEST_F(ev, counted_per_protocol)
{
	struct mgm_event e[4];
	int if_a2 = make_dummy("eva2");

	ASSERT_LT(0, if_a2);
	ASSERT_EQ(0, mgm_take(self->a.fd, self->a.handle, if_a2, 0));
	ASSERT_EQ(0, mgm_add(self->a.fd, self->a.handle, self->if_a, 0, G1, JOIN));
	ASSERT_EQ(1, drain(self->b.fd, e, 4));
	drain(self->c.fd, e, 4);
	/* The same protocol on a second interface: no change of protocols. */
	ASSERT_EQ(0, mgm_add(self->a.fd, self->a.handle, if_a2, 0, G1, JOIN));
	EXPECT_TRUE(quiet(self->b.fd) && quiet(self->c.fd));
	ASSERT_EQ(0, mgm_del(self->a.fd, self->a.handle, self->if_a, 0, G1, JOIN));
	EXPECT_TRUE(quiet(self->b.fd) && quiet(self->c.fd));
	/* Forward state on top changes no join state. */
	ASSERT_EQ(0, mgm_add(self->a.fd, self->a.handle, if_a2, 0, G1, FWD));
	EXPECT_TRUE(quiet(self->b.fd) && quiet(self->c.fd));
	/* Dropping join state but keeping forward state is the protocol leaving. */
	ASSERT_EQ(0, mgm_del(self->a.fd, self->a.handle, if_a2, 0, G1, JOIN));
	ASSERT_EQ(1, drain(self->b.fd, e, 4));
	EXPECT_EVENT(&e[0], &self->b, MGM_EVENT_PRUNE_ALERT, MGM_EVENT_MEMBER, 0, G1,
		     if_a2, PROTO_A);
	del_link("eva2");
}

TEST_F(ev, duplicates_and_failures_fire_nothing)
{
	struct mgm_event e[4];

	ASSERT_EQ(0, mgm_add(self->a.fd, self->a.handle, self->if_a, 0, G1, JOIN));
	drain(self->b.fd, e, 4), drain(self->c.fd, e, 4);
	EXPECT_EQ(0, mgm_add(self->a.fd, self->a.handle, self->if_a, 0, G1, JOIN));
	EXPECT_EQ(-ENOENT, mgm_del(self->a.fd, self->a.handle, self->if_a, 0, G2, JOIN));
	EXPECT_EQ(-EINVAL, mgm_add(self->a.fd, self->a.handle, self->if_b, 0, G2, JOIN));
	EXPECT_EQ(-EINVAL, mgm_add(self->a.fd, self->a.handle, self->if_a, 0,
				   ip4(10, 0, 0, 1), JOIN));
	/* A forward-only membership is no join. */
	EXPECT_EQ(0, mgm_add(self->a.fd, self->a.handle, self->if_a, 0, G2, FWD));
	EXPECT_TRUE(quiet(self->a.fd) && quiet(self->b.fd) && quiet(self->c.fd));
}

/* --- (S,G): the owner of the RPF interface towards S ----------------------------- */

TEST_F(ev, source_specific_goes_to_the_rpf_owner)
{
	uint32_t s_b = ip4(10, 77, 1, 5), s_none = ip4(10, 78, 0, 1);
	uint32_t s_unowned = ip4(10, 77, 3, 5);
	struct mgm_event e[4];
	int if_x = make_dummy("evx");

	ASSERT_LT(0, if_x);
	ASSERT_EQ(0, run("ip addr add 10.77.1.1/24 dev evb"));
	ASSERT_EQ(0, run("ip addr add 10.77.3.1/24 dev evx"));

	/* Route to S through B's interface: B is told, nobody else. */
	ASSERT_EQ(0, mgm_add(self->a.fd, self->a.handle, self->if_a, s_b, G1, JOIN));
	ASSERT_EQ(1, drain(self->b.fd, e, 4));
	EXPECT_EVENT(&e[0], &self->b, MGM_EVENT_JOIN_ALERT, MGM_EVENT_MEMBER, s_b, G1,
		     0, PROTO_A);
	EXPECT_TRUE(quiet(self->a.fd) && quiet(self->c.fd));
	/* A second member of the entry: nothing. */
	ASSERT_EQ(0, mgm_add(self->c.fd, self->c.handle, self->if_c, s_b, G1, JOIN));
	EXPECT_TRUE(quiet(self->a.fd) && quiet(self->b.fd) && quiet(self->c.fd));
	ASSERT_EQ(0, mgm_del(self->c.fd, self->c.handle, self->if_c, s_b, G1, JOIN));
	EXPECT_TRUE(quiet(self->b.fd));
	/* The last goes: B, with the interface of the membership that went. */
	ASSERT_EQ(0, mgm_del(self->a.fd, self->a.handle, self->if_a, s_b, G1, JOIN));
	ASSERT_EQ(1, drain(self->b.fd, e, 4));
	EXPECT_EVENT(&e[0], &self->b, MGM_EVENT_PRUNE_ALERT, MGM_EVENT_MEMBER, s_b, G1,
		     self->if_a, PROTO_A);

	/* The RPF owner is the caller: nothing. */
	ASSERT_EQ(0, mgm_add(self->b.fd, self->b.handle, self->if_b, s_b, G1, JOIN));
	EXPECT_TRUE(quiet(self->a.fd) && quiet(self->b.fd) && quiet(self->c.fd));
	/* Through an interface nobody owns, and with no route: nothing. */
	ASSERT_EQ(0, mgm_add(self->a.fd, self->a.handle, self->if_a, s_unowned, G1, JOIN));
	ASSERT_EQ(0, mgm_add(self->a.fd, self->a.handle, self->if_a, s_none, G1, JOIN));
	ASSERT_EQ(0, mgm_del(self->a.fd, self->a.handle, self->if_a, s_none, G1, JOIN));
	EXPECT_TRUE(quiet(self->a.fd) && quiet(self->b.fd) && quiet(self->c.fd));
	del_link("evx");
}

/* IGMP alone on the RPF interface is its owner then. */
TEST_F(ev, source_specific_to_igmp_when_it_owns_alone)
{
	uint32_t s = ip4(10, 79, 1, 5);
	struct party igmp;
	struct mgm_event e[4];
	int if_i = make_dummy("evi");

	ASSERT_LT(0, if_i);
	ASSERT_EQ(0, run("ip addr add 10.79.1.1/24 dev evi"));
	ASSERT_EQ(0, party_open(&igmp, MGM_PROTO_IGMP, 1));
	ASSERT_EQ(0, mgm_take(igmp.fd, igmp.handle, if_i, 0));
	ASSERT_EQ(0, mgm_add(self->a.fd, self->a.handle, self->if_a, s, G1, JOIN));
	ASSERT_EQ(1, drain(igmp.fd, e, 4));
	EXPECT_EVENT(&e[0], &igmp, MGM_EVENT_JOIN_ALERT, MGM_EVENT_MEMBER, s, G1, 0,
		     PROTO_A);
	/* With a routing owner beside it, the routing owner is told. */
	ASSERT_EQ(0, mgm_take(self->c.fd, self->c.handle, if_i, 0));
	drain(igmp.fd, e, 4);		/* DisableIgmp, EnableIgmp */
	ASSERT_EQ(0, mgm_del(self->a.fd, self->a.handle, self->if_a, s, G1, JOIN));
	ASSERT_EQ(1, drain(self->c.fd, e, 4));
	EXPECT_EVENT(&e[0], &self->c, MGM_EVENT_PRUNE_ALERT, MGM_EVENT_MEMBER, s, G1,
		     self->if_a, PROTO_A);
	EXPECT_TRUE(quiet(igmp.fd));
	close(igmp.fd);
	del_link("evi");
}

/* --- IGMP and a routing protocol on one interface --------------------------------- */

TEST_F(ev, local_join_and_leave)
{
	uint32_t s = ip4(10, 80, 0, 1);
	struct party igmp;
	struct mgm_event e[4];

	ASSERT_EQ(0, party_open(&igmp, MGM_PROTO_IGMP, 1));
	ASSERT_EQ(0, mgm_take(igmp.fd, igmp.handle, self->if_b, 0));
	/*
	 * IGMP joins (S,G) on B's interface: B gets LocalJoin. (The (S,G)
	 * entry's first member also tells the RPF owner: none here.)
	 */
	ASSERT_EQ(0, mgm_add(igmp.fd, igmp.handle, self->if_b, s, G1, JOIN));
	ASSERT_EQ(1, drain(self->b.fd, e, 4));
	EXPECT_EVENT(&e[0], &self->b, MGM_EVENT_LOCAL_JOIN, 0, s, G1, self->if_b,
		     MGM_PROTO_IGMP);
	EXPECT_TRUE(quiet(self->a.fd) && quiet(self->c.fd) && quiet(igmp.fd));
	ASSERT_EQ(0, mgm_del(igmp.fd, igmp.handle, self->if_b, s, G1, JOIN));
	ASSERT_EQ(1, drain(self->b.fd, e, 4));
	EXPECT_EVENT(&e[0], &self->b, MGM_EVENT_LOCAL_LEAVE, 0, s, G1, self->if_b,
		     MGM_PROTO_IGMP);

	/* (*,G): LocalJoin, and the JoinAlert every other protocol gets. */
	ASSERT_EQ(0, mgm_add(igmp.fd, igmp.handle, self->if_b, 0, G1, JOIN));
	ASSERT_EQ(2, drain(self->b.fd, e, 4));
	EXPECT_EVENT(&e[0], &self->b, MGM_EVENT_LOCAL_JOIN, 0, 0, G1, self->if_b,
		     MGM_PROTO_IGMP);
	EXPECT_EVENT(&e[1], &self->b, MGM_EVENT_JOIN_ALERT, MGM_EVENT_MEMBER, 0, G1,
		     0, MGM_PROTO_IGMP);
	ASSERT_EQ(1, drain(self->a.fd, e, 4));
	ASSERT_EQ(1, drain(self->c.fd, e, 4));
	/* IGMP on an interface it owns alone: no LocalJoin to anyone. */
	ASSERT_EQ(0, mgm_release(self->c.fd, self->c.handle, self->if_c, 0));
	ASSERT_EQ(0, mgm_take(igmp.fd, igmp.handle, self->if_c, 0));
	ASSERT_EQ(0, mgm_add(igmp.fd, igmp.handle, self->if_c, 0, G1, JOIN));
	EXPECT_TRUE(quiet(self->a.fd) && quiet(self->b.fd) && quiet(self->c.fd));
	close(igmp.fd);
}

/* A routing protocol takes and releases an interface IGMP has memberships on. */
TEST_F(ev, take_and_release_around_igmp)
{
	struct party igmp;
	struct mgm_event e[8];
	int if_s = make_dummy("evs");

	ASSERT_LT(0, if_s);
	ASSERT_EQ(0, party_open(&igmp, MGM_PROTO_IGMP, 1));
	ASSERT_EQ(0, mgm_take(igmp.fd, igmp.handle, if_s, 0));
	ASSERT_EQ(0, mgm_add(igmp.fd, igmp.handle, if_s, ip4(10, 81, 0, 1), G1, JOIN));
	ASSERT_EQ(0, mgm_add(igmp.fd, igmp.handle, if_s, ip4(10, 81, 0, 2), G1, JOIN));
	ASSERT_EQ(0, mgm_add(igmp.fd, igmp.handle, if_s, ip4(10, 81, 0, 3), G1, FWD));
	EXPECT_TRUE(quiet(self->a.fd) && quiet(self->b.fd) && quiet(self->c.fd));

	ASSERT_EQ(0, mgm_take(self->a.fd, self->a.handle, if_s, 0));
	ASSERT_EQ(2, drain(igmp.fd, e, 8));
	EXPECT_EVENT(&e[0], &igmp, MGM_EVENT_DISABLE_IGMP, 0, 0, 0, if_s, PROTO_A);
	EXPECT_EVENT(&e[1], &igmp, MGM_EVENT_ENABLE_IGMP, 0, 0, 0, if_s, PROTO_A);
	/* The taker learns what IGMP had there with join state. */
	ASSERT_EQ(2, drain(self->a.fd, e, 8));
	EXPECT_EVENT(&e[0], &self->a, MGM_EVENT_LOCAL_JOIN, 0, ip4(10, 81, 0, 1), G1,
		     if_s, MGM_PROTO_IGMP);
	EXPECT_EVENT(&e[1], &self->a, MGM_EVENT_LOCAL_JOIN, 0, ip4(10, 81, 0, 2), G1,
		     if_s, MGM_PROTO_IGMP);
	/* IGMP re-adding on EnableIgmp is a successful no-op: nothing told. */
	EXPECT_EQ(0, mgm_add(igmp.fd, igmp.handle, if_s, ip4(10, 81, 0, 1), G1, JOIN));
	EXPECT_TRUE(quiet(self->a.fd) && quiet(igmp.fd));

	ASSERT_EQ(0, mgm_release(self->a.fd, self->a.handle, if_s, 0));
	ASSERT_EQ(2, drain(igmp.fd, e, 8));
	EXPECT_EVENT(&e[0], &igmp, MGM_EVENT_DISABLE_IGMP, 0, 0, 0, if_s, PROTO_A);
	EXPECT_EVENT(&e[1], &igmp, MGM_EVENT_ENABLE_IGMP, 0, 0, 0, if_s, PROTO_A);
	EXPECT_TRUE(quiet(self->a.fd) && quiet(self->b.fd));
	close(igmp.fd);
	del_link("evs");
}

/* --- lifecycle ----------------------------------------------------------------------- */

/*
 * The file of a routing protocol that co-owns an interface with IGMP is
 * closed: IGMP gets the interface back as on a release (DisableIgmp, then
 * EnableIgmp), caused by nobody's call; the others hear nothing.
 */
TEST_F(ev, closed_routing_file_gives_igmp_its_interface_back)
{
	struct party igmp, routing;
	struct mgm_event e[8];
	int if_s = make_dummy("evz");

	ASSERT_LT(0, if_s);
	ASSERT_EQ(0, party_open(&igmp, MGM_PROTO_IGMP, 1));
	ASSERT_EQ(0, party_open(&routing, 15, 2));
	ASSERT_EQ(0, mgm_take(igmp.fd, igmp.handle, if_s, 0));
	ASSERT_EQ(0, mgm_add(igmp.fd, igmp.handle, if_s, 0, G1, JOIN));
	ASSERT_EQ(0, mgm_take(routing.fd, routing.handle, if_s, 0));
	drain(igmp.fd, e, 8), drain(self->a.fd, e, 8), drain(self->b.fd, e, 8),
		drain(self->c.fd, e, 8);

	close(routing.fd);
	ASSERT_EQ(2, drain(igmp.fd, e, 8));
	EXPECT_EVENT(&e[0], &igmp, MGM_EVENT_DISABLE_IGMP, 0, 0, 0, if_s, 0);
	EXPECT_EVENT(&e[1], &igmp, MGM_EVENT_ENABLE_IGMP, 0, 0, 0, if_s, 0);
	EXPECT_TRUE(quiet(self->a.fd) && quiet(self->b.fd) && quiet(self->c.fd));
	/* IGMP alone again: a second routing protocol may take it. */
	ASSERT_EQ(0, mgm_take(self->a.fd, self->a.handle, if_s, 0));
	close(igmp.fd);
	del_link("evz");
}

/* A process killed with memberships: the others get its prunes. */
TEST_F(ev, killed_process_prunes_to_the_others)
{
	struct mgm_event e[4];
	int ready[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct party d;
		int ifd = make_dummy("evk");

		if (ifd < 0 || party_open(&d, 15, 1) || mgm_take(d.fd, d.handle, ifd, 0) ||
		    mgm_add(d.fd, d.handle, ifd, 0, G2, JOIN))
			_exit(1);
		(void)!write(ready[1], "x", 1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	ASSERT_EQ(1, drain(self->a.fd, e, 4));
	EXPECT_EQ((uint32_t)MGM_EVENT_JOIN_ALERT, e[0].type);
	EXPECT_EQ(15u, e[0].protocol_id);
	drain(self->b.fd, e, 4), drain(self->c.fd, e, 4);

	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	/* Its file was closed: nobody's call, so no protocol is named. */
	ASSERT_EQ(1, drain(self->a.fd, e, 4));
	EXPECT_EVENT(&e[0], &self->a, MGM_EVENT_PRUNE_ALERT, MGM_EVENT_MEMBER, 0, G2,
		     if_nametoindex("evk"), 0);
	ASSERT_EQ(1, drain(self->b.fd, e, 4));
	ASSERT_EQ(1, drain(self->c.fd, e, 4));
	close(ready[0]);
	del_link("evk");
}

TEST_F(ev, removed_device_prunes)
{
	struct mgm_event e[4];

	ASSERT_EQ(0, mgm_add(self->a.fd, self->a.handle, self->if_a, 0, G1, JOIN));
	ASSERT_EQ(0, mgm_add(self->b.fd, self->b.handle, self->if_b, 0, G1, JOIN));
	drain(self->a.fd, e, 4), drain(self->b.fd, e, 4), drain(self->c.fd, e, 4);
	ASSERT_EQ(0, del_link("evb"));
	/* 2 -> 1: A, with B's interface, caused by nobody's call. */
	ASSERT_EQ(1, drain(self->a.fd, e, 4));
	EXPECT_EVENT(&e[0], &self->a, MGM_EVENT_PRUNE_ALERT, MGM_EVENT_MEMBER, 0, G1,
		     self->if_b, 0);
	EXPECT_TRUE(quiet(self->b.fd) && quiet(self->c.fd));
	self->if_b = make_dummy("evb");		/* for the teardown */
}

/* A release's memberships are pruned like deletes, not to the releaser. */
TEST_F(ev, release_prunes_like_deletes)
{
	struct mgm_event e[4];

	ASSERT_EQ(0, mgm_add(self->a.fd, self->a.handle, self->if_a, 0, G1, JOIN));
	drain(self->b.fd, e, 4), drain(self->c.fd, e, 4);
	ASSERT_EQ(0, mgm_release(self->a.fd, self->a.handle, self->if_a, 0));
	ASSERT_EQ(1, drain(self->b.fd, e, 4));
	EXPECT_EVENT(&e[0], &self->b, MGM_EVENT_PRUNE_ALERT, MGM_EVENT_MEMBER, 0, G1,
		     self->if_a, PROTO_A);
	ASSERT_EQ(1, drain(self->c.fd, e, 4));
	EXPECT_TRUE(quiet(self->a.fd));
}

/* Closing a file with unread events frees them (kmemleak in the debug tier). */
TEST_F(ev, close_with_unread_events)
{
	struct party d;

	ASSERT_EQ(0, party_open(&d, 16, 1));
	ASSERT_EQ(0, mgm_add(self->a.fd, self->a.handle, self->if_a, 0, G1, JOIN));
	ASSERT_EQ(0, mgm_add(self->a.fd, self->a.handle, self->if_a, 0, G2, JOIN));
	EXPECT_EQ(0, close(d.fd));
	/* The others still get theirs. */
	EXPECT_FALSE(quiet(self->b.fd));
}

/* --- overflow ----------------------------------------------------------------------------- */

TEST_F_TIMEOUT(ev, overflow_counts_exactly, 600)
{
	const uint32_t n = 50000;
	struct mgm_membership *recs = calloc(n, sizeof(*recs));
	struct mgm_event *e = calloc(5000, EV);
	uint32_t i, done;
	int got;

	ASSERT_TRUE(recs && e);
	/* C reads nothing while A makes 100,000 changes B is told of. */
	close(self->c.fd);
	self->c.fd = mgm_open_dev();
	for (i = 0; i < n; i++)
		recs[i] = mgm_rec(self->a.handle, self->if_a, 0,
				  htonl(0xe80a0000u + i), JOIN);
	ASSERT_EQ(0, mgm_batch_apply(self->a.fd, MGM_BATCH_ADD, recs, n, &done, NULL));
	ASSERT_EQ(0, mgm_batch_apply(self->a.fd, MGM_BATCH_DELETE, recs, n, &done, NULL));

	got = drain(self->b.fd, e, 5000);
	ASSERT_EQ(4097, got);
	for (i = 0; i < 4096; i++) {
		ASSERT_EQ((uint32_t)MGM_EVENT_JOIN_ALERT, e[i].type);
		ASSERT_EQ(0xe80a0000u + i, ntohl(e[i].group));
		if (i)
			ASSERT_EQ(e[i - 1].seq + 1, e[i].seq);
	}
	EXPECT_EQ((uint32_t)MGM_EVENT_OVERFLOW, e[4096].type);
	EXPECT_EQ(2ull * n - 4096, (unsigned long long)e[4096].lost);
	EXPECT_EQ(0u, e[4096].handle);
	EXPECT_EQ(e[4095].seq + 2ull * n - 4096, e[4096].seq);
	EXPECT_TRUE(quiet(self->b.fd));
	/* And events flow again. */
	ASSERT_EQ(0, mgm_add(self->a.fd, self->a.handle, self->if_a, 0, G1, JOIN));
	ASSERT_EQ(1, drain(self->b.fd, e, 5000));
	EXPECT_EQ((uint32_t)MGM_EVENT_JOIN_ALERT, e[0].type);
	EXPECT_EQ(e[4096].seq + 1, e[0].seq);
	free(recs);
	free(e);
}

/* --- the table view (MGM_SUBSCRIBE_TABLE) --------------------------------------------- */

TEST_F(ev, table_subscription_sees_every_change)
{
	struct mgm_subscribe s = { .events = MGM_SUBSCRIBE_TABLE };
	struct mgm_event e[8];
	struct mgm_stats st;
	int mon = mgm_open_dev();

	ASSERT_LE(0, mon);
	fcntl(mon, F_SETFL, O_NONBLOCK);
	ASSERT_EQ(0, ioctl(mon, MGM_IOC_SUBSCRIBE, &s));
	ASSERT_EQ(0, mgm_add(self->a.fd, self->a.handle, self->if_a, ip4(10, 1, 1, 1), G1, FWD));
	ASSERT_EQ(0, mgm_add(self->a.fd, self->a.handle, self->if_a, ip4(10, 1, 1, 1), G1, JOIN));
	ASSERT_EQ(0, mgm_del(self->a.fd, self->a.handle, self->if_a, ip4(10, 1, 1, 1), G1,
			     JOIN | FWD));
	ASSERT_EQ(0, mgm_stats_get(mon, &st));
	ASSERT_EQ(3, drain(mon, e, 8));
	EXPECT_EQ((uint32_t)MGM_EVENT_TABLE, e[0].type);
	EXPECT_EQ(0u, e[0].handle);
	EXPECT_EQ((uint32_t)MGM_EVENT_NEW, e[0].flags);
	EXPECT_EQ((uint32_t)FWD, e[0].member_flags);
	EXPECT_EQ(sg_key(ip4(10, 1, 1, 1), G1), ev_key(&e[0]));
	EXPECT_EQ((uint32_t)self->if_a, e[0].ifindex);
	EXPECT_EQ((uint32_t)PROTO_A, e[0].protocol_id);
	EXPECT_EQ(1u, e[0].component_id);
	EXPECT_EQ(0u, e[1].flags);
	EXPECT_EQ((uint32_t)(JOIN | FWD), e[1].member_flags);
	EXPECT_EQ((uint32_t)MGM_EVENT_GONE, e[2].flags);
	EXPECT_EQ(0u, e[2].member_flags);
	/* Generations rise with the changes; the last is the table's now. */
	EXPECT_LT(s.generation, e[0].generation);
	EXPECT_LT(e[0].generation, e[1].generation);
	EXPECT_EQ(st.generation, e[2].generation);
	/* A monitor is no protocol: alerts are not its business. */
	ASSERT_EQ(0, mgm_add(self->a.fd, self->a.handle, self->if_a, 0, G1, JOIN));
	ASSERT_EQ(1, drain(mon, e, 8));
	EXPECT_EQ((uint32_t)MGM_EVENT_TABLE, e[0].type);
	close(mon);
}

TEST_HARNESS_MAIN
