# SPDX-License-Identifier: GPL-2.0
#
# spirecovery: invalid-SPI recovery for Linux IPsec. `make help` lists the targets.
#
# Every target installs the Debian packages it needs first (`deps`), so the kernel
# list is taken when a recipe runs, never when make reads this file: on a fresh
# machine the kernels exist only once `deps` has run.

BUILD ?= $(CURDIR)/build
# Stand-ins for these three let selftests/make_targets.sh play a fresh machine.
DEPS ?= selftests/vm/deps.sh
KERNELS ?= selftests/vm/kernels.sh
RUN_VM ?= selftests/vm/run-vm.sh
export RUN_VM
MAKEFLAGS += --no-print-directory
ROOT := $(CURDIR)
include tools/scripts/Makefile.include
DKMS_SRC = $(DESTDIR)/usr/src/spirecovery-$(VERSION)

NO_KERNEL = no kernel with headers found: apt-get install linux-image-amd64 linux-headers-amd64 (or make deps)

# Sets $$kver in a recipe: KVER if given, else the newest kernel a VM can boot.
define pick_kver
kver='$(KVER)'; \
if [ -z "$$kver" ]; then kver=$$($(KERNELS) | tail -n 1); fi; \
if [ -z "$$kver" ]; then echo "$(NO_KERNEL)" >&2; exit 1; fi; \
if [ ! -d "/lib/modules/$$kver/build" ]; then \
	echo "no headers for kernel $$kver: apt-get install linux-headers-$$kver" >&2; exit 1; \
fi
endef

.PHONY: all help deps modules modules_install tools ike daemon selftests-bin \
	check check-debug demo bench install uninstall modules_uninstall dkms-source dkms-install deb clean

all: modules tools ike daemon

help:
	@echo 'Targets (each first installs the Debian packages it needs, as root):'
	@echo '  make                the module for every installed kernel, spirecoveryctl, spirecoveryd'
	@echo '  make check          every test; ends with "N passed, N failed"'
	@echo '  make check-debug    build a debug kernel (KASAN, kmemleak, lockdep, UBSAN...) from'
	@echo '                      linux-source-6.12 (DEBUG_SERIES=6.1: 6.1) and run the VM selftests'
	@echo '                      under it (hours; not in check; DEBUG_TESTS="..." for some)'
	@echo '  make demo           the recovery scenario end to end in a VM (BACKEND=vici for vici)'
	@echo '  make bench          the benchmarks in a VM: a table and build/bench/*.json'
	@echo '  make install        the module for KVER (under updates/, then depmod, unsigned), tools, daemon'
	@echo '  make uninstall      remove what make install wrote (the same KVER, DESTDIR and PREFIX)'
	@echo '  make dkms-install   the module through DKMS instead: every kernel, now and after upgrades'
	@echo '  make deb            the Debian packages, in build/deb/'
	@echo '  make modules        the module only, for every installed kernel'
	@echo '  make deps           only install the Debian packages'
	@echo '  make clean          remove build/'
	@echo 'Variables:'
	@echo '  KVER=<release>      the kernel for demo, bench and install (default: the newest in /boot)'
	@echo '  DESTDIR=<dir>       stage install under <dir>: no depmod on the live system'
	@echo '  PREFIX=<dir>        install prefix of the tools and the daemon (default /usr)'
	@echo '  BENCH_<NAME>=...    passed to the benchmarks in the VM (e.g. BENCH_ROUNDS=3);'
	@echo '                      see Documentation/benchmarks.md'
	@echo "Kernels found now: $$($(KERNELS) | tr '\n' ' ')"

deps:
	@$(DEPS)

modules: deps
	@kvers=$$($(KERNELS)); \
	if [ -z "$$kvers" ]; then echo "$(NO_KERNEL)" >&2; exit 1; fi; \
	for kver in $$kvers; do \
		$(MAKE) -C kmod KDIR=/lib/modules/$$kver/build BUILD=$(BUILD)/kmod/$$kver || exit; \
	done

modules_install: deps
	@$(pick_kver); \
	echo "installing spirecovery.ko for kernel $$kver"; \
	$(MAKE) -C kmod modules_install KDIR=/lib/modules/$$kver/build \
		BUILD=$(BUILD)/kmod/$$kver $(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR))

tools: deps
	$(MAKE) -C tools

ike: deps
	$(MAKE) -C ike

# After tools: both build tools/lib, which must not be built twice at once.
daemon: ike tools
	$(MAKE) -C ike/daemon

selftests-bin: deps
	$(MAKE) -C selftests

check: deps
	@selftests/check.sh

# Slow under TCG (KASAN), so not part of check; see Documentation/development.md.
check-debug: all selftests-bin
	@selftests/debug/run.sh

demo: all
	@$(pick_kver); $(RUN_VM) -k "$$kver" -n demo -t 900 -- selftests/recovery/demo.sh

bench: all selftests-bin
	@$(pick_kver); selftests/bench/run.sh "$$kver"

install: modules_install
	$(MAKE) -C tools install
	$(MAKE) -C ike/daemon install
	@echo 'make install: the module is built for one kernel and not signed; for every kernel,'
	@echo '  now and after upgrades, and signed for Secure Boot: make dkms-install or the'
	@echo '  spirecovery-dkms package (Documentation/packaging.md)'

# KVER as install picks it, but without the headers: they may have gone with the kernel.
modules_uninstall: deps
	@kver='$(KVER)'; [ -n "$$kver" ] || kver=$$($(KERNELS) | tail -n 1); \
	if [ -z "$$kver" ]; then echo "no kernel release: give KVER=<release>" >&2; exit 1; fi; \
	echo "removing spirecovery.ko for kernel $$kver"; \
	$(MAKE) -C kmod modules_uninstall KVER=$$kver $(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR))

uninstall: modules_uninstall
	$(MAKE) -C tools uninstall
	$(MAKE) -C ike/daemon uninstall

# The module's sources as DKMS builds them (dkms.conf: make -C kmod).
dkms-source:
	install -d $(DKMS_SRC)/kmod $(DKMS_SRC)/uapi/linux
	install -m 0644 kmod/Kbuild kmod/Makefile kmod/*.c kmod/*.h $(DKMS_SRC)/kmod/
	install -m 0644 uapi/linux/spirecovery.h $(DKMS_SRC)/uapi/linux/

dkms-install: dkms-source
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf >$(DKMS_SRC)/dkms.conf
	dkms install -m spirecovery -v $(VERSION)

# In a copy of the checkout: dpkg-buildpackage cleans the tree it builds in,
# and writes its results next to it.
deb:
	rm -rf $(BUILD)/deb
	mkdir -p $(BUILD)/deb/src
	git ls-files -z --cached --others --exclude-standard | xargs -0 tar -c | tar -x -C $(BUILD)/deb/src
	cd $(BUILD)/deb/src && dpkg-buildpackage -us -uc -b -jauto
	rm -rf $(BUILD)/deb/src

clean:
	rm -rf $(BUILD)
