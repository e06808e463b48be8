// SPDX-License-Identifier: GPL-2.0
/*
 * The ordered (S,G) index of a namespace's table.
 *
 * Keys (group << 32 | source, see key.h) live in chunks: small sorted arrays
 * of up to MGM_CHUNK_SLOTS keys with a value each. A maple tree in RCU mode
 * maps ranges of the key space to chunks; the ranges of the chunks cover the
 * whole key space without gaps, so the chunk that holds or would hold a key
 * is one O(log n) descent (mas_walk) away, and the next chunk is mas_find().
 *
 * Why this shape:
 *  - Enumeration resumes from a key in O(log n) and then reads keys out of
 *    a flat array: one tree step per chunk instead of per key, and no entry
 *    memory touched, since the key is the record (key.h). A maple tree per
 *    key spent most of a walk stepping the tree.
 *  - Readers need no lock: a published chunk's keys never change; writers
 *    append after the last one in place while there is room, or publish a
 *    new copy (mas_store of the same range is an in-place slot
 *    replacement) and free the old one after a grace period. Only the
 *    values change in place, a word at a time: listing and unlisting an
 *    entry (the hidden bit, index.h) and deleting a key (NULL); a value
 *    that points at a new entry is published with release semantics.
 *  - A full chunk is split by one store: a new chunk with the keys below
 *    some key k (the new key among them) is stored over the lower part of
 *    the range, and the old chunk stays, for what is left of its range,
 *    from k on. Its keys below k stay in its array, outside its range: a
 *    key outside the range its chunk is stored over is not that chunk's
 *    key. Writers skip such keys (lookups land on the right slot, copies
 *    and merges take only the keys of the range), and readers never read
 *    their values: every reader enters a chunk at the lower bound of a key
 *    within its range, except one that was already in it before the split,
 *    for which those values were current and stay valid until it leaves
 *    RCU. With one store there is no second store that could fail halfway.
 *  - So deleting a key never allocates and never fails, which is what
 *    releasing a file, a protocol or a device needs; the chunk is tidied
 *    afterwards when memory allows (merged into a neighbour once it is
 *    empty or mostly deleted).
 *  - A hash table has no order; an rbtree or a list cannot be walked by RCU
 *    readers while it is rebalanced or relinked.
 *
 * Guarantee to walkers (walk.c): a key present throughout a walk is in
 * every version of the chunk whose range holds it, so a walk that only
 * ever moves to larger keys, and from one range to the next by key,
 * returns it exactly once.
 *
 * Writers hold the lock given to mgm_index_setup(), which is also the maple
 * tree's external lock: only the mas_*() API is used on the tree.
 */
#include <linux/slab.h>
#include "index.h"

static struct kmem_cache *mgm_chunk_cache;

int mgm_index_init(void)
{
	mgm_chunk_cache = KMEM_CACHE(mgm_chunk, SLAB_ACCOUNT);
	return mgm_chunk_cache ? 0 : -ENOMEM;
}

/* After rcu_barrier(): no chunk is waiting for its grace period. */
void mgm_index_exit(void)
{
	kmem_cache_destroy(mgm_chunk_cache);
}

void mgm_index_setup(struct maple_tree *mt, struct mutex *lock)
{
	mt_init_flags(mt, MT_FLAGS_USE_RCU | MT_FLAGS_LOCK_EXTERN);
	mt_set_external_lock(mt, lock);
}
EXPORT_SYMBOL_IF_MGM_KUNIT(mgm_index_setup);

static void mgm_chunk_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(mgm_chunk_cache,
			container_of(head, struct mgm_chunk, rcu));
}

static void mgm_chunk_retire(struct mgm_chunk *c)
{
	call_rcu(&c->rcu, mgm_chunk_free_rcu);
}

static struct mgm_chunk *mgm_chunk_alloc(gfp_t gfp)
{
	struct mgm_chunk *c = kmem_cache_alloc(mgm_chunk_cache, gfp);

	if (c) {
		c->n = 0;
		c->live = 0;
	}
	return c;
}

/* Add @key and @value after the keys of @c, a chunk no reader sees yet. */
static void mgm_chunk_push(struct mgm_chunk *c, u64 key, void *value)
{
	c->keys[c->n] = key;
	c->vals[c->n++] = value;
}

/* Is slot @i of @c a live key of the range [@lo, @hi] @c is stored over? */
static bool mgm_chunk_slot_live(const struct mgm_chunk *c, unsigned int i,
				unsigned long lo, unsigned long hi)
{
	return c->vals[i] && c->keys[i] >= lo && c->keys[i] <= hi;
}

/* Append the live keys of @from, stored over [@lo, @hi], to @to. */
static void mgm_chunk_append_live(struct mgm_chunk *to,
				  const struct mgm_chunk *from,
				  unsigned long lo, unsigned long hi)
{
	unsigned int i;

	for (i = 0; i < from->n; i++) {
		if (mgm_chunk_slot_live(from, i, lo, hi))
			mgm_chunk_push(to, from->keys[i], from->vals[i]);
	}
	to->live = to->n;
}

