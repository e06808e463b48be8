// SPDX-License-Identifier: GPL-2.0-or-later
/* mgm-bench: /dev/mgm through the raw ioctl ABI (selftests/helpers.c). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "bench.h"
#include "helpers.h"
#include "peers.h"

static struct mgm_membership batch[MGM_BATCH_MAX];

void mgmb_open(struct mgmb *t, uint32_t ifindex, uint32_t component)
{
	int ret;

	t->fd = mgm_open_dev();
	if (t->fd < 0)
		bench_die("open %s: %s", MGM_DEV, strerror(-t->fd));
	ret = mgm_register_proto(t->fd, MGM_PROTO_PIM, component, &t->handle);
	if (!ret)
		ret = mgm_take(t->fd, t->handle, ifindex, 0);
	if (ret)
		bench_die("mgm register/take: %s", strerror(-ret));
	t->ifindex = ifindex;
	t->netns = -1;
}

void mgmb_open_isolated(struct mgmb *t)
{
	int home, ifindex, netns;

	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0 || unshare(CLONE_NEWNET))
		bench_die("new network namespace: %s", strerror(errno));
	netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ifindex = make_dummy("bench0");
	if (netns < 0 || ifindex < 0)
		bench_die("cannot make a dummy interface");
	mgmb_open(t, ifindex, 1);
	t->netns = netns;
	if (setns(home, CLONE_NEWNET))
		bench_die("setns: %s", strerror(errno));
	close(home);
}

void mgmb_close(struct mgmb *t)
{
	close(t->fd);
	t->fd = -1;
	if (t->netns >= 0)
		close(t->netns);
	t->netns = -1;
}

static struct mgm_membership mgmb_rec(const struct mgmb *t, uint64_t i)
{
	struct bench_sg sg = bench_sg(i);

	return mgm_rec(t->handle, t->ifindex, sg.source, sg.group,
		       MGM_JOIN_STATE);
}

/* Entry number @i of an insert order. */
static uint64_t nth(uint64_t i, unsigned long n, unsigned long stride)
{
	return stride == 1 ? i : i * stride % n;
}

static uint64_t mgmb_add_batch(struct mgmb *t, unsigned long from,
			       unsigned long to, unsigned long n,
			       unsigned long stride)
{
	uint64_t i, ns = 0, t0;
	uint32_t count, j, done;
	int32_t error;
	int ret;

	for (i = from; i < to; i += count) {
		count = to - i < MGM_BATCH_MAX ? to - i : MGM_BATCH_MAX;
		for (j = 0; j < count; j++)
			batch[j] = mgmb_rec(t, nth(i + j, n, stride));
		t0 = now_ns();
		ret = mgm_batch_apply(t->fd, MGM_BATCH_ADD, batch, count,
				      &done, &error);
		ns += now_ns() - t0;
		if (ret || done != count)
			bench_die("MGM_IOC_BATCH: %s (%u of %u done)",
				  strerror(-ret), done, count);
	}
	return ns;
}

static uint64_t mgmb_add_one(struct mgmb *t, unsigned long from,
			     unsigned long to, unsigned long n,
			     unsigned long stride)
{
	struct mgm_membership m;
	uint64_t i, t0 = now_ns();

	for (i = from; i < to; i++) {
		m = mgmb_rec(t, nth(i, n, stride));
		if (ioctl(t->fd, MGM_IOC_ADD_MEMBERSHIP, &m))
			bench_die("MGM_IOC_ADD_MEMBERSHIP: %s", strerror(errno));
	}
	return now_ns() - t0;
}

uint64_t mgmb_add(struct mgmb *t, unsigned long from, unsigned long to,
		  unsigned long n, unsigned long stride, bool batch)
{
	if (batch)
		return mgmb_add_batch(t, from, to, n, stride);
	return mgmb_add_one(t, from, to, n, stride);
}

void mgmb_add_del(struct mgmb *t, uint64_t i, bool add)
{
	struct mgm_membership m = mgmb_rec(t, i);

	/* An odd source: the key lies between two of the table's keys. */
	m.source = htonl(ntohl(m.source) + 1);
	if (ioctl(t->fd, add ? MGM_IOC_ADD_MEMBERSHIP :
		  MGM_IOC_DELETE_MEMBERSHIP, &m))
		bench_die("MGM_IOC_%s_MEMBERSHIP: %s", add ? "ADD" : "DELETE",
			  strerror(errno));
}

uint64_t mgmb_null_calls(struct mgmb *t, unsigned long calls)
{
	struct mgm_stats stats;
	uint64_t t0 = now_ns();
	unsigned long i;

	for (i = 0; i < calls; i++)
		if (ioctl(t->fd, MGM_IOC_STATS, &stats))
			bench_die("MGM_IOC_STATS: %s", strerror(errno));
	return now_ns() - t0;
}

uint64_t mgmb_enum(int fd, void *buf, uint32_t bufsize,
		   unsigned long *records, unsigned long *calls)
{
	struct mgm_enum_start s = { .type = MGM_ENUM_ALL_SOURCES };
	struct mgm_enum_next next = { .buffer = (uintptr_t)buf };
	struct mgm_enum_end e = { 0 };
	unsigned long count = 0, ncalls = 0;
	uint64_t t0 = now_ns(), ns;

	if (ioctl(fd, MGM_IOC_ENUM_START, &s))
		bench_die("MGM_IOC_ENUM_START: %s", strerror(errno));
	next.cursor = s.cursor;
	do {
		next.buffer_size = bufsize;
		next.flags = 0;
		if (ioctl(fd, MGM_IOC_ENUM_NEXT, &next))
			bench_die("MGM_IOC_ENUM_NEXT: %s", strerror(errno));
		count += next.count;
		ncalls++;
	} while (!(next.status & MGM_ENUM_STATUS_END));
	e.cursor = s.cursor;
	if (ioctl(fd, MGM_IOC_ENUM_END, &e))
		bench_die("MGM_IOC_ENUM_END: %s", strerror(errno));
	ns = now_ns() - t0;

	*records = count;
	if (calls)
		*calls = ncalls;
	return ns;
}

void mgmb_verify(int fd, unsigned long n)
{
	struct mgm_source_group *recs = NULL;
	long i, got;

	got = mgm_enum_all(fd, MGM_ENUM_ALL_SOURCES, BENCH_BUF, &recs);
	if (got != (long)n)
		bench_die("mgm enumeration: %ld records, expected %lu", got, n);
	for (i = 0; i < got; i++)
		if (rec_key(&recs[i]) != bench_key(bench_sg(i)) ||
		    recs[i].source_mask != MASK32 || recs[i].group_mask != MASK32)
			bench_die("mgm enumeration: record %ld is wrong", i);
	free(recs);
}
