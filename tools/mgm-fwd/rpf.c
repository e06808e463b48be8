// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RPF: the interface of the namespace's unicast route towards a source
 * (D19: an MFE's incoming interface), asked of the kernel with one
 * RTM_GETROUTE per new MFE on a netlink socket of its own, so it is the
 * route the kernel itself would use (policy rules included). One thread.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "fwd.h"

int rpf_open(void)
{
	struct timeval tv = { .tv_sec = 1 };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

int rpf_lookup(struct fwd *f, uint32_t source)
{
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
	rta = (struct rtattr *)req.attrs;
	rta->rta_type = RTA_DST;
	rta->rta_len = RTA_LENGTH(4);
	memcpy(RTA_DATA(rta), &source, 4);
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0)
		return 0;
	for (;;) {
		const struct nlmsghdr *nh;

		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return 0;	/* no answer within a second: no route */
		for (nh = (const void *)buf; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
			const struct rtmsg *rt = NLMSG_DATA(nh);
			int len;

			if (nh->nlmsg_seq != seq)
				continue;	/* a late answer to an earlier ask */
			if (nh->nlmsg_type != RTM_NEWROUTE)
				return 0;	/* NLMSG_ERROR: unreachable */
			len = (int)nh->nlmsg_len - NLMSG_LENGTH(sizeof(*rt));
			if (len < 0 || rt->rtm_type != RTN_UNICAST)
				return 0;
			for (rta = RTM_RTA(rt); RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
				if (rta->rta_type == RTA_OIF && RTA_PAYLOAD(rta) >= 4) {
					int oif;

					memcpy(&oif, RTA_DATA(rta), 4);
					return oif;
				}
			return 0;
		}
	}
}
