// SPDX-License-Identifier: GPL-2.0
/*
 * mgm-igmpd's protocol without a network or a kernel: packet validation
 * (every drop reason), the RFC 3376 router state machine and its mgm
 * memberships, IGMPv1/v2 compatibility, the querier, limits, the timer
 * heap and the configuration. A fake clock drives the timers; fake
 * igmpd_ops record every membership change and every query sent.
 *
 * Runs anywhere (make igmpd-unit on the build machine) and in the VM with
 * the other selftests.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "igmpd.h"

#define A(a, b, c, d)	((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define G1	A(239, 1, 1, 1)
#define G2	A(239, 1, 1, 2)
#define S1	A(10, 1, 0, 1)
#define S2	A(10, 1, 0, 2)
#define S3	A(10, 1, 0, 3)
#define ROUTER	A(10, 0, 0, 10)
#define HOST	A(10, 0, 0, 20)
#define T0	1000000u

/* Test timers: QI 10 s, QRI 2 s, RV 2, LMQI 1 s, LMQC 2. */
#define QI	10000u
#define QRI	2000u
#define LMQI	1000u
#define GMI	(2 * QI + QRI)
#define LMQT	(2 * LMQI)
#define OQPI	(2 * QI + QRI / 2)

/* --- fakes ------------------------------------------------------------------------ */

struct op {
	bool join;
	uint32_t s, g;
};

struct sent {
	uint32_t dst;
	uint8_t buf[12 + 4 * IGMP_MAX_QUERY_SRCS];
	size_t len;
};

#define SET_SIZE	(1 << 17)

struct fake {
	struct op ops[8192];	/* the first ones, in order */
	int nops;
	uint64_t set[SET_SIZE];	/* installed (s,g) + 1, open addressing */
	int ninstalled;
	int bad_ops;		/* joins of installed, leaves of absent */
	struct sent sent[256];
	int nsent;
	int fail_joins;		/* this many joins fail */
	int fail_sends;
};

static struct fake *fake_of(struct iface *ifp)
{
	return ifp->d->ops_ctx;
}

static uint64_t *set_slot(struct fake *f, uint32_t s, uint32_t g)
{
	uint64_t key = ((uint64_t)s << 32 | g) + 1;
	uint32_t h = (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> 47);

	while (f->set[h] && f->set[h] != key)
		h = (h + 1) & (SET_SIZE - 1);
	return &f->set[h];
}

static bool set_has(struct fake *f, uint32_t s, uint32_t g)
{
	return *set_slot(f, s, g) != 0;
}

/* Delete with backward-shift, so lookups stay correct. */
static void set_del(struct fake *f, uint32_t s, uint32_t g)
{
	uint64_t *slot = set_slot(f, s, g);
	uint32_t i = (uint32_t)(slot - f->set), j = i;

	*slot = 0;
	for (;;) {
		uint64_t key;
		uint32_t home;

		j = (j + 1) & (SET_SIZE - 1);
		key = f->set[j];
		if (!key)
			return;
		home = (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> 47);
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && home <= i && home > j)) {
			f->set[i] = key;
			f->set[j] = 0;
			i = j;
		}
	}
}

static int fake_member(struct iface *ifp, bool join, uint32_t s, uint32_t g)
{
	struct fake *f = fake_of(ifp);

	if (join && f->fail_joins) {
		f->fail_joins--;
		return 8;	/* ERROR_NOT_ENOUGH_MEMORY */
	}
	if (f->nops < (int)ARRAY_SIZE(f->ops))
		f->ops[f->nops++] = (struct op){ join, s, g };
	if (join == set_has(f, s, g)) {
		f->bad_ops++;
		return join ? 0 : 1168;	/* ERROR_NOT_FOUND */
	}
	if (join) {
		*set_slot(f, s, g) = ((uint64_t)s << 32 | g) + 1;
		f->ninstalled++;
	} else {
		set_del(f, s, g);
		f->ninstalled--;
	}
	return 0;
}

static int fake_join(struct iface *ifp, uint32_t s, uint32_t g)
{
	return fake_member(ifp, true, s, g);
}

static int fake_leave(struct iface *ifp, uint32_t s, uint32_t g)
{
	return fake_member(ifp, false, s, g);
}

static int fake_send(struct iface *ifp, uint32_t dst, const void *buf,
		     size_t len)
{
	struct fake *f = fake_of(ifp);

	if (f->fail_sends) {
		f->fail_sends--;
		return -105;	/* -ENOBUFS */
	}
	if (f->nsent < (int)ARRAY_SIZE(f->sent) && len <= sizeof(f->sent[0].buf)) {
		f->sent[f->nsent].dst = dst;
		memcpy(f->sent[f->nsent].buf, buf, len);
		f->sent[f->nsent].len = len;
		f->nsent++;
	}
	return 0;
}

static const char *fake_strerror(int err)
{
	return err < 0 ? "errno" : "win32";
}

static const struct igmpd_ops fake_ops = {
	.join = fake_join, .leave = fake_leave, .send = fake_send,
	.strerror = fake_strerror,
};

static bool installed(struct fake *f, uint32_t s, uint32_t g)
{
	return set_has(f, s, g);
}

static int n_installed(const struct fake *f)
{
	return f->ninstalled;
}

/* Queries sent to @dst (0: any) since @from. */
static int queries_to(const struct fake *f, int from, uint32_t dst)
{
	int i, n = 0;

	for (i = from; i < f->nsent; i++)
		if (!dst || f->sent[i].dst == dst)
			n++;
	return n;
}

/* --- packets ------------------------------------------------------------------------ */

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* An IPv4 header with router alert around @igmp (@len bytes). */
static size_t ip_wrap(uint8_t *pkt, uint32_t src, uint32_t dst,
		      const uint8_t *igmp, size_t len)
{
	uint16_t c;

	memset(pkt, 0, 24);
	pkt[0] = 0x46;
	pkt[2] = (uint8_t)((24 + len) >> 8);
	pkt[3] = (uint8_t)(24 + len);
	pkt[8] = 1;
	pkt[9] = 2;
	put32(pkt + 12, src);
	put32(pkt + 16, dst);
	pkt[20] = 148;
	pkt[21] = 4;
	c = inet_csum(pkt, 24);
	pkt[10] = c >> 8;
	pkt[11] = c & 0xff;
	memcpy(pkt + 24, igmp, len);
	return 24 + len;
}

/* Recompute the IP header checksum after a change. */
static void ip_fix(uint8_t *pkt)
{
	uint16_t c;

	pkt[10] = pkt[11] = 0;
	c = inet_csum(pkt, (size_t)(pkt[0] & 15) * 4);
	pkt[10] = c >> 8;
	pkt[11] = c & 0xff;
}

