// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Delivering the Windows callbacks (contract D14-D16): the kernel queues on
 * this process's file of /dev/mgm one record per callback due to one of the
 * protocols registered through it; this file reads the records and calls
 * the protocol's ROUTING_PROTOCOL_CONFIG callbacks with the Windows
 * arguments, one at a time, in the kernel's order, holding no lock of the
 * library, so a callback may call any Mgm function.
 *
 * Who reads: by default a thread of the library, started by the first
 * MgmRegisterMProtocol whose config has a callback. A program that calls
 * mgm_event_fd() gets the file to poll instead and runs the callbacks with
 * mgm_event_dispatch() in its own thread; no library thread runs then.
 *
 * What each protocol was told is kept in its view (view.c): JoinAlerts not
 * pruned since, LocalJoins not left, DisableIgmps not enabled. After an
 * OVERFLOW record the dispatcher re-synchronises: it works out from a fresh
 * enumeration the view the protocol would have (resync.c), delivers the
 * callbacks that turn the old view into it (prunes and leaves first, then
 * joins, each in table order), and drops the queued records the
 * enumeration already reflected (those up to the generation at which it
 * ended, when they would not change the view).
 *
 * Locking: ev.mode and the thread fields are under libmgm_reg_lock()
 * (state.c); the dispatcher's state (buffer, window, pending resync) is
 * under ev.dispatch, which only the dispatcher takes (trylock: a second
 * dispatcher gets -EBUSY) and which is held while callbacks run; no Mgm
 * function takes it. The list of freed views is under libmgm_lock(). A view
 * is only read or changed by the dispatcher.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "internal.h"

/* Windows' layout: the flags, then the nine pointers in its order. */
_Static_assert(offsetof(ROUTING_PROTOCOL_CONFIG, pfnRpfCallback) == sizeof(void *) &&
	       offsetof(ROUTING_PROTOCOL_CONFIG, pfnJoinAlertCallback) == 4 * sizeof(void *) &&
	       offsetof(ROUTING_PROTOCOL_CONFIG, pfnEnableIgmpCallback) == 9 * sizeof(void *) &&
	       sizeof(ROUTING_PROTOCOL_CONFIG) == 10 * sizeof(void *),
	       "ROUTING_PROTOCOL_CONFIG layout");

#define EV_BUF_RECORDS	(65536 / sizeof(struct mgm_event))
#define EV_MASK(a)	((a) ? 0xffffffffu : 0u)
/* PruneAlert's *pdwTimeout as the callee finds it (seconds). */
#define EV_PRUNE_TIMEOUT	900u

enum ev_mode { EV_THREAD, EV_MANUAL };

static struct {
	/* Under libmgm_reg_lock(). */
	enum ev_mode mode;
	int sub_fd;			/* the file subscribed, -1: none */
	uint32_t sub_events;		/* what it subscribed to */
	bool no_mfe;			/* the module has no MGM_SUBSCRIBE_MFE */
	bool running;			/* the library's thread */
	pthread_t thread;
	int stop_fd;			/* eventfd that stops it */
	/* Under dispatch. */
	pthread_mutex_t dispatch;
	struct mgm_event *buf;
	bool window;			/* records up to window_gen are filtered */
	uint64_t window_gen;
	bool resync_pending;		/* an overflow not yet made good */
	/* Under libmgm_lock(). */
	struct libmgm_view *freed;
} ev = {
	.sub_fd = -1,
	.stop_fd = -1,
	.dispatch = PTHREAD_MUTEX_INITIALIZER,
};

/* What the dispatcher needs of a protocol, copied under the locks. */
struct ev_proto {
	ROUTING_PROTOCOL_CONFIG cfg;
	struct libmgm_view *view;
	DWORD protocol_id, component_id;
};

static bool ev_has_callback(const ROUTING_PROTOCOL_CONFIG *c)
{
	return c->pfnRpfCallback || c->pfnCreationAlertCallback ||
	       c->pfnPruneAlertCallback || c->pfnJoinAlertCallback ||
	       c->pfnWrongIfCallback || c->pfnLocalJoinCallback ||
	       c->pfnLocalLeaveCallback || c->pfnDisableIgmpCallback ||
	       c->pfnEnableIgmpCallback;
}

