// SPDX-License-Identifier: GPL-2.0
/*
 * A tiny streaming JSON writer: values are written as they come, so a long
 * listing is never held in memory. Keys and string values written by
 * mgmctl are plain ASCII (addresses, names); anything else is escaped.
 */
#include "mgmctl.h"

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

void json_open(struct json *j, char c)
{
	json_sep(j);
	fputc(c, j->out);
	j->depth++;
	j->first = true;
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

static void json_string(struct json *j, const char *s)
{
	fputc('"', j->out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(j->out, "\\%c", c);
		else if (c < 0x20)
			fprintf(j->out, "\\u%04x", c);
		else
			fputc(c, j->out);
	}
	fputc('"', j->out);
}

static void json_key(struct json *j, const char *key)
{
	json_sep(j);
	json_string(j, key);
	fputs(j->pretty ? ": " : ":", j->out);
}

void json_key_str(struct json *j, const char *key, const char *val)
{
	json_key(j, key);
	json_string(j, val);
}

void json_key_u64(struct json *j, const char *key, unsigned long long val)
{
	json_key(j, key);
	fprintf(j->out, "%llu", val);
}
