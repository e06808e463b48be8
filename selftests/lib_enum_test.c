// SPDX-License-Identifier: GPL-2.0
/*
 * libmgm: enumeration through MgmGroupEnumerationStart/GetNext/End and the
 * native mgm_enum_start()/mgm_enum_next(): contract part 1's interaction, D5 (types),
 * D6 (order), D8 (return codes and the end), D9 (handles), threads.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include "kselftest_harness.h"
#include "lib_test.h"

#define REC	sizeof(SOURCE_GROUP_ENTRY)

FIXTURE(en) {
	HANDLE proto;	/* a routing protocol owning le0 */
	int ifindex;
};

FIXTURE_SETUP(en)
{
	self->ifindex = make_dummy("le0");
	ASSERT_LT(0, self->ifindex);
	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 1, &self->proto));
	ASSERT_EQ(NO_ERROR, MgmTakeInterfaceOwnership(self->proto, self->ifindex, 0));
}

FIXTURE_TEARDOWN(en)
{
	del_link("le0");
}

/* @n entries: groups GRP(0..n/2), each as (*,G) and (S1,G). */
static int fill(HANDLE h, int ifindex, int n)
{
	struct mgm_member *recs = calloc(n, sizeof(*recs));
	size_t done;
	int k, err;

	if (!recs)
		return -ENOMEM;
	for (k = 0; k < n; k++)
		recs[k] = lt_member(ifindex, k % 2 ? S1 : 0, GRP(k / 2), JOIN);
	err = mgm_add_memberships(h, recs, n, &done);
	free(recs);
	return err;
}

TEST_F(en, start_arguments)
{
	HANDLE e = (HANDLE)0x77;

	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGroupEnumerationStart(self->proto, ALL_SOURCES, NULL));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGroupEnumerationStart(self->proto, (MGM_ENUM_TYPES)2, &e));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGroupEnumerationStart(self->proto, (MGM_ENUM_TYPES)-1, &e));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGroupEnumerationStart(NULL, ALL_SOURCES, &e));
	EXPECT_EQ((HANDLE)0x77, e);
	ASSERT_EQ(NO_ERROR, MgmGroupEnumerationStart(self->proto, ANY_SOURCE, &e));
	EXPECT_EQ(NO_ERROR, MgmGroupEnumerationEnd(e));
	ASSERT_EQ(NO_ERROR, MgmGroupEnumerationStart(self->proto, ALL_SOURCES, &e));
	/* An enumeration handle is not a protocol handle, nor the reverse. */
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmDeRegisterMProtocol(e));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGroupEnumerationStart(e, ALL_SOURCES, &e));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGroupEnumerationEnd(self->proto));
	EXPECT_EQ(NO_ERROR, MgmGroupEnumerationEnd(e));
}

TEST_F(en, empty_table)
{
	DWORD size = 64, n = 99;
	BYTE buf[64];
	HANDLE e;

	ASSERT_EQ(NO_ERROR, MgmGroupEnumerationStart(self->proto, ALL_SOURCES, &e));
	EXPECT_EQ(ERROR_NO_MORE_ITEMS, MgmGroupEnumerationGetNext(e, &size, buf, &n));
	EXPECT_EQ(0u, n);
	EXPECT_EQ(64u, size);
	n = 99;
	EXPECT_EQ(ERROR_NO_MORE_ITEMS, MgmGroupEnumerationGetNext(e, &size, buf, &n));
	EXPECT_EQ(0u, n);
	EXPECT_EQ(NO_ERROR, MgmGroupEnumerationEnd(e));
}

