// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation failure (debug kernel only): every allocation an operation
 * makes is failed in turn, and the operation must fail cleanly or succeed.
 *
 * For each operation (open, register, take, add in its several forms,
 * delete, batch add and delete, enumeration start and get-next, release,
 * close), /proc/thread-self/fail-nth is armed with N = 1, 2, ... right
 * before the one system call, until a call completes without anything
 * injected. Two sweeps per operation:
 *  - "nth": only the N-th allocation fails (fail-nth alone);
 *  - "from": the N-th and the MGM_FAULT_BURST (default 16) allocations of
 *    the call after it fail (fail-nth, then failslab's task filter with
 *    probability 100 and a budget of "times" once fail-nth has fired),
 *    which reaches the error paths behind a retry, such as the maple tree's
 *    GFP_KERNEL attempt after its GFP_NOWAIT one. The budget is finite
 *    because the 6.1 maple tree spins for ever in mas_store_gfp() when
 *    allocations keep failing after a partial success.
 * After each call:
 *  - if it failed, it failed with ENOMEM and changed nothing: the table
 *    seen through both enumerations, /proc/net/mgm and the counters is the
 *    one from before, with the same generation (batches: exactly the records
 *    before @done were applied);
 *  - if it succeeded (an injected failure the kernel absorbed, such as the
 *    maple tree's GFP_NOWAIT first attempt, or a teardown path that uses
 *    __GFP_NOFAIL), the table is the one the operation makes;
 *  - in both cases the view is consistent (see reliability.h).
 * Each operation names its allocation sites in mgm (.sites): a sweep that
 * injected fewer failures than that, or none of whose injections made the
 * call fail with ENOMEM, proved nothing and fails; an operation with none
 * (deletes, get-next, listing an entry) must allocate nothing at all, and
 * a teardown (release, close) must absorb every injection.
 * `make check-debug` then unloads the module and fails if kmemleak reports
 * anything. failslab must see GFP_KERNEL allocations (ignore-gfp-wait=N);
 * __GFP_NOFAIL allocations are never failed by design. kmemleak's own
 * metadata allocations are failed too (it falls back to its pool): they
 * are among the failures "absorbed".
 *
 * On a kernel without fault injection (the stock one) every test skips.
 * MGM_FAULT_BASE sizes the table (default 120 entries), MGM_FAULT_BATCH
 * the new records of the batches (default 24); MGM_FAULT_VERBOSE=1 makes
 * failslab print the stack of every injected failure, to see which site
 * failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "helpers.h"
#include "reliability.h"

#define SWEEP_MAX	100000u	/* no operation allocates this often */
#define NEXT_RECORDS	64
#define SMALL_BATCH	16	/* records of the release and close cases */
#define MGM_BATCH_CHUNK	128	/* records the module copies in at a time */

/*
 * failslab attributes the sweeps set, in the order they are set (the task
 * filter before the probability, or every task's allocations would fail),
 * restored in the reverse order afterwards.
 */
static const char * const failslab_attrs[] = {
	"ignore-gfp-wait", "verbose", "task-filter", "interval", "times",
	"space", "probability",
};
#define FAILSLAB_ATTRS	(sizeof(failslab_attrs) / sizeof(failslab_attrs[0]))

FIXTURE(fault) {
	bool ready;
	char why[256];
	char saved[FAILSLAB_ATTRS][24];
	int nth;		/* this thread's fail-nth */
	int make_it_fail;	/* and its make-it-fail */
	char burst[16];		/* failslab/times of a "from" sweep */
	bool error_reported;
	int fd;			/* PIM on fi0 and fi1, owns the base table */
	int fd_igmp;		/* IGMP on fi0, second memberships */
	int fd_op;		/* what open, and close, work on */
	uint32_t pim, igmp, handle, cursor;
	int if0, if1;
	unsigned int base, batch;
	struct mgm_membership *recs;	/* @batch records, new keys */
	struct mgm_membership *badd;	/* the batch add: @recs and fillers */
	struct mgm_membership filler;	/* a membership that exists */
	unsigned int nbadd;
	uint32_t done;
	int32_t error;
	struct mgm_source_group next_buf[NEXT_RECORDS];
	struct table_view ref;		/* for get-next: the expected records */
};

/* The base table: entry i. Mixed (S,G) and (*,G); every 7th forward only. */
static struct mgm_membership base_rec(FIXTURE_DATA(fault) *self, unsigned int i)
{
	uint32_t group = ip4(232, 1, i >> 8 & 0xff, i & 0xff);
	uint32_t source = i % 3 ? ip4(10, 1, i >> 8 & 0xff, (i & 0xff) | 1) : 0;

	return mgm_rec(self->pim, self->if0, source, group,
		       i % 7 == 3 ? MGM_FORWARD_STATE : MGM_JOIN_STATE);
}

