// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgm-fwd-bench [EXISTING [NEW]] - forwarding, mgm beside the real peers,
 * in one VM run (make bench runs it after its own measurements).
 *
 * A router namespace (ours, fresh) between a source node on link rs
 * (10.88.0.2) and a receiver node on r1 (10.88.1.2); datagrams are counted
 * at the receiver's link with a packet socket. Each forwarder gets the
 * same traffic, one after the other, interleaved where it is repeated:
 *
 *   fwd_pps      datagrams per second forwarded for one (S,G), mgm-fwd
 *                (a membership in forward state) vs the same (S,G) route
 *                installed by smcroute: the data path is the kernel's.
 *   flow_setup   new (S,G) flows per second that start being forwarded
 *                (first packet sent -> that packet at the receiver: the
 *                upcall, the forwarder, MRT_ADD_MFC, the queued packet
 *                sent on) while EXISTING (10000) flows already exist, NEW
 *                (1000) flows measured one after the other; mgm-fwd with
 *                a (*,G) membership per group vs smcroute's (*,G/16)
 *                rule (its (*,G) emulation). mgm-fwd's memory at
 *                EXISTING MFEs is reported with it.
 *   flow_setup_igmp  the same with the receiver's own IGMP joins of every
 *                group: mgm-igmpd + mgm-fwd vs igmpproxy;
 *   join_first   a receiver's IGMP join -> the first datagram of a flow
 *                that runs (one every millisecond) reaches it, median and
 *                p99 of ROUNDS (20), mgm-igmpd + mgm-fwd vs igmpproxy;
 *   leave_last   its leave -> the last datagram that reaches it, median
 *                (bound=window: still flowing when the 4 s watch ended).
 *
 * Each line is "bench: NAME n=N METRIC=VALUE ... peer=NAME", then the
 * ratios ("bench: NAME_ratio ... target=T"); a peer that is not in the
 * guest (testing/peers, vm-run --with) is a note. Exit status 0 unless
 * the lab or mgm could not be set up.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lab.h"
#include "mgm.h"

#define PORT		5000
#define FWD_CTL		"@mgm-fwd-bench"
#define IGMPD_CTL	"@mgm-fwd-bench-igmpd"
#define SRC_ADDR	0x0a580002u	/* 10.88.0.2 */
#define PPS_PACKETS	20000
#define PPS_ROUNDS	3
#define ROUNDS		20
#define PIM		3u
/* How long a leave is watched: a last datagram later than that is not seen. */
#define LEAVE_WINDOW_US	4000000ull

struct lab {
	struct lab_node src, rcv;
	int tx;			/* UDP socket of the source node */
	int rx;			/* packet socket on the receiver's eth0 */
	int rs, r1;		/* the router's ifindexes */
};

