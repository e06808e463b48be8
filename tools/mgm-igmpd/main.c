// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgm-igmpd: the daemon. Sets up the world (control socket, raw socket,
 * link monitor, the MGM protocol), attaches the interfaces it serves as
 * they appear, and runs one event loop: packets, link and address
 * notifications, control requests, signals and the timer heap. SIGTERM or
 * SIGINT: release every interface (mgm deletes our memberships on it),
 * deregister, exit 0. See mgm-igmpd(8).
 *
 * Exit status: 0 after a signal (or -h, -v, -s, -G), 1 usage error, 2 the
 * daemon could not start (no mgm, no privilege, interface owned by
 * another IGMP).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include "ctl.h"
#include "net.h"

enum ev_kind { EV_SIGNAL, EV_NETLINK, EV_CONTROL, EV_IFACE, EV_MGM };

#define EV(kind, idx)	((uint64_t)(idx) << 8 | (kind))
#define RX_BURST	256

static int world_send(struct iface *ifp, uint32_t dst, const void *buf,
		      size_t len)
{
	const struct igmpd_world *w = ifp->d->ops_ctx;

	return net_send(w->tx_fd, ifp->ifindex, ifp->addr, dst, buf, len);
}

static const struct igmpd_ops world_ops = {
	.join = mgm_glue_join,
	.leave = mgm_glue_leave,
	.send = world_send,
	.strerror = mgm_glue_strerror,
};

static struct iface *iface_by_index(struct igmpd *d, int ifindex)
{
	size_t i;

	for (i = 0; ifindex > 0 && i < d->n_ifaces; i++)
		if (d->ifaces[i].ifindex == ifindex)
			return &d->ifaces[i];
	return NULL;
}

static unsigned int iface_installed(const struct iface *ifp)
{
	unsigned int n = 0;
	uint32_t k, i;

	for (k = 0; ifp->buckets && k < ifp->nbuckets; k++) {
		const struct group *g;

		for (g = ifp->buckets[k]; g; g = g->hnext) {
			n += g->star_installed;
			for (i = 0; i < g->nsrcs; i++)
				n += g->srcs[i].installed;
		}
	}
	return n;
}

static int iface_attach(struct igmpd *d, struct iface *ifp, int ifindex,
			uint64_t now)
{
	struct igmpd_world *w = d->ops_ctx;
	struct epoll_event ev = {
		.events = EPOLLIN, .data.u64 = EV(EV_IFACE, ifp - d->ifaces),
	};
	char a[INET_ADDRSTRLEN];
	uint32_t n;
	int fd;

	ifp->ifindex = ifindex;
	if (mgm_glue_take(ifp)) {
		ifp->ifindex = 0;
		return -1;
	}
	ifp->owned = true;
	fd = net_open_rx(ifindex);
	if (fd < 0) {
		logmsg(&d->log, LOG_LVL_ERR, "%s: packet socket: %s", ifp->name,
		       strerror(-fd));
		goto fail;
	}
	if (group_table_init(ifp) ||
	    epoll_ctl(w->ep_fd, EPOLL_CTL_ADD, fd, &ev)) {
		logmsg(&d->log, LOG_LVL_ERR, "%s: %s", ifp->name, strerror(errno));
		close(fd);
		goto fail;
	}
	ifp->rx_fd = fd;
	ifp->addr = net_if_addr(w->tx_fd, ifp->name);
	ifp->p = d->cfg.params;
	querier_start(ifp, now);
	n = htonl(ifp->addr);
	logmsg(&d->log, LOG_LVL_NOTICE, "%s: serving (ifindex %d, address %s)",
	       ifp->name, ifindex, inet_ntop(AF_INET, &n, a, sizeof(a)));
	return 0;
fail:
	group_table_free(ifp);
	mgm_glue_release(ifp);
	ifp->owned = false;
	ifp->ifindex = 0;
	return -1;
}

/* Stop serving @ifp; @gone: the device is gone and mgm dropped it all. */
static void iface_detach(struct igmpd *d, struct iface *ifp, bool gone)
{
	struct igmpd_world *w = d->ops_ctx;
	unsigned int n = iface_installed(ifp);

	if (ifp->rx_fd >= 0) {
		epoll_ctl(w->ep_fd, EPOLL_CTL_DEL, ifp->rx_fd, NULL);
		close(ifp->rx_fd);
		ifp->rx_fd = -1;
	}
	group_table_free(ifp);
	iface_hold_free(ifp);
	if (ifp->owned && !gone)
		mgm_glue_release(ifp);	/* deletes our memberships on it */
	logmsg(&d->log, LOG_LVL_NOTICE, "%s: %s, %u memberships removed",
	       ifp->name, gone ? "interface gone" : "released", n);
	ifp->owned = false;
	ifp->ifindex = 0;
	ifp->addr = 0;
	memset(&ifp->q, 0, sizeof(ifp->q));
	theap_set(&d->timers, &ifp->tmr, 0);
}

