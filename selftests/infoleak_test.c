// SPDX-License-Identifier: GPL-2.0
/*
 * Information leaks: every byte the module copies to userspace is defined.
 *
 * Each reply is produced twice, into memory pre-filled with two different
 * patterns: a byte the kernel wrote the same both times is defined by the
 * call, a byte that still holds the pattern was not written. Then:
 *  - reply structs: every byte is written (or is the caller's own input,
 *    echoed back), padding is zero, and output fields hold what the table
 *    says;
 *  - record buffers: the first @count records are exactly the expected
 *    records, byte for byte, and not one byte after them is touched (also
 *    for room that is not a whole number of records, and across the
 *    module's page-sized internal batches);
 *  - failed calls that still write their struct back (ERANGE, EINVAL)
 *    echo the caller's bytes or write defined values, and leave the buffer
 *    alone.
 * MGM_INFOLEAK_ENTRIES sizes the table (default 1000).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "helpers.h"
#include "reliability.h"

#define PAT_A	0xa5
#define PAT_B	0x5a

FIXTURE(leak) {
	int fd;
	uint32_t pim, igmp;
	int ifindex;
	unsigned int n;
	uint64_t *keys;		/* ALL_SOURCES keys, ascending */
	uint64_t *groups;	/* ANY_SOURCE keys */
	unsigned int n_groups;
};

FIXTURE_SETUP(leak)
{
	struct mgm_membership *recs;
	unsigned int i;

	self->n = env_ulong("MGM_INFOLEAK_ENTRIES", 1000);
	ASSERT_LE(300u, self->n);
	del_link("il0");
	self->ifindex = make_dummy("il0");
	ASSERT_LT(0, self->ifindex);
	self->fd = mgm_open_dev();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_PIM, 7, &self->pim));
	ASSERT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_IGMP, 3, &self->igmp));
	ASSERT_EQ(0, mgm_take(self->fd, self->pim, self->ifindex, 0));
	ASSERT_EQ(0, mgm_take(self->fd, self->igmp, self->ifindex, 0));

	/* (*,*), (*,G) and (S,G) entries; groups with 1 to 16 sources. */
	recs = calloc(self->n, sizeof(*recs));
	ASSERT_NE(NULL, recs);
	self->keys = calloc(self->n, sizeof(*self->keys));
	self->groups = calloc(self->n, sizeof(*self->groups));
	ASSERT_NE(NULL, self->keys);
	ASSERT_NE(NULL, self->groups);
	for (i = 0; i < self->n; i++) {
		uint32_t g = i ? ip4(224 + (i >> 4) % 16, 1, i >> 8 & 0xff, (i >> 4) & 0xff) : 0;
		uint32_t s = i && i % 16 ? ip4(192, 168, i >> 8 & 0xff, i & 0xff) : 0;

		recs[i] = mgm_rec(self->pim, self->ifindex, s, g,
				  MGM_JOIN_STATE | (i & 1 ? MGM_FORWARD_STATE : 0));
	}
	ASSERT_EQ(0, mgm_batch_apply(self->fd, MGM_BATCH_ADD, recs, self->n,
				     NULL, NULL));
	free(recs);

	{
		struct table_view v;
		char why[256];
		long i2;

		ASSERT_EQ(0, table_view_get(self->fd, &v));
		ASSERT_TRUE(table_view_consistent(&v, why, sizeof(why)))
			TH_LOG("%s", why);
		ASSERT_EQ((long)self->n, v.n_all);
		memcpy(self->keys, v.all, self->n * sizeof(*self->keys));
		self->n_groups = v.n_any;
		for (i2 = 0; i2 < v.n_any; i2++)
			self->groups[i2] = v.any[i2];
		table_view_free(&v);
	}
}

FIXTURE_TEARDOWN(leak)
{
	if (self->fd >= 0)
		close(self->fd);
	free(self->keys);
	free(self->groups);
	del_link("il0");
}

/* The record the module must return for @key. */
static struct mgm_source_group want_rec(uint64_t key, bool any)
{
	uint32_t g = key >> 32, s = any ? 0 : (uint32_t)key;
	struct mgm_source_group r = {
		.source = htonl(s),
		.source_mask = s ? MASK32 : 0,
		.group = htonl(g),
		.group_mask = g ? MASK32 : 0,
	};

	return r;
}

/*
 * Call @cmd on a copy of @in placed in memory pre-filled with @pat (the
 * @len bytes of the struct are @in's; @out gets them back afterwards).
 */
static int call_into(int fd, unsigned int cmd, const void *in, void *out,
		     size_t len)
{
	int ret;

	memcpy(out, in, len);
	ret = ioctl(fd, cmd, out);
	return ret < 0 ? -errno : ret;
}