static void die(const char *what, int err)
{
	fprintf(stderr, "mgm-fwd-bench: %s: %s\n", what, strerror(err));
	exit(2);
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint32_t group_of(unsigned int base3, unsigned int i)
{
	return htonl(0xef000000u | base3 << 16 | (i & 0xffff));	/* 239.B.x.y */
}

static bool have(const char *prog)
{
	char path[64];

	snprintf(path, sizeof(path), "/usr/bin/%s", prog);
	return !access(path, X_OK);
}

/* --- the lab --------------------------------------------------------------- */

static void lab_up(struct lab *l)
{
	struct ip_mreqn mr = { 0 };
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(SRC_ADDR) };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP) };
	int ttl = 8, err, bytes = 8 << 20;

	/*
	 * 11000 joins on one socket need room for their option memory: global
	 * before 6.8 (set here, in the initial namespace), per namespace after
	 * (set in the receiver's too, below).
	 */
	lab_sysctl("/proc/sys/net/core/optmem_max", "16777216");
	if (unshare(CLONE_NEWNET))
		die("unshare", errno);
	if (system("ip link set lo up") || lab_sysctl("/proc/sys/net/ipv4/conf/all/forwarding", "1") ||
	    lab_sysctl("/proc/sys/net/ipv4/conf/all/rp_filter", "0") ||
	    lab_sysctl("/proc/sys/net/ipv4/conf/default/rp_filter", "0"))
		die("router settings", EIO);
	err = lab_node_start(&l->src);
	if (!err)
		err = lab_node_start(&l->rcv);
	if (!err)
		err = lab_veth("rs", 0, "eth0", l->src.pid);
	if (!err)
		err = lab_veth("r1", 0, "eth0", l->rcv.pid);
	if (err)
		die("nodes and links", -err);
	if (system("ip addr add 10.88.0.1/24 dev rs && ip link set rs up && "
		   "ip addr add 10.88.1.1/24 dev r1 && ip link set r1 up") ||
	    lab_node_sh(&l->src, "ip addr add 10.88.0.2/24 dev eth0 && ip link set eth0 up && "
			"ip route add default via 10.88.0.1") ||
	    lab_node_sh(&l->rcv, "ip addr add 10.88.1.2/24 dev eth0 && ip link set eth0 up && "
			"ip route add default via 10.88.1.1 && "
			"echo 20000 >/proc/sys/net/ipv4/igmp_max_memberships && "
			"{ echo 16777216 >/proc/sys/net/core/optmem_max; } 2>/dev/null; true"))
		die("addresses", EIO);
	l->rs = (int)if_nametoindex("rs");
	l->r1 = (int)if_nametoindex("r1");
	l->tx = lab_node_socket(&l->src, AF_INET, SOCK_DGRAM, 0);
	mr.imr_ifindex = lab_node_ifindex(&l->src, "eth0");
	if (l->tx < 0 || setsockopt(l->tx, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) ||
	    setsockopt(l->tx, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) ||
	    bind(l->tx, (struct sockaddr *)&sin, sizeof(sin)))
		die("source socket", errno);
	l->rx = lab_node_socket(&l->rcv, AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
	sll.sll_ifindex = lab_node_ifindex(&l->rcv, "eth0");
	if (l->rx < 0 || bind(l->rx, (struct sockaddr *)&sll, sizeof(sll)) ||
	    fcntl(l->rx, F_SETFL, O_NONBLOCK))
		die("receiver socket", errno);
	setsockopt(l->rx, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes));
}

static void send_to(struct lab *l, uint32_t group, uint32_t seq)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(PORT),
				  .sin_addr.s_addr = group };

	sendto(l->tx, &seq, sizeof(seq), 0, (struct sockaddr *)&to, sizeof(to));
}

/*
 * Read the receiver's link for up to @wait_us: the count of our datagrams
 * (to @group, or any when 0); *@last_us (if not NULL) the time the last one
 * was seen.
 */
static long rx_count(struct lab *l, uint32_t group, uint64_t wait_us, uint64_t *last_us)
{
	uint64_t end = now_us() + wait_us;
	unsigned char buf[2048];
	long n = 0;

	for (;;) {
		struct pollfd p = { .fd = l->rx, .events = POLLIN };
		uint64_t t = now_us();
		const struct iphdr *ip = (const void *)buf;
		const struct udphdr *udp;
		ssize_t len;

		if (t >= end)
			return n;
		len = recv(l->rx, buf, sizeof(buf), 0);
		if (len < 0) {
			poll(&p, 1, (int)((end - t) / 1000) + 1);
			continue;
		}
		if ((size_t)len < sizeof(*ip) + sizeof(*udp) || ip->protocol != IPPROTO_UDP)
			continue;
		udp = (const void *)(buf + ip->ihl * 4);
		if (udp->dest != htons(PORT) || (group && ip->daddr != group))
			continue;
		n++;
		if (last_us)
			*last_us = now_us();
	}
}

/* Wait for the first datagram to @group: its arrival time, 0 if none. */
static uint64_t rx_first(struct lab *l, uint32_t group, uint64_t wait_us)
{
	uint64_t end = now_us() + wait_us;
	unsigned char buf[2048];

	for (;;) {
		struct pollfd p = { .fd = l->rx, .events = POLLIN };
		uint64_t t = now_us();
		const struct iphdr *ip = (const void *)buf;
		ssize_t len;

		if (t >= end)
			return 0;
		len = recv(l->rx, buf, sizeof(buf), 0);
		if (len < 0) {
			poll(&p, 1, (int)((end - t) / 1000) + 1);
			continue;
		}
		if ((size_t)len >= sizeof(*ip) && ip->protocol == IPPROTO_UDP && ip->daddr == group)
			return now_us();
	}
}

static void rx_drain(struct lab *l)
{
	unsigned char buf[2048];

	while (recv(l->rx, buf, sizeof(buf), 0) >= 0)
		;
}

/* --- the forwarders ------------------------------------------------------- */

static pid_t spawn(char *const argv[], const char *log)
{
	pid_t pid = lab_spawn(log, argv);

	if (pid < 0)
		die(argv[0], (int)-pid);
	return pid;
}

