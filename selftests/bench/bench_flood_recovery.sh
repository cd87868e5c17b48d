#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 12: A's recovery (native backend, then vici) while B receives a flood of invalid
# SPIs from spoofed sources, against the same recovery without it; with the peer set
# holding A, as spirecoveryd sets it, and, to show what the set buys, with it empty.
#
#   ns rec-a (192.0.2.1) ---- veth ---- ns rec-b (192.0.2.2, rp_filter 0)
#   A: charon (trap), recovery_probe.py, build/bench/spi_flood from 10.128.0.0 + 0..65535
#   B: charon (trap), spirecoveryd (one backend), the module with its default limits
#
# The scenario and the recovery of bench_recovery.sh (recovery_lib.sh): B reboots with
# recovery off, recovery is turned on, the probe times A's first request to its first
# reply. Per backend BENCH_FLOOD_RECOVERY_ROUNDS (3) rounds of three recoveries, in an
# order that rotates from round to round:
#
#   no_flood     nothing else
#   flood_peers  the flood running (from before B's reboot to the first reply), B's
#                peer set holding A: the target is on this one over no_flood
#   flood_empty  the same with the set empty (the module's behaviour without a set)
#
# The flood is spi_flood as fast as it goes from BENCH_FLOOD_SOURCES (65536) sources; a
# measurement starts once B has counted a miss from every one. Under the flood a
# recovery that does not come within BENCH_RECOVERY_TIMEOUT counts as that timeout (the
# ratio is then a lower bound; the rows count them). Events from non-peers during
# flood_peers: B's events-sent growth minus the events from A that the daemon logged, or
# the events from other sources it logged, whichever is larger.
# Logs: build/recovery/bench-flood-native/, build/recovery/bench-flood-vici/.
set -u
. "$(dirname "$0")/lib.sh"
. "$bench_dir/recovery_lib.sh"
bench_begin flood_recovery

rounds=${BENCH_FLOOD_RECOVERY_ROUNDS:-3}
sources=${BENCH_FLOOD_SOURCES:-65536}
flood=$out_dir/spi_flood

[ -x "$flood" ] || cannot_measure "$flood is missing (make -C selftests/bench)"
[ -x "$genl_request" ] || cannot_measure "$genl_request is missing (make -C selftests)"
recovery_scenario bench-flood-native
# The spoofed sources have no route back from B.
in_b sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.rec-b.rp_filter=0
flood_out=$REC_DIR/flood.out
# ping (rec_ping_ok, under the flood) would turn the kernel's netstamp_needed_key on
# and off, patching that static branch while the flood runs __netif_receive_skb_core
# on the other vCPU (6.12 under TCG: "Oops: int3"). guest-init.sh holds it on for
# the whole run, so every condition pays the time stamps alike.
flooding=
on_exit '[ -n "$flooding" ] && kill -TERM $flooding'

# peers_hold_a: B's peer set has A's address in it.
peers_hold_a() {
	in_b "$genl_request" dump-peers | grep -qx "peer=$REC_A/32"
}

# daemon_pushed_peers: spirecoveryd logged that it wrote its peer set.
daemon_pushed_peers() {
	grep -q 'module peer set: ' "$daemon_log"
}

# peers_pushed_by_daemon: right after the daemon started, it has written its configured
# peers as B's peer set ([module] peer-filter, on by default), and the set holds A.
peers_pushed_by_daemon() {
	wait_until 10 daemon_pushed_peers ||
		cannot_measure "spirecoveryd did not write its peer set ($daemon_log)"
	peers_hold_a || cannot_measure "A's address $REC_A is not in B's peer set (dump-peers)"
}

# flood_seen MISSES: B's XfrmInNoStates has grown by $sources since it was MISSES.
flood_seen() {
	(($(xfrm_stat "$REC_NS_B" XfrmInNoStates) - $1 >= sources))
}

# flood_start: spi_flood in A toward B's outer address until flood_stop; returns once B
# has counted a miss from every source.
flood_start() {
	flood_misses=$(xfrm_stat "$REC_NS_B" XfrmInNoStates)
	flood_time=$EPOCHREALTIME
	# ip netns exec execs it: $! is the flood, for flood_stop's signal.
	ip netns exec "$REC_NS_A" "$flood" -d "$REC_B" -n "$sources" -t 3600 >"$flood_out" &
	flooding=$!
	wait_until 30 flood_seen "$flood_misses" ||
		cannot_measure "round $r: B did not count $sources misses within 30 s of the flood's start"
}

# flood_stop: ends the flood; appends B's misses per second over it to flood_pps and
# lowers min_sources to its sources if fewer.
flood_stop() {
	local result used misses
	kill -TERM "$flooding"
	wait "$flooding"
	flooding=
	result=$(cat "$flood_out")
	used=$(field sources "$result")
	[ -n "$used" ] || cannot_measure "round $r: spi_flood said '$result'"
	((used < min_sources)) && min_sources=$used
	misses=$(($(xfrm_stat "$REC_NS_B" XfrmInNoStates) - flood_misses))
	flood_pps+=("$(calc "$misses / ($EPOCHREALTIME - $flood_time)")")
	echo "# round $r flood: $result, B counted ${flood_pps[-1]} misses/s"
}

