// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RPF: the namespace's unicast route towards a source (D19: its interface
 * is an MFE's incoming one), asked of the kernel with one RTM_GETROUTE per
 * new MFE on a netlink socket of its own, so it is the route the kernel
 * itself would use (policy rules included). RTM_F_FIB_MATCH makes the
 * answer the route as the table holds it (its prefix, its protocol; a
 * multipath route's first hop). One thread.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "fwd.h"

#ifndef RTM_F_FIB_MATCH
#define RTM_F_FIB_MATCH	0x2000
#endif

int rpf_open(void)
{
	struct timeval tv = { .tv_sec = 1 };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

struct fwd_route rpf_lookup(struct fwd *f, uint32_t source)
{
	struct fwd_route route = { 0 };
	int fd = f->rt_fd;
	uint32_t seq = ++f->rt_seq;
	struct {
		struct nlmsghdr nh;
		struct rtmsg rt;
		char attrs[RTA_SPACE(4)];
	} req;
	char buf[4096] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct rtattr *rta;
	ssize_t n;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.rt) + RTA_SPACE(4));
	req.nh.nlmsg_type = RTM_GETROUTE;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.nh.nlmsg_seq = seq;
	req.rt.rtm_family = AF_INET;
	req.rt.rtm_dst_len = 32;
	req.rt.rtm_flags = RTM_F_FIB_MATCH;
	rta = (struct rtattr *)req.attrs;
	rta->rta_type = RTA_DST;
	rta->rta_len = RTA_LENGTH(4);
	memcpy(RTA_DATA(rta), &source, 4);
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0)
		return route;
	for (;;) {
		const struct nlmsghdr *nh;

		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return route;	/* no answer within a second: no route */
		for (nh = (const void *)buf; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
			const struct rtmsg *rt = NLMSG_DATA(nh);
			int len;

			if (nh->nlmsg_seq != seq)
				continue;	/* a late answer to an earlier ask */
			if (nh->nlmsg_type != RTM_NEWROUTE)
				return route;	/* NLMSG_ERROR: unreachable */
			len = (int)nh->nlmsg_len - NLMSG_LENGTH(sizeof(*rt));
			if (len < 0 || rt->rtm_type != RTN_UNICAST || rt->rtm_dst_len > 32)
				return route;
			route.mask = rt->rtm_dst_len ? htonl(~0u << (32 - rt->rtm_dst_len)) : 0;
			route.protocol = rt->rtm_protocol;
			for (rta = RTM_RTA(rt); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
				if (rta->rta_type == RTA_DST && RTA_PAYLOAD(rta) >= 4)
					memcpy(&route.network, RTA_DATA(rta), 4);
				if (rta->rta_type == RTA_OIF && RTA_PAYLOAD(rta) >= 4)
					memcpy(&route.ifindex, RTA_DATA(rta), 4);
				if (rta->rta_type == RTA_MULTIPATH && !route.ifindex &&
				    RTA_PAYLOAD(rta) >= sizeof(struct rtnexthop)) {
					const struct rtnexthop *nhp = RTA_DATA(rta);

					route.ifindex = nhp->rtnh_ifindex;
				}
			}
			return route;
		}
	}
}
