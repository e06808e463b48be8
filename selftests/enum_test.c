// SPDX-License-Identifier: GPL-2.0
/*
 * Group enumeration (contract D5-D9): start / get-next / end on per-file cursors.
 *
 * Exact records in exact order for table sizes 0..4096 and buffer sizes from
 * one record to 1 MiB, ANY_SOURCE collapsing, the end flag arriving with the
 * last records, the too-small-buffer error, faults that leave the cursor
 * where it was, cursor ids and limits, concurrent callers on one cursor, the
 * generation, and a 1,000,000-entry walk.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "helpers.h"

FIXTURE(enumr) {
	int fd;
	uint32_t proto;
	int ifindex;
	uint64_t *keys;		/* the table's keys, ascending */
};

FIXTURE_SETUP(enumr)
{
	self->fd = mgm_open_dev();
	ASSERT_LE(0, self->fd);
	self->ifindex = make_dummy("e0");
	ASSERT_LT(0, self->ifindex);
	ASSERT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_PIM, 1, &self->proto));
	ASSERT_EQ(0, mgm_take(self->fd, self->proto, self->ifindex, 0));
	self->keys = NULL;
}

FIXTURE_TEARDOWN(enumr)
{
	close(self->fd);
	del_link("e0");
	free(self->keys);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t rng_state;

static uint32_t rng(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return rng_state >> 33;
}

/* A random valid key: (S,G) mostly, (*,G) a third of the time. */
static uint64_t random_key(void)
{
	uint32_t group = 0xe8000000u | (rng() % 512);
	uint32_t source = rng() % 3 ? 0x0a000000u | (rng() & 0xffffff) : 0;

	return (uint64_t)group << 32 | source;
}

/*
 * Fill the table with @n distinct keys (including (*,*) when @n > 2),
 * inserted in random order through batches; remember them sorted.
 */
static int fill(int fd, uint32_t proto, int ifindex, size_t n,
		uint64_t **sorted)
{
	struct mgm_membership *recs = calloc(n + 1, sizeof(*recs));
	uint64_t *keys = calloc(n + 1, sizeof(*keys));
	size_t i = 0, j, done;
	uint32_t applied;
	int ret = 0;

	if (!recs || !keys)
		return -ENOMEM;
	rng_state = n;
	if (n > 2)
		keys[i++] = 0;
	while (i < n) {
		keys[i] = random_key();
		for (j = 0; j < i && keys[j] != keys[i]; j++)
			;
		if (j == i)
			i++;
	}
	for (i = 0; i < n; i++)
		recs[i] = mgm_rec(proto, ifindex, htonl((uint32_t)keys[i]),
				  htonl(keys[i] >> 32), MGM_JOIN_STATE);
	for (done = 0; done < n && !ret; done += applied)
		ret = mgm_batch_apply(fd, MGM_BATCH_ADD, recs + done,
				      n - done > MGM_BATCH_MAX ? MGM_BATCH_MAX : n - done,
				      &applied, NULL);
	qsort(keys, n, sizeof(*keys), cmp_u64);
	free(recs);
	*sorted = keys;
	return ret;
}

/* The records ANY_SOURCE must return for @keys: one per group, ascending. */
static size_t groups_of(const uint64_t *keys, size_t n, uint64_t *groups)
{
	size_t i, g = 0;

	for (i = 0; i < n; i++)
		if (!g || groups[g - 1] != keys[i] >> 32)
			groups[g++] = keys[i] >> 32;
	return g;
}

static int check_all_sources(const struct mgm_source_group *r, long got,
			     const uint64_t *keys, size_t n)
{
	size_t i;

	if (got != (long)n)
		return -1;
	for (i = 0; i < n; i++) {
		uint32_t s = (uint32_t)keys[i], g = keys[i] >> 32;

		if (r[i].source != htonl(s) || r[i].group != htonl(g) ||
		    r[i].source_mask != (s ? MASK32 : 0) ||
		    r[i].group_mask != (g ? MASK32 : 0))
			return (int)i + 1;
	}
	return 0;
}

static int check_any_source(const struct mgm_source_group *r, long got,
			    const uint64_t *keys, size_t n)
{
	uint64_t *groups = calloc(n + 1, sizeof(*groups));
	size_t i, g = groups_of(keys, n, groups);
	int ret = 0;

	if (got != (long)g)
		ret = -1;
	for (i = 0; !ret && i < g; i++)
		if (r[i].source || r[i].source_mask ||
		    r[i].group != htonl((uint32_t)groups[i]) ||
		    r[i].group_mask != (groups[i] ? MASK32 : 0))
			ret = (int)i + 1;
	free(groups);
	return ret;
}

TEST_F(enumr, empty_table_ends_at_once)
{
	struct mgm_enum_next out;
	struct mgm_source_group rec;
	uint32_t c;

	ASSERT_EQ(0, mgm_enum_start_type(self->fd, MGM_ENUM_ALL_SOURCES, &c));
	ASSERT_EQ(0, mgm_enum_next_buf(self->fd, c, &rec, sizeof(rec), &out));
	EXPECT_EQ(0u, out.count);
	EXPECT_EQ((uint32_t)MGM_ENUM_STATUS_END, out.status);
	/* And keeps saying so. */
	ASSERT_EQ(0, mgm_enum_next_buf(self->fd, c, &rec, sizeof(rec), &out));
	EXPECT_EQ(0u, out.count);
	EXPECT_EQ((uint32_t)MGM_ENUM_STATUS_END, out.status);
	EXPECT_EQ(0, mgm_enum_end_id(self->fd, c));
}

/* Every table size against every buffer size, both enumeration types. */
TEST_F_TIMEOUT(enumr, sizes_and_buffers, 300)
{
	static const size_t sizes[] = { 1, 2, 16, 17, 4096 };
	static const uint32_t bufs[] = {
		16, 17, 31, 33, 48, 100, 4095, 4096, 4097, 65536, 1 << 20,
	};
	struct mgm_source_group *recs;
	uint64_t *keys;
	size_t si, bi;
	long got;

	/* Each size gets a file of its own, which owns e0 while it lives. */
	ASSERT_EQ(0, mgm_release(self->fd, self->proto, self->ifindex, 0));
	for (si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
		size_t n = sizes[si];
		int fd = mgm_open_dev();
		uint32_t h;

		ASSERT_LE(0, fd);
		ASSERT_EQ(0, mgm_register_proto(fd, 50, (uint32_t)n, &h));
		ASSERT_EQ(0, mgm_take(fd, h, self->ifindex, 0));
		ASSERT_EQ(0, fill(fd, h, self->ifindex, n, &keys)) {
			TH_LOG("n=%zu", n);
		}
		for (bi = 0; bi < sizeof(bufs) / sizeof(bufs[0]); bi++) {
			got = mgm_enum_all(fd, MGM_ENUM_ALL_SOURCES, bufs[bi], &recs);
			EXPECT_EQ(0, check_all_sources(recs, got, keys, n)) {
				TH_LOG("ALL_SOURCES n=%zu buffer=%u got=%ld", n, bufs[bi], got);
			}
			free(recs);
			got = mgm_enum_all(fd, MGM_ENUM_ANY_SOURCE, bufs[bi], &recs);
			EXPECT_EQ(0, check_any_source(recs, got, keys, n)) {
				TH_LOG("ANY_SOURCE n=%zu buffer=%u got=%ld", n, bufs[bi], got);
			}
			free(recs);
		}
		free(keys);
		close(fd);	/* empties the table for the next size */
	}
}

TEST_F(enumr, order_is_group_then_source_host_order)
{
	static const uint32_t grp[] = { 0xe0000001, 0xe8000000, 0xef000000, 0xe8000000,
					0xe8000000, 0 };
	static const uint32_t src[] = { 0x0a000001, 0xc0a80001, 0x01020304, 0x0a000001,
					0, 0 };
	struct mgm_source_group *r;
	unsigned int i;

	for (i = 0; i < 6; i++)
		ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex,
				     htonl(src[i]), htonl(grp[i]), MGM_JOIN_STATE));
	ASSERT_EQ(6, mgm_enum_all(self->fd, MGM_ENUM_ALL_SOURCES, 16, &r));
	/* (*,*), then 224.0.0.1, then 232.0.0.0 with sources *, 10.0.0.1, 192.168.0.1, then 239. */
	EXPECT_EQ(0u, r[0].group);
	EXPECT_EQ(0u, r[0].source);
	EXPECT_EQ(htonl(0xe0000001), r[1].group);
	EXPECT_EQ(htonl(0xe8000000), r[2].group);
	EXPECT_EQ(0u, r[2].source);
	EXPECT_EQ(0u, r[2].source_mask);
	EXPECT_EQ(htonl(0x0a000001), r[3].source);
	EXPECT_EQ(htonl(0xc0a80001), r[4].source);
	EXPECT_EQ(htonl(0xef000000), r[5].group);
	EXPECT_EQ(MASK32, r[5].group_mask);
	for (i = 1; i < 6; i++) {
		EXPECT_LT(rec_key(&r[i - 1]), rec_key(&r[i]));
	}
	free(r);
}

