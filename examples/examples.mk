# SPDX-License-Identifier: GPL-2.0
# The examples, built the way a user builds them: against libmgm installed
# (make install DESTDIR=build/stage PREFIX=/usr) and found with pkg-config,
# statically linked so they also run in the VM.

STAGE := $(B)/stage
STAGE_PKG_CONFIG := PKG_CONFIG_SYSROOT_DIR=$(STAGE) \
	PKG_CONFIG_PATH=$(STAGE)/usr/lib/pkgconfig PKG_CONFIG_LIBDIR=
EXAMPLES := $(B)/examples/mgm-enum

.PHONY: examples stage

stage: lib tools module
	rm -rf $(STAGE)
	$(MAKE) --no-print-directory install DESTDIR=$(STAGE) PREFIX=/usr >/dev/null

examples: stage
	@mkdir -p $(B)/examples
	$(CC) -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) -static -o $(B)/examples/mgm-enum \
		examples/mgm-enum.c \
		$$($(STAGE_PKG_CONFIG) pkg-config --cflags --libs --static libmgm)
