// SPDX-License-Identifier: GPL-2.0
/*
 * libmgm: protocols and interfaces through the Windows calls
 * (MgmRegisterMProtocol, MgmDeRegisterMProtocol, MgmTakeInterfaceOwnership,
 * MgmReleaseInterfaceOwnership, MgmGetProtocolOnInterface) with the exact
 * Win32 codes of contract part 1, D4, D9 and D13. Only lib/mgm.h is used.
 */
#include <errno.h>
#include <stdint.h>
#include "kselftest_harness.h"
#include "lib_test.h"

FIXTURE(proto) {
	int ifindex;	/* lp0 */
	int ifindex2;	/* lp1 */
};

FIXTURE_SETUP(proto)
{
	self->ifindex = make_dummy("lp0");
	ASSERT_LT(0, self->ifindex);
	self->ifindex2 = make_dummy("lp1");
	ASSERT_LT(0, self->ifindex2);
}

FIXTURE_TEARDOWN(proto)
{
	del_link("lp0");
	del_link("lp1");
}

/* Values that are not handles the library gave out. */
static HANDLE forged_handles[] = {
	NULL, (HANDLE)1, (HANDLE)0x5, (HANDLE)0xa, (HANDLE)0x15,
	(HANDLE)0xdeadbeef, (HANDLE)~(uintptr_t)0, (HANDLE)&lt_config,
	(HANDLE)(uintptr_t)0xfffff5, (HANDLE)(uintptr_t)0x200015,
};

TEST_F(proto, register_and_duplicate_pair)
{
	HANDLE a, b, c;

	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 1, &a));
	EXPECT_NE(NULL, a);
	EXPECT_EQ(ERROR_ALREADY_EXISTS, MgmRegisterMProtocol(&lt_config, PIM, 1, &b));
	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 2, &b));
	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PROTO_IP_IGMP, 1, &c));
	EXPECT_NE(a, b);
	EXPECT_NE(b, c);
	EXPECT_EQ(NO_ERROR, MgmDeRegisterMProtocol(a));
	/* The pair is free again once deregistered. */
	EXPECT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 1, &a));
	EXPECT_EQ(NO_ERROR, MgmDeRegisterMProtocol(a));
	EXPECT_EQ(NO_ERROR, MgmDeRegisterMProtocol(b));
	EXPECT_EQ(NO_ERROR, MgmDeRegisterMProtocol(c));
}

TEST_F(proto, register_null_arguments)
{
	HANDLE h = (HANDLE)0x1234;

	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmRegisterMProtocol(NULL, PIM, 1, &h));
	EXPECT_EQ((HANDLE)0x1234, h);
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmRegisterMProtocol(&lt_config, PIM, 1, NULL));
	/* Nothing was registered by the failed calls. */
	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 1, &h));
	EXPECT_EQ(NO_ERROR, MgmDeRegisterMProtocol(h));
}

TEST_F(proto, own_changes_call_no_callback)
{
	ROUTING_PROTOCOL_CONFIG cfg = {
		.dwCallbackFlags = 0x1ff,
		/*
		 * A protocol is never told of its own changes (contract D15):
		 * invalid pointers stay uncalled, so harmless.
		 */
		.pfnRpfCallback = (PMGM_RPF_CALLBACK)(uintptr_t)8,
		.pfnJoinAlertCallback = (PMGM_JOIN_ALERT_CALLBACK)(uintptr_t)16,
		.pfnLocalJoinCallback = (PMGM_LOCAL_JOIN_CALLBACK)(uintptr_t)24,
	};
	HANDLE h;

	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&cfg, PIM, 1, &h));
	ASSERT_EQ(NO_ERROR, MgmTakeInterfaceOwnership(h, self->ifindex, 0));
	ASSERT_EQ(NO_ERROR, lt_add(h, self->ifindex, 0, G1, JOIN));
	ASSERT_EQ(NO_ERROR, lt_del(h, self->ifindex, 0, G1, JOIN));
	ASSERT_EQ(NO_ERROR, MgmReleaseInterfaceOwnership(h, self->ifindex, 0));
	EXPECT_EQ(NO_ERROR, MgmDeRegisterMProtocol(h));
}

