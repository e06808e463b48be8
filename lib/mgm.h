/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mgm.h - the Windows RRAS Multicast Group Manager (MGM) API on Linux.
 *
 * Code written against Windows' <mgm.h> compiles against this header and
 * links with -lmgm (see pkg-config libmgm). The functions talk to the mgm
 * kernel module through /dev/mgm; see libmgm(3) for the process model
 * (threads, fork), mgm(4) for the device and the Mgm*(3) pages for each
 * call.
 *
 * Every Mgm* function returns a Win32 error code (a DWORD). Addresses and
 * masks are IPv4 in a DWORD in network byte order, as struct
 * in_addr.s_addr holds them.
 *
 * The callbacks of ROUTING_PROTOCOL_CONFIG are called in the process that
 * registered the protocol: by default on a thread of the library, or, after
 * mgm_event_fd(), by mgm_event_dispatch() in the caller's own event loop
 * (libmgm(3), mgm_event_fd(3), and a page per callback, e.g.
 * PMGM_JOIN_ALERT_CALLBACK(3)).
 *
 * Below the Windows API, a small native API (mgm_*) exposes what Windows
 * does not have: enumeration without a protocol and with the table's
 * generation, batched membership changes, statistics. Native calls return
 * 0 or a negative errno.
 */
#ifndef MGM_H
#define MGM_H

#include <stddef.h>
#include <stdint.h>
#include <linux/mgm.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The version of mgm this header belongs to: the top-level VERSION file
 * (the build checks that these agree with it). MGM_VERSION_MAJOR is the
 * soname's number (libmgm.so.1); a minor release only adds names, a patch
 * release only fixes (docs/versions.md).
 */
#define MGM_VERSION_MAJOR	1
#define MGM_VERSION_MINOR	1
#define MGM_VERSION_PATCH	0
#define MGM_VERSION		"1.1.0"
/* At least version A.B.C: #if MGM_VERSION_AT_LEAST(1, 1, 0) */
#define MGM_VERSION_AT_LEAST(a, b, c) \
	(MGM_VERSION_MAJOR > (a) || (MGM_VERSION_MAJOR == (a) && \
	 (MGM_VERSION_MINOR > (b) || (MGM_VERSION_MINOR == (b) && \
	  MGM_VERSION_PATCH >= (c)))))

/* Exported from libmgm.so: everything else is hidden. */
#define MGM_API __attribute__((visibility("default")))

/* --- Windows types ------------------------------------------------------- */
#ifndef _WINDEF_	/* already defined when a Windows compatibility layer is in use */
typedef uint32_t DWORD, *PDWORD;
typedef int32_t BOOL, *PBOOL;
/* windef.h's, which Windows code expects beside BOOL. */
#ifndef TRUE
#define TRUE	1
#endif
#ifndef FALSE
#define FALSE	0
#endif
typedef uint8_t BYTE, *PBYTE;
typedef uint32_t ULONG, *PULONG;	/* 32 bits, as on Windows */
typedef void *PVOID;
typedef void *HANDLE, **PHANDLE;
#endif

/* --- Win32 error codes the MGM functions return (DWORD constants) --------- */
#ifndef NO_ERROR
#define NO_ERROR			0u
#endif
#define ERROR_ACCESS_DENIED		5u
#define ERROR_NOT_ENOUGH_MEMORY		8u
#define ERROR_INVALID_PARAMETER		87u
#define ERROR_INSUFFICIENT_BUFFER	122u
#define ERROR_ALREADY_EXISTS		183u
#define ERROR_MORE_DATA			234u
#define ERROR_NO_MORE_ITEMS		259u
#define ERROR_CAN_NOT_COMPLETE		1003u
#define ERROR_NOT_FOUND			1168u

/* --- constants ----------------------------------------------------------- */
#define MGM_JOIN_STATE_FLAG		0x00000001u
#define MGM_FORWARD_STATE_FLAG		0x00000002u
#define PROTO_IP_IGMP			10u

/* --- structures ---------------------------------------------------------- */
typedef struct _SOURCE_GROUP_ENTRY {
	DWORD dwSourceAddr;
	DWORD dwSourceMask;
	DWORD dwGroupAddr;
	DWORD dwGroupMask;
} SOURCE_GROUP_ENTRY, *PSOURCE_GROUP_ENTRY;

