// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side: mgmctl's parsing of addresses and memberships, and its JSON
 * writer (escaping, nesting, pretty form). No kernel needed.
 */
#include <arpa/inet.h>
#include <stdlib.h>
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
}

TEST_HARNESS_MAIN
