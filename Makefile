# SPDX-License-Identifier: GPL-2.0
#
# spirecovery: invalid-SPI recovery for Linux IPsec.
#
#   make             build the module (every installed kernel), tools, daemon
#   make check       install what is missing, build, run every test
#   make demo        the recovery scenario end to end in a VM
#   make bench       benchmarks in a VM: a table and build/bench/*.json
#   make install     install the module for $(KVER), the tools and the daemon

KVERS := $(shell selftests/vm/kernels.sh)
KVER ?= $(lastword $(KVERS))
BUILD := $(CURDIR)/build
MAKEFLAGS += --no-print-directory

.PHONY: all deps modules modules_install tools ike daemon selftests-bin \
	check demo bench install clean

all: modules tools ike daemon

deps:
	@selftests/vm/deps.sh

modules: $(addprefix module-,$(KVERS))

module-%:
	$(MAKE) -C kmod KDIR=/lib/modules/$*/build BUILD=$(BUILD)/kmod/$*

modules_install: module-$(KVER)
	$(MAKE) -C kmod modules_install KDIR=/lib/modules/$(KVER)/build BUILD=$(BUILD)/kmod/$(KVER)

tools:
	$(MAKE) -C tools

ike:
	$(MAKE) -C ike

daemon: ike
	$(MAKE) -C ike/daemon

selftests-bin:
	$(MAKE) -C selftests

check: deps
	@selftests/check.sh

demo: deps all
	@selftests/vm/run-vm.sh -k $(KVER) -n demo -t 900 -- selftests/recovery/demo.sh

bench: deps all selftests-bin
	@selftests/bench/run.sh $(KVER)

install: modules_install
	$(MAKE) -C tools install
	$(MAKE) -C ike/daemon install

clean:
	rm -rf $(BUILD)
