// SPDX-License-Identifier: GPL-2.0
/*
 * The uapi layout as userspace sees it, built both as a 64-bit and as a
 * 32-bit program (abi_test_32): sizes and offsets must be identical on both,
 * and equal to what the module proves with BUILD_BUG_ON() in main.c. The
 * build itself is the test (static_assert); the run confirms that every
 * command of the 32-bit program reaches the module through compat_ioctl
 * with the exact reply of the 64-bit one, that a longer caller struct with
 * a non-zero tail is refused by every command and changes nothing (and
 * with a zero tail is served, the tail coming back zero), and that
 * addresses are in network byte order (contract D1). Each test runs in a
 * network namespace of its own, so that its table starts empty.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "helpers.h"

#define SIZE(t, n)	static_assert(sizeof(t) == (n), #t " size")
#define OFF(t, f, n)	static_assert(offsetof(t, f) == (n), #t "." #f " offset")

SIZE(struct mgm_register, 16);
OFF(struct mgm_register, handle, 12);
SIZE(struct mgm_deregister, 8);
SIZE(struct mgm_interface, 16);
OFF(struct mgm_interface, flags, 12);
SIZE(struct mgm_owner_query, 24);
OFF(struct mgm_owner_query, flags, 16);
OFF(struct mgm_owner_query, owners, 20);
SIZE(struct mgm_membership, 32);
OFF(struct mgm_membership, source, 8);
OFF(struct mgm_membership, group, 16);
OFF(struct mgm_membership, nexthop, 28);
SIZE(struct mgm_batch, 32);
OFF(struct mgm_batch, count, 8);
OFF(struct mgm_batch, error, 28);
SIZE(struct mgm_enum_start, 24);
OFF(struct mgm_enum_start, generation, 16);
SIZE(struct mgm_source_group, 16);
OFF(struct mgm_source_group, group_mask, 12);
SIZE(struct mgm_enum_next, 48);
OFF(struct mgm_enum_next, buffer, 8);
OFF(struct mgm_enum_next, buffer_size, 16);
OFF(struct mgm_enum_next, start_generation, 24);
OFF(struct mgm_enum_next, generation, 32);
OFF(struct mgm_enum_next, status, 40);
OFF(struct mgm_enum_next, pad, 44);
SIZE(struct mgm_enum_end, 8);
SIZE(struct mgm_stats, 72);
OFF(struct mgm_stats, max_entries, 40);
OFF(struct mgm_stats, pad, 68);
SIZE(struct mgm_member_enum_start, 48);
OFF(struct mgm_member_enum_start, flags, 0);
OFF(struct mgm_member_enum_start, cursor, 4);
OFF(struct mgm_member_enum_start, from_source, 8);
OFF(struct mgm_member_enum_start, from_group, 12);
OFF(struct mgm_member_enum_start, to_source, 16);
OFF(struct mgm_member_enum_start, to_group, 20);
OFF(struct mgm_member_enum_start, source, 24);
OFF(struct mgm_member_enum_start, ifindex, 28);
OFF(struct mgm_member_enum_start, protocol_id, 32);
OFF(struct mgm_member_enum_start, pad, 36);
OFF(struct mgm_member_enum_start, generation, 40);
SIZE(struct mgm_member_record, 40);
OFF(struct mgm_member_record, group, 8);
OFF(struct mgm_member_record, ifindex, 16);
OFF(struct mgm_member_record, nexthop, 20);
OFF(struct mgm_member_record, protocol_id, 24);
OFF(struct mgm_member_record, component_id, 28);
OFF(struct mgm_member_record, member_flags, 32);
OFF(struct mgm_member_record, reserved, 36);

/* The command numbers encode these sizes, so they match on both ABIs too. */
static_assert(MGM_IOC_ENUM_NEXT == 0xc030d60a, "MGM_IOC_ENUM_NEXT");
static_assert(MGM_IOC_STATS == 0x8048d60c, "MGM_IOC_STATS");
static_assert(MGM_IOC_ADD_MEMBERSHIP == 0x4020d606, "MGM_IOC_ADD_MEMBERSHIP");
static_assert(MGM_IOC_MEMBER_ENUM_START == 0xc030d60d, "MGM_IOC_MEMBER_ENUM_START");
static_assert(MGM_IOC_MEMBER_ENUM_NEXT == 0xc030d60e, "MGM_IOC_MEMBER_ENUM_NEXT");

