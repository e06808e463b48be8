// SPDX-License-Identifier: GPL-2.0
/*
 * examples/mgm-alerts, run as a user would run it: two protocols in two
 * processes receive each other's JoinAlert and PruneAlert, each the answer
 * to the one before, and it prints exactly this conversation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "helpers.h"

TEST(two_protocols_tell_each_other)
{
	const char *want =
		"a: join (*,232.1.2.3)\n"
		"b: JoinAlert (*,232.1.2.3) bMemberUpdate=1\n"
		"b: join (*,232.1.2.3)\n"
		"a: JoinAlert (*,232.1.2.3) bMemberUpdate=1\n"
		"a: leave (*,232.1.2.3)\n"
		"b: PruneAlert (*,232.1.2.3) on exa bMemberDelete=1\n"
		"b: leave (*,232.1.2.3)\n"
		"a: PruneAlert (*,232.1.2.3) on exb bMemberDelete=1\n";
	struct mgm_stats st;
	char out[4096];
	size_t n;
	int fd;
	FILE *p;

	ASSERT_LT(0, make_dummy("exa"));
	ASSERT_LT(0, make_dummy("exb"));
	p = popen("mgm-alerts exa exb 2>&1", "r");
	ASSERT_TRUE(p != NULL);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = 0;
	EXPECT_EQ(0, pclose(p));
	EXPECT_STREQ(want, out);
	/* It cleaned up after itself: nothing of it is left in the table. */
	fd = mgm_open_dev();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mgm_stats_get(fd, &st));
	EXPECT_EQ(0ull, (unsigned long long)st.memberships);
	EXPECT_EQ(0u, st.protocols);
	close(fd);
	del_link("exa");
	del_link("exb");
}

TEST_HARNESS_MAIN
