// SPDX-License-Identifier: GPL-2.0
/*
 * Who is told what (docs/contract.md, D15): the Windows MGM callbacks as
 * events, worked out from each change of state and queued on the files of
 * the protocols concerned (events.c), plus the table records that
 * monitoring files receive for every membership change.
 *
 * Everything here runs under mgm_net.lock, after the change it reports was
 * applied (and the generation bumped), before anything it looks at can be
 * freed. "The protocols of an entry" are those with a membership with join
 * state on it, counted per protocol. The protocol whose call caused a
 * change (@cause) is never told about it, except of LocalJoins on taking
 * an interface; protocols of a file being closed are told nothing.
 *
 * The forwarder's MFE reports (mgm_mfe_report(), D19) are told the same
 * way, under the same lock, from the ownerships at that moment; they
 * change no membership, so the table and its generation stay as they are.
 */
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <net/route.h>
#include "key.h"
#include "mgm.h"

static void mgm_event_fill(struct mgm_net *mn, struct mgm_evslot *ev,
			   u16 type, u8 flags, u64 key,
			   const struct mgm_own *where,
			   const struct mgm_proto *by)
{
	memset(ev, 0, sizeof(*ev));
	ev->seq = ++mn->event_seq;
	ev->generation = mn->generation;
	ev->type = type;
	ev->flags = flags;
	ev->key = key;
	if (where) {
		ev->ifindex = where->ifindex;
		ev->nexthop = where->nexthop;
	}
	if (by) {
		ev->protocol_id = by->protocol_id;
		ev->component_id = by->component_id;
	}
}

/* One event for protocol @to on its file, naming @by as its cause. */
static void mgm_tell_by(struct mgm_net *mn, struct mgm_proto *to,
			const struct mgm_proto *by, u16 type, u8 flags,
			u64 key, const struct mgm_own *where)
{
	struct mgm_evslot ev;

	if (!to || to->gone || !mgm_evq_wants(to->file, MGM_SUBSCRIBE_ALERTS))
		return;
	mgm_event_fill(mn, &ev, type, flags, key, where, by);
	ev.handle = to->handle;
	mgm_evq_push(to->file, &ev);
}

/* Tell protocol @to, unless it is @cause, whose call caused the change. */
static void mgm_tell(struct mgm_net *mn, struct mgm_proto *to,
		     const struct mgm_proto *cause, u16 type, u8 flags,
		     u64 key, const struct mgm_own *where)
{
	if (to != cause)
		mgm_tell_by(mn, to, cause, type, flags, key, where);
}

/* Tell every registered protocol but @except (and @cause). */
static void mgm_tell_all(struct mgm_net *mn, const struct mgm_proto *except,
			 const struct mgm_proto *cause, u16 type, u8 flags,
			 u64 key, const struct mgm_own *where)
{
	struct mgm_proto *p;

	list_for_each_entry(p, &mn->protocols, net_node)
		if (p != except)
			mgm_tell(mn, p, cause, type, flags, key, where);
}

/* Has @p a membership with join state on @e other than @skip? */
static bool mgm_proto_joined(const struct mgm_entry *e,
			     const struct mgm_proto *p,
			     const struct mgm_member *skip)
{
	const struct mgm_member *m;

	hlist_for_each_entry(m, &e->members, node)
		if (m != skip && m->own->proto == p &&
		    (m->flags & MGM_JOIN_STATE))
			return true;
	return false;
}

/*
 * The protocols of @e: 0, 1 or 2 of them (in *@first and *@second), or 3
 * for three or more.
 */
static unsigned int mgm_entry_protocols(const struct mgm_entry *e,
					struct mgm_proto **first,
					struct mgm_proto **second)
{
	const struct mgm_member *m;
	struct mgm_proto *p;

	*first = NULL;
	*second = NULL;
	hlist_for_each_entry(m, &e->members, node) {
		if (!(m->flags & MGM_JOIN_STATE))
			continue;
		p = m->own->proto;
		if (!*first || p == *first)
			*first = p;
		else if (!*second || p == *second)
			*second = p;
		else
			return 3;
	}
	return !!*first + !!*second;
}

/* The owner of an interface: its routing owner, else IGMP, else NULL. */
static struct mgm_proto *mgm_if_owner(struct mgm_net *mn, u32 ifindex,
				      __be32 nexthop)
{
	struct mgm_own *routing, *igmp;

	if (!ifindex)
		return NULL;
	mgm_owners(mn, ifindex, nexthop, &routing, &igmp);
	if (routing)
		return routing->proto;
	return igmp ? igmp->proto : NULL;
}

