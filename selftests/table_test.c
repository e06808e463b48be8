// SPDX-License-Identifier: GPL-2.0
/*
 * The group table (contract part 1-2, D2-D4, D10, D13): protocols, interface
 * ownership, memberships, batches, privilege, /proc/net/mgm.
 *
 * Each validation rule has its own test that changes one field of an
 * otherwise valid request. Errnos are exact (contract appendix A).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "helpers.h"

#define G1	ip4(232, 1, 1, 1)
#define G2	ip4(232, 1, 1, 2)
#define S1	ip4(10, 0, 0, 1)
#define S2	ip4(10, 0, 0, 2)
#define GRP(k)	htonl(0xe8010100u + (k))	/* 232.1.1.0 + k */
#define JOIN	MGM_JOIN_STATE
#define FWD	MGM_FORWARD_STATE

FIXTURE(table) {
	int fd;
	uint32_t proto;		/* a routing protocol owning d0 */
	int ifindex;		/* d0 */
};

FIXTURE_SETUP(table)
{
	self->fd = mgm_open_dev();
	ASSERT_LE(0, self->fd);
	self->ifindex = make_dummy("d0");
	ASSERT_LT(0, self->ifindex);
	ASSERT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_PIM, 1, &self->proto));
	ASSERT_EQ(0, mgm_take(self->fd, self->proto, self->ifindex, 0));
}

FIXTURE_TEARDOWN(table)
{
	close(self->fd);
	del_link("d0");
	del_link("d1");
}

static struct mgm_stats stats_of(int fd)
{
	struct mgm_stats s;

	mgm_stats_get(fd, &s);
	return s;
}

/* --- protocols ------------------------------------------------------------ */

TEST_F(table, register_gives_distinct_handles)
{
	uint32_t h2, h3;

	ASSERT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_PIM, 2, &h2));
	ASSERT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_IGMP, 1, &h3));
	EXPECT_NE(0u, self->proto);
	EXPECT_NE(self->proto, h2);
	EXPECT_NE(h2, h3);
	EXPECT_EQ(3u, stats_of(self->fd).protocols);
	EXPECT_EQ(0, mgm_deregister_proto(self->fd, h2));
	EXPECT_EQ(0, mgm_deregister_proto(self->fd, h3));
	EXPECT_EQ(1u, stats_of(self->fd).protocols);
}

TEST_F(table, register_duplicate_pair_is_eexist)
{
	int fd2 = mgm_open_dev();

	EXPECT_EQ(-EEXIST, mgm_register_proto(self->fd, MGM_PROTO_PIM, 1, NULL));
	/* The pair is unique per namespace, not per file. */
	ASSERT_LE(0, fd2);
	EXPECT_EQ(-EEXIST, mgm_register_proto(fd2, MGM_PROTO_PIM, 1, NULL));
	/* Same id with another component is another protocol. */
	EXPECT_EQ(0, mgm_register_proto(fd2, MGM_PROTO_PIM, 2, NULL));
	close(fd2);
}

TEST_F(table, deregister_rules)
{
	struct mgm_deregister d = { .handle = self->proto, .pad = 1 };
	uint32_t h;
	int fd2;

	/* Still owns d0. */
	EXPECT_EQ(-EBUSY, mgm_deregister_proto(self->fd, self->proto));
	EXPECT_EQ(-1, ioctl(self->fd, MGM_IOC_DEREGISTER, &d));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-EINVAL, mgm_deregister_proto(self->fd, 0));
	EXPECT_EQ(-EINVAL, mgm_deregister_proto(self->fd, 0x7fffffff));
	/* Another file's handle is not valid here. */
	fd2 = mgm_open_dev();
	ASSERT_LE(0, fd2);
	EXPECT_EQ(-EINVAL, mgm_deregister_proto(fd2, self->proto));
	close(fd2);

	EXPECT_EQ(0, mgm_release(self->fd, self->proto, self->ifindex, 0));
	EXPECT_EQ(0, mgm_deregister_proto(self->fd, self->proto));
	EXPECT_EQ(-EINVAL, mgm_deregister_proto(self->fd, self->proto));
	/* The pair can be registered again. */
	EXPECT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_PIM, 1, &h));
}

/* --- interface ownership ----------------------------------------------------- */

TEST_F(table, take_missing_device_is_enodev)
{
	EXPECT_EQ(-ENODEV, mgm_take(self->fd, self->proto, 999999, 0));
	EXPECT_EQ(-ENODEV, mgm_take(self->fd, self->proto, 0, 0));
	EXPECT_EQ(-ENODEV, mgm_take(self->fd, self->proto, 0x80000000u, 0));
}

TEST_F(table, take_rules)
{
	struct mgm_interface i = {
		.handle = self->proto, .ifindex = self->ifindex, .flags = 1,
	};
	uint32_t pim2, igmp, igmp2;

	ASSERT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_PIM, 2, &pim2));
	ASSERT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_IGMP, 1, &igmp));
	ASSERT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_IGMP, 2, &igmp2));

	EXPECT_EQ(-1, ioctl(self->fd, MGM_IOC_TAKE_INTERFACE, &i));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-EINVAL, mgm_take(self->fd, 0, self->ifindex, 0));
	/* Already owned by this protocol / by another routing protocol. */
	EXPECT_EQ(-EEXIST, mgm_take(self->fd, self->proto, self->ifindex, 0));
	EXPECT_EQ(-EEXIST, mgm_take(self->fd, pim2, self->ifindex, 0));
	/* IGMP co-owns; a second IGMP instance may not. */
	EXPECT_EQ(0, mgm_take(self->fd, igmp, self->ifindex, 0));
	EXPECT_EQ(-EEXIST, mgm_take(self->fd, igmp2, self->ifindex, 0));
	/* Another next hop is another interface. */
	EXPECT_EQ(0, mgm_take(self->fd, pim2, self->ifindex, ip4(10, 9, 9, 9)));
	EXPECT_EQ(3u, stats_of(self->fd).interfaces);
}

