# SPDX-License-Identifier: GPL-2.0-or-later
# make install [DESTDIR=...] [PREFIX=/usr/local]; make uninstall
#
# Installs libmgm (static, shared, soname symlinks) into LIBDIR (the
# multiarch directory on Debian: PREFIX/lib/x86_64-linux-gnu), <mgm.h>, our
# copy of <linux/mgm.h> under INCLUDEDIR/mgm (away from the kernel headers
# package's /usr/include/linux; libmgm.pc's Cflags point there), libmgm.pc,
# mgmctl, mgm-igmpd and mgm-fwd (dynamically linked, the first two against
# the shared libmgm; mgm-fwd uses the device directly: the static builds
# are the test guest's), the man pages, and mgm.ko into
# /lib/modules/KVER/extra, KVER the module's own vermagic release (what
# `uname -r` prints on the kernel it was built for, e.g. 6.1.0-57-amd64,
# not the headers' upstream kernel.release), then depmod and ldconfig when
# not under DESTDIR.
# make install-dkms [DESTDIR=...] puts the module's sources and dkms.conf
# into /usr/src/mgm-VERSION for `dkms add/build/install`.

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
# Debian's multiarch triplet (empty elsewhere), looked up once, when used.
MULTIARCH = $(eval MULTIARCH := $(shell dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null))$(MULTIARCH)
LIBDIR ?= $(PREFIX)/lib$(if $(MULTIARCH),/$(MULTIARCH))
INCLUDEDIR ?= $(PREFIX)/include
UAPI_INCLUDEDIR ?= $(INCLUDEDIR)/mgm
MANDIR ?= $(PREFIX)/share/man
# The release the module was built for, from its vermagic (read once the
# module is built, i.e. when an install recipe runs).
KVER ?= $(shell /sbin/modinfo -F vermagic $(KMOD)/mgm.ko 2>/dev/null | cut -d' ' -f1)
MODDIR ?= /lib/modules/$(KVER)/extra
DKMS_DIR ?= /usr/src/mgm-$(LIB_VERSION)
INSTALL ?= install

MAN_PAGES := $(wildcard man/*.[348])

.PHONY: install install-user install-module uninstall install-dkms uninstall-dkms

# install-user: everything but the module (what the Debian packages use,
# with install-dkms for the module's sources); install-module: mgm.ko.
install: install-user install-module

install-user: lib $(MGMCTL_DYN)
	$(INSTALL) -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(UAPI_INCLUDEDIR)/linux \
		$(DESTDIR)$(SBINDIR) \
		$(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(MANDIR)/man4 $(DESTDIR)$(MANDIR)/man8
	$(INSTALL) -m 0644 $(LIB_A) $(DESTDIR)$(LIBDIR)/libmgm.a
	$(INSTALL) -m 0755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/
	ln -sfn libmgm.so.$(LIB_VERSION) $(DESTDIR)$(LIBDIR)/$(LIB_SONAME)
	ln -sfn $(LIB_SONAME) $(DESTDIR)$(LIBDIR)/libmgm.so
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|; s|@UAPI_INCLUDEDIR@|$(UAPI_INCLUDEDIR)|; s|@VERSION@|$(LIB_VERSION)|' \
		lib/libmgm.pc.in >$(DESTDIR)$(LIBDIR)/pkgconfig/libmgm.pc
	$(INSTALL) -m 0644 lib/mgm.h $(DESTDIR)$(INCLUDEDIR)/mgm.h
	$(INSTALL) -m 0644 uapi/linux/mgm.h $(DESTDIR)$(UAPI_INCLUDEDIR)/linux/mgm.h
	$(INSTALL) -m 0755 $(MGMCTL_DYN) $(DESTDIR)$(SBINDIR)/mgmctl
	for p in $(MAN_PAGES); do \
		$(INSTALL) -m 0644 $$p $(DESTDIR)$(MANDIR)/man$${p##*.}/ || exit 1; \
	done
	@if [ -z "$(DESTDIR)" ]; then echo ldconfig; ldconfig; fi

install-module: module
	@test -n "$(KVER)" || { echo "install: no vermagic in $(KMOD)/mgm.ko"; exit 1; }
	$(INSTALL) -d $(DESTDIR)$(MODDIR)
	$(INSTALL) -m 0644 $(KMOD)/mgm.ko $(DESTDIR)$(MODDIR)/mgm.ko
	@if [ -z "$(DESTDIR)" ]; then echo "depmod -a $(KVER)"; depmod -a $(KVER); fi

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libmgm.a $(DESTDIR)$(LIBDIR)/libmgm.so \
		$(DESTDIR)$(LIBDIR)/$(LIB_SONAME) \
		$(DESTDIR)$(LIBDIR)/libmgm.so.$(LIB_VERSION) \
		$(DESTDIR)$(LIBDIR)/pkgconfig/libmgm.pc \
		$(DESTDIR)$(INCLUDEDIR)/mgm.h $(DESTDIR)$(UAPI_INCLUDEDIR)/linux/mgm.h \
		$(DESTDIR)$(SBINDIR)/mgmctl $(DESTDIR)$(MODDIR)/mgm.ko
	rmdir $(DESTDIR)$(UAPI_INCLUDEDIR)/linux $(DESTDIR)$(UAPI_INCLUDEDIR) 2>/dev/null || true
	for p in $(notdir $(MAN_PAGES)); do \
		rm -f $(DESTDIR)$(MANDIR)/man$${p##*.}/$$p; \
	done
	rm -f $(DESTDIR)$(SBINDIR)/mgm-igmpd
	@if [ -z "$(DESTDIR)" ]; then \
		echo ldconfig; ldconfig; \
		if [ -n "$(KVER)" ]; then echo "depmod -a $(KVER)"; depmod -a $(KVER); fi; \
	fi

install-dkms:
	$(INSTALL) -d $(DESTDIR)$(DKMS_DIR)/module $(DESTDIR)$(DKMS_DIR)/uapi/linux
	$(INSTALL) -m 0644 Kbuild VERSION $(DESTDIR)$(DKMS_DIR)/
	$(INSTALL) -m 0644 $(wildcard module/*.c module/*.h) $(DESTDIR)$(DKMS_DIR)/module/
	$(INSTALL) -m 0644 uapi/linux/mgm.h $(DESTDIR)$(DKMS_DIR)/uapi/linux/
	@grep -qx 'PACKAGE_VERSION="$(LIB_VERSION)"' packaging/dkms.conf || \
		{ echo "packaging/dkms.conf: PACKAGE_VERSION is not $(LIB_VERSION)"; exit 1; }
	$(INSTALL) -m 0644 packaging/dkms.conf $(DESTDIR)$(DKMS_DIR)/dkms.conf

uninstall-dkms:
	rm -rf $(DESTDIR)$(DKMS_DIR)
