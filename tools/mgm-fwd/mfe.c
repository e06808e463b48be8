// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The MFEs (D19), kept equal to the kernel's MFC: an MFE is made when the
 * kernel reports the first packet of an (S,G) it has no entry for
 * (NOCACHE), with the RPF interface towards S as its incoming interface
 * and, as outgoing interfaces, the VIFs of every interface with a
 * forwarding membership on (S,G), (*,G) or (*,*), minus the incoming one.
 * Every change of those memberships, and of the VIFs, recomputes the MFEs
 * it concerns and replaces their MFC entries at once (a join reaches a
 * flow that is already running, a leave stops it). An MFE with no
 * outgoing interface stays, as a negative entry that drops, until it has
 * been idle for the timeout. Idle: its kernel packet count did not grow.
 *
 * What callbacks answered (ctl.c) stays with the MFE until it goes: an
 * Rpf callee's incoming interface, the outgoing interfaces a CreationAlert
 * callee disabled (until a membership adds one again), a PruneAlert
 * callee's timeout. Its creation, and its outgoing list emptying or
 * filling, are reported to the module (report.c) for the callbacks.
 *
 * Two hashes of the same MFEs: by (S,G), and by G (a (*,G) membership
 * changes every MFE of G). At most max_mfes: NOCACHE upcalls past it are
 * counted and left to the kernel, which drops their queued packets when
 * its unresolved entry times out (10 s). One thread.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "fwd.h"

static size_t mfe_hash(uint32_t source, uint32_t group)
{
	uint64_t x = ((uint64_t)source << 32 | group) * 0x9e3779b97f4a7c15ull;

	return (size_t)(x >> 24);
}

static size_t group_hash(uint32_t group)
{
	return (size_t)(((uint64_t)group * 0x9e3779b97f4a7c15ull) >> 24);
}

int mfes_init(struct fwd_mfes *t)
{
	memset(t, 0, sizeof(*t));
	t->bucket_count = 4096;
	t->buckets = calloc(t->bucket_count, sizeof(*t->buckets));
	t->gbuckets = calloc(t->bucket_count, sizeof(*t->gbuckets));
	if (!t->buckets || !t->gbuckets) {
		free(t->buckets);
		free(t->gbuckets);
		return -ENOMEM;
	}
	return 0;
}

struct fwd_mfe *mfe_find(const struct fwd *f, uint32_t source, uint32_t group)
{
	struct fwd_mfe *e = f->mfes.buckets[mfe_hash(source, group) &
					    (f->mfes.bucket_count - 1)];

	while (e && (e->source != source || e->group != group))
		e = e->next;
	return e;
}

/* Double both tables at two MFEs per bucket. */
static void mfes_grow(struct fwd_mfes *t)
{
	size_t n = t->bucket_count * 2, i;
	struct fwd_mfe **b = calloc(n, sizeof(*b)), **g = calloc(n, sizeof(*g));

	if (!b || !g) {
		free(b);
		free(g);
		return;		/* longer chains, still correct */
	}
	for (i = 0; i < t->bucket_count; i++)
		while (t->buckets[i]) {
			struct fwd_mfe *e = t->buckets[i];
			size_t h = mfe_hash(e->source, e->group) & (n - 1);
			size_t gh = group_hash(e->group) & (n - 1);

			t->buckets[i] = e->next;
			e->next = b[h];
			b[h] = e;
			e->gnext = g[gh];
			g[gh] = e;
		}
	free(t->buckets);
	free(t->gbuckets);
	t->buckets = b;
	t->gbuckets = g;
	t->bucket_count = n;
}

static void mfe_unlink(struct fwd *f, struct fwd_mfe *e)
{
	struct fwd_mfes *t = &f->mfes;
	struct fwd_mfe **p = &t->buckets[mfe_hash(e->source, e->group) &
					 (t->bucket_count - 1)];

	while (*p != e)
		p = &(*p)->next;
	*p = e->next;
	p = &t->gbuckets[group_hash(e->group) & (t->bucket_count - 1)];
	while (*p != e)
		p = &(*p)->gnext;
	*p = e->gnext;
	t->count--;
	free(e);
}