/*
 * Every byte of two replies produced from memory filled with different
 * patterns is the same: the kernel defined all of them.
 */
static void expect_same_bytes(struct __test_metadata *_metadata,
			      const void *a, const void *b, size_t len,
			      const char *what)
{
	const unsigned char *x = a, *y = b;
	size_t i;

	for (i = 0; i < len; i++)
		if (x[i] != y[i])
			break;
	EXPECT_EQ(len, i) TH_LOG("%s: byte %zu not written (%#x / %#x)", what,
				 i, x[i], y[i]);
}

TEST_F(leak, stats_reply)
{
	struct mgm_stats a, b;

	memset(&a, PAT_A, sizeof(a));
	memset(&b, PAT_B, sizeof(b));
	ASSERT_EQ(0, ioctl(self->fd, MGM_IOC_STATS, &a));
	ASSERT_EQ(0, ioctl(self->fd, MGM_IOC_STATS, &b));
	expect_same_bytes(_metadata, &a, &b, sizeof(a), "stats");
	EXPECT_EQ(0u, a.pad);
	EXPECT_EQ((unsigned long long)self->n, (unsigned long long)a.entries);
	EXPECT_EQ(2u, a.protocols);
	EXPECT_EQ(2u, a.interfaces);
	EXPECT_EQ(0u, a.cursors);
}

TEST_F(leak, register_reply)
{
	struct mgm_register in = { .protocol_id = 17, .callback_flags = 0x5 };
	struct mgm_register a, b;

	/* The output field starts as a pattern; the inputs are the caller's. */
	memset(&a, PAT_A, sizeof(a));
	in.handle = 0xa5a5a5a5;
	in.component_id = 1;
	ASSERT_EQ(0, call_into(self->fd, MGM_IOC_REGISTER, &in, &a, sizeof(a)));
	in.handle = 0x5a5a5a5a;
	in.component_id = 2;
	ASSERT_EQ(0, call_into(self->fd, MGM_IOC_REGISTER, &in, &b, sizeof(b)));
	EXPECT_EQ(17u, a.protocol_id);
	EXPECT_EQ(1u, a.component_id);
	EXPECT_EQ(5u, a.callback_flags);
	EXPECT_NE(0xa5a5a5a5u, a.handle);
	EXPECT_NE(0x5a5a5a5au, b.handle);
	EXPECT_NE(a.handle, b.handle);
	EXPECT_EQ(0, mgm_deregister_proto(self->fd, a.handle));
	EXPECT_EQ(0, mgm_deregister_proto(self->fd, b.handle));
}

TEST_F(leak, owner_reply)
{
	struct mgm_owner_query in = { .ifindex = self->ifindex };
	struct mgm_owner_query a, b;

	in.protocol_id = 0xa5a5a5a5;
	in.component_id = 0xa5a5a5a5;
	ASSERT_EQ(0, call_into(self->fd, MGM_IOC_GET_OWNER, &in, &a, sizeof(a)));
	in.protocol_id = 0x5a5a5a5a;
	in.component_id = 0x5a5a5a5a;
	ASSERT_EQ(0, call_into(self->fd, MGM_IOC_GET_OWNER, &in, &b, sizeof(b)));
	expect_same_bytes(_metadata, &a, &b, sizeof(a), "owner");
	EXPECT_EQ((uint32_t)MGM_PROTO_PIM, a.protocol_id);
	EXPECT_EQ(7u, a.component_id);
	EXPECT_EQ((uint32_t)(MGM_OWNED_BY_ROUTING | MGM_OWNED_BY_IGMP), a.owners);
	EXPECT_EQ(0u, a.flags);

	/* ENOENT: nothing is written back at all. */
	in.ifindex = 1;
	memset(&a, PAT_A, sizeof(a));
	a.ifindex = 1;
	a.nexthop = 0;
	a.flags = 0;
	EXPECT_EQ(-1, ioctl(self->fd, MGM_IOC_GET_OWNER, &a));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(0xa5a5a5a5u, a.protocol_id);
	EXPECT_EQ(0xa5a5a5a5u, a.component_id);
}

