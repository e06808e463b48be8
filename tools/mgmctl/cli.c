// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgmctl's command line: options, the object table, the usage text.
 *
 *   mgmctl [OPTIONS] OBJECT [COMMAND [ARGS]]
 *
 * One row per object in mgmctl_objects[]: an object added later (a new
 * file with its parser) is one more row. Options may also follow the
 * object ("mgmctl group show -j"); other words starting with '-' are left
 * to the object's parser ("static protocol -1" is its error). The spellings of mgmctl 1.0 ("show",
 * "show any", "list", "ls") are kept as rows of their own and mean
 * "group show". Nothing here touches /dev/mgm.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "mgmctl.h"

#ifndef MGM_VERSION
#error "MGM_VERSION: the build passes the VERSION file's"
#endif

static int help_parse(int argc, char **argv, struct mgmctl_cmd *cmd);
static int legacy_show_parse(int argc, char **argv, struct mgmctl_cmd *cmd);

static const struct mgmctl_object mgmctl_objects[] = {
	{ "group", 0, group_parse,
	  "       mgmctl [OPTIONS] group [show] [any|all] [group G] [source S]\n" },
	{ "membership", 0, membership_parse,
	  "       mgmctl [OPTIONS] membership [show] [dev NAME] [group G] [source S]\n"
	  "                                   [proto NAME|ID]\n" },
	{ "protocol", 0, protocol_parse,
	  "       mgmctl [OPTIONS] protocol [show]\n" },
	{ "interface", 0, interface_parse,
	  "       mgmctl [OPTIONS] interface [show] [dev NAME]\n" },
	{ "stats", 0, stats_parse,
	  "       mgmctl [OPTIONS] stats [show]\n" },
	/* "m" stays membership's: monitor came later. */
	{ "monitor", 2, monitor_parse,
	  "       mgmctl [OPTIONS] monitor\n" },
	/* "mr": "m" is membership's. "mfe", the Windows name, is the same. */
	{ "mroute", 2, mroute_parse,
	  "       mgmctl [OPTIONS] mroute [show] [dev NAME] [group G] [source S]\n" },
	{ "mfe", 2, mroute_parse, NULL },
	{ "static", 0, static_parse,
	  "       mgmctl static [-b FILE] [protocol ID] [component ID] [join MEMBERSHIP]...\n" },
	{ "help", 0, help_parse,
	  "       mgmctl help [OBJECT]\n" },
	/* mgmctl 1.0's spellings of group show ("sh" and longer). */
	{ "show", 2, legacy_show_parse, NULL },
	{ "list", 2, legacy_show_parse, NULL },
	{ "ls", 2, legacy_show_parse, NULL },
};

#define N_OBJECTS	(sizeof(mgmctl_objects) / sizeof(mgmctl_objects[0]))

static const char usage_head[] =
"usage: mgmctl [OPTIONS] OBJECT [COMMAND [ARGS]]\n";

static const char usage_tail[] =
"MEMBERSHIP := dev IFNAME [via NEXTHOP] group {G|*} [source {S|*}] [forward]\n"
"OPTIONS := -j, --json     JSON output: an array of objects\n"
"           -p, --pretty   pretty JSON (with -j)\n"
"           -h, --help     this text\n"
"           -V, --version  mgmctl's version\n"
"Objects and keywords may be abbreviated while unambiguous (mgmctl m s dev eth0).\n"
"Exit status: 0 ok, 1 usage error, 2 run-time failure.\n";

static int print_help(struct mgmctl_cmd *cmd)
{
	fputs(cmd->help, stdout);
	return fflush(stdout) ? EXIT_RUNTIME : EXIT_OK;
}

/* The whole usage text (malloc'ed), or that of one object. */
static char *usage_text(const struct mgmctl_object *only)
{
	char *s = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&s, &len);

	if (!f)
		return NULL;
	fputs(usage_head, f);
	for (i = 0; i < N_OBJECTS; i++)
		if (mgmctl_objects[i].usage &&
		    (!only || only == &mgmctl_objects[i]))
			fputs(mgmctl_objects[i].usage, f);
	fputs(usage_tail, f);
	if (fclose(f)) {
		free(s);
		return NULL;
	}
	return s;
}

