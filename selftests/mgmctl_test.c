// SPDX-License-Identifier: GPL-2.0
/*
 * mgmctl (tools/mgmctl, in the guest's /usr/bin): its text and JSON output
 * parsed back and compared with the table read through the raw ioctl ABI,
 * the static mode's lifetime, exit codes and one-line error messages.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>
#include "kselftest_harness.h"
#include "helpers.h"

#define G1	ip4(232, 1, 1, 1)
#define G2	ip4(239, 2, 2, 2)
#define S1	ip4(10, 0, 0, 1)
#define OUT	"/tmp/mgmctl_test.out"
#define ERR	"/tmp/mgmctl_test.err"

/* --- running mgmctl --------------------------------------------------------- */
struct result {
	int status;	/* exit status, or 128 + signal */
	char *out;
	char *err;
};

static void result_free(struct result *r)
{
	free(r->out);
	free(r->err);
}

static int status_of(int st)
{
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

/* Run "mgmctl ARGS" through sh; @drop_net_admin drops it from the bounding set. */
static struct result run_mgmctl(bool drop_net_admin, const char *fmt, ...)
{
	struct result r = { .status = -1 };
	char cmd[1024];
	va_list ap;
	pid_t pid;
	int st;

	strcpy(cmd, "mgmctl ");
	va_start(ap, fmt);
	vsnprintf(cmd + 7, sizeof(cmd) - 64, fmt, ap);
	va_end(ap);
	strcat(cmd, " >" OUT " 2>" ERR);
	pid = fork();
	if (pid == 0) {
		if (drop_net_admin && prctl(PR_CAPBSET_DROP, CAP_NET_ADMIN, 0, 0, 0))
			_exit(99);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(98);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return r;
	r.status = status_of(st);
	r.out = read_file(OUT);
	r.err = read_file(ERR);
	return r;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

/* --- a strict little JSON reader for mgmctl's output ------------------------ */
struct jp {
	const char *s;
};

static void jp_ws(struct jp *p)
{
	while (*p->s == ' ' || *p->s == '\n' || *p->s == '\t' || *p->s == '\r')
		p->s++;
}

static bool jp_eat(struct jp *p, char c)
{
	jp_ws(p);
	if (*p->s != c)
		return false;
	p->s++;
	return true;
}

static bool jp_string(struct jp *p, char *out, size_t max)
{
	size_t n = 0;

	if (!jp_eat(p, '"'))
		return false;
	while (*p->s && *p->s != '"') {
		if (*p->s == '\\' || n + 1 >= max)
			return false;	/* mgmctl never needs escapes here */
		out[n++] = *p->s++;
	}
	out[n] = 0;
	return *p->s++ == '"';
}

/* A flat object: string or unsigned number values. */
#define JP_MAX	16
struct jobj {
	int n;
	char key[JP_MAX][32];
	char val[JP_MAX][32];
	bool is_str[JP_MAX];
};

static bool jp_object(struct jp *p, struct jobj *o)
{
	o->n = 0;
	if (!jp_eat(p, '{'))
		return false;
	if (jp_eat(p, '}'))
		return true;
	do {
		size_t k = 0;

		if (o->n == JP_MAX || !jp_string(p, o->key[o->n], 32) ||
		    !jp_eat(p, ':'))
			return false;
		jp_ws(p);
		if (*p->s == '"') {
			if (!jp_string(p, o->val[o->n], 32))
				return false;
			o->is_str[o->n] = true;
		} else {
			while (*p->s >= '0' && *p->s <= '9' && k < 31)
				o->val[o->n][k++] = *p->s++;
			if (!k)
				return false;
			o->val[o->n][k] = 0;
			o->is_str[o->n] = false;
		}
		o->n++;
	} while (jp_eat(p, ','));
	return jp_eat(p, '}');
}

static const char *jobj_get(const struct jobj *o, const char *key, bool str)
{
	int i;

	for (i = 0; i < o->n; i++)
		if (!strcmp(o->key[i], key))
			return o->is_str[i] == str ? o->val[i] : NULL;
	return NULL;
}

static bool parse_ip(const char *s, uint32_t *addr)
{
	struct in_addr a;

	if (!s || inet_pton(AF_INET, s, &a) != 1)
		return false;
	*addr = a.s_addr;
	return true;
}

/*
 * mgmctl -j show: an array of objects with exactly the keys group,
 * group_mask, source, source_mask. Returns the count or -1 if malformed.
 */
static long parse_show_json(const char *text, struct mgm_source_group *recs,
			    long max)
{
	struct jp p = { text };
	struct jobj o;
	long n = 0;

	if (!text || !jp_eat(&p, '['))
		return -1;
	if (!jp_eat(&p, ']')) {
		do {
			struct mgm_source_group r;

			if (n == max || !jp_object(&p, &o) || o.n != 4 ||
			    !parse_ip(jobj_get(&o, "group", true), &r.group) ||
			    !parse_ip(jobj_get(&o, "group_mask", true), &r.group_mask) ||
			    !parse_ip(jobj_get(&o, "source", true), &r.source) ||
			    !parse_ip(jobj_get(&o, "source_mask", true), &r.source_mask))
				return -1;
			recs[n++] = r;
		} while (jp_eat(&p, ','));
		if (!jp_eat(&p, ']'))
			return -1;
	}
	jp_ws(&p);
	return *p.s ? -1 : n;
}

/* mgmctl show (text): a title line, then "GROUP SOURCE" with * for 0. */
static long parse_show_text(const char *text, struct mgm_source_group *recs,
			    long max)
{
	char g[32], s[32], extra[8], one[128];
	const char *line = text;
	long n = 0;
	size_t len;

	if (!text || strncmp(text, "GROUP", 5))
		return -1;
	for (line = strchr(line, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
		struct mgm_source_group r = { 0 };

		len = strcspn(line + 1, "\n");
		if (n == max || len >= sizeof(one))
			return -1;
		memcpy(one, line + 1, len);
		one[len] = 0;
		if (sscanf(one, "%31s %31s %7s", g, s, extra) != 2)
			return -1;
		if (strcmp(g, "*")) {
			if (!parse_ip(g, &r.group))
				return -1;
			r.group_mask = MASK32;
		}
		if (strcmp(s, "*")) {
			if (!parse_ip(s, &r.source))
				return -1;
			r.source_mask = MASK32;
		}
		recs[n++] = r;
	}
	return n;
}

/* --- fixture: a table made through the raw ABI ------------------------------- */
FIXTURE(ctl) {
	int fd;
	uint32_t proto;
	int ifindex;	/* mc0, owned by proto */
	int ifindex2;	/* mc1, free */
	struct mgm_source_group *recs;
};

FIXTURE_SETUP(ctl)
{
	self->fd = mgm_open_dev();
	ASSERT_LE(0, self->fd);
	self->ifindex = make_dummy("mc0");
	ASSERT_LT(0, self->ifindex);
	self->ifindex2 = make_dummy("mc1");
	ASSERT_LT(0, self->ifindex2);
	ASSERT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_PIM, 1, &self->proto));
	ASSERT_EQ(0, mgm_take(self->fd, self->proto, self->ifindex, 0));
	self->recs = calloc(100000, sizeof(*self->recs));
	ASSERT_NE(NULL, self->recs);
}

FIXTURE_TEARDOWN(ctl)
{
	free(self->recs);
	close(self->fd);
	del_link("mc0");
	del_link("mc1");
}

static void add_sample(struct __test_metadata *_metadata, int fd, uint32_t h,
		       int ifindex)
{
	ASSERT_EQ(0, mgm_add(fd, h, ifindex, S1, G1, MGM_JOIN_STATE));
	ASSERT_EQ(0, mgm_add(fd, h, ifindex, 0, G1, MGM_JOIN_STATE));
	ASSERT_EQ(0, mgm_add(fd, h, ifindex, 0, G2, MGM_JOIN_STATE | MGM_FORWARD_STATE));
	ASSERT_EQ(0, mgm_add(fd, h, ifindex, 0, 0, MGM_JOIN_STATE));
	/* Forward state alone: not listed. */
	ASSERT_EQ(0, mgm_add(fd, h, ifindex, S1, G2, MGM_FORWARD_STATE));
}

/* @got equals the table of @type as the raw ABI lists it. */
static bool same_as_table(int fd, uint32_t type, const struct mgm_source_group *got,
			  long n)
{
	struct mgm_source_group *want;
	long count = mgm_enum_all(fd, type, 4096, &want);
	bool same = count == n && (!n || !memcmp(want, got, n * sizeof(*got)));

	if (count >= 0)
		free(want);
	return same;
}

TEST_F(ctl, show_text_matches_the_table)
{
	struct result r;

	add_sample(_metadata, self->fd, self->proto, self->ifindex);
	r = run_mgmctl(false, "show");
	ASSERT_EQ(0, r.status);
	EXPECT_EQ(4, parse_show_text(r.out, self->recs, 100000)) TH_LOG("%s", r.out);
	EXPECT_TRUE(same_as_table(self->fd, MGM_ENUM_ALL_SOURCES, self->recs, 4));
	EXPECT_STREQ("", r.err);
	/* (*,*) first, then by group, (*,G) before (S,G). */
	EXPECT_STREQ("GROUP            SOURCE\n*                *\n232.1.1.1        *\n"
		     "232.1.1.1        10.0.0.1\n239.2.2.2        *\n", r.out);
	result_free(&r);
	r = run_mgmctl(false, "show all");
	EXPECT_EQ(0, r.status);
	EXPECT_EQ(4, parse_show_text(r.out, self->recs, 100000));
	result_free(&r);
}

TEST_F(ctl, show_json_matches_the_table)
{
	struct result r;

	add_sample(_metadata, self->fd, self->proto, self->ifindex);
	r = run_mgmctl(false, "-j show");
	ASSERT_EQ(0, r.status);
	EXPECT_EQ(1, count_lines(r.out));
	EXPECT_EQ(4, parse_show_json(r.out, self->recs, 100000)) TH_LOG("%s", r.out);
	EXPECT_TRUE(same_as_table(self->fd, MGM_ENUM_ALL_SOURCES, self->recs, 4));
	EXPECT_STREQ("", r.err);
	result_free(&r);
	/* Pretty: the same data over several lines. */
	r = run_mgmctl(false, "-j -p show");
	ASSERT_EQ(0, r.status);
	EXPECT_LT(4, count_lines(r.out));
	EXPECT_EQ(4, parse_show_json(r.out, self->recs, 100000)) TH_LOG("%s", r.out);
	EXPECT_TRUE(same_as_table(self->fd, MGM_ENUM_ALL_SOURCES, self->recs, 4));
	result_free(&r);
}

TEST_F(ctl, show_any_lists_groups)
{
	struct result r;

	add_sample(_metadata, self->fd, self->proto, self->ifindex);
	r = run_mgmctl(false, "-j show any");
	ASSERT_EQ(0, r.status);
	EXPECT_EQ(3, parse_show_json(r.out, self->recs, 100000)) TH_LOG("%s", r.out);
	EXPECT_TRUE(same_as_table(self->fd, MGM_ENUM_ANY_SOURCE, self->recs, 3));
	result_free(&r);
	r = run_mgmctl(false, "show any");
	ASSERT_EQ(0, r.status);
	EXPECT_EQ(3, parse_show_text(r.out, self->recs, 100000));
	EXPECT_TRUE(same_as_table(self->fd, MGM_ENUM_ANY_SOURCE, self->recs, 3));
	result_free(&r);
}

/*
 * The spellings scripts of mgmctl 1.0 use still work: "show",
 * "show any" and "stats" print exactly what group show, group show any and
 * stats show print.
 */
TEST_F(ctl, old_spellings_still_work)
{
	static const char *const pairs[][2] = {
		{ "show", "group show" },
		{ "show any", "group show any" },
		{ "-j show", "-j group show" },
		{ "-j show any", "-j group show any" },
		{ "stats", "stats show" },
	};
	struct mgm_stats s;
	struct result old, r;
	char want[1024];
	unsigned int i;

	add_sample(_metadata, self->fd, self->proto, self->ifindex);
	old = run_mgmctl(false, "show");
	EXPECT_EQ(0, old.status);
	EXPECT_STREQ("GROUP            SOURCE\n*                *\n232.1.1.1        *\n"
		     "232.1.1.1        10.0.0.1\n239.2.2.2        *\n", old.out);
	EXPECT_STREQ("", old.err);
	result_free(&old);
	old = run_mgmctl(false, "show any");
	EXPECT_EQ(0, old.status);
	EXPECT_STREQ("GROUP            SOURCE\n*                *\n232.1.1.1        *\n"
		     "239.2.2.2        *\n", old.out);
	EXPECT_STREQ("", old.err);
	result_free(&old);
	ASSERT_EQ(0, mgm_stats_get(self->fd, &s));
	old = run_mgmctl(false, "stats");
	EXPECT_EQ(0, old.status);
	snprintf(want, sizeof(want),
		 "generation   %llu\nentries      4 / %llu\nmemberships  5 / %llu\n"
		 "protocols    %u / %u\ninterfaces   %u / %u\n"
		 "cursors      0 / %u (of this file)\nmax_batch    %u\n",
		 (unsigned long long)s.generation, (unsigned long long)s.max_entries,
		 (unsigned long long)s.max_memberships, s.protocols, s.max_protocols,
		 s.interfaces, s.max_interfaces, s.max_cursors, MGM_BATCH_MAX);
	EXPECT_STREQ(want, old.out);
	EXPECT_STREQ("", old.err);
	result_free(&old);
	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		old = run_mgmctl(false, "%s", pairs[i][0]);
		r = run_mgmctl(false, "%s", pairs[i][1]);
		EXPECT_EQ(0, old.status) TH_LOG("mgmctl %s: %s", pairs[i][0], old.err);
		EXPECT_EQ(0, r.status) TH_LOG("mgmctl %s: %s", pairs[i][1], r.err);
		EXPECT_STREQ(r.out, old.out) TH_LOG("mgmctl %s", pairs[i][0]);
		EXPECT_STREQ("", old.err);
		result_free(&old);
		result_free(&r);
	}
}

/* The grammar (mgmctl(8)): new spellings, late options, abbreviations. */
TEST_F(ctl, group_show_spellings)
{
	static const char *const same[] = {
		"group show", "group", "g s", "gr list", "group ls", "sh", "list",
		"ls", "show all",
	};
	struct result want, r;
	unsigned int i;

	add_sample(_metadata, self->fd, self->proto, self->ifindex);
	want = run_mgmctl(false, "show");
	ASSERT_EQ(0, want.status);
	EXPECT_EQ(4, parse_show_text(want.out, self->recs, 100000));
	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		r = run_mgmctl(false, "%s", same[i]);
		EXPECT_EQ(0, r.status) TH_LOG("mgmctl %s: %s", same[i], r.err);
		EXPECT_STREQ(want.out, r.out) TH_LOG("mgmctl %s", same[i]);
		EXPECT_STREQ("", r.err);
		result_free(&r);
	}
	result_free(&want);
	/* -j before or after the object, long or short. */
	want = run_mgmctl(false, "-j show");
	ASSERT_EQ(0, want.status);
	EXPECT_EQ(4, parse_show_json(want.out, self->recs, 100000));
	r = run_mgmctl(false, "show -j");
	EXPECT_STREQ(want.out, r.out);
	result_free(&r);
	r = run_mgmctl(false, "group show --json");
	EXPECT_STREQ(want.out, r.out);
	result_free(&r);
	r = run_mgmctl(false, "--json g");
	EXPECT_STREQ(want.out, r.out);
	result_free(&r);
	result_free(&want);
	/* show any == group show any */
	want = run_mgmctl(false, "-j show any");
	r = run_mgmctl(false, "-j group show any");
	EXPECT_EQ(3, parse_show_json(r.out, self->recs, 100000));
	EXPECT_STREQ(want.out, r.out);
	result_free(&r);
	result_free(&want);
}

