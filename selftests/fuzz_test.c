// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input from userspace: a seeded, reproducible random ioctl driver, and
 * targeted tests of what a fault on a user pointer may change.
 *
 * fuzz.random_ioctls: MGM_FUZZ_THREADS threads (default 4) send
 * MGM_FUZZ_CALLS ioctls in all (default 200000; `make check-debug` sends a
 * million) to a few files of /dev/mgm, while another thread keeps closing
 * them and opening new ones in their place. Commands are the real ones with
 * argument structs generated field by field (mostly plausible values, some
 * random), the real numbers with a wrong size or direction, other numbers of
 * the mgm magic, and other drivers' numbers. Argument and embedded pointers
 * (batch records, enumeration buffers) are valid, NULL, unmapped, read-only,
 * kernel addresses, straddling into an inaccessible page, or random. Every
 * failure must carry an errno the uapi header documents for that command
 * (EBADF too: a file closed under the thread), every success must be sane,
 * and at the end, with every file closed, the table must be empty. Besides
 * the shared files, each thread has a file of its own (its "model file",
 * never closed under it) with one protocol on it, and sends a quarter of its
 * calls there: plausible or garbled adds, deletes, batches, takes, releases,
 * owner queries and cursors. Every success there is applied to a model of
 * that file's state (its interfaces, memberships and cursors), must be one
 * the contract allows (a valid membership on an interface it owns, a delete
 * of something there), and at the end the table is compared with the models:
 * /proc/net/mgm line by line, enumeration, owners, counters, each file's
 * cursors. The
 * kernel must not splat (checked by testing/vm-run). Each thread's sequence is
 * a function of MGM_FUZZ_SEED (default 1) and its index; with one thread
 * and MGM_FUZZ_CLOSER=0 the whole run is reproducible.
 *
 * reply_page_protected_meanwhile: a fault copying the reply out, because
 * another thread write-protected the page while the command ran, must not
 * leave behind state the caller cannot know about (a protocol, a cursor:
 * register and enum-start are taken back), nor move a cursor; the race must
 * hit each command (bounded retries), or the test proves nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "helpers.h"
#include "reliability.h"

#define SLOTS		6
#define MAX_THREADS	16
#define ARENA		(64 * 4096)	/* per thread, followed by a guard page */
#define KEYS		512		/* (S,G) key space of plausible records */

/* --- a small PRNG: xorshift64*, one state per thread ----------------------- */

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

static uint32_t below(uint64_t *s, uint32_t n)
{
	return (uint32_t)((rnd(s) >> 32) % n);
}

/* true with probability pct % */
static bool chance(uint64_t *s, unsigned int pct)
{
	return below(s, 100) < pct;
}

/* --- shared state -------------------------------------------------------------- */

struct fuzz {
	_Atomic int slots[SLOTS];
	atomic_bool stop;
	int ifindex[2];
	unsigned long calls_per_thread;
	uint64_t seed;
	void *readonly;		/* a page of plausible structs, PROT_READ */
	void *unmapped;		/* a page-aligned address nothing can access */
	atomic_ulong calls, failures, bad_errno, bad_success, swaps;
	atomic_ulong by_errno[256];
};

/*
 * What a thread's model file must hold: the calls that succeeded there,
 * applied in the thread's order (nobody else can change that file's
 * protocol, its memberships or its cursors).
 */
#define MODEL_PROTO	100	/* protocol of thread i's file: 100 + i */
#define MODEL_COMP	7
#define MODEL_OWNS	64
#define MODEL_MEMBERS	2048

struct model {
	int fd;
	uint32_t handle;
	uint32_t nexthop;		/* of the interfaces it takes */
	struct mgm_interface owned[MODEL_OWNS];
	unsigned int n_owned;
	struct mgm_membership members[MODEL_MEMBERS];	/* flags as held */
	unsigned int n_members;
	unsigned int cursors;		/* open, their ids below */
	uint32_t cursor_ids[64];	/* the module's max_cursors */
	unsigned long calls, changes, impossible;
};

struct worker {
	struct fuzz *f;
	unsigned int index;
	uint64_t state;
	char *arena;		/* ARENA bytes, then a PROT_NONE page */
	/* ids this thread was given lately, to go deeper than EINVAL */
	uint32_t handles[8], cursors[8];
	struct model m;
};

static const unsigned int mgm_cmds[] = {
	MGM_IOC_REGISTER, MGM_IOC_DEREGISTER, MGM_IOC_TAKE_INTERFACE,
	MGM_IOC_RELEASE_INTERFACE, MGM_IOC_GET_OWNER, MGM_IOC_ADD_MEMBERSHIP,
	MGM_IOC_DELETE_MEMBERSHIP, MGM_IOC_BATCH, MGM_IOC_ENUM_START,
	MGM_IOC_ENUM_NEXT, MGM_IOC_ENUM_END, MGM_IOC_STATS, MGM_IOC_MFE_REPORT,
};
#define NCMDS	(sizeof(mgm_cmds) / sizeof(mgm_cmds[0]))

/*
 * The errnos the uapi header documents per command (EPERM is documented
 * too, but the test runs with CAP_NET_ADMIN).
 */
static bool errno_documented(unsigned int cmd, bool exact, int err)
{
	if (err == EBADF)
		return true;		/* a file closed under the thread */
	if (_IOC_TYPE(cmd) != MGM_IOC_MAGIC)
		return err == ENOTTY;	/* not ours */
	if (err == EFAULT)
		return true;
	/* Wrong size or direction, a number no command has: the dispatcher. */
	if (!exact && (err == ENOTTY || err == EINVAL))
		return true;
	switch (_IOC_NR(cmd)) {
	case _IOC_NR(MGM_IOC_REGISTER):
		return err == EEXIST || err == ENOSPC || err == ENOMEM;
	case _IOC_NR(MGM_IOC_DEREGISTER):
		return err == EINVAL || err == EBUSY;
	case _IOC_NR(MGM_IOC_TAKE_INTERFACE):
		return err == EINVAL || err == ENODEV || err == EEXIST ||
		       err == ENOSPC || err == ENOMEM;
	case _IOC_NR(MGM_IOC_RELEASE_INTERFACE):
		return err == EINVAL;
	case _IOC_NR(MGM_IOC_GET_OWNER):
		return err == EINVAL || err == ENOENT;
	case _IOC_NR(MGM_IOC_ADD_MEMBERSHIP):
		return err == EINVAL || err == ENOSPC || err == ENOMEM;
	case _IOC_NR(MGM_IOC_DELETE_MEMBERSHIP):
		return err == EINVAL || err == ENOENT || err == ENOMEM;
	case _IOC_NR(MGM_IOC_BATCH):
		return err == EINVAL || err == ENOENT || err == ENOSPC ||
		       err == ENOMEM;
	case _IOC_NR(MGM_IOC_ENUM_START):
		return err == EINVAL || err == ENOSPC || err == ENOMEM;
	case _IOC_NR(MGM_IOC_ENUM_NEXT):
		return err == EINVAL || err == ERANGE;
	case _IOC_NR(MGM_IOC_ENUM_END):
		return err == EINVAL;
	case _IOC_NR(MGM_IOC_STATS):
		return false;
	case _IOC_NR(MGM_IOC_MFE_REPORT):
		return err == EINVAL || err == E2BIG || err == ENOMEM;
	}
	return exact ? false : err == ENOTTY;
}

