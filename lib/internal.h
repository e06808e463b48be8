/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libmgm internals, shared by the library's files (never installed).
 *
 * Errors are negative errnos inside the library and become Win32 codes
 * once, at the API boundary, through libmgm_win32() (error.c).
 */
#ifndef MGM_INTERNAL_H
#define MGM_INTERNAL_H

#include <stdint.h>
#include <sys/types.h>
#include "mgm.h"

/* --- error.c: the one errno -> Win32 table -------------------------------- */
enum mgm_err_src {
	MGM_SRC_IOCTL,		/* an ioctl of /dev/mgm */
	MGM_SRC_OPEN,		/* opening /dev/mgm */
	MGM_SRC_ENUM_NEXT,	/* MGM_IOC_ENUM_NEXT */
};

/* @err: 0 or an errno, either sign. */
DWORD libmgm_win32(int err, enum mgm_err_src src);

/* --- handle.c: the handle table (not locked: callers hold libmgm_lock()) ----- */
/*
 * A HANDLE is never dereferenced: its value encodes a slot of the table,
 * the slot's generation and the kind of object, and is only ever compared
 * with the table. Layout of the value, low bits first:
 *	kind (4 bits) | slot (16 bits) | generation (the remaining bits)
 * The kind tags are non-zero, so no valid handle is NULL, and no pointer
 * aligned to 16 bytes is a valid handle.
 */
#define MGM_HANDLE_KIND_BITS	4
#define MGM_HANDLE_SLOT_BITS	16
#define MGM_HANDLE_GEN_SHIFT	(MGM_HANDLE_KIND_BITS + MGM_HANDLE_SLOT_BITS)
#define MGM_HANDLE_MAX		(1u << MGM_HANDLE_SLOT_BITS)
#define MGM_HANDLE_GEN_MASK	(UINTPTR_MAX >> MGM_HANDLE_GEN_SHIFT)

enum mgm_kind {
	MGM_KIND_FREE = 0,
	MGM_KIND_PROTOCOL = 0x5,
	MGM_KIND_ENUM = 0xa,
};

/* Where a Windows-style enumeration stands (contract D8). */
enum mgm_enum_state {
	MGM_ENUM_READING,	/* records may follow */
	MGM_ENUM_LAST_READ,	/* the kernel sent the end with the last records */
	MGM_ENUM_DONE,		/* ERROR_NO_MORE_ITEMS was returned */
};

struct mgm_slot {
	uintptr_t gen;		/* masked with MGM_HANDLE_GEN_MASK */
	unsigned int kind;	/* enum mgm_kind; MGM_KIND_FREE when unused */
	uint32_t kid;		/* the kernel's protocol handle or cursor id */
	unsigned int state;	/* enumerations: enum mgm_enum_state */
	/* Protocols: what they registered with, and their callbacks (D14). */
	DWORD protocol_id;
	DWORD component_id;
	ROUTING_PROTOCOL_CONFIG config;
	/* What its callbacks told it (events.c); NULL without callbacks. */
	struct libmgm_view *view;
};

struct mgm_htable {
	struct mgm_slot *slots;
	uint32_t nslots;	/* allocated */
	uint32_t next;		/* where the next free-slot search starts */
	uint32_t used;
};

HANDLE libmgm_handle_encode(uint32_t slot, uintptr_t gen, unsigned int kind);
/* -ENOMEM when the table cannot grow (MGM_HANDLE_MAX reached). */
int libmgm_ht_alloc(struct mgm_htable *ht, unsigned int kind, uint32_t kid,
		 HANDLE *handle, struct mgm_slot **slot);
/* The slot @handle names if it is live and of @kind; else NULL. */
struct mgm_slot *libmgm_ht_lookup(struct mgm_htable *ht, HANDLE handle,
			       unsigned int kind);
void libmgm_ht_free(struct mgm_htable *ht, struct mgm_slot *slot);
/* The live slot of @kind whose kernel id is @kid, or NULL. */
struct mgm_slot *libmgm_ht_find_kid(struct mgm_htable *ht, unsigned int kind,
				    uint32_t kid);
/* Invalidate every live handle (a forked child's table). */
void libmgm_ht_invalidate_all(struct mgm_htable *ht);
void libmgm_ht_destroy(struct mgm_htable *ht);

/* --- view.c: sets of small keys with a value ------------------------------- */
enum libmgm_vkind {
	LIBMGM_V_ALERT = 1,	/* JoinAlert told, no PruneAlert since: (S,G) */
	LIBMGM_V_LOCAL,		/* LocalJoin told, no LocalLeave: (S,G), if */
	LIBMGM_V_DISABLED,	/* DisableIgmp told, no EnableIgmp: if */
	LIBMGM_V_RPF,		/* resync cache: source -> RPF owner */
	LIBMGM_V_OWNER,		/* resync cache: interface -> routing owner */
};

