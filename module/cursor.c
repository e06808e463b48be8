// SPDX-License-Identifier: GPL-2.0
/*
 * Enumeration cursors (contract D5-D9): start, get-next, end.
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
#include "mgm.h"
#include "walk.h"

#define MGM_CURSOR_RECORDS	(PAGE_SIZE / sizeof(struct mgm_source_group))

struct mgm_cursor {
	struct mutex lock;		/* serialises get-next on this cursor */
	refcount_t refs;
	struct mgm_walk walk;
	/*
	 * Where the last get-next found the walk, and the task that made it
	 * (compared, never dereferenced): mgm_enum_next_undo() goes back
	 * there if that call's reply could not be written back.
	 */
	struct mgm_walk undo_walk;
	const struct task_struct *undo_task;
	u64 start_generation;
	struct mgm_source_group *buf;	/* MGM_CURSOR_RECORDS records */
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

int mgm_enum_start(struct mgm_file *mf, struct mgm_enum_start *arg)
{
	struct mgm_cursor *c;
	int err;

	if (arg->flags || arg->pad ||
	    (arg->type != MGM_ENUM_ANY_SOURCE &&
	     arg->type != MGM_ENUM_ALL_SOURCES))
		return -EINVAL;
	/* Never above the limit, even for a moment: MGM_IOC_STATS reads it. */
	if (!atomic_add_unless(&mf->cursors_count, 1, mgm_max_cursors))
		return -ENOSPC;

	err = -ENOMEM;
	c = kzalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
	if (!c)
		goto uncount;
	c->buf = kmalloc_array(MGM_CURSOR_RECORDS, sizeof(*c->buf),
			       GFP_KERNEL_ACCOUNT);
	if (!c->buf)
		goto free;
	mutex_init(&c->lock);
	refcount_set(&c->refs, 1);
	mgm_walk_init(&c->walk, arg->type);
	c->start_generation = READ_ONCE(mf->mn->generation);

	err = xa_alloc_cyclic(&mf->cursors, &arg->cursor, c, xa_limit_31b,
			      &mf->next_cursor, GFP_KERNEL_ACCOUNT);
	if (err < 0)
		goto free;
	arg->generation = c->start_generation;
	return 0;

free:
	kfree(c->buf);
	kfree(c);
uncount:
	atomic_dec(&mf->cursors_count);
	return err;
}

int mgm_enum_next(struct mgm_file *mf, struct mgm_enum_next *arg)
{
	struct mgm_source_group __user *ubuf = u64_to_user_ptr(arg->buffer);
	struct mgm_net *mn = mf->mn;
	u32 room, count = 0, n;
	struct mgm_walk saved;
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
	room = arg->buffer_size / sizeof(*ubuf);
	if (!room) {
		arg->buffer_size = sizeof(*ubuf);
		err = -ERANGE;
		goto out;
	}

	mutex_lock(&c->lock);
	saved = c->walk;
	while (count < room && !c->walk.end) {
		rcu_read_lock();
		n = mgm_walk_gather(&mn->table, &c->walk, c->buf,
				    min_t(u32, room - count, MGM_CURSOR_RECORDS));
		rcu_read_unlock();
		if (copy_to_user(ubuf + count, c->buf, n * sizeof(*ubuf))) {
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
		if (c->walk.end)
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

/* The new cursor's id could not be returned: end it. */
void mgm_enum_start_undo(struct mgm_file *mf, struct mgm_enum_start *arg)
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
