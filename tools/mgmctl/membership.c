// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgmctl membership show [dev NAME] [group G] [source S] [proto NAME|ID]:
 * who joined where, through a membership cursor (MGM_IOC_MEMBER_ENUM_*, on
 * mgmctl's own file of /dev/mgm) with every filter given to the kernel:
 * "group G" is the cursor's range (it costs what G holds), "source S" its
 * source filter (the range of one entry with a group), "dev" and "proto"
 * its interface and protocol filters. Records are printed as each batch
 * arrives (member_walk(), tools/common, reads the cursor).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "mgmctl.h"

/*
 * Interface names, looked up once per listing: if_indextoname() is three
 * system calls, which cost more than the rest of a record. One slot per
 * ifindex modulo NAME_SLOTS; an interface gone meanwhile is shown as its
 * number, one renamed during the listing by the name it had first.
 */
#define NAME_SLOTS	64

struct name_cache {
	unsigned int ifindex[NAME_SLOTS];	/* 0: empty (no interface has it) */
	char name[NAME_SLOTS][IF_NAMESIZE];
};

static const char *dev_name(struct name_cache *c, unsigned int ifindex)
{
	unsigned int slot = ifindex % NAME_SLOTS;

	if (!ifindex || c->ifindex[slot] != ifindex) {
		if (!if_indextoname(ifindex, c->name[slot]))
			snprintf(c->name[slot], IF_NAMESIZE, "%u", ifindex);
		c->ifindex[slot] = ifindex;
	}
	return c->name[slot];
}

/* "igmp(10)", or the number alone when it has no name. */
static const char *proto_label(DWORD id, char buf[16])
{
	const char *name = proto_name(id);

	if (name)
		snprintf(buf, 16, "%.10s(%u)", name, id);
	else
		snprintf(buf, 16, "%u", id);
	return buf;
}

static void member_print(struct json *j, const struct mgmctl_opts *opts,
			 struct name_cache *names,
			 const struct mgm_member_record *r)
{
	const char *name = proto_name(r->protocol_id);
	char b[5][16], id[16];
	bool join = r->member_flags & MGM_JOIN_STATE;
	bool fwd = r->member_flags & MGM_FORWARD_STATE;

	if (!opts->json) {
		printf("%-15s  %-15s  %-16s %-15s  %-16s %-10u %s%s%s\n",
		       addr_str(r->group, true, b[0]),
		       addr_str(r->source, true, b[1]),
		       dev_name(names, r->ifindex), addr_str(r->nexthop, false, b[2]),
		       proto_label(r->protocol_id, id),
		       r->component_id, join ? "join" : "",
		       join && fwd ? "," : "", fwd ? "forward" : "");
		return;
	}
	json_open(j, '{');
	json_key_str(j, "group", addr_str(r->group, false, b[0]));
	json_key_str(j, "group_mask", addr_str(r->group_mask, false, b[1]));
	json_key_str(j, "source", addr_str(r->source, false, b[2]));
	json_key_str(j, "source_mask", addr_str(r->source_mask, false, b[3]));
	json_key_str(j, "dev", dev_name(names, r->ifindex));
	json_key_u64(j, "ifindex", r->ifindex);
	json_key_str(j, "nexthop", addr_str(r->nexthop, false, b[4]));
	json_key_u64(j, "protocol", r->protocol_id);
	json_key_str(j, "protocol_name", name ? name : "");
	json_key_u64(j, "component", r->component_id);
	json_key_bool(j, "join", join);
	json_key_bool(j, "forward", fwd);
	json_close(j, '}');
}

/* What membership show prints with. */
struct member_show {
	struct json j;
	const struct mgmctl_opts *opts;
	struct name_cache *names;
};

static void member_show_one(void *ctx, const struct mgm_member_record *r)
{
	struct member_show *show = ctx;

	member_print(&show->j, show->opts, show->names, r);
}

static int membership_run(struct mgmctl_cmd *cmd)
{
	const struct mgmctl_filter *f = &cmd->filter;
	struct mgm_member_enum_start a = { 0 };
	struct member_show show = { .opts = &cmd->opts };
	bool changed = false;
	int fd, rc, err;

	if (f->dev_set) {
		a.ifindex = if_nametoindex(f->dev);
		if (!a.ifindex)
			return runtime_error("dev %s: no such interface", f->dev);
		a.flags |= MGM_MEMBER_ENUM_IFINDEX;
	}
	if (f->group_set) {
		a.flags |= MGM_MEMBER_ENUM_RANGE;
		a.from_group = a.to_group = f->group;
		a.to_source = f->source_set ? f->source : 0xffffffffu;
		a.from_source = f->source_set ? f->source : 0;
	} else if (f->source_set) {
		a.flags |= MGM_MEMBER_ENUM_SOURCE;
		a.source = f->source;
	}
	if (f->proto_set) {
		a.flags |= MGM_MEMBER_ENUM_PROTOCOL;
		a.protocol_id = f->proto;
	}
	rc = raw_open_or_fail(&fd);
	if (rc)
		return rc;
	show.names = calloc(1, sizeof(*show.names));
	if (!show.names) {
		close(fd);
		return runtime_error("out of memory");
	}
	if (ioctl(fd, MGM_IOC_MEMBER_ENUM_START, &a)) {
		rc = errno_fail("start membership enumeration", -errno);
		goto out;
	}
	json_init(&show.j, stdout, cmd->opts.pretty);
	if (cmd->opts.json)
		json_open(&show.j, '[');
	else
		printf("%-15s  %-15s  %-16s %-15s  %-16s %-10s %s\n", "GROUP",
		       "SOURCE", "DEV", "NEXTHOP", "PROTOCOL", "COMPONENT",
		       "FLAGS");
	err = member_walk(fd, a.cursor, member_show_one, &show, &changed);
	if (cmd->opts.json)
		json_close(&show.j, ']');
	if (fflush(stdout))
		rc = runtime_error("write error");
	else if (err)
		rc = errno_fail("read membership enumeration", err);
	else if (changed)
		fputs("mgmctl: note: the table changed during the listing; memberships present throughout are listed once\n",
		      stderr);
out:
	free(show.names);
	close(fd);
	return rc;
}

int membership_parse(int argc, char **argv, struct mgmctl_cmd *cmd)
{
	static const char *const allowed[] = {
		"dev", "group", "source", "proto", NULL,
	};

	if (show_verb(&argc, &argv))
		return object_help("membership", cmd);
	cmd->run = membership_run;
	return parse_filters(argc, argv, "membership show", allowed,
			     &cmd->filter);
}
