// SPDX-License-Identifier: GPL-2.0
/*
 * mgmctl show [any|all] [group G] [source S]: list the table through an
 * enumeration cursor, printing each batch of records as it arrives (text
 * table or a JSON array streamed object by object).
 */
#include <stdlib.h>
#include <string.h>
#include "mgmctl.h"

/* Records read per call: 64 KiB. */
#define SHOW_BATCH	4096

struct show_filter {
	bool group_set, source_set;
	DWORD group, source;
};

static bool show_match(const struct show_filter *f,
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

static int show_parse(int argc, char **argv, MGM_ENUM_TYPES *type,
		      struct show_filter *f)
{
	int i;

	*type = ALL_SOURCES;
	memset(f, 0, sizeof(*f));
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "all")) {
			*type = ALL_SOURCES;
		} else if (!strcmp(argv[i], "any")) {
			*type = ANY_SOURCE;
		} else if (!strcmp(argv[i], "group") ||
			   !strcmp(argv[i], "source")) {
			bool group = argv[i][0] == 'g';

			if (i + 1 == argc)
				return usage_error("\"%s\" needs an address",
						   argv[i]);
			if (!parse_addr(argv[i + 1], true,
					group ? &f->group : &f->source, NULL))
				return usage_error("bad %s \"%s\"", argv[i],
						   argv[i + 1]);
			if (group)
				f->group_set = true;
			else
				f->source_set = true;
			i++;
		} else {
			return usage_error("show: unknown argument \"%s\"",
					   argv[i]);
		}
	}
	if (*type == ANY_SOURCE && f->source_set)
		return usage_error("show any lists groups: \"source\" does not apply");
	return EXIT_OK;
}

int cmd_show(int argc, char **argv, const struct mgmctl_opts *opts)
{
	SOURCE_GROUP_ENTRY *buf;
	struct mgm_enum_status st;
	struct show_filter filter;
	MGM_ENUM_TYPES type;
	bool changed = false;
	struct json j;
	HANDLE h;
	uint32_t i;
	int rc, err;

	rc = show_parse(argc, argv, &type, &filter);
	if (rc)
		return rc;
	rc = device_open_or_fail();
	if (rc)
		return rc;
	buf = malloc(SHOW_BATCH * sizeof(*buf));
	if (!buf)
		return runtime_error("out of memory");
	err = mgm_enum_start(type, &h, NULL);
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
			if (show_match(&filter, &buf[i]))
				show_record(&j, opts, &buf[i]);
		if (st.status & MGM_ENUM_STATUS_CHANGED)
			changed = true;
	} while (!(st.status & MGM_ENUM_STATUS_END));
	if (opts->json)
		json_close(&j, ']');
	fflush(stdout);
	MgmGroupEnumerationEnd(h);
	free(buf);
	if (err)
		return errno_fail("read enumeration", err);
	if (changed)
		fputs("mgmctl: note: the table changed during the listing; entries present throughout are listed once\n",
		      stderr);
	return EXIT_OK;
}
