// SPDX-License-Identifier: GPL-2.0
/*
 * Event queues (docs/contract.md, D14-D17): one per open file that
 * subscribed, read with read() and waited for with poll().
 *
 * A queue is a ring of compact records allocated once, at the file's first
 * subscription, with room for max_events of them, and charged to the memory
 * cgroup of the file's opener. Writers (alerts.c, under mgm_net.lock) only
 * copy a record into it under the queue's spinlock: they never allocate,
 * sleep or wait for a reader. When the ring is full, records are counted,
 * not queued, and the reader gets one MGM_EVENT_OVERFLOW record with the
 * count once it has read what was queued before; until then later records
 * are counted too, so that nothing is told out of order.
 *
 * Locking: mgm_net.lock (writers, and subscription changes, which also
 * link the file into the namespace's lists) -> mgm_evq.lock (the ring).
 * mgm_evq.read_lock serialises readers and guards the bounce buffer; a
 * reader copies records out of the ring under the spinlock, writes them to
 * user memory with neither lock of the namespace held, then consumes them,
 * so a fault loses nothing. The queue lives until the file is released.
 */
#include <linux/memcontrol.h>
#include <linux/poll.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include "key.h"
#include "mgm.h"

unsigned int mgm_max_events = 4096;

/* What one read() gathers under the spinlock before it copies out. */
#define MGM_EVQ_BOUNCE	(PAGE_SIZE / sizeof(struct mgm_event))

struct mgm_evq {
	spinlock_t lock;		/* the ring and the counts below */
	wait_queue_head_t wait;
	struct mutex read_lock;		/* readers, @bounce */
	struct mgm_evslot *ring;
	unsigned int cap, head, count;
	u64 lost;			/* counted, not queued, since told */
	u64 lost_seq;			/* @seq of the last one lost */
	u32 events;			/* MGM_SUBSCRIBE_*; written under both locks */
	struct mgm_event *bounce;	/* MGM_EVQ_BOUNCE records */
};

static struct mgm_evq *mgm_evq_alloc(struct mgm_file *mf)
{
	struct mem_cgroup *old;
	struct mgm_evq *q;

	old = set_active_memcg(mf->memcg);
	q = kzalloc(sizeof(*q), GFP_KERNEL_ACCOUNT);
	if (q) {
		q->cap = mgm_max_events;
		/*
		 * vmalloc, not kvcalloc(): a ring is rarely a power of two
		 * in size, and kmalloc would round it up to one (4096 slots
		 * of 48 bytes took 256 KiB instead of 192).
		 */
		q->ring = __vmalloc(array_size(q->cap, sizeof(*q->ring)),
				    GFP_KERNEL_ACCOUNT | __GFP_ZERO);
		q->bounce = kmalloc_array(MGM_EVQ_BOUNCE, sizeof(*q->bounce),
					  GFP_KERNEL_ACCOUNT);
	}
	set_active_memcg(old);
	if (q && (!q->ring || !q->bounce)) {
		kvfree(q->ring);
		kfree(q->bounce);
		kfree(q);
		q = NULL;
	}
	if (!q)
		return NULL;
	spin_lock_init(&q->lock);
	init_waitqueue_head(&q->wait);
	mutex_init(&q->read_lock);
	return q;
}

/* Called under mgm_net.lock: @mf's subscription is @events from now on. */
static void mgm_evq_set(struct mgm_net *mn, struct mgm_file *mf, u32 events)
{
	struct mgm_evq *q = mf->evq;
	u32 was = q->events;

	lockdep_assert_held(&mn->lock);
	if ((was ^ events) & MGM_SUBSCRIBE_ALERTS)
		mgm_count(mn->alert_subscribers, events & MGM_SUBSCRIBE_ALERTS ? 1 : -1);
	if ((was ^ events) & MGM_SUBSCRIBE_TABLE) {
		if (events & MGM_SUBSCRIBE_TABLE)
			list_add_tail(&mf->table_node, &mn->table_subscribers);
		else
			list_del(&mf->table_node);
	}
	spin_lock(&q->lock);
	q->events = events;
	if (!events) {			/* unsubscribed: drop what is queued */
		q->count = 0;
		q->lost = 0;
	}
	spin_unlock(&q->lock);
	wake_up_interruptible_poll(&q->wait, EPOLLIN);	/* readers re-check */
}

