# SPDX-License-Identifier: GPL-2.0-or-later
#
# mgm - build, test and install.
#
#   make                 module (against KDIR), library, tools, selftests
#   make check           everything above, lint, then every selftest in a VM
#   make check-debug     the same under a debug kernel (KASAN, lockdep, ...)
#   make demo            the product end to end in a VM
#   make bench           benchmarks side by side in a VM
#   make deps            install what a fresh Debian 12 machine lacks (root)
#   make install         library, headers, tools, man pages, module
#   make deb             the Debian packages (build/deb/*.deb), then lintian
#
#   make check-kernels   the module and every selftest on each kernel of the
#                        matrix (testing/kernels --list), one VM each
#
# KDIR defaults to the headers of the Debian kernel the VM boots (the
# matrix's 6.1, fetched into ~/.cache/mgm by testing/kernels); on a real
# host pass KDIR=/lib/modules/$(uname -r)/build. KERNEL=NAME (6.1, 6.1-rt,
# 6.12, latest; testing/kernels --all) builds the module for, and `make
# check` runs it on, that kernel of the matrix: testing/kernels fetches it.

SHELL := /bin/bash
TOP := $(CURDIR)
B := $(TOP)/build

ifneq ($(KERNEL),)
# A kernel of the test matrix (testing/kernels --list): its headers, fetched
# into the cache, and its own build directory and VM.
KINFO := $(shell $(TOP)/testing/kernels $(KERNEL))
KDIR := $(patsubst kdir=%,%,$(filter kdir=%,$(KINFO)))
ifeq ($(KDIR),)
$(error KERNEL=$(KERNEL): testing/kernels found no headers (its message is above))
endif
# A kernel the host's gcc cannot build for: kbuild runs in a chroot of its
# suite with the compiler its headers name (testing/chroot).
KCC := $(patsubst cc=%,%,$(filter cc=%,$(KINFO)))
ifneq ($(KCC),host)
KBUILD_WRAP := $(TOP)/testing/chroot $(KCC) $(patsubst compiler=%,%,$(filter compiler=%,$(KINFO))) --
endif
FLAVOR := $(KERNEL)
MODULE_WERROR ?= 1
VM_KERNEL := --kernel $(KERNEL)
else ifeq ($(origin KDIR),undefined)
# The stock guest: Debian 12's 6.1 of the matrix, from the same cache (no
# kernel is installed on the build machine). Looked up once, when used.
KDIR = $(eval KDIR := $(shell $(TOP)/testing/kernels 6.1 kdir))$(KDIR)
FLAVOR ?= stock
MODULE_WERROR ?= 1
else
FLAVOR ?= host
MODULE_WERROR ?= 0
endif
KMOD := $(B)/kmod-$(FLAVOR)

# Debian 12's kernel source (make deps): checkpatch and the kselftest
# harness come from it. The debug kernel is built from Debian 13's 6.12
# source, which testing/debug-kernel fetches into the cache.
LINUX_SOURCE ?= /usr/src/linux-source-6.1.tar.xz
LINUX_TOP := linux-source-6.1

# The project's one version (lib/mgm.h, the module, the .pc, dkms.conf, the
# man pages and the packages follow it: testing/version-check).
MGM_VERSION := $(shell cat $(TOP)/VERSION)
MGM_VERSION_MAJOR := $(word 1,$(subst ., ,$(MGM_VERSION)))
VERSION_CFLAGS := -DMGM_VERSION='"$(MGM_VERSION)"'

CC := gcc
CXX := g++
OPT ?= -O2 -g
WARN := -Wall -Wextra -Werror
# The library and tools are C11; the kselftest harness needs GNU C.
LIB_CFLAGS := -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) -I$(TOP)/uapi -I$(TOP)/lib
# The harness has unused parameters by design.
TEST_CFLAGS := -std=gnu11 -D_GNU_SOURCE $(OPT) $(WARN) -Wno-unused-parameter $(VERSION_CFLAGS) \
	-I$(TOP)/uapi \
	-I$(TOP)/lib -I$(B)/linux/tools/testing/selftests -I$(TOP)/selftests
# Guest programs are static: the VM has no C library.
STATIC := -static -pthread

