// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libmgm's MFE calls (lib/mfe.c) against a stand-in for mgm-fwd on the
 * build machine: a thread answers on an abstract control socket with the
 * daemons' own transport (tools/common/ctlsock.c) and the records each
 * test sets, so ordering, sizes, the Windows codes, the record fields,
 * bad answers and a large answer are checked without a kernel. The real
 * daemon's answers are checked in the VM (selftests/fwd_test.c).
 */
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "ctlsock.h"
#include "mfe_wire.h"
#include "mgm.h"

/* What the stand-in answers (set by a test before its calls). */
struct answer {
	const void *bytes;
	size_t len;
	int requests;		/* how many it answered */
};

struct server {
	pthread_t thread;
	int fd, stop[2];
	struct answer a;
	char path[64];
};

static int render(void *ctx, const char *req, bool json, const struct ucred *cred,
		  FILE *out)
{
	struct answer *a = ctx;

	(void)cred;
	if (strcmp(req, MGM_FWD_MFE_REQUEST) || json)
		return -1;
	a->requests++;
	fwrite(a->bytes, 1, a->len, out);
	return 0;
}

static void *serve(void *arg)
{
	struct server *s = arg;

	for (;;) {
		struct pollfd p[2] = { { .fd = s->fd, .events = POLLIN },
				       { .fd = s->stop[0], .events = POLLIN } };

		if (poll(p, 2, -1) < 0 || p[1].revents)
			return NULL;
		ctlsock_serve(s->fd, render, &s->a);
	}
}

static struct mgm_fwd_mfe_record rec(uint32_t s, uint32_t g, uint32_t oifs)
{
	struct mgm_fwd_mfe_record r = {
		.magic = MGM_FWD_MFE_MAGIC, .source = htonl(s), .group = htonl(g),
		.in_ifindex = 2, .in_protocol = PROTO_IP_IGMP, .route_protocol = 2,
		.route_network = htonl(s & 0xffffff00u), .route_mask = htonl(0xffffff00u),
		.oif_count = oifs, .uptime_ms = 12345, .expiry_ms = 890000,
		.timeout_ms = 900000, .packets = 77, .bytes = 7700, .wrong_if = 3,
	};
	uint32_t i;

	for (i = 0; i < oifs && i < MGM_FWD_MAX_OIFS; i++)
		r.oif[i] = 10 + i;
	return r;
}

#define S(n)	(0x0a000000u + (n))	/* 10.0.0.n */
#define G(n)	(0xe8010000u + (n))	/* 232.1.0.n */

FIXTURE(mfe) {
	struct server srv;
};

FIXTURE_SETUP(mfe)
{
	snprintf(self->srv.path, sizeof(self->srv.path), "@mfe-host-test-%d", (int)getpid());
	self->srv.fd = ctlsock_open(self->srv.path);
	ASSERT_LE(0, self->srv.fd);
	ASSERT_EQ(0, pipe(self->srv.stop));
	ASSERT_EQ(0, pthread_create(&self->srv.thread, NULL, serve, &self->srv));
	ASSERT_EQ(0, setenv(MGM_FWD_CONTROL_ENV, self->srv.path, 1));
}

FIXTURE_TEARDOWN(mfe)
{
	if (write(self->srv.stop[1], "", 1) == 1)
		pthread_join(self->srv.thread, NULL);
	ctlsock_close(self->srv.fd, self->srv.path);
	close(self->srv.stop[0]);
	close(self->srv.stop[1]);
}

static void answer(FIXTURE_DATA(mfe) *self, const void *bytes, size_t len)
{
	self->srv.a = (struct answer){ .bytes = bytes, .len = len };
}

