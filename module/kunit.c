// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of mgm's pure logic, built as a module of their own
 * (mgm_kunit.ko) when the kernel has CONFIG_KUNIT; they run when it is
 * loaded, after mgm.ko.
 *
 *   mgm_key    key encoding (key.h): order, records, byte order
 *   mgm_valid  validation of (source, group) quadruples and flags (contract D2/D3)
 *   mgm_walk   the enumeration walk (walk.c) over a maple tree in RCU mode
 *              built by the test: ordering, hidden entries, ANY_SOURCE
 *              collapsing, exact end, resuming across insertions and
 *              deletions made between two calls (contract D5-D7), and chunk
 *              merges made by a writer thread in the middle of one gather,
 *              between two chunks (the two shapes of merge the index makes)
 *
 * The walk never dereferences an entry (index.h), so the indexes here hold
 * tagged pointers to a dummy object rather than real entries. They are
 * built with the index's own functions (index.c: chunks of sorted keys under
 * a maple tree), so the walk runs over the layout the module uses. The churn
 * case changes the index between calls only, through chunk splits, copies
 * and deleted slots; the merge cases change it inside a call.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/maple_tree.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include "key.h"
#include "walk.h"
#include "index.h"

#define IP4(a, b, c, d)	((u32)(a) << 24 | (u32)(b) << 16 | (u32)(c) << 8 | (d))
#define NET4(a, b, c, d) htonl(IP4(a, b, c, d))
#define ALL_ONES	htonl(0xffffffff)

/* A big-endian record field against a host-order number. */
#define EXPECT_NET(test, field, host)	\
	KUNIT_EXPECT_EQ(test, be32_to_cpu(field), (u32)(host))

/* All four fields of a record or-ed: zero for the (*,*) record. */
static u32 rec_bits(const struct mgm_source_group *r)
{
	return be32_to_cpu(r->source) | be32_to_cpu(r->source_mask) |
	       be32_to_cpu(r->group) | be32_to_cpu(r->group_mask);
}

/* --- mgm_key ---------------------------------------------------------------- */

static void mgm_key_layout(struct kunit *test)
{
	u64 key = mgm_key(NET4(10, 1, 2, 3), NET4(232, 4, 5, 6));

	KUNIT_EXPECT_EQ(test, key, (u64)IP4(232, 4, 5, 6) << 32 | IP4(10, 1, 2, 3));
	KUNIT_EXPECT_EQ(test, mgm_key_group(key), IP4(232, 4, 5, 6));
	KUNIT_EXPECT_EQ(test, mgm_key_source(key), IP4(10, 1, 2, 3));
	KUNIT_EXPECT_EQ(test, mgm_key(0, 0), 0ULL);
	KUNIT_EXPECT_EQ(test, mgm_key(0, NET4(224, 0, 0, 1)),
			(u64)IP4(224, 0, 0, 1) << 32);
}

/* Ascending keys are ascending (group, source) as host-order numbers (D6). */
static void mgm_key_order(struct kunit *test)
{
	static const u32 pairs[][2] = {		/* { group, source }, ascending */
		{ 0, 0 },
		{ IP4(224, 0, 0, 1), 0 },
		{ IP4(224, 0, 0, 1), IP4(1, 0, 0, 0) },
		{ IP4(224, 0, 0, 1), IP4(9, 255, 255, 255) },
		{ IP4(224, 0, 0, 1), IP4(10, 0, 0, 1) },
		{ IP4(224, 0, 0, 1), IP4(223, 255, 255, 255) },
		{ IP4(224, 0, 0, 2), 0 },
		{ IP4(224, 0, 1, 0), IP4(1, 1, 1, 1) },
		{ IP4(232, 0, 0, 0), IP4(10, 0, 0, 1) },
		{ IP4(239, 255, 255, 255), IP4(223, 255, 255, 255) },
	};
	u64 prev = 0, key;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pairs); i++) {
		key = mgm_key(htonl(pairs[i][1]), htonl(pairs[i][0]));
		if (i)
			KUNIT_EXPECT_LT_MSG(test, prev, key, "pair %u", i);
		prev = key;
	}
}

static void mgm_key_records(struct kunit *test)
{
	struct mgm_source_group rec;
	u64 key;

	memset(&rec, 0xa5, sizeof(rec));
	key = mgm_key(NET4(10, 0, 0, 1), NET4(232, 1, 1, 1));
	mgm_key_record(key, &rec);
	EXPECT_NET(test, rec.source, IP4(10, 0, 0, 1));
	EXPECT_NET(test, rec.source_mask, 0xffffffff);
	EXPECT_NET(test, rec.group, IP4(232, 1, 1, 1));
	EXPECT_NET(test, rec.group_mask, 0xffffffff);

	/* The same key as ANY_SOURCE: the group alone. */
	memset(&rec, 0xa5, sizeof(rec));
	mgm_key_group_record(key, &rec);
	EXPECT_NET(test, rec.source, 0);
	EXPECT_NET(test, rec.source_mask, 0);
	EXPECT_NET(test, rec.group, IP4(232, 1, 1, 1));
	EXPECT_NET(test, rec.group_mask, 0xffffffff);

	/* (*,G) */
	memset(&rec, 0xa5, sizeof(rec));
	mgm_key_record(mgm_key(0, NET4(224, 0, 0, 5)), &rec);
	EXPECT_NET(test, rec.source, 0);
	EXPECT_NET(test, rec.source_mask, 0);
	EXPECT_NET(test, rec.group, IP4(224, 0, 0, 5));
	EXPECT_NET(test, rec.group_mask, 0xffffffff);

	/* (*,*), both ways */
	memset(&rec, 0xa5, sizeof(rec));
	mgm_key_record(0, &rec);
	KUNIT_EXPECT_EQ(test, rec_bits(&rec), 0U);
	memset(&rec, 0xa5, sizeof(rec));
	mgm_key_group_record(0, &rec);
	KUNIT_EXPECT_EQ(test, rec_bits(&rec), 0U);
}

