// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The protocol side of an interface: a received packet is validated
 * (packet.c), counted, and handed to the querier or to the group state;
 * due timers are dispatched to their interface or group. Sockets and
 * ownership are main.c's business.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include "igmpd.h"

const char *pkt_verdict_name(enum pkt_verdict v)
{
	static const char *const names[] = {
		[PKT_OK] = "ok",
		[PKT_IP_HEADER] = "bad IP header",
		[PKT_TRUNCATED] = "truncated",
		[PKT_CHECKSUM] = "bad checksum",
		[PKT_TTL] = "TTL not 1",
		[PKT_ROUTER_ALERT] = "no router alert",
		[PKT_TYPE] = "unknown type",
		[PKT_GROUP] = "group not multicast",
		[PKT_SOURCE] = "source not unicast",
		[PKT_SOURCE_COUNT] = "source count past the end",
	};

	return v < ARRAY_SIZE(names) && names[v] ? names[v] : "?";
}

static void count_drop(struct iface *ifp, enum pkt_verdict v)
{
	struct igmpd_counters *c = &ifp->c;

	switch (v) {
	case PKT_OK:
		break;
	case PKT_IP_HEADER:
		c->drop_ip_header++;
		break;
	case PKT_TRUNCATED:
		c->drop_truncated++;
		break;
	case PKT_CHECKSUM:
		c->drop_checksum++;
		break;
	case PKT_TTL:
		c->drop_ttl++;
		break;
	case PKT_ROUTER_ALERT:
		c->drop_router_alert++;
		break;
	case PKT_TYPE:
		c->drop_type++;
		break;
	case PKT_GROUP:
		c->drop_group++;
		break;
	case PKT_SOURCE:
		c->drop_source++;
		break;
	case PKT_SOURCE_COUNT:
		c->drop_source_count++;
		break;
	}
}

static void v3_report(struct iface *ifp, const struct igmp_msg *m,
		      uint64_t now)
{
	struct igmp_rec r;
	uint32_t *srcs = NULL;
	size_t off = 0, cap = 0, i;

	while (igmp_next_rec(m, &off, &r)) {
		ifp->c.rx_v3_records++;
		if (r.type < IGMP_MODE_IS_INCLUDE || r.type > IGMP_BLOCK_OLD) {
			ifp->c.records_ignored++;	/* §4.2.12 */
			continue;
		}
		if (addr_is_local_group(r.group)) {
			ifp->c.local_groups_ignored++;
			continue;
		}
		if (r.nsrcs > cap) {
			uint32_t *v = realloc(srcs, r.nsrcs * sizeof(*v));

			if (!v) {
				ifp->c.drop_limit++;
				continue;
			}
			srcs = v;
			cap = r.nsrcs;
		}
		for (i = 0; i < r.nsrcs; i++)
			srcs[i] = igmp_src(r.srcs, i);
		group_record(ifp, 3, r.type, r.group, srcs, r.nsrcs, now);
	}
	free(srcs);
}

void iface_input(struct iface *ifp, const uint8_t *buf, size_t len,
		 uint64_t now)
{
	struct igmp_msg m;
	enum pkt_verdict v;

	ifp->c.rx_packets++;
	v = igmp_parse(buf, len, ifp->d->cfg.require_ra, &m);
	if (v) {
		char a[INET_ADDRSTRLEN] = "?";

		count_drop(ifp, v);
		if (len >= 20)
			inet_ntop(AF_INET, buf + 12, a, sizeof(a));
		logmsg(&ifp->d->log, LOG_LVL_DEBUG,
		       "%s: dropped a packet from %s: %s", ifp->name, a,
		       pkt_verdict_name(v));
		return;
	}
	switch (m.type) {
	case IGMP_QUERY:
		ifp->c.rx_queries++;
		querier_rx_query(ifp, &m, now);
		return;
	case IGMP_V1_REPORT:
	case IGMP_V2_REPORT:
		if (m.type == IGMP_V1_REPORT)
			ifp->c.rx_v1_reports++;
		else
			ifp->c.rx_v2_reports++;
		ifp->c.reports++;
		if (addr_is_local_group(m.group))
			ifp->c.local_groups_ignored++;
		else
			group_v1v2_report(ifp, m.type == IGMP_V1_REPORT ? 1 : 2,
					  m.group, now);
		return;
	case IGMP_V2_LEAVE:
		ifp->c.rx_v2_leaves++;
		ifp->c.reports++;
		if (addr_is_local_group(m.group))
			ifp->c.local_groups_ignored++;
		else
			group_v2_leave(ifp, m.group, now);
		return;
	case IGMP_V3_REPORT:
		ifp->c.rx_v3_reports++;
		ifp->c.reports++;
		v3_report(ifp, &m, now);
		return;
	}
}

void iface_timer(struct iface *ifp, uint64_t now)
{
	querier_timer(ifp, now);
}

void igmpd_run_timers(struct igmpd *d, uint64_t now)
{
	struct tmr *t;

	while ((t = theap_peek(&d->timers)) && t->due <= now) {
		theap_set(&d->timers, t, 0);
		if (t->kind == TMR_IFACE)
			iface_timer(container_of(t, struct iface, tmr), now);
		else
			group_timer(container_of(t, struct group, tmr), now);
	}
}