/* Sorted by group then source, as many as fit, MORE_DATA then NO_MORE. */
TEST_F(mfe, first_and_next_in_group_then_source_order)
{
	struct mgm_fwd_mfe_record r[4] = {
		rec(S(9), G(2), 1), rec(S(5), G(3), 0), rec(S(1), G(2), 2), rec(S(7), G(1), 3),
	};
	BYTE buf[4096];
	MIB_IPMCAST_MFE *m = (MIB_IPMCAST_MFE *)buf, start;
	DWORD size, num = 99;

	answer(self, r, sizeof(r));
	/* Room for (S7,G1) with 3 oifs and (S1,G2) with 2, not (S9,G2). */
	size = (DWORD)(SIZEOF_MIB_MFE(3) + SIZEOF_MIB_MFE(2) + 10);
	ASSERT_EQ(ERROR_MORE_DATA, MgmGetFirstMfe(&size, buf, &num));
	ASSERT_EQ(2u, num);
	EXPECT_EQ(htonl(G(1)), m->dwGroup);
	EXPECT_EQ(htonl(S(7)), m->dwSource);
	EXPECT_EQ(3u, m->ulNumOutIf);
	m = (MIB_IPMCAST_MFE *)(buf + SIZEOF_MIB_MFE(3));
	EXPECT_EQ(htonl(G(2)), m->dwGroup);
	EXPECT_EQ(htonl(S(1)), m->dwSource);
	start = *m;
	size = sizeof(buf);
	ASSERT_EQ(ERROR_NO_MORE_ITEMS, MgmGetNextMfe(&start, &size, buf, &num));
	ASSERT_EQ(2u, num);
	m = (MIB_IPMCAST_MFE *)buf;
	EXPECT_EQ(htonl(S(9)), m->dwSource);
	EXPECT_EQ(htonl(G(2)), m->dwGroup);
	m = (MIB_IPMCAST_MFE *)(buf + SIZEOF_MIB_MFE(1));
	EXPECT_EQ(htonl(S(5)), m->dwSource);
	EXPECT_EQ(htonl(G(3)), m->dwGroup);
	start = *m;
	EXPECT_EQ(ERROR_NO_MORE_ITEMS, MgmGetNextMfe(&start, &size, buf, &num));
	EXPECT_EQ(0u, num);
	EXPECT_EQ(3, self->srv.a.requests);
}

/* Not even one fits: the size the next one needs, nothing copied. */
TEST_F(mfe, insufficient_buffer_gives_the_size_of_one)
{
	struct mgm_fwd_mfe_record r[2] = { rec(S(1), G(1), 4), rec(S(2), G(1), 0) };
	BYTE buf[64];
	DWORD size = 0, num = 5;
	MIB_IPMCAST_MFE key = { .dwSource = htonl(S(1)), .dwGroup = htonl(G(1)) };

	answer(self, r, sizeof(r));
	EXPECT_EQ(ERROR_INSUFFICIENT_BUFFER, MgmGetFirstMfe(&size, NULL, &num));
	EXPECT_EQ(SIZEOF_MIB_MFE(4), size);
	EXPECT_EQ(0u, num);
	size = sizeof(buf);	/* 64 < 60 + 64 */
	EXPECT_EQ(ERROR_INSUFFICIENT_BUFFER, MgmGetMfe(&key, &size, buf));
	EXPECT_EQ(SIZEOF_MIB_MFE(4), size);
	size = 0;
	EXPECT_EQ(ERROR_INSUFFICIENT_BUFFER, MgmGetFirstMfeStats(&size, NULL, &num, MGM_MFE_STATS_1));
	EXPECT_EQ(SIZEOF_MIB_MFE_STATS_EX(4), size);
	key.dwSource = htonl(S(2));
	size = (DWORD)SIZEOF_MIB_MFE(0);
	EXPECT_EQ(NO_ERROR, MgmGetMfe(&key, &size, buf));
	key.dwSource = htonl(S(3));
	EXPECT_EQ(ERROR_NOT_FOUND, MgmGetMfe(&key, &size, buf));
}