static void stop(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGTERM);
		if (lab_wait(pid, 5000) < 0) {
			kill(pid, SIGKILL);
			lab_wait(pid, 5000);
		}
	}
	/* The next one may take ipmr once the old socket is gone. */
	usleep(100000);
}

static long long fwd_stat(const char *key)
{
	char *s = lab_ctl(FWD_CTL, "stats json");
	long long v = lab_json_num(s, key);

	free(s);
	return v;
}

/* mgm-fwd, up with VIFs for rs and r1. */
static pid_t start_mgm_fwd(void)
{
	char *argv[] = { "mgm-fwd", "-c", FWD_CTL, "-m", "100000", NULL };
	pid_t pid = spawn(argv, "/tmp/mgm-fwd-bench.log");
	int i;

	for (i = 0; i < 500 && fwd_stat("vifs_added") < 2; i++)
		usleep(10000);
	if (fwd_stat("vifs_added") < 2)
		die("mgm-fwd did not start (/tmp/mgm-fwd-bench.log)", EIO);
	return pid;
}

/* smcrouted with @conf (written to a file), up with its routes. */
static pid_t start_smcroute(const char *conf)
{
	char *argv[] = { "smcrouted", "-n", "-N", "-f", "/tmp/bench-smc.conf", "-u",
			 "/tmp/bench-smc.sock", NULL };
	FILE *f = fopen("/tmp/bench-smc.conf", "w");
	pid_t pid;

	if (!f || fputs(conf, f) < 0 || fclose(f))
		die("smcroute.conf", errno);
	pid = spawn(argv, "/tmp/bench-smc.log");
	usleep(500000);	/* it reads the file and adds its VIFs and routes */
	return pid;
}

/* Our protocol's memberships in forward state on r1 (mgm-fwd's source). */
static HANDLE mgm_proto(struct lab *l)
{
	ROUTING_PROTOCOL_CONFIG rpc = { 0 };
	HANDLE h;

	if (MgmRegisterMProtocol(&rpc, PIM, 1, &h) ||
	    MgmTakeInterfaceOwnership(h, (DWORD)l->rs, 0) ||
	    MgmTakeInterfaceOwnership(h, (DWORD)l->r1, 0))
		die("mgm protocol", EIO);
	return h;
}

static void mgm_unproto(struct lab *l, HANDLE h)
{
	MgmReleaseInterfaceOwnership(h, (DWORD)l->rs, 0);
	MgmReleaseInterfaceOwnership(h, (DWORD)l->r1, 0);
	MgmDeRegisterMProtocol(h);
}

/* --- fwd_pps ---------------------------------------------------------------- */

/* Blast PPS_PACKETS to @g: datagrams per second that reached r1. */
static double blast(struct lab *l, uint32_t g)
{
	uint64_t t0, t1, last = 0;
	long got;
	int i;

	/* Resolved first: the first packet makes the MFE. */
	send_to(l, g, 0);
	usleep(300000);
	rx_drain(l);
	t0 = now_us();
	for (i = 0; i < PPS_PACKETS; i++)
		send_to(l, g, (uint32_t)i);
	t1 = now_us();
	got = rx_count(l, g, 500000, &last);
	if (!last || last <= t0)
		return 0;
	(void)t1;
	return (double)got * 1e6 / (double)(last - t0);
}

static void bench_pps(struct lab *l)
{
	const uint32_t g = group_of(5, 1);
	double best[2] = { 0, 0 };
	int r;

	for (r = 0; r < PPS_ROUNDS; r++) {
		HANDLE h = mgm_proto(l);
		struct mgm_member m = {
			.source = htonl(SRC_ADDR), .source_mask = 0xffffffffu, .group = g,
			.group_mask = 0xffffffffu, .ifindex = (DWORD)l->r1,
			.flags = MGM_JOIN_STATE_FLAG | MGM_FORWARD_STATE_FLAG,
		};
		pid_t pid;
		double v;

		if (mgm_add_memberships(h, &m, 1, NULL))
			die("membership", EIO);
		pid = start_mgm_fwd();
		v = blast(l, g);
		if (v > best[0])
			best[0] = v;
		stop(pid);
		mgm_unproto(l, h);
		if (!have("smcrouted"))
			continue;
		pid = start_smcroute("phyint rs enable\nphyint r1 enable\n"
				     "mroute from rs source 10.88.0.2 group 239.5.0.1 to r1\n");
		v = blast(l, g);
		if (v > best[1])
			best[1] = v;
		stop(pid);
	}
	printf("bench: fwd_pps n=%d pps=%.0f peer=mgm-fwd\n", PPS_PACKETS, best[0]);
	if (!have("smcrouted")) {
		printf("bench: note no smcrouted in the guest: no fwd_pps ratio\n");
		return;
	}
	printf("bench: fwd_pps n=%d pps=%.0f peer=smcroute\n", PPS_PACKETS, best[1]);
	printf("bench: fwd_pps_ratio n=%d mgm_over_smcroute=%.3f target=0.95\n", PPS_PACKETS,
	       best[1] > 0 ? best[0] / best[1] : 0);
}

