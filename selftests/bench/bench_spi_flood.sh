#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Invalid-SPI flood from many spoofed sources: what the receiver absorbs with
# the module enabled (and a listener draining "events") vs not loaded, how
# many events get out, and whether the module's memory grows.
#
#   ns a (10.80.0.1) ---- veth ---- ns b (10.80.0.2, no SAs, rp_filter 0)
#   a: build/bench/spi_flood sends ESP with random SPIs from 10.128.0.0 + 0..65535
#
# Rounds as in bench_esp_throughput.sh: each measures both states back to
# back, which goes first alternating. Absorbed = XfrmInNoStates growth in b
# over the flood / its duration. Events are bounded by the global limit:
# from just before the flood to just after it, events <= rate x seconds +
# burst, counted by the listener and by the module itself. From the
# events' kernel timestamps, the largest excess of any window over
# rate x length is shown too; it should be about the burst.
set -u
. "$(dirname "$0")/lib.sh"
bench_begin spi_flood

rounds=${BENCH_FLOOD_ROUNDS:-4}
seconds=${BENCH_FLOOD_SECONDS:-10}
sources=${BENCH_FLOOD_SOURCES:-65536}
# The module's defaults, set explicitly: the bound below depends on them.
source_rate=1 source_burst=5 global_rate=100 global_burst=200
a=bf-a-$$ b=bf-b-$$
addr_a=10.80.0.1 addr_b=10.80.0.2
flood=$out_dir/spi_flood

[ -x "$flood" ] || cannot_measure "$flood is missing (make -C selftests/bench)"
[ -x "$event_listen" ] || cannot_measure "$event_listen is missing (make -C selftests)"
modprobe -a esp4 xfrm_user || cannot_measure "cannot load esp4"
module_unload
# event_listen asks for a 1 MiB receive buffer, room for the burst even when
# the busy host deschedules it; the default rmem_max would cap that.
rmem_max=$(sysctl -n net.core.rmem_max)
sysctl -qw net.core.rmem_max=$((1 << 20))
on_exit sysctl -qw net.core.rmem_max="$rmem_max"
veth_pair "$a" "$addr_a" "$b" "$addr_b"

# meminfo FIELD: kB.
meminfo() {
	awk -v f="$1:" '$1 == f { print $2 }' /proc/meminfo
}
# module_size: the size column of /proc/modules for spirecovery, in bytes.
module_size() {
	awk '$1 == "spirecovery" { print $2 }' /proc/modules
}

# flood_once STATE: one flood; appends absorbed packets/s to pps_STATE and
# the SUnreclaim growth over the flood to slab_STATE. With the module, also
# sets sent_before, sent_after (events-sent) and window (seconds between them).
flood_once() {
	local state=$1 before after result sent secs used slab_before start
	slab_before=$(meminfo SUnreclaim)
	before=$(xfrm_stat "$b" XfrmInNoStates)
	if [ "$state" = with ]; then
		sent_before=$(module_stat "$b" events-sent)
		start=$EPOCHREALTIME
	fi
	result=$(ip netns exec "$a" "$flood" -d $addr_b -n "$sources" -t "$seconds") ||
		cannot_measure "spi_flood failed (round $r, $state the module)"
	sleep 1 # let the backlog drain
	if [ "$state" = with ]; then
		window=$(calc "$EPOCHREALTIME - $start")
		sent_after=$(module_stat "$b" events-sent)
		[ -n "$sent_before" ] && [ -n "$sent_after" ] ||
			cannot_measure "cannot read the module's events-sent (round $r)"
	fi
	after=$(xfrm_stat "$b" XfrmInNoStates)
	eval "slab_$state+=($(($(meminfo SUnreclaim) - slab_before)))"
	sent=$(sed -n 's/.*sent=\([0-9]*\).*/\1/p' <<<"$result")
	secs=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<<"$result")
	used=$(sed -n 's/.*sources=\([0-9]*\).*/\1/p' <<<"$result")
	[ -n "$sent" ] && [ -n "$secs" ] && [ -n "$used" ] ||
		cannot_measure "spi_flood said '$result'"
	((used < min_sources)) && min_sources=$used
	eval "pps_$state+=($(calc "($after - $before) / $secs"))"
	echo "# round $r $state the module: sent $sent in ${secs}s," \
		"b absorbed $((after - before)) ($(calc "($after - $before) / $secs") packets/s)"
}

measure_without() {
	module_unload
	flood_once without
}

