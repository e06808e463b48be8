// SPDX-License-Identifier: GPL-2.0
/*
 * The live-cursor guarantee while the index merges chunks (contract D7).
 *
 * Stable keys (one in six, never touched) sit among churning keys that a
 * writer thread adds in full, in ascending order, and then deletes again,
 * phase after phase. Deleting them thins chunks down to their stable keys,
 * and the index merges a thinned chunk into its left neighbour, or lets the
 * next chunk take over the range of an emptied first chunk (the lowest keys
 * are churning ones only, so the first chunks do empty). Meanwhile a reader
 * thread walks the table again and again with buffers of 480 B, 4 KiB and
 * 64 KiB. Every walk must return every stable key exactly once, in strictly
 * ascending order, and nothing outside the key universe.
 *
 * A walk that moved from one chunk to the next by the maple tree's "next
 * slot" instead of by key skipped what a merge absorbed after about 600
 * walks here, 120 of them raced by the writer. This test walks until that
 * many raced walks have been seen MGM_MERGE_RACED / 120 times over.
 *
 * Sized by environment variables (defaults in brackets):
 *   MGM_MERGE_STABLE  stable keys [1000]
 *   MGM_MERGE_RACED   walks during which the table changed [1000]; at most
 *                     40 times as many walks are made in all
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

#define GROUP		0xe8050000u	/* 232.5.0.0 + key / 4096 */
#define SOURCE		0x0a000001u	/* 10.0.0.1 + key % 4096 */
#define PREFIX		100u		/* churning-only keys at the bottom */

/* The i-th key of the universe, in ascending order. */
static uint64_t key_at(unsigned long i)
{
	return (uint64_t)(GROUP + (uint32_t)(i / 4096)) << 32 |
	       (SOURCE + (uint32_t)(i % 4096));
}

static int is_stable(unsigned long i)
{
	return i >= PREFIX && (i - PREFIX) % 6 == 0;
}

struct merge {
	unsigned long stable, total, raced, walks;
	int fd, ifindex;
	uint32_t handle;
	atomic_int stop, failed;
	atomic_ulong phases, walks_done, walks_changed, calls;
	char why[256];
	pthread_mutex_t why_lock;
};

static void fail(struct merge *m, const char *fmt, unsigned long long a,
		 unsigned long long b)
{
	pthread_mutex_lock(&m->why_lock);
	if (!m->failed)
		snprintf(m->why, sizeof(m->why), fmt, a, b);
	m->failed = 1;
	pthread_mutex_unlock(&m->why_lock);
}

static struct mgm_membership rec_of(const struct merge *m, unsigned long i)
{
	uint64_t k = key_at(i);

	return mgm_rec(m->handle, m->ifindex, htonl((uint32_t)k),
		       htonl((uint32_t)(k >> 32)), MGM_JOIN_STATE);
}

/* Fill the churning keys in ascending order, then delete them, forever. */
static void *writer(void *p)
{
	struct merge *m = p;
	struct mgm_membership *recs;
	unsigned long i, n = 0;
	uint32_t done;
	int ret;

	recs = calloc(m->total, sizeof(*recs));
	if (!recs) {
		fail(m, "writer: no memory (%llu %llu)", 0, 0);
		return NULL;
	}
	for (i = 0; i < m->total; i++)
		if (!is_stable(i))
			recs[n++] = rec_of(m, i);
	while (!m->stop && !m->failed) {
		ret = mgm_batch_apply(m->fd, MGM_BATCH_ADD, recs, (uint32_t)n,
				      &done, NULL);
		if (!ret)
			ret = mgm_batch_apply(m->fd, MGM_BATCH_DELETE, recs,
					      (uint32_t)n, &done, NULL);
		if (ret) {
			fail(m, "writer: batch failed with %llu after %llu records",
			     (unsigned long long)-ret, done);
			break;
		}
		atomic_fetch_add(&m->phases, 1);
	}
	free(recs);
	return NULL;
}