/* --- flow_setup --------------------------------------------------------------- */

/*
 * Make @existing flows of 239.6.0.0/16 (one datagram each, paced so the
 * kernel's ten unresolved entries are never all taken), then time @fresh
 * new ones one after the other: flows per second, 0 if one never came.
 */
static double flows(struct lab *l, unsigned int base, unsigned int existing,
		    unsigned int fresh, unsigned int *lost)
{
	uint64_t t0;
	unsigned int i;

	for (i = 0; i < existing; i++) {
		send_to(l, group_of(base, i), i);
		if (i % 4 == 3)
			usleep(1000);
	}
	usleep(1000000);
	rx_drain(l);
	*lost = 0;
	t0 = now_us();
	for (i = 0; i < fresh; i++) {
		uint32_t g = group_of(base, existing + i);

		send_to(l, g, i);
		if (!rx_first(l, g, 200000))
			++*lost;
	}
	return (double)fresh * 1e6 / (double)(now_us() - t0);
}

static long rss_kb(pid_t pid)
{
	char path[64], buf[4096], *p;
	long kb = -1;
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = 0;
	p = strstr(buf, "VmRSS:");
	if (p)
		kb = atol(p + 6);
	return kb;
}

static void bench_flows(struct lab *l, unsigned int existing, unsigned int fresh)
{
	unsigned int n = existing + fresh, i, lost;
	struct mgm_member *m = calloc(n, sizeof(*m));
	HANDLE h = mgm_proto(l);
	double mgm, smc;
	pid_t pid;

	if (!m)
		die("memory", ENOMEM);
	for (i = 0; i < n; i++)
		m[i] = (struct mgm_member){ .group = group_of(6, i), .group_mask = 0xffffffffu,
			.ifindex = (DWORD)l->r1,
			.flags = MGM_JOIN_STATE_FLAG | MGM_FORWARD_STATE_FLAG };
	if (mgm_add_memberships(h, m, n, NULL))
		die("memberships", EIO);
	free(m);
	pid = start_mgm_fwd();
	mgm = flows(l, 6, existing, fresh, &lost);
	printf("bench: flow_setup n=%u flows_per_s=%.0f existing=%lld lost=%u peer=mgm-fwd\n",
	       fresh, mgm, fwd_stat("mfes") - fresh, lost);
	printf("bench: fwd_memory n=%lld rss_kb=%ld peer=mgm-fwd\n", fwd_stat("mfes"), rss_kb(pid));
	stop(pid);
	mgm_unproto(l, h);
	if (!have("smcrouted")) {
		printf("bench: note no smcrouted in the guest: no flow_setup ratio\n");
		return;
	}
	pid = start_smcroute("phyint rs enable\nphyint r1 enable\n"
			     "mroute from rs group 239.6.0.0/16 to r1\n");
	smc = flows(l, 6, existing, fresh, &lost);
	printf("bench: flow_setup n=%u flows_per_s=%.0f lost=%u peer=smcroute\n", fresh, smc, lost);
	printf("bench: fwd_memory n=%u rss_kb=%ld peer=smcroute\n", n, rss_kb(pid));
	stop(pid);
	printf("bench: flow_setup_ratio n=%u mgm_over_smcroute=%.2f target=2\n", fresh,
	       smc > 0 ? mgm / smc : 0);
}

/*
 * The same with the receiver's own IGMP joins of every group (239.8/16):
 * mgm-igmpd + mgm-fwd against igmpproxy, each learning the groups from the
 * host's answers to its queries, then forwarding @fresh new flows while
 * @existing run.
 */