.PHONY: all module lib tools testing selftests guest check check-debug check-kernels kunit-compile demo bench deb check-package \
	deps lint checkpatch sparse clean module-debug

all: module lib tools testing selftests guest

# --- dependencies ------------------------------------------------------------
DEPS_PKGS := qemu-system-x86 \
	busybox-static cpio linux-source-6.1 gcc gcc-multilib g++ make sparse \
	flex bison libelf-dev libssl-dev bc dwarves xz-utils kmod pkg-config \
	iproute2 jq python3 groff-base debootstrap dkms \
	dpkg-dev debhelper dh-dkms lintian

deps:
	@missing=$$(for p in $(DEPS_PKGS); do \
		dpkg-query -W -f '$${db:Status-Status}\n' $$p 2>/dev/null | \
			grep -qx installed || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "deps: installing" $$missing; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -q --no-install-recommends $$missing; \
	else \
		echo "deps: all installed"; \
	fi

# --- files taken from the kernel source tarball at build time ---------------
LINUX_FILES := tools/testing/selftests/kselftest_harness.h \
	tools/testing/selftests/kselftest.h \
	scripts/checkpatch.pl scripts/spelling.txt \
	scripts/const_structs.checkpatch
$(B)/linux/.done:
	@test -r $(LINUX_SOURCE) || { echo "no $(LINUX_SOURCE): run 'make deps'"; exit 1; }
	rm -rf $(B)/linux && mkdir -p $(B)/linux
	tar -xJf $(LINUX_SOURCE) -C $(B)/linux --strip-components=1 \
		$(addprefix $(LINUX_TOP)/,$(LINUX_FILES))
	touch $@

# --- the kernel module ----------------------------------------------------------
# Kbuild builds in the source directory, so each kernel gets its own copy of
# the sources (build/kmod-<flavor>) and the stock and debug builds coexist.
MODULE_SRCS := Kbuild VERSION $(wildcard module/*.c module/*.h) uapi/linux/mgm.h
KBUILD_ARGS := W=1 $(if $(filter 1,$(MODULE_WERROR)),KCFLAGS=-Werror)

module: $(KMOD)/mgm.ko

$(KMOD)/mgm.ko: $(MODULE_SRCS)
	@test -d $(KDIR) || { echo "no kernel tree at $(KDIR): run 'make deps' or pass KDIR="; exit 1; }
	mkdir -p $(KMOD)
	cp -a --parents $(MODULE_SRCS) $(KMOD)/
	$(KBUILD_WRAP) $(MAKE) -C $(KDIR) M=$(KMOD) $(KBUILD_ARGS) modules

# A compile test of mgm_kunit.ko for a kernel without CONFIG_KUNIT (Debian's
# own kernels have none), e.g. `make kunit-compile KERNEL=6.12`: KUnit is
# forced on for this build alone, so its objects do not match the kernel
# (task_struct has a KUnit field then) and are never loaded; modpost still
# checks that the test module imports the namespace mgm.ko exports to it.
# Only KUnit's own symbols may stay undefined. The suites themselves run
# under the debug kernel (make check-debug PHASES=kunit).
KUNIT_BUILD := $(B)/kunit-$(FLAVOR)
kunit-compile: $(MODULE_SRCS)
	@test -d $(KDIR) || { echo "no kernel tree at $(KDIR)"; exit 1; }
	rm -rf $(KUNIT_BUILD) && mkdir -p $(KUNIT_BUILD)
	cp -a --parents $(MODULE_SRCS) $(KUNIT_BUILD)/
	set -o pipefail; $(KBUILD_WRAP) $(MAKE) -C $(KDIR) M=$(KUNIT_BUILD) W=1 KCFLAGS="-Werror -DCONFIG_KUNIT=1" \
		CONFIG_KUNIT=m KBUILD_MODPOST_WARN=1 modules 2>&1 | tee $(KUNIT_BUILD)/build.log
	@test -r $(KUNIT_BUILD)/mgm_kunit.ko || { echo "kunit-compile: no mgm_kunit.ko"; exit 1; }
	@! grep -E 'WARNING|ERROR' $(KUNIT_BUILD)/build.log | \
		grep -vE '^WARNING: modpost: "(__)?kunit_[a-z_]+" \[(.*/)?mgm_kunit\.ko\] undefined!$$'

