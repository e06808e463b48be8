// SPDX-License-Identifier: GPL-2.0
/*
 * mgm-igmpd with real kernels on both sides of the link.
 *
 * Each test runs in a fresh router network namespace (so a fresh mgm
 * table) with mgm-igmpd on its veth ends. Hosts are namespaces on the
 * other ends that only use the socket API (IP_ADD_MEMBERSHIP,
 * IP_DROP_MEMBERSHIP, MCAST_JOIN_SOURCE_GROUP, force_igmp_version): every
 * report is the Linux kernel's own IGMP. A shared segment (several hosts,
 * or two routers, on one link) is a hub namespace that repeats frames
 * among its veth ports. The tests read the result through the MGM API
 * (Windows enumeration, MgmGetProtocolOnInterface), `mgmctl -j show`, and
 * the daemon's counters (its control socket, as `mgm-igmpd -s -j`).
 *
 * Timers are short: query interval 2 s, response 1 s, robustness 2, last
 * member query interval 500 ms, so the group membership interval is 5 s
 * and the last member query time 1 s.
 */
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "mgm.h"
#include "helpers.h"
#include "lab.h"

#define CTL		"@igmpd-test"
#define LOG		"/tmp/igmpd_test.log"
#define GMI_MS		5000
#define LMQT_MS		1000
#define OQPI_MS		4500
#define SLACK_MS	3000	/* TCG guests, debug kernels */
#define PIM		3
#define IGMP_ID		((DWORD)PROTO_IP_IGMP)

#define G1	ip4(239, 1, 1, 1)
#define G2	ip4(232, 1, 1, 2)
#define G_BAD	ip4(239, 9, 9, 9)
#define G_LAST	ip4(239, 9, 9, 10)
#define S1	ip4(10, 200, 0, 1)
#define S2	ip4(10, 200, 0, 2)

FIXTURE(igmpd) {
	HANDLE proto;		/* PIM component 77: enumerations, co-owning */
	pid_t igmpd;
	struct lab_node host[10];
	struct lab_node hub, router2;
	pid_t igmpd2;
};

FIXTURE_SETUP(igmpd)
{
	ROUTING_PROTOCOL_CONFIG rpc = { 0 };

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, run("ip link set lo up"));
	unlink(LOG);
	/* The library opens /dev/mgm now: this namespace's table. */
	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&rpc, PIM, 77, &self->proto));
}

/*
 * Wait until @pid, not our child, has exited (gone, or a zombie: its
 * files, /dev/mgm among them, are closed), so that the module can be
 * unloaded after the test.
 */
static void wait_gone(pid_t pid, int ms)
{
	char path[64];
	uint64_t end = lab_now_ms() + (uint64_t)ms;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	while (lab_now_ms() < end) {
		char *s = read_file(path);
		bool gone = !s || strstr(s, "State:\tZ");

		free(s);
		if (gone)
			return;
		usleep(20000);
	}
}

FIXTURE_TEARDOWN(igmpd)
{
	size_t i;

	if (self->igmpd > 0) {
		kill(self->igmpd, SIGTERM);
		lab_wait(self->igmpd, 5000);
	}
	if (self->igmpd2 > 0) {
		kill(self->igmpd2, SIGTERM);
		wait_gone(self->igmpd2, 5000);
	}
	for (i = 0; i < ARRAY_SIZE(self->host); i++)
		lab_node_kill(&self->host[i]);
	lab_node_kill(&self->hub);
	lab_node_kill(&self->router2);
	if (!_metadata->passed) {
		dump_log(LOG);
		dump_log("/tmp/igmpd_test_r2.log");
	}
}

/* --- the lab ------------------------------------------------------------------------ */

/* Host @i on its own link: router end @rif (@raddr), host end eth0. */
static int direct_host(FIXTURE_DATA(igmpd) *self, int i, const char *rif,
		       const char *raddr, const char *haddr)
{
	struct lab_node *h = &self->host[i];
	int err = lab_node_start(h);

	if (!err)
		err = lab_veth(rif, 0, "eth0", h->pid);
	if (!err && run("ip addr add %s/24 dev %s && ip link set %s up",
			raddr, rif, rif))
		err = -EIO;
	if (!err && lab_node_sh(h, "ip addr add %s/24 dev eth0 && ip link set eth0 up",
				haddr))
		err = -EIO;
	return err;
}

/* A hub with the router's r0 (10.5.0.2) on port p0. */
static int hub_start(FIXTURE_DATA(igmpd) *self)
{
	int err = lab_node_start(&self->hub);

	if (!err)
		err = lab_veth("r0", 0, "p0", self->hub.pid);
	if (!err)
		err = lab_node_hub_port(&self->hub, "p0");
	if (!err && run("ip addr add 10.5.0.2/24 dev r0 && ip link set r0 up"))
		err = -EIO;
	return err;
}

/* Host @i on the hub, port p<i+1>, address 10.5.0.<i+10>. */
static int hub_host(FIXTURE_DATA(igmpd) *self, int i)
{
	struct lab_node *h = &self->host[i];
	char port[IFNAMSIZ];
	int err = lab_node_start(h);

	snprintf(port, sizeof(port), "p%d", i + 1);
	if (!err)
		err = lab_veth("eth0", h->pid, port, self->hub.pid);
	if (!err)
		err = lab_node_hub_port(&self->hub, port);
	if (!err && lab_node_sh(h, "ip addr add 10.5.0.%d/24 dev eth0 && ip link set eth0 up",
				i + 10))
		err = -EIO;
	return err;
}

