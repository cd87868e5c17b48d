#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 5: spirecoveryd asks B's own strongSwan to initiate (vici backend).
#   start-vici    A with start_action = start (no trap) recovers: one exchange from B's charon
#                 removes A's stale SAs (INITIAL_CONTACT) and installs fresh ones on both sides
#   start-native  the same A with the native backend is left without any SA: documented
#                 limitation, asserted so that it stays documented
#   trap-vici     A with trap policies, vici backend
#   fallback      vici socket absent: the daemon says so and falls back to native
#   unreachable   B's IKE to A's port 500 is dropped: the vici initiate times out
#                 (vici-timeout 4), the daemon terminates the half-open IKE SA it caused and
#                 falls back to exec; later events are acted on, not skipped as CONNECTING;
#                 once the path is open again vici recovers A
#   refused       B's charon restarts with a wrong PSK: A answers its IKE_AUTH with
#                 AUTHENTICATION_FAILED, a real answer, so the recovery has failed there and
#                 exec (the same peer, the same credentials) is not tried
# Runs in the VM: selftests/vm/run-vm.sh -k KVER -- selftests/recovery_vici.sh [VARIANT...]
# Logs: build/recovery/vici-VARIANT/.
cd "$(dirname "$0")/.." || exit 1
source selftests/recovery/lib.sh
source selftests/recovery/checks.sh

modprobe spirecovery || { echo "not ok 1 modprobe spirecovery"; exit 1; }

variants=("$@")
# start-native and fallback run from recovery_fallback.sh: one VM test stays within the
# runner's time limit.
[ $# -gt 0 ] || variants=(start-vici trap-vici)
for variant in "${variants[@]}"; do
	REC_LOG_NAME=vici-$variant
	note "=== $variant"
	case $variant in
	start-vici | start-native) start=start ;;
	trap-vici | fallback | unreachable | refused) start=trap ;;
	*) echo "unknown variant $variant" >&2; exit 1 ;;
	esac
	if ! rec_setup 4 no "$start"; then
		tap_check "$variant: strongSwan A and B start" false
		rec_cleanup
		continue
	fi
	case $variant in
	*-vici) rec_daemon_config "vici-socket = $REC_DIR/B/run/charon.vici" "backends = vici" ;;
	start-native) rec_daemon_config "recovery-wait = 10" "backends = native" ;;
	fallback) rec_daemon_config "vici-socket = $REC_DIR/B/run/absent.vici" "backends = vici native" ;;
	unreachable | refused)
		REC_HOLD_DOWN=0 rec_daemon_config $'vici-timeout = 4\nrecovery-wait = 3'"
vici-socket = $REC_DIR/B/run/charon.vici" "backends = vici exec
exec-command = /usr/bin/touch $REC_DIR/exec.ran"
		;;
	esac
	tap_check "$variant: spirecoveryd starts" rec_daemon_start
	rec_module_enable 1
	check_tunnel_up "$variant"
	check_spoof_ignored "$variant"
	check_black_hole "$variant"

	case $variant in
	start-native)
		rec_module_enable 1
		rec_ping 3 >/dev/null # A's stale SPI: the trigger
		tap_check "$variant: native exchange succeeded (A dropped its stale SAs)" \
			wait_until 60 rec_daemon_log_has "backend native finished"
		tap_check "$variant: A is left without SAs: nothing makes it re-key (limitation)" \
			wait_until 10 no_states "$REC_NS_A"
		tap_check "$variant: traffic does not recover by itself" \
			eval '[ "$(rec_ping 5)" = 0 ]'
		tap_check "$variant: the daemon says no inbound SA came back" \
			wait_until 20 rec_daemon_log_has "no inbound SA from the peer appeared"
		;;
	unreachable)
		ip netns exec "$REC_NS_B" nft -f - <<-EON
		table ip vici_cut {
			chain out {
				type filter hook output priority 0;
				ip daddr $REC_A udp dport 500 drop
			}
		}
		EON
		rec_module_enable 1
		rec_ping 3 >/dev/null # A's stale SPI: the trigger
		tap_check "$variant: vici's initiate failed, its half-open IKE SA terminated, exec next" \
			wait_until 40 rec_daemon_log_has \
			"backend vici unavailable: vici initiate tunnel/net failed: .*terminated its IKE SA #[0-9]+ \(no answer from the peer\); falling back to exec"
		tap_check "$variant: the exec backend ran" wait_until 10 test -e "$REC_DIR/exec.ran"
		tap_check "$variant: B's charon holds no IKE SA with A any more" \
			wait_until 10 eval '[ -z "$(swan B --list-sas)" ]'
		wait_until 20 rec_daemon_log_has "no inbound SA from the peer appeared"
		rec_ping 3 >/dev/null
		tap_check "$variant: a later event is acted on again" \
			wait_until 20 eval '[ "$(grep -c "acting: no SA with the peer on this host" \
				"$REC_DIR/spirecoveryd.log")" -ge 2 ]'
		tap_check "$variant: no event was skipped for a half-open (CONNECTING) IKE SA" \
			eval '! rec_daemon_log_has "skipped: B still has SAs .*CONNECTING"'
		wait_until 30 rec_daemon_log_has "no inbound SA from the peer appeared.*" # the second ends
		ip netns exec "$REC_NS_B" nft delete table ip vici_cut
		sleep 4 # the second attempt's exec and recovery-wait
		ms=$(rec_ping_until_reply 60)
		tap_check "$variant: with the path open, traffic recovers ${ms:+after $ms ms}" test -n "$ms"
		tap_check "$variant: by vici" wait_until 10 rec_daemon_log_has "backend vici finished"
		;;
	refused)
		sed -i "s/secret = $REC_PSK/secret = 0x0123456789abcdef0123456789abcdef/" \
			"$REC_DIR/B/swanctl/swanctl.conf"
		swanctl --load-creds --clear --uri "unix://$REC_DIR/B/run/charon.vici" \
			--file "$REC_DIR/B/swanctl/swanctl.conf" >/dev/null 2>&1
		rec_module_enable 1
		rec_ping 3 >/dev/null # A's stale SPI: the trigger
		tap_check "$variant: A refused B's IKE_AUTH: vici failed, the recovery ends there" \
			wait_until 40 rec_daemon_log_has \
			"recovery failed \(vici\): vici initiate tunnel/net failed: .*\(the peer answered\)"
		tap_check "$variant: charon relayed A's answer" \
			rec_daemon_log_has "charon: parsed IKE_AUTH response .*AUTH_FAILED"
		tap_check "$variant: no fallback after the peer's answer: exec did not run" \
			eval '! rec_daemon_log_has "falling back to exec" && ! test -e "$REC_DIR/exec.ran"'
		tap_check "$variant: B's charon holds no IKE SA with A" \
			wait_until 10 eval '[ -z "$(swan B --list-sas)" ]'
		;;
	fallback)
		check_recovery "$variant" native
		tap_check "$variant: vici unavailability logged with the fallback" \
			rec_daemon_log_has "backend vici unavailable: vici: connect to .*absent.vici.*falling back to native"
		check_stale_sas_gone "$variant"
		;;
	*)
		check_recovery "$variant" vici
		tap_check "$variant: charon's log for the initiate relayed" \
			rec_daemon_log_has "charon: .*established"
		check_stale_sas_gone "$variant"
		tap_check "$variant: A holds fresh SAs" eval '[ -n "$(spis "$REC_NS_A")" ]'
		;;
	esac
	rec_cleanup
done
tap_done
