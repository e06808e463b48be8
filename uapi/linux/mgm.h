/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mgm - multicast group membership table, /dev/mgm ioctl interface.
 *
 * Per network namespace, the kernel keeps the multicast group memberships
 * that routing protocols report, and lists the resulting (source, group)
 * entries through enumeration cursors. Everything a client creates
 * (protocols, interface ownerships, memberships, cursors) belongs to the open
 * file of /dev/mgm it was created through and goes away when that file is
 * closed. The table served is that of the network namespace of the process
 * that opened the file.
 *
 * Conventions, for every command:
 *  - Addresses and masks are IPv4, in network byte order (__be32).
 *  - Fields named @flags, @pad or "reserved" must be zero on input, else the
 *    command fails with EINVAL. Unknown flag bits are EINVAL. @flags fields
 *    are input only; results come in fields of their own (@status,
 *    @owners, ...), so a struct the kernel returned is valid input for the
 *    next call as it is.
 *  - The size encoded in the ioctl number is the size of the caller's
 *    struct. A caller built against an older, shorter struct gets the new
 *    fields as zero; one built against a newer, longer struct may use it on
 *    an older kernel as long as the fields this kernel does not know are
 *    zero (else EINVAL), and gets them back as zero, so that it can tell a
 *    field this kernel does not fill. A size below the first published one
 *    is EINVAL. Batch records (struct mgm_batch) follow the same rule
 *    through @record_size.
 *  - Commands that change state (register, take/release, add/delete,
 *    batch) and the forwarder's MFE reports need CAP_NET_ADMIN in the user
 *    namespace owning the table's network namespace, checked against the
 *    credentials of the file's opener: EPERM otherwise. Enumeration and
 *    statistics need only the file.
 *  - A command whose argument struct cannot be read, or (for commands that
 *    return results in it) cannot be written back, fails with EFAULT and
 *    has no effect. Should another thread unmap or write-protect the
 *    struct while the command runs, register, enum-start and enum-next are
 *    taken back; a batch's applied records stay applied.
 *  - Unknown ioctl numbers are ENOTTY. Layout is identical on 32- and 64-bit
 *    ABIs; 32-bit processes use the same numbers.
 *
 * Errors (negative return of ioctl(), errno):
 *  EINVAL  malformed input, unknown flags or enumeration type, unknown
 *          protocol handle or cursor id, change on an interface the
 *          protocol does not own, release of an interface it does not own
 *  ENOENT  delete of a membership that does not exist; owner query on an
 *          interface nobody owns
 *  ENODEV  ifindex not present in the namespace
 *  EEXIST  protocol (id, component) already registered; interface already
 *          owned by another routing protocol (or by another IGMP instance)
 *  EBUSY   deregister while the protocol still owns interfaces
 *  EPERM   missing CAP_NET_ADMIN
 *  ENOSPC  a limit (entries, memberships, protocols, interfaces, cursors)
 *          is reached; nothing was changed
 *  ENOMEM  an allocation failed; nothing was changed
 *  ERANGE  MGM_IOC_ENUM_NEXT: not even one record fits the buffer
 *  E2BIG   MGM_IOC_MFE_REPORT: more outgoing interfaces than MGM_MFE_MAX_OUT
 *  EFAULT  a user pointer is invalid
 */
#ifndef _UAPI_LINUX_MGM_H
#define _UAPI_LINUX_MGM_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * 0xD6, numbers 0x00-0x3F: free in the kernel's ioctl-number.rst of 6.1,
 * 6.12 and 7.2, and used by no header of those kernels. Reserved for mgm in
 * docs/uapi.md.
 */
#define MGM_IOC_MAGIC		0xD6

/* Protocol id of IGMP, the one protocol that may co-own an interface. */
#define MGM_PROTO_IGMP		10

/* Membership flags (struct mgm_membership.flags). */
#define MGM_JOIN_STATE		0x1	/* the protocol wants the group */
#define MGM_FORWARD_STATE	0x2	/* the protocol forwards the group */
#define MGM_MEMBERSHIP_FLAGS	(MGM_JOIN_STATE | MGM_FORWARD_STATE)