TEST_F(table, igmp_first_then_routing)
{
	uint32_t igmp, pim2;
	int d1 = make_dummy("d1");

	ASSERT_LT(0, d1);
	ASSERT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_IGMP, 1, &igmp));
	ASSERT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_PIM, 2, &pim2));
	EXPECT_EQ(0, mgm_take(self->fd, igmp, d1, 0));
	EXPECT_EQ(0, mgm_take(self->fd, pim2, d1, 0));
	EXPECT_EQ(-EEXIST, mgm_take(self->fd, self->proto, d1, 0));
}

static int owner(int fd, uint32_t ifindex, uint32_t nexthop,
		 struct mgm_owner_query *q)
{
	memset(q, 0, sizeof(*q));
	q->ifindex = ifindex;
	q->nexthop = nexthop;
	return ioctl(fd, MGM_IOC_GET_OWNER, q) ? -errno : 0;
}

TEST_F(table, owner_query)
{
	struct mgm_owner_query q;
	uint32_t igmp;
	int d1 = make_dummy("d1");

	ASSERT_LT(0, d1);
	ASSERT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_IGMP, 7, &igmp));

	EXPECT_EQ(-ENOENT, owner(self->fd, d1, 0, &q));
	EXPECT_EQ(-ENOENT, owner(self->fd, self->ifindex, ip4(1, 2, 3, 4), &q));

	ASSERT_EQ(0, owner(self->fd, self->ifindex, 0, &q));
	EXPECT_EQ((uint32_t)MGM_PROTO_PIM, q.protocol_id);
	EXPECT_EQ(1u, q.component_id);
	EXPECT_EQ((uint32_t)MGM_OWNED_BY_ROUTING, q.owners);

	/* With IGMP as co-owner it still names the routing protocol. */
	ASSERT_EQ(0, mgm_take(self->fd, igmp, self->ifindex, 0));
	ASSERT_EQ(0, owner(self->fd, self->ifindex, 0, &q));
	EXPECT_EQ((uint32_t)MGM_PROTO_PIM, q.protocol_id);
	EXPECT_EQ((uint32_t)(MGM_OWNED_BY_ROUTING | MGM_OWNED_BY_IGMP), q.owners);

	/* IGMP alone: names IGMP. */
	ASSERT_EQ(0, mgm_take(self->fd, igmp, d1, 0));
	ASSERT_EQ(0, owner(self->fd, d1, 0, &q));
	EXPECT_EQ((uint32_t)MGM_PROTO_IGMP, q.protocol_id);
	EXPECT_EQ(7u, q.component_id);
	EXPECT_EQ((uint32_t)MGM_OWNED_BY_IGMP, q.owners);

	/* A reply is valid input as it is: results have fields of their own. */
	ASSERT_EQ(0, ioctl(self->fd, MGM_IOC_GET_OWNER, &q));
	EXPECT_EQ((uint32_t)MGM_OWNED_BY_IGMP, q.owners);
	EXPECT_EQ(0u, q.flags);

	/* Input flags must be zero. */
	memset(&q, 0, sizeof(q));
	q.ifindex = self->ifindex;
	q.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, MGM_IOC_GET_OWNER, &q));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(table, release_rules)
{
	struct mgm_interface i = {
		.handle = self->proto, .ifindex = self->ifindex, .flags = 2,
	};
	struct mgm_owner_query q;
	uint32_t igmp, pim2;

	ASSERT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_IGMP, 1, &igmp));
	ASSERT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_PIM, 2, &pim2));
	ASSERT_EQ(0, mgm_take(self->fd, igmp, self->ifindex, 0));

	EXPECT_EQ(-1, ioctl(self->fd, MGM_IOC_RELEASE_INTERFACE, &i));
	EXPECT_EQ(EINVAL, errno);
	/* Not owned by that protocol. */
	EXPECT_EQ(-EINVAL, mgm_release(self->fd, pim2, self->ifindex, 0));
	EXPECT_EQ(-EINVAL, mgm_release(self->fd, self->proto, self->ifindex, 1));
	EXPECT_EQ(-EINVAL, mgm_release(self->fd, 0, self->ifindex, 0));

	/* Each protocol's memberships go with its own release only. */
	ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, S1, G1, JOIN));
	ASSERT_EQ(0, mgm_add(self->fd, igmp, self->ifindex, 0, G1, JOIN));
	ASSERT_EQ(0, mgm_add(self->fd, igmp, self->ifindex, S1, G1, JOIN));
	EXPECT_EQ(3u, stats_of(self->fd).memberships);
	EXPECT_EQ(0, mgm_release(self->fd, self->proto, self->ifindex, 0));
	EXPECT_EQ(2u, stats_of(self->fd).memberships);
	EXPECT_EQ(2u, stats_of(self->fd).entries);
	ASSERT_EQ(0, owner(self->fd, self->ifindex, 0, &q));
	EXPECT_EQ((uint32_t)MGM_PROTO_IGMP, q.protocol_id);
	/* Now another routing protocol can take it. */
	EXPECT_EQ(0, mgm_take(self->fd, pim2, self->ifindex, 0));
	EXPECT_EQ(-EINVAL, mgm_release(self->fd, self->proto, self->ifindex, 0));
	EXPECT_EQ(0, mgm_release(self->fd, igmp, self->ifindex, 0));
	EXPECT_EQ(0u, stats_of(self->fd).memberships);
	EXPECT_EQ(0u, stats_of(self->fd).entries);
}

/* --- memberships ---------------------------------------------------------------- */

TEST_F(table, add_delete)
{
	struct mgm_source_group *recs;
	struct mgm_stats s0, s;

	s0 = stats_of(self->fd);
	ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, S1, G1, JOIN));
	s = stats_of(self->fd);
	EXPECT_EQ(1u, s.entries);
	EXPECT_EQ(1u, s.memberships);
	EXPECT_LT(s0.generation, s.generation);

	ASSERT_EQ(1, mgm_enum_all(self->fd, MGM_ENUM_ALL_SOURCES, 4096, &recs));
	EXPECT_EQ(S1, recs[0].source);
	EXPECT_EQ(MASK32, recs[0].source_mask);
	EXPECT_EQ(G1, recs[0].group);
	EXPECT_EQ(MASK32, recs[0].group_mask);
	free(recs);

	ASSERT_EQ(0, mgm_del(self->fd, self->proto, self->ifindex, S1, G1, JOIN));
	s = stats_of(self->fd);
	EXPECT_EQ(0u, s.entries);
	EXPECT_EQ(0u, s.memberships);
	EXPECT_EQ(0, mgm_enum_all(self->fd, MGM_ENUM_ALL_SOURCES, 4096, &recs));
	free(recs);
}