static void igmp_sum(uint8_t *igmp, size_t len)
{
	uint16_t c;

	igmp[2] = igmp[3] = 0;
	c = inet_csum(igmp, len);
	igmp[2] = c >> 8;
	igmp[3] = c & 0xff;
}

/* A v1/v2 message (8 bytes). */
static size_t pkt_v2(uint8_t *pkt, uint8_t type, uint32_t group)
{
	uint8_t m[8] = { type, 0 };

	put32(m + 4, group);
	igmp_sum(m, 8);
	return ip_wrap(pkt, HOST, type == IGMP_V2_LEAVE ? INADDR_ALLROUTERS :
		       group, m, 8);
}

/* A v3 report with one record. */
static size_t pkt_v3(uint8_t *pkt, uint8_t rtype, uint32_t group,
		     const uint32_t *srcs, size_t n)
{
	uint8_t m[16 + 4 * 64] = { IGMP_V3_REPORT, 0 };
	size_t i, len = 16 + 4 * n;

	m[7] = 1;			/* one record */
	m[8] = rtype;
	m[10] = (uint8_t)(n >> 8);
	m[11] = (uint8_t)n;
	put32(m + 12, group);
	for (i = 0; i < n; i++)
		put32(m + 16 + 4 * i, srcs[i]);
	igmp_sum(m, len);
	return ip_wrap(pkt, HOST, INADDR_V3REPORTS, m, len);
}

/* A query from @src: v3 unless @len8. */
static size_t pkt_query(uint8_t *pkt, uint32_t src, uint32_t group,
			bool len8, uint8_t code, bool suppress)
{
	uint8_t m[12] = { IGMP_QUERY, code };
	size_t len = len8 ? 8 : 12;

	put32(m + 4, group);
	if (!len8) {
		m[8] = (suppress ? 8 : 0) | 2;
		m[9] = 10;		/* QQIC: 10 s */
	}
	igmp_sum(m, len);
	return ip_wrap(pkt, src, group ? group : INADDR_ALLHOSTS, m, len);
}

/* --- the fixture ---------------------------------------------------------------------- */

FIXTURE(igmp) {
	struct igmpd d;
	struct iface ifp;
	struct fake *f;
	uint64_t now;
	uint8_t pkt[2048];
};

FIXTURE_SETUP(igmp)
{
	memset(&self->d, 0, sizeof(self->d));
	memset(&self->ifp, 0, sizeof(self->ifp));
	self->f = calloc(1, sizeof(*self->f));
	ASSERT_NE(NULL, self->f);
	config_defaults(&self->d.cfg);
	self->d.cfg.params.query_interval = QI;
	self->d.cfg.params.query_response = QRI;
	self->d.cfg.params.lmq_interval = LMQI;
	ASSERT_EQ(0, config_finish(&self->d.cfg, (char[64]){ 0 }, 64));
	self->d.ops = &fake_ops;
	self->d.ops_ctx = self->f;
	self->d.log.level = getenv("IGMPD_UNIT_LOG") ? LOG_LVL_DEBUG : 0;
	self->d.log.out = stderr;
	self->d.ifaces = &self->ifp;
	self->d.n_ifaces = 1;
	strcpy(self->ifp.name, "r0");
	self->ifp.ifindex = 7;
	self->ifp.rx_fd = 99;	/* "has a link" */
	self->ifp.addr = ROUTER;
	self->ifp.d = &self->d;
	self->ifp.p = self->d.cfg.params;
	tmr_init(&self->ifp.tmr, TMR_IFACE);
	ASSERT_EQ(0, theap_reserve(&self->d.timers));
	ASSERT_EQ(0, group_table_init(&self->ifp));
	self->now = T0;
	querier_start(&self->ifp, self->now);
	igmpd_run_timers(&self->d, self->now);	/* the first general query */
}

FIXTURE_TEARDOWN(igmp)
{
	/* Never a join of what is in, never a leave of what is not. */
	EXPECT_EQ(0, self->f->bad_ops);
	group_table_free(&self->ifp);
	theap_free(&self->d.timers);
	free(self->f);
}

/* Advance the clock by @ms, firing every timer on its due time. */
static void advance(struct igmpd *d, uint64_t *now, uint64_t ms)
{
	uint64_t end = *now + ms;
	struct tmr *t;

	while ((t = theap_peek(&d->timers)) && t->due <= end) {
		*now = t->due > *now ? t->due : *now;
		igmpd_run_timers(d, *now);
	}
	*now = end;
}

#define ADVANCE(ms)	advance(&self->d, &self->now, (ms))
#define INPUT(len)	iface_input(&self->ifp, self->pkt, (len), self->now)
#define V3(type, g, ...)						\
	do {								\
		uint32_t s_[] = { 0, __VA_ARGS__ };			\
		INPUT(pkt_v3(self->pkt, (type), (g), s_ + 1,		\
			     ARRAY_SIZE(s_) - 1));			\
	} while (0)

/* --- validation: one test per drop reason ------------------------------------------ */

TEST_F(igmp, valid_v2_report_is_accepted)
{
	struct igmp_msg m;
	size_t len = pkt_v2(self->pkt, IGMP_V2_REPORT, G1);

	ASSERT_EQ((int)PKT_OK, (int)igmp_parse(self->pkt, len, true, &m));
	EXPECT_EQ(IGMP_V2_REPORT, m.type);
	EXPECT_EQ(G1, m.group);
	EXPECT_EQ(HOST, m.src);
	EXPECT_TRUE(m.router_alert);
}

