#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issues 4 and 5: after B "reboots", how long until A's traffic gets through again with
# spirecoveryd (native backend, then vici backend), against how long strongSwan alone
# needs to bring up a fresh tunnel on demand, in the same VM.
#
#   ns rec-a (192.0.2.1, inner 10.0.1.1) ---- veth ---- ns rec-b (192.0.2.2, inner 10.0.2.1)
#   strongSwan A: start_action = trap       strongSwan B: trap, spirecoveryd, the module
#
# The scenario of selftests/recovery/lib.sh, IPv4. Each time is measured by
# recovery_probe.py in A: an echo request to B's inner address every
# BENCH_RECOVERY_INTERVAL (0.01) s, from the first request sent to the first reply.
#
#   fresh tunnel  no SA anywhere (A's IKE SA terminated, the traps stay) and B's charon
#                 just restarted, as in the recovery; A's first request fires its trap,
#                 the negotiation follows: the reference. Restarting B here too keeps a
#                 cold charon's first exchange out of the ratio, which is then what
#                 spirecovery adds to what strongSwan needs anyway after B's reboot.
#   recovery      the tunnel is up; B reboots with recovery disabled (rec_reboot_b:
#                 charon SIGKILLed, SAD and SPD flushed, charon started again), then
#                 recovery is enabled: A's first request, on its stale SA, is B's
#                 first dropped packet (checked with XfrmInNoStates)
#
# One phase per backend, BENCH_RECOVERY_ROUNDS (5) rounds each; a round measures a fresh
# tunnel and a recovery back to back (fresh first in odd rounds). Targets are on the
# median of the per-round ratios recovery / fresh tunnel. The daemon's own numbers come
# from its log: the event-to-first-IKE-packet latency of the native exchange, the time
# from reading the event to asking charon to initiate (vici), and the time from the
# dropped packet's kernel time stamp to B's new inbound SA.
# Logs: build/recovery/bench-native/, build/recovery/bench-vici/.
set -u
. "$(dirname "$0")/lib.sh"
. "$repo/selftests/recovery/lib.sh"
bench_begin recovery

rounds=${BENCH_RECOVERY_ROUNDS:-5}
interval=${BENCH_RECOVERY_INTERVAL:-0.01}
timeout_s=${BENCH_RECOVERY_TIMEOUT:-30}
probe=$bench_dir/recovery_probe.py

[ -x "$REC_DAEMON" ] || cannot_measure "$REC_DAEMON is missing (make daemon)"
[ -x /usr/lib/ipsec/charon ] || cannot_measure "strongSwan's charon is not installed"
module_available || cannot_measure "spirecovery.ko is not installed for $(uname -r) (make modules)"
modprobe spirecovery || cannot_measure "modprobe spirecovery failed"
on_exit rmmod spirecovery

REC_LOG_NAME=bench-native
rec_setup 4 no trap
setup_status=$?
# rec_setup took the EXIT trap for rec_cleanup: the JSON must still be written.
trap bench_end EXIT
on_exit rec_cleanup
[ "$setup_status" -eq 0 ] ||
	cannot_measure "strongSwan A and B did not start (build/recovery/bench-native/)"
wait_until 30 rec_ping_ok ||
	cannot_measure "the tunnel does not come up (build/recovery/bench-native/)"

daemon_log=$REC_DIR/spirecoveryd.log

# daemon_start BACKEND: spirecoveryd in B with only that backend. Rounds are closer
# together than the scenario's hold-down.
daemon_start() {
	local global=
	[ "$1" = vici ] && global="vici-socket = $REC_DIR/B/run/charon.vici"
	REC_HOLD_DOWN=1 rec_daemon_config "$global" "backends = $1"
	rec_daemon_start || cannot_measure "spirecoveryd did not start ($1 backend)"
}

# run_probe: one measurement in A; prints the probe's NAME=VALUE line.
run_probe() {
	in_a python3 "$probe" --interval "$interval" --timeout "$timeout_s" "$REC_IN_A" "$REC_IN_B"
}

# field NAME LINE: the value of NAME=VALUE in LINE.
field() {
	tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"
}

# daemon_log_since LINES: what the daemon logged after the first LINES lines.
daemon_log_since() {
	tail -n +$(($1 + 1)) "$daemon_log"
}

daemon_recovered_since() {
	daemon_log_since "$1" | grep -q 'recovered: '
}

# daemon_number LINES BEFORE AFTER: the first number the daemon logged between the
# patterns BEFORE and AFTER, after its first LINES lines.
daemon_number() {
	daemon_log_since "$1" | sed -n "s/.*$2 \([0-9]*\) $3.*/\1/p" | head -n 1
}

# daemon_ms_between LINES FIRST SECOND: ms between the daemon's first lines matching the
# patterns FIRST and SECOND after its first LINES lines, from the log's time stamps.
daemon_ms_between() {
	daemon_log_since "$1" | awk -v first="$2" -v second="$3" '
		function ms(stamp,  f) {
			split(stamp, f, /[:.]/)
			return ((f[1] * 60 + f[2]) * 60 + f[3]) * 1000 + f[4]
		}
		!seen && $0 ~ first { seen = 1; start = ms($1) }
		seen && $0 ~ second { print (ms($1) - start + 86400000) % 86400000; exit }'
}

