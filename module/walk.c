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

/*
 * The chunk of the range that starts at @hi + 1, the key after the range
 * the walk just finished; @mas stands on that finished range and is left on
 * the one returned (NULL: there is none).
 *
 * The walk moves on by key. The maple tree's next slot is only a shortcut:
 * it is taken when the range it lands on starts exactly at @hi + 1, since
 * then the chunk it maps holds every key of that range present throughout
 * (index.c). When the node the walk stood on was replaced meanwhile, the
 * step re-walks from the old end and can land past ranges that a merge or a
 * takeover stretched over what came next: then, and at the apparent end,
 * a fresh descent at @hi + 1 decides. A descent per chunk would cost the
 * walk three to four times its time per record under TCG.
 */
static const struct mgm_chunk *mgm_walk_next_range(struct ma_state *mas,
						   unsigned long hi)
{
	const struct mgm_chunk *c = mas_find(mas, ULONG_MAX);

	if (c && mas->index == hi + 1)
		return c;
	mas_set(mas, hi + 1);
	return mas_walk(mas);
}

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
	MA_STATE(mas, mt, w->next, w->next);
	const struct mgm_chunk *c;
	unsigned int n = 0, i;
	unsigned long hi;
	void *value;
	u64 key;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "mgm walk outside RCU");
	if (w->end)
		return 0;

	/* One descent to the chunk holding the position, then flat arrays. */
	c = mas_walk(&mas);
	hi = mas.last;
	i = c ? mgm_chunk_lower_bound(c, w->next) : 0;
	while (c) {
		if (i >= mgm_chunk_n(c)) {
			mgm_walk_between_chunks(w);
			if (hi == ULONG_MAX)
				break;
			c = mgm_walk_next_range(&mas, hi);
			if (!c)
				break;
			/* From the first key of the range on (index.c). */
			i = mgm_chunk_lower_bound(c, (u64)hi + 1);
			hi = mas.last;
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
				mas_set(&mas, w->next);
				c = mas_walk(&mas);
				if (!c)
					break;
				hi = mas.last;
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
