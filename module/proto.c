// SPDX-License-Identifier: GPL-2.0
/*
 * Protocols, interface ownership and the membership commands (contract D3, D4,
 * D10): what a file registers, the interfaces its protocols own, and the
 * teardown of all of it when the file is released or a device goes away.
 *
 * Everything here runs under the namespace's mgm_net.lock. A protocol handle
 * is an id in its file's xarray, so a handle from another file (or a stale
 * one) is simply not found. Ownerships are hashed by (ifindex, next hop);
 * at most two exist per interface: one routing protocol and one IGMP.
 * Protocols and ownerships are freed after an RCU grace period, because
 * /proc/net/mgm reads them through the memberships under RCU.
 */
#include <linux/jhash.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "key.h"
#include "mgm.h"

#define MGM_GFP			GFP_KERNEL_ACCOUNT
/* Batch records are copied in and applied this many at a time. */
#define MGM_BATCH_CHUNK		128

static u32 mgm_own_hash(u32 ifindex, __be32 nexthop)
{
	return jhash_2words(ifindex, (__force u32)nexthop, 0);
}

static struct mgm_proto *mgm_proto_lookup(struct mgm_file *mf, u32 handle)
{
	lockdep_assert_held(&mf->mn->lock);
	return xa_load(&mf->protos, handle);
}

static struct mgm_own *mgm_own_lookup(struct mgm_net *mn, struct mgm_proto *p,
				      u32 ifindex, __be32 nexthop)
{
	struct mgm_own *own;

	hash_for_each_possible(mn->owns, own, hash_node,
			       mgm_own_hash(ifindex, nexthop))
		if (own->proto == p && own->ifindex == ifindex &&
		    own->nexthop == nexthop)
			return own;
	return NULL;
}

/**
 * mgm_owners - the ownerships of an interface
 * @mn:		the namespace, locked
 * @ifindex:	the interface
 * @nexthop:	its next hop
 * @routing:	out: the routing protocol's ownership, or NULL
 * @igmp:	out: IGMP's, or NULL
 */
void mgm_owners(struct mgm_net *mn, u32 ifindex, __be32 nexthop,
		struct mgm_own **routing, struct mgm_own **igmp)
{
	struct mgm_own *own;

	lockdep_assert_held(&mn->lock);
	*routing = NULL;
	*igmp = NULL;
	hash_for_each_possible(mn->owns, own, hash_node,
			       mgm_own_hash(ifindex, nexthop)) {
		if (own->ifindex != ifindex || own->nexthop != nexthop)
			continue;
		if (mgm_proto_is_igmp(own->proto))
			*igmp = own;
		else
			*routing = own;
	}
}

/*
 * Remove everything made through @own, then @own itself (D4, D10);
 * @cause: the protocol whose call does it, or NULL.
 */
static void mgm_own_drop(struct mgm_net *mn, struct mgm_own *own,
			 const struct mgm_proto *cause)
{
	mgm_table_purge(mn, own, cause);
	WARN_ON_ONCE(!list_empty(&own->members));
	hash_del(&own->hash_node);
	list_del(&own->proto_node);
	mgm_count(mn->owns_count, -1);
	kfree_rcu(own, rcu);
}

/*
 * @own's protocol gives its interface up, by its own call (@cause) or
 * because its file is closed (@cause NULL). A routing protocol gives the
 * interface back to IGMP, if IGMP co-owns it: IGMP is told DisableIgmp
 * before and EnableIgmp after, as on Windows (D15).
 */
static void mgm_own_release(struct mgm_net *mn, struct mgm_own *own,
			    struct mgm_proto *cause)
{
	struct mgm_own *routing, *igmp = NULL;

	if (!mgm_proto_is_igmp(own->proto))
		mgm_owners(mn, own->ifindex, own->nexthop, &routing, &igmp);
	if (igmp)
		mgm_alert_igmp_disable(mn, igmp, cause);
	mgm_own_drop(mn, own, cause);
	if (igmp)
		mgm_alert_igmp_enable(mn, igmp, cause, false);
}