typedef enum _MGM_ENUM_TYPES {
	ANY_SOURCE = 0,		/* one record per group: {0, 0, G, Gmask} */
	ALL_SOURCES		/* one record per (S,G), (*,G) and (*,*) */
} MGM_ENUM_TYPES;

typedef struct _MGM_IF_ENTRY {
	DWORD dwIfIndex;
	DWORD dwIfNextHopAddr;
	BOOL bIGMP;
	BOOL bIsEnabled;
} MGM_IF_ENTRY, *PMGM_IF_ENTRY;

/*
 * The callbacks a routing protocol hands to MGM, as Windows declares them,
 * all called (see their man pages). Rpf, CreationAlert, WrongIf, and
 * PruneAlert/JoinAlert with FALSE, concern the forwarding entries of
 * mgm-fwd(8) and come after it installed them; what their callees change
 * is sent back to it. Return values are ignored, as on Windows.
 */
typedef DWORD (*PMGM_RPF_CALLBACK)(DWORD dwSourceAddr, DWORD dwSourceMask,
				   DWORD dwGroupAddr, DWORD dwGroupMask,
				   PDWORD pdwInIfIndex,
				   PDWORD pdwInIfNextHopAddr,
				   PDWORD pdwUpStreamNbr, DWORD dwHdrSize,
				   PBYTE pbPacketHdr, PBYTE pbRoute);
typedef DWORD (*PMGM_CREATION_ALERT_CALLBACK)(DWORD dwSourceAddr,
					      DWORD dwSourceMask,
					      DWORD dwGroupAddr,
					      DWORD dwGroupMask,
					      DWORD dwInIfIndex,
					      DWORD dwInIfNextHopAddr,
					      DWORD dwIfCount,
					      PMGM_IF_ENTRY pmieOutIfList);
typedef DWORD (*PMGM_PRUNE_ALERT_CALLBACK)(DWORD dwSourceAddr,
					   DWORD dwSourceMask,
					   DWORD dwGroupAddr, DWORD dwGroupMask,
					   DWORD dwIfIndex,
					   DWORD dwIfNextHopAddr,
					   BOOL bMemberDelete,
					   PDWORD pdwTimeout);
typedef DWORD (*PMGM_JOIN_ALERT_CALLBACK)(DWORD dwSourceAddr,
					  DWORD dwSourceMask,
					  DWORD dwGroupAddr, DWORD dwGroupMask,
					  BOOL bMemberUpdate);
typedef DWORD (*PMGM_WRONG_IF_CALLBACK)(DWORD dwSourceAddr, DWORD dwGroupAddr,
					DWORD dwIfIndex, DWORD dwIfNextHopAddr,
					DWORD dwHdrSize, PBYTE pbPacketHdr);
typedef DWORD (*PMGM_LOCAL_JOIN_CALLBACK)(DWORD dwSourceAddr,
					  DWORD dwSourceMask,
					  DWORD dwGroupAddr, DWORD dwGroupMask,
					  DWORD dwIfIndex,
					  DWORD dwIfNextHopAddr);
typedef DWORD (*PMGM_LOCAL_LEAVE_CALLBACK)(DWORD dwSourceAddr,
					   DWORD dwSourceMask,
					   DWORD dwGroupAddr, DWORD dwGroupMask,
					   DWORD dwIfIndex,
					   DWORD dwIfNextHopAddr);
typedef DWORD (*PMGM_DISABLE_IGMP_CALLBACK)(DWORD dwIfIndex,
					    DWORD dwIfNextHopAddr);
typedef DWORD (*PMGM_ENABLE_IGMP_CALLBACK)(DWORD dwIfIndex,
					   DWORD dwIfNextHopAddr);

typedef struct _ROUTING_PROTOCOL_CONFIG {
	DWORD dwCallbackFlags;
	PMGM_RPF_CALLBACK pfnRpfCallback;
	PMGM_CREATION_ALERT_CALLBACK pfnCreationAlertCallback;
	PMGM_PRUNE_ALERT_CALLBACK pfnPruneAlertCallback;
	PMGM_JOIN_ALERT_CALLBACK pfnJoinAlertCallback;
	PMGM_WRONG_IF_CALLBACK pfnWrongIfCallback;
	PMGM_LOCAL_JOIN_CALLBACK pfnLocalJoinCallback;
	PMGM_LOCAL_LEAVE_CALLBACK pfnLocalLeaveCallback;
	PMGM_DISABLE_IGMP_CALLBACK pfnDisableIgmpCallback;
	PMGM_ENABLE_IGMP_CALLBACK pfnEnableIgmpCallback;
} ROUTING_PROTOCOL_CONFIG, *PROUTING_PROTOCOL_CONFIG;