/*
 * The owner of the interface of the namespace's unicast route to @source
 * now. NULL without a route or an owner.
 */
static struct mgm_proto *mgm_rpf_owner(struct mgm_net *mn, u32 source)
{
	struct flowi4 fl4 = { .daddr = htonl(source) };
	struct rtable *rt;
	int ifindex;

	rt = ip_route_output_key(mn->net, &fl4);
	if (IS_ERR(rt))
		return NULL;
	ifindex = rt->dst.dev->ifindex;
	ip_rt_put(rt);
	return mgm_if_owner(mn, ifindex, 0);
}

static void mgm_alert_table(struct mgm_net *mn, const struct mgm_entry *e,
			    const struct mgm_member *m, u32 old, u32 new)
{
	struct mgm_evslot ev;
	struct mgm_file *mf;

	list_for_each_entry(mf, &mn->table_subscribers, table_node) {
		mgm_event_fill(mn, &ev, MGM_EVENT_TABLE,
			       (old ? 0 : MGM_EVENT_NEW) |
			       (new ? 0 : MGM_EVENT_GONE),
			       e->key, m->own, m->own->proto);
		ev.member_flags = new;
		mgm_evq_push(mf, &ev);
	}
}

/**
 * mgm_alert_member - a membership changed
 * @mn:		the namespace, locked
 * @e:		its entry, whose @joins and membership list are up to date
 * @m:		the membership (already out of @e's list when it is gone)
 * @old:	its flags before (0: it did not exist)
 * @new:	its flags now (0: it is gone)
 * @cause:	the protocol whose call made the change, or NULL
 */
void mgm_alert_member(struct mgm_net *mn, struct mgm_entry *e,
		      struct mgm_member *m, u32 old, u32 new,
		      const struct mgm_proto *cause)
{
	bool joined = new & MGM_JOIN_STATE, left = old & MGM_JOIN_STATE;
	struct mgm_proto *p = m->own->proto, *a, *b, *rpf;
	struct mgm_own *routing, *igmp;
	unsigned int n;

	lockdep_assert_held(&mn->lock);
	if (!list_empty(&mn->table_subscribers))
		mgm_alert_table(mn, e, m, old, new);
	if (joined == left || !mn->alert_subscribers)
		return;

	/* IGMP joined or left on an interface a routing protocol owns too. */
	if (mgm_proto_is_igmp(p)) {
		mgm_owners(mn, m->own->ifindex, m->own->nexthop, &routing, &igmp);
		if (routing)
			mgm_tell(mn, routing->proto, cause,
				 joined ? MGM_EVENT_LOCAL_JOIN :
					  MGM_EVENT_LOCAL_LEAVE,
				 0, e->key, m->own);
	}

	if (mgm_key_source(e->key)) {
		/* (S,G): its first member came or its last went. */
		if (e->joins != (joined ? 1 : 0))
			return;
		rpf = mgm_rpf_owner(mn, mgm_key_source(e->key));
		mgm_tell(mn, rpf, cause,
			 joined ? MGM_EVENT_JOIN_ALERT : MGM_EVENT_PRUNE_ALERT,
			 MGM_EVENT_MEMBER, e->key, joined ? NULL : m->own);
		return;
	}

	/* (*,G) and (*,*): the number of its protocols changed? */
	if (mgm_proto_joined(e, p, m))
		return;
	n = mgm_entry_protocols(e, &a, &b);
	if (joined && n == 1)		/* 0 -> 1: everybody else */
		mgm_tell_all(mn, p, cause, MGM_EVENT_JOIN_ALERT,
			     MGM_EVENT_MEMBER, e->key, NULL);
	else if (joined && n == 2)	/* 1 -> 2: the one that was there */
		mgm_tell(mn, a == p ? b : a, cause, MGM_EVENT_JOIN_ALERT,
			 MGM_EVENT_MEMBER, e->key, NULL);
	else if (!joined && n == 1)	/* 2 -> 1: the one that remains */
		mgm_tell(mn, a, cause, MGM_EVENT_PRUNE_ALERT,
			 MGM_EVENT_MEMBER, e->key, m->own);
	else if (!joined && n == 0)	/* 1 -> 0: everybody else */
		mgm_tell_all(mn, p, cause, MGM_EVENT_PRUNE_ALERT,
			     MGM_EVENT_MEMBER, e->key, m->own);
}

