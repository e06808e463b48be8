// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host-side: libmgm's delivery of the callbacks (events.c) and its
 * re-synchronisation after an overflow (resync.c), against a fake
 * /dev/mgm (fake_dev.h): the test writes struct mgm_event records as the
 * kernel would queue them, and the ioctls the library makes are answered
 * from tables the test fills (registrations, owners, the
 * membership enumeration). Every callback records its exact arguments and
 * whether it ran on the caller's thread.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "internal.h"
#include "fake_dev.h"
#include "recording_callbacks.h"

#define M32	0xffffffffu
#define G(k)	htonl(0xe8000000u + (k))	/* 232.0.0.k */
#define S1	htonl(0x0a000001u)

/* --- the fake device --------------------------------------------------------------- */

static struct {
	uint32_t handles;		/* REGISTER gives 1, 2, ... */
	struct mgm_member_record members[16];
	uint32_t nmembers;
	uint64_t gen_start, gen_end;	/* of the membership enumeration */
	struct { uint32_t ifindex, id, comp; } owners[4];	/* routing owners */
	uint32_t nowners;
	int member_enums;		/* MEMBER_ENUM_START calls */
} fk;

static int fake_ioctl(unsigned long req, void *arg)
{
	switch (req) {
	case MGM_IOC_REGISTER:
		((struct mgm_register *)arg)->handle = ++fk.handles;
		return 0;
	case MGM_IOC_DEREGISTER:
	case MGM_IOC_TAKE_INTERFACE:
	case MGM_IOC_ENUM_END:
		return 0;
	case MGM_IOC_SUBSCRIBE:
		((struct mgm_subscribe *)arg)->queue_size = 4096;
		return 0;
	case MGM_IOC_GET_OWNER: {
		struct mgm_owner_query *q = arg;
		uint32_t i;

		for (i = 0; i < fk.nowners; i++)
			if (fk.owners[i].ifindex == q->ifindex && !q->nexthop) {
				q->protocol_id = fk.owners[i].id;
				q->component_id = fk.owners[i].comp;
				q->owners = MGM_OWNED_BY_ROUTING | MGM_OWNED_BY_IGMP;
				return 0;
			}
		errno = ENOENT;
		return -1;
	}
	case MGM_IOC_MEMBER_ENUM_START: {
		struct mgm_member_enum_start *s = arg;

		fk.member_enums++;
		s->cursor = 77;
		s->generation = fk.gen_start;
		return 0;
	}
	case MGM_IOC_MEMBER_ENUM_NEXT: {
		struct mgm_enum_next *n = arg;

		if (n->cursor != 77 || n->buffer_size < sizeof(fk.members)) {
			errno = EINVAL;
			return -1;
		}
		memcpy((void *)(uintptr_t)n->buffer, fk.members,
		       fk.nmembers * sizeof(fk.members[0]));
		n->count = fk.nmembers;
		n->start_generation = fk.gen_start;
		n->generation = fk.gen_end;
		n->status = MGM_ENUM_STATUS_END;
		return 0;
	}
	}
	errno = ENOTTY;
	return -1;
}

static struct mgm_event ev(uint32_t type, uint32_t handle, uint32_t s, uint32_t g,
			   uint32_t ifx, uint64_t gen)
{
	static uint64_t seq;
	struct mgm_event e = {
		.seq = ++seq, .generation = gen, .type = type, .handle = handle,
		.source = s, .source_mask = s ? M32 : 0, .group = g,
		.group_mask = g ? M32 : 0, .ifindex = ifx,
		.flags = type <= MGM_EVENT_PRUNE_ALERT ? MGM_EVENT_MEMBER : 0,
	};

	return e;
}

/* --- recording callbacks ----------------------------------------------------------- */

struct rec {
	uint32_t cb;
	DWORD a[8];
	bool on_main;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct rec r[64];
	int n;
	pthread_t main;
} log_ = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

