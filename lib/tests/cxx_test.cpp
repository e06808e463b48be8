// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side: <mgm.h> compiles as C++ (-std=c++11 -pedantic -Werror), its
 * declarations have C linkage (this links against the C library), and its
 * types have the Windows layout.
 */
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