TEST_F(ctl, help_and_version)
{
	struct result r = run_mgmctl(false, "--help");

	EXPECT_EQ(0, r.status);
	EXPECT_EQ(0, strncmp(r.out, "usage: mgmctl [OPTIONS] OBJECT [COMMAND [ARGS]]\n", 48));
	EXPECT_STREQ("", r.err);
	result_free(&r);
	r = run_mgmctl(false, "-V");
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("mgmctl " MGM_VERSION "\n", r.out);
	result_free(&r);
}

/* interface show: the owners, IGMP co-owning and alone. */
TEST_F(ctl, interface_and_protocol_show)
{
	char want[1024];
	struct result r;
	uint32_t igmp;

	ASSERT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_IGMP, 2, &igmp));
	ASSERT_EQ(0, mgm_take(self->fd, igmp, self->ifindex, 0));
	ASSERT_EQ(0, mgm_take(self->fd, igmp, self->ifindex2, 0));

	r = run_mgmctl(false, "interface show");
	ASSERT_EQ(0, r.status);
	snprintf(want, sizeof(want),
		 "DEV              IFINDEX  NEXTHOP         PROTOCOL   NAME             COMPONENT  IGMP\n"
		 "mc0              %-8d 0.0.0.0         3          netmgmt          1          yes\n"
		 "mc1              %-8d 0.0.0.0         10         igmp             2          yes\n",
		 self->ifindex, self->ifindex2);
	EXPECT_STREQ(want, r.out);
	EXPECT_STREQ("", r.err);
	result_free(&r);

	r = run_mgmctl(false, "-j i s");
	ASSERT_EQ(0, r.status);
	snprintf(want, sizeof(want),
		 "[{\"dev\":\"mc0\",\"ifindex\":%d,\"nexthop\":\"0.0.0.0\",\"protocol\":3,"
		 "\"protocol_name\":\"netmgmt\",\"component\":1,\"routing\":true,\"igmp\":true},"
		 "{\"dev\":\"mc1\",\"ifindex\":%d,\"nexthop\":\"0.0.0.0\",\"protocol\":10,"
		 "\"protocol_name\":\"igmp\",\"component\":2,\"routing\":false,\"igmp\":true}]\n",
		 self->ifindex, self->ifindex2);
	EXPECT_STREQ(want, r.out);
	result_free(&r);

	r = run_mgmctl(false, "-j interface show dev mc1");
	ASSERT_EQ(0, r.status);
	snprintf(want, sizeof(want),
		 "[{\"dev\":\"mc1\",\"ifindex\":%d,\"nexthop\":\"0.0.0.0\",\"protocol\":10,"
		 "\"protocol_name\":\"igmp\",\"component\":2,\"routing\":false,\"igmp\":true}]\n",
		 self->ifindex2);
	EXPECT_STREQ(want, r.out);
	result_free(&r);

	r = run_mgmctl(false, "interface show dev nosuch0");
	EXPECT_EQ(2, r.status);
	EXPECT_STREQ("mgmctl: dev nosuch0: no such interface\n", r.err);
	result_free(&r);

	r = run_mgmctl(false, "protocol show");
	ASSERT_EQ(0, r.status);
	EXPECT_STREQ("PROTOCOL   NAME             COMPONENT  INTERFACES\n"
		     "3          netmgmt          1          1\n"
		     "10         igmp             2          1\n", r.out);
	result_free(&r);
	r = run_mgmctl(false, "-j protocol");
	ASSERT_EQ(0, r.status);
	EXPECT_STREQ("[{\"protocol\":3,\"name\":\"netmgmt\",\"component\":1,\"interfaces\":1},"
		     "{\"protocol\":10,\"name\":\"igmp\",\"component\":2,\"interfaces\":1}]\n", r.out);
	result_free(&r);
}

