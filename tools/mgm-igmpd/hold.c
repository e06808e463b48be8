// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * DisableIgmp / EnableIgmp (contract D15), as the Windows IGMP does them:
 * between the two, the interface is "held": the group state machines run
 * as usual, but their membership changes are not sent to mgm, only noted
 * (a change and its opposite cancel out). On EnableIgmp every membership
 * the state wants is added again (mgm kept the old ones, so those are
 * successful no-ops) and the noted leaves are made, additions first.
 *
 * Called from the event loop only (the daemon is single-threaded).
 */
#include <stdlib.h>
#include "igmpd.h"

static long hold_find(const struct iface *ifp, uint32_t source, uint32_t group)
{
	size_t i;

	for (i = 0; i < ifp->nheld; i++)
		if (ifp->held_changes[i].source == source &&
		    ifp->held_changes[i].group == group)
			return (long)i;
	return -1;
}

void iface_hold(struct iface *ifp)
{
	ifp->held = true;
	ifp->c.igmp_disabled++;
}

bool iface_held_change(struct iface *ifp, bool join, uint32_t source,
		       uint32_t group)
{
	long i = hold_find(ifp, source, group);
	struct held_change *grown;

	if (!ifp->held)
		return false;
	if (i >= 0) {
		/* The opposite of a held change undoes it. */
		if (ifp->held_changes[i].join != join)
			ifp->held_changes[i] = ifp->held_changes[--ifp->nheld];
		return true;
	}
	if (ifp->nheld == ifp->held_cap) {
		size_t cap = ifp->held_cap ? ifp->held_cap * 2 : 16;

		grown = realloc(ifp->held_changes, cap * sizeof(*grown));
		if (!grown)
			return false;	/* made now rather than lost */
		ifp->held_changes = grown;
		ifp->held_cap = cap;
	}
	ifp->held_changes[ifp->nheld++] = (struct held_change){ source, group, join };
	return true;
}

/* Add again what @g wants installed. */
static void hold_readd_group(struct iface *ifp, const struct group *g)
{
	const struct igmpd_ops *ops = ifp->d->ops;
	uint32_t i;

	if (g->star_installed && !ops->join(ifp, 0, g->addr))
		ifp->c.readds++;
	for (i = 0; i < g->nsrcs; i++)
		if (g->srcs[i].installed && !ops->join(ifp, g->srcs[i].addr, g->addr))
			ifp->c.readds++;
}

void iface_unhold(struct iface *ifp)
{
	const struct igmpd_ops *ops = ifp->d->ops;
	struct group *g;
	uint32_t b;
	size_t i;

	if (!ifp->held)
		return;
	ifp->held = false;
	ifp->c.igmp_enabled++;
	for (b = 0; ifp->buckets && b < ifp->nbuckets; b++)
		for (g = ifp->buckets[b]; g; g = g->hnext)
			hold_readd_group(ifp, g);
	/* Counted as leaves when they were held back. */
	for (i = 0; i < ifp->nheld; i++)
		if (!ifp->held_changes[i].join)
			ops->leave(ifp, ifp->held_changes[i].source,
				   ifp->held_changes[i].group);
	ifp->nheld = 0;
}

void iface_hold_free(struct iface *ifp)
{
	free(ifp->held_changes);
	ifp->held_changes = NULL;
	ifp->nheld = 0;
	ifp->held_cap = 0;
	ifp->held = false;
}
