// SPDX-License-Identifier: GPL-2.0
/*
 * mgm: module init/exit, the /dev/mgm misc device, its file operations and
 * the ioctl dispatch table.
 *
 * Dispatch follows drm_ioctl(): one table row per command, looked up by
 * _IOC_NR; the argument struct is copied in once and out once here, so the
 * handlers work on kernel memory and only touch user memory through the
 * buffers their struct points to. The struct size encoded in the command
 * number is the caller's: shorter structs (older callers) are zero-extended,
 * longer ones (newer callers) must have zero in the fields this module does
 * not know, and get those fields back as zero.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/capability.h>
#include <linux/memcontrol.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/nsproxy.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <net/net_namespace.h>
#include "mgm.h"

unsigned int mgm_max_entries = 1U << 21;
module_param_named(max_entries, mgm_max_entries, uint, 0444);
MODULE_PARM_DESC(max_entries, "(S,G) entries with join state per network namespace (default 2097152)");

unsigned int mgm_max_memberships = 1U << 22;
module_param_named(max_memberships, mgm_max_memberships, uint, 0444);
MODULE_PARM_DESC(max_memberships, "memberships per network namespace (default 4194304)");

unsigned int mgm_max_protocols = 256;
module_param_named(max_protocols, mgm_max_protocols, uint, 0444);
MODULE_PARM_DESC(max_protocols, "registered protocols per network namespace (default 256)");

unsigned int mgm_max_interfaces = 65536;
module_param_named(max_interfaces, mgm_max_interfaces, uint, 0444);
MODULE_PARM_DESC(max_interfaces, "interface ownerships per network namespace (default 65536)");

unsigned int mgm_max_cursors = 64;
module_param_named(max_cursors, mgm_max_cursors, uint, 0444);
MODULE_PARM_DESC(max_cursors, "enumeration cursors per open file (default 64)");

/* mgm_max_events is defined in events.c; at least 1 (mgm_init()). */
module_param_named(max_events, mgm_max_events, uint, 0444);
MODULE_PARM_DESC(max_events, "events queued per subscribed file before they are counted as lost (default 4096)");

static int mgm_stats(struct mgm_file *mf, struct mgm_stats *arg)
{
	struct mgm_net *mn = mf->mn;

	/* A consistent snapshot: the counters change together under the lock. */
	mutex_lock(&mn->lock);
	arg->generation = mn->generation;
	arg->entries = mn->entries;
	arg->memberships = mn->memberships;
	arg->protocols = mn->protocols_count;
	arg->interfaces = mn->owns_count;
	mutex_unlock(&mn->lock);
	arg->cursors = atomic_read(&mf->cursors_count);
	arg->max_cursors = mgm_max_cursors;
	arg->max_entries = mgm_max_entries;
	arg->max_memberships = mgm_max_memberships;
	arg->max_protocols = mgm_max_protocols;
	arg->max_interfaces = mgm_max_interfaces;
	arg->max_batch = MGM_BATCH_MAX;
	arg->pad = 0;
	return 0;
}

/* The command changes state: needs CAP_NET_ADMIN (contract D13). */
#define MGM_IOCTL_ADMIN		0x1
/* The argument is copied back even when the command fails. */
#define MGM_IOCTL_OUT_ON_ERROR	0x2

struct mgm_ioctl_desc {
	unsigned int cmd;
	unsigned int flags;
	int (*fn)(struct mgm_file *mf, void *arg);
	/* Takes back a success whose reply could not be written back. */
	void (*undo)(struct mgm_file *mf, void *arg);
};

/*
 * A trampoline from the untyped argument to each handler's struct, with a
 * build-time proof that the struct is the one the command number encodes.
 */
#define MGM_HANDLER(_cmd, _fn, _type)					\
	static_assert(_IOC_SIZE(_cmd) == sizeof(_type));		\
	static int _fn##_ioctl(struct mgm_file *mf, void *arg)		\
	{								\
		return _fn(mf, arg);					\
	}

