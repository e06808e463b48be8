// SPDX-License-Identifier: GPL-2.0
/*
 * The (S,G) table of a namespace: entries and their memberships.
 *
 * The index is a maple tree in RCU mode (MT_FLAGS_USE_RCU) keyed by
 * group << 32 | source (see key.h). Why a maple tree:
 *  - it is kept in key order, and "first entry with key >= k" is one O(log n)
 *    descent, which is what a cursor that remembers a key needs to resume;
 *  - in RCU mode readers walk it with no lock at all while writers modify
 *    it, and a reader's walk returns every entry that is present throughout;
 *  - the key lives in the index itself, so enumeration produces a record
 *    without touching the entry's memory, and lookups for add/delete are
 *    O(log n) too.
 * A hash table has no order to resume in, and an rbtree or a list cannot be
 * walked by RCU readers safely while being rebalanced or relinked.
 *
 * The tree uses the namespace's mutex as its external lock
 * (MT_FLAGS_LOCK_EXTERN): every function here runs with mgm_net.lock held,
 * so only the mas_*() API is used (the mtree_*() helpers would take the
 * tree's own spinlock, which an external-lock tree does not have).
 *
 * Each entry carries an RCU list of memberships. An entry stays in the index
 * while it has memberships; it is listed by enumeration while at least one
 * of them has join state (the index value is tagged otherwise, see walk.h).
 * Entries and memberships are freed by call_rcu() after a grace period, and
 * the module's exit waits for those callbacks (rcu_barrier()) before
 * destroying the caches.
 *
 * Every change either completes or fails with nothing changed: allocations
 * (including the tree's node allocations) happen before anything visible is
 * modified. Removals on behalf of a releasing file, protocol or device cannot
 * be refused, so they allocate the tree's nodes with __GFP_NOFAIL.
 */
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include "key.h"
#include "mgm.h"
#include "walk.h"

#define MGM_GFP		GFP_KERNEL_ACCOUNT
#define MGM_GFP_NOFAIL	(GFP_KERNEL_ACCOUNT | __GFP_NOFAIL)

static struct kmem_cache *mgm_entry_cache;
static struct kmem_cache *mgm_member_cache;

int mgm_table_init(void)
{
	mgm_entry_cache = KMEM_CACHE(mgm_entry, SLAB_ACCOUNT);
	if (!mgm_entry_cache)
		return -ENOMEM;
	mgm_member_cache = KMEM_CACHE(mgm_member, SLAB_ACCOUNT);
	if (!mgm_member_cache) {
		kmem_cache_destroy(mgm_entry_cache);
		return -ENOMEM;
	}
	return 0;
}

void mgm_table_exit(void)
{
	rcu_barrier();	/* the call_rcu() frees below use these caches */
	kmem_cache_destroy(mgm_member_cache);
	kmem_cache_destroy(mgm_entry_cache);
}

void mgm_table_setup(struct mgm_net *mn)
{
	mt_init_flags(&mn->table, MT_FLAGS_USE_RCU | MT_FLAGS_LOCK_EXTERN);
	mt_set_external_lock(&mn->table, &mn->lock);
}

void mgm_table_destroy(struct mgm_net *mn)
{
	mutex_lock(&mn->lock);
	WARN_ON_ONCE(mn->objects || mn->memberships);
	__mt_destroy(&mn->table);
	mutex_unlock(&mn->lock);
}

static void mgm_entry_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(mgm_entry_cache,
			container_of(head, struct mgm_entry, rcu));
}

static void mgm_member_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(mgm_member_cache,
			container_of(head, struct mgm_member, rcu));
}

static struct mgm_member *mgm_entry_find(struct mgm_entry *e,
					 struct mgm_own *own)
{
	struct mgm_member *m;

	hlist_for_each_entry(m, &e->members, node)
		if (m->own == own)
			return m;
	return NULL;
}

static int mgm_index_store(struct mgm_net *mn, u64 key, void *value, gfp_t gfp)
{
	MA_STATE(mas, &mn->table, key, key);

	return mas_store_gfp(&mas, value, gfp);
}

