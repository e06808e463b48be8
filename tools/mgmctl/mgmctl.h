/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mgmctl - show and pin the multicast group memberships of /dev/mgm.
 * Declarations shared by its files; see mgmctl(8) for the grammar:
 *
 *   mgmctl [OPTIONS] OBJECT [COMMAND [ARGS]]
 *
 * Every command is parsed and validated whole (mgmctl_parse(), cli.c)
 * before anything touches /dev/mgm; then its run function does the work.
 * mgmctl is single-threaded and keeps no global mutable state: what a
 * command needs is in its struct mgmctl_cmd.
 */
#ifndef MGMCTL_H
#define MGMCTL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "mgm.h"
#include "json.h"
#include "member_walk.h"

/* Exit codes that scripts can trust. */
#define EXIT_OK		0
#define EXIT_USAGE	1
#define EXIT_RUNTIME	2

struct mgmctl_opts {
	bool json;
	bool pretty;
};

/* A membership as given on the command line or in a file. */
struct static_member {
	char dev[IF_NAMESIZE];
	DWORD nexthop;
	DWORD source, source_mask, group, group_mask;
	DWORD flags;
	char where[64];		/* "file:line" or "argument N", for messages */
};

struct static_set {
	struct static_member *m;
	size_t n, cap;
};

/* Filters of the show commands; a field counts only when its _set is. */
struct mgmctl_filter {
	bool group_set, source_set, dev_set, proto_set;
	DWORD group, source;		/* network order */
	DWORD proto;
	char dev[IF_NAMESIZE];
};

struct mgmctl_cmd;
typedef int (*mgmctl_run_fn)(struct mgmctl_cmd *cmd);

/* A parsed command: what to run and everything it needs. */
struct mgmctl_cmd {
	struct mgmctl_opts opts;
	mgmctl_run_fn run;
	const char *help;		/* run prints this on stdout */
	struct mgmctl_filter filter;
	MGM_ENUM_TYPES type;		/* group show: any or all */
	struct static_set set;		/* static */
	DWORD proto, comp;		/* static */
};

/*
 * An object of the grammar: one row per object in cli.c's table. @parse
 * gets the words after the object (the command and its arguments) and fills
 * @cmd, @cmd->run included; it returns EXIT_OK or a usage error. @min is the
 * shortest abbreviation accepted (0: any unambiguous prefix), so that an
 * object added later with the same first letters keeps older
 * abbreviations meaning what they meant.
 */
struct mgmctl_object {
	const char *name;
	unsigned int min;
	int (*parse)(int argc, char **argv, struct mgmctl_cmd *cmd);
	const char *usage;		/* its lines of the usage text */
};

/*
 * Parse a whole command line: options, object, command, arguments. Returns
 * EXIT_OK with @cmd filled, or EXIT_USAGE after printing a one-line error
 * naming the cause. Touches no device. Free @cmd with mgmctl_cmd_free().
 */
int mgmctl_parse(int argc, char **argv, struct mgmctl_cmd *cmd);
void mgmctl_cmd_free(struct mgmctl_cmd *cmd);
/* Make @cmd print the usage of object @name ("mgmctl group help"). */
int object_help(const char *name, struct mgmctl_cmd *cmd);

/* The objects' parsers (one file each). */
int group_parse(int argc, char **argv, struct mgmctl_cmd *cmd);
int membership_parse(int argc, char **argv, struct mgmctl_cmd *cmd);

int protocol_parse(int argc, char **argv, struct mgmctl_cmd *cmd);
int interface_parse(int argc, char **argv, struct mgmctl_cmd *cmd);
int stats_parse(int argc, char **argv, struct mgmctl_cmd *cmd);
int mroute_parse(int argc, char **argv, struct mgmctl_cmd *cmd);
int static_parse(int argc, char **argv, struct mgmctl_cmd *cmd);
int monitor_parse(int argc, char **argv, struct mgmctl_cmd *cmd);

/* --- match.c: keywords, whole or by an unambiguous prefix --------------- */
struct mgmctl_kw {
	const char *name;
	unsigned int min;	/* shortest abbreviation (0: 1 letter) */
};