static int mgm_index_store(struct maple_tree *mt, unsigned long lo,
			   unsigned long hi, void *entry, gfp_t gfp)
{
	MA_STATE(mas, mt, lo, hi);

	return mas_store_gfp(&mas, entry, gfp);
}

/* Free every chunk: the index is going away and nobody can walk it. */
void mgm_index_destroy(struct maple_tree *mt)
{
	MA_STATE(mas, mt, 0, 0);
	struct mgm_chunk *c;

	mas_for_each(&mas, c, ULONG_MAX)
		mgm_chunk_retire(c);
	__mt_destroy(mt);
}
EXPORT_SYMBOL_IF_MGM_KUNIT(mgm_index_destroy);

/**
 * mgm_index_lookup - find a key, or where it would go (writers)
 * @mt:		the index
 * @key:	the key
 * @pos:	filled in for mgm_index_insert(), _replace() and _remove()
 *
 * Return: the key's value, or NULL if the key is not present.
 */
void *mgm_index_lookup(struct maple_tree *mt, u64 key,
		       struct mgm_index_pos *pos)
{
	MA_STATE(mas, mt, key, key);
	struct mgm_chunk *c = mas_walk(&mas);

	pos->chunk = c;
	pos->value = NULL;
	if (!c)
		return NULL;
	pos->lo = mas.index;
	pos->hi = mas.last;
	pos->i = mgm_chunk_lower_bound(c, key);
	if (pos->i < c->n && c->keys[pos->i] == key)
		pos->value = c->vals[pos->i];
	return pos->value;
}
EXPORT_SYMBOL_IF_MGM_KUNIT(mgm_index_lookup);

/**
 * mgm_index_insert - add a key that is not present
 * @mt:		the index
 * @pos:	from mgm_index_lookup() of @key, with no change since
 * @key:	the key
 * @value:	its value, not NULL
 * @gfp:	for the chunk and the tree's nodes
 *
 * Return: 0, or -ENOMEM with nothing changed.
 */
int mgm_index_insert(struct maple_tree *mt, struct mgm_index_pos *pos,
		     u64 key, void *value, gfp_t gfp)
{
	struct mgm_chunk *c = pos->chunk, *nc;
	unsigned int i, left;
	int err;

	if (!c) {				/* the index is empty */
		nc = mgm_chunk_alloc(gfp);
		if (!nc)
			return -ENOMEM;
		mgm_chunk_push(nc, key, value);
		nc->live = 1;
		err = mgm_index_store(mt, 0, ULONG_MAX, nc, gfp);
		if (err)
			kmem_cache_free(mgm_chunk_cache, nc);
		return err;
	}

	if (pos->i < c->n && c->keys[pos->i] == key) {
		/*
		 * The key was deleted from this chunk: its slot is still here.
		 * The value may point at an entry just made: publish it.
		 */
		smp_store_release(&c->vals[pos->i], value);
		c->live++;
		return 0;
	}

	if (pos->i == c->n && c->n < MGM_CHUNK_SLOTS) {
		/*
		 * After every key of the chunk, and room left: append in
		 * place. No key a reader can see changes, and the slot is
		 * written before the count that shows it (mgm_chunk_n()).
		 * Ascending loads add most keys this way: no copy, no
		 * allocation, nothing to free.
		 */
		c->keys[c->n] = key;
		c->vals[c->n] = value;
		/* Pairs with smp_load_acquire() in mgm_chunk_n(). */
		smp_store_release(&c->n, c->n + 1);
		c->live++;
		return 0;
	}

	nc = mgm_chunk_alloc(gfp);
	if (!nc)
		return -ENOMEM;

	if (c->live < MGM_CHUNK_SLOTS) {
		/*
		 * A copy with the key in place, leaving out deleted keys and
		 * keys outside the range (left behind by a split).
		 */
		for (i = 0; i <= c->n; i++) {
			if (i == pos->i)
				mgm_chunk_push(nc, key, value);
			if (i < c->n && mgm_chunk_slot_live(c, i, pos->lo, pos->hi))
				mgm_chunk_push(nc, c->keys[i], c->vals[i]);
		}
		nc->live = nc->n;
		/* Same range: the maple tree replaces the slot in place. */
		err = mgm_index_store(mt, pos->lo, pos->hi, nc, gfp);
		if (err) {
			kmem_cache_free(mgm_chunk_cache, nc);
			return err;
		}
		mgm_chunk_retire(c);
		return 0;
	}

	/*
	 * Full: every slot is a live key of the range. Split by one store:
	 * the new chunk @nc takes the keys below the split point, the new
	 * key among them, over the lower part of the range; @c stays for the
	 * rest. A key after all of @c's goes alone into a chunk of its own
	 * over the upper part instead, and one before all of them alone into
	 * the lower part, so that ascending (descending) loads leave full
	 * chunks behind; otherwise the lower part takes at least half.
	 */
	if (pos->i == c->n) {
		mgm_chunk_push(nc, key, value);
		nc->live = 1;
		err = mgm_index_store(mt, key, pos->hi, nc, gfp);
		if (err)
			kmem_cache_free(mgm_chunk_cache, nc);
		return err;
	}
	left = pos->i == 0 ? 1 : max((MGM_CHUNK_SLOTS + 1) / 2, pos->i + 1);
	for (i = 0; nc->n < left; i++) {
		if (i == pos->i)
			mgm_chunk_push(nc, key, value);
		if (nc->n < left)
			mgm_chunk_push(nc, c->keys[i], c->vals[i]);
	}
	nc->live = nc->n;
	/* @c's first key not copied, slot left - 1, starts its new range. */
	err = mgm_index_store(mt, pos->lo, c->keys[left - 1] - 1, nc, gfp);
	if (err) {
		kmem_cache_free(mgm_chunk_cache, nc);
		return err;
	}
	c->live -= left - 1;
	return 0;
}
EXPORT_SYMBOL_IF_MGM_KUNIT(mgm_index_insert);

