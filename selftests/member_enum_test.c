// SPDX-License-Identifier: GPL-2.0
/*
 * Membership enumeration (MGM_IOC_MEMBER_ENUM_START/NEXT): every
 * validation rule with its errno, each on otherwise-valid input and in the
 * order the module checks them; the exact records and their order; the
 * start key, the range's end and the filters; resuming inside an entry; the
 * cursor's kind, limit and end; and exactly-once while a writer churns
 * memberships of the same entries and fills and thins entries around them
 * (chunk splits and merges), modelled on enum_churn_test and
 * enum_merge_test, sized small (MGM_MEMBER_WALKS walks, default 24).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "helpers.h"

#define MREC	sizeof(struct mgm_member_record)
#define G1	ip4(232, 1, 1, 1)
#define G2	ip4(239, 2, 2, 2)
#define S1	ip4(10, 0, 0, 1)
#define S2	ip4(10, 0, 0, 2)

static int mstart(int fd, struct mgm_member_enum_start *a)
{
	return ioctl(fd, MGM_IOC_MEMBER_ENUM_START, a) ? -errno : 0;
}

static int mnext(int fd, uint32_t cursor, void *buf, uint32_t size,
		 struct mgm_enum_next *n)
{
	*n = (struct mgm_enum_next){ .cursor = cursor, .buffer = (uintptr_t)buf,
				     .buffer_size = size };
	return ioctl(fd, MGM_IOC_MEMBER_ENUM_NEXT, n) ? -errno : 0;
}

/* All records of a cursor started with @a, @per records per call. */
static long mall(int fd, struct mgm_member_enum_start a, uint32_t per,
		 struct mgm_member_record *out, long max)
{
	struct mgm_member_record *buf = calloc(per, MREC);
	struct mgm_enum_next n;
	long got = 0;
	int err;

	if (!buf)
		return -ENOMEM;
	err = mstart(fd, &a);
	if (err) {
		free(buf);
		return err;
	}
	do {
		err = mnext(fd, a.cursor, buf, per * MREC, &n);
		if (err)
			break;
		if (got + n.count > max) {
			err = -E2BIG;
			break;
		}
		memcpy(out + got, buf, n.count * MREC);
		got += n.count;
	} while (!(n.status & MGM_ENUM_STATUS_END));
	mgm_enum_end_id(fd, a.cursor);
	free(buf);
	return err ? err : got;
}

static uint64_t mkey(const struct mgm_member_record *r)
{
	return (uint64_t)ntohl(r->group) << 32 | ntohl(r->source);
}

/* -1, 0, 1: the order the module promises. */
static int mcmp(const struct mgm_member_record *a, const struct mgm_member_record *b)
{
	if (mkey(a) != mkey(b))
		return mkey(a) < mkey(b) ? -1 : 1;
	if (a->ifindex != b->ifindex)
		return a->ifindex < b->ifindex ? -1 : 1;
	if (a->nexthop != b->nexthop)
		return ntohl(a->nexthop) < ntohl(b->nexthop) ? -1 : 1;
	if (a->protocol_id != b->protocol_id)
		return a->protocol_id < b->protocol_id ? -1 : 1;
	if (a->component_id != b->component_id)
		return a->component_id < b->component_id ? -1 : 1;
	return 0;
}

static struct mgm_member_record mr(uint32_t s, uint32_t g, uint32_t ifindex,
				   uint32_t nexthop, uint32_t proto, uint32_t comp,
				   uint32_t flags)
{
	return (struct mgm_member_record){
		.source = s, .source_mask = s ? MASK32 : 0,
		.group = g, .group_mask = g ? MASK32 : 0,
		.ifindex = ifindex, .nexthop = nexthop, .protocol_id = proto,
		.component_id = comp, .member_flags = flags,
	};
}

FIXTURE(men) {
	int fd;
	int if0, if1;
	uint32_t pim, igmp, other;	/* pim: mc0 and mc1; igmp: mc0; other: mc1 via 10.9.9.9 */
	struct mgm_member_record *recs;
};

