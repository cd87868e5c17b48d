#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 14: Libreswan 4.10 (Debian's, unpacked by selftests/recovery/libreswan.sh) as a real
# peer on either side; the other side is strongSwan.
#   a-vici     Libreswan A (auto=ondemand), B's charon re-initiates through vici: A deletes its
#              stale Child SA on B's INITIAL_CONTACT, traffic is back within seconds
#   a-native   the same A with the native backend: A accepts the childless IKE_AUTH and deletes
#              its stale Child SA, but keeps the dead IKE SA and re-keys inside it; nothing
#              answers there, and traffic is not back within 30 s: the documented limitation
#              (A recovers only after its liveness timeout, retransmit-timeout 60 s, at best)
#   b-exec     Libreswan B (initial-contact=yes), the exec backend runs `whack --initiate`:
#              strongSwan A drops its stale SAs
#   b-exec-default  the same without initial-contact=yes: pluto 4.10 sends no INITIAL_CONTACT,
#              traffic comes back but A keeps its stale SAs (why the docs ask for the option)
# Runs in the VM: selftests/vm/run-vm.sh -k KVER -- selftests/recovery_libreswan.sh [VARIANT...]
# Logs: build/recovery/libreswan-VARIANT/ (pluto-A.log or pluto-B.log among them).
cd "$(dirname "$0")/.." || exit 1
source selftests/recovery/lib.sh
source selftests/recovery/checks.sh

modprobe spirecovery || { echo "not ok 1 modprobe spirecovery"; exit 1; }
# On the host this unpacks Libreswan; in the VM (no network) it only finds it there.
selftests/recovery/libreswan.sh ||
	bail "Libreswan unpacked into build/libreswan (run selftests/recovery/libreswan.sh on the host)"

# check_black_hole reboots B with rec_reboot_b: pluto's reboot when B runs Libreswan.
eval "rec_charon_reboot_b() $(declare -f rec_reboot_b | tail -n +2)"
rec_reboot_b() { if [ "$node" = B ]; then rec_lsw_reboot_b; else rec_charon_reboot_b; fi; }

variants=("$@")
[ $# -gt 0 ] || variants=(a-vici a-native b-exec)
for variant in "${variants[@]}"; do
	REC_LOG_NAME=libreswan-$variant
	note "=== $variant"
	case $variant in
	a-*) node=A auto=ondemand extra= ;;
	b-exec) node=B auto=ondemand extra=initial-contact=yes ;;
	b-exec-default) node=B auto=ondemand extra= ;;
	*) echo "unknown variant $variant" >&2; exit 1 ;;
	esac
	if ! rec_setup 4 no trap || ! rec_lsw_replace "$node" "$auto" "$extra"; then
		tap_check "$variant: strongSwan and Libreswan start" false
		rec_lsw_cleanup
		continue
	fi
	case $variant in
	a-vici) rec_daemon_config "vici-socket = $REC_DIR/B/run/charon.vici" "backends = vici" ;;
	a-native)
		rec_daemon_config "" "backends = native
implementation = libreswan"
		out=$("$REC_DAEMON" --check-config --config "$REC_DIR/spirecoveryd.conf" 2>&1)
		tap_check "$variant: --check-config warns about native first for a Libreswan peer" \
			grep -q "warning: \[peer.a\]: native first for a Libreswan peer" <<<"$out"
		;;
	b-*) rec_daemon_config "exec-timeout = 30" "backends = exec
exec-command = $(rec_lsw_initiate_command B)" ;;
	esac
	tap_check "$variant: spirecoveryd starts" rec_daemon_start
	rec_module_enable 1
	check_tunnel_up "$variant"
	# Next to pluto's SAs A's kernel holds a state with SPI 0 (larval, without keys): it
	# carries no traffic and is no stale SA.
	REC_SPIS_A=$(grep -vx 0x00000000 <<<"$REC_SPIS_A")
	check_black_hole "$variant"
	case $variant in
	a-native)
		rec_module_enable 1
		rec_ping 3 >/dev/null # A's stale SPI: the trigger
		tap_check "$variant: the native exchange ran and A accepted it (IKE_AUTH answered)" \
			wait_until 60 rec_daemon_log_has "native: IKE SA established with .*; INITIAL_CONTACT delivered"
		check_stale_sas_gone "$variant"
		# The limitation the docs state: INITIAL_CONTACT deletes one Child SA, not the IKE SA.
		tap_check "$variant: A keeps its old IKE SA #1, which B's restarted charon has lost" \
			eval 'rec_lsw_whack A --status | grep -qE "#1: \"tunnel\".*ESTABLISHED_IKE_SA"'
		ms=$(rec_ping_until_reply 30)
		tap_check "$variant: traffic is not back within 30 s (only after A's liveness timeout)" \
			test -z "$ms"
		;;
	*)
		backend=vici
		[ "$node" = B ] && backend=exec
		check_recovery "$variant" "$backend"
		if [ "$variant" = b-exec-default ]; then
			tap_check "$variant: without initial-contact=yes A keeps its stale SAs" \
				eval '[ -n "$(comm -12 <(echo "$REC_SPIS_A") <(spis "$REC_NS_A"))" ]'
		else
			check_stale_sas_gone "$variant"
		fi
		;;
	esac
	rec_lsw_cleanup
done
tap_done
