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
 * and at the end, with every file closed, the table must be empty. The
 * kernel must not splat (checked by testing/vm-run). Each thread's sequence is
 * a function of MGM_FUZZ_SEED (default 1) and its index; with one thread
 * and MGM_FUZZ_CLOSER=0 the whole run is reproducible.
 *
 * reply_page_protected_meanwhile: a fault copying the reply out, because
 * another thread write-protected the page while the command ran, must not
 * leave behind state the caller cannot know about, nor move a cursor.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
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

struct worker {
	struct fuzz *f;
	unsigned int index;
	uint64_t state;
	char *arena;		/* ARENA bytes, then a PROT_NONE page */
	/* ids this thread was given lately, to go deeper than EINVAL */
	uint32_t handles[8], cursors[8];
};

static const unsigned int mgm_cmds[] = {
	MGM_IOC_REGISTER, MGM_IOC_DEREGISTER, MGM_IOC_TAKE_INTERFACE,
	MGM_IOC_RELEASE_INTERFACE, MGM_IOC_GET_OWNER, MGM_IOC_ADD_MEMBERSHIP,
	MGM_IOC_DELETE_MEMBERSHIP, MGM_IOC_BATCH, MGM_IOC_ENUM_START,
	MGM_IOC_ENUM_NEXT, MGM_IOC_ENUM_END, MGM_IOC_STATS,
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

		/* Its argument. */
		argp = gen_ptr(w, len, &arg_valid);
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
}

FIXTURE_TEARDOWN(fuzz)
{
	del_link("fz0");
	del_link("fz1");
}

TEST_F_TIMEOUT(fuzz, random_ioctls, 3600)
{
	pthread_t workers[MAX_THREADS], closer;
	unsigned long ok, n;
	struct mgm_stats st;
	unsigned int i;

	ksft_print_msg("fuzz: seed %llu, %lu calls from %u threads%s\n",
		       (unsigned long long)self->f.seed,
		       self->f.calls_per_thread * self->threads, self->threads,
		       self->closer ? ", files replaced under them" : "");
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

	/* With every file closed, nothing is left. */
	for (i = 0; i < SLOTS; i++)
		EXPECT_EQ(0, close(self->f.slots[i]));
	expect_table_empty(_metadata, &st);
	EXPECT_EQ(0u, st.cursors);
}

/* --- a reply page made read-only while the call runs --------------------- */

/*
 * Store @len bytes at @dst, which another thread keeps write-protecting:
 * through /proc/self/mem, which writes read-only private pages too (as a
 * debugger does). Returns 0 once stored.
 */
static int memcpy_to_flipping(void *dst, const void *src, size_t len)
{
	static int mem = -1;

	if (mem < 0)
		mem = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	return pwrite(mem, src, len, (off_t)(uintptr_t)dst) == (ssize_t)len ? 0 : -1;
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
	unsigned long efaults = 0, seen = 0, registered = 0;
	struct mgm_membership *recs;
	struct mgm_source_group rec;
	struct mgm_enum_next *next;
	struct mgm_register *reg;
	struct flipper fl = {};
	struct mgm_stats st;
	pthread_t flipper;
	uint32_t h, cursor;
	int fd, ifindex;
	bool end = false;

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
	ASSERT_EQ(0, mgm_enum_start_type(fd, MGM_ENUM_ALL_SOURCES, &cursor));

	fl.page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, fl.page);
	next = fl.page;
	reg = (void *)((char *)fl.page + 512);
	ASSERT_EQ(0, pthread_create(&flipper, NULL, flipper_main, &fl));

	while (!end) {
		struct mgm_enum_next arg = {
			.cursor = cursor,
			.buffer = (uintptr_t)&rec,
			.buffer_size = sizeof(rec),
		};

		/* The page may be read-only right now. */
		ASSERT_EQ(0, memcpy_to_flipping(next, &arg, sizeof(arg)));
		if (ioctl(fd, MGM_IOC_ENUM_NEXT, next)) {
			ASSERT_EQ(EFAULT, errno);
			efaults++;
			continue;
		}
		seen += next->count;
		end = next->status & MGM_ENUM_STATUS_END;
	}
	for (i = 0; i < 2000; i++) {
		struct mgm_register arg = { .protocol_id = 200, .component_id = i };

		memcpy_to_flipping(reg, &arg, sizeof(arg));
		if (!ioctl(fd, MGM_IOC_REGISTER, reg)) {
			registered++;
			ASSERT_EQ(0, mgm_deregister_proto(fd, reg->handle));
			continue;
		}
		/* ENOSPC: protocols lost by EFAULTs filled the table. */
		if (errno == ENOSPC)
			break;
		ASSERT_EQ(EFAULT, errno);
		efaults++;
	}
	atomic_store(&fl.stop, true);
	ASSERT_EQ(0, pthread_join(flipper, NULL));
	ksft_print_msg("%lu EFAULTs while the page flipped %lu times\n", efaults,
		       atomic_load(&fl.flips));

	EXPECT_EQ(n, seen) TH_LOG("records lost by calls that failed with EFAULT");
	ASSERT_EQ(0, mgm_stats_get(fd, &st));
	EXPECT_EQ(1u, st.protocols)
		TH_LOG("protocols registered by calls that failed with EFAULT");
	EXPECT_LT(0ul, registered);
	munmap(fl.page, 4096);
	close(fd);
	del_link("fz9");
}

TEST_HARNESS_MAIN
