// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The memberships that forward: mgm-fwd's copy of the part of mgm's table
 * that D19 needs. Filled from a membership listing and kept current by
 * the table's events (MGM_SUBSCRIBE_TABLE, main.c), so an MFE's outgoing
 * interfaces can be computed without asking the kernel.
 *
 * Two hashes: every membership by its identity (entry, interface, next
 * hop, protocol, component) with whether it has MGM_FORWARD_STATE, so
 * that a flag change is told apart from a second membership; and per entry
 * (S,G), (*,G) as (0,G), (*,*) as (0,0), the interfaces with at least one
 * forwarding membership and how many. Both grow by doubling; one thread.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "fwd.h"

struct fwd_member {
	struct fwd_member *next;
	uint32_t source, group, nexthop, protocol, component;
	int ifindex;
	bool forwards;
};

static size_t hash_sg(uint32_t source, uint32_t group)
{
	uint64_t x = ((uint64_t)source << 32 | group) * 0x9e3779b97f4a7c15ull;

	return (size_t)(x >> 20);
}

static size_t member_hash(uint32_t source, uint32_t group, int ifindex,
			  uint32_t nexthop, uint32_t protocol, uint32_t component)
{
	size_t h = hash_sg(source, group);

	h ^= ((size_t)(unsigned int)ifindex * 0x85ebca6bu) ^ nexthop;
	h ^= (size_t)protocol * 0xc2b2ae35u ^ (size_t)component * 0x27d4eb2fu;
	return h * 0x9e3779b1u;
}

int members_init(struct fwd_members *m)
{
	memset(m, 0, sizeof(*m));
	m->mbucket_count = m->ebucket_count = 256;
	m->mbuckets = calloc(m->mbucket_count, sizeof(*m->mbuckets));
	m->ebuckets = calloc(m->ebucket_count, sizeof(*m->ebuckets));
	if (!m->mbuckets || !m->ebuckets) {
		members_free(m);
		return -ENOMEM;
	}
	return 0;
}

void members_clear(struct fwd_members *m)
{
	size_t i;

	for (i = 0; m->mbuckets && i < m->mbucket_count; i++)
		while (m->mbuckets[i]) {
			struct fwd_member *x = m->mbuckets[i];

			m->mbuckets[i] = x->next;
			free(x);
		}
	for (i = 0; m->ebuckets && i < m->ebucket_count; i++)
		while (m->ebuckets[i]) {
			struct fwd_entry *e = m->ebuckets[i];

			m->ebuckets[i] = e->next;
			free(e->oifs);
			free(e);
		}
	m->member_count = m->entry_count = 0;
}

void members_free(struct fwd_members *m)
{
	members_clear(m);
	free(m->mbuckets);
	free(m->ebuckets);
	memset(m, 0, sizeof(*m));
}

/* Double a table of chains when it holds twice its bucket count. */
#define REHASH(buckets, count, type, hashof) do {				\
	size_t n_ = (count) * 2, i_;						\
	type **nb_ = calloc(n_, sizeof(*nb_));					\
										\
	if (!nb_)								\
		break;		/* keep the longer chains */			\
	for (i_ = 0; i_ < (count); i_++)					\
		while ((buckets)[i_]) {						\
			type *x_ = (buckets)[i_];				\
			size_t h_ = hashof(x_) & (n_ - 1);			\
										\
			(buckets)[i_] = x_->next;				\
			x_->next = nb_[h_];					\
			nb_[h_] = x_;						\
		}							\
	free(buckets);								\
	(buckets) = nb_;							\
	(count) = n_;								\
} while (0)

#define MEMBER_HASH_OF(x) member_hash((x)->source, (x)->group, (x)->ifindex, \
				      (x)->nexthop, (x)->protocol, (x)->component)
#define ENTRY_HASH_OF(x) hash_sg((x)->source, (x)->group)