TEST_F(leak, batch_reply)
{
	struct mgm_membership recs[3];
	struct mgm_batch in = {
		.records = (uintptr_t)recs, .count = 3,
		.record_size = sizeof(recs[0]), .op = MGM_BATCH_ADD,
	};
	struct mgm_batch a, b;
	unsigned int i;

	for (i = 0; i < 3; i++)
		recs[i] = mgm_rec(self->pim, self->ifindex, ip4(10, 7, 7, i + 1),
				  ip4(239, 7, 7, 7), MGM_JOIN_STATE);
	in.done = in.error = (int)0xa5a5a5a5;
	ASSERT_EQ(0, call_into(self->fd, MGM_IOC_BATCH, &in, &a, sizeof(a)));
	in.done = in.error = 0x5a5a5a5a;
	ASSERT_EQ(0, call_into(self->fd, MGM_IOC_BATCH, &in, &b, sizeof(b)));
	expect_same_bytes(_metadata, &a, &b, sizeof(a), "batch");
	EXPECT_EQ(3u, a.done);
	EXPECT_EQ(0, a.error);

	/* Stopped by a bad record: @done and @error are written, too. */
	recs[1].group_mask = 0;
	in.op = MGM_BATCH_DELETE;
	in.done = in.error = (int)0xa5a5a5a5;
	ASSERT_EQ(-EINVAL, call_into(self->fd, MGM_IOC_BATCH, &in, &a, sizeof(a)));
	in.done = in.error = 0x5a5a5a5a;
	recs[0].flags = MGM_JOIN_STATE;	/* deleted already: ENOENT first */
	ASSERT_EQ(-ENOENT, call_into(self->fd, MGM_IOC_BATCH, &in, &b, sizeof(b)));
	EXPECT_EQ(1u, a.done);
	EXPECT_EQ(EINVAL, a.error);
	EXPECT_EQ(0u, b.done);
	EXPECT_EQ(ENOENT, b.error);
	recs[1].group_mask = MASK32;
	ASSERT_EQ(0, mgm_batch_apply(self->fd, MGM_BATCH_DELETE, recs + 1, 2,
				     NULL, NULL));
}

TEST_F(leak, enum_start_reply)
{
	struct mgm_enum_start in = { .type = MGM_ENUM_ANY_SOURCE };
	struct mgm_enum_start a, b;

	in.cursor = 0xa5a5a5a5;
	in.generation = 0xa5a5a5a5a5a5a5a5ull;
	ASSERT_EQ(0, call_into(self->fd, MGM_IOC_ENUM_START, &in, &a, sizeof(a)));
	in.cursor = 0x5a5a5a5a;
	in.generation = 0x5a5a5a5a5a5a5a5aull;
	ASSERT_EQ(0, call_into(self->fd, MGM_IOC_ENUM_START, &in, &b, sizeof(b)));
	EXPECT_EQ(a.generation, b.generation);
	EXPECT_NE(a.cursor, b.cursor);
	EXPECT_NE(0xa5a5a5a5u, a.cursor);
	EXPECT_EQ(0u, a.pad);
	EXPECT_EQ(0u, a.flags);
	EXPECT_EQ(0, mgm_enum_end_id(self->fd, a.cursor));
	EXPECT_EQ(0, mgm_enum_end_id(self->fd, b.cursor));
}

/*
 * A whole walk with @room bytes of buffer per call, twice (two patterns):
 * the records are exactly the expected ones, and the rest of each buffer
 * is untouched.
 */
static void walk_checked(struct __test_metadata *_metadata,
			 FIXTURE_DATA(leak) *self, uint32_t type, uint32_t room)
{
	bool any = type == MGM_ENUM_ANY_SOURCE;
	unsigned int total = any ? self->n_groups : self->n;
	const uint64_t *keys = any ? self->groups : self->keys;
	struct mgm_enum_next reply[2];
	unsigned char *buf[2];
	unsigned int got = 0, p, i;
	uint32_t cur[2];
	size_t j;

	for (p = 0; p < 2; p++) {
		buf[p] = malloc(room + 64);
		ASSERT_NE(NULL, buf[p]);
		ASSERT_EQ(0, mgm_enum_start_type(self->fd, type, &cur[p]));
	}
	for (;;) {
		for (p = 0; p < 2; p++) {
			unsigned char pat = p ? PAT_B : PAT_A;

			memset(buf[p], pat, room + 64);
			memset(&reply[p], pat, sizeof(reply[p]));
			reply[p].cursor = cur[p];
			reply[p].flags = 0;
			reply[p].pad = 0;
			reply[p].buffer = (uintptr_t)buf[p];
			reply[p].buffer_size = room;
			ASSERT_EQ(0, ioctl(self->fd, MGM_IOC_ENUM_NEXT, &reply[p]))
				TH_LOG("room %u: %s", room, strerror(errno));
			/* Every byte of the reply, both times the same. */
			EXPECT_LE(reply[p].count, room / MGM_REC);
			for (j = reply[p].count * MGM_REC; j < room + 64; j++)
				if (buf[p][j] != pat)
					break;
			EXPECT_EQ(room + 64, j)
				TH_LOG("room %u: byte %zu after %u records written",
				       room, j, reply[p].count);
		}
		reply[1].cursor = reply[0].cursor;
		reply[1].buffer = reply[0].buffer;
		expect_same_bytes(_metadata, &reply[0], &reply[1], sizeof(reply[0]),
				  "enum-next reply");
		ASSERT_EQ(reply[0].count, reply[1].count);
		for (i = 0; i < reply[0].count; i++, got++) {
			struct mgm_source_group w;

			ASSERT_LT(got, total);
			w = want_rec(keys[got], any);
			EXPECT_EQ(0, memcmp(&w, buf[0] + i * MGM_REC, MGM_REC))
				TH_LOG("room %u record %u", room, got);
			EXPECT_EQ(0, memcmp(&w, buf[1] + i * MGM_REC, MGM_REC))
				TH_LOG("room %u record %u", room, got);
		}
		if (reply[0].status & MGM_ENUM_STATUS_END)
			break;
		ASSERT_LT(0u, reply[0].count);
	}
	EXPECT_EQ(total, got);
	for (p = 0; p < 2; p++) {
		EXPECT_EQ(0, mgm_enum_end_id(self->fd, cur[p]));
		free(buf[p]);
	}
}

