// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lab - network namespaces, links, hosts and hubs for mgm-igmpd's tests:
 * see lab.h.
 *
 * A node is a forked child that unshared its network namespace and serves
 * requests on a SOCK_SEQPACKET socketpair, one fixed-size request and one
 * reply (an int, and a file descriptor for lab_node_socket) at a time. As
 * a hub it also repeats every frame that arrives on one of its ports to
 * all the others, through one ETH_P_ALL packet socket.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <linux/if_ether.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lab.h"

enum lab_op {
	OP_SH, OP_JOIN, OP_LEAVE, OP_JOIN_SRC, OP_LEAVE_SRC, OP_JOIN_RANGE,
	OP_SOCKET, OP_HUB_PORT, OP_SPAWN, OP_IFINDEX,
};

#define LAB_DATA	4096
#define HUB_PORTS	32

struct lab_req {
	int op;
	int i0, i1, i2;
	uint32_t u0, u1, u2;
	char ifname[IFNAMSIZ];
	uint32_t len;
	char data[LAB_DATA];	/* shell command; log path and argv */
};

uint64_t lab_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int lab_sysctl(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		err = -errno;
	close(fd);
	return err;
}

static int link_up(const char *ifname)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		err = -errno;
	} else {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr))
			err = -errno;
	}
	close(fd);
	return err;
}

static pid_t spawn(const char *log, char *const argv[], int deathsig)
{
	pid_t parent = getpid(), pid = fork();
	int fd;

	if (pid < 0)
		return -errno;
	if (pid)
		return pid;
	prctl(PR_SET_PDEATHSIG, deathsig);
	if (getppid() != parent)
		_exit(126);
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
	}
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0) {
		dup2(fd, 0);
		close(fd);
	}
	execvp(argv[0], argv);
	fprintf(stderr, "lab: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

pid_t lab_spawn(const char *log, char *const argv[])
{
	return spawn(log, argv, SIGTERM);
}

int lab_wait(pid_t pid, int ms)
{
	uint64_t end = lab_now_ms() + (uint64_t)ms;
	int status;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		if (r < 0)
			return -errno;
		if (lab_now_ms() >= end)
			return -ETIMEDOUT;
		usleep(10000);
	}
}

/* --- the node -------------------------------------------------------------------- */

struct node_state {
	int sock, jfd, hub;
	int ports[HUB_PORTS];
	int nports;
};

static int send_reply(int sock, int ret, int fd)
{
	struct iovec iov = { .iov_base = &ret, .iov_len = sizeof(ret) };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		struct cmsghdr *cm;

		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	return sendmsg(sock, &msg, 0) < 0 ? -errno : 0;
}

static void hub_forward(struct node_state *st)
{
	uint8_t buf[65536];

	for (;;) {
		struct sockaddr_ll from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(st->hub, buf, sizeof(buf), MSG_DONTWAIT,
				     (struct sockaddr *)&from, &flen);
		bool ours = false;
		int i;

		if (n < 0)
			return;
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		for (i = 0; i < st->nports; i++)
			if (st->ports[i] == from.sll_ifindex)
				ours = true;
		if (!ours)
			continue;
		for (i = 0; i < st->nports; i++) {
			struct sockaddr_ll to = {
				.sll_family = AF_PACKET,
				.sll_ifindex = st->ports[i],
			};

			if (st->ports[i] == from.sll_ifindex)
				continue;
			sendto(st->hub, buf, (size_t)n, 0,
			       (struct sockaddr *)&to, sizeof(to));
		}
	}
}

static int node_join(struct node_state *st, const struct lab_req *r, bool join)
{
	struct ip_mreqn mr = {
		.imr_multiaddr.s_addr = r->u0,
		.imr_ifindex = (int)if_nametoindex(r->ifname),
	};

	if (setsockopt(st->jfd, IPPROTO_IP,
		       join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP,
		       &mr, sizeof(mr)))
		return -errno;
	return 0;
}

