// SPDX-License-Identifier: GPL-2.0
/*
 * libmgm: memberships through MgmAddGroupMembershipEntry,
 * MgmDeleteGroupMembershipEntry and the batched mgm_add_memberships() /
 * mgm_delete_memberships(): contract D2 validation, D3 semantics, D4 ownership,
 * limits. Each invalid form changes one field of a valid request.
 */
#include <errno.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "lib_test.h"

FIXTURE(member) {
	HANDLE proto;	/* a routing protocol owning lm0 */
	int ifindex;	/* lm0 */
	int ifindex2;	/* lm1, not owned */
};

FIXTURE_SETUP(member)
{
	self->ifindex = make_dummy("lm0");
	ASSERT_LT(0, self->ifindex);
	self->ifindex2 = make_dummy("lm1");
	ASSERT_LT(0, self->ifindex2);
	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 1, &self->proto));
	ASSERT_EQ(NO_ERROR, MgmTakeInterfaceOwnership(self->proto, self->ifindex, 0));
}

FIXTURE_TEARDOWN(member)
{
	del_link("lm0");
	del_link("lm1");
}

/* The table, as ALL_SOURCES lists it, is exactly @want. */
static int table_is(HANDLE proto, const SOURCE_GROUP_ENTRY *want, long n)
{
	SOURCE_GROUP_ENTRY *got;
	long count = lt_enum_all(proto, ALL_SOURCES, 4096, &got);
	int same;

	if (count != n) {
		if (count >= 0)
			free(got);
		return 0;
	}
	same = !n || !memcmp(got, want, n * sizeof(*want));
	free(got);
	return same;
}

TEST_F(member, add_the_three_forms)
{
	/* Ascending (group, source): (*,*), (*,G1), (S1,G1). */
	SOURCE_GROUP_ENTRY want[] = {
		lt_entry(0, 0), lt_entry(0, G1), lt_entry(S1, G1),
	};

	EXPECT_EQ(NO_ERROR, lt_add(self->proto, self->ifindex, S1, G1, JOIN));
	EXPECT_EQ(NO_ERROR, lt_add(self->proto, self->ifindex, 0, G1, JOIN));
	EXPECT_EQ(NO_ERROR, lt_add(self->proto, self->ifindex, 0, 0, JOIN));
	EXPECT_TRUE(table_is(self->proto, want, 3));
}

TEST_F(member, add_twice_is_a_noop_delete_missing_is_not_found)
{
	SOURCE_GROUP_ENTRY want[] = { lt_entry(S1, G1) };

	EXPECT_EQ(NO_ERROR, lt_add(self->proto, self->ifindex, S1, G1, JOIN));
	EXPECT_EQ(NO_ERROR, lt_add(self->proto, self->ifindex, S1, G1, JOIN));
	EXPECT_TRUE(table_is(self->proto, want, 1));
	EXPECT_EQ(NO_ERROR, lt_del(self->proto, self->ifindex, S1, G1, JOIN));
	EXPECT_TRUE(table_is(self->proto, NULL, 0));
	EXPECT_EQ(ERROR_NOT_FOUND, lt_del(self->proto, self->ifindex, S1, G1, JOIN));
	EXPECT_EQ(ERROR_NOT_FOUND, lt_del(self->proto, self->ifindex, S2, G2, JOIN));
}

TEST_F(member, forward_state_alone_is_not_listed)
{
	SOURCE_GROUP_ENTRY want[] = { lt_entry(0, G1) };

	EXPECT_EQ(NO_ERROR, lt_add(self->proto, self->ifindex, 0, G1, FWD));
	EXPECT_TRUE(table_is(self->proto, NULL, 0));
	EXPECT_EQ(NO_ERROR, lt_add(self->proto, self->ifindex, 0, G1, JOIN));
	EXPECT_TRUE(table_is(self->proto, want, 1));
	/* Clearing join leaves the forward state: listed no more. */
	EXPECT_EQ(NO_ERROR, lt_del(self->proto, self->ifindex, 0, G1, JOIN));
	EXPECT_TRUE(table_is(self->proto, NULL, 0));
	EXPECT_EQ(ERROR_NOT_FOUND, lt_del(self->proto, self->ifindex, 0, G1, JOIN));
	EXPECT_EQ(NO_ERROR, lt_del(self->proto, self->ifindex, 0, G1, FWD));
	EXPECT_EQ(ERROR_NOT_FOUND, lt_del(self->proto, self->ifindex, 0, G1, FWD));
}

TEST_F(member, flags_must_be_join_or_forward)
{
	EXPECT_EQ(ERROR_INVALID_PARAMETER, lt_add(self->proto, self->ifindex, S1, G1, 0));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, lt_add(self->proto, self->ifindex, S1, G1, 4));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, lt_add(self->proto, self->ifindex, S1, G1, JOIN | 0x80000000u));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, lt_del(self->proto, self->ifindex, S1, G1, 0));
	EXPECT_EQ(NO_ERROR, lt_add(self->proto, self->ifindex, S1, G1, JOIN | FWD));
}

