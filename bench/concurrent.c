// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgm-bench: writers under a reader. One thread adds and deletes
 * memberships one per call, on keys that lie between the table's own keys
 * (so its changes land in the index nodes the reader walks), while another
 * thread enumerates the whole table continuously through its own open file
 * with a BENCH_BUF buffer. The writer's rate with the reader, as a ratio of
 * its rate alone, says whether readers hold writers up (contract appendix B: they must
 * not).
 *
 * A control round runs the writer next to a thread that keeps the other
 * vCPU just as busy without touching mgm (pread() of the copy floor's
 * file): whatever the writer loses there is the VM's (two vCPUs on a
 * shared host), not mgm's. Rounds alternate alone / reader / control; the
 * best of each counts.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bench.h"
#include "helpers.h"
#include "peers.h"

#define ROUNDS		6
#define CHECK_EVERY	64	/* writer ops between clock reads */

struct load {
	pthread_t thread;
	bool enumerate;		/* else the control: pread() of @fd */
	int fd;
	unsigned long n;
	atomic_bool stop;
	uint64_t records;
};

static void *load_main(void *arg)
{
	struct load *l = arg;
	unsigned long records;
	void *buf = malloc(BENCH_BUF);

	if (!buf)
		bench_die("out of memory");
	while (!atomic_load(&l->stop)) {
		if (!l->enumerate) {
			floor_read(l->fd, l->n, NULL);
			l->records += l->n;
			continue;
		}
		mgmb_enum(l->fd, buf, BENCH_BUF, &records, NULL);
		/* The writer adds and deletes keys the table did not hold. */
		if (records < l->n)
			bench_die("reader: %lu records, at least %lu expected",
				  records, l->n);
		l->records += records;
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

/* The writer's rate with @l running; *@load_rate: its records/s. */
static double writer_with(struct mgmb *t, unsigned long n, uint64_t ns,
			  uint64_t *next, struct load *l, double *load_rate)
{
	uint64_t t0;
	double rate;

	atomic_store(&l->stop, false);
	l->records = 0;
	if (pthread_create(&l->thread, NULL, load_main, l))
		bench_die("pthread_create failed");
	t0 = now_ns();
	rate = writer_rate(t, n, ns, next);
	atomic_store(&l->stop, true);
	pthread_join(l->thread, NULL);
	*load_rate = l->records * 1e9 / (now_ns() - t0);
	return rate;
}

static void keep_max(double *best, double v)
{
	if (v > *best)
		*best = v;
}

void bench_writers_under_reader(struct mgmb *t, unsigned long n,
				uint64_t round_ns)
{
	double alone = 0, with = 0, control = 0, reader_rate = 0;
	double control_rate = 0, load_rate;
	struct load reader = { .enumerate = true, .n = n };
	struct load other = { .enumerate = false, .n = n };
	uint64_t next = 0;
	int round;

	reader.fd = mgm_open_dev();
	if (reader.fd < 0)
		bench_die("open %s: %s", MGM_DEV, strerror(-reader.fd));
	other.fd = floor_create(n);
	for (round = 0; round < ROUNDS; round++) {
		keep_max(&alone, writer_rate(t, n, round_ns, &next));
		keep_max(&with, writer_with(t, n, round_ns, &next, &reader,
					    &load_rate));
		keep_max(&reader_rate, load_rate);
		keep_max(&control, writer_with(t, n, round_ns, &next, &other,
					       &load_rate));
		keep_max(&control_rate, load_rate);
	}
	close(reader.fd);
	close(other.fd);

	bench_result("writer_alone", n, "ops_per_s", alone, false,
		     "op=add_or_delete_one_per_call rounds=%d", ROUNDS);
	bench_result("writer_with_reader", n, "ops_per_s", with, false,
		     "reader_records_per_s=%.0f", reader_rate);
	bench_result("writer_with_control", n, "ops_per_s", control, false,
		     "control=pread_copy_floor records_per_s=%.0f",
		     control_rate);
}