static int node_join_source(struct node_state *st, const struct lab_req *r,
			    bool join)
{
	struct group_source_req gsr = {
		.gsr_interface = if_nametoindex(r->ifname),
	};
	struct sockaddr_in *g = (struct sockaddr_in *)&gsr.gsr_group;
	struct sockaddr_in *s = (struct sockaddr_in *)&gsr.gsr_source;

	g->sin_family = AF_INET;
	g->sin_addr.s_addr = r->u0;
	s->sin_family = AF_INET;
	s->sin_addr.s_addr = r->u1;
	if (setsockopt(st->jfd, IPPROTO_IP,
		       join ? MCAST_JOIN_SOURCE_GROUP : MCAST_LEAVE_SOURCE_GROUP,
		       &gsr, sizeof(gsr)))
		return -errno;
	return 0;
}

static int node_spawn(const struct lab_req *r)
{
	char *argv[64], *p = (char *)r->data + strlen(r->data) + 1;
	const char *end = r->data + r->len;
	int argc = 0;

	while (p < end && argc < 63) {
		argv[argc++] = p;
		p += strlen(p) + 1;
	}
	argv[argc] = NULL;
	if (!argc)
		return -EINVAL;
	return spawn(r->data, argv, SIGTERM);
}

static int node_request(struct node_state *st, struct lab_req *r, int *fd)
{
	uint32_t i;
	int ret;

	switch (r->op) {
	case OP_SH:
		ret = system(r->data);
		return ret < 0 ? -errno : WEXITSTATUS(ret);
	case OP_JOIN:
	case OP_LEAVE:
		return node_join(st, r, r->op == OP_JOIN);
	case OP_JOIN_SRC:
	case OP_LEAVE_SRC:
		return node_join_source(st, r, r->op == OP_JOIN_SRC);
	case OP_JOIN_RANGE:
		for (i = 0; i < r->u1; i++) {
			struct lab_req one = *r;

			one.u0 = htonl(ntohl(r->u0) + i);
			ret = node_join(st, &one, true);
			if (ret)
				return ret;
		}
		return 0;
	case OP_SOCKET:
		*fd = socket(r->i0, r->i1, r->i2);
		return *fd < 0 ? -errno : 0;
	case OP_HUB_PORT:
		if (st->nports == HUB_PORTS)
			return -ENOSPC;
		if (st->hub < 0) {
			st->hub = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC,
					 htons(ETH_P_ALL));
			if (st->hub < 0)
				return -errno;
		}
		ret = link_up(r->ifname);
		if (ret)
			return ret;
		st->ports[st->nports++] = (int)if_nametoindex(r->ifname);
		return 0;
	case OP_SPAWN:
		return node_spawn(r);
	case OP_IFINDEX:
		ret = (int)if_nametoindex(r->ifname);
		return ret ? ret : -ENODEV;
	}
	return -EINVAL;
}

static void node_main(int sock)
{
	struct node_state st = { .sock = sock, .hub = -1 };
	struct lab_req *r = malloc(sizeof(*r));

	st.jfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (!r || st.jfd < 0)
		_exit(1);
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = sock, .events = POLLIN },
			{ .fd = st.hub, .events = POLLIN },
		};
		int fd = -1, ret;
		ssize_t n;

		if (poll(p, st.hub >= 0 ? 2 : 1, -1) < 0)
			continue;
		if (st.hub >= 0 && (p[1].revents & POLLIN))
			hub_forward(&st);
		if (!p[0].revents)
			continue;
		n = recv(sock, r, sizeof(*r), 0);
		if (n <= 0)
			_exit(0);	/* the lab went away */
		r->data[LAB_DATA - 1] = 0;
		ret = node_request(&st, r, &fd);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		send_reply(sock, ret, fd);
		if (fd >= 0)
			close(fd);
	}
}