static struct kunit_case mgm_key_cases[] = {
	KUNIT_CASE(mgm_key_layout),
	KUNIT_CASE(mgm_key_order),
	KUNIT_CASE(mgm_key_records),
	{}
};

static struct kunit_suite mgm_key_suite = {
	.name = "mgm_key",
	.test_cases = mgm_key_cases,
};

/* --- mgm_valid --------------------------------------------------------------- */

struct mgm_sg_case {
	const char *what;
	u32 source, source_mask, group, group_mask;	/* host order */
	int err;
};

static const struct mgm_sg_case mgm_sg_cases[] = {
	{ "(S,G)", IP4(10, 0, 0, 1), ~0U, IP4(232, 1, 1, 1), ~0U, 0 },
	{ "(*,G)", 0, 0, IP4(224, 0, 0, 1), ~0U, 0 },
	{ "(*,*)", 0, 0, 0, 0, 0 },
	{ "lowest group", IP4(1, 0, 0, 0), ~0U, IP4(224, 0, 0, 0), ~0U, 0 },
	{ "highest group and source", IP4(223, 255, 255, 255), ~0U,
	  IP4(239, 255, 255, 255), ~0U, 0 },
	{ "group range", 0, 0, IP4(224, 0, 0, 0), IP4(240, 0, 0, 0), -EINVAL },
	{ "group /31", 0, 0, IP4(224, 0, 0, 0), IP4(255, 255, 255, 254), -EINVAL },
	{ "group without mask", 0, 0, IP4(224, 0, 0, 1), 0, -EINVAL },
	{ "unicast group", 0, 0, IP4(10, 0, 0, 1), ~0U, -EINVAL },
	{ "class E group", 0, 0, IP4(240, 0, 0, 1), ~0U, -EINVAL },
	{ "broadcast group", 0, 0, ~0U, ~0U, -EINVAL },
	{ "zero group with mask", 0, 0, 0, ~0U, -EINVAL },
	{ "(S,*)", IP4(10, 0, 0, 1), ~0U, 0, 0, -EINVAL },
	{ "(*,*) with source mask", 0, ~0U, 0, 0, -EINVAL },
	{ "source range", IP4(10, 0, 0, 0), IP4(255, 0, 0, 0),
	  IP4(232, 1, 1, 1), ~0U, -EINVAL },
	{ "source without mask", IP4(10, 0, 0, 1), 0, IP4(232, 1, 1, 1), ~0U,
	  -EINVAL },
	{ "zero source with mask", 0, ~0U, IP4(232, 1, 1, 1), ~0U, -EINVAL },
	{ "multicast source", IP4(224, 0, 0, 1), ~0U, IP4(232, 1, 1, 1), ~0U,
	  -EINVAL },
	{ "class E source", IP4(240, 0, 0, 1), ~0U, IP4(232, 1, 1, 1), ~0U,
	  -EINVAL },
	{ "broadcast source", ~0U, ~0U, IP4(232, 1, 1, 1), ~0U, -EINVAL },
};

static void mgm_valid_sg(struct kunit *test)
{
	const struct mgm_sg_case *c;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mgm_sg_cases); i++) {
		c = &mgm_sg_cases[i];
		KUNIT_EXPECT_EQ_MSG(test, c->err,
				    mgm_validate_sg(htonl(c->source),
						    htonl(c->source_mask),
						    htonl(c->group),
						    htonl(c->group_mask)),
				    "%s", c->what);
	}
}

/* Byte order matters: the same numbers in host order are not valid. */
static void mgm_valid_byte_order(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 0, mgm_validate_sg(NET4(10, 0, 0, 1), ALL_ONES,
						 NET4(232, 0, 0, 1), ALL_ONES));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			mgm_validate_sg((__force __be32)IP4(10, 0, 0, 1),
					ALL_ONES,
					(__force __be32)IP4(232, 0, 0, 1),
					ALL_ONES));
}

static void mgm_valid_flags(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, -EINVAL, mgm_validate_flags(0));
	KUNIT_EXPECT_EQ(test, 0, mgm_validate_flags(MGM_JOIN_STATE));
	KUNIT_EXPECT_EQ(test, 0, mgm_validate_flags(MGM_FORWARD_STATE));
	KUNIT_EXPECT_EQ(test, 0, mgm_validate_flags(MGM_MEMBERSHIP_FLAGS));
	KUNIT_EXPECT_EQ(test, -EINVAL, mgm_validate_flags(0x4));
	KUNIT_EXPECT_EQ(test, -EINVAL, mgm_validate_flags(MGM_JOIN_STATE | 0x4));
	KUNIT_EXPECT_EQ(test, -EINVAL, mgm_validate_flags(0x80000000));
}