static void note(uint32_t cb, DWORD a0, DWORD a1, DWORD a2, DWORD a3, DWORD a4, DWORD a5,
		 DWORD a6, DWORD a7)
{
	pthread_mutex_lock(&log_.lock);
	if (log_.n < 64)
		log_.r[log_.n++] = (struct rec){ cb, { a0, a1, a2, a3, a4, a5, a6, a7 },
						 pthread_equal(pthread_self(), log_.main) };
	pthread_cond_broadcast(&log_.cond);
	pthread_mutex_unlock(&log_.lock);
}

/* Wait (2 s at most) until @n callbacks ran; then a little for extra ones. */
static int wait_recs(int n)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 2;
	pthread_mutex_lock(&log_.lock);
	while (log_.n < n &&
	       !pthread_cond_timedwait(&log_.cond, &log_.lock, &until))
		;
	pthread_mutex_unlock(&log_.lock);
	usleep(50000);
	return log_.n;
}

static bool rec_is(const struct rec *r, uint32_t cb, DWORD a0, DWORD a1, DWORD a2, DWORD a3,
		   DWORD a4, DWORD a5, DWORD a6, DWORD a7)
{
	const DWORD a[8] = { a0, a1, a2, a3, a4, a5, a6, a7 };

	return r->cb == cb && !memcmp(r->a, a, sizeof(a));
}

static int threads(void)
{
	char buf[4096], *t;
	int fd = open("/proc/self/status", O_RDONLY), n;
	ssize_t len;

	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len < 0)
		return -1;
	buf[len] = 0;
	t = strstr(buf, "Threads:");
	n = t ? atoi(t + 8) : -1;
	return n;
}

FIXTURE(fake) {
	int unused;
};

FIXTURE_SETUP(fake)
{
	memset(&fk, 0, sizeof(fk));
	ASSERT_EQ(0, fake_dev_setup());
	log_.n = 0;
	log_.main = pthread_self();
}

FIXTURE_TEARDOWN(fake)
{
	fake_dev_teardown();
}

/* Every callback with exactly the Windows arguments, in order, on the library's thread. */
TEST_F(fake, thread_delivers_each_callback_with_windows_arguments)
{
	struct mgm_event e[7];
	HANDLE a, quiet;

	EXPECT_EQ(1, threads());
	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&recording, 3, 1, &a));	/* kernel handle 1 */
	EXPECT_EQ(2, threads());
	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&(ROUTING_PROTOCOL_CONFIG){ 0 }, 4, 1,
						 &quiet));			/* handle 2 */
	EXPECT_EQ(2, threads());
	e[0] = ev(MGM_EVENT_JOIN_ALERT, 1, S1, G(1), 0, 1);
	e[1] = ev(MGM_EVENT_PRUNE_ALERT, 1, 0, G(2), 7, 2);
	e[1].nexthop = htonl(0x0a000009u);
	e[2] = ev(MGM_EVENT_LOCAL_JOIN, 1, S1, G(3), 8, 3);
	e[3] = ev(MGM_EVENT_LOCAL_LEAVE, 1, 0, 0, 8, 4);
	e[4] = ev(MGM_EVENT_DISABLE_IGMP, 1, 0, 0, 9, 4);
	e[5] = ev(MGM_EVENT_ENABLE_IGMP, 1, 0, 0, 9, 4);
	e[6] = ev(MGM_EVENT_JOIN_ALERT, 2, 0, G(4), 0, 5);	/* no callbacks: skipped */
	ASSERT_EQ(0, fake_dev_queue(e, 4));
	ASSERT_EQ(0, fake_dev_queue(e + 4, 3));
	ASSERT_EQ(6, wait_recs(6));
	EXPECT_TRUE(rec_is(&log_.r[0], CB_JOIN, S1, M32, G(1), M32, 1, 0, 0, 0));
	EXPECT_TRUE(rec_is(&log_.r[1], CB_PRUNE, 0, 0, G(2), M32, 7, htonl(0x0a000009u), 1, 900));
	EXPECT_TRUE(rec_is(&log_.r[2], CB_LOCAL_JOIN, S1, M32, G(3), M32, 8, 0, 0, 0));
	EXPECT_TRUE(rec_is(&log_.r[3], CB_LOCAL_LEAVE, 0, 0, 0, 0, 8, 0, 0, 0));
	EXPECT_TRUE(rec_is(&log_.r[4], CB_DISABLE, 9, 0, 0, 0, 0, 0, 0, 0));
	EXPECT_TRUE(rec_is(&log_.r[5], CB_ENABLE, 9, 0, 0, 0, 0, 0, 0, 0));
	for (int i = 0; i < 6; i++)
		EXPECT_FALSE(log_.r[i].on_main);
	/* A deregistered protocol's events are dropped; unknown types too. */
	ASSERT_EQ(NO_ERROR, MgmDeRegisterMProtocol(a));
	e[0] = ev(MGM_EVENT_JOIN_ALERT, 1, 0, G(5), 0, 6);
	e[1] = ev(99, 1, 0, G(5), 0, 6);
	ASSERT_EQ(0, fake_dev_queue(e, 2));
	EXPECT_EQ(6, wait_recs(7));
}

