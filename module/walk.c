// SPDX-License-Identifier: GPL-2.0
/*
 * The enumeration walk: collect the next records of a cursor from the (S,G)
 * index, in ascending key order, under RCU and without any lock.
 *
 * Guarantees (SPEC D7), given that the maple tree in RCU mode returns every
 * entry present throughout a reader's descent:
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
	MA_STATE(mas, mt, w->next, w->next);
	unsigned int n = 0;
	void *value;
	u64 key;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "mgm walk outside RCU");
	if (w->end)
		return 0;

	for (;;) {
		value = mas_find(&mas, ULONG_MAX);
		if (!value) {
			w->end = true;
			break;
		}
		if (!mgm_index_listed(value))
			continue;
		key = mas.index;
		if (key < w->next) {
			/*
			 * Another source of a group ANY_SOURCE already
			 * returned: jump to the next group in one descent
			 * rather than stepping over every source.
			 */
			mas_set(&mas, w->next);
			continue;
		}
		if (n == max)
			break;		/* a further record exists */

		if (w->type == MGM_ENUM_ANY_SOURCE) {
			mgm_key_group_record(key, &out[n++]);
			if (mgm_key_group(key) == U32_MAX) {
				w->end = true;
				break;
			}
			w->next = (u64)(mgm_key_group(key) + 1) << 32;
		} else {
			mgm_key_record(key, &out[n++]);
			if (key == U64_MAX) {
				w->end = true;
				break;
			}
			w->next = key + 1;
		}
	}
	return n;
}
EXPORT_SYMBOL_IF_MGM_KUNIT(mgm_walk_gather);
