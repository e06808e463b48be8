/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the reliability selftests (fault_test, fuzz_test,
 * lifecycle_test, infoleak_test): a complete view of a namespace's table
 * through every interface that shows it, checked for consistency, and the
 * switches of the debug kernel (fault injection). Header-only, on top of
 * helpers.h; debug.mk makes the tests that include it depend on it.
 *
 * A table view is consistent when
 *  - ALL_SOURCES enumeration is strictly ascending (no duplicate),
 *  - ANY_SOURCE enumeration is exactly its distinct groups, as {0,0,G,mask},
 *  - /proc/net/mgm lists, in ascending order, one line per membership, and
 *    its entries with join state are exactly the ALL_SOURCES records,
 *  - the counters (MGM_IOC_STATS and the /proc summary line) agree with
 *    the above.
 */
#ifndef MGM_RELIABILITY_H
#define MGM_RELIABILITY_H

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "helpers.h"

#define FAIL_NTH	"/proc/thread-self/fail-nth"
#define FAILSLAB	"/sys/kernel/debug/failslab"
#define KMEMLEAK	"/sys/kernel/debug/kmemleak"

/* --- the view ------------------------------------------------------------ */

struct table_view {
	struct mgm_stats stats;
	uint64_t *all;		/* ALL_SOURCES records, as keys */
	long n_all;
	uint64_t *any;		/* ANY_SOURCE records, as keys */
	long n_any;
	char *proc;		/* /proc/net/mgm without its generation */
	uint64_t *proc_join;	/* keys of /proc entries with join state */
	long n_proc_join;
	long proc_lines;	/* memberships listed */
	unsigned long proc_entries, proc_memberships;	/* summary line */
	unsigned int proc_protocols, proc_interfaces;
};

static inline void table_view_free(struct table_view *v)
{
	free(v->all);
	free(v->any);
	free(v->proc);
	free(v->proc_join);
	memset(v, 0, sizeof(*v));
}

static inline long view_keys(int fd, uint32_t type, uint64_t **keys)
{
	struct mgm_source_group *recs = NULL;
	long n, i;

	n = mgm_enum_all(fd, type, 4096, &recs);
	if (n < 0)
		return n;
	*keys = malloc((n ? n : 1) * sizeof(**keys));
	if (!*keys) {
		free(recs);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		(*keys)[i] = rec_key(&recs[i]);
	free(recs);
	return n;
}

static inline int view_addr(const char *s, uint32_t *addr)
{
	struct in_addr a;

	if (!strcmp(s, "*")) {
		*addr = 0;
		return 0;
	}
	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*addr = ntohl(a.s_addr);
	return 0;
}

/* Parse /proc/net/mgm; the generation is cut out so views compare. */
static inline int view_proc(struct table_view *v)
{
	char group[32], source[32], flags[32], *line, *next, *gen;
	uint32_t g, s;
	uint64_t key;
	long lineno = 0, cap = 64;

	v->proc = read_file("/proc/net/mgm");
	if (!v->proc)
		return errno ? -errno : -EIO;
	if (sscanf(v->proc, "entries %lu memberships %lu protocols %u interfaces %u",
		   &v->proc_entries, &v->proc_memberships, &v->proc_protocols,
		   &v->proc_interfaces) != 4)
		return -EBADMSG;
	gen = strstr(v->proc, " generation ");
	if (gen) {
		char *eol = strchr(gen, '\n');

		if (eol)
			memmove(gen, eol, strlen(eol) + 1);
	}
	v->proc_join = malloc(cap * sizeof(*v->proc_join));
	if (!v->proc_join)
		return -ENOMEM;
	for (line = v->proc; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			next++;
		if (lineno++ < 2)
			continue;
		if (sscanf(line, "%31s %31s %*u %*u %*u %*s %*s %31s", group,
			   source, flags) != 3 ||
		    view_addr(group, &g) || view_addr(source, &s))
			return -EBADMSG;
		v->proc_lines++;
		if (!strstr(flags, "join"))
			continue;
		key = (uint64_t)g << 32 | s;
		if (v->n_proc_join && v->proc_join[v->n_proc_join - 1] == key)
			continue;	/* another membership of the entry */
		if (v->n_proc_join == cap) {
			cap *= 2;
			v->proc_join = realloc(v->proc_join,
					       cap * sizeof(*v->proc_join));
			if (!v->proc_join)
				return -ENOMEM;
		}
		v->proc_join[v->n_proc_join++] = key;
	}
	return 0;
}

/* Everything the table shows, through @fd and /proc/net/mgm. */
static inline int table_view_get(int fd, struct table_view *v)
{
	int ret;

	memset(v, 0, sizeof(*v));
	ret = mgm_stats_get(fd, &v->stats);
	if (!ret) {
		v->n_all = view_keys(fd, MGM_ENUM_ALL_SOURCES, &v->all);
		ret = v->n_all < 0 ? (int)v->n_all : 0;
	}
	if (!ret) {
		v->n_any = view_keys(fd, MGM_ENUM_ANY_SOURCE, &v->any);
		ret = v->n_any < 0 ? (int)v->n_any : 0;
	}
	if (!ret)
		ret = view_proc(v);
	if (ret)
		table_view_free(v);
	return ret;
}

static inline bool view_fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return false;
}

/*
 * Check the view against itself (see the top of this file). Only valid
 * while nobody changes the table. On failure, says why in @why.
 */