/* Records no base entry has: group 233.x.y.z. */
static struct mgm_membership new_rec(uint32_t handle, int ifindex,
				     unsigned int i)
{
	return mgm_rec(handle, ifindex, i & 1 ? ip4(10, 2, i >> 8 & 0xff, i & 0xff) : 0,
		       ip4(233, 0, i >> 8 & 0xff, i & 0xff),
		       MGM_JOIN_STATE | (i % 5 ? 0 : MGM_FORWARD_STATE));
}

FIXTURE_SETUP(fault)
{
	struct mgm_membership *base;
	char path[128];
	unsigned int i;

	self->fd = self->fd_igmp = self->fd_op = -1;
	self->nth = self->make_it_fail = -1;
	self->nth = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	self->make_it_fail = open("/proc/thread-self/make-it-fail",
				  O_RDWR | O_CLOEXEC);
	if (self->nth < 0 || self->make_it_fail < 0) {
		snprintf(self->why, sizeof(self->why),
			 "no %s: kernel without CONFIG_FAULT_INJECTION", FAIL_NTH);
		return;		/* each test skips */
	}
	for (i = 0; i < FAILSLAB_ATTRS; i++) {
		snprintf(path, sizeof(path), FAILSLAB "/%s", failslab_attrs[i]);
		if (read_str(path, self->saved[i], sizeof(self->saved[i]))) {
			snprintf(self->why, sizeof(self->why),
				 "no %s: kernel without CONFIG_FAILSLAB or debugfs",
				 path);
			return;
		}
	}
	/*
	 * fail-nth works whatever these say; the "from" sweeps add the task
	 * filter: every allocation of a task with make-it-fail set fails.
	 */
	ASSERT_EQ(0, write_str(FAILSLAB "/ignore-gfp-wait", "N"));
	ASSERT_EQ(0, write_str(FAILSLAB "/verbose",
			       env_ulong("MGM_FAULT_VERBOSE", 0) ? "2" : "0"));
	ASSERT_EQ(0, write_str(FAILSLAB "/task-filter", "Y"));
	ASSERT_EQ(0, write_str(FAILSLAB "/interval", "1"));
	snprintf(self->burst, sizeof(self->burst), "%lu",
		 env_ulong("MGM_FAULT_BURST", 16) + 1);
	ASSERT_EQ(0, write_str(FAILSLAB "/times", "0"));
	ASSERT_EQ(0, write_str(FAILSLAB "/space", "0"));
	ASSERT_EQ(0, write_str(FAILSLAB "/probability", "100"));
	del_link("fi0");	/* left over by a test that was killed */
	del_link("fi1");

	self->base = env_ulong("MGM_FAULT_BASE", 120);
	self->batch = env_ulong("MGM_FAULT_BATCH", 24);
	ASSERT_GE(self->base, 10u);
	ASSERT_GE(self->batch, 2u);
	ASSERT_GE((unsigned int)MGM_BATCH_CHUNK, self->batch);
	self->if0 = make_dummy("fi0");
	ASSERT_LT(0, self->if0);
	self->if1 = make_dummy("fi1");
	ASSERT_LT(0, self->if1);

	self->fd = mgm_open_dev();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, mgm_register_proto(self->fd, MGM_PROTO_PIM, 1, &self->pim));
	ASSERT_EQ(0, mgm_take(self->fd, self->pim, self->if0, 0));
	ASSERT_EQ(0, mgm_take(self->fd, self->pim, self->if1, 0));
	self->fd_igmp = mgm_open_dev();
	ASSERT_LE(0, self->fd_igmp);
	ASSERT_EQ(0, mgm_register_proto(self->fd_igmp, MGM_PROTO_IGMP, 1,
					&self->igmp));
	ASSERT_EQ(0, mgm_take(self->fd_igmp, self->igmp, self->if0, 0));

	base = calloc(self->base, sizeof(*base));
	ASSERT_NE(NULL, base);
	for (i = 0; i < self->base; i++)
		base[i] = base_rec(self, i);
	ASSERT_EQ(0, mgm_batch_apply(self->fd, MGM_BATCH_ADD, base, self->base,
				     NULL, NULL));
	/* (*,*), and IGMP joins on every 4th entry. */
	ASSERT_EQ(0, mgm_add(self->fd, self->pim, self->if1, 0, 0, MGM_JOIN_STATE));
	for (i = 0; i < self->base; i += 4) {
		base[i].handle = self->igmp;
		base[i].flags = MGM_JOIN_STATE;
		ASSERT_EQ(0, ioctl(self->fd_igmp, MGM_IOC_ADD_MEMBERSHIP, &base[i]));
	}
	free(base);

	self->recs = calloc(self->batch, sizeof(*self->recs));
	ASSERT_NE(NULL, self->recs);
	for (i = 0; i < self->batch; i++)
		self->recs[i] = new_rec(self->pim, self->if0, i);
	/* First half, fillers up to the second chunk (128), second half. */
	self->filler = base_rec(self, 1);
	self->nbadd = self->batch + (MGM_BATCH_CHUNK - self->batch / 2);
	self->badd = calloc(self->nbadd, sizeof(*self->badd));
	ASSERT_NE(NULL, self->badd);
	for (i = 0; i < self->nbadd; i++) {
		if (i < self->batch / 2)
			self->badd[i] = self->recs[i];
		else if (i < MGM_BATCH_CHUNK)
			self->badd[i] = self->filler;
		else
			self->badd[i] = self->recs[i - MGM_BATCH_CHUNK + self->batch / 2];
	}
	self->ready = true;
}

