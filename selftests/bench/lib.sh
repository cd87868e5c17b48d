#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Shared by the bench_*.sh scripts (sourced, inside the VM): result rows,
# statistics, the veth pair between two network namespaces, and the module.
# The contract a benchmark follows is at the top of selftests/bench/run.sh.

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$bench_dir/../.." && pwd)
build=${SPIRECOVERY_BUILD:-$repo/build}
# shellcheck source=selftests/common.sh
source "$repo/selftests/common.sh"
out_dir=$build/bench
# The selftests' raw generic-netlink tools (make -C selftests): they start in
# milliseconds, which keeps the two halves of a round close in time.
genl_request=$build/selftests/genl_request
event_listen=$build/selftests/event_listen

# bench_begin NAME: start collecting rows for build/bench/NAME.json; the file
# is written when the script exits, whatever way it exits.
bench_begin() {
	bench_name=$1
	bench_tmp=$out_dir/$bench_name.d
	rm -rf "$bench_tmp"
	mkdir -p "$bench_tmp"
	: >"$bench_tmp/rows"
	: >"$bench_tmp/errors"
	bench_cleanups=()
	trap bench_end EXIT
	# A timeout's SIGTERM still cleans up and writes the JSON.
	trap 'exit 143' TERM INT
}

# row METRIC VALUE UNIT [TARGET [SAMPLES]]: TARGET as "op number", e.g.
# ">= 0.99"; SAMPLES space-separated. A row without a target only informs.
row() {
	printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4:-}" "${5:-}" >>"$bench_tmp/rows"
	printf '# %s = %s %s%s\n' "$1" "$2" "$3" "${4:+ (target $4)}"
}

# cannot_measure MESSAGE: record why, and stop the benchmark (status 1).
cannot_measure() {
	echo "$*" >>"$bench_tmp/errors"
	echo "# could not measure: $*" >&2
	exit 1
}

# on_exit COMMAND...: run at the end (in reverse order), before the JSON is written.
on_exit() {
	bench_cleanups+=("$*")
}

bench_end() {
	local rc=$? i
	for ((i = ${#bench_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${bench_cleanups[i]}" >/dev/null 2>&1
	done
	if [ "$rc" -ne 0 ] && [ ! -s "$bench_tmp/errors" ]; then
		echo "bench_$bench_name.sh stopped with status $rc" >>"$bench_tmp/errors"
	fi
	python3 "$bench_dir/results.py" write "$bench_name" "$bench_tmp/rows" \
		"$bench_tmp/errors" "$out_dir/$bench_name.json" || rc=1
	rm -rf "$bench_tmp"
	exit "$rc"
}

# Statistics over the numbers given as arguments (awk: floats, no python start-up).
mean() {
	printf '%s\n' "$@" | awk '{ s += $1 } END { if (NR) printf "%.6g\n", s / NR }'
}
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
		END { if (NR) printf "%.6g\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# iqr: interquartile range (linear interpolation), how far apart the middle
# half of the values lie: the noise a ratio's target has to be read against.
iqr() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
		function q(p,  h, i) { h = (NR - 1) * p + 1; i = int(h)
			return i < NR ? v[i] + (h - i) * (v[i + 1] - v[i]) : v[NR] }
		END { if (NR) printf "%.6g\n", q(0.75) - q(0.25) }'
}
# calc EXPRESSION: evaluate with awk, e.g. calc "$a / $b".
calc() {
	awk "BEGIN { printf \"%.6g\\n\", $1 }"
}

# veth_pair NS_A ADDR_A NS_B ADDR_B: two new namespaces joined by veth0 (/24),
# removed at exit. Reverse-path filtering is off in NS_B so that it accepts
# packets from sources it has no route back to.
veth_pair() {
	local a=$1 addr_a=$2 b=$3 addr_b=$4 ns
	ip netns add "$a" && on_exit ip netns del "$a" || cannot_measure "ip netns add $a failed"
	ip netns add "$b" && on_exit ip netns del "$b" || cannot_measure "ip netns add $b failed"
	ip link add veth0 netns "$a" type veth peer name veth0 netns "$b" ||
		cannot_measure "cannot create a veth pair"
	ip -n "$a" addr add "$addr_a/24" dev veth0
	ip -n "$b" addr add "$addr_b/24" dev veth0
	for ns in "$a" "$b"; do
		ip -n "$ns" link set lo up
		ip -n "$ns" link set veth0 up
	done
	ip netns exec "$b" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.veth0.rp_filter=0
	ip netns exec "$a" ping -c 1 -W 5 -q "$addr_b" >/dev/null ||
		cannot_measure "no connectivity over the veth pair $a - $b"
}

# module_available: the module of the running kernel is installed for modprobe.
module_available() {
	modinfo spirecovery >/dev/null 2>&1
}

# module_load_enabled NS [NAME=VALUE...]: load the module and enable it in NS
# with the given configuration (names as in the YNL spec, e.g. global-rate).
module_load_enabled() {
	local ns=$1
	shift
	[ -x "$genl_request" ] || cannot_measure "$genl_request is missing (make -C selftests)"
	modprobe spirecovery || cannot_measure "modprobe spirecovery failed"
	ip netns exec "$ns" "$genl_request" set-config enabled=1 "$@" ||
		cannot_measure "enabling the module in $ns failed"
}

# module_stat NS NAME: one counter of GET_STATS in NS (e.g. events-sent).
module_stat() {
	ip netns exec "$1" "$genl_request" get-stats | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# module_unload: the "without" state of every comparison: not loaded at all.
module_unload() {
	if grep -q '^spirecovery ' /proc/modules; then
		rmmod spirecovery || cannot_measure "rmmod spirecovery failed"
	fi
}

# rotated_states ROUND STATE...: the STATEs in the order of round ROUND (from 1):
# each round starts one further along, so that every state goes first in turn.
rotated_states() {
	local round=$1 i
	shift
	for ((i = 0; i < $#; i++)); do
		echo "${@:$(((round - 1 + i) % $# + 1)):1}"
	done
}

# alternate_rounds ROUNDS [STATE...]: ROUNDS rounds of the benchmark's measure_STATE
# for each STATE (default: without with), each round followed by its round_done;
# the order rotates (rotated_states), so that a steady drift of the machine's load
# favours none. Past ROUNDS, rounds go on while the benchmark's more_rounds, if it
# has one, succeeds. Without the module only measure_without runs. Ends with the
# module unloaded.
alternate_rounds() {
	local rounds=$1 r state
	shift
	[ $# -gt 0 ] || set -- without with
	for ((r = 1; ; r++)); do
		((r <= rounds)) || { declare -F more_rounds >/dev/null && more_rounds; } || break
		if ! module_available; then
			measure_without
			continue
		fi
		for state in $(rotated_states "$r" "$@"); do
			"measure_$state"
		done
		round_done
	done
	module_unload
}
