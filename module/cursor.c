// SPDX-License-Identifier: GPL-2.0
/*
 * Enumeration cursors (contract D5-D9): start, get-next, end; of the
 * entries (MGM_IOC_ENUM_*) or of the memberships (MGM_IOC_MEMBER_ENUM_*),
 * counted together against max_cursors and ended by the same call.
 *
 * A cursor belongs to one open file and lives in that file's xarray under a
 * small id. Its position is a key (struct mgm_walk), never a pointer into the
 * table. Get-next alternates two phases until the caller's buffer is full or
 * the table ends:
 *   1. under rcu_read_lock(), gather up to a page of records into the
 *      cursor's kernel buffer (mgm_walk_gather());
 *   2. outside RCU, copy_to_user() them into the caller's buffer.
 * It never takes the writers' lock and never copies to user memory or sleeps
 * inside the RCU section. If a copy faults, the cursor goes back to where the
 * call found it, so an EFAULT loses nothing.
 *
 * Locking: the xarray's own lock for insert/erase; lookups under RCU take a
 * reference (refcount_inc_not_zero); mgm_cursor.lock serialises get-next
 * calls on one cursor. A cursor is freed after a grace period once the last
 * reference is gone.
 */
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "key.h"
#include "mgm.h"
#include "walk.h"

/* The cursor's kernel buffer: a page of records of either kind. */
#define MGM_CURSOR_BUF		PAGE_SIZE

/* A walk of either kind; @members tells which. */
union mgm_any_walk {
	struct mgm_walk groups;
	struct mgm_member_walk members;
};

struct mgm_cursor {
	struct mutex lock;		/* serialises get-next on this cursor */
	refcount_t refs;
	bool members;			/* a membership cursor; set at start */
	union mgm_any_walk walk;
	/*
	 * Where the last get-next found the walk, and the task that made it
	 * (compared, never dereferenced): mgm_enum_next_undo() goes back
	 * there if that call's reply could not be written back.
	 */
	union mgm_any_walk undo_walk;
	const struct task_struct *undo_task;
	u64 start_generation;
	void *buf;			/* MGM_CURSOR_BUF bytes */
	struct rcu_head rcu;
};

static void mgm_cursor_put(struct mgm_cursor *c)
{
	if (!refcount_dec_and_test(&c->refs))
		return;
	mutex_destroy(&c->lock);
	kfree(c->buf);
	kfree_rcu(c, rcu);
}

static struct mgm_cursor *mgm_cursor_get(struct mgm_file *mf, u32 id)
{
	struct mgm_cursor *c;

	rcu_read_lock();
	c = xa_load(&mf->cursors, id);
	if (c && !refcount_inc_not_zero(&c->refs))
		c = NULL;
	rcu_read_unlock();
	return c;
}

/* A new cursor of this file, counted in its cursors; ERR_PTR on failure. */
static struct mgm_cursor *mgm_cursor_new(struct mgm_file *mf)
{
	struct mgm_cursor *c;
	int err;

	/* Never above the limit, even for a moment: MGM_IOC_STATS reads it. */
	if (!atomic_add_unless(&mf->cursors_count, 1, mgm_max_cursors))
		return ERR_PTR(-ENOSPC);

	err = -ENOMEM;
	c = kzalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
	if (!c)
		goto uncount;
	c->buf = kmalloc(MGM_CURSOR_BUF, GFP_KERNEL_ACCOUNT);
	if (!c->buf)
		goto free;
	mutex_init(&c->lock);
	refcount_set(&c->refs, 1);
	c->start_generation = READ_ONCE(mf->mn->generation);
	return c;

free:
	kfree(c);
uncount:
	atomic_dec(&mf->cursors_count);
	return ERR_PTR(err);
}

