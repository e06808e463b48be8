// SPDX-License-Identifier: GPL-2.0
/*
 * The (S,G) table of a namespace: entries and their memberships.
 *
 * Entries are found through the ordered index (index.c), keyed by
 * group << 32 | source. Each entry carries an RCU list of memberships. An
 * entry stays in the index while it has memberships; it is listed by
 * enumeration while at least one of them has join state (otherwise its
 * index value carries the hidden bit, index.h). Entries and memberships are
 * freed by call_rcu() after a grace period, and the module's exit waits for
 * those callbacks (rcu_barrier()) before destroying the caches.
 *
 * Every function here runs with the namespace's mgm_net.lock held. Every
 * change either completes or fails with nothing changed: allocations and
 * limit checks come before anything visible is modified. Removing never
 * allocates, so it never fails, which is what releasing a file, a protocol
 * or a device needs. Each membership is also on its ownership's list
 * (writers only), so that everything made through an ownership is found
 * without walking the table.
 */
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include "key.h"
#include "mgm.h"
#include "index.h"

#define MGM_GFP		GFP_KERNEL_ACCOUNT

static struct kmem_cache *mgm_entry_cache;
static struct kmem_cache *mgm_member_cache;

int mgm_table_init(void)
{
	int err;

	err = mgm_index_init();
	if (err)
		return err;
	mgm_entry_cache = KMEM_CACHE(mgm_entry, SLAB_ACCOUNT);
	mgm_member_cache = KMEM_CACHE(mgm_member_ext, SLAB_ACCOUNT);
	if (!mgm_entry_cache || !mgm_member_cache) {
		kmem_cache_destroy(mgm_member_cache);
		kmem_cache_destroy(mgm_entry_cache);
		mgm_index_exit();
		return -ENOMEM;
	}
	return 0;
}

void mgm_table_exit(void)
{
	rcu_barrier();	/* the call_rcu() frees use these caches */
	kmem_cache_destroy(mgm_member_cache);
	kmem_cache_destroy(mgm_entry_cache);
	mgm_index_exit();
}

void mgm_table_setup(struct mgm_net *mn)
{
	mgm_index_setup(&mn->table, &mn->lock);
}

void mgm_table_destroy(struct mgm_net *mn)
{
	mutex_lock(&mn->lock);
	WARN_ON_ONCE(mn->objects || mn->memberships);
	mgm_index_destroy(&mn->table);
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
			container_of(head, struct mgm_member_ext, rcu));
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

/*
 * Can the entry go from @e->joins to @joins join-state memberships? An
 * entry is listed (contract D3) while it has one, and max_entries limits the
 * listed entries, the ones MGM_IOC_STATS counts.
 */
static int mgm_entry_may_join(struct mgm_net *mn, const struct mgm_entry *e,
			      u32 joins)
{
	if (joins && !e->joins && mn->entries >= mgm_max_entries)
		return -ENOSPC;
	return 0;
}

/*
 * Set the number of join-state memberships of the entry at @pos, listing or
 * unlisting it when that number crosses zero (in place: cannot fail; the
 * limit was checked by mgm_entry_may_join()).
 */
static void mgm_entry_set_joins(struct mgm_net *mn, struct mgm_entry *e,
				struct mgm_index_pos *pos, u32 joins)
{
	if (!joins != !e->joins) {
		mgm_index_replace(pos, mgm_index_value(e, joins));
		mgm_count(mn->entries, joins ? 1 : -1);
	}
	e->joins = joins;
}

static void mgm_member_link(struct mgm_net *mn, struct mgm_entry *e,
			    struct mgm_member *m, struct mgm_own *own,
			    u32 flags)
{
	m->own = own;
	m->flags = flags;
	list_add_tail(&m->own_node, &own->members);
	hlist_add_head_rcu(&m->node, &e->members);
	mgm_count(mn->memberships, 1);
}

static int mgm_entry_create(struct mgm_net *mn, struct mgm_own *own,
			    struct mgm_index_pos *pos, u64 key, u32 flags)
{
	u32 joins = flags & MGM_JOIN_STATE ? 1 : 0;
	struct mgm_entry *e;
	int err;

	if ((joins && mn->entries >= mgm_max_entries) ||
	    mn->memberships >= mgm_max_memberships)
		return -ENOSPC;

	e = kmem_cache_alloc(mgm_entry_cache, MGM_GFP);
	if (!e)
		return -ENOMEM;
	INIT_HLIST_HEAD(&e->members);
	e->key = key;
	e->joins = joins;
	e->first.embedded = true;
	/* Not linked to @own before the insert is sure: undo needs nothing. */
	e->first.own = own;
	e->first.flags = flags;
	hlist_add_head_rcu(&e->first.node, &e->members);

	/* Publishes the entry: readers may see it from here on. */
	err = mgm_index_insert(&mn->table, pos, key,
			       mgm_index_value(e, joins), MGM_GFP);
	if (err) {
		kmem_cache_free(mgm_entry_cache, e);
		return err;
	}
	list_add_tail(&e->first.own_node, &own->members);
	mgm_count(mn->objects, 1);
	mgm_count(mn->entries, joins);
	mgm_count(mn->memberships, 1);
	mgm_bump_generation(mn);
	mgm_alert_member(mn, e, &e->first, 0, flags, own->proto);
	return 0;
}

