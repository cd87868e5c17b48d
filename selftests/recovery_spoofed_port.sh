#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 12, "no steering by packet fields": during the black hole an attacker sends one ESP-in-UDP
# packet from A's address with the bogus source port 7. The daemon must not spend A's recovery on
# port 7 (it used to: ~15 s of IKE_SA_INIT to A:7, then a back-off, while every genuine event was
# skipped), and A's genuine traffic must come back with at most one retry's delay over a
# recovery without the forgery, measured first in the same variant.
#   plain          A without nat-traversal: the port is refused and logged, IKE goes to A:4500
#   nat-traversal  A with nat-traversal = yes: port 7 gets a lane of its own, and its failure
#                  cannot hold the configured path that A's genuine ESP from 4500 takes
# Runs in the VM: selftests/vm/run-vm.sh -k KVER -- selftests/recovery_spoofed_port.sh [VARIANT...]
# Logs: build/recovery/spoofed-port-VARIANT/. REC_DAEMON=... runs another build of the daemon.
cd "$(dirname "$0")/.." || exit 1
source selftests/recovery/lib.sh
source selftests/recovery/checks.sh

modprobe spirecovery || { echo "not ok 1 modprobe spirecovery"; exit 1; }

# A retry of the native exchange waits this long; the forged exchange to A:7 would retransmit
# for 1+2+4+8+16 s before failing.
RETRY_MS=1000
# The VM's (TCG) jitter between two recoveries of the same scenario, allowed on top.
JITTER_MS=5000
REC_HOLD_DOWN=2

# The forged ESP in UDP from A's address and port 7 to B's NAT-T port, with a random SPI.
send_forged() { # LABEL
	local mac
	SPOOF_SPI=$(printf '0x%08x' $(((RANDOM << 16 | RANDOM) | 0x10000000)))
	mac=$(ip -n "$REC_NS_B" link show rec-b | awk '/ether/ { print $2 }')
	in_a python3 selftests/tools/send_packets.py --dev rec-a --dst-mac "$mac" \
		"esp:src=$REC_A,dst=$REC_B,spi=$SPOOF_SPI,seq=1,sport=7,dport=4500" >/dev/null
	tap_check "$1: forged ESP-in-UDP SPI $SPOOF_SPI from $REC_A port 7 reported to the daemon" \
		wait_until 10 rec_daemon_log_has "invalid SPI: ESP SPI $SPOOF_SPI .*\(UDP 7->4500\)"
}

recovered_in_time() { [ -n "$ms" ] && [ -n "$reference_ms" ] && [ "$ms" -le "$bound" ]; }
no_recovery_failed() { ! rec_daemon_log_has "recovery failed"; }
# Whether the daemon logged PATTERN since the forgery was sent.
logged_since_forgery() { tail -n "+$((log_lines + 1))" "$REC_DIR/spirecoveryd.log" | grep -qE "$1"; }
no_ike_to_port_7() { ! rec_daemon_log_has "native: IKE from .* to $REC_A:7 "; }

variants=("$@")
[ $# -gt 0 ] || variants=(plain nat-traversal)
for variant in "${variants[@]}"; do
	case $variant in
	plain) peer_keys="backends = native" ;;
	nat-traversal) peer_keys="backends = native
nat-traversal = yes" ;;
	*) echo "unknown variant $variant" >&2; exit 1 ;;
	esac
	REC_LOG_NAME=spoofed-port-$variant
	note "=== forged UDP port during the black hole, $variant"
	if ! rec_setup 4 yes trap; then
		tap_check "$variant: strongSwan A and B start" false
		rec_cleanup
		continue
	fi
	rec_daemon_config "retransmit-timeout = $RETRY_MS" "$peer_keys"
	tap_check "$variant: spirecoveryd starts" rec_daemon_start
	rec_module_enable 1
	check_tunnel_up "$variant"

	# The reference: the same recovery without the forgery.
	check_black_hole "$variant, reference"
	check_recovery "$variant, reference" native
	reference_ms=$REC_RECOVERY_MS
	check_tunnel_up "$variant, after the reference"

	check_black_hole "$variant"
	# The forgery is read before A's first genuine packet: it comes first, as in the attack.
	rec_module_enable 1
	log_lines=$(wc -l <"$REC_DIR/spirecoveryd.log")
	send_forged "$variant"
	ms=$(rec_ping_until_reply 90)
	bound=$((${reference_ms:-0} + RETRY_MS + JITTER_MS))
	tap_check "$variant: A's traffic recovered in ${ms:-no reply within 90 000} ms, at most one retry ($RETRY_MS ms) over the reference ${reference_ms:-?} ms (+ $JITTER_MS ms for TCG)" \
		recovered_in_time
	case $variant in
	plain)
		tap_check "$variant: no recovery failed" no_recovery_failed
		tap_check "$variant: the refusal of port 7 is logged" \
			logged_since_forgery "peer a \($REC_A\): refused the packet's UDP source port 7: the peer is not configured for nat-traversal"
		tap_check "$variant: no IKE went to $REC_A:7" \
			no_ike_to_port_7
		;;
	nat-traversal)
		# Port 7 is tried, on its own lane, while the configured path recovers A.
		tap_check "$variant: port 7 from the packet tried on a lane of its own" \
			logged_since_forgery "native: IKE from $REC_B to $REC_A:7 \(non-ESP marker\) \(UDP port from the packet"
		tap_check "$variant: the configured path to $REC_A:4500 acted meanwhile" \
			logged_since_forgery "native: IKE from $REC_B to $REC_A:4500 \(non-ESP marker\),"
		;;
	esac
	check_stale_sas_gone "$variant"
	rec_cleanup
done
tap_done