TEST_F(enumr, any_source_collapses_sources_and_keeps_wildcards)
{
	struct mgm_source_group *r;

	ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, ip4(10, 0, 0, 1),
			     ip4(232, 1, 1, 1), MGM_JOIN_STATE));
	ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, ip4(10, 0, 0, 2),
			     ip4(232, 1, 1, 1), MGM_JOIN_STATE));
	ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, 0,
			     ip4(232, 1, 1, 2), MGM_JOIN_STATE));
	ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, ip4(10, 0, 0, 3),
			     ip4(232, 1, 1, 2), MGM_JOIN_STATE));
	ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, 0, 0, MGM_JOIN_STATE));
	/* Forward state only: the group is not listed. */
	ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, ip4(10, 0, 0, 4),
			     ip4(232, 1, 1, 3), MGM_FORWARD_STATE));

	ASSERT_EQ(3, mgm_enum_all(self->fd, MGM_ENUM_ANY_SOURCE, 16, &r));
	EXPECT_EQ(0u, r[0].group);
	EXPECT_EQ(0u, r[0].group_mask);
	EXPECT_EQ(ip4(232, 1, 1, 1), r[1].group);
	EXPECT_EQ(MASK32, r[1].group_mask);
	EXPECT_EQ(0u, r[1].source);
	EXPECT_EQ(0u, r[1].source_mask);
	EXPECT_EQ(ip4(232, 1, 1, 2), r[2].group);
	free(r);
	ASSERT_EQ(5, mgm_enum_all(self->fd, MGM_ENUM_ALL_SOURCES, 16, &r));
	free(r);
}

