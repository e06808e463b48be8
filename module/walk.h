/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How the (S,G) index stores entries, and the lock-free walk over it that
 * enumeration cursors and the KUnit tests use.
 */
#ifndef MGM_WALK_H
#define MGM_WALK_H

#include <linux/export.h>
#include <linux/maple_tree.h>
#include <linux/types.h>
#include <linux/mgm.h>

struct mgm_entry;

/* Functions the KUnit test module calls are exported to it alone. */
#if IS_ENABLED(CONFIG_KUNIT)
#define EXPORT_SYMBOL_IF_MGM_KUNIT(sym)	EXPORT_SYMBOL_NS_GPL(sym, MGM_KUNIT)
#else
#define EXPORT_SYMBOL_IF_MGM_KUNIT(sym)
#endif

/*
 * The index maps a key to a struct mgm_entry pointer. An entry none of whose
 * memberships has join state is not listed (SPEC D3); it is stored with bit 0
 * of the pointer set, so that a walk can skip it without reading the entry.
 * (Slab objects are at least 8-byte aligned, and the maple tree accepts
 * values with bit 0 set.)
 */
#define MGM_INDEX_HIDDEN	1UL

static inline void *mgm_index_value(struct mgm_entry *e, bool listed)
{
	return (void *)((unsigned long)e | (listed ? 0 : MGM_INDEX_HIDDEN));
}

static inline struct mgm_entry *mgm_index_entry(void *value)
{
	return (struct mgm_entry *)((unsigned long)value & ~MGM_INDEX_HIDDEN);
}

static inline bool mgm_index_listed(void *value)
{
	return !((unsigned long)value & MGM_INDEX_HIDDEN);
}

/**
 * struct mgm_walk - where an enumeration stands
 * @next:	the smallest key not yet considered: the walk resumes at the
 *		first listed entry whose key is >= @next
 * @type:	MGM_ENUM_ANY_SOURCE or MGM_ENUM_ALL_SOURCES
 * @end:	no listed entry was found at or after @next
 *
 * The position is a key, never a pointer into the index or a count, so it
 * stays meaningful whatever writers do between two calls, and resuming costs
 * one O(log n) descent.
 */
struct mgm_walk {
	u64 next;
	u32 type;
	bool end;
};

static inline void mgm_walk_init(struct mgm_walk *w, u32 type)
{
	w->next = 0;
	w->type = type;
	w->end = false;
}

unsigned int mgm_walk_gather(struct maple_tree *mt, struct mgm_walk *w,
			     struct mgm_source_group *out, unsigned int max);

#endif /* MGM_WALK_H */
