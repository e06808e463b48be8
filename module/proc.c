// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/mgm: the namespace's table for people without the library.
 *
 * The first line is a summary; then one line per membership, entries in
 * ascending (group, source) order:
 *
 *   entries 2 memberships 3 protocols 1 interfaces 2 generation 7
 *   group     source    protocol component ifindex dev  nexthop flags
 *   232.1.1.1 10.0.0.1  17       1         2       eth0 0.0.0.0 join,forward
 *
 * (columns padded to 15, 15, 10, 10, 10, 16 and 15 characters).
 * A wildcard source or group is printed as "*". "dev" is the name of the
 * interface (looked up under RCU as the line is written; "-" once the
 * device is gone): every field is one word, so lines split on blanks. "entries" counts the
 * entries that enumeration lists (those with join state); memberships with
 * forward state only are shown too.
 *
 * Read under RCU like enumeration, with the position kept as a key, so a
 * reader never blocks writers and each read() resumes in O(log n).
 */
#include <linux/netdevice.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>
#include "key.h"
#include "mgm.h"
#include "index.h"

struct mgm_proc_iter {
	struct seq_net_private p;	/* first: used by proc_create_net() */
	loff_t pos;			/* position of the first entry >= @from */
	u64 from;
	u64 key;			/* key of the entry last returned */
};

/* First entry with key >= @from, or NULL; remembered as position @pos. */
static struct mgm_entry *mgm_proc_find(struct seq_file *seq, loff_t pos,
				       u64 from)
{
	struct mgm_net *mn = mgm_net(seq_file_net(seq));
	struct mgm_proc_iter *it = seq->private;
	const struct mgm_chunk *c;
	unsigned long hi;
	unsigned int i;
	void *value;

	it->pos = pos;
	it->from = from;
	for (c = mgm_index_first(&mn->table, from, &hi, &i); c;
	     c = mgm_index_next(&mn->table, &hi, &i)) {
		for (; i < mgm_chunk_n(c); i++) {
			value = READ_ONCE(c->vals[i]);
			/* A chunk that changed under us may repeat keys. */
			if (value && c->keys[i] >= from) {
				it->key = c->keys[i];
				return mgm_index_entry(value);
			}
		}
	}
	return NULL;
}

static void *mgm_proc_start(struct seq_file *seq, loff_t *pos)
	__acquires(RCU)
{
	struct mgm_proc_iter *it = seq->private;
	struct mgm_entry *e;
	loff_t i;

	rcu_read_lock();
	if (!*pos)
		return SEQ_START_TOKEN;
	/* Usually a read continues where the last one stopped. */
	if (*pos == it->pos)
		return mgm_proc_find(seq, *pos, it->from);
	/* A seek elsewhere: count from the start. */
	e = mgm_proc_find(seq, 1, 0);
	for (i = 1; e && i < *pos; i++)
		e = mgm_proc_find(seq, i + 1, it->key + 1);
	return e;
}

/* Keys are at most 0xefffffff_dfffffff (key.h), so key + 1 cannot wrap. */
static void *mgm_proc_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct mgm_proc_iter *it = seq->private;

	++*pos;
	return mgm_proc_find(seq, *pos, v == SEQ_START_TOKEN ? 0 : it->key + 1);
}

static void mgm_proc_stop(struct seq_file *seq, void *v)
	__releases(RCU)
{
	rcu_read_unlock();
}

static void mgm_proc_addr(struct seq_file *seq, u32 addr)
{
	if (addr)
		seq_printf(seq, "%-15pI4 ", &(__be32){ htonl(addr) });
	else
		seq_printf(seq, "%-15s ", "*");
}

static int mgm_proc_show(struct seq_file *seq, void *v)
{
	struct mgm_proc_iter *it = seq->private;
	struct mgm_net *mn = mgm_net(seq_file_net(seq));
	struct mgm_entry *e = v;
	struct net_device *dev;
	struct mgm_member *m;
	struct mgm_own *own;
	u32 flags;

	if (v == SEQ_START_TOKEN) {
		seq_printf(seq,
			   "entries %lu memberships %lu protocols %u interfaces %u generation %llu\n",
			   READ_ONCE(mn->entries), READ_ONCE(mn->memberships),
			   READ_ONCE(mn->protocols_count),
			   READ_ONCE(mn->owns_count),
			   READ_ONCE(mn->generation));
		seq_printf(seq, "%-15s %-15s %-10s %-10s %-10s %-16s %-15s %s\n",
			   "group", "source", "protocol", "component",
			   "ifindex", "dev", "nexthop", "flags");
		return 0;
	}

	hlist_for_each_entry_rcu(m, &e->members, node) {
		own = m->own;
		flags = READ_ONCE(m->flags);
		dev = dev_get_by_index_rcu(seq_file_net(seq), own->ifindex);
		mgm_proc_addr(seq, mgm_key_group(it->key));
		mgm_proc_addr(seq, mgm_key_source(it->key));
		seq_printf(seq, "%-10u %-10u %-10u %-16s %-15pI4 %s%s%s\n",
			   own->proto->protocol_id, own->proto->component_id,
			   own->ifindex, dev ? dev->name : "-", &own->nexthop,
			   flags & MGM_JOIN_STATE ? "join" : "",
			   flags == MGM_MEMBERSHIP_FLAGS ? "," : "",
			   flags & MGM_FORWARD_STATE ? "forward" : "");
	}
	return 0;
}

static const struct seq_operations mgm_proc_ops = {
	.start = mgm_proc_start,
	.next = mgm_proc_next,
	.stop = mgm_proc_stop,
	.show = mgm_proc_show,
};

int mgm_proc_init_net(struct mgm_net *mn)
{
	if (!proc_create_net("mgm", 0444, mn->net->proc_net, &mgm_proc_ops,
			     sizeof(struct mgm_proc_iter)))
		return -ENOMEM;
	return 0;
}

void mgm_proc_exit_net(struct mgm_net *mn)
{
	remove_proc_entry("mgm", mn->net->proc_net);
}