TEST_F(igmp, drops_are_counted_by_reason)
{
	struct igmp_msg m;
	uint32_t bad_src = A(224, 0, 0, 5);
	uint8_t msg[8] = { 0x42, 0, 0, 0 };
	size_t len;

	/* Bad IGMP checksum. */
	len = pkt_v2(self->pkt, IGMP_V2_REPORT, G1);
	self->pkt[24 + 2] ^= 1;
	EXPECT_EQ((int)PKT_CHECKSUM, (int)igmp_parse(self->pkt, len, true, &m));
	INPUT(len);
	EXPECT_EQ(1u, self->ifp.c.drop_checksum);

	/* Bad IP header checksum. */
	len = pkt_v2(self->pkt, IGMP_V2_REPORT, G1);
	self->pkt[10] ^= 1;
	EXPECT_EQ((int)PKT_IP_HEADER, (int)igmp_parse(self->pkt, len, true, &m));

	/* Truncated: shorter than the IP header says, or than IGMP. */
	len = pkt_v2(self->pkt, IGMP_V2_REPORT, G1);
	EXPECT_EQ((int)PKT_TRUNCATED, (int)igmp_parse(self->pkt, len - 1, true, &m));
	EXPECT_EQ((int)PKT_TRUNCATED, (int)igmp_parse(self->pkt, 19, true, &m));
	INPUT(len - 3);
	EXPECT_EQ(1u, self->ifp.c.drop_truncated);

	/* TTL not 1. */
	len = pkt_v2(self->pkt, IGMP_V2_REPORT, G1);
	self->pkt[8] = 2;
	ip_fix(self->pkt);
	EXPECT_EQ((int)PKT_TTL, (int)igmp_parse(self->pkt, len, true, &m));

	/* Unknown type. */
	put32(msg + 4, G1);
	igmp_sum(msg, 8);
	len = ip_wrap(self->pkt, HOST, G1, msg, 8);
	EXPECT_EQ((int)PKT_TYPE, (int)igmp_parse(self->pkt, len, true, &m));
	INPUT(len);
	EXPECT_EQ(1u, self->ifp.c.drop_type);

	/* A report for a unicast "group", v2 and v3. */
	len = pkt_v2(self->pkt, IGMP_V2_REPORT, S1);
	EXPECT_EQ((int)PKT_GROUP, (int)igmp_parse(self->pkt, len, true, &m));
	len = pkt_v3(self->pkt, IGMP_MODE_IS_EXCLUDE, S1, NULL, 0);
	EXPECT_EQ((int)PKT_GROUP, (int)igmp_parse(self->pkt, len, true, &m));
	INPUT(len);
	EXPECT_EQ(1u, self->ifp.c.drop_group);

	/* A multicast source. */
	len = pkt_v3(self->pkt, IGMP_ALLOW_NEW, G1, &bad_src, 1);
	EXPECT_EQ((int)PKT_SOURCE, (int)igmp_parse(self->pkt, len, true, &m));
	INPUT(len);
	EXPECT_EQ(1u, self->ifp.c.drop_source);

	/* A source count past the end of the message. */
	len = pkt_v3(self->pkt, IGMP_ALLOW_NEW, G1, (uint32_t[]){ S1 }, 1);
	self->pkt[24 + 10] = 0xff;
	igmp_sum(self->pkt + 24, len - 24);
	EXPECT_EQ((int)PKT_SOURCE_COUNT, (int)igmp_parse(self->pkt, len, true, &m));
	INPUT(len);
	EXPECT_EQ(1u, self->ifp.c.drop_source_count);

	/* A record count past the end. */
	len = pkt_v3(self->pkt, IGMP_ALLOW_NEW, G1, (uint32_t[]){ S1 }, 1);
	self->pkt[24 + 7] = 3;
	igmp_sum(self->pkt + 24, len - 24);
	EXPECT_EQ((int)PKT_TRUNCATED, (int)igmp_parse(self->pkt, len, true, &m));

	/* No router alert on a v2 report and a v3 report. */
	len = pkt_v2(self->pkt, IGMP_V2_REPORT, G1);
	memset(self->pkt + 20, 1, 4);	/* RA -> NOP NOP NOP NOP */
	ip_fix(self->pkt);
	EXPECT_EQ((int)PKT_ROUTER_ALERT, (int)igmp_parse(self->pkt, len, true, &m));
	EXPECT_EQ((int)PKT_OK, (int)igmp_parse(self->pkt, len, false, &m));
	INPUT(len);
	EXPECT_EQ(1u, self->ifp.c.drop_router_alert);
	len = pkt_v3(self->pkt, IGMP_MODE_IS_EXCLUDE, G1, NULL, 0);
	memset(self->pkt + 20, 1, 4);
	ip_fix(self->pkt);
	EXPECT_EQ((int)PKT_ROUTER_ALERT, (int)igmp_parse(self->pkt, len, true, &m));

	/* Fragments and broken options are bad headers. */
	len = pkt_v2(self->pkt, IGMP_V2_REPORT, G1);
	self->pkt[6] = 0x20;	/* MF */
	EXPECT_EQ((int)PKT_IP_HEADER, (int)igmp_parse(self->pkt, len, true, &m));
	len = pkt_v2(self->pkt, IGMP_V2_REPORT, G1);
	self->pkt[21] = 9;	/* option longer than the header */
	EXPECT_EQ((int)PKT_IP_HEADER, (int)igmp_parse(self->pkt, len, true, &m));
	len = pkt_v2(self->pkt, IGMP_V2_REPORT, G1);
	self->pkt[0] = 0x44;	/* IHL 4 */
	EXPECT_EQ((int)PKT_IP_HEADER, (int)igmp_parse(self->pkt, len, true, &m));
	self->pkt[0] = 0x66;	/* IPv6 */
	EXPECT_EQ((int)PKT_IP_HEADER, (int)igmp_parse(self->pkt, len, true, &m));

	/* A v3 query of a length no version has, and with too many sources. */
	len = pkt_query(self->pkt, A(10, 0, 0, 1), 0, false, 100, false);
	EXPECT_EQ((int)PKT_TRUNCATED, (int)igmp_parse(self->pkt, len - 2, true, &m));
	self->pkt[24 + 11] = 5;
	igmp_sum(self->pkt + 24, 12);
	EXPECT_EQ((int)PKT_SOURCE_COUNT, (int)igmp_parse(self->pkt, len, true, &m));

	/* None of it changed anything. */
	EXPECT_EQ(0, self->f->nops);
	EXPECT_EQ(0u, self->ifp.ngroups);
	EXPECT_EQ(0u, self->ifp.c.reports);
	EXPECT_EQ(self->ifp.c.rx_packets, counters_drops(&self->ifp.c));
}

TEST_F(igmp, unknown_record_types_and_local_groups_are_skipped)
{
	uint8_t m[16 * 3] = { IGMP_V3_REPORT, 0 };
	size_t len;

	m[7] = 3;
	m[8] = 9;			/* unknown record type */
	put32(m + 12, G1);
	m[16] = IGMP_MODE_IS_EXCLUDE;	/* a link-local group */
	put32(m + 20, A(224, 0, 0, 251));
	m[24] = IGMP_MODE_IS_EXCLUDE;
	put32(m + 28, G2);
	igmp_sum(m, 32);
	len = ip_wrap(self->pkt, HOST, INADDR_V3REPORTS, m, 32);
	INPUT(len);
	EXPECT_EQ(1u, self->ifp.c.records_ignored);
	EXPECT_EQ(1u, self->ifp.c.local_groups_ignored);
	EXPECT_EQ(3u, self->ifp.c.rx_v3_records);
	EXPECT_EQ(1, n_installed(self->f));
	EXPECT_TRUE(installed(self->f, 0, G2));
}

