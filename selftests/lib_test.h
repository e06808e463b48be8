/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the libmgm selftests (selftests/lib_*_test.c). They drive the
 * module only through lib/mgm.h; helpers.h is used for addresses and
 * network devices, never for its raw ioctl wrappers.
 */
#ifndef MGM_LIB_TEST_H
#define MGM_LIB_TEST_H

#include <dirent.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "mgm.h"
#include "helpers.h"

#define G1	ip4(232, 1, 1, 1)
#define G2	ip4(232, 1, 1, 2)
#define G3	ip4(239, 1, 1, 1)
#define S1	ip4(10, 0, 0, 1)
#define S2	ip4(10, 0, 0, 2)
#define GRP(k)	htonl(0xe8010000u + (k))	/* 232.1.0.0 + k */
#define JOIN	MGM_JOIN_STATE_FLAG
#define FWD	MGM_FORWARD_STATE_FLAG
#define PIM	3	/* a routing protocol id that is not IGMP */

static ROUTING_PROTOCOL_CONFIG lt_config __attribute__((unused));	/* no callbacks */

/* Add/delete (S,G) with the masks it needs: S or G 0 is a wildcard. */
static inline DWORD lt_add(HANDLE h, DWORD ifindex, DWORD s, DWORD g,
			   DWORD flags)
{
	return MgmAddGroupMembershipEntry(h, s, s ? MASK32 : 0, g,
					  g ? MASK32 : 0, ifindex, 0, flags);
}

static inline DWORD lt_del(HANDLE h, DWORD ifindex, DWORD s, DWORD g,
			   DWORD flags)
{
	return MgmDeleteGroupMembershipEntry(h, s, s ? MASK32 : 0, g,
					     g ? MASK32 : 0, ifindex, 0, flags);
}

static inline struct mgm_member lt_member(DWORD ifindex, DWORD s, DWORD g,
					  DWORD flags)
{
	struct mgm_member m = {
		.source = s, .source_mask = s ? MASK32 : 0,
		.group = g, .group_mask = g ? MASK32 : 0,
		.ifindex = ifindex, .nexthop = 0, .flags = flags,
	};

	return m;
}

static inline SOURCE_GROUP_ENTRY lt_entry(DWORD s, DWORD g)
{
	SOURCE_GROUP_ENTRY e = { s, s ? MASK32 : 0, g, g ? MASK32 : 0 };

	return e;
}

/*
 * Enumerate everything with the Windows calls and a buffer of @bufsize
 * bytes. Returns the number of records (a malloc()ed array in *@out) or
 * -(the Win32 code) of the first unexpected answer.
 */
static inline long lt_enum_all(HANDLE proto, MGM_ENUM_TYPES type,
			       DWORD bufsize, SOURCE_GROUP_ENTRY **out)
{
	SOURCE_GROUP_ENTRY *all = NULL, *grown;
	PBYTE buf = malloc(bufsize ? bufsize : 1);
	DWORD size, n, rc;
	long count = 0;
	HANDLE en;

	rc = MgmGroupEnumerationStart(proto, type, &en);
	if (rc)
		goto out;
	for (;;) {
		size = bufsize;
		rc = MgmGroupEnumerationGetNext(en, &size, buf, &n);
		if (rc == ERROR_NO_MORE_ITEMS) {
			rc = NO_ERROR;
			break;
		}
		if (rc)
			break;
		grown = realloc(all, (count + n) * sizeof(*all));
		if (!grown) {
			rc = ERROR_NOT_ENOUGH_MEMORY;
			break;
		}
		all = grown;
		memcpy(all + count, buf, n * sizeof(*all));
		count += n;
	}
	if (MgmGroupEnumerationEnd(en) && !rc)
		rc = ERROR_CAN_NOT_COMPLETE;
out:
	free(buf);
	if (rc) {
		free(all);
		return -(long)rc;
	}
	*out = all;
	return count;
}

/* Host-order (group, source) key, as the table sorts. */
static inline uint64_t lt_key(const SOURCE_GROUP_ENTRY *e)
{
	return (uint64_t)ntohl(e->dwGroupAddr) << 32 | ntohl(e->dwSourceAddr);
}

/* Drop CAP_NET_ADMIN from the effective and permitted sets. */
static inline int lt_drop_net_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[CAP_NET_ADMIN / 32].effective &= ~(1u << (CAP_NET_ADMIN % 32));
	data[CAP_NET_ADMIN / 32].permitted &= ~(1u << (CAP_NET_ADMIN % 32));
	return syscall(SYS_capset, &hdr, data);
}

/* The descriptor of this process that is open on /dev/mgm, or -1. */
static inline int lt_mgm_fd(void)
{
	char path[300], target[64];
	struct dirent *d;
	DIR *dir = opendir("/proc/self/fd");
	int fd = -1;
	ssize_t n;

	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		snprintf(path, sizeof(path), "/proc/self/fd/%s", d->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = 0;
		if (!strcmp(target, MGM_DEV)) {
			fd = atoi(d->d_name);
			break;
		}
	}
	closedir(dir);
	return fd;
}

/* How many descriptors of this process are open on /dev/mgm. */
static inline int lt_mgm_fds(void)
{
	char path[300], target[64];
	struct dirent *d;
	DIR *dir = opendir("/proc/self/fd");
	int count = 0;
	ssize_t n;

	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		snprintf(path, sizeof(path), "/proc/self/fd/%s", d->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n >= 0) {
			target[n] = 0;
			count += !strcmp(target, MGM_DEV);
		}
	}
	closedir(dir);
	return count;
}

#endif /* MGM_LIB_TEST_H */