/* Enumeration types (struct mgm_enum_start.type). */
#define MGM_ENUM_ANY_SOURCE	0	/* one record per group */
#define MGM_ENUM_ALL_SOURCES	1	/* one record per (source, group) */

/* Status bits of MGM_IOC_ENUM_NEXT (struct mgm_enum_next.status). */
#define MGM_ENUM_STATUS_END	0x1	/* no record follows the ones returned */
#define MGM_ENUM_STATUS_CHANGED	0x2	/* generation != start_generation */

/* Owner bits of MGM_IOC_GET_OWNER (struct mgm_owner_query.owners). */
#define MGM_OWNED_BY_ROUTING	0x1	/* a routing protocol owns it */
#define MGM_OWNED_BY_IGMP	0x2	/* IGMP owns or co-owns it */

/* Operations of MGM_IOC_BATCH (struct mgm_batch.op). */
#define MGM_BATCH_ADD		1
#define MGM_BATCH_DELETE	2

/* Most records one MGM_IOC_BATCH call accepts. */
#define MGM_BATCH_MAX		65536
/* Largest struct mgm_batch.record_size accepted. */
#define MGM_BATCH_RECORD_MAX	4096

/**
 * struct mgm_register - register a routing protocol (MGM_IOC_REGISTER)
 * @protocol_id:	protocol id, e.g. MGM_PROTO_IGMP
 * @component_id:	component id; (protocol_id, component_id) is unique
 *			per network namespace (else EEXIST)
 * @callback_flags:	the protocol's callback flags; stored, not
 *			interpreted: who is told what follows the
 *			ownerships (events, MGM_IOC_SUBSCRIBE)
 * @handle:		out: the protocol handle, valid on this file only
 */
struct mgm_register {
	__u32	protocol_id;
	__u32	component_id;
	__u32	callback_flags;
	__u32	handle;
};

/**
 * struct mgm_deregister - deregister a protocol (MGM_IOC_DEREGISTER)
 * @handle:	protocol handle; EBUSY while it still owns interfaces
 * @pad:	must be zero
 */
struct mgm_deregister {
	__u32	handle;
	__u32	pad;
};

/**
 * struct mgm_interface - take or release an interface
 *	(MGM_IOC_TAKE_INTERFACE, MGM_IOC_RELEASE_INTERFACE)
 * @handle:	protocol handle
 * @ifindex:	interface index in the file's network namespace; taking one
 *		that does not exist is ENODEV
 * @nexthop:	next hop address; 0 on broadcast and point-to-point links
 * @flags:	must be zero
 *
 * One routing protocol owns an interface at a time; IGMP
 * (MGM_PROTO_IGMP) may co-own it with one routing protocol. Taking an
 * interface owned by another routing protocol (or, for IGMP, by another
 * IGMP instance) or already owned by the caller is EEXIST. Releasing
 * deletes the protocol's memberships on the interface; releasing one the
 * protocol does not own is EINVAL. When the network device goes away, its
 * ownerships and memberships go with it.
 */
struct mgm_interface {
	__u32	handle;
	__u32	ifindex;
	__be32	nexthop;
	__u32	flags;
};

/**
 * struct mgm_owner_query - which protocol owns an interface (MGM_IOC_GET_OWNER)
 * @ifindex:		interface index
 * @nexthop:		next hop address
 * @protocol_id:	out: the routing protocol owning it, or IGMP when
 *			IGMP owns it alone
 * @component_id:	out: that protocol's component id
 * @flags:		must be zero
 * @owners:		out: MGM_OWNED_BY_ROUTING and/or MGM_OWNED_BY_IGMP
 *
 * ENOENT when nobody owns the interface.
 */
struct mgm_owner_query {
	__u32	ifindex;
	__be32	nexthop;
	__u32	protocol_id;
	__u32	component_id;
	__u32	flags;
	__u32	owners;
};

