// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * member_walk(): one membership cursor of /dev/mgm read to its end in
 * batches of MEMBER_BATCH records, each handed to a callback, and ended
 * whatever happens. The caller's file, no state here.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include "member_walk.h"

/* Records per MGM_IOC_MEMBER_ENUM_NEXT: 64 KiB of them. */
#define MEMBER_BATCH	(65536 / sizeof(struct mgm_member_record))

int member_walk(int fd, uint32_t cursor, member_fn fn, void *ctx, bool *changed)
{
	struct mgm_member_record *buf = malloc(MEMBER_BATCH * sizeof(*buf));
	struct mgm_enum_end end = { .cursor = cursor };
	struct mgm_enum_next n;
	int err = 0;
	uint32_t i;

	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	do {
		n = (struct mgm_enum_next) { .cursor = cursor,
			.buffer = (uintptr_t)buf,
			.buffer_size = MEMBER_BATCH * sizeof(*buf) };
		if (ioctl(fd, MGM_IOC_MEMBER_ENUM_NEXT, &n)) {
			err = -errno;
			break;
		}
		for (i = 0; i < n.count; i++)
			fn(ctx, &buf[i]);
		if ((n.status & MGM_ENUM_STATUS_CHANGED) && changed)
			*changed = true;
	} while (!(n.status & MGM_ENUM_STATUS_END));
out:
	ioctl(fd, MGM_IOC_ENUM_END, &end);
	free(buf);
	return err;
}
