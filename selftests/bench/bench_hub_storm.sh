#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 13, storm control: hub B reboots and all of its N spokes are stale at once. How long
# until every spoke's traffic is back, against how long one spoke alone takes, in the same
# run; and how many spokes never recover.
#
#   ns rec-a: N spokes, one charon with N connections    ns rec-b: hub B, one charon with a
#   (192.0.2.10.., inner 10.0.100.1.., start_action trap) -- %any connection, spirecoveryd
#
# The topology of selftests/recovery/storm.sh. Per backend (BENCH_HUB_STORM_BACKENDS, "vici
# native": vici with one peer section for the hub's prefix, native with a section per spoke)
# BENCH_HUB_STORM_ROUNDS (1) rounds of two measurements, in an order that rotates:
#
#   one    B reboots (charon SIGKILLed, SAD and SPD flushed, charon started again), recovery
#          is enabled, and only spoke 1 sends: an echo request every BENCH_HUB_STORM_INTERVAL
#          (0.2) s until its first reply
#   storm  the same with every spoke sending at once (recovery_probe.py --all), until each
#          has had a reply or BENCH_HUB_STORM_TIMEOUT (600) s passed
#
# The target is on storm / one (time until the last spoke's first reply over the time of
# the one spoke) and on the spokes that never got a reply. N is BENCH_HUB_STORM_N (100, at
# most 200; 10 for a quick look); the daemon runs with its default max-exchanges unless
# BENCH_HUB_STORM_MAX_EXCHANGES is set, and both charons with strongSwan's 16 worker threads
# unless BENCH_HUB_STORM_CHARON_THREADS is set (a vici initiate holds one until it ends).
#
# What bounds the storm on this machine: the CPU time both charons (A's N spokes and B) and
# spirecoveryd spent in the storm, over the CPUs there are, is a time no concurrency can
# beat; cpu_bound_ratio is that time over the one spoke's, the floor under storm_ratio here.
# Logs: build/recovery/bench-hub-storm-vici/, build/recovery/bench-hub-storm-native/.
set -u
. "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/recovery/lib.sh
. "$repo/selftests/recovery/lib.sh"
# shellcheck source=selftests/recovery/storm.sh
. "$repo/selftests/recovery/storm.sh"
bench_begin hub_storm

spokes=${BENCH_HUB_STORM_N:-100}
rounds=${BENCH_HUB_STORM_ROUNDS:-1}
storm_timeout=${BENCH_HUB_STORM_TIMEOUT:-600}
STORM_INTERVAL=${BENCH_HUB_STORM_INTERVAL:-0.2}
max_exchanges=${BENCH_HUB_STORM_MAX_EXCHANGES:-}
REC_CHARON_THREADS=${BENCH_HUB_STORM_CHARON_THREADS:-}

[ -x "$REC_DAEMON" ] || cannot_measure "$REC_DAEMON is missing (make daemon)"
[ -x /usr/lib/ipsec/charon ] || cannot_measure "strongSwan's charon is not installed"
module_available || cannot_measure "spirecovery.ko is not installed for $(uname -r) (make modules)"
modprobe spirecovery || cannot_measure "modprobe spirecovery failed"
on_exit rmmod spirecovery
REC_LOG_NAME=bench-hub-storm-vici
storm_setup "$spokes"
setup_status=$?
# storm_setup took the EXIT trap for rec_cleanup: the JSON must still be written.
trap bench_end EXIT
on_exit rec_cleanup
[ "$setup_status" -eq 0 ] || cannot_measure "strongSwan B and the $spokes spokes did not start"

field() {
	tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"
}

# reboot_b: B loses everything with recovery off, then recovery is on again.
reboot_b() {
	rec_module_enable 0 >/dev/null
	rec_reboot_b || cannot_measure "round $r: B's charon did not start again"
	rec_module_enable 1 >/dev/null || cannot_measure "round $r: cannot enable recovery in B"
}

# measure_one: sets one_ms.
measure_one() {
	local out
	reboot_b
	out=$(storm_probe "$storm_timeout" "$(storm_inner 1)") ||
		cannot_measure "round $r: spoke 1 alone did not recover within $storm_timeout s ($backend)"
	one_ms=$(field ms "$out")
	echo "# round $r one spoke ($backend): $one_ms ms"
}

