// SPDX-License-Identifier: GPL-2.0
/*
 * Limits (module parameters): each is reached cleanly with ENOSPC, and the
 * request that hits it changes nothing and loses nothing stored before.
 * The module is reloaded with small limits for these tests, then restored.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "helpers.h"

#define SMALL "max_entries=10 max_memberships=15 max_protocols=3 max_interfaces=4 max_cursors=5"

FIXTURE(limits) {
	int fd;
	uint32_t proto;
	int ifindex;
};

FIXTURE_SETUP(limits)
{
	ASSERT_EQ(0, module_reload(SMALL));
	self->fd = mgm_open_dev();
	ASSERT_LE(0, self->fd);
	self->ifindex = make_dummy("l0");
	ASSERT_LT(0, self->ifindex);
	ASSERT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_PIM, 1, &self->proto));
	ASSERT_EQ(0, mgm_take(self->fd, self->proto, self->ifindex, 0));
}

FIXTURE_TEARDOWN(limits)
{
	close(self->fd);
	del_link("l0");
	EXPECT_EQ(0, module_reload(NULL));
}

static uint32_t src(int i)
{
	return htonl(0x0a000001 + i);
}

#define GROUP	ip4(232, 5, 5, 5)

/* Everything a refused request must leave as it was. */
struct snap {
	struct mgm_stats st;
	char *proc;	/* /proc/net/mgm, generation included */
};

static void snap_take(int fd, struct snap *s)
{
	mgm_stats_get(fd, &s->st);
	s->proc = read_file("/proc/net/mgm");
}

static void expect_unchanged(struct __test_metadata *_metadata, int fd,
			     struct snap *before)
{
	struct snap now;

	snap_take(fd, &now);
	ASSERT_TRUE(before->proc && now.proc);
	EXPECT_EQ(before->st.generation, now.st.generation);
	EXPECT_EQ(before->st.entries, now.st.entries);
	EXPECT_EQ(before->st.memberships, now.st.memberships);
	EXPECT_EQ(before->st.protocols, now.st.protocols);
	EXPECT_EQ(before->st.interfaces, now.st.interfaces);
	EXPECT_EQ(before->st.cursors, now.st.cursors);
	EXPECT_STREQ(before->proc, now.proc);
	free(now.proc);
	free(before->proc);
	before->proc = NULL;
}

TEST_F(limits, parameters_are_visible)
{
	struct mgm_stats st;
	char *v = read_file("/sys/module/mgm/parameters/max_entries");

	ASSERT_TRUE(v != NULL);
	EXPECT_STREQ("10\n", v);
	free(v);
	ASSERT_EQ(0, mgm_stats_get(self->fd, &st));
	EXPECT_EQ(10u, st.max_entries);
	EXPECT_EQ(15u, st.max_memberships);
	EXPECT_EQ(3u, st.max_protocols);
	EXPECT_EQ(4u, st.max_interfaces);
	EXPECT_EQ(5u, st.max_cursors);
}

TEST_F(limits, entries)
{
	struct mgm_source_group *r;
	struct mgm_stats a, b;
	uint32_t igmp;
	int i;

	for (i = 0; i < 10; i++)
		ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, src(i),
				     GROUP, MGM_JOIN_STATE));
	ASSERT_EQ(0, mgm_stats_get(self->fd, &a));
	EXPECT_EQ(-ENOSPC, mgm_add(self->fd, self->proto, self->ifindex, src(10),
				   GROUP, MGM_JOIN_STATE));
	ASSERT_EQ(0, mgm_stats_get(self->fd, &b));
	EXPECT_EQ(a.generation, b.generation);
	EXPECT_EQ(10u, b.entries);
	/* Existing entries still take memberships and flags. */
	ASSERT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_IGMP, 1, &igmp));
	ASSERT_EQ(0, mgm_take(self->fd, igmp, self->ifindex, 0));
	EXPECT_EQ(0, mgm_add(self->fd, igmp, self->ifindex, src(3), GROUP,
			     MGM_JOIN_STATE));
	EXPECT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, src(3), GROUP,
			     MGM_FORWARD_STATE));
	/* Everything stored before is intact. */
	ASSERT_EQ(10, mgm_enum_all(self->fd, MGM_ENUM_ALL_SOURCES, 4096, &r));
	for (i = 0; i < 10; i++) {
		EXPECT_EQ(src(i), r[i].source);
	}
	free(r);
	/* Room again after a delete. */
	ASSERT_EQ(0, mgm_del(self->fd, self->proto, self->ifindex, src(0), GROUP,
			     MGM_JOIN_STATE));
	EXPECT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, src(10), GROUP,
			     MGM_JOIN_STATE));
}

