// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Routing protocols and interface ownership: MgmRegisterMProtocol,
 * MgmDeRegisterMProtocol, MgmTakeInterfaceOwnership,
 * MgmReleaseInterfaceOwnership, MgmGetProtocolOnInterface. A protocol's
 * callbacks are kept with it and called by events.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

MGM_API DWORD MgmRegisterMProtocol(PROUTING_PROTOCOL_CONFIG prpiInfo,
				   DWORD dwProtocolId, DWORD dwComponentId,
				   HANDLE *phProtocol)
{
	struct mgm_register reg = {
		.protocol_id = dwProtocolId,
		.component_id = dwComponentId,
	};
	struct mgm_deregister undo = { 0 };
	struct libmgm_view *view = NULL;
	struct mgm_slot *slot;
	HANDLE handle;
	int fd, err;

	if (!prpiInfo || !phProtocol)
		return ERROR_INVALID_PARAMETER;
	reg.callback_flags = prpiInfo->dwCallbackFlags;

	/*
	 * Subscribed (and the thread started) before the protocol exists, so
	 * that its first event is not missed; the slot exists before the
	 * dispatcher can look the event's handle up (libmgm_reg_lock()).
	 */
	libmgm_reg_lock();
	fd = libmgm_fd();
	if (fd < 0) {
		libmgm_reg_unlock();
		return libmgm_win32(fd, MGM_SRC_OPEN);
	}
	err = libmgm_events_prepare(fd, prpiInfo);
	if (!err)
		view = libmgm_events_view(prpiInfo, &err);
	if (!err)
		err = libmgm_ioctl(fd, MGM_IOC_REGISTER, &reg);
	if (err) {
		libmgm_reg_unlock();
		free(view);
		return libmgm_win32(err, MGM_SRC_IOCTL);
	}

	libmgm_lock();
	err = libmgm_ht_alloc(libmgm_handles(), MGM_KIND_PROTOCOL, reg.handle,
			   &handle, &slot);
	if (!err) {
		slot->protocol_id = dwProtocolId;
		slot->component_id = dwComponentId;
		slot->config = *prpiInfo;	/* called by events.c (D14) */
		slot->view = view;
	}
	libmgm_unlock();
	libmgm_reg_unlock();
	if (err) {
		free(view);
		undo.handle = reg.handle;
		libmgm_ioctl(fd, MGM_IOC_DEREGISTER, &undo);
		return libmgm_win32(err, MGM_SRC_IOCTL);
	}
	*phProtocol = handle;
	return NO_ERROR;
}

MGM_API DWORD MgmDeRegisterMProtocol(HANDLE hProtocol)
{
	struct mgm_deregister dereg = { 0 };
	struct mgm_slot *slot;
	struct mgm_ref ref;
	int err;

	err = libmgm_ref_get(hProtocol, MGM_KIND_PROTOCOL, &ref);
	if (err)
		return libmgm_win32(err, MGM_SRC_IOCTL);
	dereg.handle = ref.kid;
	err = libmgm_ioctl(ref.fd, MGM_IOC_DEREGISTER, &dereg);
	if (err)
		return libmgm_win32(err, MGM_SRC_IOCTL);

	libmgm_lock();
	slot = libmgm_ht_lookup(libmgm_handles(), hProtocol, MGM_KIND_PROTOCOL);
	if (slot) {
		libmgm_events_forget(slot->view);
		slot->view = NULL;
		libmgm_ht_free(libmgm_handles(), slot);
	}
	libmgm_unlock();
	return NO_ERROR;
}

static DWORD mgm_interface(HANDLE hProtocol, DWORD dwIfIndex,
			   DWORD dwIfNextHopAddr, unsigned long cmd)
{
	struct mgm_interface arg = {
		.ifindex = dwIfIndex,
		.nexthop = dwIfNextHopAddr,
	};
	struct mgm_ref ref;
	int err;

	err = libmgm_ref_get(hProtocol, MGM_KIND_PROTOCOL, &ref);
	if (!err) {
		arg.handle = ref.kid;
		err = libmgm_ioctl(ref.fd, cmd, &arg);
	}
	return libmgm_win32(err, MGM_SRC_IOCTL);
}

MGM_API DWORD MgmTakeInterfaceOwnership(HANDLE hProtocol, DWORD dwIfIndex,
					DWORD dwIfNextHopAddr)
{
	return mgm_interface(hProtocol, dwIfIndex, dwIfNextHopAddr,
			     MGM_IOC_TAKE_INTERFACE);
}

MGM_API DWORD MgmReleaseInterfaceOwnership(HANDLE hProtocol, DWORD dwIfIndex,
					   DWORD dwIfNextHopAddr)
{
	return mgm_interface(hProtocol, dwIfIndex, dwIfNextHopAddr,
			     MGM_IOC_RELEASE_INTERFACE);
}

MGM_API DWORD MgmGetProtocolOnInterface(DWORD dwIfIndex, DWORD dwIfNextHopAddr,
					PDWORD pdwIfProtocolId,
					PDWORD pdwIfComponentId)
{
	struct mgm_owner_query q = {
		.ifindex = dwIfIndex,
		.nexthop = dwIfNextHopAddr,
	};
	int fd, err;

	if (!pdwIfProtocolId || !pdwIfComponentId)
		return ERROR_INVALID_PARAMETER;
	fd = libmgm_fd();
	if (fd < 0)
		return libmgm_win32(fd, MGM_SRC_OPEN);
	err = libmgm_ioctl(fd, MGM_IOC_GET_OWNER, &q);
	if (err)
		return libmgm_win32(err, MGM_SRC_IOCTL);
	*pdwIfProtocolId = q.protocol_id;
	*pdwIfComponentId = q.component_id;
	return NO_ERROR;
}