FIXTURE_TEARDOWN(fault)
{
	unsigned int i;

	if (self->fd_op >= 0)
		close(self->fd_op);
	if (self->fd_igmp >= 0)
		close(self->fd_igmp);
	if (self->fd >= 0)
		close(self->fd);
	free(self->recs);
	free(self->badd);
	table_view_free(&self->ref);
	del_link("fi0");
	del_link("fi1");
	if (self->make_it_fail >= 0) {
		fail_nth_set(self->make_it_fail, 0);
		close(self->make_it_fail);
	}
	if (self->nth >= 0) {
		fail_nth_set(self->nth, 0);
		close(self->nth);
	}
	for (i = FAILSLAB_ATTRS; i-- > 0;) {
		char path[128];

		if (!self->saved[i][0])
			continue;
		snprintf(path, sizeof(path), FAILSLAB "/%s", failslab_attrs[i]);
		write_str(path, self->saved[i]);
	}
}

/* The fixture found no fault injection: the test skips. */
#define REQUIRE_FAULT_INJECTION() do {				\
	if (!self->ready)					\
		SKIP(return, "%s", self->why);			\
} while (0)

/*
 * One operation under test. @run makes exactly one system call (and no
 * other one: anything in between would take the injected failure). The
 * others restore the table around it.
 */
struct fault_op {
	const char *name;
	void (*prepare)(struct __test_metadata *_metadata,
			FIXTURE_DATA(fault) *self);
	int (*run)(FIXTURE_DATA(fault) *self);
	/* after a successful run: back to the table before it */
	void (*undo)(struct __test_metadata *_metadata,
		     FIXTURE_DATA(fault) *self);
	/* batches: check a partial application, then undo it */
	void (*partial)(struct __test_metadata *_metadata,
			FIXTURE_DATA(fault) *self, const struct table_view *v);
	/*
	 * The allocations of mgm's own on the call's path (named where the
	 * op is): each sweep must inject at least that many failures and see
	 * the call fail with ENOMEM, or it proved nothing. With none, the
	 * call must allocate nothing at all (deleting, get-next and listing
	 * an entry change the index in place).
	 */
	unsigned int sites;
	/* A teardown: it may allocate, but every injection is absorbed. */
	bool never_fails;
};

static int ret_errno(long ret)
{
	return ret < 0 ? -errno : (int)ret;
}

static void expect_view(struct __test_metadata *_metadata, int fd,
			const struct table_view *want, const char *op,
			unsigned int n, const char *what)
{
	struct table_view v;
	char why[256];

	ASSERT_EQ(0, table_view_get(fd, &v));
	EXPECT_TRUE(table_view_consistent(&v, why, sizeof(why)))
		TH_LOG("%s, fail-nth %u, %s: inconsistent: %s", op, n, what, why);
	if (want)
		EXPECT_TRUE(table_view_equal(want, &v, why, sizeof(why)))
			TH_LOG("%s, fail-nth %u, %s: %s", op, n, what, why);
	table_view_free(&v);
}

enum sweep_mode {
	SWEEP_NTH,	/* only the N-th allocation fails */
	SWEEP_FROM,	/* the N-th and the next MGM_FAULT_BURST ones fail */
};

