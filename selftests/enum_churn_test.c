// SPDX-License-Identifier: GPL-2.0
/*
 * The live-cursor guarantee under churn (contract D7): while writer threads add
 * and delete random "churning" entries, enumerator threads walk the table
 * again and again with small, varying buffers. Entries of a "stable" set,
 * interleaved with the churning ones and never touched, must each be seen
 * exactly once per walk; no record may be seen twice; order must be strictly
 * ascending; nothing outside the two sets may appear. A run proves this
 * only if the table changed under the walks: at least a quarter of them must
 * end with MGM_ENUM_STATUS_CHANGED, with on average at least MIN_CHANGES
 * changes (of the table's generation) from a walk's start to its end; the
 * counts are printed.
 *
 * Sized by environment variables (defaults in brackets), so the debug tier
 * can run it bigger:
 *   MGM_CHURN_STABLE  stable entries [1000]
 *   MGM_CHURN_CHURN   churning keys, present or not at any time [1000]
 *   MGM_CHURN_ROUNDS  walks per enumerator [1500]
 *   MGM_CHURN_WRITERS writer threads [1]
 *   MGM_CHURN_READERS enumerator threads [2]
 *   MGM_CHURN_SEED    seed of the writers' and readers' choices [1]
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "helpers.h"

/*
 * Keys: group 232.0.(k / 256).0-ish spread over 64 groups; stable entries
 * have even sources, churning ones odd sources, so they interleave.
 */
#define GROUPS		64u
/* Changes of the table during a walk, on average, for a meaningful run. */
#define MIN_CHANGES	10

static uint64_t key_of(unsigned long i, int churn)
{
	uint32_t group = 0xe8000000u + (uint32_t)(i % GROUPS);
	uint32_t source = 0x0a000000u + (uint32_t)(i / GROUPS) * 2 + (churn ? 1 : 0) + 2;

	return (uint64_t)group << 32 | source;
}

struct churn {
	unsigned long stable, churn, rounds, seed;
	int ifindex;
	atomic_int stop;
	atomic_ulong writer_ops;
	atomic_ulong walks, stable_seen, churn_seen, calls;
	atomic_ulong changed_walks, changes_during;	/* under the walks */
	atomic_int failed;
	char why[256];
	pthread_mutex_t why_lock;
};

static void fail(struct churn *c, const char *fmt, uint64_t a, uint64_t b)
{
	pthread_mutex_lock(&c->why_lock);
	if (!c->failed)
		snprintf(c->why, sizeof(c->why), fmt, (unsigned long long)a,
			 (unsigned long long)b);
	c->failed = 1;
	pthread_mutex_unlock(&c->why_lock);
}

struct writer_arg {
	struct churn *c;
	int id;
};