/*
 * max_entries limits the entries STATS counts and enumeration lists: those
 * with join state. Forward-only memberships make no such entry (their
 * number is bounded by max_memberships), and an entry that would become
 * listed at the limit is refused like a new one, changing nothing.
 */
TEST_F(limits, entries_are_the_listed_ones)
{
	struct mgm_source_group *r;
	struct mgm_stats a, b;
	uint32_t igmp;
	int i;

	/* Forward-only (S,G)s first: they do not use up max_entries. */
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, src(100 + i),
				     GROUP, MGM_FORWARD_STATE));
	for (i = 0; i < 10; i++)
		ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, src(i),
				     GROUP, MGM_JOIN_STATE));
	ASSERT_EQ(0, mgm_stats_get(self->fd, &a));
	EXPECT_EQ(10u, a.entries);
	EXPECT_EQ(a.max_entries, a.entries);
	EXPECT_EQ(14u, a.memberships);

	/* At the limit: no new listed entry, by any road. */
	EXPECT_EQ(-ENOSPC, mgm_add(self->fd, self->proto, self->ifindex, src(10),
				   GROUP, MGM_JOIN_STATE));
	/* Join state on a forward-only membership would list its entry. */
	EXPECT_EQ(-ENOSPC, mgm_add(self->fd, self->proto, self->ifindex, src(100),
				   GROUP, MGM_JOIN_STATE));
	/* So would a second membership with join state on it. */
	ASSERT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_IGMP, 1, &igmp));
	ASSERT_EQ(0, mgm_take(self->fd, igmp, self->ifindex, 0));
	EXPECT_EQ(-ENOSPC, mgm_add(self->fd, igmp, self->ifindex, src(101),
				   GROUP, MGM_JOIN_STATE));
	/* A forward-only (S,G) is still fine: it is not an entry (D3). */
	EXPECT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, src(104),
			     GROUP, MGM_FORWARD_STATE));
	ASSERT_EQ(0, mgm_stats_get(self->fd, &b));
	EXPECT_EQ(a.generation + 1, b.generation);
	EXPECT_EQ(10u, b.entries);
	EXPECT_EQ(15u, b.memberships);
	ASSERT_EQ(10, mgm_enum_all(self->fd, MGM_ENUM_ALL_SOURCES, 4096, &r));
	free(r);
	/* Room for one after a listed entry goes. */
	ASSERT_EQ(0, mgm_del(self->fd, self->proto, self->ifindex, src(0), GROUP,
			     MGM_JOIN_STATE));
	EXPECT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, src(100),
			     GROUP, MGM_JOIN_STATE));
	ASSERT_EQ(0, mgm_stats_get(self->fd, &b));
	EXPECT_EQ(10u, b.entries);
}

TEST_F(limits, memberships)
{
	struct snap before;
	struct mgm_stats st;
	uint32_t igmp;
	int i;

	ASSERT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_IGMP, 1, &igmp));
	ASSERT_EQ(0, mgm_take(self->fd, igmp, self->ifindex, 0));
	for (i = 0; i < 10; i++)
		ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, src(i),
				     GROUP, MGM_JOIN_STATE));
	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, mgm_add(self->fd, igmp, self->ifindex, src(i), GROUP,
				     MGM_JOIN_STATE));
	snap_take(self->fd, &before);
	EXPECT_EQ(-ENOSPC, mgm_add(self->fd, igmp, self->ifindex, src(5), GROUP,
				   MGM_JOIN_STATE));
	/* A new entry is refused the same way. */
	EXPECT_EQ(-ENOSPC, mgm_add(self->fd, igmp, self->ifindex, 0, GROUP,
				   MGM_FORWARD_STATE));
	expect_unchanged(_metadata, self->fd, &before);
	ASSERT_EQ(0, mgm_stats_get(self->fd, &st));
	EXPECT_EQ(15u, st.memberships);
	EXPECT_EQ(10u, st.entries);
	/* A flag more on an existing membership is no new membership. */
	EXPECT_EQ(0, mgm_add(self->fd, igmp, self->ifindex, src(4), GROUP,
			     MGM_FORWARD_STATE));
}