static void sweep_mode(struct __test_metadata *_metadata,
		       FIXTURE_DATA(fault) *self, const struct fault_op *op,
		       enum sweep_mode mode, const struct table_view *before,
		       const struct table_view *after)
{
	const char *mname = mode == SWEEP_NTH ? "nth" : "from";
	unsigned int n, injected = 0, failed = 0;
	time_t t0 = time(NULL);
	bool known_before = false;
	struct mgm_stats st;
	uint64_t gen;
	long left;
	int ret;

	for (n = 1; n < SWEEP_MAX; n++) {
		if (op->prepare)
			op->prepare(_metadata, self);
		/* After an undo: check it (a failure was checked already). */
		if (op->prepare || !known_before)
			expect_view(_metadata, self->fd, before, op->name, n,
				    "prepared");
		known_before = false;
		ASSERT_EQ(0, mgm_stats_get(self->fd, &st));
		gen = st.generation;

		/* Nothing but the call between arming and disarming. */
		if (mode == SWEEP_FROM) {
			ASSERT_EQ(0, write_str(FAILSLAB "/times", self->burst));
			ASSERT_EQ(0, fail_nth_set(self->make_it_fail, 1));
		}
		ASSERT_EQ(0, fail_nth_set(self->nth, n));
		ret = op->run(self);
		left = fail_nth_left(self->nth);
		if (mode == SWEEP_FROM)
			ASSERT_EQ(0, fail_nth_set(self->make_it_fail, 0));
		ASSERT_EQ(0, fail_nth_set(self->nth, 0));
		ASSERT_LE(0, left);

		if (left) {
			/* Every allocation of the call went through. */
			ASSERT_EQ(0, ret) TH_LOG("%s: fails with nothing injected (fail-nth %u)",
						 op->name, n);
			expect_view(_metadata, self->fd, after, op->name, n,
				    "nothing injected");
			if (op->undo)
				op->undo(_metadata, self);
			break;
		}
		injected++;
		if (!ret) {
			expect_view(_metadata, self->fd, after, op->name, n,
				    "succeeded despite the injection");
			if (op->undo)
				op->undo(_metadata, self);
			continue;
		}
		failed++;
		ASSERT_EQ(-ENOMEM, ret) TH_LOG("%s (%s), fail-nth %u: %s", op->name,
					       mname, n, strerror(-ret));
		if (op->partial) {
			struct table_view v;

			ASSERT_EQ(0, table_view_get(self->fd, &v));
			op->partial(_metadata, self, &v);
			table_view_free(&v);
			expect_view(_metadata, self->fd, before, op->name, n,
				    "partial batch undone");
			known_before = true;
		} else {
			expect_view(_metadata, self->fd, before, op->name, n,
				    "failed");
			ASSERT_EQ(0, mgm_stats_get(self->fd, &st));
			EXPECT_EQ(gen, st.generation)
				TH_LOG("%s, fail-nth %u: a failed call changed the generation",
				       op->name, n);
			known_before = true;
		}
	}
	EXPECT_LT(n, SWEEP_MAX);
	ksft_print_msg("%s (%s): %u injections: %u calls failed with ENOMEM, %u succeeded (%ld s)\n",
		       op->name, mname, injected, failed, injected - failed,
		       (long)(time(NULL) - t0));
	if (op->never_fails) {
		EXPECT_EQ(0u, failed) TH_LOG("%s (%s) failed", op->name, mname);
	} else if (!op->sites) {
		EXPECT_EQ(0u, injected) TH_LOG("%s (%s) allocates", op->name, mname);
	} else {
		EXPECT_LE(op->sites, injected)
			TH_LOG("%s (%s): fewer injections than its %u allocation sites: the sweep missed some",
			       op->name, mname, op->sites);
		EXPECT_LT(0u, failed)
			TH_LOG("%s (%s): no injection reached an error path", op->name, mname);
	}
}

static void sweep(struct __test_metadata *_metadata, FIXTURE_DATA(fault) *self,
		  const struct fault_op *op)
{
	struct table_view before, after;

	/* Once without injection: what success looks like; undo works. */
	if (op->prepare)
		op->prepare(_metadata, self);
	ASSERT_EQ(0, table_view_get(self->fd, &before));
	expect_view(_metadata, self->fd, &before, op->name, 0, "before");
	ASSERT_EQ(0, op->run(self)) TH_LOG("%s without injection", op->name);
	ASSERT_EQ(0, table_view_get(self->fd, &after));
	expect_view(_metadata, self->fd, &after, op->name, 0, "after");
	if (op->undo)
		op->undo(_metadata, self);

	sweep_mode(_metadata, self, op, SWEEP_NTH, &before, &after);
	sweep_mode(_metadata, self, op, SWEEP_FROM, &before, &after);
	table_view_free(&before);
	table_view_free(&after);
}

/* --- the operations ---------------------------------------------------------- */

static int run_open(FIXTURE_DATA(fault) *self)
{
	self->fd_op = open(MGM_DEV, O_RDWR | O_CLOEXEC);
	return self->fd_op < 0 ? -errno : 0;
}

static void undo_open(struct __test_metadata *_metadata,
		      FIXTURE_DATA(fault) *self)
{
	ASSERT_EQ(0, close(self->fd_op));
	self->fd_op = -1;
}

TEST_F_TIMEOUT(fault, open, 900)
{
	static const struct fault_op op = {
		.name = "open", .run = run_open, .undo = undo_open,
		.sites = 1,	/* the file's state */
	};

	REQUIRE_FAULT_INJECTION();

	sweep(_metadata, self, &op);
}