int mgm_subscribe(struct mgm_file *mf, struct mgm_subscribe *arg)
{
	struct mgm_net *mn = mf->mn;
	struct mgm_evq *q = NULL;

	if (arg->flags || arg->pad ||
	    (arg->events & ~(MGM_SUBSCRIBE_ALERTS | MGM_SUBSCRIBE_TABLE |
			     MGM_SUBSCRIBE_MFE)))
		return -EINVAL;
	/* Allocated outside the namespace's lock; one per file, kept. */
	if (arg->events && !READ_ONCE(mf->evq)) {
		q = mgm_evq_alloc(mf);
		if (!q)
			return -ENOMEM;
	}
	mutex_lock(&mn->lock);
	if (q && !mf->evq) {
		/* Readers look for it without the lock. */
		smp_store_release(&mf->evq, q);
		q = NULL;
	}
	if (mf->evq)
		mgm_evq_set(mn, mf, arg->events);
	arg->queue_size = mf->evq ? mf->evq->cap : 0;
	arg->generation = mn->generation;
	mutex_unlock(&mn->lock);
	if (q) {			/* another subscribe won the race */
		kvfree(q->ring);
		kfree(q->bounce);
		kfree(q);
	}
	return 0;
}

/* The file asked for @events (under mgm_net.lock). */
bool mgm_evq_wants(const struct mgm_file *mf, u32 events)
{
	return mf->evq && (mf->evq->events & events);
}

/*
 * Queue the @n records of one alert for @mf, a subscribed file, together,
 * or count them all as lost: a reader never gets part of one. Under
 * mgm_net.lock. Never blocks and never fails. Once something is lost,
 * later records are counted too until the reader has the overflow record,
 * so nothing is told out of order.
 */
void mgm_evq_push_all(struct mgm_file *mf, const struct mgm_evslot *ev,
		      unsigned int n)
{
	struct mgm_evq *q = mf->evq;
	unsigned int i;
	bool wake;

	spin_lock(&q->lock);
	if (q->lost || q->cap - q->count < n) {
		q->lost += n;
		q->lost_seq = ev[n - 1].seq;
		wake = q->lost == n && !q->count;
	} else {
		for (i = 0; i < n; i++)
			q->ring[(q->head + q->count + i) % q->cap] = ev[i];
		wake = !q->count;
		q->count += n;
	}
	spin_unlock(&q->lock);
	/* Only a queue that was empty can have a reader asleep on it. */
	if (wake && wq_has_sleeper(&q->wait))
		wake_up_interruptible_poll(&q->wait, EPOLLIN | EPOLLRDNORM);
}

/* One record: mgm_evq_push_all() of one. */
void mgm_evq_push(struct mgm_file *mf, const struct mgm_evslot *ev)
{
	mgm_evq_push_all(mf, ev, 1);
}

static void mgm_evslot_to_user(const struct mgm_evslot *s, struct mgm_event *e)
{
	struct mgm_source_group sg;

	memset(e, 0, sizeof(*e));
	e->seq = s->seq;
	e->generation = s->generation;
	e->type = s->type;
	e->handle = s->handle;
	if (s->type != MGM_EVENT_DISABLE_IGMP &&
	    s->type != MGM_EVENT_ENABLE_IGMP) {
		mgm_key_record(s->key, &sg);
		e->source = sg.source;
		e->source_mask = sg.source_mask;
		e->group = sg.group;
		e->group_mask = sg.group_mask;
	}
	e->ifindex = s->ifindex;
	e->nexthop = s->nexthop;
	e->flags = s->flags;
	if ((s->flags & MGM_EVENT_MFE) && s->type == MGM_EVENT_PRUNE_ALERT) {
		e->in_ifindex = s->ifindex;
		e->in_nexthop = s->nexthop;
		e->timeout = s->timeout;
	} else if (s->flags & MGM_EVENT_MFE) {
		e->in_ifindex = s->in_ifindex;
		e->in_nexthop = s->in_nexthop;
	} else {
		e->protocol_id = s->protocol_id;
		e->component_id = s->component_id;
		e->member_flags = s->member_flags;
	}
}

