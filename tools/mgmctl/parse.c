// SPDX-License-Identifier: GPL-2.0
/* Parsing addresses, numbers and memberships (the static mode's grammar). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "mgmctl.h"

bool parse_addr(const char *s, bool star_ok, DWORD *addr, bool *wildcard)
{
	struct in_addr a;

	if (wildcard)
		*wildcard = false;
	if (star_ok && !strcmp(s, "*")) {
		*addr = 0;
		if (wildcard)
			*wildcard = true;
		return true;
	}
	if (inet_pton(AF_INET, s, &a) != 1)
		return false;
	*addr = a.s_addr;
	return true;
}

bool parse_u32(const char *s, DWORD *v)
{
	unsigned long long n;
	char *end;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	n = strtoull(s, &end, 0);
	if (errno || *end || n > 0xffffffffull)
		return false;
	*v = (DWORD)n;
	return true;
}

const char *addr_str(DWORD addr, bool star, char buf[16])
{
	struct in_addr a = { .s_addr = addr };

	if (star && !addr)
		return "*";
	inet_ntop(AF_INET, &a, buf, 16);
	return buf;
}

bool parse_membership(char **tok, int ntok, int *used,
		      struct static_member *m, char *err, size_t errlen)
{
	bool have_dev = false, have_group = false, wild;
	int i = 0;

	memset(m, 0, sizeof(*m));
	m->flags = MGM_JOIN_STATE_FLAG;
	if (i < ntok && !strcmp(tok[i], "join"))
		i++;
	while (i < ntok && strcmp(tok[i], "join")) {
		const char *kw = tok[i];
		const char *val = i + 1 < ntok ? tok[i + 1] : NULL;

		if (!strcmp(kw, "forward")) {
			m->flags |= MGM_FORWARD_STATE_FLAG;
			i++;
			continue;
		}
		if (strcmp(kw, "dev") && strcmp(kw, "via") &&
		    strcmp(kw, "group") && strcmp(kw, "source")) {
			snprintf(err, errlen, "unknown keyword \"%s\"", kw);
			return false;
		}
		if (!val) {
			snprintf(err, errlen, "\"%s\" needs a value", kw);
			return false;
		}
		if (!strcmp(kw, "dev")) {
			if (!*val || strlen(val) >= sizeof(m->dev)) {
				snprintf(err, errlen, "bad interface name \"%s\"", val);
				return false;
			}
			strcpy(m->dev, val);
			have_dev = true;
		} else if (!strcmp(kw, "via")) {
			if (!parse_addr(val, false, &m->nexthop, NULL)) {
				snprintf(err, errlen, "bad next hop \"%s\"", val);
				return false;
			}
		} else if (!strcmp(kw, "group")) {
			if (!parse_addr(val, true, &m->group, &wild)) {
				snprintf(err, errlen, "bad group \"%s\"", val);
				return false;
			}
			m->group_mask = wild ? 0 : 0xffffffffu;
			have_group = true;
		} else {
			if (!parse_addr(val, true, &m->source, &wild)) {
				snprintf(err, errlen, "bad source \"%s\"", val);
				return false;
			}
			m->source_mask = wild ? 0 : 0xffffffffu;
		}
		i += 2;
	}
	if (!have_dev) {
		snprintf(err, errlen, "membership without \"dev IFNAME\"");
		return false;
	}
	if (!have_group) {
		snprintf(err, errlen, "membership without \"group G\"");
		return false;
	}
	*used = i;
	return true;
}