static void *reader(void *p)
{
	static const uint32_t sizes[] = { 480, 4096, 65536 };
	struct merge *m = p;
	struct mgm_enum_next out;
	unsigned long walk, i, next;
	uint64_t k, last;
	uint32_t cursor, size;
	char *buf = malloc(65536);
	int first, fd = mgm_open_dev();

	if (fd < 0 || !buf) {
		fail(m, "reader setup failed (%llu %llu)", (unsigned long long)-fd, 0);
		free(buf);
		return NULL;
	}
	for (walk = 0; walk < m->walks && m->walks_changed < m->raced &&
	     !m->failed; walk++) {
		size = sizes[walk % 3];
		if (mgm_enum_start_type(fd, MGM_ENUM_ALL_SOURCES, &cursor)) {
			fail(m, "enum start failed in walk %llu (%llu)", walk, 0);
			break;
		}
		next = PREFIX;		/* index of the next stable key due */
		first = 1;
		last = 0;
		do {
			if (mgm_enum_next_buf(fd, cursor, buf, size, &out)) {
				fail(m, "get-next failed in walk %llu (%llu)", walk, 0);
				break;
			}
			atomic_fetch_add(&m->calls, 1);
			for (i = 0; i < out.count; i++) {
				k = rec_key((struct mgm_source_group *)buf + i);
				if (!first && k <= last) {
					fail(m, "not strictly ascending: %llx after %llx",
					     k, last);
					break;
				}
				first = 0;
				last = k;
				if (k < key_at(0) || k > key_at(m->total - 1) ||
				    (uint32_t)k - SOURCE >= 4096) {
					fail(m, "record %llx outside the keys (walk %llu)",
					     k, walk);
					break;
				}
				if (next < m->total && key_at(next) < k) {
					fail(m, "stable key %llx missed (next seen %llx)",
					     key_at(next), k);
					break;
				}
				if (k == key_at(next))
					next += 6;
			}
		} while (!(out.status & MGM_ENUM_STATUS_END) && !m->failed);
		mgm_enum_end_id(fd, cursor);
		if (m->failed)
			break;
		if (next < m->total) {
			fail(m, "walk ended before stable key %llx (walk %llu)",
			     key_at(next), walk);
			break;
		}
		atomic_fetch_add(&m->walks_done, 1);
		/* The table changed while this walk ran. */
		if (out.status & MGM_ENUM_STATUS_CHANGED)
			atomic_fetch_add(&m->walks_changed, 1);
	}
	free(buf);
	close(fd);
	return NULL;
}

FIXTURE(merge) {
	int fd;
	int ifindex;
};

FIXTURE_SETUP(merge)
{
	self->ifindex = make_dummy("mg0");
	ASSERT_LT(0, self->ifindex);
	self->fd = mgm_open_dev();
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(merge)
{
	close(self->fd);
	del_link("mg0");
}

TEST_F_TIMEOUT(merge, stable_keys_exactly_once_while_chunks_merge, 900)
{
	struct merge m = {
		.stable = env_ulong("MGM_MERGE_STABLE", 1000),
		.raced = env_ulong("MGM_MERGE_RACED", 1000),
		.fd = self->fd,
		.ifindex = self->ifindex,
		.why_lock = PTHREAD_MUTEX_INITIALIZER,
	};
	struct mgm_membership *recs;
	pthread_t wt, rt;
	unsigned long i, n = 0;
	uint32_t done;

	ASSERT_LT(0ul, m.stable);
	m.total = PREFIX + m.stable * 6;
	m.walks = m.raced * 40;
	ASSERT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_PIM, 1, &m.handle));
	ASSERT_EQ(0, mgm_take(self->fd, m.handle, self->ifindex, 0));
	recs = calloc(m.stable, sizeof(*recs));
	ASSERT_NE(NULL, recs);
	for (i = 0; i < m.total; i++)
		if (is_stable(i))
			recs[n++] = rec_of(&m, i);
	ASSERT_EQ(m.stable, n);
	ASSERT_EQ(0, mgm_batch_apply(self->fd, MGM_BATCH_ADD, recs, (uint32_t)n,
				     &done, NULL));
	free(recs);

	ASSERT_EQ(0, pthread_create(&wt, NULL, writer, &m));
	ASSERT_EQ(0, pthread_create(&rt, NULL, reader, &m));
	ASSERT_EQ(0, pthread_join(rt, NULL));
	m.stop = 1;
	ASSERT_EQ(0, pthread_join(wt, NULL));

	EXPECT_EQ(0, m.failed) {
		TH_LOG("%s", m.why);
	}
	/* Enough walks raced the writer for the test to mean something. */
	EXPECT_EQ(m.raced, (unsigned long)m.walks_changed);
	EXPECT_LE(2ul, (unsigned long)m.phases);
	ksft_print_msg("merge: %lu walks (%lu while the writer changed the table), %lu fill-and-thin phases, %lu get-next calls, %lu stable keys\n",
		       (unsigned long)m.walks_done,
		       (unsigned long)m.walks_changed,
		       (unsigned long)m.phases, (unsigned long)m.calls,
		       m.stable);
}

TEST_HARNESS_MAIN
