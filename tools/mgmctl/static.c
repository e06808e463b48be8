// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgmctl static [-b FILE] [protocol NAME|ID] [component ID] [join MEMBERSHIP]...
 *
 * Parsing (static_parse()) reads the files and checks every membership
 * before anything touches /dev/mgm. Then static_run() pins the joins: registers a protocol, takes the interfaces the
 * memberships name, adds the memberships in one batch, reports that it
 * holds them on stdout, and keeps them until SIGINT or SIGTERM. Everything
 * belongs to this process's file of /dev/mgm, so it also goes if the
 * process is killed.
 */
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "mgmctl.h"

/* The Windows protocol id of static routes (PROTO_IP_NT_STATIC). */
#define STATIC_PROTOCOL_ID	10006

static int set_add(struct static_set *set, const struct static_member *m)
{
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 16;
		struct static_member *p = realloc(set->m, cap * sizeof(*p));

		if (!p)
			return runtime_error("out of memory");
		set->m = p;
		set->cap = cap;
	}
	set->m[set->n++] = *m;
	return EXIT_OK;
}

/* Split @line into words (in place); *@tok grows as needed. */
static int split_words(char *line, char ***tok, size_t *cap, int *ntok)
{
	char *p, *save;

	*ntok = 0;
	for (p = strtok_r(line, " \t\r\n\v\f", &save); p;
	     p = strtok_r(NULL, " \t\r\n\v\f", &save)) {
		if ((size_t)*ntok == *cap) {
			size_t n = *cap ? *cap * 2 : 16;
			char **t = realloc(*tok, n * sizeof(*t));

			if (!t)
				return runtime_error("out of memory");
			*tok = t;
			*cap = n;
		}
		(*tok)[(*ntok)++] = p;
	}
	return EXIT_OK;
}

/*
 * One membership per line, of any length; '#' starts a comment; "join" is
 * optional. Lines are counted as the file has them, so a message names the
 * line it is about.
 */
static int read_file(const char *path, struct static_set *set)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *line = NULL, err[160], **tok = NULL, *p;
	size_t linecap = 0, tokcap = 0;
	struct static_member m;
	unsigned long lineno = 0;
	int ntok, used, rc = EXIT_OK;

	if (!f)
		return runtime_error("%s: cannot open: %m", path);
	while (!rc && getline(&line, &linecap, f) >= 0) {
		lineno++;
		p = strchr(line, '#');
		if (p)
			*p = 0;
		rc = split_words(line, &tok, &tokcap, &ntok);
		if (rc || !ntok)
			continue;
		if (!parse_membership(tok, ntok, &used, &m, err, sizeof(err)))
			rc = usage_error("%s:%lu: %s", path, lineno, err);
		else if (used != ntok)
			rc = usage_error("%s:%lu: one membership per line", path,
					 lineno);
		else {
			snprintf(m.where, sizeof(m.where), "%.40s:%lu", path,
				 lineno);
			rc = set_add(set, &m);
		}
	}
	if (!rc && ferror(f))
		rc = runtime_error("%s: read error", path);
	free(line);
	free(tok);
	if (f != stdin)
		fclose(f);
	return rc;
}

enum { SK_FILE, SK_PROTOCOL, SK_COMPONENT, SK_JOIN };

static int static_args(int argc, char **argv, struct static_set *set,
		       DWORD *proto, DWORD *comp)
{
	static const struct mgmctl_kw kw[] = {
		[SK_FILE] = { "-b", 2 },
		[SK_PROTOCOL] = { "protocol", 0 },
		[SK_COMPONENT] = { "component", 0 },
		[SK_JOIN] = { "join", 0 },
	};
	struct static_member m;
	char err[160];
	int i = 0, used, rc, k;

	while (i < argc) {
		if (KW_LOOKUP(argv[i], kw, "static", "keyword", &k))
			return EXIT_USAGE;
		if (k == SK_JOIN) {
			if (!parse_membership(argv + i, argc - i, &used, &m, err,
					      sizeof(err)))
				return usage_error("static: %s", err);
			snprintf(m.where, sizeof(m.where), "argument %d", i + 1);
			rc = set_add(set, &m);
			if (rc)
				return rc;
			i += used;
			continue;
		}
		if (i + 1 == argc)
			return usage_error("static: \"%s\" needs a value",
					   kw[k].name);
		if (k == SK_FILE)
			rc = read_file(argv[i + 1], set);
		else if (k == SK_PROTOCOL ? !parse_proto(argv[i + 1], proto) :
			 !parse_u32(argv[i + 1], comp))
			rc = usage_error("static: bad %s \"%s\"", kw[k].name,
					 argv[i + 1]);
		else
			rc = EXIT_OK;
		if (rc)
			return rc;
		i += 2;
	}
	if (!set->n)
		return usage_error("static: no membership given");
	return EXIT_OK;
}

