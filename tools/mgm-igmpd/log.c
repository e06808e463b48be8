// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Logging: one line per event on the logger's stream (stderr: a service
 * manager's journal stamps it), "mgm-igmpd[UPTIME]: LEVEL: text", and
 * only lines at or below the configured level.
 */
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include "igmpd.h"

static const char *const level_names[] = {
	[LOG_LVL_ERR] = "error",
	[LOG_LVL_WARNING] = "warning",
	[LOG_LVL_NOTICE] = "notice",
	[LOG_LVL_INFO] = "info",
	[LOG_LVL_DEBUG] = "debug",
};

int log_level_parse(const char *s)
{
	int l;

	for (l = LOG_LVL_ERR; l <= LOG_LVL_DEBUG; l++)
		if (!strcasecmp(s, level_names[l]))
			return l;
	if (!strcasecmp(s, "err"))
		return LOG_LVL_ERR;
	if (!strcasecmp(s, "warn"))
		return LOG_LVL_WARNING;
	return -1;
}

const char *log_level_name(int level)
{
	if (level < LOG_LVL_ERR || level > LOG_LVL_DEBUG)
		return "?";
	return level_names[level];
}

void logmsg(const struct logger *lg, int level, const char *fmt, ...)
{
	uint64_t t;
	va_list ap;

	if (level > lg->level || !lg->out)
		return;
	t = now_ms() - lg->t0;
	fprintf(lg->out, IGMPD_NAME "[%llu.%03llu]: %s: ",
		(unsigned long long)(t / 1000), (unsigned long long)(t % 1000),
		log_level_name(level));
	va_start(ap, fmt);
	vfprintf(lg->out, fmt, ap);
	va_end(ap);
	fputc('\n', lg->out);
	fflush(lg->out);
}