struct libmgm_view *libmgm_events_view(const ROUTING_PROTOCOL_CONFIG *cfg,
				       int *err)
{
	struct libmgm_view *v;

	*err = 0;
	if (!ev_has_callback(cfg))
		return NULL;
	v = calloc(1, sizeof(*v));
	if (!v)
		*err = -ENOMEM;
	return v;
}

void libmgm_events_forget(struct libmgm_view *v)
{
	if (!v)
		return;
	v->next = ev.freed;
	ev.freed = v;
}

static void ev_free_views(struct libmgm_view *v)
{
	struct libmgm_view *next;

	for (; v; v = next) {
		next = v->next;
		libmgm_view_clear(v);
		free(v);
	}
}

/* Has @c a callback the MFE events call? */
static bool ev_wants_mfe(const ROUTING_PROTOCOL_CONFIG *c)
{
	return c->pfnRpfCallback || c->pfnCreationAlertCallback ||
	       c->pfnPruneAlertCallback || c->pfnJoinAlertCallback ||
	       c->pfnWrongIfCallback;
}

/*
 * Subscribe @fd to its alerts and, with @mfe, to the MFE callbacks too
 * (reg lock held). Only a process with a protocol that has one of their
 * callbacks asks for those: a forwarder's new flows would otherwise fill
 * the queue of, say, an IGMP daemon that skips them all. What was asked
 * before stays asked; a module older than 1.1 gives no MFE callbacks.
 */
static int ev_subscribe(int fd, bool mfe)
{
	uint32_t want = MGM_SUBSCRIBE_ALERTS | (mfe && !ev.no_mfe ? MGM_SUBSCRIBE_MFE : 0);
	struct mgm_subscribe s = { 0 };
	int err, fl;

	if (ev.sub_fd == fd) {
		if ((ev.sub_events & want) == want)
			return 0;
		want |= ev.sub_events;
	}
	s.events = want;
	err = libmgm_ioctl(fd, MGM_IOC_SUBSCRIBE, &s);
	if (err == -EINVAL && (want & MGM_SUBSCRIBE_MFE)) {
		ev.no_mfe = true;
		s = (struct mgm_subscribe){ .events = want & ~MGM_SUBSCRIBE_MFE };
		err = libmgm_ioctl(fd, MGM_IOC_SUBSCRIBE, &s);
	}
	if (err)
		return err;
	ev.sub_events = s.events;
	if (ev.sub_fd == fd)
		return 0;
	/* Only the dispatcher reads the file; it never waits in read(). */
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	ev.sub_fd = fd;
	return 0;
}

/* --- delivery -------------------------------------------------------------- */

static bool ev_lookup(uint32_t kid, struct ev_proto *p)
{
	struct mgm_slot *slot;
	bool found = false;

	libmgm_reg_lock();
	libmgm_lock();
	slot = libmgm_ht_find_kid(libmgm_handles(), MGM_KIND_PROTOCOL, kid);
	if (slot && slot->view) {
		p->cfg = slot->config;
		p->view = slot->view;
		p->protocol_id = slot->protocol_id;
		p->component_id = slot->component_id;
		found = true;
	}
	libmgm_unlock();
	libmgm_reg_unlock();
	return found;
}

/*
 * Tell protocol @p @type (an MGM_EVENT_* alert) about (@s,@g) on
 * (@ifx,@nh): update its view and call its callback. With @filter, an
 * event that would not change the view is dropped (the enumeration of a
 * re-synchronisation reflected it already).
 */