FIXTURE_SETUP(men)
{
	self->fd = mgm_open_dev();
	ASSERT_LE(0, self->fd);
	self->if0 = make_dummy("me0");
	self->if1 = make_dummy("me1");
	ASSERT_LT(0, self->if0);
	ASSERT_LT(0, self->if1);
	ASSERT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_PIM, 5, &self->pim));
	ASSERT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_IGMP, 9, &self->igmp));
	ASSERT_EQ(0, mgm_register_proto(self->fd, 13, 1, &self->other));
	ASSERT_EQ(0, mgm_take(self->fd, self->pim, self->if0, 0));
	ASSERT_EQ(0, mgm_take(self->fd, self->pim, self->if1, 0));
	ASSERT_EQ(0, mgm_take(self->fd, self->igmp, self->if0, 0));
	ASSERT_EQ(0, mgm_take(self->fd, self->other, self->if1, ip4(10, 9, 9, 9)));
	self->recs = calloc(20000, MREC);
	ASSERT_NE(NULL, self->recs);
}

FIXTURE_TEARDOWN(men)
{
	free(self->recs);
	close(self->fd);
	del_link("me0");
	del_link("me1");
}

static int add_via(int fd, uint32_t h, uint32_t ifindex, uint32_t nexthop,
		   uint32_t group)
{
	struct mgm_membership m = mgm_rec(h, ifindex, 0, group, MGM_JOIN_STATE);

	m.nexthop = nexthop;
	return ioctl(fd, MGM_IOC_ADD_MEMBERSHIP, &m) ? -errno : 0;
}

/* Seven memberships over four entries; (S1,G2) forward state only. */
static void sample(struct __test_metadata *_metadata, FIXTURE_DATA(men) *self)
{
	ASSERT_EQ(0, mgm_add(self->fd, self->pim, self->if1, 0, G1, MGM_JOIN_STATE));
	ASSERT_EQ(0, mgm_add(self->fd, self->igmp, self->if0, 0, G1, MGM_JOIN_STATE));
	ASSERT_EQ(0, mgm_add(self->fd, self->pim, self->if0, 0, G1,
			     MGM_JOIN_STATE | MGM_FORWARD_STATE));
	ASSERT_EQ(0, add_via(self->fd, self->other, self->if1, ip4(10, 9, 9, 9), G1));
	ASSERT_EQ(0, mgm_add(self->fd, self->pim, self->if0, S1, G1, MGM_JOIN_STATE));
	ASSERT_EQ(0, mgm_add(self->fd, self->pim, self->if0, S1, G2, MGM_FORWARD_STATE));
	ASSERT_EQ(0, mgm_add(self->fd, self->pim, self->if1, 0, 0, MGM_JOIN_STATE));
}

static void expect_records(struct __test_metadata *_metadata,
			   const struct mgm_member_record *got, long n,
			   const struct mgm_member_record *want, long m)
{
	long i;

	ASSERT_EQ(m, n);
	for (i = 0; i < n; i++)
		EXPECT_EQ(0, memcmp(&want[i], &got[i], MREC)) TH_LOG("record %ld", i);
}

TEST_F(men, records_and_order)
{
	int a = self->if0, b = self->if1;
	struct mgm_member_record want[] = {
		mr(0, 0, b, 0, MGM_PROTO_PIM, 5, MGM_JOIN_STATE),
		mr(0, G1, a, 0, MGM_PROTO_PIM, 5, MGM_JOIN_STATE | MGM_FORWARD_STATE),
		mr(0, G1, a, 0, MGM_PROTO_IGMP, 9, MGM_JOIN_STATE),
		mr(0, G1, b, 0, MGM_PROTO_PIM, 5, MGM_JOIN_STATE),
		mr(0, G1, b, ip4(10, 9, 9, 9), 13, 1, MGM_JOIN_STATE),
		mr(S1, G1, a, 0, MGM_PROTO_PIM, 5, MGM_JOIN_STATE),
		mr(S1, G2, a, 0, MGM_PROTO_PIM, 5, MGM_FORWARD_STATE),
	};
	struct mgm_member_enum_start all = { 0 };
	uint32_t per[] = { 1, 2, 3, 100, 4096 };
	unsigned int i;

	sample(_metadata, self);
	/* Every buffer size, down to one record (resuming inside (*,G1)). */
	for (i = 0; i < sizeof(per) / sizeof(per[0]); i++) {
		long n = mall(self->fd, all, per[i], self->recs, 20000);

		expect_records(_metadata, self->recs, n, want, 7);
	}
}

