/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading a membership cursor of /dev/mgm to its end, shared by the
 * programs that list the table themselves (mgmctl show and monitor,
 * mgm-fwd): see member_walk.c. No state of its own.
 */
#ifndef MGM_TOOLS_MEMBER_WALK_H
#define MGM_TOOLS_MEMBER_WALK_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/mgm.h>

/*
 * Read membership cursor @cursor (of @fd) to its end, calling @fn(@ctx, r)
 * for each record, and end it. *@changed (when not NULL) is set when the
 * table changed during the walk. Returns 0, or the -errno of the read that
 * failed (the cursor is ended either way).
 */
typedef void (*member_fn)(void *ctx, const struct mgm_member_record *r);
int member_walk(int fd, uint32_t cursor, member_fn fn, void *ctx, bool *changed);

#endif /* MGM_TOOLS_MEMBER_WALK_H */