/* contract D2, one field of a valid (S1, G1) at a time. */
TEST_F(member, invalid_forms)
{
	HANDLE h = self->proto;
	DWORD i = self->ifindex;

	/* Group not multicast, group range, group address without mask. */
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmAddGroupMembershipEntry(h, S1, MASK32, ip4(10, 1, 1, 1), MASK32, i, 0, JOIN));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmAddGroupMembershipEntry(h, S1, MASK32, G1, htonl(0xffffff00), i, 0, JOIN));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmAddGroupMembershipEntry(h, 0, 0, G1, 0, i, 0, JOIN));
	/* Zero group with a mask; (S,*). */
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmAddGroupMembershipEntry(h, 0, 0, 0, MASK32, i, 0, JOIN));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmAddGroupMembershipEntry(h, S1, MASK32, 0, 0, i, 0, JOIN));
	/* Source range, zero source with a mask, source without mask. */
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmAddGroupMembershipEntry(h, S1, htonl(0xffffff00), G1, MASK32, i, 0, JOIN));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmAddGroupMembershipEntry(h, 0, MASK32, G1, MASK32, i, 0, JOIN));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmAddGroupMembershipEntry(h, S1, 0, G1, MASK32, i, 0, JOIN));
	/* A multicast source. */
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmAddGroupMembershipEntry(h, G2, MASK32, G1, MASK32, i, 0, JOIN));
	/* Deletes validate the same way. */
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmDeleteGroupMembershipEntry(h, S1, MASK32, ip4(10, 1, 1, 1), MASK32, i, 0, JOIN));
	/* The valid one. */
	EXPECT_EQ(NO_ERROR, MgmAddGroupMembershipEntry(h, S1, MASK32, G1, MASK32, i, 0, JOIN));
	EXPECT_TRUE(table_is(h, (SOURCE_GROUP_ENTRY[]){ lt_entry(S1, G1) }, 1));
}

TEST_F(member, needs_an_owned_interface)
{
	HANDLE other;

	/* Not owned at all; owned but other next hop; owned by another. */
	EXPECT_EQ(ERROR_INVALID_PARAMETER, lt_add(self->proto, self->ifindex2, S1, G1, JOIN));
	EXPECT_EQ(ERROR_INVALID_PARAMETER,
		  MgmAddGroupMembershipEntry(self->proto, S1, MASK32, G1, MASK32, self->ifindex, ip4(10, 9, 9, 9), JOIN));
	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 2, &other));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, lt_add(other, self->ifindex, S1, G1, JOIN));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, lt_del(other, self->ifindex, S1, G1, JOIN));
	ASSERT_EQ(NO_ERROR, MgmTakeInterfaceOwnership(other, self->ifindex2, 0));
	EXPECT_EQ(NO_ERROR, lt_add(other, self->ifindex2, S1, G1, JOIN));
	/* Two protocols, one entry; it lives while either has join state. */
	EXPECT_EQ(NO_ERROR, lt_add(self->proto, self->ifindex, S1, G1, JOIN));
	EXPECT_EQ(NO_ERROR, lt_del(other, self->ifindex2, S1, G1, JOIN));
	EXPECT_TRUE(table_is(self->proto, (SOURCE_GROUP_ENTRY[]){ lt_entry(S1, G1) }, 1));
}

TEST_F(member, batch_add_and_delete)
{
	enum { N = 3000 };	/* more than one library chunk */
	struct mgm_member *recs = calloc(N, sizeof(*recs));
	struct mgm_stats st;
	size_t done = 12345;
	int k;

	ASSERT_NE(NULL, recs);
	for (k = 0; k < N; k++)
		recs[k] = lt_member(self->ifindex, k % 2 ? S1 : 0, GRP(k / 2), JOIN);
	EXPECT_EQ(0, mgm_add_memberships(self->proto, recs, N, &done));
	EXPECT_EQ((size_t)N, done);
	ASSERT_EQ(0, mgm_get_stats(&st, sizeof(st)));
	EXPECT_EQ((uint64_t)N, st.entries);
	EXPECT_EQ((uint64_t)N, st.memberships);
	/* Again: every add is a no-op. */
	EXPECT_EQ(0, mgm_add_memberships(self->proto, recs, N, &done));
	EXPECT_EQ((size_t)N, done);
	EXPECT_EQ(0, mgm_delete_memberships(self->proto, recs, N, &done));
	EXPECT_EQ((size_t)N, done);
	ASSERT_EQ(0, mgm_get_stats(&st, sizeof(st)));
	EXPECT_EQ(0u, st.entries);
	/* Deleting again: the first record is not there. */
	EXPECT_EQ(-ENOENT, mgm_delete_memberships(self->proto, recs, N, &done));
	EXPECT_EQ(0u, done);
	free(recs);
}

