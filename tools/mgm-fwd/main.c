// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgm-fwd: the daemon. Takes the namespace's multicast routing table,
 * subscribes to mgm's membership changes and lists the table (in that
 * order: nothing is missed, contract D17), gives VIFs to the interfaces
 * protocols own, and runs one event loop: upcalls, membership events,
 * link notifications, control requests, signals and a one-second tick
 * (ownership changes have no event; idle MFEs expire). SIGTERM or SIGINT:
 * exit 0, and the kernel drops the MFC with our socket. SIGHUP: list the
 * table again and recompute every MFE. See mgm-fwd(8).
 *
 * Exit status: 0 after a signal (or -h, -V, -s, -M), 1 usage error, 2 the
 * daemon could not start (no mgm, no privilege, the table owned by
 * another program).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include "ctlsock.h"
#include "fwd.h"
#include "member_walk.h"

#define NAME		"mgm-fwd"
#define EVENT_BATCH	(65536 / sizeof(struct mgm_event))

enum { EV_SIGNAL, EV_MROUTE, EV_MGM, EV_LINK, EV_CTL, EV_TICK };

uint64_t fwd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void fwd_log(const struct fwd *f, const char *fmt, ...)
{
	va_list ap;

	(void)f;
	fprintf(stderr, NAME ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: " NAME " [-v] [-c SOCKET] [-t SECONDS] [-m COUNT]   run the daemon\n"
		"       " NAME " [-c SOCKET] [-j] -s|-M          ask the running one\n"
		"Forwards multicast to mgm's memberships through the kernel's multicast\n"
		"routing (ipmr) of this network namespace.\n"
		"  -c, --control SOCKET   control socket (default @mgm-fwd: abstract)\n"
		"  -t, --timeout SECONDS  an MFE idle this long is deleted (900)\n"
		"  -m, --max-mfes COUNT   most MFEs kept (65536)\n"
		"  -v, --verbose          log every new MFE\n"
		"  -s, --stats            the running daemon's VIFs and counters\n"
		"  -M, --mfes             its MFEs\n"
		"  -j, --json             JSON output for -s and -M\n"
		"  -h, --help    -V, --version\n");
}

/* One membership of a listing. */
static void listed_one(void *ctx, const struct mgm_member_record *r)
{
	struct fwd *f = ctx;

	if (members_set(&f->members, r->source, r->group, (int)r->ifindex, r->nexthop,
			r->protocol_id, r->component_id, r->member_flags) < 0)
		fwd_log(f, "out of memory keeping the memberships");
}

/* (Re)build the copy of the table; *@gen: the listing's generation. */
static int list_table(struct fwd *f, uint64_t *gen)
{
	struct mgm_member_enum_start a = { 0 };
	int err;

	members_clear(&f->members);
	if (ioctl(f->mgm_fd, MGM_IOC_MEMBER_ENUM_START, &a))
		return -errno;
	*gen = a.generation;
	err = member_walk(f->mgm_fd, a.cursor, listed_one, f, NULL);
	f->c.listings++;
	return err;
}

/* Apply the pending membership events; 0 or -errno (then relist). */
static int read_events(struct fwd *f, struct mgm_event *buf, uint64_t *listed)
{
	for (;;) {
		ssize_t got = read(f->mgm_fd, buf, EVENT_BATCH * sizeof(*buf));
		size_t i, n;

		if (got < 0)
			return errno == EAGAIN ? 0 : errno == EINTR ? 0 : -errno;
		n = (size_t)got / sizeof(*buf);
		for (i = 0; i < n; i++) {
			const struct mgm_event *e = &buf[i];
			int rc;

			if (e->type == MGM_EVENT_OVERFLOW) {
				f->c.overflows++;
				fwd_log(f, "%llu membership events lost: listing the table again",
					(unsigned long long)e->lost);
				rc = list_table(f, listed);
				if (rc)
					return rc;
				mfe_all_changed(f);
				continue;
			}
			if (e->type != MGM_EVENT_TABLE || e->generation <= *listed)
				continue;
			f->c.events++;
			if (vif_of(&f->vifs, (int)e->ifindex) < 0)
				vifs_sync(f);	/* taken just before the join? */
			rc = members_set(&f->members, e->source, e->group, (int)e->ifindex,
					 e->nexthop, e->protocol_id, e->component_id,
					 e->flags & MGM_EVENT_GONE ? 0 : e->member_flags);
			if (rc < 0)
				return rc;
			/* A forwarding membership that changed the set: its interface joined. */
			if (rc)
				mfe_entry_changed(f, e->source, e->group,
						  !(e->flags & MGM_EVENT_GONE) &&
						  (e->member_flags & MGM_FORWARD_STATE) ?
						  (int)e->ifindex : 0);
		}
	}
}

