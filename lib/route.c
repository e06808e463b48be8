// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The namespace's unicast route to a source, as the kernel's (S,G) alert
 * rule sees it (contract D15): one RTM_GETROUTE over rtnetlink, the output
 * interface of the answer. Used only by the re-synchronisation after an
 * overflow (resync.c), on a socket it opens and closes itself; no state.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "internal.h"

int libmgm_route_open(void)
{
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	return s < 0 ? -errno : s;
}

int libmgm_route_oif(int sock, uint32_t dst, uint32_t *ifindex)
{
	struct {
		struct nlmsghdr nh;
		struct rtmsg rt;
		char attrs[RTA_SPACE(4)];
	} req = {
		.nh = {
			.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg)) + RTA_SPACE(4),
			.nlmsg_type = RTM_GETROUTE,
			.nlmsg_flags = NLM_F_REQUEST,
			.nlmsg_seq = 1,
		},
		.rt = { .rtm_family = AF_INET, .rtm_dst_len = 32 },
	};
	union {
		struct nlmsghdr nh;
		char buf[4096];
	} ans;
	struct rtattr *rta = (struct rtattr *)req.attrs;
	struct nlmsghdr *nh = &ans.nh;
	ssize_t len;
	int alen;

	rta->rta_type = RTA_DST;
	rta->rta_len = RTA_LENGTH(4);
	memcpy(RTA_DATA(rta), &dst, 4);
	if (send(sock, &req, req.nh.nlmsg_len, 0) < 0)
		return -errno;
	do {
		len = recv(sock, &ans, sizeof(ans), 0);
	} while (len < 0 && errno == EINTR);
	if (len < 0)
		return -errno;
	if (!NLMSG_OK(nh, (size_t)len))
		return -EIO;
	if (nh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(nh);

		return e->error ? e->error : -EIO;
	}
	if (nh->nlmsg_type != RTM_NEWROUTE)
		return -EIO;
	alen = (int)RTM_PAYLOAD(nh);
	for (rta = RTM_RTA(NLMSG_DATA(nh)); RTA_OK(rta, alen);
	     rta = RTA_NEXT(rta, alen)) {
		if (rta->rta_type == RTA_OIF &&
		    RTA_PAYLOAD(rta) >= sizeof(uint32_t)) {
			memcpy(ifindex, RTA_DATA(rta), sizeof(*ifindex));
			return 0;
		}
	}
	return -ENETUNREACH;
}