/* membership show: who joined where, filters in the kernel. */
TEST_F(ctl, membership_show)
{
	char want[2048];
	struct result r;
	uint32_t igmp;

	ASSERT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_IGMP, 2, &igmp));
	ASSERT_EQ(0, mgm_take(self->fd, igmp, self->ifindex2, 0));
	add_sample(_metadata, self->fd, self->proto, self->ifindex);
	ASSERT_EQ(0, mgm_add(self->fd, igmp, self->ifindex2, 0, G1, MGM_JOIN_STATE));

	r = run_mgmctl(false, "membership show");
	ASSERT_EQ(0, r.status);
	snprintf(want, sizeof(want),
		 "GROUP            SOURCE           DEV              NEXTHOP          PROTOCOL         COMPONENT  FLAGS\n"
		 "*                *                mc0              0.0.0.0          netmgmt(3)       1          join\n"
		 "232.1.1.1        *                mc0              0.0.0.0          netmgmt(3)       1          join\n"
		 "232.1.1.1        *                mc1              0.0.0.0          igmp(10)         2          join\n"
		 "232.1.1.1        10.0.0.1         mc0              0.0.0.0          netmgmt(3)       1          join\n"
		 "239.2.2.2        *                mc0              0.0.0.0          netmgmt(3)       1          join,forward\n"
		 "239.2.2.2        10.0.0.1         mc0              0.0.0.0          netmgmt(3)       1          forward\n");
	EXPECT_STREQ(want, r.out);
	EXPECT_STREQ("", r.err);
	result_free(&r);

	r = run_mgmctl(false, "-j m s group 232.1.1.1 dev mc1");
	ASSERT_EQ(0, r.status);
	snprintf(want, sizeof(want),
		 "[{\"group\":\"232.1.1.1\",\"group_mask\":\"255.255.255.255\",\"source\":\"0.0.0.0\","
		 "\"source_mask\":\"0.0.0.0\",\"dev\":\"mc1\",\"ifindex\":%d,\"nexthop\":\"0.0.0.0\","
		 "\"protocol\":10,\"protocol_name\":\"igmp\",\"component\":2,\"join\":true,\"forward\":false}]\n",
		 self->ifindex2);
	EXPECT_STREQ(want, r.out);
	result_free(&r);

	/* Each filter alone, counted in lines (title + records). */
	r = run_mgmctl(false, "m s group 232.1.1.1");
	EXPECT_EQ(4, count_lines(r.out));
	result_free(&r);
	r = run_mgmctl(false, "m s source 10.0.0.1");
	EXPECT_EQ(3, count_lines(r.out));
	result_free(&r);
	r = run_mgmctl(false, "m s group 232.1.1.1 source 10.0.0.1");
	EXPECT_EQ(2, count_lines(r.out));
	result_free(&r);
	r = run_mgmctl(false, "m s proto igmp");
	EXPECT_EQ(2, count_lines(r.out));
	result_free(&r);
	r = run_mgmctl(false, "m s proto 3 dev mc0");
	EXPECT_EQ(6, count_lines(r.out));
	result_free(&r);
	r = run_mgmctl(false, "-j m s group 224.9.9.9");
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("[]\n", r.out);
	result_free(&r);
	r = run_mgmctl(false, "m s dev nosuch0");
	EXPECT_EQ(2, r.status);
	EXPECT_STREQ("mgmctl: dev nosuch0: no such interface\n", r.err);
	result_free(&r);
}