static int link_monitor(void)
{
	struct sockaddr_nl snl = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd >= 0 && bind(fd, (struct sockaddr *)&snl, sizeof(snl))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Drain the link notifications: any of them means "look again". */
static void link_drain(int fd)
{
	char buf[8192];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0 || errno == ENOBUFS)
		;
}

static int add_fd(int ep, int fd, int kind)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)kind };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static int run(struct fwd *f, const char *ctl_path)
{
	struct mgm_subscribe sub = { .events = MGM_SUBSCRIBE_TABLE };
	struct itimerspec tick = { { 1, 0 }, { 1, 0 } };
	struct mgm_event *evbuf = malloc(EVENT_BATCH * sizeof(*evbuf));
	int ep, sfd, lfd, cfd, tfd, rc = 2;
	uint64_t listed = 0, next_expiry;
	sigset_t sigs;

	f->mgm_fd = open("/dev/mgm", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (f->mgm_fd < 0) {
		fprintf(stderr, NAME ": cannot open /dev/mgm: %s%s\n", strerror(errno),
			errno == ENOENT || errno == ENODEV ? " (is the mgm module installed?)" : "");
		return 2;
	}
	if (!evbuf || members_init(&f->members) || mfes_init(&f->mfes)) {
		fprintf(stderr, NAME ": out of memory\n");
		return 2;
	}
	if (mroute_open(f))
		return 2;
	f->rt_fd = rpf_open();
	lfd = link_monitor();
	cfd = ctlsock_open(ctl_path);
	if (f->rt_fd < 0 || lfd < 0) {
		fprintf(stderr, NAME ": rtnetlink: %s\n", strerror(errno));
		return 2;
	}
	if (cfd < 0) {
		fprintf(stderr, NAME ": control socket %s: %s\n", ctl_path, strerror(-cfd));
		return 2;
	}
	if (ioctl(f->mgm_fd, MGM_IOC_SUBSCRIBE, &sub) || list_table(f, &listed)) {
		fprintf(stderr, NAME ": following mgm's memberships: %s\n", strerror(errno));
		return 2;
	}
	vifs_sync(f);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (sfd < 0 || tfd < 0 || ep < 0 || timerfd_settime(tfd, 0, &tick, NULL) ||
	    add_fd(ep, sfd, EV_SIGNAL) || add_fd(ep, f->mroute_fd, EV_MROUTE) ||
	    add_fd(ep, f->mgm_fd, EV_MGM) || add_fd(ep, lfd, EV_LINK) ||
	    add_fd(ep, cfd, EV_CTL) || add_fd(ep, tfd, EV_TICK)) {
		fprintf(stderr, NAME ": event loop: %s\n", strerror(errno));
		return 2;
	}
	f->started_ms = fwd_now_ms();
	next_expiry = f->started_ms + f->timeout_ms;
	fwd_log(f, "forwarding: %u VIFs, %zu memberships", f->vifs.count,
		f->members.member_count);
	for (;;) {
		struct epoll_event evs[8];
		int n = epoll_wait(ep, evs, 8, -1), i;

		if (n < 0 && errno != EINTR) {
			fwd_log(f, "epoll_wait: %s", strerror(errno));
			break;
		}
		for (i = 0; i < n; i++) {
			switch (evs[i].data.u32) {
			case EV_SIGNAL: {
				struct signalfd_siginfo si;

				while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
					if (si.ssi_signo != SIGHUP) {
						rc = 0;
						goto out;
					}
					if (list_table(f, &listed))
						fwd_log(f, "listing the table: %s", strerror(errno));
					vifs_sync(f);
					mfe_all_changed(f);
				}
				break;
			}
			case EV_MROUTE:
				mroute_read(f);
				break;
			case EV_MGM:
				if (read_events(f, evbuf, &listed)) {
					fwd_log(f, "membership events: %s", strerror(errno));
					goto out;
				}
				break;
			case EV_LINK:
				link_drain(lfd);
				vifs_sync(f);
				break;
			case EV_CTL: {
				uint64_t answers = f->c.answers;

				ctl_handle(f, cfd);
				/* A callee's timeout may end an MFE sooner: look at the next tick. */
				if (f->c.answers != answers)
					next_expiry = 0;
				break;
			}
			case EV_TICK: {
				uint64_t ticks, now = fwd_now_ms();

				if (read(tfd, &ticks, sizeof(ticks)) < 0)
					break;
				vifs_sync(f);
				if (now >= next_expiry)
					next_expiry = now + mfe_expire(f, now);
				break;
			}
			}
		}
	}
out:
	fwd_log(f, "stopping: the kernel drops the MFC with our socket");
	ctlsock_close(cfd, ctl_path);
	mfes_free(f);
	members_free(&f->members);
	free(evbuf);
	return rc;
}

