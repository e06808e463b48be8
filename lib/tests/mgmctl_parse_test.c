// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host-side: mgmctl's grammar (mgmctl_parse(): options, objects, keyword
 * abbreviations, every usage error with its exact message and exit code,
 * static -b files), its parsing of addresses and memberships, and the JSON
 * writer all mgm programs share (escaping, nesting, pretty form). Parsing
 * opens no device, so none of this needs a kernel: a command that parses
 * is not run.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "../../tools/mgmctl/mgmctl.h"

static bool parse(const char *line, struct static_member *m, int *used,
		  char *err)
{
	static char buf[256];
	char *tok[32], *p, *save;
	int n = 0;

	strcpy(buf, line);
	for (p = strtok_r(buf, " ", &save); p; p = strtok_r(NULL, " ", &save))
		tok[n++] = p;
	return parse_membership(tok, n, used, m, err, 128);
}

TEST(addresses)
{
	DWORD a;
	bool wild;

	EXPECT_TRUE(parse_addr("232.1.2.3", false, &a, &wild));
	EXPECT_EQ(htonl(0xe8010203), a);
	EXPECT_FALSE(wild);
	EXPECT_TRUE(parse_addr("*", true, &a, &wild));
	EXPECT_EQ(0u, a);
	EXPECT_TRUE(wild);
	EXPECT_FALSE(parse_addr("*", false, &a, NULL));
	EXPECT_FALSE(parse_addr("1.2.3", true, &a, NULL));
	EXPECT_FALSE(parse_addr("1.2.3.4.5", true, &a, NULL));
	EXPECT_FALSE(parse_addr("", true, &a, NULL));
}

TEST(numbers)
{
	DWORD v;

	EXPECT_TRUE(parse_u32("10006", &v));
	EXPECT_EQ(10006u, v);
	EXPECT_TRUE(parse_u32("0x10", &v));
	EXPECT_EQ(16u, v);
	EXPECT_TRUE(parse_u32("4294967295", &v));
	EXPECT_FALSE(parse_u32("4294967296", &v));
	EXPECT_FALSE(parse_u32("-1", &v));
	EXPECT_FALSE(parse_u32("12x", &v));
	EXPECT_FALSE(parse_u32("", &v));
}

TEST(membership_forms)
{
	struct static_member m;
	char err[128];
	int used;

	ASSERT_TRUE(parse("join dev eth0 group 232.1.1.1 source 10.0.0.1", &m, &used, err));
	EXPECT_EQ(7, used);
	EXPECT_STREQ("eth0", m.dev);
	EXPECT_EQ(htonl(0xe8010101), m.group);
	EXPECT_EQ(0xffffffffu, m.group_mask);
	EXPECT_EQ(htonl(0x0a000001), m.source);
	EXPECT_EQ(0xffffffffu, m.source_mask);
	EXPECT_EQ(MGM_JOIN_STATE_FLAG, m.flags);
	EXPECT_EQ(0u, m.nexthop);

	/* Any order, "join" optional, wildcards, forward, next hop. */
	ASSERT_TRUE(parse("forward group * via 10.1.1.1 dev d1", &m, &used, err));
	EXPECT_EQ(7, used);
	EXPECT_EQ(0u, m.group);
	EXPECT_EQ(0u, m.group_mask);
	EXPECT_EQ(0u, m.source_mask);
	EXPECT_EQ(htonl(0x0a010101), m.nexthop);
	EXPECT_EQ(MGM_JOIN_STATE_FLAG | MGM_FORWARD_STATE_FLAG, m.flags);

	/* Stops before the next membership. */
	ASSERT_TRUE(parse("join dev a group 239.1.1.1 join dev b group 239.1.1.2", &m, &used, err));
	EXPECT_EQ(5, used);
	EXPECT_STREQ("a", m.dev);
}