/*
 * Interface names are looked up once per listing, a slot per ifindex modulo
 * 64: memberships alternating between two interfaces whose indexes share a
 * slot are each listed with their own interface's name.
 */
TEST_F(ctl, membership_names_sharing_a_slot)
{
	const char *row = "%-15s  *                %-16s 0.0.0.0          netmgmt(3)       1          join\n";
	char want[1024];
	struct result r;
	int far = 0, i;
	size_t len;

	/* A device with an index in mc0's slot, the first one free. */
	for (i = 1; i < 64; i++) {
		far = make_dummy_index("mc2", self->ifindex + 64 * i);
		if (far != -EEXIST)
			break;
	}
	ASSERT_LT(0, far);
	ASSERT_EQ(self->ifindex % 64, far % 64);
	ASSERT_NE(self->ifindex, far);
	ASSERT_EQ(0, mgm_take(self->fd, self->proto, far, 0));
	ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, 0, G1, MGM_JOIN_STATE));
	ASSERT_EQ(0, mgm_add(self->fd, self->proto, far, 0, G1, MGM_JOIN_STATE));
	ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, 0, G2, MGM_JOIN_STATE));
	ASSERT_EQ(0, mgm_add(self->fd, self->proto, far, 0, G2, MGM_JOIN_STATE));

	r = run_mgmctl(false, "membership show");
	EXPECT_EQ(0, r.status);
	len = snprintf(want, sizeof(want), "GROUP            SOURCE           DEV              NEXTHOP          PROTOCOL         COMPONENT  FLAGS\n");
	len += snprintf(want + len, sizeof(want) - len, row, "232.1.1.1", "mc0");
	len += snprintf(want + len, sizeof(want) - len, row, "232.1.1.1", "mc2");
	len += snprintf(want + len, sizeof(want) - len, row, "239.2.2.2", "mc0");
	snprintf(want + len, sizeof(want) - len, row, "239.2.2.2", "mc2");
	EXPECT_STREQ(want, r.out);
	EXPECT_STREQ("", r.err);
	result_free(&r);
	EXPECT_EQ(0, del_link("mc2"));
}