TEST_F(men, empty_table_ends_at_once)
{
	struct mgm_member_enum_start a = { 0 };
	struct mgm_member_record r;
	struct mgm_enum_next n;

	ASSERT_EQ(0, mstart(self->fd, &a));
	ASSERT_EQ(0, mnext(self->fd, a.cursor, &r, MREC, &n));
	EXPECT_EQ(0u, n.count);
	EXPECT_EQ((uint32_t)MGM_ENUM_STATUS_END, n.status);
	ASSERT_EQ(0, mnext(self->fd, a.cursor, &r, MREC, &n));
	EXPECT_EQ(0u, n.count);
	EXPECT_EQ((uint32_t)MGM_ENUM_STATUS_END, n.status);
	EXPECT_EQ(0, mgm_enum_end_id(self->fd, a.cursor));
}

TEST_F(men, start_key_range_and_filters)
{
	struct mgm_member_enum_start a;
	long n;

	sample(_metadata, self);
	/* Group G1: (0,G1) .. (255.255.255.255,G1). */
	a = (struct mgm_member_enum_start){ .flags = MGM_MEMBER_ENUM_RANGE,
		.from_group = G1, .to_group = G1, .to_source = MASK32 };
	n = mall(self->fd, a, 100, self->recs, 20000);
	ASSERT_EQ(5, n);
	EXPECT_EQ(G1, self->recs[0].group);
	EXPECT_EQ(S1, self->recs[4].source);
	/* Exactly (S1,G1). */
	a.from_source = a.to_source = S1;
	n = mall(self->fd, a, 100, self->recs, 20000);
	ASSERT_EQ(1, n);
	EXPECT_EQ(S1, self->recs[0].source);
	EXPECT_EQ(G1, self->recs[0].group);
	/* From (S1,G1) to the end of the table's key space. */
	a.to_group = a.to_source = MASK32;
	n = mall(self->fd, a, 1, self->recs, 20000);
	ASSERT_EQ(2, n);
	EXPECT_EQ(G2, self->recs[1].group);
	/* An empty range. */
	a = (struct mgm_member_enum_start){ .flags = MGM_MEMBER_ENUM_RANGE,
		.from_group = ip4(233, 0, 0, 0), .to_group = ip4(233, 255, 255, 255) };
	EXPECT_EQ(0, mall(self->fd, a, 100, self->recs, 20000));
	/* from == to == (*,*) */
	a = (struct mgm_member_enum_start){ .flags = MGM_MEMBER_ENUM_RANGE };
	n = mall(self->fd, a, 100, self->recs, 20000);
	ASSERT_EQ(1, n);
	EXPECT_EQ(0u, self->recs[0].group);

	/* Source S1: (S1,G1), (S1,G2); source 0: the (*,G) and (*,*) ones. */
	a = (struct mgm_member_enum_start){ .flags = MGM_MEMBER_ENUM_SOURCE, .source = S1 };
	n = mall(self->fd, a, 1, self->recs, 20000);
	ASSERT_EQ(2, n);
	EXPECT_EQ(G1, self->recs[0].group);
	EXPECT_EQ(G2, self->recs[1].group);
	a.source = 0;
	EXPECT_EQ(5, mall(self->fd, a, 100, self->recs, 20000));
	a.source = S2;
	EXPECT_EQ(0, mall(self->fd, a, 100, self->recs, 20000));

	/* Interface, protocol, and all of them together. */
	a = (struct mgm_member_enum_start){ .flags = MGM_MEMBER_ENUM_IFINDEX,
					    .ifindex = self->if1 };
	n = mall(self->fd, a, 1, self->recs, 20000);
	ASSERT_EQ(3, n);
	EXPECT_EQ((uint32_t)self->if1, self->recs[2].ifindex);
	a = (struct mgm_member_enum_start){ .flags = MGM_MEMBER_ENUM_PROTOCOL,
					    .protocol_id = MGM_PROTO_IGMP };
	n = mall(self->fd, a, 100, self->recs, 20000);
	ASSERT_EQ(1, n);
	EXPECT_EQ(9u, self->recs[0].component_id);
	a = (struct mgm_member_enum_start){ .flags = MGM_MEMBER_ENUM_FLAGS,
		.from_group = G1, .to_group = G2, .to_source = MASK32,
		.source = S1, .ifindex = self->if0, .protocol_id = MGM_PROTO_PIM };
	n = mall(self->fd, a, 1, self->recs, 20000);
	ASSERT_EQ(2, n);
	EXPECT_EQ((uint32_t)MGM_FORWARD_STATE, self->recs[1].member_flags);
	a.protocol_id = 13;
	EXPECT_EQ(0, mall(self->fd, a, 1, self->recs, 20000));
}