/*
 * Multicast forwarding entries (MFEs), as ipmib.h declares them: the
 * outgoing interfaces follow the record, declared as an array of
 * ANY_SIZE (1), so a record's size is SIZEOF_MIB_MFE(n) = 60 + 16n,
 * SIZEOF_MIB_MFE_STATS(n) = 64 + 28n, SIZEOF_MIB_MFE_STATS_EX(n) =
 * 84 + 28n, not its sizeof.
 */
#ifndef ANY_SIZE
#define ANY_SIZE 1
#endif
typedef struct _MIB_IPMCAST_OIF_XP {
	DWORD dwOutIfIndex;
	DWORD dwNextHopAddr;
	DWORD dwReserved;
	DWORD dwReserved1;
} MIB_IPMCAST_OIF_XP, MIB_IPMCAST_OIF, *PMIB_IPMCAST_OIF;

typedef struct _MIB_IPMCAST_MFE {
	DWORD dwGroup;
	DWORD dwSource;
	DWORD dwSrcMask;
	DWORD dwUpStrmNgbr;
	DWORD dwInIfIndex;
	DWORD dwInIfProtocol;
	DWORD dwRouteProtocol;
	DWORD dwRouteNetwork;
	DWORD dwRouteMask;
	ULONG ulUpTime;			/* seconds */
	ULONG ulExpiryTime;		/* seconds left */
	ULONG ulTimeOut;		/* seconds */
	ULONG ulNumOutIf;
	DWORD fFlags;
	DWORD dwReserved;
	MIB_IPMCAST_OIF rgmioOutInfo[ANY_SIZE];
} MIB_IPMCAST_MFE, *PMIB_IPMCAST_MFE;

typedef struct _MIB_IPMCAST_OIF_STATS {
	DWORD dwOutIfIndex;
	DWORD dwNextHopAddr;
	DWORD dwDialContext;
	ULONG ulTtlTooLow;
	ULONG ulFragNeeded;
	ULONG ulOutPackets;
	ULONG ulOutDiscards;
} MIB_IPMCAST_OIF_STATS, *PMIB_IPMCAST_OIF_STATS;

typedef struct _MIB_IPMCAST_MFE_STATS {
	DWORD dwGroup;
	DWORD dwSource;
	DWORD dwSrcMask;
	DWORD dwUpStrmNgbr;
	DWORD dwInIfIndex;
	DWORD dwInIfProtocol;
	DWORD dwRouteProtocol;
	DWORD dwRouteNetwork;
	DWORD dwRouteMask;
	ULONG ulUpTime;			/* 1/100 s */
	ULONG ulExpiryTime;		/* 1/100 s left */
	ULONG ulNumOutIf;
	ULONG ulInPkts;
	ULONG ulInOctets;
	ULONG ulPktsDifferentIf;
	ULONG ulQueueOverflow;
	MIB_IPMCAST_OIF_STATS rgmiosOutStats[ANY_SIZE];
} MIB_IPMCAST_MFE_STATS, *PMIB_IPMCAST_MFE_STATS;

typedef struct _MIB_IPMCAST_MFE_STATS_EX {
	DWORD dwGroup;
	DWORD dwSource;
	DWORD dwSrcMask;
	DWORD dwUpStrmNgbr;
	DWORD dwInIfIndex;
	DWORD dwInIfProtocol;
	DWORD dwRouteProtocol;
	DWORD dwRouteNetwork;
	DWORD dwRouteMask;
	ULONG ulUpTime;
	ULONG ulExpiryTime;
	ULONG ulNumOutIf;
	ULONG ulInPkts;
	ULONG ulInOctets;
	ULONG ulPktsDifferentIf;
	ULONG ulQueueOverflow;
	ULONG ulUninitMfe;
	ULONG ulNegativeMfe;
	ULONG ulInDiscards;
	ULONG ulInHdrErrors;
	ULONG ulTotalOutPackets;
	MIB_IPMCAST_OIF_STATS rgmiosOutStats[ANY_SIZE];
} MIB_IPMCAST_MFE_STATS_EX, *PMIB_IPMCAST_MFE_STATS_EX;

