#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The checks of the recovery scenario, each one or more TAP lines; source after lib.sh.

# The first ping fires A's trap (or waits for A's start_action): the tunnel comes up.
check_tunnel_up() { # LABEL
	tap_check "$1: tunnel A<->B up, pings flow through ESP" wait_until 30 rec_ping_ok
	REC_SPIS_A=$(spis "$REC_NS_A")
	REC_SPIS_B=$(spis "$REC_NS_B")
	note "A's SAs: $(echo $REC_SPIS_A), B's SAs: $(echo $REC_SPIS_B)"
}

# ESP with a random SPI "from" A while the tunnel is healthy: the module reports it, the
# daemon must skip it, the tunnel must stay as it was.
check_spoof_ignored() { # LABEL
	local spi mac spec
	spi=$(printf '0x%08x' $(((RANDOM << 16 | RANDOM) | 0x10000000)))
	mac=$(ip -n "$REC_NS_B" link show rec-b | awk '/ether/ { print $2 }')
	spec="esp:src=$REC_A,dst=$REC_B,spi=$spi,seq=1"
	[ "$REC_ENCAP" = yes ] && spec="$spec,sport=4500,dport=4500"
	in_a python3 selftests/tools/send_packets.py --dev rec-a --dst-mac "$mac" "$spec" >/dev/null
	tap_check "$1: spoofed ESP SPI $spi from A's address reported to the daemon" \
		wait_until 10 rec_daemon_log_has "invalid SPI: ESP SPI $spi"
	tap_check "$1: the daemon skipped it: B still has SAs with A" \
		wait_until 5 rec_daemon_log_has "skipped: B still has SAs with $REC_A"
	tap_check "$1: tunnel untouched by the spoof (same SAs on A and B, pings flow)" \
		eval '[ "$(spis "$REC_NS_A")" = "$REC_SPIS_A" ] &&
			[ "$(spis "$REC_NS_B")" = "$REC_SPIS_B" ] && rec_ping_ok'
}

# B reboots with recovery off: A's pings vanish into XfrmInNoStates.
check_black_hole() { # LABEL
	local before after replies
	rec_module_enable 0
	tap_check "$1: B reboots (charon SIGKILLed, SAD and SPD flushed, charon restarted)" \
		rec_reboot_b
	before=$(xfrm_stat "$REC_NS_B" XfrmInNoStates)
	replies=$(rec_ping 10)
	after=$(xfrm_stat "$REC_NS_B" XfrmInNoStates)
	REC_BLACK_HOLE="${replies:-0}/10 replies, XfrmInNoStates +$((after - before))"
	tap_check "$1: black hole without recovery: $REC_BLACK_HOLE" \
		eval '[ "${replies:-0}" = 0 ] && [ $((after - before)) -ge 10 ]'
}

# Recovery on: A's next ESP packet is reported, the daemon acts, traffic flows again.
check_recovery() { # LABEL BACKEND
	local ms
	REC_T_ENABLE=$(now_ms)
	rec_module_enable 1
	ms=$(rec_ping_until_reply 60)
	REC_RECOVERY_MS=$ms
	tap_check "$1: traffic A -> B recovered ${ms:+$ms ms after recovery was enabled}" \
		test -n "$ms"
	tap_check "$1: the daemon acted on A's stale SPI" \
		rec_daemon_log_has "peer a \($REC_A\): acting: no SA with the peer"
	tap_check "$1: $2 backend succeeded" rec_daemon_log_has "backend $2 finished"
	tap_check "$1: the daemon saw A's new inbound SA" \
		wait_until 10 rec_daemon_log_has "recovered: ESP SA"
	note "daemon: $(grep -oE 'recovered: .*' "$REC_DIR/spirecoveryd.log" | tail -1)"
}

check_stale_sas_gone() { # LABEL
	local spi now stale=
	now=$(spis "$REC_NS_A")
	for spi in $REC_SPIS_A; do
		grep -qx "$spi" <<<"$now" && stale="$stale $spi"
	done
	tap_check "$1: A's stale SAs are gone (before: $(echo $REC_SPIS_A); now: $(echo $now))" \
		test -z "$stale"
}
