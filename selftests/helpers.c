// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the mgm selftests: see helpers.h. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "helpers.h"

static int ret_errno(int ret)
{
	return ret < 0 ? -errno : ret;
}

int mgm_open_dev(void)
{
	return ret_errno(open(MGM_DEV, O_RDWR | O_CLOEXEC));
}

int mgm_register_proto(int fd, uint32_t id, uint32_t comp, uint32_t *handle)
{
	struct mgm_register r = { .protocol_id = id, .component_id = comp };
	int ret = ret_errno(ioctl(fd, MGM_IOC_REGISTER, &r));

	if (!ret && handle)
		*handle = r.handle;
	return ret;
}

int mgm_deregister_proto(int fd, uint32_t handle)
{
	struct mgm_deregister d = { .handle = handle };

	return ret_errno(ioctl(fd, MGM_IOC_DEREGISTER, &d));
}

int mgm_take(int fd, uint32_t handle, uint32_t ifindex, uint32_t nexthop)
{
	struct mgm_interface i = {
		.handle = handle, .ifindex = ifindex, .nexthop = nexthop,
	};

	return ret_errno(ioctl(fd, MGM_IOC_TAKE_INTERFACE, &i));
}

int mgm_release(int fd, uint32_t handle, uint32_t ifindex, uint32_t nexthop)
{
	struct mgm_interface i = {
		.handle = handle, .ifindex = ifindex, .nexthop = nexthop,
	};

	return ret_errno(ioctl(fd, MGM_IOC_RELEASE_INTERFACE, &i));
}

struct mgm_membership mgm_rec(uint32_t handle, uint32_t ifindex,
			      uint32_t source, uint32_t group, uint32_t flags)
{
	struct mgm_membership m = {
		.handle = handle,
		.flags = flags,
		.source = source,
		.source_mask = source ? MASK32 : 0,
		.group = group,
		.group_mask = group ? MASK32 : 0,
		.ifindex = ifindex,
		.nexthop = 0,
	};

	return m;
}

int mgm_add(int fd, uint32_t handle, uint32_t ifindex, uint32_t source,
	    uint32_t group, uint32_t flags)
{
	struct mgm_membership m = mgm_rec(handle, ifindex, source, group, flags);

	return ret_errno(ioctl(fd, MGM_IOC_ADD_MEMBERSHIP, &m));
}

int mgm_del(int fd, uint32_t handle, uint32_t ifindex, uint32_t source,
	    uint32_t group, uint32_t flags)
{
	struct mgm_membership m = mgm_rec(handle, ifindex, source, group, flags);

	return ret_errno(ioctl(fd, MGM_IOC_DELETE_MEMBERSHIP, &m));
}

int mgm_batch_apply(int fd, uint32_t op, const struct mgm_membership *recs,
		    uint32_t count, uint32_t *done, int32_t *error)
{
	struct mgm_batch b = {
		.records = (uintptr_t)recs,
		.count = count,
		.record_size = sizeof(*recs),
		.op = op,
	};
	int ret = ret_errno(ioctl(fd, MGM_IOC_BATCH, &b));

	if (done)
		*done = b.done;
	if (error)
		*error = b.error;
	return ret;
}

int mgm_stats_get(int fd, struct mgm_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	return ret_errno(ioctl(fd, MGM_IOC_STATS, stats));
}

int mgm_enum_start_type(int fd, uint32_t type, uint32_t *cursor)
{
	struct mgm_enum_start s = { .type = type };
	int ret = ret_errno(ioctl(fd, MGM_IOC_ENUM_START, &s));

	if (!ret && cursor)
		*cursor = s.cursor;
	return ret;
}

int mgm_enum_next_buf(int fd, uint32_t cursor, void *buf, uint32_t size,
		      struct mgm_enum_next *out)
{
	struct mgm_enum_next n = {
		.cursor = cursor,
		.buffer = (uintptr_t)buf,
		.buffer_size = size,
	};
	int ret = ret_errno(ioctl(fd, MGM_IOC_ENUM_NEXT, &n));

	if (out)
		*out = n;
	return ret;
}

int mgm_enum_end_id(int fd, uint32_t cursor)
{
	struct mgm_enum_end e = { .cursor = cursor };

	return ret_errno(ioctl(fd, MGM_IOC_ENUM_END, &e));
}

long mgm_enum_all(int fd, uint32_t type, uint32_t bufsize,
		  struct mgm_source_group **recs)
{
	size_t n = 0, cap = 1024;
	struct mgm_source_group *all = malloc(cap * MGM_REC);
	struct mgm_enum_next out;
	char *buf = malloc(bufsize ? bufsize : 1);
	uint32_t cursor;
	int ret;

	if (!all || !buf) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = mgm_enum_start_type(fd, type, &cursor);
	if (ret)
		goto fail;
	do {
		ret = mgm_enum_next_buf(fd, cursor, buf, bufsize, &out);
		if (ret)
			break;
		if (n + out.count > cap) {
			while (n + out.count > cap)
				cap *= 2;
			all = realloc(all, cap * MGM_REC);
			if (!all) {
				ret = -ENOMEM;
				break;
			}
		}
		memcpy(all + n, buf, (size_t)out.count * MGM_REC);
		n += out.count;
	} while (!(out.status & MGM_ENUM_STATUS_END));
	mgm_enum_end_id(fd, cursor);
	if (ret)
		goto fail;
	free(buf);
	*recs = all;
	return (long)n;
fail:
	free(all);
	free(buf);
	return ret;
}

