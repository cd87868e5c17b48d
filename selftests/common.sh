# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# What every shell selftest, host or VM, shares: TAP output on one counter,
# time, waiting, and the kernel's xfrm counters. selftests/lib.sh (the module's
# selftests), selftests/recovery/lib.sh (the recovery scenario) and
# selftests/bench/lib.sh build on it. Sourcing it twice is harmless.

[ -n "${SPIRECOVERY_COMMON:-}" ] && return 0
SPIRECOVERY_COMMON=1

TAP_N=0 TAP_FAILED=0 TAP_SKIPPED=0 TAP_HEADER=

# ---- TAP --------------------------------------------------------------------

tap_line() {
	[ -n "$TAP_HEADER" ] || { echo "TAP version 13"; TAP_HEADER=1; }
	TAP_N=$((TAP_N + 1))
	echo "$1 $TAP_N $2"
}

ok() { tap_line ok "$1"; }

# not_ok DESC [DETAIL...]: each detail becomes a diagnostic line.
not_ok() {
	TAP_FAILED=$((TAP_FAILED + 1))
	tap_line "not ok" "$1"
	shift
	local detail
	for detail in "$@"; do
		printf '%s\n' "$detail" | sed 's/^/#   /'
	done
}

# skip DESC REASON
skip() {
	TAP_SKIPPED=$((TAP_SKIPPED + 1))
	tap_line ok "$1 # SKIP $2"
}

note() { echo "# $*"; }

# tap_check DESC COMMAND...: the command's status is the result.
tap_check() {
	local desc=$1
	shift
	if "$@"; then
		ok "$desc"
	else
		not_ok "$desc"
	fi
}

# check_cmd DESC COMMAND...: the same, with the command's output on failure.
check_cmd() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$desc"
	else
		not_ok "$desc" "command failed: $*" "$out"
	fi
}

# check_eq DESC EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "expected: $2" "got:      $3"
	fi
}

# check_range DESC MIN MAX ACTUAL (integers, inclusive)
check_range() {
	if [[ "$4" =~ ^[0-9]+$ ]] && [ "$4" -ge "$2" ] && [ "$4" -le "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "expected: $2..$3" "got:      $4"
	fi
}

# tap_done: the plan and the totals; returns whether everything passed.
tap_done() {
	[ -n "$TAP_HEADER" ] || { echo "TAP version 13"; TAP_HEADER=1; }
	echo "1..$TAP_N"
	echo "# Totals: pass:$((TAP_N - TAP_FAILED - TAP_SKIPPED)) fail:$TAP_FAILED skip:$TAP_SKIPPED"
	[ "$TAP_FAILED" -eq 0 ]
}

# finish: tap_done, and exit with its status.
finish() {
	tap_done
	exit
}

# bail DESC [DETAIL...]: the script cannot go on (setup failed): one failure, then exit.
bail() {
	not_ok "$@"
	finish
}

# ---- time and waiting ---------------------------------------------------------

# now_ns: CLOCK_REALTIME in nanoseconds, rounded down to the microsecond.
now_ns() {
	local t=$EPOCHREALTIME
	echo "${t/./}000"
}

# now_ms: CLOCK_REALTIME in milliseconds.
now_ms() {
	local t=$EPOCHREALTIME
	t=${t/./}
	echo "${t:0:-3}"
}

# nap SECONDS: sleep without forking (under TCG a fork costs milliseconds): read
# a FIFO that never has data.
common_fifo_dir=$(mktemp -d)
mkfifo "$common_fifo_dir/nap"
exec {NAP_FD}<>"$common_fifo_dir/nap"
rm -rf "$common_fifo_dir"
unset common_fifo_dir
nap() {
	read -rt "$1" -u "$NAP_FD" || :
}

# wait_until TIMEOUT_S COMMAND...: poll every 50 ms until the command succeeds.
wait_until() {
	local deadline=$(($(now_ms) + $1 * 1000))
	shift
	until "$@"; do
		[ "$(now_ms)" -ge "$deadline" ] && return 1
		nap 0.05
	done
}

# ---- the kernel's counters ------------------------------------------------------

# xfrm_stat NS NAME: a counter of /proc/net/xfrm_stat in network namespace NS.
xfrm_stat() {
	ip netns exec "$1" awk -v k="$2" '$1 == k { print $2 }' /proc/net/xfrm_stat
}