/**
 * struct mgm_membership - one group membership
 *	(MGM_IOC_ADD_MEMBERSHIP, MGM_IOC_DELETE_MEMBERSHIP, batch records)
 * @handle:		protocol handle; the protocol must own
 *			(@ifindex, @nexthop), else EINVAL
 * @flags:		MGM_JOIN_STATE and/or MGM_FORWARD_STATE; neither, or
 *			any other bit, is EINVAL
 * @source:		source address, or 0 for any source
 * @source_mask:	255.255.255.255 with a source, 0 with source 0
 * @group:		multicast group (224.0.0.0/4), or 0 with @source 0
 *			for the (*,*) entry
 * @group_mask:		255.255.255.255 with a group, 0 for (*,*)
 * @ifindex:		interface index
 * @nexthop:		next hop address on that interface
 *
 * A membership is identified by (protocol, interface, next hop, source,
 * group). Add ORs @flags into it, creating it if needed; adding what is
 * already there succeeds and changes nothing. Delete clears @flags from it
 * and removes it once no flag is left; ENOENT if it does not exist or has
 * none of @flags. The (source, group) entry is listed by enumeration while
 * at least one of its memberships has MGM_JOIN_STATE.
 */
struct mgm_membership {
	__u32	handle;
	__u32	flags;
	__be32	source;
	__be32	source_mask;
	__be32	group;
	__be32	group_mask;
	__u32	ifindex;
	__be32	nexthop;
};

/**
 * struct mgm_batch - add or delete many memberships in one call (MGM_IOC_BATCH)
 * @records:		user pointer to @count struct mgm_membership records
 * @count:		number of records, at most MGM_BATCH_MAX
 * @record_size:	sizeof(struct mgm_membership) as the caller knows it:
 *			at least 32 (this version's size) and at most
 *			MGM_BATCH_RECORD_MAX, else EINVAL. Bytes of a record
 *			past the 32 this version knows must be zero, else that
 *			record fails with EINVAL
 * @op:			MGM_BATCH_ADD or MGM_BATCH_DELETE
 * @flags:		must be zero
 * @done:		out: number of records applied, in order
 * @error:		out: 0 when all were applied, else the (positive)
 *			errno of record @done, which stopped the batch
 *
 * Records are applied in order; the first failure stops the batch, leaving
 * the earlier records applied. The ioctl returns 0 when every record was
 * applied and fails with @error otherwise; in both cases @done and @error
 * are written back.
 */
struct mgm_batch {
	__u64	records;
	__u32	count;
	__u32	record_size;
	__u32	op;
	__u32	flags;
	__u32	done;
	__s32	error;
};

/**
 * struct mgm_enum_start - open an enumeration cursor (MGM_IOC_ENUM_START)
 * @type:	MGM_ENUM_ANY_SOURCE or MGM_ENUM_ALL_SOURCES
 * @flags:	must be zero
 * @cursor:	out: cursor id, valid on this file only
 * @pad:	must be zero
 * @generation:	out: the table's generation at start
 *
 * A file holds at most the module parameter max_cursors cursors (ENOSPC).
 */
struct mgm_enum_start {
	__u32	type;
	__u32	flags;
	__u32	cursor;
	__u32	pad;
	__u64	generation;
};

/**
 * struct mgm_source_group - one enumerated record (Windows SOURCE_GROUP_ENTRY)
 * @source:		source address, 0 for any source
 * @source_mask:	255.255.255.255, or 0 with source 0
 * @group:		group address, 0 for the (*,*) entry
 * @group_mask:		255.255.255.255, or 0 with group 0
 */
struct mgm_source_group {
	__be32	source;
	__be32	source_mask;
	__be32	group;
	__be32	group_mask;
};

