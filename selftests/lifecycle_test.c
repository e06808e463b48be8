// SPDX-License-Identifier: GPL-2.0
/*
 * Lifecycle: state goes away with what it belongs to, whatever is going on
 * at the time (contract D10, D12).
 *
 *  - A process holding MGM_LIFECYCLE_ENTRIES memberships (default 100000)
 *    and 8 cursors, with threads in the middle of walks, is killed with
 *    SIGKILL: the table is empty afterwards.
 *  - rmmod is refused (EWOULDBLOCK) while files are open and busy, and works
 *    once they are closed, also with /proc/net/mgm open, and with network
 *    namespaces alive that have no file.
 *  - A network namespace whose processes are all gone lives on while an
 *    open file of /dev/mgm holds it (as a socket does) and serves its table;
 *    closing that file dismantles it.
 *  - A network device removed while walks are in progress takes its
 *    ownerships and memberships with it; the walks see every entry that
 *    stayed exactly once, in order.
 * The kernel must not splat, and `make check-debug` runs kmemleak after the
 * module is unloaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "helpers.h"
#include "reliability.h"

/* @n memberships of @handle on @ifindex: (10.x.y.z, 232.0.g.1). */
static int add_many(int fd, uint32_t handle, int ifindex, unsigned int first,
		    unsigned int n)
{
	struct mgm_membership *recs = calloc(n ? n : 1, sizeof(*recs));
	unsigned int i, chunk;
	int ret = 0;

	if (!recs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		unsigned int k = first + i;

		recs[i] = mgm_rec(handle, ifindex,
				  ip4(10, k >> 16 & 0xff, k >> 8 & 0xff, k & 0xff),
				  ip4(232, 0, k % 64, 1), MGM_JOIN_STATE);
	}
	for (i = 0; i < n && !ret; i += chunk) {
		chunk = n - i < MGM_BATCH_MAX ? n - i : MGM_BATCH_MAX;
		ret = mgm_batch_apply(fd, MGM_BATCH_ADD, recs + i, chunk, NULL, NULL);
	}
	free(recs);
	return ret;
}

/* --- SIGKILL mid-walk ---------------------------------------------------------- */

struct walker {
	int fd;
	uint32_t cursor[4];
};

/* Walks its cursors round-robin for ever, restarting those at their end. */
static void *walk_forever(void *p)
{
	struct walker *w = p;
	struct mgm_source_group buf[32];
	struct mgm_enum_next out;
	unsigned int i;

	for (i = 0;; i = (i + 1) % 4) {
		if (mgm_enum_next_buf(w->fd, w->cursor[i], buf, sizeof(buf), &out))
			continue;
		if (out.status & MGM_ENUM_STATUS_END) {
			mgm_enum_end_id(w->fd, w->cursor[i]);
			mgm_enum_start_type(w->fd, i & 1, &w->cursor[i]);
		}
	}
	return NULL;
}

static void sigkill_child(int ready, int ifindex, unsigned int n)
{
	struct mgm_source_group buf[100];
	struct walker w[2];
	pthread_t t[2];
	uint32_t h;
	int fd, i;

	fd = mgm_open_dev();
	if (fd < 0 || mgm_register_proto(fd, MGM_PROTO_PIM, 1, &h) ||
	    mgm_take(fd, h, ifindex, 0) || add_many(fd, h, ifindex, 0, n))
		_exit(1);
	/* 8 cursors, each some way into its walk. */
	for (i = 0; i < 8; i++) {
		struct walker *wk = &w[i / 4];

		wk->fd = fd;
		if (mgm_enum_start_type(fd, i & 1, &wk->cursor[i % 4]) ||
		    mgm_enum_next_buf(fd, wk->cursor[i % 4], buf,
				      (i + 1) * 10 * MGM_REC, NULL))
			_exit(2);
	}
	for (i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, walk_forever, &w[i]))
			_exit(3);
	if (write(ready, "r", 1) != 1)
		_exit(4);
	for (;;)
		pause();
}

FIXTURE(life) {
	int if0, if1;
	unsigned int entries;
};