TEST(code_encoding)
{
	uint32_t v;

	EXPECT_EQ(0, igmp_code_encode(0));
	EXPECT_EQ(127, igmp_code_encode(127));
	EXPECT_EQ(0x80, igmp_code_encode(128));
	EXPECT_EQ(0xff, igmp_code_encode(31744));
	EXPECT_EQ(0xff, igmp_code_encode(1000000));
	EXPECT_EQ(31744u, igmp_code_decode(0xff));
	for (v = 0; v <= 31744; v++) {
		uint32_t d = igmp_code_decode(igmp_code_encode(v));

		/* Rounded down, by less than one mantissa step. */
		ASSERT_LE(d, v);
		ASSERT_LT(v - d, v < 128 ? 1u : v / 16 + 1);
	}
}

/* --- the state machine ---------------------------------------------------------------- */

TEST_F(igmp, v3_exclude_join_is_star_g_until_gmi)
{
	V3(IGMP_CHANGE_TO_EXCLUDE, G1);
	EXPECT_TRUE(installed(self->f, 0, G1));
	EXPECT_EQ(1, n_installed(self->f));
	EXPECT_EQ(1u, self->ifp.c.joins);
	ADVANCE(GMI - 1);
	EXPECT_TRUE(installed(self->f, 0, G1));
	/* A current-state report refreshes it. */
	V3(IGMP_MODE_IS_EXCLUDE, G1);
	ADVANCE(GMI - 1);
	EXPECT_TRUE(installed(self->f, 0, G1));
	ADVANCE(2);
	EXPECT_FALSE(installed(self->f, 0, G1));
	EXPECT_EQ(0u, self->ifp.ngroups);
	EXPECT_EQ(1u, self->ifp.c.leaves);
	EXPECT_EQ(2, self->f->nops);	/* no duplicate joins */
}

/*
 * DisableIgmp .. EnableIgmp (hold.c): meanwhile no change reaches mgm; then
 * every membership the state wants is added again and the held-back
 * leaves are made, additions first.
 */
TEST_F(igmp, disable_igmp_holds_changes_until_enable_igmp)
{
	const uint32_t g3 = A(239, 1, 1, 3), g4 = A(239, 1, 1, 4);
	int n0;

	V3(IGMP_CHANGE_TO_EXCLUDE, G1);
	V3(IGMP_ALLOW_NEW, G2, S1, S2);
	ASSERT_EQ(3, n_installed(self->f));
	n0 = self->f->nops;

	iface_hold(&self->ifp);
	V3(IGMP_CHANGE_TO_INCLUDE, G1);		/* leaves after LMQT */
	V3(IGMP_CHANGE_TO_EXCLUDE, g3);		/* a new join */
	V3(IGMP_CHANGE_TO_EXCLUDE, g4);		/* joined and gone meanwhile */
	V3(IGMP_CHANGE_TO_INCLUDE, g4);
	ADVANCE(LMQT + 1);
	EXPECT_EQ(n0, self->f->nops);		/* nothing reached mgm */
	EXPECT_TRUE(installed(self->f, 0, G1));
	EXPECT_FALSE(installed(self->f, 0, g3));
	EXPECT_EQ(0u, self->ifp.c.mgm_errors);

	iface_unhold(&self->ifp);
	EXPECT_EQ(1u, self->ifp.c.igmp_disabled);
	EXPECT_EQ(1u, self->ifp.c.igmp_enabled);
	EXPECT_EQ(3u, self->ifp.c.readds);	/* (S1,G2), (S2,G2), (*,g3) */
	ASSERT_EQ(n0 + 4, self->f->nops);	/* and the held-back leave */
	EXPECT_TRUE(self->f->ops[n0].join && self->f->ops[n0 + 1].join &&
		    self->f->ops[n0 + 2].join);
	EXPECT_FALSE(self->f->ops[n0 + 3].join);
	EXPECT_EQ(0u, self->f->ops[n0 + 3].s);
	EXPECT_EQ(G1, self->f->ops[n0 + 3].g);
	EXPECT_FALSE(installed(self->f, 0, G1));
	EXPECT_TRUE(installed(self->f, 0, g3));
	EXPECT_TRUE(installed(self->f, S1, G2) && installed(self->f, S2, G2));
	EXPECT_EQ(3, n_installed(self->f));
	/* The re-adds of what mgm kept: meant, not bad. */
	EXPECT_EQ(2, self->f->bad_ops);
	self->f->bad_ops = 0;
	/* Held no more: changes go through at once. */
	V3(IGMP_CHANGE_TO_EXCLUDE, G1);
	EXPECT_TRUE(installed(self->f, 0, G1));
	iface_hold_free(&self->ifp);
}

TEST_F(igmp, v3_leave_sends_group_queries_then_deletes)
{
	int sent;

	V3(IGMP_CHANGE_TO_EXCLUDE, G1);
	sent = self->f->nsent;
	V3(IGMP_CHANGE_TO_INCLUDE, G1);
	/* Q(G) right away, LMQC - 1 more every LMQI, then gone at LMQT. */
	EXPECT_EQ(1, queries_to(self->f, sent, G1));
	EXPECT_EQ(12u, self->f->sent[sent].len);
	EXPECT_EQ(IGMP_QUERY, self->f->sent[sent].buf[0]);
	EXPECT_EQ(10, self->f->sent[sent].buf[1]);	/* LMQI in 1/10 s */
	EXPECT_EQ(0, self->f->sent[sent].buf[8] & 8);	/* S clear */
	ADVANCE(LMQI);
	EXPECT_EQ(2, queries_to(self->f, sent, G1));
	EXPECT_TRUE(installed(self->f, 0, G1));
	ADVANCE(LMQI - 1);
	EXPECT_TRUE(installed(self->f, 0, G1));
	ADVANCE(1);
	EXPECT_FALSE(installed(self->f, 0, G1));
	EXPECT_EQ(2, queries_to(self->f, sent, G1));
	EXPECT_EQ(2u, self->ifp.c.tx_group_queries);
}

TEST_F(igmp, report_during_last_member_queries_keeps_group)
{
	int sent;

	V3(IGMP_CHANGE_TO_EXCLUDE, G1);
	V3(IGMP_CHANGE_TO_INCLUDE, G1);
	sent = self->f->nsent;
	V3(IGMP_MODE_IS_EXCLUDE, G1);	/* another host answers */
	ADVANCE(LMQI);
	/* The retransmission says "suppress": the timer is above LMQT. */
	EXPECT_EQ(1, queries_to(self->f, sent, G1));
	EXPECT_EQ(8, self->f->sent[sent].buf[8] & 8);
	ADVANCE(GMI - LMQI - 1);
	EXPECT_TRUE(installed(self->f, 0, G1));
	ADVANCE(1);
	EXPECT_FALSE(installed(self->f, 0, G1));
}

