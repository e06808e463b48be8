// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Group state of one interface: RFC 3376 §6 (router behaviour) with the
 * IGMPv1/v2 compatibility of §7.3.2, and the mgm memberships it implies.
 *
 * A group is in INCLUDE mode with a source list A (every source has a
 * running timer), or in EXCLUDE mode with a group timer and a source list
 * X + Y: X the sources with running timers, Y those with timer 0. Reports
 * are applied with the tables of §6.4.1/§6.4.2; timers expire per §6.5;
 * "Send Q(G)" and "Send Q(G,S)" are §6.6.3 (querier only).
 *
 * Memberships: an EXCLUDE group is (*,G) on the interface (sources a host
 * excluded are still forwarded: mgm has no negative membership, and a
 * router may forward more than asked, RFC 3376 §6.3); an INCLUDE group is
 * (S,G) for each of its sources. group_commit() brings mgm in line with
 * the state after every change, adding before deleting so that a switch
 * between the two never leaves a gap. A membership mgm refused stays
 * "not installed" and is tried again at the group's next change.
 *
 * Deleted sources and groups are only marked dead while an operation runs
 * and are freed by group_commit(), after their memberships went.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include "igmpd.h"

#define GROUP_BUCKETS_MIN	64

static uint32_t ghash(uint32_t addr, uint32_t nbuckets)
{
	uint32_t h = addr * 2654435761u;

	return (h ^ h >> 16) & (nbuckets - 1);
}

int group_table_init(struct iface *ifp)
{
	ifp->buckets = calloc(GROUP_BUCKETS_MIN, sizeof(*ifp->buckets));
	if (!ifp->buckets)
		return -1;
	ifp->nbuckets = GROUP_BUCKETS_MIN;
	ifp->ngroups = 0;
	return 0;
}

static void table_grow(struct iface *ifp)
{
	uint32_t n = ifp->nbuckets * 2, i;
	struct group **b = calloc(n, sizeof(*b));

	if (!b)
		return;		/* longer chains, still correct */
	for (i = 0; i < ifp->nbuckets; i++) {
		struct group *g = ifp->buckets[i], *next;

		for (; g; g = next) {
			uint32_t h = ghash(g->addr, n);

			next = g->hnext;
			g->hnext = b[h];
			b[h] = g;
		}
	}
	free(ifp->buckets);
	ifp->buckets = b;
	ifp->nbuckets = n;
}

struct group *group_find(const struct iface *ifp, uint32_t addr)
{
	struct group *g;

	if (!ifp->buckets)
		return NULL;
	for (g = ifp->buckets[ghash(addr, ifp->nbuckets)]; g; g = g->hnext)
		if (g->addr == addr)
			return g;
	return NULL;
}

static struct group *group_create(struct iface *ifp, uint32_t addr)
{
	struct group *g;
	uint32_t h;

	if (ifp->ngroups >= ifp->d->cfg.max_groups)
		goto limit;
	g = calloc(1, sizeof(*g));
	if (!g)
		goto limit;
	if (theap_reserve(&ifp->d->timers)) {
		free(g);
		goto limit;
	}
	g->addr = addr;
	g->mode = MODE_INCLUDE;
	g->ifp = ifp;
	tmr_init(&g->tmr, TMR_GROUP);
	if (ifp->ngroups >= ifp->nbuckets)
		table_grow(ifp);
	h = ghash(addr, ifp->nbuckets);
	g->hnext = ifp->buckets[h];
	ifp->buckets[h] = g;
	ifp->ngroups++;
	return g;
limit:
	ifp->c.drop_limit++;
	return NULL;
}

static void group_destroy(struct group *g)
{
	struct iface *ifp = g->ifp;
	struct group **pp = &ifp->buckets[ghash(g->addr, ifp->nbuckets)];

	while (*pp != g)
		pp = &(*pp)->hnext;
	*pp = g->hnext;
	ifp->ngroups--;
	theap_unreserve(&ifp->d->timers, &g->tmr);
	free(g->srcs);
	free(g);
}

void group_table_free(struct iface *ifp)
{
	uint32_t i;

	for (i = 0; ifp->buckets && i < ifp->nbuckets; i++)
		while (ifp->buckets[i])
			group_destroy(ifp->buckets[i]);
	free(ifp->buckets);
	ifp->buckets = NULL;
	ifp->nbuckets = 0;
}

unsigned int group_compat(const struct group *g, uint64_t now)
{
	if (g->v1_host > now)
		return 1;
	if (g->v2_host > now)
		return 2;
	return 3;
}