/**
 * struct mgm_enum_next - read the next records of a cursor (MGM_IOC_ENUM_NEXT)
 * @cursor:		cursor id
 * @flags:		must be zero
 * @buffer:		user pointer to the record buffer
 * @buffer_size:	in: size of @buffer in bytes; out, with ERANGE: the
 *			size one record needs
 * @count:		out: number of records written to @buffer
 * @start_generation:	out: the table's generation when the cursor started
 * @generation:		out: the table's generation now
 * @status:		out: MGM_ENUM_STATUS_END, MGM_ENUM_STATUS_CHANGED
 * @pad:		must be zero
 *
 * Writes as many struct mgm_source_group records as fit, in ascending
 * (group, source) order, compared as host-order numbers. ALL_SOURCES gives
 * one record per entry; ANY_SOURCE one per group, {0, 0, group, mask}.
 * MGM_ENUM_STATUS_END comes with the last records; later calls return no
 * record and MGM_ENUM_STATUS_END again.
 *
 * Guarantee: every entry present from the start of the cursor to its end is
 * returned exactly once; no record is returned twice; entries added or
 * removed meanwhile may or may not appear. MGM_ENUM_STATUS_CHANGED tells
 * that the table changed since the start, so a caller wanting a consistent
 * snapshot can start again.
 *
 * If @buffer_size is below one record, fails with ERANGE and writes the
 * needed size to @buffer_size. On any error the cursor does not move. A
 * membership cursor's id given to MGM_IOC_ENUM_NEXT, or a group cursor's
 * to MGM_IOC_MEMBER_ENUM_NEXT, is EINVAL.
 * Calls on one cursor are serialised; distinct cursors run in parallel.
 */
struct mgm_enum_next {
	__u32	cursor;
	__u32	flags;
	__u64	buffer;
	__u32	buffer_size;
	__u32	count;
	__u64	start_generation;
	__u64	generation;
	__u32	status;
	__u32	pad;
};

/**
 * struct mgm_enum_end - free an enumeration cursor (MGM_IOC_ENUM_END)
 * @cursor:	cursor id, of either kind (group or membership); unknown or
 *		already ended is EINVAL
 * @pad:	must be zero
 */
struct mgm_enum_end {
	__u32	cursor;
	__u32	pad;
};

/**
 * struct mgm_stats - counters and limits (MGM_IOC_STATS)
 * @generation:		the table's generation: it changes whenever an
 *			entry or membership changes
 * @entries:		entries listed by ALL_SOURCES enumeration
 * @memberships:	memberships in the table
 * @protocols:		registered protocols in the namespace
 * @interfaces:		interface ownerships in the namespace
 * @cursors:		open cursors of this file
 * @max_cursors:	limit of cursors per file
 * @max_entries:	limit of (source, group) entries per namespace
 * @max_memberships:	limit of memberships per namespace
 * @max_protocols:	limit of protocols per namespace
 * @max_interfaces:	limit of interface ownerships per namespace
 * @max_batch:		most records one MGM_IOC_BATCH call accepts
 * @pad:		zero
 */
struct mgm_stats {
	__u64	generation;
	__u64	entries;
	__u64	memberships;
	__u32	protocols;
	__u32	interfaces;
	__u32	cursors;
	__u32	max_cursors;
	__u64	max_entries;
	__u64	max_memberships;
	__u32	max_protocols;
	__u32	max_interfaces;
	__u32	max_batch;
	__u32	pad;
};

/*
 * Membership enumeration: who joined where. A membership cursor
 * (MGM_IOC_MEMBER_ENUM_START) lists the memberships themselves, one
 * struct mgm_member_record each, read with MGM_IOC_MEMBER_ENUM_NEXT (the
 * same struct mgm_enum_next as MGM_IOC_ENUM_NEXT) and ended with
 * MGM_IOC_ENUM_END. It is a cursor like the others: bound to the file,
 * counted in max_cursors and struct mgm_stats.cursors.
 */
#define MGM_MEMBER_ENUM_RANGE		0x1	/* only (S,G) in [from, to] */
#define MGM_MEMBER_ENUM_SOURCE		0x2	/* only entries of @source */
#define MGM_MEMBER_ENUM_IFINDEX		0x4	/* only memberships on @ifindex */
#define MGM_MEMBER_ENUM_PROTOCOL	0x8	/* only those of @protocol_id */
#define MGM_MEMBER_ENUM_FLAGS		0xf

