/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mgm internal declarations. Rules cited as "contract Dn" across module/
 * are those of docs/contract.md.
 *
 * Objects and who owns them:
 *
 *   struct mgm_net     one per network namespace (pernet): the table of
 *                      (S,G) entries, the protocols and interface ownerships
 *                      of that namespace, and the lock that serialises every
 *                      writer of them.
 *   struct mgm_file    one per open file of /dev/mgm: its protocol handles
 *                      and enumeration cursors. Everything a file created
 *                      goes away when it is released.
 *   struct mgm_proto   a registered protocol, owned by one file.
 *   struct mgm_own     one protocol's ownership of (ifindex, next hop).
 *   struct mgm_entry   one (S,G) entry of the table; holds its memberships.
 *   struct mgm_member  one membership: (ownership, flags) on an entry.
 *   struct mgm_cursor  one enumeration cursor, owned by one file.
 *   struct mgm_evq     a file's event queue (events.c), once it subscribed.
 *
 * Locking:
 *   mgm_net.lock (mutex) is taken by every writer of the namespace: it
 *   protects the table's structure, the entries' membership lists, the
 *   protocols, the ownerships, the counters and the generation. Readers of
 *   the table (enumeration, /proc/net/mgm) take no lock: they run under
 *   rcu_read_lock(), and entries, memberships, ownerships and protocols are
 *   freed only after an RCU grace period. Lock order: rtnl_mutex (netdevice
 *   notifier) -> mgm_net.lock -> mgm_cursor.lock is never nested the other
 *   way; cursors never take mgm_net.lock at all. Event queues (events.c):
 *   mgm_net.lock -> mgm_evq.lock (a spinlock); a queue's readers take only
 *   the queue's own locks.
 */
#ifndef MGM_INTERNAL_H
#define MGM_INTERNAL_H

#include <linux/hashtable.h>
#include <linux/maple_tree.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/refcount.h>
#include <linux/types.h>
#include <linux/xarray.h>
#include <linux/mgm.h>

struct net;

/* Limits, set as module parameters at load time (read-only afterwards). */
extern unsigned int mgm_max_entries;
extern unsigned int mgm_max_memberships;
extern unsigned int mgm_max_protocols;
extern unsigned int mgm_max_interfaces;
extern unsigned int mgm_max_cursors;
extern unsigned int mgm_max_events;

#define MGM_OWN_HASH_BITS	8

struct mgm_net {
	struct net *net;
	struct mutex lock;		/* every writer of the namespace */
	/*
	 * The (S,G) index, see table.c: key -> struct mgm_entry, in RCU mode,
	 * written under @lock.
	 */
	struct maple_tree table;
	struct list_head protocols;
	DECLARE_HASHTABLE(owns, MGM_OWN_HASH_BITS);
	/*
	 * Changes whenever an entry or a membership changes. It and the
	 * counts below are written under @lock with WRITE_ONCE() (see
	 * mgm_count()) and read without it by /proc/net/mgm.
	 */
	u64 generation;
	unsigned long entries;		/* entries with join state (listed) */
	unsigned long objects;		/* all entries in the index */
	unsigned long memberships;
	unsigned int protocols_count;
	unsigned int owns_count;
	/* Events (alerts.c): numbered in the order of the changes. */
	u64 event_seq;
	unsigned int alert_subscribers;	/* files with MGM_SUBSCRIBE_ALERTS */
	struct list_head table_subscribers; /* mgm_file.table_node */
};

/* Add @delta to a counter of struct mgm_net, under its lock. */
#define mgm_count(counter, delta) do {				\
		typeof(counter) *__mgm_c = &(counter);			\
		WRITE_ONCE(*__mgm_c, *__mgm_c + (delta));		\
	} while (0)

struct file;
struct mgm_evq;
struct mem_cgroup;
struct poll_table_struct;

struct mgm_file {
	struct mgm_net *mn;
	struct net *net;
	struct mem_cgroup *memcg;	/* the opener's: charged for the queue */
	struct mgm_evq *evq;		/* events.c; set once, on subscribe */
	struct list_head table_node;	/* in mgm_net.table_subscribers */
	struct xarray protos;		/* handle -> mgm_proto; under mn->lock */
	struct xarray cursors;		/* id -> mgm_cursor */
	atomic_t cursors_count;
	u32 next_proto;
	u32 next_cursor;
};

struct mgm_proto {
	struct list_head net_node;	/* in mgm_net.protocols */
	struct list_head owns;		/* its struct mgm_own */
	struct mgm_file *file;
	u32 protocol_id;
	u32 component_id;
	u32 callback_flags;
	u32 handle;
	bool gone;			/* its file is being closed: tell nothing */
	struct rcu_head rcu;
};

struct mgm_own {
	struct hlist_node hash_node;	/* in mgm_net.owns */
	struct list_head proto_node;	/* in mgm_proto.owns */
	/*
	 * The memberships made through it (struct mgm_member.own_node), so
	 * that releasing it, or its device going away, costs what it holds
	 * and not the size of the table.
	 */
	struct list_head members;
	struct mgm_proto *proto;
	u32 ifindex;
	__be32 nexthop;
	struct rcu_head rcu;
};

struct mgm_member {
	struct hlist_node node;		/* in mgm_entry.members, RCU */
	struct list_head own_node;	/* in mgm_own.members, writers only */
	struct mgm_own *own;
	u32 flags;
	bool embedded;			/* it is its entry's @first */
};

/* A membership other than its entry's first, allocated on its own. */
struct mgm_member_ext {
	struct mgm_member m;
	struct mgm_entry *entry;
	struct rcu_head rcu;
};