/*
 * Routing protocol @taker is about to take (@taking) or release
 * (!@taking) @own's interface, which IGMP co-owns through @igmp: IGMP is
 * told DisableIgmp now. @taker is NULL when the routing protocol's file
 * is being closed: nobody's call, so no protocol is named.
 */
void mgm_alert_igmp_disable(struct mgm_net *mn, struct mgm_own *igmp,
			    const struct mgm_proto *taker)
{
	mgm_tell(mn, igmp->proto, taker, MGM_EVENT_DISABLE_IGMP, 0, 0, igmp);
}

/*
 * ... and it is done: IGMP is told EnableIgmp; a protocol that took the
 * interface gets one LocalJoin for each membership IGMP has there with join
 * state, so that it misses nothing that came before it.
 */
void mgm_alert_igmp_enable(struct mgm_net *mn, struct mgm_own *igmp,
			   struct mgm_proto *taker, bool taking)
{
	struct mgm_member *m;

	mgm_tell(mn, igmp->proto, taker, MGM_EVENT_ENABLE_IGMP, 0, 0, igmp);
	if (!taking)
		return;
	list_for_each_entry(m, &igmp->members, own_node)
		if (m->flags & MGM_JOIN_STATE)
			mgm_tell_by(mn, taker, igmp->proto,
				    MGM_EVENT_LOCAL_JOIN, 0,
				    mgm_member_entry(m)->key, igmp);
}

/* --- MFE reports (D19) ------------------------------------------------------ */

/* Does @to's file take the MFE callbacks (MGM_SUBSCRIBE_MFE)? */
static bool mgm_alerted(const struct mgm_proto *to)
{
	return to && !to->gone && mgm_evq_wants(to->file, MGM_SUBSCRIBE_MFE);
}

static void mgm_mfe_fill(struct mgm_net *mn, struct mgm_evslot *ev,
			 const struct mgm_proto *to, u16 type,
			 const struct mgm_mfe_report *r)
{
	mgm_event_fill(mn, ev, type, MGM_EVENT_MFE,
		       mgm_key(r->source, r->group), NULL, NULL);
	ev->handle = to->handle;
	ev->in_ifindex = r->in_ifindex;
	ev->in_nexthop = r->in_nexthop;
}

/* One event of an MFE for @to; whether @to receives its alerts. */
static bool mgm_mfe_tell(struct mgm_net *mn, struct mgm_proto *to, u16 type,
			 const struct mgm_mfe_report *r, u32 ifindex,
			 __be32 nexthop)
{
	struct mgm_evslot ev;

	if (!mgm_alerted(to))
		return false;
	mgm_mfe_fill(mn, &ev, to, type, r);
	ev.ifindex = ifindex;
	ev.nexthop = nexthop;
	if (type == MGM_EVENT_PRUNE_ALERT)	/* @ifindex is the incoming one */
		ev.timeout = r->timeout;
	mgm_evq_push(to->file, &ev);
	return true;
}

/*
 * One CreationAlert to each owner of outgoing interfaces, listing its own,
 * in the order of @out; @slots has room for @n records. Returns the owners
 * told.
 */
static u32 mgm_mfe_tell_created(struct mgm_net *mn,
				const struct mgm_mfe_report *r,
				const struct mgm_mfe_out *out, unsigned int n,
				struct mgm_evslot *slots)
{
	struct mgm_proto *owner[MGM_MFE_MAX_OUT], *p;
	unsigned int i, j, k;
	u32 told = 0;

	for (i = 0; i < n; i++)
		owner[i] = mgm_if_owner(mn, out[i].ifindex, out[i].nexthop);
	for (i = 0; i < n; i++) {
		p = owner[i];
		if (!p)
			continue;
		for (j = i, k = 0; j < n; j++) {
			if (owner[j] != p)
				continue;
			owner[j] = NULL;
			if (!mgm_alerted(p))
				continue;
			mgm_mfe_fill(mn, &slots[k], p,
				     MGM_EVENT_CREATION_ALERT, r);
			slots[k].ifindex = out[j].ifindex;
			slots[k].nexthop = out[j].nexthop;
			if (k)
				slots[k - 1].flags |= MGM_EVENT_MORE;
			k++;
		}
		if (k) {
			mgm_evq_push_all(p->file, slots, k);
			told++;
		}
	}
	return told;
}

