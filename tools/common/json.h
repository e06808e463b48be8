/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The JSON writer of every mgm program (mgmctl, mgm-igmpd): see json.c.
 * Not thread-safe by itself: one struct json per output, used by one thread.
 */
#ifndef MGM_TOOLS_JSON_H
#define MGM_TOOLS_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json {
	FILE *out;
	bool pretty;
	int depth;
	bool first;	/* nothing written yet at this depth */
};

/* Write to @out; @pretty: two-space indents, one member per line. */
void json_init(struct json *j, FILE *out, bool pretty);
/* Open '[' or '{' as a value (top level or array element); close it. */
void json_open(struct json *j, char c);
void json_close(struct json *j, char c);
/* Members of an object. */
void json_key_open(struct json *j, const char *key, char c);
void json_key_str(struct json *j, const char *key, const char *val);
void json_key_u64(struct json *j, const char *key, unsigned long long val);
void json_key_bool(struct json *j, const char *key, bool val);
/* A string value of an array. */
void json_str(struct json *j, const char *val);
/* A string as a JSON string literal, quotes included (no separator). */
void json_write_string(FILE *out, const char *s);

#endif /* MGM_TOOLS_JSON_H */
