// SPDX-License-Identifier: GPL-2.0
/*
 * The module and its device: /dev/mgm exists with the right type and mode,
 * files open and close (also from many threads), unknown ioctls are ENOTTY,
 * arguments that cannot be read or written back fail with EFAULT and change
 * nothing, the module cannot be unloaded while a file is open, and loads
 * and unloads in a loop with nothing in the kernel log, and it loads on
 * demand when a node of its fixed minor is opened.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "helpers.h"

TEST(device_node)
{
	struct stat st;

	ASSERT_EQ(0, stat(MGM_DEV, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600u, st.st_mode & 07777);
	ASSERT_EQ(0, access("/sys/module/mgm", F_OK));
	ASSERT_EQ(0, access("/sys/class/misc/mgm", F_OK));
}

TEST(module_parameters_read_only)
{
	static const char * const params[] = {
		"max_entries", "max_memberships", "max_protocols",
		"max_interfaces", "max_cursors",
	};
	char path[128];
	struct stat st;
	unsigned int i;

	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		snprintf(path, sizeof(path), "/sys/module/mgm/parameters/%s",
			 params[i]);
		ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s", path);
		EXPECT_EQ(0444u, st.st_mode & 0777) TH_LOG("%s", path);
	}
}

TEST(open_close_loop)
{
	int i, fd;

	for (i = 0; i < 2000; i++) {
		fd = open(MGM_DEV, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, close(fd));
	}
}

static void *open_close_thread(void *arg)
{
	long fails = 0;
	int i, fd;

	(void)arg;
	for (i = 0; i < 500; i++) {
		fd = open(MGM_DEV, O_RDWR | O_CLOEXEC);
		if (fd < 0 || close(fd))
			fails++;
	}
	return (void *)fails;
}

TEST(open_close_threads)
{
	pthread_t threads[16];
	void *fails;
	int i;

	for (i = 0; i < 16; i++)
		ASSERT_EQ(0, pthread_create(&threads[i], NULL,
					    open_close_thread, NULL));
	for (i = 0; i < 16; i++) {
		ASSERT_EQ(0, pthread_join(threads[i], &fails));
		EXPECT_EQ(NULL, fails);
	}
}

TEST(unknown_ioctls_are_enotty)
{
	struct mgm_stats stats;
	char buf[64] = {};
	int fd = mgm_open_dev();

	ASSERT_LE(0, fd);
	/* Another driver's magic. */
	EXPECT_EQ(-1, ioctl(fd, _IOR('T', 0x01, int), buf));
	EXPECT_EQ(ENOTTY, errno);
	/* Our magic, numbers no command uses. */
	EXPECT_EQ(-1, ioctl(fd, _IO(MGM_IOC_MAGIC, 0x00)));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(fd, _IOWR(MGM_IOC_MAGIC, 0x0F, struct mgm_stats), buf));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(fd, _IOWR(MGM_IOC_MAGIC, 0xFF, struct mgm_stats), buf));
	EXPECT_EQ(ENOTTY, errno);
	/* A known number with the wrong direction. */
	EXPECT_EQ(-1, ioctl(fd, _IOW(MGM_IOC_MAGIC, 0x0C, struct mgm_stats), &stats));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(fd, _IO(MGM_IOC_MAGIC, 0x0C)));
	EXPECT_EQ(ENOTTY, errno);
	/* Plain file ioctls the device does not implement. */
	EXPECT_EQ(-1, ioctl(fd, FIONREAD, buf));
	EXPECT_EQ(ENOTTY, errno);
	close(fd);
}