TEST_F(ctl, show_filters)
{
	struct result r;

	add_sample(_metadata, self->fd, self->proto, self->ifindex);
	r = run_mgmctl(false, "-j show group 232.1.1.1");
	ASSERT_EQ(0, r.status);
	ASSERT_EQ(2, parse_show_json(r.out, self->recs, 100000));
	EXPECT_EQ(0u, self->recs[0].source);
	EXPECT_EQ(S1, self->recs[1].source);
	result_free(&r);
	r = run_mgmctl(false, "-j show source 10.0.0.1");
	ASSERT_EQ(0, r.status);
	ASSERT_EQ(1, parse_show_json(r.out, self->recs, 100000));
	EXPECT_EQ(G1, self->recs[0].group);
	result_free(&r);
	r = run_mgmctl(false, "-j show group '*' source '*'");
	ASSERT_EQ(0, r.status);
	ASSERT_EQ(1, parse_show_json(r.out, self->recs, 100000));
	EXPECT_EQ(0u, self->recs[0].group);
	result_free(&r);
	r = run_mgmctl(false, "show group 224.9.9.9");
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("GROUP            SOURCE\n", r.out);
	result_free(&r);
}

TEST_F(ctl, empty_table)
{
	struct result r = run_mgmctl(false, "-j show");

	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("[]\n", r.out);
	result_free(&r);
	r = run_mgmctl(false, "-j -p show");
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("[]\n", r.out);
	result_free(&r);
}

TEST_F(ctl, stats_text_and_json)
{
	struct mgm_stats s;
	struct result r;
	struct jobj o;
	struct jp p;
	char line[128];

	add_sample(_metadata, self->fd, self->proto, self->ifindex);
	ASSERT_EQ(0, mgm_stats_get(self->fd, &s));
	r = run_mgmctl(false, "-j stats");
	ASSERT_EQ(0, r.status);
	p.s = r.out;
	ASSERT_TRUE(jp_eat(&p, '['));
	ASSERT_TRUE(jp_object(&p, &o)) TH_LOG("%s", r.out);
	ASSERT_TRUE(jp_eat(&p, ']'));
	jp_ws(&p);
	EXPECT_EQ(0, *p.s);
	EXPECT_EQ(12, o.n);
#define NUM(k)	strtoull(jobj_get(&o, k, false) ?: "-1", NULL, 10)
	EXPECT_EQ(s.generation, NUM("generation"));
	EXPECT_EQ(4u, NUM("entries"));
	EXPECT_EQ(5u, NUM("memberships"));
	EXPECT_EQ(s.protocols, NUM("protocols"));
	EXPECT_EQ(s.interfaces, NUM("interfaces"));
	EXPECT_EQ(0u, NUM("cursors"));
	EXPECT_EQ(s.max_entries, NUM("max_entries"));
	EXPECT_EQ(s.max_memberships, NUM("max_memberships"));
	EXPECT_EQ(s.max_protocols, NUM("max_protocols"));
	EXPECT_EQ(s.max_interfaces, NUM("max_interfaces"));
	EXPECT_EQ(s.max_cursors, NUM("max_cursors"));
	EXPECT_EQ((unsigned long long)MGM_BATCH_MAX, NUM("max_batch"));
#undef NUM
	result_free(&r);

	r = run_mgmctl(false, "stats");
	ASSERT_EQ(0, r.status);
	snprintf(line, sizeof(line), "entries      4 / %llu\n", (unsigned long long)s.max_entries);
	EXPECT_NE(NULL, strstr(r.out, line)) TH_LOG("%s", r.out);
	snprintf(line, sizeof(line), "generation   %llu\n", (unsigned long long)s.generation);
	EXPECT_NE(NULL, strstr(r.out, line));
	result_free(&r);
}

TEST_F(ctl, large_table_streams)
{
	enum { N = 20000 };
	struct mgm_membership *m = calloc(N, sizeof(*m));
	uint32_t done;
	int32_t error;
	struct result r;
	int k;

	ASSERT_NE(NULL, m);
	for (k = 0; k < N; k++)
		m[k] = mgm_rec(self->proto, self->ifindex, 0, htonl(0xe8000000u + k),
			       MGM_JOIN_STATE);
	ASSERT_EQ(0, mgm_batch_apply(self->fd, MGM_BATCH_ADD, m, N, &done, &error));
	free(m);
	r = run_mgmctl(false, "-j show");
	ASSERT_EQ(0, r.status);
	EXPECT_EQ(N, parse_show_json(r.out, self->recs, 100000));
	EXPECT_TRUE(same_as_table(self->fd, MGM_ENUM_ALL_SOURCES, self->recs, N));
	result_free(&r);
}