# measure_with: the module loaded and enabled in b, and a listener in b
# (event_listen) draining the events; flood_once reads the module's
# events-sent just before and just after the flood. Appends one line to
# $bench_tmp/events: received sent bound excess overruns.
measure_with() {
	local log=$events_tmp/events-$r ready=$events_tmp/ready-$r size_before i received excess
	module_load_enabled "$b" source-rate=$source_rate source-burst=$source_burst \
		global-rate=$global_rate global-burst=$global_burst
	ip netns exec "$b" "$event_listen" -t 86400000 -r "$ready" >"$log" &
	listener=$!
	for ((i = 0; i < 300; i++)); do
		[ -e "$ready" ] || ! kill -0 $listener 2>/dev/null && break
		sleep 0.1
	done
	[ -e "$ready" ] || cannot_measure "the event listener did not start (round $r)"
	size_before=$(module_size)
	flood_once with
	size_growth=$((size_growth + $(module_size) - size_before))
	kill -TERM $listener
	wait $listener 2>/dev/null
	listener=
	cp "$log" "$bench_tmp/"

	received=$(grep -c 'timestamp=' "$log")
	# max over windows [i, j] of (j - i + 1) - rate * (t_j - t_i): one pass
	# keeping the smallest i - rate * t_i so far (times relative to the first).
	excess=$(grep -o 'timestamp=[0-9]*' "$log" | cut -d= -f2 | sort -n |
		awk -v rate=$global_rate '
			NR == 1 { t0 = $1 }
			{ here = NR - rate * ($1 - t0) / 1e9
			  if (NR == 1 || here < low) low = here
			  if (here - low + 1 > max) max = here - low + 1 }
			END { printf "%.2f\n", max }')
	echo "$received $((sent_after - sent_before))" \
		"$(calc "int($global_rate * $window + $global_burst)") $excess" \
		"$(grep -c '^overrun' "$log")" >>"$bench_tmp/events"
}

# The listener writes to memory, not to build/: that is a 9p mount, whose
# writes are round trips to qemu's host side, which the "without" side does
# not pay. (Measured on 6.12 the ratio hardly moved: 0.885 against 0.894.)
events_tmp=$(mktemp -d /dev/shm/spi_flood.XXXXXX)
on_exit "rm -rf $events_tmp"
pps_without=() pps_with=() slab_without=() slab_with=() ratios=()
min_sources=$sources size_growth=0 listener=
on_exit '[ -n "$listener" ] && kill -TERM $listener'
round_done() { ratios+=("$(calc "${pps_with[-1]} / ${pps_without[-1]}")"); }
alternate_rounds "$rounds"

sum() {
	printf '%s\n' "$@" | awk '{ s += $1 } END { print s + 0 }'
}
row flood_sources "$min_sources" addresses ">= 65536"
row absorbed_without_median "$(median "${pps_without[@]}")" packets/s "" "${pps_without[*]}"
module_available || cannot_measure "spirecovery.ko is not installed for $(uname -r) (make modules)"
row absorbed_with_median "$(median "${pps_with[@]}")" packets/s "" "${pps_with[*]}"
row absorbed_ratio_of_means \
	"$(calc "$(mean "${pps_with[@]}") / $(mean "${pps_without[@]}")")" with/without
row absorbed_ratio "$(median "${ratios[@]}")" with/without ">= 0.9" "${ratios[*]}"
row absorbed_ratio_iqr "$(iqr "${ratios[@]}")" with/without

# Events: the round closest to its bound (received / bound) for the
# listener's count and for the module's, the largest window excess of all.
read -r received received_bound <<<"$(awk '{ print $1 / $3, $1, $3 }' "$bench_tmp/events" |
	sort -g | tail -n 1 | cut -d' ' -f2-)"
read -r sent sent_bound <<<"$(awk '{ print $2 / $3, $2, $3 }' "$bench_tmp/events" |
	sort -g | tail -n 1 | cut -d' ' -f2-)"
excess=$(awk '{ print $4 }' "$bench_tmp/events" | sort -g | tail -n 1)
overruns=$(awk '{ s += $5 } END { print s + 0 }' "$bench_tmp/events")
row events_received "$received" events "<= $received_bound"
row events_sent "$sent" events "<= $sent_bound"
# Informative only: the limiter reads a clock that moves in jiffies (and,
# under TCG, ticks late when the host is busy) while the timestamps are
# exact, so this exceeds the burst by rate x that lag (0.4 at HZ=250).
row events_max_window_excess "$excess" events
row listener_overruns "$overruns" times

row module_size_growth "$size_growth" bytes "== 0"
row slab_unreclaimable_growth_without "$(sum "${slab_without[@]}")" kB "" "${slab_without[*]}"
row slab_unreclaimable_growth_with "$(sum "${slab_with[@]}")" kB "" "${slab_with[*]}"
row slab_unreclaimable_growth_excess \
	$(($(sum "${slab_with[@]}") - $(sum "${slab_without[@]}"))) kB "<= 1024"
