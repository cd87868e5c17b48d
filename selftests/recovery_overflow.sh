#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# spirecoveryd falls behind: while it is stopped (SIGSTOP) a flood of spoofed misses from
# thousands of sources overflows its event socket, and A's real miss is among the lost
# events. When it runs again it must count the lost events (ENOBUFS against the module's
# events-sent counter), find A in the module's source table and recover it all the same.
# Runs in the VM: selftests/vm/run-vm.sh -k KVER -- selftests/recovery_overflow.sh
# Logs: build/recovery/overflow/.
cd "$(dirname "$0")/.." || exit 1
source selftests/recovery/lib.sh
source selftests/recovery/checks.sh

modprobe spirecovery || { echo "not ok 1 modprobe spirecovery"; exit 1; }

REC_LOG_NAME=overflow
label=overflow
ctl=$REC_CTL
if rec_setup 4 no trap; then
	# Without the peer set the daemon writes by default, which would count the spoofed
	# sources as unknown-source and spare the socket (selftests/peers.sh tests that): this
	# is the daemon behind on events that do come, from the peers of a large hub or with
	# peer-filter = no.
	rec_daemon_config "[module]
peer-filter = no" "backends = native"
	tap_check "$label: spirecoveryd starts" rec_daemon_start
	rec_module_enable 1
	check_tunnel_up "$label"
	check_black_hole "$label"

	# Every miss becomes an event: no rate limit to protect the daemon this time.
	in_b "$ctl" set source-rate 1000000 source-burst 1000000 global-rate 1000000 \
		global-burst 1000000 >/dev/null
	rec_module_enable 1
	kill -STOP "$REC_DAEMON_PID"
	mac=$(ip -n "$REC_NS_B" link show rec-b | awk '/ether/ { print $2 }')
	# The flood fills the socket first, so that A's own misses are among the lost events.
	in_a python3 selftests/tools/send_packets.py --dev rec-a --dst-mac "$mac" \
		"esp:src=198.18.0.1,dst=$REC_B,spi=0x5eed0001,sources=6000" >/dev/null
	rec_ping 3 >/dev/null
	note "module: $(in_b "$ctl" stats 2>/dev/null | grep -iE 'events.sent' | head -1)"
	kill -CONT "$REC_DAEMON_PID"
	tap_check "$label: the daemon counted the events it lost" \
		wait_until 60 rec_daemon_log_has "overflow \(ENOBUFS\): [1-9][0-9]* event\(s\) lost"
	note "$(grep -oE 'overflow \(ENOBUFS\): [0-9]+ event\(s\) lost' "$REC_DIR/spirecoveryd.log" | head -1)"
	tap_check "$label: A found in the module's source table" \
		wait_until 30 rec_daemon_log_has "peer a \($REC_A\): missed events"
	ms=$(rec_ping_until_reply 60)
	tap_check "$label: traffic A -> B recovered${ms:+ ($ms ms after the daemon resumed)}" test -n "$ms"
	check_stale_sas_gone "$label"
else
	tap_check "$label: strongSwan A and B start" false
fi
rec_cleanup
tap_done