FIXTURE_SETUP(life)
{
	self->entries = env_ulong("MGM_LIFECYCLE_ENTRIES", 100000);
	del_link("lc0");
	del_link("lc1");
	self->if0 = make_dummy("lc0");
	ASSERT_LT(0, self->if0);
	self->if1 = make_dummy("lc1");
	ASSERT_LT(0, self->if1);
	expect_table_empty(_metadata, NULL);
}

FIXTURE_TEARDOWN(life)
{
	del_link("lc0");
	del_link("lc1");
}

TEST_F_TIMEOUT(life, sigkill_mid_walk, 1200)
{
	int ready[2], status;
	char c;
	pid_t pid;

	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(ready[0]);
		sigkill_child(ready[1], self->if0, self->entries);
	}
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1)) TH_LOG("the child could not set up");
	close(ready[0]);
	usleep(100 * 1000);	/* the walkers are at it */
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status));
	ASSERT_EQ(SIGKILL, WTERMSIG(status));
	/* Its files were released before it became a zombie. */
	expect_table_empty(_metadata, NULL);
}

/* --- rmmod while busy ---------------------------------------------------------- */

struct busy {
	int fd;
	uint32_t handle;
	int ifindex;
	atomic_bool stop;
	atomic_ulong calls, errors;
};

static void *busy_walker(void *p)
{
	struct busy *b = p;
	struct mgm_source_group buf[16];
	struct mgm_enum_next out;
	uint32_t c;

	while (!atomic_load(&b->stop)) {
		if (mgm_enum_start_type(b->fd, MGM_ENUM_ALL_SOURCES, &c)) {
			atomic_fetch_add(&b->errors, 1);
			continue;
		}
		do {
			if (mgm_enum_next_buf(b->fd, c, buf, sizeof(buf), &out)) {
				atomic_fetch_add(&b->errors, 1);
				break;
			}
			atomic_fetch_add(&b->calls, 1);
		} while (!(out.status & MGM_ENUM_STATUS_END) && !atomic_load(&b->stop));
		if (mgm_enum_end_id(b->fd, c))
			atomic_fetch_add(&b->errors, 1);
	}
	return NULL;
}

static void *busy_writer(void *p)
{
	struct busy *b = p;
	unsigned int i = 0;

	while (!atomic_load(&b->stop)) {
		uint32_t src = ip4(10, 9, i >> 8 & 0xff, i & 0xff);

		if (mgm_add(b->fd, b->handle, b->ifindex, src, ip4(232, 9, 9, 9),
			    MGM_JOIN_STATE) ||
		    mgm_del(b->fd, b->handle, b->ifindex, src, ip4(232, 9, 9, 9),
			    MGM_JOIN_STATE))
			atomic_fetch_add(&b->errors, 1);
		atomic_fetch_add(&b->calls, 2);
		i = (i + 1) % 4096;
	}
	return NULL;
}

TEST_F_TIMEOUT(life, rmmod_refused_while_busy, 600)
{
	struct busy b = {};
	pthread_t t[3];
	int i, refused = 0, other;

	b.fd = mgm_open_dev();
	ASSERT_LE(0, b.fd);
	b.ifindex = self->if0;
	ASSERT_EQ(0, mgm_register_proto(b.fd, MGM_PROTO_PIM, 1, &b.handle));
	ASSERT_EQ(0, mgm_take(b.fd, b.handle, b.ifindex, 0));
	ASSERT_EQ(0, add_many(b.fd, b.handle, b.ifindex, 0, 2000));
	ASSERT_EQ(0, pthread_create(&t[0], NULL, busy_walker, &b));
	ASSERT_EQ(0, pthread_create(&t[1], NULL, busy_walker, &b));
	ASSERT_EQ(0, pthread_create(&t[2], NULL, busy_writer, &b));

	for (i = 0; i < 200; i++) {
		/* Files opening and closing meanwhile, too. */
		other = mgm_open_dev();
		EXPECT_LE(0, other);
		EXPECT_EQ(-EWOULDBLOCK, module_unload()) TH_LOG("attempt %d", i);
		close(other);
		EXPECT_EQ(-EWOULDBLOCK, module_unload()) TH_LOG("attempt %d", i);
		if (!_metadata->passed)
			break;
		refused += 2;
		usleep(1000);
	}
	atomic_store(&b.stop, true);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, pthread_join(t[i], NULL));
	ksft_print_msg("rmmod refused %d times during %lu calls\n", refused,
		       atomic_load(&b.calls));
	EXPECT_EQ(0ul, atomic_load(&b.errors));
	EXPECT_LT(0ul, atomic_load(&b.calls));

	/* Closed: it unloads, the device goes, and it comes back empty. */
	ASSERT_EQ(0, close(b.fd));
	ASSERT_EQ(0, module_unload());
	EXPECT_EQ(-1, access(MGM_DEV, F_OK));
	ASSERT_EQ(0, module_load(getenv("MGM_MODULE_ARGS")));
	expect_table_empty(_metadata, NULL);
}