/* Each rule with otherwise-valid input, in the order they are checked. */
TEST_F(men, start_validation)
{
	struct mgm_member_enum_start ok = { .flags = MGM_MEMBER_ENUM_FLAGS,
		.from_group = G1, .to_group = G2, .source = S1, .ifindex = 1,
		.protocol_id = 3 };
	struct mgm_member_enum_start a;
	struct mgm_stats st;

	a = ok;
	ASSERT_EQ(0, mstart(self->fd, &a));
	EXPECT_EQ(0, mgm_enum_end_id(self->fd, a.cursor));
	/* Output fields on input are ignored: a returned struct is valid input. */
	ASSERT_EQ(0, mstart(self->fd, &a));
	EXPECT_EQ(0, mgm_enum_end_id(self->fd, a.cursor));

	a = ok;
	a.flags |= 0x10;
	EXPECT_EQ(-EINVAL, mstart(self->fd, &a));
	a = ok;
	a.flags = 0x80000000u | MGM_MEMBER_ENUM_FLAGS;
	EXPECT_EQ(-EINVAL, mstart(self->fd, &a));
	a = ok;
	a.pad = 1;
	EXPECT_EQ(-EINVAL, mstart(self->fd, &a));
	/* from above to. */
	a = ok;
	a.from_group = G2;
	a.to_group = G1;
	EXPECT_EQ(-EINVAL, mstart(self->fd, &a));
	a = ok;
	a.from_group = a.to_group = G1;
	a.from_source = S2;
	a.to_source = S1;
	EXPECT_EQ(-EINVAL, mstart(self->fd, &a));
	a.to_source = S2;	/* from == to is a range of one */
	ASSERT_EQ(0, mstart(self->fd, &a));
	EXPECT_EQ(0, mgm_enum_end_id(self->fd, a.cursor));
	/* A field without its flag must be zero. */
	a = ok;
	a.flags &= ~MGM_MEMBER_ENUM_RANGE;
	EXPECT_EQ(-EINVAL, mstart(self->fd, &a));
	a.from_group = 0;
	EXPECT_EQ(-EINVAL, mstart(self->fd, &a));	/* to_group still set */
	a.to_group = 0;
	a.from_source = S1;
	EXPECT_EQ(-EINVAL, mstart(self->fd, &a));
	a.from_source = 0;
	a.to_source = S1;
	EXPECT_EQ(-EINVAL, mstart(self->fd, &a));
	a.to_source = 0;
	ASSERT_EQ(0, mstart(self->fd, &a));
	EXPECT_EQ(0, mgm_enum_end_id(self->fd, a.cursor));
	a = ok;
	a.flags &= ~MGM_MEMBER_ENUM_SOURCE;
	EXPECT_EQ(-EINVAL, mstart(self->fd, &a));
	a.source = 0;
	ASSERT_EQ(0, mstart(self->fd, &a));
	EXPECT_EQ(0, mgm_enum_end_id(self->fd, a.cursor));
	a = ok;
	a.flags &= ~MGM_MEMBER_ENUM_IFINDEX;
	EXPECT_EQ(-EINVAL, mstart(self->fd, &a));
	a.ifindex = 0;
	ASSERT_EQ(0, mstart(self->fd, &a));
	EXPECT_EQ(0, mgm_enum_end_id(self->fd, a.cursor));
	a = ok;
	a.flags &= ~MGM_MEMBER_ENUM_PROTOCOL;
	EXPECT_EQ(-EINVAL, mstart(self->fd, &a));
	a.protocol_id = 0;
	ASSERT_EQ(0, mstart(self->fd, &a));
	EXPECT_EQ(0, mgm_enum_end_id(self->fd, a.cursor));
	/* Unknown flags come first: with pad set too, still EINVAL. */
	ASSERT_EQ(0, mgm_stats_get(self->fd, &st));
	EXPECT_EQ(0u, st.cursors);
}

