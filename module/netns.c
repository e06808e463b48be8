// SPDX-License-Identifier: GPL-2.0
/*
 * Per-network-namespace state: one struct mgm_net per namespace (pernet
 * operations with net_generic storage), and the netdevice notifier that
 * drops the ownerships and memberships of a device that goes away.
 *
 * Every open file holds a reference on its namespace, as a socket does, so
 * a namespace is only dismantled once no file uses it: its table is empty
 * by then and its exit only frees the index's remaining nodes.
 */
#include <linux/netdevice.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include "mgm.h"

static unsigned int mgm_net_id __read_mostly;

struct mgm_net *mgm_net(const struct net *net)
{
	return net_generic(net, mgm_net_id);
}

/* Caller holds mn->lock; lockless readers use READ_ONCE(). */
void mgm_bump_generation(struct mgm_net *mn)
{
	lockdep_assert_held(&mn->lock);
	WRITE_ONCE(mn->generation, mn->generation + 1);
}

static int __net_init mgm_net_init(struct net *net)
{
	struct mgm_net *mn = mgm_net(net);
	int err;

	mn->net = net;
	mutex_init(&mn->lock);
	mgm_table_setup(mn);
	INIT_LIST_HEAD(&mn->protocols);
	INIT_LIST_HEAD(&mn->table_subscribers);
	hash_init(mn->owns);

	err = mgm_proc_init_net(mn);
	if (err)
		mgm_table_destroy(mn);
	return err;
}

static void __net_exit mgm_net_exit(struct net *net)
{
	struct mgm_net *mn = mgm_net(net);

	mgm_proc_exit_net(mn);
	WARN_ON_ONCE(!list_empty(&mn->protocols) || mn->owns_count);
	mgm_table_destroy(mn);
	mutex_destroy(&mn->lock);
}

static struct pernet_operations mgm_net_ops = {
	.init = mgm_net_init,
	.exit = mgm_net_exit,
	.id = &mgm_net_id,
	.size = sizeof(struct mgm_net),
};

/*
 * A device that is unregistered (also when it moves to another namespace)
 * takes its ownerships and memberships with it (contract D10). Called under
 * rtnl_mutex; takes mgm_net.lock, never the other way round.
 */
static int mgm_netdev_event(struct notifier_block *nb, unsigned long event,
			    void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	if (event == NETDEV_UNREGISTER)
		mgm_netdev_gone(mgm_net(dev_net(dev)), dev->ifindex);
	return NOTIFY_DONE;
}

static struct notifier_block mgm_netdev_notifier = {
	.notifier_call = mgm_netdev_event,
};

int mgm_netns_init(void)
{
	int err;

	err = register_pernet_subsys(&mgm_net_ops);
	if (err)
		return err;
	err = register_netdevice_notifier(&mgm_netdev_notifier);
	if (err)
		unregister_pernet_subsys(&mgm_net_ops);
	return err;
}

void mgm_netns_exit(void)
{
	unregister_netdevice_notifier(&mgm_netdev_notifier);
	unregister_pernet_subsys(&mgm_net_ops);
}
