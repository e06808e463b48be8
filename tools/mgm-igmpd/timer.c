// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The timer heap: a binary min-heap of struct tmr pointers ordered by due
 * time. Each timer knows its index, so re-arming or cancelling one is
 * O(log n). Every interface has one timer (its earliest querier event) and
 * every group one (the earliest of its group, source, compatibility and
 * retransmission timers), so the heap holds interfaces + groups entries.
 * A timer's owner reserves its slot when it is created (theap_reserve), so
 * arming a timer never allocates and never fails.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include "igmpd.h"

void tmr_init(struct tmr *t, enum tmr_kind kind)
{
	t->due = 0;
	t->idx = TMR_IDLE;
	t->kind = kind;
}

static void heap_place(struct theap *h, size_t i, struct tmr *t)
{
	h->v[i] = t;
	t->idx = i;
}

static void sift_up(struct theap *h, size_t i)
{
	struct tmr *t = h->v[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (h->v[parent]->due <= t->due)
			break;
		heap_place(h, i, h->v[parent]);
		i = parent;
	}
	heap_place(h, i, t);
}

static void sift_down(struct theap *h, size_t i)
{
	struct tmr *t = h->v[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1]->due < h->v[c]->due)
			c++;
		if (t->due <= h->v[c]->due)
			break;
		heap_place(h, i, h->v[c]);
		i = c;
	}
	heap_place(h, i, t);
}

static void heap_remove(struct theap *h, struct tmr *t)
{
	size_t i = t->idx;
	struct tmr *last = h->v[--h->n];

	t->idx = TMR_IDLE;
	if (last == t)
		return;
	heap_place(h, i, last);
	sift_down(h, i);
	sift_up(h, last->idx);
}

int theap_reserve(struct theap *h)
{
	if (h->reserved == h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 64;
		struct tmr **v = realloc(h->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		h->v = v;
		h->cap = cap;
	}
	h->reserved++;
	return 0;
}

void theap_unreserve(struct theap *h, struct tmr *t)
{
	theap_set(h, t, 0);
	h->reserved--;
}

void theap_set(struct theap *h, struct tmr *t, uint64_t due)
{
	if (!due) {
		if (t->idx != TMR_IDLE)
			heap_remove(h, t);
		t->due = 0;
		return;
	}
	if (t->idx == TMR_IDLE) {
		t->due = due;
		heap_place(h, h->n++, t);	/* n < reserved <= cap */
		sift_up(h, t->idx);
		return;
	}
	t->due = due;
	sift_down(h, t->idx);
	sift_up(h, t->idx);
}

struct tmr *theap_peek(const struct theap *h)
{
	return h->n ? h->v[0] : NULL;
}

void theap_free(struct theap *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		h->v[i]->idx = TMR_IDLE;
	free(h->v);
	h->v = NULL;
	h->n = h->cap = h->reserved = 0;
}

uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