TEST_F(table, duplicate_add_is_a_noop)
{
	struct mgm_stats a, b;

	ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, S1, G1, JOIN));
	a = stats_of(self->fd);
	ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, S1, G1, JOIN));
	b = stats_of(self->fd);
	EXPECT_EQ(a.generation, b.generation);
	EXPECT_EQ(1u, b.entries);
	EXPECT_EQ(1u, b.memberships);
}

TEST_F(table, delete_missing_is_enoent)
{
	EXPECT_EQ(-ENOENT, mgm_del(self->fd, self->proto, self->ifindex, S1, G1, JOIN));
	ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, S1, G1, JOIN));
	/* Another (S,G), and the same (S,G) without the state. */
	EXPECT_EQ(-ENOENT, mgm_del(self->fd, self->proto, self->ifindex, S2, G1, JOIN));
	EXPECT_EQ(-ENOENT, mgm_del(self->fd, self->proto, self->ifindex, S1, G1, FWD));
	EXPECT_EQ(0, mgm_del(self->fd, self->proto, self->ifindex, S1, G1, JOIN));
	EXPECT_EQ(-ENOENT, mgm_del(self->fd, self->proto, self->ifindex, S1, G1, JOIN));
}

TEST_F(table, forward_state_alone_is_not_listed)
{
	struct mgm_source_group *recs;

	ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, S1, G1, FWD));
	EXPECT_EQ(0u, stats_of(self->fd).entries);
	EXPECT_EQ(1u, stats_of(self->fd).memberships);
	EXPECT_EQ(0, mgm_enum_all(self->fd, MGM_ENUM_ALL_SOURCES, 4096, &recs));
	free(recs);

	/* Join state lists it; losing it unlists it again. */
	ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, S1, G1, JOIN));
	EXPECT_EQ(1u, stats_of(self->fd).entries);
	EXPECT_EQ(1u, stats_of(self->fd).memberships);
	EXPECT_EQ(1, mgm_enum_all(self->fd, MGM_ENUM_ALL_SOURCES, 4096, &recs));
	free(recs);
	ASSERT_EQ(0, mgm_del(self->fd, self->proto, self->ifindex, S1, G1, JOIN));
	EXPECT_EQ(0u, stats_of(self->fd).entries);
	EXPECT_EQ(1u, stats_of(self->fd).memberships);
	EXPECT_EQ(0, mgm_enum_all(self->fd, MGM_ENUM_ALL_SOURCES, 4096, &recs));
	free(recs);
	ASSERT_EQ(0, mgm_del(self->fd, self->proto, self->ifindex, S1, G1, FWD));
	EXPECT_EQ(0u, stats_of(self->fd).memberships);
}

TEST_F(table, entry_lives_while_any_join_membership)
{
	uint32_t igmp;

	ASSERT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_IGMP, 1, &igmp));
	ASSERT_EQ(0, mgm_take(self->fd, igmp, self->ifindex, 0));
	ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, 0, G1, JOIN | FWD));
	ASSERT_EQ(0, mgm_add(self->fd, igmp, self->ifindex, 0, G1, JOIN));
	EXPECT_EQ(1u, stats_of(self->fd).entries);
	EXPECT_EQ(2u, stats_of(self->fd).memberships);
	ASSERT_EQ(0, mgm_del(self->fd, self->proto, self->ifindex, 0, G1, JOIN | FWD));
	EXPECT_EQ(1u, stats_of(self->fd).entries);
	ASSERT_EQ(0, mgm_del(self->fd, igmp, self->ifindex, 0, G1, JOIN));
	EXPECT_EQ(0u, stats_of(self->fd).entries);
	EXPECT_EQ(0u, stats_of(self->fd).memberships);
}

TEST_F(table, change_needs_an_owned_interface)
{
	uint32_t pim2;
	int d1 = make_dummy("d1");

	ASSERT_LT(0, d1);
	ASSERT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_PIM, 2, &pim2));
	/* d1 exists but nobody owns it; d0 is owned by self->proto. */
	EXPECT_EQ(-EINVAL, mgm_add(self->fd, self->proto, d1, S1, G1, JOIN));
	EXPECT_EQ(-EINVAL, mgm_add(self->fd, pim2, self->ifindex, S1, G1, JOIN));
	EXPECT_EQ(-EINVAL, mgm_del(self->fd, pim2, self->ifindex, S1, G1, JOIN));
	EXPECT_EQ(-EINVAL, mgm_add(self->fd, 0, self->ifindex, S1, G1, JOIN));
	EXPECT_EQ(-EINVAL, mgm_add(self->fd, 12345, self->ifindex, S1, G1, JOIN));
	EXPECT_EQ(0u, stats_of(self->fd).memberships);
}

/* --- validation (contract D2, D3): one field wrong at a time ------------------------- */

static int add_raw(int fd, struct mgm_membership m)
{
	return ioctl(fd, MGM_IOC_ADD_MEMBERSHIP, &m) ? -errno : 0;
}

static int del_raw(int fd, struct mgm_membership m)
{
	return ioctl(fd, MGM_IOC_DELETE_MEMBERSHIP, &m) ? -errno : 0;
}

#define VALID(self)	mgm_rec((self)->proto, (self)->ifindex, S1, G1, JOIN)

TEST_F(table, valid_forms_accepted)
{
	struct mgm_membership m = VALID(self);

	EXPECT_EQ(0, add_raw(self->fd, m));				/* (S,G) */
	m.source = 0, m.source_mask = 0;
	EXPECT_EQ(0, add_raw(self->fd, m));				/* (*,G) */
	m.group = 0, m.group_mask = 0;
	EXPECT_EQ(0, add_raw(self->fd, m));				/* (*,*) */
	m = VALID(self);
	m.group = ip4(224, 0, 0, 0);
	EXPECT_EQ(0, add_raw(self->fd, m));
	m.group = ip4(239, 255, 255, 255);
	EXPECT_EQ(0, add_raw(self->fd, m));
	m.source = ip4(223, 255, 255, 254);
	EXPECT_EQ(0, add_raw(self->fd, m));
	m.flags = JOIN | FWD;
	EXPECT_EQ(0, add_raw(self->fd, m));
	EXPECT_EQ(6u, stats_of(self->fd).entries);
}