TEST_F(igmp, include_sources_are_s_g_and_block_queries_them)
{
	int sent;

	V3(IGMP_ALLOW_NEW, G1, S1, S2, S1);	/* duplicates are one */
	EXPECT_TRUE(installed(self->f, S1, G1));
	EXPECT_TRUE(installed(self->f, S2, G1));
	EXPECT_FALSE(installed(self->f, 0, G1));
	EXPECT_EQ(2, n_installed(self->f));
	sent = self->f->nsent;
	V3(IGMP_BLOCK_OLD, G1, S1, S3);
	/* Q(G,A*B) = Q(G,{S1}): one query, one source, S clear. */
	ASSERT_EQ(1, queries_to(self->f, sent, G1));
	EXPECT_EQ(16u, self->f->sent[sent].len);
	EXPECT_EQ(1, self->f->sent[sent].buf[11]);
	EXPECT_EQ(1u, self->ifp.c.tx_source_queries);
	ADVANCE(LMQT);
	EXPECT_FALSE(installed(self->f, S1, G1));
	EXPECT_TRUE(installed(self->f, S2, G1));
	EXPECT_FALSE(installed(self->f, S3, G1));
	EXPECT_EQ(2u, self->ifp.c.tx_source_queries);
	/* S2 times out at GMI; the group goes with it. */
	ADVANCE(GMI - LMQT);
	EXPECT_EQ(0, n_installed(self->f));
	EXPECT_EQ(0u, self->ifp.ngroups);
}

TEST_F(igmp, include_to_exclude_adds_star_before_deleting_sources)
{
	int first;

	V3(IGMP_ALLOW_NEW, G1, S1, S2);
	first = self->f->nops;
	V3(IGMP_CHANGE_TO_EXCLUDE, G1, S2);
	/* EXCLUDE({S1}*{S2}...): (*,G) first, then (S1,G) and (S2,G) go. */
	ASSERT_EQ(first + 3, self->f->nops);
	EXPECT_TRUE(self->f->ops[first].join);
	EXPECT_EQ(0u, self->f->ops[first].s);
	EXPECT_FALSE(self->f->ops[first + 1].join);
	EXPECT_FALSE(self->f->ops[first + 2].join);
	EXPECT_EQ(1, n_installed(self->f));
	EXPECT_TRUE(installed(self->f, 0, G1));
}

TEST_F(igmp, exclude_falls_back_to_include_sources_at_group_timeout)
{
	V3(IGMP_MODE_IS_EXCLUDE, G1);
	ADVANCE(QI);
	V3(IGMP_ALLOW_NEW, G1, S1);	/* X = {S1}, timer GMI from now */
	EXPECT_EQ(1, n_installed(self->f));
	ADVANCE(GMI - QI);
	/* Group timer out, S1 still running: INCLUDE({S1}). */
	EXPECT_TRUE(installed(self->f, S1, G1));
	EXPECT_FALSE(installed(self->f, 0, G1));
	ADVANCE(QI);
	EXPECT_EQ(0, n_installed(self->f));
	EXPECT_EQ(0u, self->ifp.ngroups);
}

TEST_F(igmp, exclude_block_and_to_in_query_the_right_sources)
{
	int sent;

	V3(IGMP_MODE_IS_EXCLUDE, G1, S1);	/* EXCLUDE({}, {S1}) */
	sent = self->f->nsent;
	V3(IGMP_BLOCK_OLD, G1, S1);		/* S1 in Y: no query */
	EXPECT_EQ(0, queries_to(self->f, sent, 0));
	V3(IGMP_BLOCK_OLD, G1, S2);		/* S2 new: X, queried */
	ASSERT_EQ(1, queries_to(self->f, sent, G1));
	EXPECT_EQ(1, self->f->sent[sent].buf[11]);
	sent = self->f->nsent;
	V3(IGMP_CHANGE_TO_INCLUDE, G1, S3);	/* Q(G,X-A) and Q(G) */
	EXPECT_EQ(2, queries_to(self->f, sent, G1));
	ADVANCE(LMQT);
	/* Only S3 was asked for: INCLUDE({S3}). */
	EXPECT_TRUE(installed(self->f, S3, G1));
	EXPECT_FALSE(installed(self->f, 0, G1));
	EXPECT_EQ(1, n_installed(self->f));
}

TEST_F(igmp, v2_report_and_leave)
{
	int sent;

	INPUT(pkt_v2(self->pkt, IGMP_V2_REPORT, G1));
	EXPECT_TRUE(installed(self->f, 0, G1));
	EXPECT_EQ(2u, group_compat(group_find(&self->ifp, G1), self->now));
	/* v2 hosts present: BLOCK ignored, TO_EX(S) is TO_EX({}). */
	V3(IGMP_BLOCK_OLD, G1, S1);
	V3(IGMP_CHANGE_TO_EXCLUDE, G1, S1);
	EXPECT_EQ(0u, group_find(&self->ifp, G1)->nsrcs);
	sent = self->f->nsent;
	INPUT(pkt_v2(self->pkt, IGMP_V2_LEAVE, G1));
	EXPECT_EQ(1u, self->ifp.c.rx_v2_leaves);
	EXPECT_EQ(1, queries_to(self->f, sent, G1));
	ADVANCE(LMQT);
	EXPECT_FALSE(installed(self->f, 0, G1));
}

TEST_F(igmp, v1_hosts_make_leaves_ignored)
{
	uint8_t m[8] = { IGMP_V1_REPORT, 0 };
	size_t len;

	put32(m + 4, G1);
	igmp_sum(m, 8);
	len = ip_wrap(self->pkt, HOST, G1, m, 8);
	INPUT(len);
	EXPECT_EQ(1u, self->ifp.c.rx_v1_reports);
	EXPECT_TRUE(installed(self->f, 0, G1));
	INPUT(pkt_v2(self->pkt, IGMP_V2_LEAVE, G1));
	ADVANCE(LMQT);
	EXPECT_TRUE(installed(self->f, 0, G1));
	ADVANCE(GMI);
	EXPECT_FALSE(installed(self->f, 0, G1));
}

TEST_F(igmp, leave_for_unknown_group_does_nothing)
{
	INPUT(pkt_v2(self->pkt, IGMP_V2_LEAVE, G2));
	V3(IGMP_CHANGE_TO_INCLUDE, G2);
	V3(IGMP_BLOCK_OLD, G2, S1);
	EXPECT_EQ(0u, self->ifp.ngroups);
	EXPECT_EQ(0, self->f->nops);
	EXPECT_EQ(3u, self->ifp.c.reports);
}

/* --- the querier -------------------------------------------------------------------------- */