TEST_F(men, next_validation_and_kinds)
{
	struct mgm_member_enum_start a = { 0 };
	struct mgm_member_record buf[2];
	struct mgm_enum_next n;
	uint32_t group_cursor;

	sample(_metadata, self);
	ASSERT_EQ(0, mstart(self->fd, &a));
	/* ERANGE below one record; the size needed comes back. */
	EXPECT_EQ(-ERANGE, mnext(self->fd, a.cursor, buf, MREC - 1, &n));
	EXPECT_EQ(MREC, n.buffer_size);
	EXPECT_EQ(0u, n.count);
	n = (struct mgm_enum_next){ .cursor = a.cursor, .buffer = (uintptr_t)buf,
				    .buffer_size = MREC, .flags = 1 };
	EXPECT_EQ(-1, ioctl(self->fd, MGM_IOC_MEMBER_ENUM_NEXT, &n));
	EXPECT_EQ(EINVAL, errno);
	n = (struct mgm_enum_next){ .cursor = a.cursor, .buffer = (uintptr_t)buf,
				    .buffer_size = MREC, .pad = 1 };
	EXPECT_EQ(-1, ioctl(self->fd, MGM_IOC_MEMBER_ENUM_NEXT, &n));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-EINVAL, mnext(self->fd, a.cursor + 1000, buf, MREC, &n));
	/* A bad buffer: EFAULT, and the cursor did not move. */
	EXPECT_EQ(-EFAULT, mnext(self->fd, a.cursor, (void *)8, MREC, &n));
	/* Nothing lost: the first record is still the first. */
	ASSERT_EQ(0, mnext(self->fd, a.cursor, buf, MREC, &n));
	ASSERT_EQ(1u, n.count);
	EXPECT_EQ(0u, buf[0].group);
	/* Kinds do not mix. */
	EXPECT_EQ(-EINVAL, mgm_enum_next_buf(self->fd, a.cursor, buf, sizeof(buf), &n));
	ASSERT_EQ(0, mgm_enum_start_type(self->fd, MGM_ENUM_ALL_SOURCES, &group_cursor));
	EXPECT_EQ(-EINVAL, mnext(self->fd, group_cursor, buf, sizeof(buf), &n));
	/* Both are ended by MGM_IOC_ENUM_END, once. */
	EXPECT_EQ(0, mgm_enum_end_id(self->fd, group_cursor));
	EXPECT_EQ(0, mgm_enum_end_id(self->fd, a.cursor));
	EXPECT_EQ(-EINVAL, mgm_enum_end_id(self->fd, a.cursor));
	EXPECT_EQ(-EINVAL, mnext(self->fd, a.cursor, buf, MREC, &n));
}