MGM_HANDLER(MGM_IOC_REGISTER, mgm_register, struct mgm_register)
MGM_HANDLER(MGM_IOC_DEREGISTER, mgm_deregister, struct mgm_deregister)
MGM_HANDLER(MGM_IOC_TAKE_INTERFACE, mgm_take_interface, struct mgm_interface)
MGM_HANDLER(MGM_IOC_RELEASE_INTERFACE, mgm_release_interface,
	    struct mgm_interface)
MGM_HANDLER(MGM_IOC_GET_OWNER, mgm_get_owner, struct mgm_owner_query)
MGM_HANDLER(MGM_IOC_ADD_MEMBERSHIP, mgm_add_membership, struct mgm_membership)
MGM_HANDLER(MGM_IOC_DELETE_MEMBERSHIP, mgm_delete_membership,
	    struct mgm_membership)
MGM_HANDLER(MGM_IOC_BATCH, mgm_batch, struct mgm_batch)
MGM_HANDLER(MGM_IOC_ENUM_START, mgm_enum_start, struct mgm_enum_start)
MGM_HANDLER(MGM_IOC_ENUM_NEXT, mgm_enum_next, struct mgm_enum_next)
MGM_HANDLER(MGM_IOC_ENUM_END, mgm_enum_end, struct mgm_enum_end)
MGM_HANDLER(MGM_IOC_STATS, mgm_stats, struct mgm_stats)
MGM_HANDLER(MGM_IOC_SUBSCRIBE, mgm_subscribe, struct mgm_subscribe)
MGM_HANDLER(MGM_IOC_MFE_REPORT, mgm_mfe_report, struct mgm_mfe_report)
MGM_HANDLER(MGM_IOC_MEMBER_ENUM_START, mgm_member_enum_start,
	    struct mgm_member_enum_start)
MGM_HANDLER(MGM_IOC_MEMBER_ENUM_NEXT, mgm_member_enum_next,
	    struct mgm_enum_next)

#define MGM_UNDO(_fn, _type)						\
	static void _fn##_ioctl(struct mgm_file *mf, void *arg)		\
	{								\
		_fn(mf, arg);						\
	}

MGM_UNDO(mgm_register_undo, struct mgm_register)
MGM_UNDO(mgm_enum_start_undo, struct mgm_enum_start)
MGM_UNDO(mgm_enum_next_undo, struct mgm_enum_next)
MGM_UNDO(mgm_member_enum_start_undo, struct mgm_member_enum_start)
MGM_UNDO(mgm_member_enum_next_undo, struct mgm_enum_next)