static struct kunit_case mgm_valid_cases[] = {
	KUNIT_CASE(mgm_valid_sg),
	KUNIT_CASE(mgm_valid_byte_order),
	KUNIT_CASE(mgm_valid_flags),
	{}
};

static struct kunit_suite mgm_valid_suite = {
	.name = "mgm_valid",
	.test_cases = mgm_valid_cases,
};

/* --- mgm_walk ------------------------------------------------------------------ */

/* What the index values point at: never read by the walk. */
static u64 mgm_dummy_entry[2];

struct mgm_test_index {
	struct maple_tree mt;
	struct mutex lock;	/* the writers' lock */
};

static struct maple_tree *mgm_test_tree(struct kunit *test)
{
	struct mgm_test_index *ix = test->priv;

	return &ix->mt;
}

static int mgm_walk_suite_init(struct kunit *test)
{
	struct mgm_test_index *ix = kzalloc(sizeof(*ix), GFP_KERNEL);

	if (!ix)
		return -ENOMEM;
	mutex_init(&ix->lock);
	mgm_index_setup(&ix->mt, &ix->lock);
	test->priv = ix;
	return 0;
}

static void mgm_walk_suite_exit(struct kunit *test)
{
	struct mgm_test_index *ix = test->priv;

	mutex_lock(&ix->lock);
	mgm_index_destroy(&ix->mt);
	mutex_unlock(&ix->lock);
	mutex_destroy(&ix->lock);
	kfree(ix);
}

/* Store @key, listed or not, as the table does (present or not before). */
static void mgm_put(struct kunit *test, u64 key, bool listed)
{
	void *value = mgm_index_value((struct mgm_entry *)mgm_dummy_entry,
				      listed);
	struct mgm_test_index *ix = test->priv;
	struct mgm_index_pos pos;
	int err;

	mutex_lock(&ix->lock);
	if (mgm_index_lookup(&ix->mt, key, &pos)) {
		mgm_index_remove(&ix->mt, &pos);
		mgm_index_lookup(&ix->mt, key, &pos);
	}
	err = mgm_index_insert(&ix->mt, &pos, key, value, GFP_KERNEL);
	mutex_unlock(&ix->lock);
	KUNIT_ASSERT_EQ(test, 0, err);
}

/* Delete @key, which is present. */
static void mgm_del(struct kunit *test, u64 key)
{
	struct mgm_test_index *ix = test->priv;
	struct mgm_index_pos pos;
	void *value;

	mutex_lock(&ix->lock);
	value = mgm_index_lookup(&ix->mt, key, &pos);
	if (value)
		mgm_index_remove(&ix->mt, &pos);
	mutex_unlock(&ix->lock);
	KUNIT_EXPECT_NOT_NULL(test, value);
}

#define SG(group, source)	((u64)(group) << 32 | (source))

static u64 sg(u32 group, u32 source)
{
	return SG(group, source);
}

/* One call of the walk, as a cursor's get-next makes it, under RCU. */
static unsigned int mgm_gather(struct kunit *test, struct mgm_walk *w,
			       struct mgm_source_group *out, unsigned int max)
{
	unsigned int n;

	rcu_read_lock();
	n = mgm_walk_gather(mgm_test_tree(test), w, out, max);
	rcu_read_unlock();
	KUNIT_EXPECT_LE(test, n, max);
	return n;
}

static u64 rec_key(const struct mgm_source_group *r)
{
	return mgm_key(r->source, r->group);
}

static void mgm_walk_empty(struct kunit *test)
{
	struct mgm_source_group out[4];
	struct mgm_walk w;

	mgm_walk_init(&w, MGM_ENUM_ALL_SOURCES);
	KUNIT_EXPECT_EQ(test, 0U, mgm_gather(test, &w, out, 4));
	KUNIT_EXPECT_TRUE(test, w.end);
	/* Once at the end, it stays there. */
	KUNIT_EXPECT_EQ(test, 0U, mgm_gather(test, &w, out, 4));
	KUNIT_EXPECT_TRUE(test, w.end);

	mgm_walk_init(&w, MGM_ENUM_ANY_SOURCE);
	KUNIT_EXPECT_EQ(test, 0U, mgm_gather(test, &w, out, 4));
	KUNIT_EXPECT_TRUE(test, w.end);
}

/*
 * Every listed entry once, ascending, whatever the room per call; the end
 * is reported together with the last records, also when they exactly fill
 * the room.
 */