int lab_node_start(struct lab_node *n)
{
	pid_t parent = getpid();
	int sv[2], ret;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	n->pid = fork();
	if (n->pid < 0) {
		ret = -errno;
		close(sv[0]);
		close(sv[1]);
		return ret;
	}
	if (!n->pid) {
		close(sv[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		ret = unshare(CLONE_NEWNET) ? -errno : link_up("lo");
		/* Room for the many-groups tests (per-namespace sysctls). */
		lab_sysctl("/proc/sys/net/ipv4/igmp_max_memberships", "4096");
		lab_sysctl("/proc/sys/net/ipv4/igmp_max_msf", "256");
		send_reply(sv[1], ret, -1);
		if (ret)
			_exit(1);
		node_main(sv[1]);
	}
	close(sv[1]);
	n->sock = sv[0];
	if (recv(n->sock, &ret, sizeof(ret), 0) != sizeof(ret))
		ret = -ECHILD;
	if (ret)
		lab_node_kill(n);
	return ret;
}

void lab_node_kill(struct lab_node *n)
{
	if (n->pid <= 0)
		return;
	kill(n->pid, SIGKILL);
	waitpid(n->pid, NULL, 0);
	close(n->sock);
	n->pid = 0;
	n->sock = -1;
}

static int node_call(struct lab_node *n, struct lab_req *r, int *fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	int ret;
	struct iovec iov = { .iov_base = &ret, .iov_len = sizeof(ret) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *cm;

	if (n->pid <= 0)
		return -ESRCH;
	if (send(n->sock, r, sizeof(*r), 0) != sizeof(*r))
		return -EPIPE;
	if (recvmsg(n->sock, &msg, 0) != sizeof(ret))
		return -EPIPE;
	cm = CMSG_FIRSTHDR(&msg);
	if (fd) {
		*fd = -1;
		if (cm && cm->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(cm), sizeof(int));
	}
	return ret;
}

static struct lab_req *req_new(int op, const char *ifname)
{
	struct lab_req *r = calloc(1, sizeof(*r));

	if (r) {
		r->op = op;
		if (ifname)
			strncpy(r->ifname, ifname, IFNAMSIZ - 1);
	}
	return r;
}

static int call_free(struct lab_node *n, struct lab_req *r, int *fd)
{
	int ret;

	if (!r)
		return -ENOMEM;
	ret = node_call(n, r, fd);
	free(r);
	return ret;
}

int lab_node_sh(struct lab_node *n, const char *fmt, ...)
{
	struct lab_req *r = req_new(OP_SH, NULL);
	va_list ap;

	if (r) {
		va_start(ap, fmt);
		vsnprintf(r->data, sizeof(r->data), fmt, ap);
		va_end(ap);
	}
	return call_free(n, r, NULL);
}

static int join_op(struct lab_node *n, int op, const char *ifname,
		   uint32_t group, uint32_t u1)
{
	struct lab_req *r = req_new(op, ifname);

	if (r) {
		r->u0 = group;
		r->u1 = u1;
	}
	return call_free(n, r, NULL);
}

int lab_node_join(struct lab_node *n, const char *ifname, uint32_t group)
{
	return join_op(n, OP_JOIN, ifname, group, 0);
}

int lab_node_leave(struct lab_node *n, const char *ifname, uint32_t group)
{
	return join_op(n, OP_LEAVE, ifname, group, 0);
}

int lab_node_join_source(struct lab_node *n, const char *ifname,
			 uint32_t source, uint32_t group)
{
	return join_op(n, OP_JOIN_SRC, ifname, group, source);
}

int lab_node_leave_source(struct lab_node *n, const char *ifname,
			  uint32_t source, uint32_t group)
{
	return join_op(n, OP_LEAVE_SRC, ifname, group, source);
}

int lab_node_join_range(struct lab_node *n, const char *ifname,
			uint32_t first, uint32_t count)
{
	return join_op(n, OP_JOIN_RANGE, ifname, first, count);
}

int lab_node_socket(struct lab_node *n, int domain, int type, int protocol)
{
	struct lab_req *r = req_new(OP_SOCKET, NULL);
	int fd = -1, ret;

	if (r) {
		r->i0 = domain;
		r->i1 = type;
		r->i2 = protocol;
	}
	ret = call_free(n, r, &fd);
	if (ret)
		return ret;
	return fd >= 0 ? fd : -EBADF;
}

int lab_node_ifindex(struct lab_node *n, const char *ifname)
{
	return call_free(n, req_new(OP_IFINDEX, ifname), NULL);
}

int lab_node_hub_port(struct lab_node *n, const char *ifname)
{
	return call_free(n, req_new(OP_HUB_PORT, ifname), NULL);
}

pid_t lab_node_spawn(struct lab_node *n, const char *log, char *const argv[])
{
	struct lab_req *r = req_new(OP_SPAWN, NULL);
	size_t off, i;

	if (!r)
		return -ENOMEM;
	off = strlen(log) + 1;
	if (off > LAB_DATA)
		goto too_long;
	memcpy(r->data, log, off);
	for (i = 0; argv[i]; i++) {
		size_t len = strlen(argv[i]) + 1;

		if (off + len > LAB_DATA - 1)
			goto too_long;
		memcpy(r->data + off, argv[i], len);
		off += len;
	}
	r->len = (uint32_t)off;
	return call_free(n, r, NULL);
too_long:
	free(r);
	return -E2BIG;
}

/* --- veth by rtnetlink ---------------------------------------------------------- */

struct nlbuf {
	char buf[1024] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *nh;
};

static struct rtattr *nl_attr(struct nlbuf *b, unsigned short type,
			      const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)b->nh +
					       NLMSG_ALIGN(b->nh->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	b->nh->nlmsg_len = NLMSG_ALIGN(b->nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
	return rta;
}

static void nl_end(struct nlbuf *b, struct rtattr *nest)
{
	nest->rta_len = (unsigned short)((char *)b->nh + b->nh->nlmsg_len -
					 (char *)nest);
}

int lab_veth(const char *name, pid_t pid, const char *peer, pid_t peer_pid)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct nlbuf b;
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct rtattr *linkinfo, *data, *peerinfo;
	char reply[1024] __attribute__((aligned(NLMSG_ALIGNTO)));
	uint32_t ns;
	int fd, ret;
	ssize_t n;

	memset(&b, 0, sizeof(b));
	b.nh = (struct nlmsghdr *)b.buf;
	b.nh->nlmsg_len = NLMSG_LENGTH(sizeof(ifi));
	b.nh->nlmsg_type = RTM_NEWLINK;
	b.nh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK;
	memcpy(NLMSG_DATA(b.nh), &ifi, sizeof(ifi));
	nl_attr(&b, IFLA_IFNAME, name, strlen(name) + 1);
	if (pid) {
		ns = (uint32_t)pid;
		nl_attr(&b, IFLA_NET_NS_PID, &ns, sizeof(ns));
	}
	linkinfo = nl_attr(&b, IFLA_LINKINFO, NULL, 0);
	nl_attr(&b, IFLA_INFO_KIND, "veth", 5);
	data = nl_attr(&b, IFLA_INFO_DATA, NULL, 0);
	peerinfo = nl_attr(&b, VETH_INFO_PEER, &ifi, sizeof(ifi));
	nl_attr(&b, IFLA_IFNAME, peer, strlen(peer) + 1);
	if (peer_pid) {
		ns = (uint32_t)peer_pid;
		nl_attr(&b, IFLA_NET_NS_PID, &ns, sizeof(ns));
	}
	nl_end(&b, peerinfo);
	nl_end(&b, data);
	nl_end(&b, linkinfo);

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (sendto(fd, b.buf, b.nh->nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0) {
		ret = -errno;
		goto out;
	}
	n = recv(fd, reply, sizeof(reply), 0);
	if (n < (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr))) {
		ret = n < 0 ? -errno : -EPROTO;
		goto out;
	}
	{
		struct nlmsghdr *rh = (struct nlmsghdr *)reply;
		struct nlmsgerr *e = NLMSG_DATA(rh);

		ret = rh->nlmsg_type == NLMSG_ERROR ? e->error : -EPROTO;
	}
out:
	close(fd);
	return ret;
}

/* --- packets ---------------------------------------------------------------------- */

/*
 * Written apart from the daemon's inet_csum() on purpose: the packets the
 * tests build must not share a bug with the code that checks them.
 */
uint16_t lab_csum(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t lab_ip_igmp(uint8_t *pkt, uint32_t src, uint32_t dst,
		   const void *igmp, size_t len)
{
	size_t tot = 24 + len;
	uint16_t c;

	memset(pkt, 0, 24);
	pkt[0] = 0x46;			/* v4, 6 words: router alert */
	pkt[1] = 0xc0;
	pkt[2] = (uint8_t)(tot >> 8);
	pkt[3] = (uint8_t)tot;
	pkt[8] = 1;			/* TTL */
	pkt[9] = 2;			/* IGMP */
	memcpy(pkt + 12, &src, 4);
	memcpy(pkt + 16, &dst, 4);
	pkt[20] = 148;
	pkt[21] = 4;
	c = lab_csum(pkt, 24);
	pkt[10] = (uint8_t)(c >> 8);
	pkt[11] = (uint8_t)c;
	memcpy(pkt + 24, igmp, len);
	return tot;
}

int lab_send_ip(int fd, const char *ifname, int ifindex, const void *pkt,
		size_t len)
{
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IP),
		.sll_ifindex = ifindex ? ifindex : (int)if_nametoindex(ifname),
		.sll_halen = 6,
	};
	uint32_t dst = 0;

	if (len >= 20)
		memcpy(&dst, (const uint8_t *)pkt + 16, 4);
	dst = ntohl(dst);
	if ((dst & 0xf0000000u) == 0xe0000000u) {
		static const uint8_t pre[3] = { 0x01, 0x00, 0x5e };

		memcpy(to.sll_addr, pre, 3);
		to.sll_addr[3] = (dst >> 16) & 0x7f;
		to.sll_addr[4] = (dst >> 8) & 0xff;
		to.sll_addr[5] = dst & 0xff;
	} else {
		memset(to.sll_addr, 0xff, 6);
	}
	if (sendto(fd, pkt, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	return 0;
}

/* --- the daemon's control socket ----------------------------------------------- */

/*
 * Our address for the answer: abstract (autobind) for an abstract server,
 * which is in our namespace; a path beside a path server's, which may be
 * in another namespace, where our abstract name would not reach.
 */
static int ctl_bind(int fd, const char *server, struct sockaddr_un *me)
{
	static unsigned int seq;
	sa_family_t fam = AF_UNIX;

	me->sun_path[0] = 0;
	if (server[0] == '@')
		return bind(fd, (struct sockaddr *)&fam, sizeof(fam));
	memset(me, 0, sizeof(*me));
	me->sun_family = AF_UNIX;
	if ((size_t)snprintf(me->sun_path, sizeof(me->sun_path), "%s.%d.%u",
			     server, (int)getpid(), seq++) >= sizeof(me->sun_path))
		return -1;
	unlink(me->sun_path);
	return bind(fd, (struct sockaddr *)me, sizeof(*me));
}

char *lab_ctl(const char *path, const char *request)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX }, me = { 0 };
	size_t plen = strlen(path), len = 0, cap = 65536;
	char *out = malloc(cap + 1);
	int fd;

	if (!out || plen >= sizeof(sun.sun_path))
		goto fail_free;
	memcpy(sun.sun_path, path, plen);
	if (path[0] == '@')
		sun.sun_path[0] = 0;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail_free;
	if (ctl_bind(fd, path, &me) ||
	    sendto(fd, request, strlen(request), 0, (struct sockaddr *)&sun,
		   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen)) < 0)
		goto fail;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 3000) != 1)
			goto fail;
		if (cap - len < 32768) {
			char *o = realloc(out, 2 * cap + 1);

			if (!o)
				goto fail;
			out = o;
			cap *= 2;
		}
		n = recv(fd, out + len, cap - len, 0);
		if (n < 0)
			goto fail;
		if (!n)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (me.sun_path[0])
		unlink(me.sun_path);
	out[len] = 0;
	return out;
fail:
	close(fd);
	if (me.sun_path[0])
		unlink(me.sun_path);
fail_free:
	free(out);
	return NULL;
}

long long lab_json_num(const char *json, const char *key)
{
	char pat[64];
	const char *p;

	if (!json)
		return -1;
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	if (!p)
		return -1;
	return strtoll(p + strlen(pat), NULL, 10);
}