/**
 * struct mgm_member_enum_start - open a membership cursor
 *	(MGM_IOC_MEMBER_ENUM_START)
 * @flags:		MGM_MEMBER_ENUM_* bits: which of the fields below
 *			apply. Other bits are EINVAL; a field whose bit is not
 *			set must be zero, else EINVAL.
 * @cursor:		out: cursor id, valid on this file only
 * @from_source:	with MGM_MEMBER_ENUM_RANGE: the first (source, group)
 * @from_group:		considered; entries are compared in the order
 *			MGM_IOC_ENUM_NEXT lists them, (group, source) as
 *			host-order numbers
 * @to_source:		with MGM_MEMBER_ENUM_RANGE: the last (source, group)
 * @to_group:		considered, inclusive; below from is EINVAL
 * @source:		with MGM_MEMBER_ENUM_SOURCE: only entries with this
 *			source (0: the (*,G) and (*,*) ones)
 * @ifindex:		with MGM_MEMBER_ENUM_IFINDEX: only memberships on it
 * @protocol_id:	with MGM_MEMBER_ENUM_PROTOCOL: only memberships of
 *			protocols with this id
 * @pad:		must be zero
 * @generation:		out: the table's generation at start
 *
 * The walk starts with one O(log n) descent at @from and ends after @to,
 * so a range (one group: from (0, G) to (255.255.255.255, G)) costs what
 * it holds, not the table. With MGM_MEMBER_ENUM_SOURCE the walk skips from
 * group to group (one descent per group). The interface and protocol
 * filters are applied while walking, in the kernel.
 */
struct mgm_member_enum_start {
	__u32	flags;
	__u32	cursor;
	__be32	from_source;
	__be32	from_group;
	__be32	to_source;
	__be32	to_group;
	__be32	source;
	__u32	ifindex;
	__u32	protocol_id;
	__u32	pad;
	__u64	generation;
};

/**
 * struct mgm_member_record - one membership, as MGM_IOC_MEMBER_ENUM_NEXT
 *	returns it
 * @source:		source address, 0 for any source
 * @source_mask:	255.255.255.255, or 0 with source 0
 * @group:		group address, 0 for the (*,*) entry
 * @group_mask:		255.255.255.255, or 0 with group 0
 * @ifindex:		interface of the membership
 * @nexthop:		its next hop
 * @protocol_id:	protocol that made it
 * @component_id:	that protocol's component id
 * @member_flags:	MGM_JOIN_STATE and/or MGM_FORWARD_STATE
 * @reserved:		zero
 *
 * Records come in ascending (group, source) order, as MGM_IOC_ENUM_NEXT's,
 * and within one (S,G) in ascending (@ifindex, @nexthop, @protocol_id,
 * @component_id) order, next hop as a host-order number. Memberships with
 * forward state only are listed too (their entry is not listed by
 * MGM_IOC_ENUM_NEXT).
 *
 * Guarantee, as for MGM_IOC_ENUM_NEXT: every membership present from the
 * start of the cursor to its end is returned exactly once; no record is
 * returned twice (the position is that order's key); memberships added or
 * removed meanwhile may or may not appear; a change of flags meanwhile
 * gives either value. ERANGE and the status bits are as for
 * MGM_IOC_ENUM_NEXT, with this record's size.
 */
struct mgm_member_record {
	__be32	source;
	__be32	source_mask;
	__be32	group;
	__be32	group_mask;
	__u32	ifindex;
	__be32	nexthop;
	__u32	protocol_id;
	__u32	component_id;
	__u32	member_flags;
	__u32	reserved;
};

/*
 * Events (docs/contract.md, D14-D17). A file that subscribes
 * (MGM_IOC_SUBSCRIBE) gets a queue; read() on the file returns whole
 * struct mgm_event records from it, oldest first, and poll() reports
 * EPOLLIN while one is waiting (or an overflow is to be told). With
 * MGM_SUBSCRIBE_ALERTS the file receives the callbacks of the Windows MGM
 * meant for the protocols it registered: who is told what is decided by the
 * module (the rules are in docs/contract.md, D15). With MGM_SUBSCRIBE_TABLE
 * it receives one MGM_EVENT_TABLE record for every membership that
 * changes in the namespace, whoever changed it. With MGM_SUBSCRIBE_MFE it
 * receives the callbacks about the forwarder's MFEs meant for its
 * protocols (MGM_IOC_MFE_REPORT, below): a reader must ask for them, so
 * one written before they existed never gets a record it cannot tell from
 * a membership alert. A module older than 1.1 refuses the bit (EINVAL).
 */