/* A fresh table: a network namespace of the test's own, with a device. */
static int fresh_table(const char *dev)
{
	if (unshare(CLONE_NEWNET) || run("ip link set lo up"))
		return -errno;
	return make_dummy(dev);
}

static void expect_counts(struct __test_metadata *_metadata, int fd,
			  uint64_t entries, uint64_t memberships,
			  uint32_t protocols, uint32_t interfaces, uint32_t cursors)
{
	struct mgm_stats st;

	ASSERT_EQ(0, mgm_stats_get(fd, &st));
	EXPECT_EQ(entries, st.entries);
	EXPECT_EQ(memberships, st.memberships);
	EXPECT_EQ(protocols, st.protocols);
	EXPECT_EQ(interfaces, st.interfaces);
	EXPECT_EQ(cursors, st.cursors);
}

/* Every command, in an order where each succeeds, with its exact reply. */
TEST(every_command_reaches_the_module)
{
	struct mgm_source_group recs[4];
	struct mgm_membership batch[2];
	struct mgm_event ev;
	int fd, ifindex = fresh_table("abi0");
	uint32_t g = ip4(232, 1, 1, 1);

	ASSERT_LT(0, ifindex);
	fd = mgm_open_dev();
	ASSERT_LE(0, fd);

	struct mgm_register reg = { .protocol_id = 17, .component_id = 1, .callback_flags = 5 };
	ASSERT_EQ(0, ioctl(fd, MGM_IOC_REGISTER, &reg));
	EXPECT_NE(0u, reg.handle);
	EXPECT_EQ(17u, reg.protocol_id);

	struct mgm_interface itf = { .handle = reg.handle, .ifindex = ifindex };
	ASSERT_EQ(0, ioctl(fd, MGM_IOC_TAKE_INTERFACE, &itf));

	struct mgm_owner_query q = { .ifindex = ifindex };
	ASSERT_EQ(0, ioctl(fd, MGM_IOC_GET_OWNER, &q));
	EXPECT_EQ(17u, q.protocol_id);
	EXPECT_EQ(1u, q.component_id);
	EXPECT_EQ((uint32_t)MGM_OWNED_BY_ROUTING, q.owners);

	struct mgm_membership m = mgm_rec(reg.handle, ifindex, ip4(10, 0, 0, 1), g,
					  MGM_JOIN_STATE);
	ASSERT_EQ(0, ioctl(fd, MGM_IOC_ADD_MEMBERSHIP, &m));

	batch[0] = mgm_rec(reg.handle, ifindex, ip4(10, 0, 0, 2), g, MGM_JOIN_STATE);
	batch[1] = mgm_rec(reg.handle, ifindex, 0, g, MGM_JOIN_STATE | MGM_FORWARD_STATE);
	struct mgm_batch b = {
		.records = (uintptr_t)batch, .count = 2, .record_size = sizeof(batch[0]),
		.op = MGM_BATCH_ADD, .done = 77, .error = 77,
	};
	ASSERT_EQ(0, ioctl(fd, MGM_IOC_BATCH, &b));
	EXPECT_EQ(2u, b.done);
	EXPECT_EQ(0, b.error);

	struct mgm_enum_start es = { .type = MGM_ENUM_ALL_SOURCES };
	ASSERT_EQ(0, ioctl(fd, MGM_IOC_ENUM_START, &es));
	EXPECT_NE(0u, es.cursor);
	EXPECT_NE(0ull, (unsigned long long)es.generation);

	memset(recs, 0xa5, sizeof(recs));
	struct mgm_enum_next en = {
		.cursor = es.cursor, .buffer = (uintptr_t)recs, .buffer_size = sizeof(recs),
	};
	ASSERT_EQ(0, ioctl(fd, MGM_IOC_ENUM_NEXT, &en));
	ASSERT_EQ(3u, en.count);
	EXPECT_EQ((uint32_t)MGM_ENUM_STATUS_END, en.status);
	EXPECT_EQ(es.generation, en.start_generation);
	EXPECT_EQ(es.generation, en.generation);
	EXPECT_EQ(0u, recs[0].source);		/* (*,G) first */
	EXPECT_EQ(0u, recs[0].source_mask);
	EXPECT_EQ(ip4(10, 0, 0, 1), recs[1].source);
	EXPECT_EQ(ip4(10, 0, 0, 2), recs[2].source);
	EXPECT_EQ(g, recs[2].group);
	EXPECT_EQ(MASK32, recs[2].group_mask);
	EXPECT_EQ(0xa5a5a5a5u, recs[3].source);	/* nothing written past count */

	struct mgm_enum_end ee = { .cursor = es.cursor };
	ASSERT_EQ(0, ioctl(fd, MGM_IOC_ENUM_END, &ee));
	EXPECT_EQ(-1, ioctl(fd, MGM_IOC_ENUM_END, &ee));
	EXPECT_EQ(EINVAL, errno);

	struct mgm_member_record mrec[4];
	struct mgm_member_enum_start ms = { .flags = 0 };
	ASSERT_EQ(0, ioctl(fd, MGM_IOC_MEMBER_ENUM_START, &ms));
	EXPECT_NE(0u, ms.cursor);
	EXPECT_EQ(es.generation, ms.generation);
	memset(mrec, 0xa5, sizeof(mrec));
	struct mgm_enum_next mn = {
		.cursor = ms.cursor, .buffer = (uintptr_t)mrec, .buffer_size = sizeof(mrec),
	};
	ASSERT_EQ(0, ioctl(fd, MGM_IOC_MEMBER_ENUM_NEXT, &mn));
	ASSERT_EQ(3u, mn.count);
	EXPECT_EQ((uint32_t)MGM_ENUM_STATUS_END, mn.status);
	EXPECT_EQ(0u, mrec[0].source);		/* (*,G) first */
	EXPECT_EQ((uint32_t)(MGM_JOIN_STATE | MGM_FORWARD_STATE), mrec[0].member_flags);
	EXPECT_EQ(ip4(10, 0, 0, 2), mrec[2].source);
	EXPECT_EQ(g, mrec[2].group);
	EXPECT_EQ((uint32_t)ifindex, mrec[2].ifindex);
	EXPECT_EQ(17u, mrec[2].protocol_id);
	EXPECT_EQ(1u, mrec[2].component_id);
	EXPECT_EQ((uint32_t)MGM_JOIN_STATE, mrec[2].member_flags);
	EXPECT_EQ(0u, mrec[2].reserved);
	EXPECT_EQ(0xa5a5a5a5u, mrec[3].source);
	ee.cursor = ms.cursor;
	ASSERT_EQ(0, ioctl(fd, MGM_IOC_ENUM_END, &ee));

	expect_counts(_metadata, fd, 3, 3, 1, 1, 0);

	struct mgm_subscribe sub = { .events = MGM_SUBSCRIBE_TABLE };
	ASSERT_EQ(0, ioctl(fd, MGM_IOC_SUBSCRIBE, &sub));
	EXPECT_LT(0u, sub.queue_size);
	ASSERT_EQ(0, ioctl(fd, MGM_IOC_DELETE_MEMBERSHIP, &m));
	ASSERT_EQ((ssize_t)sizeof(ev), read(fd, &ev, sizeof(ev)));
	EXPECT_EQ((uint32_t)MGM_EVENT_TABLE, ev.type);
	EXPECT_EQ((uint32_t)MGM_EVENT_GONE, ev.flags);
	EXPECT_EQ(m.source, ev.source);
	EXPECT_EQ(g, ev.group);
	EXPECT_EQ((uint32_t)ifindex, ev.ifindex);
	EXPECT_EQ(17u, ev.protocol_id);
	EXPECT_LT(sub.generation, ev.generation);

	b.op = MGM_BATCH_DELETE;
	ASSERT_EQ(0, ioctl(fd, MGM_IOC_BATCH, &b));
	EXPECT_EQ(2u, b.done);
	ASSERT_EQ(0, ioctl(fd, MGM_IOC_RELEASE_INTERFACE, &itf));
	struct mgm_deregister dr = { .handle = reg.handle };
	ASSERT_EQ(0, ioctl(fd, MGM_IOC_DEREGISTER, &dr));
	expect_counts(_metadata, fd, 0, 0, 0, 0, 0);
	close(fd);
}

