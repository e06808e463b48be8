// SPDX-License-Identifier: GPL-2.0
/*
 * The module and its device: /dev/mgm exists with the right type and mode,
 * files open and close (also from many threads), unknown ioctls are ENOTTY,
 * the module cannot be unloaded while a file is open, and loads and unloads
 * cleanly in a loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
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

/* A command whose result cannot be written back does nothing. */
TEST(unwritable_argument_changes_nothing)
{
	struct mgm_register reg = { .protocol_id = 90, .component_id = 1 };
	struct mgm_enum_start start = { .type = MGM_ENUM_ALL_SOURCES };
	long page = sysconf(_SC_PAGESIZE);
	struct mgm_stats st;
	char *ro;
	int fd = mgm_open_dev();

	ASSERT_LE(0, fd);
	ro = mmap(NULL, page, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(ro != MAP_FAILED);
	memcpy(ro, &reg, sizeof(reg));
	memcpy(ro + 64, &start, sizeof(start));
	ASSERT_EQ(0, mprotect(ro, page, PROT_READ));
	EXPECT_EQ(-1, ioctl(fd, MGM_IOC_REGISTER, ro));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(fd, MGM_IOC_ENUM_START, ro + 64));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(0, mgm_stats_get(fd, &st));
	EXPECT_EQ(0u, st.protocols);
	EXPECT_EQ(0u, st.cursors);
	/* The same requests from writable memory work. */
	EXPECT_EQ(0, ioctl(fd, MGM_IOC_REGISTER, &reg));
	EXPECT_EQ(0, ioctl(fd, MGM_IOC_ENUM_START, &start));
	munmap(ro, page);
	close(fd);
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
	EXPECT_EQ(1, run("dmesg | grep -E 'WARNING:|BUG:|Oops'"));
}

TEST_HARNESS_MAIN