/* --- values -------------------------------------------------------------------- */

static uint32_t gen_u32(uint64_t *s)
{
	switch (below(s, 8)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return ~0u;
	case 3: return 1u << below(s, 32);
	case 4: return below(s, 16);
	default: return (uint32_t)rnd(s);
	}
}

static uint32_t gen_handle(struct worker *w)
{
	uint64_t *s = &w->state;

	if (chance(s, 50))
		return w->handles[below(s, 8)];
	return chance(s, 70) ? 1 + below(s, 8) : gen_u32(s);
}

static uint32_t gen_cursor(struct worker *w)
{
	uint64_t *s = &w->state;

	if (chance(s, 60))
		return w->cursors[below(s, 8)];
	return chance(s, 60) ? 1 + below(s, 80) : gen_u32(s);
}

static uint32_t gen_ifindex(struct worker *w)
{
	switch (below(&w->state, 8)) {
	case 0: return 0;
	case 1: return 1;	/* lo */
	case 2: return gen_u32(&w->state);
	default: return w->f->ifindex[below(&w->state, 2)];
	}
}

/* A membership: a plausible one from a small key space, or anything. */
static void gen_membership(struct worker *w, struct mgm_membership *m)
{
	uint64_t *s = &w->state;
	uint32_t k = below(s, KEYS);

	*m = mgm_rec(gen_handle(w), gen_ifindex(w),
		     k % 4 ? ip4(10, 0, k >> 8, k & 0xff) : 0,
		     k % 16 ? ip4(232, 0, 0, k % 16) : 0,
		     1 + below(s, 3));
	if (chance(s, 90))
		return;
	switch (below(s, 6)) {
	case 0: m->flags = gen_u32(s); break;
	case 1: m->source = gen_u32(s); break;
	case 2: m->source_mask = gen_u32(s); break;
	case 3: m->group = gen_u32(s); break;
	case 4: m->group_mask = gen_u32(s); break;
	default: m->nexthop = gen_u32(s); break;
	}
}

/*
 * A user pointer to room for @len bytes: mostly valid (in the arena), else
 * one of the bad kinds. The arena is followed by an inaccessible page.
 */
static uint64_t gen_ptr(struct worker *w, size_t len, bool *valid)
{
	uint64_t *s = &w->state;
	size_t off;

	*valid = false;
	switch (below(s, 24)) {
	case 0: return 0;
	case 1: return (uintptr_t)w->f->unmapped + below(s, 4096);
	case 2: return (uintptr_t)w->f->readonly + below(s, 64) * 8;
	case 3: return 0xffff888000000000ull + (rnd(s) & 0xffffff);
	case 4: return 0xffffffff81000000ull + (rnd(s) & 0xffff);
	case 5:	/* straddles into the guard page */
		return (uintptr_t)w->arena + ARENA - 1 - below(s, len ? len : 1);
	case 6: return chance(s, 50) ? rnd(s) : below(s, 65536);
	default:
		if (len >= ARENA)
			return (uintptr_t)w->arena;
		off = below(s, ARENA - len + 1);
		if (chance(s, 80))
			off &= ~(size_t)7;
		*valid = true;
		return (uintptr_t)w->arena + off;
	}
}

/*
 * Bytes the argument of @cmd needs: its size, or the size of the real
 * command's struct with the same number if that is larger (gen_arg() fills
 * the whole struct).
 */
static size_t arg_room(unsigned int cmd)
{
	size_t room = _IOC_SIZE(cmd);
	unsigned int i;

	if (_IOC_TYPE(cmd) != MGM_IOC_MAGIC)
		return room;
	for (i = 0; i < NCMDS; i++)
		if (_IOC_NR(mgm_cmds[i]) == _IOC_NR(cmd) &&
		    _IOC_SIZE(mgm_cmds[i]) > room)
			room = _IOC_SIZE(mgm_cmds[i]);
	return room;
}

/* Fill the argument of command @nr at @arg (in the arena). */
static void gen_arg(struct worker *w, unsigned int nr, void *arg)
{
	uint64_t *s = &w->state;
	bool valid;

	switch (nr) {
	case _IOC_NR(MGM_IOC_REGISTER): {
		struct mgm_register *r = arg;

		r->protocol_id = chance(s, 70) ? (uint32_t[]){ 3, 10, 17 }[below(s, 3)] : gen_u32(s);
		r->component_id = chance(s, 70) ? below(s, 4) : gen_u32(s);
		r->callback_flags = gen_u32(s);
		r->handle = gen_u32(s);
		break;
	}
	case _IOC_NR(MGM_IOC_DEREGISTER): {
		struct mgm_deregister *d = arg;

		d->handle = gen_handle(w);
		d->pad = chance(s, 90) ? 0 : gen_u32(s);
		break;
	}
	case _IOC_NR(MGM_IOC_TAKE_INTERFACE):
	case _IOC_NR(MGM_IOC_RELEASE_INTERFACE): {
		struct mgm_interface *i = arg;

		i->handle = gen_handle(w);
		i->ifindex = gen_ifindex(w);
		i->nexthop = chance(s, 80) ? 0 : gen_u32(s);
		i->flags = chance(s, 90) ? 0 : gen_u32(s);
		break;
	}
	case _IOC_NR(MGM_IOC_GET_OWNER): {
		struct mgm_owner_query *q = arg;

		memset(q, 0, sizeof(*q));
		q->ifindex = gen_ifindex(w);
		q->nexthop = chance(s, 80) ? 0 : gen_u32(s);
		q->flags = chance(s, 90) ? 0 : gen_u32(s);
		q->owners = chance(s, 50) ? 0 : gen_u32(s);	/* output: ignored */
		if (chance(s, 10))
			q->protocol_id = gen_u32(s);
		break;
	}
	case _IOC_NR(MGM_IOC_ADD_MEMBERSHIP):
	case _IOC_NR(MGM_IOC_DELETE_MEMBERSHIP):
		gen_membership(w, arg);
		break;
	case _IOC_NR(MGM_IOC_BATCH): {
		struct mgm_batch *b = arg;
		struct mgm_membership *recs;
		uint32_t i, n;

		switch (below(s, 10)) {
		case 0: b->count = 0; break;
		case 1: b->count = 128 + below(s, 2); break;
		case 2: b->count = chance(s, 20) ? MGM_BATCH_MAX + below(s, 2) : gen_u32(s); break;
		default: b->count = 1 + below(s, 16); break;
		}
		b->record_size = chance(s, 90) ? sizeof(*recs) : gen_u32(s);
		b->op = chance(s, 90) ? 1 + below(s, 2) : gen_u32(s);
		b->flags = chance(s, 95) ? 0 : gen_u32(s);
		b->done = gen_u32(s);
		b->error = (int32_t)gen_u32(s);
		b->records = gen_ptr(w, (size_t)(b->count < 4096 ? b->count : 4096) *
				     sizeof(*recs), &valid);
		if (valid) {
			recs = (void *)(uintptr_t)b->records;
			n = (ARENA - (b->records - (uintptr_t)w->arena)) / sizeof(*recs);
			if (n > b->count)
				n = b->count;
			if (n > 64)
				n = 64;	/* the rest: whatever an earlier call left */
			for (i = 0; i < n; i++)
				gen_membership(w, &recs[i]);
		}
		break;
	}
	case _IOC_NR(MGM_IOC_ENUM_START): {
		struct mgm_enum_start *e = arg;

		e->type = chance(s, 90) ? below(s, 2) : gen_u32(s);
		e->flags = chance(s, 90) ? 0 : gen_u32(s);
		e->pad = chance(s, 90) ? 0 : gen_u32(s);
		e->cursor = gen_u32(s);
		e->generation = rnd(s);
		break;
	}
	case _IOC_NR(MGM_IOC_ENUM_NEXT): {
		struct mgm_enum_next *e = arg;

		e->cursor = gen_cursor(w);
		e->flags = chance(s, 90) ? 0 : gen_u32(s);
		e->pad = chance(s, 95) ? 0 : gen_u32(s);
		e->status = gen_u32(s);	/* output: ignored */
		switch (below(s, 6)) {
		case 0: e->buffer_size = below(s, 32); break;
		case 1: e->buffer_size = gen_u32(s); break;
		default: e->buffer_size = 16 * (1 + below(s, 64)); break;
		}
		e->buffer = gen_ptr(w, e->buffer_size < ARENA ? e->buffer_size : ARENA,
				    &valid);
		e->count = gen_u32(s);
		e->start_generation = rnd(s);
		e->generation = rnd(s);
		break;
	}
	case _IOC_NR(MGM_IOC_ENUM_END): {
		struct mgm_enum_end *e = arg;

		e->cursor = gen_cursor(w);
		e->pad = chance(s, 90) ? 0 : gen_u32(s);
		break;
	}
	default:
		break;
	}
}

