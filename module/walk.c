// SPDX-License-Identifier: GPL-2.0
/*
 * The enumeration walk: collect the next records of a cursor from the (S,G)
 * index, in ascending key order, under RCU and without any lock.
 *
 * Guarantees (contract D7), given that a key present throughout is in every
 * version of the chunk that holds it (index.c):
 *  - records leave in strictly ascending key order, and the position only
 *    ever moves forward past keys already returned, so no record is ever
 *    returned twice, even across calls and concurrent writers;
 *  - an entry present from the cursor's start to its end has a key >= the
 *    position until it is returned, so it is returned exactly once.
 */
#include <linux/rcupdate.h>
#include "key.h"
#include "walk.h"

/**
 * mgm_walk_gather - collect up to @max records of a walk
 * @mt:		the index
 * @w:		the walk; advanced past the records returned
 * @out:	where the records go
 * @max:	room in @out, in records
 *
 * Caller holds rcu_read_lock(). After filling @out the walk looks for one
 * more listed entry, so that @w->end is exact: it is set as soon as no
 * record follows the ones returned.
 *
 * Return: the number of records written to @out.
 */
unsigned int mgm_walk_gather(struct maple_tree *mt, struct mgm_walk *w,
			     struct mgm_source_group *out, unsigned int max)
{
	const struct mgm_chunk *c;
	unsigned int n = 0, i;
	unsigned long hi;
	void *value;
	u64 key;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "mgm walk outside RCU");
	if (w->end)
		return 0;

	/* One descent to the chunk holding the position, then flat arrays. */
	c = mgm_index_first(mt, w->next, &hi, &i);
	while (c) {
		if (i >= mgm_chunk_n(c)) {
			mgm_walk_between_chunks(w);
			/*
			 * On by key: a fresh descent at the key after the range
			 * just finished. Whatever chunk holds that key now
			 * holds every key of its range that was present
			 * throughout, however the ranges were merged, split or
			 * taken over meanwhile. The maple tree's "next slot"
			 * from a node that was replaced would be the slot
			 * after the *new* range holding the old end, and skip
			 * what that range absorbed.
			 */
			c = mgm_index_next(mt, &hi, &i);
			continue;
		}
		key = c->keys[i];
		if (key < w->next) {
			/*
			 * A chunk that changed under us repeats keys already
			 * returned, or ANY_SOURCE is done with this group: go
			 * to the position, within this chunk if it is there.
			 */
			if (c->keys[mgm_chunk_n(c) - 1] < w->next) {
				c = mgm_index_first(mt, w->next, &hi, &i);
				continue;
			}
			i = mgm_chunk_lower_bound(c, w->next);
			continue;
		}
		value = READ_ONCE(c->vals[i]);
		if (!mgm_index_listed(value)) {
			i++;
			continue;
		}
		if (n == max)
			return n;	/* a further record exists */

		if (w->type == MGM_ENUM_ANY_SOURCE) {
			mgm_key_group_record(key, &out[n++]);
			if (mgm_key_group(key) == U32_MAX)
				break;
			w->next = (u64)(mgm_key_group(key) + 1) << 32;
		} else {
			mgm_key_record(key, &out[n++]);
			if (key == U64_MAX)
				break;
			w->next = key + 1;
			i++;
		}
	}
	w->end = true;
	return n;
}
EXPORT_SYMBOL_IF_MGM_KUNIT(mgm_walk_gather);
