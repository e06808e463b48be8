// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgm-bench: the ratios that matter, against their targets, and the
 * markdown tables. Targets are reported, not asserted.
 */
#include <stdio.h>
#include <string.h>
#include "bench.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct row {
	const char *name;
	const char *what;
	const char *unit;
};

static const struct row rows[] = {
	{ "mgm_enum_64k", "mgm enumeration, 64 KiB buffer", "ns/record" },
	{ "mgm_enum_1rec", "mgm enumeration, one-record buffer", "ns/call" },
	{ "mgm_enum_64k_small", "the same, smallest table measured alongside", "ns/record" },
	{ "mgm_enum_1rec_small", "one-record, smallest table alongside", "ns/call" },
	{ "ipmr_netlink_dump", "ipmr MFC dump, rtnetlink", "ns/record" },
	{ "ipmr_proc_dump", "ipmr MFC, /proc/net/ip_mr_cache", "ns/record" },
	{ "bpf_lookup_batch", "BPF hash, BPF_MAP_LOOKUP_BATCH", "ns/record" },
	{ "copy_floor", "copy floor, pread() from tmpfs", "ns/record" },
	{ "mgm_add_one", "mgm add, one per call", "adds/s" },
	{ "mgm_add_batch", "mgm add, MGM_IOC_BATCH", "adds/s" },
	{ "mgm_add_one_scattered", "mgm add, one per call, scattered order", "adds/s" },
	{ "mgm_add_batch_scattered", "mgm add, batch, scattered order", "adds/s" },
	{ "bpf_update_elem", "BPF_MAP_UPDATE_ELEM, one per call", "adds/s" },
	{ "bpf_update_elem_noprealloc", "the same, BPF_F_NO_PREALLOC map", "adds/s" },
	{ "ipmr_add_mfc", "MRT_ADD_MFC, one per call", "adds/s" },
	{ "mgm_null_ioctl", "mgm ioctl doing no table work", "ns/call" },
	{ "writer_alone", "mgm add/delete, alone", "ops/s" },
	{ "writer_with_reader", "mgm add/delete, reader enumerating", "ops/s" },
	{ "writer_with_control", "mgm add/delete, other vCPU busy (pread)", "ops/s" },
	{ "netdev_del_unowned", "delete a device nobody owns (rtnl held)", "ms" },
	{ "netdev_del_owned", "delete an owned device, no membership", "ms" },
	{ "netdev_del_members", "delete a device with n/10 (≤ 100K) memberships", "ms" },
	{ "mgmctl_membership_json", "mgmctl -j membership show, whole process", "ns/membership" },
	{ "mgmctl_membership_json_small", "the same, smallest table alongside", "ns/membership" },
	{ "mgmctl_membership_json_empty", "the same, empty table (the process alone)", "µs/run" },
	{ "mgmctl_group_json", "mgmctl -j membership show group G (1000 memberships)", "ns/membership" },
	{ "mgmctl_group_json_alone", "the same, on a table of G alone", "ns/membership" },
	{ "memory_meminfo_slab", "kernel memory: /proc/meminfo Slab growth", "bytes/entry" },
	{ "memory_memcg_kernel", "of which charged to the caller's memcg", "bytes/entry" },
};

/* Which size a target is judged at (AT_EV: the events', BENCH_EVENTS_N). */
enum at { AT_HI, AT_REF, AT_EV };

/*
 * A target: the ratio num/den of two results (or num alone when @den is
 * NULL) is at least @goal, or at most it when @at_most, at size @at: the
 * largest, or the reference size (the largest the kernel's ipmr peer was
 * measured at).
 */
struct target {
	const char *name;
	const char *what;
	enum at at;
	const char *num;
	const char *den;
	double goal;
	bool at_most;
};

static const struct target targets[] = {
	{ "enum_scaling", "mgm 64 KiB enumeration per record, largest n vs smallest n (measured alongside)",
	  AT_HI, "mgm_enum_64k", "mgm_enum_64k_small", 2, true },
	{ "resume_scaling", "mgm one-record buffer per call, largest n vs smallest n (measured alongside)",
	  AT_HI, "mgm_enum_1rec", "mgm_enum_1rec_small", 2, true },
	{ "vs_netlink", "ipmr rtnetlink dump vs mgm, per record",
	  AT_REF, "ipmr_netlink_dump", "mgm_enum_64k", 50, false },
	{ "vs_proc", "/proc/net/ip_mr_cache vs mgm, per record",
	  AT_REF, "ipmr_proc_dump", "mgm_enum_64k", 50, false },
	{ "vs_bpf", "BPF hash batch lookup vs mgm, per record",
	  AT_REF, "bpf_lookup_batch", "mgm_enum_64k", 2, false },
	{ "vs_floor", "mgm vs copy floor, per record",
	  AT_REF, "mgm_enum_64k", "copy_floor", 8, true },
	{ "batch_vs_one", "mgm batch add vs one per call",
	  AT_REF, "mgm_add_batch", "mgm_add_one", 10, false },
	{ "one_vs_bpf", "mgm add one per call vs BPF_MAP_UPDATE_ELEM",
	  AT_REF, "mgm_add_one", "bpf_update_elem", 1, false },
	{ "writer_with_reader", "writer rate with a reader enumerating vs alone",
	  AT_REF, "writer_with_reader", "writer_alone", 0.8, false },
	{ "memory", "kernel memory per entry with one membership, bytes (Slab growth)",
	  AT_HI, "memory_meminfo_slab", NULL, 128, true },
	{ "mgmctl_scaling", "mgmctl -j membership show per membership, largest n vs smallest n (measured alongside)",
	  AT_HI, "mgmctl_membership_json", "mgmctl_membership_json_small", 2, true },
	{ "mgmctl_group", "mgmctl -j membership show group G (1000 memberships), largest table vs G alone",
	  AT_HI, "mgmctl_group_json", "mgmctl_group_json_alone", 2, true },
	{ "events_writer", "writer add/delete rate, three subscribed files vs none",
	  AT_EV, "events_writer_subscribed", "events_writer_none", 0.85, false },
	{ "events_reader", "events read per second (64 KiB) vs the batch writer's changes per second",
	  AT_EV, "events_read_64k", "events_writer_batch", 5, false },
	{ "events_latency", "add -> callback in another process vs pipe wake-up, medians",
	  AT_EV, "events_latency_callback", "events_latency_pipe", 3, true },
	{ "events_memory", "kernel memory per queued event, bytes (memcg kernel)",
	  AT_EV, "events_memory", NULL, 64, true },
};