void mfes_free(struct fwd *f)
{
	size_t i;

	for (i = 0; f->mfes.buckets && i < f->mfes.bucket_count; i++)
		while (f->mfes.buckets[i])
			mfe_unlink(f, f->mfes.buckets[i]);
	free(f->mfes.buckets);
	free(f->mfes.gbuckets);
	memset(&f->mfes, 0, sizeof(f->mfes));
}

/* Add the VIFs of @m's forwarding interfaces to *@oifs. */
static void add_oifs(const struct fwd *f, const struct fwd_entry *m, uint32_t *oifs)
{
	size_t i;

	for (i = 0; m && i < m->n; i++) {
		int vifi = vif_of(&f->vifs, m->oifs[i].ifindex);

		if (vifi >= 0)
			*oifs |= 1u << vifi;
	}
}

/*
 * The VIFs with a forwarding membership on (S,G), (*,G) or (*,*); D19
 * takes the incoming one out (mfe_update()).
 */
static uint32_t oifs_of(const struct fwd *f, uint32_t source, uint32_t group)
{
	uint32_t oifs = 0;

	add_oifs(f, members_entry(&f->members, source, group), &oifs);
	add_oifs(f, members_entry(&f->members, 0, group), &oifs);
	add_oifs(f, members_entry(&f->members, 0, 0), &oifs);
	return oifs;
}

unsigned int mfe_oif_ifindexes(const struct fwd *f, const struct fwd_mfe *e,
			       uint32_t ifindex[FWD_MAX_VIFS])
{
	unsigned int n = 0;
	int v;

	for (v = 0; v < FWD_MAX_VIFS; v++)
		if (e->oifs & (1u << v) && f->vifs.vif[v].ifindex)
			ifindex[n++] = (uint32_t)f->vifs.vif[v].ifindex;
	return n;
}

int mfe_incoming(const struct fwd_mfe *e)
{
	return e->rpf_iif ? e->rpf_iif : e->iif;
}

uint64_t mfe_timeout_ms(const struct fwd *f, const struct fwd_mfe *e)
{
	return e->timeout_ms ? e->timeout_ms : f->timeout_ms;
}

/*
 * Bring @e to what the memberships and VIFs say now; install it when
 * that changed or it is not installed. A VIF of the incoming interface
 * that appeared or went changes its parent. False when @e is gone.
 */
static bool mfe_update(struct fwd *f, struct fwd_mfe *e)
{
	int parent = vif_of(&f->vifs, mfe_incoming(e));
	bool rpf = parent >= 0;
	uint32_t oifs, old;

	/* No VIF towards S: a negative entry on the VIF it came on. */
	if (!rpf)
		parent = vif_of(&f->vifs, e->arrival);
	if (parent < 0) {
		/* Neither has a VIF any more: nothing can match it. */
		if (e->installed)
			mroute_del_mfc(f, e);
		mfe_unlink(f, e);
		return false;
	}
	oifs = rpf ? oifs_of(f, e->source, e->group) & ~e->disabled : 0;
	oifs &= ~(1u << parent);	/* never out of the interface it comes in on */
	if (e->installed && oifs == e->oifs && parent == e->parent)
		return true;
	/* MRT_ADD_MFC replaces the (S,G) entry, its parent included. */
	old = e->oifs;
	e->oifs = oifs;
	e->parent = parent;
	e->installed = !mroute_add_mfc(f, e);
	if (e->told)
		report_oifs(f, e, old);
	return true;
}

void mfe_nocache(struct fwd *f, uint32_t source, uint32_t group, int vifi)
{
	struct fwd_mfes *t = &f->mfes;
	struct fwd_mfe *e = mfe_find(f, source, group);
	uint64_t now = fwd_now_ms();
	struct fwd_route route;
	size_t h, gh;

	if (e) {
		/* The kernel has none though we do: install it again. */
		e->installed = false;
		mfe_update(f, e);
		return;
	}
	if (t->count >= f->max_mfes) {
		f->c.mfes_refused++;
		return;
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		f->c.mfes_refused++;
		return;
	}
	e->source = source;
	e->group = group;
	route = rpf_lookup(f, source);
	e->iif = route.ifindex;
	e->route_network = route.network;
	e->route_mask = route.mask;
	e->route_protocol = route.protocol;
	e->arrival = f->vifs.vif[vifi].ifindex;
	e->parent = vifi;
	e->created_ms = e->used_ms = now;
	h = mfe_hash(source, group) & (t->bucket_count - 1);
	gh = group_hash(group) & (t->bucket_count - 1);
	e->next = t->buckets[h];
	t->buckets[h] = e;
	e->gnext = t->gbuckets[gh];
	t->gbuckets[gh] = e;
	t->count++;
	f->c.mfes_created++;
	if (t->count > 2 * t->bucket_count)
		mfes_grow(t);
	if (!mfe_update(f, e))
		return;
	report_created(f, e);
	e->told = true;
	if (f->verbose) {
		char s[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &source, s, sizeof(s));
		inet_ntop(AF_INET, &group, g, sizeof(g));
		fwd_log(f, "mfe (%s,%s) iif %d parent vif %d oifs 0x%x", s, g,
			e->iif, e->parent, e->oifs);
	}
}

