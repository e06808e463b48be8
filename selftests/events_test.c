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

/* A protocol on a file of its own, subscribed to its alerts and MFE callbacks. */
struct party {
	int fd;
	uint32_t id, handle;
};

static int party_open(struct party *p, uint32_t id, uint32_t comp)
{
	struct mgm_subscribe s = { .events = MGM_SUBSCRIBE_ALERTS | MGM_SUBSCRIBE_MFE };
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
		EXPECT_EQ(0u, (e)->in_ifindex | (e)->in_nexthop);	\
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
	s.events = 0x8;
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

/* --- the forwarder's MFE reports (D19) ------------------------------------------------ */

#define S_MFE	ip4(10, 81, 0, 5)
#define G_MFE	ip4(232, 9, 1, 1)

/* One MGM_IOC_MFE_REPORT; -errno, or 0 with the protocols told in *@told. */
static int mfe_report(int fd, struct mgm_mfe_report *r, uint32_t *told)
{
	if (ioctl(fd, MGM_IOC_MFE_REPORT, r))
		return -errno;
	if (told)
		*told = r->told;
	return 0;
}

static struct mgm_mfe_report mfe_rep(uint32_t kind, int in)
{
	return (struct mgm_mfe_report){ .kind = kind, .source = S_MFE,
					.group = G_MFE, .in_ifindex = (uint32_t)in };
}

/* An event about the MFE (S_MFE, G_MFE) for @to, with these fields. */
#define EXPECT_MFE_EVENT(e, to, _type, _flags, _ifindex, _in, _timeout)	\
	do {								\
		EXPECT_EQ((uint32_t)(_type), (e)->type);		\
		EXPECT_EQ((to)->handle, (e)->handle);			\
		EXPECT_EQ((uint32_t)(MGM_EVENT_MFE | (_flags)), (e)->flags); \
		EXPECT_EQ(sg_key(S_MFE, G_MFE), ev_key(e));		\
		EXPECT_EQ(MASK32, (e)->source_mask);			\
		EXPECT_EQ(MASK32, (e)->group_mask);			\
		EXPECT_EQ((uint32_t)(_ifindex), (e)->ifindex);		\
		EXPECT_EQ(0u, (e)->nexthop);				\
		EXPECT_EQ(0u, (e)->protocol_id | (e)->component_id);	\
		EXPECT_EQ((uint32_t)(_timeout), (e)->timeout);		\
		EXPECT_EQ(0ull, (unsigned long long)(e)->lost);		\
		EXPECT_EQ((uint32_t)(_in), (e)->in_ifindex);		\
		EXPECT_EQ(0u, (e)->in_nexthop);				\
	} while (0)

/*
 * A new MFE: RPF to the owner of its incoming interface (A); one
 * CreationAlert to each owner of outgoing interfaces, listing only its
 * own, in the report's order: B (two, the first with MORE), C (its routing
 * interface, which IGMP co-owns), IGMP (the one it owns alone); nobody for
 * the interface nobody owns.
 */
TEST_F(ev, mfe_created_tells_rpf_and_each_outgoing_owner)
{
	int if_d = make_dummy("evd"), if_e = make_dummy("eve"), if_f = make_dummy("evf");
	struct mgm_mfe_out out[5];
	struct mgm_mfe_report r = mfe_rep(MGM_MFE_CREATED, self->if_a);
	struct mgm_event e[4];
	struct mgm_stats st;
	struct party igmp;
	uint32_t told = 0;

	ASSERT_LT(0, if_d);
	ASSERT_LT(0, if_e);
	ASSERT_LT(0, if_f);
	ASSERT_EQ(0, party_open(&igmp, MGM_PROTO_IGMP, 1));
	ASSERT_EQ(0, mgm_take(self->b.fd, self->b.handle, if_d, 0));
	ASSERT_EQ(0, mgm_take(igmp.fd, igmp.handle, self->if_c, 0));
	ASSERT_EQ(0, mgm_take(igmp.fd, igmp.handle, if_e, 0));
	ASSERT_TRUE(quiet(self->a.fd) && quiet(self->b.fd) && quiet(self->c.fd) &&
		    quiet(igmp.fd));

	out[0] = (struct mgm_mfe_out){ .ifindex = (uint32_t)self->if_b };
	out[1] = (struct mgm_mfe_out){ .ifindex = (uint32_t)self->if_c };
	out[2] = (struct mgm_mfe_out){ .ifindex = (uint32_t)if_d };
	out[3] = (struct mgm_mfe_out){ .ifindex = (uint32_t)if_e };
	out[4] = (struct mgm_mfe_out){ .ifindex = (uint32_t)if_f };
	r.out_count = 5;
	r.out_list = (uintptr_t)out;
	ASSERT_EQ(0, mfe_report(self->a.fd, &r, &told));
	EXPECT_EQ(4u, told);

	ASSERT_EQ(1, drain(self->a.fd, e, 4));
	EXPECT_MFE_EVENT(&e[0], &self->a, MGM_EVENT_RPF, 0, 0, self->if_a, 0);
	ASSERT_EQ(2, drain(self->b.fd, e + 1, 3));
	EXPECT_MFE_EVENT(&e[1], &self->b, MGM_EVENT_CREATION_ALERT, MGM_EVENT_MORE,
			 self->if_b, self->if_a, 0);
	EXPECT_MFE_EVENT(&e[2], &self->b, MGM_EVENT_CREATION_ALERT, 0, if_d, self->if_a, 0);
	EXPECT_EQ(e[0].seq + 1, e[1].seq);
	EXPECT_EQ(e[1].seq + 1, e[2].seq);
	ASSERT_EQ(1, drain(self->c.fd, e + 3, 1));
	EXPECT_MFE_EVENT(&e[3], &self->c, MGM_EVENT_CREATION_ALERT, 0, self->if_c,
			 self->if_a, 0);
	EXPECT_EQ(e[2].seq + 1, e[3].seq);
	ASSERT_EQ(1, drain(igmp.fd, e, 1));
	EXPECT_MFE_EVENT(&e[0], &igmp, MGM_EVENT_CREATION_ALERT, 0, if_e, self->if_a, 0);
	EXPECT_EQ(e[3].seq + 1, e[0].seq);
	EXPECT_TRUE(quiet(self->a.fd) && quiet(self->b.fd) && quiet(self->c.fd) &&
		    quiet(igmp.fd));

	/* No incoming interface (no route): CreationAlerts only. */
	r = mfe_rep(MGM_MFE_CREATED, 0);
	r.out_count = 1;
	r.out_list = (uintptr_t)&out[2];
	ASSERT_EQ(0, mfe_report(self->c.fd, &r, &told));
	EXPECT_EQ(1u, told);
	ASSERT_EQ(1, drain(self->b.fd, e, 4));
	EXPECT_MFE_EVENT(&e[0], &self->b, MGM_EVENT_CREATION_ALERT, 0, if_d, 0, 0);
	/* A negative MFE (no outgoing interface): RPF only. */
	r = mfe_rep(MGM_MFE_CREATED, self->if_b);
	ASSERT_EQ(0, mfe_report(self->c.fd, &r, &told));
	EXPECT_EQ(1u, told);
	ASSERT_EQ(1, drain(self->b.fd, e, 4));
	EXPECT_MFE_EVENT(&e[0], &self->b, MGM_EVENT_RPF, 0, 0, self->if_b, 0);
	EXPECT_TRUE(quiet(self->a.fd) && quiet(self->c.fd) && quiet(igmp.fd));
	/* No membership changed. */
	ASSERT_EQ(0, mgm_stats_get(self->a.fd, &st));
	EXPECT_EQ(0ull, (unsigned long long)st.entries);
	close(igmp.fd);
	del_link("evd");
	del_link("eve");
	del_link("evf");
}

TEST_F(ev, mfe_emptied_filled_and_wrong_if)
{
	struct mgm_mfe_report r = mfe_rep(MGM_MFE_EMPTIED, self->if_a);
	struct mgm_subscribe none = { .events = 0 };
	struct mgm_subscribe alerts_only = { .events = MGM_SUBSCRIBE_ALERTS };
	struct mgm_event e[2];
	int if_x = make_dummy("evx");
	uint32_t told = 0;

	ASSERT_LT(0, if_x);
	/* The outgoing list emptied: PruneAlert (FALSE) to A, with the timeout. */
	r.timeout = 900;
	ASSERT_EQ(0, mfe_report(self->c.fd, &r, &told));
	EXPECT_EQ(1u, told);
	ASSERT_EQ(1, drain(self->a.fd, e, 2));
	EXPECT_MFE_EVENT(&e[0], &self->a, MGM_EVENT_PRUNE_ALERT, 0, self->if_a,
			 self->if_a, 900);
	/* ... and filled again: JoinAlert (FALSE) to A. */
	r = mfe_rep(MGM_MFE_FILLED, self->if_a);
	ASSERT_EQ(0, mfe_report(self->c.fd, &r, &told));
	EXPECT_EQ(1u, told);
	ASSERT_EQ(1, drain(self->a.fd, e, 2));
	EXPECT_MFE_EVENT(&e[0], &self->a, MGM_EVENT_JOIN_ALERT, 0, 0, self->if_a, 0);
	/* A packet on B's interface: WrongIf to B. */
	r = mfe_rep(MGM_MFE_WRONG_IF, self->if_a);
	r.ifindex = (uint32_t)self->if_b;
	ASSERT_EQ(0, mfe_report(self->c.fd, &r, &told));
	EXPECT_EQ(1u, told);
	ASSERT_EQ(1, drain(self->b.fd, e, 2));
	EXPECT_MFE_EVENT(&e[0], &self->b, MGM_EVENT_WRONG_IF, 0, self->if_b, self->if_a, 0);
	EXPECT_TRUE(quiet(self->a.fd) && quiet(self->b.fd) && quiet(self->c.fd));

	/* Interfaces nobody owns: nobody. */
	r = mfe_rep(MGM_MFE_WRONG_IF, self->if_a);
	r.ifindex = (uint32_t)if_x;
	ASSERT_EQ(0, mfe_report(self->c.fd, &r, &told));
	EXPECT_EQ(0u, told);
	r = mfe_rep(MGM_MFE_FILLED, if_x);
	ASSERT_EQ(0, mfe_report(self->c.fd, &r, &told));
	EXPECT_EQ(0u, told);
	/* An owner whose file asked for alerts but not MFE callbacks is not told, ... */
	ASSERT_EQ(0, ioctl(self->a.fd, MGM_IOC_SUBSCRIBE, &alerts_only));
	r = mfe_rep(MGM_MFE_FILLED, self->if_a);
	ASSERT_EQ(0, mfe_report(self->c.fd, &r, &told));
	EXPECT_EQ(0u, told);
	EXPECT_TRUE(quiet(self->a.fd));
	/* ... nor one that did not subscribe at all. */
	ASSERT_EQ(0, ioctl(self->a.fd, MGM_IOC_SUBSCRIBE, &none));
	ASSERT_EQ(0, mfe_report(self->c.fd, &r, &told));
	EXPECT_EQ(0u, told);
	EXPECT_TRUE(quiet(self->b.fd) && quiet(self->c.fd));
	del_link("evx");
}

/* Each rule of MGM_IOC_MFE_REPORT, with otherwise valid input; nobody told. */
TEST_F(ev, mfe_report_validation)
{
	struct mgm_mfe_out out[MGM_MFE_MAX_OUT + 1], good = { .ifindex = 0 };
	struct mgm_mfe_report r;
	uint32_t i;
	pid_t pid;
	int status;

	good.ifindex = (uint32_t)self->if_b;
	for (i = 0; i <= MGM_MFE_MAX_OUT; i++)
		out[i] = (struct mgm_mfe_out){ .ifindex = 1000 + i };
#define BAD(err, ...)							\
	do {								\
		r = mfe_rep(MGM_MFE_CREATED, self->if_a);		\
		r.out_count = 1;					\
		r.out_list = (uintptr_t)&good;				\
		__VA_ARGS__;						\
		EXPECT_EQ(-(err), mfe_report(self->c.fd, &r, NULL));	\
	} while (0)
	BAD(0);				/* the valid one (told below) */
	ASSERT_EQ(1, drain(self->a.fd, (struct mgm_event[2]){ { 0 } }, 2));
	ASSERT_EQ(1, drain(self->b.fd, (struct mgm_event[2]){ { 0 } }, 2));
	BAD(EINVAL, r.kind = 0);
	BAD(EINVAL, r.kind = MGM_MFE_WRONG_IF + 1);
	BAD(EINVAL, r.flags = 1);
	BAD(EINVAL, r.pad = 1);
	BAD(EINVAL, r.source = 0);
	BAD(EINVAL, r.source = ip4(224, 1, 1, 1));
	BAD(EINVAL, r.source = ip4(255, 255, 255, 255));
	BAD(EINVAL, r.group = ip4(10, 1, 1, 1));
	BAD(EINVAL, r.group = 0);
	BAD(EINVAL, r.in_ifindex = 0; r.in_nexthop = ip4(10, 0, 0, 1));
	BAD(EINVAL, r.ifindex = (uint32_t)self->if_c);
	BAD(EINVAL, r.nexthop = ip4(10, 0, 0, 1));
	BAD(EINVAL, r.timeout = 900);
	BAD(EINVAL, r.out_count = 0);			/* a list without a count */
	BAD(E2BIG, r.out_count = MGM_MFE_MAX_OUT + 1; r.out_list = (uintptr_t)out);
	BAD(EINVAL, good.ifindex = 0);
	good.ifindex = (uint32_t)self->if_b;
	BAD(EINVAL, good.ifindex = (uint32_t)self->if_a);	/* the incoming one */
	good.ifindex = (uint32_t)self->if_b;
	BAD(EINVAL, out[1] = out[0]; r.out_count = 2; r.out_list = (uintptr_t)out);
	out[1].ifindex = 1001;
	BAD(EFAULT, r.out_list = 1);
	/* The other kinds take no list, ... */
	BAD(EINVAL, r.kind = MGM_MFE_FILLED);
	BAD(EINVAL, r.kind = MGM_MFE_EMPTIED);
	/* ... WRONG_IF needs the interface the packet came on, ... */
	BAD(EINVAL, r.kind = MGM_MFE_WRONG_IF; r.out_count = 0; r.out_list = 0);
	/* ... and only EMPTIED has a timeout. */
	BAD(EINVAL, r.kind = MGM_MFE_FILLED; r.out_count = 0; r.out_list = 0;
	    r.timeout = 900);
	/* The positive controls of the last three. */
	BAD(0, r.kind = MGM_MFE_FILLED; r.out_count = 0; r.out_list = 0);
	BAD(0, r.kind = MGM_MFE_EMPTIED; r.out_count = 0; r.out_list = 0; r.timeout = 9);
	BAD(0, r.kind = MGM_MFE_WRONG_IF; r.out_count = 0; r.out_list = 0;
	    r.ifindex = (uint32_t)self->if_b);
	/* The largest list. */
	BAD(0, r.out_count = MGM_MFE_MAX_OUT; r.out_list = (uintptr_t)out);
#undef BAD
	EXPECT_EQ(3, drain(self->a.fd, (struct mgm_event[4]){ { 0 } }, 4));
	EXPECT_EQ(1, drain(self->b.fd, (struct mgm_event[4]){ { 0 } }, 4));
	EXPECT_TRUE(quiet(self->c.fd));

	/* Without CAP_NET_ADMIN: EPERM. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd;

		if (drop_net_admin())
			_exit(100);
		fd = mgm_open_dev();
		if (fd < 0)
			_exit(101);
		r = mfe_rep(MGM_MFE_FILLED, self->if_a);
		_exit(mfe_report(fd, &r, NULL) == -EPERM ? 0 : 102);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_TRUE(quiet(self->a.fd) && quiet(self->b.fd));
}

/* The records of one CreationAlert are queued together or lost together. */
TEST_F(ev, mfe_creation_alert_whole_or_lost)
{
	struct mgm_mfe_report r = mfe_rep(MGM_MFE_FILLED, self->if_b);
	struct mgm_event *e = calloc(4200, EV);
	int if_d = make_dummy("evd");
	struct mgm_mfe_out out[2];
	uint32_t i;

	ASSERT_TRUE(e != NULL);
	ASSERT_LT(0, if_d);
	ASSERT_EQ(0, mgm_take(self->b.fd, self->b.handle, if_d, 0));
	/* B's queue (4096) gets 4095 JoinAlerts: room for one more record. */
	for (i = 0; i < 4095; i++) {
		ASSERT_EQ(0, mfe_report(self->c.fd, &r, NULL));
	}
	out[0] = (struct mgm_mfe_out){ .ifindex = (uint32_t)self->if_b };
	out[1] = (struct mgm_mfe_out){ .ifindex = (uint32_t)if_d };
	r = mfe_rep(MGM_MFE_CREATED, self->if_a);
	r.out_count = 2;
	r.out_list = (uintptr_t)out;
	ASSERT_EQ(0, mfe_report(self->c.fd, &r, NULL));
	ASSERT_EQ(4096, drain(self->b.fd, e, 4200));
	for (i = 0; i < 4095; i++) {
		ASSERT_EQ((uint32_t)MGM_EVENT_JOIN_ALERT, e[i].type);
	}
	EXPECT_EQ((uint32_t)MGM_EVENT_OVERFLOW, e[4095].type);
	EXPECT_EQ(2ull, (unsigned long long)e[4095].lost);
	EXPECT_EQ(e[4094].seq + 3, e[4095].seq);	/* the RPF to A, then the two */
	ASSERT_EQ(1, drain(self->a.fd, e, 2));
	EXPECT_MFE_EVENT(&e[0], &self->a, MGM_EVENT_RPF, 0, 0, self->if_a, 0);
	/* With room again, the whole alert. */
	ASSERT_EQ(0, mfe_report(self->c.fd, &r, NULL));
	ASSERT_EQ(2, drain(self->b.fd, e, 4));
	EXPECT_MFE_EVENT(&e[0], &self->b, MGM_EVENT_CREATION_ALERT, MGM_EVENT_MORE,
			 self->if_b, self->if_a, 0);
	EXPECT_MFE_EVENT(&e[1], &self->b, MGM_EVENT_CREATION_ALERT, 0, if_d, self->if_a, 0);
	free(e);
	del_link("evd");
}

TEST_HARNESS_MAIN