/* Membership cursors count against max_cursors with the others. */
TEST_F(men, cursor_limit_and_count)
{
	struct mgm_member_enum_start a = { 0 };
	uint32_t ids[1024], group_cursor;
	struct mgm_stats st;
	unsigned int i, max;

	ASSERT_EQ(0, mgm_stats_get(self->fd, &st));
	max = st.max_cursors;
	ASSERT_GT(max, 1u);
	ASSERT_LE(max, 1024u);
	ASSERT_EQ(0, mgm_enum_start_type(self->fd, MGM_ENUM_ANY_SOURCE, &group_cursor));
	for (i = 0; i + 1 < max; i++) {
		ASSERT_EQ(0, mstart(self->fd, &a));
		ids[i] = a.cursor;
	}
	ASSERT_EQ(0, mgm_stats_get(self->fd, &st));
	EXPECT_EQ(max, st.cursors);
	EXPECT_EQ(-ENOSPC, mstart(self->fd, &a));
	EXPECT_EQ(-ENOSPC, mgm_enum_start_type(self->fd, MGM_ENUM_ANY_SOURCE, &a.cursor));
	EXPECT_EQ(0, mgm_enum_end_id(self->fd, ids[0]));
	EXPECT_EQ(0, mstart(self->fd, &a));
	ids[0] = a.cursor;
	for (i = 0; i + 1 < max; i++)
		EXPECT_EQ(0, mgm_enum_end_id(self->fd, ids[i]));
	EXPECT_EQ(0, mgm_enum_end_id(self->fd, group_cursor));
	ASSERT_EQ(0, mgm_stats_get(self->fd, &st));
	EXPECT_EQ(0u, st.cursors);
}

/* --- exactly once under churn and merges ---------------------------------- */
#define CH_GROUP	0xe8060000u	/* 232.6.0.0 + i / 256 */
#define CH_KEYS		3072u		/* entries of the universe */

static uint32_t ch_group(unsigned int i)
{
	return htonl(CH_GROUP + i / 256);
}

static uint32_t ch_source(unsigned int i)
{
	return htonl(0x0a000001u + i % 256);
}

/* One entry in four has a stable membership (pim on me0). */
static bool ch_stable(unsigned int i)
{
	return i >= 64 && i % 4 == 0;
}

struct churn {
	int fd, if0, if1;
	uint32_t pim, igmp;
	atomic_int stop;
	atomic_ulong phases;
};

/*
 * Phase after phase: add, in ascending order, a churning membership on
 * every entry of the universe (igmp on me0 beside the stable ones, pim on
 * me1 elsewhere: new entries split chunks), then delete them all (the
 * thinned chunks merge, the bottom 64 entries vanish).
 */
static void *churner(void *arg)
{
	struct churn *c = arg;
	struct mgm_membership *m = calloc(CH_KEYS, sizeof(*m));
	uint32_t done;
	int32_t error;
	unsigned int i;

	if (!m)
		return NULL;
	for (i = 0; i < CH_KEYS; i++)
		m[i] = ch_stable(i) ?
			mgm_rec(c->igmp, c->if0, ch_source(i), ch_group(i), MGM_JOIN_STATE) :
			mgm_rec(c->pim, c->if1, ch_source(i), ch_group(i), MGM_FORWARD_STATE);
	while (!atomic_load(&c->stop)) {
		for (i = 0; i < CH_KEYS; i += 256)
			mgm_batch_apply(c->fd, MGM_BATCH_ADD, m + i, 256, &done, &error);
		for (i = 0; i < CH_KEYS; i += 256)
			mgm_batch_apply(c->fd, MGM_BATCH_DELETE, m + i, 256, &done, &error);
		atomic_fetch_add(&c->phases, 1);
	}
	free(m);
	return NULL;
}