static pid_t spawn_igmpd(const char *log, const char *ctl, char *const more[])
{
	char *argv[64] = {
		"mgm-igmpd", "-c", (char *)ctl, "-l", "debug",
		"-q", "2s", "-R", "1s", "-L", "500ms",
	};
	int n = 11;

	while (*more && n < 62)
		argv[n++] = *more++;
	argv[n] = NULL;
	return lab_spawn(log, argv);
}

/* Start mgm-igmpd here and wait until it answers (it serves by then). */
static int start_igmpd(FIXTURE_DATA(igmpd) *self, char *const more[])
{
	int i;

	self->igmpd = spawn_igmpd(LOG, CTL, more);
	if (self->igmpd < 0)
		return -1;
	for (i = 0; i < 300; i++) {
		char *s = lab_ctl(CTL, "stats json");

		free(s);
		if (s)
			return 0;
		if (lab_wait(self->igmpd, 20) >= 0) {
			self->igmpd = 0;
			return -1;	/* it exited */
		}
	}
	return -1;
}

#define IFACES(...)	((char *const[]){ __VA_ARGS__, NULL })

/* A counter of the running daemon (total over its interfaces). */
static long long counter(const char *ctl, const char *name)
{
	char *s = lab_ctl(ctl, "stats json");
	long long v = lab_json_num(s, name);

	free(s);
	return v;
}

/* --- the table, through the Windows API --------------------------------------------- */

static long table(HANDLE proto, SOURCE_GROUP_ENTRY **out)
{
	size_t cap = 1024, n = 0;
	SOURCE_GROUP_ENTRY *all = malloc(cap * sizeof(*all));
	BYTE buf[16 * 128];
	HANDLE e;
	DWORD rc;

	if (!all)
		return -1;
	rc = MgmGroupEnumerationStart(proto, ALL_SOURCES, &e);
	if (rc) {
		free(all);
		return -(long)rc;
	}
	for (;;) {
		DWORD size = sizeof(buf), cnt = 0;

		rc = MgmGroupEnumerationGetNext(e, &size, buf, &cnt);
		if (rc)
			break;
		if (n + cnt > cap) {
			cap = 2 * (n + cnt);
			all = realloc(all, cap * sizeof(*all));
			if (!all)
				break;
		}
		memcpy(all + n, buf, cnt * sizeof(*all));
		n += cnt;
	}
	MgmGroupEnumerationEnd(e);
	if (rc != ERROR_NO_MORE_ITEMS || !all) {
		free(all);
		return -(long)(rc ? rc : 1);
	}
	*out = all;
	return (long)n;
}

static long entries(HANDLE proto)
{
	SOURCE_GROUP_ENTRY *t;
	long n = table(proto, &t);

	if (n >= 0)
		free(t);
	return n;
}

static bool has(HANDLE proto, uint32_t s, uint32_t g)
{
	SOURCE_GROUP_ENTRY *t;
	long i, n = table(proto, &t);
	bool found = false;

	for (i = 0; i < n; i++)
		if (t[i].dwSourceAddr == s && t[i].dwGroupAddr == g &&
		    t[i].dwGroupMask == MASK32 &&
		    t[i].dwSourceMask == (s ? MASK32 : 0))
			found = true;
	if (n >= 0)
		free(t);
	return found;
}

/* Wait up to @ms for (s,g) to be @present: the ms it took, or -1. */
static long wait_entry(HANDLE proto, uint32_t s, uint32_t g, bool present,
		       long ms)
{
	uint64_t t0 = lab_now_ms();

	for (;;) {
		long took = (long)(lab_now_ms() - t0);

		if (has(proto, s, g) == present)
			return took;
		if (took > ms)
			return -1;
		usleep(50000);
	}
}

/* (s,g) stays for @ms (checked every 50 ms). */
static bool stays(HANDLE proto, uint32_t s, uint32_t g, long ms)
{
	uint64_t end = lab_now_ms() + (uint64_t)ms;

	while (lab_now_ms() < end) {
		if (!has(proto, s, g))
			return false;
		usleep(50000);
	}
	return true;
}

static DWORD owner_of(const char *ifname)
{
	DWORD proto = 0, comp = 0;
	DWORD rc = MgmGetProtocolOnInterface(if_nametoindex(ifname), 0,
					     &proto, &comp);

	return rc ? 0 : proto;
}

/* Wait up to @ms until the interface's owner is @proto. */
static bool wait_owner(const char *ifname, DWORD proto, long ms)
{
	uint64_t end = lab_now_ms() + (uint64_t)ms;

	while (owner_of(ifname) != proto) {
		if (lab_now_ms() > end)
			return false;
		usleep(50000);
	}
	return true;
}

/* Wait up to @ms until the daemon's stats (JSON) contain @what. */
static bool wait_stats(const char *ctl, const char *what, long ms)
{
	uint64_t end = lab_now_ms() + (uint64_t)ms;

	for (;;) {
		char *s = lab_ctl(ctl, "stats json");
		bool yes = s && strstr(s, what);

		free(s);
		if (yes)
			return true;
		if (lab_now_ms() > end)
			return false;
		usleep(100000);
	}
}