TEST_F(proto, deregister_twice_is_invalid)
{
	HANDLE h;

	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 1, &h));
	EXPECT_EQ(NO_ERROR, MgmDeRegisterMProtocol(h));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmDeRegisterMProtocol(h));
	/* A stale handle stays invalid after its slot is reused. */
	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 1, &h));
	for (int i = 0; i < 100; i++) {
		HANDLE n;

		ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 100 + i, &n));
		ASSERT_EQ(NO_ERROR, MgmDeRegisterMProtocol(n));
		ASSERT_EQ(ERROR_INVALID_PARAMETER, MgmDeRegisterMProtocol(n));
	}
	EXPECT_EQ(NO_ERROR, MgmDeRegisterMProtocol(h));
}

TEST_F(proto, forged_handles_are_invalid)
{
	DWORD id, comp, n, size = 64;
	BYTE buf[64];
	HANDLE real, en;
	unsigned int i;

	/* With live handles in the table, and before any handle exists. */
	for (i = 0; i < sizeof(forged_handles) / sizeof(forged_handles[0]); i++) {
		HANDLE f = forged_handles[i];

		EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmDeRegisterMProtocol(f));
		EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmTakeInterfaceOwnership(f, self->ifindex, 0));
		EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmReleaseInterfaceOwnership(f, self->ifindex, 0));
		EXPECT_EQ(ERROR_INVALID_PARAMETER, lt_add(f, self->ifindex, 0, G1, JOIN));
		EXPECT_EQ(ERROR_INVALID_PARAMETER, lt_del(f, self->ifindex, 0, G1, JOIN));
		EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGroupEnumerationStart(f, ALL_SOURCES, &en));
		EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGroupEnumerationGetNext(f, &size, buf, &n));
		EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGroupEnumerationEnd(f));
		if (i == 0)
			ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 1, &real));
	}
	/* Neighbours of a real handle: other kinds, slots, generations. */
	for (i = 1; i < 64; i++) {
		HANDLE f = (HANDLE)((uintptr_t)real ^ ((uintptr_t)1 << (i % (sizeof(void *) * 8))));

		EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmTakeInterfaceOwnership(f, self->ifindex, 0));
	}
	EXPECT_EQ(ERROR_NOT_FOUND, MgmGetProtocolOnInterface(self->ifindex, 0, &id, &comp));
	EXPECT_EQ(NO_ERROR, MgmDeRegisterMProtocol(real));
}

TEST_F(proto, deregister_while_owning_is_can_not_complete)
{
	HANDLE h;

	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 1, &h));
	ASSERT_EQ(NO_ERROR, MgmTakeInterfaceOwnership(h, self->ifindex, 0));
	EXPECT_EQ(ERROR_CAN_NOT_COMPLETE, MgmDeRegisterMProtocol(h));
	/* Still registered, still usable. */
	EXPECT_EQ(ERROR_ALREADY_EXISTS, MgmTakeInterfaceOwnership(h, self->ifindex, 0));
	EXPECT_EQ(NO_ERROR, MgmReleaseInterfaceOwnership(h, self->ifindex, 0));
	EXPECT_EQ(NO_ERROR, MgmDeRegisterMProtocol(h));
}