static void *writer(void *p)
{
	struct writer_arg *w = p;
	struct churn *c = w->c;
	unsigned int seed = (unsigned int)(c->seed * 7919 + w->id);
	uint32_t h;
	int fd, ret;

	fd = mgm_open_dev();
	if (fd < 0 || mgm_register_proto(fd, 200, (uint32_t)w->id, &h) ||
	    mgm_take(fd, h, c->ifindex, htonl(0x0a0000fe - w->id))) {
		fail(c, "writer setup failed (%llu %llu)", (uint64_t)fd, 0);
		return NULL;
	}
	while (!c->stop) {
		uint64_t k = key_of((unsigned long)rand_r(&seed) % c->churn, 1);
		struct mgm_membership m = mgm_rec(h, c->ifindex, htonl((uint32_t)k),
						  htonl(k >> 32), MGM_JOIN_STATE);

		m.nexthop = htonl(0x0a0000fe - w->id);
		if (rand_r(&seed) % 2)
			ret = ioctl(fd, MGM_IOC_ADD_MEMBERSHIP, &m) ? -errno : 0;
		else
			ret = ioctl(fd, MGM_IOC_DELETE_MEMBERSHIP, &m) ? -errno : 0;
		if (ret && ret != -ENOENT) {
			fail(c, "writer: error %llu on key %llx", (uint64_t)-ret, k);
			break;
		}
		atomic_fetch_add(&c->writer_ops, 1);
	}
	close(fd);	/* its churning memberships go with the file */
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct reader_arg {
	struct churn *c;
	int id;
	const uint64_t *stable;	/* sorted */
};

/* Is @k a churning key? (odd source offset inside the key universe) */
static int is_churn_key(const struct churn *c, uint64_t k)
{
	uint32_t group = k >> 32, source = (uint32_t)k;
	unsigned long i;

	if (group < 0xe8000000u || group >= 0xe8000000u + GROUPS ||
	    source < 0x0a000002u || !((source - 0x0a000002u) & 1))
		return 0;
	i = (source - 0x0a000002u) / 2 * GROUPS + (group - 0xe8000000u);
	return i < c->churn;
}

static void *reader(void *p)
{
	struct reader_arg *r = p;
	struct churn *c = r->c;
	unsigned int seed = (unsigned int)(c->seed * 104729 + r->id);
	struct mgm_source_group buf[64];
	struct mgm_enum_next out;
	unsigned long round, i, next_stable, churned;
	uint64_t last, k;
	uint32_t cursor;
	int fd, first;

	fd = mgm_open_dev();
	if (fd < 0) {
		fail(c, "reader open failed %llu %llu", (uint64_t)-fd, 0);
		return NULL;
	}
	for (round = 0; round < c->rounds && !c->failed; round++) {
		if (mgm_enum_start_type(fd, MGM_ENUM_ALL_SOURCES, &cursor)) {
			fail(c, "start failed in round %llu%llu", round, 0);
			break;
		}
		next_stable = 0;
		churned = 0;
		first = 1;
		last = 0;
		do {
			uint32_t size = (uint32_t)(1 + rand_r(&seed) % 64) * MGM_REC;

			if (mgm_enum_next_buf(fd, cursor, buf, size, &out)) {
				fail(c, "get-next failed in round %llu (%llu)", round, 0);
				break;
			}
			atomic_fetch_add(&c->calls, 1);
			/*
			 * Between two calls is where a walk must cope with
			 * changes: let the writers in (two CPUs, more threads).
			 */
			sched_yield();
			for (i = 0; i < out.count; i++) {
				k = rec_key(&buf[i]);
				if (!first && k <= last) {
					fail(c, "not strictly ascending: %llx after %llx", k, last);
					break;
				}
				first = 0;
				last = k;
				if (next_stable < c->stable && k == r->stable[next_stable]) {
					next_stable++;
				} else if (next_stable < c->stable && k > r->stable[next_stable]) {
					fail(c, "stable entry %llx missed (saw %llx)",
					     r->stable[next_stable], k);
					break;
				} else if (is_churn_key(c, k)) {
					churned++;
				} else {
					fail(c, "unexpected record %llx (%llu)", k, 0);
					break;
				}
			}
		} while (!(out.status & MGM_ENUM_STATUS_END) && !c->failed);
		mgm_enum_end_id(fd, cursor);
		if (c->failed)
			break;
		if (next_stable != c->stable) {
			fail(c, "walk saw %llu of %llu stable entries", next_stable, c->stable);
			break;
		}
		atomic_fetch_add(&c->walks, 1);
		if (out.status & MGM_ENUM_STATUS_CHANGED)
			atomic_fetch_add(&c->changed_walks, 1);
		atomic_fetch_add(&c->changes_during, out.generation - out.start_generation);
		atomic_fetch_add(&c->stable_seen, next_stable);
		atomic_fetch_add(&c->churn_seen, churned);
	}
	close(fd);
	return NULL;
}

FIXTURE(churn) {
};

FIXTURE_SETUP(churn)
{
}

FIXTURE_TEARDOWN(churn)
{
}

/* Generous: the debug tier runs it far bigger on a far slower kernel. */
TEST_F_TIMEOUT(churn, stable_entries_exactly_once, 1800)
{
	unsigned long writers = env_ulong("MGM_CHURN_WRITERS", 1);
	unsigned long readers = env_ulong("MGM_CHURN_READERS", 2);
	struct churn c = {
		.stable = env_ulong("MGM_CHURN_STABLE", 1000),
		.churn = env_ulong("MGM_CHURN_CHURN", 1000),
		.rounds = env_ulong("MGM_CHURN_ROUNDS", 1500),
		.seed = env_ulong("MGM_CHURN_SEED", 1),
		.why_lock = PTHREAD_MUTEX_INITIALIZER,
	};
	struct mgm_membership *recs;
	struct writer_arg wa[16];
	struct reader_arg ra[16];
	pthread_t wt[16], rt[16];
	uint64_t *stable;
	uint32_t h, done;
	unsigned long i;
	int fd;

	ASSERT_TRUE(writers >= 1 && writers <= 16 && readers >= 1 && readers <= 16);
	c.ifindex = make_dummy("c0");
	ASSERT_LT(0, c.ifindex);
	fd = mgm_open_dev();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mgm_register_proto(fd, 100, 1, &h));
	ASSERT_EQ(0, mgm_take(fd, h, c.ifindex, 0));

	stable = calloc(c.stable, sizeof(*stable));
	recs = calloc(MGM_BATCH_MAX, sizeof(*recs));
	ASSERT_TRUE(stable && recs);
	for (i = 0; i < c.stable; i++)
		stable[i] = key_of(i, 0);
	for (i = 0; i < c.stable; i += done) {
		unsigned long j, n = c.stable - i < MGM_BATCH_MAX ? c.stable - i : MGM_BATCH_MAX;

		for (j = 0; j < n; j++)
			recs[j] = mgm_rec(h, c.ifindex, htonl((uint32_t)stable[i + j]),
					  htonl(stable[i + j] >> 32), MGM_JOIN_STATE);
		ASSERT_EQ(0, mgm_batch_apply(fd, MGM_BATCH_ADD, recs, (uint32_t)n, &done, NULL));
	}
	qsort(stable, c.stable, sizeof(*stable), cmp_u64);

	for (i = 0; i < writers; i++) {
		wa[i] = (struct writer_arg){ .c = &c, .id = (int)i };
		ASSERT_EQ(0, pthread_create(&wt[i], NULL, writer, &wa[i]));
	}
	for (i = 0; i < readers; i++) {
		ra[i] = (struct reader_arg){ .c = &c, .id = (int)i, .stable = stable };
		ASSERT_EQ(0, pthread_create(&rt[i], NULL, reader, &ra[i]));
	}
	for (i = 0; i < readers; i++)
		ASSERT_EQ(0, pthread_join(rt[i], NULL));
	c.stop = 1;
	for (i = 0; i < writers; i++)
		ASSERT_EQ(0, pthread_join(wt[i], NULL));

	EXPECT_EQ(0, c.failed) {
		TH_LOG("%s", c.why);
	}
	EXPECT_EQ(readers * c.rounds, (unsigned long)c.walks);
	EXPECT_EQ(readers * c.rounds * c.stable, (unsigned long)c.stable_seen);
	ksft_print_msg("churn: %lu walks, %lu stable records checked, %lu churning records seen, %lu get-next calls, %lu writer ops\n",
		       (unsigned long)c.walks, (unsigned long)c.stable_seen,
		       (unsigned long)c.churn_seen, (unsigned long)c.calls,
		       (unsigned long)c.writer_ops);
	ksft_print_msg("churn: the table changed during %lu of %lu walks, %lu changes during walks (%.1f a walk)\n",
		       (unsigned long)c.changed_walks, (unsigned long)c.walks,
		       (unsigned long)c.changes_during,
		       c.walks ? (double)c.changes_during / c.walks : 0.0);
	/* The writers really raced the walks. */
	EXPECT_LE((unsigned long)c.walks, 4 * (unsigned long)c.changed_walks);
	EXPECT_LE(MIN_CHANGES * (unsigned long)c.walks, (unsigned long)c.changes_during);
	free(stable);
	free(recs);
	close(fd);
	del_link("c0");
}

TEST_HARNESS_MAIN
