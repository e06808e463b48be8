// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The querier of one interface (RFC 3376 §6.6, §7.3.1; RFC 2236 §3, §7).
 *
 * Every router starts as querier, sends [Startup Query Count] general
 * queries [Startup Query Interval] apart, then one every [Query Interval].
 * A query from a lower address makes it a non-querier until [Other Querier
 * Present Interval] passes without one; a non-querier adopts the querier's
 * robustness and query interval (§4.1.6, §4.1.7) and lowers its timers
 * when it hears group-specific queries (§6.6.1, in group.c). Taking over
 * as querier gives every member our first query's response interval to
 * answer before it may expire (group_querier_takeover()). Hearing a v1
 * or v2 query puts the interface in older version querier mode: its
 * queries are then sent in that version (§7.3.1).
 */
#include <arpa/inet.h>
#include <string.h>
#include "igmpd.h"

unsigned int querier_version(const struct iface *ifp, uint64_t now)
{
	unsigned int v = ifp->p.version;

	if (ifp->q.v1_querier > now)
		return 1;
	if (ifp->q.v2_querier > now && v > 2)
		return 2;
	return v;
}

static void query_send(struct iface *ifp, uint32_t group, bool suppress,
		       const uint32_t *srcs, size_t nsrcs, uint64_t now,
		       uint64_t *counter)
{
	uint8_t buf[12 + 4 * IGMP_MAX_QUERY_SRCS];
	unsigned int v = querier_version(ifp, now);
	uint32_t max_resp = group ? ifp->p.lmq_interval : ifp->p.query_response;
	size_t len;
	int err;

	if (v == 1 && group)
		return;		/* v1 has no group-specific queries */
	if (!ifp->addr || ifp->rx_fd < 0) {	/* no address, no link */
		ifp->c.tx_errors++;
		return;
	}
	len = igmp_build_query(buf, v, group, max_resp, suppress,
			       ifp->p.robustness, ifp->p.query_interval,
			       srcs, nsrcs);
	err = ifp->d->ops->send(ifp, group ? group : INADDR_ALLHOSTS, buf, len);
	if (err) {
		ifp->c.tx_errors++;
		logmsg(&ifp->d->log, LOG_LVL_DEBUG, "%s: sending a query: %s",
		       ifp->name, ifp->d->ops->strerror(err));
		return;
	}
	(*counter)++;
}

void querier_send_specific(struct iface *ifp, uint32_t group, bool suppress,
			   const uint32_t *srcs, size_t nsrcs, uint64_t now)
{
	query_send(ifp, group, suppress, srcs, nsrcs, now,
		   nsrcs ? &ifp->c.tx_source_queries : &ifp->c.tx_group_queries);
}

void iface_schedule(struct iface *ifp)
{
	const struct querier *q = &ifp->q;
	uint64_t due = UINT64_MAX;

#define EARLIER(t) do { if ((t) && (t) < due) due = (t); } while (0)
	if (ifp->ifindex) {
		EARLIER(q->is_querier ? q->next_query : q->other_present);
		EARLIER(q->v1_querier);
		EARLIER(q->v2_querier);
	}
#undef EARLIER
	theap_set(&ifp->d->timers, &ifp->tmr, due == UINT64_MAX ? 0 : due);
}

static void become_querier(struct iface *ifp, uint64_t now)
{
	char a[INET_ADDRSTRLEN];
	uint32_t n = htonl(ifp->addr);

	ifp->q.is_querier = true;
	ifp->q.addr = ifp->addr;
	ifp->q.other_present = 0;
	ifp->q.next_query = now;
	/* Our own settings again, not the ones adopted from the querier. */
	ifp->p.robustness = ifp->d->cfg.params.robustness;
	ifp->p.query_interval = ifp->d->cfg.params.query_interval;
	ifp->c.querier_changes++;
	group_querier_takeover(ifp, now);
	logmsg(&ifp->d->log, LOG_LVL_NOTICE, "%s: querier is now this router (%s)",
	       ifp->name, inet_ntop(AF_INET, &n, a, sizeof(a)));
}

void querier_start(struct iface *ifp, uint64_t now)
{
	memset(&ifp->q, 0, sizeof(ifp->q));
	ifp->q.is_querier = true;
	ifp->q.addr = ifp->addr;
	ifp->q.startup_left = ifp->p.startup_count;
	ifp->q.next_query = now;
	iface_schedule(ifp);
}

void querier_addr_changed(struct iface *ifp, uint64_t now)
{
	if (ifp->q.is_querier)
		ifp->q.addr = ifp->addr;
	else if (ifp->addr && ifp->addr < ifp->q.addr)
		become_querier(ifp, now);	/* we win the election now */
	iface_schedule(ifp);
}

void querier_rx_query(struct iface *ifp, const struct igmp_msg *m,
		      uint64_t now)
{
	struct querier *q = &ifp->q;
	uint64_t oqpi = p_oqpi(&ifp->p);

	if (!m->src || m->src == ifp->addr)
		return;		/* no address to elect, or our own */
	if (m->version == 1)
		q->v1_querier = now + oqpi;
	else if (m->version == 2)
		q->v2_querier = now + oqpi;

	if (!ifp->addr || m->src < ifp->addr) {
		if (q->is_querier || q->addr != m->src) {
			char a[INET_ADDRSTRLEN];
			uint32_t n = htonl(m->src);

			ifp->c.querier_changes++;
			logmsg(&ifp->d->log, LOG_LVL_NOTICE,
			       "%s: querier is now %s", ifp->name,
			       inet_ntop(AF_INET, &n, a, sizeof(a)));
		}
		q->is_querier = false;
		q->addr = m->src;
		q->other_present = now + oqpi;
		q->startup_left = 0;
		if (m->version == 3) {
			if (m->qrv)
				ifp->p.robustness = m->qrv;
			if (m->qqi > ifp->p.query_response)
				ifp->p.query_interval = m->qqi;
		}
	}
	/* §6.6.1: group-specific queries of the querier lower our timers. */
	if (!q->is_querier && m->src == q->addr && m->group && !m->suppress) {
		uint32_t srcs[IGMP_MAX_QUERY_SRCS];
		size_t i, n = m->nsrcs;

		if (n > IGMP_MAX_QUERY_SRCS)
			n = IGMP_MAX_QUERY_SRCS;
		for (i = 0; i < n; i++)
			srcs[i] = igmp_src(m->srcs, i);
		group_heard_query(ifp, m->group, srcs, n, now);
	}
	iface_schedule(ifp);
}

void querier_timer(struct iface *ifp, uint64_t now)
{
	struct querier *q = &ifp->q;

	if (!q->is_querier && q->other_present && q->other_present <= now)
		become_querier(ifp, now);
	if (q->v1_querier && q->v1_querier <= now)
		q->v1_querier = 0;
	if (q->v2_querier && q->v2_querier <= now)
		q->v2_querier = 0;
	if (q->is_querier && q->next_query <= now) {
		query_send(ifp, 0, false, NULL, 0, now,
			   &ifp->c.tx_general_queries);
		if (q->startup_left)
			q->startup_left--;
		q->next_query = now + (q->startup_left ?
				       ifp->p.startup_interval :
				       ifp->p.query_interval);
	}
	iface_schedule(ifp);
}
