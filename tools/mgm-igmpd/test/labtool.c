// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgm-igmpd-lab - what busybox cannot do for the demo (and for trying
 * mgm-igmpd by hand in the VM):
 *
 *   mgm-igmpd-lab veth NAME[@PID] PEER[@PID]
 *	a veth pair with both names chosen, each end in the network
 *	namespace of PID (default: ours)
 *   mgm-igmpd-lab join IFNAME GROUP [SOURCE]
 *	join GROUP (or SOURCE's channel of it) on IFNAME with the socket API
 *	and hold the membership until SIGTERM or SIGINT: the kernel's IGMP
 *	reports it, and reports the leave when we exit
 *   mgm-igmpd-lab send IFNAME GROUP COUNT
 *	send COUNT UDP datagrams to GROUP port 5000 out of IFNAME, TTL 8,
 *	10 ms apart (mgm-fwd's demo: the source)
 *   mgm-igmpd-lab count IFNAME GROUP SECONDS
 *	count the UDP datagrams to GROUP port 5000 that reach IFNAME's link
 *	for SECONDS (a packet socket: whether or not anyone joined), print
 *	the number
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "lab.h"

static int usage(void)
{
	fputs("usage: mgm-igmpd-lab veth NAME[@PID] PEER[@PID]\n"
	      "       mgm-igmpd-lab join IFNAME GROUP [SOURCE]\n"
	      "       mgm-igmpd-lab send IFNAME GROUP COUNT\n"
	      "       mgm-igmpd-lab count IFNAME GROUP SECONDS\n", stderr);
	return 1;
}

/* "name@pid" -> name, pid */
static int split(char *arg, pid_t *pid)
{
	char *at = strchr(arg, '@');

	*pid = 0;
	if (!at)
		return 0;
	*at = 0;
	*pid = (pid_t)atoi(at + 1);
	return *pid > 0 ? 0 : -1;
}

static int cmd_veth(char *name, char *peer)
{
	pid_t a, b;
	int err;

	if (split(name, &a) || split(peer, &b))
		return usage();
	err = lab_veth(name, a, peer, b);
	if (err) {
		fprintf(stderr, "mgm-igmpd-lab: veth %s %s: %s\n", name, peer,
			strerror(-err));
		return 2;
	}
	return 0;
}

static int cmd_join(const char *ifname, const char *group, const char *source)
{
	unsigned int ifindex = if_nametoindex(ifname);
	struct group_source_req gsr = { .gsr_interface = ifindex };
	struct sockaddr_in *g = (struct sockaddr_in *)&gsr.gsr_group;
	struct sockaddr_in *s = (struct sockaddr_in *)&gsr.gsr_source;
	sigset_t set;
	int fd, sig;

	if (!ifindex) {
		fprintf(stderr, "mgm-igmpd-lab: no interface %s\n", ifname);
		return 2;
	}
	g->sin_family = s->sin_family = AF_INET;
	if (inet_pton(AF_INET, group, &g->sin_addr) != 1 ||
	    (source && inet_pton(AF_INET, source, &s->sin_addr) != 1))
		return usage();
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 ||
	    setsockopt(fd, IPPROTO_IP,
		       source ? MCAST_JOIN_SOURCE_GROUP : MCAST_JOIN_GROUP,
		       &gsr, source ? sizeof(gsr) : sizeof(struct group_req))) {
		fprintf(stderr, "mgm-igmpd-lab: join %s: %s\n", group,
			strerror(errno));
		return 2;
	}
	printf("host: joined %s%s%s on %s\n", source ? source : "",
	       source ? "," : "", group, ifname);
	fflush(stdout);
	sigwait(&set, &sig);
	close(fd);		/* the kernel reports the leave */
	printf("host: left %s on %s\n", group, ifname);
	return 0;
}

#define LAB_PORT	5000

static int cmd_send(const char *ifname, const char *group, const char *count)
{
	struct ip_mreqn mr = { .imr_ifindex = (int)if_nametoindex(ifname) };
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(LAB_PORT) };
	int fd, ttl = 8, n = atoi(count), i, sent = 0;

	if (!mr.imr_ifindex || n <= 0 || inet_pton(AF_INET, group, &to.sin_addr) != 1)
		return usage();
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr))) {
		fprintf(stderr, "mgm-igmpd-lab: send: %s\n", strerror(errno));
		return 2;
	}
	for (i = 0; i < n; i++) {
		if (sendto(fd, &i, sizeof(i), 0, (struct sockaddr *)&to, sizeof(to)) ==
		    sizeof(i))
			sent++;
		usleep(10000);
	}
	printf("source: sent %d datagrams to %s\n", sent, group);
	return sent == n ? 0 : 2;
}

static int cmd_count(const char *ifname, const char *group, const char *seconds)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP),
		.sll_ifindex = (int)if_nametoindex(ifname),
	};
	uint64_t end = lab_now_ms() + 1000 * (uint64_t)atoi(seconds);
	unsigned char buf[2048];
	struct in_addr g;
	int fd, n = 0;

	if (!sll.sll_ifindex || atoi(seconds) <= 0 || inet_pton(AF_INET, group, &g) != 1)
		return usage();
	fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		fprintf(stderr, "mgm-igmpd-lab: count: %s\n", strerror(errno));
		return 2;
	}
	for (;;) {
		uint64_t now = lab_now_ms();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		const struct iphdr *ip = (const void *)buf;
		const struct udphdr *udp;
		ssize_t len;

		if (now >= end)
			break;
		if (poll(&pfd, 1, (int)(end - now)) <= 0)
			continue;
		len = recv(fd, buf, sizeof(buf), 0);
		if (len < (ssize_t)(sizeof(*ip) + sizeof(*udp)) || ip->protocol != IPPROTO_UDP)
			continue;
		udp = (const void *)(buf + ip->ihl * 4);
		if (ip->daddr == g.s_addr && udp->dest == htons(LAB_PORT))
			n++;
	}
	printf("%d\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "send"))
		return cmd_send(argv[2], argv[3], argv[4]);
	if (argc == 5 && !strcmp(argv[1], "count"))
		return cmd_count(argv[2], argv[3], argv[4]);
	if (argc == 4 && !strcmp(argv[1], "veth"))
		return cmd_veth(argv[2], argv[3]);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "join"))
		return cmd_join(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	return usage();
}
