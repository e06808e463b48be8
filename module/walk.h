/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lock-free walks over the (S,G) index that enumeration cursors (and the
 * KUnit tests) use: of the entries (groups) and of the memberships.
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
	if (w && w->between_chunks)
		w->between_chunks(w);
#endif
}

unsigned int mgm_walk_gather(struct maple_tree *mt, struct mgm_walk *w,
			     struct mgm_source_group *out, unsigned int max);

/**
 * struct mgm_member_walk - where a membership enumeration stands
 * @next:	the smallest (S,G) key not finished
 * @last:	the largest key considered
 * @after:	with @partial: the record of entry @next last returned; the
 *		walk resumes at the entry's memberships that order after it
 * @partial:	entry @next was left part-way (the buffer was full)
 * @match:	MGM_MEMBER_ENUM_SOURCE, _IFINDEX, _PROTOCOL
 * @source:	host order, with MGM_MEMBER_ENUM_SOURCE
 * @ifindex:	with MGM_MEMBER_ENUM_IFINDEX
 * @protocol_id: with MGM_MEMBER_ENUM_PROTOCOL
 * @end:	no matching membership was found at or after the position
 *
 * The position is (key, membership order), never a pointer: see walk.c.
 */
struct mgm_member_walk {
	u64 next;
	u64 last;
	struct mgm_member_record after;
	bool partial;
	bool end;
	u32 match;
	u32 source;
	u32 ifindex;
	u32 protocol_id;
};

unsigned int mgm_walk_members_gather(struct maple_tree *mt,
				     struct mgm_member_walk *w,
				     struct mgm_member_record *out,
				     unsigned int max);

#endif /* MGM_WALK_H */