TEST_F(table, invalid_group_not_multicast)
{
	struct mgm_membership m = VALID(self);

	m.group = ip4(10, 1, 1, 1);
	EXPECT_EQ(-EINVAL, add_raw(self->fd, m));
	m.group = ip4(240, 0, 0, 1);
	EXPECT_EQ(-EINVAL, add_raw(self->fd, m));
	m.group = ip4(223, 255, 255, 255);
	EXPECT_EQ(-EINVAL, add_raw(self->fd, m));
	EXPECT_EQ(-EINVAL, del_raw(self->fd, m));
}

TEST_F(table, invalid_group_range)
{
	struct mgm_membership m = VALID(self);

	m.group_mask = htonl(0xf0000000);
	EXPECT_EQ(-EINVAL, add_raw(self->fd, m));
	m.group_mask = htonl(0xfffffffe);
	EXPECT_EQ(-EINVAL, add_raw(self->fd, m));
	m.group_mask = 0;		/* a group with a zero mask */
	EXPECT_EQ(-EINVAL, add_raw(self->fd, m));
}

TEST_F(table, invalid_zero_group_with_mask)
{
	struct mgm_membership m = VALID(self);

	m.source = 0, m.source_mask = 0;
	m.group = 0;
	m.group_mask = MASK32;
	EXPECT_EQ(-EINVAL, add_raw(self->fd, m));
}

TEST_F(table, invalid_source_then_wildcard_group)
{
	struct mgm_membership m = VALID(self);

	/* (S,*) */
	m.group = 0, m.group_mask = 0;
	EXPECT_EQ(-EINVAL, add_raw(self->fd, m));
	m.source_mask = 0;
	EXPECT_EQ(-EINVAL, add_raw(self->fd, m));
}

TEST_F(table, invalid_zero_source_with_mask)
{
	struct mgm_membership m = VALID(self);

	m.source = 0;
	EXPECT_EQ(-EINVAL, add_raw(self->fd, m));
	m.source_mask = htonl(0xffffff00);
	EXPECT_EQ(-EINVAL, add_raw(self->fd, m));
}

TEST_F(table, invalid_source_without_mask)
{
	struct mgm_membership m = VALID(self);

	m.source_mask = 0;
	EXPECT_EQ(-EINVAL, add_raw(self->fd, m));
}

TEST_F(table, invalid_source_range)
{
	struct mgm_membership m = VALID(self);

	m.source_mask = htonl(0xffffff00);
	EXPECT_EQ(-EINVAL, add_raw(self->fd, m));
	m.source = ip4(10, 0, 0, 0);
	EXPECT_EQ(-EINVAL, add_raw(self->fd, m));
}

TEST_F(table, invalid_source_multicast)
{
	struct mgm_membership m = VALID(self);

	m.source = ip4(232, 9, 9, 9);
	EXPECT_EQ(-EINVAL, add_raw(self->fd, m));
	m.source = ip4(224, 0, 0, 1);
	EXPECT_EQ(-EINVAL, add_raw(self->fd, m));
}

TEST_F(table, invalid_source_reserved_or_broadcast)
{
	struct mgm_membership m = VALID(self);

	m.source = ip4(255, 255, 255, 255);
	EXPECT_EQ(-EINVAL, add_raw(self->fd, m));
	m.source = ip4(240, 0, 0, 1);
	EXPECT_EQ(-EINVAL, add_raw(self->fd, m));
}

TEST_F(table, invalid_flags)
{
	struct mgm_membership m = VALID(self);

	m.flags = 0;
	EXPECT_EQ(-EINVAL, add_raw(self->fd, m));
	EXPECT_EQ(-EINVAL, del_raw(self->fd, m));
	m.flags = 0x4;
	EXPECT_EQ(-EINVAL, add_raw(self->fd, m));
	m.flags = JOIN | 0x80000000u;
	EXPECT_EQ(-EINVAL, add_raw(self->fd, m));
	EXPECT_EQ(0u, stats_of(self->fd).memberships);
}

/* --- batches ------------------------------------------------------------------------- */

TEST_F(table, batch_add_and_delete)
{
	struct mgm_membership recs[300];
	uint32_t done;
	int32_t error;
	int i;

	for (i = 0; i < 300; i++)
		recs[i] = mgm_rec(self->proto, self->ifindex,
				  ip4(10, 1, i / 256, i % 256), G1, JOIN);
	ASSERT_EQ(0, mgm_batch_apply(self->fd, MGM_BATCH_ADD, recs, 300, &done, &error));
	EXPECT_EQ(300u, done);
	EXPECT_EQ(0, error);
	EXPECT_EQ(300u, stats_of(self->fd).entries);
	ASSERT_EQ(0, mgm_batch_apply(self->fd, MGM_BATCH_DELETE, recs, 300, &done, &error));
	EXPECT_EQ(300u, done);
	EXPECT_EQ(0u, stats_of(self->fd).entries);
	EXPECT_EQ(0u, stats_of(self->fd).memberships);
}

TEST_F(table, batch_stops_at_bad_record)
{
	struct mgm_membership recs[10];
	struct mgm_source_group *out;
	uint32_t done;
	int32_t error;
	int i;

	for (i = 0; i < 10; i++)
		recs[i] = mgm_rec(self->proto, self->ifindex, ip4(10, 2, 0, i + 1), G1, JOIN);
	recs[6].group = ip4(10, 0, 0, 1);	/* not a group */
	EXPECT_EQ(-EINVAL, mgm_batch_apply(self->fd, MGM_BATCH_ADD, recs, 10, &done, &error));
	EXPECT_EQ(6u, done);
	EXPECT_EQ(EINVAL, error);
	/* The first six are in, in order; nothing after. */
	ASSERT_EQ(6, mgm_enum_all(self->fd, MGM_ENUM_ALL_SOURCES, 4096, &out));
	for (i = 0; i < 6; i++) {
		EXPECT_EQ(ip4(10, 2, 0, i + 1), out[i].source);
	}
	free(out);

	/* Delete stops at a missing membership. */
	recs[6].group = G1;
	recs[3] = mgm_rec(self->proto, self->ifindex, ip4(10, 3, 3, 3), G1, JOIN);
	EXPECT_EQ(-ENOENT, mgm_batch_apply(self->fd, MGM_BATCH_DELETE, recs, 10, &done, &error));
	EXPECT_EQ(3u, done);
	EXPECT_EQ(ENOENT, error);
	EXPECT_EQ(3u, stats_of(self->fd).entries);
}