static void iface_refresh_addr(struct igmpd *d, struct iface *ifp,
			       uint64_t now)
{
	const struct igmpd_world *w = d->ops_ctx;
	uint32_t a = net_if_addr(w->tx_fd, ifp->name), n = htonl(a);
	char s[INET_ADDRSTRLEN];

	if (a == ifp->addr)
		return;
	ifp->addr = a;
	logmsg(&d->log, LOG_LVL_NOTICE, "%s: address %s", ifp->name,
	       inet_ntop(AF_INET, &n, s, sizeof(s)));
	querier_addr_changed(ifp, now);
}

/* Match the served set against the interfaces that exist now. */
static void resync(struct igmpd *d, uint64_t now)
{
	size_t i;

	for (i = 0; i < d->n_ifaces; i++) {
		struct iface *ifp = &d->ifaces[i];
		int ifindex = (int)if_nametoindex(ifp->name);

		if (ifp->ifindex && ifp->ifindex != ifindex)
			iface_detach(d, ifp, true);
		if (!ifp->ifindex && ifindex)
			iface_attach(d, ifp, ifindex, now);
		else if (ifp->ifindex)
			iface_refresh_addr(d, ifp, now);
	}
}

static void on_net_event(void *ctx, enum net_event ev, int ifindex,
			 const char *name)
{
	struct igmpd *d = ctx;
	struct iface *ifp = iface_by_index(d, ifindex);
	uint64_t now = now_ms();
	size_t i;

	switch (ev) {
	case NET_LINK_DEL:
		if (ifp)
			iface_detach(d, ifp, true);
		break;
	case NET_LINK_NEW:
		if (ifp)
			break;		/* a change of flags */
		for (i = 0; i < d->n_ifaces; i++)
			if (!d->ifaces[i].ifindex &&
			    !strcmp(d->ifaces[i].name, name))
				iface_attach(d, &d->ifaces[i], ifindex, now);
		break;
	case NET_ADDR:
		if (ifp)
			iface_refresh_addr(d, ifp, now);
		break;
	case NET_RESYNC:
		resync(d, now);
		break;
	}
}

static void iface_readable(struct igmpd *d, struct iface *ifp)
{
	uint8_t buf[65536];
	int i;

	for (i = 0; i < RX_BURST && ifp->rx_fd >= 0; i++) {
		ssize_t n = net_recv(ifp->rx_fd, buf, sizeof(buf));

		if (n == -EINTR)
			continue;
		if (n == -EAGAIN)
			return;
		if (n < 0) {	/* ENETDOWN: the link went down */
			logmsg(&d->log, LOG_LVL_DEBUG, "%s: receive: %s",
			       ifp->name, strerror((int)-n));
			continue;
		}
		iface_input(ifp, buf, (size_t)n, now_ms());
	}
}

/* Returns false when the daemon should stop. */
static bool on_signal(struct igmpd *d, int fd)
{
	struct signalfd_siginfo si;

	while (read(fd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			logmsg(&d->log, LOG_LVL_NOTICE, "exiting on %s",
			       si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
			return false;
		default:
			logmsg(&d->log, LOG_LVL_NOTICE,
			       "signal %u ignored (restart to reload settings)",
			       si.ssi_signo);
		}
	}
	return true;
}

static int add_fd(struct igmpd_world *w, int fd, enum ev_kind kind)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = EV(kind, 0) };

	return epoll_ctl(w->ep_fd, EPOLL_CTL_ADD, fd, &ev);
}

static int world_open(struct igmpd *d, struct igmpd_world *w)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	signal(SIGPIPE, SIG_IGN);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		goto fail_errno;
	w->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	w->ep_fd = epoll_create1(EPOLL_CLOEXEC);
	if (w->sig_fd < 0 || w->ep_fd < 0)
		goto fail_errno;
	w->ctl_fd = ctl_open(d->cfg.ctl_path);
	if (w->ctl_fd < 0) {
		logmsg(&d->log, LOG_LVL_ERR, "control socket %s: %s%s",
		       d->cfg.ctl_path, strerror(-w->ctl_fd),
		       w->ctl_fd == -EADDRINUSE ?
		       " (another mgm-igmpd in this network namespace? see --control)" : "");
		return -1;
	}
	w->tx_fd = net_open_tx();
	if (w->tx_fd < 0) {
		logmsg(&d->log, LOG_LVL_ERR, "raw IGMP socket: %s%s",
		       strerror(-w->tx_fd),
		       w->tx_fd == -EPERM ? " (needs CAP_NET_RAW)" : "");
		return -1;
	}
	w->nl_fd = net_open_monitor();
	if (w->nl_fd < 0) {
		logmsg(&d->log, LOG_LVL_ERR, "rtnetlink: %s", strerror(-w->nl_fd));
		return -1;
	}
	if (add_fd(w, w->sig_fd, EV_SIGNAL) || add_fd(w, w->nl_fd, EV_NETLINK) ||
	    add_fd(w, w->ctl_fd, EV_CONTROL))
		goto fail_errno;
	return 0;