/*
 * An event queued for a protocol whose registration has not returned yet
 * (the kernel registered it, the library has no slot for it yet) waits
 * for the slot: the dispatcher maps handles under the registration lock.
 * Here the test does what MgmRegisterMProtocol does under that lock.
 */
TEST_F(fake, event_for_a_protocol_being_registered_is_not_lost)
{
	struct mgm_event e = ev(MGM_EVENT_JOIN_ALERT, 2, 0, G(1), 0, 1);
	struct mgm_slot *slot;
	HANDLE a, b;
	int err;

	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&recording, 3, 1, &a));
	libmgm_reg_lock();
	ASSERT_EQ(0, fake_dev_queue(&e, 1));
	usleep(200000);		/* the thread has read it by now */
	libmgm_lock();
	ASSERT_EQ(0, libmgm_ht_alloc(libmgm_handles(), MGM_KIND_PROTOCOL, 2, &b, &slot));
	slot->config = recording;
	slot->view = libmgm_events_view(&recording, &err);
	libmgm_unlock();
	libmgm_reg_unlock();
	ASSERT_EQ(1, wait_recs(1));
	EXPECT_TRUE(rec_is(&log_.r[0], CB_JOIN, 0, 0, G(1), M32, 1, 0, 0, 0));
}

/* An event loop of its own: no thread, callbacks in mgm_event_dispatch(). */
TEST_F(fake, event_fd_and_dispatch)
{
	struct mgm_event e[2];
	struct pollfd p;
	HANDLE a;
	int fd;

	EXPECT_EQ(-EINVAL, mgm_event_dispatch());
	fd = mgm_event_fd();
	ASSERT_EQ(fake_dev.dev, fd);
	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&recording, 3, 1, &a));
	EXPECT_EQ(1, threads());
	EXPECT_EQ(0, mgm_event_dispatch());
	e[0] = ev(MGM_EVENT_JOIN_ALERT, 1, 0, G(1), 0, 1);
	e[1] = ev(MGM_EVENT_PRUNE_ALERT, 1, 0, G(1), 3, 2);
	ASSERT_EQ(0, fake_dev_queue(e, 2));
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	ASSERT_EQ(1, poll(&p, 1, 1000));
	EXPECT_EQ(2, mgm_event_dispatch());
	EXPECT_EQ(2, log_.n);
	EXPECT_TRUE(log_.r[0].on_main && log_.r[1].on_main);
	EXPECT_EQ(0, mgm_event_dispatch());
}

/* A thread running is stopped by mgm_event_fd(). */
TEST_F(fake, event_fd_stops_the_thread)
{
	HANDLE a;

	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&recording, 3, 1, &a));
	EXPECT_EQ(2, threads());
	EXPECT_EQ(fake_dev.dev, mgm_event_fd());
	EXPECT_EQ(1, threads());
	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&recording, 3, 2, &a));
	EXPECT_EQ(1, threads());
}

/*
 * After an overflow: prunes, leaves and EnableIgmp for what the protocol
 * was told and the table no longer says, joins for what it says and the
 * protocol was not told, in table order; queued records the enumeration
 * reflected dropped unless they change the state; later ones as they are.
 */
