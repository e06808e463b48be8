// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgm-fwd's parts without a kernel, on the build machine: the forwarding
 * memberships (members.c), D19's outgoing interfaces and the MFE table
 * (mfe.c), idle expiry on a fake clock, the MFE bound, and the upcall
 * parser (mroute.c) fed crafted upcalls through a socketpair in place of
 * the multicast routing socket, so that malformed ones are counted and
 * never make an MFE. The calls that would program the kernel fail here
 * (the socketpair is no ipmr socket): they are counted as mfc_errors and
 * change nothing else. The real thing runs in the VM (fwd_test).
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/igmp.h>
#include "kselftest_harness.h"
#include "fwd.h"

/* The daemon's clock and log (main.c's), faked. */
static uint64_t fake_now_ms = 1000000;

uint64_t fwd_now_ms(void)
{
	return fake_now_ms;
}

void fwd_log(const struct fwd *f, const char *fmt, ...)
{
	(void)f;
	(void)fmt;
}

#define IP(a, b, c, d)	htonl((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define G1	IP(239, 1, 1, 1)
#define G2	IP(239, 1, 1, 2)
#define S1	IP(10, 1, 0, 2)
#define S2	IP(10, 1, 0, 3)
#define FWD	(MGM_JOIN_STATE | MGM_FORWARD_STATE)

FIXTURE(fwd) {
	struct fwd f;
	int peer;		/* where the test writes "upcalls" */
};

FIXTURE_SETUP(fwd)
{
	int sv[2];

	memset(&self->f, 0, sizeof(self->f));
	ASSERT_EQ(0, members_init(&self->f.members));
	ASSERT_EQ(0, mfes_init(&self->f.mfes));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv));
	self->f.mroute_fd = sv[0];
	self->peer = sv[1];
	self->f.mgm_fd = -1;
	self->f.rt_fd = -1;	/* no route towards any source */
	self->f.timeout_ms = 30000;
	self->f.max_mfes = 100;
	/* VIFs: 0 rs (ifindex 10), 1 r1 (11), 2 r2 (12). */
	self->f.vifs.vif[0].ifindex = 10;
	self->f.vifs.vif[1].ifindex = 11;
	self->f.vifs.vif[2].ifindex = 12;
	self->f.vifs.count = 3;
}

FIXTURE_TEARDOWN(fwd)
{
	mfes_free(&self->f);
	members_free(&self->f.members);
	close(self->f.mroute_fd);
	close(self->peer);
}

static int set(struct fwd *f, uint32_t s, uint32_t g, int ifindex, uint32_t proto,
	       uint32_t flags)
{
	return members_set(&f->members, s, g, ifindex, 0, proto, 1, flags);
}

static unsigned int oif_count(const struct fwd_entry *e, int ifindex)
{
	size_t i;

	for (i = 0; e && i < e->n; i++)
		if (e->oifs[i].ifindex == ifindex)
			return e->oifs[i].count;
	return 0;
}

/* Counted per interface; a flag change is not a second membership. */
TEST_F(fwd, memberships_count_per_interface_and_flag)
{
	struct fwd *f = &self->f;

	EXPECT_EQ(1, set(f, 0, G1, 11, 3, FWD));	/* (*,G1) on r1: new */
	EXPECT_EQ(0, set(f, 0, G1, 11, 3, FWD));	/* the same again */
	EXPECT_EQ(0, set(f, 0, G1, 11, 10, FWD));	/* IGMP too: r1 already */
	EXPECT_EQ(2u, oif_count(members_entry(&f->members, 0, G1), 11));
	EXPECT_EQ(0, set(f, 0, G1, 11, 3, MGM_JOIN_STATE));	/* no longer forwards */
	EXPECT_EQ(1u, oif_count(members_entry(&f->members, 0, G1), 11));
	EXPECT_EQ(1, set(f, 0, G1, 11, 10, 0));	/* IGMP's gone: r1 out */
	EXPECT_EQ(NULL, members_entry(&f->members, 0, G1));
	EXPECT_EQ(1u, f->members.member_count);	/* PIM's join-only one */
	EXPECT_EQ(0, set(f, 0, G1, 11, 3, 0));
	EXPECT_EQ(0u, f->members.member_count);
	EXPECT_EQ(0, set(f, 0, G1, 11, 3, 0));	/* gone twice: nothing */
	/* (S,G) and (*,*) are entries of their own. */
	EXPECT_EQ(1, set(f, S1, G1, 12, 3, FWD));
	EXPECT_EQ(1, set(f, 0, 0, 11, 3, FWD));
	EXPECT_EQ(1u, oif_count(members_entry(&f->members, S1, G1), 12));
	EXPECT_EQ(1u, oif_count(members_entry(&f->members, 0, 0), 11));
	EXPECT_EQ(NULL, members_entry(&f->members, 0, G1));
}

