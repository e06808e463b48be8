/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A fake /dev/mgm for the host tests of what reads events (libmgm's
 * delivery, mgmctl monitor): open() and ioctl() are interposed. Opening
 * "/dev/mgm" gives one end of a SOCK_SEQPACKET pair (fake_dev.dev), so
 * that each record the test writes on the other end (fake_dev.peer,
 * fake_dev_queue()) comes back from one read(), as from the kernel's
 * queue; an ioctl on it goes to fake_ioctl(@req, @arg), which the test
 * including this header defines (errno and -1, or 0, as ioctl()). Every
 * other path and descriptor goes to the real system calls. One program,
 * one fake: fake_dev_setup() in each test's setup, fake_dev_teardown()
 * after.
 */
#ifndef MGM_TESTS_FAKE_DEV_H
#define MGM_TESTS_FAKE_DEV_H

#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/mgm.h>

static struct {
	int dev, peer;	/* the library's end, the test's */
} fake_dev = { -1, -1 };

static int fake_ioctl(unsigned long req, void *arg);

int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = va_arg(ap, mode_t);
	va_end(ap);
	if (!strcmp(path, "/dev/mgm"))
		return fake_dev.dev;
	return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
}

int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (fd == fake_dev.dev)
		return fake_ioctl(req, arg);
	return (int)syscall(SYS_ioctl, fd, req, arg);
}

static int fake_dev_setup(void)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv))
		return -1;
	fake_dev.dev = sv[0];
	fake_dev.peer = sv[1];
	return 0;
}

/* The test's end; the device's end is its opener's to close. */
static void fake_dev_teardown(void)
{
	if (fake_dev.peer >= 0)
		close(fake_dev.peer);
	fake_dev.peer = -1;
}

/* Queue @n records at once, as one read() will find them. */
static int fake_dev_queue(const struct mgm_event *e, size_t n)
{
	return write(fake_dev.peer, e, n * sizeof(*e)) == (ssize_t)(n * sizeof(*e)) ? 0 : -1;
}

#endif