TEST_F(men, exactly_once_under_churn_and_merges)
{
	unsigned long walks = env_ulong("MGM_MEMBER_WALKS", 24), w, raced = 0;
	static const uint32_t per[] = { 1, 7, 4096 / MREC, 65536 / MREC };
	struct mgm_member_record *buf = calloc(65536 / MREC, MREC);
	unsigned char *seen = calloc(CH_KEYS, 1);
	struct mgm_membership *m = calloc(CH_KEYS, sizeof(*m));
	struct churn c = { .fd = self->fd, .if0 = self->if0, .if1 = self->if1,
			   .pim = self->pim, .igmp = self->igmp };
	unsigned long stable = 0;
	uint32_t done;
	int32_t error;
	pthread_t t;
	unsigned int i;

	ASSERT_NE(NULL, buf);
	ASSERT_NE(NULL, seen);
	ASSERT_NE(NULL, m);
	for (i = 0; i < CH_KEYS; i++)
		if (ch_stable(i))
			m[stable++] = mgm_rec(self->pim, self->if0, ch_source(i),
					      ch_group(i), MGM_JOIN_STATE);
	ASSERT_EQ(0, mgm_batch_apply(self->fd, MGM_BATCH_ADD, m, stable, &done, &error));
	ASSERT_EQ(0, pthread_create(&t, NULL, churner, &c));

	for (w = 0; w < walks; w++) {
		struct mgm_member_enum_start a = { .flags = MGM_MEMBER_ENUM_RANGE,
			.from_group = ch_group(0), .to_group = ch_group(CH_KEYS - 1),
			.to_source = MASK32 };
		struct mgm_member_record last = { 0 };
		unsigned long got = 0, n_seen = 0, k;
		struct mgm_enum_next n;
		bool first = true;

		memset(seen, 0, CH_KEYS);
		ASSERT_EQ(0, mstart(self->fd, &a));
		do {
			ASSERT_EQ(0, mnext(self->fd, a.cursor, buf,
					   per[w % 4] * MREC, &n));
			for (k = 0; k < n.count; k++) {
				const struct mgm_member_record *r = &buf[k];
				uint32_t gi = ntohl(r->group) - CH_GROUP;
				uint32_t si = ntohl(r->source) - 0x0a000001u;

				ASSERT_TRUE(first || mcmp(&last, r) < 0)
					TH_LOG("walk %lu: record %lu (%x,%x if %u proto %u) after (%x,%x if %u proto %u)",
					       w, got, ntohl(r->source), ntohl(r->group), r->ifindex,
					       r->protocol_id, ntohl(last.source), ntohl(last.group),
					       last.ifindex, last.protocol_id);
				first = false;
				last = *r;
				got++;
				ASSERT_LT(si, 256u);
				ASSERT_LT(gi * 256 + si, CH_KEYS);
				if (r->ifindex != (uint32_t)self->if0 ||
				    r->protocol_id != MGM_PROTO_PIM)
					continue;	/* a churning one */
				i = gi * 256 + si;
				ASSERT_TRUE(ch_stable(i));
				ASSERT_EQ(0, seen[i]) TH_LOG("walk %lu: entry %u twice", w, i);
				seen[i] = 1;
				n_seen++;
			}
		} while (!(n.status & MGM_ENUM_STATUS_END));
		if (n.status & MGM_ENUM_STATUS_CHANGED)
			raced++;
		EXPECT_EQ(stable, n_seen) TH_LOG("walk %lu (%u per call)", w, per[w % 4]);
		EXPECT_EQ(0, mgm_enum_end_id(self->fd, a.cursor));
	}
	atomic_store(&c.stop, 1);
	pthread_join(t, NULL);
	TH_LOG("%lu walks, %lu raced, %lu writer phases", walks, raced,
	       atomic_load(&c.phases));
	EXPECT_LT(0ul, raced);
	free(m);
	free(seen);
	free(buf);
}

TEST_HARNESS_MAIN