/* Many memberships: the hashes grow and every one is still found. */
TEST_F(fwd, memberships_survive_growth)
{
	struct fwd *f = &self->f;
	uint32_t i;

	for (i = 0; i < 5000; i++)
		ASSERT_EQ(1, set(f, 0, htonl(0xef020000u + i), 11, 3, FWD));
	for (i = 0; i < 5000; i++)
		ASSERT_EQ(1u, oif_count(members_entry(&f->members, 0, htonl(0xef020000u + i)), 11));
	for (i = 0; i < 5000; i += 2)
		ASSERT_EQ(1, set(f, 0, htonl(0xef020000u + i), 11, 3, 0));
	for (i = 0; i < 5000; i++)
		ASSERT_EQ(i % 2 ? 1u : 0u,
			  oif_count(members_entry(&f->members, 0, htonl(0xef020000u + i)), 11));
	EXPECT_EQ(2500u, f->members.member_count);
	EXPECT_EQ(2500u, f->members.entry_count);
}

/* A crafted upcall from VIF @vif: the bytes sent, or -1. */
static ssize_t upcall(FIXTURE_DATA(fwd) *self, int type, int vif, uint32_t s, uint32_t g,
		      int mbz, size_t len)
{
	struct igmpmsg m;

	memset(&m, 0, sizeof(m));
	m.im_msgtype = (unsigned char)type;
	m.im_mbz = (unsigned char)mbz;
	m.im_vif = (unsigned char)(vif & 0xff);
	m.im_vif_hi = (unsigned char)(vif >> 8);
	m.im_src.s_addr = s;
	m.im_dst.s_addr = g;
	return send(self->peer, &m, len, 0);
}

/* Each malformed upcall alone: counted, no MFE; the valid one makes one. */
TEST_F(fwd, malformed_upcalls_are_counted_and_make_nothing)
{
	struct fwd *f = &self->f;

	ASSERT_LT(0, upcall(self, IGMPMSG_NOCACHE, 0, S1, G1, 0, sizeof(struct igmpmsg) - 1));	/* short */
	ASSERT_LT(0, upcall(self, IGMPMSG_NOCACHE, 0, S1, G1, 1, sizeof(struct igmpmsg)));	/* mbz */
	ASSERT_LT(0, upcall(self, IGMPMSG_NOCACHE, 5, S1, G1, 0, sizeof(struct igmpmsg)));	/* no VIF 5 */
	ASSERT_LT(0, upcall(self, IGMPMSG_NOCACHE, 300, S1, G1, 0, sizeof(struct igmpmsg)));	/* past 32 */
	ASSERT_LT(0, upcall(self, IGMPMSG_NOCACHE, 0, 0, G1, 0, sizeof(struct igmpmsg)));	/* source 0 */
	ASSERT_LT(0, upcall(self, IGMPMSG_NOCACHE, 0, G2, G1, 0, sizeof(struct igmpmsg)));	/* mc source */
	ASSERT_LT(0, upcall(self, IGMPMSG_NOCACHE, 0, S1, S2, 0, sizeof(struct igmpmsg)));	/* unicast G */
	ASSERT_LT(0, upcall(self, 77, 0, S1, G1, 0, sizeof(struct igmpmsg)));		/* type */
	mroute_read(f);
	EXPECT_EQ(8u, f->c.upcalls);
	EXPECT_EQ(8u, f->c.upcalls_bad);
	EXPECT_EQ(0u, f->c.mfes_created);
	EXPECT_EQ(0u, f->mfes.count);

	ASSERT_LT(0, upcall(self, IGMPMSG_WRONGVIF, 1, S1, G1, 0, sizeof(struct igmpmsg)));
	ASSERT_LT(0, upcall(self, IGMPMSG_NOCACHE, 0, S1, G1, 0, sizeof(struct igmpmsg)));
	mroute_read(f);
	EXPECT_EQ(10u, f->c.upcalls);
	EXPECT_EQ(8u, f->c.upcalls_bad);
	EXPECT_EQ(1u, f->c.wrong_if_upcalls);
	EXPECT_EQ(1u, f->c.mfes_created);
	ASSERT_NE(NULL, mfe_find(f, S1, G1));
	/* Not the kernel's socket: the MFC call failed and was counted. */
	EXPECT_EQ(1u, f->c.mfc_errors);
	EXPECT_FALSE(mfe_find(f, S1, G1)->installed);
}