#define SIZEOF_MIB_MFE(n) \
	(offsetof(MIB_IPMCAST_MFE, rgmioOutInfo) + (n) * sizeof(MIB_IPMCAST_OIF))
#define SIZEOF_MIB_MFE_STATS(n) \
	(offsetof(MIB_IPMCAST_MFE_STATS, rgmiosOutStats) + \
	 (n) * sizeof(MIB_IPMCAST_OIF_STATS))
#define SIZEOF_MIB_MFE_STATS_EX(n) \
	(offsetof(MIB_IPMCAST_MFE_STATS_EX, rgmiosOutStats) + \
	 (n) * sizeof(MIB_IPMCAST_OIF_STATS))

/* dwFlags of the ...Stats calls: which record they return. */
#define MGM_MFE_STATS_0		0x00000001u	/* MIB_IPMCAST_MFE_STATS */
#define MGM_MFE_STATS_1		0x00000002u	/* MIB_IPMCAST_MFE_STATS_EX */

/* --- the Windows MGM functions ------------------------------------------- */
MGM_API DWORD MgmRegisterMProtocol(PROUTING_PROTOCOL_CONFIG prpiInfo,
				   DWORD dwProtocolId, DWORD dwComponentId,
				   HANDLE *phProtocol);
MGM_API DWORD MgmDeRegisterMProtocol(HANDLE hProtocol);

MGM_API DWORD MgmTakeInterfaceOwnership(HANDLE hProtocol, DWORD dwIfIndex,
					DWORD dwIfNextHopAddr);
MGM_API DWORD MgmReleaseInterfaceOwnership(HANDLE hProtocol, DWORD dwIfIndex,
					   DWORD dwIfNextHopAddr);
MGM_API DWORD MgmGetProtocolOnInterface(DWORD dwIfIndex, DWORD dwIfNextHopAddr,
					PDWORD pdwIfProtocolId,
					PDWORD pdwIfComponentId);

MGM_API DWORD MgmAddGroupMembershipEntry(HANDLE hProtocol, DWORD dwSourceAddr,
					 DWORD dwSourceMask, DWORD dwGroupAddr,
					 DWORD dwGroupMask, DWORD dwIfIndex,
					 DWORD dwIfNextHopIPAddr,
					 DWORD dwFlags);
MGM_API DWORD MgmDeleteGroupMembershipEntry(HANDLE hProtocol,
					    DWORD dwSourceAddr,
					    DWORD dwSourceMask,
					    DWORD dwGroupAddr,
					    DWORD dwGroupMask, DWORD dwIfIndex,
					    DWORD dwIfNextHopIPAddr,
					    DWORD dwFlags);

MGM_API DWORD MgmGroupEnumerationStart(HANDLE hProtocol,
				       MGM_ENUM_TYPES metEnumType,
				       HANDLE *phEnumHandle);
MGM_API DWORD MgmGroupEnumerationGetNext(HANDLE hEnum, PDWORD pdwBufferSize,
					 PBYTE pbBuffer,
					 PDWORD pdwNumEntries);
MGM_API DWORD MgmGroupEnumerationEnd(HANDLE hEnum);

/*
 * MFEs: the forwarder's (mgm-fwd, asked on its control socket), ordered by
 * group then source. See MgmGetMfe(3).
 */
MGM_API DWORD MgmGetMfe(PMIB_IPMCAST_MFE pimm, PDWORD pdwBufferSize,
			PBYTE pbBuffer);
MGM_API DWORD MgmGetFirstMfe(PDWORD pdwBufferSize, PBYTE pbBuffer,
			     PDWORD pdwNumEntries);
MGM_API DWORD MgmGetNextMfe(PMIB_IPMCAST_MFE pimmStart, PDWORD pdwBufferSize,
			    PBYTE pbBuffer, PDWORD pdwNumEntries);
MGM_API DWORD MgmGetMfeStats(PMIB_IPMCAST_MFE pimm, PDWORD pdwBufferSize,
			     PBYTE pbBuffer, DWORD dwFlags);
MGM_API DWORD MgmGetFirstMfeStats(PDWORD pdwBufferSize, PBYTE pbBuffer,
				  PDWORD pdwNumEntries, DWORD dwFlags);
MGM_API DWORD MgmGetNextMfeStats(PMIB_IPMCAST_MFE pimmStart,
				 PDWORD pdwBufferSize, PBYTE pbBuffer,
				 PDWORD pdwNumEntries, DWORD dwFlags);
