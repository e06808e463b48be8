// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel's multicast routing socket (ipmr, D18): a raw IGMP socket
 * that took the namespace's table with MRT_INIT. Only one socket of a
 * namespace can: a second mgm-fwd, smcroute, igmpproxy, pimd or FRR's
 * pimd holding it is a clear error at start. Closing it (exit, crash)
 * makes the kernel drop every VIF and MFC entry, so forwarding stops with
 * the daemon (D21) and a restarted one starts from an empty MFC.
 *
 * The socket reads only upcalls (a classic BPF filter drops the IGMP
 * packets a raw IGMP socket also gets): NOCACHE (a packet of an (S,G) with
 * no MFC entry, queued by the kernel until one is added) and WRONGVIF (a
 * packet of an MFE on another interface than its incoming one; MRT_ASSERT
 * asks for these, the kernel rate-limits them per entry). One thread.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/igmp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include "fwd.h"

#ifndef SIOCGETSGCNT
#define SIOCGETSGCNT	(SIOCPROTOPRIVATE + 1)
#endif

/* Accept what has IP protocol 0 at byte 9: the kernel's upcalls. */
static int upcalls_only(int fd)
{
	static struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

int mroute_open(struct fwd *f)
{
	int fd, one = 1, bytes = 4 << 20;

	fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_IGMP);
	if (fd < 0) {
		fprintf(stderr, "mgm-fwd: cannot open a raw IGMP socket: %s%s\n",
			strerror(errno), errno == EPERM ?
			" (mgm-fwd needs CAP_NET_RAW and CAP_NET_ADMIN)" : "");
		return -1;
	}
	if (upcalls_only(fd) || setsockopt(fd, IPPROTO_IP, MRT_INIT, &one, sizeof(one))) {
		int err = errno;

		if (err == EADDRINUSE)
			fprintf(stderr, "mgm-fwd: this network namespace's multicast routing table is already owned by another program (another mgm-fwd, smcroute, igmpproxy, pimd, ...): only one may run (MRT_INIT: %s)\n",
				strerror(err));
		else if (err == ENOPROTOOPT)
			fprintf(stderr, "mgm-fwd: this kernel has no IPv4 multicast routing (CONFIG_IP_MROUTE)\n");
		else
			fprintf(stderr, "mgm-fwd: cannot take the multicast routing table (MRT_INIT): %s%s\n",
				strerror(err), err == EACCES || err == EPERM ?
				" (mgm-fwd needs CAP_NET_ADMIN)" : "");
		close(fd);
		return -1;
	}
	/* Queued upcalls are what flows wait on: room for bursts. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
	/*
	 * WRONGVIF upcalls for a packet on any VIF but its MFE's parent
	 * (WrongIf, D19) need MRT_PIM: with MRT_ASSERT alone the kernel sends
	 * them only for packets that came on one of the MFE's outgoing
	 * interfaces. MRT_PIM changes nothing else while no PIM register VIF
	 * exists, and mgm-fwd adds none.
	 */
	if (setsockopt(fd, IPPROTO_IP, MRT_PIM, &one, sizeof(one))) {
		fwd_log(f, "WrongIf only for packets on outgoing interfaces (MRT_PIM: %s)",
			strerror(errno));
		if (setsockopt(fd, IPPROTO_IP, MRT_ASSERT, &one, sizeof(one)))
			fwd_log(f, "no WRONGVIF upcalls (MRT_ASSERT: %s)", strerror(errno));
	}
	f->mroute_fd = fd;
	return 0;
}

int mroute_add_vif(struct fwd *f, int vifi, int ifindex)
{
	struct vifctl v = {
		.vifc_vifi = (vifi_t)vifi, .vifc_flags = VIFF_USE_IFINDEX,
		.vifc_threshold = 1, .vifc_lcl_ifindex = ifindex,
	};

	if (!setsockopt(f->mroute_fd, IPPROTO_IP, MRT_ADD_VIF, &v, sizeof(v)))
		return 0;
	fwd_log(f, "vif %d for ifindex %d: MRT_ADD_VIF: %s", vifi, ifindex, strerror(errno));
	return -errno;
}