# logged_events LINES WHICH: events the daemon logged after its first LINES lines, from
# A (WHICH = a) or from any other source (other).
logged_events() {
	daemon_log_since "$1" | grep 'invalid SPI: ' |
		if [ "$2" = a ]; then grep -c " from $REC_A to "; else grep -vc " from $REC_A to "; fi
}

# events_logged LINES SENT_BEFORE: the daemon has logged as many events as B sent since.
events_logged() {
	(($(logged_events "$1" a) + $(logged_events "$1" other) >= \
		$(module_stat "$REC_NS_B" events-sent) - $2))
}

# no_flood: a recovery; sets ms_no_flood.
no_flood() {
	measure_recovery "$backend" || return 1
	ms_no_flood=$rec_ms
}

# flood_peers: a recovery under the flood, A in B's peer set; sets ms_flood_peers,
# timeout_flood_peers and non_peer (events from non-peers).
flood_peers() {
	local lines sent_before from_a others
	peers_hold_a || cannot_measure "round $r: A is no longer in B's peer set"
	lines=$(wc -l <"$daemon_log")
	sent_before=$(module_stat "$REC_NS_B" events-sent)
	flood_start
	measure_recovery "$backend" censored || {
		flood_stop
		return 1
	}
	flood_stop
	ms_flood_peers=$rec_ms timeout_flood_peers=$rec_timed_out
	# The daemon reads its events asynchronously: let it log what was sent.
	wait_until 5 events_logged "$lines" "$sent_before"
	from_a=$(logged_events "$lines" a) others=$(logged_events "$lines" other)
	# Never below the events from other sources the daemon logged, nor below 0 (an
	# event of A's sent before sent_before but logged after lines).
	non_peer=$(($(module_stat "$REC_NS_B" events-sent) - sent_before - from_a))
	((others > non_peer)) && non_peer=$others
	((non_peer < 0)) && non_peer=0
	echo "# round $r flood_peers: $from_a events from A, $non_peer from non-peers"
}

# flood_empty: a recovery under the flood with B's peer set empty, then the set as it
# was; sets ms_flood_empty and timeout_flood_empty.
flood_empty() {
	local saved status=0
	saved=$(in_b "$genl_request" dump-peers | sed 's/^peer=//')
	in_b "$genl_request" peer-set || cannot_measure "round $r: cannot empty B's peer set"
	[ -z "$(in_b "$genl_request" dump-peers)" ] || cannot_measure "round $r: B's peer set is not empty"
	flood_start
	measure_recovery "$backend" censored || status=1
	flood_stop
	# shellcheck disable=SC2086 # one peer per word
	in_b "$genl_request" peer-set $saved || cannot_measure "round $r: cannot restore B's peer set"
	peers_hold_a || cannot_measure "round $r: A is not in B's restored peer set"
	ms_flood_empty=$rec_ms timeout_flood_empty=$rec_timed_out
	return $status
}

# round_done: the round's three recoveries into the phase's samples.
round_done() {
	no_flood_ms+=("$ms_no_flood")
	flood_peers_ms+=("$ms_flood_peers")
	flood_empty_ms+=("$ms_flood_empty")
	ratios+=("$(calc "$ms_flood_peers / $ms_no_flood")")
	empty_ratios+=("$(calc "$ms_flood_empty / $ms_no_flood")")
	timeouts_peers=$((timeouts_peers + timeout_flood_peers))
	timeouts_empty=$((timeouts_empty + timeout_flood_empty))
	non_peer_events=$((non_peer_events + non_peer))
}

# phase BACKEND: the rounds of one backend, then its rows.
phase() {
	backend=$1
	no_flood_ms=() flood_peers_ms=() flood_empty_ms=() ratios=() empty_ratios=()
	timeouts_peers=0 timeouts_empty=0 non_peer_events=0
	daemon_start "$backend"
	peers_pushed_by_daemon
	recovery_rounds "$rounds" no_flood flood_peers flood_empty
	rec_daemon_stop
	row "${backend}_no_flood_recovery_median" "$(median "${no_flood_ms[@]}")" ms "" \
		"${no_flood_ms[*]}"
	row "${backend}_flood_recovery_median" "$(median "${flood_peers_ms[@]}")" ms "" \
		"${flood_peers_ms[*]}"
	row "${backend}_flood_recovery_ratio" "$(median "${ratios[@]}")" flood/no-flood "<= 1.2" \
		"${ratios[*]}"
	row "${backend}_flood_recovery_ratio_iqr" "$(iqr "${ratios[@]}")" flood/no-flood
	row "${backend}_flood_timeouts" "$timeouts_peers" rounds
	row "${backend}_events_from_non_peers" "$non_peer_events" events "== 0"
	row "${backend}_flood_empty_set_recovery_median" "$(median "${flood_empty_ms[@]}")" ms "" \
		"${flood_empty_ms[*]}"
	row "${backend}_flood_recovery_ratio_empty_set" "$(median "${empty_ratios[@]}")" \
		flood/no-flood "" "${empty_ratios[*]}"
	row "${backend}_flood_empty_set_timeouts" "$timeouts_empty" rounds
	row "${backend}_rounds_retried" "$rounds_retried" rounds
}

flood_pps=() min_sources=$sources
phase native
recovery_next_phase bench-flood-vici
phase vici
row flood_sources "$min_sources" addresses ">= 65536"
row flood_absorbed_median "$(median "${flood_pps[@]}")" packets/s "" "${flood_pps[*]}"