/*
 * Set the number of join-state memberships of @e, listing or unlisting it
 * in the index when that number crosses zero. Replacing the value of an
 * existing single-key slot is done in place by the maple tree, but the
 * error is still handled: nothing changes if it fails.
 */
static int mgm_entry_set_joins(struct mgm_net *mn, struct mgm_entry *e,
			       u64 key, u32 joins, gfp_t gfp)
{
	int err;

	if (!joins != !e->joins) {
		err = mgm_index_store(mn, key, mgm_index_value(e, joins), gfp);
		if (err)
			return err;
		if (joins)
			mn->entries++;
		else
			mn->entries--;
	}
	e->joins = joins;
	return 0;
}

static int mgm_entry_create(struct mgm_net *mn, struct mgm_own *own, u64 key,
			    u32 flags)
{
	struct mgm_entry *e;
	struct mgm_member *m;
	int err;

	if (mn->objects >= mgm_max_entries ||
	    mn->memberships >= mgm_max_memberships)
		return -ENOSPC;

	e = kmem_cache_alloc(mgm_entry_cache, MGM_GFP);
	if (!e)
		return -ENOMEM;
	m = kmem_cache_alloc(mgm_member_cache, MGM_GFP);
	if (!m) {
		err = -ENOMEM;
		goto free_entry;
	}
	INIT_HLIST_HEAD(&e->members);
	e->joins = flags & MGM_JOIN_STATE ? 1 : 0;
	m->own = own;
	m->flags = flags;
	hlist_add_head_rcu(&m->node, &e->members);

	/* Publishes the entry: readers may see it from here on. */
	err = mgm_index_store(mn, key, mgm_index_value(e, e->joins), MGM_GFP);
	if (err)
		goto free_member;

	mn->objects++;
	if (e->joins)
		mn->entries++;
	mn->memberships++;
	own->members++;
	mgm_bump_generation(mn);
	return 0;

free_member:
	kmem_cache_free(mgm_member_cache, m);
free_entry:
	kmem_cache_free(mgm_entry_cache, e);
	return err;
}

/* Change the flags of an existing membership to @flags (not zero). */
static int mgm_member_set_flags(struct mgm_net *mn, struct mgm_entry *e,
				struct mgm_member *m, u64 key, u32 flags)
{
	u32 joins = e->joins;
	int err;

	if (flags == m->flags)
		return 0;
	if ((flags & MGM_JOIN_STATE) && !(m->flags & MGM_JOIN_STATE))
		joins++;
	else if (!(flags & MGM_JOIN_STATE) && (m->flags & MGM_JOIN_STATE))
		joins--;
	err = mgm_entry_set_joins(mn, e, key, joins, MGM_GFP);
	if (err)
		return err;
	WRITE_ONCE(m->flags, flags);
	mgm_bump_generation(mn);
	return 0;
}

/* Remove membership @m of entry @e, and the entry with its last one. */
static int mgm_member_remove(struct mgm_net *mn, struct mgm_entry *e,
			     struct mgm_member *m, u64 key, gfp_t gfp)
{
	bool last = e->members.first == &m->node && !m->node.next;
	int err;

	if (last) {
		err = mgm_index_store(mn, key, NULL, gfp);
		if (err)
			return err;
		mn->objects--;
		if (e->joins)
			mn->entries--;
	} else {
		err = mgm_entry_set_joins(mn, e, key, e->joins -
					  (m->flags & MGM_JOIN_STATE ? 1 : 0),
					  gfp);
		if (err)
			return err;
	}
	hlist_del_rcu(&m->node);
	m->own->members--;
	mn->memberships--;
	call_rcu(&m->rcu, mgm_member_free_rcu);
	if (last)
		call_rcu(&e->rcu, mgm_entry_free_rcu);
	mgm_bump_generation(mn);
	return 0;
}

/**
 * mgm_member_add - add join/forward state for a membership
 * @mn:		the namespace's table, locked
 * @own:	the ownership (protocol, interface) the membership is made by
 * @key:	the (S,G) key
 * @flags:	MGM_JOIN_STATE and/or MGM_FORWARD_STATE, validated
 *
 * Return: 0 (also when everything was there already), -ENOSPC at a limit,
 * -ENOMEM; on error nothing changed.
 */