/* The distinct interfaces (ifindex, next hop) the memberships name. */
struct static_if {
	DWORD ifindex, nexthop;
	bool taken;
};

static int static_resolve(struct static_set *set, struct mgm_member *recs,
			  struct static_if *ifs, size_t *nifs)
{
	size_t i, k;
	unsigned int idx;

	*nifs = 0;
	for (i = 0; i < set->n; i++) {
		const struct static_member *m = &set->m[i];

		idx = if_nametoindex(m->dev);
		if (!idx)
			return runtime_error("%s: dev %s: no such interface",
					     m->where, m->dev);
		recs[i] = (struct mgm_member) {
			.source = m->source,
			.source_mask = m->source_mask,
			.group = m->group,
			.group_mask = m->group_mask,
			.ifindex = idx,
			.nexthop = m->nexthop,
			.flags = m->flags,
		};
		for (k = 0; k < *nifs; k++)
			if (ifs[k].ifindex == idx && ifs[k].nexthop == m->nexthop)
				break;
		if (k == *nifs) {
			ifs[k] = (struct static_if) { idx, m->nexthop, false };
			(*nifs)++;
		}
	}
	return EXIT_OK;
}

static void static_teardown(HANDLE h, struct static_if *ifs, size_t nifs)
{
	size_t i;

	/* Best effort: the kernel drops everything with the file anyway. */
	for (i = 0; i < nifs; i++)
		if (ifs[i].taken)
			MgmReleaseInterfaceOwnership(h, ifs[i].ifindex,
						     ifs[i].nexthop);
	MgmDeRegisterMProtocol(h);
}

static int static_hold(struct static_set *set, DWORD proto, DWORD comp)
{
	ROUTING_PROTOCOL_CONFIG cfg = { 0 };
	struct mgm_member *recs = calloc(set->n, sizeof(*recs));
	struct static_if *ifs = calloc(set->n, sizeof(*ifs));
	char what[192], b[2][16];
	size_t nifs = 0, i, done;
	sigset_t sigs;
	HANDLE h = NULL;
	DWORD code;
	int rc, err, sig;

	/* Blocked from here on: a signal during setup ends the hold at once. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, NULL);

	if (!recs || !ifs) {
		rc = runtime_error("out of memory");
		goto out;
	}
	rc = static_resolve(set, recs, ifs, &nifs);
	if (!rc)
		rc = device_open_or_fail();
	if (rc)
		goto out;
	code = MgmRegisterMProtocol(&cfg, proto, comp, &h);
	if (code) {
		snprintf(what, sizeof(what), "register protocol %u component %u",
			 proto, comp);
		rc = win32_fail(what, code);
		goto out;
	}
	for (i = 0; i < nifs; i++) {
		code = MgmTakeInterfaceOwnership(h, ifs[i].ifindex,
						 ifs[i].nexthop);
		if (code) {
			char name[IF_NAMESIZE] = "?";

			if_indextoname(ifs[i].ifindex, name);
			snprintf(what, sizeof(what), "take dev %s via %s", name,
				 addr_str(ifs[i].nexthop, false, b[0]));
			rc = win32_fail(what, code);
			goto teardown;
		}
		ifs[i].taken = true;
	}
	err = mgm_add_memberships(h, recs, set->n, &done);
	if (err) {
		const struct static_member *m = &set->m[done];

		snprintf(what, sizeof(what), "%s: dev %s group %s source %s",
			 m->where, m->dev, addr_str(m->group, true, b[0]),
			 addr_str(m->source, true, b[1]));
		if (err == -EINVAL)
			rc = runtime_error("%s: invalid membership", what);
		else
			rc = errno_fail(what, err);
		goto teardown;
	}

	printf("holding %zu memberships on %zu interfaces (protocol %u component %u) until SIGINT or SIGTERM\n",
	       set->n, nifs, proto, comp);
	fflush(stdout);
	sig = 0;
	sigwait(&sigs, &sig);
	rc = EXIT_OK;
teardown:
	static_teardown(h, ifs, nifs);
out:
	free(recs);
	free(ifs);
	return rc;
}

static int static_run(struct mgmctl_cmd *cmd)
{
	return static_hold(&cmd->set, cmd->proto, cmd->comp);
}

int static_parse(int argc, char **argv, struct mgmctl_cmd *cmd)
{
	if (argc && !strcmp(argv[0], "help"))
		return object_help("static", cmd);
	if (cmd->opts.json)
		return usage_error("static: -j does not apply");
	cmd->proto = STATIC_PROTOCOL_ID;
	cmd->comp = (DWORD)getpid();
	cmd->run = static_run;
	return static_args(argc, argv, &cmd->set, &cmd->proto, &cmd->comp);
}
