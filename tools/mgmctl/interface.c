// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "mgmctl interface show [dev NAME]": the interfaces of the namespace that
 * a protocol owns (next hop 0.0.0.0, the one of broadcast and
 * point-to-point links), with their owner: asked of the module one
 * interface at a time (MGM_IOC_GET_OWNER on mgmctl's own file).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "mgmctl.h"

static int owner_cmp(const void *a, const void *b)
{
	const struct owner *x = a, *y = b;

	return x->ifindex < y->ifindex ? -1 : x->ifindex > y->ifindex;
}

int owners_collect(struct owner_list *ol, const char *dev)
{
	struct if_nameindex *ifs, *i;
	size_t n = 0;
	int fd, rc;

	ol->v = NULL;
	ol->n = 0;
	if (dev && !if_nametoindex(dev))
		return runtime_error("dev %s: no such interface", dev);
	rc = raw_open_or_fail(&fd);
	if (rc)
		return rc;
	ifs = if_nameindex();
	if (!ifs) {
		close(fd);
		return runtime_error("list interfaces: %m");
	}
	for (i = ifs; i->if_index; i++)
		n++;
	ol->v = calloc(n ? n : 1, sizeof(*ol->v));
	if (!ol->v) {
		rc = runtime_error("out of memory");
		goto out;
	}
	for (i = ifs; i->if_index; i++) {
		struct mgm_owner_query q = { .ifindex = i->if_index };
		struct owner *o = &ol->v[ol->n];

		if (dev && strcmp(dev, i->if_name))
			continue;
		if (ioctl(fd, MGM_IOC_GET_OWNER, &q)) {
			if (errno == ENOENT || errno == ENODEV)
				continue;	/* nobody's, or gone meanwhile */
			rc = errno_fail("owner query", -errno);
			goto out;
		}
		o->ifindex = i->if_index;
		snprintf(o->dev, sizeof(o->dev), "%s", i->if_name);
		o->proto = q.protocol_id;
		o->comp = q.component_id;
		o->owners = q.owners;
		ol->n++;
	}
	qsort(ol->v, ol->n, sizeof(*ol->v), owner_cmp);
out:
	if_freenameindex(ifs);
	close(fd);
	if (rc) {
		free(ol->v);
		ol->v = NULL;
		ol->n = 0;
	}
	return rc;
}

static int interface_run(struct mgmctl_cmd *cmd)
{
	struct owner_list ol;
	struct json j;
	size_t i;
	int rc;

	rc = owners_collect(&ol, cmd->filter.dev_set ? cmd->filter.dev : NULL);
	if (rc)
		return rc;
	json_init(&j, stdout, cmd->opts.pretty);
	if (cmd->opts.json)
		json_open(&j, '[');
	else
		printf("%-16s %-8s %-15s %-10s %-16s %-10s %s\n", "DEV",
		       "IFINDEX", "NEXTHOP", "PROTOCOL", "NAME", "COMPONENT",
		       "IGMP");
	for (i = 0; i < ol.n; i++) {
		const struct owner *o = &ol.v[i];
		const char *name = proto_name(o->proto);
		bool igmp = o->owners & MGM_OWNED_BY_IGMP;

		if (!cmd->opts.json) {
			printf("%-16s %-8u %-15s %-10u %-16s %-10u %s\n", o->dev,
			       o->ifindex, "0.0.0.0", o->proto,
			       name ? name : "-", o->comp, igmp ? "yes" : "no");
			continue;
		}
		json_open(&j, '{');
		json_key_str(&j, "dev", o->dev);
		json_key_u64(&j, "ifindex", o->ifindex);
		json_key_str(&j, "nexthop", "0.0.0.0");
		json_key_u64(&j, "protocol", o->proto);
		json_key_str(&j, "protocol_name", name ? name : "");
		json_key_u64(&j, "component", o->comp);
		json_key_bool(&j, "routing", o->owners & MGM_OWNED_BY_ROUTING);
		json_key_bool(&j, "igmp", igmp);
		json_close(&j, '}');
	}
	if (cmd->opts.json)
		json_close(&j, ']');
	free(ol.v);
	return fflush(stdout) ? runtime_error("write error") : EXIT_OK;
}

int interface_parse(int argc, char **argv, struct mgmctl_cmd *cmd)
{
	static const char *const allowed[] = { "dev", NULL };

	if (show_verb(&argc, &argv))
		return object_help("interface", cmd);
	cmd->run = interface_run;
	return parse_filters(argc, argv, "interface show", allowed,
			     &cmd->filter);
}
