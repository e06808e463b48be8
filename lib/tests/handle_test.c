// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host-side: the handle table (contract D9) and what the public calls do with
 * handles and pointers they were not given, without a kernel: every
 * rejection here happens before the library touches /dev/mgm.
 */
#include <errno.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "internal.h"

FIXTURE(ht) {
	struct mgm_htable t;
};

FIXTURE_SETUP(ht)
{
	memset(&self->t, 0, sizeof(self->t));
}

FIXTURE_TEARDOWN(ht)
{
	libmgm_ht_destroy(&self->t);
}

TEST_F(ht, alloc_and_lookup)
{
	struct mgm_slot *s, *p;
	HANDLE a, b;

	ASSERT_EQ(0, libmgm_ht_alloc(&self->t, MGM_KIND_PROTOCOL, 42, &a, &s));
	ASSERT_EQ(0, libmgm_ht_alloc(&self->t, MGM_KIND_ENUM, 7, &b, NULL));
	EXPECT_NE(NULL, a);
	EXPECT_NE(a, b);
	p = libmgm_ht_lookup(&self->t, a, MGM_KIND_PROTOCOL);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(42u, p->kid);
	EXPECT_EQ(7u, libmgm_ht_lookup(&self->t, b, MGM_KIND_ENUM)->kid);
	/* The wrong kind is not found. */
	EXPECT_EQ(NULL, libmgm_ht_lookup(&self->t, a, MGM_KIND_ENUM));
	EXPECT_EQ(NULL, libmgm_ht_lookup(&self->t, b, MGM_KIND_PROTOCOL));
	EXPECT_EQ(NULL, libmgm_ht_lookup(&self->t, a, MGM_KIND_FREE));
	EXPECT_EQ(2u, self->t.used);
}

TEST_F(ht, freed_handles_stay_invalid)
{
	struct mgm_slot *s;
	HANDLE a, again;
	int i;

	ASSERT_EQ(0, libmgm_ht_alloc(&self->t, MGM_KIND_PROTOCOL, 1, &a, &s));
	libmgm_ht_free(&self->t, s);
	EXPECT_EQ(NULL, libmgm_ht_lookup(&self->t, a, MGM_KIND_PROTOCOL));
	/* However often slots are reused, the old value never comes back. */
	for (i = 0; i < 100000; i++) {
		ASSERT_EQ(0, libmgm_ht_alloc(&self->t, MGM_KIND_PROTOCOL, i, &again, &s));
		ASSERT_NE(a, again);
		ASSERT_EQ(NULL, libmgm_ht_lookup(&self->t, a, MGM_KIND_PROTOCOL));
		ASSERT_EQ(s, libmgm_ht_lookup(&self->t, again, MGM_KIND_PROTOCOL));
		libmgm_ht_free(&self->t, s);
	}
	EXPECT_EQ(0u, self->t.used);
}

TEST_F(ht, forged_values)
{
	struct mgm_slot *s;
	HANDLE a;
	uintptr_t v;
	unsigned int bit;

	ASSERT_EQ(0, libmgm_ht_alloc(&self->t, MGM_KIND_PROTOCOL, 1, &a, &s));
	v = (uintptr_t)a;
	EXPECT_EQ(NULL, libmgm_ht_lookup(&self->t, NULL, MGM_KIND_PROTOCOL));
	EXPECT_EQ(NULL, libmgm_ht_lookup(&self->t, (HANDLE)~(uintptr_t)0, MGM_KIND_PROTOCOL));
	EXPECT_EQ(NULL, libmgm_ht_lookup(&self->t, (HANDLE)&self->t, MGM_KIND_PROTOCOL));
	/* Any one bit changed: another kind, slot or generation. */
	for (bit = 0; bit < sizeof(v) * 8; bit++)
		EXPECT_EQ(NULL, libmgm_ht_lookup(&self->t, (HANDLE)(v ^ ((uintptr_t)1 << bit)),
					      MGM_KIND_PROTOCOL)) TH_LOG("bit %u", bit);
	/* Slots beyond the table. */
	EXPECT_EQ(NULL, libmgm_ht_lookup(&self->t, libmgm_handle_encode(MGM_HANDLE_MAX - 1, 1,
								  MGM_KIND_PROTOCOL), MGM_KIND_PROTOCOL));
	EXPECT_EQ(s, libmgm_ht_lookup(&self->t, a, MGM_KIND_PROTOCOL));
}