/*
 * D19 without a route towards S: a negative entry on the VIF it came on.
 * With an incoming interface (set as the route lookup would): the
 * forwarding interfaces of (S,G), (*,G) and (*,*), less the incoming one,
 * recomputed as memberships change.
 */
TEST_F(fwd, outgoing_interfaces_follow_the_memberships)
{
	struct fwd *f = &self->f;
	struct fwd_mfe *e;

	ASSERT_EQ(1, set(f, 0, G1, 11, 3, FWD));
	mfe_nocache(f, S1, G1, 0);
	e = mfe_find(f, S1, G1);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(0, e->iif);		/* no route here */
	EXPECT_EQ(0, e->parent);
	EXPECT_EQ(0u, e->oifs);

	e->iif = 10;			/* as if towards S through rs */
	mfe_entry_changed(f, 0, G1, 0);
	EXPECT_EQ(1u << 1, e->oifs);
	ASSERT_EQ(1, set(f, S1, G1, 12, 3, FWD));
	mfe_entry_changed(f, S1, G1, 0);
	EXPECT_EQ(1u << 1 | 1u << 2, e->oifs);
	ASSERT_EQ(1, set(f, 0, 0, 10, 3, FWD));	/* (*,*) on the incoming one */
	mfe_entry_changed(f, 0, 0, 0);
	EXPECT_EQ(1u << 1 | 1u << 2, e->oifs);
	ASSERT_EQ(1, set(f, 0, G1, 11, 3, 0));
	mfe_entry_changed(f, 0, G1, 0);
	EXPECT_EQ(1u << 2, e->oifs);
	/* Another group's change leaves it alone. */
	ASSERT_EQ(1, set(f, 0, G2, 11, 3, FWD));
	mfe_entry_changed(f, 0, G2, 0);
	EXPECT_EQ(1u << 2, e->oifs);
	/* r2's VIF goes: out of the MFE; rs's goes: the MFE goes. */
	memset(&f->vifs.vif[2], 0, sizeof(f->vifs.vif[2]));
	mfe_all_changed(f);
	EXPECT_EQ(0u, e->oifs);
	memset(&f->vifs.vif[0], 0, sizeof(f->vifs.vif[0]));
	mfe_all_changed(f);
	EXPECT_EQ(NULL, mfe_find(f, S1, G1));
	EXPECT_EQ(0u, f->mfes.count);
}

/* At most max_mfes: the others are counted as refused. */
TEST_F(fwd, mfes_are_bounded)
{
	struct fwd *f = &self->f;
	uint32_t i;

	f->max_mfes = 10;
	for (i = 0; i < 25; i++)
		mfe_nocache(f, S1, htonl(0xef030000u + i), 0);
	EXPECT_EQ(10u, f->mfes.count);
	EXPECT_EQ(10u, f->c.mfes_created);
	EXPECT_EQ(15u, f->c.mfes_refused);
	/* An upcall for one it has is not a new MFE. */
	mfe_nocache(f, S1, htonl(0xef030000u), 0);
	EXPECT_EQ(10u, f->c.mfes_created);
	EXPECT_EQ(15u, f->c.mfes_refused);
}

/* Idle for the timeout (no counts here: never used): deleted, not before. */
TEST_F(fwd, idle_mfes_expire_at_the_timeout)
{
	struct fwd *f = &self->f;
	uint64_t next;

	mfe_nocache(f, S1, G1, 0);
	fake_now_ms += 10000;
	mfe_nocache(f, S2, G1, 0);
	fake_now_ms += 19999;		/* the first: 29.999 s idle */
	next = mfe_expire(f, fake_now_ms);
	EXPECT_EQ(2u, f->mfes.count);
	EXPECT_EQ(1u, next);
	fake_now_ms += 1;
	next = mfe_expire(f, fake_now_ms);
	EXPECT_EQ(1u, f->mfes.count);
	EXPECT_EQ(NULL, mfe_find(f, S1, G1));
	EXPECT_EQ(10000u, next);
	EXPECT_EQ(1u, f->c.mfes_expired);
}