/* Enable VIF @joined (-1: none) in @e again, then mfe_update() it. */
static void rejoin_update(struct fwd *f, struct fwd_mfe *e, int joined)
{
	if (joined >= 0)
		e->disabled &= ~(1u << joined);
	mfe_update(f, e);
}

/* rejoin_update() every MFE, or those of @group (all when 0). */
static void update_group(struct fwd *f, uint32_t group, bool all, int joined)
{
	struct fwd_mfes *t = &f->mfes;
	size_t i, n = all ? t->bucket_count : 1;

	for (i = 0; i < n; i++) {
		size_t b = all ? i : group_hash(group) & (t->bucket_count - 1);
		struct fwd_mfe *e = t->gbuckets[b], *next;

		for (; e; e = next) {
			next = e->gnext;	/* mfe_update() may free @e */
			if (all || e->group == group)
				rejoin_update(f, e, joined);
		}
	}
}

/*
 * A disabled interface (CreationAlert) stays out of its MFE until a
 * membership makes it an outgoing interface again: then it is enabled,
 * as the Windows MGM adds a new member's interface to the MFEs it feeds.
 */
void mfe_entry_changed(struct fwd *f, uint32_t source, uint32_t group, int joined)
{
	int vifi = joined ? vif_of(&f->vifs, joined) : -1;
	struct fwd_mfe *e;

	if (!group) {
		update_group(f, 0, true, vifi);		/* (*,*) */
	} else if (!source) {
		update_group(f, group, false, vifi);	/* (*,G) */
	} else {
		e = mfe_find(f, source, group);
		if (e)
			rejoin_update(f, e, vifi);
	}
}

void mfe_all_changed(struct fwd *f)
{
	update_group(f, 0, true, -1);
}

void mfe_vif_gone(struct fwd *f, int vifi)
{
	size_t i;

	for (i = 0; i < f->mfes.bucket_count; i++) {
		struct fwd_mfe *e;

		for (e = f->mfes.buckets[i]; e; e = e->next)
			e->disabled &= ~(1u << vifi);
	}
}

void mfe_set_incoming(struct fwd *f, struct fwd_mfe *e, int ifindex)
{
	e->rpf_iif = ifindex == e->iif ? 0 : ifindex;
	e->installed = false;
	mfe_update(f, e);
}

void mfe_disable(struct fwd *f, struct fwd_mfe *e, int vifi)
{
	e->disabled |= 1u << vifi;
	mfe_update(f, e);
}

void mfe_refresh(struct fwd *f, struct fwd_mfe *e, uint64_t now)
{
	uint64_t packets = e->packets;

	if (!mroute_counts(f, e) && e->packets != packets)
		e->used_ms = now;
}

uint64_t mfe_expire(struct fwd *f, uint64_t now)
{
	struct fwd_mfes *t = &f->mfes;
	uint64_t next = f->timeout_ms;
	size_t i;

	for (i = 0; i < t->bucket_count; i++) {
		struct fwd_mfe *e = t->buckets[i], *after;

		for (; e; e = after) {
			uint64_t idle, timeout = mfe_timeout_ms(f, e);

			after = e->next;
			mfe_refresh(f, e, now);
			idle = now - e->used_ms;
			if (idle >= timeout) {
				mroute_del_mfc(f, e);
				mfe_unlink(f, e);
				f->c.mfes_expired++;
			} else if (timeout - idle < next) {
				next = timeout - idle;
			}
		}
	}
	return next;
}