/* --- static mode ---------------------------------------------------------------- */
struct holder {
	pid_t pid;
	int out;	/* its stdout */
};

/* Start "mgmctl static ARGS" and wait for its "holding" line. */
static int start_static(struct holder *h, const char *args, char *line, size_t max)
{
	char cmd[512];
	int p[2];
	size_t n = 0;

	snprintf(cmd, sizeof(cmd), "exec mgmctl static %s", args);
	if (pipe(p))
		return -1;
	h->pid = fork();
	if (h->pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(98);
	}
	close(p[1]);
	h->out = p[0];
	while (n + 1 < max) {
		struct pollfd pfd = { .fd = h->out, .events = POLLIN };

		if (poll(&pfd, 1, 20000) != 1 || read(h->out, line + n, 1) != 1)
			break;
		if (line[n++] == '\n')
			break;
	}
	line[n] = 0;
	return n ? 0 : -1;
}

static int stop_static(struct holder *h, int sig)
{
	int st;

	kill(h->pid, sig);
	close(h->out);
	if (waitpid(h->pid, &st, 0) != h->pid)
		return -1;
	return status_of(st);
}

TEST_F(ctl, static_holds_until_sigterm)
{
	FILE *f = fopen("/tmp/mgmctl_static.conf", "w");
	struct mgm_source_group *t;
	struct holder h;
	char line[256];
	uint32_t id = 0, comp = 0;
	struct mgm_owner_query q = { .ifindex = self->ifindex2 };

	ASSERT_NE(NULL, f);
	fputs("# static joins\n\n"
	      "dev mc1 group 232.1.1.1 source 10.0.0.1   # (S,G)\n"
	      "join dev mc1 group 239.2.2.2 forward\n"
	      "   # indented comment\n", f);
	fclose(f);
	ASSERT_EQ(0, start_static(&h, "-b /tmp/mgmctl_static.conf protocol 17 component 4 "
				  "join dev mc1 group '*' join dev mc1 via 10.9.9.9 group 232.1.1.1",
				  line, sizeof(line)));
	EXPECT_STREQ("holding 4 memberships on 2 interfaces (protocol 17 component 4) "
		     "until SIGINT or SIGTERM\n", line);
	/* (*,*), (*,232.1.1.1), (10.0.0.1,232.1.1.1), (*,239.2.2.2) */
	ASSERT_EQ(4, mgm_enum_all(self->fd, MGM_ENUM_ALL_SOURCES, 4096, &t));
	EXPECT_EQ(0u, t[0].group);
	EXPECT_EQ(G1, t[1].group);
	EXPECT_EQ(0u, t[1].source);
	EXPECT_EQ(S1, t[2].source);
	EXPECT_EQ(G2, t[3].group);
	free(t);
	ASSERT_EQ(0, ioctl(self->fd, MGM_IOC_GET_OWNER, &q));
	id = q.protocol_id;
	comp = q.component_id;
	EXPECT_EQ(17u, id);
	EXPECT_EQ(4u, comp);

	EXPECT_EQ(0, stop_static(&h, SIGTERM));
	EXPECT_EQ(0, mgm_enum_all(self->fd, MGM_ENUM_ALL_SOURCES, 4096, &t));
	free(t);
	q = (struct mgm_owner_query){ .ifindex = self->ifindex2 };
	EXPECT_EQ(-1, ioctl(self->fd, MGM_IOC_GET_OWNER, &q));
	EXPECT_EQ(ENOENT, errno);
}

TEST_F(ctl, static_sigint_and_sigkill_leave_nothing)
{
	struct mgm_source_group *t;
	struct holder h;
	char line[256];

	ASSERT_EQ(0, start_static(&h, "join dev mc1 group 232.1.1.1", line, sizeof(line)));
	ASSERT_EQ(1, mgm_enum_all(self->fd, MGM_ENUM_ALL_SOURCES, 4096, &t));
	free(t);
	EXPECT_EQ(0, stop_static(&h, SIGINT));
	EXPECT_EQ(0, mgm_enum_all(self->fd, MGM_ENUM_ALL_SOURCES, 4096, &t));
	free(t);

	ASSERT_EQ(0, start_static(&h, "join dev mc1 group 232.1.1.1", line, sizeof(line)));
	ASSERT_EQ(1, mgm_enum_all(self->fd, MGM_ENUM_ALL_SOURCES, 4096, &t));
	free(t);
	EXPECT_EQ(128 + SIGKILL, stop_static(&h, SIGKILL));
	EXPECT_EQ(0, mgm_enum_all(self->fd, MGM_ENUM_ALL_SOURCES, 4096, &t));
	free(t);
}

/* --- exit codes and messages ------------------------------------------------------ */
/*
 * The exact messages of every rule are pinned host-side
 * (lib/tests/mgmctl_parse_test.c); here, that the real program exits 1
 * with one line on stderr, nothing on stdout and nothing in the table.
 */
