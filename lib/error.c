// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Errors: the one table that turns the kernel's errnos into the Win32 codes
 * of contract appendix A, and the names of those codes.
 */
#include <errno.h>
#include <stddef.h>
#include "internal.h"

#define MGM_SRC_ANY	(-1)

/*
 * Rows are tried in order; the first whose errno and source match wins.
 * Source-specific rows come before the general ones.
 */
static const struct {
	int err;
	int src;
	DWORD code;
} mgm_errors[] = {
	/* Opening /dev/mgm: no device node, or no module behind it. */
	{ ENOENT,	MGM_SRC_OPEN,		ERROR_CAN_NOT_COMPLETE },
	{ ENODEV,	MGM_SRC_OPEN,		ERROR_CAN_NOT_COMPLETE },
	/* Get-next: not even one record fits the buffer. */
	{ ERANGE,	MGM_SRC_ENUM_NEXT,	ERROR_INSUFFICIENT_BUFFER },
	{ EINVAL,	MGM_SRC_ANY,		ERROR_INVALID_PARAMETER },
	{ ENOENT,	MGM_SRC_ANY,		ERROR_NOT_FOUND },
	{ ENODEV,	MGM_SRC_ANY,		ERROR_NOT_FOUND },
	{ EEXIST,	MGM_SRC_ANY,		ERROR_ALREADY_EXISTS },
	{ EBUSY,	MGM_SRC_ANY,		ERROR_CAN_NOT_COMPLETE },
	{ EPERM,	MGM_SRC_ANY,		ERROR_ACCESS_DENIED },
	{ EACCES,	MGM_SRC_ANY,		ERROR_ACCESS_DENIED },
	{ ENOMEM,	MGM_SRC_ANY,		ERROR_NOT_ENOUGH_MEMORY },
	{ ENOSPC,	MGM_SRC_ANY,		ERROR_NOT_ENOUGH_MEMORY },
};

DWORD libmgm_win32(int err, enum mgm_err_src src)
{
	size_t i;

	if (err < 0)
		err = -err;
	if (!err)
		return NO_ERROR;
	for (i = 0; i < sizeof(mgm_errors) / sizeof(mgm_errors[0]); i++)
		if (mgm_errors[i].err == err &&
		    (mgm_errors[i].src == MGM_SRC_ANY ||
		     mgm_errors[i].src == (int)src))
			return mgm_errors[i].code;
	/* EFAULT, ENOTTY, ENXIO (module gone), anything unexpected. */
	return ERROR_CAN_NOT_COMPLETE;
}

MGM_API const char *mgm_error_name(DWORD code)
{
	switch (code) {
	case NO_ERROR:			return "NO_ERROR";
	case ERROR_ACCESS_DENIED:	return "ERROR_ACCESS_DENIED";
	case ERROR_NOT_ENOUGH_MEMORY:	return "ERROR_NOT_ENOUGH_MEMORY";
	case ERROR_INVALID_PARAMETER:	return "ERROR_INVALID_PARAMETER";
	case ERROR_INSUFFICIENT_BUFFER:	return "ERROR_INSUFFICIENT_BUFFER";
	case ERROR_ALREADY_EXISTS:	return "ERROR_ALREADY_EXISTS";
	case ERROR_MORE_DATA:		return "ERROR_MORE_DATA";
	case ERROR_NO_MORE_ITEMS:	return "ERROR_NO_MORE_ITEMS";
	case ERROR_CAN_NOT_COMPLETE:	return "ERROR_CAN_NOT_COMPLETE";
	case ERROR_NOT_FOUND:		return "ERROR_NOT_FOUND";
	}
	return "ERROR_UNKNOWN";
}