/*
 * /proc/net/mgm does not pin the module: rmmod works with it open, in the
 * middle of a read, and later reads of it fail instead of running code that
 * is gone.
 */
TEST_F_TIMEOUT(life, rmmod_with_proc_open, 600)
{
	char buf[512];
	uint32_t h;
	int fd, proc;

	fd = mgm_open_dev();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mgm_register_proto(fd, MGM_PROTO_PIM, 1, &h));
	ASSERT_EQ(0, mgm_take(fd, h, self->if0, 0));
	ASSERT_EQ(0, add_many(fd, h, self->if0, 0, 1000));
	proc = open("/proc/net/mgm", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, proc);
	ASSERT_EQ((ssize_t)sizeof(buf), read(proc, buf, sizeof(buf)));
	ASSERT_EQ(0, close(fd));

	ASSERT_EQ(0, module_unload());
	EXPECT_GE(0, read(proc, buf, sizeof(buf)));
	EXPECT_EQ(0, close(proc));
	ASSERT_EQ(0, module_load(getenv("MGM_MODULE_ARGS")));
	expect_table_empty(_metadata, NULL);
}

/* --- network namespaces ------------------------------------------------------- */

static int send_fd(int sock, int fd)
{
	char data = 'f';
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	memset(&u, 0, sizeof(u));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -errno;
}

static int recv_fd(int sock)
{
	char data;
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -errno;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -EBADMSG;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/*
 * In a new network namespace with a dummy device: a file with a protocol,
 * the device, @n memberships and a cursor half way, sent over @sock. Then,
 * with @linger, waits for a byte on @sock and deletes the device.
 */
static void netns_child(int sock, unsigned int n, bool linger)
{
	struct mgm_source_group buf[10];
	uint32_t h, c;
	int fd, ifindex;
	char byte;

	if (unshare(CLONE_NEWNET) || run("ip link set lo up"))
		_exit(1);
	ifindex = make_dummy("ns0");
	fd = mgm_open_dev();
	if (ifindex < 0 || fd < 0 ||
	    mgm_register_proto(fd, MGM_PROTO_PIM, 1, &h) ||
	    mgm_take(fd, h, ifindex, 0) || add_many(fd, h, ifindex, 0, n) ||
	    mgm_enum_start_type(fd, MGM_ENUM_ALL_SOURCES, &c) ||
	    mgm_enum_next_buf(fd, c, buf, sizeof(buf), NULL) ||
	    send_fd(sock, fd))
		_exit(2);
	if (linger) {
		if (read(sock, &byte, 1) != 1 || del_link("ns0"))
			_exit(3);
		if (write(sock, "d", 1) != 1)
			_exit(4);
	}
	_exit(0);
}

TEST_F_TIMEOUT(life, netns_outlived_by_its_file, 600)
{
	struct mgm_source_group buf[64];
	struct mgm_enum_next out;
	struct table_view v;
	unsigned int n = 1000, seen = 0;
	int sv[2], fd, status;
	uint32_t c;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		netns_child(sv[1], n, false);
	fd = recv_fd(sv[0]);
	ASSERT_LE(0, fd);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, status);

	/* Nobody is in that namespace any more; the file still serves it. */
	ASSERT_EQ(0, table_view_get(fd, &v));
	EXPECT_EQ((unsigned long long)n, (unsigned long long)v.stats.entries);
	EXPECT_EQ(1u, v.stats.protocols);
	EXPECT_EQ(1u, v.stats.cursors);
	EXPECT_EQ((long)n, v.n_all);
	table_view_free(&v);
	ASSERT_EQ(0, mgm_enum_start_type(fd, MGM_ENUM_ALL_SOURCES, &c));
	do {
		ASSERT_EQ(0, mgm_enum_next_buf(fd, c, buf, sizeof(buf), &out));
		seen += out.count;
	} while (!(out.status & MGM_ENUM_STATUS_END));
	EXPECT_EQ(n, seen);
	/* And this namespace's table never saw any of it. */
	expect_table_empty(_metadata, NULL);

	/* The last reference: the namespace is dismantled (asynchronously). */
	ASSERT_EQ(0, close(fd));
	close(sv[0]);
	close(sv[1]);
	usleep(500 * 1000);
	expect_table_empty(_metadata, NULL);
}