static void ev_deliver(const struct ev_proto *p, uint32_t type, DWORD s,
		       DWORD g, DWORD ifx, DWORD nh, BOOL member, bool filter)
{
	struct libmgm_vkey k = { .source = s, .group = g, .ifindex = ifx,
				 .nexthop = nh };
	const ROUTING_PROTOCOL_CONFIG *c = &p->cfg;
	DWORD timeout = EV_PRUNE_TIMEOUT;
	bool adds;
	int r;

	switch (type) {
	case MGM_EVENT_JOIN_ALERT:
	case MGM_EVENT_PRUNE_ALERT:
		k.kind = LIBMGM_V_ALERT;
		k.ifindex = 0;
		k.nexthop = 0;
		adds = type == MGM_EVENT_JOIN_ALERT;
		break;
	case MGM_EVENT_LOCAL_JOIN:
	case MGM_EVENT_LOCAL_LEAVE:
		k.kind = LIBMGM_V_LOCAL;
		adds = type == MGM_EVENT_LOCAL_JOIN;
		break;
	case MGM_EVENT_DISABLE_IGMP:
	case MGM_EVENT_ENABLE_IGMP:
		k.kind = LIBMGM_V_DISABLED;
		k.source = 0;
		k.group = 0;
		adds = type == MGM_EVENT_DISABLE_IGMP;
		break;
	default:
		return;			/* a type this library does not know */
	}
	r = adds ? libmgm_view_add(p->view, &k, 0) : libmgm_view_del(p->view, &k);
	if (filter && r == 0)
		return;
	switch (type) {
	case MGM_EVENT_JOIN_ALERT:
		if (c->pfnJoinAlertCallback)
			c->pfnJoinAlertCallback(s, EV_MASK(s), g, EV_MASK(g), member);
		break;
	case MGM_EVENT_PRUNE_ALERT:
		if (c->pfnPruneAlertCallback)
			c->pfnPruneAlertCallback(s, EV_MASK(s), g, EV_MASK(g), ifx,
						 nh, member, &timeout);
		break;
	case MGM_EVENT_LOCAL_JOIN:
		if (c->pfnLocalJoinCallback)
			c->pfnLocalJoinCallback(s, EV_MASK(s), g, EV_MASK(g), ifx, nh);
		break;
	case MGM_EVENT_LOCAL_LEAVE:
		if (c->pfnLocalLeaveCallback)
			c->pfnLocalLeaveCallback(s, EV_MASK(s), g, EV_MASK(g), ifx, nh);
		break;
	case MGM_EVENT_DISABLE_IGMP:
		if (c->pfnDisableIgmpCallback)
			c->pfnDisableIgmpCallback(ifx, nh);
		break;
	case MGM_EVENT_ENABLE_IGMP:
		if (c->pfnEnableIgmpCallback)
			c->pfnEnableIgmpCallback(ifx, nh);
		break;
	}
}

/* --- re-synchronisation after an overflow (D16) ----------------------------- */

static int ev_key_cmp(const void *a, const void *b)
{
	const struct libmgm_vkey *x = a, *y = b;
	uint64_t kx = (uint64_t)__builtin_bswap32(x->group) << 32 |
		      __builtin_bswap32(x->source);
	uint64_t ky = (uint64_t)__builtin_bswap32(y->group) << 32 |
		      __builtin_bswap32(y->source);

	if (kx != ky)
		return kx < ky ? -1 : 1;
	if (x->ifindex != y->ifindex)
		return x->ifindex < y->ifindex ? -1 : 1;
	if (x->nexthop != y->nexthop)
		return x->nexthop < y->nexthop ? -1 : 1;
	return 0;
}

/* Keys of @a (of the kinds a view holds) not in @b, sorted; count or -ENOMEM. */
static long ev_missing(const struct libmgm_view *a, const struct libmgm_view *b,
		       struct libmgm_vkey **out)
{
	struct libmgm_vkey *keys = malloc((a->count ? a->count : 1) * sizeof(*keys));
	size_t i;
	long n = 0;

	if (!keys)
		return -ENOMEM;
	for (i = 0; i < a->cap; i++)
		if (a->ent[i].used && a->ent[i].key.kind <= LIBMGM_V_DISABLED &&
		    !libmgm_view_find(b, &a->ent[i].key))
			keys[n++] = a->ent[i].key;
	qsort(keys, (size_t)n, sizeof(*keys), ev_key_cmp);
	*out = keys;
	return n;
}

static const uint32_t ev_undo[] = {
	[LIBMGM_V_ALERT] = MGM_EVENT_PRUNE_ALERT,
	[LIBMGM_V_LOCAL] = MGM_EVENT_LOCAL_LEAVE,
	[LIBMGM_V_DISABLED] = MGM_EVENT_ENABLE_IGMP,
};
static const uint32_t ev_do[] = {
	[LIBMGM_V_ALERT] = MGM_EVENT_JOIN_ALERT,
	[LIBMGM_V_LOCAL] = MGM_EVENT_LOCAL_JOIN,
};

