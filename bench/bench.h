/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mgm-bench - mgm's table side by side with the kernel's own tables.
 *
 * Every peer gets the same (S,G) set (bench_sg()), is read with the same
 * buffer size (BENCH_BUF) and is measured in the same VM run, interleaved
 * with the others, so that the ratios are meaningful even where absolute
 * times (TCG on a shared machine) are not.
 */
#ifndef MGM_BENCH_H
#define MGM_BENCH_H

#include <stdbool.h>
#include <stdint.h>

#define BENCH_BUF	65536u	/* bytes each read call may return */
#define BENCH_SIZES_MAX	8
/* The events' measurements (events.c) are reported at this n. */
#define BENCH_EVENTS_N	4096ul

/* One (S,G): addresses in network byte order. */
struct bench_sg {
	uint32_t source;
	uint32_t group;
};

/*
 * Entry i of every table: 100 sources per group, sources two apart, so
 * that no two keys are adjacent (real sources are scattered hosts).
 */
struct bench_sg bench_sg(uint64_t i);
/* The key mgm sorts by: group << 32 | source, host order. */
uint64_t bench_key(struct bench_sg sg);
/*
 * A stride coprime with @n, about 0.618 @n: i * stride mod n visits [0, n)
 * once each, consecutive i far apart (an insert order with no locality).
 */
unsigned long bench_stride(unsigned long n);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t now_ns(void);
/* Number of repetitions worth doing at size n (min-of-k). */
unsigned int bench_reps(unsigned long n);

/*
 * Results: each is printed at once as one machine-readable line,
 *	bench: <name> n=<N> <metric>=<value> [extra]
 * and kept for the ratios and the table at the end. A @bound result is a
 * lower bound (a peer stopped at its time limit).
 */
void bench_result(const char *name, unsigned long n, const char *metric,
		  double value, bool bound, const char *extra_fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Value of a result; false if there is none. */
bool bench_get(const char *name, unsigned long n, double *value, bool *bound);
/* A note line: "bench: note <text>" (not a measurement). */
void bench_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Fatal error: print and exit 1. */
void bench_die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/* events.c: the event queues' costs, in a namespace of their own. */
void bench_events(uint64_t round_ns);

/* report.c: the ratios against the targets, then the markdown table. */
void bench_report(const unsigned long *sizes, unsigned int nsizes,
		  unsigned long peer_max);

#endif /* MGM_BENCH_H */
