// SPDX-License-Identifier: GPL-2.0
/*
 * libmgm and processes (contract D10, D13): the library never shares its file of
 * /dev/mgm with a child. A forked child's first call opens its own file, in
 * its namespace and with its credentials at that moment; the parent's
 * handles are invalid in the child; what a child creates dies with it.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "lib_test.h"

extern char **environ;

FIXTURE(fork) {
	int ifindex;	/* lf0 */
	int ifindex2;	/* lf1 */
};

FIXTURE_SETUP(fork)
{
	self->ifindex = make_dummy("lf0");
	ASSERT_LT(0, self->ifindex);
	self->ifindex2 = make_dummy("lf1");
	ASSERT_LT(0, self->ifindex2);
}

FIXTURE_TEARDOWN(fork)
{
	del_link("lf0");
	del_link("lf1");
}

static int wait_status(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static long entries(HANDLE proto)
{
	SOURCE_GROUP_ENTRY *recs;
	long n = lt_enum_all(proto, ALL_SOURCES, 4096, &recs);

	if (n > 0)
		free(recs);
	return n;
}

TEST_F(fork, killed_child_leaves_nothing)
{
	int ready[2];
	DWORD id, comp;
	HANDLE parent, h;
	char c;
	pid_t pid;

	/* The parent's file is open before the fork. */
	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 1, &parent));
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(ready[0]);
		/* Same namespace, own file: the parent's pair is taken. */
		if (MgmRegisterMProtocol(&lt_config, PIM, 1, &h) != ERROR_ALREADY_EXISTS)
			_exit(1);
		if (MgmRegisterMProtocol(&lt_config, PIM, 2, &h) ||
		    MgmTakeInterfaceOwnership(h, self->ifindex, 0) ||
		    lt_add(h, self->ifindex, S1, G1, JOIN) ||
		    lt_add(h, self->ifindex, 0, G2, JOIN) ||
		    lt_add(h, self->ifindex, 0, 0, JOIN))
			_exit(2);
		if (write(ready[1], "r", 1) != 1)
			_exit(3);
		pause();
		_exit(4);
	}
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	close(ready[0]);
	EXPECT_EQ(3, entries(parent));
	EXPECT_EQ(NO_ERROR, MgmGetProtocolOnInterface(self->ifindex, 0, &id, &comp));
	EXPECT_EQ(2u, comp);

	ASSERT_EQ(0, kill(pid, SIGKILL));
	EXPECT_EQ(128 + SIGKILL, wait_status(pid));
	/* The child's file closed: its protocol, interface, memberships gone. */
	EXPECT_EQ(0, entries(parent));
	EXPECT_EQ(ERROR_NOT_FOUND, MgmGetProtocolOnInterface(self->ifindex, 0, &id, &comp));
	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 2, &h));
	EXPECT_EQ(NO_ERROR, MgmTakeInterfaceOwnership(h, self->ifindex, 0));
	EXPECT_EQ(NO_ERROR, MgmDeRegisterMProtocol(parent));
}

