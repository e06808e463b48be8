// SPDX-License-Identifier: GPL-2.0
/*
 * The uapi layout as userspace sees it, built both as a 64-bit and as a
 * 32-bit program (abi_test_32): sizes and offsets must be identical on both,
 * and equal to what the module proves with BUILD_BUG_ON() in main.c. The
 * build itself is the test (static_assert); the run confirms the 32-bit
 * program reaches the module through compat_ioctl.
 */
#include <assert.h>
#include <stddef.h>
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

TEST(every_command_reaches_the_module)
{
	struct mgm_stats st;
	int fd = mgm_open_dev();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mgm_stats_get(fd, &st));
	EXPECT_EQ((uint32_t)MGM_BATCH_MAX, st.max_batch);
	EXPECT_EQ(0u, st.pad);
	close(fd);
}

TEST_HARNESS_MAIN