/* Every field of the three forms, from the record. */
TEST_F(mfe, record_fields_in_every_form)
{
	struct mgm_fwd_mfe_record r = rec(S(4), G(4), 2);
	union {
		MIB_IPMCAST_MFE mfe;
		MIB_IPMCAST_MFE_STATS st;
		MIB_IPMCAST_MFE_STATS_EX ex;
		BYTE bytes[1024];
	} u;
	MIB_IPMCAST_MFE key = { .dwSource = htonl(S(4)), .dwGroup = htonl(G(4)) };
	MIB_IPMCAST_OIF *oif = (MIB_IPMCAST_OIF *)(u.bytes + SIZEOF_MIB_MFE(0));
	MIB_IPMCAST_OIF_STATS *os;
	DWORD size = sizeof(u);

	r.packets = 0x100000005ull;	/* wider than a ULONG: clamped */
	answer(self, &r, sizeof(r));
	ASSERT_EQ(NO_ERROR, MgmGetMfe(&key, &size, u.bytes));
	EXPECT_EQ(0xffffffffu, u.mfe.dwSrcMask);
	EXPECT_EQ(0u, u.mfe.dwUpStrmNgbr);
	EXPECT_EQ(2u, u.mfe.dwInIfIndex);
	EXPECT_EQ(PROTO_IP_IGMP, u.mfe.dwInIfProtocol);
	EXPECT_EQ(2u, u.mfe.dwRouteProtocol);
	EXPECT_EQ(htonl(0x0a000000u), u.mfe.dwRouteNetwork);
	EXPECT_EQ(htonl(0xffffff00u), u.mfe.dwRouteMask);
	EXPECT_EQ(12u, u.mfe.ulUpTime);
	EXPECT_EQ(890u, u.mfe.ulExpiryTime);
	EXPECT_EQ(900u, u.mfe.ulTimeOut);
	EXPECT_EQ(2u, u.mfe.ulNumOutIf);
	EXPECT_EQ(10u, oif[0].dwOutIfIndex);
	EXPECT_EQ(11u, oif[1].dwOutIfIndex);
	EXPECT_EQ(0u, oif[1].dwNextHopAddr);

	size = sizeof(u);
	ASSERT_EQ(NO_ERROR, MgmGetMfeStats(&key, &size, u.bytes, MGM_MFE_STATS_0));
	EXPECT_EQ(1234u, u.st.ulUpTime);	/* hundredths */
	EXPECT_EQ(89000u, u.st.ulExpiryTime);
	EXPECT_EQ(0xffffffffu, u.st.ulInPkts);
	EXPECT_EQ(7700u, u.st.ulInOctets);
	EXPECT_EQ(3u, u.st.ulPktsDifferentIf);
	os = (MIB_IPMCAST_OIF_STATS *)(u.bytes + SIZEOF_MIB_MFE_STATS(0));
	EXPECT_EQ(11u, os[1].dwOutIfIndex);
	EXPECT_EQ(0xffffffffu, os[1].ulOutPackets);

	r.packets = 40;
	size = sizeof(u);
	ASSERT_EQ(NO_ERROR, MgmGetMfeStats(&key, &size, u.bytes, MGM_MFE_STATS_1));
	EXPECT_EQ(40u, u.ex.ulInPkts);
	EXPECT_EQ(80u, u.ex.ulTotalOutPackets);
	EXPECT_EQ(0u, u.ex.ulNegativeMfe);
	os = (MIB_IPMCAST_OIF_STATS *)(u.bytes + SIZEOF_MIB_MFE_STATS_EX(0));
	EXPECT_EQ(10u, os[0].dwOutIfIndex);
	EXPECT_EQ(40u, os[0].ulOutPackets);

	r.oif_count = 0;	/* negative: its packets are the dropped ones */
	size = sizeof(u);
	ASSERT_EQ(NO_ERROR, MgmGetMfeStats(&key, &size, u.bytes, MGM_MFE_STATS_1));
	EXPECT_EQ(40u, u.ex.ulNegativeMfe);
	EXPECT_EQ(0u, u.ex.ulTotalOutPackets);
}

/* Each bad argument alone, with otherwise valid ones. */
TEST_F(mfe, bad_arguments)
{
	struct mgm_fwd_mfe_record r = rec(S(1), G(1), 1);
	MIB_IPMCAST_MFE key = { .dwSource = htonl(S(1)), .dwGroup = htonl(G(1)) };
	BYTE buf[512];
	DWORD size = sizeof(buf), num;

	answer(self, &r, sizeof(r));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGetMfe(NULL, &size, buf));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGetMfe(&key, NULL, buf));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGetMfe(&key, &size, NULL));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGetFirstMfe(&size, buf, NULL));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGetFirstMfe(NULL, buf, &num));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGetNextMfe(NULL, &size, buf, &num));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGetMfeStats(&key, &size, buf, 0));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGetMfeStats(&key, &size, buf, 3));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmGetFirstMfeStats(&size, buf, &num, 4));
	EXPECT_EQ(ERROR_INVALID_PARAMETER,
		  MgmGetNextMfeStats(&key, &size, buf, &num, MGM_MFE_STATS_0 | MGM_MFE_STATS_1));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmSetMfe(NULL, &key));	/* no such handle */
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmSetMfe((HANDLE)0x1235, &key));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, MgmSetMfe((HANDLE)0x1235, NULL));
	EXPECT_EQ(0, self->srv.a.requests);	/* refused before asking */
	EXPECT_EQ(NO_ERROR, MgmGetMfeStats(&key, &size, buf, MGM_MFE_STATS_0));
}