TEST_F(ht, invalidate_all_is_what_a_child_sees)
{
	HANDLE h[40], again;
	struct mgm_slot *s;
	int i;

	for (i = 0; i < 40; i++)
		ASSERT_EQ(0, libmgm_ht_alloc(&self->t, i % 2 ? MGM_KIND_ENUM : MGM_KIND_PROTOCOL,
					  i, &h[i], NULL));
	libmgm_ht_invalidate_all(&self->t);
	EXPECT_EQ(0u, self->t.used);
	for (i = 0; i < 40; i++) {
		EXPECT_EQ(NULL, libmgm_ht_lookup(&self->t, h[i], MGM_KIND_PROTOCOL));
		EXPECT_EQ(NULL, libmgm_ht_lookup(&self->t, h[i], MGM_KIND_ENUM));
	}
	/* New handles never equal the invalidated ones. */
	for (i = 0; i < 40; i++) {
		int k;

		ASSERT_EQ(0, libmgm_ht_alloc(&self->t, MGM_KIND_PROTOCOL, i, &again, &s));
		for (k = 0; k < 40; k++)
			ASSERT_NE(h[k], again);
	}
}

TEST_F(ht, table_is_bounded)
{
	HANDLE h;
	uint32_t i;

	for (i = 0; i < MGM_HANDLE_MAX; i++)
		ASSERT_EQ(0, libmgm_ht_alloc(&self->t, MGM_KIND_ENUM, i, &h, NULL));
	EXPECT_EQ(-ENOMEM, libmgm_ht_alloc(&self->t, MGM_KIND_ENUM, 0, &h, NULL));
	EXPECT_EQ(MGM_HANDLE_MAX, self->t.used);
	/* The last one handed out is still found. */
	EXPECT_NE(NULL, libmgm_ht_lookup(&self->t, h, MGM_KIND_ENUM));
}

/* --- the public calls, on a host without /dev/mgm -------------------------- */
static HANDLE forged[] = {
	NULL, (HANDLE)1, (HANDLE)0x5, (HANDLE)0xa, (HANDLE)0x100005,
	(HANDLE)0x10000a, (HANDLE)0xdeadbeef, (HANDLE)~(uintptr_t)0,
};

TEST(bad_handles_and_pointers_without_a_kernel)
{
	ROUTING_PROTOCOL_CONFIG cfg = { 0 };
	struct mgm_enum_status st;
	struct mgm_member m = { 0 };
	DWORD size = 64, n = 5, id, comp;
	BYTE buf[64];
	HANDLE h;
	size_t done = 9;
	unsigned int i;

	for (i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
		HANDLE f = forged[i];

		EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmDeRegisterMProtocol(f));
		EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmTakeInterfaceOwnership(f, 1, 0));
		EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmReleaseInterfaceOwnership(f, 1, 0));
		EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmAddGroupMembershipEntry(f, 0, 0, 0, 0, 1, 0, 1));
		EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmDeleteGroupMembershipEntry(f, 0, 0, 0, 0, 1, 0, 1));
		EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGroupEnumerationStart(f, ALL_SOURCES, &h));
		EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGroupEnumerationGetNext(f, &size, buf, &n));
		EXPECT_EQ(0u, n);
		EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGroupEnumerationEnd(f));
		EXPECT_EQ(-EINVAL, mgm_enum_next(f, buf, sizeof(buf), &st));
		EXPECT_EQ(-EINVAL, mgm_add_memberships(f, &m, 1, &done));
		EXPECT_EQ(0u, done);
		EXPECT_EQ(-EINVAL, mgm_delete_memberships(f, &m, 1, NULL));
	}
	EXPECT_EQ(64u, size);
	/* NULL pointers are invalid, checked before the device is needed. */
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmRegisterMProtocol(NULL, 3, 1, &h));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmRegisterMProtocol(&cfg, 3, 1, NULL));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGetProtocolOnInterface(1, 0, NULL, &comp));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGetProtocolOnInterface(1, 0, &id, NULL));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGroupEnumerationGetNext(NULL, NULL, buf, &n));
	EXPECT_EQ(-EINVAL, mgm_enum_start(ALL_SOURCES, NULL, NULL));
	EXPECT_EQ(-EINVAL, mgm_enum_next(NULL, buf, sizeof(buf), NULL));
	EXPECT_EQ(-EINVAL, mgm_get_stats(NULL, 0));
}

TEST(no_device_is_can_not_complete)
{
	ROUTING_PROTOCOL_CONFIG cfg = { 0 };
	struct mgm_stats s;
	DWORD id, comp;
	HANDLE h;

	if (!access("/dev/mgm", F_OK))
		SKIP(return, "this host has /dev/mgm");
	EXPECT_EQ(-ENOENT, mgm_device_open());
	EXPECT_EQ(ERROR_CAN_NOT_COMPLETE, MgmRegisterMProtocol(&cfg, 3, 1, &h));
	EXPECT_EQ(ERROR_CAN_NOT_COMPLETE, MgmGetProtocolOnInterface(1, 0, &id, &comp));
	EXPECT_EQ(-ENOENT, mgm_enum_start(ANY_SOURCE, &h, NULL));
	EXPECT_EQ(-ENOENT, mgm_get_stats(&s, sizeof(s)));
}

TEST_HARNESS_MAIN
