// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgmctl group show [any|all] [group G] [source S]: the (S,G) entries (or,
 * with "any", the groups) through a Windows-style enumeration cursor,
 * printing each batch of records as it arrives (a text table or a JSON
 * array streamed object by object). That enumeration has no start key, so
 * the group and source filters are applied here; "membership show group G"
 * is the one that costs what G holds.
 */
#include <stdlib.h>
#include <string.h>
#include "mgmctl.h"

/* Records read per call: 64 KiB. */
#define SHOW_BATCH	4096

static bool show_match(const struct mgmctl_filter *f,
		       const SOURCE_GROUP_ENTRY *e)
{
	if (f->group_set && e->dwGroupAddr != f->group)
		return false;
	if (f->source_set && e->dwSourceAddr != f->source)
		return false;
	return true;
}

static void show_record(struct json *j, const struct mgmctl_opts *opts,
			const SOURCE_GROUP_ENTRY *e)
{
	char b[4][16];

	if (!opts->json) {
		printf("%-15s  %s\n", addr_str(e->dwGroupAddr, true, b[0]),
		       addr_str(e->dwSourceAddr, true, b[1]));
		return;
	}
	json_open(j, '{');
	json_key_str(j, "group", addr_str(e->dwGroupAddr, false, b[0]));
	json_key_str(j, "group_mask", addr_str(e->dwGroupMask, false, b[1]));
	json_key_str(j, "source", addr_str(e->dwSourceAddr, false, b[2]));
	json_key_str(j, "source_mask", addr_str(e->dwSourceMask, false, b[3]));
	json_close(j, '}');
}

static int group_run(struct mgmctl_cmd *cmd)
{
	const struct mgmctl_opts *opts = &cmd->opts;
	SOURCE_GROUP_ENTRY *buf;
	struct mgm_enum_status st;
	bool changed = false;
	struct json j;
	HANDLE h;
	uint32_t i;
	int rc, err;

	rc = device_open_or_fail();
	if (rc)
		return rc;
	buf = malloc(SHOW_BATCH * sizeof(*buf));
	if (!buf)
		return runtime_error("out of memory");
	err = mgm_enum_start(cmd->type, &h, NULL);
	if (err) {
		free(buf);
		return errno_fail("start enumeration", err);
	}

	json_init(&j, stdout, opts->pretty);
	if (opts->json)
		json_open(&j, '[');
	else
		printf("%-15s  %s\n", "GROUP", "SOURCE");
	do {
		err = mgm_enum_next(h, buf, SHOW_BATCH * sizeof(*buf), &st);
		if (err)
			break;
		for (i = 0; i < st.count; i++)
			if (show_match(&cmd->filter, &buf[i]))
				show_record(&j, opts, &buf[i]);
		if (st.status & MGM_ENUM_STATUS_CHANGED)
			changed = true;
	} while (!(st.status & MGM_ENUM_STATUS_END));
	if (opts->json)
		json_close(&j, ']');
	rc = fflush(stdout);
	MgmGroupEnumerationEnd(h);
	free(buf);
	if (err)
		return errno_fail("read enumeration", err);
	if (rc)
		return runtime_error("write error");
	if (changed)
		fputs("mgmctl: note: the table changed during the listing; entries present throughout are listed once\n",
		      stderr);
	return EXIT_OK;
}

int group_parse(int argc, char **argv, struct mgmctl_cmd *cmd)
{
	static const char *const allowed[] = { "group", "source", NULL };
	static const struct mgmctl_kw types[] = { { "any", 0 }, { "all", 0 } };
	int i, n = 0;

	if (show_verb(&argc, &argv))
		return object_help("group", cmd);
	cmd->type = ALL_SOURCES;
	/* "any" or "all" anywhere (no address looks like them); then filters. */
	for (i = 0; i < argc; i++) {
		int k = kw_match(argv[i], types, 2);

		if (k == -2)
			return KW_LOOKUP(argv[i], types, "group show", "keyword", &k);
		if (k >= 0)
			cmd->type = k ? ALL_SOURCES : ANY_SOURCE;
		else
			argv[n++] = argv[i];
	}
	if (parse_filters(n, argv, "group show", allowed, &cmd->filter))
		return EXIT_USAGE;
	if (cmd->type == ANY_SOURCE && cmd->filter.source_set)
		return usage_error("group show any lists groups: \"source\" does not apply");
	cmd->run = group_run;
	return EXIT_OK;
}