TEST_F(member, batch_stops_at_the_first_failure)
{
	enum { N = 2500, BAD = 1500 };
	struct mgm_member *recs = calloc(N, sizeof(*recs));
	struct mgm_stats st;
	size_t done;
	int k;

	ASSERT_NE(NULL, recs);
	for (k = 0; k < N; k++)
		recs[k] = lt_member(self->ifindex, 0, GRP(k), JOIN);
	recs[BAD].group = ip4(10, 1, 1, 1);	/* not multicast */
	EXPECT_EQ(-EINVAL, mgm_add_memberships(self->proto, recs, N, &done));
	EXPECT_EQ((size_t)BAD, done);
	ASSERT_EQ(0, mgm_get_stats(&st, sizeof(st)));
	EXPECT_EQ((uint64_t)BAD, st.entries);
	/* On an interface it does not own. */
	recs[BAD] = lt_member(self->ifindex2, 0, GRP(BAD), JOIN);
	EXPECT_EQ(-EINVAL, mgm_add_memberships(self->proto, recs, N, &done));
	EXPECT_EQ((size_t)BAD, done);
	free(recs);
}

TEST_F(member, batch_arguments)
{
	struct mgm_member rec = lt_member(self->ifindex, 0, G1, JOIN);
	size_t done = 99;

	EXPECT_EQ(0, mgm_add_memberships(self->proto, &rec, 0, &done));
	EXPECT_EQ(0u, done);
	EXPECT_EQ(0, mgm_add_memberships(self->proto, NULL, 0, NULL));
	EXPECT_EQ(-EINVAL, mgm_add_memberships(self->proto, NULL, 1, &done));
	EXPECT_EQ(0u, done);
	EXPECT_EQ(-EINVAL, mgm_add_memberships((HANDLE)0x15, &rec, 1, &done));
	EXPECT_EQ(0u, done);
	EXPECT_EQ(-EINVAL, mgm_delete_memberships(NULL, &rec, 1, &done));
	EXPECT_EQ(0, mgm_add_memberships(self->proto, &rec, 1, NULL));
	EXPECT_TRUE(table_is(self->proto, (SOURCE_GROUP_ENTRY[]){ lt_entry(0, G1) }, 1));
}

/* max_entries reached: ERROR_NOT_ENOUGH_MEMORY, nothing lost. */
TEST(entry_limit_is_not_enough_memory)
{
	int status, ifindex, ifindex2;
	pid_t pid;

	ASSERT_EQ(0, module_reload("max_entries=8"));
	ifindex = make_dummy("lm2");
	ASSERT_LT(0, ifindex);
	ifindex2 = make_dummy("lm3");
	ASSERT_LT(0, ifindex2);
	/* The library keeps its file open until exit: use a child. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		SOURCE_GROUP_ENTRY *recs;
		HANDLE h, h2;
		char *proc;
		int k;

		if (MgmRegisterMProtocol(&lt_config, PIM, 1, &h) ||
		    MgmTakeInterfaceOwnership(h, ifindex, 0))
			_exit(10);
		for (k = 0; k < 8; k++)
			if (lt_add(h, ifindex, 0, GRP(k), JOIN))
				_exit(11);
		if (lt_add(h, ifindex, 0, GRP(8), JOIN) != ERROR_NOT_ENOUGH_MEMORY)
			_exit(12);
		/* A flag more on an existing membership still fits... */
		if (lt_add(h, ifindex, 0, GRP(0), FWD))
			_exit(13);
		/*
		 * ... and so does a second membership of an existing entry,
		 * by another protocol on another interface: it makes no entry.
		 */
		if (MgmRegisterMProtocol(&lt_config, PIM, 2, &h2) ||
		    MgmTakeInterfaceOwnership(h2, ifindex2, 0))
			_exit(15);
		if (lt_add(h2, ifindex2, 0, GRP(1), JOIN))
			_exit(16);
		/* A new entry through it does not. */
		if (lt_add(h2, ifindex2, 0, GRP(9), JOIN) != ERROR_NOT_ENOUGH_MEMORY)
			_exit(17);
		if (lt_enum_all(h, ALL_SOURCES, 64, &recs) != 8)
			_exit(14);
		proc = read_file("/proc/net/mgm");
		if (!proc || strncmp(proc, "entries 8 memberships 9 protocols 2 interfaces 2 ", 49))
			_exit(18);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	del_link("lm2");
	del_link("lm3");
	EXPECT_EQ(0, module_reload(NULL));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