/* --- joins and leaves ----------------------------------------------------------------- */

TEST_F(igmpd, join_appears_as_star_g)
{
	char *json;
	long took;

	ASSERT_EQ(0, direct_host(self, 0, "r0", "10.1.0.1", "10.1.0.2"));
	ASSERT_EQ(0, start_igmpd(self, IFACES("-i", "r0")));
	EXPECT_EQ(IGMP_ID, owner_of("r0"));
	EXPECT_EQ(0, entries(self->proto));

	ASSERT_EQ(0, lab_node_join(&self->host[0], "eth0", G1));
	took = wait_entry(self->proto, 0, G1, true, 2000 + SLACK_MS);
	ASSERT_LE(0, took);
	TH_LOG("(*,239.1.1.1) after %ld ms", took);
	EXPECT_EQ(1, entries(self->proto));

	/* mgmctl -j show lists it too. */
	ASSERT_EQ(0, system("mgmctl -j show >/tmp/igmpd_test.json"));
	json = read_file("/tmp/igmpd_test.json");
	ASSERT_NE(NULL, json);
	EXPECT_NE(NULL, strstr(json, "{\"group\":\"239.1.1.1\",\"group_mask\":\"255.255.255.255\",\"source\":\"0.0.0.0\",\"source_mask\":\"0.0.0.0\"}"));
	free(json);

	EXPECT_LE(1, counter(CTL, "rx_v3_reports"));
	EXPECT_EQ(1, counter(CTL, "joins"));
	EXPECT_EQ(0, counter(CTL, "drops"));
	EXPECT_LE(1, counter(CTL, "tx_general_queries"));
}

TEST_F(igmpd, ssm_join_appears_as_s_g)
{
	ASSERT_EQ(0, direct_host(self, 0, "r0", "10.1.0.1", "10.1.0.2"));
	ASSERT_EQ(0, start_igmpd(self, IFACES("-i", "r0")));
	ASSERT_EQ(0, lab_node_join_source(&self->host[0], "eth0", S1, G2));
	ASSERT_EQ(0, lab_node_join_source(&self->host[0], "eth0", S2, G2));
	ASSERT_LE(0, wait_entry(self->proto, S1, G2, true, 2000 + SLACK_MS));
	ASSERT_LE(0, wait_entry(self->proto, S2, G2, true, 2000 + SLACK_MS));
	EXPECT_FALSE(has(self->proto, 0, G2));
	EXPECT_EQ(2, entries(self->proto));

	/* Leaving one source: a group-and-source query, then it goes. */
	ASSERT_EQ(0, lab_node_leave_source(&self->host[0], "eth0", S1, G2));
	ASSERT_LE(0, wait_entry(self->proto, S1, G2, false, LMQT_MS + SLACK_MS));
	EXPECT_TRUE(has(self->proto, S2, G2));
	EXPECT_LE(1, counter(CTL, "tx_source_queries"));
	EXPECT_FALSE(has(self->proto, 0, G2));
}

TEST_F(igmpd, leave_removes_after_last_member_queries)
{
	long long queries;
	long took;

	ASSERT_EQ(0, direct_host(self, 0, "r0", "10.1.0.1", "10.1.0.2"));
	ASSERT_EQ(0, start_igmpd(self, IFACES("-i", "r0")));
	ASSERT_EQ(0, lab_node_join(&self->host[0], "eth0", G1));
	ASSERT_LE(0, wait_entry(self->proto, 0, G1, true, 2000 + SLACK_MS));
	queries = counter(CTL, "tx_group_queries");

	ASSERT_EQ(0, lab_node_leave(&self->host[0], "eth0", G1));
	took = wait_entry(self->proto, 0, G1, false, LMQT_MS + SLACK_MS);
	ASSERT_LE(0, took);
	TH_LOG("gone %ld ms after the leave", took);
	/* [Last Member Query Count] group-specific queries went first. */
	EXPECT_EQ(queries + 2, counter(CTL, "tx_group_queries"));
	EXPECT_EQ(1, counter(CTL, "leaves"));
}

TEST_F(igmpd, igmpv2_host_join_and_leave)
{
	ASSERT_EQ(0, direct_host(self, 0, "r0", "10.1.0.1", "10.1.0.2"));
	ASSERT_EQ(0, lab_node_sh(&self->host[0],
				 "echo 2 >/proc/sys/net/ipv4/conf/eth0/force_igmp_version"));
	ASSERT_EQ(0, start_igmpd(self, IFACES("-i", "r0")));
	ASSERT_EQ(0, lab_node_join(&self->host[0], "eth0", G1));
	ASSERT_LE(0, wait_entry(self->proto, 0, G1, true, 2000 + SLACK_MS));
	EXPECT_LE(1, counter(CTL, "rx_v2_reports"));
	EXPECT_EQ(0, counter(CTL, "rx_v3_reports"));

	ASSERT_EQ(0, lab_node_leave(&self->host[0], "eth0", G1));
	ASSERT_LE(0, wait_entry(self->proto, 0, G1, false, LMQT_MS + SLACK_MS));
	EXPECT_EQ(1, counter(CTL, "rx_v2_leaves"));
	EXPECT_LE(2, counter(CTL, "tx_group_queries"));
}