/*
 * Index in @kw (@n entries) of the keyword @word names: the one it equals,
 * else the only one it abbreviates. -1: none; -2: more than one.
 */
int kw_match(const char *word, const struct mgmctl_kw *kw, size_t n);
/*
 * kw_match(), with the usage error printed when @word names none or more
 * than one: "CTX: unknown NOUN "word"" or "CTX: ambiguous NOUN "word": a,
 * b" (@ctx may be NULL). EXIT_OK or EXIT_USAGE.
 */
int kw_lookup(const char *word, const struct mgmctl_kw *kw, size_t n,
	      const char *ctx, const char *noun, int *idx);
#define KW_LOOKUP(word, kw, ctx, noun, idx) \
	kw_lookup(word, kw, sizeof(kw) / sizeof((kw)[0]), ctx, noun, idx)

/*
 * The command word of an object whose only command is "show" (also spelt
 * "list" or "ls"; it may be left out): consumed if present. Returns true
 * for "help", which is consumed too.
 */
bool show_verb(int *argc, char ***argv);

/* --- errors.c: one-line messages on stderr, then the exit code ---------- */
/* Usage error: prints "mgmctl: MSG"; returns EXIT_USAGE. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Runtime error: prints "mgmctl: MSG"; returns EXIT_RUNTIME. */
int runtime_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Opens libmgm's device; on failure prints why and returns EXIT_RUNTIME. */
int device_open_or_fail(void);
/* Opens a file of /dev/mgm of mgmctl's own, for the raw ioctls. */
int raw_open_or_fail(int *fd);
/* A native call failed with -errno @err while doing @what. */
int errno_fail(const char *what, int err);
/* A Windows call failed with @code while doing @what. */
int win32_fail(const char *what, DWORD code);

/* --- parse.c: addresses, numbers, memberships, filters ------------------ */
/* Parse "a.b.c.d" or "*" (0, wildcard) into network order; false if bad. */
bool parse_addr(const char *s, bool star_ok, DWORD *addr, bool *wildcard);
/* Parse an unsigned 32-bit number (decimal or 0x...). */
bool parse_u32(const char *s, DWORD *v);
/* dotted quad of a network-order address, "*" for 0 when @star */
const char *addr_str(DWORD addr, bool star, char buf[16]);

/*
 * Parse one membership from @ntok tokens starting at @tok:
 *   [join] dev IFNAME [via ADDR] group {G|*} [source {S|*}] [forward]
 * in any order after "join". Stops before the next "join" (or at the end)
 * and stores the number of tokens used in *@used. Checks what the kernel
 * would refuse (a group outside 224.0.0.0/4, a source that is not unicast,
 * a source with group *). On error returns false with a message in @err.
 */
bool parse_membership(char **tok, int ntok, int *used,
		      struct static_member *m, char *err, size_t errlen);

/*
 * Parse "dev NAME", "group G", "source S", "proto NAME|ID" filters (the
 * ones @allowed lists by name, in this order of keywords) from @argv, for
 * messages named @what ("membership show"). EXIT_OK or EXIT_USAGE.
 */
int parse_filters(int argc, char **argv, const char *what,
		  const char *const *allowed, struct mgmctl_filter *f);

/* --- protocol.c: protocol ids and their names --------------------------- */
/* "igmp" for 10, ...; NULL for an id without a known name. */
const char *proto_name(DWORD id);
/* A name (whole, any case) or a number: false if neither. */
bool parse_proto(const char *s, DWORD *id);

/* --- interface.c: who owns the namespace's interfaces ------------------- */
struct owner {
	unsigned int ifindex;
	char dev[IF_NAMESIZE];
	DWORD proto, comp;	/* the routing owner, or IGMP when alone */
	uint32_t owners;	/* MGM_OWNED_BY_ROUTING, MGM_OWNED_BY_IGMP */
};

struct owner_list {
	struct owner *v;	/* ascending ifindex */
	size_t n;
};

/*
 * The owned interfaces (next hop 0) of the namespace, or only @dev's.
 * EXIT_OK, or a run-time error printed (EXIT_RUNTIME). Free ->v.
 */
int owners_collect(struct owner_list *ol, const char *dev);

#endif /* MGMCTL_H */
