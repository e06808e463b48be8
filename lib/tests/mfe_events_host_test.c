// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host-side: libmgm's MFE callbacks (lib/mfe_events.c) against a fake
 * /dev/mgm (fake_dev.h) that queues the records the module makes of the
 * forwarder's reports (MGM_EVENT_MFE), and a stand-in for mgm-fwd's
 * control socket (the daemons' transport, tools/common/ctlsock.c) that
 * keeps every request the library sends it. Each test checks the exact
 * Windows arguments of each callback and the exact answer the forwarder
 * gets from what the callee changed (and that it gets nothing when the
 * callee changed nothing). The whole path, with the module and the real
 * mgm-fwd, is checked in the VM (selftests/fwd_test.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "ctlsock.h"
#include "mfe_wire.h"
#include "mgm.h"
#include "fake_dev.h"

#define M32	0xffffffffu
#define S1	htonl(0x0a000001u)	/* 10.0.0.1 */
#define G1	htonl(0xe8000001u)	/* 232.0.0.1 */
#define UP	htonl(0x0a000009u)	/* 10.0.0.9 */
#define PROTO	13u
#define COMP	2u

/* The subscriptions the library made, and whether the fake is a 1.0 module. */
static struct {
	uint32_t events[8];
	int n;
	bool refuse_mfe;
} subs;

static int fake_ioctl(unsigned long req, void *arg)
{
	static uint32_t handles;
	struct mgm_subscribe *sub = arg;

	switch (req) {
	case MGM_IOC_REGISTER:
		((struct mgm_register *)arg)->handle = ++handles;
		return 0;
	case MGM_IOC_DEREGISTER:
		return 0;
	case MGM_IOC_SUBSCRIBE:
		if (subs.n < 8)
			subs.events[subs.n++] = sub->events;
		if (subs.refuse_mfe && (sub->events & MGM_SUBSCRIBE_MFE)) {
			errno = EINVAL;
			return -1;
		}
		sub->queue_size = 4096;
		return 0;
	}
	errno = ENOTTY;
	return -1;
}

/* --- what the callbacks saw, and what they answer ------------------------------------ */

struct call {
	int cb;				/* 1 Rpf, 2 CreationAlert, 3 Prune, 4 Join, 5 WrongIf */
	DWORD a[10];
	MGM_IF_ENTRY oif[MGM_MFE_MAX_OUT];
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct call c[16];
	int n;
	/* What the callees change. */
	DWORD rpf_in, rpf_up;		/* 0: leave it */
	unsigned int disable;		/* CreationAlert: bit i disables entry i */
	DWORD timeout;			/* PruneAlert: 0 leaves it */
	/* The stand-in forwarder's requests. */
	char req[16][160];
	int nreq;
} t = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

static void record(const struct call *c)
{
	pthread_mutex_lock(&t.lock);
	if (t.n < 16)
		t.c[t.n++] = *c;
	pthread_cond_broadcast(&t.cond);
	pthread_mutex_unlock(&t.lock);
}

static DWORD cb_rpf(DWORD s, DWORD sm, DWORD g, DWORD gm, PDWORD in, PDWORD nh,
		    PDWORD up, DWORD hs, PBYTE hdr, PBYTE route)
{
	struct call c = { .cb = 1, .a = { s, sm, g, gm, *in, *nh, *up, hs, hdr != NULL,
					  route != NULL } };

	record(&c);
	if (t.rpf_in)
		*in = t.rpf_in;
	if (t.rpf_up)
		*up = t.rpf_up;
	return NO_ERROR;
}

static DWORD cb_creation(DWORD s, DWORD sm, DWORD g, DWORD gm, DWORD in, DWORD nh,
			 DWORD n, PMGM_IF_ENTRY oif)
{
	struct call c = { .cb = 2, .a = { s, sm, g, gm, in, nh, n } };
	DWORD i;

	for (i = 0; i < n && i < MGM_MFE_MAX_OUT; i++) {
		c.oif[i] = oif[i];
		if (t.disable & (1u << i))
			oif[i].bIsEnabled = FALSE;
	}
	record(&c);
	return NO_ERROR;
}

static DWORD cb_prune(DWORD s, DWORD sm, DWORD g, DWORD gm, DWORD ifx, DWORD nh,
		      BOOL member, PDWORD timeout)
{
	struct call c = { .cb = 3, .a = { s, sm, g, gm, ifx, nh, (DWORD)member, *timeout } };

	record(&c);
	if (t.timeout)
		*timeout = t.timeout;
	return NO_ERROR;
}

static DWORD cb_join(DWORD s, DWORD sm, DWORD g, DWORD gm, BOOL member)
{
	struct call c = { .cb = 4, .a = { s, sm, g, gm, (DWORD)member } };

	record(&c);
	return NO_ERROR;
}

static DWORD cb_wrong_if(DWORD s, DWORD g, DWORD ifx, DWORD nh, DWORD hs, PBYTE hdr)
{
	struct call c = { .cb = 5, .a = { s, g, ifx, nh, hs, hdr != NULL } };

	record(&c);
	return NO_ERROR;
}

static ROUTING_PROTOCOL_CONFIG mfe_callbacks = {
	.pfnRpfCallback = cb_rpf, .pfnCreationAlertCallback = cb_creation,
	.pfnPruneAlertCallback = cb_prune, .pfnJoinAlertCallback = cb_join,
	.pfnWrongIfCallback = cb_wrong_if,
};

/* Wait (2 s at most) for @n callbacks and @nreq requests; then a little more. */
static void wait_for(int n, int nreq)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 2;
	pthread_mutex_lock(&t.lock);
	while ((t.n < n || t.nreq < nreq) &&
	       !pthread_cond_timedwait(&t.cond, &t.lock, &until))
		;
	pthread_mutex_unlock(&t.lock);
	usleep(100000);
}

static bool args_are(const struct call *c, int cb, const DWORD *a, int n)
{
	return c->cb == cb && !memcmp(c->a, a, (size_t)n * sizeof(DWORD));
}

#define CALL_IS(c, cb, ...)						\
	args_are(c, cb, (const DWORD[]){ __VA_ARGS__ },			\
		 (int)(sizeof((const DWORD[]){ __VA_ARGS__ }) / sizeof(DWORD)))

/* --- the stand-in forwarder --------------------------------------------------------- */

static int render(void *ctx, const char *req, bool json, const struct ucred *cred, FILE *out)
{
	(void)ctx, (void)json, (void)cred;
	pthread_mutex_lock(&t.lock);
	if (t.nreq < 16)
		snprintf(t.req[t.nreq++], sizeof(t.req[0]), "%s", req);
	pthread_cond_broadcast(&t.cond);
	pthread_mutex_unlock(&t.lock);
	fputs("ok\n", out);
	return 0;
}

static struct {
	pthread_t thread;
	int fd, stop[2];
	char path[64];
} srv;

static void *serve(void *arg)
{
	(void)arg;
	for (;;) {
		struct pollfd p[2] = { { .fd = srv.fd, .events = POLLIN },
				       { .fd = srv.stop[0], .events = POLLIN } };

		if (poll(p, 2, -1) < 0 || p[1].revents)
			return NULL;
		ctlsock_serve(srv.fd, render, NULL);
	}
}

/* A record as the module queues it for kernel handle 1. */
static struct mgm_event mfe_ev(uint32_t type, uint32_t flags, uint32_t ifx, uint32_t in)
{
	static uint64_t seq;

	return (struct mgm_event){
		.seq = ++seq, .generation = 5, .type = type, .handle = 1,
		.source = S1, .source_mask = M32, .group = G1, .group_mask = M32,
		.ifindex = ifx, .flags = MGM_EVENT_MFE | flags, .in_ifindex = in,
	};
}

FIXTURE(mfe_cb) {
	HANDLE proto;
};

FIXTURE_SETUP(mfe_cb)
{
	ASSERT_EQ(0, fake_dev_setup());
	snprintf(srv.path, sizeof(srv.path), "@mfe-events-host-test-%d", (int)getpid());
	srv.fd = ctlsock_open(srv.path);
	ASSERT_LE(0, srv.fd);
	ASSERT_EQ(0, pipe(srv.stop));
	ASSERT_EQ(0, pthread_create(&srv.thread, NULL, serve, NULL));
	ASSERT_EQ(0, setenv(MGM_FWD_CONTROL_ENV, srv.path, 1));
	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&mfe_callbacks, PROTO, COMP, &self->proto));
}

