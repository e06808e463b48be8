// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Counters and the control socket.
 *
 * The daemon listens on a unix datagram socket (default "@mgm-igmpd", an
 * abstract name, so each network namespace has its own). A request is one
 * datagram, "stats" or "groups", optionally followed by " json"; the
 * answer is a series of datagrams of text and an empty one that ends it,
 * sent without blocking (a client that does not read loses its answer,
 * the daemon never waits). `mgm-igmpd -s` and `mgm-igmpd -G` are the
 * clients. JSON answers are written by the writer all mgm programs share
 * (tools/common/json.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "ctl.h"
#include "json.h"

static const char ctl_oom[] = "error: out of memory\n";

#define CTL_CHUNK	32768
#define CTL_BURST	16

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

/* --- the socket ------------------------------------------------------------------ */

static socklen_t ctl_addr(const char *path, struct sockaddr_un *sun)
{
	size_t n = strlen(path);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (n >= sizeof(sun->sun_path))
		n = sizeof(sun->sun_path) - 1;
	memcpy(sun->sun_path, path, n);
	if (path[0] == '@')
		sun->sun_path[0] = 0;	/* abstract */
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
}

int ctl_open(const char *path)
{
	struct sockaddr_un sun;
	socklen_t len = ctl_addr(path, &sun);
	int fd;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (path[0] != '@')
		unlink(path);	/* a stale socket of an earlier run */
	if (bind(fd, (struct sockaddr *)&sun, len)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

void ctl_close(int fd, const char *path)
{
	if (fd < 0)
		return;
	close(fd);
	if (path[0] != '@')
		unlink(path);
}

static void ctl_reply(int fd, const struct sockaddr_un *to, socklen_t tolen,
		      const char *s, size_t len)
{
	size_t off = 0;

	while (off < len) {
		size_t n = len - off > CTL_CHUNK ? CTL_CHUNK : len - off;

		if (sendto(fd, s + off, n, MSG_DONTWAIT,
			   (const struct sockaddr *)to, tolen) < 0)
			return;
		off += n;
	}
	sendto(fd, "", 0, MSG_DONTWAIT, (const struct sockaddr *)to, tolen);
}

void ctl_handle(const struct igmpd *d, int fd, uint64_t now)
{
	int i;

	/* A bounded batch: a flood of requests never starves the packets. */
	for (i = 0; i < CTL_BURST; i++) {
		struct sockaddr_un from;
		socklen_t fromlen = sizeof(from);
		char req[64], *s = NULL;
		size_t len = 0;
		bool json, ok;
		ssize_t n;
		FILE *b;

		n = recvfrom(fd, req, sizeof(req) - 1, MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fromlen);
		if (n < 0)
			return;
		if (fromlen <= offsetof(struct sockaddr_un, sun_path))
			continue;	/* unnamed: nowhere to answer */
		req[n] = 0;
		req[strcspn(req, "\n")] = 0;
		json = strlen(req) > 5 && !strcmp(req + strlen(req) - 5, " json");
		if (json)
			req[strlen(req) - 5] = 0;
		b = open_memstream(&s, &len);
		if (b) {
			if (!strcmp(req, "stats"))
				ctl_render_stats(d, json, now, b);
			else if (!strcmp(req, "groups"))
				ctl_render_groups(d, json, now, b);
			else
				fprintf(b, "error: unknown request \"%s\"\n", req);
			ok = !ferror(b);
			ok = !fclose(b) && ok;
		} else {
			ok = false;
		}
		if (ok)
			ctl_reply(fd, &from, fromlen, s, len);
		else
			ctl_reply(fd, &from, fromlen, ctl_oom, strlen(ctl_oom));
		free(s);
	}
}

/*
 * The client's address, where the answer goes: an abstract one of our
 * own (autobind) for an abstract server, which is in our network
 * namespace; a path beside a path server's, which may be in another
 * namespace where our abstract name means nothing.
 */
static int client_bind(int fd, const char *server, struct sockaddr_un *me)
{
	sa_family_t fam = AF_UNIX;

	memset(me, 0, sizeof(*me));
	if (server[0] == '@')
		return bind(fd, (struct sockaddr *)&fam, sizeof(fam));
	me->sun_family = AF_UNIX;
	if ((size_t)snprintf(me->sun_path, sizeof(me->sun_path), "%s.%d",
			     server, (int)getpid()) >= sizeof(me->sun_path)) {
		me->sun_path[0] = 0;
		errno = ENAMETOOLONG;
		return -1;
	}
	unlink(me->sun_path);
	return bind(fd, (struct sockaddr *)me, sizeof(*me));
}

int ctl_client(const struct igmpd_config *c, FILE *out, FILE *err)
{
	const char *req = c->client == 's' ? "stats" : "groups";
	struct sockaddr_un sun, me = { 0 };
	socklen_t len = ctl_addr(c->ctl_path, &sun);
	char msg[80], *buf;
	bool first = true;
	int fd, rc = 2;

	buf = malloc(CTL_CHUNK + 1);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (!buf || fd < 0 || client_bind(fd, c->ctl_path, &me)) {
		fprintf(err, IGMPD_NAME ": socket: %s\n", strerror(errno));
		goto out;
	}
	snprintf(msg, sizeof(msg), "%s%s", req, c->json ? " json" : "");
	if (sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&sun, len) < 0) {
		fprintf(err, IGMPD_NAME ": no daemon at %s: %s\n", c->ctl_path,
			strerror(errno));
		goto out;
	}
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, 5000) != 1) {
			fprintf(err, IGMPD_NAME ": no answer from %s\n", c->ctl_path);
			goto out;
		}
		n = recv(fd, buf, CTL_CHUNK, 0);
		if (n < 0) {
			fprintf(err, IGMPD_NAME ": %s: %s\n", c->ctl_path, strerror(errno));
			goto out;
		}
		if (!n)
			break;
		buf[n] = 0;
		if (first && !strncmp(buf, "error: ", 7)) {
			fprintf(err, IGMPD_NAME ": %s", buf + 7);
			goto out;
		}
		first = false;
		fwrite(buf, 1, (size_t)n, out);
	}
	rc = fflush(out) ? 2 : 0;
out:
	if (fd >= 0)
		close(fd);
	if (me.sun_path[0])
		unlink(me.sun_path);
	free(buf);
	return rc;
}
