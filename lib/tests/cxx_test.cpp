// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host-side: <mgm.h> compiles as C++ (-std=c++11 -pedantic -Werror), its
 * declarations have C linkage (this links against the C library), and its
 * types have the Windows layout.
 */
#include <cstddef>
#include <cstdio>
#include <type_traits>
#include "mgm.h"

static_assert(sizeof(DWORD) == 4 && std::is_unsigned<DWORD>::value, "DWORD");
static_assert(sizeof(BOOL) == 4 && std::is_signed<BOOL>::value, "BOOL");
static_assert(sizeof(HANDLE) == sizeof(void *), "HANDLE");
static_assert(sizeof(SOURCE_GROUP_ENTRY) == 16, "SOURCE_GROUP_ENTRY");
static_assert(sizeof(MGM_IF_ENTRY) == 16, "MGM_IF_ENTRY");
static_assert(sizeof(ROUTING_PROTOCOL_CONFIG) == 10 * sizeof(void *), "config");
static_assert(ANY_SOURCE == 0 && ALL_SOURCES == 1, "MGM_ENUM_TYPES");

/*
 * ROUTING_PROTOCOL_CONFIG as Windows lays it out: dwCallbackFlags, then the
 * nine pointers in this order, each pointer-aligned.
 */
#define CFG_AT(field, n)						\
	static_assert(offsetof(ROUTING_PROTOCOL_CONFIG, field) ==	\
		      (n) * sizeof(void *), #field)
static_assert(offsetof(ROUTING_PROTOCOL_CONFIG, dwCallbackFlags) == 0, "flags");
CFG_AT(pfnRpfCallback, 1);
CFG_AT(pfnCreationAlertCallback, 2);
CFG_AT(pfnPruneAlertCallback, 3);
CFG_AT(pfnJoinAlertCallback, 4);
CFG_AT(pfnWrongIfCallback, 5);
CFG_AT(pfnLocalJoinCallback, 6);
CFG_AT(pfnLocalLeaveCallback, 7);
CFG_AT(pfnDisableIgmpCallback, 8);
CFG_AT(pfnEnableIgmpCallback, 9);
static_assert(offsetof(MGM_IF_ENTRY, bIsEnabled) == 12, "MGM_IF_ENTRY");

/* The callback typedefs, spelled as Windows' mgm.h declares them. */
typedef DWORD (*W_RPF)(DWORD, DWORD, DWORD, DWORD, PDWORD, PDWORD, PDWORD, DWORD,
		       PBYTE, PBYTE);
typedef DWORD (*W_CREATION)(DWORD, DWORD, DWORD, DWORD, DWORD, DWORD, DWORD,
			    PMGM_IF_ENTRY);
typedef DWORD (*W_PRUNE)(DWORD, DWORD, DWORD, DWORD, DWORD, DWORD, BOOL, PDWORD);
typedef DWORD (*W_JOIN)(DWORD, DWORD, DWORD, DWORD, BOOL);
typedef DWORD (*W_WRONG_IF)(DWORD, DWORD, DWORD, DWORD, DWORD, PBYTE);
typedef DWORD (*W_LOCAL)(DWORD, DWORD, DWORD, DWORD, DWORD, DWORD);
typedef DWORD (*W_IGMP)(DWORD, DWORD);
static_assert(std::is_same<PMGM_RPF_CALLBACK, W_RPF>::value, "Rpf");
static_assert(std::is_same<PMGM_CREATION_ALERT_CALLBACK, W_CREATION>::value, "Creation");
static_assert(std::is_same<PMGM_PRUNE_ALERT_CALLBACK, W_PRUNE>::value, "Prune");
static_assert(std::is_same<PMGM_JOIN_ALERT_CALLBACK, W_JOIN>::value, "Join");
static_assert(std::is_same<PMGM_WRONG_IF_CALLBACK, W_WRONG_IF>::value, "WrongIf");
static_assert(std::is_same<PMGM_LOCAL_JOIN_CALLBACK, W_LOCAL>::value, "LocalJoin");
static_assert(std::is_same<PMGM_LOCAL_LEAVE_CALLBACK, W_LOCAL>::value, "LocalLeave");
static_assert(std::is_same<PMGM_DISABLE_IGMP_CALLBACK, W_IGMP>::value, "Disable");
static_assert(std::is_same<PMGM_ENABLE_IGMP_CALLBACK, W_IGMP>::value, "Enable");
static_assert(std::is_same<decltype(&ROUTING_PROTOCOL_CONFIG::pfnPruneAlertCallback),
			   PMGM_PRUNE_ALERT_CALLBACK ROUTING_PROTOCOL_CONFIG::*>::value,
	      "field types");
static_assert(std::is_same<decltype(&mgm_event_fd), int (*)()>::value &&
	      std::is_same<decltype(&mgm_event_dispatch), int (*)()>::value,
	      "event calls");
static_assert(ERROR_NO_MORE_ITEMS == 259, "codes");

static DWORD join_alert(DWORD, DWORD, DWORD, DWORD, BOOL)
{
	return NO_ERROR;
}

int main()
{
	ROUTING_PROTOCOL_CONFIG cfg = {};
	HANDLE h = nullptr;
	DWORD size = 16, n = 0;
	BYTE buf[16];

	cfg.pfnJoinAlertCallback = join_alert;
	if (MgmDeRegisterMProtocol(h) != ERROR_INVALID_PARAMETER ||
	    MgmGroupEnumerationGetNext(h, &size, buf, &n) != ERROR_INVALID_PARAMETER ||
	    MgmRegisterMProtocol(&cfg, PROTO_IP_IGMP, 1, nullptr) != ERROR_INVALID_PARAMETER) {
		std::puts("not ok 1 cxx: unexpected codes");
		return 1;
	}
	std::printf("TAP version 13\n1..1\nok 1 cxx: mgm.h from C++ (%s)\n"
		    "# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0\n",
		    mgm_error_name(ERROR_INVALID_PARAMETER));
	return 0;
}
