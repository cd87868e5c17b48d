#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module fails to load, and leaves nothing behind, when another module
# holds the AH slot of the protocol table (xfrm4/6_protocol_register()
# returns -EAGAIN with the handler already linked).  After such a failure
# ah4/ah6 must load (their registration walks the AH handler list, which
# pointed into the freed module before the fix) and spirecovery must load
# and report AH misses again.  Needs build/selftests/modules/<kver>/proto_claim.ko.
#
# ah4/ah6 fail the same way while the slot is taken -- leaving their own
# handler linked, a bug of theirs (6.1, 6.12) this test must not trigger:
# the module requests no handler for a taken slot. At the end: the module
# loads ah4/ah6 itself, and modprobe -r spirecovery leaves them loaded.
source "$(dirname "$0")/lib.sh"

require_root_tools
claim=$BUILD/selftests/modules/$(uname -r)/proto_claim.ko
[ -f "$claim" ] || { echo "1..0 # SKIP no $claim"; exit "$ksft_skip"; }
trap 'rmmod proto_claim 2>/dev/null; cleanup' EXIT
topo_pair

for v in 4 6; do
	rmmod spirecovery 2>/dev/null
	rmmod "ah$v" 2>/dev/null
	if [ -d "/sys/module/ah$v" ]; then
		skip "IPv$v: a failed load leaves no AH handler" "ah$v is in use"
		continue
	fi
	# Built in (the debug kernel's config), ah$v holds the slot for good: no module has a
	# /sys/module entry then, but its handler's symbol is in the kernel's own table.
	if grep -qE " ah${v}_rcv_cb$" /proc/kallsyms; then
		skip "IPv$v: a failed load leaves no AH handler" "ah$v is built into this kernel"
		continue
	fi
	# A handler built into the kernel (vti, XFRM interfaces) holds the slot through
	# xfrm${v}_protocol for good: nothing can claim it, nor make the registration fail.
	if ! out=$(insmod "$claim" family=$v 2>&1); then
		if [[ $out == *"Device or resource busy"* ]]; then
			skip "IPv$v: a failed load leaves no AH handler" \
				"the AH slot is held by a handler built into this kernel"
			continue
		fi
		not_ok "IPv$v: proto_claim.ko holds the AH slot" "$out"
		continue
	fi
	ok "IPv$v: proto_claim.ko holds the AH slot"
	dmesg -C
	result=loaded
	insmod "$(modinfo -n spirecovery)" 2>/dev/null || result=failed
	[ -d /sys/module/spirecovery ] && result+=", still there"
	check_eq "IPv$v: spirecovery fails to load while the slot is taken" failed "$result"
	check_eq "IPv$v: the kernel log names the taken protocol" 1 \
		"$(dmesg | grep -c "spirecovery: IPv$v protocol 51 is taken by another handler")"
	check_cmd "IPv$v: proto_claim.ko unloads" rmmod proto_claim
	# Walks the AH list: with a handler of the freed module still on it,
	# this faults (or finds a priority taken).
	check_cmd "IPv$v: ah$v loads after the failed load" modprobe "ah$v"
	check_cmd "IPv$v: spirecovery loads once the slot is free" modprobe spirecovery

	sr_config "$NS_B" enabled=1
	snapshot "$NS_B"
	if [ "$v" = 4 ]; then
		send_ab "ah:src=$A4,dst=$B4,spi=0x7001,seq=1"
	else
		send_ab "ah:src=$A6,dst=$B6,spi=0x7002,seq=1"
	fi
	wait_until 10 test "$(delta "$NS_B" "miss-ipv$v-ah")" = 1
	check_deltas "IPv$v: an AH miss is counted after the reload" "$NS_B" \
		XfrmInNoStates=1 "miss-ipv$v-ah=1" no-listener=1
done

# The real handlers come with the module (request_module at init), and stay
# when it goes: no soft dependency for modprobe -r to remove.
modprobe -r spirecovery
if rmmod ah4 ah6 2>/dev/null; then
	check_cmd "modprobe spirecovery: exit 0" modprobe spirecovery
	check_eq "modprobe spirecovery loads esp4, ah4, esp6 and ah6 first" "esp4 ah4 esp6 ah6" \
		"$(for m in esp4 ah4 esp6 ah6; do [ -d /sys/module/$m ] && printf '%s ' $m; done | xargs)"
	err=$(modprobe -r spirecovery 2>&1)
	check_eq "modprobe -r spirecovery: exit 0, nothing on stderr" "0:" "$?:$err"
	check_eq "modprobe -r spirecovery: removes spirecovery only" "esp4 ah4 esp6 ah6" \
		"$(for m in spirecovery esp4 ah4 esp6 ah6; do [ -d /sys/module/$m ] && printf '%s ' $m; done | xargs)"
	modprobe spirecovery
else
	skip "modprobe spirecovery loads the real handlers; modprobe -r leaves them" "ah4 or ah6 is in use"
fi
finish