#define MGM_SUBSCRIBE_ALERTS	0x1	/* callbacks for this file's protocols */
#define MGM_SUBSCRIBE_TABLE	0x2	/* every membership change */
#define MGM_SUBSCRIBE_MFE	0x4	/* since 1.1: the MFE callbacks for them */

/* Event types (struct mgm_event.type). */
#define MGM_EVENT_JOIN_ALERT	1	/* new receivers of (S,G) */
#define MGM_EVENT_PRUNE_ALERT	2	/* receivers of (S,G) gone */
#define MGM_EVENT_LOCAL_JOIN	3	/* IGMP joined on an interface you own */
#define MGM_EVENT_LOCAL_LEAVE	4	/* IGMP left on an interface you own */
#define MGM_EVENT_DISABLE_IGMP	5	/* a routing protocol takes/releases it */
#define MGM_EVENT_ENABLE_IGMP	6	/* ... and is done: re-add memberships */
#define MGM_EVENT_TABLE		7	/* a membership changed (TABLE) */
#define MGM_EVENT_OVERFLOW	8	/* events were lost: see @lost */
/* Since 1.1, from the forwarder's MGM_IOC_MFE_REPORT (flags: MGM_EVENT_MFE). */
#define MGM_EVENT_RPF		9	/* new MFE: its incoming interface is yours */
#define MGM_EVENT_CREATION_ALERT 10	/* new MFE: one of its outgoing interfaces is yours */
#define MGM_EVENT_WRONG_IF	11	/* a packet of an MFE came on your interface */

/* Event flags (struct mgm_event.flags). */
#define MGM_EVENT_MEMBER	0x1	/* JOIN: bMemberUpdate; PRUNE: bMemberDelete */
#define MGM_EVENT_NEW		0x2	/* TABLE: the membership was created */
#define MGM_EVENT_GONE		0x4	/* TABLE: the membership went away */
/* About an MFE (MGM_IOC_MFE_REPORT); JOIN, PRUNE: bMemberUpdate/Delete FALSE */
#define MGM_EVENT_MFE		0x8
/* CREATION_ALERT: the next record is part of the same alert */
#define MGM_EVENT_MORE		0x10

/**
 * struct mgm_subscribe - choose the events this file receives
 *	(MGM_IOC_SUBSCRIBE)
 * @events:	MGM_SUBSCRIBE_ALERTS, MGM_SUBSCRIBE_TABLE, MGM_SUBSCRIBE_MFE, replacing
 *		what the file subscribed before; 0 unsubscribes (the queue
 *		and what it holds are dropped). Other bits are EINVAL.
 * @flags:	must be zero
 * @queue_size:	out: records the file's queue holds (module parameter
 *		max_events); more are counted as lost
 * @pad:	must be zero
 * @generation:	out: the table's generation when the subscription took
 *		effect. Every later change comes as an event whose
 *		@generation is larger, so "subscribe, enumerate, then apply
 *		the events whose generation is above the enumeration's start
 *		generation" gives a consistent live view.
 *
 * The queue is allocated on the first subscription (ENOMEM if it cannot
 * be) and charged to the memory cgroup of the file's opener. Needs only an
 * open file: alerts are for the file's own protocols, and the table can be
 * read by any opener anyway.
 */
struct mgm_subscribe {
	__u32	events;
	__u32	flags;
	__u32	queue_size;
	__u32	pad;
	__u64	generation;
};

