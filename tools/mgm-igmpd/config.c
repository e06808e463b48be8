// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Settings: the command line and the configuration file share one set of
 * names (the long options, "key value" lines in the file). They apply in
 * order, so a later setting wins; -f FILE applies the file's settings
 * where it stands. Defaults are RFC 3376 §8 (and RFC 2236 §8).
 */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "igmpd.h"

static const char usage_text[] =
"usage: mgm-igmpd [OPTIONS] -i IFNAME [-i IFNAME]...   run the daemon\n"
"       mgm-igmpd [-c PATH] [-j] -s                  counters of the running daemon\n"
"       mgm-igmpd [-c PATH] [-j] -G                  its groups and sources\n"
"  -i, --interface IFNAME        serve IFNAME (repeatable)\n"
"  -f, --config FILE             read settings from FILE (\"key value\" lines)\n"
"  -c, --control PATH            control socket (default @mgm-igmpd: abstract,\n"
"                                one per network namespace)\n"
"  -l, --log-level LEVEL         error, warning, notice, info, debug (info)\n"
"  -m, --member-log-level LEVEL  level of the membership change lines (info)\n"
"  -V, --igmp-version 2|3        version of the queries sent (3)\n"
"  -r, --robustness N            robustness variable, 1-7 (2)\n"
"  -q, --query-interval T        general query interval (125s)\n"
"  -R, --query-response-interval T   max response time of general queries (10s)\n"
"  -L, --last-member-query-interval T   (1s)\n"
"  -n, --last-member-query-count N      (robustness)\n"
"      --startup-query-interval T       (query interval / 4)\n"
"      --startup-query-count N          (robustness)\n"
"      --max-groups N            groups per interface (16384)\n"
"      --max-sources N           sources per group (256)\n"
"      --component N             MGM component id (1)\n"
"      --forward                 memberships with forward state too\n"
"      --router-alert required|optional   reports without it: drop (required)\n"
"  -j, --json                    JSON output for -s and -G\n"
"  -h, --help    -v, --version\n"
"Durations T: 125 (seconds), 125s, 500ms, 2m.\n";

void config_defaults(struct igmpd_config *c)
{
	memset(c, 0, sizeof(*c));
	c->params.robustness = 2;
	c->params.query_interval = 125000;
	c->params.query_response = 10000;
	c->params.lmq_interval = 1000;
	c->params.version = 3;
	c->log_level = LOG_LVL_INFO;
	c->member_log_level = LOG_LVL_INFO;
	strcpy(c->ctl_path, IGMPD_CTL_DEFAULT);
	c->max_groups = 16384;
	c->max_sources = 256;
	c->component = 1;
	c->require_ra = true;
}

void config_free(struct igmpd_config *c)
{
	free(c->ifnames);
	c->ifnames = NULL;
	c->n_ifnames = 0;
}