/* ENUM_NEXT's reply says records were written: all in this thread's arena. */
static bool records_in_arena(const struct worker *w,
			     const struct mgm_enum_next *e)
{
	return e->buffer >= (uintptr_t)w->arena &&
	       e->buffer + (uint64_t)e->count * MGM_REC <=
	       (uintptr_t)w->arena + ARENA;
}

/* A record's masks follow from its addresses. */
static bool record_sane(const struct mgm_source_group *r)
{
	struct mgm_source_group rec;

	memcpy(&rec, r, sizeof(rec));	/* maybe misaligned */
	return rec.source_mask == (rec.source ? MASK32 : 0) &&
	       rec.group_mask == (rec.group ? MASK32 : 0);
}

/* A successful call's reply must make sense. */
static bool success_sane(struct worker *w, unsigned int cmd, const void *arg)
{
	uintptr_t a = (uintptr_t)arg;

	switch (cmd) {
	case MGM_IOC_STATS: {
		const struct mgm_stats *st = arg;

		return st->max_batch == MGM_BATCH_MAX && !st->pad &&
		       st->cursors <= st->max_cursors;
	}
	case MGM_IOC_GET_OWNER: {
		const struct mgm_owner_query *q = arg;

		return q->owners && !(q->owners & ~(MGM_OWNED_BY_ROUTING | MGM_OWNED_BY_IGMP));
	}
	case MGM_IOC_ENUM_NEXT: {
		const struct mgm_enum_next *e = arg;
		const struct mgm_source_group *r;
		uint32_t i;

		if ((uint64_t)e->count * MGM_REC > e->buffer_size ||
		    (e->status & ~(MGM_ENUM_STATUS_END | MGM_ENUM_STATUS_CHANGED)))
			return false;
		if (!e->count)
			return true;
		/* Written, so it is the arena (or the read-only page: no). */
		if (!records_in_arena(w, e))
			return false;
		r = (const void *)(uintptr_t)e->buffer;
		for (i = 0; i < e->count; i++, r++) {
			/* The reply was written after the records. */
			if ((uintptr_t)(r + 1) > a && (uintptr_t)r < a + sizeof(*e))
				continue;
			if (!record_sane(r))
				return false;
		}
		return true;
	}
	case MGM_IOC_BATCH: {
		const struct mgm_batch *b = arg;

		return b->done == b->count && !b->error;
	}
	}
	return true;
}

/*
 * Overwrite a random byte of the argument, but not of ENUM_NEXT's buffer
 * pointer: the kernel writes records there, and a pointer moved by a
 * byte lands anywhere in this process (another thread's arena, the heap),
 * where the write is legitimate and corrupts the test itself.
 */
static void garble(struct worker *w, unsigned int cmd, char *arg, size_t len)
{
	const size_t ptr = offsetof(struct mgm_enum_next, buffer);
	size_t at;

	if (!len)
		return;
	at = below(&w->state, len);
	if (_IOC_TYPE(cmd) == MGM_IOC_MAGIC &&
	    _IOC_NR(cmd) == _IOC_NR(MGM_IOC_ENUM_NEXT) &&
	    at >= ptr && at < ptr + sizeof(uint64_t))
		return;
	arg[at] = (char)rnd(&w->state);
}

/* What a reply success_sane() refused holds, for the log. */
static void explain_reply(struct worker *w, unsigned int cmd, const void *arg)
{
	const struct mgm_enum_next *e = arg;
	const struct mgm_source_group *r;
	struct mgm_source_group rec;
	uint32_t i;

	if (cmd != MGM_IOC_ENUM_NEXT)
		return;
	fprintf(stderr, "#   reply at arena+%#lx: cursor %u count %u flags %#x buffer_size %u buffer %#llx (arena+%#llx)\n",
		(unsigned long)((const char *)arg - w->arena), e->cursor,
		e->count, e->flags, e->buffer_size,
		(unsigned long long)e->buffer,
		(unsigned long long)(e->buffer - (uintptr_t)w->arena));
	if (!records_in_arena(w, e))
		return;
	r = (const void *)(uintptr_t)e->buffer;
	for (i = 0; i < e->count && i < 4096; i++, r++) {
		if (record_sane(r))
			continue;
		memcpy(&rec, r, sizeof(rec));
		fprintf(stderr, "#   record %u: source %#x/%#x group %#x/%#x\n",
			i, ntohl(rec.source), ntohl(rec.source_mask),
			ntohl(rec.group), ntohl(rec.group_mask));
	}
}

/* --- the model files --------------------------------------------------------- */

/* contract D2: what an accepted membership must look like */
static bool sg_valid(const struct mgm_membership *m)
{
	uint32_t s = ntohl(m->source), sm = ntohl(m->source_mask);
	uint32_t g = ntohl(m->group), gm = ntohl(m->group_mask);

	if (!g && !gm)
		return !s && !sm;
	if ((g & 0xf0000000) != 0xe0000000 || gm != MASK32)
		return false;
	if (!s && !sm)
		return true;
	return sm == MASK32 && s && (s & 0xe0000000) != 0xe0000000;
}

static int model_owns(const struct model *m, uint32_t ifindex, uint32_t nexthop)
{
	unsigned int i;

	for (i = 0; i < m->n_owned; i++)
		if (m->owned[i].ifindex == ifindex && m->owned[i].nexthop == nexthop)
			return i;
	return -1;
}

static int model_find(const struct model *m, const struct mgm_membership *r)
{
	unsigned int i;

	for (i = 0; i < m->n_members; i++) {
		const struct mgm_membership *x = &m->members[i];

		if (x->source == r->source && x->group == r->group &&
		    x->ifindex == r->ifindex && x->nexthop == r->nexthop)
			return i;
	}
	return -1;
}