TEST_F(limits, batch_stops_at_the_limit)
{
	struct mgm_membership recs[12];
	uint32_t done;
	int32_t error;
	int i;

	for (i = 0; i < 12; i++)
		recs[i] = mgm_rec(self->proto, self->ifindex, src(i), GROUP,
				  MGM_JOIN_STATE);
	EXPECT_EQ(-ENOSPC, mgm_batch_apply(self->fd, MGM_BATCH_ADD, recs, 12,
					   &done, &error));
	EXPECT_EQ(10u, done);
	EXPECT_EQ(ENOSPC, error);
}

TEST_F(limits, protocols)
{
	int fd2 = mgm_open_dev();
	struct snap before;

	ASSERT_EQ(0, mgm_register_proto(self->fd, 20, 1, NULL));
	ASSERT_LE(0, fd2);
	/* The limit is per namespace, across files. */
	ASSERT_EQ(0, mgm_register_proto(fd2, 20, 2, NULL));
	snap_take(self->fd, &before);
	EXPECT_EQ(-ENOSPC, mgm_register_proto(fd2, 20, 3, NULL));
	EXPECT_EQ(-ENOSPC, mgm_register_proto(self->fd, 20, 3, NULL));
	expect_unchanged(_metadata, self->fd, &before);
	/* A duplicate is still a duplicate at the limit. */
	EXPECT_EQ(-EEXIST, mgm_register_proto(self->fd, 20, 1, NULL));
	close(fd2);
	EXPECT_EQ(0, mgm_register_proto(self->fd, 20, 3, NULL));
}

TEST_F(limits, interfaces)
{
	struct mgm_owner_query q = { .ifindex = self->ifindex };
	struct snap before;
	int i;

	for (i = 1; i < 4; i++)
		ASSERT_EQ(0, mgm_take(self->fd, self->proto, self->ifindex,
				      ip4(10, 0, 0, i)));
	ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, src(1), GROUP,
			     MGM_JOIN_STATE));
	snap_take(self->fd, &before);
	EXPECT_EQ(-ENOSPC, mgm_take(self->fd, self->proto, self->ifindex,
				    ip4(10, 0, 0, 9)));
	expect_unchanged(_metadata, self->fd, &before);
	q.nexthop = ip4(10, 0, 0, 9);
	EXPECT_EQ(-1, ioctl(self->fd, MGM_IOC_GET_OWNER, &q));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(0, mgm_release(self->fd, self->proto, self->ifindex,
				 ip4(10, 0, 0, 1)));
	EXPECT_EQ(0, mgm_take(self->fd, self->proto, self->ifindex,
			      ip4(10, 0, 0, 9)));
}

TEST_F(limits, cursors)
{
	struct mgm_source_group rec;
	struct mgm_enum_next out;
	struct snap before;
	uint32_t c[5], extra;
	int i;

	ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, src(1), GROUP,
			     MGM_JOIN_STATE));
	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, mgm_enum_start_type(self->fd, MGM_ENUM_ANY_SOURCE, &c[i]));
	snap_take(self->fd, &before);
	EXPECT_EQ(-ENOSPC, mgm_enum_start_type(self->fd, MGM_ENUM_ANY_SOURCE, &extra));
	expect_unchanged(_metadata, self->fd, &before);
	/* The cursors there still work, from where they were. */
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, mgm_enum_next_buf(self->fd, c[i], &rec, sizeof(rec), &out));
		EXPECT_EQ(1u, out.count);
		EXPECT_EQ(GROUP, rec.group);
	}
	EXPECT_EQ(0, mgm_enum_end_id(self->fd, c[0]));
	EXPECT_EQ(0, mgm_enum_start_type(self->fd, MGM_ENUM_ANY_SOURCE, &c[0]));
}

TEST_HARNESS_MAIN
