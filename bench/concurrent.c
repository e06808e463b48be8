// SPDX-License-Identifier: GPL-2.0
/*
 * mgm-bench: writers under a reader. One thread adds and deletes
 * memberships one per call, on keys that lie between the table's own keys
 * (so its changes land in the index nodes the reader walks), while another
 * thread enumerates the whole table continuously through its own open file
 * with a BENCH_BUF buffer. The writer's rate with the reader, as a ratio of
 * its rate alone, says whether readers hold writers up (SPEC 3: they must
 * not). Rounds alternate alone / with a reader; the best of each counts.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bench.h"
#include "helpers.h"
#include "peers.h"

#define ROUNDS		3
#define CHECK_EVERY	64	/* writer ops between clock reads */

struct reader {
	pthread_t thread;
	int fd;
	unsigned long n;
	atomic_bool stop;
	unsigned long passes;
	uint64_t records;
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	unsigned long records;
	void *buf = malloc(BENCH_BUF);

	if (!buf)
		bench_die("out of memory");
	while (!atomic_load(&r->stop)) {
		mgmb_enum(r->fd, buf, BENCH_BUF, &records, NULL);
		/* Writers add and delete keys the table did not hold. */
		if (records < r->n)
			bench_die("reader: %lu records, at least %lu expected",
				  records, r->n);
		r->passes++;
		r->records += records;
	}
	free(buf);
	return NULL;
}

/* Add/delete pairs for @ns nanoseconds: operations per second. */
static double writer_rate(struct mgmb *t, unsigned long n, uint64_t ns,
			  uint64_t *next)
{
	uint64_t t0 = now_ns(), elapsed, ops = 0;
	unsigned int k;

	do {
		for (k = 0; k < CHECK_EVERY / 2; k++) {
			mgmb_add_del(t, *next, true);
			mgmb_add_del(t, *next, false);
			*next = (*next + 1) % n;
		}
		ops += CHECK_EVERY;
		elapsed = now_ns() - t0;
	} while (elapsed < ns);
	return ops * 1e9 / elapsed;
}

void bench_writers_under_reader(struct mgmb *t, unsigned long n,
				uint64_t round_ns)
{
	double alone = 0, with = 0, rate, reader_rate = 0;
	struct reader r = { .n = n };
	uint64_t next = 0, t0;
	int round;

	r.fd = mgm_open_dev();
	if (r.fd < 0)
		bench_die("open %s: %s", MGM_DEV, strerror(-r.fd));
	for (round = 0; round < ROUNDS; round++) {
		rate = writer_rate(t, n, round_ns, &next);
		if (rate > alone)
			alone = rate;

		atomic_store(&r.stop, false);
		r.passes = 0;
		r.records = 0;
		if (pthread_create(&r.thread, NULL, reader_main, &r))
			bench_die("pthread_create failed");
		t0 = now_ns();
		rate = writer_rate(t, n, round_ns, &next);
		atomic_store(&r.stop, true);
		pthread_join(r.thread, NULL);
		if (rate > with)
			with = rate;
		rate = r.records * 1e9 / (now_ns() - t0);
		if (rate > reader_rate)
			reader_rate = rate;
	}
	close(r.fd);

	bench_result("writer_alone", n, "ops_per_s", alone, false,
		     "op=add_or_delete_one_per_call");
	bench_result("writer_with_reader", n, "ops_per_s", with, false,
		     "reader_records_per_s=%.0f", reader_rate);
}