static int set_help(struct mgmctl_cmd *cmd, const struct mgmctl_object *only)
{
	char *s = usage_text(only);

	if (!s)
		return runtime_error("out of memory");
	free((char *)cmd->help);
	cmd->help = s;
	cmd->run = print_help;
	return EXIT_OK;
}

static const struct mgmctl_object *object_of(const char *word, int *rc)
{
	struct mgmctl_kw kw[N_OBJECTS];
	size_t i;
	int idx;

	for (i = 0; i < N_OBJECTS; i++)
		kw[i] = (struct mgmctl_kw) { mgmctl_objects[i].name,
					     mgmctl_objects[i].min };
	*rc = kw_lookup(word, kw, N_OBJECTS, NULL, "object", &idx);
	return *rc ? NULL : &mgmctl_objects[idx];
}

static int help_parse(int argc, char **argv, struct mgmctl_cmd *cmd)
{
	const struct mgmctl_object *o = NULL;
	int rc;

	if (argc > 1)
		return usage_error("help: unknown argument \"%s\"", argv[1]);
	if (argc == 1) {
		o = object_of(argv[0], &rc);
		if (!o)
			return rc;
		if (!o->usage)	/* a 1.0 spelling: show the object it means */
			o = &mgmctl_objects[0];
	}
	return set_help(cmd, o);
}

/* "mgmctl show [any|all] [group G] [source S]": group show. */
static int legacy_show_parse(int argc, char **argv, struct mgmctl_cmd *cmd)
{
	return group_parse(argc, argv, cmd);
}

/* Options after the object: taken out of @argv wherever they are. */
static void late_options(int *argc, char **argv, struct mgmctl_cmd *cmd,
			 bool *help)
{
	int i, n = 0;

	for (i = 0; i < *argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-b") && i + 1 < *argc) {	/* static -b FILE */
			argv[n++] = argv[i++];
			argv[n++] = argv[i];
			continue;
		}
		if (!strcmp(a, "-j") || !strcmp(a, "--json"))
			cmd->opts.json = true;
		else if (!strcmp(a, "-p") || !strcmp(a, "--pretty"))
			cmd->opts.pretty = true;
		else if (!strcmp(a, "-jp") || !strcmp(a, "-pj"))
			cmd->opts.json = cmd->opts.pretty = true;
		else if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			*help = true;
		else
			argv[n++] = argv[i];
	}
	*argc = n;
}

int mgmctl_parse(int argc, char **argv, struct mgmctl_cmd *cmd)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct mgmctl_object *o;
	bool help = false;
	int c, rc;

	memset(cmd, 0, sizeof(*cmd));
	cmd->type = ALL_SOURCES;
	opterr = 0;
	optind = 0;	/* a fresh scan: mgmctl_parse() may be called again */
	while ((c = getopt_long(argc, argv, "+jphV", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			cmd->opts.json = true;
			break;
		case 'p':
			cmd->opts.pretty = true;
			break;
		case 'h':
			help = true;
			break;
		case 'V':
			cmd->help = strdup("mgmctl " MGM_VERSION "\n");
			if (!cmd->help)
				return runtime_error("out of memory");
			cmd->run = print_help;
			return EXIT_OK;
		default:
			if (optopt)
				return usage_error("unknown option \"-%c\"", optopt);
			return usage_error("unknown option \"%s\"",
					   argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	if (!argc) {
		if (help)
			return set_help(cmd, NULL);
		return usage_error("no object given (try \"mgmctl help\")");
	}
	o = object_of(argv[0], &rc);
	if (!o)
		return rc;
	argc--;
	argv++;
	late_options(&argc, argv, cmd, &help);
	if (help)
		return set_help(cmd, o->usage ? o : &mgmctl_objects[0]);
	if (cmd->opts.pretty && !cmd->opts.json)
		return usage_error("-p needs -j");
	return o->parse(argc, argv, cmd);
}

/* The object's own "help" command (mgmctl group help). */
int object_help(const char *name, struct mgmctl_cmd *cmd)
{
	size_t i;

	for (i = 0; i < N_OBJECTS; i++)
		if (!strcmp(mgmctl_objects[i].name, name))
			return set_help(cmd, &mgmctl_objects[i]);
	return set_help(cmd, NULL);
}

void mgmctl_cmd_free(struct mgmctl_cmd *cmd)
{
	free((char *)cmd->help);
	free(cmd->set.m);
	cmd->help = NULL;
	cmd->set.m = NULL;
}
