// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgmctl stats [show]: the table's counters, generation and limits; with
 * -j an array of one object, like every JSON output of mgmctl.
 */
#include "mgmctl.h"

static int stats_run(struct mgmctl_cmd *cmd)
{
	struct mgm_stats s;
	struct json j;
	int rc, err;

	rc = device_open_or_fail();
	if (rc)
		return rc;
	err = mgm_get_stats(&s, sizeof(s));
	if (err)
		return errno_fail("statistics", err);

	if (!cmd->opts.json) {
		printf("generation   %llu\n", (unsigned long long)s.generation);
		printf("entries      %llu / %llu\n", (unsigned long long)s.entries,
		       (unsigned long long)s.max_entries);
		printf("memberships  %llu / %llu\n",
		       (unsigned long long)s.memberships,
		       (unsigned long long)s.max_memberships);
		printf("protocols    %u / %u\n", s.protocols, s.max_protocols);
		printf("interfaces   %u / %u\n", s.interfaces, s.max_interfaces);
		printf("cursors      %u / %u (of this file)\n", s.cursors,
		       s.max_cursors);
		printf("max_batch    %u\n", s.max_batch);
	} else {
		json_init(&j, stdout, cmd->opts.pretty);
		json_open(&j, '[');
		json_open(&j, '{');
		json_key_u64(&j, "generation", s.generation);
		json_key_u64(&j, "entries", s.entries);
		json_key_u64(&j, "memberships", s.memberships);
		json_key_u64(&j, "protocols", s.protocols);
		json_key_u64(&j, "interfaces", s.interfaces);
		json_key_u64(&j, "cursors", s.cursors);
		json_key_u64(&j, "max_entries", s.max_entries);
		json_key_u64(&j, "max_memberships", s.max_memberships);
		json_key_u64(&j, "max_protocols", s.max_protocols);
		json_key_u64(&j, "max_interfaces", s.max_interfaces);
		json_key_u64(&j, "max_cursors", s.max_cursors);
		json_key_u64(&j, "max_batch", s.max_batch);
		json_close(&j, '}');
		json_close(&j, ']');
	}
	return fflush(stdout) ? runtime_error("write error") : EXIT_OK;
}

int stats_parse(int argc, char **argv, struct mgmctl_cmd *cmd)
{
	if (show_verb(&argc, &argv))
		return object_help("stats", cmd);
	if (argc)
		return usage_error("stats: unknown argument \"%s\"", argv[0]);
	cmd->run = stats_run;
	return EXIT_OK;
}