static int run_register(FIXTURE_DATA(fault) *self)
{
	struct mgm_register r = { .protocol_id = 17, .component_id = 99 };
	int ret = ret_errno(ioctl(self->fd, MGM_IOC_REGISTER, &r));

	self->handle = r.handle;
	return ret;
}

static void undo_register(struct __test_metadata *_metadata,
			  FIXTURE_DATA(fault) *self)
{
	ASSERT_EQ(0, mgm_deregister_proto(self->fd, self->handle));
}

TEST_F_TIMEOUT(fault, register, 900)
{
	static const struct fault_op op = {
		.name = "register", .run = run_register, .undo = undo_register,
		.sites = 2,	/* the protocol, its handle in the xarray */
	};

	REQUIRE_FAULT_INJECTION();

	sweep(_metadata, self, &op);
}

static int run_take(FIXTURE_DATA(fault) *self)
{
	struct mgm_interface i = { .handle = self->igmp, .ifindex = self->if1 };

	return ret_errno(ioctl(self->fd_igmp, MGM_IOC_TAKE_INTERFACE, &i));
}

static void undo_take(struct __test_metadata *_metadata,
		      FIXTURE_DATA(fault) *self)
{
	ASSERT_EQ(0, mgm_release(self->fd_igmp, self->igmp, self->if1, 0));
}

TEST_F_TIMEOUT(fault, take_interface, 900)
{
	static const struct fault_op op = {
		.name = "take", .run = run_take, .undo = undo_take,
		.sites = 1,	/* the ownership */
	};

	REQUIRE_FAULT_INJECTION();

	sweep(_metadata, self, &op);
}

/* A new (S,G) entry in the middle of the table. */
static int run_add_new(FIXTURE_DATA(fault) *self)
{
	struct mgm_membership m = mgm_rec(self->pim, self->if0, ip4(10, 3, 0, 1),
					  ip4(232, 1, 0, 7), MGM_JOIN_STATE);

	return ret_errno(ioctl(self->fd, MGM_IOC_ADD_MEMBERSHIP, &m));
}

static void undo_add_new(struct __test_metadata *_metadata,
			 FIXTURE_DATA(fault) *self)
{
	ASSERT_EQ(0, mgm_del(self->fd, self->pim, self->if0, ip4(10, 3, 0, 1),
			     ip4(232, 1, 0, 7), MGM_JOIN_STATE));
}

TEST_F_TIMEOUT(fault, add_new_entry, 900)
{
	static const struct fault_op op = {
		.name = "add (new entry)", .run = run_add_new,
		.undo = undo_add_new,
		.sites = 2,	/* the entry, its key in the index */
	};

	REQUIRE_FAULT_INJECTION();

	sweep(_metadata, self, &op);
}

/* A second membership (IGMP's) on an entry PIM made. */
static int run_add_member(FIXTURE_DATA(fault) *self)
{
	struct mgm_membership m = base_rec(self, 5);

	m.handle = self->igmp;
	m.flags = MGM_JOIN_STATE;
	return ret_errno(ioctl(self->fd_igmp, MGM_IOC_ADD_MEMBERSHIP, &m));
}

static void undo_add_member(struct __test_metadata *_metadata,
			    FIXTURE_DATA(fault) *self)
{
	struct mgm_membership m = base_rec(self, 5);

	m.handle = self->igmp;
	m.flags = MGM_JOIN_STATE;
	ASSERT_EQ(0, ioctl(self->fd_igmp, MGM_IOC_DELETE_MEMBERSHIP, &m));
}

TEST_F_TIMEOUT(fault, add_membership_to_entry, 900)
{
	static const struct fault_op op = {
		.name = "add (membership of an existing entry)",
		.run = run_add_member, .undo = undo_add_member,
		.sites = 1,	/* the membership */
	};

	REQUIRE_FAULT_INJECTION();

	sweep(_metadata, self, &op);
}

/* Join state on an entry that had forward state only: it becomes listed. */
static int run_add_join(FIXTURE_DATA(fault) *self)
{
	struct mgm_membership m = base_rec(self, 3);	/* forward only */

	m.flags = MGM_JOIN_STATE;
	return ret_errno(ioctl(self->fd, MGM_IOC_ADD_MEMBERSHIP, &m));
}

static void undo_add_join(struct __test_metadata *_metadata,
			  FIXTURE_DATA(fault) *self)
{
	struct mgm_membership m = base_rec(self, 3);

	m.flags = MGM_JOIN_STATE;
	ASSERT_EQ(0, ioctl(self->fd, MGM_IOC_DELETE_MEMBERSHIP, &m));
}

TEST_F_TIMEOUT(fault, add_join_to_hidden_entry, 900)
{
	static const struct fault_op op = {
		.name = "add (join state, entry becomes listed)",
		.run = run_add_join, .undo = undo_add_join,
	};

	REQUIRE_FAULT_INJECTION();

	sweep(_metadata, self, &op);
}