TEST_F(enumr, end_flag_comes_with_the_last_records)
{
	struct mgm_source_group buf[8];
	struct mgm_enum_next out;
	uint32_t c;

	ASSERT_EQ(0, fill(self->fd, self->proto, self->ifindex, 8, &self->keys));
	/* Exactly the table's size: everything and the end in one call. */
	ASSERT_EQ(0, mgm_enum_start_type(self->fd, MGM_ENUM_ALL_SOURCES, &c));
	ASSERT_EQ(0, mgm_enum_next_buf(self->fd, c, buf, sizeof(buf), &out));
	EXPECT_EQ(8u, out.count);
	EXPECT_EQ((uint32_t)MGM_ENUM_STATUS_END, out.status);
	EXPECT_EQ(0, mgm_enum_end_id(self->fd, c));
	/* One short: no end yet; then the last one with the end. */
	ASSERT_EQ(0, mgm_enum_start_type(self->fd, MGM_ENUM_ALL_SOURCES, &c));
	ASSERT_EQ(0, mgm_enum_next_buf(self->fd, c, buf, 7 * MGM_REC, &out));
	EXPECT_EQ(7u, out.count);
	EXPECT_EQ(0u, out.status);
	ASSERT_EQ(0, mgm_enum_next_buf(self->fd, c, buf, sizeof(buf), &out));
	EXPECT_EQ(1u, out.count);
	EXPECT_EQ((uint32_t)MGM_ENUM_STATUS_END, out.status);
	EXPECT_EQ(self->keys[7], rec_key(&buf[0]));
	ASSERT_EQ(0, mgm_enum_next_buf(self->fd, c, buf, sizeof(buf), &out));
	EXPECT_EQ(0u, out.count);
	EXPECT_EQ((uint32_t)MGM_ENUM_STATUS_END, out.status);
	EXPECT_EQ(0, mgm_enum_end_id(self->fd, c));
}

