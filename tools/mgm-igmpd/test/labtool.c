// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgm-igmpd-lab - what busybox cannot do for the demo (and for trying
 * mgm-igmpd by hand in the VM):
 *
 *   mgm-igmpd-lab veth NAME[@PID] PEER[@PID]
 *	a veth pair with both names chosen, each end in the network
 *	namespace of PID (default: ours)
 *   mgm-igmpd-lab join IFNAME GROUP [SOURCE]
 *	join GROUP (or SOURCE's channel of it) on IFNAME with the socket API
 *	and hold the membership until SIGTERM or SIGINT: the kernel's IGMP
 *	reports it, and reports the leave when we exit
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "lab.h"

static int usage(void)
{
	fputs("usage: mgm-igmpd-lab veth NAME[@PID] PEER[@PID]\n"
	      "       mgm-igmpd-lab join IFNAME GROUP [SOURCE]\n", stderr);
	return 1;
}

/* "name@pid" -> name, pid */
static int split(char *arg, pid_t *pid)
{
	char *at = strchr(arg, '@');

	*pid = 0;
	if (!at)
		return 0;
	*at = 0;
	*pid = (pid_t)atoi(at + 1);
	return *pid > 0 ? 0 : -1;
}

static int cmd_veth(char *name, char *peer)
{
	pid_t a, b;
	int err;

	if (split(name, &a) || split(peer, &b))
		return usage();
	err = lab_veth(name, a, peer, b);
	if (err) {
		fprintf(stderr, "mgm-igmpd-lab: veth %s %s: %s\n", name, peer,
			strerror(-err));
		return 2;
	}
	return 0;
}

static int cmd_join(const char *ifname, const char *group, const char *source)
{
	unsigned int ifindex = if_nametoindex(ifname);
	struct group_source_req gsr = { .gsr_interface = ifindex };
	struct sockaddr_in *g = (struct sockaddr_in *)&gsr.gsr_group;
	struct sockaddr_in *s = (struct sockaddr_in *)&gsr.gsr_source;
	sigset_t set;
	int fd, sig;

	if (!ifindex) {
		fprintf(stderr, "mgm-igmpd-lab: no interface %s\n", ifname);
		return 2;
	}
	g->sin_family = s->sin_family = AF_INET;
	if (inet_pton(AF_INET, group, &g->sin_addr) != 1 ||
	    (source && inet_pton(AF_INET, source, &s->sin_addr) != 1))
		return usage();
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 ||
	    setsockopt(fd, IPPROTO_IP,
		       source ? MCAST_JOIN_SOURCE_GROUP : MCAST_JOIN_GROUP,
		       &gsr, source ? sizeof(gsr) : sizeof(struct group_req))) {
		fprintf(stderr, "mgm-igmpd-lab: join %s: %s\n", group,
			strerror(errno));
		return 2;
	}
	printf("host: joined %s%s%s on %s\n", source ? source : "",
	       source ? "," : "", group, ifname);
	fflush(stdout);
	sigwait(&set, &sig);
	close(fd);		/* the kernel reports the leave */
	printf("host: left %s on %s\n", group, ifname);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "veth"))
		return cmd_veth(argv[2], argv[3]);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "join"))
		return cmd_join(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	return usage();
}
