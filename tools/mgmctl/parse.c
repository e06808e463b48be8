// SPDX-License-Identifier: GPL-2.0-or-later
/* Parsing addresses, numbers, memberships (the static mode's grammar) and filters. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
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

/* Host-order checks of the kernel's rules (contract D2). */
static bool is_multicast(DWORD addr)
{
	return (ntohl(addr) & 0xf0000000u) == 0xe0000000u;
}

static bool is_unicast(DWORD addr)
{
	uint32_t h = ntohl(addr);

	return h && (h & 0xe0000000u) != 0xe0000000u;
}

enum { MK_DEV, MK_VIA, MK_GROUP, MK_SOURCE, MK_FORWARD, MK_JOIN };

static const struct mgmctl_kw member_kw[] = {
	[MK_DEV] = { "dev", 0 },
	[MK_VIA] = { "via", 0 },
	[MK_GROUP] = { "group", 0 },
	[MK_SOURCE] = { "source", 0 },
	[MK_FORWARD] = { "forward", 0 },
	[MK_JOIN] = { "join", 0 },
};

#define N_MEMBER_KW	(sizeof(member_kw) / sizeof(member_kw[0]))

bool parse_membership(char **tok, int ntok, int *used,
		      struct static_member *m, char *err, size_t errlen)
{
	bool seen[N_MEMBER_KW] = { false }, wild;
	int i = 0, k;

	memset(m, 0, sizeof(*m));
	m->flags = MGM_JOIN_STATE_FLAG;
	if (i < ntok && kw_match(tok[i], member_kw, N_MEMBER_KW) == MK_JOIN)
		i++;
	while (i < ntok) {
		const char *val = i + 1 < ntok ? tok[i + 1] : NULL;

		k = kw_match(tok[i], member_kw, N_MEMBER_KW);
		if (k == MK_JOIN)
			break;
		if (k == -2) {
			snprintf(err, errlen, "ambiguous keyword \"%s\"", tok[i]);
			return false;
		}
		if (k < 0) {
			snprintf(err, errlen, "unknown keyword \"%s\"", tok[i]);
			return false;
		}
		if (seen[k]) {
			snprintf(err, errlen, "\"%s\" given twice",
				 member_kw[k].name);
			return false;
		}
		seen[k] = true;
		if (k == MK_FORWARD) {
			m->flags |= MGM_FORWARD_STATE_FLAG;
			i++;
			continue;
		}
		if (!val) {
			snprintf(err, errlen, "\"%s\" needs a value",
				 member_kw[k].name);
			return false;
		}
		switch (k) {
		case MK_DEV:
			if (!*val || strlen(val) >= sizeof(m->dev)) {
				snprintf(err, errlen, "bad interface name \"%s\"", val);
				return false;
			}
			strcpy(m->dev, val);
			break;
		case MK_VIA:
			if (!parse_addr(val, false, &m->nexthop, NULL)) {
				snprintf(err, errlen, "bad next hop \"%s\"", val);
				return false;
			}
			break;
		case MK_GROUP:
			if (!parse_addr(val, true, &m->group, &wild)) {
				snprintf(err, errlen, "bad group \"%s\"", val);
				return false;
			}
			if (!wild && !is_multicast(m->group)) {
				snprintf(err, errlen,
					 "bad group \"%s\": not a multicast address (224.0.0.0/4)",
					 val);
				return false;
			}
			m->group_mask = wild ? 0 : 0xffffffffu;
			break;
		default:
			if (!parse_addr(val, true, &m->source, &wild)) {
				snprintf(err, errlen, "bad source \"%s\"", val);
				return false;
			}
			if (!wild && !is_unicast(m->source)) {
				snprintf(err, errlen,
					 "bad source \"%s\": not a unicast address",
					 val);
				return false;
			}
			m->source_mask = wild ? 0 : 0xffffffffu;
			break;
		}
		i += 2;
	}
	if (!seen[MK_DEV]) {
		snprintf(err, errlen, "membership without \"dev IFNAME\"");
		return false;
	}
	if (!seen[MK_GROUP]) {
		snprintf(err, errlen, "membership without \"group G\"");
		return false;
	}
	if (!m->group_mask && m->source_mask) {
		snprintf(err, errlen, "group * takes no source: (S,*) is not a membership");
		return false;
	}
	*used = i;
	return true;
}

int parse_filters(int argc, char **argv, const char *what,
		  const char *const *allowed, struct mgmctl_filter *f)
{
	struct mgmctl_kw kw[4];
	size_t n = 0;
	int i, k;

	for (n = 0; allowed[n]; n++)
		kw[n] = (struct mgmctl_kw) { allowed[n], 0 };
	for (i = 0; i < argc; i += 2) {
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		const char *name;
		bool *set;

		if (kw_lookup(argv[i], kw, n, what, "keyword", &k))
			return EXIT_USAGE;
		name = kw[k].name;
		set = !strcmp(name, "dev") ? &f->dev_set :
		      !strcmp(name, "group") ? &f->group_set :
		      !strcmp(name, "source") ? &f->source_set : &f->proto_set;
		if (*set)
			return usage_error("%s: \"%s\" given twice", what, name);
		if (!val)
			return usage_error("%s: \"%s\" needs a value", what, name);
		*set = true;
		if (set == &f->dev_set) {
			if (!*val || strlen(val) >= sizeof(f->dev))
				return usage_error("%s: bad interface name \"%s\"",
						   what, val);
			strcpy(f->dev, val);
		} else if (set == &f->group_set) {
			if (!parse_addr(val, true, &f->group, NULL))
				return usage_error("%s: bad group \"%s\"", what, val);
			if (f->group && !is_multicast(f->group))
				return usage_error("%s: bad group \"%s\": not a multicast address (224.0.0.0/4)",
						   what, val);
		} else if (set == &f->source_set) {
			if (!parse_addr(val, true, &f->source, NULL))
				return usage_error("%s: bad source \"%s\"", what, val);
			if (f->source && !is_unicast(f->source))
				return usage_error("%s: bad source \"%s\": not a unicast address",
						   what, val);
		} else if (!parse_proto(val, &f->proto)) {
			return usage_error("%s: bad protocol \"%s\": neither a known name nor a number",
					   what, val);
		}
	}
	return EXIT_OK;
}