TEST_F(igmpd, vanished_host_times_out)
{
	uint64_t t0;
	long took;

	ASSERT_EQ(0, hub_start(self));
	ASSERT_EQ(0, hub_host(self, 0));
	ASSERT_EQ(0, start_igmpd(self, IFACES("-i", "r0")));
	ASSERT_EQ(0, lab_node_join(&self->host[0], "eth0", G1));
	ASSERT_LE(0, wait_entry(self->proto, 0, G1, true, 2000 + SLACK_MS));
	/* Let it answer a query or two. */
	sleep(3);

	/* The cable goes, then the host namespace: no leave is ever sent. */
	ASSERT_EQ(0, lab_node_sh(&self->hub, "ip link del p1"));
	lab_node_kill(&self->host[0]);
	t0 = lab_now_ms();
	/* Its last report was at most a query interval and a response ago. */
	EXPECT_TRUE(stays(self->proto, 0, G1, 1000));
	took = wait_entry(self->proto, 0, G1, false, GMI_MS + SLACK_MS);
	ASSERT_LE(0, took);
	TH_LOG("gone %llu ms after the host", (unsigned long long)(lab_now_ms() - t0));
	EXPECT_EQ(0, counter(CTL, "rx_v2_leaves"));
	EXPECT_EQ(0, counter(CTL, "tx_group_queries"));
	EXPECT_EQ(1, counter(CTL, "leaves"));
}

static void two_hosts(struct __test_metadata *_metadata,
		      FIXTURE_DATA(igmpd) *self, int version)
{
	int i;

	ASSERT_EQ(0, hub_start(self));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, hub_host(self, i));
		if (version == 2)
			ASSERT_EQ(0, lab_node_sh(&self->host[i],
						 "echo 2 >/proc/sys/net/ipv4/conf/eth0/force_igmp_version"));
	}
	ASSERT_EQ(0, start_igmpd(self, IFACES("-i", "r0")));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, lab_node_join(&self->host[i], "eth0", G1));
	ASSERT_LE(0, wait_entry(self->proto, 0, G1, true, 2000 + SLACK_MS));
	sleep(2);	/* both known to the router (v2: one of them reports) */

	/* One leaves: the group stays, without a single flap. */
	ASSERT_EQ(0, lab_node_leave(&self->host[0], "eth0", G1));
	EXPECT_TRUE(stays(self->proto, 0, G1, LMQT_MS + 2500));
	EXPECT_EQ(0, counter(CTL, "leaves"));
	EXPECT_EQ(1, counter(CTL, "joins"));

	/*
	 * The other leaves: gone after the last member queries (v2: after
	 * the membership interval if its report had been suppressed, as a
	 * v2 host whose report was not the last sends no leave).
	 */
	ASSERT_EQ(0, lab_node_leave(&self->host[1], "eth0", G1));
	ASSERT_LE(0, wait_entry(self->proto, 0, G1, false,
				(version == 3 ? LMQT_MS : GMI_MS) + SLACK_MS));
	EXPECT_EQ(1, counter(CTL, "leaves"));
}

TEST_F_TIMEOUT(igmpd, two_v3_hosts_keep_group_until_both_left, 60)
{
	two_hosts(_metadata, self, 3);
}

/* v2 hosts suppress each other's reports: only one reports, or leaves. */
TEST_F_TIMEOUT(igmpd, two_v2_hosts_keep_group_until_both_left, 60)
{
	two_hosts(_metadata, self, 2);
}

TEST_F_TIMEOUT(igmpd, thousand_groups_across_ten_hosts, 120)
{
	char *args[64], names[10][8];
	int i, n = 0;
	long got = 0;
	uint64_t t0;
	SOURCE_GROUP_ENTRY *t;
	int status;

	for (i = 0; i < 10; i++) {
		char raddr[32], haddr[32];

		snprintf(names[i], sizeof(names[i]), "r%d", i);
		snprintf(raddr, sizeof(raddr), "10.10.%d.1", i);
		snprintf(haddr, sizeof(haddr), "10.10.%d.2", i);
		ASSERT_EQ(0, direct_host(self, i, names[i], raddr, haddr));
		args[n++] = "-i";
		args[n++] = names[i];
	}
	args[n] = NULL;
	ASSERT_EQ(0, start_igmpd(self, args));

	/* Host i joins 239.10.i.1 ... 239.10.i.100. */
	t0 = lab_now_ms();
	for (i = 0; i < 10; i++)
		ASSERT_EQ(0, lab_node_join_range(&self->host[i], "eth0",
						 ip4(239, 10, i, 1), 100));
	while (lab_now_ms() - t0 < 60000) {
		got = entries(self->proto);
		if (got >= 1000)
			break;
		usleep(200000);
	}
	TH_LOG("%ld entries after %llu ms", got,
	       (unsigned long long)(lab_now_ms() - t0));
	ASSERT_EQ(1000, got);
	ASSERT_EQ(1000, table(self->proto, &t));
	for (i = 0; i < 1000; i++) {
		/* Ascending (group, source): 239.10.0.1 first. */
		ASSERT_EQ(ip4(239, 10, i / 100, i % 100 + 1), t[i].dwGroupAddr);
		ASSERT_EQ(0u, t[i].dwSourceAddr);
	}
	free(t);
	EXPECT_EQ(1000, counter(CTL, "joins"));
	EXPECT_EQ(0, counter(CTL, "drops"));

	/* SIGTERM: a clean exit, and every membership goes with it. */
	ASSERT_EQ(0, kill(self->igmpd, SIGTERM));
	status = lab_wait(self->igmpd, 10000);
	self->igmpd = 0;
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, entries(self->proto));
	EXPECT_EQ(0u, owner_of("r0"));
}

