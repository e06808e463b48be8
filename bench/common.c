// SPDX-License-Identifier: GPL-2.0-or-later
/* mgm-bench: the (S,G) set, the clock, and the results store. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bench.h"

#define SOURCES_PER_GROUP	100
#define RESULTS_MAX		256

struct bench_sg bench_sg(uint64_t i)
{
	struct bench_sg sg = {
		/* 10.0.0.1, 10.0.0.3, ... 10.0.0.199 */
		.source = htonl(0x0a000001u + 2 * (uint32_t)(i % SOURCES_PER_GROUP)),
		/* 232.0.0.1 onwards */
		.group = htonl(0xe8000001u + (uint32_t)(i / SOURCES_PER_GROUP)),
	};

	return sg;
}

uint64_t bench_key(struct bench_sg sg)
{
	return (uint64_t)ntohl(sg.group) << 32 | ntohl(sg.source);
}

static unsigned long gcd(unsigned long a, unsigned long b)
{
	while (b) {
		unsigned long t = a % b;

		a = b;
		b = t;
	}
	return a;
}

unsigned long bench_stride(unsigned long n)
{
	unsigned long s = n * 618 / 1000 | 1;

	while (n > 1 && gcd(s, n) != 1)
		s += 2;
	return n > 1 ? s % n : 1;
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

unsigned int bench_reps(unsigned long n)
{
	/* A read of 10^5 records takes ~10 ms in the VM (BPF: ~100 ms). */
	if (n <= 1000)
		return 101;
	if (n <= 10000)
		return 51;
	if (n <= 100000)
		return 21;
	return 7;
}

struct result {
	char name[40];
	unsigned long n;
	double value;
	bool bound;
};

static struct result results[RESULTS_MAX];
static unsigned int nresults;

void bench_result(const char *name, unsigned long n, const char *metric,
		  double value, bool bound, const char *extra_fmt, ...)
{
	struct result *r;
	va_list ap;

	printf("bench: %s n=%lu %s=%.*f", name, n, metric,
	       value < 100 ? 2 : 0, value);
	if (bound)
		printf(" bound=lower");
	if (extra_fmt && *extra_fmt) {
		putchar(' ');
		va_start(ap, extra_fmt);
		vprintf(extra_fmt, ap);
		va_end(ap);
	}
	putchar('\n');
	fflush(stdout);

	if (nresults == RESULTS_MAX)
		bench_die("too many results");
	r = &results[nresults++];
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->n = n;
	r->value = value;
	r->bound = bound;
}

bool bench_get(const char *name, unsigned long n, double *value, bool *bound)
{
	unsigned int i;

	for (i = nresults; i-- > 0;) {
		if (results[i].n != n || strcmp(results[i].name, name))
			continue;
		*value = results[i].value;
		if (bound)
			*bound = results[i].bound;
		return true;
	}
	return false;
}

void bench_note(const char *fmt, ...)
{
	va_list ap;

	printf("bench: note ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

void bench_die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "mgm-bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}