struct mgm_entry {
	struct hlist_head members;	/* struct mgm_member, RCU list */
	u64 key;			/* its (S,G) key in the index */
	u32 joins;			/* members with MGM_JOIN_STATE */
	struct rcu_head rcu;
	/*
	 * The membership that created the entry, embedded: most entries have
	 * one. Once deleted it is not reused; it goes with the entry.
	 */
	struct mgm_member first;
};

/*
 * An event as a queue holds it (events.c); read() turns it into a struct
 * mgm_event. @key is the (S,G) key.
 */
struct mgm_evslot {
	u64 seq;
	u64 generation;
	u64 key;
	u32 handle;
	u32 ifindex;
	__be32 nexthop;
	union {
		struct {		/* membership events: their cause */
			u32 protocol_id;
			u32 component_id;
		};
		struct {		/* MGM_EVENT_MFE: the MFE's */
			u32 in_ifindex;
			__be32 in_nexthop;
		};
		/*
		 * An MFE's PRUNE_ALERT: its @ifindex and @nexthop are the
		 * incoming interface, so the slot holds the timeout instead.
		 */
		u32 timeout;
	};
	u16 type;
	u8 flags;
	u8 member_flags;
};

static inline bool mgm_proto_is_igmp(const struct mgm_proto *p)
{
	return p->protocol_id == MGM_PROTO_IGMP;
}

static inline struct mgm_entry *mgm_member_entry(struct mgm_member *m)
{
	if (m->embedded)
		return container_of(m, struct mgm_entry, first);
	return container_of(m, struct mgm_member_ext, m)->entry;
}

/* netns.c */
int mgm_netns_init(void);
void mgm_netns_exit(void);
struct mgm_net *mgm_net(const struct net *net);
void mgm_bump_generation(struct mgm_net *mn);

/* table.c */
int mgm_table_init(void);
void mgm_table_exit(void);
void mgm_table_setup(struct mgm_net *mn);
void mgm_table_destroy(struct mgm_net *mn);
int mgm_member_add(struct mgm_net *mn, struct mgm_own *own, u64 key, u32 flags);
int mgm_member_delete(struct mgm_net *mn, struct mgm_own *own, u64 key,
		      u32 flags);
void mgm_table_purge(struct mgm_net *mn, struct mgm_own *own,
		     const struct mgm_proto *cause);

/* proto.c */
int mgm_register(struct mgm_file *mf, struct mgm_register *arg);
void mgm_register_undo(struct mgm_file *mf, struct mgm_register *arg);
int mgm_deregister(struct mgm_file *mf, struct mgm_deregister *arg);
int mgm_take_interface(struct mgm_file *mf, struct mgm_interface *arg);
int mgm_release_interface(struct mgm_file *mf, struct mgm_interface *arg);
int mgm_get_owner(struct mgm_file *mf, struct mgm_owner_query *arg);
int mgm_add_membership(struct mgm_file *mf, struct mgm_membership *arg);
int mgm_delete_membership(struct mgm_file *mf, struct mgm_membership *arg);
int mgm_batch(struct mgm_file *mf, struct mgm_batch *arg);
void mgm_file_teardown(struct mgm_file *mf);
void mgm_netdev_gone(struct mgm_net *mn, int ifindex);
void mgm_owners(struct mgm_net *mn, u32 ifindex, __be32 nexthop,
		struct mgm_own **routing, struct mgm_own **igmp);

/* events.c */
int mgm_subscribe(struct mgm_file *mf, struct mgm_subscribe *arg);
bool mgm_evq_wants(const struct mgm_file *mf, u32 events);
void mgm_evq_push(struct mgm_file *mf, const struct mgm_evslot *ev);
void mgm_evq_push_all(struct mgm_file *mf, const struct mgm_evslot *ev,
		      unsigned int n);
ssize_t mgm_evq_read(struct mgm_file *mf, char __user *buf, size_t len,
		     bool nonblock);
__poll_t mgm_evq_poll(struct mgm_file *mf, struct file *file,
		      struct poll_table_struct *pt);
void mgm_evq_unlink(struct mgm_file *mf);
void mgm_evq_free(struct mgm_file *mf);

/* alerts.c */
void mgm_alert_member(struct mgm_net *mn, struct mgm_entry *e,
		      struct mgm_member *m, u32 old, u32 new,
		      const struct mgm_proto *cause);
void mgm_alert_igmp_disable(struct mgm_net *mn, struct mgm_own *igmp,
			    const struct mgm_proto *taker);
void mgm_alert_igmp_enable(struct mgm_net *mn, struct mgm_own *igmp,
			   struct mgm_proto *taker, bool taking);
int mgm_mfe_report(struct mgm_file *mf, struct mgm_mfe_report *arg);

/* cursor.c */
int mgm_enum_start(struct mgm_file *mf, struct mgm_enum_start *arg);
void mgm_enum_start_undo(struct mgm_file *mf, struct mgm_enum_start *arg);
int mgm_enum_next(struct mgm_file *mf, struct mgm_enum_next *arg);
void mgm_enum_next_undo(struct mgm_file *mf, struct mgm_enum_next *arg);
int mgm_enum_end(struct mgm_file *mf, struct mgm_enum_end *arg);
int mgm_member_enum_start(struct mgm_file *mf,
			  struct mgm_member_enum_start *arg);
void mgm_member_enum_start_undo(struct mgm_file *mf,
				struct mgm_member_enum_start *arg);
int mgm_member_enum_next(struct mgm_file *mf, struct mgm_enum_next *arg);
void mgm_member_enum_next_undo(struct mgm_file *mf, struct mgm_enum_next *arg);
void mgm_cursors_release(struct mgm_file *mf);

/* proc.c */
int mgm_proc_init_net(struct mgm_net *mn);
void mgm_proc_exit_net(struct mgm_net *mn);

#endif /* MGM_INTERNAL_H */
