/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mgm-igmpd - the IGMP side of MGM: the router part of IGMPv2 (RFC 2236)
 * and IGMPv3 (RFC 3376) on the interfaces the daemon serves, reporting
 * what hosts want to the mgm table as PROTO_IP_IGMP memberships.
 *
 * One concern per file:
 *   packet.c   parse and validate received IP/IGMP packets, build queries
 *   group.c    per-interface group and source state, RFC 3376 §6.4 and
 *              §7.3.2 (compatibility), timers, the memberships it implies
 *   querier.c  querier election, general queries, older-querier mode
 *   timer.c    the timer heap
 *   hold.c     DisableIgmp/EnableIgmp: changes held back, then re-added
 *   mgm.c      the libmgm glue (register, ownership, memberships, the
 *              callbacks through the event descriptor)
 *   net.c      sockets: receive, send, addresses, link monitor
 *   ctl.c      counters and the control socket (mgm-igmpd -s / -G)
 *   config.c   options and the configuration file
 *   main.c     the daemon: interfaces, event loop, signals
 *
 * The daemon is single-threaded: all state hangs off one struct igmpd and
 * is only touched from the event loop, so no lock is needed and there is
 * no global mutable state. Time is a monotonic clock in milliseconds,
 * passed down as `now` so that the state machines are deterministic (the
 * unit tests drive them with a fake clock and fake igmpd_ops).
 *
 * Addresses inside the state machines (struct group, struct src, querier
 * addresses) are host byte order; packets and MGM calls use network byte
 * order, converted at the edges (packet.c, mgm.c).
 */
#ifndef MGM_IGMPD_H
#define MGM_IGMPD_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define IGMPD_NAME	"mgm-igmpd"
/* The project's version (VERSION), passed by the build. */
#define IGMPD_VERSION	MGM_VERSION

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* --- logging (log.c) ------------------------------------------------------ */
enum log_level {
	LOG_LVL_ERR = 3,
	LOG_LVL_WARNING = 4,
	LOG_LVL_NOTICE = 5,
	LOG_LVL_INFO = 6,
	LOG_LVL_DEBUG = 7,
};

struct logger {
	int level;		/* lines above this level are not printed */
	FILE *out;
	uint64_t t0;		/* monotonic ms at start: lines show the uptime */
};

