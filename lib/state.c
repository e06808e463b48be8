// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The process's state: its one file of /dev/mgm and its handle table, under
 * one mutex.
 *
 * The file is opened on the first call that needs it (O_CLOEXEC), so it
 * serves the network namespace and carries the credentials the process has
 * at that moment. It is never shared with a forked child (contract D10):
 * everything a file creates lives as long as the file, so a child using the
 * parent's file could leave state behind after it died, and would act with
 * the parent's privileges. In the child, the inherited descriptor is closed
 * and every handle invalidated; its first call opens a file of its own.
 * pthread_atfork() does this for fork(); a pid check in libmgm_lock() catches
 * children made by clone() directly, which runs no atfork handler.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "internal.h"

#define MGM_DEVICE	"/dev/mgm"

static struct {
	pthread_mutex_t reg_lock;	/* see libmgm_reg_lock(); before lock */
	pthread_mutex_t lock;
	int fd;			/* -1 until first use */
	pid_t pid;		/* the process the fd and handles belong to */
	struct mgm_htable handles;
} mgm_state = {
	.reg_lock = PTHREAD_MUTEX_INITIALIZER,
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.fd = -1,
};

static pthread_once_t mgm_atfork_once = PTHREAD_ONCE_INIT;

/* In a child: forget the parent's file and handles. Lock held. */
static void mgm_forget_parent(void)
{
	if (mgm_state.fd >= 0)
		close(mgm_state.fd);
	mgm_state.fd = -1;
	mgm_state.pid = 0;
	libmgm_events_child(&mgm_state.handles);
	libmgm_ht_invalidate_all(&mgm_state.handles);
}

/* fork() in another thread waits until no call holds the lock. */
static void mgm_atfork_prepare(void)
{
	pthread_mutex_lock(&mgm_state.reg_lock);
	pthread_mutex_lock(&mgm_state.lock);
}

static void mgm_atfork_parent(void)
{
	pthread_mutex_unlock(&mgm_state.lock);
	pthread_mutex_unlock(&mgm_state.reg_lock);
}

static void mgm_atfork_child(void)
{
	mgm_forget_parent();
	pthread_mutex_unlock(&mgm_state.lock);
	pthread_mutex_unlock(&mgm_state.reg_lock);
}

static void mgm_atfork_register(void)
{
	pthread_atfork(mgm_atfork_prepare, mgm_atfork_parent,
		       mgm_atfork_child);
}

void libmgm_lock(void)
{
	pthread_once(&mgm_atfork_once, mgm_atfork_register);
	pthread_mutex_lock(&mgm_state.lock);
	if (mgm_state.pid && mgm_state.pid != getpid())
		mgm_forget_parent();
}

void libmgm_unlock(void)
{
	pthread_mutex_unlock(&mgm_state.lock);
}

void libmgm_reg_lock(void)
{
	pthread_once(&mgm_atfork_once, mgm_atfork_register);
	pthread_mutex_lock(&mgm_state.reg_lock);
}

void libmgm_reg_unlock(void)
{
	pthread_mutex_unlock(&mgm_state.reg_lock);
}

struct mgm_htable *libmgm_handles(void)
{
	return &mgm_state.handles;
}

int libmgm_fd_locked(void)
{
	int fd;

	if (mgm_state.fd >= 0)
		return mgm_state.fd;
	do {
		fd = open(MGM_DEVICE, O_RDWR | O_CLOEXEC);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return -errno;
	mgm_state.fd = fd;
	mgm_state.pid = getpid();
	return fd;
}

int libmgm_fd(void)
{
	int fd;

	libmgm_lock();
	fd = libmgm_fd_locked();
	libmgm_unlock();
	return fd;
}

int libmgm_ref_get(HANDLE handle, unsigned int kind, struct mgm_ref *ref)
{
	struct mgm_slot *slot;
	int err = -EINVAL;

	libmgm_lock();
	slot = libmgm_ht_lookup(&mgm_state.handles, handle, kind);
	if (slot) {
		/* A live handle implies the file it was made on is open. */
		ref->fd = mgm_state.fd;
		ref->kid = slot->kid;
		ref->state = slot->state;
		err = 0;
	}
	libmgm_unlock();
	return err;
}

int libmgm_ioctl(int fd, unsigned long cmd, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, cmd, arg);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : 0;
}

MGM_API int mgm_device_open(void)
{
	int fd = libmgm_fd();

	return fd < 0 ? fd : 0;
}