# measure_fresh: the reference; appends to fresh_ms.
measure_fresh() {
	local out
	swan A --terminate --ike tunnel --timeout 10 >/dev/null
	wait_until 10 no_states "$REC_NS_A" && wait_until 10 no_states "$REC_NS_B" ||
		cannot_measure "round $r: SAs remain after A terminated its IKE SA"
	rec_reboot_b || cannot_measure "round $r: B's charon did not start again"
	out=$(run_probe) ||
		cannot_measure "round $r: a fresh tunnel did not come up within $timeout_s s ($out)"
	fresh_ms+=("$(field ms "$out")")
	echo "# round $r fresh tunnel: $(field ms "$out") ms ($out)"
}

# measure_recovery BACKEND: appends to recovery_ms, daemon_ms, and first_ike_ms (native)
# or initiate_ms (vici).
measure_recovery() {
	local backend=$1 out drops_before drops log_lines us sa_ms initiate
	wait_until 30 rec_ping_ok || cannot_measure "round $r: the tunnel is not up before B reboots"
	rec_module_enable 0 >/dev/null
	rec_reboot_b || cannot_measure "round $r: B's charon did not start again"
	rec_module_enable 1 >/dev/null || cannot_measure "round $r: cannot enable recovery in B"
	drops_before=$(xfrm_stat "$REC_NS_B" XfrmInNoStates)
	log_lines=$(wc -l <"$daemon_log")
	out=$(run_probe) || cannot_measure "round $r: no recovery ($backend) within $timeout_s s ($out)"
	drops=$(($(xfrm_stat "$REC_NS_B" XfrmInNoStates) - drops_before))
	[ "$drops" -ge 1 ] ||
		cannot_measure "round $r: B dropped nothing: A did not send on its stale SA ($out)"
	recovery_ms+=("$(field ms "$out")")
	echo "# round $r recovery ($backend): $(field ms "$out") ms, B dropped $drops ($out)"

	wait_until 10 daemon_recovered_since "$log_lines" ||
		cannot_measure "round $r: traffic flows but the daemon saw no new inbound SA ($backend)"
	sa_ms=$(daemon_number "$log_lines" "recovered: .* installed" "ms after the dropped packet")
	[ -n "$sa_ms" ] || cannot_measure "round $r: the daemon's recovered line has no time"
	daemon_ms+=("$sa_ms")
	if [ "$backend" = native ]; then
		us=$(daemon_number "$log_lines" "native: first IKE packet sent" "us after the event")
		[ -n "$us" ] || cannot_measure "round $r: no 'first IKE packet sent' line in the daemon's log"
		first_ike_ms+=("$(calc "$us / 1000")")
		echo "# round $r daemon: first IKE packet $us us after the event," \
			"inbound SA $sa_ms ms after the dropped packet"
	else
		initiate=$(daemon_ms_between "$log_lines" "invalid SPI: " "vici: initiating")
		[ -n "$initiate" ] ||
			cannot_measure "round $r: no 'vici: initiating' line in the daemon's log"
		initiate_ms+=("$initiate")
		echo "# round $r daemon: vici initiate $initiate ms after the event," \
			"inbound SA $sa_ms ms after the dropped packet"
	fi
}

# phase BACKEND TARGET: the rounds of one backend, then its rows; TARGET is the ratio's.
phase() {
	local backend=$1 ratios=()
	fresh_ms=() recovery_ms=() first_ike_ms=() initiate_ms=() daemon_ms=()
	daemon_start "$backend"
	for ((r = 1; r <= rounds; r++)); do
		if ((r % 2)); then
			measure_fresh
			measure_recovery "$backend"
		else
			measure_recovery "$backend"
			measure_fresh
		fi
		ratios+=("$(calc "${recovery_ms[-1]} / ${fresh_ms[-1]}")")
	done
	rec_daemon_stop
	all_fresh_ms+=("${fresh_ms[@]}")
	row "${backend}_recovery_median" "$(median "${recovery_ms[@]}")" ms "" "${recovery_ms[*]}"
	row "${backend}_fresh_tunnel_median" "$(median "${fresh_ms[@]}")" ms "" "${fresh_ms[*]}"
	row "${backend}_recovery_ratio" "$(median "${ratios[@]}")" recovery/fresh "$2" "${ratios[*]}"
	row "${backend}_recovery_ratio_iqr" "$(iqr "${ratios[@]}")" recovery/fresh
	row "${backend}_daemon_time_to_inbound_sa_median" "$(median "${daemon_ms[@]}")" ms "" \
		"${daemon_ms[*]}"
	if [ "$backend" = vici ]; then
		row vici_event_to_initiate_median "$(median "${initiate_ms[@]}")" ms "" \
			"${initiate_ms[*]}"
	else
		row native_event_to_first_ike_packet_median "$(median "${first_ike_ms[@]}")" ms "< 5" \
			"${first_ike_ms[*]}"
	fi
}

all_fresh_ms=()
phase native "<= 2"
# The native phase's daemon log goes to build/recovery/bench-native/, the vici phase
# starts a log of its own (rec_daemon_start looks for its start line in it).
rec_save_logs
rm -f "$daemon_log"
REC_LOG_NAME=bench-vici
phase vici "<= 1.2"
row fresh_tunnel_median "$(median "${all_fresh_ms[@]}")" ms "" "${all_fresh_ms[*]}"
