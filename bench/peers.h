/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mgm-bench: the tables measured. Each fills itself with entries
 * [first, first + n) of bench_sg() and reads itself back whole; every
 * function returns the nanoseconds the timed part took and dies on error
 * (a benchmark that silently measured less than it says would be worse
 * than none).
 */
#ifndef MGM_BENCH_PEERS_H
#define MGM_BENCH_PEERS_H

#include <stdbool.h>
#include <stdint.h>

/* mgm.c - /dev/mgm: one open file with a protocol owning one interface. */
struct mgmb {
	int fd;
	uint32_t handle;
	uint32_t ifindex;
	int netns;	/* its network namespace (isolated tables), else -1 */
};

void mgmb_open(struct mgmb *t, uint32_t ifindex, uint32_t component);
/*
 * The same in a new network namespace with a dummy interface of its own:
 * a table of its own. The file keeps the namespace alive, and @netns is
 * kept open (for setns() by a program that should see that table); the
 * caller stays in its namespace.
 */
void mgmb_open_isolated(struct mgmb *t);
/* Closing the file removes everything it added. */
void mgmb_close(struct mgmb *t);
/*
 * Add the entries at places [@from, @to) of an insert order of [0, @n):
 * ascending keys when @stride is 1, else i * @stride mod @n (a scattered
 * order, see bench_stride()). With MGM_IOC_BATCH (at most MGM_BATCH_MAX
 * records per call) when @batch, else one per call (MGM_IOC_ADD_MEMBERSHIP).
 */
uint64_t mgmb_add(struct mgmb *t, unsigned long from, unsigned long to,
		  unsigned long n, unsigned long stride, bool batch);
/* Add or delete the (S,G) just after number @i (not in the table). */
void mgmb_add_del(struct mgmb *t, uint64_t i, bool add);
/* A call that does no table work (MGM_IOC_STATS), @calls times. */
uint64_t mgmb_null_calls(struct mgmb *t, unsigned long calls);
/*
 * One full ALL_SOURCES enumeration on @fd (start, next until END, end)
 * through a @bufsize-byte buffer: *@records records in *@calls calls of
 * MGM_IOC_ENUM_NEXT.
 */
uint64_t mgmb_enum(int fd, void *buf, uint32_t bufsize,
		   unsigned long *records, unsigned long *calls);
/* Check, untimed, that an enumeration returns entries [0, n) in order. */
void mgmb_verify(int fd, unsigned long n);

/* ipmr.c - the kernel's multicast routing table (MFC) over two VIFs. */
int ipmr_open(int ifindex0, int ifindex1);
/* MRT_DONE and close: the kernel flushes the MFC. */
void ipmr_close(int sock);
/* MRT_ADD_MFC, one per call, entries [@from, @to). */
uint64_t ipmr_add(int sock, unsigned long from, unsigned long to);
/*
 * Dump the MFC through rtnetlink (RTM_GETROUTE, RTNL_FAMILY_IPMR) or by
 * reading /proc/net/ip_mr_cache, BENCH_BUF bytes per call, giving up after
 * @limit_ns: *@stopped then tells so and *@records how far it got.
 */
uint64_t ipmr_dump_netlink(unsigned long expect, uint64_t limit_ns,
			   unsigned long *records, bool *stopped);
uint64_t ipmr_dump_proc(unsigned long expect, uint64_t limit_ns,
			unsigned long *records, bool *stopped);

/* bpf.c - a BPF hash map, 8-byte key (the mgm key), 16-byte value (the record). */
/*
 * The default map preallocates every element when it is created; with
 * @prealloc false (BPF_F_NO_PREALLOC) each update allocates, as mgm does.
 */
int bpfb_create(unsigned long max_entries, bool prealloc);
/* BPF_MAP_UPDATE_ELEM, one per call, entries [@from, @to). */
uint64_t bpfb_add(int map, unsigned long from, unsigned long to);
/* BPF_MAP_LOOKUP_BATCH, keys and values of a call within BENCH_BUF bytes. */
uint64_t bpfb_dump(int map, unsigned long expect, unsigned long *calls);

/* floor.c - the copy floor: pread() of a tmpfs file holding the records. */
int floor_create(unsigned long n);
uint64_t floor_read(int fd, unsigned long n, unsigned long *calls);

/*
 * writes.c - add rates: mgm one per call and batched, in ascending and in
 * scattered order, BPF_MAP_UPDATE_ELEM (preallocated map and not) and, with
 * @ipmr, MRT_ADD_MFC, all adding the same @n (S,G) in interleaved chunks.
 */
void bench_writes(unsigned long n, int ifindex0, int ifindex1, bool ipmr);
/*
 * netdev.c: the time deleting a device takes (rtnl held) with a table of
 * @n entries, for a device with no ownership, with one and no membership,
 * and with @k memberships spread over the table.
 */
void bench_netdev_removal(unsigned long n, unsigned long k);
/* compare.c: --compare-ko, this module's enumeration against another's. */
void bench_compare_walk(const char *alt_ko, const unsigned long *sizes,
			unsigned int nsizes, int ifindex);

/*
 * memberships.c - mgmctl, the real program: `mgmctl -j
 * membership show` over @t (@n memberships, entries [0, n) of bench_sg())
 * and over @small (@small_n of them, in a namespace of its own) alongside,
 * then `mgmctl -j membership show group G` with G holding 1000 memberships
 * on @t and on a table of G alone; adds G's to @t (closing @t removes them).
 */
void bench_mgmctl(struct mgmb *t, unsigned long n, const struct mgmb *small,
		  unsigned long small_n);

/*
 * concurrent.c - add/delete rate of @t's protocol, one per call, alone,
 * while another file enumerates the table (@n entries) continuously, and
 * while a control thread reads the copy floor's file instead.
 */
void bench_writers_under_reader(struct mgmb *t, unsigned long n,
				uint64_t round_ns);

#endif /* MGM_BENCH_PEERS_H */