/*
 * Change the value of a present key to list or unlist its entry: the same
 * entry, already published, so a plain word store does.
 */
void mgm_index_replace(struct mgm_index_pos *pos, void *value)
{
	WRITE_ONCE(pos->chunk->vals[pos->i], value);
	pos->value = value;
}

/*
 * Try to give the chunk at @pos back, or to merge it with its left
 * neighbour, once few of its keys are left. Failing is harmless: deleted
 * keys only take room until the next try.
 */
static void mgm_index_tidy(struct maple_tree *mt, struct mgm_index_pos *pos)
{
	const gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_NOWARN;
	struct mgm_chunk *c = pos->chunk, *p, *m;
	unsigned long plo;

	if (c->live > MGM_CHUNK_SLOTS / 4)
		return;

	if (!pos->lo) {
		if (c->live)
			return;
		if (pos->hi == ULONG_MAX) {		/* the last chunk */
			if (!mgm_index_store(mt, 0, ULONG_MAX, NULL, gfp))
				mgm_chunk_retire(c);
			return;
		}
		/* The first chunk: the next one takes its range. */
		{
			MA_STATE(mas, mt, pos->hi + 1, pos->hi + 1);

			p = mas_walk(&mas);
			if (!p)
				return;
			m = p;
			if (p->n && p->keys[0] < mas.index) {
				/*
				 * Keys a split left below its range would come
				 * into it: take a copy without them.
				 */
				m = mgm_chunk_alloc(gfp);
				if (!m)
					return;
				mgm_chunk_append_live(m, p, mas.index, mas.last);
			}
			if (mgm_index_store(mt, 0, mas.last, m, gfp)) {
				if (m != p)
					kmem_cache_free(mgm_chunk_cache, m);
				return;
			}
			if (m != p)
				mgm_chunk_retire(p);
			mgm_chunk_retire(c);
		}
		return;
	}

	{
		MA_STATE(mas, mt, pos->lo - 1, pos->lo - 1);

		p = mas_walk(&mas);
		plo = mas.index;
	}
	if (!p)
		return;
	if (!c->live) {
		/* Empty: the left neighbour takes its range. */
		if (!mgm_index_store(mt, plo, pos->hi, p, gfp))
			mgm_chunk_retire(c);
		return;
	}
	if (p->live + c->live > MGM_CHUNK_SLOTS * 3 / 4)
		return;
	m = mgm_chunk_alloc(gfp);
	if (!m)
		return;
	mgm_chunk_append_live(m, p, plo, pos->lo - 1);
	mgm_chunk_append_live(m, c, pos->lo, pos->hi);
	if (mgm_index_store(mt, plo, pos->hi, m, gfp)) {
		kmem_cache_free(mgm_chunk_cache, m);
		return;
	}
	mgm_chunk_retire(p);
	mgm_chunk_retire(c);
}

/**
 * mgm_index_remove - delete a present key
 * @mt:		the index
 * @pos:	from mgm_index_lookup() of the key, with no change since
 *
 * Never fails. @pos's chunk may be gone afterwards (after a grace period).
 */
void mgm_index_remove(struct maple_tree *mt, struct mgm_index_pos *pos)
{
	WRITE_ONCE(pos->chunk->vals[pos->i], NULL);
	pos->chunk->live--;
	pos->value = NULL;
	mgm_index_tidy(mt, pos);
}
EXPORT_SYMBOL_IF_MGM_KUNIT(mgm_index_remove);

/**
 * mgm_index_first - the chunk holding the first key >= @from
 * @mt:		the index
 * @from:	where to start
 * @hi:		out: the last key of the chunk's range
 * @i:		out: the chunk's first slot whose key is >= @from
 *
 * For loops over the keys in order: the slots from *@i on, then from
 * *@hi + 1 on. Under rcu_read_lock() or the writers' lock. Deleted keys
 * (NULL values) are the caller's to skip.
 *
 * Return: the chunk, or NULL past the last key.
 */
struct mgm_chunk *mgm_index_first(struct maple_tree *mt, u64 from,
				  unsigned long *hi, unsigned int *i)
{
	MA_STATE(mas, mt, from, from);
	struct mgm_chunk *c = mas_walk(&mas);

	if (!c)
		return NULL;	/* the ranges cover all keys: empty */
	*hi = mas.last;
	*i = mgm_chunk_lower_bound(c, from);
	return c;
}
