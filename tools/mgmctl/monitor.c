// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgmctl monitor: the memberships, then their changes as they happen, in
 * the style of `ip monitor` (contract D17). mgmctl's own file of /dev/mgm
 * subscribes to every membership change (MGM_SUBSCRIBE_TABLE) first, then
 * lists the table with a membership cursor; the changes whose generation is
 * above the cursor's start generation follow, so nothing is missed or told
 * twice. When the kernel says events were lost (its queue was full), the
 * overflow is printed and the table listed again, and the changes after
 * that listing follow.
 *
 * Each line is one record: "list" (the table), "add", "change" or "delete"
 * (a membership that came, changed its flags or went), or "overflow";
 * with -j one JSON object per line. It runs until it is killed or its
 * output fails. Single-threaded, no state outside the run.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "mgmctl.h"

#define MON_BATCH	(65536 / sizeof(struct mgm_event))

/* What a line says about one membership. */
struct mon_line {
	const char *what;	/* list, add, change, delete */
	uint64_t seq;		/* 0 for list */
	uint64_t generation;
	DWORD source, source_mask, group, group_mask, ifindex, nexthop;
	DWORD protocol, component, flags;
};

static void mon_print(const struct mgmctl_opts *opts, const struct mon_line *l)
{
	const char *name = proto_name(l->protocol);
	char b[6][16], dev[IF_NAMESIZE];
	bool join = l->flags & MGM_JOIN_STATE, fwd = l->flags & MGM_FORWARD_STATE;
	struct json j;

	if (!if_indextoname(l->ifindex, dev))
		snprintf(dev, sizeof(dev), "%u", l->ifindex);	/* gone */
	if (!opts->json) {
		printf("%-6s (%s,%s) dev %s", l->what, addr_str(l->source, true, b[0]),
		       addr_str(l->group, true, b[1]), dev);
		if (l->nexthop)
			printf(" via %s", addr_str(l->nexthop, false, b[2]));
		if (name)
			printf(" proto %s(%u)", name, l->protocol);
		else
			printf(" proto %u", l->protocol);
		printf(" component %u%s%s%s\n", l->component, join ? " join" : "",
		       fwd ? " forward" : "", l->flags ? "" : " gone");
		return;
	}
	json_init(&j, stdout, false);
	json_open(&j, '{');
	json_key_str(&j, "event", l->what);
	if (l->seq)
		json_key_u64(&j, "seq", l->seq);
	json_key_u64(&j, "generation", l->generation);
	json_key_str(&j, "group", addr_str(l->group, false, b[0]));
	json_key_str(&j, "group_mask", addr_str(l->group_mask, false, b[1]));
	json_key_str(&j, "source", addr_str(l->source, false, b[2]));
	json_key_str(&j, "source_mask", addr_str(l->source_mask, false, b[3]));
	json_key_str(&j, "dev", dev);
	json_key_u64(&j, "ifindex", l->ifindex);
	json_key_str(&j, "nexthop", addr_str(l->nexthop, false, b[4]));
	json_key_u64(&j, "protocol", l->protocol);
	json_key_str(&j, "protocol_name", name ? name : "");
	json_key_u64(&j, "component", l->component);
	json_key_bool(&j, "join", join);
	json_key_bool(&j, "forward", fwd);
	json_close(&j, '}');
}

/* List the table; *@gen: the listing's start generation. */
/* What a listing prints with. */
struct mon_listing {
	const struct mgmctl_opts *opts;
	uint64_t generation;
};

static void mon_list_one(void *ctx, const struct mgm_member_record *r)
{
	const struct mon_listing *ls = ctx;
	struct mon_line l = {
		.what = "list", .generation = ls->generation,
		.source = r->source, .source_mask = r->source_mask,
		.group = r->group, .group_mask = r->group_mask,
		.ifindex = r->ifindex, .nexthop = r->nexthop,
		.protocol = r->protocol_id, .component = r->component_id,
		.flags = r->member_flags,
	};

	mon_print(ls->opts, &l);
}