module-debug:
	$(MAKE) module KDIR=$$(testing/debug-kernel) FLAVOR=debug MODULE_WERROR=1

# --- lint: checkpatch --strict and sparse ------------------------------------
# LINUX_VERSION_CODE: an out-of-tree module builds for every kernel of the
# matrix, so the few guards where an API differs are on purpose
# (docs/kernels.md lists them).
checkpatch: $(B)/linux/.done
	perl $(B)/linux/scripts/checkpatch.pl --strict --no-tree --quiet \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG,LINUX_VERSION_CODE \
		-f $(wildcard module/*.c module/*.h) uapi/linux/mgm.h

sparse: $(KMOD)/mgm.ko
	touch $(KMOD)/module/*.c
	$(MAKE) -C $(KDIR) M=$(KMOD) $(KBUILD_ARGS) C=2 modules 2>&1 | \
		tee $(B)/sparse.log
	@! grep -E 'warning:|error:' $(B)/sparse.log

lint: checkpatch sparse

# --- userspace ---------------------------------------------------------------------
# selftests.mk first: the other fragments' rules use its SELFTEST_DEPS.
include selftests/selftests.mk
include lib/lib.mk
include tools/tools.mk
include testing/testing.mk
include tools/mgm-igmpd/igmpd.mk
include tools/mgm-fwd/fwd.mk
include install.mk
include examples/examples.mk
include debug.mk
include bench/bench.mk

# Files the VM gets besides the module: see testing/vm-run.
guest: selftests tools testing
	rm -rf $(B)/guest
	mkdir -p $(B)/guest/selftests $(B)/guest/usr/bin
	cp $(SELFTEST_BINS) $(B)/guest/selftests/
	cp $(TESTING_GUEST) $(GUEST_TOOLS) $(B)/guest/usr/bin/

# --- tests -------------------------------------------------------------------------
VM_RUN := $(TOP)/testing/vm-run
# The real peers in the guest (smcroute, igmpproxy: testing/peers), fetched when used.
PEERS = $(addprefix --with ,$(shell $(TOP)/testing/peers))

check: deps
	$(MAKE) all lint lib-check
	@set -o pipefail; $(VM_RUN) $(VM_KERNEL) $(PEERS) --timeout 1500 -- run-selftests 2>&1 | \
		tee $(B)/check.log; rc=$${PIPESTATUS[0]}; \
		testing/selftest-summary $(B)/check.log $$rc

# The kernel matrix: KERNELS="6.1 6.12" runs some of it.
KERNELS ?=
check-kernels: deps
	$(MAKE) guest
	@$(TOP)/testing/check-kernels $(KERNELS)

demo: deps
	$(MAKE) all examples
	@echo "=== mgm.ko (modinfo)"; /sbin/modinfo $(KMOD)/mgm.ko | grep -v '^sig'
	$(VM_RUN) --timeout 300 --add $(B)/examples/mgm-enum -- mgm-demo

bench: deps
	$(MAKE) bench-run

# The four .debs (debian/), built with dpkg-buildpackage from a copy of the
# tracked files (what a clean clone has, with their changes; debian/rules'
# clean would empty build/ in place), then lintian: errors and warnings
# fail, each one overridden has its reason in debian/*.lintian-overrides.
# Nothing is installed and no VM is booted.
DEB_DIR := $(B)/deb
deb: deps
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/mgm
	git ls-files -z | xargs -0 cp -a --parents -t $(DEB_DIR)/mgm
	cd $(DEB_DIR)/mgm && dpkg-buildpackage -us -uc -b -j2
	lintian --fail-on error,warning $(DEB_DIR)/*.changes
	@for d in $(DEB_DIR)/*.deb; do echo "== $$(basename $$d)"; dpkg -c $$d | awk '$$1 !~ /^d/ {print $$6, $$7, $$8}'; done

# The packages as a user installs them: clean Debian 13 and 12 chroots, dkms
# building the module on a kernel upgrade, that kernel booted in the VM with
# the dkms-built module (testing/check-package; KERNELS="6.12" for one).
check-package: deb
	$(TOP)/testing/check-package $(KERNELS)

clean:
	rm -rf $(B)