/*
 * Copy up to @max records out of the ring into the bounce buffer, the
 * overflow record last if its turn has come. Return: records copied;
 * *@told the number of lost events the overflow record tells (0: none).
 */
static unsigned int mgm_evq_peek(struct mgm_evq *q, unsigned int max,
				 u64 *told)
{
	unsigned int n = 0;

	*told = 0;
	spin_lock(&q->lock);
	while (n < max && n < q->count) {
		mgm_evslot_to_user(&q->ring[(q->head + n) % q->cap],
				   &q->bounce[n]);
		n++;
	}
	if (n < max && n == q->count && q->lost) {
		struct mgm_event *e = &q->bounce[n++];

		memset(e, 0, sizeof(*e));
		e->type = MGM_EVENT_OVERFLOW;
		e->seq = q->lost_seq;
		e->lost = q->lost;
		*told = q->lost;
	}
	spin_unlock(&q->lock);
	return n;
}

static void mgm_evq_consume(struct mgm_evq *q, unsigned int n, u64 told)
{
	spin_lock(&q->lock);
	if (told)
		n--;
	/* An unsubscribe meanwhile emptied the queue: nothing to consume. */
	n = min(n, q->count);
	q->head = (q->head + n) % q->cap;
	q->count -= n;
	/* Lost while the record was on its way out: the next one tells. */
	q->lost -= min(told, q->lost);
	spin_unlock(&q->lock);
}

static bool mgm_evq_ready(struct mgm_evq *q)
{
	return READ_ONCE(q->count) || READ_ONCE(q->lost) || !READ_ONCE(q->events);
}

ssize_t mgm_evq_read(struct mgm_file *mf, char __user *buf, size_t len,
		     bool nonblock)
{
	/* Pairs with smp_store_release() in mgm_subscribe(). */
	struct mgm_evq *q = smp_load_acquire(&mf->evq);
	size_t room = len / sizeof(struct mgm_event), done = 0;
	unsigned int n;
	ssize_t ret = 0;
	u64 told;

	if (!q || !room)
		return -EINVAL;
	if (mutex_lock_interruptible(&q->read_lock))
		return -ERESTARTSYS;
	while (done < room) {
		if (!READ_ONCE(q->events)) {
			ret = -EINVAL;		/* not subscribed (any more) */
			break;
		}
		n = mgm_evq_peek(q, min_t(size_t, room - done, MGM_EVQ_BOUNCE),
				 &told);
		if (!n) {
			if (done)
				break;		/* never wait with records read */
			if (nonblock) {
				ret = -EAGAIN;
				break;
			}
			ret = wait_event_interruptible(q->wait, mgm_evq_ready(q));
			if (ret)
				break;
			continue;
		}
		if (copy_to_user(buf + done * sizeof(struct mgm_event),
				 q->bounce, n * sizeof(struct mgm_event))) {
			ret = -EFAULT;		/* nothing consumed: nothing lost */
			break;
		}
		mgm_evq_consume(q, n, told);
		done += n;
	}
	mutex_unlock(&q->read_lock);
	return done ? done * sizeof(struct mgm_event) : ret;
}

__poll_t mgm_evq_poll(struct mgm_file *mf, struct file *file,
		      struct poll_table_struct *pt)
{
	/* Pairs with smp_store_release() in mgm_subscribe(). */
	struct mgm_evq *q = smp_load_acquire(&mf->evq);

	if (!q)
		return 0;
	poll_wait(file, &q->wait, pt);
	if (READ_ONCE(q->events) && (READ_ONCE(q->count) || READ_ONCE(q->lost)))
		return EPOLLIN | EPOLLRDNORM;
	return 0;
}

/* The file is being released: take it out of the namespace's lists. */
void mgm_evq_unlink(struct mgm_file *mf)
{
	struct mgm_net *mn = mf->mn;

	if (!mf->evq)
		return;
	mutex_lock(&mn->lock);
	mgm_evq_set(mn, mf, 0);
	mutex_unlock(&mn->lock);
}

/* ... and free its queue once nobody can reach it. */
void mgm_evq_free(struct mgm_file *mf)
{
	struct mgm_evq *q = mf->evq;

	if (!q)
		return;
	mutex_destroy(&q->read_lock);
	kvfree(q->ring);
	kfree(q->bounce);
	kfree(q);
	mf->evq = NULL;
}