/* The upstream neighbour of the MFE (pmimm's source and group). */
MGM_API DWORD MgmSetMfe(HANDLE hProtocol, PMIB_IPMCAST_MFE pmimm);

/* --- native API: 0 or a negative errno ------------------------------------ */

/*
 * Open this process's file of /dev/mgm now, if it is not open yet (every
 * call does so lazily). -ENOENT: no device, the module is not loaded;
 * -EACCES: no permission on the device node.
 */
MGM_API int mgm_device_open(void);

/* "ERROR_INVALID_PARAMETER" for 87, ...; "ERROR_UNKNOWN" otherwise. */
MGM_API const char *mgm_error_name(DWORD code);

/*
 * Start an enumeration without a protocol (needs only the device, no
 * privilege). @type is ANY_SOURCE or ALL_SOURCES. The handle is an
 * enumeration handle like MgmGroupEnumerationStart's: read it with
 * mgm_enum_next() or MgmGroupEnumerationGetNext(), free it with
 * MgmGroupEnumerationEnd(). *@generation (if not NULL) gets the table's
 * generation at the start.
 */
MGM_API int mgm_enum_start(MGM_ENUM_TYPES type, HANDLE *phEnum,
			   uint64_t *generation);

struct mgm_enum_status {
	uint32_t count;			/* records written to the buffer */
	uint32_t status;		/* MGM_ENUM_STATUS_END, _CHANGED */
	uint64_t start_generation;	/* generation when the cursor started */
	uint64_t generation;		/* generation now */
	uint32_t needed;		/* with -ERANGE: bytes one record needs */
	uint32_t reserved;
};

/*
 * Read the next records into @buf (@size bytes): the kernel's view,
 * without the Windows call's end-of-enumeration bookkeeping. MGM_ENUM_STATUS_END
 * comes with the last records (later calls give none and MGM_ENUM_STATUS_END
 * again); MGM_ENUM_STATUS_CHANGED says the table changed since the start, so the
 * caller may start again for a consistent view. -ERANGE: not even one
 * record fits (st->needed tells the size). -EINVAL: bad handle.
 */
MGM_API int mgm_enum_next(HANDLE hEnum, void *buf, uint32_t size,
			  struct mgm_enum_status *st);

/* One membership of a batch; fields as MgmAddGroupMembershipEntry's. */
struct mgm_member {
	DWORD source;
	DWORD source_mask;
	DWORD group;
	DWORD group_mask;
	DWORD ifindex;
	DWORD nexthop;
	DWORD flags;	/* MGM_JOIN_STATE_FLAG and/or MGM_FORWARD_STATE_FLAG */
};

/*
 * Add or delete @count memberships of protocol @hProtocol, in order, with
 * as few system calls as possible. The first failure stops: *@done (if
 * not NULL) tells how many were applied, the return value why record
 * *@done failed.
 */
MGM_API int mgm_add_memberships(HANDLE hProtocol,
				const struct mgm_member *recs, size_t count,
				size_t *done);
MGM_API int mgm_delete_memberships(HANDLE hProtocol,
				   const struct mgm_member *recs, size_t count,
				   size_t *done);

/*
 * Counters and limits (struct mgm_stats of <linux/mgm.h>). @size is
 * sizeof(*stats) as the caller knows it; fields this library does not know
 * are zeroed.
 */
MGM_API int mgm_get_stats(struct mgm_stats *stats, size_t size);

/*
 * Deliver this process's callbacks from the caller's event loop instead of
 * a library thread (a thread already running is stopped first; none is
 * started after). Returns the descriptor to poll for POLLIN (this process's
 * file of /dev/mgm: do not read or close it), or -errno; -EDEADLK when
 * called from a callback on the library's thread. Call it before the first
 * registration so that no thread is ever started. In a forked child, call
 * it again: the child has a file, and a descriptor, of its own.
 */
MGM_API int mgm_event_fd(void);

/*
 * Run the callbacks that are pending, in the calling thread, without
 * waiting: the number of events handled (0: none was pending), or -EINVAL
 * (mgm_event_fd() was not called), -EBUSY (another thread is dispatching,
 * or called from a callback). With edge-triggered epoll, call it until it
 * returns 0.
 */
MGM_API int mgm_event_dispatch(void);

#ifdef __cplusplus
}
#endif

#endif /* MGM_H */
