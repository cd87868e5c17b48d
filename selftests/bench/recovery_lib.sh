#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The recovery benchmarks' scenario and measurements, shared by bench_recovery.sh and
# bench_flood_recovery.sh (sourced after lib.sh and bench_begin): the scenario of
# selftests/recovery/lib.sh (IPv4, A with start_action = trap), spirecoveryd with one
# backend in B, recovery_probe.py in A, what the daemon logged, one recovery measured,
# and rounds that are measured again from the start when they could not be set up.
#
#   recovery_scenario LOG_NAME [NAT]
#                                   the module, A, B and the tunnel up (NAT: rec_setup's)
#   recovery_next_phase LOG_NAME    keep the phase's logs, start a new daemon log
#   daemon_start BACKEND            spirecoveryd in B with only that backend
#   measure_recovery BACKEND [censored]
#   recovery_rounds ROUNDS STEP...  rounds of the STEPs (commands), rotated, retried

# shellcheck source=selftests/recovery/lib.sh
. "$repo/selftests/recovery/lib.sh"

interval=${BENCH_RECOVERY_INTERVAL:-0.01}
timeout_s=${BENCH_RECOVERY_TIMEOUT:-30}
retries_max=${BENCH_RECOVERY_RETRIES:-3}
probe=$bench_dir/recovery_probe.py

# recovery_scenario LOG_NAME [NAT]: the module loaded, strongSwan A and B started and the
# tunnel up, with NAT (a, b, a-random, b-random) A or B behind a masquerading router; the
# logs go to build/recovery/LOG_NAME/.
recovery_scenario() {
	local setup_status
	[ -x "$REC_DAEMON" ] || cannot_measure "$REC_DAEMON is missing (make daemon)"
	[ -x /usr/lib/ipsec/charon ] || cannot_measure "strongSwan's charon is not installed"
	module_available || cannot_measure "spirecovery.ko is not installed for $(uname -r) (make modules)"
	modprobe spirecovery || cannot_measure "modprobe spirecovery failed"
	on_exit rmmod spirecovery
	REC_LOG_NAME=$1
	rec_setup 4 no trap ${2:+"$2"}
	setup_status=$?
	# rec_setup took the EXIT trap for rec_cleanup: the JSON must still be written.
	trap bench_end EXIT
	on_exit rec_cleanup
	[ "$setup_status" -eq 0 ] ||
		cannot_measure "strongSwan A and B did not start (build/recovery/$1/)"
	wait_until 30 rec_ping_ok ||
		cannot_measure "the tunnel does not come up (build/recovery/$1/)"
	daemon_log=$REC_DIR/spirecoveryd.log
}

# recovery_next_phase LOG_NAME: the phase's daemon log goes to build/recovery/ with the
# charons' logs, the next phase starts a log of its own (rec_daemon_start looks for its
# start line in it) and keeps it under LOG_NAME.
recovery_next_phase() {
	rec_save_logs
	rm -f "$daemon_log"
	REC_LOG_NAME=$1
}

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

# measure_recovery BACKEND [censored]: B reboots with recovery disabled, recovery is
# enabled, the probe measures until A's first reply. Sets rec_ms, rec_sa_ms (the
# daemon's dropped packet -> B's new inbound SA) and rec_daemon_ms (native: event ->
# first IKE packet; vici: event -> asking charon to initiate). Returns 1, the reason in
# setup_error, when the round could not be set up. No recovery within the timeout stops
# the benchmark, unless "censored": then rec_ms is the timeout, rec_timed_out 1, and the
# daemon's numbers are empty. With $flooding set, B's XfrmInNoStates grows anyway: that
# A sent on its stale SA is then shown by the daemon's recovery alone.
measure_recovery() {
	local backend=$1 censored=${2:-} out drops_before drops log_lines us
	rec_ms= rec_sa_ms= rec_daemon_ms= rec_timed_out=0
	wait_until 30 rec_ping_ok || {
		setup_error="the tunnel is not up before B reboots"
		return 1
	}
	rec_module_enable 0 >/dev/null
	rec_reboot_b || {
		setup_error="B's charon did not start again"
		return 1
	}
	rec_module_enable 1 >/dev/null || cannot_measure "round $r: cannot enable recovery in B"
	drops_before=$(xfrm_stat "$REC_NS_B" XfrmInNoStates)
	log_lines=$(wc -l <"$daemon_log")
	if ! out=$(run_probe); then
		[ -n "$censored" ] ||
			cannot_measure "round $r: no recovery ($backend) within $timeout_s s ($out)"
		rec_ms=$((timeout_s * 1000)) rec_timed_out=1
		echo "# round $r recovery ($backend): none within $timeout_s s ($out)"
		return 0
	fi
	drops=$(($(xfrm_stat "$REC_NS_B" XfrmInNoStates) - drops_before))
	[ -n "${flooding:-}" ] || [ "$drops" -ge 1 ] ||
		cannot_measure "round $r: B dropped nothing: A did not send on its stale SA ($out)"
	rec_ms=$(field ms "$out")
	echo "# round $r recovery ($backend): $rec_ms ms, B dropped $drops ($out)"

	wait_until 10 daemon_recovered_since "$log_lines" ||
		cannot_measure "round $r: traffic flows but the daemon saw no new inbound SA ($backend)"
	rec_sa_ms=$(daemon_number "$log_lines" "recovered: .* installed" "ms after the dropped packet")
	[ -n "$rec_sa_ms" ] || cannot_measure "round $r: the daemon's recovered line has no time"
	if [ "$backend" = native ]; then
		us=$(daemon_number "$log_lines" "native: first IKE packet sent" "us after the event")
		[ -n "$us" ] || cannot_measure "round $r: no 'first IKE packet sent' line in the daemon's log"
		rec_daemon_ms=$(calc "$us / 1000")
		echo "# round $r daemon: first IKE packet $us us after the event," \
			"inbound SA $rec_sa_ms ms after the dropped packet"
	else
		# A's event, not a spoofed source's (a flood with the peer set empty).
		rec_daemon_ms=$(daemon_ms_between "$log_lines" "invalid SPI: .* from $REC_A to " \
			"vici: initiating")
		[ -n "$rec_daemon_ms" ] ||
			cannot_measure "round $r: no 'vici: initiating' line in the daemon's log"
		echo "# round $r daemon: vici initiate $rec_daemon_ms ms after the event," \
			"inbound SA $rec_sa_ms ms after the dropped packet"
	fi
}

# recovery_rounds ROUNDS STEP...: ROUNDS rounds, each running every STEP (a command
# line) in the round's rotated order (rotated_states), then the benchmark's round_done.
# A step returns 1, the reason in setup_error, when it could not set its measurement up
# (a slow step: SAs not yet gone, the tunnel not yet up); the round is then measured
# again from the start, at most BENCH_RECOVERY_RETRIES (3) times per call. Sets
# rounds_retried.
recovery_rounds() {
	local rounds=$1 r steps step ok
	shift
	rounds_retried=0
	for ((r = 1; r <= rounds; r++)); do
		mapfile -t steps < <(rotated_states "$r" "$@")
		ok=1
		for step in "${steps[@]}"; do
			# The step is a command with its arguments.
			$step || {
				ok=0
				break
			}
		done
		if ((ok)); then
			round_done
			continue
		fi
		((rounds_retried < retries_max)) ||
			cannot_measure "round $r: $setup_error (after $rounds_retried rounds measured again)"
		rounds_retried=$((rounds_retried + 1))
		echo "# round $r: $setup_error: measuring the round again ($rounds_retried of at most $retries_max)"
		r=$((r - 1))
	done
}