TEST_F(igmp, startup_then_general_queries)
{
	struct sent *q = &self->f->sent[0];

	/* One at start, SQC - 1 more every SQI, then one every QI. */
	ASSERT_EQ(1, queries_to(self->f, 0, INADDR_ALLHOSTS));
	EXPECT_EQ(12u, q->len);
	EXPECT_EQ(20, q->buf[1]);		/* QRI in 1/10 s */
	EXPECT_EQ(0, q->buf[4] | q->buf[5] | q->buf[6] | q->buf[7]);
	EXPECT_EQ(2, q->buf[8] & 7);		/* QRV */
	EXPECT_EQ(10, q->buf[9]);		/* QQIC */
	EXPECT_EQ(0, inet_csum(q->buf, q->len));
	ADVANCE(QI / 4);
	EXPECT_EQ(2, queries_to(self->f, 0, INADDR_ALLHOSTS));
	ADVANCE(QI - 1);
	EXPECT_EQ(2, queries_to(self->f, 0, INADDR_ALLHOSTS));
	ADVANCE(1);
	EXPECT_EQ(3, queries_to(self->f, 0, INADDR_ALLHOSTS));
	ADVANCE(QI);
	EXPECT_EQ(4, queries_to(self->f, 0, INADDR_ALLHOSTS));
	EXPECT_EQ(4u, self->ifp.c.tx_general_queries);
}

TEST_F(igmp, lower_address_wins_the_election)
{
	int sent;

	/* A higher address does not take over. */
	INPUT(pkt_query(self->pkt, A(10, 0, 0, 99), 0, false, 100, false));
	EXPECT_TRUE(self->ifp.q.is_querier);
	/* A lower one does, until its queries stop for OQPI. */
	INPUT(pkt_query(self->pkt, A(10, 0, 0, 1), 0, false, 100, false));
	EXPECT_FALSE(self->ifp.q.is_querier);
	EXPECT_EQ(A(10, 0, 0, 1), self->ifp.q.addr);
	EXPECT_EQ(1u, self->ifp.c.querier_changes);
	sent = self->f->nsent;
	/* A non-querier sends no query, not even on a leave. */
	V3(IGMP_CHANGE_TO_EXCLUDE, G1);
	V3(IGMP_CHANGE_TO_INCLUDE, G1);
	ADVANCE(OQPI - 1);
	EXPECT_EQ(0, queries_to(self->f, sent, 0));
	/* Group-specific queries of the querier lower our group timer. */
	V3(IGMP_MODE_IS_EXCLUDE, G1);
	INPUT(pkt_query(self->pkt, A(10, 0, 0, 1), G1, false, 10, true));
	ADVANCE(LMQT);
	EXPECT_TRUE(installed(self->f, 0, G1));	/* S set: not lowered */
	INPUT(pkt_query(self->pkt, A(10, 0, 0, 1), G1, false, 10, false));
	ADVANCE(LMQT);
	EXPECT_FALSE(installed(self->f, 0, G1));
	/* The querier goes silent: we take over after OQPI. */
	ADVANCE(OQPI);
	EXPECT_TRUE(self->ifp.q.is_querier);
	EXPECT_EQ(ROUTER, self->ifp.q.addr);
	EXPECT_LE(1, queries_to(self->f, sent, INADDR_ALLHOSTS));
	EXPECT_EQ(2u, self->ifp.c.querier_changes);
}

/*
 * The other querier goes silent right after its query, and our membership
 * timer started with the member's report to that query: at OQPI we take
 * over, only QRI/2 before the group would expire, and the member may use
 * our first query's whole response interval to answer. It must not be
 * dropped meanwhile (mgm would tell the routing protocols a prune and a
 * join); gone for good, it goes once that response interval is up.
 */
TEST_F(igmp, takeover_gives_members_our_first_query_to_answer)
{
	INPUT(pkt_query(self->pkt, A(10, 0, 0, 1), 0, false, 100, false));
	V3(IGMP_MODE_IS_EXCLUDE, G1);		/* its answer: timer GMI */
	V3(IGMP_MODE_IS_EXCLUDE, G2);
	EXPECT_TRUE(installed(self->f, 0, G1));
	ADVANCE(OQPI);
	EXPECT_TRUE(self->ifp.q.is_querier);
	/* Past GMI: the member had no query to answer since. */
	ADVANCE(GMI - OQPI + QRI / 4);
	EXPECT_TRUE(installed(self->f, 0, G1));
	EXPECT_TRUE(installed(self->f, 0, G2));
	V3(IGMP_MODE_IS_EXCLUDE, G2);		/* G2's member answers us */
	/* G1's did not: gone when our query's response interval is up. */
	ADVANCE(QRI + QRI / 2 - (GMI - OQPI + QRI / 4) + 1);
	EXPECT_FALSE(installed(self->f, 0, G1));
	EXPECT_TRUE(installed(self->f, 0, G2));
}

TEST_F(igmp, non_querier_adopts_qrv_and_qqi)
{
	INPUT(pkt_query(self->pkt, A(10, 0, 0, 1), 0, false, 100, false));
	EXPECT_EQ(2u, self->ifp.p.robustness);
	EXPECT_EQ(10000u, self->ifp.p.query_interval);
	self->pkt[24 + 8] = 5;	/* QRV 5 */
	self->pkt[24 + 9] = 20;	/* QQIC 20 s */
	igmp_sum(self->pkt + 24, 12);
	INPUT(28 + 8);
	EXPECT_EQ(5u, self->ifp.p.robustness);
	EXPECT_EQ(20000u, self->ifp.p.query_interval);
}

TEST_F(igmp, v2_querier_makes_our_queries_v2)
{
	int sent;

	INPUT(pkt_query(self->pkt, A(10, 0, 0, 99), 0, true, 100, false));
	EXPECT_EQ(2u, querier_version(&self->ifp, self->now));
	EXPECT_TRUE(self->ifp.q.is_querier);
	sent = self->f->nsent;
	ADVANCE(QI);
	ASSERT_LE(1, queries_to(self->f, sent, INADDR_ALLHOSTS));
	EXPECT_EQ(8u, self->f->sent[sent].len);
	EXPECT_EQ(20, self->f->sent[sent].buf[1]);
	ADVANCE(OQPI);
	EXPECT_EQ(3u, querier_version(&self->ifp, self->now));
}

TEST_F(igmp, send_failures_are_counted)
{
	self->f->fail_sends = 1;
	ADVANCE(QI / 4);
	EXPECT_EQ(1u, self->ifp.c.tx_errors);
	/* Without an address there is nothing to send from. */
	self->ifp.addr = 0;
	ADVANCE(QI);
	EXPECT_EQ(2u, self->ifp.c.tx_errors);
	EXPECT_EQ(1u, self->ifp.c.tx_general_queries);
}

/* --- limits and mgm failures ------------------------------------------------------------ */

