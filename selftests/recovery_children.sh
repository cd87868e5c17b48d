#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 14, several children: A's connection has two children, net (10.0.1.1 <-> 10.0.2.1)
# and net2 (10.0.11.1 <-> 10.0.12.1), both trap policies. B reboots; with either backend
# both children carry traffic again and A's stale SAs of both are gone. vici initiates each
# child of the connection; after native's INITIAL_CONTACT A re-keys each child on its own
# next packet.
# Runs in the VM: selftests/vm/run-vm.sh -k KVER -- selftests/recovery_children.sh [vici|native]...
cd "$(dirname "$0")/.." || exit 1
source selftests/recovery/lib.sh
source selftests/recovery/checks.sh

modprobe spirecovery || { echo "not ok 1 modprobe spirecovery"; exit 1; }

IN2_A=10.0.11.1 IN2_B=10.0.12.1
child2() { # LOCAL_TS REMOTE_TS
	printf 'net2 {\n esp_proposals = aes256gcm16\n local_ts = %s/32\n remote_ts = %s/32\n start_action = trap\n mode = tunnel\n }\n' "$1" "$2"
}
export REC_MORE_CHILDREN_A REC_MORE_CHILDREN_B
REC_MORE_CHILDREN_A=$(child2 "$IN2_A" "$IN2_B")
REC_MORE_CHILDREN_B=$(child2 "$IN2_B" "$IN2_A")

ping2_ok() { in_a ping -n -q -c 1 -W 1 -I "$IN2_A" "$IN2_B" >/dev/null 2>&1; }
# The children A's charon has installed: their names, one per line.
children_a() {
	swanctl --list-sas --uri "unix://$REC_DIR/A/run/charon.vici" 2>/dev/null |
		awk '$1 ~ /^net2?:$/ && /INSTALLED/ { sub(":", "", $1); print $1 }' | sort -u | xargs
}

variants=("$@")
[ $# -gt 0 ] || variants=(vici native)
for backend in "${variants[@]}"; do
	label=$backend
	REC_LOG_NAME=children-$backend
	note "=== two children, $backend backend"
	if ! rec_setup 4 no trap; then
		tap_check "$label: strongSwan A and B start" false
		rec_cleanup
		continue
	fi
	ip -n "$REC_NS_A" addr add "$IN2_A/32" dev lo
	ip -n "$REC_NS_B" addr add "$IN2_B/32" dev lo
	ip -n "$REC_NS_A" route add "$IN2_B/32" via "$REC_B" src "$IN2_A"
	ip -n "$REC_NS_B" route add "$IN2_A/32" via "$REC_A" src "$IN2_B"
	extra=
	[ "$backend" = vici ] && extra="vici-socket = $REC_DIR/B/run/charon.vici"
	rec_daemon_config "$extra" "backends = $backend"
	tap_check "$label: spirecoveryd starts" rec_daemon_start
	rec_module_enable 1
	check_tunnel_up "$label"
	tap_check "$label: the second child carries traffic too" wait_until 30 ping2_ok
	# Both children's SAs are the stale ones once B has rebooted.
	REC_SPIS_A=$(spis "$REC_NS_A")
	note "A's children: $(children_a); A's SAs: $(echo $REC_SPIS_A)"
	tap_check "$label: A has both children installed" test "$(children_a)" = "net net2"
	check_black_hole "$label"
	tap_check "$label: the second child is a black hole too" eval '! ping2_ok'
	check_recovery "$label" "$backend"
	t0=$(now_ms)
	tap_check "$label: the second child carries traffic again" wait_until 60 ping2_ok
	note "second child back $(($(now_ms) - t0)) ms after the first"
	tap_check "$label: A has both children installed again ($(children_a))" \
		wait_until 20 eval 'test "$(children_a)" = "net net2"'
	check_stale_sas_gone "$label"
	rec_cleanup
done
tap_done
