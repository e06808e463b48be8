// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgm-bench: the kernel's IPv4 multicast forwarding cache (ipmr). A raw
 * IGMP socket becomes the multicast-routing socket (MRT_INIT), two dummy
 * interfaces become VIFs 0 and 1, and each (S,G) is an MFC entry arriving
 * on VIF 0 and forwarded to VIF 1 (MRT_ADD_MFC). It is read back through
 * rtnetlink (RTM_GETROUTE, family RTNL_FAMILY_IPMR, a dump) and through
 * /proc/net/ip_mr_cache. Both restart from the head of the MFC list on
 * every call and skip what they returned before, so a full read costs
 * O(n^2 / records per call): the dumps stop at a time limit.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/mroute.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include "bench.h"
#include "peers.h"

static char dump_buf[BENCH_BUF];

static void ipmr_add_vif(int sock, vifi_t vifi, int ifindex)
{
	struct vifctl v = {
		.vifc_vifi = vifi,
		.vifc_flags = VIFF_USE_IFINDEX,
		.vifc_threshold = 1,
		.vifc_lcl_ifindex = ifindex,
	};

	if (setsockopt(sock, IPPROTO_IP, MRT_ADD_VIF, &v, sizeof(v)))
		bench_die("MRT_ADD_VIF %d: %s", vifi, strerror(errno));
}

int ipmr_open(int ifindex0, int ifindex1)
{
	int one = 1, sock;

	sock = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_IGMP);
	if (sock < 0)
		bench_die("raw IGMP socket: %s", strerror(errno));
	if (setsockopt(sock, IPPROTO_IP, MRT_INIT, &one, sizeof(one)))
		bench_die("MRT_INIT: %s", strerror(errno));
	ipmr_add_vif(sock, 0, ifindex0);
	ipmr_add_vif(sock, 1, ifindex1);
	return sock;
}

void ipmr_close(int sock)
{
	if (setsockopt(sock, IPPROTO_IP, MRT_DONE, NULL, 0))
		bench_die("MRT_DONE: %s", strerror(errno));
	close(sock);
}

uint64_t ipmr_add(int sock, unsigned long from, unsigned long to)
{
	struct mfcctl mfc = { .mfcc_parent = 0 };
	uint64_t i, t0 = now_ns();
	struct bench_sg sg;

	mfc.mfcc_ttls[1] = 1;
	for (i = from; i < to; i++) {
		sg = bench_sg(i);
		mfc.mfcc_origin.s_addr = sg.source;
		mfc.mfcc_mcastgrp.s_addr = sg.group;
		if (setsockopt(sock, IPPROTO_IP, MRT_ADD_MFC, &mfc, sizeof(mfc)))
			bench_die("MRT_ADD_MFC: %s", strerror(errno));
	}
	return now_ns() - t0;
}

/* Count the RTM_NEWROUTE messages of one recv(); 1 = NLMSG_DONE seen. */
static int nl_count(const char *buf, ssize_t len, unsigned long *records)
{
	const struct nlmsghdr *nh = (const void *)buf;

	for (; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
		if (nh->nlmsg_type == NLMSG_DONE)
			return 1;
		if (nh->nlmsg_type == NLMSG_ERROR)
			bench_die("ipmr dump: netlink error %d",
				  ((const struct nlmsgerr *)NLMSG_DATA(nh))->error);
		if (nh->nlmsg_type == RTM_NEWROUTE)
			(*records)++;
	}
	return 0;
}

uint64_t ipmr_dump_netlink(unsigned long expect, uint64_t limit_ns,
			   unsigned long *records, bool *stopped)
{
	struct {
		struct nlmsghdr nh;
		struct rtmsg rtm;
	} req = {
		.nh = {
			.nlmsg_len = sizeof(req),
			.nlmsg_type = RTM_GETROUTE,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
			.nlmsg_seq = 1,
		},
		.rtm = { .rtm_family = RTNL_FAMILY_IPMR },
	};
	uint64_t t0 = now_ns(), ns;
	unsigned long count = 0;
	int sock, done = 0;
	ssize_t r;

	sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (sock < 0)
		bench_die("netlink socket: %s", strerror(errno));
	if (send(sock, &req, sizeof(req), 0) != sizeof(req))
		bench_die("RTM_GETROUTE: %s", strerror(errno));
	*stopped = false;
	while (!done) {
		r = recv(sock, dump_buf, sizeof(dump_buf), 0);
		if (r < 0)
			bench_die("ipmr dump recv: %s", strerror(errno));
		done = nl_count(dump_buf, r, &count);
		if (!done && now_ns() - t0 > limit_ns) {
			*stopped = true;
			break;
		}
	}
	ns = now_ns() - t0;
	close(sock);
	if (!*stopped && count != expect)
		bench_die("ipmr netlink dump: %lu records, expected %lu",
			  count, expect);
	*records = count;
	return ns;
}

uint64_t ipmr_dump_proc(unsigned long expect, uint64_t limit_ns,
			unsigned long *records, bool *stopped)
{
	uint64_t t0 = now_ns(), ns;
	unsigned long lines = 0;
	ssize_t r, i;
	int fd;

	fd = open("/proc/net/ip_mr_cache", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		bench_die("/proc/net/ip_mr_cache: %s", strerror(errno));
	*stopped = false;
	for (;;) {
		r = read(fd, dump_buf, sizeof(dump_buf));
		if (r < 0)
			bench_die("read /proc/net/ip_mr_cache: %s",
				  strerror(errno));
		if (!r)
			break;
		for (i = 0; i < r; i++)
			lines += dump_buf[i] == '\n';
		if (now_ns() - t0 > limit_ns) {
			*stopped = true;
			break;
		}
	}
	ns = now_ns() - t0;
	close(fd);
	lines = lines ? lines - 1 : 0;	/* the column titles */
	if (!*stopped && lines != expect)
		bench_die("/proc/net/ip_mr_cache: %lu entries, expected %lu",
			  lines, expect);
	*records = lines;
	return ns;
}