int mgm_member_add(struct mgm_net *mn, struct mgm_own *own, u64 key, u32 flags)
{
	MA_STATE(mas, &mn->table, key, key);
	struct mgm_member *m;
	struct mgm_entry *e;
	void *value;
	int err;

	lockdep_assert_held(&mn->lock);
	value = mas_walk(&mas);
	if (!value)
		return mgm_entry_create(mn, own, key, flags);

	e = mgm_index_entry(value);
	m = mgm_entry_find(e, own);
	if (m)
		return mgm_member_set_flags(mn, e, m, key, m->flags | flags);

	if (mn->memberships >= mgm_max_memberships)
		return -ENOSPC;
	m = kmem_cache_alloc(mgm_member_cache, MGM_GFP);
	if (!m)
		return -ENOMEM;
	err = mgm_entry_set_joins(mn, e, key, e->joins +
				  (flags & MGM_JOIN_STATE ? 1 : 0), MGM_GFP);
	if (err) {
		kmem_cache_free(mgm_member_cache, m);
		return err;
	}
	m->own = own;
	m->flags = flags;
	hlist_add_head_rcu(&m->node, &e->members);
	mn->memberships++;
	own->members++;
	mgm_bump_generation(mn);
	return 0;
}

/**
 * mgm_member_delete - clear join/forward state of a membership
 * @mn:		the namespace's table, locked
 * @own:	the ownership the membership was made by
 * @key:	the (S,G) key
 * @flags:	the state to clear, validated
 *
 * The membership goes once no flag is left, the entry with its last
 * membership.
 *
 * Return: 0, -ENOENT if the membership does not exist or has none of
 * @flags, -ENOMEM; on error nothing changed.
 */
int mgm_member_delete(struct mgm_net *mn, struct mgm_own *own, u64 key,
		      u32 flags)
{
	MA_STATE(mas, &mn->table, key, key);
	struct mgm_member *m;
	struct mgm_entry *e;
	void *value;

	lockdep_assert_held(&mn->lock);
	value = mas_walk(&mas);
	if (!value)
		return -ENOENT;
	e = mgm_index_entry(value);
	m = mgm_entry_find(e, own);
	if (!m || !(m->flags & flags))
		return -ENOENT;
	if (m->flags & ~flags)
		return mgm_member_set_flags(mn, e, m, key, m->flags & ~flags);
	return mgm_member_remove(mn, e, m, key, MGM_GFP);
}

/**
 * mgm_table_purge - remove every membership made through a dying ownership
 * @mn:		the namespace's table, locked
 * @members:	how many such memberships exist (the sum of the dying
 *		ownerships' member counts): the walk stops once all are gone
 *
 * Used when an interface is released, a device goes away or a file is
 * closed: the caller marks the ownerships concerned with @dying first. One
 * ordered walk of the index serves any number of ownerships. It cannot fail.
 */
void mgm_table_purge(struct mgm_net *mn, unsigned long members)
{
	MA_STATE(mas, &mn->table, 0, 0);
	struct mgm_member *m;
	struct hlist_node *tmp;
	struct mgm_entry *e;
	unsigned int steps = 0;
	void *value;
	u64 key;

	lockdep_assert_held(&mn->lock);
	while (members) {
		value = mas_find(&mas, ULONG_MAX);
		if (WARN_ON_ONCE(!value))
			break;	/* the counts are wrong: a bug */
		e = mgm_index_entry(value);
		key = mas.index;
		hlist_for_each_entry_safe(m, tmp, &e->members, node) {
			if (!m->own->dying)
				continue;
			/* @e may be gone after this: only @tmp is used */
			WARN_ON_ONCE(mgm_member_remove(mn, e, m, key,
						       MGM_GFP_NOFAIL));
			members--;
			/* The tree changed under the walk: resume by key. */
			mas_set(&mas, key + 1);
		}
		if (++steps % 1024 == 0)
			cond_resched();
	}
}
