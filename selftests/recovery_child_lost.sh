#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 14: the IKE SA survived, a child SA did not. B's kernel loses its inbound SA from A
# (`ip xfrm state deleteall` of that SA only) while B's charon keeps its IKE SA and the child;
# A goes on sending on the lost SPI. spirecoveryd (backends vici native) restores the child
# through the live IKE SA: vici terminates the child (an authenticated DELETE to A) and
# initiates it again. The IKE SA stays: the same IKE SPIs on both sides, and native, whose
# INITIAL_CONTACT would tear it down, is never tried.
# Runs in the VM: selftests/vm/run-vm.sh -k KVER -- selftests/recovery_child_lost.sh
# Logs: build/recovery/child-lost/.
cd "$(dirname "$0")/.." || exit 1
source selftests/recovery/lib.sh
source selftests/recovery/checks.sh

modprobe spirecovery || { echo "not ok 1 modprobe spirecovery"; exit 1; }

# The IKE SPIs of a node's ESTABLISHED IKE SAs, one line: "SPIi_i SPIr_r ..."
ike_spis() {
	swan "$1" --list-sas | grep -oE '[0-9a-f]{16}_[ir]' | sort | tr '\n' ' '
}

REC_LOG_NAME=child-lost
label=child-lost
if rec_setup 4 no trap; then
	rec_daemon_config "vici-socket = $REC_DIR/B/run/charon.vici" "backends = vici native"
	tap_check "$label: spirecoveryd starts" rec_daemon_start
	rec_module_enable 1
	check_tunnel_up "$label"
	check_spoof_ignored "$label"
	ike_a=$(ike_spis A) ike_b=$(ike_spis B)
	note "IKE SPIs: A $ike_a, B $ike_b"
	lost=$(ip -n "$REC_NS_B" xfrm state | awk -v a="$REC_A" '$1 == "src" && $2 == a { s = 1 }
		s && $3 == "spi" { print $4; exit }')
	rec_module_enable 0
	ip -n "$REC_NS_B" xfrm state deleteall src "$REC_A" dst "$REC_B"
	tap_check "$label: B's inbound SA $lost deleted, its outbound SA kept, charon's IKE SA up" \
		eval '! spis "$REC_NS_B" | grep -qx "$lost" && [ -n "$(spis "$REC_NS_B")" ] &&
			[ "$(ike_spis B)" = "$ike_b" ]'
	tap_check "$label: black hole: A's pings on SPI $lost are dropped" \
		eval '[ "$(rec_ping 3)" = 0 ]'
	rec_module_enable 1
	ms=$(rec_ping_until_reply 60)
	tap_check "$label: traffic A -> B recovered ${ms:+$ms ms after recovery was enabled}" \
		test -n "$ms"
	tap_check "$label: the daemon saw B's SAs without an inbound one" \
		rec_daemon_log_has "acting: no inbound SA from the peer on this host"
	tap_check "$label: vici restored the child, keeping the IKE SA" \
		rec_daemon_log_has "backend vici finished: strongSwan restored child net in IKE SA tunnel"
	tap_check "$label: the daemon saw A's new inbound SA" \
		wait_until 20 rec_daemon_log_has "recovered: ESP SA"
	tap_check "$label: native was never tried" \
		eval '! rec_daemon_log_has "native: sending IKE_SA_INIT"'
	tap_check "$label: the same IKE SA on A ($(ike_spis A)) and B ($(ike_spis B))" \
		eval '[ "$(ike_spis A)" = "$ike_a" ] && [ "$(ike_spis B)" = "$ike_b" ]'
	tap_check "$label: A dropped its SA on the lost SPI $lost (vici's DELETE)" \
		eval '! spis "$REC_NS_A" | grep -qx "$lost"'
	note "daemon: $(grep -oE '(recovered|backend vici finished): .{0,160}' "$REC_DIR/spirecoveryd.log" | tr '\n' '|')"
else
	tap_check "$label: strongSwan A and B start" false
fi
rec_cleanup
tap_done