/* D8: the end comes with the last records; the next call needs no syscall. */
TEST_F(en, end_with_last_records_then_no_more_items_without_syscall)
{
	DWORD size = 4 * REC, n = 99, size2;
	SOURCE_GROUP_ENTRY buf[4];
	int fd, saved, null;
	HANDLE e, e2;

	ASSERT_EQ(0, fill(self->proto, self->ifindex, 3));
	ASSERT_EQ(NO_ERROR, MgmGroupEnumerationStart(self->proto, ALL_SOURCES, &e));
	EXPECT_EQ(NO_ERROR, MgmGroupEnumerationGetNext(e, &size, (PBYTE)buf, &n));
	EXPECT_EQ(3u, n);
	EXPECT_EQ(4 * REC, size);

	/* Put /dev/null where the library's file was: a syscall would fail. */
	fd = lt_mgm_fd();
	ASSERT_LE(0, fd);
	saved = dup(fd);
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, null);
	ASSERT_EQ(fd, dup2(null, fd));
	n = 99;
	EXPECT_EQ(ERROR_NO_MORE_ITEMS, MgmGroupEnumerationGetNext(e, &size, (PBYTE)buf, &n));
	EXPECT_EQ(0u, n);
	/* And it keeps saying so, whatever the buffer. */
	size2 = 1;
	EXPECT_EQ(ERROR_NO_MORE_ITEMS, MgmGroupEnumerationGetNext(e, &size2, (PBYTE)buf, &n));
	EXPECT_EQ(1u, size2);
	EXPECT_EQ(ERROR_NO_MORE_ITEMS, MgmGroupEnumerationGetNext(e, &size, (PBYTE)buf, &n));
	/* Proof that a real syscall fails on this descriptor now. */
	EXPECT_EQ(ERROR_CAN_NOT_COMPLETE, MgmGroupEnumerationStart(self->proto, ALL_SOURCES, &e2));
	ASSERT_EQ(fd, dup2(saved, fd));
	close(saved);
	close(null);
	EXPECT_EQ(NO_ERROR, MgmGroupEnumerationEnd(e));
}

TEST_F(en, insufficient_buffer)
{
	static const DWORD sizes[] = { 0, 1, 8, 15 };
	SOURCE_GROUP_ENTRY buf[2];
	DWORD size, n;
	unsigned int i;
	HANDLE e;

	ASSERT_EQ(0, fill(self->proto, self->ifindex, 2));
	ASSERT_EQ(NO_ERROR, MgmGroupEnumerationStart(self->proto, ALL_SOURCES, &e));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size = sizes[i];
		n = 99;
		EXPECT_EQ(ERROR_INSUFFICIENT_BUFFER, MgmGroupEnumerationGetNext(e, &size, (PBYTE)buf, &n));
		EXPECT_EQ(16u, size);
		EXPECT_EQ(0u, n);
	}
	/* The cursor did not move: the first record comes next. */
	size = 16;
	ASSERT_EQ(NO_ERROR, MgmGroupEnumerationGetNext(e, &size, (PBYTE)buf, &n));
	EXPECT_EQ(1u, n);
	EXPECT_EQ(GRP(0), buf[0].dwGroupAddr);
	EXPECT_EQ(0u, buf[0].dwSourceAddr);
	size = 17;
	ASSERT_EQ(NO_ERROR, MgmGroupEnumerationGetNext(e, &size, (PBYTE)buf, &n));
	EXPECT_EQ(1u, n);
	EXPECT_EQ(17u, size);
	EXPECT_EQ(S1, buf[0].dwSourceAddr);
	EXPECT_EQ(ERROR_NO_MORE_ITEMS, MgmGroupEnumerationGetNext(e, &size, (PBYTE)buf, &n));
	EXPECT_EQ(NO_ERROR, MgmGroupEnumerationEnd(e));
}

TEST_F(en, null_arguments)
{
	DWORD size = 64, n = 99;
	BYTE buf[64];
	HANDLE e;

	ASSERT_EQ(0, fill(self->proto, self->ifindex, 1));
	ASSERT_EQ(NO_ERROR, MgmGroupEnumerationStart(self->proto, ALL_SOURCES, &e));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGroupEnumerationGetNext(e, NULL, buf, &n));
	EXPECT_EQ(0u, n);
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGroupEnumerationGetNext(e, &size, NULL, &n));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGroupEnumerationGetNext(e, &size, buf, NULL));
	/* None of them moved the cursor. */
	EXPECT_EQ(NO_ERROR, MgmGroupEnumerationGetNext(e, &size, buf, &n));
	EXPECT_EQ(1u, n);
	EXPECT_EQ(NO_ERROR, MgmGroupEnumerationEnd(e));
}