static void mgm_walk_all_sources(struct kunit *test)
{
	static const u64 keys[] = {	/* inserted out of order */
		SG(IP4(232, 1, 1, 1), IP4(10, 0, 0, 2)),
		SG(0, 0),
		SG(IP4(224, 0, 0, 1), 0),
		SG(IP4(239, 255, 255, 255), IP4(223, 255, 255, 255)),
		SG(IP4(232, 1, 1, 1), IP4(10, 0, 0, 1)),
		SG(IP4(224, 0, 0, 1), IP4(192, 168, 0, 1)),
	};
	u64 sorted[ARRAY_SIZE(keys)];
	struct mgm_source_group out[ARRAY_SIZE(keys) + 1];
	unsigned int i, j, n, got, room;
	struct mgm_walk w;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		mgm_put(test, keys[i], true);
	memcpy(sorted, keys, sizeof(keys));
	for (i = 0; i < ARRAY_SIZE(sorted); i++)	/* a tiny insertion sort */
		for (j = i; j > 0 && sorted[j - 1] > sorted[j]; j--)
			swap(sorted[j - 1], sorted[j]);

	for (room = 1; room <= ARRAY_SIZE(keys) + 1; room++) {
		mgm_walk_init(&w, MGM_ENUM_ALL_SOURCES);
		got = 0;
		while (!w.end) {
			n = mgm_gather(test, &w, out, room);
			KUNIT_ASSERT_GT_MSG(test, n, 0U, "room %u", room);
			for (i = 0; i < n; i++, got++) {
				KUNIT_ASSERT_LT(test, got, (unsigned int)ARRAY_SIZE(sorted));
				KUNIT_EXPECT_EQ_MSG(test, rec_key(&out[i]),
						    sorted[got], "room %u", room);
			}
			/* The end comes with the last records, never later. */
			KUNIT_EXPECT_EQ_MSG(test, w.end,
					    got == ARRAY_SIZE(sorted),
					    "room %u got %u", room, got);
		}
		KUNIT_EXPECT_EQ(test, got, (unsigned int)ARRAY_SIZE(sorted));
	}
}

/* Records carry the masks their key implies (contract D5). */
static void mgm_walk_record_contents(struct kunit *test)
{
	struct mgm_source_group out[4];
	struct mgm_walk w;

	mgm_put(test, sg(0, 0), true);
	mgm_put(test, sg(IP4(224, 1, 2, 3), 0), true);
	mgm_put(test, sg(IP4(224, 1, 2, 3), IP4(10, 9, 8, 7)), true);
	mgm_walk_init(&w, MGM_ENUM_ALL_SOURCES);
	KUNIT_ASSERT_EQ(test, 3U, mgm_gather(test, &w, out, 4));
	KUNIT_EXPECT_TRUE(test, w.end);

	KUNIT_EXPECT_EQ(test, rec_bits(&out[0]), 0U);
	EXPECT_NET(test, out[1].source, 0);
	EXPECT_NET(test, out[1].source_mask, 0);
	EXPECT_NET(test, out[1].group, IP4(224, 1, 2, 3));
	EXPECT_NET(test, out[1].group_mask, 0xffffffff);
	EXPECT_NET(test, out[2].source, IP4(10, 9, 8, 7));
	EXPECT_NET(test, out[2].source_mask, 0xffffffff);
	EXPECT_NET(test, out[2].group, IP4(224, 1, 2, 3));
	EXPECT_NET(test, out[2].group_mask, 0xffffffff);
}

/* Entries without join state are in the index but never listed (D3). */
static void mgm_walk_hidden(struct kunit *test)
{
	struct mgm_source_group out[8];
	struct mgm_walk w;

	mgm_put(test, sg(IP4(224, 0, 0, 1), IP4(10, 0, 0, 1)), false);
	mgm_put(test, sg(IP4(224, 0, 0, 2), IP4(10, 0, 0, 1)), true);
	mgm_put(test, sg(IP4(224, 0, 0, 2), IP4(10, 0, 0, 2)), false);
	mgm_put(test, sg(IP4(224, 0, 0, 3), 0), false);
	mgm_put(test, sg(IP4(224, 0, 0, 3), IP4(10, 0, 0, 9)), false);

	mgm_walk_init(&w, MGM_ENUM_ALL_SOURCES);
	KUNIT_ASSERT_EQ(test, 1U, mgm_gather(test, &w, out, 8));
	KUNIT_EXPECT_EQ(test, rec_key(&out[0]),
			sg(IP4(224, 0, 0, 2), IP4(10, 0, 0, 1)));
	KUNIT_EXPECT_TRUE(test, w.end);

	/* A group whose entries are all hidden is not listed either. */
	mgm_walk_init(&w, MGM_ENUM_ANY_SOURCE);
	KUNIT_ASSERT_EQ(test, 1U, mgm_gather(test, &w, out, 8));
	KUNIT_EXPECT_EQ(test, rec_key(&out[0]), sg(IP4(224, 0, 0, 2), 0));
	KUNIT_EXPECT_TRUE(test, w.end);

	/* Only hidden entries follow the last listed one: end is exact. */
	mgm_walk_init(&w, MGM_ENUM_ALL_SOURCES);
	KUNIT_ASSERT_EQ(test, 1U, mgm_gather(test, &w, out, 1));
	KUNIT_EXPECT_TRUE(test, w.end);
}