TEST_F(enumr, too_small_buffer_is_erange_and_does_not_move)
{
	struct mgm_source_group buf[2];
	struct mgm_enum_next out;
	uint32_t c, size;

	ASSERT_EQ(0, fill(self->fd, self->proto, self->ifindex, 2, &self->keys));
	ASSERT_EQ(0, mgm_enum_start_type(self->fd, MGM_ENUM_ALL_SOURCES, &c));
	for (size = 0; size < MGM_REC; size += 7) {
		EXPECT_EQ(-ERANGE, mgm_enum_next_buf(self->fd, c, buf, size, &out));
		EXPECT_EQ((uint32_t)MGM_REC, out.buffer_size);
		EXPECT_EQ(0u, out.count);
	}
	ASSERT_EQ(0, mgm_enum_next_buf(self->fd, c, buf, MGM_REC, &out));
	EXPECT_EQ(1u, out.count);
	EXPECT_EQ(self->keys[0], rec_key(&buf[0]));
	EXPECT_EQ(0, mgm_enum_end_id(self->fd, c));
}

TEST_F(enumr, fault_leaves_the_cursor_where_it_was)
{
	long page = sysconf(_SC_PAGESIZE);
	struct mgm_source_group first;
	struct mgm_enum_next out;
	char *map;
	uint32_t c;

	ASSERT_EQ(0, fill(self->fd, self->proto, self->ifindex, 1000, &self->keys));
	ASSERT_EQ(0, mgm_enum_start_type(self->fd, MGM_ENUM_ALL_SOURCES, &c));
	EXPECT_EQ(-EFAULT, mgm_enum_next_buf(self->fd, c, NULL, 64, &out));
	EXPECT_EQ(0u, out.count);
	/* A buffer whose second page is missing: the first copy succeeds. */
	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(map != MAP_FAILED);
	ASSERT_EQ(0, munmap(map + page, page));
	EXPECT_EQ(-EFAULT, mgm_enum_next_buf(self->fd, c, map, 2 * page, &out));
	EXPECT_EQ(0u, out.count);
	/* Read-only memory. */
	ASSERT_EQ(0, mprotect(map, page, PROT_READ));
	EXPECT_EQ(-EFAULT, mgm_enum_next_buf(self->fd, c, map, page, &out));
	/* The argument struct itself cannot be written back. */
	ASSERT_EQ(0, mprotect(map, page, PROT_READ | PROT_WRITE));
	memset(&out, 0, sizeof(out));
	out.cursor = c;
	out.buffer = (uintptr_t)(map + 1024);
	out.buffer_size = 1024;
	memcpy(map, &out, sizeof(out));
	ASSERT_EQ(0, mprotect(map, page, PROT_READ));
	EXPECT_EQ(-1, ioctl(self->fd, MGM_IOC_ENUM_NEXT, map));
	EXPECT_EQ(EFAULT, errno);
	/* Nothing was consumed. */
	ASSERT_EQ(0, mgm_enum_next_buf(self->fd, c, &first, sizeof(first), &out));
	EXPECT_EQ(1u, out.count);
	EXPECT_EQ(self->keys[0], rec_key(&first));
	munmap(map, page);
	EXPECT_EQ(0, mgm_enum_end_id(self->fd, c));
}

