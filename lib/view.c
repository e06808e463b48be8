// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A set of small fixed-size keys, each with a 64-bit value: what a protocol
 * was told through its callbacks (its "view", which the re-synchronisation
 * after an overflow compares with the table, contract D16), and the
 * lookup caches of that re-synchronisation.
 *
 * Open addressing with linear probing and backward-shift deletion; it grows
 * at 1/2 load. Not locked: a view belongs to one dispatcher at a time
 * (events.c), a cache to one re-synchronisation.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define VIEW_MIN	16

static uint32_t view_hash(const struct libmgm_vkey *k)
{
	uint64_t h = 0x9e3779b97f4a7c15ull;

	h = (h ^ k->kind) * 0x100000001b3ull;
	h = (h ^ k->source) * 0x100000001b3ull;
	h = (h ^ k->group) * 0x100000001b3ull;
	h = (h ^ k->ifindex) * 0x100000001b3ull;
	h = (h ^ k->nexthop) * 0x100000001b3ull;
	return (uint32_t)(h ^ h >> 29);
}

static int key_eq(const struct libmgm_vkey *a, const struct libmgm_vkey *b)
{
	return a->kind == b->kind && a->source == b->source &&
	       a->group == b->group && a->ifindex == b->ifindex &&
	       a->nexthop == b->nexthop;
}

/* The slot holding @k, or the empty slot where it would go. */
static size_t view_slot(const struct libmgm_view *v, const struct libmgm_vkey *k)
{
	size_t i = view_hash(k) & (v->cap - 1);

	while (v->ent[i].used && !key_eq(&v->ent[i].key, k))
		i = (i + 1) & (v->cap - 1);
	return i;
}

static int view_grow(struct libmgm_view *v)
{
	struct libmgm_view n = { .cap = v->cap ? v->cap * 2 : VIEW_MIN };
	size_t i;

	n.ent = calloc(n.cap, sizeof(*n.ent));
	if (!n.ent)
		return -ENOMEM;
	for (i = 0; i < v->cap; i++)
		if (v->ent[i].used)
			n.ent[view_slot(&n, &v->ent[i].key)] = v->ent[i];
	n.count = v->count;
	free(v->ent);
	v->ent = n.ent;
	v->cap = n.cap;
	v->count = n.count;
	return 0;
}

struct libmgm_vent *libmgm_view_find(const struct libmgm_view *v,
				     const struct libmgm_vkey *k)
{
	size_t i;

	if (!v->cap)
		return NULL;
	i = view_slot(v, k);
	return v->ent[i].used ? &v->ent[i] : NULL;
}

int libmgm_view_add(struct libmgm_view *v, const struct libmgm_vkey *k,
		    uint64_t value)
{
	size_t i;

	if ((v->count + 1) * 2 > v->cap && view_grow(v))
		return -ENOMEM;
	i = view_slot(v, k);
	if (v->ent[i].used) {
		v->ent[i].value = value;
		return 0;
	}
	v->ent[i].used = 1;
	v->ent[i].key = *k;
	v->ent[i].value = value;
	v->count++;
	return 1;
}

int libmgm_view_del(struct libmgm_view *v, const struct libmgm_vkey *k)
{
	size_t i, j, home, mask = v->cap - 1;

	if (!v->cap)
		return 0;
	i = view_slot(v, k);
	if (!v->ent[i].used)
		return 0;
	/* Backward shift: pull later members of the run into the hole. */
	for (j = (i + 1) & mask; v->ent[j].used; j = (j + 1) & mask) {
		home = view_hash(&v->ent[j].key) & mask;
		if (((j - home) & mask) >= ((j - i) & mask)) {
			v->ent[i] = v->ent[j];
			i = j;
		}
	}
	memset(&v->ent[i], 0, sizeof(v->ent[i]));
	v->count--;
	return 1;
}

void libmgm_view_clear(struct libmgm_view *v)
{
	free(v->ent);
	v->ent = NULL;
	v->cap = 0;
	v->count = 0;
}