TEST_F(proto, take_rules)
{
	HANDLE pim, pim2, igmp, igmp2;

	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 1, &pim));
	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 2, &pim2));
	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PROTO_IP_IGMP, 1, &igmp));
	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PROTO_IP_IGMP, 2, &igmp2));

	EXPECT_EQ(NO_ERROR, MgmTakeInterfaceOwnership(pim, self->ifindex, 0));
	/* Taken by itself or by another routing protocol. */
	EXPECT_EQ(ERROR_ALREADY_EXISTS, MgmTakeInterfaceOwnership(pim, self->ifindex, 0));
	EXPECT_EQ(ERROR_ALREADY_EXISTS, MgmTakeInterfaceOwnership(pim2, self->ifindex, 0));
	/* IGMP co-owns with one routing protocol; a second IGMP does not. */
	EXPECT_EQ(NO_ERROR, MgmTakeInterfaceOwnership(igmp, self->ifindex, 0));
	EXPECT_EQ(ERROR_ALREADY_EXISTS, MgmTakeInterfaceOwnership(igmp2, self->ifindex, 0));
	/* The next hop makes a different interface. */
	EXPECT_EQ(NO_ERROR, MgmTakeInterfaceOwnership(pim2, self->ifindex, ip4(10, 1, 1, 1)));
	/* An ifindex that does not exist in this namespace. */
	EXPECT_EQ(ERROR_NOT_FOUND, MgmTakeInterfaceOwnership(pim, 999999, 0));
	EXPECT_EQ(ERROR_NOT_FOUND, MgmTakeInterfaceOwnership(pim, 0, 0));

	EXPECT_EQ(NO_ERROR, MgmReleaseInterfaceOwnership(pim, self->ifindex, 0));
	EXPECT_EQ(NO_ERROR, MgmReleaseInterfaceOwnership(igmp, self->ifindex, 0));
	EXPECT_EQ(NO_ERROR, MgmReleaseInterfaceOwnership(pim2, self->ifindex, ip4(10, 1, 1, 1)));
	EXPECT_EQ(NO_ERROR, MgmDeRegisterMProtocol(pim));
	EXPECT_EQ(NO_ERROR, MgmDeRegisterMProtocol(pim2));
	EXPECT_EQ(NO_ERROR, MgmDeRegisterMProtocol(igmp));
	EXPECT_EQ(NO_ERROR, MgmDeRegisterMProtocol(igmp2));
}

TEST_F(proto, release_rules)
{
	SOURCE_GROUP_ENTRY *recs;
	HANDLE pim, pim2;

	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 1, &pim));
	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 2, &pim2));
	/* Not owned at all, owned by another protocol, other next hop. */
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmReleaseInterfaceOwnership(pim, self->ifindex, 0));
	ASSERT_EQ(NO_ERROR, MgmTakeInterfaceOwnership(pim, self->ifindex, 0));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmReleaseInterfaceOwnership(pim2, self->ifindex, 0));
	EXPECT_EQ(ERROR_INVALID_PARAMETER,
		  MgmReleaseInterfaceOwnership(pim, self->ifindex, ip4(10, 1, 1, 1)));
	/* Releasing deletes the protocol's memberships on the interface. */
	ASSERT_EQ(NO_ERROR, lt_add(pim, self->ifindex, S1, G1, JOIN));
	ASSERT_EQ(NO_ERROR, lt_add(pim, self->ifindex, 0, G2, JOIN));
	ASSERT_EQ(2, lt_enum_all(pim, ALL_SOURCES, 4096, &recs));
	free(recs);
	EXPECT_EQ(NO_ERROR, MgmReleaseInterfaceOwnership(pim, self->ifindex, 0));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmReleaseInterfaceOwnership(pim, self->ifindex, 0));
	ASSERT_EQ(0, lt_enum_all(pim, ALL_SOURCES, 4096, &recs));
	free(recs);
	EXPECT_EQ(NO_ERROR, MgmDeRegisterMProtocol(pim));
	EXPECT_EQ(NO_ERROR, MgmDeRegisterMProtocol(pim2));
}

TEST_F(proto, get_protocol_on_interface)
{
	DWORD id = 77, comp = 77;
	HANDLE pim, igmp;

	EXPECT_EQ(ERROR_NOT_FOUND, MgmGetProtocolOnInterface(self->ifindex, 0, &id, &comp));
	EXPECT_EQ(77u, id);
	EXPECT_EQ(77u, comp);
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGetProtocolOnInterface(self->ifindex, 0, NULL, &comp));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGetProtocolOnInterface(self->ifindex, 0, &id, NULL));

	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 7, &pim));
	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PROTO_IP_IGMP, 9, &igmp));
	/* IGMP alone: IGMP. */
	ASSERT_EQ(NO_ERROR, MgmTakeInterfaceOwnership(igmp, self->ifindex, 0));
	EXPECT_EQ(NO_ERROR, MgmGetProtocolOnInterface(self->ifindex, 0, &id, &comp));
	EXPECT_EQ((DWORD)PROTO_IP_IGMP, id);
	EXPECT_EQ(9u, comp);
	/* IGMP with a routing protocol: the routing protocol. */
	ASSERT_EQ(NO_ERROR, MgmTakeInterfaceOwnership(pim, self->ifindex, 0));
	EXPECT_EQ(NO_ERROR, MgmGetProtocolOnInterface(self->ifindex, 0, &id, &comp));
	EXPECT_EQ((DWORD)PIM, id);
	EXPECT_EQ(7u, comp);
	/* The routing protocol alone, on another interface. */
	ASSERT_EQ(NO_ERROR, MgmTakeInterfaceOwnership(pim, self->ifindex2, 0));
	EXPECT_EQ(NO_ERROR, MgmGetProtocolOnInterface(self->ifindex2, 0, &id, &comp));
	EXPECT_EQ((DWORD)PIM, id);
	EXPECT_EQ(ERROR_NOT_FOUND, MgmGetProtocolOnInterface(self->ifindex2, ip4(10, 1, 1, 1), &id, &comp));

	EXPECT_EQ(NO_ERROR, MgmReleaseInterfaceOwnership(pim, self->ifindex, 0));
	EXPECT_EQ(NO_ERROR, MgmGetProtocolOnInterface(self->ifindex, 0, &id, &comp));
	EXPECT_EQ((DWORD)PROTO_IP_IGMP, id);
	EXPECT_EQ(NO_ERROR, MgmReleaseInterfaceOwnership(igmp, self->ifindex, 0));
	EXPECT_EQ(ERROR_NOT_FOUND, MgmGetProtocolOnInterface(self->ifindex, 0, &id, &comp));
}