static void model_impossible(struct worker *w, const char *fmt, ...)
{
	va_list ap;

	if (w->m.impossible++ >= 5)
		return;
	fprintf(stderr, "# thread %u model file: ", w->index);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* A membership add (@add) or delete the module accepted on the model file. */
static void model_apply(struct worker *w, const struct mgm_membership *r, bool add)
{
	struct model *m = &w->m;
	int i;

	if (r->handle != m->handle || !sg_valid(r) || !r->flags ||
	    (r->flags & ~MGM_MEMBERSHIP_FLAGS) ||
	    model_owns(m, r->ifindex, r->nexthop) < 0) {
		model_impossible(w, "%s accepted: handle %u flags %#x source %#x/%#x group %#x/%#x ifindex %u nexthop %#x",
				 add ? "add" : "delete", r->handle, r->flags,
				 ntohl(r->source), ntohl(r->source_mask),
				 ntohl(r->group), ntohl(r->group_mask),
				 r->ifindex, ntohl(r->nexthop));
		return;
	}
	i = model_find(m, r);
	if (add) {
		if (i < 0) {
			if (m->n_members == MODEL_MEMBERS) {
				model_impossible(w, "model full");
				return;
			}
			i = m->n_members++;
			m->members[i] = *r;
			m->members[i].flags = 0;
		}
		if ((m->members[i].flags | r->flags) != m->members[i].flags)
			m->changes++;
		m->members[i].flags |= r->flags;
		return;
	}
	if (i < 0 || !(m->members[i].flags & r->flags)) {
		model_impossible(w, "delete of flags %#x accepted, model holds %#x",
				 r->flags, i < 0 ? 0 : m->members[i].flags);
		return;
	}
	m->changes++;
	m->members[i].flags &= ~r->flags;
	if (!m->members[i].flags)
		m->members[i] = m->members[--m->n_members];
}

/* A membership for the model file: mostly its own protocol and interfaces. */
static void gen_model_membership(struct worker *w, struct mgm_membership *r)
{
	uint64_t *s = &w->state;

	gen_membership(w, r);
	if (chance(s, 95))
		r->handle = w->m.handle;
	if (chance(s, 95)) {
		r->ifindex = w->f->ifindex[below(s, 2)];
		r->nexthop = chance(s, 97) ? w->m.nexthop : gen_u32(s);
	}
}

/*
 * One call on the thread's model file, with valid pointers (a fault would
 * leave the model unsure of what a batch applied).
 */
static void model_call(struct worker *w)
{
	struct model *m = &w->m;
	uint64_t *s = &w->state;
	char *arg = w->arena;
	unsigned int cmd, k, n;
	long ret;
	int err;

	/*
	 * Stay within what the model can hold; releases are rare, so that
	 * memberships pile up for the comparison at the end.
	 */
	k = below(s, 1000);
	/* Near full: a delete instead of an add or a batch (up to 16 adds). */
	if (m->n_members + 16 >= MODEL_MEMBERS && (k < 380 || (k >= 600 && k < 800)))
		k = 380;
	if (m->n_owned == MODEL_OWNS && k >= 850 && k < 880)
		k = 885;
	cmd = k < 380 ? MGM_IOC_ADD_MEMBERSHIP :
	      k < 600 ? MGM_IOC_DELETE_MEMBERSHIP :
	      k < 800 ? MGM_IOC_BATCH :
	      k < 850 ? MGM_IOC_GET_OWNER :
	      k < 880 ? MGM_IOC_TAKE_INTERFACE :
	      k < 885 ? MGM_IOC_RELEASE_INTERFACE :
	      k < 940 ? MGM_IOC_ENUM_START : MGM_IOC_ENUM_END;
	memset(arg, 0, 4096);
	switch (cmd) {
	case MGM_IOC_ADD_MEMBERSHIP:
	case MGM_IOC_DELETE_MEMBERSHIP:
		gen_model_membership(w, (void *)arg);
		break;
	case MGM_IOC_BATCH: {
		struct mgm_batch *b = (void *)arg;
		struct mgm_membership *recs = (void *)(arg + 64);

		b->count = chance(s, 5) ? 0 : 1 + below(s, 16);
		b->record_size = sizeof(*recs);
		b->op = chance(s, 95) ? 1 + below(s, 2) : gen_u32(s);
		b->flags = chance(s, 97) ? 0 : gen_u32(s);
		b->done = gen_u32(s);
		b->error = (int32_t)gen_u32(s);
		b->records = (uintptr_t)recs;
		for (n = 0; n < b->count; n++)
			gen_model_membership(w, &recs[n]);
		break;
	}
	case MGM_IOC_GET_OWNER:
	case MGM_IOC_TAKE_INTERFACE:
	case MGM_IOC_RELEASE_INTERFACE: {
		struct mgm_interface *i = (void *)arg;
		struct mgm_owner_query *q = (void *)arg;
		uint32_t ifindex = chance(s, 98) ? (uint32_t)w->f->ifindex[below(s, 2)] :
						   gen_ifindex(w);
		uint32_t nexthop = chance(s, 98) ? m->nexthop : gen_u32(s);

		if (cmd == MGM_IOC_GET_OWNER) {
			q->ifindex = ifindex;
			q->nexthop = nexthop;
		} else {
			i->handle = chance(s, 95) ? m->handle : gen_handle(w);
			i->ifindex = ifindex;
			i->nexthop = nexthop;
			i->flags = chance(s, 97) ? 0 : gen_u32(s);
		}
		break;
	}
	case MGM_IOC_ENUM_START: {
		struct mgm_enum_start *e = (void *)arg;

		e->type = chance(s, 95) ? below(s, 2) : gen_u32(s);
		e->flags = chance(s, 97) ? 0 : gen_u32(s);
		break;
	}
	case MGM_IOC_ENUM_END: {
		struct mgm_enum_end *e = (void *)arg;

		e->cursor = chance(s, 80) && m->cursors ?
			    m->cursor_ids[below(s, m->cursors)] : gen_cursor(w);
		break;
	}
	}
	if (chance(s, 3)) {
		garble(w, cmd, arg, _IOC_SIZE(cmd));
		/* Records elsewhere could be another thread's, changing. */
		if (cmd == MGM_IOC_BATCH)
			((struct mgm_batch *)arg)->records = (uintptr_t)(arg + 64);
	}

	ret = ioctl(m->fd, cmd, arg);
	err = ret < 0 ? errno : 0;
	m->calls++;
	atomic_fetch_add(&w->f->calls, 1);
	atomic_fetch_add(&w->f->by_errno[err & 0xff], 1);
	if (ret < 0) {
		atomic_fetch_add(&w->f->failures, 1);
		if (!errno_documented(cmd, true, err) || err == EBADF ||
		    (err == EFAULT && cmd != MGM_IOC_BATCH))	/* a garbled count */
			model_impossible(w, "ioctl(%#x) failed with %s", cmd, strerror(err));
	}

	switch (cmd) {
	case MGM_IOC_ADD_MEMBERSHIP:
	case MGM_IOC_DELETE_MEMBERSHIP:
		if (!ret)
			model_apply(w, (void *)arg, cmd == MGM_IOC_ADD_MEMBERSHIP);
		break;
	case MGM_IOC_BATCH: {
		const struct mgm_batch *b = (void *)arg;
		const char *rec = (const char *)(uintptr_t)b->records;
		struct mgm_membership r;
		uint32_t at;

		/* @done and @error come back whatever happened. */
		if (ret ? b->error != err || (b->done >= b->count && b->done) :
			  b->done != b->count || b->error) {
			model_impossible(w, "batch of %u returned %ld (%s), done %u error %d",
					 b->count, ret, strerror(err), b->done, b->error);
			break;
		}
		for (n = 0; n < b->done; n++, rec += b->record_size) {
			memcpy(&r, rec, sizeof(r));
			for (at = sizeof(r); at < b->record_size; at++)
				if (rec[at])
					model_impossible(w, "batch record %u with a non-zero tail accepted", n);
			model_apply(w, &r, b->op == MGM_BATCH_ADD);
		}
		break;
	}
	case MGM_IOC_GET_OWNER: {
		const struct mgm_owner_query *q = (void *)arg;

		if (q->flags || model_owns(m, q->ifindex, q->nexthop) < 0)
			break;
		/* Owned by this file's protocol: nobody else can take it. */
		if (ret || q->protocol_id != MODEL_PROTO + w->index ||
		    q->component_id != MODEL_COMP || !(q->owners & MGM_OWNED_BY_ROUTING))
			model_impossible(w, "owner of its interface %u: %ld (%s), protocol %u component %u owners %#x",
					 q->ifindex, ret, strerror(err), q->protocol_id,
					 q->component_id, q->owners);
		break;
	}
	case MGM_IOC_TAKE_INTERFACE: {
		const struct mgm_interface *i = (void *)arg;

		if (ret)
			break;
		if (i->handle != m->handle || i->flags ||
		    model_owns(m, i->ifindex, i->nexthop) >= 0) {
			model_impossible(w, "take of %u/%#x accepted", i->ifindex,
					 ntohl(i->nexthop));
			break;
		}
		m->owned[m->n_owned++] = *i;
		m->changes++;
		break;
	}
	case MGM_IOC_RELEASE_INTERFACE: {
		const struct mgm_interface *i = (void *)arg;
		int at;

		if (ret)
			break;
		at = model_owns(m, i->ifindex, i->nexthop);
		if (i->handle != m->handle || i->flags || at < 0) {
			model_impossible(w, "release of %u/%#x accepted", i->ifindex,
					 ntohl(i->nexthop));
			break;
		}
		m->owned[at] = m->owned[--m->n_owned];
		/* Its memberships there go with it. */
		for (n = 0; n < m->n_members;) {
			if (m->members[n].ifindex == i->ifindex &&
			    m->members[n].nexthop == i->nexthop)
				m->members[n] = m->members[--m->n_members];
			else
				n++;
		}
		m->changes++;
		break;
	}
	case MGM_IOC_ENUM_START:
		if (ret)
			break;
		if (m->cursors == sizeof(m->cursor_ids) / sizeof(m->cursor_ids[0])) {
			model_impossible(w, "more cursors than max_cursors");
			break;
		}
		m->cursor_ids[m->cursors++] = ((struct mgm_enum_start *)arg)->cursor;
		break;
	case MGM_IOC_ENUM_END: {
		uint32_t id = ((struct mgm_enum_end *)arg)->cursor;

		if (ret)
			break;
		for (n = 0; n < m->cursors && m->cursor_ids[n] != id; n++)
			;
		if (n == m->cursors) {
			model_impossible(w, "ENUM_END of cursor %u accepted, not open", id);
			break;
		}
		m->cursor_ids[n] = m->cursor_ids[--m->cursors];
		break;
	}
	}
}

/* --- the end: the table against the models ------------------------------------ */

struct model_line {
	uint32_t group, source, protocol, component, ifindex, nexthop, flags;
};

/* By (group, source) as numbers, as the table is ordered, then the rest. */
static int line_cmp(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;
	unsigned int i;

	for (i = 0; i < sizeof(struct model_line) / sizeof(uint32_t); i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

static uint32_t line_addr(const char *s)
{
	struct in_addr a;

	if (!strcmp(s, "*"))
		return 0;
	return inet_pton(AF_INET, s, &a) == 1 ? ntohl(a.s_addr) : 0xdeadbeef;
}

/*
 * /proc/net/mgm's membership lines; every field compared as a number, so
 * that sorting both sides lines them up.
 */
static long proc_lines(struct model_line **out)
{
	char g[32], src[32], nh[32], fl[32], *text, *line, *next;
	long n = 0, cap = 1024, lineno = 0;
	struct model_line *l;

	text = read_file("/proc/net/mgm");
	if (!text)
		return -1;
	l = malloc(cap * sizeof(*l));
	for (line = text; l && line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (lineno++ < 2)
			continue;
		if (n == cap) {
			cap *= 2;
			l = realloc(l, cap * sizeof(*l));
			if (!l)
				break;
		}
		memset(&l[n], 0, sizeof(l[n]));
		fl[0] = 0;
		if (sscanf(line, "%31s %31s %u %u %u %*s %31s %31s", g, src, &l[n].protocol,
			   &l[n].component, &l[n].ifindex, nh, fl) < 6) {
			n = -1;
			break;
		}
		l[n].group = line_addr(g);
		l[n].source = line_addr(src);
		l[n].nexthop = line_addr(nh);
		l[n].flags = (strstr(fl, "join") ? MGM_JOIN_STATE : 0) |
			     (strstr(fl, "forward") ? MGM_FORWARD_STATE : 0);
		n++;
	}
	free(text);
	if (!l)
		return -1;
	if (n < 0)
		free(l);
	else
		*out = l;
	return n;
}

/* The table must be what the models say (every shared file closed). */
static void expect_models(struct __test_metadata *_metadata, struct worker *w,
			  unsigned int threads)
{
	struct model_line *want, *got = NULL;
	unsigned int t, i, owned = 0;
	long n = 0, n_got, keys = 0, j;
	struct table_view v;
	int fd;
	struct mgm_stats st;
	char why[256];

	for (t = 0; t < threads; t++)
		n += w[t].m.n_members;
	want = calloc(n ? n : 1, sizeof(*want));
	ASSERT_NE(NULL, want);
	for (t = 0, n = 0; t < threads; t++) {
		struct model *m = &w[t].m;

		ksft_print_msg("fuzz: thread %u model file: %lu calls, %lu changes, %u memberships, %u interfaces, %u cursors at the end\n",
			       t, m->calls, m->changes, m->n_members, m->n_owned, m->cursors);
		EXPECT_EQ(0ul, m->impossible) TH_LOG("thread %u: replies no model allows (above)", t);
		/* Cursors are counted per file: read them from this one. */
		ASSERT_EQ(0, mgm_stats_get(m->fd, &st));
		EXPECT_EQ(m->cursors, st.cursors) TH_LOG("thread %u's file", t);
		for (i = 0; i < m->n_owned; i++) {
			struct mgm_owner_query q = {
				.ifindex = m->owned[i].ifindex,
				.nexthop = m->owned[i].nexthop,
			};

			EXPECT_EQ(0, ioctl(m->fd, MGM_IOC_GET_OWNER, &q));
			EXPECT_EQ(MODEL_PROTO + t, q.protocol_id);
			EXPECT_EQ((unsigned int)MODEL_COMP, q.component_id);
			EXPECT_EQ((unsigned int)MGM_OWNED_BY_ROUTING, q.owners);
		}
		owned += m->n_owned;
		for (i = 0; i < m->n_members; i++, n++) {
			const struct mgm_membership *r = &m->members[i];

			want[n] = (struct model_line){
				.group = ntohl(r->group), .source = ntohl(r->source),
				.protocol = MODEL_PROTO + t, .component = MODEL_COMP,
				.ifindex = r->ifindex, .nexthop = ntohl(r->nexthop),
				.flags = r->flags,
			};
		}
	}
	qsort(want, n, sizeof(*want), line_cmp);

	/* Every membership, field by field. */
	n_got = proc_lines(&got);
	ASSERT_LE(0, n_got);
	qsort(got, n_got, sizeof(*got), line_cmp);
	EXPECT_EQ(n, n_got) TH_LOG("memberships in /proc/net/mgm");
	for (j = 0; j < n && j < n_got; j++)
		if (line_cmp(&want[j], &got[j]))
			break;
	EXPECT_EQ(j, n < n_got ? n : n_got)
		TH_LOG("membership %ld: the model has %#x %#x proto %u ifindex %u nexthop %#x flags %#x, /proc %#x %#x proto %u ifindex %u nexthop %#x flags %#x",
		       j, want[j].group, want[j].source, want[j].protocol, want[j].ifindex,
		       want[j].nexthop, want[j].flags, got[j].group, got[j].source,
		       got[j].protocol, got[j].ifindex, got[j].nexthop, got[j].flags);

	/* The entries: the (S,G) with join state, in key order. */
	fd = mgm_open_dev();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, table_view_get(fd, &v));
	close(fd);
	EXPECT_TRUE(table_view_consistent(&v, why, sizeof(why))) TH_LOG("%s", why);
	for (j = 0; j < n; j++) {
		uint64_t key = (uint64_t)want[j].group << 32 | want[j].source;
		bool join = false;
		long k;

		if (j && want[j - 1].group == want[j].group &&
		    want[j - 1].source == want[j].source)
			continue;
		for (k = j; k < n && want[k].group == want[j].group &&
			    want[k].source == want[j].source; k++)
			join |= want[k].flags & MGM_JOIN_STATE;
		if (!join)
			continue;
		if (keys < v.n_all && v.all[keys] != key)
			break;
		keys++;
	}
	EXPECT_EQ(keys, v.n_all) TH_LOG("entries enumerated against the model's (S,G) with join state");
	EXPECT_EQ((uint64_t)n, v.stats.memberships);
	EXPECT_EQ(threads, v.stats.protocols);
	EXPECT_EQ(owned, v.stats.interfaces);
	table_view_free(&v);
	free(want);
	free(got);
}

static void *worker_main(void *p)
{
	struct worker *w = p;
	struct fuzz *f = w->f;
	unsigned long i, logged = 0;
	unsigned int cmd, nr, size;
	bool exact, arg_valid;
	uint64_t argp;
	size_t len;
	char *arg = NULL;
	long ret;
	int fd, err;

	for (i = 0; i < f->calls_per_thread && !atomic_load(&f->stop); i++) {
		uint64_t *s = &w->state;

		if (chance(s, 25)) {
			model_call(w);
			continue;
		}
		/* The command number. */
		exact = false;
		switch (below(s, 20)) {
		case 0:		/* a real number, another size */
			cmd = mgm_cmds[below(s, NCMDS)];
			size = chance(s, 50) ? _IOC_SIZE(cmd) + below(s, 64) - 32 :
					       below(s, 1u << _IOC_SIZEBITS);
			if ((int)size < 0)
				size = 0;
			size &= (1u << _IOC_SIZEBITS) - 1;
			cmd = _IOC(_IOC_DIR(cmd), MGM_IOC_MAGIC, _IOC_NR(cmd), size);
			break;
		case 1:		/* a real number, another direction */
			cmd = mgm_cmds[below(s, NCMDS)];
			cmd = _IOC(below(s, 4), MGM_IOC_MAGIC, _IOC_NR(cmd),
				   _IOC_SIZE(cmd));
			break;
		case 2:		/* the magic, any number */
			cmd = _IOC(below(s, 4), MGM_IOC_MAGIC, below(s, 256),
				   below(s, 256));
			break;
		case 3:		/* another driver's number (not the VFS's own) */
			do {
				cmd = (uint32_t)rnd(s);
				nr = _IOC_TYPE(cmd);
			} while (nr == MGM_IOC_MAGIC || nr == 'f' || nr == 'X' ||
				 nr == 'T' || nr == 0x94 || nr == 0);
			break;
		default:
			cmd = mgm_cmds[below(s, NCMDS)];
			exact = true;
			break;
		}
		nr = _IOC_NR(cmd);
		len = _IOC_SIZE(cmd);

		/*
		 * Its argument: room for what the call may touch and for the
		 * whole struct gen_arg() writes, which is larger than @len
		 * when the number was given a smaller size (at the arena's
		 * end, the rest would run into the guard page).
		 */
		argp = gen_ptr(w, arg_room(cmd), &arg_valid);
		if (arg_valid) {
			arg = (char *)(uintptr_t)argp;
			memset(arg, 0, len < 128 ? len : 128);
			if (_IOC_TYPE(cmd) == MGM_IOC_MAGIC)
				gen_arg(w, nr, arg);
			if (chance(s, 3))	/* a garbage byte */
				garble(w, cmd, arg, len);
		}

		fd = atomic_load(&f->slots[below(s, SLOTS)]);
		ret = ioctl(fd, cmd, (unsigned long)argp);
		err = ret < 0 ? errno : 0;
		atomic_fetch_add(&f->calls, 1);
		atomic_fetch_add(&f->by_errno[err & 0xff], 1);
		if (ret < 0) {
			atomic_fetch_add(&f->failures, 1);
			if (!errno_documented(cmd, exact, err)) {
				atomic_fetch_add(&f->bad_errno, 1);
				if (logged++ < 5)
					fprintf(stderr, "# thread %u call %lu: ioctl(%#x) (%s) failed with %s, not documented for it\n",
						w->index, i, cmd,
						exact ? "exact" : "altered", strerror(err));
			}
		} else if (exact && arg_valid && !success_sane(w, cmd, arg)) {
			atomic_fetch_add(&f->bad_success, 1);
			if (logged++ < 5) {
				fprintf(stderr, "# thread %u call %lu: ioctl(%#x) succeeded with a reply that makes no sense\n",
					w->index, i, cmd);
				explain_reply(w, cmd, arg);
			}
		} else if (exact && arg_valid) {
			/* Remember the ids handed out. */
			if (cmd == MGM_IOC_REGISTER)
				w->handles[below(s, 8)] =
					((struct mgm_register *)arg)->handle;
			else if (cmd == MGM_IOC_ENUM_START)
				w->cursors[below(s, 8)] =
					((struct mgm_enum_start *)arg)->cursor;
		}
	}
	return NULL;
}

/*
 * A crash of the test itself (the kernel wrote where it must not, or the
 * test has a bug) names the faulting address and instruction, and
 * worker_main's address, so that `nm` on the binary places the instruction
 * (the binary is position independent).
 */
static void put_hex(char *at, uint64_t v)
{
	int i;

	for (i = 15; i >= 0; i--, v >>= 4)
		at[i] = "0123456789abcdef"[v & 15];
}

static void crash_report(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;
	char line[] = "# crash: signal at 0000000000000000 rip 0000000000000000 worker_main 0000000000000000\n";

	put_hex(line + 19, (uintptr_t)si->si_addr);
	put_hex(line + 40, (uint64_t)uc->uc_mcontext.gregs[REG_RIP]);
	put_hex(line + 69, (uintptr_t)worker_main);
	if (write(2, line, sizeof(line) - 1) < 0)
		_exit(128 + sig);
	raise(sig);	/* SA_RESETHAND: the default action now */
}

static void report_crashes(void)
{
	struct sigaction sa = {
		.sa_sigaction = crash_report,
		.sa_flags = SA_SIGINFO | SA_RESETHAND,
	};

	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

/* Keeps replacing files under the workers: close, and open in their place. */
static void *closer_main(void *p)
{
	struct fuzz *f = p;
	uint64_t s = f->seed * 0x9e3779b97f4a7c15ull + 99;
	int fd, old;

	while (!atomic_load(&f->stop)) {
		fd = open(MGM_DEV, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		old = atomic_exchange(&f->slots[below(&s, SLOTS)], fd);
		close(old);
		atomic_fetch_add(&f->swaps, 1);
		usleep(200 + below(&s, 2000));
	}
	return NULL;
}

FIXTURE(fuzz) {
	struct fuzz f;
	struct worker w[MAX_THREADS];
	unsigned int threads;
	bool closer;
};

FIXTURE_SETUP(fuzz)
{
	unsigned long calls = env_ulong("MGM_FUZZ_CALLS", 200000);
	unsigned int i;
	char *p;

	self->threads = env_ulong("MGM_FUZZ_THREADS", 4);
	ASSERT_LE(1u, self->threads);
	ASSERT_GE((unsigned int)MAX_THREADS, self->threads);
	self->closer = env_ulong("MGM_FUZZ_CLOSER", 1);
	self->f.seed = env_ulong("MGM_FUZZ_SEED", 1);
	self->f.calls_per_thread = (calls + self->threads - 1) / self->threads;

	del_link("fz0");
	del_link("fz1");
	self->f.ifindex[0] = make_dummy("fz0");
	self->f.ifindex[1] = make_dummy("fz1");
	ASSERT_LT(0, self->f.ifindex[0]);
	ASSERT_LT(0, self->f.ifindex[1]);

	/* A read-only page of plausible structs, and a hole. */
	p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < 4096 / sizeof(struct mgm_membership); i++)
		((struct mgm_membership *)p)[i] =
			mgm_rec(1, self->f.ifindex[0], ip4(10, 0, 0, i + 1),
				ip4(232, 0, 0, 1), MGM_JOIN_STATE);
	ASSERT_EQ(0, mprotect(p, 4096, PROT_READ));
	/*
	 * The hole stays reserved (PROT_NONE) rather than unmapped: an
	 * unmapped range could be handed to a later mmap (the workers'
	 * arenas, libc), and the kernel's writes there would then be
	 * legitimate successes rather than the faults the test expects.
	 */
	ASSERT_EQ(0, mprotect(p + 4096, 2 * 4096, PROT_NONE));
	self->f.readonly = p;
	self->f.unmapped = p + 4096;

	for (i = 0; i < self->threads; i++) {
		struct worker *w = &self->w[i];

		w->f = &self->f;
		w->index = i;
		w->state = (self->f.seed + 1) * 0x9e3779b97f4a7c15ull ^ (i + 1);
		p = mmap(NULL, ARENA + 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_NE(MAP_FAILED, p);
		ASSERT_EQ(0, mprotect(p + ARENA, 4096, PROT_NONE));
		w->arena = p;
	}
	for (i = 0; i < SLOTS; i++) {
		self->f.slots[i] = mgm_open_dev();
		ASSERT_LE(0, self->f.slots[i]);
	}
	for (i = 0; i < self->threads; i++) {
		struct model *m = &self->w[i].m;
		unsigned int k;

		m->fd = mgm_open_dev();
		ASSERT_LE(0, m->fd);
		ASSERT_EQ(0, mgm_register_proto(m->fd, MODEL_PROTO + i, MODEL_COMP,
						&m->handle));
		m->nexthop = ip4(10, 9, i, 1);
		for (k = 0; k < 2; k++) {
			ASSERT_EQ(0, mgm_take(m->fd, m->handle, self->f.ifindex[k],
					      m->nexthop));
			m->owned[m->n_owned++] = (struct mgm_interface){
				.handle = m->handle, .ifindex = self->f.ifindex[k],
				.nexthop = m->nexthop,
			};
		}
	}
}

FIXTURE_TEARDOWN(fuzz)
{
	del_link("fz0");
	del_link("fz1");
}

TEST_F_TIMEOUT(fuzz, random_ioctls, 2600)
{
	pthread_t workers[MAX_THREADS], closer;
	unsigned long ok, n;
	unsigned int i;

	ksft_print_msg("fuzz: seed %llu, %lu calls from %u threads%s\n",
		       (unsigned long long)self->f.seed,
		       self->f.calls_per_thread * self->threads, self->threads,
		       self->closer ? ", files replaced under them" : "");
	report_crashes();
	for (i = 0; i < self->threads; i++)
		ASSERT_EQ(0, pthread_create(&workers[i], NULL, worker_main,
					    &self->w[i]));
	if (self->closer)
		ASSERT_EQ(0, pthread_create(&closer, NULL, closer_main, &self->f));
	for (i = 0; i < self->threads; i++)
		ASSERT_EQ(0, pthread_join(workers[i], NULL));
	atomic_store(&self->f.stop, true);
	if (self->closer)
		ASSERT_EQ(0, pthread_join(closer, NULL));

	n = atomic_load(&self->f.calls);
	ok = n - atomic_load(&self->f.failures);
	ksft_print_msg("fuzz: %lu calls: %lu succeeded; %lu files replaced\n", n,
		       ok, atomic_load(&self->f.swaps));
	for (i = 1; i < 256; i++)
		if (atomic_load(&self->f.by_errno[i]))
			ksft_print_msg("fuzz:   %-8lu %s\n",
				       atomic_load(&self->f.by_errno[i]), strerror(i));
	EXPECT_EQ(0ul, atomic_load(&self->f.bad_errno));
	EXPECT_EQ(0ul, atomic_load(&self->f.bad_success));
	EXPECT_EQ(self->f.calls_per_thread * self->threads, n);

	/* The shared files closed, the models' files hold what they say. */
	for (i = 0; i < SLOTS; i++)
		EXPECT_EQ(0, close(self->f.slots[i]));
	expect_models(_metadata, self->w, self->threads);
	/* With every file closed, nothing is left. */
	for (i = 0; i < self->threads; i++)
		EXPECT_EQ(0, close(self->w[i].m.fd));
	expect_table_empty(_metadata, NULL);
}

/* --- a reply page made read-only while the call runs --------------------- */

/*
 * The page another thread keeps write-protecting is a memfd page mapped
 * twice: the flipping mapping, whose address the commands get, and a
 * writable alias, through which the test stores their arguments whatever
 * the flipper did. (Storing through /proc/self/mem, as a debugger does,
 * works only where the kernel forces such writes for everyone: sid's 7.2 is
 * built with CONFIG_PROC_MEM_FORCE_PTRACE, which keeps that for a ptracer.)
 */
struct flip_page {
	void *flipping;		/* given to the kernel; RO or RW at any time */
	char *alias;		/* the same page, always writable */
};

static int flip_page_map(struct flip_page *fp)
{
	int fd = memfd_create("mgm-flip", MFD_CLOEXEC);

	if (fd < 0 || ftruncate(fd, 4096))
		return -1;
	fp->flipping = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	fp->alias = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return fp->flipping == MAP_FAILED || fp->alias == MAP_FAILED ? -1 : 0;
}

/* Store @len bytes at @dst, in the flipping mapping, through the alias. */
static void store_flipping(const struct flip_page *fp, void *dst, const void *src,
			   size_t len)
{
	memcpy(fp->alias + ((char *)dst - (char *)fp->flipping), src, len);
}

struct flipper {
	void *page;
	atomic_bool stop;
	atomic_ulong flips;
};

static void *flipper_main(void *p)
{
	struct flipper *fl = p;

	while (!atomic_load(&fl->stop)) {
		mprotect(fl->page, 4096, PROT_READ);
		mprotect(fl->page, 4096, PROT_READ | PROT_WRITE);
		atomic_fetch_add(&fl->flips, 1);
	}
	return NULL;
}

/*
 * uapi: a command whose argument cannot be written back "fails with EFAULT
 * and has no effect", and for MGM_IOC_ENUM_NEXT "on any error the cursor
 * does not move". That must hold also when another thread write-protects
 * the argument's page while the command runs, after the module checked that
 * it could write there: a walk one record per call, retried on EFAULT, must
 * still see every record of a table nobody changes, and a register retried
 * on EFAULT must not leave protocols nobody has a handle of.
 */
FIXTURE(flip) {
	int unused;
};

FIXTURE_SETUP(flip)
{
}

FIXTURE_TEARDOWN(flip)
{
}

TEST_F_TIMEOUT(flip, reply_page_protected_meanwhile, 600)
{
	unsigned int i, n = env_ulong("MGM_FUZZ_FLIP_RECORDS", 2000);
	unsigned long efaults_next = 0, efaults_reg = 0, registered = 0;
	unsigned int round, walks = 0, reg_rounds = 0, start_rounds = 0;
	unsigned long efaults_start = 0;
	struct mgm_enum_start *start;
	struct mgm_membership *recs;
	struct mgm_source_group rec;
	struct mgm_enum_next *next;
	struct mgm_register *reg;
	struct flipper fl = {};
	struct flip_page fp;
	struct mgm_stats st;
	pthread_t flipper;
	uint32_t h, cursor;
	int fd, ifindex;
	bool lost = false;

	del_link("fz9");
	ifindex = make_dummy("fz9");
	ASSERT_LT(0, ifindex);
	fd = mgm_open_dev();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mgm_register_proto(fd, MGM_PROTO_PIM, 1, &h));
	ASSERT_EQ(0, mgm_take(fd, h, ifindex, 0));
	recs = calloc(n, sizeof(*recs));
	ASSERT_NE(NULL, recs);
	for (i = 0; i < n; i++)
		recs[i] = mgm_rec(h, ifindex, ip4(10, 0, i >> 8, i & 0xff),
				  ip4(232, 0, 0, 1), MGM_JOIN_STATE);
	ASSERT_EQ(0, mgm_batch_apply(fd, MGM_BATCH_ADD, recs, n, NULL, NULL));
	free(recs);

	ASSERT_EQ(0, flip_page_map(&fp));
	fl.page = fp.flipping;
	next = fl.page;
	reg = (void *)((char *)fl.page + 512);
	start = (void *)((char *)fl.page + 1024);
	ASSERT_EQ(0, pthread_create(&flipper, NULL, flipper_main, &fl));

	/*
	 * Whole walks until one of them had a reply fault (a test where the
	 * race never hit proves nothing); each must see every record.
	 */
	for (round = 0; round < 10 && (!efaults_next || !walks); round++) {
		unsigned long seen = 0;
		bool end = false;

		ASSERT_EQ(0, mgm_enum_start_type(fd, MGM_ENUM_ALL_SOURCES, &cursor));
		while (!end) {
			struct mgm_enum_next arg = {
				.cursor = cursor,
				.buffer = (uintptr_t)&rec,
				.buffer_size = sizeof(rec),
			};

			/* The page may be read-only right now. */
			store_flipping(&fp, next, &arg, sizeof(arg));
			if (ioctl(fd, MGM_IOC_ENUM_NEXT, next)) {
				ASSERT_EQ(EFAULT, errno);
				efaults_next++;
				continue;
			}
			seen += next->count;
			end = next->status & MGM_ENUM_STATUS_END;
		}
		ASSERT_EQ(0, mgm_enum_end_id(fd, cursor));
		walks++;
		if (seen != n)
			lost = true;
		EXPECT_EQ(n, seen) TH_LOG("walk %u: records lost by calls that failed with EFAULT", round);
	}
	for (round = 0; round < 10 && !efaults_reg; round++, reg_rounds++) {
		for (i = 0; i < 2000; i++) {
			struct mgm_register arg = { .protocol_id = 200, .component_id = i };

			store_flipping(&fp, reg, &arg, sizeof(arg));
			if (!ioctl(fd, MGM_IOC_REGISTER, reg)) {
				registered++;
				ASSERT_EQ(0, mgm_deregister_proto(fd, reg->handle));
				continue;
			}
			/* ENOSPC: protocols lost by EFAULTs filled the table. */
			if (errno == ENOSPC)
				break;
			ASSERT_EQ(EFAULT, errno);
			efaults_reg++;
		}
	}
	/* An enum-start whose reply faults is taken back: no cursor stays. */
	for (round = 0; round < 10 && !efaults_start; round++, start_rounds++) {
		for (i = 0; i < 2000; i++) {
			struct mgm_enum_start arg = { .type = MGM_ENUM_ALL_SOURCES };

			store_flipping(&fp, start, &arg, sizeof(arg));
			if (!ioctl(fd, MGM_IOC_ENUM_START, start)) {
				ASSERT_EQ(0, mgm_enum_end_id(fd, start->cursor));
				continue;
			}
			/* ENOSPC: cursors lost by EFAULTs filled the file. */
			if (errno == ENOSPC)
				break;
			ASSERT_EQ(EFAULT, errno);
			efaults_start++;
		}
	}
	atomic_store(&fl.stop, true);
	ASSERT_EQ(0, pthread_join(flipper, NULL));
	ksft_print_msg("EFAULTs: %lu in %u walks, %lu in %u rounds of 2000 registers, %lu in %u rounds of 2000 enum-starts, while the page flipped %lu times\n",
		       efaults_next, walks, efaults_reg, reg_rounds, efaults_start,
		       start_rounds, atomic_load(&fl.flips));

	/* The race hit every command, so the checks below mean something. */
	EXPECT_LT(0ul, efaults_next);
	EXPECT_LT(0ul, efaults_reg);
	EXPECT_LT(0ul, efaults_start);
	EXPECT_FALSE(lost);
	ASSERT_EQ(0, mgm_stats_get(fd, &st));
	EXPECT_EQ(1u, st.protocols)
		TH_LOG("protocols registered by calls that failed with EFAULT");
	EXPECT_EQ(0u, st.cursors);
	EXPECT_LT(0ul, registered);
	munmap(fp.flipping, 4096);
	munmap(fp.alias, 4096);
	close(fd);
	del_link("fz9");
}

TEST_HARNESS_MAIN
