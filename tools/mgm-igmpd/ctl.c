// SPDX-License-Identifier: GPL-2.0
/*
 * Counters and the control socket.
 *
 * The daemon listens on a unix datagram socket (default "@mgm-igmpd", an
 * abstract name, so each network namespace has its own). A request is one
 * datagram, "stats" or "groups", optionally followed by " json"; the
 * answer is a series of datagrams of text and an empty one that ends it,
 * sent without blocking (a client that does not read loses its answer,
 * the daemon never waits). `mgm-igmpd -s` and `mgm-igmpd -G` are the
 * clients.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "ctl.h"

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

/* --- a growing text buffer ----------------------------------------------------- */

struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		{
			size_t cap = b->cap ? b->cap * 2 : 4096;
			char *s;

			while (cap - b->len <= (size_t)n)
				cap *= 2;
			s = realloc(b->s, cap);
			if (!s) {
				b->oom = true;
				return;
			}
			b->s = s;
			b->cap = cap;
		}
	}
}

/* A JSON string (interface names may hold quotes). */
static void sb_json_str(struct sbuf *b, const char *s)
{
	sb_printf(b, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			sb_printf(b, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			sb_printf(b, "\\u%04x", c);
		else
			sb_printf(b, "%c", c);
	}
	sb_printf(b, "\"");
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

static void counters_json(struct sbuf *b, const struct igmpd_counters *c)
{
	const uint64_t *v = (const uint64_t *)c;
	size_t i;

	sb_printf(b, "{");
	for (i = 0; i < N_COUNTERS; i++)
		sb_printf(b, "%s\"%s\":%llu", i ? "," : "", counter_names[i],
			  (unsigned long long)v[i]);
	sb_printf(b, ",\"drops\":%llu}", (unsigned long long)counters_drops(c));
}

static void ctl_render_stats(const struct igmpd *d, bool json, uint64_t now,
		      struct sbuf *b)
{
	struct igmpd_counters total = { 0 };
	char a[INET_ADDRSTRLEN], q[INET_ADDRSTRLEN];
	size_t i;

	for (i = 0; i < d->n_ifaces; i++)
		counters_add(&total, &d->ifaces[i].c);
	if (json) {
		sb_printf(b, "{\"version\":\"%s\",\"uptime_ms\":%llu,\"component\":%u,\"counters\":",
			  IGMPD_VERSION, (unsigned long long)(now - d->started),
			  d->cfg.component);
		counters_json(b, &total);
		sb_printf(b, ",\"interfaces\":[");
		for (i = 0; i < d->n_ifaces; i++) {
			const struct iface *ifp = &d->ifaces[i];

			sb_printf(b, "%s{\"name\":", i ? "," : "");
			sb_json_str(b, ifp->name);
			sb_printf(b, ",\"ifindex\":%d,\"address\":\"%s\",\"querier\":%s,\"querier_address\":\"%s\",\"query_version\":%u,\"robustness\":%u,\"query_interval_ms\":%u,\"groups\":%u,\"counters\":",
				  ifp->ifindex,
				  ip_str(ifp->addr, a),
				  ifp->ifindex && ifp->q.is_querier ? "true" : "false",
				  ip_str(ifp->ifindex ? ifp->q.addr : 0, q),
				  querier_version(ifp, now), ifp->p.robustness,
				  ifp->p.query_interval, ifp->ngroups);
			counters_json(b, &ifp->c);
			sb_printf(b, "}");
		}
		sb_printf(b, "]}\n");
		return;
	}
	sb_printf(b, "mgm-igmpd %s, up %llu s, IGMP component %u\n",
		  IGMPD_VERSION, (unsigned long long)((now - d->started) / 1000),
		  d->cfg.component);
	for (i = 0; i < d->n_ifaces; i++) {
		const struct iface *ifp = &d->ifaces[i];

		if (!ifp->ifindex) {
			sb_printf(b, "interface %s: absent\n", ifp->name);
			continue;
		}
		sb_printf(b, "interface %s: ifindex %d, address %s, querier %s%s, IGMPv%u queries, %u groups\n",
			  ifp->name, ifp->ifindex, ip_str(ifp->addr, a),
			  ip_str(ifp->q.addr, q),
			  ifp->q.is_querier ? " (this router)" : "",
			  querier_version(ifp, now), ifp->ngroups);
	}
	{
		const uint64_t *v = (const uint64_t *)&total;

		for (i = 0; i < N_COUNTERS; i++)
			sb_printf(b, "%-22s %llu\n", counter_names[i],
				  (unsigned long long)v[i]);
		sb_printf(b, "%-22s %llu\n", "drops",
			  (unsigned long long)counters_drops(&total));
	}
}

/* --- groups ----------------------------------------------------------------------- */

static void group_render(const struct group *g, bool json, uint64_t now,
			 bool *first, struct sbuf *b)
{
	char a[INET_ADDRSTRLEN];
	bool include = g->mode == MODE_INCLUDE;
	uint32_t i, n = 0;

	if (json) {
		sb_printf(b, "%s{\"interface\":", *first ? "" : ",");
		sb_json_str(b, g->ifp->name);
		sb_printf(b, ",\"group\":\"%s\",\"mode\":\"%s\",\"timer_ms\":%llu,\"compat\":%u,\"sources\":[",
			  ip_str(g->addr, a),
			  include ? "include" : "exclude",
			  (unsigned long long)(include ? 0 : left(g->timer, now)),
			  group_compat(g, now));
		for (i = 0; i < g->nsrcs; i++)
			sb_printf(b, "%s{\"source\":\"%s\",\"timer_ms\":%llu,\"forwarded\":%s}",
				  n++ ? "," : "", ip_str(g->srcs[i].addr, a),
				  (unsigned long long)left(g->srcs[i].timer, now),
				  g->srcs[i].timer ? "true" : "false");
		sb_printf(b, "]}");
		*first = false;
		return;
	}
	sb_printf(b, "%-8s %-15s %s", g->ifp->name, ip_str(g->addr, a),
		  include ? "INCLUDE" : "EXCLUDE");
	if (!include)
		sb_printf(b, " timer %llums", (unsigned long long)left(g->timer, now));
	if (group_compat(g, now) < 3)
		sb_printf(b, " v%u-compat", group_compat(g, now));
	sb_printf(b, "\n");
	for (i = 0; i < g->nsrcs; i++)
		sb_printf(b, "    source %-15s %s %llums\n", ip_str(g->srcs[i].addr, a),
			  g->srcs[i].timer ? "timer" : "excluded",
			  (unsigned long long)left(g->srcs[i].timer, now));
}

static void ctl_render_groups(const struct igmpd *d, bool json, uint64_t now,
		       struct sbuf *b)
{
	bool first = true;
	size_t i;
	uint32_t k;

	if (json)
		sb_printf(b, "[");
	for (i = 0; i < d->n_ifaces; i++) {
		const struct iface *ifp = &d->ifaces[i];

		for (k = 0; ifp->buckets && k < ifp->nbuckets; k++) {
			const struct group *g;

			for (g = ifp->buckets[k]; g; g = g->hnext)
				group_render(g, json, now, &first, b);
		}
	}
	if (json)
		sb_printf(b, "]\n");
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
		struct sbuf b = { 0 };
		char req[64];
		bool json;
		ssize_t n;

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
		if (!strcmp(req, "stats"))
			ctl_render_stats(d, json, now, &b);
		else if (!strcmp(req, "groups"))
			ctl_render_groups(d, json, now, &b);
		else
			sb_printf(&b, "error: unknown request \"%s\"\n", req);
		if (b.oom) {
			free(b.s);
			b.s = NULL;
			b.len = 0;
			sb_printf(&b, "error: out of memory\n");
		}
		ctl_reply(fd, &from, fromlen, b.s ? b.s : "", b.len);
		free(b.s);
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
