/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mgm-fwd, the forwarder of a network namespace (docs/forwarding.md): the
 * types its parts share. One thread; nothing here is locked because
 * nothing is shared with another thread. Addresses are network byte order
 * (as mgm's), ifindexes those of the daemon's namespace.
 *
 *   members.c  the memberships that forward (a copy of mgm's table,
 *              kept by its events): which interfaces want (S,G)
 *   vif.c      the kernel's VIFs: which interfaces have one
 *   mfe.c      the MFEs: (S,G), incoming interface, outgoing interfaces,
 *              kept equal to the kernel's MFC
 *   mroute.c   the multicast routing socket: ownership, VIF and MFC calls,
 *              upcalls, counters
 *   rpf.c      the unicast route towards a source (rtnetlink)
 *   report.c   what happened to MFEs, told to the module for the
 *              protocols' callbacks (MGM_IOC_MFE_REPORT)
 *   ctl.c      the control socket (status, counters, MFEs as JSON)
 *   main.c     options, the event loop, signals
 */
#ifndef MGM_FWD_H
#define MGM_FWD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/mgm.h>
#include <linux/mroute.h>

#define FWD_MAX_VIFS	MAXVIFS		/* the kernel's limit (32) */

/* --- members.c -------------------------------------------------------------- */

/*
 * The forwarding memberships of one shape of entry: (S,G), (0,G) for
 * (*,G), (0,0) for (*,*); per interface, how many memberships (protocol,
 * component, next hop) with MGM_FORWARD_STATE it has there.
 */
struct fwd_oif_count {
	int ifindex;
	unsigned int count;
};

struct fwd_entry {
	struct fwd_entry *next;		/* hash chain */
	uint32_t source, group;
	size_t n, cap;
	struct fwd_oif_count *oifs;
};

struct fwd_member;			/* one membership (members.c) */

struct fwd_members {
	struct fwd_member **mbuckets;	/* by identity */
	size_t mbucket_count, member_count;
	struct fwd_entry **ebuckets;	/* by (source, group) */
	size_t ebucket_count, entry_count;
};

int members_init(struct fwd_members *m);
void members_free(struct fwd_members *m);
/* Forget everything (before listing the table again). */
void members_clear(struct fwd_members *m);
/*
 * A membership now has @flags (0: it is gone). Returns 1 when the set of
 * forwarding interfaces of its entry changed, 0 when not, -ENOMEM.
 */
int members_set(struct fwd_members *m, uint32_t source, uint32_t group,
		int ifindex, uint32_t nexthop, uint32_t protocol,
		uint32_t component, uint32_t flags);
/* The entry of exactly (@source, @group), or NULL. */
const struct fwd_entry *members_entry(const struct fwd_members *m,
				      uint32_t source, uint32_t group);

/* --- vif.c ------------------------------------------------------------------ */

struct fwd_vif {
	int ifindex;			/* 0: the slot is free */
	char name[16];
};

#define FWD_REFUSED_KEPT	64

struct fwd_vifs {
	struct fwd_vif vif[FWD_MAX_VIFS];
	unsigned int count;
	/* Interfaces refused a VIF (the limit), so each is told once. */
	int refused[FWD_REFUSED_KEPT];
	unsigned int refused_count;
};

/* The VIF of @ifindex, or -1. */
int vif_of(const struct fwd_vifs *v, int ifindex);

/* --- mfe.c ------------------------------------------------------------------ */

struct fwd_mfe {
	struct fwd_mfe *next;		/* by (source, group) */
	struct fwd_mfe *gnext;		/* the MFEs of the same group */
	uint32_t source, group;
	int iif;			/* ifindex; 0: no route towards S */
	uint32_t route_network, route_mask;	/* that route's prefix */
	uint8_t route_protocol;		/* its rtm_protocol */
	int arrival;			/* ifindex its first packet came on */
	uint32_t upstream;		/* neighbour towards S (MgmSetMfe), 0 */
	int parent;			/* the VIF the MFC entry expects it on */
	uint32_t oifs;			/* outgoing VIFs, bit per VIF */
	uint32_t disabled;		/* VIFs a CreationAlert callee took out */
	int rpf_iif;			/* an Rpf callee's incoming ifindex, 0 */
	uint64_t timeout_ms;		/* a PruneAlert callee's, 0: the daemon's */
	bool told;			/* its creation was reported (report.c) */
	uint64_t created_ms;
	uint64_t used_ms;		/* when its packet count last grew */
	uint64_t packets, bytes, wrong_if;	/* the kernel's, last read */
	bool installed;			/* the kernel has it in its MFC */
};

struct fwd_mfes {
	struct fwd_mfe **buckets, **gbuckets;
	size_t bucket_count, count;
};

/* --- the daemon ------------------------------------------------------------- */

struct fwd_counters {
	uint64_t upcalls, upcalls_bad, wrong_if_upcalls;
	uint64_t mfes_created, mfes_expired, mfes_refused;
	uint64_t mfc_updates, mfc_errors;
	uint64_t vifs_added, vifs_removed, vifs_refused;
	uint64_t events, overflows, listings;
	uint64_t reports, report_errors, protocols_told, answers, answers_refused;
};

struct fwd {
	int mgm_fd;			/* /dev/mgm: the table and its events */
	int mroute_fd;			/* the kernel's multicast routing socket */
	int rt_fd;			/* rtnetlink: route lookups */
	uint32_t rt_seq;		/* of the last lookup */
	struct fwd_members members;
	struct fwd_vifs vifs;
	struct fwd_mfes mfes;
	struct fwd_counters c;
	uint64_t timeout_ms;		/* an MFE idle this long goes (D19) */
	size_t max_mfes;		/* more upcalls are counted, not kept */
	uint64_t started_ms;
	bool verbose;
	bool no_reports;		/* the module has no MGM_IOC_MFE_REPORT */
};

uint64_t fwd_now_ms(void);
void fwd_log(const struct fwd *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* mroute.c */
int mroute_open(struct fwd *f);
int mroute_add_vif(struct fwd *f, int vifi, int ifindex);
int mroute_del_vif(struct fwd *f, int vifi, int ifindex);
/* Install @e as it is now (a negative entry when it has no oifs). */
int mroute_add_mfc(struct fwd *f, const struct fwd_mfe *e);
int mroute_del_mfc(struct fwd *f, const struct fwd_mfe *e);
/* Read @e's counters from the kernel: 0 or -errno. */
int mroute_counts(struct fwd *f, struct fwd_mfe *e);
/* Handle every pending upcall. */
void mroute_read(struct fwd *f);

/* rpf.c: the route towards a source. */
struct fwd_route {
	int ifindex;			/* 0: no route */
	uint32_t network, mask;
	uint8_t protocol;
};

int rpf_open(void);
struct fwd_route rpf_lookup(struct fwd *f, uint32_t source);

/* vif.c: give VIFs to exactly the interfaces protocols own. */
void vifs_sync(struct fwd *f);

/* mfe.c */
int mfes_init(struct fwd_mfes *t);
void mfes_free(struct fwd *f);
/* An upcall: (@source, @group) arrived on VIF @vifi without an MFE. */
void mfe_nocache(struct fwd *f, uint32_t source, uint32_t group, int vifi);
/*
 * Recompute the MFEs that entry (@source, @group) of members feeds;
 * @joined: the ifindex that became one of its forwarding interfaces, 0.
 */
void mfe_entry_changed(struct fwd *f, uint32_t source, uint32_t group, int joined);
/* VIF @vifi went: no MFE keeps it disabled. */
void mfe_vif_gone(struct fwd *f, int vifi);
/* @e's outgoing interfaces, by ifindex in VIF order, into @ifindex: how many. */
unsigned int mfe_oif_ifindexes(const struct fwd *f, const struct fwd_mfe *e,
			       uint32_t ifindex[FWD_MAX_VIFS]);
/* The incoming interface D19 gives @e (an Rpf callee's, else RPF), 0. */
int mfe_incoming(const struct fwd_mfe *e);
/* @e's idle timeout (a PruneAlert callee's, else the daemon's). */
uint64_t mfe_timeout_ms(const struct fwd *f, const struct fwd_mfe *e);
/*
 * The callbacks' answers (ctl.c): @e's incoming interface is now @ifindex;
 * VIF @vifi leaves its outgoing list. Both reinstall it.
 */
void mfe_set_incoming(struct fwd *f, struct fwd_mfe *e, int ifindex);
void mfe_disable(struct fwd *f, struct fwd_mfe *e, int vifi);
/* Recompute every MFE (VIFs changed, the table was listed again). */
void mfe_all_changed(struct fwd *f);
/* Read @e's kernel counters; a grown packet count makes it used @now. */
void mfe_refresh(struct fwd *f, struct fwd_mfe *e, uint64_t now);
/* Delete the MFEs idle for the timeout; ms until the next may go. */
uint64_t mfe_expire(struct fwd *f, uint64_t now);
/* Look @e up. */
struct fwd_mfe *mfe_find(const struct fwd *f, uint32_t source, uint32_t group);

/* report.c */
void report_created(struct fwd *f, const struct fwd_mfe *e);
/* @e's outgoing list was @old: tell an emptied or filled one. */
void report_oifs(struct fwd *f, const struct fwd_mfe *e, uint32_t old);
/* A packet of (@source, @group) came on VIF @vifi (WRONGVIF). */
void report_wrong_if(struct fwd *f, uint32_t source, uint32_t group, int vifi);

/* ctl.c: answer the pending requests of control socket @fd. */
void ctl_handle(struct fwd *f, int fd);

#endif /* MGM_FWD_H */
