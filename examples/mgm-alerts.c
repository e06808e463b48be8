// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgm-alerts - two routing protocols in two processes tell each other
 * about their receivers through the Windows MGM callbacks.
 *
 *	mgm-alerts IFACE_A IFACE_B [GROUP]
 *
 * Process "a" registers protocol A and takes IFACE_A; process "b" registers
 * B and takes IFACE_B. Then the callbacks drive a little conversation on
 * GROUP (default 232.1.2.3), each step the answer to the callback before:
 *
 *	a joins (*,G)          -> b: JoinAlert   (the first protocol came)
 *	b joins, in that call  -> a: JoinAlert   (a second one came)
 *	a leaves, in that call -> b: PruneAlert  (b is the one that remains)
 *	b leaves, in that call -> a: PruneAlert  (the last one went)
 *
 * Each process prints its callbacks as they run (on the library's event
 * thread, which may call any Mgm function). Exit status 0 once both saw
 * their two alerts, 1 on an error, 2 after 10 s without the last one.
 * Needs CAP_NET_ADMIN.
 *
 * Build against an installed libmgm:
 *	cc -o mgm-alerts mgm-alerts.c $(pkg-config --cflags --libs libmgm)
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <mgm.h>

#define PROTOCOL_A	0x4d41		/* protocol ids of our own */
#define PROTOCOL_B	0x4d42
#define MASK		0xffffffffu

static const char *name;		/* "a" or "b" */
static HANDLE proto;
static DWORD ifindex, group;
static sem_t done;			/* posted by the last callback */

static const char *ip(DWORD addr, char buf[16])
{
	struct in_addr a = { .s_addr = addr };

	return addr ? inet_ntop(AF_INET, &a, buf, 16) : "*";
}

static void change(int join)
{
	DWORD rc;

	/* Printed first: the other process's answer may come before we return. */
	printf("%s: %s (*,%s)\n", name, join ? "join" : "leave",
	       ip(group, (char[16]){ 0 }));
	fflush(stdout);
	rc = join ?
		MgmAddGroupMembershipEntry(proto, 0, 0, group, MASK, ifindex, 0,
					   MGM_JOIN_STATE_FLAG) :
		MgmDeleteGroupMembershipEntry(proto, 0, 0, group, MASK, ifindex, 0,
					      MGM_JOIN_STATE_FLAG);
	if (rc != NO_ERROR)
		fprintf(stderr, "%s: %s\n", name, mgm_error_name(rc));
}

static DWORD join_alert(DWORD s, DWORD smask, DWORD g, DWORD gmask, BOOL update)
{
	char sb[16], gb[16];

	(void)smask, (void)gmask;
	printf("%s: JoinAlert (%s,%s) bMemberUpdate=%d\n", name, ip(s, sb),
	       ip(g, gb), update);
	fflush(stdout);
	if (*name == 'b')
		change(1);		/* b answers by joining too */
	else
		change(0);		/* a answers by leaving */
	return NO_ERROR;
}

static DWORD prune_alert(DWORD s, DWORD smask, DWORD g, DWORD gmask, DWORD ifx,
			 DWORD nexthop, BOOL del, PDWORD timeout)
{
	char sb[16], gb[16], ifname[IF_NAMESIZE] = "?";

	(void)smask, (void)gmask, (void)nexthop, (void)timeout;
	if_indextoname(ifx, ifname);
	printf("%s: PruneAlert (%s,%s) on %s bMemberDelete=%d\n", name, ip(s, sb),
	       ip(g, gb), ifname, del);
	fflush(stdout);
	if (*name == 'b')
		change(0);		/* b leaves in turn */
	sem_post(&done);
	return NO_ERROR;
}

/* Register, take the interface, tell the other process we are ready. */
static int setup(DWORD id, const char *ifname)
{
	ROUTING_PROTOCOL_CONFIG cfg = {
		.pfnJoinAlertCallback = join_alert,
		.pfnPruneAlertCallback = prune_alert,
	};
	DWORD rc;

	ifindex = if_nametoindex(ifname);
	if (!ifindex) {
		fprintf(stderr, "%s: no interface %s\n", name, ifname);
		return -1;
	}
	rc = MgmRegisterMProtocol(&cfg, id, 1, &proto);
	if (rc == NO_ERROR)
		rc = MgmTakeInterfaceOwnership(proto, ifindex, 0);
	if (rc != NO_ERROR) {
		fprintf(stderr, "%s: %s\n", name, mgm_error_name(rc));
		return -1;
	}
	return 0;
}

static int wait_done(void)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	return sem_timedwait(&done, &until) ? 2 : 0;
}

static int teardown(int rc)
{
	MgmReleaseInterfaceOwnership(proto, ifindex, 0);
	MgmDeRegisterMProtocol(proto);
	return rc;
}

int main(int argc, char **argv)
{
	struct in_addr g = { .s_addr = htonl(0xe8010203u) };	/* 232.1.2.3 */
	int ready[2], status, rc;
	pid_t b;
	char c;

	if (argc < 3 || (argc > 3 && !inet_pton(AF_INET, argv[3], &g))) {
		fprintf(stderr, "usage: mgm-alerts IFACE_A IFACE_B [GROUP]\n");
		return 1;
	}
	group = g.s_addr;
	sem_init(&done, 0, 0);
	if (pipe(ready))
		return 1;
	b = fork();
	if (b < 0)
		return 1;
	if (b == 0) {
		name = "b";
		if (setup(PROTOCOL_B, argv[2]))
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		_exit(teardown(wait_done()));
	}
	name = "a";
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1 || setup(PROTOCOL_A, argv[1])) {
		waitpid(b, NULL, 0);
		return 1;
	}
	change(1);			/* a starts the conversation */
	rc = wait_done();
	if (waitpid(b, &status, 0) != b || !WIFEXITED(status))
		rc = 1;
	else if (!rc)
		rc = WEXITSTATUS(status);
	return teardown(rc);
}
