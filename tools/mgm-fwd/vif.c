// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel's VIFs (D18): one per interface that a protocol owns in mgm
 * (MGM_IOC_GET_OWNER says so), by ifindex, never more than the kernel's
 * MAXVIFS (an interface past it is refused with a message and counted).
 * vifs_sync() compares what the namespace has with what the VIF table
 * holds and adds or deletes the difference; main.c calls it at start, on
 * link notifications, for an event about an interface without a VIF and
 * once a second (mgm has no event for an ownership change). A VIF that
 * goes takes its interface out of every MFE at once (mfe_all_changed), so
 * no MFC entry ever points at a VIF number that a later interface reuses.
 * One thread.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "fwd.h"

int vif_of(const struct fwd_vifs *v, int ifindex)
{
	int i;

	for (i = 0; ifindex > 0 && i < FWD_MAX_VIFS; i++)
		if (v->vif[i].ifindex == ifindex)
			return i;
	return -1;
}

/* Does a protocol own @ifindex (next hop 0: a broadcast interface)? */
static bool owned(const struct fwd *f, int ifindex)
{
	struct mgm_owner_query q = { .ifindex = (uint32_t)ifindex };

	return !ioctl(f->mgm_fd, MGM_IOC_GET_OWNER, &q) && q.owners;
}

static bool wanted(const struct fwd *f, const struct if_nameindex *all, int ifindex)
{
	for (; all && all->if_index; all++)
		if ((int)all->if_index == ifindex)
			return owned(f, ifindex);
	return false;
}

/* Is this the first time @ifindex is refused? Then remember it. */
static bool first_refusal(struct fwd_vifs *v, int ifindex)
{
	unsigned int i;

	for (i = 0; i < v->refused_count; i++)
		if (v->refused[i] == ifindex)
			return false;
	v->refused[v->refused_count++ % FWD_REFUSED_KEPT] = ifindex;
	if (v->refused_count > FWD_REFUSED_KEPT)
		v->refused_count = FWD_REFUSED_KEPT;
	return true;
}

static void vif_drop(struct fwd *f, int vifi)
{
	struct fwd_vif *v = &f->vifs.vif[vifi];

	fwd_log(f, "vif %d: %s (ifindex %d) removed", vifi, v->name, v->ifindex);
	memset(v, 0, sizeof(*v));
	mfe_vif_gone(f, vifi);
	f->vifs.count--;
	f->c.vifs_removed++;
}

void vifs_sync(struct fwd *f)
{
	struct if_nameindex *all = if_nameindex(), *i;
	bool changed = false;
	int vifi;

	if (!all)
		return;		/* no memory: the next sync tries again */
	for (vifi = 0; vifi < FWD_MAX_VIFS; vifi++) {
		struct fwd_vif *v = &f->vifs.vif[vifi];

		if (!v->ifindex || wanted(f, all, v->ifindex))
			continue;
		/* Released, or gone (then the kernel deleted it already). */
		mroute_del_vif(f, vifi, v->ifindex);
		vif_drop(f, vifi);
		changed = true;
	}
	for (i = all; i->if_index; i++) {
		int ifindex = (int)i->if_index;

		if (vif_of(&f->vifs, ifindex) >= 0 || !owned(f, ifindex))
			continue;
		for (vifi = 0; vifi < FWD_MAX_VIFS && f->vifs.vif[vifi].ifindex; vifi++)
			;
		if (vifi == FWD_MAX_VIFS) {
			/* Counted and told once per interface. */
			if (first_refusal(&f->vifs, ifindex)) {
				f->c.vifs_refused++;
				fwd_log(f, "%s: no VIF for it: the kernel's limit of %d VIFs is reached",
					i->if_name, FWD_MAX_VIFS);
			}
			continue;
		}
		if (mroute_add_vif(f, vifi, ifindex))
			continue;	/* logged; tried again next sync */
		f->vifs.vif[vifi].ifindex = ifindex;
		snprintf(f->vifs.vif[vifi].name, sizeof(f->vifs.vif[vifi].name),
			 "%s", i->if_name);
		f->vifs.count++;
		f->c.vifs_added++;
		fwd_log(f, "vif %d: %s (ifindex %d) added", vifi, i->if_name, ifindex);
		changed = true;
	}
	if_freenameindex(all);
	if (changed)
		mfe_all_changed(f);
}