static const struct {
	const char *args;
	const char *msg;
} usage_cases[] = {
	{ "", "mgmctl: no object given (try \"mgmctl help\")\n" },
	{ "bogus", "mgmctl: unknown object \"bogus\"\n" },
	{ "s", "mgmctl: ambiguous object \"s\": stats, static\n" },
	{ "-x show", "mgmctl: unknown option \"-x\"\n" },
	{ "-p show", "mgmctl: -p needs -j\n" },
	{ "show bogus", "mgmctl: group show: unknown keyword \"bogus\"\n" },
	{ "group show group", "mgmctl: group show: \"group\" needs a value\n" },
	{ "group show group 1.2.3", "mgmctl: group show: bad group \"1.2.3\"\n" },
	{ "show any source 10.0.0.1", "mgmctl: group show any lists groups: \"source\" does not apply\n" },
	{ "stats now", "mgmctl: stats: unknown argument \"now\"\n" },
	{ "static", "mgmctl: static: no membership given\n" },
	{ "-j static join dev mc1 group 232.1.1.1", "mgmctl: static: -j does not apply\n" },
	{ "static join dev mc1", "mgmctl: static: membership without \"group G\"\n" },
	{ "static join dev mc1 group 232.1.1.1 color red", "mgmctl: static: unknown keyword \"color\"\n" },
	/* Refused by the parser, before the kernel could refuse it. */
	{ "static join dev mc1 group 10.1.1.1", "mgmctl: static: bad group \"10.1.1.1\": not a multicast address (224.0.0.0/4)\n" },
	{ "static join dev nosuch0 group 10.1.1.1", "mgmctl: static: bad group \"10.1.1.1\": not a multicast address (224.0.0.0/4)\n" },
	{ "static protocol -1 join dev mc1 group 232.1.1.1", "mgmctl: static: bad protocol \"-1\"\n" },
	{ "static -b /tmp/mgmctl_bad.conf", "mgmctl: /tmp/mgmctl_bad.conf:2: bad source \"1.2.3.4.5\"\n" },
	{ "static -b /tmp/mgmctl_two.conf", "mgmctl: /tmp/mgmctl_two.conf:1: one membership per line\n" },
};

TEST_F(ctl, usage_errors_exit_1)
{
	FILE *f = fopen("/tmp/mgmctl_bad.conf", "w");
	struct mgm_source_group *t;
	unsigned int i;

	ASSERT_NE(NULL, f);
	fputs("dev mc1 group 232.1.1.1\ndev mc1 group 232.1.1.2 source 1.2.3.4.5\n", f);
	fclose(f);
	f = fopen("/tmp/mgmctl_two.conf", "w");
	ASSERT_NE(NULL, f);
	fputs("dev mc1 group 232.1.1.1 join dev mc1 group 232.1.1.2\n", f);
	fclose(f);
	for (i = 0; i < sizeof(usage_cases) / sizeof(usage_cases[0]); i++) {
		struct result r = run_mgmctl(false, "%s", usage_cases[i].args);

		EXPECT_EQ(1, r.status) TH_LOG("mgmctl %s", usage_cases[i].args);
		EXPECT_STREQ(usage_cases[i].msg, r.err) TH_LOG("mgmctl %s", usage_cases[i].args);
		EXPECT_STREQ("", r.out);
		result_free(&r);
	}
	/* Nothing was left in the table by the failed static runs. */
	EXPECT_EQ(0, mgm_enum_all(self->fd, MGM_ENUM_ALL_SOURCES, 4096, &t));
	free(t);
}

TEST_F(ctl, runtime_errors_exit_2)
{
	struct mgm_source_group *t;
	struct result r;

	r = run_mgmctl(false, "static join dev nosuch0 group 232.1.1.1");
	EXPECT_EQ(2, r.status);
	EXPECT_STREQ("mgmctl: argument 1: dev nosuch0: no such interface\n", r.err);
	result_free(&r);

	/* mc0 belongs to the fixture's routing protocol. */
	r = run_mgmctl(false, "static join dev mc0 group 232.1.1.1");
	EXPECT_EQ(2, r.status);
	EXPECT_STREQ("mgmctl: take dev mc0 via 0.0.0.0: already exists (owned or registered by someone else) (ERROR_ALREADY_EXISTS)\n",
		     r.err);
	result_free(&r);

	r = run_mgmctl(false, "static protocol 3 component 1 join dev mc1 group 232.1.1.1");
	EXPECT_EQ(2, r.status);
	EXPECT_STREQ("mgmctl: register protocol 3 component 1: already exists (owned or registered by someone else) (ERROR_ALREADY_EXISTS)\n",
		     r.err);
	result_free(&r);

	r = run_mgmctl(true, "static join dev mc1 group 232.1.1.1");
	EXPECT_EQ(2, r.status);
	EXPECT_EQ(0, strncmp(r.err, "mgmctl: permission denied: needs CAP_NET_ADMIN (register protocol 10006 component ", 82))
		TH_LOG("%s", r.err);
	EXPECT_EQ(1, count_lines(r.err));
	result_free(&r);
	/* Reading needs no privilege. */
	r = run_mgmctl(true, "show");
	EXPECT_EQ(0, r.status);
	result_free(&r);

	r = run_mgmctl(false, "static -b /nonexistent.conf");
	EXPECT_EQ(2, r.status);
	EXPECT_STREQ("mgmctl: /nonexistent.conf: cannot open: No such file or directory\n", r.err);
	result_free(&r);

	EXPECT_EQ(0, mgm_enum_all(self->fd, MGM_ENUM_ALL_SOURCES, 4096, &t));
	free(t);
}

TEST(module_not_loaded_exit_2)
{
	static const char * const cmds[] = {
		"show", "-j show", "stats", "static join dev lo group 232.1.1.1",
		"group show", "interface show", "protocol show", "membership show",
	};
	unsigned int i;

	ASSERT_EQ(0, module_unload());
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		struct result r = run_mgmctl(false, "%s", cmds[i]);

		EXPECT_EQ(2, r.status) TH_LOG("mgmctl %s", cmds[i]);
		EXPECT_STREQ("mgm: module not loaded\n", r.err) TH_LOG("mgmctl %s", cmds[i]);
		EXPECT_STREQ("", r.out);
		result_free(&r);
	}
	ASSERT_EQ(0, module_load(getenv("MGM_MODULE_ARGS")));
}

/* --- mgmctl monitor ----------------------------------------------------------- */

struct monitor {
	pid_t pid;
	FILE *out;
};

static int monitor_start(struct monitor *m)
{
	int p[2];

	if (pipe(p))
		return -errno;
	m->pid = fork();
	if (m->pid < 0)
		return -errno;
	if (!m->pid) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execlp("mgmctl", "mgmctl", "-j", "monitor", (char *)NULL);
		_exit(98);
	}
	close(p[1]);
	m->out = fdopen(p[0], "r");
	return m->out ? 0 : -errno;
}