/* --- hostile input ------------------------------------------------------------------ */

/* A v3 report of one record (group @g, sources @s) from 10.1.0.2. */
static size_t v3_report(uint8_t *pkt, uint8_t type, uint32_t g,
			const uint32_t *s, uint16_t n)
{
	uint8_t m[16 + 4 * 8] = { 0x22, 0, 0, 0, 0, 0, 0, 1, type, 0,
				  (uint8_t)(n >> 8), (uint8_t)n };
	size_t len = 16 + 4 * (size_t)n;
	uint16_t c;

	memcpy(m + 12, &g, 4);
	memcpy(m + 16, s, 4 * (size_t)n);
	c = lab_csum(m, len);
	m[2] = (uint8_t)(c >> 8);
	m[3] = (uint8_t)c;
	return lab_ip_igmp(pkt, ip4(10, 1, 0, 2), ip4(224, 0, 0, 22), m, len);
}

static size_t v2_message(uint8_t *pkt, uint8_t type, uint32_t g, uint32_t dst)
{
	uint8_t m[8] = { type, 0, 0, 0 };
	uint16_t c;

	memcpy(m + 4, &g, 4);
	c = lab_csum(m, 8);
	m[2] = (uint8_t)(c >> 8);
	m[3] = (uint8_t)c;
	return lab_ip_igmp(pkt, ip4(10, 1, 0, 2), dst, m, 8);
}

static void fix_igmp_csum(uint8_t *pkt, size_t len)
{
	uint16_t c;

	pkt[26] = pkt[27] = 0;
	c = lab_csum(pkt + 24, len - 24);
	pkt[26] = (uint8_t)(c >> 8);
	pkt[27] = (uint8_t)c;
}

static void fix_ip_csum(uint8_t *pkt)
{
	uint16_t c;

	pkt[10] = pkt[11] = 0;
	c = lab_csum(pkt, 24);
	pkt[10] = (uint8_t)(c >> 8);
	pkt[11] = (uint8_t)c;
}

TEST_F_TIMEOUT(igmpd, malformed_igmp_changes_nothing_and_is_counted, 60)
{
	static const char *const counters[] = {
		"drop_checksum", "drop_truncated", "drop_type", "drop_group",
		"drop_source_count", "drop_ip_header", "drop_ttl",
		"drop_router_alert", "drop_source",
	};
	long long want[ARRAY_SIZE(counters)] = { 0 }, total = 0;
	uint32_t srcs[2] = { S1, ip4(224, 1, 2, 3) };
	SOURCE_GROUP_ENTRY *before, *after;
	long nbefore, nafter;
	uint8_t pkt[128];
	size_t len, k;
	int fd, ifindex, round, i;

#define SEND(which, l)							\
	do {								\
		ASSERT_EQ(0, lab_send_ip(fd, NULL, ifindex, pkt, (l)));	\
		want[which]++;						\
		total++;						\
	} while (0)

	ASSERT_EQ(0, direct_host(self, 0, "r0", "10.1.0.1", "10.1.0.2"));
	ASSERT_EQ(0, start_igmpd(self, IFACES("-i", "r0")));
	ASSERT_EQ(0, lab_node_join(&self->host[0], "eth0", G1));
	ASSERT_LE(0, wait_entry(self->proto, 0, G1, true, 2000 + SLACK_MS));
	nbefore = table(self->proto, &before);
	ASSERT_EQ(1, nbefore);
	fd = lab_node_socket(&self->host[0], AF_PACKET, SOCK_DGRAM, 0);
	ASSERT_LE(0, fd);
	ifindex = lab_node_ifindex(&self->host[0], "eth0");
	ASSERT_LT(0, ifindex);

	for (round = 0; round < 10; round++) {
		/* 0: bad IGMP checksum */
		len = v3_report(pkt, 4, G_BAD, NULL, 0);
		pkt[27] ^= 0x55;
		SEND(0, len);
		/* 1: truncated: the IP header promises more than comes */
		len = v3_report(pkt, 4, G_BAD, srcs, 1);
		SEND(1, len - 6);
		/* 1: IGMP shorter than its 8-byte header */
		len = v2_message(pkt, 0x16, G_BAD, G_BAD);
		pkt[3] = 28;
		fix_ip_csum(pkt);
		SEND(1, 28);
		/* 1: a record count past the end */
		len = v3_report(pkt, 4, G_BAD, NULL, 0);
		pkt[24 + 7] = 50;
		fix_igmp_csum(pkt, len);
		SEND(1, len);
		/* 2: unknown message type */
		len = v2_message(pkt, 0x42, G_BAD, G_BAD);
		SEND(2, len);
		/* 3: "groups" that are not multicast, v2 and v3 */
		len = v2_message(pkt, 0x16, ip4(10, 9, 9, 9), G_BAD);
		SEND(3, len);
		len = v3_report(pkt, 4, ip4(10, 9, 9, 9), NULL, 0);
		SEND(3, len);
		len = v2_message(pkt, 0x17, 0, ip4(224, 0, 0, 2));
		SEND(3, len);
		/* 4: an absurd source count */
		len = v3_report(pkt, 1, G_BAD, srcs, 1);
		pkt[24 + 10] = 0xff;
		pkt[24 + 11] = 0xff;
		fix_igmp_csum(pkt, len);
		SEND(4, len);
		/* 5: bad IP header checksum, and a fragment */
		len = v3_report(pkt, 4, G_BAD, NULL, 0);
		pkt[10] ^= 0x11;
		SEND(5, len);
		len = v3_report(pkt, 4, G_BAD, NULL, 0);
		pkt[6] = 0x20;
		fix_ip_csum(pkt);
		SEND(5, len);
		/* 6: TTL not 1 */
		len = v3_report(pkt, 4, G_BAD, NULL, 0);
		pkt[8] = 64;
		fix_ip_csum(pkt);
		SEND(6, len);
		/* 7: no router alert */
		len = v3_report(pkt, 4, G_BAD, NULL, 0);
		memset(pkt + 20, 1, 4);
		fix_ip_csum(pkt);
		SEND(7, len);
		/* 8: a multicast source */
		len = v3_report(pkt, 1, G_BAD, srcs, 2);
		SEND(8, len);
		/* 8: a v3 leave of G1 with a broadcast source: still nothing */
		srcs[1] = ip4(255, 255, 255, 255);
		len = v3_report(pkt, 3, G1, srcs, 2);
		SEND(8, len);
		srcs[1] = ip4(224, 1, 2, 3);
	}
	/* Then a good report: processed after all the bad ones. */
	len = v3_report(pkt, 4, G_LAST, NULL, 0);
	ASSERT_EQ(0, lab_send_ip(fd, NULL, ifindex, pkt, len));
	ASSERT_LE(0, wait_entry(self->proto, 0, G_LAST, true, 2000 + SLACK_MS));
	close(fd);

	/* Every bad packet dropped and counted under its reason. */
	EXPECT_EQ(total, counter(CTL, "drops"));
	for (k = 0; k < ARRAY_SIZE(counters); k++) {
		EXPECT_EQ(want[k], counter(CTL, counters[k])) {
			TH_LOG("%s", counters[k]);
		}
	}
	/* And the table: what it was, plus the good report. */
	nafter = table(self->proto, &after);
	ASSERT_EQ(nbefore + 1, nafter);
	for (i = 0; i < nafter; i++) {
		EXPECT_NE(G_BAD, after[i].dwGroupAddr);
		EXPECT_NE(ip4(10, 9, 9, 9), after[i].dwGroupAddr);
	}
	EXPECT_TRUE(has(self->proto, 0, G1));
	EXPECT_EQ(2, counter(CTL, "joins"));
	free(before);
	free(after);
#undef SEND
}