static inline bool table_view_consistent(const struct table_view *v,
					 char *why, size_t len)
{
	long i, j;

	for (i = 1; i < v->n_all; i++)
		if (v->all[i - 1] >= v->all[i])
			return view_fail(why, len, "ALL_SOURCES out of order at %ld: %#" PRIx64 " then %#" PRIx64,
					 i, v->all[i - 1], v->all[i]);
	for (i = 0, j = 0; i < v->n_all; i++) {
		uint64_t g = v->all[i] >> 32 << 32;

		if (j && v->any[j - 1] == g)
			continue;
		if (j >= v->n_any || v->any[j] != g)
			return view_fail(why, len, "ANY_SOURCE record %ld is not group %#" PRIx64,
					 j, g >> 32);
		j++;
	}
	if (j != v->n_any)
		return view_fail(why, len, "ANY_SOURCE has %ld records, ALL_SOURCES %ld groups",
				 v->n_any, j);
	if (v->n_proc_join != v->n_all)
		return view_fail(why, len, "/proc/net/mgm lists %ld entries, enumeration %ld",
				 v->n_proc_join, v->n_all);
	for (i = 0; i < v->n_all; i++)
		if (v->proc_join[i] != v->all[i])
			return view_fail(why, len, "/proc/net/mgm entry %ld is %#" PRIx64 ", enumeration %#" PRIx64,
					 i, v->proc_join[i], v->all[i]);
	if (v->stats.entries != (uint64_t)v->n_all ||
	    v->proc_entries != (unsigned long)v->n_all)
		return view_fail(why, len, "entries: stats %llu, /proc %lu, enumerated %ld",
				 (unsigned long long)v->stats.entries,
				 v->proc_entries, v->n_all);
	if (v->stats.memberships != (uint64_t)v->proc_lines ||
	    v->proc_memberships != (unsigned long)v->proc_lines)
		return view_fail(why, len, "memberships: stats %llu, /proc %lu, listed %ld",
				 (unsigned long long)v->stats.memberships,
				 v->proc_memberships, v->proc_lines);
	if (v->stats.protocols != v->proc_protocols ||
	    v->stats.interfaces != v->proc_interfaces)
		return view_fail(why, len, "protocols %u/%u interfaces %u/%u (stats / proc)",
				 v->stats.protocols, v->proc_protocols,
				 v->stats.interfaces, v->proc_interfaces);
	return true;
}

/* Same table (generations aside), and the same cursors open on the file. */
static inline bool table_view_equal(const struct table_view *a,
				    const struct table_view *b,
				    char *why, size_t len)
{
	if (a->stats.entries != b->stats.entries ||
	    a->stats.memberships != b->stats.memberships ||
	    a->stats.protocols != b->stats.protocols ||
	    a->stats.interfaces != b->stats.interfaces ||
	    a->stats.cursors != b->stats.cursors)
		return view_fail(why, len,
				 "stats differ: entries %llu/%llu memberships %llu/%llu protocols %u/%u interfaces %u/%u cursors %u/%u",
				 (unsigned long long)a->stats.entries,
				 (unsigned long long)b->stats.entries,
				 (unsigned long long)a->stats.memberships,
				 (unsigned long long)b->stats.memberships,
				 a->stats.protocols, b->stats.protocols,
				 a->stats.interfaces, b->stats.interfaces,
				 a->stats.cursors, b->stats.cursors);
	if (a->n_all != b->n_all ||
	    memcmp(a->all, b->all, a->n_all * sizeof(*a->all)))
		return view_fail(why, len, "ALL_SOURCES records differ");
	if (a->n_any != b->n_any ||
	    memcmp(a->any, b->any, a->n_any * sizeof(*a->any)))
		return view_fail(why, len, "ANY_SOURCE records differ");
	if (strcmp(a->proc, b->proc))
		return view_fail(why, len, "/proc/net/mgm differs");
	return true;
}

/*
 * The table of the caller's namespace is empty and consistent (a harness
 * check: needs kselftest_harness.h). @stats, if not NULL, gets its counters
 * for further checks.
 */
static inline void expect_table_empty(struct __test_metadata *_metadata,
				      struct mgm_stats *stats)
{
	struct table_view v;
	char why[256];
	int fd = mgm_open_dev();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, table_view_get(fd, &v));
	EXPECT_TRUE(table_view_consistent(&v, why, sizeof(why))) TH_LOG("%s", why);
	EXPECT_EQ(0ull, (unsigned long long)v.stats.entries);
	EXPECT_EQ(0ull, (unsigned long long)v.stats.memberships);
	EXPECT_EQ(0u, v.stats.protocols);
	EXPECT_EQ(0u, v.stats.interfaces);
	if (stats)
		*stats = v.stats;
	table_view_free(&v);
	close(fd);
}

/* --- the debug kernel's switches --------------------------------------------- */

static inline int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n < 0 ? -errno : 0;
}

static inline int read_str(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/* fail-nth of the calling thread: arm it with N, read what is left of it. */
static inline int fail_nth_set(int fd, unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	return pwrite(fd, buf, len, 0) == len ? 0 : -errno;
}

static inline long fail_nth_left(int fd)
{
	char buf[16] = "";

	if (pread(fd, buf, sizeof(buf) - 1, 0) < 0)
		return -errno;
	return strtol(buf, NULL, 10);
}

#endif /* MGM_RELIABILITY_H */