/*
 * The next line (without its newline), or "" at the end. A line that never
 * comes is the harness's timeout.
 */
static const char *monitor_line(struct monitor *m, char *buf, size_t size)
{
	size_t len;

	if (!fgets(buf, (int)size, m->out))
		return "";
	len = strlen(buf);
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = 0;
	return buf;
}

static void monitor_stop(struct monitor *m)
{
	kill(m->pid, SIGTERM);
	waitpid(m->pid, NULL, 0);
	fclose(m->out);
}

/* A membership line of mgmctl -j monitor, as it must read. */
static void monitor_want(char *buf, size_t size, const char *what, uint64_t seq,
			 uint64_t gen, const char *g, const char *s, int ifindex,
			 bool join, bool fwd)
{
	char seqs[32] = "";

	if (seq)
		snprintf(seqs, sizeof(seqs), "\"seq\":%llu,", (unsigned long long)seq);
	snprintf(buf, size, "{\"event\":\"%s\",%s\"generation\":%llu,"
		 "\"group\":\"%s\",\"group_mask\":\"255.255.255.255\","
		 "\"source\":\"%s\",\"source_mask\":\"%s\",\"dev\":\"mc0\","
		 "\"ifindex\":%d,\"nexthop\":\"0.0.0.0\",\"protocol\":3,"
		 "\"protocol_name\":\"netmgmt\",\"component\":1,\"join\":%s,"
		 "\"forward\":%s}", what, seqs, (unsigned long long)gen, g, s,
		 strcmp(s, "0.0.0.0") ? "255.255.255.255" : "0.0.0.0", ifindex,
		 join ? "true" : "false", fwd ? "true" : "false");
}

static unsigned long long json_u64_of(const char *line, const char *key)
{
	const char *p = strstr(line, key);

	return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

/*
 * mgmctl -j monitor: the table, then each change after the listing's start
 * generation, one JSON object per line; on an overflow the count lost and
 * the table listed again.
 */
TEST_F_TIMEOUT(ctl, monitor_lists_then_follows, 120)
{
	struct mgm_membership *recs = calloc(5000, sizeof(*recs));
	char line[1024], want[1024];
	struct mgm_stats st;
	struct monitor m = { 0 };
	uint64_t seq;
	uint32_t i, done;
	int n, st_wait;

	ASSERT_TRUE(recs != NULL);
	ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, 0, G1, MGM_JOIN_STATE));
	ASSERT_EQ(0, mgm_stats_get(self->fd, &st));
	ASSERT_EQ(0, monitor_start(&m));
	monitor_want(want, sizeof(want), "list", 0, st.generation, "232.1.1.1",
		     "0.0.0.0", self->ifindex, true, false);
	EXPECT_STREQ(want, monitor_line(&m, line, sizeof(line)));

	/* add, change (flags), delete: in order, numbered. */
	ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, S1, G1, MGM_JOIN_STATE));
	monitor_line(&m, line, sizeof(line));
	seq = json_u64_of(line, "\"seq\":");
	ASSERT_LT(0ull, (unsigned long long)seq);
	monitor_want(want, sizeof(want), "add", seq, st.generation + 1, "232.1.1.1",
		     "10.0.0.1", self->ifindex, true, false);
	EXPECT_STREQ(want, line);
	ASSERT_EQ(0, mgm_add(self->fd, self->proto, self->ifindex, S1, G1, MGM_FORWARD_STATE));
	monitor_want(want, sizeof(want), "change", seq + 1, st.generation + 2, "232.1.1.1",
		     "10.0.0.1", self->ifindex, true, true);
	EXPECT_STREQ(want, monitor_line(&m, line, sizeof(line)));
	ASSERT_EQ(0, mgm_del(self->fd, self->proto, self->ifindex, S1, G1,
			     MGM_JOIN_STATE | MGM_FORWARD_STATE));
	monitor_want(want, sizeof(want), "delete", seq + 2, st.generation + 3, "232.1.1.1",
		     "10.0.0.1", self->ifindex, false, false);
	EXPECT_STREQ(want, monitor_line(&m, line, sizeof(line)));

	/*
	 * Stopped while 5,000 changes come: 4,096 told, the rest lost, relisted.
	 * Stopped for sure first: a monitor still reading (its vCPU not yet
	 * scheduled to take the signal) would make room in its queue.
	 */
	ASSERT_EQ(0, kill(m.pid, SIGSTOP));
	ASSERT_EQ(m.pid, waitpid(m.pid, &st_wait, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(st_wait));
	for (i = 0; i < 5000; i++)
		recs[i] = mgm_rec(self->proto, self->ifindex, 0,
				  htonl(0xe8050000u + i), MGM_JOIN_STATE);
	ASSERT_EQ(0, mgm_batch_apply(self->fd, MGM_BATCH_ADD, recs, 5000, &done, NULL));
	kill(m.pid, SIGCONT);
	for (n = 0; n < 4096; n++)
		if (!strstr(monitor_line(&m, line, sizeof(line)), "{\"event\":\"add\""))
			break;
	EXPECT_EQ(4096, n);
	monitor_line(&m, line, sizeof(line));
	EXPECT_EQ(0, strncmp(line, "{\"event\":\"overflow\",\"seq\":", 26));
	EXPECT_NE(NULL, strstr(line, ",\"lost\":904}"));
	for (n = 0; n < 5001; n++)
		if (!strstr(monitor_line(&m, line, sizeof(line)), "{\"event\":\"list\""))
			break;
	EXPECT_EQ(5001, n);
	/* And it follows again. */
	ASSERT_EQ(0, mgm_del(self->fd, self->proto, self->ifindex, 0, G1, MGM_JOIN_STATE));
	EXPECT_NE(NULL, strstr(monitor_line(&m, line, sizeof(line)),
			       "{\"event\":\"delete\""));
	monitor_stop(&m);
	free(recs);
}

TEST_HARNESS_MAIN
