// SPDX-License-Identifier: GPL-2.0-or-later
/* One-line error messages naming the cause, and the exit codes with them. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>
#include "mgmctl.h"

static void vmsg(const char *fmt, va_list ap)
{
	fputs("mgmctl: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

int runtime_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	return EXIT_RUNTIME;
}

int device_open_or_fail(void)
{
	int err = mgm_device_open();

	if (!err)
		return EXIT_OK;
	return errno_fail("/dev/mgm", err);
}

int raw_open_or_fail(int *fd)
{
	*fd = open("/dev/mgm", O_RDWR | O_CLOEXEC);
	if (*fd >= 0)
		return EXIT_OK;
	return errno_fail("/dev/mgm", -errno);
}

int errno_fail(const char *what, int err)
{
	switch (-err) {
	case ENOENT:
	case ENXIO:
	case ENODEV:
		if (!strcmp(what, "/dev/mgm")) {
			fputs("mgm: module not loaded\n", stderr);
			return EXIT_RUNTIME;
		}
		break;
	case EACCES:
		return runtime_error("permission denied: %s: needs read-write access to /dev/mgm",
				     what);
	case EPERM:
		return runtime_error("permission denied: %s: needs CAP_NET_ADMIN",
				     what);
	}
	return runtime_error("%s: %s", what, strerror(-err));
}

static const char *win32_cause(DWORD code)
{
	switch (code) {
	case ERROR_ACCESS_DENIED:	return "permission denied: needs CAP_NET_ADMIN";
	case ERROR_NOT_ENOUGH_MEMORY:	return "out of memory or a limit of the module reached";
	case ERROR_INVALID_PARAMETER:	return "invalid argument";
	case ERROR_ALREADY_EXISTS:	return "already exists (owned or registered by someone else)";
	case ERROR_NOT_FOUND:		return "not found";
	case ERROR_CAN_NOT_COMPLETE:	return "cannot complete (is the module loaded?)";
	}
	return "failed";
}

int win32_fail(const char *what, DWORD code)
{
	if (code == ERROR_ACCESS_DENIED)
		return runtime_error("permission denied: needs CAP_NET_ADMIN (%s)",
				     what);
	return runtime_error("%s: %s (%s)", what, win32_cause(code),
			     mgm_error_name(code));
}