TEST_F(enumr, argument_rules)
{
	struct mgm_enum_start s = { .type = MGM_ENUM_ALL_SOURCES };
	struct mgm_enum_next n = {};
	struct mgm_enum_end e = {};
	struct mgm_source_group rec;
	uint32_t c;
	int fd2;

	s.type = 2;
	EXPECT_EQ(-1, ioctl(self->fd, MGM_IOC_ENUM_START, &s));
	EXPECT_EQ(EINVAL, errno);
	s.type = 0xffffffff;
	EXPECT_EQ(-1, ioctl(self->fd, MGM_IOC_ENUM_START, &s));
	EXPECT_EQ(EINVAL, errno);
	s.type = MGM_ENUM_ANY_SOURCE, s.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, MGM_IOC_ENUM_START, &s));
	EXPECT_EQ(EINVAL, errno);
	s.flags = 0, s.pad = 1;
	EXPECT_EQ(-1, ioctl(self->fd, MGM_IOC_ENUM_START, &s));
	EXPECT_EQ(EINVAL, errno);

	ASSERT_EQ(0, mgm_enum_start_type(self->fd, MGM_ENUM_ANY_SOURCE, &c));
	n.cursor = c, n.flags = 1;	/* input flags must be zero */
	n.buffer = (uintptr_t)&rec, n.buffer_size = sizeof(rec);
	EXPECT_EQ(-1, ioctl(self->fd, MGM_IOC_ENUM_NEXT, &n));
	EXPECT_EQ(EINVAL, errno);
	e.cursor = c, e.pad = 1;
	EXPECT_EQ(-1, ioctl(self->fd, MGM_IOC_ENUM_END, &e));
	EXPECT_EQ(EINVAL, errno);

	/* Unknown, foreign and ended cursor ids. */
	EXPECT_EQ(-EINVAL, mgm_enum_next_buf(self->fd, 0, &rec, sizeof(rec), NULL));
	EXPECT_EQ(-EINVAL, mgm_enum_next_buf(self->fd, c + 1000, &rec, sizeof(rec), NULL));
	EXPECT_EQ(-EINVAL, mgm_enum_end_id(self->fd, 0));
	fd2 = mgm_open_dev();
	ASSERT_LE(0, fd2);
	EXPECT_EQ(-EINVAL, mgm_enum_next_buf(fd2, c, &rec, sizeof(rec), NULL));
	EXPECT_EQ(-EINVAL, mgm_enum_end_id(fd2, c));
	close(fd2);
	EXPECT_EQ(0, mgm_enum_end_id(self->fd, c));
	EXPECT_EQ(-EINVAL, mgm_enum_end_id(self->fd, c));
	EXPECT_EQ(-EINVAL, mgm_enum_next_buf(self->fd, c, &rec, sizeof(rec), NULL));
}

TEST_F(enumr, cursor_limit_per_file)
{
	struct mgm_stats st;
	uint32_t ids[64], extra;
	int i, fd2;

	ASSERT_EQ(0, mgm_stats_get(self->fd, &st));
	ASSERT_EQ(64u, st.max_cursors);
	for (i = 0; i < 64; i++)
		ASSERT_EQ(0, mgm_enum_start_type(self->fd, i % 2, &ids[i]));
	EXPECT_EQ(-ENOSPC, mgm_enum_start_type(self->fd, 1, &extra));
	ASSERT_EQ(0, mgm_stats_get(self->fd, &st));
	EXPECT_EQ(64u, st.cursors);
	/* Another file has its own allowance. */
	fd2 = mgm_open_dev();
	ASSERT_LE(0, fd2);
	EXPECT_EQ(0, mgm_enum_start_type(fd2, 1, &extra));
	close(fd2);
	/* Ending one makes room for one. */
	EXPECT_EQ(0, mgm_enum_end_id(self->fd, ids[10]));
	EXPECT_EQ(0, mgm_enum_start_type(self->fd, 1, &ids[10]));
	EXPECT_EQ(-ENOSPC, mgm_enum_start_type(self->fd, 1, &extra));
	for (i = 0; i < 64; i++)
		EXPECT_EQ(0, mgm_enum_end_id(self->fd, ids[i]));
	ASSERT_EQ(0, mgm_stats_get(self->fd, &st));
	EXPECT_EQ(0u, st.cursors);
}

TEST_F(enumr, interleaved_cursors_on_one_file)
{
	struct mgm_source_group rec;
	struct mgm_enum_next out;
	uint32_t c[20];
	size_t pos[20] = {};
	int i, live = 20;

	ASSERT_EQ(0, fill(self->fd, self->proto, self->ifindex, 300, &self->keys));
	for (i = 0; i < 20; i++)
		ASSERT_EQ(0, mgm_enum_start_type(self->fd, MGM_ENUM_ALL_SOURCES, &c[i]));
	while (live) {
		for (i = 0; i < 20; i++) {
			if (pos[i] == SIZE_MAX)
				continue;	/* that cursor has ended */
			ASSERT_EQ(0, mgm_enum_next_buf(self->fd, c[i], &rec, sizeof(rec), &out));
			if (out.count) {
				ASSERT_EQ(self->keys[pos[i]], rec_key(&rec));
				pos[i]++;
			}
			if (out.status & MGM_ENUM_STATUS_END) {
				EXPECT_EQ(300u, pos[i]);
				pos[i] = SIZE_MAX;
				live--;
			}
		}
	}
	for (i = 0; i < 20; i++)
		EXPECT_EQ(0, mgm_enum_end_id(self->fd, c[i]));
}