int mroute_del_vif(struct fwd *f, int vifi, int ifindex)
{
	struct vifctl v = {
		.vifc_vifi = (vifi_t)vifi, .vifc_flags = VIFF_USE_IFINDEX,
		.vifc_lcl_ifindex = ifindex,
	};

	/* EADDRNOTAVAIL: the device went and the kernel deleted it. */
	if (!setsockopt(f->mroute_fd, IPPROTO_IP, MRT_DEL_VIF, &v, sizeof(v)) ||
	    errno == EADDRNOTAVAIL)
		return 0;
	fwd_log(f, "vif %d: MRT_DEL_VIF: %s", vifi, strerror(errno));
	return -errno;
}

static void mfc_of(const struct fwd_mfe *e, struct mfcctl *m)
{
	int i;

	memset(m, 0, sizeof(*m));
	m->mfcc_origin.s_addr = e->source;
	m->mfcc_mcastgrp.s_addr = e->group;
	m->mfcc_parent = (vifi_t)e->parent;
	for (i = 0; i < MAXVIFS; i++)
		m->mfcc_ttls[i] = e->oifs & (1u << i) ? 1 : 255;
}

int mroute_add_mfc(struct fwd *f, const struct fwd_mfe *e)
{
	struct mfcctl m;

	mfc_of(e, &m);
	f->c.mfc_updates++;
	if (!setsockopt(f->mroute_fd, IPPROTO_IP, MRT_ADD_MFC, &m, sizeof(m)))
		return 0;
	f->c.mfc_errors++;
	fwd_log(f, "MRT_ADD_MFC: %s", strerror(errno));
	return -errno;
}

int mroute_del_mfc(struct fwd *f, const struct fwd_mfe *e)
{
	struct mfcctl m;

	mfc_of(e, &m);
	f->c.mfc_updates++;
	if (!setsockopt(f->mroute_fd, IPPROTO_IP, MRT_DEL_MFC, &m, sizeof(m)) ||
	    errno == ENOENT)
		return 0;
	f->c.mfc_errors++;
	fwd_log(f, "MRT_DEL_MFC: %s", strerror(errno));
	return -errno;
}

int mroute_counts(struct fwd *f, struct fwd_mfe *e)
{
	struct sioc_sg_req r = { .src.s_addr = e->source, .grp.s_addr = e->group };

	if (ioctl(f->mroute_fd, SIOCGETSGCNT, &r))
		return -errno;
	e->packets = r.pktcnt;
	e->bytes = r.bytecnt;
	e->wrong_if = r.wrong_if;
	return 0;
}

/* A unicast source other than 0, a multicast group: else not an upcall. */
static bool sane(const struct igmpmsg *m, int vifi, const struct fwd *f)
{
	uint32_t s = ntohl(m->im_src.s_addr), g = ntohl(m->im_dst.s_addr);

	return m->im_mbz == 0 && vifi < FWD_MAX_VIFS && f->vifs.vif[vifi].ifindex &&
	       s && (s >> 28) != 0xe && (s >> 28) != 0xf && (g >> 28) == 0xe;
}

void mroute_read(struct fwd *f)
{
	/* An upcall is the packet's IP header; WHOLEPKT ones are longer. */
	char buf[2048] __attribute__((aligned(8)));
	int burst;

	for (burst = 0; burst < 1024; burst++) {
		ssize_t n = recv(f->mroute_fd, buf, sizeof(buf), 0);
		const struct igmpmsg *m = (const void *)buf;
		int vifi;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				fwd_log(f, "reading upcalls: %s", strerror(errno));
			return;
		}
		f->c.upcalls++;
		if ((size_t)n < sizeof(*m)) {
			f->c.upcalls_bad++;
			continue;
		}
		vifi = m->im_vif | m->im_vif_hi << 8;
		if (!sane(m, vifi, f)) {
			f->c.upcalls_bad++;
			continue;
		}
		switch (m->im_msgtype) {
		case IGMPMSG_NOCACHE:
			mfe_nocache(f, m->im_src.s_addr, m->im_dst.s_addr, vifi);
			break;
		case IGMPMSG_WRONGVIF:
			f->c.wrong_if_upcalls++;
			report_wrong_if(f, m->im_src.s_addr, m->im_dst.s_addr, vifi);
			break;
		default:
			f->c.upcalls_bad++;
		}
	}
}
