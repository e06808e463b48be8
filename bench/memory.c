// SPDX-License-Identifier: GPL-2.0-or-later
/* mgm-bench: kernel memory per entry, see memory.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bench.h"
#include "helpers.h"
#include "memory.h"

#define CGROOT		"/sys/fs/cgroup"
#define CGDIR		CGROOT "/mgm-bench"

static const char *const cache_names[KMEM_CACHES] = {
	"mgm_entry", "mgm_member", "maple_node",
};
static bool in_cgroup;

static bool write_str(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	bool ok;

	if (!f)
		return false;
	ok = fputs(s, f) >= 0;
	return fclose(f) == 0 && ok;
}

bool kmem_cgroup_enter(void)
{
	if (!write_str(CGROOT "/cgroup.subtree_control", "+memory"))
		bench_note("no memory controller (%s): memory from /proc only",
			   strerror(errno));
	else if (mkdir(CGDIR, 0755) && errno != EEXIST)
		bench_note("mkdir %s: %s", CGDIR, strerror(errno));
	else if (!write_str(CGDIR "/cgroup.procs", "0"))
		bench_note("entering %s: %s", CGDIR, strerror(errno));
	else
		in_cgroup = true;
	return in_cgroup;
}

/* Value of "key value" line @key in @text, times @scale; -1 if absent. */
static long long field(const char *text, const char *key, long long scale)
{
	size_t len = strlen(key);
	const char *p;

	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, len) && (p[len] == ' ' || p[len] == ':'))
			return strtoll(p + len + 1 + strspn(p + len + 1, " "),
				       NULL, 10) * scale;
	return -1;
}

static void read_slabinfo(struct kmem_snap *s)
{
	char *text = read_file("/proc/slabinfo"), *p;
	long long active, total, size;
	char name[64];
	int i;

	for (i = 0; i < KMEM_CACHES; i++)
		s->cache_objs[i] = s->cache_size[i] = -1;
	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (sscanf(p, "%63s %lld %lld %lld", name, &active, &total,
			   &size) != 4)
			continue;
		for (i = 0; i < KMEM_CACHES; i++) {
			if (strcmp(name, cache_names[i]))
				continue;
			s->cache_objs[i] = active;
			s->cache_size[i] = size;
		}
	}
	free(text);
}

static void read_once(struct kmem_snap *s)
{
	char *stat = in_cgroup ? read_file(CGDIR "/memory.stat") : NULL;
	char *meminfo = read_file("/proc/meminfo");

	s->memcg_kernel = s->memcg_slab = -1;
	if (stat) {
		s->memcg_kernel = field(stat, "kernel", 1);
		s->memcg_slab = field(stat, "slab_reclaimable", 1) +
				field(stat, "slab_unreclaimable", 1);
	}
	s->meminfo_slab = meminfo ? field(meminfo, "Slab", 1024) : -1;
	free(stat);
	free(meminfo);
	read_slabinfo(s);
}

void kmem_snap(struct kmem_snap *s)
{
	long long prev = -1;
	int i;

	/* RCU callbacks free replaced nodes a grace period later. */
	for (i = 0; i < 20; i++) {
		read_once(s);
		if (prev >= 0 && llabs(s->meminfo_slab - prev) < 64 * 1024)
			break;
		prev = s->meminfo_slab;
		usleep(250 * 1000);
	}
}

void kmem_report(const struct kmem_snap *a, const struct kmem_snap *b,
		 unsigned long n)
{
	char extra[512];
	size_t len = 0;
	double v;
	int i;

	for (i = 0; i < KMEM_CACHES; i++) {
		if (a->cache_objs[i] < 0 || b->cache_objs[i] < 0)
			continue;
		v = (double)(b->cache_objs[i] - a->cache_objs[i]) / n;
		len += snprintf(extra + len, sizeof(extra) - len,
				"%s%s=%.2fx%lldB", len ? " " : "",
				cache_names[i], v, b->cache_size[i]);
	}
	extra[len] = 0;

	if (a->meminfo_slab >= 0 && b->meminfo_slab >= 0)
		bench_result("memory_meminfo_slab", n, "bytes_per_entry",
			     (double)(b->meminfo_slab - a->meminfo_slab) / n,
			     false, "%s", extra);
	if (a->memcg_kernel >= 0 && b->memcg_kernel >= 0)
		bench_result("memory_memcg_kernel", n, "bytes_per_entry",
			     (double)(b->memcg_kernel - a->memcg_kernel) / n,
			     false, "memcg_slab_per_entry=%.1f",
			     (double)(b->memcg_slab - a->memcg_slab) / n);
}