TEST_F(en, bad_buffer_pointer_is_can_not_complete_and_loses_nothing)
{
	SOURCE_GROUP_ENTRY buf[4];
	DWORD size = 4 * REC, n = 99;
	HANDLE e;

	ASSERT_EQ(0, fill(self->proto, self->ifindex, 3));
	ASSERT_EQ(NO_ERROR, MgmGroupEnumerationStart(self->proto, ALL_SOURCES, &e));
	EXPECT_EQ(ERROR_CAN_NOT_COMPLETE, MgmGroupEnumerationGetNext(e, &size, (PBYTE)8, &n));
	EXPECT_EQ(0u, n);
	EXPECT_EQ(4 * REC, size);
	EXPECT_EQ(NO_ERROR, MgmGroupEnumerationGetNext(e, &size, (PBYTE)buf, &n));
	EXPECT_EQ(3u, n);
	EXPECT_EQ(NO_ERROR, MgmGroupEnumerationEnd(e));
}

TEST_F(en, end_rules)
{
	DWORD size = 64, n;
	BYTE buf[64];
	HANDLE e, e2;

	ASSERT_EQ(NO_ERROR, MgmGroupEnumerationStart(self->proto, ALL_SOURCES, &e));
	EXPECT_EQ(NO_ERROR, MgmGroupEnumerationEnd(e));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGroupEnumerationEnd(e));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGroupEnumerationGetNext(e, &size, buf, &n));
	/* A new enumeration does not revive the old handle. */
	ASSERT_EQ(NO_ERROR, MgmGroupEnumerationStart(self->proto, ALL_SOURCES, &e2));
	EXPECT_NE(e, e2);
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGroupEnumerationGetNext(e, &size, buf, &n));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGroupEnumerationEnd(e));
	EXPECT_EQ(NO_ERROR, MgmGroupEnumerationEnd(e2));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGroupEnumerationEnd(NULL));
}

TEST_F(en, outlives_the_protocol)
{
	DWORD size = 64, n;
	BYTE buf[64];
	HANDLE e;

	ASSERT_EQ(0, fill(self->proto, self->ifindex, 2));
	ASSERT_EQ(NO_ERROR, MgmGroupEnumerationStart(self->proto, ALL_SOURCES, &e));
	ASSERT_EQ(NO_ERROR, MgmReleaseInterfaceOwnership(self->proto, self->ifindex, 0));
	ASSERT_EQ(NO_ERROR, MgmDeRegisterMProtocol(self->proto));
	/* The protocol is only checked at the start (D5). */
	EXPECT_EQ(ERROR_NO_MORE_ITEMS, MgmGroupEnumerationGetNext(e, &size, buf, &n));
	EXPECT_EQ(NO_ERROR, MgmGroupEnumerationEnd(e));
}

TEST_F(en, cursor_limit_is_not_enough_memory)
{
	struct mgm_stats st;
	HANDLE *e, extra;
	DWORD i;

	ASSERT_EQ(0, mgm_get_stats(&st, sizeof(st)));
	e = calloc(st.max_cursors, sizeof(*e));
	ASSERT_NE(NULL, e);
	for (i = 0; i < st.max_cursors; i++)
		ASSERT_EQ(NO_ERROR, MgmGroupEnumerationStart(self->proto, ALL_SOURCES, &e[i]));
	EXPECT_EQ(ERROR_NOT_ENOUGH_MEMORY, MgmGroupEnumerationStart(self->proto, ALL_SOURCES, &extra));
	EXPECT_EQ(-ENOSPC, mgm_enum_start(ALL_SOURCES, &extra, NULL));
	EXPECT_EQ(NO_ERROR, MgmGroupEnumerationEnd(e[0]));
	EXPECT_EQ(NO_ERROR, MgmGroupEnumerationStart(self->proto, ALL_SOURCES, &e[0]));
	for (i = 0; i < st.max_cursors; i++)
		EXPECT_EQ(NO_ERROR, MgmGroupEnumerationEnd(e[i]));
	free(e);
}