/* --- routers ------------------------------------------------------------------------ */

TEST_F_TIMEOUT(igmpd, querier_election_lowest_address_wins, 60)
{
	char *r2argv[] = {
		"mgm-igmpd", "-c", "/tmp/igmpd_test_r2.sock", "-l", "debug",
		"-q", "2s", "-R", "1s", "-L", "500ms", "-i", "r1", NULL,
	};
	char *s;

	/* Us on r0 (10.5.0.2), router 2 on r1 (10.5.0.1), a host: one hub. */
	ASSERT_EQ(0, hub_start(self));
	ASSERT_EQ(0, lab_node_start(&self->router2));
	ASSERT_EQ(0, lab_veth("r1", self->router2.pid, "p9", self->hub.pid));
	ASSERT_EQ(0, lab_node_hub_port(&self->hub, "p9"));
	ASSERT_EQ(0, lab_node_sh(&self->router2,
				 "ip addr add 10.5.0.1/24 dev r1 && ip link set r1 up"));
	ASSERT_EQ(0, hub_host(self, 0));
	unlink("/tmp/igmpd_test_r2.log");
	self->igmpd2 = lab_node_spawn(&self->router2, "/tmp/igmpd_test_r2.log",
				      r2argv);
	ASSERT_LT(0, self->igmpd2);
	ASSERT_EQ(0, start_igmpd(self, IFACES("-i", "r0")));

	/* Router 2 has the lower address: it is the querier, we are not. */
	ASSERT_TRUE(wait_stats(CTL, "\"querier\":false,\"querier_address\":\"10.5.0.1\"",
			       10000));
	s = lab_ctl("/tmp/igmpd_test_r2.sock", "stats json");
	ASSERT_NE(NULL, s);
	EXPECT_NE(NULL, strstr(s, "\"querier\":true,\"querier_address\":\"10.5.0.1\""));
	free(s);

	/* A non-querier still learns the members. */
	ASSERT_EQ(0, lab_node_join(&self->host[0], "eth0", G1));
	ASSERT_LE(0, wait_entry(self->proto, 0, G1, true, 2000 + SLACK_MS));
	/* And the querier's own table has it too. */
	ASSERT_EQ(0, lab_node_sh(&self->router2, "mgmctl -j show >/tmp/igmpd_test_r2.json"));
	s = read_file("/tmp/igmpd_test_r2.json");
	ASSERT_NE(NULL, s);
	EXPECT_NE(NULL, strstr(s, "\"group\":\"239.1.1.1\""));
	free(s);

	/* The querier stops: we take over after the other querier interval. */
	ASSERT_EQ(0, kill(self->igmpd2, SIGTERM));
	wait_gone(self->igmpd2, 5000);
	self->igmpd2 = 0;
	ASSERT_TRUE(wait_stats(CTL, "\"querier\":true,\"querier_address\":\"10.5.0.2\"",
			       OQPI_MS + SLACK_MS));
	EXPECT_LE(2, counter(CTL, "querier_changes"));
	/* The member is still known, and still answers our queries. */
	EXPECT_TRUE(stays(self->proto, 0, G1, 2500));
}

