/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The (S,G) key and the rules for valid sources and groups (contract D2, D6).
 *
 * An entry's key is group << 32 | source, both as host-order numbers, so
 * that ascending keys are ascending (group, source) order. A key determines
 * the whole record: a zero source means "any source" (mask 0), a zero group
 * is the (*,*) entry (mask 0), anything else carries mask 255.255.255.255.
 * Enumeration therefore never needs to read an entry's own memory: the key
 * held by the index is enough to produce its record.
 *
 * Pure functions only: the KUnit tests exercise them directly.
 */
#ifndef MGM_KEY_H
#define MGM_KEY_H

#include <linux/errno.h>
#include <linux/types.h>
#include <linux/mgm.h>
#include <asm/byteorder.h>

#if BITS_PER_LONG != 64
#error "mgm keys (group << 32 | source) need a 64-bit unsigned long"
#endif

static inline u64 mgm_key(__be32 source, __be32 group)
{
	return (u64)be32_to_cpu(group) << 32 | be32_to_cpu(source);
}

static inline u32 mgm_key_group(u64 key)
{
	return key >> 32;
}

static inline u32 mgm_key_source(u64 key)
{
	return (u32)key;
}

static inline __be32 mgm_mask_for(u32 addr)
{
	return addr ? htonl(0xffffffff) : 0;
}

/* The record ALL_SOURCES returns for the entry with this key. */
static inline void mgm_key_record(u64 key, struct mgm_source_group *rec)
{
	u32 group = mgm_key_group(key), source = mgm_key_source(key);

	rec->source = htonl(source);
	rec->source_mask = mgm_mask_for(source);
	rec->group = htonl(group);
	rec->group_mask = mgm_mask_for(group);
}

/* The record ANY_SOURCE returns for the group of this key. */
static inline void mgm_key_group_record(u64 key, struct mgm_source_group *rec)
{
	u32 group = mgm_key_group(key);

	rec->source = 0;
	rec->source_mask = 0;
	rec->group = htonl(group);
	rec->group_mask = mgm_mask_for(group);
}

/* 224.0.0.0/4 */
static inline bool mgm_addr_is_multicast(u32 addr)
{
	return (addr & 0xf0000000) == 0xe0000000;
}

/*
 * A source address is unicast unless it is 0.0.0.0, multicast (224/4) or
 * in 240/4 (reserved, and the limited broadcast 255.255.255.255).
 */
static inline bool mgm_addr_is_unicast(u32 addr)
{
	return addr && (addr & 0xe0000000) != 0xe0000000;
}

/*
 * mgm_validate_sg - check a (source, mask, group, mask) quadruple (contract D2)
 *
 * Valid: (*,*) = all four zero; (*,G) = source 0/0 with a multicast group
 * /32; (S,G) = a unicast source /32 with a multicast group /32. Everything
 * else (ranges, a zero address with a non-zero mask, a multicast source,
 * (S,*)) is -EINVAL.
 */
static inline int mgm_validate_sg(__be32 source, __be32 source_mask,
				  __be32 group, __be32 group_mask)
{
	u32 s = be32_to_cpu(source), sm = be32_to_cpu(source_mask);
	u32 g = be32_to_cpu(group), gm = be32_to_cpu(group_mask);

	if (!g && !gm)
		return !s && !sm ? 0 : -EINVAL;
	if (!mgm_addr_is_multicast(g) || gm != 0xffffffff)
		return -EINVAL;
	if (!s && !sm)
		return 0;
	if (sm != 0xffffffff || !mgm_addr_is_unicast(s))
		return -EINVAL;
	return 0;
}

static inline int mgm_validate_flags(u32 flags)
{
	if (!flags || (flags & ~MGM_MEMBERSHIP_FLAGS))
		return -EINVAL;
	return 0;
}

#endif /* MGM_KEY_H */