static struct fwd_entry **entry_slot(const struct fwd_members *m,
				     uint32_t source, uint32_t group)
{
	struct fwd_entry **p = &m->ebuckets[hash_sg(source, group) &
					     (m->ebucket_count - 1)];

	while (*p && ((*p)->source != source || (*p)->group != group))
		p = &(*p)->next;
	return p;
}

const struct fwd_entry *members_entry(const struct fwd_members *m,
				      uint32_t source, uint32_t group)
{
	return *entry_slot(m, source, group);
}

/* Count one more (@delta 1) or one fewer (-1) forwarding membership. */
static int entry_count(struct fwd_members *m, uint32_t source, uint32_t group,
		       int ifindex, int delta)
{
	struct fwd_entry **p = entry_slot(m, source, group), *e = *p;
	size_t i;

	if (!e) {
		if (delta < 0)
			return 0;
		e = calloc(1, sizeof(*e));
		if (!e)
			return -ENOMEM;
		e->source = source;
		e->group = group;
		*p = e;
		m->entry_count++;
		if (m->entry_count > 2 * m->ebucket_count)
			REHASH(m->ebuckets, m->ebucket_count, struct fwd_entry,
			       ENTRY_HASH_OF);
	}
	for (i = 0; i < e->n && e->oifs[i].ifindex != ifindex; i++)
		;
	if (delta > 0) {
		if (i < e->n) {
			e->oifs[i].count++;
			return 0;
		}
		if (e->n == e->cap) {
			size_t cap = e->cap ? 2 * e->cap : 4;
			struct fwd_oif_count *v = realloc(e->oifs, cap * sizeof(*v));

			if (!v)
				return -ENOMEM;
			e->oifs = v;
			e->cap = cap;
		}
		e->oifs[e->n++] = (struct fwd_oif_count){ ifindex, 1 };
		return 1;
	}
	if (i == e->n || --e->oifs[i].count)
		return 0;
	e->oifs[i] = e->oifs[--e->n];
	if (!e->n) {
		/* The slot may have moved with a rehash since: look again. */
		p = entry_slot(m, source, group);
		*p = e->next;
		free(e->oifs);
		free(e);
		m->entry_count--;
	}
	return 1;
}

int members_set(struct fwd_members *m, uint32_t source, uint32_t group,
		int ifindex, uint32_t nexthop, uint32_t protocol,
		uint32_t component, uint32_t flags)
{
	size_t h = member_hash(source, group, ifindex, nexthop, protocol,
			       component) & (m->mbucket_count - 1);
	struct fwd_member **p = &m->mbuckets[h], *x;
	bool forwards = flags & MGM_FORWARD_STATE;
	int rc;

	for (; (x = *p); p = &x->next)
		if (x->source == source && x->group == group &&
		    x->ifindex == ifindex && x->nexthop == nexthop &&
		    x->protocol == protocol && x->component == component)
			break;
	if (!x) {
		if (!flags)
			return 0;	/* gone, and we never had it */
		x = calloc(1, sizeof(*x));
		if (!x)
			return -ENOMEM;
		*x = (struct fwd_member){ .source = source, .group = group,
			.nexthop = nexthop, .protocol = protocol,
			.component = component, .ifindex = ifindex };
		x->next = m->mbuckets[h];
		m->mbuckets[h] = x;
		m->member_count++;
	}
	rc = 0;
	if (forwards != x->forwards) {
		rc = entry_count(m, source, group, ifindex, forwards ? 1 : -1);
		if (rc < 0)
			return rc;
		x->forwards = forwards;
	}
	if (!flags) {
		for (p = &m->mbuckets[h]; *p != x; p = &(*p)->next)
			;
		*p = x->next;
		free(x);
		m->member_count--;
	} else if (m->member_count > 2 * m->mbucket_count) {
		REHASH(m->mbuckets, m->mbucket_count, struct fwd_member,
		       MEMBER_HASH_OF);
	}
	return rc;
}