struct shared_walk {
	int fd;
	uint32_t cursor;
	uint64_t *seen;
	size_t n;
	int err;
};

static void *walk_thread(void *arg)
{
	struct shared_walk *w = arg;
	struct mgm_source_group buf[3];
	struct mgm_enum_next out;
	uint64_t last = 0;
	unsigned int i;
	int ret;

	w->seen = malloc(5000 * sizeof(uint64_t));
	for (;;) {
		ret = mgm_enum_next_buf(w->fd, w->cursor, buf, sizeof(buf), &out);
		if (ret) {
			w->err = ret;
			break;
		}
		for (i = 0; i < out.count; i++) {
			/* Each caller's records ascend too. */
			if (w->n && rec_key(&buf[i]) <= last)
				w->err = -EILSEQ;
			last = rec_key(&buf[i]);
			w->seen[w->n++] = last;
		}
		if (out.status & MGM_ENUM_STATUS_END)
			break;
	}
	return NULL;
}

TEST_F(enumr, one_cursor_two_threads)
{
	struct shared_walk w[2] = {};
	pthread_t t[2];
	uint64_t *all;
	size_t i;
	uint32_t c;

	ASSERT_EQ(0, fill(self->fd, self->proto, self->ifindex, 4096, &self->keys));
	ASSERT_EQ(0, mgm_enum_start_type(self->fd, MGM_ENUM_ALL_SOURCES, &c));
	for (i = 0; i < 2; i++) {
		w[i].fd = self->fd;
		w[i].cursor = c;
		ASSERT_EQ(0, pthread_create(&t[i], NULL, walk_thread, &w[i]));
	}
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, pthread_join(t[i], NULL));
		EXPECT_EQ(0, w[i].err);
	}
	/* Together they saw every record exactly once. */
	ASSERT_EQ(4096u, w[0].n + w[1].n);
	all = malloc(4096 * sizeof(*all));
	memcpy(all, w[0].seen, w[0].n * sizeof(*all));
	memcpy(all + w[0].n, w[1].seen, w[1].n * sizeof(*all));
	qsort(all, 4096, sizeof(*all), cmp_u64);
	for (i = 0; i < 4096; i++) {
		ASSERT_EQ(self->keys[i], all[i]);
	}
	free(all);
	free(w[0].seen);
	free(w[1].seen);
}

TEST_F(enumr, generation_flags_changes_mid_walk)
{
	struct mgm_source_group buf[4];
	struct mgm_enum_next out;
	struct mgm_enum_start s = { .type = MGM_ENUM_ALL_SOURCES };
	struct mgm_stats st;

	ASSERT_EQ(0, fill(self->fd, self->proto, self->ifindex, 12, &self->keys));
	ASSERT_EQ(0, mgm_stats_get(self->fd, &st));
	ASSERT_EQ(0, ioctl(self->fd, MGM_IOC_ENUM_START, &s));
	EXPECT_EQ(st.generation, s.generation);

	/* No change: the flag stays clear, generations agree. */
	ASSERT_EQ(0, mgm_enum_next_buf(self->fd, s.cursor, buf, sizeof(buf), &out));
	EXPECT_EQ(0u, out.status);
	EXPECT_EQ(s.generation, out.start_generation);
	EXPECT_EQ(s.generation, out.generation);
	/* A no-op add changes nothing either. */
	ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex,
			     htonl((uint32_t)self->keys[0]), htonl(self->keys[0] >> 32),
			     MGM_JOIN_STATE));
	ASSERT_EQ(0, mgm_enum_next_buf(self->fd, s.cursor, buf, sizeof(buf), &out));
	EXPECT_EQ(0u, out.status);
	/* A real change mid-walk flips it, and it stays flipped. */
	ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, ip4(10, 99, 0, 1),
			     ip4(239, 9, 9, 9), MGM_JOIN_STATE));
	ASSERT_EQ(0, mgm_enum_next_buf(self->fd, s.cursor, buf, sizeof(buf), &out));
	EXPECT_EQ((uint32_t)MGM_ENUM_STATUS_CHANGED, out.status & MGM_ENUM_STATUS_CHANGED);
	EXPECT_EQ(s.generation, out.start_generation);
	EXPECT_LT(s.generation, out.generation);
	ASSERT_EQ(0, mgm_enum_next_buf(self->fd, s.cursor, buf, sizeof(buf), &out));
	EXPECT_EQ((uint32_t)(MGM_ENUM_STATUS_CHANGED | MGM_ENUM_STATUS_END), out.status);
	/* It was added beyond the cursor: this walk returns it. */
	EXPECT_EQ(1u, out.count);
	EXPECT_EQ(ip4(239, 9, 9, 9), buf[0].group);
	EXPECT_EQ(0, mgm_enum_end_id(self->fd, s.cursor));
}