static void bench_flows_igmp(struct lab *l, unsigned int existing, unsigned int fresh)
{
	char *igmpd_argv[] = { "mgm-igmpd", "-c", IGMPD_CTL, "--forward", "-i", "rs", "-i", "r1",
			       "--max-groups", "65536", NULL };
	char *proxy_argv[] = { "igmpproxy", "-n", "/tmp/bench-igmpproxy.conf", NULL };
	unsigned int n = existing + fresh, lost;
	struct mgm_stats st;
	double mgm, proxy;
	pid_t igmpd, fwd, pid;
	FILE *f;
	int i;

	if (!have("igmpproxy")) {
		printf("bench: note no igmpproxy in the guest: no IGMP flow_setup ratio\n");
		return;
	}
	i = lab_node_join_range(&l->rcv, "eth0", group_of(8, 0), n);
	if (i) {
		printf("bench: note the receiver could not join %u groups (%s): no IGMP flow_setup\n",
		       n, strerror(-i));
		return;
	}
	igmpd = spawn(igmpd_argv, "/tmp/bench-igmpd-flows.log");
	/* Its startup queries: the host reports all its groups. */
	for (i = 0; i < 600; i++) {
		if (!mgm_get_stats(&st, sizeof(st)) && st.memberships >= n)
			break;
		usleep(100000);
	}
	if (st.memberships < n) {
		printf("bench: note mgm-igmpd learned %llu of %u groups: no IGMP flow_setup\n",
		       (unsigned long long)st.memberships, n);
		stop(igmpd);
		return;
	}
	fwd = start_mgm_fwd();
	mgm = flows(l, 8, existing, fresh, &lost);
	printf("bench: flow_setup_igmp n=%u flows_per_s=%.0f existing=%u lost=%u peer=mgm\n",
	       fresh, mgm, existing, lost);
	if (lost)
		mgm = 0;	/* no rate either: no ratio below */
	stop(fwd);
	stop(igmpd);
	f = fopen("/tmp/bench-igmpproxy.conf", "w");
	if (!f || fputs("phyint rs upstream ratelimit 0 threshold 1 altnet 10.88.0.0/24\n"
			"phyint r1 downstream ratelimit 0 threshold 1\n", f) < 0 || fclose(f))
		die("igmpproxy.conf", errno);
	pid = spawn(proxy_argv, "/tmp/bench-igmpproxy-flows.log");
	/*
	 * Ready when it forwards the last group the host joined (one of the
	 * existing flows, made anyway): its startup query's answers come
	 * within the v3 maximum response time (10 s), then it files 11000
	 * groups. At most a minute.
	 */
	for (i = 0; i < 30; i++) {
		send_to(l, group_of(8, existing - 1), 0);
		if (rx_first(l, group_of(8, existing - 1), 2000000))
			break;
	}
	proxy = flows(l, 8, existing, fresh, &lost);
	printf("bench: flow_setup_igmp n=%u flows_per_s=%.0f existing=%u lost=%u peer=igmpproxy\n",
	       fresh, proxy, existing, lost);
	stop(pid);
	/* A flow that never came is no rate: the peer did not forward it. */
	if (lost) {
		printf("bench: note igmpproxy did not forward %u of %u new flows (groups not learned?): no IGMP flow_setup ratio\n",
		       lost, fresh);
		return;
	}
	if (mgm > 0)
		printf("bench: flow_setup_igmp_ratio n=%u mgm_over_igmpproxy=%.2f target=2\n",
		       fresh, proxy > 0 ? mgm / proxy : 0);
}

/* --- join_first, leave_last ------------------------------------------------- */

struct ticker {
	struct lab *l;
	uint32_t group;
	volatile int run;
	pthread_t t;
};

/* One datagram every millisecond until stopped. */
static void *tick(void *arg)
{
	struct ticker *k = arg;
	uint32_t seq = 0;

	while (k->run) {
		send_to(k->l, k->group, seq++);
		usleep(1000);
	}
	return NULL;
}

/*
 * ROUNDS joins and leaves of a running flow: join -> first datagram and
 * leave -> last datagram, microseconds, into @join and @leave (sorted).
 */