static int mgm_mfe_validate(const struct mgm_mfe_report *r)
{
	bool created = r->kind == MGM_MFE_CREATED;
	bool wrong_if = r->kind == MGM_MFE_WRONG_IF;

	if (r->kind < MGM_MFE_CREATED || r->kind > MGM_MFE_WRONG_IF ||
	    r->flags || r->pad)
		return -EINVAL;
	if (!mgm_addr_is_unicast(be32_to_cpu(r->source)) ||
	    !mgm_addr_is_multicast(be32_to_cpu(r->group)))
		return -EINVAL;
	if (!r->in_ifindex && r->in_nexthop)
		return -EINVAL;
	if (wrong_if ? !r->ifindex : r->ifindex || r->nexthop)
		return -EINVAL;
	if (r->kind != MGM_MFE_EMPTIED && r->timeout)
		return -EINVAL;
	if (!created && r->out_count)
		return -EINVAL;
	if (!r->out_count && r->out_list)
		return -EINVAL;
	if (r->out_count > MGM_MFE_MAX_OUT)
		return -E2BIG;
	return 0;
}

/* Each outgoing interface is one, listed once, and not the incoming one. */
static int mgm_mfe_validate_out(const struct mgm_mfe_report *r,
				const struct mgm_mfe_out *out)
{
	unsigned int i, j;

	for (i = 0; i < r->out_count; i++) {
		if (!out[i].ifindex)
			return -EINVAL;
		if (out[i].ifindex == r->in_ifindex &&
		    out[i].nexthop == r->in_nexthop)
			return -EINVAL;
		for (j = 0; j < i; j++)
			if (out[j].ifindex == out[i].ifindex &&
			    out[j].nexthop == out[i].nexthop)
				return -EINVAL;
	}
	return 0;
}

/**
 * mgm_mfe_report - the forwarder reports what happened to an MFE
 *	(MGM_IOC_MFE_REPORT): tell the protocols D19 names
 * @mf:		the forwarder's file
 * @arg:	the report; @told is set to the protocols told
 */
int mgm_mfe_report(struct mgm_file *mf, struct mgm_mfe_report *arg)
{
	struct mgm_mfe_out out[MGM_MFE_MAX_OUT];
	struct mgm_evslot *slots = NULL;
	struct mgm_net *mn = mf->mn;
	struct mgm_proto *in_owner;
	int ret;

	ret = mgm_mfe_validate(arg);
	if (ret)
		return ret;
	if (arg->out_count) {
		if (copy_from_user(out, u64_to_user_ptr(arg->out_list),
				   arg->out_count * sizeof(out[0])))
			return -EFAULT;
		ret = mgm_mfe_validate_out(arg, out);
		if (ret)
			return ret;
		slots = kmalloc_array(arg->out_count, sizeof(*slots),
				      GFP_KERNEL);
		if (!slots)
			return -ENOMEM;
	}

	arg->told = 0;
	mutex_lock(&mn->lock);
	in_owner = mgm_if_owner(mn, arg->in_ifindex, arg->in_nexthop);
	switch (arg->kind) {
	case MGM_MFE_CREATED:
		arg->told += mgm_mfe_tell(mn, in_owner, MGM_EVENT_RPF, arg,
					  0, 0);
		arg->told += mgm_mfe_tell_created(mn, arg, out, arg->out_count,
						  slots);
		break;
	case MGM_MFE_EMPTIED:
		arg->told += mgm_mfe_tell(mn, in_owner, MGM_EVENT_PRUNE_ALERT,
					  arg, arg->in_ifindex,
					  arg->in_nexthop);
		break;
	case MGM_MFE_FILLED:
		arg->told += mgm_mfe_tell(mn, in_owner, MGM_EVENT_JOIN_ALERT,
					  arg, 0, 0);
		break;
	case MGM_MFE_WRONG_IF:
		arg->told += mgm_mfe_tell(mn, mgm_if_owner(mn, arg->ifindex,
							   arg->nexthop),
					  MGM_EVENT_WRONG_IF, arg,
					  arg->ifindex, arg->nexthop);
		break;
	}
	mutex_unlock(&mn->lock);
	kfree(slots);
	return 0;
}
