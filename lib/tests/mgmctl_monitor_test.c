// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host-side: mgmctl monitor (tools/mgmctl/monitor.c) against a fake
 * /dev/mgm (fake_dev.h): the test queues the kernel's records, and the
 * membership listings come from tables here. Checks its exact lines:
 * the listing, then only the changes after the listing's start
 * generation, add / change / delete, the overflow and the listing again.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "../../tools/mgmctl/mgmctl.h"
#include "fake_dev.h"

#define M32	0xffffffffu
#define G(k)	htonl(0xe8000000u + (k))	/* 232.0.0.k */
#define S1	htonl(0x0a000001u)

static struct {
	int listings;			/* MEMBER_ENUM_START calls */
	uint64_t gen[2];		/* each listing's start generation */
	struct mgm_member_record rec[2][2];
	uint32_t nrec[2];
} fk;

static int fake_ioctl(unsigned long req, void *arg)
{
	struct mgm_member_enum_start *s;
	struct mgm_enum_next *n;
	int l;

	l = fk.listings - 1;
	switch (req) {
	case MGM_IOC_SUBSCRIBE:
		((struct mgm_subscribe *)arg)->generation = 5;
		return 0;
	case MGM_IOC_MEMBER_ENUM_START:
		s = arg;
		if (fk.listings == 2)
			break;
		s->cursor = 1;
		s->generation = fk.gen[fk.listings++];
		return 0;
	case MGM_IOC_MEMBER_ENUM_NEXT:
		n = arg;
		memcpy((void *)(uintptr_t)n->buffer, fk.rec[l], fk.nrec[l] * sizeof(fk.rec[l][0]));
		n->count = fk.nrec[l];
		n->status = MGM_ENUM_STATUS_END;
		return 0;
	case MGM_IOC_ENUM_END:
		return 0;
	}
	errno = ENOTTY;
	return -1;
}

static struct mgm_event table_ev(uint64_t seq, uint64_t gen, uint32_t flags, uint32_t s,
				 uint32_t g, uint32_t member_flags)
{
	struct mgm_event e = {
		.seq = seq, .generation = gen, .type = MGM_EVENT_TABLE,
		.source = s, .source_mask = s ? M32 : 0, .group = g, .group_mask = M32,
		.ifindex = 1, .flags = flags, .protocol_id = 10, .component_id = 2,
		.member_flags = member_flags,
	};

	return e;
}

static struct mgm_member_record member(uint32_t s, uint32_t g, uint32_t flags)
{
	struct mgm_member_record r = {
		.source = s, .source_mask = s ? M32 : 0, .group = g, .group_mask = M32,
		.ifindex = 1, .protocol_id = 10, .component_id = 2, .member_flags = flags,
	};

	return r;
}

/* Run "mgmctl ARGS" with the queued records; its stdout in @out. */
static int run_monitor(const char *json, char *out, size_t size)
{
	char *argv[] = { "mgmctl", (char *)json, "monitor", NULL };
	int argc = json ? 3 : 2, rc, saved;
	struct mgmctl_cmd cmd;
	FILE *f = tmpfile();
	size_t n;

	if (!json)
		argv[1] = "monitor";
	memset(&cmd, 0, sizeof(cmd));
	if (mgmctl_parse(argc, argv, &cmd))
		return -1;
	fflush(stdout);
	saved = dup(1);
	dup2(fileno(f), 1);
	rc = cmd.run(&cmd);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	mgmctl_cmd_free(&cmd);
	rewind(f);
	n = fread(out, 1, size - 1, f);
	out[n] = 0;
	fclose(f);
	return rc;
}

FIXTURE(mon) {
	char out[8192];
};

FIXTURE_SETUP(mon)
{
	struct mgm_event e[8];

	memset(&fk, 0, sizeof(fk));
	ASSERT_EQ(0, fake_dev_setup());
	fk.gen[0] = 10;
	fk.gen[1] = 30;
	fk.rec[0][0] = member(0, G(1), MGM_JOIN_STATE);
	fk.nrec[0] = 1;
	fk.rec[1][0] = member(0, G(1), MGM_JOIN_STATE);
	fk.rec[1][1] = member(S1, G(2), MGM_JOIN_STATE | MGM_FORWARD_STATE);
	fk.nrec[1] = 2;
	e[0] = table_ev(40, 9, MGM_EVENT_NEW, 0, G(1), 1);	/* listed already */
	e[1] = table_ev(41, 11, MGM_EVENT_NEW, S1, G(2), 1);
	e[2] = table_ev(42, 12, 0, S1, G(2), 3);
	e[3] = table_ev(43, 13, MGM_EVENT_GONE, S1, G(2), 0);
	e[4] = (struct mgm_event){ .seq = 50, .type = MGM_EVENT_OVERFLOW, .lost = 7 };
	e[5] = table_ev(51, 25, MGM_EVENT_NEW, S1, G(2), 3);	/* in the relisting */
	e[6] = table_ev(52, 31, MGM_EVENT_GONE, 0, G(1), 0);
	ASSERT_EQ(0, fake_dev_queue(e, 4));
	ASSERT_EQ(0, fake_dev_queue(e + 4, 3));
	close(fake_dev.peer);	/* then read() returns 0: monitor stops */
	fake_dev.peer = -1;
}

