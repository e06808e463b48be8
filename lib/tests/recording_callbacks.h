/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Recording callbacks for the tests of libmgm's callback delivery (the
 * host's events_host_test against a fake device, the guest's
 * lib_events_test against the module): each of the nine Windows callbacks
 * of ROUTING_PROTOCOL_CONFIG hands its number (enum recorded_cb) and its
 * arguments, in the Windows order, to note(), which the test including
 * this header defines before it (what a record holds and how it is kept,
 * locked, is the test's). The config `recording` names all nine.
 */
#ifndef MGM_TESTS_RECORDING_CALLBACKS_H
#define MGM_TESTS_RECORDING_CALLBACKS_H

#include "mgm.h"

enum recorded_cb { CB_RPF = 1, CB_CREATION, CB_PRUNE, CB_JOIN, CB_WRONG_IF,
		   CB_LOCAL_JOIN, CB_LOCAL_LEAVE, CB_DISABLE, CB_ENABLE,
		   CB_RECORDED_LAST = CB_ENABLE };

static void note(uint32_t cb, DWORD a0, DWORD a1, DWORD a2, DWORD a3, DWORD a4,
		 DWORD a5, DWORD a6, DWORD a7);

static DWORD cb_rpf(DWORD s, DWORD sm, DWORD g, DWORD gm, PDWORD in, PDWORD nh,
		    PDWORD up, DWORD hs, PBYTE hdr, PBYTE route)
{
	(void)in, (void)nh, (void)up, (void)hdr, (void)route;
	note(CB_RPF, s, sm, g, gm, hs, 0, 0, 0);
	return NO_ERROR;
}

static DWORD cb_creation(DWORD s, DWORD sm, DWORD g, DWORD gm, DWORD in, DWORD nh,
			 DWORD n, PMGM_IF_ENTRY oif)
{
	(void)oif;
	note(CB_CREATION, s, sm, g, gm, in, nh, n, 0);
	return NO_ERROR;
}

/* The timeout is recorded as the library offered it (1 when no pointer). */
static DWORD cb_prune(DWORD s, DWORD sm, DWORD g, DWORD gm, DWORD ifx, DWORD nh,
		      BOOL member, PDWORD timeout)
{
	note(CB_PRUNE, s, sm, g, gm, ifx, nh, (DWORD)member, timeout ? *timeout : 1);
	return NO_ERROR;
}

static DWORD cb_join(DWORD s, DWORD sm, DWORD g, DWORD gm, BOOL member)
{
	note(CB_JOIN, s, sm, g, gm, (DWORD)member, 0, 0, 0);
	return NO_ERROR;
}

static DWORD cb_wrong_if(DWORD s, DWORD g, DWORD ifx, DWORD nh, DWORD hs, PBYTE hdr)
{
	(void)hdr;
	note(CB_WRONG_IF, s, g, ifx, nh, hs, 0, 0, 0);
	return NO_ERROR;
}

static DWORD cb_local_join(DWORD s, DWORD sm, DWORD g, DWORD gm, DWORD ifx, DWORD nh)
{
	note(CB_LOCAL_JOIN, s, sm, g, gm, ifx, nh, 0, 0);
	return NO_ERROR;
}

static DWORD cb_local_leave(DWORD s, DWORD sm, DWORD g, DWORD gm, DWORD ifx, DWORD nh)
{
	note(CB_LOCAL_LEAVE, s, sm, g, gm, ifx, nh, 0, 0);
	return NO_ERROR;
}

static DWORD cb_disable(DWORD ifx, DWORD nh)
{
	note(CB_DISABLE, ifx, nh, 0, 0, 0, 0, 0, 0);
	return NO_ERROR;
}

static DWORD cb_enable(DWORD ifx, DWORD nh)
{
	note(CB_ENABLE, ifx, nh, 0, 0, 0, 0, 0, 0);
	return NO_ERROR;
}

static ROUTING_PROTOCOL_CONFIG recording = {
	.pfnRpfCallback = cb_rpf,
	.pfnCreationAlertCallback = cb_creation,
	.pfnPruneAlertCallback = cb_prune,
	.pfnJoinAlertCallback = cb_join,
	.pfnWrongIfCallback = cb_wrong_if,
	.pfnLocalJoinCallback = cb_local_join,
	.pfnLocalLeaveCallback = cb_local_leave,
	.pfnDisableIgmpCallback = cb_disable,
	.pfnEnableIgmpCallback = cb_enable,
};

#endif
