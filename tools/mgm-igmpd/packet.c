// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * IGMP on the wire: validating what arrives, building the queries we send.
 *
 * igmp_parse() takes an IPv4 packet exactly as the link delivered it (the
 * daemon reads through a packet socket, see net.c) and either accepts it,
 * with every length, count and address checked, or names the one reason
 * it is dropped. Nothing past a rejected check is looked at, and an
 * accepted v3 report has had all of its records walked, so the state
 * machines only ever see well-formed input: a report is applied whole or
 * not at all. Pure functions, no state.
 */
#include <arpa/inet.h>
#include <string.h>
#include "igmpd.h"

#define IPOPT_END	0
#define IPOPT_NOOP	1
#define IPOPT_RA	148	/* router alert, RFC 2113 */

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

uint16_t inet_csum(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

bool addr_is_multicast(uint32_t a)
{
	return (a & 0xf0000000u) == 0xe0000000u;
}

bool addr_is_local_group(uint32_t a)
{
	return (a & 0xffffff00u) == 0xe0000000u;
}

bool addr_is_unicast(uint32_t a)
{
	/* Not 0/8, loopback, multicast, class E or broadcast. */
	return (a >> 24) != 0 && (a >> 24) != 127 &&
	       (a & 0xe0000000u) != 0xe0000000u;
}

uint32_t igmp_src(const uint8_t *srcs, size_t i)
{
	return be32(srcs + 4 * i);
}

/* RFC 3376 §4.1.1: codes from 128 on are a floating point value. */
uint32_t igmp_code_decode(uint8_t code)
{
	if (code < 128)
		return code;
	return (uint32_t)((code & 0x0f) | 0x10) << (((code >> 4) & 0x07) + 3);
}

uint8_t igmp_code_encode(uint32_t units)
{
	unsigned int exp;

	if (units < 128)
		return (uint8_t)units;
	for (exp = 0; exp < 8; exp++) {
		uint32_t mant = units >> (exp + 3);

		if (mant < 0x20)
			return (uint8_t)(0x80 | exp << 4 | (mant & 0x0f));
	}
	return 0xff;
}

/* The IPv4 header: 0 and the header length, or the verdict. */
static enum pkt_verdict parse_ip(const uint8_t *buf, size_t len,
				 struct igmp_msg *m, size_t *hlen,
				 size_t *total, uint8_t *ttl)
{
	size_t ihl, tot, i;

	if (len < 20)
		return PKT_TRUNCATED;
	if (buf[0] >> 4 != 4)
		return PKT_IP_HEADER;
	ihl = (size_t)(buf[0] & 0x0f) * 4;
	if (ihl < 20)
		return PKT_IP_HEADER;
	if (ihl > len)
		return PKT_TRUNCATED;
	tot = be16(buf + 2);
	if (tot < ihl)
		return PKT_IP_HEADER;
	if (tot > len)
		return PKT_TRUNCATED;
	if (be16(buf + 6) & 0x3fff)	/* MF or an offset: a fragment */
		return PKT_IP_HEADER;
	if (buf[9] != 2)		/* not IGMP */
		return PKT_IP_HEADER;
	if (inet_csum(buf, ihl))
		return PKT_IP_HEADER;
	for (i = 20; i < ihl;) {
		uint8_t opt = buf[i], olen;

		if (opt == IPOPT_END)
			break;
		if (opt == IPOPT_NOOP) {
			i++;
			continue;
		}
		if (i + 1 >= ihl)
			return PKT_IP_HEADER;
		olen = buf[i + 1];
		if (olen < 2 || i + olen > ihl)
			return PKT_IP_HEADER;
		if (opt == IPOPT_RA && olen == 4)
			m->router_alert = true;
		i += olen;
	}
	*ttl = buf[8];
	m->src = be32(buf + 12);
	m->dst = be32(buf + 16);
	*hlen = ihl;
	*total = tot;
	return PKT_OK;
}

static enum pkt_verdict parse_query(const uint8_t *igmp, size_t len,
				    struct igmp_msg *m)
{
	uint8_t code = igmp[1];

	m->group = be32(igmp + 4);
	if (m->group && !addr_is_multicast(m->group))
		return PKT_GROUP;
	if (len == 8) {
		/* RFC 2236 §2.2: code 0 is a v1 query (10 s response). */
		m->version = code ? 2 : 1;
		m->max_resp = code ? code * 100u : 10000u;
		return PKT_OK;
	}
	if (len < 12)	/* RFC 3376 §7.1: other lengths are ignored */
		return PKT_TRUNCATED;
	m->version = 3;
	m->max_resp = igmp_code_decode(code) * 100u;
	m->suppress = igmp[8] & 0x08;
	m->qrv = igmp[8] & 0x07;
	m->qqi = igmp_code_decode(igmp[9]) * 1000u;
	m->nsrcs = be16(igmp + 10);
	if (12 + 4 * (size_t)m->nsrcs > len)
		return PKT_SOURCE_COUNT;
	m->srcs = igmp + 12;
	return PKT_OK;
}

static enum pkt_verdict parse_v3_report(const uint8_t *igmp, size_t len,
					struct igmp_msg *m)
{
	size_t off = 8;
	uint16_t r, nrecs = be16(igmp + 6);

	for (r = 0; r < nrecs; r++) {
		size_t nsrcs, need, i;

		if (off + 8 > len)
			return PKT_TRUNCATED;
		nsrcs = be16(igmp + off + 2);
		if (off + 8 + 4 * nsrcs > len)
			return PKT_SOURCE_COUNT;
		need = 8 + 4 * nsrcs + 4 * (size_t)igmp[off + 1];
		if (off + need > len)
			return PKT_TRUNCATED;
		if (!addr_is_multicast(be32(igmp + off + 4)))
			return PKT_GROUP;
		for (i = 0; i < nsrcs; i++)
			if (!addr_is_unicast(be32(igmp + off + 8 + 4 * i)))
				return PKT_SOURCE;
		off += need;
	}
	m->nrecs = nrecs;
	m->recs = igmp + 8;
	m->recs_len = off - 8;
	return PKT_OK;
}

enum pkt_verdict igmp_parse(const uint8_t *buf, size_t len, bool require_ra,
			    struct igmp_msg *m)
{
	const uint8_t *igmp;
	size_t hlen, total, ilen;
	enum pkt_verdict v;
	uint8_t ttl;

	memset(m, 0, sizeof(*m));
	v = parse_ip(buf, len, m, &hlen, &total, &ttl);
	if (v)
		return v;
	igmp = buf + hlen;
	ilen = total - hlen;
	if (ilen < 8)
		return PKT_TRUNCATED;
	if (inet_csum(igmp, ilen))
		return PKT_CHECKSUM;
	/* RFC 2236 §2, RFC 3376 §4: IGMP is sent with TTL 1, never routed. */
	if (ttl != 1)
		return PKT_TTL;
	m->type = igmp[0];
	switch (m->type) {
	case IGMP_QUERY:
		return parse_query(igmp, ilen, m);
	case IGMP_V1_REPORT:
	case IGMP_V2_REPORT:
	case IGMP_V2_LEAVE:
		/* v1 hosts predate router alert (RFC 2236 §9 asks for it). */
		if (require_ra && m->type != IGMP_V1_REPORT && !m->router_alert)
			return PKT_ROUTER_ALERT;
		m->group = be32(igmp + 4);
		if (!addr_is_multicast(m->group))
			return PKT_GROUP;
		return PKT_OK;
	case IGMP_V3_REPORT:
		/* RFC 3376 §9.1: reports without router alert are ignored. */
		if (require_ra && !m->router_alert)
			return PKT_ROUTER_ALERT;
		return parse_v3_report(igmp, ilen, m);
	default:
		return PKT_TYPE;
	}
}

bool igmp_next_rec(const struct igmp_msg *m, size_t *off, struct igmp_rec *r)
{
	const uint8_t *p;

	if (*off + 8 > m->recs_len)
		return false;
	p = m->recs + *off;
	r->type = p[0];
	r->nsrcs = be16(p + 2);
	r->group = be32(p + 4);
	r->srcs = p + 8;
	*off += 8 + 4 * (size_t)r->nsrcs + 4 * (size_t)p[1];
	return true;
}

size_t igmp_build_query(uint8_t *buf, unsigned int version, uint32_t group,
			uint32_t max_resp, bool suppress, unsigned int qrv,
			uint32_t qi, const uint32_t *srcs, size_t nsrcs)
{
	uint32_t units = max_resp / 100;
	size_t len, i;

	if (!units)
		units = 1;
	buf[0] = IGMP_QUERY;
	put_be16(buf + 2, 0);
	put_be32(buf + 4, group);
	if (version == 1) {		/* RFC 1112: code 0 */
		buf[1] = 0;
		len = 8;
	} else if (version == 2) {
		buf[1] = units > 255 ? 255 : (uint8_t)units;
		len = 8;
	} else {
		if (nsrcs > IGMP_MAX_QUERY_SRCS)
			nsrcs = IGMP_MAX_QUERY_SRCS;
		buf[1] = igmp_code_encode(units);
		buf[8] = (suppress ? 0x08 : 0) | (qrv <= 7 ? qrv : 0);
		buf[9] = igmp_code_encode(qi / 1000);
		put_be16(buf + 10, (uint16_t)nsrcs);
		for (i = 0; i < nsrcs; i++)
			put_be32(buf + 12 + 4 * i, srcs[i]);
		len = 12 + 4 * nsrcs;
	}
	put_be16(buf + 2, inet_csum(buf, len));
	return len;
}
