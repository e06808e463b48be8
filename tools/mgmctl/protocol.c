// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Protocol ids and their names, and "mgmctl protocol show".
 *
 * The names are those of the Windows routing protocol ids (routprot.h,
 * PROTO_IP_*) that can hold multicast memberships, IGMP's being the one the
 * module itself knows (MGM_PROTO_IGMP). No ioctl lists the registered
 * protocols, so "protocol show" lists those the table shows: the routing
 * owners of the namespace's interfaces (next hop 0), and IGMP where it owns
 * one alone (an IGMP co-owner's component is not told by the module).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "mgmctl.h"

static const struct {
	DWORD id;
	const char *name;
} proto_names[] = {
	{ 1, "other" },
	{ 2, "local" },
	{ 3, "netmgmt" },
	{ 8, "rip" },
	{ 9, "msdp" },
	{ 10, "igmp" },
	{ 11, "bgmp" },
	{ 13, "ospf" },
	{ 14, "bgp" },
	{ 10002, "autostatic" },
	{ 10006, "static" },
	{ 10007, "static-non-dod" },
};

#define N_NAMES	(sizeof(proto_names) / sizeof(proto_names[0]))

const char *proto_name(DWORD id)
{
	size_t i;

	for (i = 0; i < N_NAMES; i++)
		if (proto_names[i].id == id)
			return proto_names[i].name;
	return NULL;
}

bool parse_proto(const char *s, DWORD *id)
{
	size_t i;

	for (i = 0; i < N_NAMES; i++)
		if (!strcasecmp(s, proto_names[i].name)) {
			*id = proto_names[i].id;
			return true;
		}
	return parse_u32(s, id);
}

struct proto_seen {
	DWORD id, component;
	size_t interfaces;
};

static int proto_cmp(const void *a, const void *b)
{
	const struct proto_seen *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->component != y->component)
		return x->component < y->component ? -1 : 1;
	return 0;
}

static int protocol_run(struct mgmctl_cmd *cmd)
{
	struct owner_list ol = { 0 };
	struct proto_seen *p;
	struct json j;
	size_t i, k, n = 0;
	int rc;

	rc = owners_collect(&ol, NULL);
	if (rc)
		return rc;
	p = calloc(ol.n ? ol.n : 1, sizeof(*p));
	if (!p) {
		free(ol.v);
		return runtime_error("out of memory");
	}
	for (i = 0; i < ol.n; i++) {
		for (k = 0; k < n; k++)
			if (p[k].id == ol.v[i].proto &&
			    p[k].component == ol.v[i].comp)
				break;
		if (k == n)
			p[n++] = (struct proto_seen) { ol.v[i].proto,
						       ol.v[i].comp, 0 };
		p[k].interfaces++;
	}
	qsort(p, n, sizeof(*p), proto_cmp);
	json_init(&j, stdout, cmd->opts.pretty);
	if (cmd->opts.json)
		json_open(&j, '[');
	else
		printf("%-10s %-16s %-10s %s\n", "PROTOCOL", "NAME", "COMPONENT",
		       "INTERFACES");
	for (i = 0; i < n; i++) {
		const char *name = proto_name(p[i].id);

		if (!cmd->opts.json) {
			printf("%-10u %-16s %-10u %zu\n", p[i].id,
			       name ? name : "-", p[i].component,
			       p[i].interfaces);
			continue;
		}
		json_open(&j, '{');
		json_key_u64(&j, "protocol", p[i].id);
		json_key_str(&j, "name", name ? name : "");
		json_key_u64(&j, "component", p[i].component);
		json_key_u64(&j, "interfaces", p[i].interfaces);
		json_close(&j, '}');
	}
	if (cmd->opts.json)
		json_close(&j, ']');
	free(p);
	free(ol.v);
	return fflush(stdout) ? runtime_error("write error") : EXIT_OK;
}

int protocol_parse(int argc, char **argv, struct mgmctl_cmd *cmd)
{
	if (show_verb(&argc, &argv))
		return object_help("protocol", cmd);
	if (argc)
		return usage_error("protocol show: unknown argument \"%s\"", argv[0]);
	cmd->run = protocol_run;
	return EXIT_OK;
}