TEST_F(fork, parent_handles_are_invalid_in_the_child)
{
	DWORD size = 64, n;
	BYTE buf[64];
	HANDLE proto, en, h;
	pid_t pid;

	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 1, &proto));
	ASSERT_EQ(NO_ERROR, MgmTakeInterfaceOwnership(proto, self->ifindex, 0));
	ASSERT_EQ(NO_ERROR, lt_add(proto, self->ifindex, 0, G1, JOIN));
	ASSERT_EQ(NO_ERROR, MgmGroupEnumerationStart(proto, ALL_SOURCES, &en));
	ASSERT_EQ(1, lt_mgm_fds());

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* The inherited descriptor is closed in the child. */
		if (lt_mgm_fds() != 0)
			_exit(1);
		if (MgmDeRegisterMProtocol(proto) != ERROR_INVALID_PARAMETER ||
		    MgmTakeInterfaceOwnership(proto, self->ifindex2, 0) != ERROR_INVALID_PARAMETER ||
		    MgmReleaseInterfaceOwnership(proto, self->ifindex, 0) != ERROR_INVALID_PARAMETER ||
		    lt_add(proto, self->ifindex, 0, G2, JOIN) != ERROR_INVALID_PARAMETER ||
		    lt_del(proto, self->ifindex, 0, G1, JOIN) != ERROR_INVALID_PARAMETER ||
		    MgmGroupEnumerationStart(proto, ALL_SOURCES, &h) != ERROR_INVALID_PARAMETER ||
		    MgmGroupEnumerationGetNext(en, &size, buf, &n) != ERROR_INVALID_PARAMETER ||
		    MgmGroupEnumerationEnd(en) != ERROR_INVALID_PARAMETER)
			_exit(2);
		/* Handles the child makes are new ones, on its own file. */
		if (MgmRegisterMProtocol(&lt_config, PIM, 2, &h) || h == proto)
			_exit(3);
		if (lt_mgm_fds() != 1)
			_exit(4);
		/* Still the parent's membership in the shared table. */
		if (entries(h) != 1)
			_exit(5);
		_exit(0);
	}
	EXPECT_EQ(0, wait_status(pid));
	/* The parent's handles still work. */
	EXPECT_EQ(NO_ERROR, MgmGroupEnumerationGetNext(en, &size, buf, &n));
	EXPECT_EQ(1u, n);
	EXPECT_EQ(NO_ERROR, MgmGroupEnumerationEnd(en));
	EXPECT_EQ(NO_ERROR, lt_del(proto, self->ifindex, 0, G1, JOIN));
	EXPECT_EQ(NO_ERROR, MgmReleaseInterfaceOwnership(proto, self->ifindex, 0));
	EXPECT_EQ(NO_ERROR, MgmDeRegisterMProtocol(proto));
}

TEST_F(fork, child_without_cap_net_admin_is_access_denied)
{
	struct mgm_enum_status st;
	SOURCE_GROUP_ENTRY buf[4];
	DWORD id, comp;
	HANDLE proto, h;
	pid_t pid;

	/* The parent, privileged, has its file open before the fork. */
	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 1, &proto));
	ASSERT_EQ(NO_ERROR, MgmTakeInterfaceOwnership(proto, self->ifindex, 0));
	ASSERT_EQ(NO_ERROR, lt_add(proto, self->ifindex, 0, G1, JOIN));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (lt_drop_net_admin())
			_exit(1);
		/* Had the child used the parent's file, this would succeed. */
		if (MgmRegisterMProtocol(&lt_config, PIM, 2, &h) != ERROR_ACCESS_DENIED)
			_exit(2);
		/* Reading needs no privilege. */
		if (MgmGetProtocolOnInterface(self->ifindex, 0, &id, &comp) ||
		    id != PIM || comp != 1)
			_exit(3);
		if (mgm_enum_start(ALL_SOURCES, &h, NULL) ||
		    mgm_enum_next(h, buf, sizeof(buf), &st) || st.count != 1 ||
		    MgmGroupEnumerationEnd(h))
			_exit(4);
		_exit(0);
	}
	EXPECT_EQ(0, wait_status(pid));
	EXPECT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 2, &h));
}

TEST_F(fork, child_opens_in_its_own_network_namespace)
{
	HANDLE proto, h;
	pid_t pid;

	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 1, &proto));
	ASSERT_EQ(NO_ERROR, MgmTakeInterfaceOwnership(proto, self->ifindex, 0));
	ASSERT_EQ(NO_ERROR, lt_add(proto, self->ifindex, 0, G1, JOIN));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (unshare(CLONE_NEWNET))
			_exit(1);
		/* A fresh namespace: the pair is free, the table empty. */
		if (MgmRegisterMProtocol(&lt_config, PIM, 1, &h))
			_exit(2);
		if (entries(h) != 0)
			_exit(3);
		/* lf0 is not in this namespace (only lo is, ifindex 1). */
		if (MgmTakeInterfaceOwnership(h, self->ifindex, 0) != ERROR_NOT_FOUND)
			_exit(4);
		_exit(0);
	}
	EXPECT_EQ(0, wait_status(pid));
	EXPECT_EQ(1, entries(proto));
}

