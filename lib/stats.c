// SPDX-License-Identifier: LGPL-2.1-or-later
/* Counters and limits of the table: mgm_get_stats() (MGM_IOC_STATS). */
#include <errno.h>
#include <string.h>
#include "internal.h"

MGM_API int mgm_get_stats(struct mgm_stats *stats, size_t size)
{
	struct mgm_stats s = { 0 };
	int fd, err;

	if (!stats)
		return -EINVAL;
	fd = libmgm_fd();
	if (fd < 0)
		return fd;
	err = libmgm_ioctl(fd, MGM_IOC_STATS, &s);
	if (err)
		return err;
	if (size > sizeof(s)) {
		memset((char *)stats + sizeof(s), 0, size - sizeof(s));
		size = sizeof(s);
	}
	memcpy(stats, &s, size);
	return 0;
}