TEST_F(proto, device_removal_drops_ownership)
{
	DWORD id, comp;
	HANDLE h;

	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 1, &h));
	ASSERT_EQ(NO_ERROR, MgmTakeInterfaceOwnership(h, self->ifindex2, 0));
	ASSERT_EQ(0, del_link("lp1"));
	EXPECT_EQ(ERROR_NOT_FOUND, MgmGetProtocolOnInterface(self->ifindex2, 0, &id, &comp));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmReleaseInterfaceOwnership(h, self->ifindex2, 0));
	/* Nothing owned any more: deregistering works. */
	EXPECT_EQ(NO_ERROR, MgmDeRegisterMProtocol(h));
}

TEST_F(proto, protocol_limit_is_not_enough_memory)
{
	struct mgm_stats st;
	HANDLE *h;
	DWORD i, room;

	ASSERT_EQ(0, mgm_get_stats(&st, sizeof(st)));
	ASSERT_LE(st.protocols, st.max_protocols);
	room = st.max_protocols - st.protocols;
	h = calloc(room + 1, sizeof(*h));
	ASSERT_NE(NULL, h);
	for (i = 0; i < room; i++)
		ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 1000 + i, &h[i]));
	EXPECT_EQ(ERROR_NOT_ENOUGH_MEMORY, MgmRegisterMProtocol(&lt_config, PIM, 5000, &h[room]));
	EXPECT_EQ(NO_ERROR, MgmDeRegisterMProtocol(h[0]));
	EXPECT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 5000, &h[0]));
	for (i = 0; i < room; i++)
		EXPECT_EQ(NO_ERROR, MgmDeRegisterMProtocol(h[i]));
	free(h);
}

TEST_F(proto, opens_device_once_lazily)
{
	HANDLE a, b;

	EXPECT_EQ(0, lt_mgm_fds());
	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 1, &a));
	EXPECT_EQ(1, lt_mgm_fds());
	ASSERT_EQ(NO_ERROR, MgmRegisterMProtocol(&lt_config, PIM, 2, &b));
	EXPECT_EQ(0, mgm_device_open());
	EXPECT_EQ(1, lt_mgm_fds());
	EXPECT_EQ(FD_CLOEXEC, fcntl(lt_mgm_fd(), F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(NO_ERROR, MgmDeRegisterMProtocol(a));
	EXPECT_EQ(NO_ERROR, MgmDeRegisterMProtocol(b));
}

TEST(error_names)
{
	EXPECT_STREQ("NO_ERROR", mgm_error_name(NO_ERROR));
	EXPECT_STREQ("ERROR_INVALID_PARAMETER", mgm_error_name(ERROR_INVALID_PARAMETER));
	EXPECT_STREQ("ERROR_NO_MORE_ITEMS", mgm_error_name(ERROR_NO_MORE_ITEMS));
	EXPECT_STREQ("ERROR_UNKNOWN", mgm_error_name(4242));
}

TEST_HARNESS_MAIN