FIXTURE_TEARDOWN(mfe_cb)
{
	if (write(srv.stop[1], "", 1) == 1)
		pthread_join(srv.thread, NULL);
	ctlsock_close(srv.fd, srv.path);
	fake_dev_teardown();
}

/* Rpf with the incoming interface in and out; a change goes to the forwarder. */
TEST_F(mfe_cb, rpf_answer_goes_to_the_forwarder)
{
	struct mgm_event e = mfe_ev(MGM_EVENT_RPF, 0, 0, 5);
	char want[160];

	ASSERT_EQ(0, fake_dev_queue(&e, 1));
	wait_for(1, 0);
	ASSERT_EQ(1, t.n);
	EXPECT_TRUE(CALL_IS(&t.c[0], 1, S1, M32, G1, M32, 5, 0, 0, 0, 0, 0));
	EXPECT_EQ(0, t.nreq);			/* the callee changed nothing */

	t.rpf_in = 7;
	t.rpf_up = UP;
	e = mfe_ev(MGM_EVENT_RPF, 0, 0, 5);
	ASSERT_EQ(0, fake_dev_queue(&e, 1));
	wait_for(2, 1);
	ASSERT_EQ(2, t.n);
	ASSERT_EQ(1, t.nreq);
	snprintf(want, sizeof(want), MGM_FWD_RPF_REQUEST " %x %x %x %x 7 %x", PROTO, COMP, S1,
		 G1, UP);
	EXPECT_STREQ(want, t.req[0]);
}