TEST_F(enumr, proc_count_equals_enumeration)
{
	struct mgm_source_group *r;
	char *text;
	long got;

	ASSERT_EQ(0, fill(self->fd, self->proto, self->ifindex, 2000, &self->keys));
	ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, ip4(10, 7, 7, 7),
			     ip4(239, 7, 7, 7), MGM_FORWARD_STATE));
	got = mgm_enum_all(self->fd, MGM_ENUM_ALL_SOURCES, 65536, &r);
	EXPECT_EQ(2000, got);
	free(r);
	text = read_file("/proc/net/mgm");
	ASSERT_TRUE(text != NULL);
	EXPECT_EQ(got, proc_entries(text));
	EXPECT_EQ(0, strncmp(text, "entries 2000 ", 13));
	free(text);
}

/*
 * 1,000,000 entries: complete, ascending, exact count. The debug tier
 * (testing/check-debug) sets MGM_ENUM_LARGE lower: under KASAN and TCG the
 * million takes most of its time budget, and scale is this tier's job.
 */
TEST_F_TIMEOUT(enumr, one_million_entries, 600)
{
	const uint32_t n = env_ulong("MGM_ENUM_LARGE", 1000000);
	const uint32_t per_group = 1000;
	struct mgm_membership *recs = calloc(MGM_BATCH_MAX, sizeof(*recs));
	struct mgm_source_group *buf = malloc(65536);
	struct mgm_enum_next out;
	uint64_t last = 0, count = 0;
	uint32_t i, k, c, applied;
	struct mgm_stats st;

	ASSERT_TRUE(recs != NULL && buf != NULL);
	for (i = 0; i < n; i += k) {
		for (k = 0; k < MGM_BATCH_MAX && i + k < n; k++)
			recs[k] = mgm_rec(self->proto, self->ifindex,
					  htonl(0x0a000001 + (i + k) % per_group),
					  htonl(0xe8000000 + (i + k) / per_group),
					  MGM_JOIN_STATE);
		ASSERT_EQ(0, mgm_batch_apply(self->fd, MGM_BATCH_ADD, recs, k,
					     &applied, NULL));
	}
	ASSERT_EQ(0, mgm_stats_get(self->fd, &st));
	ASSERT_EQ(n, st.entries);

	ASSERT_EQ(0, mgm_enum_start_type(self->fd, MGM_ENUM_ALL_SOURCES, &c));
	do {
		ASSERT_EQ(0, mgm_enum_next_buf(self->fd, c, buf, 65536, &out));
		for (i = 0; i < out.count; i++) {
			if (count) {
				ASSERT_LT(last, rec_key(&buf[i]));
			}
			last = rec_key(&buf[i]);
			count++;
		}
	} while (!(out.status & MGM_ENUM_STATUS_END));
	EXPECT_EQ(n, count);
	EXPECT_EQ((uint64_t)(0xe8000000 + (n - 1) / per_group) << 32 |
		  (0x0a000001 + (n - 1) % per_group), last);
	EXPECT_EQ(0, mgm_enum_end_id(self->fd, c));
	free(recs);
	free(buf);
}

TEST_HARNESS_MAIN