TEST_F(fake, overflow_resync_delivers_the_difference)
{
	struct mgm_event e[8];
	HANDLE a;
	int n;

	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&recording, 3, 1, &a));
	/* What it was told: JoinAlert G1, G2; LocalJoin (S1,G7) on 7; DisableIgmp 9. */
	e[0] = ev(MGM_EVENT_JOIN_ALERT, 1, 0, G(1), 0, 1);
	e[1] = ev(MGM_EVENT_JOIN_ALERT, 1, 0, G(2), 0, 2);
	e[2] = ev(MGM_EVENT_LOCAL_JOIN, 1, S1, G(7), 7, 3);
	e[3] = ev(MGM_EVENT_DISABLE_IGMP, 1, 0, 0, 9, 3);
	ASSERT_EQ(0, fake_dev_queue(e, 4));
	ASSERT_EQ(4, wait_recs(4));
	log_.n = 0;

	/*
	 * The table now: G2 and G3 joined by protocol 13; G4 by this protocol
	 * only; IGMP's (S1,G5) on interface 7, which this protocol owns; a
	 * forward-only membership of 13 on G6.
	 */
	fk.members[0] = (struct mgm_member_record){ .group = G(2), .group_mask = M32,
		.ifindex = 5, .protocol_id = 13, .component_id = 1, .member_flags = 1 };
	fk.members[1] = fk.members[0];
	fk.members[1].group = G(3);
	fk.members[2] = (struct mgm_member_record){ .group = G(4), .group_mask = M32,
		.ifindex = 6, .protocol_id = 3, .component_id = 1, .member_flags = 3 };
	fk.members[3] = (struct mgm_member_record){ .source = S1, .source_mask = M32,
		.group = G(5), .group_mask = M32, .ifindex = 7, .protocol_id = 10,
		.component_id = 1, .member_flags = 1 };
	fk.members[4] = fk.members[0];
	fk.members[4].group = G(6);
	fk.members[4].member_flags = 2;
	fk.nmembers = 5;
	fk.owners[0].ifindex = 7;
	fk.owners[0].id = 3;
	fk.owners[0].comp = 1;
	fk.nowners = 1;
	fk.gen_start = 10;
	fk.gen_end = 20;

	e[0] = (struct mgm_event){ .seq = 1000, .type = MGM_EVENT_OVERFLOW, .lost = 55 };
	e[1] = ev(MGM_EVENT_JOIN_ALERT, 1, 0, G(3), 0, 15);	/* reflected: dropped */
	e[2] = ev(MGM_EVENT_PRUNE_ALERT, 1, 0, G(2), 5, 18);	/* changes it: told */
	e[3] = ev(MGM_EVENT_JOIN_ALERT, 1, 0, G(8), 0, 25);	/* after: told */
	e[4] = ev(MGM_EVENT_JOIN_ALERT, 1, 0, G(8), 0, 26);	/* as it comes */
	ASSERT_EQ(0, fake_dev_queue(e, 5));
	n = wait_recs(8);
	ASSERT_EQ(8, n);
	EXPECT_EQ(1, fk.member_enums);
	EXPECT_TRUE(rec_is(&log_.r[0], CB_ENABLE, 9, 0, 0, 0, 0, 0, 0, 0));
	EXPECT_TRUE(rec_is(&log_.r[1], CB_PRUNE, 0, 0, G(1), M32, 0, 0, 1, 900));
	EXPECT_TRUE(rec_is(&log_.r[2], CB_LOCAL_LEAVE, S1, M32, G(7), M32, 7, 0, 0, 0));
	EXPECT_TRUE(rec_is(&log_.r[3], CB_JOIN, 0, 0, G(3), M32, 1, 0, 0, 0));
	EXPECT_TRUE(rec_is(&log_.r[4], CB_LOCAL_JOIN, S1, M32, G(5), M32, 7, 0, 0, 0));
	EXPECT_TRUE(rec_is(&log_.r[5], CB_PRUNE, 0, 0, G(2), M32, 5, 0, 1, 900));
	EXPECT_TRUE(rec_is(&log_.r[6], CB_JOIN, 0, 0, G(8), M32, 1, 0, 0, 0));
	EXPECT_TRUE(rec_is(&log_.r[7], CB_JOIN, 0, 0, G(8), M32, 1, 0, 0, 0));
}

TEST_HARNESS_MAIN
