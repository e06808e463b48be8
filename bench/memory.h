/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mgm-bench: kernel memory an mgm table costs. mgm charges its allocations
 * to the caller's memory cgroup, so the benchmark runs in a cgroup of its
 * own and reads memory.stat around inserting entries; /proc/meminfo's Slab
 * (system-wide, whole slab pages) and /proc/slabinfo (object counts of the
 * caches involved) cross-check it.
 */
#ifndef MGM_BENCH_MEMORY_H
#define MGM_BENCH_MEMORY_H

#include <stdbool.h>

#define KMEM_CACHES	3	/* mgm_entry, mgm_member, maple_node */

struct kmem_snap {
	long long memcg_kernel;		/* memory.stat "kernel", bytes */
	long long memcg_slab;		/* slab_reclaimable + slab_unreclaimable */
	long long meminfo_slab;		/* /proc/meminfo Slab, bytes */
	long long cache_objs[KMEM_CACHES];
	long long cache_size[KMEM_CACHES];	/* object size, bytes */
};

/* Move this process into a fresh cgroup with the memory controller. */
bool kmem_cgroup_enter(void);
/*
 * Take a snapshot once the counters are stable (objects freed after an RCU
 * grace period, e.g. replaced maple tree nodes, have gone).
 */
void kmem_snap(struct kmem_snap *s);
/* Print the per-entry cost of @n entries added between two snapshots. */
void kmem_report(const struct kmem_snap *before, const struct kmem_snap *after,
		 unsigned long n);

#endif /* MGM_BENCH_MEMORY_H */