struct libmgm_vkey {
	uint32_t kind, source, group, ifindex, nexthop;
};

struct libmgm_vent {
	struct libmgm_vkey key;
	uint32_t used;
	uint64_t value;
};

struct libmgm_view {
	struct libmgm_vent *ent;
	size_t cap, count;		/* cap: 0 or a power of two */
	struct libmgm_view *next;	/* events.c's list of freed views */
};

struct libmgm_vent *libmgm_view_find(const struct libmgm_view *v,
				     const struct libmgm_vkey *k);
/* 1 added, 0 was there (value replaced), -ENOMEM. */
int libmgm_view_add(struct libmgm_view *v, const struct libmgm_vkey *k,
		    uint64_t value);
/* 1 removed, 0 was not there. */
int libmgm_view_del(struct libmgm_view *v, const struct libmgm_vkey *k);
void libmgm_view_clear(struct libmgm_view *v);

/* --- route.c: the unicast route towards a source --------------------------- */
/* A NETLINK_ROUTE socket (fd or -errno). */
int libmgm_route_open(void);
/* Output interface of the route to @dst (network order): 0, or -errno. */
int libmgm_route_oif(int sock, uint32_t dst, uint32_t *ifindex);

/* --- resync.c: the state the callbacks should have built (D16) ------------- */
struct libmgm_rs_proto {
	uint32_t kid;
	DWORD protocol_id, component_id;
	struct libmgm_view target;	/* out: keys of LIBMGM_V_ALERT, _LOCAL */
};

/*
 * From one membership enumeration on @fd, the view each of @n protocols
 * would have if it had been told of every change. *@gen_end: the table's
 * generation when the enumeration ended. 0 or -errno.
 */
int libmgm_resync_targets(int fd, struct libmgm_rs_proto *p, size_t n,
			  uint64_t *gen_end);

/* --- events.c: delivering the callbacks (D14) ------------------------------ */
/*
 * Before registering a protocol with @cfg on @fd: subscribe the file to
 * its alerts and, in the default mode, start the library's thread, if @cfg
 * has a callback. 0 or -errno. Called with libmgm_reg_lock() held.
 */
int libmgm_events_prepare(int fd, const ROUTING_PROTOCOL_CONFIG *cfg);
/* A view for a protocol with callbacks (NULL without). *@err: -ENOMEM. */
struct libmgm_view *libmgm_events_view(const ROUTING_PROTOCOL_CONFIG *cfg,
				       int *err);
/* The protocol owning @v is gone; @v is freed by the dispatcher. Locked. */
void libmgm_events_forget(struct libmgm_view *v);
/* In a forked child, under libmgm_lock(): no thread, no subscription. */
void libmgm_events_child(struct mgm_htable *ht);

/* --- state.c: the process's device file and handle table ------------------ */
/*
 * One lock guards the file descriptor and the handle table. It is never
 * held across an ioctl: callers copy what they need out of a slot.
 * libmgm_lock() also notices a forked child (also one made by clone(), which
 * runs no atfork handler) and drops the parent's file and handles.
 */
void libmgm_lock(void);
void libmgm_unlock(void);
struct mgm_htable *libmgm_handles(void);
/* The device file, opened on first use: fd or -errno. Under libmgm_lock(). */
int libmgm_fd_locked(void);

/* What a call needs from a handle, copied out under the lock. */
struct mgm_ref {
	int fd;
	uint32_t kid;
	unsigned int state;
};

/* 0 and *ref, or -EINVAL when @handle is not a live handle of @kind. */
int libmgm_ref_get(HANDLE handle, unsigned int kind, struct mgm_ref *ref);
/*
 * Held across registration (the REGISTER ioctl and the new slot) and by the
 * dispatcher while it maps an event's kernel handle to its protocol, so an
 * event queued for a protocol whose registration has not returned yet
 * waits for its slot. Taken before libmgm_lock(), never in a callback.
 */
void libmgm_reg_lock(void);
void libmgm_reg_unlock(void);
/* The device file (opened on first use): fd or -errno. */
int libmgm_fd(void);
/* ioctl() on the device: 0 or -errno. */
int libmgm_ioctl(int fd, unsigned long cmd, void *arg);

/*
 * mfe.c: the answer of mgm-fwd to @req on its control socket, malloc()ed
 * in *@out; its length, or -errno (-ECONNREFUSED, -ENOENT: no forwarder).
 */
ssize_t libmgm_fwd_ask(const char *req, char **out);
/*
 * mfe_events.c: deliver @e, an event with MGM_EVENT_MFE, to the protocol
 * (@protocol_id, @component_id) whose callbacks are @c; the dispatcher's.
 */
void libmgm_mfe_deliver(const ROUTING_PROTOCOL_CONFIG *c, DWORD protocol_id,
			DWORD component_id, const struct mgm_event *e);

#endif /* MGM_INTERNAL_H */