#define MGM_IOCTL(_name, _fn, _flags)					\
	[_IOC_NR(MGM_IOC_##_name)] = {					\
		.cmd = MGM_IOC_##_name, .flags = _flags, .fn = _fn##_ioctl \
	}
#define MGM_IOCTL_UNDO(_name, _fn, _flags)				\
	[_IOC_NR(MGM_IOC_##_name)] = {					\
		.cmd = MGM_IOC_##_name, .flags = _flags, .fn = _fn##_ioctl, \
		.undo = _fn##_undo_ioctl,				\
	}

static const struct mgm_ioctl_desc mgm_ioctls[] = {
	MGM_IOCTL_UNDO(REGISTER, mgm_register, MGM_IOCTL_ADMIN),
	MGM_IOCTL(DEREGISTER, mgm_deregister, MGM_IOCTL_ADMIN),
	MGM_IOCTL(TAKE_INTERFACE, mgm_take_interface, MGM_IOCTL_ADMIN),
	MGM_IOCTL(RELEASE_INTERFACE, mgm_release_interface,
		  MGM_IOCTL_ADMIN),
	MGM_IOCTL(GET_OWNER, mgm_get_owner, 0),
	MGM_IOCTL(ADD_MEMBERSHIP, mgm_add_membership, MGM_IOCTL_ADMIN),
	MGM_IOCTL(DELETE_MEMBERSHIP, mgm_delete_membership,
		  MGM_IOCTL_ADMIN),
	MGM_IOCTL(BATCH, mgm_batch,
		  MGM_IOCTL_ADMIN | MGM_IOCTL_OUT_ON_ERROR),
	MGM_IOCTL_UNDO(ENUM_START, mgm_enum_start, 0),
	MGM_IOCTL_UNDO(ENUM_NEXT, mgm_enum_next, MGM_IOCTL_OUT_ON_ERROR),
	MGM_IOCTL(ENUM_END, mgm_enum_end, 0),
	MGM_IOCTL(STATS, mgm_stats, 0),
	MGM_IOCTL(SUBSCRIBE, mgm_subscribe, 0),
	MGM_IOCTL(MFE_REPORT, mgm_mfe_report, MGM_IOCTL_ADMIN),
	MGM_IOCTL_UNDO(MEMBER_ENUM_START, mgm_member_enum_start, 0),
	MGM_IOCTL_UNDO(MEMBER_ENUM_NEXT, mgm_member_enum_next,
		       MGM_IOCTL_OUT_ON_ERROR),
};

/* Large enough for every argument struct; checked in mgm_check_abi(). */
#define MGM_IOCTL_ARG_MAX	128

/*
 * Write a reply of @ksize bytes into the caller's struct of @usize bytes:
 * the fields this module does not know, past @ksize, come back as zero, so
 * a newer caller can tell that they were not filled in.
 */
static int mgm_ioctl_reply(void __user *uptr, const void *kdata,
			   unsigned int ksize, unsigned int usize)
{
	if (copy_to_user(uptr, kdata, ksize))
		return -EFAULT;
	if (usize > ksize && clear_user(uptr + ksize, usize - ksize))
		return -EFAULT;
	return 0;
}

static long mgm_ioctl(struct file *file, unsigned int cmd, unsigned long uarg)
{
	struct mgm_file *mf = file->private_data;
	void __user *uptr = (void __user *)uarg;
	const struct mgm_ioctl_desc *desc;
	u64 kdata[MGM_IOCTL_ARG_MAX / sizeof(u64)] = {};
	unsigned int nr = _IOC_NR(cmd), usize, ksize;
	long ret;

	if (_IOC_TYPE(cmd) != MGM_IOC_MAGIC || nr >= ARRAY_SIZE(mgm_ioctls))
		return -ENOTTY;
	desc = &mgm_ioctls[array_index_nospec(nr, ARRAY_SIZE(mgm_ioctls))];
	if (!desc->fn || _IOC_DIR(cmd) != _IOC_DIR(desc->cmd))
		return -ENOTTY;

	/* Every struct is still at its first published size. */
	ksize = _IOC_SIZE(desc->cmd);
	usize = _IOC_SIZE(cmd);
	if (usize < ksize)
		return -EINVAL;

	if ((desc->flags & MGM_IOCTL_ADMIN) &&
	    !file_ns_capable(file, mf->net->user_ns, CAP_NET_ADMIN))
		return -EPERM;

	if (_IOC_DIR(cmd) & _IOC_WRITE) {
		ret = copy_struct_from_user(kdata, ksize, uptr, usize);
		if (ret)
			return ret == -E2BIG ? -EINVAL : ret;
	}
	/*
	 * A command whose result cannot be written back must not happen at
	 * all: a protocol or cursor nobody learns the id of, or records
	 * copied out that the caller cannot count, would be lost.
	 */
	if ((_IOC_DIR(cmd) & _IOC_READ) && mgm_ioctl_reply(uptr, kdata, ksize, usize))
		return -EFAULT;

	ret = desc->fn(mf, kdata);

	if ((_IOC_DIR(cmd) & _IOC_READ) &&
	    (!ret || (desc->flags & MGM_IOCTL_OUT_ON_ERROR)) &&
	    mgm_ioctl_reply(uptr, kdata, ksize, usize)) {
		/*
		 * The probe above passed, so another thread unmapped or
		 * protected the reply meanwhile: take the command back where
		 * that is possible (a batch's records stay applied).
		 */
		if (!ret && desc->undo)
			desc->undo(mf, kdata);
		ret = -EFAULT;
	}
	return ret;
}

static int mgm_open(struct inode *inode, struct file *file)
{
	struct mgm_file *mf;

	mf = kzalloc(sizeof(*mf), GFP_KERNEL_ACCOUNT);
	if (!mf)
		return -ENOMEM;
	/* The table served is the opener's namespace's (contract D12). */
	mf->net = get_net(current->nsproxy->net_ns);
	mf->mn = mgm_net(mf->net);
	/* Its event queue, if it ever has one, is charged to the opener. */
	mf->memcg = get_mem_cgroup_from_mm(current->mm);
	INIT_LIST_HEAD(&mf->table_node);
	xa_init_flags(&mf->protos, XA_FLAGS_ALLOC1);
	xa_init_flags(&mf->cursors, XA_FLAGS_ALLOC1);
	file->private_data = mf;
	return 0;
}

static int mgm_release(struct inode *inode, struct file *file)
{
	struct mgm_file *mf = file->private_data;

	mgm_cursors_release(mf);
	mgm_evq_unlink(mf);
	mgm_file_teardown(mf);
	mgm_evq_free(mf);
	mem_cgroup_put(mf->memcg);
	put_net(mf->net);
	kfree(mf);
	return 0;
}

static ssize_t mgm_read(struct file *file, char __user *buf, size_t len,
			loff_t *ppos)
{
	return mgm_evq_read(file->private_data, buf, len,
			    file->f_flags & O_NONBLOCK);
}

static __poll_t mgm_poll(struct file *file, struct poll_table_struct *pt)
{
	return mgm_evq_poll(file->private_data, file, pt);
}

static const struct file_operations mgm_fops = {
	.owner = THIS_MODULE,
	.open = mgm_open,
	.release = mgm_release,
	.read = mgm_read,
	.poll = mgm_poll,
	.unlocked_ioctl = mgm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

/*
 * A fixed minor, so that the module loads when /dev/mgm is first opened, as
 * /dev/fuse and /dev/net/tun do: depmod turns the devname alias below into a
 * line of modules.devname, from which kmod's static-nodes makes the node at
 * boot, and opening a node of a minor nobody has registered makes the misc
 * core ask modprobe for "char-major-10-MINOR", our other alias. The minor is
 * one of those that devices.txt leaves to local use (243-254), so it may be
 * taken: mgm_init() then falls back to a dynamic one (docs/uapi.md).
 */
#define MGM_MISC_MINOR		250

static struct miscdevice mgm_misc = {
	.minor = MGM_MISC_MINOR,
	.name = "mgm",
	.fops = &mgm_fops,
	.mode = 0600,
};

#define MGM_CHECK_SIZE(type, size)	BUILD_BUG_ON(sizeof(type) != (size))
#define MGM_CHECK_OFFSET(type, field, off) \
	BUILD_BUG_ON(offsetof(type, field) != (off))

/*
 * The ABI: these sizes and offsets are promised to userspace on every
 * architecture. A change here is an ABI break and fails the build.
 */
static void __init mgm_check_abi(void)
{
	MGM_CHECK_SIZE(struct mgm_register, 16);
	MGM_CHECK_OFFSET(struct mgm_register, protocol_id, 0);
	MGM_CHECK_OFFSET(struct mgm_register, component_id, 4);
	MGM_CHECK_OFFSET(struct mgm_register, callback_flags, 8);
	MGM_CHECK_OFFSET(struct mgm_register, handle, 12);

	MGM_CHECK_SIZE(struct mgm_deregister, 8);
	MGM_CHECK_OFFSET(struct mgm_deregister, handle, 0);
	MGM_CHECK_OFFSET(struct mgm_deregister, pad, 4);

	MGM_CHECK_SIZE(struct mgm_interface, 16);
	MGM_CHECK_OFFSET(struct mgm_interface, handle, 0);
	MGM_CHECK_OFFSET(struct mgm_interface, ifindex, 4);
	MGM_CHECK_OFFSET(struct mgm_interface, nexthop, 8);
	MGM_CHECK_OFFSET(struct mgm_interface, flags, 12);

	MGM_CHECK_SIZE(struct mgm_owner_query, 24);
	MGM_CHECK_OFFSET(struct mgm_owner_query, ifindex, 0);
	MGM_CHECK_OFFSET(struct mgm_owner_query, nexthop, 4);
	MGM_CHECK_OFFSET(struct mgm_owner_query, protocol_id, 8);
	MGM_CHECK_OFFSET(struct mgm_owner_query, component_id, 12);
	MGM_CHECK_OFFSET(struct mgm_owner_query, flags, 16);
	MGM_CHECK_OFFSET(struct mgm_owner_query, owners, 20);

	MGM_CHECK_SIZE(struct mgm_membership, 32);
	MGM_CHECK_OFFSET(struct mgm_membership, handle, 0);
	MGM_CHECK_OFFSET(struct mgm_membership, flags, 4);
	MGM_CHECK_OFFSET(struct mgm_membership, source, 8);
	MGM_CHECK_OFFSET(struct mgm_membership, source_mask, 12);
	MGM_CHECK_OFFSET(struct mgm_membership, group, 16);
	MGM_CHECK_OFFSET(struct mgm_membership, group_mask, 20);
	MGM_CHECK_OFFSET(struct mgm_membership, ifindex, 24);
	MGM_CHECK_OFFSET(struct mgm_membership, nexthop, 28);

	MGM_CHECK_SIZE(struct mgm_batch, 32);
	MGM_CHECK_OFFSET(struct mgm_batch, records, 0);
	MGM_CHECK_OFFSET(struct mgm_batch, count, 8);
	MGM_CHECK_OFFSET(struct mgm_batch, record_size, 12);
	MGM_CHECK_OFFSET(struct mgm_batch, op, 16);
	MGM_CHECK_OFFSET(struct mgm_batch, flags, 20);
	MGM_CHECK_OFFSET(struct mgm_batch, done, 24);
	MGM_CHECK_OFFSET(struct mgm_batch, error, 28);

	MGM_CHECK_SIZE(struct mgm_enum_start, 24);
	MGM_CHECK_OFFSET(struct mgm_enum_start, type, 0);
	MGM_CHECK_OFFSET(struct mgm_enum_start, flags, 4);
	MGM_CHECK_OFFSET(struct mgm_enum_start, cursor, 8);
	MGM_CHECK_OFFSET(struct mgm_enum_start, pad, 12);
	MGM_CHECK_OFFSET(struct mgm_enum_start, generation, 16);

	MGM_CHECK_SIZE(struct mgm_source_group, 16);
	MGM_CHECK_OFFSET(struct mgm_source_group, source, 0);
	MGM_CHECK_OFFSET(struct mgm_source_group, source_mask, 4);
	MGM_CHECK_OFFSET(struct mgm_source_group, group, 8);
	MGM_CHECK_OFFSET(struct mgm_source_group, group_mask, 12);

	MGM_CHECK_SIZE(struct mgm_enum_next, 48);
	MGM_CHECK_OFFSET(struct mgm_enum_next, cursor, 0);
	MGM_CHECK_OFFSET(struct mgm_enum_next, flags, 4);
	MGM_CHECK_OFFSET(struct mgm_enum_next, buffer, 8);
	MGM_CHECK_OFFSET(struct mgm_enum_next, buffer_size, 16);
	MGM_CHECK_OFFSET(struct mgm_enum_next, count, 20);
	MGM_CHECK_OFFSET(struct mgm_enum_next, start_generation, 24);
	MGM_CHECK_OFFSET(struct mgm_enum_next, generation, 32);
	MGM_CHECK_OFFSET(struct mgm_enum_next, status, 40);
	MGM_CHECK_OFFSET(struct mgm_enum_next, pad, 44);

	MGM_CHECK_SIZE(struct mgm_enum_end, 8);
	MGM_CHECK_OFFSET(struct mgm_enum_end, cursor, 0);
	MGM_CHECK_OFFSET(struct mgm_enum_end, pad, 4);

	MGM_CHECK_SIZE(struct mgm_stats, 72);
	MGM_CHECK_OFFSET(struct mgm_stats, generation, 0);
	MGM_CHECK_OFFSET(struct mgm_stats, entries, 8);
	MGM_CHECK_OFFSET(struct mgm_stats, memberships, 16);
	MGM_CHECK_OFFSET(struct mgm_stats, protocols, 24);
	MGM_CHECK_OFFSET(struct mgm_stats, interfaces, 28);
	MGM_CHECK_OFFSET(struct mgm_stats, cursors, 32);
	MGM_CHECK_OFFSET(struct mgm_stats, max_cursors, 36);
	MGM_CHECK_OFFSET(struct mgm_stats, max_entries, 40);
	MGM_CHECK_OFFSET(struct mgm_stats, max_memberships, 48);
	MGM_CHECK_OFFSET(struct mgm_stats, max_protocols, 56);
	MGM_CHECK_OFFSET(struct mgm_stats, max_interfaces, 60);
	MGM_CHECK_OFFSET(struct mgm_stats, max_batch, 64);
	MGM_CHECK_OFFSET(struct mgm_stats, pad, 68);

	MGM_CHECK_SIZE(struct mgm_subscribe, 24);
	MGM_CHECK_OFFSET(struct mgm_subscribe, events, 0);
	MGM_CHECK_OFFSET(struct mgm_subscribe, flags, 4);
	MGM_CHECK_OFFSET(struct mgm_subscribe, queue_size, 8);
	MGM_CHECK_OFFSET(struct mgm_subscribe, pad, 12);
	MGM_CHECK_OFFSET(struct mgm_subscribe, generation, 16);

	MGM_CHECK_SIZE(struct mgm_event, 80);
	MGM_CHECK_OFFSET(struct mgm_event, seq, 0);
	MGM_CHECK_OFFSET(struct mgm_event, generation, 8);
	MGM_CHECK_OFFSET(struct mgm_event, type, 16);
	MGM_CHECK_OFFSET(struct mgm_event, handle, 20);
	MGM_CHECK_OFFSET(struct mgm_event, source, 24);
	MGM_CHECK_OFFSET(struct mgm_event, source_mask, 28);
	MGM_CHECK_OFFSET(struct mgm_event, group, 32);
	MGM_CHECK_OFFSET(struct mgm_event, group_mask, 36);
	MGM_CHECK_OFFSET(struct mgm_event, ifindex, 40);
	MGM_CHECK_OFFSET(struct mgm_event, nexthop, 44);
	MGM_CHECK_OFFSET(struct mgm_event, flags, 48);
	MGM_CHECK_OFFSET(struct mgm_event, protocol_id, 52);
	MGM_CHECK_OFFSET(struct mgm_event, component_id, 56);
	MGM_CHECK_OFFSET(struct mgm_event, member_flags, 60);
	MGM_CHECK_OFFSET(struct mgm_event, timeout, 60);
	MGM_CHECK_OFFSET(struct mgm_event, lost, 64);
	MGM_CHECK_OFFSET(struct mgm_event, in_ifindex, 72);
	MGM_CHECK_OFFSET(struct mgm_event, in_nexthop, 76);

	MGM_CHECK_SIZE(struct mgm_mfe_out, 8);
	MGM_CHECK_OFFSET(struct mgm_mfe_out, ifindex, 0);
	MGM_CHECK_OFFSET(struct mgm_mfe_out, nexthop, 4);
	MGM_CHECK_SIZE(struct mgm_mfe_report, 56);
	MGM_CHECK_OFFSET(struct mgm_mfe_report, kind, 0);
	MGM_CHECK_OFFSET(struct mgm_mfe_report, flags, 4);
	MGM_CHECK_OFFSET(struct mgm_mfe_report, source, 8);
	MGM_CHECK_OFFSET(struct mgm_mfe_report, group, 12);
	MGM_CHECK_OFFSET(struct mgm_mfe_report, in_ifindex, 16);
	MGM_CHECK_OFFSET(struct mgm_mfe_report, in_nexthop, 20);
	MGM_CHECK_OFFSET(struct mgm_mfe_report, ifindex, 24);
	MGM_CHECK_OFFSET(struct mgm_mfe_report, nexthop, 28);
	MGM_CHECK_OFFSET(struct mgm_mfe_report, timeout, 32);
	MGM_CHECK_OFFSET(struct mgm_mfe_report, out_count, 36);
	MGM_CHECK_OFFSET(struct mgm_mfe_report, out_list, 40);
	MGM_CHECK_OFFSET(struct mgm_mfe_report, told, 48);
	MGM_CHECK_OFFSET(struct mgm_mfe_report, pad, 52);
	MGM_CHECK_SIZE(struct mgm_member_enum_start, 48);
	MGM_CHECK_OFFSET(struct mgm_member_enum_start, flags, 0);
	MGM_CHECK_OFFSET(struct mgm_member_enum_start, cursor, 4);
	MGM_CHECK_OFFSET(struct mgm_member_enum_start, from_source, 8);
	MGM_CHECK_OFFSET(struct mgm_member_enum_start, from_group, 12);
	MGM_CHECK_OFFSET(struct mgm_member_enum_start, to_source, 16);
	MGM_CHECK_OFFSET(struct mgm_member_enum_start, to_group, 20);
	MGM_CHECK_OFFSET(struct mgm_member_enum_start, source, 24);
	MGM_CHECK_OFFSET(struct mgm_member_enum_start, ifindex, 28);
	MGM_CHECK_OFFSET(struct mgm_member_enum_start, protocol_id, 32);
	MGM_CHECK_OFFSET(struct mgm_member_enum_start, pad, 36);
	MGM_CHECK_OFFSET(struct mgm_member_enum_start, generation, 40);

	MGM_CHECK_SIZE(struct mgm_member_record, 40);
	MGM_CHECK_OFFSET(struct mgm_member_record, source, 0);
	MGM_CHECK_OFFSET(struct mgm_member_record, source_mask, 4);
	MGM_CHECK_OFFSET(struct mgm_member_record, group, 8);
	MGM_CHECK_OFFSET(struct mgm_member_record, group_mask, 12);
	MGM_CHECK_OFFSET(struct mgm_member_record, ifindex, 16);
	MGM_CHECK_OFFSET(struct mgm_member_record, nexthop, 20);
	MGM_CHECK_OFFSET(struct mgm_member_record, protocol_id, 24);
	MGM_CHECK_OFFSET(struct mgm_member_record, component_id, 28);
	MGM_CHECK_OFFSET(struct mgm_member_record, member_flags, 32);
	MGM_CHECK_OFFSET(struct mgm_member_record, reserved, 36);

	/* A queued event costs 48 bytes of kernel memory (make bench: <= 64). */
	BUILD_BUG_ON(sizeof(struct mgm_evslot) > 48);

	/* Every argument fits the dispatcher's on-stack copy. */
	BUILD_BUG_ON(sizeof(struct mgm_stats) > MGM_IOCTL_ARG_MAX);
	BUILD_BUG_ON(sizeof(struct mgm_enum_next) > MGM_IOCTL_ARG_MAX);
}

static int __init mgm_init(void)
{
	int err;

	mgm_check_abi();
	if (!mgm_max_events)
		return -EINVAL;
	err = mgm_table_init();
	if (err)
		return err;
	err = mgm_netns_init();
	if (err)
		goto table_exit;
	err = misc_register(&mgm_misc);
	if (err == -EBUSY) {
		pr_warn("misc minor %d is taken: /dev/mgm gets a dynamic one and is not loaded on demand\n",
			MGM_MISC_MINOR);
		mgm_misc.minor = MISC_DYNAMIC_MINOR;
		err = misc_register(&mgm_misc);
	}
	if (err)
		goto netns_exit;
	return 0;

netns_exit:
	mgm_netns_exit();
table_exit:
	mgm_table_exit();
	return err;
}

static void __exit mgm_exit(void)
{
	misc_deregister(&mgm_misc);
	mgm_netns_exit();
	mgm_table_exit();
}

module_init(mgm_init);
module_exit(mgm_exit);

MODULE_DESCRIPTION("Multicast group membership table with enumeration cursors (/dev/mgm)");
MODULE_AUTHOR("mgm developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(MGM_MODULE_VERSION);
MODULE_ALIAS_MISCDEV(MGM_MISC_MINOR);
MODULE_ALIAS("devname:mgm");