TEST_F(igmpd, killed_daemon_leaves_nothing_and_restarts)
{
	long took;

	ASSERT_EQ(0, direct_host(self, 0, "r0", "10.1.0.1", "10.1.0.2"));
	ASSERT_EQ(0, start_igmpd(self, IFACES("-i", "r0")));
	ASSERT_EQ(0, lab_node_join(&self->host[0], "eth0", G1));
	ASSERT_LE(0, wait_entry(self->proto, 0, G1, true, 2000 + SLACK_MS));

	/* kill -9: its /dev/mgm file closes, everything goes (contract D10). */
	ASSERT_EQ(0, kill(self->igmpd, SIGKILL));
	ASSERT_LE(0, lab_wait(self->igmpd, 5000));
	self->igmpd = 0;
	EXPECT_EQ(0, entries(self->proto));
	EXPECT_EQ(0u, owner_of("r0"));

	/* A new daemon learns the member from its startup queries. */
	ASSERT_EQ(0, start_igmpd(self, IFACES("-i", "r0")));
	took = wait_entry(self->proto, 0, G1, true, 1000 + SLACK_MS);
	ASSERT_LE(0, took);
	TH_LOG("relearned after %ld ms", took);
}

TEST_F(igmpd, co_owns_with_a_routing_protocol)
{
	ASSERT_EQ(0, direct_host(self, 0, "r0", "10.1.0.1", "10.1.0.2"));
	ASSERT_EQ(NO_ERROR, MgmTakeInterfaceOwnership(self->proto,
						      if_nametoindex("r0"), 0));
	ASSERT_EQ(0, start_igmpd(self, IFACES("-i", "r0")));
	/* With IGMP as co-owner, the owner is the routing protocol. */
	EXPECT_EQ((DWORD)PIM, owner_of("r0"));
	ASSERT_EQ(0, lab_node_join(&self->host[0], "eth0", G1));
	ASSERT_LE(0, wait_entry(self->proto, 0, G1, true, 2000 + SLACK_MS));
	EXPECT_EQ(NO_ERROR, MgmReleaseInterfaceOwnership(self->proto,
							 if_nametoindex("r0"), 0));
	EXPECT_EQ(IGMP_ID, owner_of("r0"));
	EXPECT_TRUE(has(self->proto, 0, G1));
}

