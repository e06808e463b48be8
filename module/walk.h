/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lock-free walk over the (S,G) index that enumeration cursors (and the
 * KUnit tests) use.
 */
#ifndef MGM_WALK_H
#define MGM_WALK_H

#include <linux/maple_tree.h>
#include <linux/types.h>
#include <linux/mgm.h>
#include "index.h"

/**
 * struct mgm_walk - where an enumeration stands
 * @next:	the smallest key not yet considered: the walk resumes at the
 *		first listed entry whose key is >= @next
 * @type:	MGM_ENUM_ANY_SOURCE or MGM_ENUM_ALL_SOURCES
 * @end:	no listed entry was found at or after @next
 * @between_chunks: KUnit only: called under RCU each time the walk has
 *		finished a chunk and before it moves on, so that a test can
 *		make a writer change the index at exactly that point
 *
 * The position is a key, never a pointer into the index or a count, so it
 * stays meaningful whatever writers do between two calls, and resuming costs
 * one O(log n) descent.
 */
struct mgm_walk {
	u64 next;
	u32 type;
	bool end;
#if IS_ENABLED(CONFIG_KUNIT)
	void (*between_chunks)(struct mgm_walk *w);
#endif
};

static inline void mgm_walk_init(struct mgm_walk *w, u32 type)
{
	w->next = 0;
	w->type = type;
	w->end = false;
#if IS_ENABLED(CONFIG_KUNIT)
	w->between_chunks = NULL;
#endif
}

static inline void mgm_walk_between_chunks(struct mgm_walk *w)
{
#if IS_ENABLED(CONFIG_KUNIT)
	if (w->between_chunks)
		w->between_chunks(w);
#endif
}

unsigned int mgm_walk_gather(struct maple_tree *mt, struct mgm_walk *w,
			     struct mgm_source_group *out, unsigned int max);

#endif /* MGM_WALK_H */