/* ANY_SOURCE: one {0, 0, G, mask} record per group, whatever its sources. */
static void mgm_walk_any_source(struct kunit *test)
{
	static const u32 groups[] = {
		0, IP4(224, 0, 0, 1), IP4(224, 0, 0, 2), IP4(239, 0, 0, 1),
	};
	struct mgm_source_group out[8];
	unsigned int i, n, got, room;
	struct mgm_walk w;

	mgm_put(test, sg(0, 0), true);
	mgm_put(test, sg(IP4(224, 0, 0, 1), 0), true);
	for (i = 1; i <= 40; i++)	/* more than one maple node of sources */
		mgm_put(test, sg(IP4(224, 0, 0, 1), IP4(10, 0, 0, i)), true);
	mgm_put(test, sg(IP4(224, 0, 0, 2), IP4(10, 0, 0, 1)), true);
	mgm_put(test, sg(IP4(224, 0, 0, 2), IP4(10, 0, 0, 2)), true);
	mgm_put(test, sg(IP4(239, 0, 0, 1), 0), true);

	for (room = 1; room <= 5; room++) {
		mgm_walk_init(&w, MGM_ENUM_ANY_SOURCE);
		got = 0;
		while (!w.end) {
			n = mgm_gather(test, &w, out, room);
			KUNIT_ASSERT_GT(test, n, 0U);
			for (i = 0; i < n; i++, got++) {
				KUNIT_ASSERT_LT(test, got, (unsigned int)ARRAY_SIZE(groups));
				EXPECT_NET(test, out[i].source, 0);
				EXPECT_NET(test, out[i].source_mask, 0);
				KUNIT_EXPECT_EQ_MSG(test, be32_to_cpu(out[i].group),
						    groups[got],
						    "room %u record %u", room, got);
				EXPECT_NET(test, out[i].group_mask,
					   groups[got] ? 0xffffffff : 0);
			}
			KUNIT_EXPECT_EQ(test, w.end,
					got == ARRAY_SIZE(groups));
		}
		KUNIT_EXPECT_EQ(test, got, (unsigned int)ARRAY_SIZE(groups));
	}
}

/*
 * The position is a key: entries deleted after being returned, or before
 * being reached, do not disturb it; entries inserted behind it are not
 * returned, those ahead of it are (contract D7).
 */
static void mgm_walk_resume_all_sources(struct kunit *test)
{
	u32 g = IP4(232, 0, 0, 1);
	struct mgm_source_group out[4];
	struct mgm_walk w;
	unsigned int i;

	for (i = 1; i <= 10; i++)
		mgm_put(test, sg(g, IP4(10, 0, 0, i * 10)), true);

	mgm_walk_init(&w, MGM_ENUM_ALL_SOURCES);
	KUNIT_ASSERT_EQ(test, 2U, mgm_gather(test, &w, out, 2));
	KUNIT_EXPECT_EQ(test, rec_key(&out[1]), sg(g, IP4(10, 0, 0, 20)));
	KUNIT_EXPECT_FALSE(test, w.end);

	mgm_del(test, sg(g, IP4(10, 0, 0, 20)));	/* the last one returned */
	mgm_del(test, sg(g, IP4(10, 0, 0, 30)));	/* the next one */
	mgm_del(test, sg(g, IP4(10, 0, 0, 50)));
	mgm_put(test, sg(g, IP4(10, 0, 0, 15)), true);	/* behind: skipped */
	mgm_put(test, sg(g, IP4(10, 0, 0, 20)), true);	/* back again: skipped */
	mgm_put(test, sg(g, IP4(10, 0, 0, 45)), true);	/* ahead: returned */

	KUNIT_ASSERT_EQ(test, 3U, mgm_gather(test, &w, out, 3));
	KUNIT_EXPECT_EQ(test, rec_key(&out[0]), sg(g, IP4(10, 0, 0, 40)));
	KUNIT_EXPECT_EQ(test, rec_key(&out[1]), sg(g, IP4(10, 0, 0, 45)));
	KUNIT_EXPECT_EQ(test, rec_key(&out[2]), sg(g, IP4(10, 0, 0, 60)));

	/* Hiding the next one skips it; everything else left is returned. */
	mgm_put(test, sg(g, IP4(10, 0, 0, 70)), false);
	mgm_del(test, sg(g, IP4(10, 0, 0, 100)));
	KUNIT_ASSERT_EQ(test, 2U, mgm_gather(test, &w, out, 4));
	KUNIT_EXPECT_EQ(test, rec_key(&out[0]), sg(g, IP4(10, 0, 0, 80)));
	KUNIT_EXPECT_EQ(test, rec_key(&out[1]), sg(g, IP4(10, 0, 0, 90)));
	KUNIT_EXPECT_TRUE(test, w.end);

	/* Entries added after the end was reported are not returned. */
	mgm_put(test, sg(g, IP4(10, 0, 0, 200)), true);
	KUNIT_EXPECT_EQ(test, 0U, mgm_gather(test, &w, out, 4));
	KUNIT_EXPECT_TRUE(test, w.end);
}

