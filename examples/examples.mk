# SPDX-License-Identifier: GPL-2.0-or-later
# The examples, built the way a user builds them: against libmgm installed
# (make install DESTDIR=build/stage PREFIX=/usr) and found with pkg-config,
# statically linked so they also run in the VM (make examples, make demo).
#
# mgm-alerts is also built by plain `make` against the tree's library and
# copied into the guest, where example_alerts_test runs it: it cannot rot.

STAGE := $(B)/stage
STAGE_PKG_CONFIG := PKG_CONFIG_SYSROOT_DIR=$(STAGE) \
	PKG_CONFIG_PATH=$(STAGE)/usr/lib$(if $(MULTIARCH),/$(MULTIARCH))/pkgconfig PKG_CONFIG_LIBDIR=
EXAMPLE_NAMES := mgm-enum mgm-alerts
EXAMPLES := $(addprefix $(B)/examples/,$(EXAMPLE_NAMES))
EXAMPLE_ALERTS := $(B)/examples/tree/mgm-alerts

GUEST_TOOLS += $(EXAMPLE_ALERTS)

.PHONY: examples stage

tools: $(EXAMPLE_ALERTS)

$(EXAMPLE_ALERTS): examples/mgm-alerts.c $(LIB_A) lib/mgm.h
	@mkdir -p $(@D)
	$(CC) $(LIB_CFLAGS) -o $@ $< $(LIB_A) $(STATIC)

stage: lib tools module
	rm -rf $(STAGE)
	$(MAKE) --no-print-directory install DESTDIR=$(STAGE) PREFIX=/usr >/dev/null

examples: stage
	@mkdir -p $(B)/examples
	for e in $(EXAMPLE_NAMES); do \
		$(CC) -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) -static -o $(B)/examples/$$e \
			examples/$$e.c \
			$$($(STAGE_PKG_CONFIG) pkg-config --cflags --libs --static libmgm) || exit 1; \
	done