/**
 * struct mgm_event - one event, as read() returns it
 * @seq:		sequence number: increases by one with every event the
 *			namespace generates for any file, in the order of the
 *			changes, so gaps show events meant for other files
 * @generation:		the table's generation once the change that caused
 *			the event was applied
 * @type:		MGM_EVENT_*
 * @handle:		alerts: the protocol (its handle on this file) the
 *			event is for; 0 for TABLE and OVERFLOW
 * @source:		(S,G) concerned, as in struct mgm_membership; zero
 *			for DISABLE_IGMP, ENABLE_IGMP and OVERFLOW
 * @source_mask:	its mask
 * @group:		its group
 * @group_mask:		its mask
 * @ifindex:		the interface: PRUNE_ALERT (the interface of the
 *			membership whose removal caused it; with
 *			MGM_EVENT_MFE the MFE's incoming interface),
 *			LOCAL_JOIN, LOCAL_LEAVE, DISABLE_IGMP, ENABLE_IGMP,
 *			TABLE, CREATION_ALERT (the outgoing interface this
 *			record lists), WRONG_IF (the interface the packet
 *			came on); 0 for JOIN_ALERT and RPF
 * @nexthop:		the interface's next hop
 * @flags:		MGM_EVENT_MEMBER, MGM_EVENT_NEW, MGM_EVENT_GONE,
 *			MGM_EVENT_MFE, MGM_EVENT_MORE
 * @protocol_id:	the protocol whose change caused the event (TABLE:
 *			the membership's protocol); 0 when none did (a device
 *			went away, or the event is about an MFE)
 * @component_id:	its component id
 * @member_flags:	TABLE: the membership's flags after the change (0 once
 *			it is gone)
 * @timeout:		PRUNE_ALERT with MGM_EVENT_MFE: the MFE's idle timeout
 *			in seconds, what PruneAlert offers as *pdwTimeout
 * @lost:		OVERFLOW: how many events for this file were counted
 *			and not queued since the last OVERFLOW record (its
 *			@seq is that of the last one lost); 0 otherwise
 * @in_ifindex:		events with MGM_EVENT_MFE: the MFE's incoming
 *			interface (0: none, no route towards its source);
 *			0 otherwise (this and @in_nexthop were "reserved",
 *			always zero, before 1.1)
 * @in_nexthop:		its next hop
 *
 * The records of one CREATION_ALERT (one per outgoing interface of the
 * protocol told, all but the last with MGM_EVENT_MORE) are queued together
 * or, when the queue cannot take them all, counted as lost together: a
 * reader never sees part of one.
 *
 * read() takes as many whole records as fit in its buffer (EINVAL if not
 * even one does), and blocks while the queue is empty unless the file is
 * O_NONBLOCK (EAGAIN). On a file that is not subscribed it is EINVAL.
 */
struct mgm_event {
	__u64	seq;
	__u64	generation;
	__u32	type;
	__u32	handle;
	__be32	source;
	__be32	source_mask;
	__be32	group;
	__be32	group_mask;
	__u32	ifindex;
	__be32	nexthop;
	__u32	flags;
	__u32	protocol_id;
	__u32	component_id;
	union {
		__u32	member_flags;
		__u32	timeout;
	};
	__u64	lost;
	__u32	in_ifindex;
	__be32	in_nexthop;
};

/*
 * MFE reports (docs/forwarding.md): the namespace's forwarder (mgm-fwd)
 * tells the module what happened to one of its MFEs, and the module tells
 * the protocols that D19 names, as events on their files (above), from
 * its ownerships at that moment. "The owner" of an interface is its
 * routing owner, else its IGMP owner. A report changes no membership.
 *  CREATED   a new MFE (@source, @group), incoming @in_ifindex (0: no
 *            route towards S), outgoing interfaces @out_list: RPF to the
 *            owner of the incoming interface, then one CREATION_ALERT to
 *            each owner of outgoing interfaces, listing only its own.
 *  EMPTIED   its outgoing list became empty: PRUNE_ALERT (MGM_EVENT_MFE,
 *            bMemberDelete FALSE) with @timeout to the incoming owner.
 *  FILLED    its outgoing list is no longer empty: JOIN_ALERT
 *            (MGM_EVENT_MFE, bMemberUpdate FALSE) to the incoming owner.
 *  WRONG_IF  one of its packets came on @ifindex, not the incoming
 *            interface: WRONG_IF to the owner of @ifindex.
 */
#define MGM_MFE_CREATED		1
#define MGM_MFE_EMPTIED		2
#define MGM_MFE_FILLED		3
#define MGM_MFE_WRONG_IF	4

/* Most outgoing interfaces one report lists: the kernel's MAXVIFS. */
#define MGM_MFE_MAX_OUT		32

/**
 * struct mgm_mfe_out - one outgoing interface of a CREATED report
 * @ifindex:	the interface; not 0, not the incoming one, listed once
 * @nexthop:	its next hop
 */
struct mgm_mfe_out {
	__u32	ifindex;
	__be32	nexthop;
};