/* The device goes while the file is held outside the namespace. */
TEST_F_TIMEOUT(life, netns_device_deleted_under_a_held_file, 600)
{
	struct mgm_stats st;
	int sv[2], fd, status;
	uint32_t n = 500;
	char byte;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		netns_child(sv[1], n, true);
	fd = recv_fd(sv[0]);
	ASSERT_LE(0, fd);
	ASSERT_EQ(1, write(sv[0], "x", 1));
	ASSERT_EQ(1, read(sv[0], &byte, 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, status);

	/* The ownership and its memberships went with the device. */
	ASSERT_EQ(0, mgm_stats_get(fd, &st));
	EXPECT_EQ(0ull, (unsigned long long)st.entries);
	EXPECT_EQ(0ull, (unsigned long long)st.memberships);
	EXPECT_EQ(0u, st.interfaces);
	EXPECT_EQ(1u, st.protocols);
	/* The protocol owns nothing now: it deregisters. */
	EXPECT_EQ(0, mgm_deregister_proto(fd, 1));
	ASSERT_EQ(0, close(fd));
	close(sv[0]);
	close(sv[1]);
}

/*
 * rmmod while namespaces exist that no file uses (a process sits in one):
 * their per-namespace state goes with the module; loading it again sets
 * it up for namespaces that already exist.
 */
TEST_F_TIMEOUT(life, rmmod_with_live_namespaces, 600)
{
	int go[2], back[2], status;
	char byte;
	pid_t pid;

	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(back));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd;

		if (unshare(CLONE_NEWNET))
			_exit(1);
		fd = mgm_open_dev();	/* use it once, then let go */
		if (fd < 0 || close(fd) || write(back[1], "u", 1) != 1)
			_exit(2);
		/* Wait while the module goes and comes back. */
		if (read(go[0], &byte, 1) != 1)
			_exit(3);
		fd = mgm_open_dev();
		if (fd < 0)
			_exit(4);
		{
			struct mgm_stats st;

			if (mgm_stats_get(fd, &st) || st.entries || st.protocols)
				_exit(5);
		}
		if (access("/proc/net/mgm", R_OK))
			_exit(6);
		close(fd);
		_exit(0);
	}
	ASSERT_EQ(1, read(back[0], &byte, 1));
	ASSERT_EQ(0, module_unload());
	ASSERT_EQ(0, module_load(getenv("MGM_MODULE_ARGS")));
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	expect_table_empty(_metadata, NULL);
}

/* --- a device removed during walks ------------------------------------------------ */

struct dwalk {
	int fd;
	atomic_bool stop;
	atomic_ulong walks, records, bad;
	uint64_t stable_lo, stable_hi;	/* keys of entries that stay */
	unsigned long stable;		/* how many */
};

/*
 * Whole walks, 7 records per call: strictly ascending, and every entry that
 * stays (in [stable_lo, stable_hi] with an even source) exactly once.
 */
