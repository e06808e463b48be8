/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mgm-igmpd sockets: see net.c. Errors are negative errnos. */
#ifndef MGM_IGMPD_NET_H
#define MGM_IGMPD_NET_H

#include <sys/types.h>
#include "igmpd.h"

int net_open_rx(int ifindex);
/* Length of the next packet, -EAGAIN when there is none, or -errno. */
ssize_t net_recv(int fd, void *buf, size_t len);
int net_open_tx(void);
/* Send @buf as the payload of an IGMP packet; addresses host order. */
int net_send(int fd, int ifindex, uint32_t saddr, uint32_t daddr,
	     const void *buf, size_t len);
/* The primary IPv4 address of @ifname (host order), 0 if none. */
uint32_t net_if_addr(int fd, const char *ifname);

enum net_event { NET_LINK_NEW, NET_LINK_DEL, NET_ADDR, NET_RESYNC };
typedef void (*net_event_fn)(void *ctx, enum net_event ev, int ifindex,
			     const char *name);
int net_open_monitor(void);
/* Read every pending notification; 0 or -errno. */
int net_monitor_read(int fd, net_event_fn fn, void *ctx);

#endif /* MGM_IGMPD_NET_H */