static int errmsg(char *msg, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int errmsg(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return -1;
}

int parse_duration(const char *s, uint32_t *ms)
{
	unsigned long long v, mult = 1000;
	char *end;

	if (!*s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	if (!strcmp(end, "ms"))
		mult = 1;
	else if (!strcmp(end, "m"))
		mult = 60000;
	else if (*end && strcmp(end, "s"))
		return -1;
	if (v > UINT32_MAX / mult)
		return -1;
	*ms = (uint32_t)(v * mult);
	return 0;
}

static int parse_uint(const char *s, unsigned long min, unsigned long max,
		      uint32_t *out)
{
	unsigned long v;
	char *end;

	if (!*s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int add_interface(struct igmpd_config *c, const char *name,
			 char *msg, size_t len)
{
	char (*v)[IFNAMSIZ];
	size_t i;

	if (!*name || strlen(name) >= IFNAMSIZ || strchr(name, '/') ||
	    strpbrk(name, " \t"))
		return errmsg(msg, len, "bad interface name \"%s\"", name);
	for (i = 0; i < c->n_ifnames; i++)
		if (!strcmp(c->ifnames[i], name))
			return 0;
	if (c->n_ifnames == IGMPD_MAX_IFACES)
		return errmsg(msg, len, "more than %d interfaces",
			      IGMPD_MAX_IFACES);
	v = realloc(c->ifnames, (c->n_ifnames + 1) * sizeof(*v));
	if (!v)
		return errmsg(msg, len, "out of memory");
	c->ifnames = v;
	strcpy(c->ifnames[c->n_ifnames++], name);
	return 0;
}

static int parse_bool(const char *s, bool *out)
{
	if (!strcasecmp(s, "yes") || !strcasecmp(s, "on") ||
	    !strcasecmp(s, "true") || !strcmp(s, "1"))
		*out = true;
	else if (!strcasecmp(s, "no") || !strcasecmp(s, "off") ||
		 !strcasecmp(s, "false") || !strcmp(s, "0"))
		*out = false;
	else
		return -1;
	return 0;
}

/* The numeric settings: where each goes, its kind and its range. */
enum setting_kind { S_DURATION, S_NUMBER };

struct setting {
	const char *key;
	enum setting_kind kind;
	size_t offset;		/* of a uint32_t in struct igmpd_config */
	unsigned long min, max;
	size_t set_flag;	/* of a bool marking it explicit, or 0 */
};

#define CFG(field)	offsetof(struct igmpd_config, field)

static const struct setting settings[] = {
	{ "query-interval", S_DURATION, CFG(params.query_interval), 0, 0, 0 },
	{ "query-response-interval", S_DURATION, CFG(params.query_response), 0, 0, 0 },
	{ "last-member-query-interval", S_DURATION, CFG(params.lmq_interval), 0, 0, 0 },
	{ "startup-query-interval", S_DURATION, CFG(params.startup_interval), 0, 0,
	  CFG(startup_interval_set) },
	{ "robustness", S_NUMBER, CFG(params.robustness), 1, 7, 0 },
	{ "last-member-query-count", S_NUMBER, CFG(params.lmq_count), 1, 255,
	  CFG(lmq_count_set) },
	{ "startup-query-count", S_NUMBER, CFG(params.startup_count), 1, 255,
	  CFG(startup_count_set) },
	{ "igmp-version", S_NUMBER, CFG(params.version), 2, 3, 0 },
	{ "max-groups", S_NUMBER, CFG(max_groups), 1, 1u << 24, 0 },
	{ "max-sources", S_NUMBER, CFG(max_sources), 1, 65535, 0 },
	{ "component", S_NUMBER, CFG(component), 0, UINT32_MAX, 0 },
};

_Static_assert(sizeof(unsigned int) == sizeof(uint32_t),
	       "unsigned int settings are written as uint32_t");

static int set_numeric(struct igmpd_config *c, const struct setting *st,
		       const char *value, char *msg, size_t len)
{
	uint32_t v;

	if (st->kind == S_DURATION) {
		if (parse_duration(value, &v))
			return errmsg(msg, len, "%s: bad duration \"%s\"",
				      st->key, value);
	} else if (parse_uint(value, st->min, st->max, &v)) {
		return errmsg(msg, len, "%s: \"%s\" is not a number from %lu to %lu",
			      st->key, value, st->min, st->max);
	}
	memcpy((char *)c + st->offset, &v, sizeof(v));
	if (st->set_flag)
		*(bool *)((char *)c + st->set_flag) = true;
	return 0;
}

int config_set(struct igmpd_config *c, const char *key, const char *value,
	       char *msg, size_t len)
{
	size_t i;
	int l;

	if (!strcmp(key, "interface"))
		return add_interface(c, value, msg, len);
	for (i = 0; i < ARRAY_SIZE(settings); i++)
		if (!strcmp(key, settings[i].key))
			return set_numeric(c, &settings[i], value, msg, len);
	if (!strcmp(key, "log-level") || !strcmp(key, "member-log-level")) {
		l = log_level_parse(value);
		if (l < 0)
			return errmsg(msg, len, "%s: unknown level \"%s\"", key, value);
		if (key[0] == 'l')
			c->log_level = l;
		else
			c->member_log_level = l;
		return 0;
	}
	if (!strcmp(key, "control")) {
		if (!*value || strlen(value) >= sizeof(c->ctl_path))
			return errmsg(msg, len, "control: bad path \"%s\"", value);
		strcpy(c->ctl_path, value);
		return 0;
	}
	if (!strcmp(key, "forward")) {
		if (parse_bool(value, &c->forward))
			return errmsg(msg, len, "forward: \"%s\" is not yes or no", value);
		return 0;
	}
	if (!strcmp(key, "router-alert")) {
		if (!strcmp(value, "required"))
			c->require_ra = true;
		else if (!strcmp(value, "optional"))
			c->require_ra = false;
		else
			return errmsg(msg, len,
				      "router-alert: \"%s\" is not required or optional",
				      value);
		return 0;
	}
	return errmsg(msg, len, "unknown setting \"%s\"", key);
}

int config_read_file(struct igmpd_config *c, const char *path, FILE *err)
{
	char line[512], msg[256];
	unsigned int lineno = 0;
	FILE *f = fopen(path, "re");

	if (!f) {
		fprintf(err, IGMPD_NAME ": %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *key, *value, *end;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			fprintf(err, IGMPD_NAME ": %s:%u: line too long\n", path, lineno);
			goto fail;
		}
		line[strcspn(line, "#\r\n")] = 0;
		key = line + strspn(line, " \t");
		if (!*key)
			continue;
		value = key + strcspn(key, " \t");
		if (*value)
			*value++ = 0;
		value += strspn(value, " \t");
		end = value + strlen(value);
		while (end > value && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = 0;
		if (!*value) {
			fprintf(err, IGMPD_NAME ": %s:%u: \"%s\" needs a value\n",
				path, lineno, key);
			goto fail;
		}
		if (config_set(c, key, value, msg, sizeof(msg))) {
			fprintf(err, IGMPD_NAME ": %s:%u: %s\n", path, lineno, msg);
			goto fail;
		}
	}
	if (ferror(f)) {
		fprintf(err, IGMPD_NAME ": %s: read error\n", path);
		goto fail;
	}
	fclose(f);
	return 0;
fail:
	fclose(f);
	return -1;
}

int config_finish(struct igmpd_config *c, char *msg, size_t len)
{
	struct igmp_params *p = &c->params;

	if (!c->lmq_count_set)
		p->lmq_count = p->robustness;
	if (!c->startup_count_set)
		p->startup_count = p->robustness;
	if (!c->startup_interval_set)
		p->startup_interval = p->query_interval / 4;
	/* What the 8-bit codes of a query can carry (§4.1.1, §4.1.7). */
	if (p->query_interval < 1000 || p->query_interval > 31744000u)
		return errmsg(msg, len, "query-interval must be 1s to 31744s");
	if (p->query_response < 100 || p->query_response > 3174400u)
		return errmsg(msg, len, "query-response-interval must be 100ms to 3174.4s");
	if (p->query_response >= p->query_interval)
		return errmsg(msg, len,
			      "query-response-interval must be less than query-interval");
	if (p->lmq_interval < 100 || p->lmq_interval > 3174400u)
		return errmsg(msg, len, "last-member-query-interval must be 100ms to 3174.4s");
	if (p->version == 2 && (p->query_response > 25500 ||
				p->lmq_interval > 25500))
		return errmsg(msg, len, "IGMPv2 queries carry response times up to 25.5s");
	if (p->startup_interval < 100)
		return errmsg(msg, len, "startup-query-interval must be at least 100ms");
	return 0;
}

int config_parse_args(struct igmpd_config *c, int argc, char **argv,
		      FILE *out, FILE *err)
{
	enum {
		O_STARTUP_INTERVAL = 256, O_STARTUP_COUNT, O_MAX_GROUPS,
		O_MAX_SOURCES, O_COMPONENT, O_FORWARD, O_ROUTER_ALERT,
	};
	static const struct option longopts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "config", required_argument, NULL, 'f' },
		{ "stats", no_argument, NULL, 's' },
		{ "groups", no_argument, NULL, 'G' },
		{ "json", no_argument, NULL, 'j' },
		{ "control", required_argument, NULL, 'c' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "member-log-level", required_argument, NULL, 'm' },
		{ "igmp-version", required_argument, NULL, 'V' },
		{ "robustness", required_argument, NULL, 'r' },
		{ "query-interval", required_argument, NULL, 'q' },
		{ "query-response-interval", required_argument, NULL, 'R' },
		{ "last-member-query-interval", required_argument, NULL, 'L' },
		{ "last-member-query-count", required_argument, NULL, 'n' },
		{ "startup-query-interval", required_argument, NULL, O_STARTUP_INTERVAL },
		{ "startup-query-count", required_argument, NULL, O_STARTUP_COUNT },
		{ "max-groups", required_argument, NULL, O_MAX_GROUPS },
		{ "max-sources", required_argument, NULL, O_MAX_SOURCES },
		{ "component", required_argument, NULL, O_COMPONENT },
		{ "forward", no_argument, NULL, O_FORWARD },
		{ "router-alert", required_argument, NULL, O_ROUTER_ALERT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	char msg[256];
	int opt, idx;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":i:f:sGjc:l:m:V:r:q:R:L:n:hv",
				  longopts, &idx)) != -1) {
		const char *key = NULL, *value = optarg;
		const struct option *o;

		switch (opt) {
		case 'h':
			fputs(usage_text, out);
			return 1;
		case 'v':
			fputs(IGMPD_NAME " " IGMPD_VERSION "\n", out);
			return 1;
		case 's':
		case 'G':
			if (c->client && c->client != opt) {
				fputs(IGMPD_NAME ": -s and -G do not go together\n", err);
				return -1;
			}
			c->client = opt;
			continue;
		case 'j':
			c->json = true;
			continue;
		case 'f':
			if (config_read_file(c, optarg, err))
				return -1;
			continue;
		case O_FORWARD:
			key = "forward";
			value = "yes";
			break;
		case ':':
			fprintf(err, IGMPD_NAME ": %s needs a value\n",
				argv[optind - 1]);
			return -1;
		case '?':
			fprintf(err, IGMPD_NAME ": unknown option %s\n%s",
				argv[optind - 1], usage_text);
			return -1;
		default:
			for (o = longopts; o->name; o++)
				if (o->val == opt)
					key = o->name;
			break;
		}
		if (!key || config_set(c, key, value, msg, sizeof(msg))) {
			fprintf(err, IGMPD_NAME ": %s\n", key ? msg : "bad option");
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(err, IGMPD_NAME ": unexpected argument \"%s\"\n", argv[optind]);
		return -1;
	}
	if (config_finish(c, msg, sizeof(msg))) {
		fprintf(err, IGMPD_NAME ": %s\n", msg);
		return -1;
	}
	if (c->client && c->n_ifnames) {
		fputs(IGMPD_NAME ": -s and -G talk to a running daemon: no -i\n", err);
		return -1;
	}
	if (!c->client && !c->n_ifnames) {
		fputs(IGMPD_NAME ": no interface to serve (-i IFNAME)\n", err);
		return -1;
	}
	return 0;
}