/* Every buffer size and type: exact records, order, number of calls. */
FIXTURE(sizes) {
	HANDLE proto;
	int ifindex;
};

FIXTURE_VARIANT(sizes) {
	DWORD bufsize;
	MGM_ENUM_TYPES type;
};
FIXTURE_VARIANT_ADD(sizes, all_16) { .bufsize = 16, .type = ALL_SOURCES };
FIXTURE_VARIANT_ADD(sizes, all_31) { .bufsize = 31, .type = ALL_SOURCES };
FIXTURE_VARIANT_ADD(sizes, all_48) { .bufsize = 48, .type = ALL_SOURCES };
FIXTURE_VARIANT_ADD(sizes, all_4096) { .bufsize = 4096, .type = ALL_SOURCES };
FIXTURE_VARIANT_ADD(sizes, all_64k) { .bufsize = 65536, .type = ALL_SOURCES };
FIXTURE_VARIANT_ADD(sizes, any_16) { .bufsize = 16, .type = ANY_SOURCE };
FIXTURE_VARIANT_ADD(sizes, any_100) { .bufsize = 100, .type = ANY_SOURCE };

FIXTURE_SETUP(sizes)
{
	self->ifindex = make_dummy("le0");
	ASSERT_LT(0, self->ifindex);
	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 1, &self->proto));
	ASSERT_EQ(NO_ERROR, MgmTakeInterfaceOwnership(self->proto, self->ifindex, 0));
}

FIXTURE_TEARDOWN(sizes)
{
	del_link("le0");
}

TEST_F(sizes, sizes_and_types)
{
	enum { N = 600 };	/* 300 groups, each (*,G) and (S1,G) */
	DWORD per_call = variant->bufsize / REC, size, n, calls = 0, want_n;
	SOURCE_GROUP_ENTRY *buf = malloc(variant->bufsize), want;
	long got = 0, expect = variant->type == ALL_SOURCES ? N : N / 2;
	DWORD rc;
	HANDLE e;

	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, fill(self->proto, self->ifindex, N));
	ASSERT_EQ(NO_ERROR, MgmGroupEnumerationStart(self->proto, variant->type, &e));
	for (;;) {
		size = variant->bufsize;
		rc = MgmGroupEnumerationGetNext(e, &size, (PBYTE)buf, &n);
		if (rc == ERROR_NO_MORE_ITEMS)
			break;
		ASSERT_EQ(NO_ERROR, rc);
		ASSERT_EQ(variant->bufsize, size);
		calls++;
		want_n = expect - got < per_call ? expect - got : per_call;
		ASSERT_EQ(want_n, n);
		for (DWORD i = 0; i < n; i++, got++) {
			if (variant->type == ALL_SOURCES)
				want = lt_entry(got % 2 ? S1 : 0, GRP(got / 2));
			else
				want = lt_entry(0, GRP(got));
			ASSERT_EQ(0, memcmp(&want, &buf[i], REC)) TH_LOG("record %ld", got);
		}
	}
	EXPECT_EQ(expect, got);
	EXPECT_EQ((expect + per_call - 1) / per_call, (long)calls);
	EXPECT_EQ(0u, n);
	EXPECT_EQ(ERROR_NO_MORE_ITEMS, MgmGroupEnumerationGetNext(e, &size, (PBYTE)buf, &n));
	EXPECT_EQ(NO_ERROR, MgmGroupEnumerationEnd(e));
	free(buf);
}

