/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lab - a small network lab for mgm-igmpd's selftests, benchmark and demo:
 * nodes (processes in their own network namespace that do what they are
 * told), veth links between namespaces, hubs (a node that repeats every
 * frame to all its other links: a shared segment without the bridge
 * module), hosts that join groups with the ordinary socket API (so the
 * kernel's own IGMP sends the reports), and raw packets for the
 * malformed-input tests. Everything returns 0 or -errno unless it says
 * otherwise. Addresses are network byte order.
 *
 * A node dies with the process that started it (PR_SET_PDEATHSIG), and so
 * does a daemon started with lab_spawn().
 */
#ifndef MGM_IGMPD_LAB_H
#define MGM_IGMPD_LAB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct lab_node {
	pid_t pid;	/* also names its network namespace */
	int sock;	/* commands */
};

/* Start a node: a child in a new network namespace with lo up. */
int lab_node_start(struct lab_node *n);
/* Kill it (SIGKILL: its namespace goes when nothing else holds it). */
void lab_node_kill(struct lab_node *n);

/* Run a shell command in the node's namespace: its exit status. */
int lab_node_sh(struct lab_node *n, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Host side: join or leave on the node's one socket. */
int lab_node_join(struct lab_node *n, const char *ifname, uint32_t group);
int lab_node_leave(struct lab_node *n, const char *ifname, uint32_t group);
int lab_node_join_source(struct lab_node *n, const char *ifname,
			 uint32_t source, uint32_t group);
int lab_node_leave_source(struct lab_node *n, const char *ifname,
			  uint32_t source, uint32_t group);
/* Join @count groups from @first up (host-order increments). */
int lab_node_join_range(struct lab_node *n, const char *ifname,
			uint32_t first, uint32_t count);
/* Open a socket in the node's namespace and hand it to us: fd or -errno. */
int lab_node_socket(struct lab_node *n, int domain, int type, int protocol);
/* The index of @ifname in the node's namespace, or -errno. */
int lab_node_ifindex(struct lab_node *n, const char *ifname);
/* Make the node a hub that repeats frames among @ifname and its others. */
int lab_node_hub_port(struct lab_node *n, const char *ifname);
/* Start a program in the node's namespace: its pid (output to @log). */
pid_t lab_node_spawn(struct lab_node *n, const char *log,
		     char *const argv[]);

/*
 * A veth pair: @name in the namespace of @pid, @peer in that of @peer_pid
 * (0: the caller's).
 */
int lab_veth(const char *name, pid_t pid, const char *peer, pid_t peer_pid);

/* Start a program here, output to @log: its pid or -errno. */
pid_t lab_spawn(const char *log, char *const argv[]);
/* Wait up to @ms for @pid to exit: its wait status, or -ETIMEDOUT. */
int lab_wait(pid_t pid, int ms);

/*
 * Send the IPv4 packet @pkt (from the IP header on) out of @ifname through
 * packet socket @fd (AF_PACKET, SOCK_DGRAM, opened with lab_node_socket in
 * the sender's namespace), to the multicast MAC of its destination.
 */
int lab_send_ip(int fd, const char *ifname, int ifindex, const void *pkt,
		size_t len);
/*
 * Build an IPv4 packet around IGMP message @igmp: TTL 1, router alert,
 * correct checksums (callers break what they want broken). Returns the
 * length written to @pkt (room for 24 + @len bytes).
 */
size_t lab_ip_igmp(uint8_t *pkt, uint32_t src, uint32_t dst,
		   const void *igmp, size_t len);
uint16_t lab_csum(const void *buf, size_t len);

/*
 * Ask a mgm-igmpd at control socket @path ("@name": abstract, in our
 * namespace): the malloc()ed answer, or NULL.
 */
char *lab_ctl(const char *path, const char *request);
/* The first number after "key": in @json, or -1. */
long long lab_json_num(const char *json, const char *key);

uint64_t lab_now_ms(void);
/* Write @value to the sysctl file @path (in our namespace). */
int lab_sysctl(const char *path, const char *value);

#endif /* MGM_IGMPD_LAB_H */