static void *device_walker(void *p)
{
	struct dwalk *d = p;
	struct mgm_source_group buf[7];
	struct mgm_enum_next out;
	unsigned long stable;
	uint64_t last, key;
	uint32_t c, i;
	bool first;

	while (!atomic_load(&d->stop)) {
		if (mgm_enum_start_type(d->fd, MGM_ENUM_ALL_SOURCES, &c)) {
			atomic_fetch_add(&d->bad, 1);
			break;
		}
		stable = 0;
		first = true;
		last = 0;
		do {
			if (mgm_enum_next_buf(d->fd, c, buf, sizeof(buf), &out)) {
				atomic_fetch_add(&d->bad, 1);
				break;
			}
			for (i = 0; i < out.count; i++) {
				key = rec_key(&buf[i]);
				if (!first && key <= last)
					atomic_fetch_add(&d->bad, 1);
				first = false;
				last = key;
				if (!(key & 1))
					stable++;
			}
			atomic_fetch_add(&d->records, out.count);
		} while (!(out.status & MGM_ENUM_STATUS_END));
		mgm_enum_end_id(d->fd, c);
		if (stable != d->stable)
			atomic_fetch_add(&d->bad, 1);
		atomic_fetch_add(&d->walks, 1);
	}
	return NULL;
}

TEST_F_TIMEOUT(life, device_removed_during_walks, 900)
{
	unsigned int i, n = self->entries < 20000 ? self->entries : 20000;
	struct mgm_membership *recs;
	struct dwalk d = {};
	struct table_view v;
	unsigned long walks;
	pthread_t t[2];
	char why[256];
	uint32_t h;

	d.fd = mgm_open_dev();
	ASSERT_LE(0, d.fd);
	ASSERT_EQ(0, mgm_register_proto(d.fd, MGM_PROTO_PIM, 1, &h));
	ASSERT_EQ(0, mgm_take(d.fd, h, self->if0, 0));
	ASSERT_EQ(0, mgm_take(d.fd, h, self->if1, 0));
	/*
	 * Even sources on lc1 (they stay), odd ones on lc0 (they go); every
	 * 8th even one has a second membership on lc0.
	 */
	recs = calloc(n, sizeof(*recs));
	ASSERT_NE(NULL, recs);
	for (i = 0; i < n; i++)
		recs[i] = mgm_rec(h, i & 1 ? self->if0 : self->if1,
				  ip4(10, 1, i >> 8 & 0xff, i & 0xff),
				  ip4(232, 1, i >> 16 & 0xff, 1), MGM_JOIN_STATE);
	ASSERT_EQ(0, mgm_batch_apply(d.fd, MGM_BATCH_ADD, recs, n, NULL, NULL));
	for (i = 0; i < n; i += 16)
		recs[i].ifindex = self->if0;
	for (i = 0; i < n; i += 16)
		ASSERT_EQ(0, ioctl(d.fd, MGM_IOC_ADD_MEMBERSHIP, &recs[i]));
	free(recs);
	d.stable = (n + 1) / 2;

	ASSERT_EQ(0, pthread_create(&t[0], NULL, device_walker, &d));
	ASSERT_EQ(0, pthread_create(&t[1], NULL, device_walker, &d));
	while (atomic_load(&d.records) < n / 4)
		usleep(1000);
	ASSERT_EQ(0, del_link("lc0"));
	walks = atomic_load(&d.walks);
	while (atomic_load(&d.walks) < walks + 4)	/* whole walks after it */
		usleep(10000);
	atomic_store(&d.stop, true);
	ASSERT_EQ(0, pthread_join(t[0], NULL));
	ASSERT_EQ(0, pthread_join(t[1], NULL));
	ksft_print_msg("%lu walks, %lu records while lc0 went away\n",
		       atomic_load(&d.walks), atomic_load(&d.records));
	EXPECT_EQ(0ul, atomic_load(&d.bad));

	ASSERT_EQ(0, table_view_get(d.fd, &v));
	EXPECT_TRUE(table_view_consistent(&v, why, sizeof(why))) TH_LOG("%s", why);
	EXPECT_EQ((unsigned long long)d.stable, (unsigned long long)v.stats.entries);
	EXPECT_EQ((unsigned long long)d.stable,
		  (unsigned long long)v.stats.memberships);
	EXPECT_EQ(1u, v.stats.interfaces);
	table_view_free(&v);
	/* Its ownership is gone: releasing it is EINVAL, taking it ENODEV. */
	EXPECT_EQ(-EINVAL, mgm_release(d.fd, h, self->if0, 0));
	EXPECT_EQ(-ENODEV, mgm_take(d.fd, h, self->if0, 0));
	ASSERT_EQ(0, close(d.fd));
	expect_table_empty(_metadata, NULL);
}

TEST_HARNESS_MAIN