/* The only membership of an entry: the entry leaves the index. */
static int run_delete_last(FIXTURE_DATA(fault) *self)
{
	struct mgm_membership m = base_rec(self, 5);

	return ret_errno(ioctl(self->fd, MGM_IOC_DELETE_MEMBERSHIP, &m));
}

static void undo_delete_last(struct __test_metadata *_metadata,
			     FIXTURE_DATA(fault) *self)
{
	struct mgm_membership m = base_rec(self, 5);

	ASSERT_EQ(0, ioctl(self->fd, MGM_IOC_ADD_MEMBERSHIP, &m));
}

TEST_F_TIMEOUT(fault, delete_last_membership, 900)
{
	static const struct fault_op op = {
		.name = "delete (last membership of an entry)",
		.run = run_delete_last, .undo = undo_delete_last,
	};

	REQUIRE_FAULT_INJECTION();

	sweep(_metadata, self, &op);
}

/* Join state off an entry whose membership keeps forward state: unlisted. */
static void prepare_forward(struct __test_metadata *_metadata,
			    FIXTURE_DATA(fault) *self)
{
	struct mgm_membership m = base_rec(self, 11);

	m.flags = MGM_FORWARD_STATE;
	ASSERT_EQ(0, ioctl(self->fd, MGM_IOC_ADD_MEMBERSHIP, &m));
}

static int run_delete_join(FIXTURE_DATA(fault) *self)
{
	struct mgm_membership m = base_rec(self, 11);

	m.flags = MGM_JOIN_STATE;
	return ret_errno(ioctl(self->fd, MGM_IOC_DELETE_MEMBERSHIP, &m));
}

static void undo_delete_join(struct __test_metadata *_metadata,
			     FIXTURE_DATA(fault) *self)
{
	struct mgm_membership m = base_rec(self, 11);

	m.flags = MGM_JOIN_STATE;
	ASSERT_EQ(0, ioctl(self->fd, MGM_IOC_ADD_MEMBERSHIP, &m));
}

TEST_F_TIMEOUT(fault, delete_join_state, 900)
{
	static const struct fault_op op = {
		.name = "delete (join state, entry becomes unlisted)",
		.prepare = prepare_forward, .run = run_delete_join,
		.undo = undo_delete_join,
	};

	REQUIRE_FAULT_INJECTION();

	sweep(_metadata, self, &op);
}

static int run_batch(FIXTURE_DATA(fault) *self, uint32_t op,
		     const struct mgm_membership *recs, uint32_t count)
{
	struct mgm_batch b = {
		.records = (uintptr_t)recs,
		.count = count,
		.record_size = sizeof(*recs),
		.op = op,
	};
	int ret = ret_errno(ioctl(self->fd, MGM_IOC_BATCH, &b));

	self->done = b.done;
	self->error = b.error;
	return ret;
}

/*
 * The batch added: the new records, half in the module's first chunk of
 * 128 records and half in the second, with a membership that exists already
 * in between (adding it again allocates nothing), so that the sweep stays
 * short and still crosses a chunk.
 */
static int run_batch_add(FIXTURE_DATA(fault) *self)
{
	return run_batch(self, MGM_BATCH_ADD, self->badd, self->nbadd);
}

static void undo_batch_add(struct __test_metadata *_metadata,
			   FIXTURE_DATA(fault) *self)
{
	ASSERT_EQ(0, mgm_batch_apply(self->fd, MGM_BATCH_DELETE, self->recs,
				     self->batch, NULL, NULL));
}