TEST(struct_size_rules)
{
	struct { struct mgm_stats s; uint64_t extra; } big;
	struct mgm_enum_end end = {};
	char small[8];
	int fd = mgm_open_dev();

	ASSERT_LE(0, fd);
	/* Shorter than the first published struct. */
	EXPECT_EQ(-1, ioctl(fd, _IOR(MGM_IOC_MAGIC, 0x0C, small), small));
	EXPECT_EQ(EINVAL, errno);
	/*
	 * Longer: fine for an output-only struct; the fields this module
	 * does not know come back as zero, so the caller can tell.
	 */
	memset(&big, 0xa5, sizeof(big));
	EXPECT_EQ(0, ioctl(fd, _IOR(MGM_IOC_MAGIC, 0x0C, big), &big));
	EXPECT_EQ(0ull, big.extra);
	EXPECT_EQ((uint32_t)MGM_BATCH_MAX, big.s.max_batch);
	/* Longer input: unknown trailing fields must be zero. */
	struct { struct mgm_enum_end e; uint32_t extra; } endx = { end, 1 };
	EXPECT_EQ(-1, ioctl(fd, _IOW(MGM_IOC_MAGIC, 0x0B, endx), &endx));
	EXPECT_EQ(EINVAL, errno);
	endx.extra = 0;
	endx.e.cursor = 12345;	/* zero tail accepted: reaches the handler */
	EXPECT_EQ(-1, ioctl(fd, _IOW(MGM_IOC_MAGIC, 0x0B, endx), &endx));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

TEST(bad_argument_pointer)
{
	int fd = mgm_open_dev();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, ioctl(fd, MGM_IOC_STATS, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(fd, MGM_IOC_ENUM_START, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
}

/*
 * A command whose result cannot be written back does nothing (uapi): from
 * a read-only page, every command that replies in its struct fails with
 * EFAULT, and no protocol, cursor or membership is left behind.
 */
TEST(unwritable_argument_changes_nothing)
{
	struct mgm_register reg = { .protocol_id = 90, .component_id = 1 };
	struct mgm_enum_start start = { .type = MGM_ENUM_ALL_SOURCES };
	long page = sysconf(_SC_PAGESIZE);
	struct mgm_membership recs[2];
	struct mgm_owner_query q;
	struct mgm_batch b;
	struct mgm_stats st;
	int fd = mgm_open_dev(), ifindex = make_dummy("dv0");
	uint32_t h;
	char *ro;

	ASSERT_LE(0, fd);
	ASSERT_LT(0, ifindex);
	ASSERT_EQ(0, mgm_register_proto(fd, 91, 1, &h));
	ASSERT_EQ(0, mgm_take(fd, h, ifindex, 0));
	recs[0] = mgm_rec(h, ifindex, ip4(10, 0, 0, 1), ip4(232, 9, 9, 9), MGM_JOIN_STATE);
	recs[1] = mgm_rec(h, ifindex, 0, ip4(232, 9, 9, 9), MGM_JOIN_STATE);
	b = (struct mgm_batch){
		.records = (uintptr_t)recs, .count = 2, .record_size = sizeof(recs[0]),
		.op = MGM_BATCH_ADD,
	};
	q = (struct mgm_owner_query){ .ifindex = ifindex };
	ro = mmap(NULL, page, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(ro != MAP_FAILED);
	memcpy(ro, &reg, sizeof(reg));
	memcpy(ro + 64, &start, sizeof(start));
	memcpy(ro + 128, &q, sizeof(q));
	memcpy(ro + 192, &b, sizeof(b));
	ASSERT_EQ(0, mprotect(ro, page, PROT_READ));
	EXPECT_EQ(-1, ioctl(fd, MGM_IOC_REGISTER, ro));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(fd, MGM_IOC_ENUM_START, ro + 64));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(fd, MGM_IOC_GET_OWNER, ro + 128));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(fd, MGM_IOC_BATCH, ro + 192));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(0, mgm_stats_get(fd, &st));
	EXPECT_EQ(1u, st.protocols);
	EXPECT_EQ(0u, st.cursors);
	EXPECT_EQ(0ull, (unsigned long long)st.memberships);
	/* The same requests from writable memory work. */
	EXPECT_EQ(0, ioctl(fd, MGM_IOC_REGISTER, &reg));
	EXPECT_EQ(0, ioctl(fd, MGM_IOC_ENUM_START, &start));
	EXPECT_EQ(0, ioctl(fd, MGM_IOC_GET_OWNER, &q));
	EXPECT_EQ(91u, q.protocol_id);
	EXPECT_EQ(0, ioctl(fd, MGM_IOC_BATCH, &b));
	EXPECT_EQ(2u, b.done);
	ASSERT_EQ(0, mgm_stats_get(fd, &st));
	EXPECT_EQ(2ull, (unsigned long long)st.memberships);
	munmap(ro, page);
	close(fd);
	del_link("dv0");
}

/* These change the loaded module: they restore it before returning. */
TEST(rmmod_refused_while_open)
{
	int fd = mgm_open_dev();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EWOULDBLOCK, module_unload());
	ASSERT_EQ(0, access(MGM_DEV, F_OK));
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, module_unload());
	EXPECT_EQ(-1, access("/sys/module/mgm", F_OK));
	EXPECT_EQ(-1, access(MGM_DEV, F_OK));
	ASSERT_EQ(0, module_load(getenv("MGM_MODULE_ARGS")));
	ASSERT_EQ(0, access(MGM_DEV, F_OK));
}

/*
 * The kernel log holds no splat. Read with syslog(2) itself, so that a log
 * that cannot be read fails the test instead of looking clean.
 */
#define SYSLOG_READ_ALL		3	/* syslog(2) actions */
#define SYSLOG_SIZE_BUFFER	10