struct outcome {
	char text[32];
	const char *met;
};

static void fmt_value(char *buf, size_t len, double v)
{
	snprintf(buf, len, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f", v);
}

static void fmt_n(char *buf, size_t len, unsigned long n)
{
	if (n >= 1000000 && n % 1000000 == 0)
		snprintf(buf, len, "%luM", n / 1000000);
	else if (n >= 1000 && n % 1000 == 0)
		snprintf(buf, len, "%luK", n / 1000);
	else
		snprintf(buf, len, "%lu", n);
}

/*
 * A bound numerator (a peer stopped at its time limit, so slower than
 * measured) makes the ratio a lower bound: that still proves an "at least"
 * target, and cannot disprove one.
 */
static void eval(const struct target *t, const unsigned long *at,
		 struct outcome *o)
{
	double num, den = 1, ratio;
	bool bound = false;
	char v[24];

	if (!bench_get(t->num, at[t->at], &num, &bound) ||
	    (t->den && !bench_get(t->den, at[t->at], &den, NULL)) ||
	    den <= 0) {
		snprintf(o->text, sizeof(o->text), "not measured");
		o->met = "n/a";
		return;
	}
	ratio = num / den;
	if (t->at_most)
		o->met = ratio <= t->goal ? "yes" : "no";
	else
		o->met = ratio >= t->goal ? "yes" : bound ? "unknown" : "no";
	fmt_value(v, sizeof(v), ratio);
	snprintf(o->text, sizeof(o->text), "%s%s%s", bound ? "≥" : "", v,
		 t->den ? "×" : "");
	printf("bench: %s n=%lu %s=%.3f%s target=%s%g met=%s\n", t->name,
	       at[t->at], t->den ? "ratio" : "value", ratio,
	       bound ? " bound=lower" : "", t->at_most ? "<=" : ">=",
	       t->goal, o->met);
}

static void table(const unsigned long *sizes, unsigned int nsizes)
{
	unsigned int i, j;
	char v[24], n[24];
	double value;
	bool bound;

	printf("\n| measurement | unit |");
	for (j = 0; j < nsizes; j++) {
		fmt_n(n, sizeof(n), sizes[j]);
		printf(" n=%s |", n);
	}
	printf("\n|---|---|");
	for (j = 0; j < nsizes; j++)
		printf("---:|");
	printf("\n");
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		printf("| %s | %s |", rows[i].what, rows[i].unit);
		for (j = 0; j < nsizes; j++) {
			if (!bench_get(rows[i].name, sizes[j], &value, &bound)) {
				printf(" — |");
				continue;
			}
			fmt_value(v, sizeof(v), value);
			printf(" %s%s |", bound ? "≥" : "", v);
		}
		printf("\n");
	}
}

void bench_report(const unsigned long *sizes, unsigned int nsizes,
		  unsigned long peer_max)
{
	struct outcome out[ARRAY_SIZE(targets)];
	unsigned long at[3] = { sizes[nsizes - 1], sizes[0], BENCH_EVENTS_N };
	char n[3][24];
	unsigned int i;

	for (i = 0; i < nsizes; i++)
		if (sizes[i] <= peer_max)
			at[AT_REF] = sizes[i];
	for (i = 0; i < 3; i++)
		fmt_n(n[i], sizeof(n[i]), at[i]);

	printf("\n");
	for (i = 0; i < ARRAY_SIZE(targets); i++)
		eval(&targets[i], at, &out[i]);

	table(sizes, nsizes);

	printf("\n| target | n | measured | goal | met |\n"
	       "|---|---|---:|---:|---|\n");
	for (i = 0; i < ARRAY_SIZE(targets); i++) {
		const struct target *t = &targets[i];

		printf("| %s | %s | %s | %s %g%s | %s |\n", t->what,
		       n[t->at], out[i].text, t->at_most ? "≤" : "≥", t->goal,
		       t->den ? "×" : "", out[i].met);
	}
}