/* Bring @p's view to @target with the callbacks that make the difference. */
static int ev_converge(const struct ev_proto *p, const struct libmgm_view *target)
{
	struct libmgm_vkey *gone, *came;
	long ngone, ncame, i;

	ngone = ev_missing(p->view, target, &gone);
	if (ngone < 0)
		return (int)ngone;
	ncame = ev_missing(target, p->view, &came);
	if (ncame < 0) {
		free(gone);
		return (int)ncame;
	}
	for (i = 0; i < ngone; i++)
		ev_deliver(p, ev_undo[gone[i].kind], gone[i].source, gone[i].group,
			   gone[i].ifindex, gone[i].nexthop, 1, false);
	for (i = 0; i < ncame; i++)
		ev_deliver(p, ev_do[came[i].kind], came[i].source, came[i].group,
			   came[i].ifindex, came[i].nexthop, 1, false);
	free(gone);
	free(came);
	return 0;
}

static int ev_resync(int fd)
{
	struct libmgm_rs_proto *rs = NULL;
	struct mgm_htable *ht;
	struct ev_proto p;
	uint64_t gen_end;
	size_t n = 0, i;
	int err = 0;

	libmgm_lock();
	ht = libmgm_handles();
	rs = calloc(ht->nslots ? ht->nslots : 1, sizeof(*rs));
	for (i = 0; rs && i < ht->nslots; i++) {
		if (ht->slots[i].kind != MGM_KIND_PROTOCOL || !ht->slots[i].view)
			continue;
		rs[n].kid = ht->slots[i].kid;
		rs[n].protocol_id = ht->slots[i].protocol_id;
		rs[n].component_id = ht->slots[i].component_id;
		n++;
	}
	libmgm_unlock();
	if (!rs)
		return -ENOMEM;
	err = libmgm_resync_targets(fd, rs, n, &gen_end);
	for (i = 0; !err && i < n; i++)
		if (ev_lookup(rs[i].kid, &p))
			err = ev_converge(&p, &rs[i].target);
	for (i = 0; i < n; i++)
		libmgm_view_clear(&rs[i].target);
	free(rs);
	if (err)
		return err;
	ev.window = true;
	ev.window_gen = gen_end;
	return 0;
}

/* --- the dispatcher ----------------------------------------------------------- */

static void ev_handle(int fd, const struct mgm_event *e)
{
	struct ev_proto p;
	bool filter;

	if (e->type == MGM_EVENT_OVERFLOW) {
		ev.resync_pending = true;
		return;
	}
	if (ev.resync_pending && !ev_resync(fd))
		ev.resync_pending = false;
	filter = ev.window && e->generation <= ev.window_gen;
	if (ev.window && !filter)
		ev.window = false;
	if (!ev_lookup(e->handle, &p))
		return;			/* deregistered, or no callbacks */
	if (e->flags & MGM_EVENT_MFE) {
		/* The forwarder's: not in the table, so never filtered. */
		libmgm_mfe_deliver(&p.cfg, p.protocol_id, p.component_id, e);
		return;
	}
	ev_deliver(&p, e->type, e->source, e->group, e->ifindex, e->nexthop,
		   (e->flags & MGM_EVENT_MEMBER) ? 1 : 0, filter);
}

/*
 * Run the callbacks pending on @fd, at most about @budget of them. Count,
 * or -EBUSY (another dispatcher), -errno of read().
 */