/* Publish @c under a new id of the file, or free it. */
static int mgm_cursor_publish(struct mgm_file *mf, struct mgm_cursor *c,
			      u32 *id)
{
	int err = xa_alloc_cyclic(&mf->cursors, id, c, xa_limit_31b,
				  &mf->next_cursor, GFP_KERNEL_ACCOUNT);

	if (err < 0) {
		mutex_destroy(&c->lock);
		kfree(c->buf);
		kfree(c);
		atomic_dec(&mf->cursors_count);
		return err;
	}
	return 0;
}

int mgm_enum_start(struct mgm_file *mf, struct mgm_enum_start *arg)
{
	struct mgm_cursor *c;
	int err;

	if (arg->flags || arg->pad ||
	    (arg->type != MGM_ENUM_ANY_SOURCE &&
	     arg->type != MGM_ENUM_ALL_SOURCES))
		return -EINVAL;
	c = mgm_cursor_new(mf);
	if (IS_ERR(c))
		return PTR_ERR(c);
	mgm_walk_init(&c->walk.groups, arg->type);
	err = mgm_cursor_publish(mf, c, &arg->cursor);
	if (err)
		return err;
	arg->generation = c->start_generation;
	return 0;
}

/* The checks of struct mgm_member_enum_start, in this order. */
static int mgm_member_enum_check(const struct mgm_member_enum_start *arg)
{
	u32 f = arg->flags;

	if ((f & ~MGM_MEMBER_ENUM_FLAGS) || arg->pad)
		return -EINVAL;
	if (f & MGM_MEMBER_ENUM_RANGE) {
		if (mgm_key(arg->from_source, arg->from_group) >
		    mgm_key(arg->to_source, arg->to_group))
			return -EINVAL;
	} else if (arg->from_source || arg->from_group || arg->to_source ||
		   arg->to_group) {
		return -EINVAL;
	}
	if (!(f & MGM_MEMBER_ENUM_SOURCE) && arg->source)
		return -EINVAL;
	if (!(f & MGM_MEMBER_ENUM_IFINDEX) && arg->ifindex)
		return -EINVAL;
	if (!(f & MGM_MEMBER_ENUM_PROTOCOL) && arg->protocol_id)
		return -EINVAL;
	return 0;
}

int mgm_member_enum_start(struct mgm_file *mf,
			  struct mgm_member_enum_start *arg)
{
	struct mgm_member_walk *w;
	struct mgm_cursor *c;
	int err;

	err = mgm_member_enum_check(arg);
	if (err)
		return err;
	c = mgm_cursor_new(mf);
	if (IS_ERR(c))
		return PTR_ERR(c);
	c->members = true;
	w = &c->walk.members;
	w->match = arg->flags & ~MGM_MEMBER_ENUM_RANGE;
	w->last = U64_MAX;
	if (arg->flags & MGM_MEMBER_ENUM_RANGE) {
		w->next = mgm_key(arg->from_source, arg->from_group);
		w->last = mgm_key(arg->to_source, arg->to_group);
	}
	w->source = be32_to_cpu(arg->source);
	w->ifindex = arg->ifindex;
	w->protocol_id = arg->protocol_id;
	err = mgm_cursor_publish(mf, c, &arg->cursor);
	if (err)
		return err;
	arg->generation = c->start_generation;
	return 0;
}

/* Gather the next records of @c into its buffer, up to @room; under RCU. */
static u32 mgm_cursor_gather(struct mgm_net *mn, struct mgm_cursor *c,
			     u32 room)
{
	if (c->members)
		return mgm_walk_members_gather(&mn->table, &c->walk.members,
					       c->buf, room);
	return mgm_walk_gather(&mn->table, &c->walk.groups, c->buf, room);
}

static bool mgm_cursor_end(const struct mgm_cursor *c)
{
	return c->members ? c->walk.members.end : c->walk.groups.end;
}