static int join_leave(struct lab *l, unsigned int base, uint64_t *join, uint64_t *leave)
{
	int r, n = 0;

	for (r = 0; r < ROUNDS; r++) {
		struct ticker k = { .l = l, .group = group_of(7, base + (unsigned int)r), .run = 1 };
		uint64_t t0, first, last = 0;

		if (pthread_create(&k.t, NULL, tick, &k))
			die("thread", errno);
		usleep(200000);	/* the flow runs, nobody wants it */
		rx_drain(l);
		t0 = now_us();
		if (lab_node_join(&l->rcv, "eth0", k.group))
			die("join", EIO);
		first = rx_first(l, k.group, 5000000);
		usleep(300000);
		rx_drain(l);
		t0 = t0 && first ? first - t0 : 0;
		join[n] = t0;
		if (lab_node_leave(&l->rcv, "eth0", k.group))
			die("leave", EIO);
		first = now_us();
		rx_count(l, k.group, LEAVE_WINDOW_US, &last);
		leave[n] = last > first ? last - first : 0;
		k.run = 0;
		pthread_join(k.t, NULL);
		if (join[n])
			n++;
	}
	qsort(join, (size_t)n, sizeof(*join), cmp_u64);
	qsort(leave, (size_t)n, sizeof(*leave), cmp_u64);
	return n;
}

/* The lines of @n sorted rounds of one peer. */
static void print_join_leave(const char *peer, int n, const uint64_t *join,
			     const uint64_t *leave)
{
	printf("bench: join_first n=%d median_us=%llu p99_us=%llu peer=%s\n", n,
	       (unsigned long long)join[n / 2], (unsigned long long)join[(n * 99) / 100], peer);
	printf("bench: leave_last n=%d median_us=%llu%s peer=%s\n", n,
	       (unsigned long long)leave[n / 2],
	       leave[n / 2] + 100000 >= LEAVE_WINDOW_US ? " bound=window" : "", peer);
}

static void bench_join(struct lab *l)
{
	char *igmpd_argv[] = { "mgm-igmpd", "-c", IGMPD_CTL, "--forward", "-i", "rs", "-i", "r1",
			       "-L", "100ms", "-n", "1", NULL };
	char *proxy_argv[] = { "igmpproxy", "-n", "/tmp/bench-igmpproxy.conf", NULL };
	uint64_t join[2][ROUNDS], leave[2][ROUNDS];
	int n[2] = { 0, 0 }, i;
	pid_t igmpd, fwd, proxy;
	FILE *f;

	igmpd = spawn(igmpd_argv, "/tmp/bench-igmpd.log");
	for (i = 0; i < 300; i++) {
		char *s = lab_ctl(IGMPD_CTL, "stats json");

		free(s);
		if (s)
			break;
		usleep(10000);
	}
	fwd = start_mgm_fwd();
	n[0] = join_leave(l, 0, join[0], leave[0]);
	stop(fwd);
	stop(igmpd);
	if (n[0])
		print_join_leave("mgm", n[0], join[0], leave[0]);
	if (!have("igmpproxy")) {
		printf("bench: note no igmpproxy in the guest: no join ratio\n");
		return;
	}
	f = fopen("/tmp/bench-igmpproxy.conf", "w");
	if (!f || fputs("quickleave\n"
			"phyint rs upstream ratelimit 0 threshold 1 altnet 10.88.0.0/24\n"
			"phyint r1 downstream ratelimit 0 threshold 1\n", f) < 0 || fclose(f))
		die("igmpproxy.conf", errno);
	proxy = spawn(proxy_argv, "/tmp/bench-igmpproxy.log");
	usleep(500000);
	n[1] = join_leave(l, 100, join[1], leave[1]);
	stop(proxy);
	if (!n[1]) {
		printf("bench: note igmpproxy forwarded nothing (/tmp/bench-igmpproxy.log)\n");
		return;
	}
	print_join_leave("igmpproxy", n[1], join[1], leave[1]);
	if (n[0])
		printf("bench: join_first_ratio n=%d mgm_over_igmpproxy=%.2f target=1 lower=better\n",
		       n[0], (double)join[0][n[0] / 2] / (double)join[1][n[1] / 2]);
}

int main(int argc, char **argv)
{
	unsigned int existing = argc > 1 ? (unsigned int)atoi(argv[1]) : 10000;
	unsigned int fresh = argc > 2 ? (unsigned int)atoi(argv[2]) : 1000;
	struct lab l;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	memset(&l, 0, sizeof(l));
	lab_up(&l);
	bench_pps(&l);
	bench_flows(&l, existing, fresh);
	/* Before the many joins of the next, which load igmpproxy for long. */
	bench_join(&l);
	bench_flows_igmp(&l, existing, fresh);
	lab_node_kill(&l.src);
	lab_node_kill(&l.rcv);
	return 0;
}