/* Many MFEs: the tables grow, every one is found, a (*,*) change reaches all. */
TEST_F(fwd, mfes_survive_growth)
{
	struct fwd *f = &self->f;
	uint32_t i, ok = 0;

	f->max_mfes = 20000;
	for (i = 0; i < 12000; i++)
		mfe_nocache(f, htonl(0x0a000000u + i), htonl(0xef040000u + i % 50), 0);
	ASSERT_EQ(12000u, f->mfes.count);
	for (i = 0; i < 12000; i++) {
		struct fwd_mfe *e = mfe_find(f, htonl(0x0a000000u + i),
					     htonl(0xef040000u + i % 50));

		if (e) {
			e->iif = 10;
			ok++;
		}
	}
	EXPECT_EQ(12000u, ok);
	ASSERT_EQ(1, set(f, 0, 0, 11, 3, FWD));
	mfe_entry_changed(f, 0, 0, 0);
	for (i = 0, ok = 0; i < 12000; i++)
		ok += mfe_find(f, htonl(0x0a000000u + i), htonl(0xef040000u + i % 50))->oifs ==
		      1u << 1;
	EXPECT_EQ(12000u, ok);
}

/*
 * The callees' answers (ctl.c's requests end in these): an interface a
 * CreationAlert callee disabled stays out until a membership makes it an
 * outgoing one again; a VIF that goes is not kept disabled for the next
 * interface that gets its number; an Rpf callee's incoming interface
 * replaces the RPF one and leaves the outgoing list.
 */
TEST_F(fwd, callee_answers_change_the_mfe)
{
	struct fwd *f = &self->f;
	struct fwd_mfe *e;

	ASSERT_EQ(1, set(f, 0, G1, 11, 3, FWD));
	ASSERT_EQ(1, set(f, 0, G1, 12, 3, FWD));
	mfe_nocache(f, S1, G1, 0);
	e = mfe_find(f, S1, G1);
	ASSERT_NE(NULL, e);
	e->iif = 10;
	mfe_entry_changed(f, 0, G1, 0);
	EXPECT_EQ(1u << 1 | 1u << 2, e->oifs);

	mfe_disable(f, e, 1);
	EXPECT_EQ(1u << 2, e->oifs);
	/* Another interface joining the group does not bring r1 back ... */
	ASSERT_EQ(1, set(f, 0, G1, 10, 3, FWD));
	mfe_entry_changed(f, 0, G1, 10);
	EXPECT_EQ(1u << 2, e->oifs);
	/* ... r1 becoming an outgoing interface again does. */
	ASSERT_EQ(1, set(f, 0, G1, 11, 3, 0));
	mfe_entry_changed(f, 0, G1, 0);
	ASSERT_EQ(1, set(f, 0, G1, 11, 3, FWD));
	mfe_entry_changed(f, 0, G1, 11);
	EXPECT_EQ(1u << 1 | 1u << 2, e->oifs);

	/* A disabled VIF that goes is forgotten. */
	mfe_disable(f, e, 2);
	EXPECT_EQ(1u << 2, e->disabled);
	mfe_vif_gone(f, 2);
	EXPECT_EQ(0u, e->disabled);

	/* Rpf's answer: r2 in, so out of the outgoing list (rs, a member now, in); back. */
	mfe_set_incoming(f, e, 12);
	EXPECT_EQ(12, mfe_incoming(e));
	EXPECT_EQ(2, e->parent);
	EXPECT_EQ(1u << 0 | 1u << 1, e->oifs);
	mfe_set_incoming(f, e, 10);
	EXPECT_EQ(0, e->rpf_iif);
	EXPECT_EQ(0, e->parent);
	EXPECT_EQ(1u << 1 | 1u << 2, e->oifs);
}

/* A PruneAlert callee's timeout is the MFE's own; the others keep -t's. */
TEST_F(fwd, a_callee_timeout_is_per_mfe)
{
	struct fwd *f = &self->f;
	uint64_t next;

	mfe_nocache(f, S1, G1, 0);
	mfe_nocache(f, S2, G1, 0);
	mfe_find(f, S1, G1)->timeout_ms = 4000;
	EXPECT_EQ(4000u, mfe_timeout_ms(f, mfe_find(f, S1, G1)));
	EXPECT_EQ(30000u, mfe_timeout_ms(f, mfe_find(f, S2, G1)));
	fake_now_ms += 3999;
	next = mfe_expire(f, fake_now_ms);
	EXPECT_EQ(2u, f->mfes.count);
	EXPECT_EQ(1u, next);
	fake_now_ms += 1;
	next = mfe_expire(f, fake_now_ms);
	EXPECT_EQ(NULL, mfe_find(f, S1, G1));
	EXPECT_NE(NULL, mfe_find(f, S2, G1));
	EXPECT_EQ(26000u, next);
}

TEST_HARNESS_MAIN