/*
 * The records of one CreationAlert, each read on its own, make one call
 * with the whole list; the entries the callee disables go to the forwarder.
 */
TEST_F(mfe_cb, creation_alert_is_one_call_with_its_list)
{
	struct mgm_event e[3] = {
		mfe_ev(MGM_EVENT_CREATION_ALERT, MGM_EVENT_MORE, 11, 5),
		mfe_ev(MGM_EVENT_CREATION_ALERT, MGM_EVENT_MORE, 12, 5),
		mfe_ev(MGM_EVENT_CREATION_ALERT, 0, 13, 5),
	};
	char want[2][160];
	int i;

	e[1].nexthop = UP;
	t.disable = 1u << 1 | 1u << 2;
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, fake_dev_queue(&e[i], 1));
	wait_for(1, 2);
	ASSERT_EQ(1, t.n);
	EXPECT_TRUE(CALL_IS(&t.c[0], 2, S1, M32, G1, M32, 5, 0, 3));
	for (i = 0; i < 3; i++) {
		EXPECT_EQ((DWORD)(11 + i), t.c[0].oif[i].dwIfIndex);
		EXPECT_EQ(i == 1 ? UP : 0u, t.c[0].oif[i].dwIfNextHopAddr);
		EXPECT_EQ(FALSE, t.c[0].oif[i].bIGMP);	/* protocol 13 is not IGMP */
		EXPECT_EQ(TRUE, t.c[0].oif[i].bIsEnabled);
	}
	ASSERT_EQ(2, t.nreq);
	snprintf(want[0], sizeof(want[0]), MGM_FWD_DISABLE_REQUEST " %x %x %x %x c", PROTO,
		 COMP, S1, G1);
	snprintf(want[1], sizeof(want[1]), MGM_FWD_DISABLE_REQUEST " %x %x %x %x d", PROTO,
		 COMP, S1, G1);
	EXPECT_STREQ(want[0], t.req[0]);
	EXPECT_STREQ(want[1], t.req[1]);
}

/* An IGMP protocol's entries say bIGMP; nothing disabled, nothing sent. */
TEST_F(mfe_cb, creation_alert_to_igmp)
{
	struct mgm_event e = mfe_ev(MGM_EVENT_CREATION_ALERT, 0, 11, 0);
	HANDLE igmp;

	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&mfe_callbacks, PROTO_IP_IGMP, 1, &igmp));
	e.handle = 2;
	ASSERT_EQ(0, fake_dev_queue(&e, 1));
	wait_for(1, 0);
	ASSERT_EQ(1, t.n);
	EXPECT_TRUE(CALL_IS(&t.c[0], 2, S1, M32, G1, M32, 0, 0, 1));
	EXPECT_EQ(TRUE, t.c[0].oif[0].bIGMP);
	EXPECT_EQ(0, t.nreq);
}

