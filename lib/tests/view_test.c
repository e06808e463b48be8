// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host-side: the key sets of view.c (what each protocol was told, used by
 * the re-synchronisation after an overflow) against a plain array, through
 * growth and backward-shift deletions, with keys that differ in one field
 * only.
 */
#include <stdlib.h>
#include <string.h>
#include "kselftest_harness.h"
#include "internal.h"

#define KEYS	3000

static struct libmgm_vkey key(unsigned int i)
{
	/* Many keys share all but one field, and collide in small tables. */
	struct libmgm_vkey k = {
		.kind = LIBMGM_V_ALERT + i % 3,
		.source = i % 7 ? 0 : (uint32_t)i,
		.group = 0xe8000000u + i / 5,
		.ifindex = i % 5,
		.nexthop = i % 11 == 0,
	};

	return k;
}

TEST(matches_an_array_through_adds_and_deletes)
{
	struct libmgm_view v = { 0 };
	static bool in[KEYS];
	unsigned int i, r, n = 0, seed = 1;

	for (r = 0; r < 200000; r++) {
		struct libmgm_vkey k;

		seed = seed * 1103515245u + 12345u;
		i = (seed >> 8) % KEYS;
		k = key(i);
		if ((seed >> 4) & 1) {
			ASSERT_EQ(in[i] ? 0 : 1, libmgm_view_add(&v, &k, i));
			n += !in[i];
			in[i] = true;
		} else {
			ASSERT_EQ(in[i] ? 1 : 0, libmgm_view_del(&v, &k));
			n -= in[i];
			in[i] = false;
		}
		ASSERT_EQ(n, v.count);
	}
	for (i = 0; i < KEYS; i++) {
		struct libmgm_vkey k = key(i);
		struct libmgm_vent *e = libmgm_view_find(&v, &k);

		ASSERT_EQ(in[i], e != NULL);
		if (e)
			ASSERT_EQ(i, e->value);
	}
	/* Power-of-two capacity, at most half full. */
	EXPECT_EQ(0u, v.cap & (v.cap - 1));
	EXPECT_LE(v.count * 2, v.cap);
	libmgm_view_clear(&v);
	EXPECT_EQ(0u, v.count);
	EXPECT_EQ(NULL, libmgm_view_find(&v, &(struct libmgm_vkey){ 0 }));
	EXPECT_EQ(0, libmgm_view_del(&v, &(struct libmgm_vkey){ 0 }));
}

TEST(add_replaces_the_value)
{
	struct libmgm_view v = { 0 };
	struct libmgm_vkey k = key(5);

	EXPECT_EQ(1, libmgm_view_add(&v, &k, 1));
	EXPECT_EQ(0, libmgm_view_add(&v, &k, 2));
	EXPECT_EQ(2u, libmgm_view_find(&v, &k)->value);
	EXPECT_EQ(1u, v.count);
	libmgm_view_clear(&v);
}

TEST_HARNESS_MAIN
