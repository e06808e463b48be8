# SPDX-License-Identifier: GPL-2.0-or-later
# make install [DESTDIR=...] [PREFIX=/usr/local]; make uninstall
#
# Installs libmgm (static, shared, soname symlinks), <mgm.h> and
# <linux/mgm.h>, libmgm.pc, mgmctl, the man pages, and mgm.ko into
# /lib/modules/KVER/extra (then depmod, when not under DESTDIR).
# make install-dkms [DESTDIR=...] puts the module's sources and dkms.conf
# into /usr/src/mgm-VERSION for `dkms add/build/install`.

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
KVER ?= $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
MODDIR ?= /lib/modules/$(KVER)/extra
DKMS_DIR ?= /usr/src/mgm-$(LIB_VERSION)
INSTALL ?= install

MAN_PAGES := $(wildcard man/*.[348])

.PHONY: install uninstall install-dkms uninstall-dkms

install: lib tools module
	$(INSTALL) -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/linux \
		$(DESTDIR)$(SBINDIR) $(DESTDIR)$(MODDIR) \
		$(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(MANDIR)/man4 $(DESTDIR)$(MANDIR)/man8
	$(INSTALL) -m 0644 $(LIB_A) $(DESTDIR)$(LIBDIR)/libmgm.a
	$(INSTALL) -m 0755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/
	ln -sfn libmgm.so.$(LIB_VERSION) $(DESTDIR)$(LIBDIR)/$(LIB_SONAME)
	ln -sfn $(LIB_SONAME) $(DESTDIR)$(LIBDIR)/libmgm.so
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|; s|@VERSION@|$(LIB_VERSION)|' \
		lib/libmgm.pc.in >$(DESTDIR)$(LIBDIR)/pkgconfig/libmgm.pc
	$(INSTALL) -m 0644 lib/mgm.h $(DESTDIR)$(INCLUDEDIR)/mgm.h
	$(INSTALL) -m 0644 uapi/linux/mgm.h $(DESTDIR)$(INCLUDEDIR)/linux/mgm.h
	$(INSTALL) -m 0755 $(MGMCTL) $(DESTDIR)$(SBINDIR)/mgmctl
	for p in $(MAN_PAGES); do \
		$(INSTALL) -m 0644 $$p $(DESTDIR)$(MANDIR)/man$${p##*.}/ || exit 1; \
	done
	$(INSTALL) -m 0644 $(KMOD)/mgm.ko $(DESTDIR)$(MODDIR)/mgm.ko
	@if [ -z "$(DESTDIR)" ]; then \
		echo "depmod -a $(KVER); ldconfig"; depmod -a $(KVER); ldconfig; \
	fi

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libmgm.a $(DESTDIR)$(LIBDIR)/libmgm.so \
		$(DESTDIR)$(LIBDIR)/$(LIB_SONAME) \
		$(DESTDIR)$(LIBDIR)/libmgm.so.$(LIB_VERSION) \
		$(DESTDIR)$(LIBDIR)/pkgconfig/libmgm.pc \
		$(DESTDIR)$(INCLUDEDIR)/mgm.h $(DESTDIR)$(INCLUDEDIR)/linux/mgm.h \
		$(DESTDIR)$(SBINDIR)/mgmctl $(DESTDIR)$(MODDIR)/mgm.ko
	for p in $(notdir $(MAN_PAGES)); do \
		rm -f $(DESTDIR)$(MANDIR)/man$${p##*.}/$$p; \
	done
	@if [ -z "$(DESTDIR)" ]; then \
		echo "depmod -a $(KVER); ldconfig"; depmod -a $(KVER); ldconfig; \
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
