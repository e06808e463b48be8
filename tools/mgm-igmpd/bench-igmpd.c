// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgm-igmpd-bench [N [GROUPS]] - IGMP reports mgm-igmpd processes per
 * second, end to end, in the VM (the mgm module loaded):
 *
 * a router namespace (ours) runs mgm-igmpd on r0; a host namespace on the
 * other end of a veth link sends N IGMPv3 reports as fast as the daemon
 * takes them (at most WINDOW ahead of its "reports" counter, so that
 * nothing is lost to a full socket buffer). The first GROUPS reports are
 * joins (TO_EX({}) of a new group: validation, state, one mgm membership
 * each), the rest current-state refreshes of those groups (IS_EX({})),
 * as hosts send them when queried. Prints
 *
 *   bench: igmpd_reports n=N reports_per_s=V joins=GROUPS
 *
 * and exits 0 when every report was processed and every group appeared.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "lab.h"

#define WINDOW		512
#define CTL		"@mgm-igmpd-bench"
#define ROUTER_ADDR	"10.77.0.1"
#define HOST_ADDR	"10.77.0.2"

static void die(const char *what, int err)
{
	fprintf(stderr, "mgm-igmpd-bench: %s: %s\n", what, strerror(err));
	exit(2);
}

static long long reports_done(void)
{
	char *s = lab_ctl(CTL, "stats json");
	long long n = lab_json_num(s, "reports");

	free(s);
	return n;
}

/* A v3 report of one record without sources for group @g. */
static size_t report(uint8_t *pkt, uint8_t type, uint32_t g)
{
	uint8_t m[16] = { 0x22, 0, 0, 0, 0, 0, 0, 1, type, 0, 0, 0 };
	uint16_t c;

	memcpy(m + 12, &g, 4);
	c = lab_csum(m, sizeof(m));
	m[2] = (uint8_t)(c >> 8);
	m[3] = (uint8_t)c;
	return lab_ip_igmp(pkt, inet_addr(HOST_ADDR), inet_addr("224.0.0.22"),
			   m, sizeof(m));
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 50000;
	unsigned long groups = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000;
	char max_groups[32], log[] = "/tmp/mgm-igmpd-bench.log";
	char *args[] = {
		"mgm-igmpd", "-i", "r0", "-c", CTL, "-l", "warning",
		"--max-groups", max_groups, NULL,
	};
	uint64_t t0, last_progress;
	unsigned long sent = 0;
	long long done = 0;
	struct lab_node host;
	uint8_t pkt[64];
	int fd, ifindex, err, i;
	pid_t igmpd;
	char *s;

	if (!n || !groups || groups > 65536 || argc > 3) {
		fputs("usage: mgm-igmpd-bench [N [GROUPS]]\n", stderr);
		return 1;
	}
	snprintf(max_groups, sizeof(max_groups), "%lu", groups);
	if (unshare(CLONE_NEWNET))
		die("unshare", errno);
	err = lab_node_start(&host);
	if (err)
		die("host namespace", -err);
	err = lab_veth("r0", 0, "eth0", host.pid);
	if (err)
		die("veth", -err);
	if (system("ip link set lo up && ip addr add " ROUTER_ADDR "/24 dev r0 && ip link set r0 up") ||
	    lab_node_sh(&host, "ip addr add " HOST_ADDR "/24 dev eth0 && ip link set eth0 up"))
		die("addresses", EIO);
	unlink(log);
	igmpd = lab_spawn(log, args);
	if (igmpd < 0)
		die("mgm-igmpd", -igmpd);
	for (i = 0; i < 500 && reports_done() < 0; i++)
		usleep(20000);
	if (reports_done() < 0)
		die("mgm-igmpd does not answer (see /tmp/mgm-igmpd-bench.log)", EIO);
	fd = lab_node_socket(&host, AF_PACKET, SOCK_DGRAM, 0);
	ifindex = lab_node_ifindex(&host, "eth0");
	if (fd < 0 || ifindex < 0)
		die("packet socket", fd < 0 ? -fd : -ifindex);

	t0 = last_progress = lab_now_ms();
	while ((unsigned long)done < n) {
		while (sent < n && sent - (unsigned long)done < WINDOW) {
			uint32_t g = htonl(0xefc80000u + (uint32_t)(sent % groups));
			size_t len = report(pkt, sent < groups ? 4 : 2, g);

			err = lab_send_ip(fd, NULL, ifindex, pkt, len);
			if (err == -ENOBUFS || err == -EAGAIN)
				break;
			if (err)
				die("send", -err);
			sent++;
		}
		{
			long long d = reports_done();

			if (d > done) {
				done = d;
				last_progress = lab_now_ms();
			} else if (lab_now_ms() - last_progress > 3000) {
				break;	/* lost some: report what was done */
			} else if (sent - (unsigned long)done >= WINDOW) {
				usleep(1000);
			}
		}
	}
	{
		double secs = (double)(lab_now_ms() - t0) / 1000.0;

		s = lab_ctl(CTL, "stats json");
		printf("bench: igmpd_reports n=%lld reports_per_s=%.0f joins=%lld\n",
		       done, secs > 0 ? (double)done / secs : 0.0,
		       lab_json_num(s, "joins"));
		fflush(stdout);
	}
	err = (unsigned long)done == n && lab_json_num(s, "joins") == (long long)groups &&
	      lab_json_num(s, "drops") == 0 ? 0 : 1;
	if (err)
		fprintf(stderr, "mgm-igmpd-bench: %lld of %lu reports processed, %lld joins (want %lu)\n",
			done, n, lab_json_num(s, "joins"), groups);
	free(s);
	kill(igmpd, SIGTERM);
	lab_wait(igmpd, 5000);
	lab_node_kill(&host);
	return err;
}
