// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The state a protocol's callbacks should have built, from the table as it
 * is now (contract D16): after an overflow, events.c brings each protocol's
 * view to these targets. For protocol P:
 *  - (*,G) and (*,*): JoinAlert told (not pruned) while a protocol other
 *    than P has a membership with join state on the entry;
 *  - (S,G): while such a membership exists and P owns the RPF interface
 *    towards S (the route's interface: its routing owner, else IGMP);
 *  - LocalJoin told (not left) for each IGMP membership with join state on
 *    an interface P owns as routing protocol;
 *  - no DisableIgmp outstanding (the kernel tells EnableIgmp within the
 *    same call).
 * One membership enumeration (MGM_IOC_MEMBER_ENUM_*) on the library's file
 * gives the memberships; the routes and owners are looked up once per
 * source and interface. No state outlives a call: no locking.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"

#define RS_BUF_RECORDS	1024
#define RS_NONE		0xffffffffffffffffull	/* no owner */

static uint64_t rs_owner_value(DWORD id, DWORD comp)
{
	return (uint64_t)id << 32 | comp;
}

/* The protocol owning (@ifx, @nh): routing owner, else IGMP (if !routing). */
static uint64_t rs_owner(int fd, struct libmgm_view *cache, DWORD ifx, DWORD nh,
			 bool routing_only)
{
	struct libmgm_vkey k = { .kind = LIBMGM_V_OWNER, .ifindex = ifx,
				 .nexthop = nh, .source = routing_only };
	struct mgm_owner_query q = { .ifindex = ifx, .nexthop = nh };
	struct libmgm_vent *e = libmgm_view_find(cache, &k);
	uint64_t v = RS_NONE;

	if (e)
		return e->value;
	if (!libmgm_ioctl(fd, MGM_IOC_GET_OWNER, &q) &&
	    (!routing_only || (q.owners & MGM_OWNED_BY_ROUTING)))
		v = rs_owner_value(q.protocol_id, q.component_id);
	libmgm_view_add(cache, &k, v);	/* a failed add only costs a lookup */
	return v;
}

static uint64_t rs_rpf_owner(int fd, int nl, struct libmgm_view *cache,
			     DWORD source)
{
	struct libmgm_vkey k = { .kind = LIBMGM_V_RPF, .source = source };
	struct libmgm_vent *e = libmgm_view_find(cache, &k);
	uint64_t v = RS_NONE;
	uint32_t oif;

	if (e)
		return e->value;
	if (nl >= 0 && !libmgm_route_oif(nl, source, &oif))
		v = rs_owner(fd, cache, oif, 0, false);
	libmgm_view_add(cache, &k, v);
	return v;
}

/* Add what record @r means for each protocol to its target. */
static int rs_apply(int fd, int nl, struct libmgm_view *cache,
		    const struct mgm_member_record *r,
		    struct libmgm_rs_proto *p, size_t n)
{
	uint64_t who = rs_owner_value(r->protocol_id, r->component_id);
	uint64_t rpf = RS_NONE, local = RS_NONE;
	struct libmgm_vkey k = { .source = r->source, .group = r->group };
	size_t i;
	int err;

	if (!(r->member_flags & MGM_JOIN_STATE))
		return 0;
	if (r->source)
		rpf = rs_rpf_owner(fd, nl, cache, r->source);
	if (r->protocol_id == MGM_PROTO_IGMP)
		local = rs_owner(fd, cache, r->ifindex, r->nexthop, true);
	for (i = 0; i < n; i++) {
		uint64_t me = rs_owner_value(p[i].protocol_id, p[i].component_id);

		if (who != me && (!r->source || rpf == me)) {
			k.kind = LIBMGM_V_ALERT;
			k.ifindex = 0;
			k.nexthop = 0;
			if (libmgm_view_add(&p[i].target, &k, 0) < 0)
				return -ENOMEM;
		}
		if (local == me) {
			k.kind = LIBMGM_V_LOCAL;
			k.ifindex = r->ifindex;
			k.nexthop = r->nexthop;
			err = libmgm_view_add(&p[i].target, &k, 0);
			if (err < 0)
				return err;
		}
	}
	return 0;
}

int libmgm_resync_targets(int fd, struct libmgm_rs_proto *p, size_t n,
			  uint64_t *gen_end)
{
	struct mgm_member_enum_start start = { 0 };
	struct mgm_enum_end end = { 0 };
	struct libmgm_view cache = { 0 };
	struct mgm_member_record *buf;
	struct mgm_enum_next next;
	int err, nl;
	uint32_t i;

	buf = malloc(RS_BUF_RECORDS * sizeof(*buf));
	if (!buf)
		return -ENOMEM;
	err = libmgm_ioctl(fd, MGM_IOC_MEMBER_ENUM_START, &start);
	if (err) {
		free(buf);
		return err;
	}
	nl = libmgm_route_open();	/* without it, no (S,G) is anybody's */
	*gen_end = start.generation;
	do {
		next = (struct mgm_enum_next) {
			.cursor = start.cursor,
			.buffer = (uintptr_t)buf,
			.buffer_size = RS_BUF_RECORDS * sizeof(*buf),
		};
		err = libmgm_ioctl(fd, MGM_IOC_MEMBER_ENUM_NEXT, &next);
		for (i = 0; !err && i < next.count; i++)
			err = rs_apply(fd, nl, &cache, &buf[i], p, n);
		*gen_end = next.generation;
	} while (!err && !(next.status & MGM_ENUM_STATUS_END));
	end.cursor = start.cursor;
	libmgm_ioctl(fd, MGM_IOC_ENUM_END, &end);
	if (nl >= 0)
		close(nl);
	libmgm_view_clear(&cache);
	free(buf);
	return err;
}