TEST_F(igmp, group_and_source_limits)
{
	uint32_t i;

	self->d.cfg.max_groups = 3;
	self->d.cfg.max_sources = 2;
	for (i = 0; i < 5; i++)
		V3(IGMP_MODE_IS_EXCLUDE, G1 + i);
	EXPECT_EQ(3u, self->ifp.ngroups);
	EXPECT_EQ(2u, self->ifp.c.drop_limit);
	EXPECT_EQ(3, n_installed(self->f));
	V3(IGMP_ALLOW_NEW, G1 + 10, S1, S2, S3);
	EXPECT_EQ(3u, self->ifp.c.drop_limit);	/* no fourth group */
	V3(IGMP_ALLOW_NEW, G1, S1, S2, S3);
	EXPECT_EQ(2u, group_find(&self->ifp, G1)->nsrcs);
	EXPECT_EQ(4u, self->ifp.c.drop_limit);
}

TEST_F(igmp, refused_join_is_retried)
{
	self->f->fail_joins = 1;
	V3(IGMP_MODE_IS_EXCLUDE, G1);
	EXPECT_FALSE(installed(self->f, 0, G1));
	EXPECT_EQ(1u, self->ifp.c.mgm_errors);
	V3(IGMP_MODE_IS_EXCLUDE, G1);
	EXPECT_TRUE(installed(self->f, 0, G1));
	EXPECT_EQ(1u, self->ifp.c.joins);
	ADVANCE(GMI);
	EXPECT_FALSE(installed(self->f, 0, G1));
}

TEST_F(igmp, many_groups_and_sources)
{
	uint32_t srcs[64], i;
	int want = 0;

	for (i = 0; i < 64; i++)
		srcs[i] = S1 + i;
	for (i = 0; i < 1000; i++) {
		size_t len = pkt_v3(self->pkt, IGMP_ALLOW_NEW, G1 + i, srcs,
				    i % 64 + 1);

		INPUT(len);
		want += (int)(i % 64 + 1);
	}
	EXPECT_EQ(1000u, self->ifp.ngroups);
	EXPECT_EQ(want, n_installed(self->f));
	for (i = 0; i < 1000; i++)
		ASSERT_EQ(i % 64 + 1, group_find(&self->ifp, G1 + i)->nsrcs);
	ADVANCE(GMI);
	EXPECT_EQ(0u, self->ifp.ngroups);
	EXPECT_EQ(0, n_installed(self->f));
}

/*
 * Valid packets of every kind, mutated at random (bytes flipped, lengths
 * cut, checksums sometimes repaired so the damage gets past them): never a
 * crash, every packet accounted for, and the state stays consistent.
 */
TEST_F(igmp, random_mutations_keep_the_state_consistent)
{
	unsigned int seed = 12345, i, k;
	uint64_t accepted;

	for (i = 0; i < 50000; i++) {
		uint32_t srcs[3] = { S1, S2, S3 };
		size_t len;

		seed = seed * 1103515245 + 12345;
		switch (seed >> 16 & 7) {
		case 0:
			len = pkt_v2(self->pkt, IGMP_V2_REPORT, G1 + (seed & 3));
			break;
		case 1:
			len = pkt_v2(self->pkt, IGMP_V2_LEAVE, G1 + (seed & 3));
			break;
		case 2:
			len = pkt_query(self->pkt, A(10, 0, 0, 1 + (seed & 15)),
					seed & 1 ? G1 : 0, seed & 2, 10, seed & 4);
			break;
		default:
			len = pkt_v3(self->pkt, 1 + (seed >> 8) % 6, G1 + (seed & 3),
				     srcs, (seed >> 4) % 4);
			break;
		}
		for (k = 0; k < 1 + (seed >> 20) % 3; k++) {
			seed = seed * 1103515245 + 12345;
			self->pkt[(seed >> 16) % len] ^= (uint8_t)(1u << (seed & 7));
		}
		seed = seed * 1103515245 + 12345;
		if (seed & 0x100)
			ip_fix(self->pkt);
		if (seed & 0x200 && len > 24)
			igmp_sum(self->pkt + 24, len - 24);
		if (seed & 0x400)
			len = (seed >> 16) % (len + 1);
		INPUT(len);
		if (!(i % 97))
			ADVANCE(LMQI / 2);
	}
	accepted = self->ifp.c.rx_queries + self->ifp.c.reports;
	EXPECT_EQ(self->ifp.c.rx_packets, accepted + counters_drops(&self->ifp.c) -
		  self->ifp.c.drop_limit);
	EXPECT_LT(0u, accepted);
	EXPECT_LT(0u, counters_drops(&self->ifp.c));
	/* Sources sorted and unique; INCLUDE groups have live sources. */
	for (k = 0; k < self->ifp.nbuckets; k++) {
		struct group *g;

		for (g = self->ifp.buckets[k]; g; g = g->hnext) {
			for (i = 1; i < g->nsrcs; i++)
				ASSERT_LT(g->srcs[i - 1].addr, g->srcs[i].addr);
			if (g->mode == MODE_INCLUDE)
				ASSERT_LT(0u, group_live_sources(g));
			ASSERT_EQ(g->mode == MODE_EXCLUDE, installed(self->f, 0, g->addr));
		}
	}
	/* Everything times out in the end. */
	ADVANCE(10 * GMI);
	EXPECT_EQ(0u, self->ifp.ngroups);
	EXPECT_EQ(0, n_installed(self->f));
}

/* --- the timer heap ---------------------------------------------------------------------- */

TEST(timer_heap_orders_and_rearms)
{
	struct theap h = { 0 };
	struct tmr t[200];
	uint64_t last = 0;
	unsigned int i, seed = 1;

	for (i = 0; i < 200; i++) {
		tmr_init(&t[i], TMR_GROUP);
		ASSERT_EQ(0, theap_reserve(&h));
		seed = seed * 1103515245 + 12345;
		theap_set(&h, &t[i], 1 + seed % 1000);
	}
	for (i = 0; i < 200; i += 3) {		/* re-arm some, cancel some */
		seed = seed * 1103515245 + 12345;
		theap_set(&h, &t[i], i % 2 ? 0 : 1 + seed % 1000);
	}
	while (theap_peek(&h)) {
		struct tmr *x = theap_peek(&h);

		ASSERT_LE(last, x->due);
		last = x->due;
		theap_set(&h, x, 0);
		ASSERT_EQ(TMR_IDLE, x->idx);
	}
	EXPECT_EQ(0u, h.n);
	theap_free(&h);
}

/* --- configuration ---------------------------------------------------------------------- */

TEST(durations)
{
	uint32_t ms;

	ASSERT_EQ(0, parse_duration("125", &ms));
	EXPECT_EQ(125000u, ms);
	ASSERT_EQ(0, parse_duration("500ms", &ms));
	EXPECT_EQ(500u, ms);
	ASSERT_EQ(0, parse_duration("2m", &ms));
	EXPECT_EQ(120000u, ms);
	ASSERT_EQ(0, parse_duration("3s", &ms));
	EXPECT_EQ(3000u, ms);
	EXPECT_EQ(-1, parse_duration("", &ms));
	EXPECT_EQ(-1, parse_duration("-1", &ms));
	EXPECT_EQ(-1, parse_duration("1h", &ms));
	EXPECT_EQ(-1, parse_duration("99999999999", &ms));
}