void logmsg(const struct logger *lg, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int log_level_parse(const char *s);	/* -1 if unknown */
const char *log_level_name(int level);

/* --- configuration (config.c) ------------------------------------------- */
/* Protocol parameters; durations in milliseconds. */
struct igmp_params {
	unsigned int robustness;	/* RV, 1..7 */
	uint32_t query_interval;	/* QI */
	uint32_t query_response;	/* QRI, < QI */
	uint32_t lmq_interval;		/* LMQI */
	unsigned int lmq_count;		/* LMQC */
	uint32_t startup_interval;	/* SQI */
	unsigned int startup_count;	/* SQC */
	unsigned int version;		/* 2 or 3: the queries this router sends */
};

/* Derived intervals (RFC 3376 §8). */
static inline uint64_t p_gmi(const struct igmp_params *p)	/* §8.4 */
{
	return (uint64_t)p->robustness * p->query_interval + p->query_response;
}

static inline uint64_t p_oqpi(const struct igmp_params *p)	/* §8.5 */
{
	return (uint64_t)p->robustness * p->query_interval +
	       p->query_response / 2;
}

static inline uint64_t p_lmqt(const struct igmp_params *p)	/* §8.9 */
{
	return (uint64_t)p->lmq_count * p->lmq_interval;
}

static inline uint64_t p_ohpi(const struct igmp_params *p)	/* §8.13 */
{
	return p_gmi(p);
}

#define IGMPD_MAX_IFACES	256
#define IGMPD_CTL_DEFAULT	"@mgm-igmpd"

struct igmpd_config {
	struct igmp_params params;
	char (*ifnames)[IFNAMSIZ];
	size_t n_ifnames;
	int log_level;
	int member_log_level;	/* level of the membership change lines */
	char ctl_path[108];	/* control socket; "@name": abstract */
	uint32_t max_groups;	/* per interface */
	uint32_t max_sources;	/* per group */
	uint32_t component;	/* MGM component id */
	bool forward;		/* add MGM_FORWARD_STATE_FLAG too */
	bool require_ra;	/* drop v2/v3 reports without router alert */
	/* client modes */
	int client;		/* 0, 's' (stats) or 'G' (groups) */
	bool json;
	/* set explicitly (else derived from the others) */
	bool lmq_count_set, startup_interval_set, startup_count_set;
};

void config_defaults(struct igmpd_config *c);
/*
 * Parse the command line (and the configuration file it names). Returns 0,
 * 1 when the caller should exit successfully (--help, --version), or -1
 * after printing a one-line error to @err.
 */
int config_parse_args(struct igmpd_config *c, int argc, char **argv,
		      FILE *out, FILE *err);
/* One "key value" setting, as in the file; -1 with a message in @msg. */
int config_set(struct igmpd_config *c, const char *key, const char *value,
	       char *msg, size_t msglen);
int config_read_file(struct igmpd_config *c, const char *path, FILE *err);
/* Fill in derived defaults and check consistency; -1 with @msg. */
int config_finish(struct igmpd_config *c, char *msg, size_t msglen);
void config_free(struct igmpd_config *c);
/* "125s", "500ms", "2" (seconds): 0 or -1. */
int parse_duration(const char *s, uint32_t *ms);

/* --- counters (ctl.c prints them) ------------------------------------------ */
#define IGMPD_COUNTERS(X)						\
	X(rx_packets)		/* IGMP packets seen on the interface */\
	X(rx_queries)							\
	X(rx_v1_reports)						\
	X(rx_v2_reports)						\
	X(rx_v2_leaves)							\
	X(rx_v3_reports)						\
	X(rx_v3_records)						\
	X(reports)		/* reports and leaves processed */	\
	X(drop_ip_header)	/* bad IPv4 header, fragment, options */\
	X(drop_truncated)	/* shorter than its headers say */	\
	X(drop_checksum)	/* IGMP checksum wrong */		\
	X(drop_ttl)		/* TTL not 1 */				\
	X(drop_router_alert)	/* report without router alert */	\
	X(drop_type)		/* unknown IGMP message type */		\
	X(drop_group)		/* group not multicast */		\
	X(drop_source)		/* source not a unicast address */	\
	X(drop_source_count)	/* source count past the message */	\
	X(drop_limit)		/* group or source limit reached */	\
	X(records_ignored)	/* unknown v3 record types */		\
	X(local_groups_ignored)	/* 224.0.0.0/24: never routed */	\
	X(tx_general_queries)						\
	X(tx_group_queries)						\
	X(tx_source_queries)						\
	X(tx_errors)							\
	X(joins)		/* memberships added to mgm */		\
	X(leaves)		/* memberships deleted from mgm */	\
	X(mgm_errors)		/* mgm calls that failed */		\
	X(igmp_disabled)	/* DisableIgmp callbacks */		\
	X(igmp_enabled)		/* EnableIgmp callbacks */		\
	X(readds)		/* memberships added again on those */	\
	X(querier_changes)

struct igmpd_counters {
#define X(name) uint64_t name;
	IGMPD_COUNTERS(X)
#undef X
};

void counters_add(struct igmpd_counters *to, const struct igmpd_counters *c);
uint64_t counters_drops(const struct igmpd_counters *c);

/* --- timers (timer.c) ------------------------------------------------------ */
enum tmr_kind { TMR_IFACE, TMR_GROUP };

struct tmr {
	uint64_t due;		/* ms, CLOCK_MONOTONIC */
	size_t idx;		/* in the heap; TMR_IDLE when not queued */
	enum tmr_kind kind;
};

#define TMR_IDLE	((size_t)-1)

struct theap {
	struct tmr **v;
	size_t n, cap;
	size_t reserved;	/* timers that may be queued */
};

void tmr_init(struct tmr *t, enum tmr_kind kind);
/* Make room for one more timer (when its owner is created): 0, -ENOMEM. */
int theap_reserve(struct theap *h);
/* Dequeue @t and give its room back (when its owner goes). */
void theap_unreserve(struct theap *h, struct tmr *t);
/* Queue @t at @due, or dequeue it when @due is 0. Never fails. */
void theap_set(struct theap *h, struct tmr *t, uint64_t due);
struct tmr *theap_peek(const struct theap *h);
void theap_free(struct theap *h);

/* --- packets (packet.c) ------------------------------------------------------ */
#define IGMP_QUERY		0x11
#define IGMP_V1_REPORT		0x12
#define IGMP_V2_REPORT		0x16
#define IGMP_V2_LEAVE		0x17
#define IGMP_V3_REPORT		0x22

#define IGMP_MODE_IS_INCLUDE	1
#define IGMP_MODE_IS_EXCLUDE	2
#define IGMP_CHANGE_TO_INCLUDE	3
#define IGMP_CHANGE_TO_EXCLUDE	4
#define IGMP_ALLOW_NEW		5
#define IGMP_BLOCK_OLD		6

#define INADDR_ALLHOSTS		0xe0000001u	/* 224.0.0.1, host order */
#define INADDR_ALLROUTERS	0xe0000002u
#define INADDR_V3REPORTS	0xe0000016u	/* 224.0.0.22 */

/* Why a packet was dropped: each maps to a counter. */
enum pkt_verdict {
	PKT_OK = 0,
	PKT_IP_HEADER,
	PKT_TRUNCATED,
	PKT_CHECKSUM,
	PKT_TTL,
	PKT_ROUTER_ALERT,
	PKT_TYPE,
	PKT_GROUP,
	PKT_SOURCE,
	PKT_SOURCE_COUNT,
};

/* A validated IGMP message; pointers refer into the received buffer. */
struct igmp_msg {
	uint32_t src, dst;	/* IP addresses, host order */
	uint8_t type;
	bool router_alert;
	uint32_t group;		/* host order: queries, v1/v2 messages */
	/* queries */
	unsigned int version;	/* 1, 2 or 3 */
	uint32_t max_resp;	/* ms */
	bool suppress;		/* S flag */
	unsigned int qrv;
	uint32_t qqi;		/* ms, 0 if none */
	uint16_t nsrcs;		/* v3 query sources */
	const uint8_t *srcs;
	/* v3 reports: the records, all validated */
	uint16_t nrecs;
	const uint8_t *recs;
	size_t recs_len;
};

/* One v3 group record. */
struct igmp_rec {
	uint8_t type;
	uint32_t group;		/* host order */
	uint16_t nsrcs;
	const uint8_t *srcs;	/* nsrcs addresses, network order, unaligned */
};

uint16_t inet_csum(const void *buf, size_t len);
/*
 * Validate an IPv4 packet carrying IGMP (@buf from the IP header on) and
 * fill @m. @require_ra: reports and leaves without router alert are
 * dropped. Returns PKT_OK or why the packet must be dropped.
 */
enum pkt_verdict igmp_parse(const uint8_t *buf, size_t len, bool require_ra,
			    struct igmp_msg *m);
/* Iterate the records of a parsed v3 report: @off starts at 0. */
bool igmp_next_rec(const struct igmp_msg *m, size_t *off, struct igmp_rec *r);
/* Read source @i of a record or query (host order). */
uint32_t igmp_src(const uint8_t *srcs, size_t i);
bool addr_is_multicast(uint32_t a);
bool addr_is_local_group(uint32_t a);	/* 224.0.0.0/24 */
bool addr_is_unicast(uint32_t a);

/* RFC 3376 §4.1.1 / §4.1.7 codes: value in units <-> 8-bit code. */
uint8_t igmp_code_encode(uint32_t units);
uint32_t igmp_code_decode(uint8_t code);

#define IGMP_MAX_QUERY_SRCS	256	/* per query packet */
/*
 * Build an IGMP query (no IP header) into @buf (at least
 * 12 + 4 * IGMP_MAX_QUERY_SRCS bytes): v1 or v2 when @version is 1 or 2
 * (8 bytes, sources ignored), else v3. @max_resp in ms; @srcs host order.
 * Returns the length.
 */
size_t igmp_build_query(uint8_t *buf, unsigned int version, uint32_t group,
			uint32_t max_resp, bool suppress, unsigned int qrv,
			uint32_t qi, const uint32_t *srcs, size_t nsrcs);

/* --- group state (group.c) -------------------------------------------------- */
struct src {
	uint32_t addr;		/* host order */
	uint64_t timer;		/* expiry; 0 = not running (EXCLUDE's Y) */
	uint8_t rexmit;		/* source-specific queries still to send */
	bool installed;		/* (S,G) is in mgm */
	bool dead;		/* deleted, removed at the next commit */
};

enum filter_mode { MODE_INCLUDE, MODE_EXCLUDE };

struct group {
	uint32_t addr;		/* host order */
	enum filter_mode mode;
	uint64_t timer;		/* group timer (EXCLUDE) */
	uint64_t v1_host;	/* older host present timers (§7.3.2) */
	uint64_t v2_host;
	uint8_t rexmit;		/* group-specific queries still to send */
	uint64_t next_rexmit;	/* when the next query round is due */
	bool star_installed;	/* (*,G) is in mgm */
	bool dead;
	struct src *srcs;	/* sorted by addr */
	uint32_t nsrcs, cap;
	struct tmr tmr;
	struct group *hnext;
	struct iface *ifp;
};

/* --- the querier (querier.c) -------------------------------------------------- */
struct querier {
	bool is_querier;
	uint32_t addr;		/* the querier's address (host order) */
	uint64_t other_present;	/* other querier present timer */
	uint64_t next_query;	/* our next general query */
	unsigned int startup_left;
	uint64_t v1_querier;	/* older version querier present */
	uint64_t v2_querier;
};

/* --- interfaces and the daemon --------------------------------------------- */
struct igmpd;

struct iface {
	char name[IFNAMSIZ];
	int ifindex;		/* 0 while absent */
	uint32_t addr;		/* primary IPv4 address, host order; 0 if none */
	int rx_fd;		/* -1 while absent */
	bool owned;		/* mgm ownership taken */
	struct igmp_params p;	/* may adopt the querier's QRV/QQI */
	struct querier q;
	struct group **buckets;
	uint32_t nbuckets, ngroups;
	struct tmr tmr;
	struct igmpd_counters c;
	bool held;		/* between DisableIgmp and EnableIgmp */
	struct held_change {
		uint32_t source, group;	/* host order */
		bool join;
	} *held_changes;	/* changes not made while held */
	size_t nheld, held_cap;
	uint64_t err_logged;	/* when the last mgm error was logged */
	unsigned int err_quiet;	/* mgm errors not logged since */
	struct igmpd *d;
};

/* iface.c: the protocol side of an interface. */
void iface_input(struct iface *ifp, const uint8_t *buf, size_t len,
		 uint64_t now);
void iface_timer(struct iface *ifp, uint64_t now);
/* Run every timer due at @now. */
void igmpd_run_timers(struct igmpd *d, uint64_t now);
const char *pkt_verdict_name(enum pkt_verdict v);

/*
 * What the state machines do to the world. main.c plugs in mgm.c and
 * net.c; the unit tests plug in recorders.
 */
struct igmpd_ops {
	/* Add or delete a membership: (S,G) or, with @source 0, (*,G). */
	int (*join)(struct iface *ifp, uint32_t source, uint32_t group);
	int (*leave)(struct iface *ifp, uint32_t source, uint32_t group);
	/* Send an IGMP message (no IP header) to @dst out of @ifp. */
	int (*send)(struct iface *ifp, uint32_t dst, const void *buf,
		    size_t len);
	/* The name of an error join/leave/send returned. */
	const char *(*strerror)(int err);
};

/* The daemon's handles on the world (main.c, mgm.c, net.c). */
struct igmpd_world {
	void *proto;		/* the MGM protocol (a HANDLE) */
	uint32_t flags;		/* MGM_JOIN_STATE_FLAG [| MGM_FORWARD_STATE_FLAG] */
	int tx_fd;		/* raw IGMP socket, for sending */
	int nl_fd;		/* rtnetlink: links and addresses */
	int sig_fd;
	int ctl_fd;
	int ep_fd;
	int mgm_fd;		/* libmgm's event descriptor (not ours to close) */
};

struct igmpd {
	struct igmpd_config cfg;
	struct logger log;
	const struct igmpd_ops *ops;
	void *ops_ctx;		/* for the ops: the mgm handle, sockets */
	struct iface *ifaces;
	size_t n_ifaces;
	struct theap timers;
	uint64_t started;
};

/* group.c */
int group_table_init(struct iface *ifp);
void group_table_free(struct iface *ifp);
struct group *group_find(const struct iface *ifp, uint32_t addr);
/*
 * Apply one v3 group record (@version 3) with its sources (host order;
 * sorted and deduplicated in place).
 */
void group_record(struct iface *ifp, unsigned int version, uint8_t type,
		  uint32_t group, uint32_t *srcs, size_t nsrcs, uint64_t now);
void group_v1v2_report(struct iface *ifp, unsigned int version,
		       uint32_t group, uint64_t now);
void group_v2_leave(struct iface *ifp, uint32_t group, uint64_t now);
/* A query from the querier (we are not it): §6.6.1 timer lowering. */
/* This router became the querier: no member expires before it could answer. */
void group_querier_takeover(struct iface *ifp, uint64_t now);
void group_heard_query(struct iface *ifp, uint32_t group,
		       const uint32_t *srcs, size_t nsrcs, uint64_t now);
void group_timer(struct group *g, uint64_t now);
unsigned int group_compat(const struct group *g, uint64_t now);
/* Count live sources with running timers. */
uint32_t group_live_sources(const struct group *g);

/* querier.c */
void querier_start(struct iface *ifp, uint64_t now);
void querier_rx_query(struct iface *ifp, const struct igmp_msg *m,
		      uint64_t now);
void querier_timer(struct iface *ifp, uint64_t now);
/* The version of the queries we send now (§7.3.1). */
unsigned int querier_version(const struct iface *ifp, uint64_t now);
/* Send a group (and source) specific query. @srcs host order. */
void querier_send_specific(struct iface *ifp, uint32_t group, bool suppress,
			   const uint32_t *srcs, size_t nsrcs, uint64_t now);
void iface_schedule(struct iface *ifp);

void querier_addr_changed(struct iface *ifp, uint64_t now);

/* hold.c: DisableIgmp / EnableIgmp. */
void iface_hold(struct iface *ifp);
/*
 * While @ifp is held: note the change instead of making it, return true
 * (group.c then treats it as made). False when not held.
 */
bool iface_held_change(struct iface *ifp, bool join, uint32_t source,
		       uint32_t group);
void iface_unhold(struct iface *ifp);
void iface_hold_free(struct iface *ifp);

/* mgm.c: the libmgm glue. Errors are Win32 codes (negative: errnos). */
int mgm_glue_register(struct igmpd *d);
int mgm_glue_take(struct iface *ifp);
int mgm_glue_release(struct iface *ifp);
void mgm_glue_deregister(struct igmpd *d);
int mgm_glue_join(struct iface *ifp, uint32_t source, uint32_t group);
int mgm_glue_leave(struct iface *ifp, uint32_t source, uint32_t group);
const char *mgm_glue_strerror(int err);
/* The event descriptor (before mgm_glue_register), or -errno. */
int mgm_glue_event_fd(struct igmpd *d);
/* It is readable: run the callbacks. */
void mgm_glue_dispatch(struct igmpd *d);

uint64_t now_ms(void);

#endif /* MGM_IGMPD_H */