TEST(membership_errors)
{
	static const struct { const char *in, *err; } cases[] = {
		{ "dev eth0", "membership without \"group G\"" },
		{ "group 232.1.1.1", "membership without \"dev IFNAME\"" },
		{ "dev eth0 group", "\"group\" needs a value" },
		{ "dev eth0 group 232.1.1.1 colour red", "unknown keyword \"colour\"" },
		{ "dev eth0 group 232.1.1", "bad group \"232.1.1\"" },
		{ "dev eth0 group 232.1.1.1 source x", "bad source \"x\"" },
		{ "dev eth0 group 232.1.1.1 via *", "bad next hop \"*\"" },
		{ "dev abcdefghijklmnop group 232.1.1.1", "bad interface name \"abcdefghijklmnop\"" },
		/* What the kernel would refuse, caught before any call. */
		{ "dev lo group 10.0.0.1", "bad group \"10.0.0.1\": not a multicast address (224.0.0.0/4)" },
		{ "dev lo group 240.0.0.1", "bad group \"240.0.0.1\": not a multicast address (224.0.0.0/4)" },
		{ "dev lo group 232.1.1.1 source 224.0.0.1", "bad source \"224.0.0.1\": not a unicast address" },
		{ "dev lo group 232.1.1.1 source 255.255.255.255", "bad source \"255.255.255.255\": not a unicast address" },
		{ "dev lo group 232.1.1.1 source 0.0.0.0", "bad source \"0.0.0.0\": not a unicast address" },
		{ "dev lo group * source 10.0.0.1", "group * takes no source: (S,*) is not a membership" },
		{ "dev lo group 232.1.1.1 group 232.1.1.2", "\"group\" given twice" },
		{ "dev lo d lo group 232.1.1.1", "\"dev\" given twice" },
		{ "dev lo group 232.1.1.1 forward f", "\"forward\" given twice" },
		/* Keywords by their first letter are fine only when unambiguous. */
		{ "dev lo gx 232.1.1.1", "unknown keyword \"gx\"" },
	};
	struct static_member m;
	char err[128];
	unsigned int i;
	int used;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		EXPECT_FALSE(parse(cases[i].in, &m, &used, err)) TH_LOG("%s", cases[i].in);
		EXPECT_STREQ(cases[i].err, err);
	}
}

TEST(membership_abbreviations)
{
	struct static_member m;
	char err[128];
	int used;

	ASSERT_TRUE(parse("j d eth0 g 232.1.1.1 s 10.0.0.1 v 10.1.1.1 f", &m, &used, err)) TH_LOG("%s", err);
	EXPECT_EQ(10, used);
	EXPECT_STREQ("eth0", m.dev);
	EXPECT_EQ(htonl(0xe8010101), m.group);
	EXPECT_EQ(htonl(0x0a000001), m.source);
	EXPECT_EQ(htonl(0x0a010101), m.nexthop);
	EXPECT_EQ(MGM_JOIN_STATE_FLAG | MGM_FORWARD_STATE_FLAG, m.flags);
}

TEST(keyword_matching)
{
	static const struct mgmctl_kw kw[] = {
		{ "show", 0 }, { "source", 0 }, { "stats", 0 }, { "static", 0 },
		{ "membership", 0 }, { "monitor", 2 },
	};

	EXPECT_EQ(0, kw_match("show", kw, 6));
	EXPECT_EQ(0, kw_match("sh", kw, 6));
	EXPECT_EQ(1, kw_match("so", kw, 6));
	EXPECT_EQ(2, kw_match("stats", kw, 6));
	EXPECT_EQ(3, kw_match("stati", kw, 6));
	EXPECT_EQ(-2, kw_match("s", kw, 6));
	EXPECT_EQ(-2, kw_match("stat", kw, 6));
	/* "m" is membership: monitor's shortest abbreviation is "mo". */
	EXPECT_EQ(4, kw_match("m", kw, 6));
	EXPECT_EQ(5, kw_match("mo", kw, 6));
	EXPECT_EQ(-1, kw_match("showx", kw, 6));
	EXPECT_EQ(-1, kw_match("x", kw, 6));
	EXPECT_EQ(-1, kw_match("", kw, 6));
}

