// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgm-fwd's answers on its control socket (default "@mgm-fwd"; transport
 * tools/common/ctlsock.c): "stats" (VIFs and counters) and "mfes" (every
 * MFE: source, group, incoming and outgoing interfaces, the kernel's
 * packet, byte and wrong-interface counts, age, idle time), as text or,
 * with " json", one JSON object. `mgm-fwd -s` and `mgm-fwd -M` ask. And
 * "mfe-records": the same MFEs as binary records for libmgm's MFE calls
 * (lib/mfe_wire.h), and the changes of an MFE, from a sender with
 * CAP_NET_ADMIN for a protocol that owns the interface concerned:
 * "set-mfe" (MgmSetMfe: the upstream neighbour), and the answers of the
 * MFE callbacks (lib/mfe_events.c): "set-rpf" (an Rpf callee's incoming
 * interface), "disable-oif" (an outgoing interface a CreationAlert callee
 * took out), "set-timeout" (a PruneAlert callee's idle timeout). Reads and
 * changes the daemon's state on its one thread.
 */
#include <arpa/inet.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include "ctlsock.h"
#include "fwd.h"
#include "json.h"
#include "mfe_wire.h"

_Static_assert(MGM_FWD_MAX_OIFS == FWD_MAX_VIFS, "a record holds every VIF");

#define COUNTERS(X) X(upcalls) X(upcalls_bad) X(wrong_if_upcalls) \
	X(mfes_created) X(mfes_expired) X(mfes_refused) X(mfc_updates) \
	X(mfc_errors) X(vifs_added) X(vifs_removed) X(vifs_refused) \
	X(events) X(overflows) X(listings) X(reports) X(report_errors) \
	X(protocols_told) X(answers) X(answers_refused)

static const char *ip(uint32_t a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static void render_stats(struct fwd *f, bool json, FILE *b)
{
	struct json j;
	int i;

	if (!json) {
		fprintf(b, "mfes %zu (most %zu), timeout %llu s\n", f->mfes.count,
			f->max_mfes, (unsigned long long)(f->timeout_ms / 1000));
		for (i = 0; i < FWD_MAX_VIFS; i++)
			if (f->vifs.vif[i].ifindex)
				fprintf(b, "vif %d %s ifindex %d\n", i, f->vifs.vif[i].name,
					f->vifs.vif[i].ifindex);
#define X(n) fprintf(b, "%s %llu\n", #n, (unsigned long long)f->c.n);
		COUNTERS(X)
#undef X
		return;
	}
	json_init(&j, b, false);
	json_open(&j, '{');
	json_key_u64(&j, "mfes", f->mfes.count);
	json_key_u64(&j, "max_mfes", f->max_mfes);
	json_key_u64(&j, "timeout_s", f->timeout_ms / 1000);
	json_key_open(&j, "vifs", '[');
	for (i = 0; i < FWD_MAX_VIFS; i++) {
		if (!f->vifs.vif[i].ifindex)
			continue;
		json_open(&j, '{');
		json_key_u64(&j, "vif", (unsigned long long)i);
		json_key_str(&j, "dev", f->vifs.vif[i].name);
		json_key_u64(&j, "ifindex", (unsigned long long)f->vifs.vif[i].ifindex);
		json_close(&j, '}');
	}
	json_close(&j, ']');
	json_key_open(&j, "counters", '{');
#define X(n) json_key_u64(&j, #n, f->c.n);
	COUNTERS(X)
#undef X
	json_close(&j, '}');
	json_close(&j, '}');
	fputc('\n', b);
}

static const char *vif_name(const struct fwd *f, int vifi)
{
	return vifi >= 0 && vifi < FWD_MAX_VIFS && f->vifs.vif[vifi].ifindex ?
	       f->vifs.vif[vifi].name : "?";
}

static void render_mfe(struct fwd *f, struct fwd_mfe *e, struct json *j, FILE *b,
		       uint64_t now)
{
	char s[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];
	int i;

	mfe_refresh(f, e, now);	/* the kernel's counts of now */
	if (!j) {
		fprintf(b, "(%s,%s) iif %s oifs", ip(e->source, s), ip(e->group, g),
			vif_name(f, e->parent));
		for (i = 0; i < FWD_MAX_VIFS; i++)
			if (e->oifs & (1u << i))
				fprintf(b, " %s", vif_name(f, i));
		fprintf(b, "%s packets %llu bytes %llu wrong_if %llu uptime %llu s idle %llu s\n",
			e->oifs ? "" : " none", (unsigned long long)e->packets,
			(unsigned long long)e->bytes, (unsigned long long)e->wrong_if,
			(unsigned long long)((now - e->created_ms) / 1000),
			(unsigned long long)((now - e->used_ms) / 1000));
		return;
	}
	json_open(j, '{');
	json_key_str(j, "source", ip(e->source, s));
	json_key_str(j, "group", ip(e->group, g));
	json_key_u64(j, "rpf_ifindex", (unsigned long long)e->iif);
	json_key_str(j, "iif", vif_name(f, e->parent));
	json_key_open(j, "oifs", '[');
	for (i = 0; i < FWD_MAX_VIFS; i++)
		if (e->oifs & (1u << i))
			json_str(j, vif_name(f, i));
	json_close(j, ']');
	json_key_u64(j, "packets", e->packets);
	json_key_u64(j, "bytes", e->bytes);
	json_key_u64(j, "wrong_if", e->wrong_if);
	json_key_u64(j, "uptime_ms", now - e->created_ms);
	json_key_u64(j, "idle_ms", now - e->used_ms);
	json_key_bool(j, "installed", e->installed);
	json_close(j, '}');
}

static void render_mfes(struct fwd *f, bool json, FILE *b)
{
	uint64_t now = fwd_now_ms();
	struct json j;
	size_t i;

	if (json) {
		json_init(&j, b, false);
		json_open(&j, '[');
	}
	for (i = 0; i < f->mfes.bucket_count; i++) {
		struct fwd_mfe *e;

		for (e = f->mfes.buckets[i]; e; e = e->next)
			render_mfe(f, e, json ? &j : NULL, b, now);
	}
	if (json) {
		json_close(&j, ']');
		fputc('\n', b);
	}
}

/* The owner of @ifindex (the routing one, else IGMP) into *@q; false if none. */
static bool owner_query(const struct fwd *f, int ifindex, struct mgm_owner_query *q)
{
	*q = (struct mgm_owner_query){ .ifindex = (uint32_t)ifindex };
	return ifindex > 0 && !ioctl(f->mgm_fd, MGM_IOC_GET_OWNER, q);
}

/* The protocol owning @ifindex, 0 if none. */
static uint32_t owner_of(const struct fwd *f, int ifindex)
{
	struct mgm_owner_query q;

	return owner_query(f, ifindex, &q) ? q.protocol_id : 0;
}

static void render_records(struct fwd *f, FILE *b)
{
	uint64_t now = fwd_now_ms();
	size_t i;

	for (i = 0; i < f->mfes.bucket_count; i++) {
		struct fwd_mfe *e;

		for (e = f->mfes.buckets[i]; e; e = e->next) {
			struct mgm_fwd_mfe_record r = {
				.magic = MGM_FWD_MFE_MAGIC, .group = e->group,
				.source = e->source, .route_network = e->route_network,
				.route_mask = e->route_mask,
				.route_protocol = e->route_protocol,
				.upstream = e->upstream,
				.uptime_ms = now - e->created_ms,
				.timeout_ms = mfe_timeout_ms(f, e),
			};
			uint64_t idle;

			mfe_refresh(f, e, now);
			idle = now - e->used_ms;
			if (e->parent >= 0 && e->parent < FWD_MAX_VIFS)
				r.in_ifindex = (uint32_t)f->vifs.vif[e->parent].ifindex;
			r.in_protocol = owner_of(f, (int)r.in_ifindex);
			r.expiry_ms = idle < r.timeout_ms ? r.timeout_ms - idle : 0;
			r.oif_count = mfe_oif_ifindexes(f, e, r.oif);
			r.packets = e->packets;
			r.bytes = e->bytes;
			r.wrong_if = e->wrong_if;
			fwrite(&r, sizeof(r), 1, b);
		}
	}
}

/*
 * May the sender of a request change state? Root, or CAP_NET_ADMIN in its
 * effective set (read from /proc now: a pid reused since the request was
 * sent would be judged instead, which the sender cannot arrange).
 */
static bool may_change(const struct ucred *cred)
{
	char path[64], buf[4096], *p;
	unsigned long long eff;
	size_t n = 0;
	FILE *f;

	if (!cred)
		return false;
	if (cred->uid == 0)
		return true;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)cred->pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strstr(buf, "\nCapEff:");
	if (!p)
		return false;
	eff = strtoull(p + 8, NULL, 16);
	return eff & (1ull << CAP_NET_ADMIN);
}

/* Is protocol (@proto, @comp) the owner of @ifindex? */
static bool owns(struct fwd *f, int ifindex, unsigned int proto, unsigned int comp)
{
	struct mgm_owner_query q;

	return owner_query(f, ifindex, &q) && q.protocol_id == proto &&
	       q.component_id == comp;
}

/*
 * The part all requests that change an MFE share: "NAME PROTOCOL
 * COMPONENT SOURCE GROUP" then @nargs more numbers into @arg, all hex
 * (lib/mfe_wire.h); a sender that may change state; an MFE that exists;
 * with @incoming, a protocol that owns the incoming interface D19 gives
 * it (the one the module told the Rpf and PruneAlert callees of).
 * Returns the MFE, or NULL with the error answered.
 */
static struct fwd_mfe *change_request(struct fwd *f, const char *req,
				      const struct ucred *cred, FILE *b, bool incoming,
				      unsigned int *proto, unsigned int *comp,
				      unsigned int *arg, int nargs)
{
	unsigned int source, group;
	struct fwd_mfe *e;

	if (sscanf(req, "%*s %x %x %x %x %x %x", proto, comp, &source, &group, &arg[0],
		   &arg[1]) != 4 + nargs || strlen(req) > 128) {
		fprintf(b, "error: bad request \"%s\"\n", req);
		return NULL;
	}
	if (!may_change(cred)) {
		fputs(MGM_FWD_ERR_DENIED, b);
		return NULL;
	}
	e = mfe_find(f, source, group);
	if (!e) {
		fputs(MGM_FWD_ERR_NOT_FOUND, b);
		return NULL;
	}
	if (incoming && !owns(f, mfe_incoming(e), *proto, *comp)) {
		fputs(MGM_FWD_ERR_NOT_OWNER, b);
		return NULL;
	}
	return e;
}

/* "set-mfe PROTOCOL COMPONENT SOURCE GROUP UPSTREAM": MgmSetMfe. */
static bool set_mfe(struct fwd *f, const char *req, const struct ucred *cred, FILE *b)
{
	unsigned int proto, comp, arg[2];
	struct fwd_mfe *e = change_request(f, req, cred, b, false, &proto, &comp, arg, 1);

	if (!e)
		return false;
	/* Its incoming interface as MgmGetMfe shows it: its MFC entry's VIF. */
	if (e->parent < 0 || e->parent >= FWD_MAX_VIFS ||
	    !owns(f, f->vifs.vif[e->parent].ifindex, proto, comp)) {
		fputs(MGM_FWD_ERR_NOT_OWNER, b);
		return false;
	}
	e->upstream = arg[0];
	return true;
}

/* "set-rpf PROTOCOL COMPONENT SOURCE GROUP IFINDEX UPSTREAM": an Rpf callee's. */
static bool set_rpf(struct fwd *f, const char *req, const struct ucred *cred, FILE *b)
{
	unsigned int proto, comp, arg[2];
	struct fwd_mfe *e = change_request(f, req, cred, b, true, &proto, &comp, arg, 2);

	if (!e)
		return false;
	if (arg[0] > INT32_MAX || vif_of(&f->vifs, (int)arg[0]) < 0) {
		fputs(MGM_FWD_ERR_BAD_IF, b);
		return false;
	}
	if (arg[1])
		e->upstream = arg[1];
	mfe_set_incoming(f, e, (int)arg[0]);
	return true;
}

/* "disable-oif PROTOCOL COMPONENT SOURCE GROUP IFINDEX": a CreationAlert callee's. */
static bool disable_oif(struct fwd *f, const char *req, const struct ucred *cred, FILE *b)
{
	unsigned int proto, comp, arg[2];
	struct fwd_mfe *e = change_request(f, req, cred, b, false, &proto, &comp, arg, 1);
	int vifi;

	if (!e)
		return false;
	if (arg[0] > INT32_MAX || !owns(f, (int)arg[0], proto, comp)) {
		fputs(MGM_FWD_ERR_NOT_OIF_OWNER, b);
		return false;
	}
	vifi = vif_of(&f->vifs, (int)arg[0]);
	if (vifi < 0) {
		fputs(MGM_FWD_ERR_BAD_IF, b);
		return false;
	}
	mfe_disable(f, e, vifi);
	return true;
}

/* "set-timeout PROTOCOL COMPONENT SOURCE GROUP SECONDS": a PruneAlert callee's. */
static bool set_timeout(struct fwd *f, const char *req, const struct ucred *cred, FILE *b)
{
	unsigned int proto, comp, arg[2];
	struct fwd_mfe *e = change_request(f, req, cred, b, true, &proto, &comp, arg, 1);

	if (!e)
		return false;
	if (!arg[0] || arg[0] > 86400) {
		fputs(MGM_FWD_ERR_BAD_TIMEOUT, b);
		return false;
	}
	e->timeout_ms = arg[0] * 1000ull;
	return true;
}

static const struct {
	const char *name;
	bool (*fn)(struct fwd *f, const char *req, const struct ucred *cred, FILE *b);
} changes[] = {
	{ MGM_FWD_SET_REQUEST, set_mfe },
	{ MGM_FWD_RPF_REQUEST, set_rpf },
	{ MGM_FWD_DISABLE_REQUEST, disable_oif },
	{ MGM_FWD_TIMEOUT_REQUEST, set_timeout },
};

/* One of @changes: answered "ok" or an error; false when @req is none. */
static bool change(struct fwd *f, const char *req, const struct ucred *cred, FILE *b)
{
	size_t i, n;

	for (i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
		n = strlen(changes[i].name);
		if (strncmp(req, changes[i].name, n) || req[n] != ' ')
			continue;
		if (changes[i].fn(f, req, cred, b)) {
			f->c.answers++;
			fputs("ok\n", b);
		} else {
			f->c.answers_refused++;
		}
		return true;
	}
	return false;
}

static int render(void *ctx, const char *req, bool json, const struct ucred *cred, FILE *b)
{
	if (!json && change(ctx, req, cred, b))
		return 0;
	if (!strcmp(req, MGM_FWD_MFE_REQUEST) && !json) {
		render_records(ctx, b);
		return 0;
	}
	if (!strcmp(req, "stats"))
		render_stats(ctx, json, b);
	else if (!strcmp(req, "mfes"))
		render_mfes(ctx, json, b);
	else
		return -1;
	return 0;
}

void ctl_handle(struct fwd *f, int fd)
{
	ctlsock_serve(fd, render, f);
}