static int mgm_cursor_next(struct mgm_file *mf, struct mgm_enum_next *arg,
			   bool members)
{
	size_t size = members ? sizeof(struct mgm_member_record) :
				sizeof(struct mgm_source_group);
	char __user *ubuf = u64_to_user_ptr(arg->buffer);
	u32 per_gather = MGM_CURSOR_BUF / size;
	struct mgm_net *mn = mf->mn;
	u32 room, count = 0, n;
	union mgm_any_walk saved;
	struct mgm_cursor *c;
	int err = 0;

	if (arg->flags || arg->pad)
		return -EINVAL;
	c = mgm_cursor_get(mf, arg->cursor);
	if (!c)
		return -EINVAL;

	arg->count = 0;
	arg->status = 0;
	arg->start_generation = c->start_generation;
	if (c->members != members) {
		err = -EINVAL;
		goto out;
	}
	room = arg->buffer_size / size;
	if (!room) {
		arg->buffer_size = size;
		err = -ERANGE;
		goto out;
	}

	mutex_lock(&c->lock);
	saved = c->walk;
	while (count < room && !mgm_cursor_end(c)) {
		rcu_read_lock();
		n = mgm_cursor_gather(mn, c, min(room - count, per_gather));
		rcu_read_unlock();
		if (copy_to_user(ubuf + (size_t)count * size, c->buf, n * size)) {
			c->walk = saved;	/* as if the call never happened */
			count = 0;
			err = -EFAULT;
			break;
		}
		count += n;
		cond_resched();
	}
	arg->count = count;
	if (!err) {
		if (mgm_cursor_end(c))
			arg->status |= MGM_ENUM_STATUS_END;
		c->undo_walk = saved;
		c->undo_task = current;
	}
	mutex_unlock(&c->lock);

out:
	arg->generation = READ_ONCE(mn->generation);
	if (arg->generation != arg->start_generation)
		arg->status |= MGM_ENUM_STATUS_CHANGED;
	mgm_cursor_put(c);
	return err;
}

int mgm_enum_next(struct mgm_file *mf, struct mgm_enum_next *arg)
{
	return mgm_cursor_next(mf, arg, false);
}

int mgm_member_enum_next(struct mgm_file *mf, struct mgm_enum_next *arg)
{
	return mgm_cursor_next(mf, arg, true);
}

/* The new cursor's id could not be returned: end it. */
void mgm_enum_start_undo(struct mgm_file *mf, struct mgm_enum_start *arg)
{
	struct mgm_enum_end end = { .cursor = arg->cursor };

	mgm_enum_end(mf, &end);
}

void mgm_member_enum_start_undo(struct mgm_file *mf,
				struct mgm_member_enum_start *arg)
{
	struct mgm_enum_end end = { .cursor = arg->cursor };

	mgm_enum_end(mf, &end);
}

/*
 * The records copied out cannot be counted by the caller: put the cursor
 * back, unless another get-next on it came in between (then the caller
 * raced itself, and the later call's view stands).
 */
void mgm_enum_next_undo(struct mgm_file *mf, struct mgm_enum_next *arg)
{
	struct mgm_cursor *c = mgm_cursor_get(mf, arg->cursor);

	if (!c)
		return;
	mutex_lock(&c->lock);
	if (c->undo_task == current) {
		c->walk = c->undo_walk;
		c->undo_task = NULL;
	}
	mutex_unlock(&c->lock);
	mgm_cursor_put(c);
}

void mgm_member_enum_next_undo(struct mgm_file *mf, struct mgm_enum_next *arg)
{
	mgm_enum_next_undo(mf, arg);
}

int mgm_enum_end(struct mgm_file *mf, struct mgm_enum_end *arg)
{
	struct mgm_cursor *c;

	if (arg->pad)
		return -EINVAL;
	c = xa_erase(&mf->cursors, arg->cursor);
	if (!c)
		return -EINVAL;
	atomic_dec(&mf->cursors_count);
	mgm_cursor_put(c);
	return 0;
}

/* The file is being released: no ioctl can run any more. */
void mgm_cursors_release(struct mgm_file *mf)
{
	struct mgm_cursor *c;
	unsigned long id;

	xa_for_each(&mf->cursors, id, c) {
		xa_erase(&mf->cursors, id);
		mgm_cursor_put(c);
	}
	xa_destroy(&mf->cursors);
}