/* --- sources ---------------------------------------------------------------- */

/* Index of @a in the sorted list, or where it would go. */
static uint32_t src_pos(const struct group *g, uint32_t a, bool *found)
{
	uint32_t lo = 0, hi = g->nsrcs;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (g->srcs[mid].addr < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < g->nsrcs && g->srcs[lo].addr == a;
	return lo;
}

static struct src *src_lookup(struct group *g, uint32_t a)
{
	bool found;
	uint32_t i = src_pos(g, a, &found);

	return found && !g->srcs[i].dead ? &g->srcs[i] : NULL;
}

/* The live source @a, added (timer 0) if it is not there; NULL at a limit. */
static struct src *src_get(struct group *g, uint32_t a, bool *created)
{
	struct iface *ifp = g->ifp;
	bool found;
	uint32_t i = src_pos(g, a, &found);
	struct src *s;

	*created = false;
	if (found) {
		s = &g->srcs[i];
		if (s->dead) {
			s->dead = false;
			s->timer = 0;
			s->rexmit = 0;
			*created = true;
		}
		return s;
	}
	if (g->nsrcs >= ifp->d->cfg.max_sources) {
		ifp->c.drop_limit++;
		return NULL;
	}
	if (g->nsrcs == g->cap) {
		uint32_t cap = g->cap ? 2 * g->cap : 4;
		struct src *v = realloc(g->srcs, cap * sizeof(*v));

		if (!v) {
			ifp->c.drop_limit++;
			return NULL;
		}
		g->srcs = v;
		g->cap = cap;
	}
	memmove(&g->srcs[i + 1], &g->srcs[i],
		(g->nsrcs - i) * sizeof(g->srcs[0]));
	g->nsrcs++;
	s = &g->srcs[i];
	memset(s, 0, sizeof(*s));
	s->addr = a;
	*created = true;
	return s;
}

static void src_kill(struct src *s)
{
	s->dead = true;
	s->timer = 0;
	s->rexmit = 0;
}

uint32_t group_live_sources(const struct group *g)
{
	uint32_t i, n = 0;

	for (i = 0; i < g->nsrcs; i++)
		if (!g->srcs[i].dead && g->srcs[i].timer)
			n++;
	return n;
}

static bool in_set(const uint32_t *b, size_t n, uint32_t a)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (b[mid] == a)
			return true;
		if (b[mid] < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* --- memberships -------------------------------------------------------------- */

static void member_change(struct iface *ifp, bool join, uint32_t source,
			  uint32_t group, bool *installed)
{
	struct igmpd *d = ifp->d;
	char s[INET_ADDRSTRLEN] = "*", g[INET_ADDRSTRLEN];
	uint32_t sn = htonl(source), gn = htonl(group);
	int err;

	if (iface_held_change(ifp, join, source, group))
		err = 0;	/* made on EnableIgmp (hold.c) */
	else
		err = join ? d->ops->join(ifp, source, group) :
			     d->ops->leave(ifp, source, group);
	if (source)
		inet_ntop(AF_INET, &sn, s, sizeof(s));
	inet_ntop(AF_INET, &gn, g, sizeof(g));
	if (err) {
		uint64_t now = now_ms();

		ifp->c.mgm_errors++;
		/* At most one line a second: a refused join is retried often. */
		if (now >= ifp->err_logged + 1000 || !ifp->err_logged) {
			logmsg(&d->log, LOG_LVL_WARNING,
			       "%s: %s (%s,%s) failed: %s (and %u more)",
			       ifp->name, join ? "join" : "leave", s, g,
			       d->ops->strerror(err), ifp->err_quiet);
			ifp->err_logged = now;
			ifp->err_quiet = 0;
		} else {
			ifp->err_quiet++;
		}
		if (join)
			return;	/* tried again at the next change */
	} else if (join) {
		ifp->c.joins++;
	} else {
		ifp->c.leaves++;
	}
	*installed = join;
	if (!err)
		logmsg(&d->log, d->cfg.member_log_level, "%s: %s (%s,%s)",
		       ifp->name, join ? "join" : "leave", s, g);
}

static uint64_t group_next_due(const struct group *g)
{
	uint64_t due = UINT64_MAX;
	uint32_t i;

#define EARLIER(t) do { if ((t) && (t) < due) due = (t); } while (0)
	if (g->mode == MODE_EXCLUDE)
		EARLIER(g->timer);
	EARLIER(g->v1_host);
	EARLIER(g->v2_host);
	EARLIER(g->next_rexmit);
	for (i = 0; i < g->nsrcs; i++)
		if (!g->srcs[i].dead)
			EARLIER(g->srcs[i].timer);
#undef EARLIER
	return due == UINT64_MAX ? 0 : due;
}

/*
 * Bring mgm in line with @g, free what died, re-arm the group's timer.
 * @g may be freed.
 */
static void group_commit(struct group *g)
{
	struct iface *ifp = g->ifp;
	bool want_star = !g->dead && g->mode == MODE_EXCLUDE;
	uint32_t i, j;

	if (!g->dead && g->mode == MODE_INCLUDE && !group_live_sources(g))
		g->dead = true;	/* INCLUDE({}): the group is gone */
	/* Make before break: additions first. */
	if (want_star && !g->star_installed)
		member_change(ifp, true, 0, g->addr, &g->star_installed);
	for (i = 0; i < g->nsrcs; i++) {
		struct src *s = &g->srcs[i];
		bool want = !g->dead && !s->dead && g->mode == MODE_INCLUDE;

		if (want && !s->installed)
			member_change(ifp, true, s->addr, g->addr,
				      &s->installed);
	}
	for (i = 0; i < g->nsrcs; i++) {
		struct src *s = &g->srcs[i];
		bool want = !g->dead && !s->dead && g->mode == MODE_INCLUDE;

		if (!want && s->installed)
			member_change(ifp, false, s->addr, g->addr,
				      &s->installed);
	}
	if (!want_star && g->star_installed)
		member_change(ifp, false, 0, g->addr, &g->star_installed);

	for (i = j = 0; i < g->nsrcs; i++)
		if (!g->srcs[i].dead)
			g->srcs[j++] = g->srcs[i];
	g->nsrcs = j;
	if (g->dead) {
		group_destroy(g);
		return;
	}
	theap_set(&ifp->d->timers, &g->tmr, group_next_due(g));
}

/* --- queries (§6.6.3) ---------------------------------------------------------- */

struct qbatch {
	uint32_t srcs[IGMP_MAX_QUERY_SRCS];
	size_t n;
	bool suppress;
};

static void qbatch_flush(struct group *g, struct qbatch *b, uint64_t now)
{
	if (!b->n)
		return;
	querier_send_specific(g->ifp, g->addr, b->suppress, b->srcs, b->n, now);
	b->n = 0;
}

/* One round of group and group-and-source specific queries. */
static void group_send_round(struct group *g, uint64_t now)
{
	struct iface *ifp = g->ifp;
	uint64_t lmqt = now + p_lmqt(&ifp->p);
	struct qbatch *b[2];
	bool more = false;
	uint32_t i;

	g->next_rexmit = 0;
	if (!ifp->q.is_querier) {	/* lost the election meanwhile */
		g->rexmit = 0;
		for (i = 0; i < g->nsrcs; i++)
			g->srcs[i].rexmit = 0;
		return;
	}
	if (g->rexmit) {
		querier_send_specific(ifp, g->addr, g->timer > lmqt, NULL, 0,
				      now);
		if (--g->rexmit)
			more = true;
	}
	b[0] = calloc(2, sizeof(struct qbatch));
	if (!b[0]) {
		ifp->c.tx_errors++;
		for (i = 0; i < g->nsrcs; i++)
			g->srcs[i].rexmit = 0;
	} else {
		b[1] = b[0] + 1;
		b[1]->suppress = true;
		for (i = 0; i < g->nsrcs; i++) {
			struct src *s = &g->srcs[i];
			struct qbatch *q;

			if (s->dead || !s->rexmit)
				continue;
			q = b[s->timer > lmqt];
			q->srcs[q->n++] = s->addr;
			if (q->n == IGMP_MAX_QUERY_SRCS)
				qbatch_flush(g, q, now);
			if (--s->rexmit)
				more = true;
		}
		qbatch_flush(g, b[1], now);
		qbatch_flush(g, b[0], now);
		free(b[0]);
	}
	if (more)
		g->next_rexmit = now + ifp->p.lmq_interval;
}

/* Send Q(G,S) for source @s (its part of the set): §6.6.3.2. */
static void q_source(struct group *g, struct src *s, uint64_t now, bool *sendq)
{
	const struct igmp_params *p = &g->ifp->p;

	if (!g->ifp->q.is_querier || s->timer <= now + p_lmqt(p))
		return;
	s->timer = now + p_lmqt(p);
	s->rexmit = p->lmq_count;
	*sendq = true;
}

/* Send Q(G): §6.6.3.1. */
static void q_group(struct group *g, uint64_t now, bool *sendq)
{
	const struct igmp_params *p = &g->ifp->p;

	if (!g->ifp->q.is_querier || g->timer <= now + p_lmqt(p))
		return;
	g->timer = now + p_lmqt(p);
	g->rexmit = p->lmq_count;
	*sendq = true;
}

/* --- reports (§6.4) ---------------------------------------------------------------- */

/* Apply record @type with the sorted, unique source set @b to @g. */
static void group_apply(struct group *g, uint8_t type, const uint32_t *b,
			size_t n, uint64_t now)
{
	uint64_t gmi = now + p_gmi(&g->ifp->p), old_gt = g->timer;
	bool include = g->mode == MODE_INCLUDE, sendq = false, created;
	struct src *s;
	uint32_t i;

	switch (type) {
	case IGMP_MODE_IS_INCLUDE:
	case IGMP_ALLOW_NEW:
	case IGMP_CHANGE_TO_INCLUDE:
		/* INCLUDE (A+B), (B)=GMI; EXCLUDE (X+A, Y-A), (A)=GMI */
		for (i = 0; i < n; i++) {
			s = src_get(g, b[i], &created);
			if (s)
				s->timer = gmi;
		}
		if (type != IGMP_CHANGE_TO_INCLUDE)
			break;
		/* INCLUDE: Send Q(G,A-B); EXCLUDE: Send Q(G,X-A), Q(G) */
		for (i = 0; i < g->nsrcs; i++) {
			s = &g->srcs[i];
			if (!s->dead && s->timer && !in_set(b, n, s->addr))
				q_source(g, s, now, &sendq);
		}
		if (!include)
			q_group(g, now, &sendq);
		break;
	case IGMP_BLOCK_OLD:
		for (i = 0; i < n; i++) {
			s = src_lookup(g, b[i]);
			if (!s && !include) {
				/* EXCLUDE: (A-X-Y) = group timer */
				s = src_get(g, b[i], &created);
				if (s)
					s->timer = g->timer;
			}
			/* Send Q(G,A*B) / Q(G,A-Y) */
			if (s && s->timer)
				q_source(g, s, now, &sendq);
		}
		break;
	case IGMP_MODE_IS_EXCLUDE:
	case IGMP_CHANGE_TO_EXCLUDE:
		/* Delete (A-B), or (X-A) and (Y-A). */
		for (i = 0; i < g->nsrcs; i++)
			if (!g->srcs[i].dead && !in_set(b, n, g->srcs[i].addr))
				src_kill(&g->srcs[i]);
		for (i = 0; i < n; i++) {
			s = src_get(g, b[i], &created);
			if (!s)
				continue;
			if (created) {
				/*
				 * INCLUDE: (B-A) = 0. EXCLUDE: (A-X-Y) =
				 * GMI for IS_EX, the group timer for TO_EX.
				 */
				if (include)
					s->timer = 0;
				else
					s->timer = type == IGMP_MODE_IS_EXCLUDE ?
						   gmi : old_gt;
			}
			/* TO_EX: Send Q(G,A*B) / Q(G,A-Y) */
			if (type == IGMP_CHANGE_TO_EXCLUDE && s->timer)
				q_source(g, s, now, &sendq);
		}
		g->mode = MODE_EXCLUDE;
		g->timer = gmi;
		break;
	}
	if (sendq)
		group_send_round(g, now);
}

void group_record(struct iface *ifp, unsigned int version, uint8_t type,
		  uint32_t group, uint32_t *b, size_t nsrcs, uint64_t now)
{
	struct group *g = group_find(ifp, group);
	size_t i, n = 0;

	if (version == 3 && g && group_compat(g, now) < 3) {
		/* §7.3.2: BLOCK is ignored, TO_EX(x) is TO_EX({}) */
		if (type == IGMP_BLOCK_OLD)
			return;
		if (type == IGMP_CHANGE_TO_EXCLUDE)
			nsrcs = 0;
	}
	if (nsrcs) {
		qsort(b, nsrcs, sizeof(*b), cmp_u32);
		for (i = 0; i < nsrcs; i++)
			if (!n || b[n - 1] != b[i])
				b[n++] = b[i];
	}
	if (!g) {
		/* INCLUDE({}): only reports that add something create it. */
		if (type == IGMP_BLOCK_OLD ||
		    (!n && type != IGMP_MODE_IS_EXCLUDE &&
		     type != IGMP_CHANGE_TO_EXCLUDE))
			return;
		g = group_create(ifp, group);
		if (!g)
			return;
	}
	group_apply(g, type, b, n, now);
	group_commit(g);
}

void group_v1v2_report(struct iface *ifp, unsigned int version,
		       uint32_t group, uint64_t now)
{
	struct group *g = group_find(ifp, group);

	if (!g) {
		g = group_create(ifp, group);
		if (!g)
			return;
	}
	/* §7.3.2: older host present; the report is IS_EX({}). */
	if (version == 1)
		g->v1_host = now + p_ohpi(&ifp->p);
	else
		g->v2_host = now + p_ohpi(&ifp->p);
	group_apply(g, IGMP_MODE_IS_EXCLUDE, NULL, 0, now);
	group_commit(g);
}

void group_v2_leave(struct iface *ifp, uint32_t group, uint64_t now)
{
	struct group *g = group_find(ifp, group);

	/* §7.3.2: a leave is TO_IN({}), ignored while v1 hosts are present. */
	if (!g || group_compat(g, now) == 1)
		return;
	group_apply(g, IGMP_CHANGE_TO_INCLUDE, NULL, 0, now);
	group_commit(g);
}

void group_heard_query(struct iface *ifp, uint32_t group,
		       const uint32_t *srcs, size_t nsrcs, uint64_t now)
{
	struct group *g = group_find(ifp, group);
	uint64_t lmqt = now + p_lmqt(&ifp->p);
	size_t i;

	if (!g)
		return;
	/* §6.6.1: a non-querier lowers its timers to LMQT. */
	if (!nsrcs && g->mode == MODE_EXCLUDE && g->timer > lmqt)
		g->timer = lmqt;
	for (i = 0; i < nsrcs; i++) {
		struct src *s = src_lookup(g, srcs[i]);

		if (s && s->timer > lmqt)
			s->timer = lmqt;
	}
	group_commit(g);
}

/*
 * This router just became the querier (querier.c). When the other querier
 * went silent, nobody queried the hosts for [Other Querier Present
 * Interval], only half a [Query Response Interval] less than the [Group
 * Membership Interval] their last reports set: a member could expire
 * before it answered our first general query, sent now, whose response
 * interval it may use in full. So every running timer is made to last that
 * response interval and half of one more (the report travelling and
 * waiting to be read): a handover alone never drops a member and makes the
 * routing protocols see a prune and a join. A member that is really gone
 * is kept that long at most.
 */
void group_querier_takeover(struct iface *ifp, uint64_t now)
{
	uint64_t floor = now + ifp->p.query_response + ifp->p.query_response / 2;
	uint32_t b, i;

	for (b = 0; b < ifp->nbuckets; b++) {
		struct group *g;

		for (g = ifp->buckets[b]; g; g = g->hnext) {
			if (g->timer && g->timer < floor)
				g->timer = floor;
			for (i = 0; i < g->nsrcs; i++)
				if (g->srcs[i].timer && g->srcs[i].timer < floor)
					g->srcs[i].timer = floor;
			theap_set(&ifp->d->timers, &g->tmr, group_next_due(g));
		}
	}
}

/* §6.5 and §7.3.2: timers of @g that are due at @now. */
void group_timer(struct group *g, uint64_t now)
{
	uint32_t i;

	if (g->next_rexmit && g->next_rexmit <= now)
		group_send_round(g, now);
	for (i = 0; i < g->nsrcs; i++) {
		struct src *s = &g->srcs[i];

		if (s->dead || !s->timer || s->timer > now)
			continue;
		if (g->mode == MODE_INCLUDE)
			src_kill(s);		/* stop forwarding S */
		else
			s->timer = 0;		/* X -> Y */
	}
	if (g->mode == MODE_EXCLUDE && g->timer <= now) {
		if (group_live_sources(g)) {
			/* To INCLUDE with the sources that still run. */
			for (i = 0; i < g->nsrcs; i++)
				if (!g->srcs[i].timer)
					src_kill(&g->srcs[i]);
			g->mode = MODE_INCLUDE;
			g->timer = 0;
			g->rexmit = 0;
		} else {
			g->dead = true;
		}
	}
	if (g->v1_host && g->v1_host <= now)
		g->v1_host = 0;
	if (g->v2_host && g->v2_host <= now)
		g->v2_host = 0;
	group_commit(g);
}