/* --- mgmctl_parse(): a command line, its exit code and its stderr ---------- */
struct parsed {
	int rc;
	char err[512];
	struct mgmctl_cmd cmd;
};

/* Split @line at spaces (no quoting: '*' is a word) and parse it. */
static void parse_line(const char *line, struct parsed *p)
{
	char buf[1024], *argv[64], *t, *save;
	FILE *tmp = tmpfile();
	int argc = 0, saved = dup(2);
	size_t n;

	snprintf(buf, sizeof(buf), "mgmctl %s", line);
	for (t = strtok_r(buf, " ", &save); t && argc < 63; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	argv[argc] = NULL;
	fflush(stderr);
	dup2(fileno(tmp), 2);
	p->rc = mgmctl_parse(argc, argv, &p->cmd);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(p->err, 1, sizeof(p->err) - 1, tmp);
	p->err[n] = 0;
	fclose(tmp);
}

static const struct {
	const char *args;
	const char *err;
} usage_cases[] = {
	/* Bad inputs of each kind, and the rest of the grammar's rules. */
	{ "", "mgmctl: no object given (try \"mgmctl help\")\n" },
	{ "bogus", "mgmctl: unknown object \"bogus\"\n" },
	{ "monitor bogus", "mgmctl: monitor: unknown argument \"bogus\"\n" },
	{ "mo show", "mgmctl: monitor: unknown argument \"show\"\n" },
	{ "s", "mgmctl: ambiguous object \"s\": stats, static\n" },
	{ "st", "mgmctl: ambiguous object \"st\": stats, static\n" },
	{ "x", "mgmctl: unknown object \"x\"\n" },
	{ "-x group", "mgmctl: unknown option \"-x\"\n" },
	{ "--bogus group", "mgmctl: unknown option \"--bogus\"\n" },
	{ "-p group", "mgmctl: -p needs -j\n" },
	{ "group show -p", "mgmctl: -p needs -j\n" },
	{ "group bogus", "mgmctl: group show: unknown keyword \"bogus\"\n" },
	{ "group show -x", "mgmctl: group show: unknown keyword \"-x\"\n" },
	{ "group show a", "mgmctl: group show: ambiguous keyword \"a\": any, all\n" },
	{ "group show group", "mgmctl: group show: \"group\" needs a value\n" },
	{ "group show group 1.2.3", "mgmctl: group show: bad group \"1.2.3\"\n" },
	{ "group show group 10.0.0.1", "mgmctl: group show: bad group \"10.0.0.1\": not a multicast address (224.0.0.0/4)\n" },
	{ "group show source 224.0.0.1", "mgmctl: group show: bad source \"224.0.0.1\": not a unicast address\n" },
	{ "group show group 232.1.1.1 g 232.1.1.2", "mgmctl: group show: \"group\" given twice\n" },
	{ "group show any source 10.0.0.1", "mgmctl: group show any lists groups: \"source\" does not apply\n" },
	{ "show any source 10.0.0.1", "mgmctl: group show any lists groups: \"source\" does not apply\n" },
	{ "show bogus", "mgmctl: group show: unknown keyword \"bogus\"\n" },
	{ "interface show group 232.1.1.1", "mgmctl: interface show: unknown keyword \"group\"\n" },
	{ "interface show dev abcdefghijklmnop", "mgmctl: interface show: bad interface name \"abcdefghijklmnop\"\n" },
	{ "membership show proto bogus", "mgmctl: membership show: bad protocol \"bogus\": neither a known name nor a number\n" },
	{ "m s via 10.0.0.1", "mgmctl: membership show: unknown keyword \"via\"\n" },
	{ "m s d", "mgmctl: membership show: \"dev\" needs a value\n" },
	{ "m s p 1 p 2", "mgmctl: membership show: \"proto\" given twice\n" },
	{ "protocol show now", "mgmctl: protocol show: unknown argument \"now\"\n" },
	{ "stats now", "mgmctl: stats: unknown argument \"now\"\n" },
	{ "help bogus", "mgmctl: unknown object \"bogus\"\n" },
	{ "help group now", "mgmctl: help: unknown argument \"now\"\n" },
	{ "static", "mgmctl: static: no membership given\n" },
	{ "-j static join dev mc1 group 232.1.1.1", "mgmctl: static: -j does not apply\n" },
	{ "static join dev mc1", "mgmctl: static: membership without \"group G\"\n" },
	{ "static join group 232.1.1.1", "mgmctl: static: membership without \"dev IFNAME\"\n" },
	{ "static join dev mc1 group 232.1.1.1 color red", "mgmctl: static: unknown keyword \"color\"\n" },
	{ "static join dev mc1 group x", "mgmctl: static: bad group \"x\"\n" },
	{ "static join dev lo group 10.0.0.1", "mgmctl: static: bad group \"10.0.0.1\": not a multicast address (224.0.0.0/4)\n" },
	{ "static join dev lo group * source 10.0.0.1", "mgmctl: static: group * takes no source: (S,*) is not a membership\n" },
	{ "static protocol -1 join dev mc1 group 232.1.1.1", "mgmctl: static: bad protocol \"-1\"\n" },
	{ "static protocol bogus join dev mc1 group 232.1.1.1", "mgmctl: static: bad protocol \"bogus\"\n" },
	{ "static component igmp join dev mc1 group 232.1.1.1", "mgmctl: static: bad component \"igmp\"\n" },
	{ "static protocol", "mgmctl: static: \"protocol\" needs a value\n" },
	{ "static bogus", "mgmctl: static: unknown keyword \"bogus\"\n" },
};

TEST(usage_errors)
{
	unsigned int i;

	for (i = 0; i < sizeof(usage_cases) / sizeof(usage_cases[0]); i++) {
		struct parsed p;

		parse_line(usage_cases[i].args, &p);
		EXPECT_EQ(EXIT_USAGE, p.rc) TH_LOG("mgmctl %s", usage_cases[i].args);
		EXPECT_STREQ(usage_cases[i].err, p.err) TH_LOG("mgmctl %s", usage_cases[i].args);
		mgmctl_cmd_free(&p.cmd);
	}
}

/* What a command line parses into, for the ones that are valid. */
TEST(valid_commands)
{
	struct parsed p, q;

	parse_line("--help", &p);
	ASSERT_EQ(EXIT_OK, p.rc);
	EXPECT_STREQ("", p.err);
	ASSERT_NE(NULL, p.cmd.help);
	EXPECT_EQ(0, strncmp(p.cmd.help, "usage: mgmctl [OPTIONS] OBJECT [COMMAND [ARGS]]\n", 48));
	EXPECT_NE(NULL, strstr(p.cmd.help, "group [show]"));
	EXPECT_NE(NULL, strstr(p.cmd.help, "static [-b FILE]"));
	parse_line("-h", &q);
	EXPECT_STREQ(p.cmd.help, q.cmd.help);
	mgmctl_cmd_free(&q.cmd);
	parse_line("help", &q);
	EXPECT_STREQ(p.cmd.help, q.cmd.help);
	mgmctl_cmd_free(&q.cmd);
	mgmctl_cmd_free(&p.cmd);

	parse_line("-V", &p);
	EXPECT_EQ(EXIT_OK, p.rc);
	EXPECT_STREQ("mgmctl " MGM_VERSION "\n", p.cmd.help);
	mgmctl_cmd_free(&p.cmd);
	parse_line("--version", &p);
	EXPECT_STREQ("mgmctl " MGM_VERSION "\n", p.cmd.help);
	mgmctl_cmd_free(&p.cmd);

	/* monitor, and "m" still naming membership. */
	parse_line("-j monitor", &p);
	EXPECT_EQ(EXIT_OK, p.rc);
	EXPECT_STREQ("", p.err);
	EXPECT_TRUE(p.cmd.opts.json);
	parse_line("mo", &q);
	EXPECT_EQ(EXIT_OK, q.rc);
	EXPECT_TRUE(p.cmd.run == q.cmd.run);
	mgmctl_cmd_free(&q.cmd);
	parse_line("m", &q);
	EXPECT_EQ(EXIT_OK, q.rc);
	EXPECT_TRUE(p.cmd.run != q.cmd.run);
	mgmctl_cmd_free(&q.cmd);
	mgmctl_cmd_free(&p.cmd);
	parse_line("monitor help", &p);
	EXPECT_EQ(EXIT_OK, p.rc);
	EXPECT_EQ(0, strncmp("usage: mgmctl [OPTIONS] OBJECT [COMMAND [ARGS]]\n"
			     "       mgmctl [OPTIONS] monitor\nMEMBERSHIP := ",
			     p.cmd.help, 90));
	mgmctl_cmd_free(&p.cmd);

	/* An object's help: its own line only. */
	parse_line("group help", &p);
	EXPECT_EQ(EXIT_OK, p.rc);
	EXPECT_NE(NULL, strstr(p.cmd.help, "group [show]"));
	EXPECT_EQ(NULL, strstr(p.cmd.help, "static [-b FILE]"));
	parse_line("help g", &q);
	EXPECT_STREQ(p.cmd.help, q.cmd.help);
	mgmctl_cmd_free(&q.cmd);
	parse_line("g -h", &q);
	EXPECT_STREQ(p.cmd.help, q.cmd.help);
	mgmctl_cmd_free(&q.cmd);
	mgmctl_cmd_free(&p.cmd);

	/* The old spellings, options after the object, abbreviations. */
	parse_line("show", &p);
	EXPECT_EQ(EXIT_OK, p.rc);
	EXPECT_STREQ("", p.err);
	EXPECT_EQ((int)ALL_SOURCES, (int)p.cmd.type);
	EXPECT_FALSE(p.cmd.opts.json);
	mgmctl_cmd_free(&p.cmd);
	parse_line("sh -j", &p);
	EXPECT_EQ(EXIT_OK, p.rc);
	EXPECT_TRUE(p.cmd.opts.json);
	mgmctl_cmd_free(&p.cmd);
	parse_line("show any", &p);
	EXPECT_EQ(EXIT_OK, p.rc);
	EXPECT_EQ((int)ANY_SOURCE, (int)p.cmd.type);
	mgmctl_cmd_free(&p.cmd);
	parse_line("show -j -p group 232.1.1.1", &p);
	EXPECT_EQ(EXIT_OK, p.rc);
	EXPECT_TRUE(p.cmd.opts.json);
	EXPECT_TRUE(p.cmd.opts.pretty);
	EXPECT_TRUE(p.cmd.filter.group_set);
	EXPECT_EQ(htonl(0xe8010101), p.cmd.filter.group);
	mgmctl_cmd_free(&p.cmd);
	parse_line("--json --pretty g ls an gr *", &p);
	EXPECT_EQ(EXIT_OK, p.rc) TH_LOG("%s", p.err);
	EXPECT_EQ((int)ANY_SOURCE, (int)p.cmd.type);
	EXPECT_TRUE(p.cmd.filter.group_set);
	EXPECT_EQ(0u, p.cmd.filter.group);
	mgmctl_cmd_free(&p.cmd);
	parse_line("stats", &p);
	EXPECT_EQ(EXIT_OK, p.rc);
	mgmctl_cmd_free(&p.cmd);
	parse_line("stats show", &p);
	EXPECT_EQ(EXIT_OK, p.rc);
	mgmctl_cmd_free(&p.cmd);
	parse_line("i s d eth0", &p);
	EXPECT_EQ(EXIT_OK, p.rc);
	EXPECT_TRUE(p.cmd.filter.dev_set);
	EXPECT_STREQ("eth0", p.cmd.filter.dev);
	mgmctl_cmd_free(&p.cmd);
	parse_line("m s d eth0 g 232.1.1.1 s 10.0.0.1 p igmp", &p);
	EXPECT_EQ(EXIT_OK, p.rc) TH_LOG("%s", p.err);
	EXPECT_TRUE(p.cmd.filter.dev_set && p.cmd.filter.group_set &&
		    p.cmd.filter.source_set && p.cmd.filter.proto_set);
	EXPECT_EQ(10u, p.cmd.filter.proto);
	EXPECT_EQ(htonl(0x0a000001), p.cmd.filter.source);
	mgmctl_cmd_free(&p.cmd);
	parse_line("membership proto 10006", &p);
	EXPECT_EQ(EXIT_OK, p.rc);
	EXPECT_EQ(10006u, p.cmd.filter.proto);
	mgmctl_cmd_free(&p.cmd);
	parse_line("p", &p);
	EXPECT_EQ(EXIT_OK, p.rc);
	EXPECT_NE(NULL, (void *)p.cmd.run);
	mgmctl_cmd_free(&p.cmd);

	parse_line("static protocol igmp component 7 join dev lo group 232.1.1.1 join dev lo group *", &p);
	EXPECT_EQ(EXIT_OK, p.rc) TH_LOG("%s", p.err);
	EXPECT_EQ(10u, p.cmd.proto);
	EXPECT_EQ(7u, p.cmd.comp);
	ASSERT_EQ(2u, p.cmd.set.n);
	EXPECT_STREQ("argument 5", p.cmd.set.m[0].where);
	EXPECT_EQ(0u, p.cmd.set.m[1].group_mask);
	mgmctl_cmd_free(&p.cmd);
	parse_line("static join dev lo group 232.1.1.1", &p);
	EXPECT_EQ(10006u, p.cmd.proto);
	EXPECT_EQ((DWORD)getpid(), p.cmd.comp);
	mgmctl_cmd_free(&p.cmd);
}

/* static -b FILE: lines of any length, messages naming the right line. */
TEST(static_file_lines)
{
	char path[] = "/tmp/mgmctl_parse_test.XXXXXX", args[128], want[256];
	struct parsed p;
	FILE *f;
	int fd = mkstemp(path), i;

	ASSERT_LE(0, fd);
	f = fdopen(fd, "w");
	ASSERT_NE(NULL, f);
	fputs("# a comment\n\n", f);
	/* Line 3: 5000 spaces between two words of one membership. */
	fputs("dev lo", f);
	for (i = 0; i < 5000; i++)
		fputc(' ', f);
	fputs("group 232.1.1.1\n", f);
	/* Line 4: a 3000-byte comment after a membership. */
	fputs("dev lo group 232.1.1.2 # ", f);
	for (i = 0; i < 3000; i++)
		fputc('x', f);
	fputs("\n", f);
	fclose(f);
	snprintf(args, sizeof(args), "static -b %s", path);
	parse_line(args, &p);
	EXPECT_EQ(EXIT_OK, p.rc) TH_LOG("%s", p.err);
	ASSERT_EQ(2u, p.cmd.set.n);
	EXPECT_EQ(htonl(0xe8010101), p.cmd.set.m[0].group);
	EXPECT_EQ(htonl(0xe8010102), p.cmd.set.m[1].group);
	snprintf(want, sizeof(want), "%.40s:4", path);
	EXPECT_STREQ(want, p.cmd.set.m[1].where);
	mgmctl_cmd_free(&p.cmd);

	/* Line 5 is bad: the message names line 5, not a piece of line 3. */
	f = fopen(path, "a");
	ASSERT_NE(NULL, f);
	fputs("dev lo group 232.1.1.3 source 1.2.3.4.5\n", f);
	fclose(f);
	parse_line(args, &p);
	EXPECT_EQ(EXIT_USAGE, p.rc);
	snprintf(want, sizeof(want), "mgmctl: %s:5: bad source \"1.2.3.4.5\"\n", path);
	EXPECT_STREQ(want, p.err);
	mgmctl_cmd_free(&p.cmd);

	/* Two memberships on one line. */
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fputs("dev lo group 232.1.1.1 join dev lo group 232.1.1.2\n", f);
	fclose(f);
	parse_line(args, &p);
	EXPECT_EQ(EXIT_USAGE, p.rc);
	snprintf(want, sizeof(want), "mgmctl: %s:1: one membership per line\n", path);
	EXPECT_STREQ(want, p.err);
	mgmctl_cmd_free(&p.cmd);

	unlink(path);
	parse_line(args, &p);
	EXPECT_EQ(EXIT_RUNTIME, p.rc);
	snprintf(want, sizeof(want), "mgmctl: %s: cannot open: No such file or directory\n", path);
	EXPECT_STREQ(want, p.err);
	mgmctl_cmd_free(&p.cmd);
}

static char *json_of(bool pretty, void (*fn)(struct json *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json j;

	json_init(&j, f, pretty);
	fn(&j);
	fclose(f);
	return buf;
}

static void empty_array(struct json *j)
{
	json_open(j, '[');
	json_close(j, ']');
}

static void two_objects(struct json *j)
{
	json_open(j, '[');
	json_open(j, '{');
	json_key_str(j, "a", "x\"y\\z\n");
	json_key_u64(j, "n", 18446744073709551615ull);
	json_close(j, '}');
	json_open(j, '{');
	json_close(j, '}');
	json_close(j, ']');
}

/* mgm-igmpd's shapes: nested objects and arrays, booleans, odd bytes. */
static void nested(struct json *j)
{
	json_open(j, '{');
	json_key_str(j, "name", "e\x01\x7f\xc3\xa9");
	json_key_bool(j, "querier", true);
	json_key_bool(j, "off", false);
	json_key_open(j, "counters", '{');
	json_key_u64(j, "joins", 3);
	json_close(j, '}');
	json_key_open(j, "list", '[');
	json_str(j, "a");
	json_open(j, '{');
	json_close(j, '}');
	json_close(j, ']');
	json_key_open(j, "none", '[');
	json_close(j, ']');
	json_close(j, '}');
}

TEST(json_writer)
{
	char *s;

	s = json_of(false, empty_array);
	EXPECT_STREQ("[]\n", s);
	free(s);
	s = json_of(true, empty_array);
	EXPECT_STREQ("[]\n", s);
	free(s);
	s = json_of(false, two_objects);
	EXPECT_STREQ("[{\"a\":\"x\\\"y\\\\z\\u000a\",\"n\":18446744073709551615},{}]\n", s);
	free(s);
	s = json_of(true, two_objects);
	EXPECT_STREQ("[\n  {\n    \"a\": \"x\\\"y\\\\z\\u000a\",\n    \"n\": 18446744073709551615\n  },\n  {}\n]\n", s);
	free(s);
	s = json_of(false, nested);
	EXPECT_STREQ("{\"name\":\"e\\u0001\\u007f\\u00c3\\u00a9\",\"querier\":true,\"off\":false,"
		     "\"counters\":{\"joins\":3},\"list\":[\"a\",{}],\"none\":[]}\n", s);
	free(s);
	s = json_of(true, nested);
	EXPECT_STREQ("{\n  \"name\": \"e\\u0001\\u007f\\u00c3\\u00a9\",\n  \"querier\": true,\n"
		     "  \"off\": false,\n  \"counters\": {\n    \"joins\": 3\n  },\n"
		     "  \"list\": [\n    \"a\",\n    {}\n  ],\n  \"none\": []\n}\n", s);
	free(s);
}

TEST_HARNESS_MAIN
