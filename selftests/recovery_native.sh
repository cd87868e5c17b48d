#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 4's scenario with the native backend, over IPv4, IPv6 and forced NAT-T: strongSwan A
# (trap policies) keeps sending on its stale SA after B "reboots"; spirecoveryd on B runs the
# INITIAL_CONTACT exchange and A's next packet re-keys with B's charon. Also: a spoofed ESP
# packet with a random SPI from A's address while the tunnel is healthy changes nothing.
# Runs in the VM: selftests/vm/run-vm.sh -k KVER -- selftests/recovery_native.sh [VARIANT...]
# VARIANT: ipv4 ipv6 natt (default: ipv4 ipv6). Logs: build/recovery/native-VARIANT/.
cd "$(dirname "$0")/.." || exit 1
source selftests/recovery/lib.sh
source selftests/recovery/checks.sh

modprobe spirecovery || { echo "not ok 1 modprobe spirecovery"; exit 1; }

variants=("$@")
# NAT-T runs from recovery_natt.sh: one VM test stays within the runner's time limit.
[ $# -gt 0 ] || variants=(ipv4 ipv6)
for variant in "${variants[@]}"; do
	case $variant in
	ipv4) set -- 4 no IPv4 ;;
	ipv6) set -- 6 no IPv6 ;;
	natt) set -- 4 yes NAT-T ;;
	*) echo "unknown variant $variant" >&2; exit 1 ;;
	esac
	REC_LOG_NAME=native-$variant
	note "=== native backend, $3"
	if ! rec_setup "$1" "$2" trap; then
		tap_check "$3: strongSwan A and B start" false
		rec_cleanup
		continue
	fi
	rec_daemon_config "" "backends = native"
	tap_check "$3: spirecoveryd starts" rec_daemon_start
	rec_module_enable 1
	check_tunnel_up "$3"
	check_spoof_ignored "$3"
	check_black_hole "$3"
	check_recovery "$3" native
	check_stale_sas_gone "$3"
	rec_cleanup
done
tap_done