static void expect_clean_log(struct __test_metadata *_metadata)
{
	static const char *const splats[] = { "WARNING:", "BUG:", "Oops" };
	static const char mark[] = "<6>mgm device_test: the log is read here\n";
	int len = klogctl(SYSLOG_SIZE_BUFFER, NULL, 0);
	unsigned int i;
	char *buf;
	int n, kmsg;

	ASSERT_LT(0, len);
	kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, kmsg);
	ASSERT_EQ((ssize_t)strlen(mark), write(kmsg, mark, strlen(mark)));
	close(kmsg);
	buf = calloc(1, len + 1);
	ASSERT_NE(NULL, buf);
	n = klogctl(SYSLOG_READ_ALL, buf, len);
	ASSERT_LT(0, n) TH_LOG("syslog(READ_ALL): %s", strerror(errno));
	buf[n] = 0;
	/* The line just written is in it: the log is the live one. */
	EXPECT_NE(NULL, strstr(buf, "mgm device_test: the log is read here"))
		TH_LOG("the mark is not in %d bytes of log", n);
	for (i = 0; i < sizeof(splats) / sizeof(splats[0]); i++) {
		const char *hit = strstr(buf, splats[i]);

		EXPECT_EQ(NULL, hit) TH_LOG("in the kernel log: %.100s", hit ? hit : "");
	}
	free(buf);
}

TEST(load_unload_loop)
{
	int i, fd;

	for (i = 0; i < 20; i++) {
		ASSERT_EQ(0, module_unload()) TH_LOG("round %d", i);
		ASSERT_EQ(0, module_load(getenv("MGM_MODULE_ARGS")));
		fd = mgm_open_dev();
		ASSERT_LE(0, fd);
		close(fd);
	}
	expect_clean_log(_metadata);
}

/*
 * On demand loading (docs/uapi.md): with the module unloaded, opening a node
 * of its fixed misc minor (the node kmod's static-nodes makes at boot from
 * depmod's modules.devname) makes the kernel run modprobe for
 * char-major-10-MINOR, which the module's alias answers. Set up as a
 * system has it: the module under /lib/modules/RELEASE/extra, depmod run
 * (busybox's in the guest), the kernel's modprobe path pointing at it.
 */
#define MGM_FIXED_MINOR		250u

TEST(opening_the_node_loads_the_module)
{
	unsigned int major = 0, minor = 0;
	struct mgm_stats st;
	struct utsname u;
	char *dev, *modprobe, path[300];
	int fd, had_dir;

	dev = read_file("/sys/class/misc/mgm/dev");
	ASSERT_NE(NULL, dev);
	ASSERT_EQ(2, sscanf(dev, "%u:%u", &major, &minor));
	free(dev);
	EXPECT_EQ(10u, major);
	EXPECT_EQ(MGM_FIXED_MINOR, minor);
	ASSERT_EQ(0, uname(&u));
	ASSERT_NE(NULL, getenv("MGM_KO"));
	snprintf(path, sizeof(path), "/lib/modules/%s", u.release);
	had_dir = !access(path, F_OK);
	modprobe = read_file("/proc/sys/kernel/modprobe");
	ASSERT_NE(NULL, modprobe);
	ASSERT_EQ(0, run("mkdir -p /lib/modules/%s/extra && cp \"$MGM_KO\" /lib/modules/%s/extra/mgm.ko && depmod %s",
			 u.release, u.release, u.release));
	ASSERT_EQ(0, run("grep -q '^alias char-major-10-%u mgm$' /lib/modules/%s/modules.alias",
			 minor, u.release));
	ASSERT_EQ(0, run("{ which modprobe >/proc/sys/kernel/modprobe; }"));
	unlink("/tmp/mgm-node");
	ASSERT_EQ(0, mknod("/tmp/mgm-node", S_IFCHR | 0600, makedev(major, minor)));

	ASSERT_EQ(0, module_unload());
	ASSERT_NE(0, access("/sys/module/mgm", F_OK));
	fd = open("/tmp/mgm-node", O_RDWR | O_CLOEXEC);
	EXPECT_LE(0, fd) TH_LOG("open: %s", strerror(errno));
	EXPECT_EQ(0, access("/sys/module/mgm", F_OK));
	if (fd >= 0) {
		EXPECT_EQ(0, mgm_stats_get(fd, &st));
		EXPECT_EQ(0u, st.entries);
		close(fd);
	}
	unlink("/tmp/mgm-node");
	if (had_dir)
		run("rm -f %s/extra/mgm.ko && depmod %s", path, u.release);
	else
		run("rm -rf %s", path);
	run("{ printf %%s '%s' >/proc/sys/kernel/modprobe; }", modprobe);
	free(modprobe);
	/* Back to the module and arguments vm-run loaded. */
	EXPECT_EQ(0, module_reload(NULL));
}

TEST_HARNESS_MAIN