# cpu_ms PID...: the CPU time (user + system) the processes have used so far, in ms.
cpu_ms() {
	local pid ticks=0 t
	for pid in "$@"; do
		# utime and stime: the 14th and 15th fields, after the parenthesised name.
		t=$(sed 's/.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }') ||
			cannot_measure "round $r: process $pid is gone"
		ticks=$((ticks + t))
	done
	echo $((ticks * 1000 / $(getconf CLK_TCK)))
}

# measure_storm: sets storm_ms (the timeout when a spoke never recovered), never and cpu_ms.
measure_storm() {
	local out charons_before daemon_before charons_ms daemon_ms
	reboot_b
	charons_before=$(cpu_ms "$(rec_charon_pid A)" "$(rec_charon_pid B)")
	daemon_before=$(cpu_ms "$REC_DAEMON_PID")
	out=$(storm_probe "$storm_timeout")
	charons_ms=$(($(cpu_ms "$(rec_charon_pid A)" "$(rec_charon_pid B)") - charons_before))
	daemon_ms=$(($(cpu_ms "$REC_DAEMON_PID") - daemon_before))
	cpu_ms=$((charons_ms + daemon_ms))
	never=$(field never "$out")
	storm_ms=$(field ms "$out")
	[ -n "$never" ] || cannot_measure "round $r: the probe printed no result ($out)"
	[ "$never" -eq 0 ] || storm_ms=$((storm_timeout * 1000))
	echo "# round $r storm ($backend): $(field recovered "$out") of $spokes recovered," \
		"the last after $storm_ms ms, the first after $(field first_ms "$out") ms;" \
		"the charons used $charons_ms ms of CPU, the daemon $daemon_ms ms"
}

phase() {
	local out
	backend=$1
	one=() storm=() ratios=() nevers=() cpus=() floors=()
	REC_LOG_NAME=bench-hub-storm-$backend
	storm_daemon_config "$backend" "hold-down = 1" "log-level = info" \
		${max_exchanges:+"max-exchanges = $max_exchanges"} \
		"$([ "$backend" = vici ] && echo "vici-socket = $REC_DIR/B/run/charon.vici")"
	rec_daemon_start || cannot_measure "spirecoveryd did not start ($backend backend)"
	# The bound the daemon runs with, as its status shows it.
	row "${backend}_max_exchanges" "$(sed -n 's/.*"max_exchanges": \([0-9]*\).*/\1/p' \
		"$REC_DIR/spirecoveryd.status.json")" recoveries
	rec_module_enable 1 >/dev/null || cannot_measure "cannot enable recovery in B"
	# Every tunnel up (negotiated on demand, or recovered from the last phase's storm).
	out=$(storm_probe "$storm_timeout") ||
		cannot_measure "not every spoke's tunnel came up ($backend): $out"
	for ((r = 1; r <= rounds; r++)); do
		for step in $(rotated_states "$r" one storm); do
			"measure_$step"
		done
		one+=("$one_ms") storm+=("$storm_ms") nevers+=("$never") cpus+=("$cpu_ms")
		ratios+=("$(calc "$storm_ms / $one_ms")")
		floors+=("$(calc "$cpu_ms / $(nproc) / $one_ms")")
	done
	rec_daemon_stop
	rec_save_logs
	rm -f "$REC_DIR/spirecoveryd.log"
	row "${backend}_one_spoke_median" "$(median "${one[@]}")" ms "" "${one[*]}"
	row "${backend}_all_spokes_median" "$(median "${storm[@]}")" ms "" "${storm[*]}"
	row "${backend}_storm_ratio" "$(median "${ratios[@]}")" all/one "<= 5" "${ratios[*]}"
	row "${backend}_never_recovered" "$(printf '%s\n' "${nevers[@]}" | sort -n | tail -n 1)" \
		spokes "== 0" "${nevers[*]}"
	row "${backend}_storm_ike_cpu_median" "$(median "${cpus[@]}")" ms "" "${cpus[*]}"
	row "${backend}_cpu_bound_ratio" "$(median "${floors[@]}")" cpu/one "" "${floors[*]}"
}

row spokes "$spokes" spokes
row cpus "$(nproc)" cpus
row charon_threads "${REC_CHARON_THREADS:-16}" threads
for backend in ${BENCH_HUB_STORM_BACKENDS:-vici native}; do
	phase "$backend"
done
