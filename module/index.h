/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ordered (S,G) index: chunks of sorted keys under a maple tree.
 * See index.c for the design and its rules.
 */
#ifndef MGM_INDEX_H
#define MGM_INDEX_H

#include <linux/export.h>
#include <linux/maple_tree.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/version.h>

struct mgm_entry;

/*
 * Functions the KUnit test module calls are exported to it alone, in the
 * symbol namespace MGM_KUNIT_NS. The kernel's macros take the namespace as a
 * string literal from 6.13 on and as a bare name before (they stringify it).
 */
#if KERNEL_VERSION(6, 13, 0) <= LINUX_VERSION_CODE
#define MGM_KUNIT_NS	"MGM_KUNIT"
#else
#define MGM_KUNIT_NS	MGM_KUNIT
#endif

#if IS_ENABLED(CONFIG_KUNIT)
#define EXPORT_SYMBOL_IF_MGM_KUNIT(sym)	EXPORT_SYMBOL_NS_GPL(sym, MGM_KUNIT_NS)
#else
#define EXPORT_SYMBOL_IF_MGM_KUNIT(sym)
#endif

/*
 * Values stored in the index are struct mgm_entry pointers. An entry none of
 * whose memberships has join state is not listed (contract D3): its pointer is
 * stored with bit 0 set, so that a walk can skip it without reading the
 * entry. NULL marks a deleted key (see index.c).
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
	return value && !((unsigned long)value & MGM_INDEX_HIDDEN);
}

#define MGM_CHUNK_SLOTS		30

/**
 * struct mgm_chunk - a run of consecutive keys of the index
 * @rcu:	frees the chunk after a grace period
 * @n:		keys in @keys; once the chunk is published it only grows, by
 *		appends in place (mgm_index_insert()): readers take it with
 *		mgm_chunk_n()
 * @live:	keys of the chunk's range whose value is not NULL (writers'
 *		bookkeeping)
 * @keys:	ascending keys; the first @n never change once published.
 *		After a split, the first ones may lie below the range the
 *		chunk is stored over: they are no longer its keys (index.c)
 * @vals:	the value of each key; NULL once the key is deleted. Writers
 *		change a value in place (WRITE_ONCE), readers READ_ONCE it.
 */
struct mgm_chunk {
	struct rcu_head rcu;
	unsigned int n;
	unsigned int live;
	u64 keys[MGM_CHUNK_SLOTS];
	void *vals[MGM_CHUNK_SLOTS];
};

/**
 * struct mgm_index_pos - where a key is, or would go (writers only)
 * @chunk:	the chunk whose range holds the key, NULL if the index is empty
 * @lo:		first key of that chunk's range
 * @hi:		last key of that chunk's range
 * @i:		first slot of @chunk whose key is >= the key looked up
 * @value:	the key's value if it is present, else NULL
 */
struct mgm_index_pos {
	struct mgm_chunk *chunk;
	unsigned long lo, hi;
	unsigned int i;
	void *value;
};

int mgm_index_init(void);
void mgm_index_exit(void);
void mgm_index_setup(struct maple_tree *mt, struct mutex *lock);
void mgm_index_destroy(struct maple_tree *mt);
void *mgm_index_lookup(struct maple_tree *mt, u64 key,
		       struct mgm_index_pos *pos);
int mgm_index_insert(struct maple_tree *mt, struct mgm_index_pos *pos,
		     u64 key, void *value, gfp_t gfp);
void mgm_index_replace(struct mgm_index_pos *pos, void *value);
void mgm_index_remove(struct maple_tree *mt, struct mgm_index_pos *pos);
struct mgm_chunk *mgm_index_first(struct maple_tree *mt, u64 from,
				  unsigned long *hi, unsigned int *i);

/*
 * The chunk after the one whose range ends at @hi, as mgm_index_first()
 * gives it (from its first slot); NULL after the last chunk.
 */
static inline struct mgm_chunk *mgm_index_next(struct maple_tree *mt,
					       unsigned long *hi,
					       unsigned int *i)
{
	if (*hi == ULONG_MAX)
		return NULL;
	return mgm_index_first(mt, (u64)*hi + 1, hi, i);
}

/*
 * The keys of @c a reader may look at: an append writes the slot before it
 * raises @n (smp_store_release()), so a reader that sees the count sees the
 * slot.
 */
static inline unsigned int mgm_chunk_n(const struct mgm_chunk *c)
{
	/* Pairs with smp_store_release() in mgm_index_insert(). */
	return smp_load_acquire(&c->n);
}

/* First slot of @c whose key is >= @key (mgm_chunk_n() if none). */
static inline unsigned int mgm_chunk_lower_bound(const struct mgm_chunk *c,
						 u64 key)
{
	unsigned int lo = 0, hi = mgm_chunk_n(c);

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (c->keys[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

#endif /* MGM_INDEX_H */
