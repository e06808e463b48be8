// SPDX-License-Identifier: GPL-2.0
/*
 * The enumeration walks: collect the next records of a cursor from the
 * (S,G) index, in ascending key order, under RCU and without any lock:
 * entries (or groups) for MGM_IOC_ENUM_NEXT, memberships for
 * MGM_IOC_MEMBER_ENUM_NEXT. Both move by key through mgm_walk_find().
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
#include "mgm.h"
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

/* Where a walk stands in the index, under RCU. */
struct mgm_walk_it {
	struct ma_state *mas;
	const struct mgm_chunk *c;	/* the chunk of the range ending at @hi */
	unsigned long hi;
	unsigned int i;			/* the slot looked at */
};

/* One fresh descent to the chunk holding @from. */
static void mgm_walk_it_descend(struct mgm_walk_it *it, u64 from)
{
	mas_set(it->mas, from);
	it->c = mas_walk(it->mas);
	it->hi = it->mas->last;
	it->i = it->c ? mgm_chunk_lower_bound(it->c, from) : 0;
}

/*
 * The value of the first key >= @next that is listed (or, with @all, that
 * is present at all), its key in *@key; the iterator is left on its slot.
 * NULL when there is none. @w gets the KUnit hook between chunks (may be
 * NULL).
 */
static void *mgm_walk_find(struct mgm_walk_it *it, struct mgm_walk *w,
			   u64 next, bool all, u64 *key)
{
	void *value;

	while (it->c) {
		if (it->i >= mgm_chunk_n(it->c)) {
			mgm_walk_between_chunks(w);
			if (it->hi == ULONG_MAX)
				break;
			it->c = mgm_walk_next_range(it->mas, it->hi);
			if (!it->c)
				break;
			/* From the first key of the range on (index.c). */
			it->i = mgm_chunk_lower_bound(it->c, (u64)it->hi + 1);
			it->hi = it->mas->last;
			continue;
		}
		*key = it->c->keys[it->i];
		if (*key < next) {
			/*
			 * A chunk that changed under us repeats keys already
			 * returned, or the caller skips ahead (ANY_SOURCE is
			 * done with this group, a source filter): go to the
			 * position, within this chunk if it is there.
			 */
			if (it->c->keys[mgm_chunk_n(it->c) - 1] < next)
				mgm_walk_it_descend(it, next);
			else
				it->i = mgm_chunk_lower_bound(it->c, next);
			continue;
		}
		value = READ_ONCE(it->c->vals[it->i]);
		if (all ? !!value : mgm_index_listed(value))
			return value;
		it->i++;
	}
	return NULL;
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
	struct mgm_walk_it it = { .mas = &mas };
	unsigned int n = 0;
	u64 key;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "mgm walk outside RCU");
	if (w->end)
		return 0;

	mgm_walk_it_descend(&it, w->next);
	while (mgm_walk_find(&it, w, w->next, false, &key)) {
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
			it.i++;
		}
	}
	w->end = true;
	return n;
}
EXPORT_SYMBOL_IF_MGM_KUNIT(mgm_walk_gather);

/* --- memberships ------------------------------------------------------------ */

/*
 * The order of the memberships of one entry: (ifindex, next hop, protocol
 * id, component id). At any moment no two memberships of an entry share
 * them (one per ownership; a protocol is unique by its ids), so the order
 * is a key within the entry.
 */
static int mgm_mrec_cmp(const struct mgm_member_record *a,
			const struct mgm_member_record *b)
{
	if (a->ifindex != b->ifindex)
		return a->ifindex < b->ifindex ? -1 : 1;
	if (a->nexthop != b->nexthop)
		return ntohl(a->nexthop) < ntohl(b->nexthop) ? -1 : 1;
	if (a->protocol_id != b->protocol_id)
		return a->protocol_id < b->protocol_id ? -1 : 1;
	if (a->component_id != b->component_id)
		return a->component_id < b->component_id ? -1 : 1;
	return 0;
}

/* Max-heap of @n records: move @h[i] down to its place. */
static void mgm_mheap_down(struct mgm_member_record *h, unsigned int n,
			   unsigned int i)
{
	for (;;) {
		unsigned int l = 2 * i + 1, big = i;

		if (l < n && mgm_mrec_cmp(&h[l], &h[big]) > 0)
			big = l;
		if (l + 1 < n && mgm_mrec_cmp(&h[l + 1], &h[big]) > 0)
			big = l + 1;
		if (big == i)
			return;
		swap(h[i], h[big]);
		i = big;
	}
}

static void mgm_mheap_up(struct mgm_member_record *h, unsigned int i)
{
	while (i && mgm_mrec_cmp(&h[(i - 1) / 2], &h[i]) < 0) {
		swap(h[(i - 1) / 2], h[i]);
		i = (i - 1) / 2;
	}
}