/* Deregister @p, which owns no interface any more. */
static void mgm_proto_drop(struct mgm_file *mf, struct mgm_proto *p)
{
	struct mgm_net *mn = mf->mn;

	xa_erase(&mf->protos, p->handle);
	list_del(&p->net_node);
	mgm_count(mn->protocols_count, -1);
	kfree_rcu(p, rcu);
}

int mgm_register(struct mgm_file *mf, struct mgm_register *arg)
{
	struct mgm_net *mn = mf->mn;
	struct mgm_proto *p, *q;
	int err;

	p = kzalloc(sizeof(*p), MGM_GFP);
	if (!p)
		return -ENOMEM;
	INIT_LIST_HEAD(&p->owns);
	p->file = mf;
	p->protocol_id = arg->protocol_id;
	p->component_id = arg->component_id;
	p->callback_flags = arg->callback_flags;

	mutex_lock(&mn->lock);
	list_for_each_entry(q, &mn->protocols, net_node) {
		if (q->protocol_id == p->protocol_id &&
		    q->component_id == p->component_id) {
			err = -EEXIST;
			goto unlock;
		}
	}
	if (mn->protocols_count >= mgm_max_protocols) {
		err = -ENOSPC;
		goto unlock;
	}
	err = xa_alloc_cyclic(&mf->protos, &p->handle, p, xa_limit_31b,
			      &mf->next_proto, MGM_GFP);
	if (err < 0)
		goto unlock;
	list_add_tail(&p->net_node, &mn->protocols);
	mgm_count(mn->protocols_count, 1);
	arg->handle = p->handle;
	mutex_unlock(&mn->lock);
	return 0;

unlock:
	mutex_unlock(&mn->lock);
	kfree(p);
	return err;
}

int mgm_deregister(struct mgm_file *mf, struct mgm_deregister *arg)
{
	struct mgm_net *mn = mf->mn;
	struct mgm_proto *p;
	int err = 0;

	if (arg->pad)
		return -EINVAL;
	mutex_lock(&mn->lock);
	p = mgm_proto_lookup(mf, arg->handle);
	if (!p)
		err = -EINVAL;
	else if (!list_empty(&p->owns))
		err = -EBUSY;	/* D4: release every interface first */
	else
		mgm_proto_drop(mf, p);
	mutex_unlock(&mn->lock);
	return err;
}

/* The new handle could not be returned: nobody can use the protocol. */
void mgm_register_undo(struct mgm_file *mf, struct mgm_register *arg)
{
	struct mgm_deregister d = { .handle = arg->handle };

	mgm_deregister(mf, &d);
}

int mgm_take_interface(struct mgm_file *mf, struct mgm_interface *arg)
{
	struct mgm_net *mn = mf->mn;
	struct mgm_own *own, *o, *igmp = NULL;
	struct mgm_proto *p;
	bool present;
	int err = 0;

	if (arg->flags)
		return -EINVAL;
	own = kzalloc(sizeof(*own), MGM_GFP);
	if (!own)
		return -ENOMEM;

	mutex_lock(&mn->lock);
	p = mgm_proto_lookup(mf, arg->handle);
	if (!p) {
		err = -EINVAL;
		goto unlock;
	}
	/*
	 * Checked under mgm_net.lock: a device unlisted after this check is
	 * reported to the notifier, which waits for the lock and then drops
	 * the ownership made here.
	 */
	rcu_read_lock();
	present = arg->ifindex <= INT_MAX &&
		  dev_get_by_index_rcu(mn->net, arg->ifindex);
	rcu_read_unlock();
	if (!present) {
		err = -ENODEV;
		goto unlock;
	}
	hash_for_each_possible(mn->owns, o, hash_node,
			       mgm_own_hash(arg->ifindex, arg->nexthop)) {
		if (o->ifindex != arg->ifindex || o->nexthop != arg->nexthop)
			continue;
		/* Taken already by this protocol, or by one of its kind. */
		if (o->proto == p ||
		    mgm_proto_is_igmp(o->proto) == mgm_proto_is_igmp(p)) {
			err = -EEXIST;
			goto unlock;
		}
		if (!mgm_proto_is_igmp(p))
			igmp = o;	/* a routing protocol joins IGMP */
	}
	if (mn->owns_count >= mgm_max_interfaces) {
		err = -ENOSPC;
		goto unlock;
	}
	/* A routing protocol takes an interface of IGMP's (D15). */
	if (igmp)
		mgm_alert_igmp_disable(mn, igmp, p);
	own->proto = p;
	own->ifindex = arg->ifindex;
	own->nexthop = arg->nexthop;
	INIT_LIST_HEAD(&own->members);
	hash_add(mn->owns, &own->hash_node,
		 mgm_own_hash(own->ifindex, own->nexthop));
	list_add_tail(&own->proto_node, &p->owns);
	mgm_count(mn->owns_count, 1);
	if (igmp)
		mgm_alert_igmp_enable(mn, igmp, p, true);
	own = NULL;
unlock:
	mutex_unlock(&mn->lock);
	kfree(own);
	return err;
}