/* clone() without the atfork handlers: the pid check catches it. */
TEST_F(fork, raw_clone_child_gets_its_own_file)
{
	HANDLE proto, h;
	pid_t pid;

	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 1, &proto));
	pid = syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (MgmDeRegisterMProtocol(proto) != ERROR_INVALID_PARAMETER)
			syscall(SYS_exit_group, 1);
		if (MgmRegisterMProtocol(&lt_config, PIM, 1, &h) != ERROR_ALREADY_EXISTS)
			syscall(SYS_exit_group, 2);
		syscall(SYS_exit_group, 0);
	}
	EXPECT_EQ(0, wait_status(pid));
	EXPECT_EQ(NO_ERROR, MgmDeRegisterMProtocol(proto));
}

TEST_F(fork, exec_does_not_inherit_the_file)
{
	char *argv[] = { "sh", "-c", "ls -l /proc/$$/fd | grep -q /dev/mgm", NULL };
	HANDLE proto;
	pid_t pid;

	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 1, &proto));
	/* posix_spawn() runs no atfork handler: only O_CLOEXEC protects. */
	ASSERT_EQ(0, posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ));
	EXPECT_EQ(1, wait_status(pid));
	EXPECT_EQ(NO_ERROR, MgmDeRegisterMProtocol(proto));
}

struct busy {
	volatile int stop;
	int errors;
};

static void *busy_thread(void *arg)
{
	struct busy *b = arg;
	DWORD id, comp;
	HANDLE h;

	while (!b->stop) {
		if (MgmRegisterMProtocol(&lt_config, PIM, 77, &h) ||
		    MgmGetProtocolOnInterface(999999, 0, &id, &comp) != ERROR_NOT_FOUND ||
		    MgmDeRegisterMProtocol(h))
			b->errors++;
	}
	return NULL;
}

TEST_F(fork, fork_while_threads_call)
{
	struct busy b = { 0 };
	pthread_t t;
	int i;

	ASSERT_EQ(0, pthread_create(&t, NULL, busy_thread, &b));
	for (i = 0; i < 30; i++) {
		pid_t pid = fork();
		HANDLE h;

		ASSERT_LE(0, pid);
		if (pid == 0) {
			/* Neither the lock nor the file came along broken. */
			if (MgmRegisterMProtocol(&lt_config, PIM, 1000 + i, &h) ||
			    MgmDeRegisterMProtocol(h))
				_exit(1);
			_exit(0);
		}
		EXPECT_EQ(0, wait_status(pid)) TH_LOG("child %d", i);
	}
	b.stop = 1;
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(0, b.errors);
}

/* Without the module the calls fail cleanly, and work once it is back. */
TEST(no_module_is_can_not_complete)
{
	DWORD id, comp;
	HANDLE h;
	pid_t pid;

	ASSERT_EQ(0, module_unload());
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (mgm_device_open() != -ENOENT)
			_exit(1);
		if (MgmRegisterMProtocol(&lt_config, PIM, 1, &h) != ERROR_CAN_NOT_COMPLETE ||
		    MgmGetProtocolOnInterface(1, 0, &id, &comp) != ERROR_CAN_NOT_COMPLETE ||
		    mgm_enum_start(ALL_SOURCES, &h, NULL) != -ENOENT)
			_exit(2);
		/* The module comes back: the next call opens it. */
		if (module_load(getenv("MGM_MODULE_ARGS")))
			_exit(3);
		if (MgmRegisterMProtocol(&lt_config, PIM, 1, &h) || MgmDeRegisterMProtocol(h))
			_exit(4);
		_exit(0);
	}
	EXPECT_EQ(0, wait_status(pid));
	if (access(MGM_DEV, F_OK))
		module_load(getenv("MGM_MODULE_ARGS"));
}

TEST_HARNESS_MAIN