/* PruneAlert and JoinAlert with FALSE, the timeout answered; WrongIf. */
TEST_F(mfe_cb, prune_join_false_and_wrong_if)
{
	struct mgm_event e[3] = {
		mfe_ev(MGM_EVENT_PRUNE_ALERT, 0, 5, 5),
		mfe_ev(MGM_EVENT_JOIN_ALERT, 0, 0, 5),
		mfe_ev(MGM_EVENT_WRONG_IF, 0, 9, 5),
	};
	char want[160];

	e[0].timeout = 900;
	t.timeout = 60;
	ASSERT_EQ(0, fake_dev_queue(e, 3));
	wait_for(3, 1);
	ASSERT_EQ(3, t.n);
	EXPECT_TRUE(CALL_IS(&t.c[0], 3, S1, M32, G1, M32, 5, 0, FALSE, 900));
	EXPECT_TRUE(CALL_IS(&t.c[1], 4, S1, M32, G1, M32, FALSE));
	EXPECT_TRUE(CALL_IS(&t.c[2], 5, S1, G1, 9, 0, 0, 0));
	ASSERT_EQ(1, t.nreq);
	snprintf(want, sizeof(want), MGM_FWD_TIMEOUT_REQUEST " %x %x %x %x 3c", PROTO, COMP,
		 S1, G1);
	EXPECT_STREQ(want, t.req[0]);
}

/* No forwarder to take an answer: the callbacks run all the same. */
TEST_F(mfe_cb, no_forwarder_answers_are_dropped)
{
	struct mgm_event e[2] = {
		mfe_ev(MGM_EVENT_RPF, 0, 0, 5),
		mfe_ev(MGM_EVENT_WRONG_IF, 0, 9, 5),
	};

	ASSERT_EQ(0, setenv(MGM_FWD_CONTROL_ENV, "@mfe-events-host-test-nobody", 1));
	t.rpf_in = 7;
	ASSERT_EQ(0, fake_dev_queue(e, 2));
	wait_for(2, 0);
	EXPECT_EQ(2, t.n);
	EXPECT_EQ(0, t.nreq);
	EXPECT_EQ(5, t.c[1].cb);
}

/*
 * The MFE callbacks are asked for only once a protocol has one of theirs
 * (an IGMP daemon with DisableIgmp/EnableIgmp alone does not get a record
 * per new flow), then kept; a 1.0 module's EINVAL for the bit leaves the
 * other callbacks as they were.
 */
static DWORD cb_disable(DWORD ifx, DWORD nh)
{
	(void)ifx, (void)nh;
	return NO_ERROR;
}

TEST(mfe_callbacks_asked_for_when_a_protocol_has_one)
{
	ROUTING_PROTOCOL_CONFIG igmp_like = { .pfnDisableIgmpCallback = cb_disable };
	HANDLE a, b, c;

	ASSERT_EQ(0, fake_dev_setup());
	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&igmp_like, PROTO_IP_IGMP, 1, &a));
	ASSERT_EQ(1, subs.n);
	EXPECT_EQ((uint32_t)MGM_SUBSCRIBE_ALERTS, subs.events[0]);
	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&mfe_callbacks, PROTO, COMP, &b));
	ASSERT_EQ(2, subs.n);
	EXPECT_EQ((uint32_t)(MGM_SUBSCRIBE_ALERTS | MGM_SUBSCRIBE_MFE), subs.events[1]);
	/* Asked once: another such protocol changes nothing. */
	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&mfe_callbacks, PROTO, COMP + 1, &c));
	EXPECT_EQ(2, subs.n);
	fake_dev_teardown();
}

TEST(a_module_without_mfe_callbacks_keeps_the_others)
{
	struct mgm_event e = {
		.seq = 1, .type = MGM_EVENT_JOIN_ALERT, .handle = 1, .group = G1,
		.group_mask = M32, .flags = MGM_EVENT_MEMBER,
	};
	HANDLE a;

	subs.refuse_mfe = true;
	ASSERT_EQ(0, fake_dev_setup());
	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&mfe_callbacks, PROTO, COMP, &a));
	ASSERT_EQ(2, subs.n);
	EXPECT_EQ((uint32_t)(MGM_SUBSCRIBE_ALERTS | MGM_SUBSCRIBE_MFE), subs.events[0]);
	EXPECT_EQ((uint32_t)MGM_SUBSCRIBE_ALERTS, subs.events[1]);
	ASSERT_EQ(0, fake_dev_queue(&e, 1));
	wait_for(1, 0);
	ASSERT_EQ(1, t.n);
	EXPECT_TRUE(CALL_IS(&t.c[0], 4, 0, 0, G1, M32, TRUE));
	fake_dev_teardown();
}

TEST_HARNESS_MAIN