int mgm_release_interface(struct mgm_file *mf, struct mgm_interface *arg)
{
	struct mgm_own *own = NULL;
	struct mgm_net *mn = mf->mn;
	struct mgm_proto *p;
	int err = 0;

	if (arg->flags)
		return -EINVAL;
	mutex_lock(&mn->lock);
	p = mgm_proto_lookup(mf, arg->handle);
	if (p)
		own = mgm_own_lookup(mn, p, arg->ifindex, arg->nexthop);
	if (!own) {
		err = -EINVAL;
		goto unlock;
	}
	mgm_own_release(mn, own, p);
unlock:
	mutex_unlock(&mn->lock);
	return err;
}

int mgm_get_owner(struct mgm_file *mf, struct mgm_owner_query *arg)
{
	struct mgm_own *own, *routing, *igmp;
	struct mgm_net *mn = mf->mn;
	int err = 0;

	if (arg->flags)
		return -EINVAL;
	mutex_lock(&mn->lock);
	mgm_owners(mn, arg->ifindex, arg->nexthop, &routing, &igmp);
	own = routing ?: igmp;
	if (!own) {
		err = -ENOENT;
	} else {
		arg->protocol_id = own->proto->protocol_id;
		arg->component_id = own->proto->component_id;
		arg->owners = (routing ? MGM_OWNED_BY_ROUTING : 0) |
			      (igmp ? MGM_OWNED_BY_IGMP : 0);
	}
	mutex_unlock(&mn->lock);
	return err;
}

/* One add or delete, under mgm_net.lock; shared by the single and batch forms. */
static int mgm_membership_apply(struct mgm_file *mf,
				const struct mgm_membership *rec, bool add)
{
	struct mgm_net *mn = mf->mn;
	struct mgm_proto *p;
	struct mgm_own *own;
	u64 key;
	int err;

	err = mgm_validate_flags(rec->flags);
	if (err)
		return err;
	err = mgm_validate_sg(rec->source, rec->source_mask, rec->group,
			      rec->group_mask);
	if (err)
		return err;
	p = mgm_proto_lookup(mf, rec->handle);
	if (!p)
		return -EINVAL;
	own = mgm_own_lookup(mn, p, rec->ifindex, rec->nexthop);
	if (!own)
		return -EINVAL;	/* contract D4: not an interface it owns */

	key = mgm_key(rec->source, rec->group);
	if (add)
		return mgm_member_add(mn, own, key, rec->flags);
	return mgm_member_delete(mn, own, key, rec->flags);
}

static int mgm_membership_locked(struct mgm_file *mf,
				 const struct mgm_membership *rec, bool add)
{
	int err;

	mutex_lock(&mf->mn->lock);
	err = mgm_membership_apply(mf, rec, add);
	mutex_unlock(&mf->mn->lock);
	return err;
}

int mgm_add_membership(struct mgm_file *mf, struct mgm_membership *arg)
{
	return mgm_membership_locked(mf, arg, true);
}

int mgm_delete_membership(struct mgm_file *mf, struct mgm_membership *arg)
{
	return mgm_membership_locked(mf, arg, false);
}

/*
 * Copy records @first..@first + @n - 1 of a batch into @recs. Records of
 * the size this module knows are copied in one go; a caller's longer ones
 * one by one, each of whose bytes past what this module knows must be zero
 * (copy_struct_from_user()). Return: how many were copied; *@err is set
 * for the record that stopped the copy.
 */
