// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The handle table: HANDLE values are slot numbers with a generation and a
 * kind tag (see internal.h), checked against this table and never
 * dereferenced, so a stale, forged or double-ended handle is just "not
 * found" (contract D9). Freeing a slot bumps its generation; free slots are
 * reused round-robin, so a stale handle stays invalid for a long time.
 *
 * Not locked here: every caller holds libmgm_lock() (state.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define MGM_HT_MIN	16

HANDLE libmgm_handle_encode(uint32_t slot, uintptr_t gen, unsigned int kind)
{
	uintptr_t v = (gen & MGM_HANDLE_GEN_MASK) << MGM_HANDLE_GEN_SHIFT |
		      (uintptr_t)slot << MGM_HANDLE_KIND_BITS | kind;

	return (HANDLE)v;
}

static int mgm_ht_grow(struct mgm_htable *ht)
{
	uint32_t n = ht->nslots ? ht->nslots * 2 : MGM_HT_MIN;
	struct mgm_slot *slots;
	uint32_t i;

	if (ht->nslots >= MGM_HANDLE_MAX)
		return -ENOMEM;
	if (n > MGM_HANDLE_MAX)
		n = MGM_HANDLE_MAX;
	slots = realloc(ht->slots, n * sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	for (i = ht->nslots; i < n; i++) {
		memset(&slots[i], 0, sizeof(slots[i]));
		slots[i].gen = 1;
	}
	ht->next = ht->nslots;
	ht->slots = slots;
	ht->nslots = n;
	return 0;
}

int libmgm_ht_alloc(struct mgm_htable *ht, unsigned int kind, uint32_t kid,
		 HANDLE *handle, struct mgm_slot **slotp)
{
	struct mgm_slot *slot;
	uint32_t i, n;
	int err;

	if (ht->used == ht->nslots) {
		err = mgm_ht_grow(ht);
		if (err)
			return err;
	}
	/* used < nslots: there is a free slot. */
	i = ht->next % ht->nslots;
	for (n = 0; n < ht->nslots; n++, i = (i + 1) % ht->nslots)
		if (ht->slots[i].kind == MGM_KIND_FREE)
			break;
	slot = &ht->slots[i];
	slot->kind = kind;
	slot->kid = kid;
	slot->state = 0;
	slot->protocol_id = 0;
	slot->component_id = 0;
	memset(&slot->config, 0, sizeof(slot->config));
	slot->view = NULL;
	ht->used++;
	ht->next = (i + 1) % ht->nslots;
	*handle = libmgm_handle_encode(i, slot->gen, kind);
	if (slotp)
		*slotp = slot;
	return 0;
}

struct mgm_slot *libmgm_ht_lookup(struct mgm_htable *ht, HANDLE handle,
			       unsigned int kind)
{
	uintptr_t v = (uintptr_t)handle;
	uint32_t i = (v >> MGM_HANDLE_KIND_BITS) & (MGM_HANDLE_MAX - 1);
	uintptr_t gen = v >> MGM_HANDLE_GEN_SHIFT;
	struct mgm_slot *slot;

	if (kind == MGM_KIND_FREE ||
	    (v & ((1u << MGM_HANDLE_KIND_BITS) - 1)) != kind ||
	    i >= ht->nslots)
		return NULL;
	slot = &ht->slots[i];
	if (slot->kind != kind || slot->gen != gen)
		return NULL;
	return slot;
}

struct mgm_slot *libmgm_ht_find_kid(struct mgm_htable *ht, unsigned int kind,
				    uint32_t kid)
{
	uint32_t i;

	for (i = 0; i < ht->nslots; i++)
		if (ht->slots[i].kind == kind && ht->slots[i].kid == kid)
			return &ht->slots[i];
	return NULL;
}

static void mgm_slot_release(struct mgm_slot *slot)
{
	slot->kind = MGM_KIND_FREE;
	slot->gen = (slot->gen + 1) & MGM_HANDLE_GEN_MASK;
	if (!slot->gen)
		slot->gen = 1;
}

void libmgm_ht_free(struct mgm_htable *ht, struct mgm_slot *slot)
{
	mgm_slot_release(slot);
	ht->used--;
}

void libmgm_ht_invalidate_all(struct mgm_htable *ht)
{
	uint32_t i;

	for (i = 0; i < ht->nslots; i++)
		if (ht->slots[i].kind != MGM_KIND_FREE)
			mgm_slot_release(&ht->slots[i]);
	ht->used = 0;
}

void libmgm_ht_destroy(struct mgm_htable *ht)
{
	free(ht->slots);
	memset(ht, 0, sizeof(*ht));
}
