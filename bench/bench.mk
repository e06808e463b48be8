# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmarks: mgm side by side with the kernel's own tables.
#
#   make bench                  build, run in the VM, print lines and tables,
#                               write build/bench/BENCHMARKS.md
#   make bench-publish          copy that report to BENCHMARKS.md
#   make bench BENCH_ARGS='--sizes 1000,10000'   a quicker run
#   make bench BENCH_VM_ARGS='--module /tmp/x/mgm.ko'   a modified module
#   make bench BENCH_COMPARE_KO=/tmp/x/mgm.ko   its enumeration beside this
#                               build's, in the same run (bench/compare.c)
#
# mgm-bench is a static guest program; bench/run boots the VM around it and
# bench/report-md turns its output into BENCHMARKS.md (with bench/notes.md).

BENCH_SRCS := $(wildcard bench/*.c) selftests/helpers.c
BENCH_HDRS := $(wildcard bench/*.h) selftests/helpers.h uapi/linux/mgm.h
BENCH_BIN := $(B)/bench/mgm-bench
BENCH_OUT := $(B)/bench
BENCH_CFLAGS := -std=gnu11 -D_GNU_SOURCE $(OPT) $(WARN) -I$(TOP)/uapi \
	-I$(TOP)/selftests -I$(TOP)/bench -I$(TOP)/lib
# The guest needs room for 10^6 entries in mgm, a BPF map and a tmpfs file.
BENCH_MEM ?= 3072
BENCH_TIMEOUT ?= 900
BENCH_ARGS ?=
BENCH_VM_ARGS ?=
BENCH_COMPARE_KO ?=

.PHONY: bench-progs bench-run bench-publish

bench-progs: $(BENCH_BIN)

# events.c's other process uses libmgm's callbacks.
$(BENCH_BIN): $(BENCH_SRCS) $(BENCH_HDRS) $(LIB_A) lib/mgm.h
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ $(BENCH_SRCS) $(LIB_A) $(STATIC)

# mgm-bench runs mgm-igmpd-bench (and it the daemon) and mgm-fwd-bench
# (mgm-fwd, mgm-igmpd and the peers of testing/peers) at the end, and
# mgmctl at every size (bench/memberships.c).
bench-run: module bench-progs $(IGMPD) $(IGMPD_BENCH) $(MGMCTL) $(FWD) $(FWD_BENCH)
	$(if $(BENCH_COMPARE_KO),mkdir -p $(BENCH_OUT) && cp $(BENCH_COMPARE_KO) $(BENCH_OUT)/mgm-compare.ko)
	BENCH_MEM=$(BENCH_MEM) BENCH_TIMEOUT=$(BENCH_TIMEOUT) \
	BENCH_VM_ARGS='$(BENCH_VM_ARGS)' \
	BENCH_ADD='$(IGMPD) $(IGMPD_BENCH) $(MGMCTL) $(FWD) $(FWD_BENCH) $(if $(BENCH_COMPARE_KO),$(BENCH_OUT)/mgm-compare.ko)' \
	BENCH_WITH='$(shell $(TOP)/testing/peers)' \
		bench/run $(BENCH_BIN) $(BENCH_OUT) $(BENCH_ARGS) \
		$(if $(BENCH_COMPARE_KO),--compare-ko /usr/bin/mgm-compare.ko)

bench-publish:
	@test -s $(BENCH_OUT)/BENCHMARKS.md || { echo "no $(BENCH_OUT)/BENCHMARKS.md: run 'make bench'"; exit 1; }
	cp $(BENCH_OUT)/BENCHMARKS.md BENCHMARKS.md
