/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * How libmgm's MFE calls (lib/mfe.c) ask mgm-fwd for its MFEs: the request
 * and the record of its answer on mgm-fwd's control socket (the datagram
 * transport of tools/common/ctlsock.c: the answer is the concatenation of
 * the datagrams up to an empty one; an answer that starts with "error: "
 * is a failure). Private to the project: libmgm and mgm-fwd of the same
 * version talk through it; it is not installed. Addresses are network byte
 * order, as mgm's.
 */
#ifndef MGM_MFE_WIRE_H
#define MGM_MFE_WIRE_H

#include <stdint.h>

#define MGM_FWD_CONTROL		"@mgm-fwd"	/* mgm-fwd's default socket */
/* Where libmgm looks instead, when set (a daemon run with -c). */
#define MGM_FWD_CONTROL_ENV	"MGM_FWD_CONTROL"
#define MGM_FWD_MFE_REQUEST	"mfe-records"
#define MGM_FWD_MFE_MAGIC	0x3145464du	/* "MFE1" */
/*
 * MgmSetMfe: "set-mfe PROTOCOL COMPONENT SOURCE GROUP UPSTREAM", numbers in
 * hex (the addresses as the u32 of their network-order bytes). The answer
 * is "ok" or one of the errors below. Only a sender with CAP_NET_ADMIN (or
 * root) may, and only for an MFE whose incoming interface that protocol
 * owns.
 */
#define MGM_FWD_SET_REQUEST	"set-mfe"
/*
 * The callbacks' answers (lib/mfe_events.c), same rules and errors, each
 * for the MFE (SOURCE, GROUP):
 *  "set-rpf PROTOCOL COMPONENT SOURCE GROUP IFINDEX UPSTREAM": an Rpf
 *	callee's incoming interface and upstream neighbour; the protocol must
 *	own the MFE's incoming interface.
 *  "disable-oif PROTOCOL COMPONENT SOURCE GROUP IFINDEX": a CreationAlert
 *	callee took its outgoing interface IFINDEX out; it must own it.
 *  "set-timeout PROTOCOL COMPONENT SOURCE GROUP SECONDS": a PruneAlert
 *	callee's idle timeout; the protocol must own the incoming interface.
 */
#define MGM_FWD_RPF_REQUEST	"set-rpf"
#define MGM_FWD_DISABLE_REQUEST	"disable-oif"
#define MGM_FWD_TIMEOUT_REQUEST	"set-timeout"
#define MGM_FWD_ERR_NOT_OIF_OWNER "error: the protocol does not own that outgoing interface\n"
#define MGM_FWD_ERR_BAD_IF	"error: the interface has no VIF\n"
#define MGM_FWD_ERR_BAD_TIMEOUT	"error: the timeout must be 1 to 86400 s\n"
#define MGM_FWD_ERR_NOT_FOUND	"error: no such MFE\n"
#define MGM_FWD_ERR_NOT_OWNER	"error: the protocol does not own the MFE's incoming interface\n"
#define MGM_FWD_ERR_DENIED	"error: CAP_NET_ADMIN is needed\n"
#define MGM_FWD_MAX_OIFS	32		/* the kernel's MAXVIFS */

struct mgm_fwd_mfe_record {
	uint32_t magic;			/* MGM_FWD_MFE_MAGIC */
	uint32_t group, source;
	uint32_t upstream;		/* upstream neighbour (MgmSetMfe), 0 */
	uint32_t in_ifindex;		/* incoming interface, 0 if none */
	uint32_t in_protocol;		/* the protocol owning it, 0 if none */
	uint32_t route_protocol;	/* the RPF route's kernel rtm_protocol */
	uint32_t route_network, route_mask;	/* ... and its prefix */
	uint32_t oif_count;
	uint32_t oif[MGM_FWD_MAX_OIFS];	/* outgoing ifindexes */
	uint64_t uptime_ms, expiry_ms, timeout_ms;
	uint64_t packets, bytes, wrong_if;	/* the kernel's counters */
};

_Static_assert(sizeof(struct mgm_fwd_mfe_record) == 216,
	       "the record of libmgm and mgm-fwd");

#endif /* MGM_MFE_WIRE_H */