static void mgm_walk_resume_any_source(struct kunit *test)
{
	u32 g1 = IP4(224, 0, 0, 1), g2 = IP4(224, 0, 0, 2);
	u32 g3 = IP4(224, 0, 0, 3), g4 = IP4(224, 0, 0, 4);
	struct mgm_source_group out[4];
	struct mgm_walk w;

	mgm_put(test, sg(g1, IP4(10, 0, 0, 1)), true);
	mgm_put(test, sg(g1, IP4(10, 0, 0, 2)), true);
	mgm_put(test, sg(g2, IP4(10, 0, 0, 1)), true);
	mgm_put(test, sg(g3, 0), true);
	mgm_put(test, sg(g4, IP4(10, 0, 0, 7)), true);

	mgm_walk_init(&w, MGM_ENUM_ANY_SOURCE);
	KUNIT_ASSERT_EQ(test, 1U, mgm_gather(test, &w, out, 1));
	EXPECT_NET(test, out[0].group, g1);

	/* New sources of a group already returned: not returned again. */
	mgm_put(test, sg(g1, 0), true);
	mgm_put(test, sg(g1, IP4(192, 168, 1, 1)), true);
	/* The next group disappears; the one after loses its only source
	 * but gains another.
	 */
	mgm_del(test, sg(g2, IP4(10, 0, 0, 1)));
	mgm_del(test, sg(g3, 0));
	mgm_put(test, sg(g3, IP4(10, 3, 3, 3)), true);

	KUNIT_ASSERT_EQ(test, 2U, mgm_gather(test, &w, out, 4));
	EXPECT_NET(test, out[0].group, g3);
	EXPECT_NET(test, out[1].group, g4);
	KUNIT_EXPECT_TRUE(test, w.end);
}

/*
 * Keys at the very top of the key space end the walk instead of wrapping
 * its position to 0 (which would return everything again). Valid input
 * never makes such keys; the walk must not depend on that.
 */
static void mgm_walk_key_space_end(struct kunit *test)
{
	struct mgm_source_group out[4];
	struct mgm_walk w;

	mgm_put(test, 0, true);
	mgm_put(test, U64_MAX, true);

	mgm_walk_init(&w, MGM_ENUM_ALL_SOURCES);
	KUNIT_ASSERT_EQ(test, 1U, mgm_gather(test, &w, out, 1));
	KUNIT_EXPECT_EQ(test, rec_key(&out[0]), 0ULL);
	KUNIT_EXPECT_FALSE(test, w.end);
	KUNIT_ASSERT_EQ(test, 1U, mgm_gather(test, &w, out, 4));
	KUNIT_EXPECT_EQ(test, rec_key(&out[0]), U64_MAX);
	KUNIT_EXPECT_TRUE(test, w.end);
	KUNIT_EXPECT_EQ(test, 0U, mgm_gather(test, &w, out, 4));

	mgm_walk_init(&w, MGM_ENUM_ANY_SOURCE);
	KUNIT_ASSERT_EQ(test, 2U, mgm_gather(test, &w, out, 4));
	EXPECT_NET(test, out[1].group, U32_MAX);
	KUNIT_EXPECT_TRUE(test, w.end);
	KUNIT_EXPECT_EQ(test, 0U, mgm_gather(test, &w, out, 4));
}

/* The chunk that holds (or would hold) @key. */
static struct mgm_chunk *mgm_chunk_of(struct kunit *test, u64 key)
{
	struct mgm_test_index *ix = test->priv;
	struct mgm_index_pos pos;

	mutex_lock(&ix->lock);
	mgm_index_lookup(&ix->mt, key, &pos);
	mutex_unlock(&ix->lock);
	return pos.chunk;
}

/*
 * A key after every key of its chunk goes into the chunk in place while
 * there is room (no copy): a walk paused in that chunk goes on to it, and
 * the keys it returned are not returned again.
 */
static void mgm_walk_append_in_place(struct kunit *test)
{
	struct mgm_source_group out[8];
	struct mgm_chunk *c;
	struct mgm_walk w;
	u32 i;

	for (i = 1; i <= 5; i++)
		mgm_put(test, sg(IP4(232, 0, 0, 1), i), true);
	c = mgm_chunk_of(test, sg(IP4(232, 0, 0, 1), 1));
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, 5U, c->n);

	mgm_walk_init(&w, MGM_ENUM_ALL_SOURCES);
	KUNIT_ASSERT_EQ(test, 3U, mgm_gather(test, &w, out, 3));
	mgm_put(test, sg(IP4(232, 0, 0, 1), 6), true);
	/* The same chunk, one key longer. */
	KUNIT_EXPECT_PTR_EQ(test, c, mgm_chunk_of(test, sg(IP4(232, 0, 0, 1), 6)));
	KUNIT_EXPECT_EQ(test, 6U, c->n);

	KUNIT_ASSERT_EQ(test, 3U, mgm_gather(test, &w, out, 8));
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, rec_key(&out[i]),
				sg(IP4(232, 0, 0, 1), 4 + i));
	KUNIT_EXPECT_TRUE(test, w.end);
}

/*
 * Merges in the middle of a gather. A reader thread runs one gather over
 * the whole index; when it has finished its first chunk (the walk's
 * between_chunks hook, under RCU), it lets a writer thread on the other CPU
 * delete keys that make the index merge chunks, and waits for it before it
 * moves on. Every key present throughout must still come out, once, in
 * order.
 */
struct mgm_merge_run {
	struct maple_tree *mt;
	struct mutex *lock;		/* the index's writers' lock */
	struct mgm_walk w;
	struct mgm_source_group *out;
	unsigned int room, got;
	const u64 *doomed;		/* deleted by the writer at the boundary */
	unsigned int ndoomed, deleted, boundaries;
	bool writer_late;		/* the reader gave up waiting */
	atomic_t writer_done;
	struct completion at_boundary, reader_exit, writer_exit;
};

