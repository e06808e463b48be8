// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Group memberships: MgmAddGroupMembershipEntry,
 * MgmDeleteGroupMembershipEntry, and the batched native forms
 * mgm_add_memberships() and mgm_delete_memberships() (MGM_IOC_BATCH).
 * Validation (contract D2, D3) is the kernel's: the library passes the values
 * through unchanged.
 */
#include <errno.h>
#include <stdlib.h>
#include "internal.h"

/* Records converted and handed to one MGM_IOC_BATCH call at most. */
#define MGM_BATCH_CHUNK	1024

static DWORD mgm_membership(HANDLE hProtocol, DWORD dwSourceAddr,
			    DWORD dwSourceMask, DWORD dwGroupAddr,
			    DWORD dwGroupMask, DWORD dwIfIndex,
			    DWORD dwIfNextHopIPAddr, DWORD dwFlags,
			    unsigned long cmd)
{
	struct mgm_membership m = {
		.flags = dwFlags,
		.source = dwSourceAddr,
		.source_mask = dwSourceMask,
		.group = dwGroupAddr,
		.group_mask = dwGroupMask,
		.ifindex = dwIfIndex,
		.nexthop = dwIfNextHopIPAddr,
	};
	struct mgm_ref ref;
	int err;

	err = libmgm_ref_get(hProtocol, MGM_KIND_PROTOCOL, &ref);
	if (!err) {
		m.handle = ref.kid;
		err = libmgm_ioctl(ref.fd, cmd, &m);
	}
	return libmgm_win32(err, MGM_SRC_IOCTL);
}

MGM_API DWORD MgmAddGroupMembershipEntry(HANDLE hProtocol, DWORD dwSourceAddr,
					 DWORD dwSourceMask, DWORD dwGroupAddr,
					 DWORD dwGroupMask, DWORD dwIfIndex,
					 DWORD dwIfNextHopIPAddr,
					 DWORD dwFlags)
{
	return mgm_membership(hProtocol, dwSourceAddr, dwSourceMask,
			      dwGroupAddr, dwGroupMask, dwIfIndex,
			      dwIfNextHopIPAddr, dwFlags,
			      MGM_IOC_ADD_MEMBERSHIP);
}

MGM_API DWORD MgmDeleteGroupMembershipEntry(HANDLE hProtocol,
					    DWORD dwSourceAddr,
					    DWORD dwSourceMask,
					    DWORD dwGroupAddr,
					    DWORD dwGroupMask, DWORD dwIfIndex,
					    DWORD dwIfNextHopIPAddr,
					    DWORD dwFlags)
{
	return mgm_membership(hProtocol, dwSourceAddr, dwSourceMask,
			      dwGroupAddr, dwGroupMask, dwIfIndex,
			      dwIfNextHopIPAddr, dwFlags,
			      MGM_IOC_DELETE_MEMBERSHIP);
}

static int mgm_batch(HANDLE hProtocol, uint32_t op,
		     const struct mgm_member *recs, size_t count, size_t *done)
{
	struct mgm_membership *buf = NULL;
	struct mgm_batch batch;
	struct mgm_ref ref;
	size_t applied = 0, n, i;
	int err;

	err = libmgm_ref_get(hProtocol, MGM_KIND_PROTOCOL, &ref);
	if (!err && !recs && count)
		err = -EINVAL;
	if (!err && count) {
		buf = malloc((count < MGM_BATCH_CHUNK ? count : MGM_BATCH_CHUNK) *
			     sizeof(*buf));
		if (!buf)
			err = -ENOMEM;
	}
	while (!err && applied < count) {
		n = count - applied;
		if (n > MGM_BATCH_CHUNK)
			n = MGM_BATCH_CHUNK;
		for (i = 0; i < n; i++) {
			const struct mgm_member *r = &recs[applied + i];

			buf[i] = (struct mgm_membership) {
				.handle = ref.kid,
				.flags = r->flags,
				.source = r->source,
				.source_mask = r->source_mask,
				.group = r->group,
				.group_mask = r->group_mask,
				.ifindex = r->ifindex,
				.nexthop = r->nexthop,
			};
		}
		batch = (struct mgm_batch) {
			.records = (uintptr_t)buf,
			.count = (uint32_t)n,
			.record_size = sizeof(*buf),
			.op = op,
		};
		err = libmgm_ioctl(ref.fd, MGM_IOC_BATCH, &batch);
		/* On failure the kernel still says how many it applied. */
		applied += batch.done;
	}
	free(buf);
	if (done)
		*done = applied;
	return err;
}

MGM_API int mgm_add_memberships(HANDLE hProtocol,
				const struct mgm_member *recs, size_t count,
				size_t *done)
{
	return mgm_batch(hProtocol, MGM_BATCH_ADD, recs, count, done);
}

MGM_API int mgm_delete_memberships(HANDLE hProtocol,
				   const struct mgm_member *recs, size_t count,
				   size_t *done)
{
	return mgm_batch(hProtocol, MGM_BATCH_DELETE, recs, count, done);
}