/*
 * Records longer than this version's (a newer caller's): accepted while the
 * bytes this module does not know are zero; a record with a non-zero byte
 * there fails with EINVAL and stops the batch at that record.
 */
TEST_F(table, batch_longer_records)
{
	struct longer { struct mgm_membership m; uint32_t extra[2]; } recs[4];
	char *big;
	struct mgm_batch b = {
		.records = (uintptr_t)recs, .count = 4,
		.record_size = sizeof(recs[0]), .op = MGM_BATCH_ADD,
	};
	unsigned int i;

	memset(recs, 0, sizeof(recs));
	for (i = 0; i < 4; i++)
		recs[i].m = mgm_rec(self->proto, self->ifindex, ip4(10, 4, 4, i + 1),
				    G1, JOIN);
	ASSERT_EQ(40u, b.record_size);
	EXPECT_EQ(0, ioctl(self->fd, MGM_IOC_BATCH, &b));
	EXPECT_EQ(4u, b.done);
	EXPECT_EQ(0, b.error);
	EXPECT_EQ(4u, stats_of(self->fd).entries);

	/* A non-zero unknown byte in the third record: two are applied. */
	recs[2].extra[1] = 1;
	b.op = MGM_BATCH_DELETE;
	EXPECT_EQ(-1, ioctl(self->fd, MGM_IOC_BATCH, &b));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(2u, b.done);
	EXPECT_EQ(EINVAL, b.error);
	EXPECT_EQ(2u, stats_of(self->fd).entries);

	/* The largest record size accepted. */
	big = calloc(2, MGM_BATCH_RECORD_MAX);
	ASSERT_TRUE(big != NULL);
	memcpy(big, &recs[2].m, sizeof(recs[2].m));
	memcpy(big + MGM_BATCH_RECORD_MAX, &recs[3].m, sizeof(recs[3].m));
	b.records = (uintptr_t)big;
	b.count = 2;
	b.record_size = MGM_BATCH_RECORD_MAX;
	EXPECT_EQ(0, ioctl(self->fd, MGM_IOC_BATCH, &b));
	EXPECT_EQ(2u, b.done);
	EXPECT_EQ(0u, stats_of(self->fd).entries);
	free(big);
}

TEST_F(table, batch_argument_rules)
{
	struct mgm_membership rec = VALID(self);
	struct mgm_batch b = {
		.records = (uintptr_t)&rec, .count = 1,
		.record_size = sizeof(rec), .op = MGM_BATCH_ADD,
		.done = 99, .error = 99,	/* written back, also on failure */
	};
	struct mgm_batch t;

	t = b, t.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, MGM_IOC_BATCH, &t));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0u, t.done);
	EXPECT_EQ(EINVAL, t.error);
	t = b, t.op = 0;
	EXPECT_EQ(-1, ioctl(self->fd, MGM_IOC_BATCH, &t));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0u, t.done);
	EXPECT_EQ(EINVAL, t.error);
	t = b, t.op = 3;
	EXPECT_EQ(-1, ioctl(self->fd, MGM_IOC_BATCH, &t));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0u, t.done);
	EXPECT_EQ(EINVAL, t.error);
	t = b, t.record_size = 24;
	EXPECT_EQ(-1, ioctl(self->fd, MGM_IOC_BATCH, &t));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0u, t.done);
	EXPECT_EQ(EINVAL, t.error);
	t = b, t.record_size = MGM_BATCH_RECORD_MAX + 1;
	EXPECT_EQ(-1, ioctl(self->fd, MGM_IOC_BATCH, &t));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0u, t.done);
	EXPECT_EQ(EINVAL, t.error);
	t = b, t.count = MGM_BATCH_MAX + 1;
	EXPECT_EQ(-1, ioctl(self->fd, MGM_IOC_BATCH, &t));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0u, t.done);
	EXPECT_EQ(EINVAL, t.error);
	t = b, t.records = 0;
	EXPECT_EQ(-1, ioctl(self->fd, MGM_IOC_BATCH, &t));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0u, t.done);
	EXPECT_EQ(EFAULT, t.error);
	t = b, t.count = 0;
	EXPECT_EQ(0, ioctl(self->fd, MGM_IOC_BATCH, &t));
	EXPECT_EQ(0u, t.done);
	EXPECT_EQ(0u, stats_of(self->fd).memberships);
	t = b;
	EXPECT_EQ(0, ioctl(self->fd, MGM_IOC_BATCH, &t));
	EXPECT_EQ(1u, t.done);
	EXPECT_EQ(0, t.error);
}

/* Minutes rather than seconds under the debug kernel's KASAN. */
TEST_F_TIMEOUT(table, batch_of_100000_in_two_calls, 300)
{
	const uint32_t n = 100000;
	struct mgm_membership *recs = calloc(n, sizeof(*recs));
	uint32_t i, done, total = 0;
	int32_t error;

	ASSERT_TRUE(recs != NULL);
	for (i = 0; i < n; i++)
		recs[i] = mgm_rec(self->proto, self->ifindex,
				  htonl(0x0a000000 + i + 1), GRP(i % 7), JOIN);
	ASSERT_EQ(0, mgm_batch_apply(self->fd, MGM_BATCH_ADD, recs, MGM_BATCH_MAX,
				     &done, &error));
	total += done;
	ASSERT_EQ(0, mgm_batch_apply(self->fd, MGM_BATCH_ADD, recs + total,
				     n - total, &done, &error));
	total += done;
	EXPECT_EQ(n, total);
	EXPECT_EQ(n, stats_of(self->fd).entries);
	free(recs);
}

/* --- privilege (contract D13) ------------------------------------------------------------- */