static int parse(struct igmpd_config *c, char *out, size_t outlen, ...)
{
	char *argv[32] = { "mgm-igmpd" };
	int argc = 1, ret;
	FILE *o = fmemopen(out, outlen, "w");
	va_list ap;

	va_start(ap, outlen);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	config_defaults(c);
	ret = config_parse_args(c, argc, argv, o, o);
	fclose(o);
	return ret;
}

TEST(command_line)
{
	struct igmpd_config c;
	char out[4096];

	ASSERT_EQ(0, parse(&c, out, sizeof(out), "-i", "r0", "-i", "r1",
			   "-i", "r0", "-q", "20s", "-R", "2s", "-L", "200ms",
			   "-r", "3", "--forward", NULL));
	EXPECT_EQ(2u, c.n_ifnames);
	EXPECT_STREQ("r1", c.ifnames[1]);
	EXPECT_EQ(20000u, c.params.query_interval);
	EXPECT_EQ(5000u, c.params.startup_interval);
	EXPECT_EQ(3u, c.params.lmq_count);
	EXPECT_EQ(3u, c.params.startup_count);
	EXPECT_TRUE(c.forward);
	config_free(&c);

	/* Defaults are RFC 3376's. */
	ASSERT_EQ(0, parse(&c, out, sizeof(out), "-i", "r0", NULL));
	EXPECT_EQ(125000u, c.params.query_interval);
	EXPECT_EQ(10000u, c.params.query_response);
	EXPECT_EQ(1000u, c.params.lmq_interval);
	EXPECT_EQ(2u, c.params.robustness);
	EXPECT_EQ(3u, c.params.version);
	config_free(&c);

	EXPECT_EQ(1, parse(&c, out, sizeof(out), "-h", NULL));
	EXPECT_NE(NULL, strstr(out, "usage:"));
	config_free(&c);
	EXPECT_EQ(-1, parse(&c, out, sizeof(out), NULL));
	EXPECT_NE(NULL, strstr(out, "no interface"));
	config_free(&c);
	EXPECT_EQ(-1, parse(&c, out, sizeof(out), "-i", "r0", "-x", NULL));
	EXPECT_NE(NULL, strstr(out, "unknown option"));
	config_free(&c);
	EXPECT_EQ(-1, parse(&c, out, sizeof(out), "-i", "r0", "-q", NULL));
	EXPECT_NE(NULL, strstr(out, "needs a value"));
	config_free(&c);
	EXPECT_EQ(-1, parse(&c, out, sizeof(out), "-i", "r0", "-r", "9", NULL));
	EXPECT_NE(NULL, strstr(out, "robustness"));
	config_free(&c);
	EXPECT_EQ(-1, parse(&c, out, sizeof(out), "-i", "r0", "-q", "2s",
			    "-R", "3s", NULL));
	EXPECT_NE(NULL, strstr(out, "less than"));
	config_free(&c);
	EXPECT_EQ(-1, parse(&c, out, sizeof(out), "-i", "r0", "-L", "50ms", NULL));
	config_free(&c);
	EXPECT_EQ(-1, parse(&c, out, sizeof(out), "-i", "a-name-much-too-long", NULL));
	config_free(&c);
	EXPECT_EQ(-1, parse(&c, out, sizeof(out), "-s", "-i", "r0", NULL));
	config_free(&c);
	EXPECT_EQ(-1, parse(&c, out, sizeof(out), "-s", "-G", NULL));
	config_free(&c);
	EXPECT_EQ(-1, parse(&c, out, sizeof(out), "-i", "r0", "extra", NULL));
	config_free(&c);
	EXPECT_EQ(-1, parse(&c, out, sizeof(out), "-i", "r0", "-V", "1", NULL));
	config_free(&c);
	EXPECT_EQ(-1, parse(&c, out, sizeof(out), "-i", "r0", "-l", "loud", NULL));
	config_free(&c);
	EXPECT_EQ(0, parse(&c, out, sizeof(out), "-s", "-j", "-c", "/tmp/x", NULL));
	EXPECT_EQ('s', c.client);
	EXPECT_TRUE(c.json);
	EXPECT_STREQ("/tmp/x", c.ctl_path);
	config_free(&c);
}

TEST(config_file)
{
	char path[] = "/tmp/igmpd-unit-XXXXXX", out[4096];
	struct igmpd_config c;
	FILE *f;
	int fd;

	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	f = fdopen(fd, "w");
	fputs("# mgm-igmpd.conf\n"
	      "interface r0\n"
	      "  interface\tr1   # the second\n"
	      "\n"
	      "query-interval 30s\n"
	      "robustness 3\n"
	      "router-alert optional\n"
	      "member-log-level notice\n", f);
	fclose(f);
	/* The file applies where it stands: -r after it wins. */
	ASSERT_EQ(0, parse(&c, out, sizeof(out), "-f", path, "-r", "4", NULL));
	EXPECT_EQ(2u, c.n_ifnames);
	EXPECT_STREQ("r1", c.ifnames[1]);
	EXPECT_EQ(30000u, c.params.query_interval);
	EXPECT_EQ(4u, c.params.robustness);
	EXPECT_FALSE(c.require_ra);
	EXPECT_EQ(LOG_LVL_NOTICE, c.member_log_level);
	config_free(&c);

	f = fopen(path, "w");
	fputs("interface r0\nquery-interval soon\n", f);
	fclose(f);
	EXPECT_EQ(-1, parse(&c, out, sizeof(out), "-f", path, NULL));
	EXPECT_NE(NULL, strstr(out, ":2: query-interval: bad duration"));
	config_free(&c);

	f = fopen(path, "w");
	fputs("interface\n", f);
	fclose(f);
	EXPECT_EQ(-1, parse(&c, out, sizeof(out), "-f", path, NULL));
	EXPECT_NE(NULL, strstr(out, "needs a value"));
	config_free(&c);

	f = fopen(path, "w");
	fputs("colour blue\n", f);
	fclose(f);
	EXPECT_EQ(-1, parse(&c, out, sizeof(out), "-f", path, NULL));
	EXPECT_NE(NULL, strstr(out, "unknown setting"));
	config_free(&c);
	unlink(path);

	EXPECT_EQ(-1, parse(&c, out, sizeof(out), "-f", "/nonexistent/x", NULL));
	EXPECT_NE(NULL, strstr(out, "No such file"));
	config_free(&c);
}

TEST_HARNESS_MAIN