/*
 * Write to @out, ascending, the first @room memberships of entry @e (key
 * @key) that match @w and order after @w->after when @w->partial. *@more
 * tells whether matching ones were left out. The entry's members are an
 * unordered RCU list: the @room smallest are kept in a max-heap in @out
 * itself, then sorted in place, so an entry of m memberships costs
 * O(m log room) per call.
 */
static unsigned int mgm_entry_members(const struct mgm_entry *e, u64 key,
				      const struct mgm_member_walk *w,
				      struct mgm_member_record *out,
				      unsigned int room, bool *more)
{
	struct mgm_member_record rec;
	struct mgm_source_group sg;
	const struct mgm_member *m;
	const struct mgm_proto *p;
	const struct mgm_own *own;
	unsigned int n = 0, i, k;

	*more = false;
	hlist_for_each_entry_rcu(m, &e->members, node) {
		own = m->own;
		p = own->proto;
		if ((w->match & MGM_MEMBER_ENUM_IFINDEX) &&
		    own->ifindex != w->ifindex)
			continue;
		if ((w->match & MGM_MEMBER_ENUM_PROTOCOL) &&
		    p->protocol_id != w->protocol_id)
			continue;
		memset(&rec, 0, sizeof(rec));
		rec.ifindex = own->ifindex;
		rec.nexthop = own->nexthop;
		rec.protocol_id = p->protocol_id;
		rec.component_id = p->component_id;
		if (w->partial && mgm_mrec_cmp(&rec, &w->after) <= 0)
			continue;
		rec.member_flags = READ_ONCE(m->flags);
		if (n < room) {
			out[n] = rec;
			mgm_mheap_up(out, n++);
			continue;
		}
		*more = true;
		if (n && mgm_mrec_cmp(&rec, &out[0]) < 0) {
			out[0] = rec;
			mgm_mheap_down(out, n, 0);
		}
	}
	/* Heap sort: ascending. */
	for (i = n; i > 1; i--) {
		swap(out[0], out[i - 1]);
		mgm_mheap_down(out, i - 1, 0);
	}
	/*
	 * A membership deleted and made again by a protocol of the same ids
	 * may be seen twice by one pass: keep one.
	 */
	mgm_key_record(key, &sg);
	for (i = 0, k = 0; i < n; i++) {
		if (k && !mgm_mrec_cmp(&out[k - 1], &out[i]))
			continue;
		out[k] = out[i];
		out[k].source = sg.source;
		out[k].source_mask = sg.source_mask;
		out[k].group = sg.group;
		out[k].group_mask = sg.group_mask;
		k++;
	}
	return k;
}

/**
 * mgm_walk_members_gather - collect up to @max membership records
 * @mt:		the index
 * @w:		the walk; advanced past the records returned
 * @out:	where the records go
 * @max:	room in @out, in records
 *
 * Caller holds rcu_read_lock(). Entries are visited by key like
 * mgm_walk_gather()'s, hidden ones too (their memberships have forward
 * state only); the position moves past an entry once all its matching
 * memberships are returned, and within an entry past the last record
 * returned, in the order of mgm_mrec_cmp(). A membership present
 * throughout is on its entry's list at every pass (RCU list), and its
 * entry's key is in every version of its chunk, so it is returned exactly
 * once. Like mgm_walk_gather(), @w->end is set as soon as no record
 * follows the ones returned.
 *
 * Return: the number of records written to @out.
 */
unsigned int mgm_walk_members_gather(struct maple_tree *mt,
				     struct mgm_member_walk *w,
				     struct mgm_member_record *out,
				     unsigned int max)
{
	MA_STATE(mas, mt, w->next, w->next);
	struct mgm_walk_it it = { .mas = &mas };
	unsigned int n = 0, got;
	bool more;
	void *value;
	u64 key;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "mgm walk outside RCU");
	if (w->end)
		return 0;

	mgm_walk_it_descend(&it, w->next);
	while ((value = mgm_walk_find(&it, NULL, w->next, true, &key))) {
		if (key > w->last)
			break;
		if (key != w->next)	/* the entry left part-way went away */
			w->partial = false;
		if ((w->match & MGM_MEMBER_ENUM_SOURCE) &&
		    mgm_key_source(key) != w->source) {
			/* To this group's entry of the source, or the next's. */
			u32 group = mgm_key_group(key);

			if (mgm_key_source(key) > w->source) {
				if (group == U32_MAX)
					break;
				group++;
			}
			w->next = (u64)group << 32 | w->source;
			w->partial = false;
			continue;
		}
		got = mgm_entry_members(mgm_index_entry(value), key, w,
					out + n, max - n, &more);
		n += got;
		if (more) {
			/* The buffer is full inside this entry. */
			if (got) {
				w->next = key;
				w->after = out[n - 1];
				w->partial = true;
			}
			return n;
		}
		if (key == w->last)
			break;
		w->next = key + 1;
		w->partial = false;
		it.i++;
	}
	w->end = true;
	return n;
}