TEST_F(table, privilege_checked_against_the_opener)
{
	pid_t pid;
	int status;

	ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, S1, G1, JOIN));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct mgm_source_group *recs;
		struct mgm_owner_query q = { .ifindex = self->ifindex };
		struct mgm_stats st;
		int fd, bad = 0;

		if (drop_net_admin())
			_exit(100);
		/* A file opened without CAP_NET_ADMIN cannot change state... */
		fd = mgm_open_dev();
		if (fd < 0)
			_exit(101);
		bad |= mgm_register_proto(fd, MGM_PROTO_PIM, 9, NULL) != -EPERM;
		bad |= mgm_take(fd, 1, self->ifindex, 0) != -EPERM;
		bad |= mgm_release(fd, 1, self->ifindex, 0) != -EPERM;
		bad |= mgm_deregister_proto(fd, 1) != -EPERM;
		bad |= mgm_add(fd, 1, self->ifindex, S2, G1, JOIN) != -EPERM;
		bad |= mgm_del(fd, 1, self->ifindex, S1, G1, JOIN) != -EPERM;
		bad |= mgm_batch_apply(fd, MGM_BATCH_ADD, NULL, 0, NULL, NULL) != -EPERM;
		/* ...but can read. */
		bad |= mgm_enum_all(fd, MGM_ENUM_ALL_SOURCES, 64, &recs) != 1;
		bad |= mgm_stats_get(fd, &st) != 0;
		bad |= ioctl(fd, MGM_IOC_GET_OWNER, &q) != 0;
		/* The parent's file keeps the opener's privilege. */
		bad |= mgm_add(self->fd, self->proto, self->ifindex, S2, G1, JOIN) != 0;
		_exit(bad ? 102 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(2u, stats_of(self->fd).entries);
}

/*
 * contract D13, the user-namespace half: the privilege is CAP_NET_ADMIN in
 * the user namespace that owns the table's network namespace, as the
 * file's opener had it. An unprivileged user (nobody) makes a user and a
 * network namespace of its own: a file it opens there changes that table;
 * one it opened in the initial network namespace, before or after becoming
 * root of its user namespace, changes nothing. The files keep their
 * opener's rights and table in other hands (passed to a root process) and
 * across setns().
 */
static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok ? 0 : -1;
}

static int send_fds(int sock, const int *fds, int n)
{
	char c = 0, buf[CMSG_SPACE(4 * sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = buf, .msg_controllen = CMSG_SPACE(n * sizeof(int)),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, n * sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fds(int sock, int *fds, int n)
{
	char c, buf[CMSG_SPACE(4 * sizeof(int))];
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = buf, .msg_controllen = CMSG_SPACE(n * sizeof(int)),
	};
	struct cmsghdr *cm;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len != CMSG_LEN(n * sizeof(int)))
		return -1;
	memcpy(fds, CMSG_DATA(cm), n * sizeof(int));
	return 0;
}

#define USERNS_DEV	"/tmp/mgm-userns"	/* /dev/mgm, open to everyone */
#define NOBODY		65534

/* The unprivileged side; exits with the number of the first check that failed. */
static void userns_child(int sock, int ifindex0)
{
	int fd_a, fd_b, fd_c, ns, d;
	struct mgm_stats st;
	uint32_t h;

	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY) || prctl(PR_SET_DUMPABLE, 1))
		_exit(100);
	/* Nobody in the initial namespaces: may read, not change. */
	fd_a = open(USERNS_DEV, O_RDWR | O_CLOEXEC);
	if (fd_a < 0)
		_exit(101);
	if (mgm_register_proto(fd_a, MGM_PROTO_PIM, 20, NULL) != -EPERM)
		_exit(102);
	/* Root of a user namespace of its own... */
	if (unshare(CLONE_NEWUSER))
		_exit(103);
	if (write_text("/proc/self/setgroups", "deny") ||
	    write_text("/proc/self/uid_map", "0 65534 1") ||
	    write_text("/proc/self/gid_map", "0 65534 1"))
		_exit(104);
	/* ... still in the initial network namespace, owned by another. */
	fd_b = open(USERNS_DEV, O_RDWR | O_CLOEXEC);
	if (fd_b < 0)
		_exit(105);
	if (mgm_register_proto(fd_b, MGM_PROTO_PIM, 21, NULL) != -EPERM ||
	    mgm_take(fd_b, 1, ifindex0, 0) != -EPERM)
		_exit(106);
	if (mgm_stats_get(fd_b, &st) || st.protocols != 1 || st.entries != 1)
		_exit(107);	/* but reads the initial table */
	/* Its own network namespace: its own table, which it may change. */
	if (unshare(CLONE_NEWNET) || run("ip link set lo up"))
		_exit(108);
	d = make_dummy("un0");
	if (d <= 0)
		_exit(109);
	fd_c = open(USERNS_DEV, O_RDWR | O_CLOEXEC);
	if (fd_c < 0)
		_exit(110);
	if (mgm_register_proto(fd_c, MGM_PROTO_PIM, 22, &h) || mgm_take(fd_c, h, d, 0) ||
	    mgm_add(fd_c, h, d, S1, G2, JOIN) || mgm_add(fd_c, h, d, S2, G2, JOIN))
		_exit(111);
	if (mgm_stats_get(fd_c, &st) || st.protocols != 1 || st.entries != 2)
		_exit(112);
	/* The file opened earlier still cannot change the initial table. */
	if (mgm_register_proto(fd_b, MGM_PROTO_PIM, 23, NULL) != -EPERM)
		_exit(113);
	ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (ns < 0 || send_fds(sock, (int[]){ fd_b, fd_c, ns }, 3))
		_exit(114);
	_exit(0);
}