fail_errno:
	logmsg(&d->log, LOG_LVL_ERR, "%s", strerror(errno));
	return -1;
}

static void world_close(struct igmpd *d, struct igmpd_world *w)
{
	ctl_close(w->ctl_fd, d->cfg.ctl_path);
	if (w->tx_fd >= 0)
		close(w->tx_fd);
	if (w->nl_fd >= 0)
		close(w->nl_fd);
	if (w->sig_fd >= 0)
		close(w->sig_fd);
	if (w->ep_fd >= 0)
		close(w->ep_fd);
}

static int ifaces_init(struct igmpd *d)
{
	size_t i;

	d->ifaces = calloc(d->cfg.n_ifnames, sizeof(*d->ifaces));
	if (!d->ifaces)
		return -1;
	d->n_ifaces = d->cfg.n_ifnames;
	for (i = 0; i < d->n_ifaces; i++) {
		struct iface *ifp = &d->ifaces[i];

		strcpy(ifp->name, d->cfg.ifnames[i]);
		ifp->rx_fd = -1;
		ifp->d = d;
		ifp->p = d->cfg.params;
		tmr_init(&ifp->tmr, TMR_IFACE);
		if (theap_reserve(&d->timers))
			return -1;
	}
	return 0;
}

/* The event loop: returns 0 after SIGTERM or SIGINT, 2 on a failure. */
static int run(struct igmpd *d)
{
	struct igmpd_world *w = d->ops_ctx;

	for (;;) {
		struct epoll_event evs[32];
		uint64_t now = now_ms();
		struct tmr *t;
		int n, i, timeout = -1;

		igmpd_run_timers(d, now);
		t = theap_peek(&d->timers);
		if (t)
			timeout = t->due - now > INT_MAX ? INT_MAX :
				  (int)(t->due - now);
		n = epoll_wait(w->ep_fd, evs, ARRAY_SIZE(evs), timeout);
		if (n < 0 && errno != EINTR) {
			logmsg(&d->log, LOG_LVL_ERR, "epoll: %s", strerror(errno));
			return 2;
		}
		for (i = 0; i < n; i++) {
			uint64_t tag = evs[i].data.u64;

			switch ((enum ev_kind)(tag & 0xff)) {
			case EV_SIGNAL:
				if (!on_signal(d, w->sig_fd))
					return 0;
				break;
			case EV_NETLINK:
				if (net_monitor_read(w->nl_fd, on_net_event, d))
					resync(d, now_ms());
				break;
			case EV_CONTROL:
				ctl_handle(d, w->ctl_fd, now_ms());
				break;
			case EV_IFACE:
				iface_readable(d, &d->ifaces[tag >> 8]);
				break;
			case EV_MGM:
				mgm_glue_dispatch(d);
				break;
			}
		}
	}
}

int main(int argc, char **argv)
{
	struct igmpd_world w = {
		.tx_fd = -1, .nl_fd = -1, .sig_fd = -1, .ctl_fd = -1, .ep_fd = -1,
		.mgm_fd = -1,
	};
	struct igmpd d = { .ops = &world_ops, .ops_ctx = &w };
	int rc = 2, err;
	size_t i;

	config_defaults(&d.cfg);
	err = config_parse_args(&d.cfg, argc, argv, stdout, stderr);
	if (err) {
		config_free(&d.cfg);
		return err > 0 ? 0 : 1;
	}
	if (d.cfg.client) {
		rc = ctl_client(&d.cfg, stdout, stderr);
		config_free(&d.cfg);
		return rc;
	}
	d.started = now_ms();
	d.log.level = d.cfg.log_level;
	d.log.out = stderr;
	d.log.t0 = d.started;

	if (world_open(&d, &w) || ifaces_init(&d))
		goto out;
	/* Our own loop runs the callbacks: no library thread (mgm.c). */
	w.mgm_fd = mgm_glue_event_fd(&d);
	if (w.mgm_fd < 0 || add_fd(&w, w.mgm_fd, EV_MGM) || mgm_glue_register(&d))
		goto out;
	for (i = 0; i < d.n_ifaces; i++) {
		struct iface *ifp = &d.ifaces[i];
		int ifindex = (int)if_nametoindex(ifp->name);

		if (!ifindex)
			logmsg(&d.log, LOG_LVL_NOTICE, "%s: waiting for the interface",
			       ifp->name);
		else if (iface_attach(&d, ifp, ifindex, now_ms()))
			goto out;
	}
	logmsg(&d.log, LOG_LVL_INFO, "IGMPv%u router on %zu interface%s",
	       d.cfg.params.version, d.n_ifaces, d.n_ifaces == 1 ? "" : "s");
	rc = run(&d);
out:
	for (i = 0; i < d.n_ifaces; i++)
		if (d.ifaces[i].ifindex)
			iface_detach(&d, &d.ifaces[i], false);
	mgm_glue_deregister(&d);
	world_close(&d, &w);
	theap_free(&d.timers);
	free(d.ifaces);
	config_free(&d.cfg);
	return rc;
}