static bool has_key(const struct table_view *v, uint64_t key)
{
	long lo = 0, hi = v->n_all;

	while (lo < hi) {
		long mid = (lo + hi) / 2;

		if (v->all[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < v->n_all && v->all[lo] == key;
}

static uint64_t mrec_key(const struct mgm_membership *m)
{
	return (uint64_t)ntohl(m->group) << 32 | ntohl(m->source);
}

static void check_batch_error(struct __test_metadata *_metadata,
			      FIXTURE_DATA(fault) *self, uint32_t count)
{
	/* uapi: a failed batch reports its errno in @error too. */
	if (self->error != ENOMEM && !self->error_reported) {
		self->error_reported = true;
		EXPECT_EQ(ENOMEM, self->error)
			TH_LOG("batch failed with ENOMEM after %u records, @error says %d",
			       self->done, self->error);
	}
	ASSERT_LT(self->done, count);
}

/* Exactly the records before @done are in; the filler always is. */
static void partial_batch_add(struct __test_metadata *_metadata,
			      FIXTURE_DATA(fault) *self,
			      const struct table_view *v)
{
	unsigned int i;
	char why[256];

	check_batch_error(_metadata, self, self->nbadd);
	EXPECT_TRUE(table_view_consistent(v, why, sizeof(why)))
		TH_LOG("partial batch: %s", why);
	for (i = 0; i < self->nbadd; i++) {
		bool filler = self->badd[i].group == self->filler.group &&
			      self->badd[i].source == self->filler.source;

		EXPECT_EQ(filler || i < self->done,
			  has_key(v, mrec_key(&self->badd[i])))
			TH_LOG("record %u of a batch stopped at %u", i, self->done);
	}
	/* Back to the table before: the new records that went in go. */
	for (i = 0; i < self->batch; i++) {
		int ret = ioctl(self->fd, MGM_IOC_DELETE_MEMBERSHIP, &self->recs[i]);

		ASSERT_TRUE(!ret || errno == ENOENT);
	}
}

TEST_F_TIMEOUT(fault, batch_add, 900)
{
	static const struct fault_op op = {
		.name = "batch add", .run = run_batch_add,
		.undo = undo_batch_add, .partial = partial_batch_add,
		.sites = 3,	/* the record buffer, entries, their keys */
	};

	REQUIRE_FAULT_INJECTION();

	sweep(_metadata, self, &op);
}

static void prepare_batch_delete(struct __test_metadata *_metadata,
				 FIXTURE_DATA(fault) *self)
{
	ASSERT_EQ(0, mgm_batch_apply(self->fd, MGM_BATCH_ADD, self->recs,
				     self->batch, NULL, NULL));
}

static int run_batch_delete(FIXTURE_DATA(fault) *self)
{
	return run_batch(self, MGM_BATCH_DELETE, self->recs, self->batch);
}

/* Exactly the records before @done are gone. */
static void partial_batch_delete(struct __test_metadata *_metadata,
				 FIXTURE_DATA(fault) *self,
				 const struct table_view *v)
{
	unsigned int i;
	char why[256];

	check_batch_error(_metadata, self, self->batch);
	EXPECT_TRUE(table_view_consistent(v, why, sizeof(why)))
		TH_LOG("partial batch: %s", why);
	for (i = 0; i < self->batch; i++)
		EXPECT_EQ(i >= self->done, has_key(v, mrec_key(&self->recs[i])))
			TH_LOG("record %u of a batch stopped at %u", i, self->done);
	prepare_batch_delete(_metadata, self);
}

TEST_F_TIMEOUT(fault, batch_delete, 900)
{
	static const struct fault_op op = {
		.name = "batch delete", .prepare = prepare_batch_delete,
		.run = run_batch_delete, .undo = prepare_batch_delete,
		.partial = partial_batch_delete,
		.sites = 1,	/* the record buffer */
	};

	REQUIRE_FAULT_INJECTION();

	sweep(_metadata, self, &op);
	ASSERT_EQ(0, mgm_batch_apply(self->fd, MGM_BATCH_DELETE, self->recs,
				     self->batch, NULL, NULL));
}

static int run_start(FIXTURE_DATA(fault) *self)
{
	struct mgm_enum_start s = { .type = MGM_ENUM_ALL_SOURCES };
	int ret = ret_errno(ioctl(self->fd, MGM_IOC_ENUM_START, &s));

	self->cursor = s.cursor;
	return ret;
}

static void undo_start(struct __test_metadata *_metadata,
		       FIXTURE_DATA(fault) *self)
{
	ASSERT_EQ(0, mgm_enum_end_id(self->fd, self->cursor));
}

TEST_F_TIMEOUT(fault, enum_start, 900)
{
	static const struct fault_op op = {
		.name = "enumeration start", .run = run_start,
		.undo = undo_start,
		.sites = 3,	/* the cursor, its record buffer, its id */
	};
	uint32_t other;

	REQUIRE_FAULT_INJECTION();

	/* Not the first cursor of the file: the id space already has nodes. */
	ASSERT_EQ(0, mgm_enum_start_type(self->fd, MGM_ENUM_ANY_SOURCE, &other));
	sweep(_metadata, self, &op);
}

static void prepare_next(struct __test_metadata *_metadata,
			 FIXTURE_DATA(fault) *self)
{
	if (!self->ref.all)
		ASSERT_EQ(0, table_view_get(self->fd, &self->ref));
	ASSERT_EQ(0, mgm_enum_start_type(self->fd, MGM_ENUM_ALL_SOURCES,
					 &self->cursor));
	memset(self->next_buf, 0xa5, sizeof(self->next_buf));
}

/* Also checks the records: only arithmetic after the call, no syscall. */
static int run_next(FIXTURE_DATA(fault) *self)
{
	struct mgm_enum_next n = {
		.cursor = self->cursor,
		.buffer = (uintptr_t)self->next_buf,
		.buffer_size = sizeof(self->next_buf),
	};
	int ret = ret_errno(ioctl(self->fd, MGM_IOC_ENUM_NEXT, &n));
	uint32_t i;

	if (ret)
		return ret;
	if (n.count != NEXT_RECORDS || self->ref.n_all < NEXT_RECORDS)
		return -EBADMSG;
	for (i = 0; i < n.count; i++)
		if (rec_key(&self->next_buf[i]) != self->ref.all[i])
			return -EBADMSG;
	return 0;
}

static void undo_next(struct __test_metadata *_metadata,
		      FIXTURE_DATA(fault) *self)
{
	ASSERT_EQ(0, mgm_enum_end_id(self->fd, self->cursor));
}

TEST_F_TIMEOUT(fault, enum_next, 900)
{
	static const struct fault_op op = {
		.name = "enumeration get-next", .prepare = prepare_next,
		.run = run_next, .undo = undo_next,
	};

	REQUIRE_FAULT_INJECTION();

	sweep(_metadata, self, &op);
}

/* Batch-add the first @n new records as @handle on @ifindex through @fd. */
static void add_small(struct __test_metadata *_metadata,
		      FIXTURE_DATA(fault) *self, int fd, uint32_t handle,
		      int ifindex)
{
	struct mgm_membership recs[SMALL_BATCH];
	unsigned int i, n = self->batch < SMALL_BATCH ? self->batch : SMALL_BATCH;

	for (i = 0; i < n; i++)
		recs[i] = new_rec(handle, ifindex, i);
	ASSERT_EQ(0, mgm_batch_apply(fd, MGM_BATCH_ADD, recs, n, NULL, NULL));
}

/* Releasing an interface with memberships: cannot fail (__GFP_NOFAIL). */
static void redo_if1(struct __test_metadata *_metadata,
		     FIXTURE_DATA(fault) *self)
{
	ASSERT_EQ(0, mgm_take(self->fd, self->pim, self->if1, 0));
	add_small(_metadata, self, self->fd, self->pim, self->if1);
	ASSERT_EQ(0, mgm_add(self->fd, self->pim, self->if1, 0, 0,
			     MGM_JOIN_STATE));
}

static int run_release(FIXTURE_DATA(fault) *self)
{
	struct mgm_interface i = { .handle = self->pim, .ifindex = self->if1 };

	return ret_errno(ioctl(self->fd, MGM_IOC_RELEASE_INTERFACE, &i));
}

TEST_F_TIMEOUT(fault, release_interface, 900)
{
	static const struct fault_op op = {
		.name = "release interface", .run = run_release,
		.undo = redo_if1, .never_fails = true,
	};

	REQUIRE_FAULT_INJECTION();

	/* fi1 gets memberships of its own */
	ASSERT_EQ(0, mgm_release(self->fd, self->pim, self->if1, 0));
	redo_if1(_metadata, self);
	sweep(_metadata, self, &op);
}

/*
 * Closing a file with a protocol, an interface, memberships of its own and
 * on others' entries, and open cursors: the release cannot fail.
 */
static void prepare_close(struct __test_metadata *_metadata,
			  FIXTURE_DATA(fault) *self)
{
	struct mgm_source_group buf[8];
	struct mgm_membership m;
	uint32_t h, c, i;

	self->fd_op = mgm_open_dev();
	ASSERT_LE(0, self->fd_op);
	/* IGMP: it co-owns fi1 with PIM. */
	ASSERT_EQ(0, mgm_register_proto(self->fd_op, MGM_PROTO_IGMP, 7, &h));
	ASSERT_EQ(0, mgm_take(self->fd_op, h, self->if1, 0));
	add_small(_metadata, self, self->fd_op, h, self->if1);
	for (i = 0; i < self->base; i += 10) {
		m = base_rec(self, i);
		m.handle = h;
		m.ifindex = self->if1;
		ASSERT_EQ(0, ioctl(self->fd_op, MGM_IOC_ADD_MEMBERSHIP, &m));
	}
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, mgm_enum_start_type(self->fd_op, i & 1, &c));
		ASSERT_EQ(0, mgm_enum_next_buf(self->fd_op, c, buf, sizeof(buf),
					       NULL));
	}
}

static int run_close(FIXTURE_DATA(fault) *self)
{
	int ret = ret_errno(close(self->fd_op));

	self->fd_op = -1;
	return ret;
}

TEST_F_TIMEOUT(fault, close_with_state, 900)
{
	struct table_view empty;
	static const struct fault_op op = {
		.name = "close (file with state)", .prepare = prepare_close,
		.run = run_close, .never_fails = true,
	};

	REQUIRE_FAULT_INJECTION();

	sweep(_metadata, self, &op);
	/* What the closed files made is gone. */
	ASSERT_EQ(0, table_view_get(self->fd, &empty));
	EXPECT_EQ(2u, empty.stats.protocols);
	EXPECT_EQ(3u, empty.stats.interfaces);
	table_view_free(&empty);
}

TEST_HARNESS_MAIN
