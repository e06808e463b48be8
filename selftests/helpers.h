/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the mgm selftests. They talk to /dev/mgm through the raw
 * ioctl ABI (uapi/linux/mgm.h), never through libmgm, and report failures
 * as -errno so that tests can name the exact error they expect:
 *
 *	ASSERT_EQ(-EEXIST, mgm_register_proto(fd, 17, 1, &h));
 *
 * Network devices are made with busybox `ip` in the guest.
 */
#ifndef MGM_SELFTEST_HELPERS_H
#define MGM_SELFTEST_HELPERS_H

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/mgm.h>

#define MGM_DEV		"/dev/mgm"
#define MGM_REC		sizeof(struct mgm_source_group)
#define MGM_PROTO_PIM	3	/* some routing protocol that is not IGMP */

/* IPv4 address a.b.c.d in network byte order. */
static inline uint32_t ip4(unsigned int a, unsigned int b, unsigned int c,
			   unsigned int d)
{
	return htonl(a << 24 | b << 16 | c << 8 | d);
}

#define MASK32	0xffffffffu

/* A record's key: (group, source) in host order, as the module sorts. */
static inline uint64_t rec_key(const struct mgm_source_group *r)
{
	return (uint64_t)ntohl(r->group) << 32 | ntohl(r->source);
}

int mgm_open_dev(void);
int mgm_register_proto(int fd, uint32_t id, uint32_t comp, uint32_t *handle);
int mgm_deregister_proto(int fd, uint32_t handle);
int mgm_take(int fd, uint32_t handle, uint32_t ifindex, uint32_t nexthop);
int mgm_release(int fd, uint32_t handle, uint32_t ifindex, uint32_t nexthop);
/* Add/delete with the masks a valid (S,G), (*,G) or (*,*) needs. */
int mgm_add(int fd, uint32_t handle, uint32_t ifindex, uint32_t source,
	    uint32_t group, uint32_t flags);
int mgm_del(int fd, uint32_t handle, uint32_t ifindex, uint32_t source,
	    uint32_t group, uint32_t flags);
struct mgm_membership mgm_rec(uint32_t handle, uint32_t ifindex,
			      uint32_t source, uint32_t group, uint32_t flags);
int mgm_batch_apply(int fd, uint32_t op, const struct mgm_membership *recs,
		    uint32_t count, uint32_t *done, int32_t *error);
int mgm_stats_get(int fd, struct mgm_stats *stats);

int mgm_enum_start_type(int fd, uint32_t type, uint32_t *cursor);
int mgm_enum_next_buf(int fd, uint32_t cursor, void *buf, uint32_t size,
		      struct mgm_enum_next *out);
int mgm_enum_end_id(int fd, uint32_t cursor);
/*
 * Enumerate everything with a buffer of @bufsize bytes. On success returns
 * the number of records and stores a malloc()ed array in *@recs.
 */
long mgm_enum_all(int fd, uint32_t type, uint32_t bufsize,
		  struct mgm_source_group **recs);

/* Make a dummy device, up; returns its ifindex or -errno. */
int make_dummy(const char *name);
/* A dummy interface @name, up, with index @ifindex; -EEXIST if taken. */
int make_dummy_index(const char *name, int ifindex);
int del_link(const char *name);
/* Run a shell command quietly; returns its exit status. */
int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Module control ($MGM_KO, $MGM_MODULE_ARGS come from testing/vm-run). */
int module_unload(void);
int module_load(const char *params);
/* Reload with @params (NULL: the arguments vm-run loaded it with). */
int module_reload(const char *params);

/*
 * A number from the environment (testing/check-debug sizes tests with these),
 * or @def when unset or not a number.
 */
unsigned long env_ulong(const char *name, unsigned long def);

/* The whole of a (proc) file, NUL-terminated, malloc()ed; NULL on error. */
char *read_file(const char *path);
/* Print file @path to stderr as TAP comments (a failed test's daemon log). */
void dump_log(const char *path);
/* Drop CAP_NET_ADMIN from this process (all sets): 0 or -errno. */
int drop_net_admin(void);
/* Count the lines of /proc/net/mgm's body that have join state. */
long proc_entries(const char *text);

#endif /* MGM_SELFTEST_HELPERS_H */