TEST_F(table, user_namespace_owns_its_table)
{
	int sv[2], fds[3], status, fd_d, fd_e;
	struct stat sb;
	pid_t pid;
	uint32_t h;

	ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, S1, G1, JOIN));
	ASSERT_EQ(0, stat(MGM_DEV, &sb));
	unlink(USERNS_DEV);
	ASSERT_EQ(0, mknod(USERNS_DEV, S_IFCHR | 0666, sb.st_rdev));
	ASSERT_EQ(0, chmod(USERNS_DEV, 0666));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(sv[0]);
		userns_child(sv[1], self->ifindex);
	}
	close(sv[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	unlink(USERNS_DEV);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, recv_fds(sv[0], fds, 3));
	close(sv[0]);

	/* In root's hands, the files keep their opener's rights. */
	EXPECT_EQ(-EPERM, mgm_register_proto(fds[0], MGM_PROTO_PIM, 24, NULL));
	EXPECT_EQ(0, mgm_register_proto(fds[1], MGM_PROTO_PIM, 25, &h));
	EXPECT_EQ(2u, stats_of(fds[1]).protocols);	/* the user's table */
	EXPECT_EQ(2u, stats_of(fds[1]).entries);
	EXPECT_EQ(1u, stats_of(self->fd).protocols);
	EXPECT_EQ(1u, stats_of(self->fd).entries);

	/* A file opened before setns() keeps its table and its rights. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		fd_d = mgm_open_dev();
		if (fd_d < 0 || setns(fds[2], CLONE_NEWNET))
			_exit(100);
		if (mgm_register_proto(fd_d, MGM_PROTO_PIM, 26, NULL) ||
		    stats_of(fd_d).protocols != 2 || stats_of(fd_d).entries != 1)
			_exit(101);
		fd_e = mgm_open_dev();	/* opened there: the user's table */
		if (fd_e < 0 || stats_of(fd_e).protocols != 2 || stats_of(fd_e).entries != 2)
			_exit(102);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(1u, stats_of(self->fd).protocols);	/* fd_d's protocol went with it */
	close(fds[0]);
	close(fds[1]);
	close(fds[2]);
}

/* --- namespaces (contract D12) ------------------------------------------------------------ */

TEST_F(table, namespaces_have_separate_tables)
{
	pid_t pid;
	int status;

	ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, S1, G1, JOIN));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct mgm_stats st;
		uint32_t h;
		char *proc;
		int fd, fd0, d, bad = 0;
		int init_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

		if (init_ns < 0 || unshare(CLONE_NEWNET))
			_exit(100);
		fd = mgm_open_dev();
		if (fd < 0)
			_exit(101);
		bad |= mgm_stats_get(fd, &st) || st.entries || st.protocols;
		/* The same pair registers here: another namespace. */
		bad |= mgm_register_proto(fd, MGM_PROTO_PIM, 1, &h) != 0;
		d = make_dummy("n0");
		bad |= d <= 0;
		bad |= mgm_take(fd, h, d, 0) != 0;
		bad |= mgm_add(fd, h, d, S2, G2, JOIN) != 0;
		bad |= mgm_add(fd, h, d, S1, G2, JOIN) != 0;
		bad |= mgm_stats_get(fd, &st) || st.entries != 2;
		proc = read_file("/proc/net/mgm");
		bad |= !proc || proc_entries(proc) != 2;
		free(proc);
		if (bad)
			_exit(102);
		/* The file stays in this namespace even if we leave it. */
		if (setns(init_ns, CLONE_NEWNET))
			_exit(103);
		bad |= mgm_add(fd, h, d, 0, G2, JOIN) != 0;	/* d: only there */
		bad |= mgm_stats_get(fd, &st) || st.entries != 3 || st.protocols != 1;
		if (bad)
			_exit(104);
		/* A file opened now is of the initial namespace. */
		fd0 = mgm_open_dev();
		bad |= fd0 < 0 || mgm_stats_get(fd0, &st) || st.entries != 1;
		proc = read_file("/proc/net/mgm");
		bad |= !proc || proc_entries(proc) != 1;
		free(proc);
		_exit(bad ? 105 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(1u, stats_of(self->fd).entries);
	EXPECT_EQ(1u, stats_of(self->fd).protocols);
}

/* --- lifetime (contract D10) ----------------------------------------------------------------- */

TEST_F(table, device_removal_drops_its_state)
{
	struct mgm_owner_query q;
	uint32_t h2;
	int d1 = make_dummy("d1");

	ASSERT_LT(0, d1);
	ASSERT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_PIM, 2, &h2));
	ASSERT_EQ(0, mgm_take(self->fd, h2, d1, 0));
	ASSERT_EQ(0, mgm_take(self->fd, h2, d1, ip4(10, 0, 0, 254)));
	ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, S1, G1, JOIN));
	ASSERT_EQ(0, mgm_add(self->fd, h2, d1, S1, G1, JOIN));
	ASSERT_EQ(0, mgm_add(self->fd, h2, d1, S2, G1, JOIN));
	ASSERT_EQ(0, mgm_add(self->fd, h2, d1, 0, G2, JOIN));
	EXPECT_EQ(3u, stats_of(self->fd).entries);
	EXPECT_EQ(4u, stats_of(self->fd).memberships);

	ASSERT_EQ(0, del_link("d1"));
	EXPECT_EQ(1u, stats_of(self->fd).entries);
	EXPECT_EQ(1u, stats_of(self->fd).memberships);
	EXPECT_EQ(1u, stats_of(self->fd).interfaces);
	EXPECT_EQ(-ENOENT, owner(self->fd, d1, 0, &q));
	EXPECT_EQ(-EINVAL, mgm_release(self->fd, h2, d1, 0));
	/* Nothing owned any more: it can deregister. */
	EXPECT_EQ(0, mgm_deregister_proto(self->fd, h2));
}

TEST_F(table, close_deletes_everything_of_the_file)
{
	struct mgm_stats s;
	uint32_t h;
	int fd2 = mgm_open_dev();

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, mgm_register_proto(fd2, MGM_PROTO_IGMP, 1, &h));
	ASSERT_EQ(0, mgm_take(fd2, h, self->ifindex, 0));
	ASSERT_EQ(0, mgm_add(fd2, h, self->ifindex, 0, G1, JOIN));
	ASSERT_EQ(0, mgm_add(fd2, h, self->ifindex, S1, G1, JOIN));
	ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, S1, G1, JOIN));
	ASSERT_EQ(0, close(fd2));
	s = stats_of(self->fd);
	EXPECT_EQ(1u, s.entries);
	EXPECT_EQ(1u, s.memberships);
	EXPECT_EQ(1u, s.protocols);
	EXPECT_EQ(1u, s.interfaces);
	/* Its pair is free again. */
	EXPECT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_IGMP, 1, NULL));
}