/**
 * struct mgm_mfe_report - the forwarder reports an MFE event
 *	(MGM_IOC_MFE_REPORT; needs CAP_NET_ADMIN)
 * @kind:	MGM_MFE_CREATED, _EMPTIED, _FILLED or _WRONG_IF; else EINVAL
 * @flags:	must be zero
 * @source:	the MFE's source: unicast, not 0 (else EINVAL)
 * @group:	its group: multicast (else EINVAL)
 * @in_ifindex:	its incoming interface, 0 if it has none (then no RPF)
 * @in_nexthop:	that interface's next hop; must be 0 when @in_ifindex is
 * @ifindex:	WRONG_IF: the interface the packet came on (not 0); must be
 *		0 for the other kinds
 * @nexthop:	its next hop (WRONG_IF only, else 0)
 * @timeout:	EMPTIED: the MFE's idle timeout in seconds; must be 0 for
 *		the other kinds
 * @out_count:	CREATED: number of struct mgm_mfe_out at @out_list, at most
 *		MGM_MFE_MAX_OUT (else E2BIG); must be 0 for the other kinds
 * @out_list:	CREATED: user pointer to them (EFAULT if unreadable); must
 *		be 0 when @out_count is
 * @told:	out: how many protocols an event was queued (or counted as
 *		lost) for; protocols whose file did not subscribe with
 *		MGM_SUBSCRIBE_MFE are not told
 * @pad:	must be zero
 */
struct mgm_mfe_report {
	__u32	kind;
	__u32	flags;
	__be32	source;
	__be32	group;
	__u32	in_ifindex;
	__be32	in_nexthop;
	__u32	ifindex;
	__be32	nexthop;
	__u32	timeout;
	__u32	out_count;
	__u64	out_list;
	__u32	told;
	__u32	pad;
};

#define MGM_IOC_REGISTER		_IOWR(MGM_IOC_MAGIC, 0x01, struct mgm_register)
#define MGM_IOC_DEREGISTER		_IOW(MGM_IOC_MAGIC, 0x02, struct mgm_deregister)
#define MGM_IOC_TAKE_INTERFACE		_IOW(MGM_IOC_MAGIC, 0x03, struct mgm_interface)
#define MGM_IOC_RELEASE_INTERFACE	_IOW(MGM_IOC_MAGIC, 0x04, struct mgm_interface)
#define MGM_IOC_GET_OWNER		_IOWR(MGM_IOC_MAGIC, 0x05, struct mgm_owner_query)
#define MGM_IOC_ADD_MEMBERSHIP		_IOW(MGM_IOC_MAGIC, 0x06, struct mgm_membership)
#define MGM_IOC_DELETE_MEMBERSHIP	_IOW(MGM_IOC_MAGIC, 0x07, struct mgm_membership)
#define MGM_IOC_BATCH			_IOWR(MGM_IOC_MAGIC, 0x08, struct mgm_batch)
#define MGM_IOC_ENUM_START		_IOWR(MGM_IOC_MAGIC, 0x09, struct mgm_enum_start)
#define MGM_IOC_ENUM_NEXT		_IOWR(MGM_IOC_MAGIC, 0x0A, struct mgm_enum_next)
#define MGM_IOC_ENUM_END		_IOW(MGM_IOC_MAGIC, 0x0B, struct mgm_enum_end)
#define MGM_IOC_STATS			_IOR(MGM_IOC_MAGIC, 0x0C, struct mgm_stats)
#define MGM_IOC_MEMBER_ENUM_START	_IOWR(MGM_IOC_MAGIC, 0x0D, struct mgm_member_enum_start)
#define MGM_IOC_MEMBER_ENUM_NEXT	_IOWR(MGM_IOC_MAGIC, 0x0E, struct mgm_enum_next)
/* 0x20-0x2F: events. */
#define MGM_IOC_SUBSCRIBE		_IOWR(MGM_IOC_MAGIC, 0x20, struct mgm_subscribe)
#define MGM_IOC_MFE_REPORT		_IOWR(MGM_IOC_MAGIC, 0x21, struct mgm_mfe_report)

#endif /* _UAPI_LINUX_MGM_H */
