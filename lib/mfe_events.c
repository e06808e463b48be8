// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The MFE callbacks (contract D19, docs/forwarding.md): the events the
 * module queues from the forwarder's reports (flag MGM_EVENT_MFE) turned
 * into the Windows Rpf, CreationAlert, PruneAlert and JoinAlert with
 * FALSE, and WrongIf; and what a callee answers sent back to the
 * forwarder, on mgm-fwd's control socket (lib/mfe_wire.h): an Rpf callee's
 * incoming interface and upstream neighbour, each outgoing interface a
 * CreationAlert callee disabled, a PruneAlert callee's timeout. An answer
 * the forwarder refuses, or one with no forwarder to take it (its MFE went
 * with it), is dropped: Windows ignores what callbacks return too.
 *
 * These events leave the protocol's view (view.c) alone: MFEs are the
 * forwarder's, not the table's, so a re-synchronisation after an overflow
 * has nothing of them to replay.
 *
 * Locking: only the dispatcher (events.c) calls in, holding its lock
 * (ev.dispatch) and no other, so `gathering`, the CreationAlert whose
 * records are still coming, is under that lock.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "mfe_wire.h"

#define MASK32	0xffffffffu

/* The records of one CreationAlert so far (all but its last have MORE). */
static struct {
	bool open;
	uint32_t handle;
	uint64_t next_seq;
	DWORD count;
	MGM_IF_ENTRY oif[MGM_MFE_MAX_OUT];
} gathering;

static void answer(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void answer(const char *fmt, ...)
{
	char req[160], *ans = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(req, sizeof(req), fmt, ap);
	va_end(ap);
	if (libmgm_fwd_ask(req, &ans) >= 0)
		free(ans);
}

/* Append @e to the CreationAlert being gathered; true when it is whole. */
static bool gather(const struct mgm_event *e, DWORD protocol_id)
{
	if (gathering.open && (gathering.handle != e->handle ||
			       gathering.next_seq != e->seq))
		gathering.open = false;	/* a part the kernel never splits off */
	if (!gathering.open) {
		gathering.open = true;
		gathering.handle = e->handle;
		gathering.count = 0;
	}
	gathering.next_seq = e->seq + 1;
	if (gathering.count < MGM_MFE_MAX_OUT)
		gathering.oif[gathering.count++] = (MGM_IF_ENTRY){
			.dwIfIndex = e->ifindex,
			.dwIfNextHopAddr = e->nexthop,
			.bIGMP = protocol_id == PROTO_IP_IGMP,
			.bIsEnabled = TRUE,
		};
	if (e->flags & MGM_EVENT_MORE)
		return false;
	gathering.open = false;
	return true;
}

void libmgm_mfe_deliver(const ROUTING_PROTOCOL_CONFIG *c, DWORD protocol_id,
			DWORD component_id, const struct mgm_event *e)
{
	DWORD s = e->source, g = e->group, in = e->in_ifindex, nh = e->in_nexthop;
	DWORD up = 0, timeout = e->timeout, i;

	switch (e->type) {
	case MGM_EVENT_RPF:
		if (!c->pfnRpfCallback)
			break;
		c->pfnRpfCallback(s, MASK32, g, MASK32, &in, &nh, &up, 0, NULL, NULL);
		/* ipmr's VIFs are per interface: a next hop alone changes nothing. */
		if (in != e->in_ifindex || up)
			answer(MGM_FWD_RPF_REQUEST " %x %x %x %x %x %x", protocol_id,
			       component_id, s, g, in, up);
		break;
	case MGM_EVENT_CREATION_ALERT:
		if (!gather(e, protocol_id) || !c->pfnCreationAlertCallback)
			break;
		c->pfnCreationAlertCallback(s, MASK32, g, MASK32, in, nh, gathering.count,
					    gathering.oif);
		for (i = 0; i < gathering.count; i++)
			if (!gathering.oif[i].bIsEnabled)
				answer(MGM_FWD_DISABLE_REQUEST " %x %x %x %x %x", protocol_id,
				       component_id, s, g, gathering.oif[i].dwIfIndex);
		break;
	case MGM_EVENT_PRUNE_ALERT:
		if (!c->pfnPruneAlertCallback)
			break;
		c->pfnPruneAlertCallback(s, MASK32, g, MASK32, e->ifindex, e->nexthop, FALSE,
					 &timeout);
		if (timeout != e->timeout)
			answer(MGM_FWD_TIMEOUT_REQUEST " %x %x %x %x %x", protocol_id,
			       component_id, s, g, timeout);
		break;
	case MGM_EVENT_JOIN_ALERT:
		if (c->pfnJoinAlertCallback)
			c->pfnJoinAlertCallback(s, MASK32, g, MASK32, FALSE);
		break;
	case MGM_EVENT_WRONG_IF:
		if (c->pfnWrongIfCallback)
			c->pfnWrongIfCallback(s, g, e->ifindex, e->nexthop, 0, NULL);
		break;
	}
}