FIXTURE_TEARDOWN(mon)
{
	fake_dev_teardown();
}

TEST_F(mon, json_lines)
{
	const char *m = "\"group_mask\":\"255.255.255.255\"";
	char want[4096];

	EXPECT_EQ(EXIT_RUNTIME, run_monitor("-j", self->out, sizeof(self->out)));
	snprintf(want, sizeof(want),
		 "{\"event\":\"list\",\"generation\":10,\"group\":\"232.0.0.1\",%s,\"source\":\"0.0.0.0\",\"source_mask\":\"0.0.0.0\",\"dev\":\"lo\",\"ifindex\":1,\"nexthop\":\"0.0.0.0\",\"protocol\":10,\"protocol_name\":\"igmp\",\"component\":2,\"join\":true,\"forward\":false}\n"
		 "{\"event\":\"add\",\"seq\":41,\"generation\":11,\"group\":\"232.0.0.2\",%s,\"source\":\"10.0.0.1\",\"source_mask\":\"255.255.255.255\",\"dev\":\"lo\",\"ifindex\":1,\"nexthop\":\"0.0.0.0\",\"protocol\":10,\"protocol_name\":\"igmp\",\"component\":2,\"join\":true,\"forward\":false}\n"
		 "{\"event\":\"change\",\"seq\":42,\"generation\":12,\"group\":\"232.0.0.2\",%s,\"source\":\"10.0.0.1\",\"source_mask\":\"255.255.255.255\",\"dev\":\"lo\",\"ifindex\":1,\"nexthop\":\"0.0.0.0\",\"protocol\":10,\"protocol_name\":\"igmp\",\"component\":2,\"join\":true,\"forward\":true}\n"
		 "{\"event\":\"delete\",\"seq\":43,\"generation\":13,\"group\":\"232.0.0.2\",%s,\"source\":\"10.0.0.1\",\"source_mask\":\"255.255.255.255\",\"dev\":\"lo\",\"ifindex\":1,\"nexthop\":\"0.0.0.0\",\"protocol\":10,\"protocol_name\":\"igmp\",\"component\":2,\"join\":false,\"forward\":false}\n"
		 "{\"event\":\"overflow\",\"seq\":50,\"lost\":7}\n"
		 "{\"event\":\"list\",\"generation\":30,\"group\":\"232.0.0.1\",%s,\"source\":\"0.0.0.0\",\"source_mask\":\"0.0.0.0\",\"dev\":\"lo\",\"ifindex\":1,\"nexthop\":\"0.0.0.0\",\"protocol\":10,\"protocol_name\":\"igmp\",\"component\":2,\"join\":true,\"forward\":false}\n"
		 "{\"event\":\"list\",\"generation\":30,\"group\":\"232.0.0.2\",%s,\"source\":\"10.0.0.1\",\"source_mask\":\"255.255.255.255\",\"dev\":\"lo\",\"ifindex\":1,\"nexthop\":\"0.0.0.0\",\"protocol\":10,\"protocol_name\":\"igmp\",\"component\":2,\"join\":true,\"forward\":true}\n"
		 "{\"event\":\"delete\",\"seq\":52,\"generation\":31,\"group\":\"232.0.0.1\",%s,\"source\":\"0.0.0.0\",\"source_mask\":\"0.0.0.0\",\"dev\":\"lo\",\"ifindex\":1,\"nexthop\":\"0.0.0.0\",\"protocol\":10,\"protocol_name\":\"igmp\",\"component\":2,\"join\":false,\"forward\":false}\n",
		 m, m, m, m, m, m, m);
	EXPECT_STREQ(want, self->out);
	EXPECT_EQ(2, fk.listings);
}

TEST_F(mon, text_lines)
{
	EXPECT_EQ(EXIT_RUNTIME, run_monitor(NULL, self->out, sizeof(self->out)));
	EXPECT_STREQ("list   (*,232.0.0.1) dev lo proto igmp(10) component 2 join\n"
		     "add    (10.0.0.1,232.0.0.2) dev lo proto igmp(10) component 2 join\n"
		     "change (10.0.0.1,232.0.0.2) dev lo proto igmp(10) component 2 join forward\n"
		     "delete (10.0.0.1,232.0.0.2) dev lo proto igmp(10) component 2 gone\n"
		     "overflow 7 events lost: listing again\n"
		     "list   (*,232.0.0.1) dev lo proto igmp(10) component 2 join\n"
		     "list   (10.0.0.1,232.0.0.2) dev lo proto igmp(10) component 2 join forward\n"
		     "delete (*,232.0.0.1) dev lo proto igmp(10) component 2 gone\n",
		     self->out);
}

TEST_HARNESS_MAIN