static void mgm_merge_hook(struct mgm_walk *w)
{
	struct mgm_merge_run *r = container_of(w, struct mgm_merge_run, w);
	unsigned long deadline = jiffies + 10 * HZ;

	if (++r->boundaries != 1)
		return;
	complete(&r->at_boundary);
	/* Spinning, not sleeping: this is an RCU read section. */
	while (!atomic_read_acquire(&r->writer_done)) {
		if (time_after(jiffies, deadline)) {
			r->writer_late = true;
			return;
		}
		cpu_relax();
	}
}

static int mgm_merge_reader(void *arg)
{
	struct mgm_merge_run *r = arg;

	rcu_read_lock();
	r->got = mgm_walk_gather(r->mt, &r->w, r->out, r->room);
	rcu_read_unlock();
	complete(&r->reader_exit);
	return 0;
}

static int mgm_merge_writer(void *arg)
{
	struct mgm_merge_run *r = arg;
	struct mgm_index_pos pos;
	unsigned int i;

	if (wait_for_completion_timeout(&r->at_boundary, 10 * HZ)) {
		mutex_lock(r->lock);
		for (i = 0; i < r->ndoomed; i++) {
			if (mgm_index_lookup(r->mt, r->doomed[i], &pos)) {
				mgm_index_remove(r->mt, &pos);
				r->deleted++;
			}
		}
		mutex_unlock(r->lock);
	}
	atomic_set_release(&r->writer_done, 1);
	complete(&r->writer_exit);
	return 0;
}

/*
 * Fill keys 1..90 of one group in ascending order (three chunks: 1-30 over
 * [0, 30], 31-60 over [31, 60], 61-90 over [61, ...]), delete @gone, then
 * walk while the writer deletes @doomed after the first chunk. @expect: the
 * keys the walk must return (ascending), the ones present throughout plus
 * those it returned before the writer ran.
 */
static void mgm_walk_merge_run(struct kunit *test, const u64 *gone,
			       unsigned int ngone, const u64 *doomed,
			       unsigned int ndoomed, const u64 *expect,
			       unsigned int nexpect)
{
	struct mgm_test_index *ix = test->priv;
	struct task_struct *reader, *writer;
	struct mgm_merge_run *r;
	unsigned int i, cpu_r, cpu_w;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs: the writer runs beside the walk");
	cpu_r = cpumask_first(cpu_online_mask);
	cpu_w = cpumask_next(cpu_r, cpu_online_mask);

	for (i = 1; i <= 90; i++)
		mgm_put(test, sg(IP4(232, 0, 0, 1), i), true);
	for (i = 0; i < ngone; i++)
		mgm_del(test, gone[i]);

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	r->room = 128;
	r->out = kunit_kcalloc(test, r->room, sizeof(*r->out), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r->out);
	r->mt = &ix->mt;
	r->lock = &ix->lock;
	r->doomed = doomed;
	r->ndoomed = ndoomed;
	mgm_walk_init(&r->w, MGM_ENUM_ALL_SOURCES);
	r->w.between_chunks = mgm_merge_hook;
	init_completion(&r->at_boundary);
	init_completion(&r->reader_exit);
	init_completion(&r->writer_exit);

	writer = kthread_create(mgm_merge_writer, r, "mgm-kunit-writer");
	KUNIT_ASSERT_FALSE(test, IS_ERR(writer));
	reader = kthread_create(mgm_merge_reader, r, "mgm-kunit-reader");
	if (IS_ERR(reader)) {
		complete(&r->at_boundary);	/* let the writer go */
		wake_up_process(writer);
		wait_for_completion(&r->writer_exit);
		KUNIT_FAIL(test, "no reader thread");
		return;
	}
	kthread_bind(writer, cpu_w);
	kthread_bind(reader, cpu_r);
	wake_up_process(writer);
	wake_up_process(reader);
	wait_for_completion(&r->reader_exit);
	wait_for_completion(&r->writer_exit);

	KUNIT_ASSERT_FALSE_MSG(test, r->writer_late,
			       "the writer did not run while the walk waited");
	KUNIT_ASSERT_EQ(test, r->deleted, ndoomed);
	KUNIT_EXPECT_TRUE(test, r->w.end);
	KUNIT_EXPECT_EQ(test, r->got, nexpect);
	for (i = 0; i < min(r->got, nexpect); i++)
		KUNIT_EXPECT_EQ_MSG(test, rec_key(&r->out[i]), expect[i],
				    "record %u", i);
}

/*
 * The right neighbour of the chunk being walked falls to a quarter full and
 * is merged into it: the merged chunk is stored over both ranges. The walk
 * must go on into what was the neighbour.
 */
static void mgm_walk_merge_into_left(struct kunit *test)
{
	u32 g = IP4(232, 0, 0, 1);
	u64 gone[44], doomed[1], expect[45];
	unsigned int i, n = 0;

	for (i = 9; i <= 30; i++)	/* the first chunk keeps 1-8 */
		gone[n++] = sg(g, i);
	for (i = 39; i <= 60; i++)	/* the second keeps 31-38 */
		gone[n++] = sg(g, i);
	doomed[0] = sg(g, 38);		/* 7 left: merged with the first */
	n = 0;
	for (i = 1; i <= 8; i++)
		expect[n++] = sg(g, i);
	for (i = 31; i <= 37; i++)
		expect[n++] = sg(g, i);
	for (i = 61; i <= 90; i++)
		expect[n++] = sg(g, i);
	mgm_walk_merge_run(test, gone, ARRAY_SIZE(gone), doomed,
			   ARRAY_SIZE(doomed), expect, n);
}