TEST_F(en, native_enumeration_reports_generation)
{
	SOURCE_GROUP_ENTRY buf[2];
	struct mgm_enum_status st;
	uint64_t gen;
	HANDLE e;

	ASSERT_EQ(0, fill(self->proto, self->ifindex, 4));
	EXPECT_EQ(-EINVAL, mgm_enum_start(ALL_SOURCES, NULL, NULL));
	EXPECT_EQ(-EINVAL, mgm_enum_start((MGM_ENUM_TYPES)5, &e, NULL));
	ASSERT_EQ(0, mgm_enum_start(ALL_SOURCES, &e, &gen));
	EXPECT_EQ(-EINVAL, mgm_enum_next(e, buf, sizeof(buf), NULL));
	EXPECT_EQ(-ERANGE, mgm_enum_next(e, buf, 15, &st));
	EXPECT_EQ(16u, st.needed);
	EXPECT_EQ(0u, st.count);
	ASSERT_EQ(0, mgm_enum_next(e, buf, sizeof(buf), &st));
	EXPECT_EQ(2u, st.count);
	EXPECT_EQ(0u, st.status);
	EXPECT_EQ(gen, st.start_generation);
	EXPECT_EQ(gen, st.generation);
	/* The table changes under the cursor. */
	ASSERT_EQ(NO_ERROR, lt_add(self->proto, self->ifindex, 0, G3, JOIN));
	ASSERT_EQ(0, mgm_enum_next(e, buf, sizeof(buf), &st));
	EXPECT_EQ(2u, st.count);
	EXPECT_EQ((uint32_t)MGM_ENUM_STATUS_CHANGED, st.status & MGM_ENUM_STATUS_CHANGED);
	EXPECT_EQ(gen, st.start_generation);
	EXPECT_LT(gen, st.generation);
	ASSERT_EQ(0, mgm_enum_next(e, buf, sizeof(buf), &st));
	EXPECT_EQ(1u, st.count);	/* G3 sorts after 232.1.0.x */
	EXPECT_EQ(G3, buf[0].dwGroupAddr);
	EXPECT_EQ((uint32_t)MGM_ENUM_STATUS_END, st.status & MGM_ENUM_STATUS_END);
	ASSERT_EQ(0, mgm_enum_next(e, buf, sizeof(buf), &st));
	EXPECT_EQ(0u, st.count);
	EXPECT_EQ((uint32_t)MGM_ENUM_STATUS_END, st.status & MGM_ENUM_STATUS_END);
	EXPECT_EQ(-EINVAL, mgm_enum_next(self->proto, buf, sizeof(buf), &st));
	EXPECT_EQ(NO_ERROR, MgmGroupEnumerationEnd(e));
	EXPECT_EQ(-EINVAL, mgm_enum_next(e, buf, sizeof(buf), &st));
}

TEST_F(en, native_end_then_windows_call)
{
	SOURCE_GROUP_ENTRY buf[4];
	struct mgm_enum_status st;
	DWORD size = sizeof(buf), n;
	HANDLE e;

	ASSERT_EQ(0, fill(self->proto, self->ifindex, 2));
	ASSERT_EQ(0, mgm_enum_start(ANY_SOURCE, &e, NULL));
	ASSERT_EQ(0, mgm_enum_next(e, buf, sizeof(buf), &st));
	EXPECT_EQ(1u, st.count);
	EXPECT_EQ((uint32_t)MGM_ENUM_STATUS_END, st.status & MGM_ENUM_STATUS_END);
	EXPECT_EQ(ERROR_NO_MORE_ITEMS, MgmGroupEnumerationGetNext(e, &size, (PBYTE)buf, &n));
	EXPECT_EQ(NO_ERROR, MgmGroupEnumerationEnd(e));
}

/* --- threads ---------------------------------------------------------------- */
/* The 200 entries fill() makes, which stay while the walkers run. */
#define STABLE	200

