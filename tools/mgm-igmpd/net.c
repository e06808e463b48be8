// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Sockets.
 *
 * Receiving: one AF_PACKET socket per served interface, filtered in the
 * kernel (classic BPF) to IPv4 protocol 2 that the link delivered to us,
 * with the interface in all-multicast mode. The IP layer alone would not
 * do: it only hands a raw IGMP socket the v2 reports for groups the router
 * itself joined, unless the daemon took the kernel's multicast routing
 * socket (MRT_INIT), which belongs to the routing protocol, not to IGMP.
 * So every check the IP layer would make is packet.c's (header checksum,
 * lengths, fragments, options) on top of IGMP's own.
 *
 * Sending: one raw IGMP socket with the router alert option (RFC 2113),
 * TTL 1, TOS 0xc0 (internetwork control, RFC 3376 §4), no loopback, the
 * interface and source address chosen per packet with IP_PKTINFO. It never
 * receives (a drop-all filter), so its queue stays empty.
 *
 * The link monitor: rtnetlink link and IPv4 address notifications, so that
 * interfaces can come, go and change address while the daemon runs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include "net.h"

#define RX_BUF_BYTES	(4 << 20)

static int fail_close(int fd)
{
	int err = -errno;

	close(fd);
	return err;
}

int net_open_rx(int ifindex)
{
	/* Outgoing and other hosts' frames: no; IPv4 protocol 2: yes. */
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OTHERHOST, 2, 0),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_IGMP, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
	};
	struct sock_fprog prog = { .len = ARRAY_SIZE(code), .filter = code };
	struct packet_mreq mr = {
		.mr_ifindex = ifindex, .mr_type = PACKET_MR_ALLMULTI,
	};
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IP),
		.sll_ifindex = ifindex,
	};
	int bytes = RX_BUF_BYTES, fd;

	/* Protocol 0: nothing arrives before the filter is on. */
	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) ||
	    setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)))
		return fail_close(fd);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		return fail_close(fd);
	return fd;
}

ssize_t net_recv(int fd, void *buf, size_t len)
{
	ssize_t n = recv(fd, buf, len, MSG_TRUNC);

	if (n < 0)
		return -errno;
	if ((size_t)n > len)
		return (ssize_t)len;	/* truncated: packet.c drops it */
	return n;
}

int net_open_tx(void)
{
	static const uint8_t ra[4] = { 148, 4, 0, 0 };	/* router alert */
	struct sock_filter none[] = { BPF_STMT(BPF_RET | BPF_K, 0) };
	struct sock_fprog prog = { .len = 1, .filter = none };
	int ttl = 1, loop = 0, tos = 0xc0, fd;

	fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    IPPROTO_IGMP);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) ||
	    setsockopt(fd, IPPROTO_IP, IP_OPTIONS, ra, sizeof(ra)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof(loop)) ||
	    setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos)))
		return fail_close(fd);
	return fd;
}

int net_send(int fd, int ifindex, uint32_t saddr, uint32_t daddr,
	     const void *buf, size_t len)
{
	struct sockaddr_in to = {
		.sin_family = AF_INET, .sin_addr.s_addr = htonl(daddr),
	};
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = {
		.msg_name = &to, .msg_namelen = sizeof(to),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *cm;
	struct in_pktinfo pi = {
		.ipi_ifindex = ifindex, .ipi_spec_dst.s_addr = htonl(saddr),
	};

	memset(&ctl, 0, sizeof(ctl));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = IPPROTO_IP;
	cm->cmsg_type = IP_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	if (sendmsg(fd, &msg, 0) < 0)
		return -errno;
	return 0;
}

uint32_t net_if_addr(int fd, const char *ifname)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	ifr.ifr_addr.sa_family = AF_INET;
	if (ioctl(fd, SIOCGIFADDR, &ifr))
		return 0;
	return ntohl(((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr);
}

int net_open_monitor(void)
{
	struct sockaddr_nl snl = {
		.nl_family = AF_NETLINK,
		.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR,
	};
	int fd, bytes = 1 << 20;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
	if (bind(fd, (struct sockaddr *)&snl, sizeof(snl)))
		return fail_close(fd);
	return fd;
}

static void link_event(const struct nlmsghdr *nh, net_event_fn fn, void *ctx)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(nh);
	int len = (int)nh->nlmsg_len - NLMSG_LENGTH(sizeof(*ifi));
	const struct rtattr *rta = IFLA_RTA(ifi);
	char name[IFNAMSIZ] = "";

	if (len < 0)
		return;
	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if (rta->rta_type == IFLA_IFNAME) {
			size_t n = RTA_PAYLOAD(rta);

			if (n >= IFNAMSIZ)
				n = IFNAMSIZ - 1;
			memcpy(name, RTA_DATA(rta), n);
			name[n] = 0;
		}
	}
	fn(ctx, nh->nlmsg_type == RTM_NEWLINK ? NET_LINK_NEW : NET_LINK_DEL,
	   ifi->ifi_index, name);
}

int net_monitor_read(int fd, net_event_fn fn, void *ctx)
{
	char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		const struct nlmsghdr *nh;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			if (errno == ENOBUFS) {	/* missed some: look again */
				fn(ctx, NET_RESYNC, 0, "");
				continue;
			}
			return -errno;
		}
		for (nh = (const struct nlmsghdr *)buf; NLMSG_OK(nh, n);
		     nh = NLMSG_NEXT(nh, n)) {
			switch (nh->nlmsg_type) {
			case RTM_NEWLINK:
			case RTM_DELLINK:
				if (nh->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifinfomsg)))
					link_event(nh, fn, ctx);
				break;
			case RTM_NEWADDR:
			case RTM_DELADDR:
				if (nh->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifaddrmsg))) {
					const struct ifaddrmsg *ifa = NLMSG_DATA(nh);

					fn(ctx, NET_ADDR, (int)ifa->ifa_index, "");
				}
				break;
			}
		}
	}
}