static int mon_list(int fd, const struct mgmctl_opts *opts, uint64_t *gen)
{
	struct mgm_member_enum_start a = { 0 };
	struct mon_listing ls = { .opts = opts };
	int err;

	if (ioctl(fd, MGM_IOC_MEMBER_ENUM_START, &a))
		return errno_fail("start membership enumeration", -errno);
	*gen = ls.generation = a.generation;
	err = member_walk(fd, a.cursor, mon_list_one, &ls, NULL);
	if (err)
		return errno_fail("read membership enumeration", err);
	return fflush(stdout) ? runtime_error("write error") : EXIT_OK;
}

static void mon_overflow(const struct mgmctl_opts *opts, const struct mgm_event *e)
{
	struct json j;

	if (!opts->json) {
		printf("overflow %llu events lost: listing again\n",
		       (unsigned long long)e->lost);
		return;
	}
	json_init(&j, stdout, false);
	json_open(&j, '{');
	json_key_str(&j, "event", "overflow");
	json_key_u64(&j, "seq", e->seq);
	json_key_u64(&j, "lost", e->lost);
	json_close(&j, '}');
}

static int monitor_run(struct mgmctl_cmd *cmd)
{
	struct mgm_subscribe s = { .events = MGM_SUBSCRIBE_TABLE };
	struct mgm_event *buf;
	uint64_t listed;
	ssize_t got;
	size_t i, n;
	int fd, rc;

	rc = raw_open_or_fail(&fd);
	if (rc)
		return rc;
	buf = malloc(MON_BATCH * sizeof(*buf));
	if (!buf) {
		close(fd);
		return runtime_error("out of memory");
	}
	if (ioctl(fd, MGM_IOC_SUBSCRIBE, &s)) {
		rc = errno_fail("subscribe to the table's changes", -errno);
		goto out;
	}
	rc = mon_list(fd, &cmd->opts, &listed);
	while (!rc) {
		got = read(fd, buf, MON_BATCH * sizeof(*buf));
		if (got < 0) {
			if (errno == EINTR)
				continue;
			rc = errno_fail("read events", -errno);
			break;
		}
		if (!got) {		/* the device never ends a subscription */
			rc = runtime_error("read events: end of file");
			break;
		}
		n = (size_t)got / sizeof(*buf);
		for (i = 0; !rc && i < n; i++) {
			const struct mgm_event *e = &buf[i];
			struct mon_line l = {
				.seq = e->seq, .generation = e->generation,
				.source = e->source, .source_mask = e->source_mask,
				.group = e->group, .group_mask = e->group_mask,
				.ifindex = e->ifindex, .nexthop = e->nexthop,
				.protocol = e->protocol_id,
				.component = e->component_id,
				.flags = e->member_flags,
			};

			if (e->type == MGM_EVENT_OVERFLOW) {
				mon_overflow(&cmd->opts, e);
				rc = mon_list(fd, &cmd->opts, &listed);
				continue;
			}
			/* In the listing already, or not a table record. */
			if (e->type != MGM_EVENT_TABLE || e->generation <= listed)
				continue;
			l.what = e->flags & MGM_EVENT_NEW ? "add" :
				 e->flags & MGM_EVENT_GONE ? "delete" : "change";
			mon_print(&cmd->opts, &l);
		}
		if (!rc && fflush(stdout))
			rc = runtime_error("write error");
	}
out:
	free(buf);
	close(fd);
	return rc;
}

int monitor_parse(int argc, char **argv, struct mgmctl_cmd *cmd)
{
	(void)argv;
	if (argc > 0 && !strcmp(argv[0], "help"))
		return object_help("monitor", cmd);
	if (argc > 0)
		return usage_error("monitor: unknown argument \"%s\"", argv[0]);
	cmd->run = monitor_run;
	return EXIT_OK;
}