TEST_F(leak, records_all_sources)
{
	/* Room: 1 record, odd sizes, around the module's 256-record batches. */
	static const uint32_t rooms[] = {
		16, 16 * 3 + 7, 16 * 255, 16 * 256, 16 * 257 + 15, 16 * 1000,
		16 * 5000,
	};
	unsigned int i;

	for (i = 0; i < sizeof(rooms) / sizeof(rooms[0]); i++)
		walk_checked(_metadata, self, MGM_ENUM_ALL_SOURCES, rooms[i]);
}

TEST_F(leak, records_any_source)
{
	static const uint32_t rooms[] = { 16, 16 * 2 + 1, 16 * 256, 16 * 5000 };
	unsigned int i;

	for (i = 0; i < sizeof(rooms) / sizeof(rooms[0]); i++)
		walk_checked(_metadata, self, MGM_ENUM_ANY_SOURCE, rooms[i]);
}

/* Failed get-next calls that write their struct back. */
TEST_F(leak, enum_next_errors)
{
	struct mgm_enum_next in = {}, a, b;
	const unsigned char *x, *y;
	unsigned char buf[64];
	uint32_t cur;
	size_t j;

	ASSERT_EQ(0, mgm_enum_start_type(self->fd, MGM_ENUM_ALL_SOURCES, &cur));
	/* ERANGE: the needed size, the generations, no record. */
	in.cursor = cur;
	in.buffer = (uintptr_t)buf;
	in.buffer_size = MGM_REC - 1;
	in.count = 0xa5a5a5a5;
	in.start_generation = in.generation = 0xa5a5a5a5a5a5a5a5ull;
	memset(buf, PAT_A, sizeof(buf));
	ASSERT_EQ(-ERANGE, call_into(self->fd, MGM_IOC_ENUM_NEXT, &in, &a, sizeof(a)));
	in.count = 0x5a5a5a5a;
	in.start_generation = in.generation = 0x5a5a5a5a5a5a5a5aull;
	ASSERT_EQ(-ERANGE, call_into(self->fd, MGM_IOC_ENUM_NEXT, &in, &b, sizeof(b)));
	expect_same_bytes(_metadata, &a, &b, sizeof(a), "ERANGE reply");
	EXPECT_EQ((uint32_t)MGM_REC, a.buffer_size);
	EXPECT_EQ(0u, a.count);
	for (j = 0; j < sizeof(buf); j++)
		if (buf[j] != PAT_A)
			break;
	EXPECT_EQ(sizeof(buf), j);

	/*
	 * EINVAL (no such cursor): whatever is written back is the caller's
	 * own bytes or values the module defines, never anything else.
	 */
	in.cursor = 0x7ffffff0;
	in.buffer_size = sizeof(buf);
	in.count = 0xa5a5a5a5;
	in.start_generation = in.generation = 0xa5a5a5a5a5a5a5a5ull;
	ASSERT_EQ(-EINVAL, call_into(self->fd, MGM_IOC_ENUM_NEXT, &in, &a, sizeof(a)));
	x = (const void *)&a;
	y = (const void *)&in;
	for (j = 0; j < sizeof(a); j++)
		if (x[j] != y[j])
			break;
	/* Echo of the input, or (from count on) zeroed outputs. */
	EXPECT_TRUE(j == sizeof(a) || j >= offsetof(struct mgm_enum_next, count))
		TH_LOG("byte %zu of the reply is neither input nor output", j);
	EXPECT_EQ(0, mgm_enum_end_id(self->fd, cur));
}

TEST_HARNESS_MAIN