static uint64_t stable_key(int k)
{
	return (uint64_t)ntohl(GRP(k / 2)) << 32 | (k % 2 ? ntohl(S1) : 0);
}

struct walker {
	HANDLE proto;
	int rounds;	/* at least, and until the writer is done */
	atomic_bool *writing;
	int errors;	/* failed calls, records out of order */
	int missing;	/* stable entries a walk did not return */
	int strangers;	/* records neither stable nor the writer's */
	long churned;	/* the writer's records seen */
};

static void *walk_thread(void *arg)
{
	struct walker *w = arg;
	SOURCE_GROUP_ENTRY *recs;
	long n, i;
	int r, j;

	for (r = 0; r < w->rounds || atomic_load(w->writing); r++) {
		n = lt_enum_all(w->proto, ALL_SOURCES, 5 * REC, &recs);
		if (n < 0) {
			w->errors++;
			continue;
		}
		for (i = 1; i < n; i++)
			if (lt_key(&recs[i - 1]) >= lt_key(&recs[i]))
				w->errors++;
		/* Ascending, so the stable keys come in their order. */
		for (i = 0, j = 0; i < n; i++) {
			if (j < STABLE && lt_key(&recs[i]) == stable_key(j))
				j++;
			else if (recs[i].dwSourceAddr == S2)
				w->churned++;
			else
				w->strangers++;
		}
		w->missing += STABLE - j;
		free(recs);
	}
	return NULL;
}

/*
 * Walks while another thread adds and deletes other entries: each walk is
 * in order and returns every one of the 200 entries that stay, exactly once
 * (contract D7), and nothing else but the writer's.
 */
TEST_F(en, threads_enumerate_while_another_writes)
{
	atomic_bool writing = true;
	struct walker w[4];
	pthread_t t[4];
	int i, k;

	ASSERT_EQ(0, fill(self->proto, self->ifindex, STABLE));
	for (i = 0; i < 4; i++) {
		w[i] = (struct walker){ .proto = self->proto, .rounds = 20,
					.writing = &writing };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, walk_thread, &w[i]));
	}
	for (k = 0; k < 300; k++) {
		ASSERT_EQ(NO_ERROR, lt_add(self->proto, self->ifindex, S2, GRP(k), JOIN));
		ASSERT_EQ(NO_ERROR, lt_del(self->proto, self->ifindex, S2, GRP(k), JOIN));
	}
	atomic_store(&writing, false);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, pthread_join(t[i], NULL));
		EXPECT_EQ(0, w[i].errors);
		EXPECT_EQ(0, w[i].missing);
		EXPECT_EQ(0, w[i].strangers);
	}
	ksft_print_msg("writer's records seen by the walkers: %ld %ld %ld %ld\n",
		       w[0].churned, w[1].churned, w[2].churned, w[3].churned);
}

struct ender {
	HANDLE e;
	DWORD rc;
};

static void *end_thread(void *arg)
{
	struct ender *x = arg;

	x->rc = MgmGroupEnumerationEnd(x->e);
	return NULL;
}

TEST_F(en, concurrent_end_succeeds_once)
{
	struct ender x[8];
	pthread_t t[8];
	int round, i, ok;
	HANDLE e;

	for (round = 0; round < 50; round++) {
		ASSERT_EQ(NO_ERROR, MgmGroupEnumerationStart(self->proto, ALL_SOURCES, &e));
		for (i = 0; i < 8; i++) {
			x[i] = (struct ender){ .e = e };
			ASSERT_EQ(0, pthread_create(&t[i], NULL, end_thread, &x[i]));
		}
		ok = 0;
		for (i = 0; i < 8; i++) {
			ASSERT_EQ(0, pthread_join(t[i], NULL));
			if (x[i].rc == NO_ERROR)
				ok++;
			else
				EXPECT_EQ(ERROR_INVALID_PARAMETER, x[i].rc);
		}
		EXPECT_EQ(1, ok);
	}
}

TEST_HARNESS_MAIN
