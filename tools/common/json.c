// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The one JSON writer of mgm's programs (mgmctl, mgm-igmpd): a streaming
 * writer, values go out as they come, so a long listing is never held in
 * memory. Compact form: no space at all; pretty form: two-space indents,
 * one member or element per line, ": " after keys. Output is always ASCII
 * and valid JSON: '"', '\\', control characters and every byte >= 0x7f are
 * written as \u00XX escapes (interface names may hold any byte but '/'
 * and white space). A top-level value ends with a newline.
 *
 * No state outside the struct json the caller owns; one writer per thread.
 */
#include "json.h"

void json_init(struct json *j, FILE *out, bool pretty)
{
	j->out = out;
	j->pretty = pretty;
	j->depth = 0;
	j->first = true;
}

static void json_newline(struct json *j)
{
	int i;

	if (!j->pretty)
		return;
	fputc('\n', j->out);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->out);
}

/* Before a value or member: the comma and the indentation. */
static void json_sep(struct json *j)
{
	if (j->depth == 0)
		return;
	if (!j->first)
		fputc(',', j->out);
	j->first = false;
	json_newline(j);
}

/* A byte written as it is inside a string. */
static bool json_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

void json_write_string(FILE *out, const char *s)
{
	size_t run;

	fputc('"', out);
	while (*s) {
		/* Plain bytes in one call: a listing writes millions of strings. */
		for (run = 0; json_plain((unsigned char)s[run]); run++)
			;
		fwrite(s, 1, run, out);
		s += run;
		if (!*s)
			break;
		if (*s == '"' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else
			fprintf(out, "\\u%04x", (unsigned char)*s);
		s++;
	}
	fputc('"', out);
}

static void json_key(struct json *j, const char *key)
{
	json_sep(j);
	json_write_string(j->out, key);
	fputs(j->pretty ? ": " : ":", j->out);
}

static void json_begin(struct json *j, char c)
{
	fputc(c, j->out);
	j->depth++;
	j->first = true;
}

void json_open(struct json *j, char c)
{
	json_sep(j);
	json_begin(j, c);
}

void json_key_open(struct json *j, const char *key, char c)
{
	json_key(j, key);
	json_begin(j, c);
}

void json_close(struct json *j, char c)
{
	bool empty = j->first;

	j->depth--;
	if (!empty)
		json_newline(j);
	fputc(c, j->out);
	j->first = false;
	if (j->depth == 0)
		fputc('\n', j->out);
}

void json_key_str(struct json *j, const char *key, const char *val)
{
	json_key(j, key);
	json_write_string(j->out, val);
}

void json_key_u64(struct json *j, const char *key, unsigned long long val)
{
	json_key(j, key);
	fprintf(j->out, "%llu", val);
}

void json_key_bool(struct json *j, const char *key, bool val)
{
	json_key(j, key);
	fputs(val ? "true" : "false", j->out);
}

void json_str(struct json *j, const char *val)
{
	json_sep(j);
	json_write_string(j->out, val);
}