/* Change the flags of an existing membership to @flags (not zero). */
static int mgm_member_set_flags(struct mgm_net *mn, struct mgm_entry *e,
				struct mgm_member *m,
				struct mgm_index_pos *pos, u32 flags)
{
	u32 joins = e->joins, old = m->flags;
	int err;

	if (flags == m->flags)
		return 0;
	if ((flags & MGM_JOIN_STATE) && !(m->flags & MGM_JOIN_STATE))
		joins++;
	else if (!(flags & MGM_JOIN_STATE) && (m->flags & MGM_JOIN_STATE))
		joins--;
	err = mgm_entry_may_join(mn, e, joins);
	if (err)
		return err;
	mgm_entry_set_joins(mn, e, pos, joins);
	WRITE_ONCE(m->flags, flags);
	mgm_bump_generation(mn);
	mgm_alert_member(mn, e, m, old, flags, m->own->proto);
	return 0;
}

/*
 * Remove membership @m of the entry at @pos, and the entry with its last
 * one; @cause made the change (NULL: nobody's call did).
 */
static void mgm_member_remove(struct mgm_net *mn, struct mgm_entry *e,
			      struct mgm_member *m, struct mgm_index_pos *pos,
			      const struct mgm_proto *cause)
{
	bool last = e->members.first == &m->node && !m->node.next;

	if (last) {
		mgm_index_remove(&mn->table, pos);
		mgm_count(mn->objects, -1);
		if (e->joins)
			mgm_count(mn->entries, -1);
		e->joins = 0;
	} else {
		mgm_entry_set_joins(mn, e, pos, e->joins -
				    (m->flags & MGM_JOIN_STATE ? 1 : 0));
	}
	hlist_del_rcu(&m->node);
	list_del(&m->own_node);
	mgm_count(mn->memberships, -1);
	mgm_bump_generation(mn);
	/* Before the frees: from there on a grace period may end. */
	mgm_alert_member(mn, e, m, m->flags, 0, cause);
	if (!m->embedded)	/* the first goes with the entry */
		call_rcu(&container_of(m, struct mgm_member_ext, m)->rcu,
			 mgm_member_free_rcu);
	if (last)
		call_rcu(&e->rcu, mgm_entry_free_rcu);
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
	u32 joins = flags & MGM_JOIN_STATE ? 1 : 0;
	struct mgm_index_pos pos;
	struct mgm_member_ext *ext;
	struct mgm_member *m;
	struct mgm_entry *e;
	void *value;
	int err;

	lockdep_assert_held(&mn->lock);
	value = mgm_index_lookup(&mn->table, key, &pos);
	if (!value)
		return mgm_entry_create(mn, own, &pos, key, flags);

	e = mgm_index_entry(value);
	m = mgm_entry_find(e, own);
	if (m)
		return mgm_member_set_flags(mn, e, m, &pos, m->flags | flags);

	if (mn->memberships >= mgm_max_memberships)
		return -ENOSPC;
	err = mgm_entry_may_join(mn, e, e->joins + joins);
	if (err)
		return err;
	ext = kmem_cache_alloc(mgm_member_cache, MGM_GFP);
	if (!ext)
		return -ENOMEM;
	ext->entry = e;
	ext->m.embedded = false;
	mgm_entry_set_joins(mn, e, &pos, e->joins + joins);
	mgm_member_link(mn, e, &ext->m, own, flags);
	mgm_bump_generation(mn);
	mgm_alert_member(mn, e, &ext->m, 0, flags, own->proto);
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
 * Return: 0, or -ENOENT (nothing changed) if the membership does not exist
 * or has none of @flags.
 */
int mgm_member_delete(struct mgm_net *mn, struct mgm_own *own, u64 key,
		      u32 flags)
{
	struct mgm_index_pos pos;
	struct mgm_member *m;
	struct mgm_entry *e;
	void *value;

	lockdep_assert_held(&mn->lock);
	value = mgm_index_lookup(&mn->table, key, &pos);
	if (!value)
		return -ENOENT;
	e = mgm_index_entry(value);
	m = mgm_entry_find(e, own);
	if (!m || !(m->flags & flags))
		return -ENOENT;
	if (m->flags & ~flags)	/* clearing state never reaches a limit */
		mgm_member_set_flags(mn, e, m, &pos, m->flags & ~flags);
	else
		mgm_member_remove(mn, e, m, &pos, own->proto);
	return 0;
}

/**
 * mgm_table_purge - remove every membership made through an ownership
 * @mn:		the namespace's table, locked
 * @own:	the ownership, being released (its interface released, its
 *		device gone, or its file closed)
 * @cause:	the protocol whose call releases it, or NULL
 *
 * The removals are told (alerts.c) like deletes, to the protocols that
 * remain.
 * Costs what @own holds: each membership is found through @own's list and
 * its entry through one lookup of the entry's key. It cannot fail.
 */
void mgm_table_purge(struct mgm_net *mn, struct mgm_own *own,
		     const struct mgm_proto *cause)
{
	struct mgm_index_pos pos;
	struct mgm_member *m, *tmp;
	struct mgm_entry *e;
	unsigned int steps = 0;

	lockdep_assert_held(&mn->lock);
	list_for_each_entry_safe(m, tmp, &own->members, own_node) {
		e = mgm_member_entry(m);
		if (WARN_ON_ONCE(!mgm_index_lookup(&mn->table, e->key, &pos)))
			break;	/* the entry is not where its key says: a bug */
		mgm_member_remove(mn, e, m, &pos, cause);
		if (++steps % 256 == 0)
			cond_resched();
	}
}
