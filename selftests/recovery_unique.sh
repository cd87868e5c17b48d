#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 14: a strongSwan A whose `unique` keeps its stale SAs despite INITIAL_CONTACT. B's
# spirecoveryd has the backends native, then vici.
#   never  A accepts the native IKE_AUTH but keeps sending on its stale SPI: the daemon
#          reports that it ignored INITIAL_CONTACT (not a success), falls back to vici, and
#          B's charon's exchange restores the traffic
#   keep   the daemon's word matches the traffic (it says "recovered" if and only if pings
#          flow again); measured: A honours INITIAL_CONTACT, native recovers it
# Runs in the VM: selftests/vm/run-vm.sh -k KVER -- selftests/recovery_unique.sh [VARIANT...]
# Logs: build/recovery/unique-VARIANT/.
cd "$(dirname "$0")/.." || exit 1
source selftests/recovery/lib.sh
source selftests/recovery/checks.sh

modprobe spirecovery || { echo "not ok 1 modprobe spirecovery"; exit 1; }

variants=("$@")
[ $# -gt 0 ] || variants=(never keep)
for variant in "${variants[@]}"; do
	case $variant in
	never | keep) ;;
	*) echo "unknown variant $variant" >&2; exit 1 ;;
	esac
	REC_LOG_NAME=unique-$variant
	label="unique = $variant"
	note "=== A with $label, backends native vici"
	if ! REC_UNIQUE_A=$variant rec_setup 4 no trap; then
		tap_check "$label: strongSwan A and B start" false
		rec_cleanup
		continue
	fi
	rec_daemon_config "vici-socket = $REC_DIR/B/run/charon.vici" "backends = native vici"
	tap_check "$label: spirecoveryd starts" rec_daemon_start
	rec_module_enable 1
	check_tunnel_up "$label"
	check_black_hole "$label"
	REC_T_ENABLE=$(now_ms)
	rec_module_enable 1
	ms=$(rec_ping_until_reply 90)
	note "first reply ${ms:-never} ms after recovery was enabled"
	tap_check "$label: native's exchange logged as finished, not as a recovery" \
		wait_until 60 rec_daemon_log_has "backend native finished: "
	case $variant in
	never)
		tap_check "$label: traffic A -> B recovered ${ms:+$ms ms after recovery was enabled}" \
			test -n "$ms"
		tap_check "$label: native reported as ignored, naming unique = never" \
			rec_daemon_log_has "not recovered: after backend native the peer still sends on its stale SAs .*ignored INITIAL_CONTACT .*unique = never"
		tap_check "$label: no \"recovered\" before vici finished" \
			eval '[ "$(awk "/backend vici finished/ { v = 1 } /[^t] recovered: / && !v { print }" \
				"$REC_DIR/spirecoveryd.log")" = "" ]'
		tap_check "$label: the daemon fell back to vici" \
			rec_daemon_log_has "did not bring the tunnel back; falling back to vici"
		tap_check "$label: vici recovered A (new inbound SA, stale SPI silent)" \
			wait_until 30 rec_daemon_log_has "recovered: ESP SA .* no packet on the stale SPI"
		tap_check "$label: status says recovered, backend vici" \
			eval 'status=$("$REC_DAEMON" --status --state-file "$REC_DIR/spirecoveryd.status")
				grep -qE "backend +vici" <<<"$status" &&
				grep -qE "result .*recovered: ESP SA" <<<"$status"'
		;;
	keep)
		# Give the daemon the whole of its verdict: native's wait, then vici's.
		wait_until 150 rec_daemon_log_has "recovered: ESP SA|recovery failed|no backend"
		replies=$(rec_ping 5)
		note "after the recovery: $replies/5 replies"
		if [ "${replies:-0}" -gt 0 ]; then
			tap_check "$label: traffic flows, and the daemon says recovered" \
				rec_daemon_log_has "recovered: ESP SA"
		else
			tap_check "$label: no traffic, and the daemon does not say recovered" \
				eval '! rec_daemon_log_has "recovered: "'
		fi
		;;
	esac
	note "daemon: $(grep -oE '(not recovered|recovered|recovery failed|backend [a-z]+ (finished|unavailable)): .{0,200}' "$REC_DIR/spirecoveryd.log" | tr '\n' '|')"
	note "A's IKE SAs: $(swan A --list-sas 2>/dev/null | grep -cE 'ESTABLISHED'), A's SAs: $(echo $(spis "$REC_NS_A")) (stale: $(echo $REC_SPIS_A))"
	rec_cleanup
done
tap_done
