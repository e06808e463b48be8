/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mgmctl - show and pin the multicast group memberships of /dev/mgm.
 * Declarations shared by its files; see mgmctl(8) for the grammar.
 */
#ifndef MGMCTL_H
#define MGMCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "mgm.h"

/* Exit codes that scripts can trust. */
#define EXIT_OK		0
#define EXIT_USAGE	1
#define EXIT_RUNTIME	2

struct mgmctl_opts {
	bool json;
	bool pretty;
};

int cmd_show(int argc, char **argv, const struct mgmctl_opts *opts);
int cmd_stats(int argc, char **argv, const struct mgmctl_opts *opts);
int cmd_static(int argc, char **argv, const struct mgmctl_opts *opts);

/* --- errors.c: one-line messages on stderr, then the exit code ---------- */
/* Usage error: prints "mgmctl: MSG" and a hint; returns EXIT_USAGE. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Runtime error: prints "mgmctl: MSG"; returns EXIT_RUNTIME. */
int runtime_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Opens the device; on failure prints why and returns EXIT_RUNTIME. */
int device_open_or_fail(void);
/* A native call failed with -errno @err while doing @what. */
int errno_fail(const char *what, int err);
/* A Windows call failed with @code while doing @what. */
int win32_fail(const char *what, DWORD code);

/* --- parse.c: addresses and memberships --------------------------------- */
/* Parse "a.b.c.d" or "*" (0, wildcard) into network order; false if bad. */
bool parse_addr(const char *s, bool star_ok, DWORD *addr, bool *wildcard);
/* Parse an unsigned 32-bit number (decimal or 0x...). */
bool parse_u32(const char *s, DWORD *v);
/* dotted quad of a network-order address, "*" for 0 when @star */
const char *addr_str(DWORD addr, bool star, char buf[16]);

/* A membership as given on the command line or in a file. */
struct static_member {
	char dev[16];		/* IFNAMSIZ */
	DWORD nexthop;
	DWORD source, source_mask, group, group_mask;
	DWORD flags;
	char where[64];		/* "file:line" or "argument N", for messages */
};

/*
 * Parse one membership from @ntok tokens starting at @tok:
 *   [join] dev IFNAME [via ADDR] group {G|*} [source {S|*}] [forward]
 * in any order after "join". Stops before the next "join" (or at the end)
 * and stores the number of tokens used in *@used. On error returns false
 * with a message in @err.
 */
bool parse_membership(char **tok, int ntok, int *used,
		      struct static_member *m, char *err, size_t errlen);

/* --- json.c: a tiny streaming JSON writer -------------------------------- */
struct json {
	FILE *out;
	bool pretty;
	int depth;
	bool first;	/* no member written yet at this depth */
};

void json_init(struct json *j, FILE *out, bool pretty);
void json_open(struct json *j, char c);		/* '[' or '{' */
void json_close(struct json *j, char c);	/* ']' or '}' */
void json_key_str(struct json *j, const char *key, const char *val);
void json_key_u64(struct json *j, const char *key, unsigned long long val);

#endif /* MGMCTL_H */