TEST_F(table, sigkill_with_10000_memberships_leaves_nothing)
{
	int pipefd[2], status;
	struct mgm_stats s;
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct mgm_membership *recs = calloc(10000, sizeof(*recs));
		uint32_t h, i;
		int fd = mgm_open_dev();

		if (fd < 0 || !recs || mgm_register_proto(fd, 77, 1, &h) ||
		    mgm_take(fd, h, self->ifindex, ip4(10, 0, 0, 77)))
			_exit(100);
		for (i = 0; i < 10000; i++) {
			recs[i] = mgm_rec(h, self->ifindex, htonl(0x0a100000 + i),
					  GRP(i % 100), JOIN);
			recs[i].nexthop = ip4(10, 0, 0, 77);
		}
		if (mgm_batch_apply(fd, MGM_BATCH_ADD, recs, 10000, NULL, NULL))
			_exit(101);
		/* Share one entry with the parent's protocol. */
		if (mgm_add(self->fd, self->proto, self->ifindex, htonl(0x0a100000),
			    GRP(0), JOIN))
			_exit(102);
		if (write(pipefd[1], "x", 1) != 1)
			_exit(103);
		pause();
		_exit(0);
	}
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	s = stats_of(self->fd);
	EXPECT_EQ(10000u, s.entries);
	EXPECT_EQ(10001u, s.memberships);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	s = stats_of(self->fd);
	EXPECT_EQ(1u, s.entries);
	EXPECT_EQ(1u, s.memberships);
	EXPECT_EQ(1u, s.protocols);
	EXPECT_EQ(1u, s.interfaces);
}

/* --- /proc/net/mgm --------------------------------------------------------------------- */

TEST_F(table, proc_matches_the_table)
{
	static const char expected[] =
		"group           source          protocol   component  ifindex    dev              nexthop         flags\n"
		"*               *               3          1          %-10d %-16s 0.0.0.0         join\n"
		"232.1.1.1       *               3          1          %-10d %-16s 0.0.0.0         join,forward\n"
		"232.1.1.1       10.0.0.1        10         4          %-10d %-16s 0.0.0.0         forward\n"
		"232.1.1.1       10.0.0.1        3          1          %-10d %-16s 0.0.0.0         join\n"
		"232.1.1.2       10.0.0.2        3          1          %-10d %-16s 0.0.0.0         join\n";
	char want[1024], head[160], name[IF_NAMESIZE];
	struct mgm_stats s;
	uint32_t igmp;
	char *text, *body;
	int i = self->ifindex;

	ASSERT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_IGMP, 4, &igmp));
	ASSERT_EQ(0, mgm_take(self->fd, igmp, self->ifindex, 0));
	ASSERT_EQ(0, mgm_add(self->fd, self->proto, i, S2, G2, JOIN));
	ASSERT_EQ(0, mgm_add(self->fd, self->proto, i, S1, G1, JOIN));
	ASSERT_EQ(0, mgm_add(self->fd, igmp, i, S1, G1, FWD));
	ASSERT_EQ(0, mgm_add(self->fd, self->proto, i, 0, G1, JOIN | FWD));
	ASSERT_EQ(0, mgm_add(self->fd, self->proto, i, 0, 0, JOIN));

	text = read_file("/proc/net/mgm");
	ASSERT_TRUE(text != NULL);
	s = stats_of(self->fd);
	snprintf(head, sizeof(head),
		 "entries 4 memberships 5 protocols 2 interfaces 2 generation %llu\n",
		 (unsigned long long)s.generation);
	body = strchr(text, '\n');
	ASSERT_TRUE(body != NULL);
	EXPECT_EQ(0, strncmp(text, head, strlen(head))) TH_LOG("%s", text);
	ASSERT_TRUE(if_indextoname(i, name) != NULL);
	snprintf(want, sizeof(want), expected, i, name, i, name, i, name, i, name,
		 i, name);
	EXPECT_STREQ(want, body + 1);
	EXPECT_EQ(4, proc_entries(text));
	free(text);
}

TEST_F(table, proc_reads_in_small_chunks)
{
	struct mgm_membership *recs = calloc(3000, sizeof(*recs));
	char *whole, *pieces = calloc(1, 1 << 20);
	size_t len = 0;
	ssize_t r;
	int i, fd;

	ASSERT_TRUE(recs != NULL);
	for (i = 0; i < 3000; i++)
		recs[i] = mgm_rec(self->proto, self->ifindex, htonl(0x0a200000 + i),
				  G1, JOIN);
	ASSERT_EQ(0, mgm_batch_apply(self->fd, MGM_BATCH_ADD, recs, 3000, NULL, NULL));
	whole = read_file("/proc/net/mgm");
	ASSERT_TRUE(whole != NULL);
	EXPECT_EQ(3000, proc_entries(whole));
	/* 77-byte reads resume mid-line, mid-entry and across pages. */
	fd = open("/proc/net/mgm", O_RDONLY);
	ASSERT_LE(0, fd);
	while ((r = read(fd, pieces + len, 77)) > 0)
		len += r;
	close(fd);
	EXPECT_STREQ(whole, pieces);
	free(whole);
	free(pieces);
	free(recs);
}

/* --- module reload with state (D10) ------------------------------------------------- */

TEST(rmmod_insmod_with_state)
{
	int pipefd[2], status, fd;
	struct mgm_stats s;
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		uint32_t h;
		int fd = mgm_open_dev(), d = make_dummy("r0");

		if (fd < 0 || d <= 0 || mgm_register_proto(fd, 3, 1, &h) ||
		    mgm_take(fd, h, d, 0) || mgm_add(fd, h, d, S1, G1, JOIN))
			_exit(100);
		if (write(pipefd[1], "x", 1) != 1)
			_exit(103);
		pause();
		_exit(0);
	}
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	EXPECT_EQ(-EWOULDBLOCK, module_unload());
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	del_link("r0");
	ASSERT_EQ(0, module_unload());
	ASSERT_EQ(0, module_load(getenv("MGM_MODULE_ARGS")));
	fd = mgm_open_dev();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mgm_stats_get(fd, &s));
	EXPECT_EQ(0u, s.entries);
	EXPECT_EQ(0u, s.protocols);
	close(fd);
}

TEST_HARNESS_MAIN