int run(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	strncat(cmd, " >/dev/null 2>&1", sizeof(cmd) - strlen(cmd) - 1);
	st = system(cmd);
	return st < 0 ? st : WEXITSTATUS(st);
}

int make_dummy(const char *name)
{
	unsigned int ifindex;

	/*
	 * A test killed by the harness (timeout) skips its teardown; its
	 * interface must not fail every later test that makes the same one.
	 */
	if (if_nametoindex(name))
		run("ip link del %s", name);
	if (run("ip link add %s type dummy && ip link set %s up", name, name))
		return -EIO;
	ifindex = if_nametoindex(name);
	return ifindex ? (int)ifindex : -errno;
}

/* Append attribute @type with @len bytes of @data to @nh (room checked by the caller). */
static struct rtattr *nl_attr(struct nlmsghdr *nh, unsigned short type,
			      const void *data, size_t len)
{
	struct rtattr *rta = (void *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
	return rta;
}

int make_dummy_index(const char *name, int ifindex)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
		char attrs[256];
	} req = {
		.nh = {
			.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)),
			.nlmsg_type = RTM_NEWLINK,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK,
		},
		.ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex,
			 .ifi_flags = IFF_UP, .ifi_change = IFF_UP },
	};
	struct {
		struct nlmsghdr nh;
		struct nlmsgerr err;
	} ack;
	struct rtattr *info;
	int fd, err;

	if (if_nametoindex(name))
		run("ip link del %s", name);
	nl_attr(&req.nh, IFLA_IFNAME, name, strlen(name) + 1);
	info = nl_attr(&req.nh, IFLA_LINKINFO, NULL, 0);
	nl_attr(&req.nh, IFLA_INFO_KIND, "dummy", sizeof("dummy"));
	info->rta_len = (char *)&req + req.nh.nlmsg_len - (char *)info;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0 ||
	    recv(fd, &ack, sizeof(ack), 0) < (ssize_t)sizeof(ack)) {
		err = -errno;
		close(fd);
		return err ? err : -EIO;
	}
	close(fd);
	if (ack.nh.nlmsg_type != NLMSG_ERROR)
		return -EIO;
	if (ack.err.error)
		return ack.err.error;
	return if_nametoindex(name) == (unsigned int)ifindex ? ifindex : -EIO;
}

int del_link(const char *name)
{
	return run("ip link del %s", name) ? -EIO : 0;
}

int module_unload(void)
{
	return ret_errno(syscall(__NR_delete_module, "mgm", O_NONBLOCK));
}

int module_load(const char *params)
{
	const char *ko = getenv("MGM_KO");
	int fd, ret;

	fd = open(ko ? ko : "/lib/mgm/mgm.ko", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = ret_errno(syscall(__NR_finit_module, fd, params ? params : "", 0));
	close(fd);
	return ret;
}

int module_reload(const char *params)
{
	int ret = module_unload();

	if (ret && ret != -ENOENT)
		return ret;
	if (!params)
		params = getenv("MGM_MODULE_ARGS");
	return module_load(params);
}

void dump_log(const char *path)
{
	char *s = read_file(path), *line, *save = NULL;

	if (!s)
		return;
	fprintf(stderr, "# --- %s\n", path);
	for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		fprintf(stderr, "#   %s\n", line);
	free(s);
}

char *read_file(const char *path)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !buf)
		goto fail;
	for (;;) {
		if (cap - len < 2048) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				goto fail;
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0)
			goto fail;
		if (!r)
			break;
		len += r;
	}
	close(fd);
	buf[len] = 0;
	return buf;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

long proc_entries(const char *text)
{
	char group[32], source[32], flags[32], prev[64] = "", key[64];
	const char *line = text;
	long entries = 0, lineno = 0;
	bool counted = false;

	for (; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (lineno++ < 2)
			continue;	/* summary and column titles */
		if (sscanf(line, "%31s %31s %*u %*u %*u %*s %*s %31s", group, source,
			   flags) != 3)
			return -1;
		snprintf(key, sizeof(key), "%s %s", group, source);
		if (strcmp(key, prev)) {
			strcpy(prev, key);
			counted = false;
		}
		if (!counted && strstr(flags, "join")) {
			entries++;
			counted = true;
		}
	}
	return entries;
}

unsigned long env_ulong(const char *name, unsigned long def)
{
	const char *v = getenv(name);
	char *end;
	unsigned long n;

	if (!v || !*v)
		return def;
	n = strtoul(v, &end, 0);
	return *end ? def : n;
}

/* Drop CAP_NET_ADMIN from this process for good. */
int drop_net_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[CAP_NET_ADMIN / 32].effective &= ~(1u << (CAP_NET_ADMIN % 32));
	data[CAP_NET_ADMIN / 32].permitted &= ~(1u << (CAP_NET_ADMIN % 32));
	data[CAP_NET_ADMIN / 32].inheritable &= ~(1u << (CAP_NET_ADMIN % 32));
	return syscall(SYS_capset, &hdr, data) ? -errno : 0;
}
