// SPDX-License-Identifier: GPL-2.0
/*
 * mgmctl [OPTIONS] COMMAND [ARGS]: show the multicast group membership
 * table of /dev/mgm, its statistics, or pin static memberships. See
 * mgmctl(8). Exit status: 0 ok, 1 usage error, 2 runtime error.
 */
#include <string.h>
#include <unistd.h>
#include "mgmctl.h"

static const char usage_text[] =
"usage: mgmctl [-j [-p]] show [any|all] [group G] [source S]\n"
"       mgmctl [-j [-p]] stats\n"
"       mgmctl static [-b FILE] [protocol ID] [component ID] [join MEMBERSHIP]...\n"
"       mgmctl help\n"
"MEMBERSHIP := dev IFNAME [via NEXTHOP] group {G|*} [source {S|*}] [forward]\n"
"  -j  JSON output (an array of objects)    -p  pretty JSON\n"
"  -b  read memberships from FILE ('-' for stdin), one per line, '#' comments\n";

int main(int argc, char **argv)
{
	struct mgmctl_opts opts = { 0 };
	const char *cmd;
	int c;

	while ((c = getopt(argc, argv, "+jph")) != -1) {
		switch (c) {
		case 'j':
			opts.json = true;
			break;
		case 'p':
			opts.pretty = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return EXIT_OK;
		default:
			fputs(usage_text, stderr);
			return EXIT_USAGE;
		}
	}
	if (opts.pretty && !opts.json)
		return usage_error("-p needs -j");
	if (optind == argc) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	cmd = argv[optind++];
	argc -= optind;
	argv += optind;
	if (!strcmp(cmd, "show") || !strcmp(cmd, "list") || !strcmp(cmd, "ls"))
		return cmd_show(argc, argv, &opts);
	if (!strcmp(cmd, "stats"))
		return cmd_stats(argc, argv, &opts);
	if (!strcmp(cmd, "static")) {
		if (opts.json)
			return usage_error("static: -j does not apply");
		return cmd_static(argc, argv, &opts);
	}
	if (!strcmp(cmd, "help")) {
		fputs(usage_text, stdout);
		return EXIT_OK;
	}
	return usage_error("unknown command \"%s\"", cmd);
}