/*
 * The caller's struct 8 bytes longer than this version's, as a newer
 * program's would be: with a byte of the tail set, every command that reads
 * its argument fails with EINVAL and changes nothing; with the tail zero it
 * is served, and the tail comes back zero. STATS only writes: its tail
 * comes back zero whatever it held.
 */
#define TAIL	8

static int ioctl_tail(int fd, unsigned int cmd, void *arg, unsigned char tail_byte,
		      unsigned char *tail_out)
{
	unsigned char buf[256];
	size_t size = _IOC_SIZE(cmd);
	int ret;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, arg, size);
	buf[size + 5] = tail_byte;
	ret = ioctl(fd, _IOC(_IOC_DIR(cmd), _IOC_TYPE(cmd), _IOC_NR(cmd), size + TAIL), buf);
	ret = ret < 0 ? -errno : ret;
	memcpy(arg, buf, size);
	if (tail_out)
		memcpy(tail_out, buf + size, TAIL);
	return ret;
}

static const unsigned char zero_tail[TAIL];

/* Refused with a non-zero tail, then served with a zero one. */
#define EXPECT_TAIL(fd, cmd, arg, unchanged) do {				\
	unsigned char _t[TAIL];							\
	typeof(arg) _copy = (arg);						\
	EXPECT_EQ(-EINVAL, ioctl_tail(fd, cmd, &_copy, 0x5a, NULL)) TH_LOG(#cmd); \
	unchanged;								\
	ASSERT_EQ(0, ioctl_tail(fd, cmd, &(arg), 0, _t)) TH_LOG(#cmd);		\
	EXPECT_EQ(0, memcmp(_t, zero_tail, TAIL)) TH_LOG(#cmd);			\
} while (0)

TEST(longer_struct_with_nonzero_tail_changes_nothing)
{
	struct mgm_source_group rec;
	struct mgm_event ev;
	unsigned char t[TAIL];
	int fd, ifindex = fresh_table("abi1");
	uint32_t g = ip4(232, 1, 1, 2);
	struct mgm_stats st;

	ASSERT_LT(0, ifindex);
	fd = mgm_open_dev();
	ASSERT_LE(0, fd);

	struct mgm_register reg = { .protocol_id = 17, .component_id = 2 };
	EXPECT_TAIL(fd, MGM_IOC_REGISTER, reg, expect_counts(_metadata, fd, 0, 0, 0, 0, 0));
	EXPECT_NE(0u, reg.handle);

	struct mgm_interface itf = { .handle = reg.handle, .ifindex = ifindex };
	struct mgm_owner_query q = { .ifindex = ifindex };
	EXPECT_TAIL(fd, MGM_IOC_TAKE_INTERFACE, itf, ({
		EXPECT_EQ(-1, ioctl(fd, MGM_IOC_GET_OWNER, &q));
		EXPECT_EQ(ENOENT, errno);
	}));
	EXPECT_TAIL(fd, MGM_IOC_GET_OWNER, q, );
	EXPECT_EQ(17u, q.protocol_id);

	struct mgm_membership m = mgm_rec(reg.handle, ifindex, ip4(10, 0, 0, 1), g,
					  MGM_JOIN_STATE);
	EXPECT_TAIL(fd, MGM_IOC_ADD_MEMBERSHIP, m, expect_counts(_metadata, fd, 0, 0, 1, 1, 0));

	struct mgm_membership rec2 = mgm_rec(reg.handle, ifindex, ip4(10, 0, 0, 2), g,
					     MGM_JOIN_STATE);
	struct mgm_batch b = {
		.records = (uintptr_t)&rec2, .count = 1, .record_size = sizeof(rec2),
		.op = MGM_BATCH_ADD,
	};
	EXPECT_TAIL(fd, MGM_IOC_BATCH, b, expect_counts(_metadata, fd, 1, 1, 1, 1, 0));
	EXPECT_EQ(1u, b.done);

	struct mgm_enum_start es = { .type = MGM_ENUM_ALL_SOURCES };
	EXPECT_TAIL(fd, MGM_IOC_ENUM_START, es, expect_counts(_metadata, fd, 2, 2, 1, 1, 0));

	/* A refused ENUM_NEXT does not move the cursor. */
	struct mgm_enum_next en = {
		.cursor = es.cursor, .buffer = (uintptr_t)&rec, .buffer_size = sizeof(rec),
	};
	EXPECT_TAIL(fd, MGM_IOC_ENUM_NEXT, en, );
	EXPECT_EQ(1u, en.count);
	EXPECT_EQ(ip4(10, 0, 0, 1), rec.source);

	struct mgm_enum_end ee = { .cursor = es.cursor };
	EXPECT_TAIL(fd, MGM_IOC_ENUM_END, ee, expect_counts(_metadata, fd, 2, 2, 1, 1, 1));
	expect_counts(_metadata, fd, 2, 2, 1, 1, 0);

	struct mgm_member_enum_start ms = { .flags = 0 };
	EXPECT_TAIL(fd, MGM_IOC_MEMBER_ENUM_START, ms, expect_counts(_metadata, fd, 2, 2, 1, 1, 0));
	struct mgm_member_record mrec;
	struct mgm_enum_next mn = {
		.cursor = ms.cursor, .buffer = (uintptr_t)&mrec, .buffer_size = sizeof(mrec),
	};
	EXPECT_TAIL(fd, MGM_IOC_MEMBER_ENUM_NEXT, mn, );
	EXPECT_EQ(1u, mn.count);
	EXPECT_EQ(ip4(10, 0, 0, 1), mrec.source);	/* the first: not moved */
	ee.cursor = ms.cursor;
	ASSERT_EQ(0, ioctl(fd, MGM_IOC_ENUM_END, &ee));

	struct mgm_subscribe sub = { .events = MGM_SUBSCRIBE_TABLE };
	EXPECT_TAIL(fd, MGM_IOC_SUBSCRIBE, sub, ({
		/* Not subscribed: read() is EINVAL. */
		EXPECT_EQ(-1, read(fd, &ev, sizeof(ev)));
		EXPECT_EQ(EINVAL, errno);
	}));
	EXPECT_LT(0u, sub.queue_size);

	EXPECT_TAIL(fd, MGM_IOC_DELETE_MEMBERSHIP, m, expect_counts(_metadata, fd, 2, 2, 1, 1, 0));
	expect_counts(_metadata, fd, 1, 1, 1, 1, 0);
	ASSERT_EQ((ssize_t)sizeof(ev), read(fd, &ev, sizeof(ev)));
	EXPECT_EQ((uint32_t)MGM_EVENT_TABLE, ev.type);
	EXPECT_EQ(m.source, ev.source);

	EXPECT_TAIL(fd, MGM_IOC_RELEASE_INTERFACE, itf, expect_counts(_metadata, fd, 1, 1, 1, 1, 0));
	expect_counts(_metadata, fd, 0, 0, 1, 0, 0);

	struct mgm_deregister dr = { .handle = reg.handle };
	EXPECT_TAIL(fd, MGM_IOC_DEREGISTER, dr, expect_counts(_metadata, fd, 0, 0, 1, 0, 0));
	expect_counts(_metadata, fd, 0, 0, 0, 0, 0);

	/* Output only: the kernel never reads the tail, and zeroes it. */
	memset(&st, 0, sizeof(st));
	ASSERT_EQ(0, ioctl_tail(fd, MGM_IOC_STATS, &st, 0x5a, t));
	EXPECT_EQ(0, memcmp(t, zero_tail, TAIL));
	EXPECT_EQ((uint32_t)MGM_BATCH_MAX, st.max_batch);
	close(fd);
}

/*
 * contract D1: addresses and masks are in network byte order. Each
 * address below is valid in one byte order and not in the other, and the
 * order of two groups is the reverse of their byte-swapped order: a module
 * that read them in host order would accept the wrong ones, print other
 * addresses and sort them the other way.
 */
TEST(addresses_are_network_byte_order)
{
	struct mgm_source_group *recs = NULL;
	int fd, ifindex = fresh_table("abi2");
	uint32_t h;
	char *proc;

	ASSERT_LT(0, ifindex);
	fd = mgm_open_dev();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mgm_register_proto(fd, 17, 3, &h));
	ASSERT_EQ(0, mgm_take(fd, h, ifindex, ip4(192, 0, 2, 7)));

	/* 232.1.2.3 is multicast; its byte swap 3.2.1.232 is not. */
	EXPECT_EQ(-EINVAL, mgm_add(fd, h, ifindex, 0, ip4(3, 2, 1, 232), MGM_JOIN_STATE));
	struct mgm_membership m = mgm_rec(h, ifindex, ip4(1, 0, 0, 224), ip4(232, 1, 2, 3),
					  MGM_JOIN_STATE);
	m.nexthop = ip4(192, 0, 2, 7);
	/* Source 1.0.0.224 is unicast; 224.0.0.1 (the swap) is not. */
	EXPECT_EQ(0, ioctl(fd, MGM_IOC_ADD_MEMBERSHIP, &m));
	m.source = ip4(224, 0, 0, 1);
	EXPECT_EQ(-1, ioctl(fd, MGM_IOC_ADD_MEMBERSHIP, &m));
	EXPECT_EQ(EINVAL, errno);
	/* 232.0.0.2 < 232.1.0.1 as numbers; swapped, 2.0.0.232 > 1.0.1.232. */
	m.source = 0;
	m.source_mask = 0;
	m.group = ip4(232, 0, 0, 2);
	EXPECT_EQ(0, ioctl(fd, MGM_IOC_ADD_MEMBERSHIP, &m));
	m.group = ip4(232, 1, 0, 1);
	EXPECT_EQ(0, ioctl(fd, MGM_IOC_ADD_MEMBERSHIP, &m));

	ASSERT_EQ(3, mgm_enum_all(fd, MGM_ENUM_ALL_SOURCES, 4096, &recs));
	EXPECT_EQ(ip4(232, 0, 0, 2), recs[0].group);
	EXPECT_EQ(0u, recs[0].source);
	EXPECT_EQ(ip4(232, 1, 0, 1), recs[1].group);
	EXPECT_EQ(ip4(232, 1, 2, 3), recs[2].group);
	EXPECT_EQ(ip4(1, 0, 0, 224), recs[2].source);
	EXPECT_EQ(MASK32, recs[2].source_mask);
	free(recs);

	struct mgm_owner_query q = { .ifindex = ifindex, .nexthop = ip4(192, 0, 2, 7) };
	EXPECT_EQ(0, ioctl(fd, MGM_IOC_GET_OWNER, &q));
	q.nexthop = ip4(7, 2, 0, 192);
	EXPECT_EQ(-1, ioctl(fd, MGM_IOC_GET_OWNER, &q));
	EXPECT_EQ(ENOENT, errno);

	/* /proc/net/mgm prints them as written. */
	proc = read_file("/proc/net/mgm");
	ASSERT_TRUE(proc != NULL);
	EXPECT_TRUE(strstr(proc, "232.1.2.3       1.0.0.224       17         3          ") != NULL)
		TH_LOG("%s", proc);
	EXPECT_TRUE(strstr(proc, "192.0.2.7") != NULL) TH_LOG("%s", proc);
	{
		const char *a = strstr(proc, "232.0.0.2 "), *b = strstr(proc, "232.1.0.1 ");

		EXPECT_TRUE(a && b && a < b) TH_LOG("%s", proc);
	}
	free(proc);
	close(fd);
}

TEST_HARNESS_MAIN