static unsigned int mgm_batch_copy(const struct mgm_batch *arg,
				   struct mgm_membership *recs,
				   unsigned int first, unsigned int n, int *err)
{
	const char __user *urecs = u64_to_user_ptr(arg->records);
	size_t size = arg->record_size;
	unsigned int i;
	int ret;

	*err = 0;
	if (size == sizeof(*recs)) {
		if (copy_from_user(recs, urecs + first * size, n * size)) {
			*err = -EFAULT;
			return 0;
		}
		return n;
	}
	for (i = 0; i < n; i++) {
		ret = copy_struct_from_user(&recs[i], sizeof(*recs),
					    urecs + (first + i) * size, size);
		if (ret) {
			*err = ret == -E2BIG ? -EINVAL : ret;
			return i;
		}
	}
	return n;
}

/*
 * Records are copied in a chunk at a time outside the lock, then applied
 * under it, so a batch of MGM_BATCH_MAX neither pins a large kernel buffer
 * nor holds the writers' lock for the whole call.
 */
int mgm_batch(struct mgm_file *mf, struct mgm_batch *arg)
{
	struct mgm_net *mn = mf->mn;
	struct mgm_membership *recs;
	unsigned int i, n, copied;
	int err = 0, copy_err;
	bool add;

	arg->done = 0;
	arg->error = 0;
	if (arg->flags || arg->count > MGM_BATCH_MAX ||
	    arg->record_size < sizeof(*recs) ||
	    arg->record_size > MGM_BATCH_RECORD_MAX ||
	    (arg->op != MGM_BATCH_ADD && arg->op != MGM_BATCH_DELETE)) {
		err = -EINVAL;
		goto out;
	}
	if (!arg->count)
		return 0;
	add = arg->op == MGM_BATCH_ADD;

	recs = kmalloc_array(min(arg->count, MGM_BATCH_CHUNK), sizeof(*recs),
			     MGM_GFP);
	if (!recs) {
		err = -ENOMEM;
		goto out;
	}
	while (arg->done < arg->count) {
		n = min(arg->count - arg->done, MGM_BATCH_CHUNK);
		copied = mgm_batch_copy(arg, recs, arg->done, n, &copy_err);
		mutex_lock(&mn->lock);
		for (i = 0; i < copied; i++) {
			err = mgm_membership_apply(mf, &recs[i], add);
			if (err)
				break;
			arg->done++;
		}
		mutex_unlock(&mn->lock);
		if (!err)
			err = copy_err;
		if (err)
			break;
		cond_resched();
	}
	kfree(recs);
out:
	/* uapi: @error repeats a failed batch's errno, whatever the cause. */
	arg->error = -err;
	return err;
}

/* The file is being released: everything its protocols made goes (D10). */
void mgm_file_teardown(struct mgm_file *mf)
{
	struct mgm_net *mn = mf->mn;
	struct mgm_own *own, *tmp;
	unsigned long handle;
	struct mgm_proto *p;

	mutex_lock(&mn->lock);
	/* Its protocols do not remain: nothing is told to them (D15). */
	xa_for_each(&mf->protos, handle, p)
		p->gone = true;
	xa_for_each(&mf->protos, handle, p) {
		list_for_each_entry_safe(own, tmp, &p->owns, proto_node)
			mgm_own_release(mn, own, NULL);
		mgm_proto_drop(mf, p);
	}
	mutex_unlock(&mn->lock);
	xa_destroy(&mf->protos);
}

/*
 * A device left the namespace: its ownerships and memberships go (D10).
 * Called under rtnl_mutex, so it costs what the device holds: one pass
 * over the ownerships, then each membership made on the device.
 */
void mgm_netdev_gone(struct mgm_net *mn, int ifindex)
{
	struct hlist_node *tmp;
	struct mgm_own *own;
	unsigned int bkt;

	mutex_lock(&mn->lock);
	hash_for_each_safe(mn->owns, bkt, tmp, own, hash_node)
		if (own->ifindex == ifindex)
			mgm_own_drop(mn, own, NULL);
	mutex_unlock(&mn->lock);
}