/*
 * The first chunk, being walked, loses its last key: the next chunk takes
 * over its range, from 0. The walk must go on into that next chunk.
 */
static void mgm_walk_first_chunk_taken_over(struct kunit *test)
{
	u32 g = IP4(232, 0, 0, 1);
	u64 gone[29], doomed[1], expect[61];
	unsigned int i, n = 0;

	for (i = 2; i <= 30; i++)	/* the first chunk keeps key 1 */
		gone[n++] = sg(g, i);
	doomed[0] = sg(g, 1);		/* returned before it goes */
	n = 0;
	expect[n++] = sg(g, 1);
	for (i = 31; i <= 90; i++)
		expect[n++] = sg(g, i);
	mgm_walk_merge_run(test, gone, ARRAY_SIZE(gone), doomed,
			   ARRAY_SIZE(doomed), expect, n);
}

#define CHURN_STABLE	600
#define CHURN_VOLATILE	600
#define CHURN_WALKS	12

/*
 * Random walks with random room while random insertions and deletions of
 * other keys happen between calls: every stable key exactly once, in
 * ascending order, nothing twice.
 */
static void mgm_walk_churn(struct kunit *test)
{
	u64 *stable, *vol, key, last;
	struct mgm_source_group *out;
	unsigned int i, n, room, seen, walk;
	struct rnd_state rnd;
	bool *present, first;
	struct mgm_walk w;

	stable = kunit_kcalloc(test, CHURN_STABLE, sizeof(*stable), GFP_KERNEL);
	vol = kunit_kcalloc(test, CHURN_VOLATILE, sizeof(*vol), GFP_KERNEL);
	present = kunit_kcalloc(test, CHURN_VOLATILE, sizeof(*present),
				GFP_KERNEL);
	out = kunit_kcalloc(test, 32, sizeof(*out), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, stable && vol && present && out);
	prandom_seed_state(&rnd, 0x6d676d);

	/* Interleaved groups and sources; even sources stable, odd volatile. */
	for (i = 0; i < CHURN_STABLE; i++) {
		stable[i] = sg(IP4(224, 0, i % 7, 1), IP4(10, 0, i / 256, i % 256) * 2);
		mgm_put(test, stable[i], true);
	}
	for (i = 0; i < CHURN_VOLATILE; i++)
		vol[i] = sg(IP4(224, 0, i % 7, 1),
			    IP4(10, 0, i / 256, i % 256) * 2 + 1);

	for (walk = 0; walk < CHURN_WALKS; walk++) {
		mgm_walk_init(&w, MGM_ENUM_ALL_SOURCES);
		seen = 0;
		first = true;
		last = 0;
		while (!w.end) {
			room = 1 + prandom_u32_state(&rnd) % 32;
			n = mgm_gather(test, &w, out, room);
			for (i = 0; i < n; i++) {
				key = rec_key(&out[i]);
				if (!first)
					KUNIT_ASSERT_LT(test, last, key);
				first = false;
				last = key;
				/* stable keys have an even source */
				if (!(key & 1))
					seen++;
			}
			for (i = 0; i < 8; i++) {
				unsigned int v = prandom_u32_state(&rnd) % CHURN_VOLATILE;

				if (present[v]) {
					mgm_del(test, vol[v]);
				} else {
					mgm_put(test, vol[v],
						prandom_u32_state(&rnd) & 1);
				}
				present[v] = !present[v];
			}
		}
		KUNIT_EXPECT_EQ_MSG(test, seen, (unsigned int)CHURN_STABLE,
				    "walk %u", walk);
	}
}

static struct kunit_case mgm_walk_cases[] = {
	KUNIT_CASE(mgm_walk_empty),
	KUNIT_CASE(mgm_walk_all_sources),
	KUNIT_CASE(mgm_walk_record_contents),
	KUNIT_CASE(mgm_walk_hidden),
	KUNIT_CASE(mgm_walk_any_source),
	KUNIT_CASE(mgm_walk_resume_all_sources),
	KUNIT_CASE(mgm_walk_resume_any_source),
	KUNIT_CASE(mgm_walk_key_space_end),
	KUNIT_CASE(mgm_walk_append_in_place),
	KUNIT_CASE(mgm_walk_churn),
	KUNIT_CASE(mgm_walk_merge_into_left),
	KUNIT_CASE(mgm_walk_first_chunk_taken_over),
	{}
};

static struct kunit_suite mgm_walk_suite = {
	.name = "mgm_walk",
	.init = mgm_walk_suite_init,
	.exit = mgm_walk_suite_exit,
	.test_cases = mgm_walk_cases,
};

kunit_test_suites(&mgm_key_suite, &mgm_valid_suite, &mgm_walk_suite);

MODULE_DESCRIPTION("KUnit tests of mgm: keys, validation, the enumeration walk");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(MGM_KUNIT_NS);