int main(int argc, char **argv)
{
	struct fwd f = { .timeout_ms = 900000, .max_mfes = 65536, .mroute_fd = -1 };
	const char *ctl_path = "@" NAME;
	int c, client = 0;
	bool json = false;
	char *end;

	static const struct option longopts[] = {
		{ "control", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "max-mfes", required_argument, NULL, 'm' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "stats", no_argument, NULL, 's' },
		{ "mfes", no_argument, NULL, 'M' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};

	opterr = 0;	/* our own messages, below */
	while ((c = getopt_long(argc, argv, ":c:t:m:vsMjVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			ctl_path = optarg;
			break;
		case 't':
			errno = 0;
			f.timeout_ms = strtoull(optarg, &end, 10) * 1000;
			if (errno || *end || !*optarg || f.timeout_ms == 0 ||
			    f.timeout_ms > 86400000ull) {
				fprintf(stderr, NAME ": -t: seconds from 1 to 86400, not \"%s\"\n",
					optarg);
				return 1;
			}
			break;
		case 'm':
			errno = 0;
			f.max_mfes = strtoull(optarg, &end, 10);
			if (errno || *end || !*optarg || !f.max_mfes || f.max_mfes > 1000000) {
				fprintf(stderr, NAME ": -m: a count from 1 to 1000000, not \"%s\"\n",
					optarg);
				return 1;
			}
			break;
		case 'v':
			f.verbose = true;
			break;
		case 's':
		case 'M':
			client = c;
			break;
		case 'j':
			json = true;
			break;
		case 'V':
			printf(NAME " " MGM_VERSION "\n");
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, NAME ": option \"%s\" needs an argument\n", argv[optind - 1]);
			usage(stderr);
			return 1;
		default:
			fprintf(stderr, NAME ": unknown option \"%s\"\n", argv[optind - 1]);
			usage(stderr);
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, NAME ": unexpected argument \"%s\"\n", argv[optind]);
		usage(stderr);
		return 1;
	}
	if (client)
		return ctlsock_ask(ctl_path, client == 's' ? "stats" : "mfes", json, NAME,
				   stdout, stderr);
	setvbuf(stderr, NULL, _IOLBF, 0);
	return run(&f, ctl_path);
}
