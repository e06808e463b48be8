// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Group enumeration: MgmGroupEnumerationStart, MgmGroupEnumerationGetNext,
 * MgmGroupEnumerationEnd, and the native mgm_enum_start() and
 * mgm_enum_next().
 *
 * An enumeration handle names a kernel cursor of this process's file.
 * GetNext hands the caller's buffer straight to the kernel. The kernel
 * reports the end together with the last records; contract D8 wants those
 * returned with NO_ERROR and ERROR_NO_MORE_ITEMS on the next call, so the
 * handle remembers where the enumeration stands (enum mgm_enum_state) and
 * answers that call without a system call.
 */
#include <errno.h>
#include <string.h>
#include "internal.h"

/* 0 and the new handle in *phEnum, or -errno. Device file already open. */
static int mgm_enum_open(int fd, uint32_t type, HANDLE *phEnum,
			 uint64_t *generation)
{
	struct mgm_enum_start start = { .type = type };
	struct mgm_enum_end end = { 0 };
	int err;

	err = libmgm_ioctl(fd, MGM_IOC_ENUM_START, &start);
	if (err)
		return err;
	libmgm_lock();
	err = libmgm_ht_alloc(libmgm_handles(), MGM_KIND_ENUM, start.cursor, phEnum,
			   NULL);
	libmgm_unlock();
	if (err) {
		end.cursor = start.cursor;
		libmgm_ioctl(fd, MGM_IOC_ENUM_END, &end);
		return err;
	}
	if (generation)
		*generation = start.generation;
	return 0;
}

MGM_API DWORD MgmGroupEnumerationStart(HANDLE hProtocol,
				       MGM_ENUM_TYPES metEnumType,
				       HANDLE *phEnumHandle)
{
	struct mgm_ref ref;
	int err;

	/* Enumeration is router-wide: the protocol is only validated (D5). */
	err = libmgm_ref_get(hProtocol, MGM_KIND_PROTOCOL, &ref);
	if (!err && !phEnumHandle)
		err = -EINVAL;
	if (!err)
		err = mgm_enum_open(ref.fd, (uint32_t)metEnumType,
				    phEnumHandle, NULL);
	return libmgm_win32(err, MGM_SRC_IOCTL);
}

MGM_API int mgm_enum_start(MGM_ENUM_TYPES type, HANDLE *phEnum,
			   uint64_t *generation)
{
	int fd;

	if (!phEnum)
		return -EINVAL;
	fd = libmgm_fd();
	if (fd < 0)
		return fd;
	return mgm_enum_open(fd, (uint32_t)type, phEnum, generation);
}

/* Record that the kernel reported the end: @records came with it. */
static void mgm_enum_note_end(HANDLE hEnum, uint32_t records)
{
	struct mgm_slot *slot;

	libmgm_lock();
	slot = libmgm_ht_lookup(libmgm_handles(), hEnum, MGM_KIND_ENUM);
	if (slot && slot->state == MGM_ENUM_READING)
		slot->state = records ? MGM_ENUM_LAST_READ : MGM_ENUM_DONE;
	libmgm_unlock();
}

/* One MGM_IOC_ENUM_NEXT: 0 or -errno, *next filled in either case. */
static int mgm_enum_read(HANDLE hEnum, const struct mgm_ref *ref, void *buf,
			 uint32_t size, struct mgm_enum_next *next)
{
	int err;

	*next = (struct mgm_enum_next) {
		.cursor = ref->kid,
		.buffer = (uintptr_t)buf,
		.buffer_size = size,
	};
	err = libmgm_ioctl(ref->fd, MGM_IOC_ENUM_NEXT, next);
	if (err)
		next->count = 0;
	else if (next->status & MGM_ENUM_STATUS_END)
		mgm_enum_note_end(hEnum, next->count);
	return err;
}

MGM_API int mgm_enum_next(HANDLE hEnum, void *buf, uint32_t size,
			  struct mgm_enum_status *st)
{
	struct mgm_enum_next next;
	struct mgm_ref ref;
	int err;

	if (!st)
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	err = libmgm_ref_get(hEnum, MGM_KIND_ENUM, &ref);
	if (err)
		return err;
	err = mgm_enum_read(hEnum, &ref, buf, size, &next);
	if (err && err != -ERANGE)
		return err;
	st->count = next.count;
	st->status = next.status;
	st->start_generation = next.start_generation;
	st->generation = next.generation;
	if (err)
		st->needed = next.buffer_size;
	return err;
}

MGM_API DWORD MgmGroupEnumerationGetNext(HANDLE hEnum, PDWORD pdwBufferSize,
					 PBYTE pbBuffer,
					 PDWORD pdwNumEntries)
{
	struct mgm_enum_next next;
	struct mgm_slot *slot;
	struct mgm_ref ref;
	int err;

	if (pdwNumEntries)
		*pdwNumEntries = 0;
	if (!pdwBufferSize || !pbBuffer || !pdwNumEntries)
		return ERROR_INVALID_PARAMETER;
	err = libmgm_ref_get(hEnum, MGM_KIND_ENUM, &ref);
	if (err)
		return libmgm_win32(err, MGM_SRC_ENUM_NEXT);

	if (ref.state != MGM_ENUM_READING) {
		/* The end was reached: answer without a system call. */
		libmgm_lock();
		slot = libmgm_ht_lookup(libmgm_handles(), hEnum, MGM_KIND_ENUM);
		if (slot)
			slot->state = MGM_ENUM_DONE;
		libmgm_unlock();
		return ERROR_NO_MORE_ITEMS;
	}

	err = mgm_enum_read(hEnum, &ref, pbBuffer, *pdwBufferSize, &next);
	if (err == -ERANGE)
		*pdwBufferSize = next.buffer_size;	/* one record's size */
	if (err)
		return libmgm_win32(err, MGM_SRC_ENUM_NEXT);
	if (!next.count)
		return ERROR_NO_MORE_ITEMS;
	*pdwNumEntries = next.count;
	return NO_ERROR;
}

MGM_API DWORD MgmGroupEnumerationEnd(HANDLE hEnum)
{
	struct mgm_enum_end end = { 0 };
	struct mgm_slot *slot;
	int fd = -1;

	libmgm_lock();
	slot = libmgm_ht_lookup(libmgm_handles(), hEnum, MGM_KIND_ENUM);
	if (slot) {
		/* Gone from the table first: a second End finds nothing. */
		end.cursor = slot->kid;
		fd = libmgm_fd_locked();
		libmgm_ht_free(libmgm_handles(), slot);
	}
	libmgm_unlock();
	if (!slot)
		return ERROR_INVALID_PARAMETER;
	return libmgm_win32(libmgm_ioctl(fd, MGM_IOC_ENUM_END, &end), MGM_SRC_IOCTL);
}
