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
# tunnel and a recovery back to back (fresh first in odd rounds). A round that cannot be
# set up (A's DELETE still not processed after three terminations, the tunnel not up
# before B reboots) is measured again, at most BENCH_RECOVERY_RETRIES (3) times per
# phase, and the rows say how many were. Targets are on the
# median of the per-round ratios recovery / fresh tunnel. The daemon's own numbers come
# from its log: the event-to-first-IKE-packet latency of the native exchange, the time
# from reading the event to asking charon to initiate (vici), and the time from the
# dropped packet's kernel time stamp to B's new inbound SA.
# Logs: build/recovery/bench-native/, build/recovery/bench-vici/.
set -u
. "$(dirname "$0")/lib.sh"
. "$bench_dir/recovery_lib.sh"
bench_begin recovery

rounds=${BENCH_RECOVERY_ROUNDS:-5}
recovery_scenario bench-native

# sas_cleared: neither A nor B holds an SA: A's DELETE was answered and processed.
sas_cleared() {
	no_states "$REC_NS_A" && no_states "$REC_NS_B"
}

# clear_sas: A terminates its IKE SA, and we wait until its DELETE has been processed on
# both sides; again, up to three times, when SAs remain (the DELETE not yet answered
# within swanctl's timeout, or an IKE SA that came up meanwhile). SAs left in B alone go
# with B's reboot, which follows. Returns 1, the reason in setup_error, when A still
# has SAs.
clear_sas() {
	local attempt
	for attempt in 1 2 3; do
		swan A --terminate --ike tunnel --timeout 10 >/dev/null
		wait_until 10 sas_cleared && return 0
		echo "# round $r: SAs remain after A terminated its IKE SA (attempt $attempt):" \
			"A $(spis "$REC_NS_A" | xargs), B $(spis "$REC_NS_B" | xargs)"
	done
	no_states "$REC_NS_A" && return 0
	setup_error="SAs remain in A after it terminated its IKE SA three times"
	return 1
}

# measure_fresh: the reference; sets fresh (ms). Returns 1, the reason in setup_error,
# when the round could not be set up.
measure_fresh() {
	local out
	clear_sas || return 1
	rec_reboot_b || {
		setup_error="B's charon did not start again"
		return 1
	}
	sas_cleared || {
		setup_error="SAs present just before the fresh tunnel's first request"
		return 1
	}
	out=$(run_probe) ||
		cannot_measure "round $r: a fresh tunnel did not come up within $timeout_s s ($out)"
	fresh=$(field ms "$out")
	echo "# round $r fresh tunnel: $fresh ms ($out)"
}

# round_done: the round's fresh tunnel and recovery (measure_recovery's) into the phase's
# samples.
round_done() {
	fresh_ms+=("$fresh")
	recovery_ms+=("$rec_ms")
	daemon_ms+=("$rec_sa_ms")
	daemon_step_ms+=("$rec_daemon_ms")
	ratios+=("$(calc "$rec_ms / $fresh")")
}

# phase BACKEND TARGET: the rounds of one backend, then its rows; TARGET is the ratio's.
phase() {
	local backend=$1
	fresh_ms=() recovery_ms=() daemon_step_ms=() daemon_ms=() ratios=()
	daemon_start "$backend"
	recovery_rounds "$rounds" measure_fresh "measure_recovery $backend"
	rec_daemon_stop
	all_fresh_ms+=("${fresh_ms[@]}")
	row "${backend}_recovery_median" "$(median "${recovery_ms[@]}")" ms "" "${recovery_ms[*]}"
	row "${backend}_fresh_tunnel_median" "$(median "${fresh_ms[@]}")" ms "" "${fresh_ms[*]}"
	row "${backend}_recovery_ratio" "$(median "${ratios[@]}")" recovery/fresh "$2" "${ratios[*]}"
	row "${backend}_recovery_ratio_iqr" "$(iqr "${ratios[@]}")" recovery/fresh
	row "${backend}_daemon_time_to_inbound_sa_median" "$(median "${daemon_ms[@]}")" ms "" \
		"${daemon_ms[*]}"
	if [ "$backend" = vici ]; then
		row vici_event_to_initiate_median "$(median "${daemon_step_ms[@]}")" ms "" \
			"${daemon_step_ms[*]}"
	else
		row native_event_to_first_ike_packet_median "$(median "${daemon_step_ms[@]}")" ms "< 5" \
			"${daemon_step_ms[*]}"
	fi
	row "${backend}_rounds_retried" "$rounds_retried" rounds
}

all_fresh_ms=()
phase native "<= 2"
recovery_next_phase bench-vici
phase vici "<= 1.2"
row fresh_tunnel_median "$(median "${all_fresh_ms[@]}")" ms "" "${all_fresh_ms[*]}"
