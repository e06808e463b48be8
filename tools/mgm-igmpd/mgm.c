// SPDX-License-Identifier: GPL-2.0
/*
 * The libmgm glue: mgm-igmpd is an MGM client like any routing protocol,
 * through the Windows API only. It registers as PROTO_IP_IGMP, takes
 * (co-)ownership of each interface it serves with next hop 0 (broadcast
 * links), and adds or deletes one membership per change of the group
 * state: (*,G) = source 0/0, (S,G) = source/32, group/32, with
 * MGM_JOIN_STATE_FLAG (and MGM_FORWARD_STATE_FLAG with --forward).
 *
 * Everything registered belongs to the process's open file of /dev/mgm
 * (SPEC D10): if the daemon dies, its memberships go with it.
 */
#include <arpa/inet.h>
#include <string.h>
#include "mgm.h"
#include "igmpd.h"

static HANDLE proto_of(const struct igmpd *d)
{
	return ((const struct igmpd_world *)d->ops_ctx)->proto;
}

int mgm_glue_register(struct igmpd *d)
{
	struct igmpd_world *w = d->ops_ctx;
	ROUTING_PROTOCOL_CONFIG rpc = { 0 };	/* no callbacks (SPEC D11) */
	HANDLE h = NULL;
	DWORD err;

	w->flags = MGM_JOIN_STATE_FLAG |
		   (d->cfg.forward ? MGM_FORWARD_STATE_FLAG : 0);
	err = MgmRegisterMProtocol(&rpc, PROTO_IP_IGMP, d->cfg.component, &h);
	if (err == ERROR_ALREADY_EXISTS)
		logmsg(&d->log, LOG_LVL_ERR,
		       "IGMP component %u is already registered in this network namespace (another mgm-igmpd?)",
		       d->cfg.component);
	else if (err)
		logmsg(&d->log, LOG_LVL_ERR, "cannot register with mgm: %s%s",
		       mgm_error_name(err),
		       err == ERROR_CAN_NOT_COMPLETE || err == ERROR_ACCESS_DENIED ?
		       " (is the mgm module loaded, are we root?)" : "");
	else
		w->proto = h;
	return (int)err;
}

void mgm_glue_deregister(struct igmpd *d)
{
	struct igmpd_world *w = d->ops_ctx;
	DWORD err;

	if (!w->proto)
		return;
	err = MgmDeRegisterMProtocol(w->proto);
	if (err)
		logmsg(&d->log, LOG_LVL_WARNING, "deregistering: %s",
		       mgm_error_name(err));
	w->proto = NULL;
}

int mgm_glue_take(struct iface *ifp)
{
	DWORD err = MgmTakeInterfaceOwnership(proto_of(ifp->d),
					      (DWORD)ifp->ifindex, 0);

	if (err == ERROR_ALREADY_EXISTS)
		logmsg(&ifp->d->log, LOG_LVL_ERR,
		       "%s: IGMP already runs on this interface (another mgm-igmpd?)",
		       ifp->name);
	else if (err)
		logmsg(&ifp->d->log, LOG_LVL_ERR, "%s: cannot take the interface: %s",
		       ifp->name, mgm_error_name(err));
	return (int)err;
}

int mgm_glue_release(struct iface *ifp)
{
	DWORD err = MgmReleaseInterfaceOwnership(proto_of(ifp->d),
						 (DWORD)ifp->ifindex, 0);

	if (err)
		logmsg(&ifp->d->log, LOG_LVL_DEBUG, "%s: release: %s",
		       ifp->name, mgm_error_name(err));
	return (int)err;
}

static DWORD member_call(struct iface *ifp, bool add, uint32_t source,
			 uint32_t group)
{
	const struct igmpd_world *w = ifp->d->ops_ctx;
	DWORD s = htonl(source), g = htonl(group);
	DWORD smask = source ? 0xffffffffu : 0;

	if (add)
		return MgmAddGroupMembershipEntry(w->proto, s, smask, g,
						  0xffffffffu,
						  (DWORD)ifp->ifindex, 0,
						  w->flags);
	return MgmDeleteGroupMembershipEntry(w->proto, s, smask, g, 0xffffffffu,
					     (DWORD)ifp->ifindex, 0, w->flags);
}

int mgm_glue_join(struct iface *ifp, uint32_t source, uint32_t group)
{
	return (int)member_call(ifp, true, source, group);
}

int mgm_glue_leave(struct iface *ifp, uint32_t source, uint32_t group)
{
	return (int)member_call(ifp, false, source, group);
}

/* Win32 codes of the mgm calls, negative errnos of the sockets. */
const char *mgm_glue_strerror(int err)
{
	if (err < 0)
		return strerror(-err);
	return mgm_error_name((DWORD)err);
}
