// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgm-bench: what deleting a network device costs while mgm holds a large
 * table. The device's ownerships and memberships go with it (docs: D10),
 * from mgm's netdevice notifier, which runs under rtnl_mutex: every other
 * rtnetlink user of the machine waits meanwhile. The time of one
 * RTM_DELLINK, request to acknowledgement, is measured for a dummy device
 * nobody owns, one owned with no membership, and one with K memberships
 * spread over the whole table (every n/K-th entry gets a second one).
 */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "bench.h"
#include "helpers.h"
#include "peers.h"

/* Delete interface @ifindex with one rtnetlink request; its time in ns. */
static uint64_t dellink_ns(int ifindex)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req = {
		.nh = {
			.nlmsg_len = sizeof(req),
			.nlmsg_type = RTM_DELLINK,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
			.nlmsg_seq = 1,
		},
		.ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex },
	};
	char buf[4096];
	const struct nlmsghdr *nh = (const void *)buf;
	uint64_t t0, ns;
	int sock, err;
	ssize_t len;

	sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (sock < 0)
		bench_die("netlink socket: %s", strerror(errno));
	t0 = now_ns();
	if (send(sock, &req, sizeof(req), 0) != (ssize_t)sizeof(req))
		bench_die("RTM_DELLINK: %s", strerror(errno));
	len = recv(sock, buf, sizeof(buf), 0);
	ns = now_ns() - t0;
	if (len < (ssize_t)(NLMSG_HDRLEN + sizeof(struct nlmsgerr)) ||
	    nh->nlmsg_type != NLMSG_ERROR)
		bench_die("RTM_DELLINK: no acknowledgement");
	err = ((const struct nlmsgerr *)NLMSG_DATA(nh))->error;
	if (err)
		bench_die("RTM_DELLINK: %s", strerror(-err));
	close(sock);
	return ns;
}

/* One device made, given @k memberships over a table of @n, deleted. */
static double netdev_del_ms(unsigned long n, unsigned long k, bool owned)
{
	struct mgmb d;
	uint64_t ns;
	int ifindex = make_dummy("benchd0");

	if (ifindex < 0)
		bench_die("cannot make a dummy interface");
	if (owned) {
		mgmb_open(&d, ifindex, 9);
		if (k)
			mgmb_add(&d, 0, k, n, n / k, true);
	}
	ns = dellink_ns(ifindex);
	if (owned)
		mgmb_close(&d);
	return ns / 1e6;
}

void bench_netdev_removal(unsigned long n, unsigned long k)
{
	bench_result("netdev_del_unowned", n, "ms",
		     netdev_del_ms(n, 0, false), false, "memberships=0");
	bench_result("netdev_del_owned", n, "ms", netdev_del_ms(n, 0, true),
		     false, "memberships=0");
	bench_result("netdev_del_members", n, "ms", netdev_del_ms(n, k, true),
		     false, "memberships=%lu", k);
}