static long ev_run(int fd, size_t budget, bool *pending)
{
	struct libmgm_view *freed;
	size_t done = 0, i, n;
	ssize_t got;
	long ret = 0;

	if (pthread_mutex_trylock(&ev.dispatch))
		return -EBUSY;
	libmgm_lock();
	freed = ev.freed;
	ev.freed = NULL;
	libmgm_unlock();
	ev_free_views(freed);
	if (!ev.buf)
		ev.buf = malloc(EV_BUF_RECORDS * sizeof(*ev.buf));
	if (!ev.buf) {
		ret = -ENOMEM;
		goto out;
	}
	while (done < budget) {
		got = read(fd, ev.buf, EV_BUF_RECORDS * sizeof(*ev.buf));
		if (got < 0) {
			if (errno != EAGAIN && errno != EINTR)
				ret = -errno;
			if (errno != EINTR)
				break;
			continue;
		}
		n = (size_t)got / sizeof(*ev.buf);
		for (i = 0; i < n; i++)
			ev_handle(fd, &ev.buf[i]);
		done += n;
	}
	/* An overflow record last in the queue: make it good now. */
	if (ev.resync_pending && !ev_resync(fd))
		ev.resync_pending = false;
	if (!ret)
		ret = (long)done;
out:
	if (pending)
		*pending = ev.resync_pending;
	pthread_mutex_unlock(&ev.dispatch);
	return ret;
}

static void *ev_thread(void *arg)
{
	int fd = (int)(intptr_t)arg;
	bool pending = false;
	struct pollfd pfd[2] = {
		{ .fd = fd, .events = POLLIN },
		{ .fd = ev.stop_fd, .events = POLLIN },
	};

	for (;;) {
		/* A failed re-synchronisation is tried again a little later. */
		if (poll(pfd, 2, pending ? 100 : -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents)
			break;
		if (ev_run(fd, SIZE_MAX, &pending) == -EINVAL)
			break;		/* not subscribed any more */
	}
	return NULL;
}

static int ev_start_thread(int fd)
{
	sigset_t all, old;
	int err;

	if (ev.stop_fd < 0) {
		ev.stop_fd = eventfd(0, EFD_CLOEXEC);
		if (ev.stop_fd < 0)
			return -errno;
	}
	/* The process's signals are for its own threads. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&ev.thread, NULL, ev_thread, (void *)(intptr_t)fd);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		return -err;
	ev.running = true;
	return 0;
}

int libmgm_events_prepare(int fd, const ROUTING_PROTOCOL_CONFIG *cfg)
{
	int err;

	if (!ev_has_callback(cfg))
		return 0;
	err = ev_subscribe(fd, ev_wants_mfe(cfg));
	if (!err && ev.mode == EV_THREAD && !ev.running)
		err = ev_start_thread(fd);
	return err;
}

void libmgm_events_child(struct mgm_htable *ht)
{
	uint32_t i;

	/* Only the forking thread runs here: nothing else can hold these. */
	pthread_mutex_init(&ev.dispatch, NULL);
	for (i = 0; i < ht->nslots; i++) {
		if (ht->slots[i].kind == MGM_KIND_PROTOCOL)
			libmgm_events_forget(ht->slots[i].view);
		ht->slots[i].view = NULL;
	}
	ev_free_views(ev.freed);
	ev.freed = NULL;
	ev.sub_fd = -1;
	ev.sub_events = 0;
	ev.running = false;
	ev.window = false;
	ev.resync_pending = false;
}

MGM_API int mgm_event_fd(void)
{
	pthread_t thread;
	bool stop;
	int fd, err;
	uint64_t one = 1;

	fd = libmgm_fd();
	if (fd < 0)
		return fd;
	libmgm_reg_lock();
	if (ev.running && pthread_equal(ev.thread, pthread_self())) {
		libmgm_reg_unlock();
		return -EDEADLK;	/* called from a callback */
	}
	err = ev_subscribe(fd, false);
	if (!err)
		ev.mode = EV_MANUAL;
	stop = !err && ev.running;
	thread = ev.thread;
	ev.running = false;
	libmgm_reg_unlock();
	if (err)
		return err;
	if (stop) {
		(void)!write(ev.stop_fd, &one, sizeof(one));
		pthread_join(thread, NULL);
		(void)!read(ev.stop_fd, &one, sizeof(one));
	}
	return fd;
}

MGM_API int mgm_event_dispatch(void)
{
	int fd;
	long n;

	libmgm_reg_lock();
	fd = ev.mode == EV_MANUAL ? ev.sub_fd : -1;
	libmgm_reg_unlock();
	if (fd < 0)
		return -EINVAL;
	n = ev_run(fd, 4096, NULL);
	return n > 0x7fffffff ? 0x7fffffff : (int)n;
}