static int exit_status(char *const argv[], const char *log)
{
	pid_t pid = lab_spawn(log, argv);
	int st = pid > 0 ? lab_wait(pid, 10000) : -1;

	if (st < 0) {
		if (pid > 0)
			kill(pid, SIGKILL);
		return -1;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Run @argv without capability @cap (dropped from the bounding set). */
static int exit_status_without(int cap, char *const argv[], const char *log)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (!pid) {
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0))
			_exit(99);
		_exit(exit_status(argv, log));
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static bool log_has(const char *path, const char *what)
{
	char *s = read_file(path);
	bool yes = s && strstr(s, what);

	free(s);
	return yes;
}

TEST_F(igmpd, refuses_a_second_instance_and_bad_usage)
{
	const char *err = "/tmp/igmpd_test.err";

	ASSERT_EQ(0, direct_host(self, 0, "r0", "10.1.0.1", "10.1.0.2"));
	ASSERT_EQ(0, start_igmpd(self, IFACES("-i", "r0")));

	/* The same IGMP component again: exit 2, one line why. */
	unlink(err);
	EXPECT_EQ(2, exit_status(IFACES("mgm-igmpd", "-c", "@other", "-i", "r0"), err));
	EXPECT_TRUE(log_has(err, "already registered"));
	/* Another component: the interface has its IGMP already. */
	unlink(err);
	EXPECT_EQ(2, exit_status(IFACES("mgm-igmpd", "-c", "@other", "--component",
					"2", "-i", "r0"), err));
	EXPECT_TRUE(log_has(err, "IGMP already runs on this interface"));
	/* The same control socket. */
	unlink(err);
	EXPECT_EQ(2, exit_status(IFACES("mgm-igmpd", "-c", CTL, "-i", "r0"), err));
	EXPECT_TRUE(log_has(err, "control socket"));
	/* Without the privileges it needs: exit 2, saying which. */
	unlink(err);
	EXPECT_EQ(2, exit_status_without(CAP_NET_RAW, IFACES("mgm-igmpd", "-c",
							    "@other", "-i", "r0"), err));
	EXPECT_TRUE(log_has(err, "needs CAP_NET_RAW"));
	unlink(err);
	EXPECT_EQ(2, exit_status_without(CAP_NET_ADMIN, IFACES("mgm-igmpd", "-c",
							      "@other", "-i", "r0"), err));
	EXPECT_TRUE(log_has(err, "ERROR_ACCESS_DENIED"));
	/* Usage errors: exit 1. */
	EXPECT_EQ(1, exit_status(IFACES("mgm-igmpd"), err));
	EXPECT_EQ(1, exit_status(IFACES("mgm-igmpd", "-i", "r0", "-q", "1s",
					"-R", "2s"), err));
	/* No daemon at that socket. */
	EXPECT_EQ(2, exit_status(IFACES("mgm-igmpd", "-s", "-c", "@nobody"), err));
	/* The running one answers, in text too. */
	EXPECT_EQ(0, exit_status(IFACES("mgm-igmpd", "-s", "-c", CTL), err));
	EXPECT_TRUE(log_has(err, "interface r0: ifindex"));
	EXPECT_EQ(0, exit_status(IFACES("mgm-igmpd", "-G", "-j", "-c", CTL), err));
	EXPECT_TRUE(log_has(err, "["));
	/* Still serving, alone. */
	EXPECT_EQ(IGMP_ID, owner_of("r0"));
	EXPECT_EQ(-ETIMEDOUT, lab_wait(self->igmpd, 1));
}

TEST_F_TIMEOUT(igmpd, interface_comes_goes_and_comes_back, 60)
{
	const char *absent = "\"name\":\"r7\",\"ifindex\":0";
	int i;

	/* Not there yet: the daemon waits for it. */
	ASSERT_EQ(0, start_igmpd(self, IFACES("-i", "r7")));
	EXPECT_TRUE(wait_stats(CTL, absent, 0));

	for (i = 0; i < 2; i++) {
		uint32_t g = ip4(239, 7, 7, 1 + i);

		ASSERT_EQ(0, direct_host(self, i, "r7", "10.7.0.1", "10.7.0.2"));
		ASSERT_TRUE(wait_owner("r7", IGMP_ID, 5000));
		ASSERT_EQ(0, lab_node_join(&self->host[i], "eth0", g));
		ASSERT_LE(0, wait_entry(self->proto, 0, g, true, 2000 + SLACK_MS));

		/* The link goes: mgm drops what was on it, the daemon waits. */
		ASSERT_EQ(0, run("ip link del r7"));
		EXPECT_EQ(0, entries(self->proto));
		lab_node_kill(&self->host[i]);
		ASSERT_TRUE(wait_stats(CTL, absent, 5000));
	}
	EXPECT_EQ(0, counter(CTL, "mgm_errors"));
}

/* The number of threads of process @pid. */
static int threads_of(pid_t pid)
{
	char path[64], *s, *t;
	int n = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	s = read_file(path);
	if (s && (t = strstr(s, "Threads:")))
		n = atoi(t + 8);
	free(s);
	return n;
}

/*
 * DisableIgmp / EnableIgmp around a routing protocol's take and release:
 * the daemon gets them through the event descriptor in its own loop (no
 * library thread), and re-adds its memberships on EnableIgmp, which mgm
 * kept: a successful no-op, the table unchanged.
 */
TEST_F(igmpd, disable_and_enable_igmp_around_take_and_release)
{
	DWORD r0;

	ASSERT_EQ(0, direct_host(self, 0, "r0", "10.1.0.1", "10.1.0.2"));
	ASSERT_EQ(0, start_igmpd(self, IFACES("-i", "r0")));
	EXPECT_EQ(1, threads_of(self->igmpd));
	r0 = if_nametoindex("r0");
	ASSERT_EQ(0, lab_node_join(&self->host[0], "eth0", G1));
	ASSERT_EQ(0, lab_node_join_source(&self->host[0], "eth0", S1, G2));
	ASSERT_LE(0, wait_entry(self->proto, 0, G1, true, 2000 + SLACK_MS));
	ASSERT_LE(0, wait_entry(self->proto, S1, G2, true, 2000 + SLACK_MS));
	EXPECT_EQ(0, counter(CTL, "igmp_disabled"));

	ASSERT_EQ(NO_ERROR, MgmTakeInterfaceOwnership(self->proto, r0, 0));
	EXPECT_TRUE(wait_stats(CTL, "\"igmp_enabled\":1,", 2000 + SLACK_MS));
	EXPECT_EQ(1, counter(CTL, "igmp_disabled"));
	EXPECT_EQ(2, counter(CTL, "readds"));
	EXPECT_EQ(0, counter(CTL, "mgm_errors"));
	EXPECT_EQ(2, entries(self->proto));
	EXPECT_TRUE(log_has(LOG, "r0: DisableIgmp: membership changes held"));
	EXPECT_TRUE(log_has(LOG, "r0: EnableIgmp: 2 memberships added again"));

	ASSERT_EQ(NO_ERROR, MgmReleaseInterfaceOwnership(self->proto, r0, 0));
	EXPECT_TRUE(wait_stats(CTL, "\"igmp_enabled\":2,", 2000 + SLACK_MS));
	EXPECT_EQ(2, counter(CTL, "igmp_disabled"));
	EXPECT_EQ(4, counter(CTL, "readds"));
	EXPECT_EQ(2, entries(self->proto));
	/* Not held any more: a leave goes through. */
	ASSERT_EQ(0, lab_node_leave(&self->host[0], "eth0", G1));
	EXPECT_LE(0, wait_entry(self->proto, 0, G1, false, LMQT_MS + 2000 + SLACK_MS));
	EXPECT_EQ(1, threads_of(self->igmpd));
}

TEST_HARNESS_MAIN
