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
 */
#include <linux/netdevice.h>
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

/*
 * The protocol owning the interface of the namespace's unicast route to
 * @source now: its routing owner, else IGMP. NULL without a route or an
 * owner.
 */
static struct mgm_proto *mgm_rpf_owner(struct mgm_net *mn, u32 source)
{
	struct flowi4 fl4 = { .daddr = htonl(source) };
	struct mgm_own *routing, *igmp;
	struct rtable *rt;
	int ifindex;

	rt = ip_route_output_key(mn->net, &fl4);
	if (IS_ERR(rt))
		return NULL;
	ifindex = rt->dst.dev->ifindex;
	ip_rt_put(rt);
	mgm_owners(mn, ifindex, 0, &routing, &igmp);
	if (routing)
		return routing->proto;
	return igmp ? igmp->proto : NULL;
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
