// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Counters and the control socket.
 *
 * The daemon answers "stats" and "groups" (optionally followed by " json")
 * on its control socket (default "@mgm-igmpd", an abstract name, so each
 * network namespace has its own; the transport is tools/common/ctlsock.c,
 * which mgm-fwd shares). `mgm-igmpd -s` and `mgm-igmpd -G` are the
 * clients. JSON answers are written by the writer all mgm programs share
 * (tools/common/json.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "ctl.h"
#include "ctlsock.h"
#include "json.h"

static const char *const counter_names[] = {
#define X(name) #name,
	IGMPD_COUNTERS(X)
#undef X
};

#define N_COUNTERS	ARRAY_SIZE(counter_names)

/* The counters are read as an array of u64. */
_Static_assert(sizeof(struct igmpd_counters) == N_COUNTERS * sizeof(uint64_t),
	       "struct igmpd_counters is only u64 counters");

static uint64_t *counter_array(struct igmpd_counters *c)
{
	return (uint64_t *)c;
}

void counters_add(struct igmpd_counters *to, const struct igmpd_counters *c)
{
	const uint64_t *from = (const uint64_t *)c;
	uint64_t *t = counter_array(to);
	size_t i;

	for (i = 0; i < N_COUNTERS; i++)
		t[i] += from[i];
}

uint64_t counters_drops(const struct igmpd_counters *c)
{
	return c->drop_ip_header + c->drop_truncated + c->drop_checksum +
	       c->drop_ttl + c->drop_router_alert + c->drop_type +
	       c->drop_group + c->drop_source + c->drop_source_count +
	       c->drop_limit;
}

static const char *ip_str(uint32_t host, char *buf)
{
	uint32_t n = htonl(host);

	return inet_ntop(AF_INET, &n, buf, INET_ADDRSTRLEN);
}

/* Remaining time of a timer in ms (0: not running). */
static uint64_t left(uint64_t t, uint64_t now)
{
	return t > now ? t - now : 0;
}

/* --- stats ------------------------------------------------------------------------ */

static void counters_json(struct json *j, const char *key,
			  const struct igmpd_counters *c)
{
	const uint64_t *v = (const uint64_t *)c;
	size_t i;

	json_key_open(j, key, '{');
	for (i = 0; i < N_COUNTERS; i++)
		json_key_u64(j, counter_names[i], v[i]);
	json_key_u64(j, "drops", counters_drops(c));
	json_close(j, '}');
}

static void ctl_render_stats(const struct igmpd *d, bool json, uint64_t now,
			     FILE *b)
{
	struct igmpd_counters total = { 0 };
	char a[INET_ADDRSTRLEN], q[INET_ADDRSTRLEN];
	struct json j;
	size_t i;

	for (i = 0; i < d->n_ifaces; i++)
		counters_add(&total, &d->ifaces[i].c);
	if (json) {
		json_init(&j, b, false);
		json_open(&j, '{');
		json_key_str(&j, "version", IGMPD_VERSION);
		json_key_u64(&j, "uptime_ms", now - d->started);
		json_key_u64(&j, "component", d->cfg.component);
		counters_json(&j, "counters", &total);
		json_key_open(&j, "interfaces", '[');
		for (i = 0; i < d->n_ifaces; i++) {
			const struct iface *ifp = &d->ifaces[i];

			json_open(&j, '{');
			json_key_str(&j, "name", ifp->name);
			json_key_u64(&j, "ifindex", (unsigned int)ifp->ifindex);
			json_key_str(&j, "address", ip_str(ifp->addr, a));
			json_key_bool(&j, "querier",
				      ifp->ifindex && ifp->q.is_querier);
			json_key_str(&j, "querier_address",
				     ip_str(ifp->ifindex ? ifp->q.addr : 0, q));
			json_key_u64(&j, "query_version",
				     querier_version(ifp, now));
			json_key_u64(&j, "robustness", ifp->p.robustness);
			json_key_u64(&j, "query_interval_ms",
				     ifp->p.query_interval);
			json_key_u64(&j, "groups", ifp->ngroups);
			counters_json(&j, "counters", &ifp->c);
			json_close(&j, '}');
		}
		json_close(&j, ']');
		json_close(&j, '}');
		return;
	}
	fprintf(b, "mgm-igmpd %s, up %llu s, IGMP component %u\n",
		IGMPD_VERSION, (unsigned long long)((now - d->started) / 1000),
		d->cfg.component);
	for (i = 0; i < d->n_ifaces; i++) {
		const struct iface *ifp = &d->ifaces[i];

		if (!ifp->ifindex) {
			fprintf(b, "interface %s: absent\n", ifp->name);
			continue;
		}
		fprintf(b, "interface %s: ifindex %d, address %s, querier %s%s, IGMPv%u queries, %u groups\n",
			ifp->name, ifp->ifindex, ip_str(ifp->addr, a),
			ip_str(ifp->q.addr, q),
			ifp->q.is_querier ? " (this router)" : "",
			querier_version(ifp, now), ifp->ngroups);
	}
	{
		const uint64_t *v = (const uint64_t *)&total;

		for (i = 0; i < N_COUNTERS; i++)
			fprintf(b, "%-22s %llu\n", counter_names[i],
				(unsigned long long)v[i]);
		fprintf(b, "%-22s %llu\n", "drops",
			(unsigned long long)counters_drops(&total));
	}
}

/* --- groups ----------------------------------------------------------------------- */

static void group_render(const struct group *g, struct json *j, uint64_t now,
			 FILE *b)
{
	char a[INET_ADDRSTRLEN];
	bool include = g->mode == MODE_INCLUDE;
	uint32_t i;

	if (j) {
		json_open(j, '{');
		json_key_str(j, "interface", g->ifp->name);
		json_key_str(j, "group", ip_str(g->addr, a));
		json_key_str(j, "mode", include ? "include" : "exclude");
		json_key_u64(j, "timer_ms", include ? 0 : left(g->timer, now));
		json_key_u64(j, "compat", group_compat(g, now));
		json_key_open(j, "sources", '[');
		for (i = 0; i < g->nsrcs; i++) {
			json_open(j, '{');
			json_key_str(j, "source", ip_str(g->srcs[i].addr, a));
			json_key_u64(j, "timer_ms", left(g->srcs[i].timer, now));
			json_key_bool(j, "forwarded", g->srcs[i].timer);
			json_close(j, '}');
		}
		json_close(j, ']');
		json_close(j, '}');
		return;
	}
	fprintf(b, "%-8s %-15s %s", g->ifp->name, ip_str(g->addr, a),
		include ? "INCLUDE" : "EXCLUDE");
	if (!include)
		fprintf(b, " timer %llums", (unsigned long long)left(g->timer, now));
	if (group_compat(g, now) < 3)
		fprintf(b, " v%u-compat", group_compat(g, now));
	fprintf(b, "\n");
	for (i = 0; i < g->nsrcs; i++)
		fprintf(b, "    source %-15s %s %llums\n", ip_str(g->srcs[i].addr, a),
			g->srcs[i].timer ? "timer" : "excluded",
			(unsigned long long)left(g->srcs[i].timer, now));
}

static void ctl_render_groups(const struct igmpd *d, bool json, uint64_t now,
			      FILE *b)
{
	struct json j;
	size_t i;
	uint32_t k;

	json_init(&j, b, false);
	if (json)
		json_open(&j, '[');
	for (i = 0; i < d->n_ifaces; i++) {
		const struct iface *ifp = &d->ifaces[i];

		for (k = 0; ifp->buckets && k < ifp->nbuckets; k++) {
			const struct group *g;

			for (g = ifp->buckets[k]; g; g = g->hnext)
				group_render(g, json ? &j : NULL, now, b);
		}
	}
	if (json)
		json_close(&j, ']');
}

/* --- the socket (tools/common/ctlsock.c) --------------------------------------- */

struct render_ctx {
	const struct igmpd *d;
	uint64_t now;
};

static int ctl_render(void *ctx, const char *req, bool json, const struct ucred *cred,
		      FILE *b)
{
	const struct render_ctx *r = ctx;

	(void)cred;	/* nothing here changes state */
	if (!strcmp(req, "stats"))
		ctl_render_stats(r->d, json, r->now, b);
	else if (!strcmp(req, "groups"))
		ctl_render_groups(r->d, json, r->now, b);
	else
		return -1;
	return 0;
}

int ctl_open(const char *path)
{
	return ctlsock_open(path);
}

void ctl_close(int fd, const char *path)
{
	ctlsock_close(fd, path);
}

void ctl_handle(const struct igmpd *d, int fd, uint64_t now)
{
	struct render_ctx r = { .d = d, .now = now };

	ctlsock_serve(fd, ctl_render, &r);
}

int ctl_client(const struct igmpd_config *c, FILE *out, FILE *err)
{
	return ctlsock_ask(c->ctl_path, c->client == 's' ? "stats" : "groups",
			   c->json, IGMPD_NAME, out, err);
}
