// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The libmgm glue: mgm-igmpd is an MGM client like any routing protocol,
 * through the Windows API only. It registers as PROTO_IP_IGMP, takes
 * (co-)ownership of each interface it serves with next hop 0 (broadcast
 * links), and adds or deletes one membership per change of the group
 * state: (*,G) = source 0/0, (S,G) = source/32, group/32, with
 * MGM_JOIN_STATE_FLAG (and MGM_FORWARD_STATE_FLAG with --forward).
 *
 * Everything registered belongs to the process's open file of /dev/mgm
 * (contract D10): if the daemon dies, its memberships go with it.
 *
 * Callbacks (contract D14): the daemon asks for the event descriptor
 * (mgm_event_fd) before it registers, so libmgm starts no thread; main.c
 * polls the descriptor with its other sockets and calls
 * mgm_glue_dispatch(), which runs DisableIgmp and EnableIgmp (hold.c) in
 * the event loop. Windows callbacks carry no context, so the daemon they
 * act on is glue_daemon: set once at registration, and only used from the
 * event loop's thread (the only thread).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include "mgm.h"
#include "igmpd.h"

static struct igmpd *glue_daemon;

static struct iface *glue_iface(DWORD ifindex, DWORD nexthop)
{
	struct igmpd *d = glue_daemon;
	size_t i;

	for (i = 0; d && !nexthop && i < d->n_ifaces; i++)
		if (d->ifaces[i].ifindex && (DWORD)d->ifaces[i].ifindex == ifindex)
			return &d->ifaces[i];
	return NULL;
}

static DWORD on_disable_igmp(DWORD ifindex, DWORD nexthop)
{
	struct iface *ifp = glue_iface(ifindex, nexthop);

	if (ifp) {
		iface_hold(ifp);
		logmsg(&ifp->d->log, LOG_LVL_INFO,
		       "%s: DisableIgmp: membership changes held", ifp->name);
	}
	return NO_ERROR;
}

static DWORD on_enable_igmp(DWORD ifindex, DWORD nexthop)
{
	struct iface *ifp = glue_iface(ifindex, nexthop);
	uint64_t before;

	if (ifp) {
		before = ifp->c.readds;
		iface_unhold(ifp);
		logmsg(&ifp->d->log, LOG_LVL_INFO,
		       "%s: EnableIgmp: %llu memberships added again", ifp->name,
		       (unsigned long long)(ifp->c.readds - before));
	}
	return NO_ERROR;
}

int mgm_glue_event_fd(struct igmpd *d)
{
	int fd = mgm_event_fd();

	if (fd < 0)
		logmsg(&d->log, LOG_LVL_ERR, "cannot open mgm's event descriptor: %s%s",
		       strerror(-fd), fd == -ENOENT || fd == -EACCES ?
		       " (is the mgm module loaded, are we root?)" : "");
	return fd;
}

void mgm_glue_dispatch(struct igmpd *d)
{
	int n;

	/* Level-triggered epoll: what is left makes it ready again. */
	n = mgm_event_dispatch();
	if (n < 0)
		logmsg(&d->log, LOG_LVL_WARNING, "mgm events: %s", strerror(-n));
}

static HANDLE proto_of(const struct igmpd *d)
{
	return ((const struct igmpd_world *)d->ops_ctx)->proto;
}

int mgm_glue_register(struct igmpd *d)
{
	struct igmpd_world *w = d->ops_ctx;
	ROUTING_PROTOCOL_CONFIG rpc = {
		.pfnDisableIgmpCallback = on_disable_igmp,
		.pfnEnableIgmpCallback = on_enable_igmp,
	};
	HANDLE h = NULL;
	DWORD err;

	glue_daemon = d;
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