/* What is not a list of records is ERROR_CAN_NOT_COMPLETE. */
TEST_F(mfe, bad_answers_are_refused)
{
	struct mgm_fwd_mfe_record r[2] = { rec(S(1), G(1), 1), rec(S(2), G(1), 1) };
	static const char err[] = "error: out of memory\n";
	BYTE buf[1024];
	DWORD size = sizeof(buf), num;

	answer(self, r, sizeof(r) - 1);
	EXPECT_EQ(ERROR_CAN_NOT_COMPLETE, MgmGetFirstMfe(&size, buf, &num));
	r[1].magic = 0;
	answer(self, r, sizeof(r));
	EXPECT_EQ(ERROR_CAN_NOT_COMPLETE, MgmGetFirstMfe(&size, buf, &num));
	r[1] = rec(S(2), G(1), MGM_FWD_MAX_OIFS + 1);
	EXPECT_EQ(ERROR_CAN_NOT_COMPLETE, MgmGetFirstMfe(&size, buf, &num));
	answer(self, err, strlen(err));
	EXPECT_EQ(ERROR_CAN_NOT_COMPLETE, MgmGetFirstMfe(&size, buf, &num));
	/* An empty answer: no MFE. */
	answer(self, "", 0);
	num = 3;
	EXPECT_EQ(ERROR_NO_MORE_ITEMS, MgmGetFirstMfe(&size, buf, &num));
	EXPECT_EQ(0u, num);
}

/* No forwarder: no MFE (the kernel deleted them with it). */
TEST_F(mfe, no_forwarder_means_no_mfe)
{
	MIB_IPMCAST_MFE key = { .dwSource = htonl(S(1)), .dwGroup = htonl(G(1)) };
	BYTE buf[256];
	DWORD size = sizeof(buf), num = 4;

	ASSERT_EQ(0, setenv(MGM_FWD_CONTROL_ENV, "@mfe-host-test-nobody", 1));
	EXPECT_EQ(ERROR_NO_MORE_ITEMS, MgmGetFirstMfe(&size, buf, &num));
	EXPECT_EQ(0u, num);
	EXPECT_EQ(ERROR_NOT_FOUND, MgmGetMfe(&key, &size, buf));
}

/*
 * 20000 MFEs (4.3 MB): more than the client's socket queue holds, so the
 * daemon's side must wait for the reader; every one arrives, in order.
 */
TEST_F(mfe, a_large_answer_arrives_whole)
{
	size_t n = 20000, i;
	struct mgm_fwd_mfe_record *r = calloc(n, sizeof(*r));
	size_t cap = n * SIZEOF_MIB_MFE(1);
	BYTE *buf = malloc(cap);
	DWORD size = (DWORD)cap, num = 0;
	bool ordered = true;

	ASSERT_NE(NULL, r);
	ASSERT_NE(NULL, buf);
	for (i = 0; i < n; i++)
		r[i] = rec(S(1 + (uint32_t)(i % 200)), G((uint32_t)(n - i)), 1);
	answer(self, r, n * sizeof(*r));
	ASSERT_EQ(ERROR_NO_MORE_ITEMS, MgmGetFirstMfe(&size, buf, &num));
	EXPECT_EQ(n, num);
	for (i = 1; i < num; i++) {
		const MIB_IPMCAST_MFE *a = (const void *)(buf + (i - 1) * SIZEOF_MIB_MFE(1));
		const MIB_IPMCAST_MFE *b = (const void *)(buf + i * SIZEOF_MIB_MFE(1));

		if (ntohl(a->dwGroup) >= ntohl(b->dwGroup))
			ordered = false;
	}
	EXPECT_TRUE(ordered);
	free(r);
	free(buf);
}

TEST_HARNESS_MAIN
