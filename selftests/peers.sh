#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The peer set on the packet path: with an empty set every source is
# reported (the mode for watching with monitor); with peers set, a miss from
# any other source counts as unknown-source and nothing else (no event, no
# table entry, no bucket), IPv4 and IPv6 prefixes match, "disabled" comes
# first, and every miss lands in exactly one outcome counter.  Then a short
# flood of spoofed sources during a peer's misses: with the set, every one
# of the peer's misses is an event and no spoofed source gets one; with the
# set empty, the same flood drains the namespace bucket.
source "$(dirname "$0")/lib.sh"

FLOOD=$TOOLS/spi_flood

require_root_tools
[ -x "$FLOOD" ] || bail "$FLOOD is not built (make selftests-bin)"
load_module
topo_pair
listen_start ev "$NS_B"
sr_config "$NS_B" enabled=1 global-rate=1000000 global-burst=1000000

# peer_set PEER...: replace $NS_B's set; must succeed.
peer_set() {
	sr "$NS_B" peer-set "$@" || bail "peer-set $*"
}

# grown_by NAME N: $NS_B's counter NAME grew by N or more since snapshot.
grown_by() {
	test "$(delta "$NS_B" "$1")" -ge "$2"
}

# check_outcomes LABEL: "exactly one of" holds in $NS_B: the misses equal the sum of
# the outcome counters.
check_outcomes() {
	local -A c
	counters "$NS_B" c
	local misses=$((c[miss-ipv4-esp] + c[miss-ipv4-ah] + c[miss-ipv4-esp-udp] +
		c[miss-ipv6-esp] + c[miss-ipv6-ah] + c[miss-ipv6-esp-udp]))
	local outcomes=$((c[disabled] + c[unknown-source] + c[suppressed-source] +
		c[suppressed-global] + c[events-sent] + c[no-listener] + c[send-failed]))
	check_eq "$1: every miss has exactly one outcome ($misses misses)" "$misses" "$outcomes"
}

# --- empty set: everyone is reported -----------------------------------------
check_eq "a new namespace has no peers" "" "$(sr "$NS_B" dump-peers)"
snapshot "$NS_B"
t0=$(now_ns)
send_ab "esp:src=10.0.5.1,dst=$B4,spi=0x7001,seq=1"
check_event "empty set: a miss from any source is an event" ev \
	"$(ev proto=esp src=10.0.5.1 dst=$B4 spi=0x7001 seq=1)" "$t0"
check_deltas "empty set: counted as an event" "$NS_B" XfrmInNoStates=1 miss-ipv4-esp=1 \
	events-sent=1

# --- with peers -----------------------------------------------------------------
# 10.0.9.0/24 holds the barriers' sources.
peer_set $A4 10.0.7.0/24 10.0.9.0/24 $A6 2001:db8:77::/48
check_eq "peer-set: the dump lists the set, sorted" \
	"peer=10.0.0.1/32 peer=10.0.7.0/24 peer=10.0.9.0/24 peer=2001:db8:77::/48 peer=fd00::1/128" \
	"$(sr "$NS_B" dump-peers | tr '\n' ' ' | sed 's/ $//')"
sr "$NS_B" flush-sources

snapshot "$NS_B"
new_barrier "$B4"
send_ab "esp:src=10.0.5.1,dst=$B4,spi=0x7002,seq=1,count=5,sources=100" \
	"esp:src=10.0.8.1,dst=$B4,spi=0x7003,seq=1" "$BARRIER"
check_event "unknown sources: no event before the barrier's" ev \
	"$(ev proto=esp src=10.0.9.$BARRIERS dst=$B4 spi=$BARRIER_SPI seq=1)" 0
check_deltas "unknown sources: 501 misses, unknown-source +501, nothing else" "$NS_B" \
	XfrmInNoStates=502 miss-ipv4-esp=502 unknown-source=501 events-sent=1
check_eq "unknown sources: no entry in the source table" "" \
	"$(sr "$NS_B" dump-sources | grep -v "addr4=10.0.9.$BARRIERS ")"

snapshot "$NS_B"
t0=$(now_ns)
send_ab "esp:src=10.0.7.200,dst=$B4,spi=0x7004,seq=3"
check_event "a source inside a peer prefix (10.0.7.0/24) is reported" ev \
	"$(ev proto=esp src=10.0.7.200 dst=$B4 spi=0x7004 seq=3)" "$t0"
t0=$(now_ns)
send_ab "esp:src=$A4,dst=$B4,spi=0x7005,seq=4"
check_event "a peer /32 is reported" ev "$(ev proto=esp src=$A4 dst=$B4 spi=0x7005 seq=4)" "$t0"
check_deltas "peers: two events" "$NS_B" XfrmInNoStates=2 miss-ipv4-esp=2 events-sent=2

snapshot "$NS_B"
new_barrier "$B4"
t0=$(now_ns)
send_ab "esp:src=fd00::99,dst=$B6,spi=0x7006,seq=1" "ah:src=2001:db8:78::1,dst=$B6,spi=0x7007,seq=1" \
	"esp:src=2001:db8:77:ffff::1,dst=$B6,spi=0x7008,seq=5" "$BARRIER"
check_event "IPv6: a source inside 2001:db8:77::/48 is reported, the others are not" ev \
	"$(ev proto=esp src=2001:db8:77:ffff::1 dst=$B6 spi=0x7008 seq=5)" "$t0"
check_event "IPv6: then the barrier" ev \
	"$(ev proto=esp src=10.0.9.$BARRIERS dst=$B4 spi=$BARRIER_SPI seq=1)" "$t0"
check_deltas "IPv6: unknown-source +2" "$NS_B" XfrmInNoStates=4 miss-ipv6-esp=2 miss-ipv6-ah=1 \
	miss-ipv4-esp=1 unknown-source=2 events-sent=2

# Disabled comes first: a disabled namespace does not look at its peers.
sr_config "$NS_B" enabled=0
snapshot "$NS_B"
send_ab "esp:src=10.0.5.1,dst=$B4,spi=0x7009,seq=1" "esp:src=$A4,dst=$B4,spi=0x700a,seq=1"
wait_until 5 grown_by disabled 2
check_deltas "disabled: every miss counts as disabled, peer or not" "$NS_B" XfrmInNoStates=2 \
	miss-ipv4-esp=2 disabled=2
sr_config "$NS_B" enabled=1
check_outcomes "with peers"

# --- emptied again: monitor mode ----------------------------------------------
peer_set
check_eq "peer-set with no peers empties the set" "" "$(sr "$NS_B" dump-peers)"
t0=$(now_ns)
send_ab "esp:src=10.0.5.77,dst=$B4,spi=0x700b,seq=1"
check_event "emptied: a miss from any source is an event again" ev \
	"$(ev proto=esp src=10.0.5.77 dst=$B4 spi=0x700b seq=1)" "$t0"

# --- a flood of spoofed sources during a peer's misses -----------------------
# flood_round LABEL: the default limits, a flood from 20000 spoofed sources,
# 3 misses of $A4 during it, then the flood stopped; sets PEER_EVENTS,
# SPOOFED_EVENTS and the counter deltas.
flood_round() {
	local label=$1 i
	sr_config "$NS_B" source-rate=1 source-burst=5 global-rate=100 global-burst=200
	sr "$NS_B" flush-sources
	listen_stop ev
	listen_start ev "$NS_B"
	snapshot "$NS_B"
	in_ns_bg "$NS_A" "$TMP/flood.out" "$TMP/flood.err" "$FLOOD" -d $B4 -s 172.16.0.0 \
		-n 20000 -t 120
	local flood=$BG_PID
	# Generous: a debug kernel (KASAN) floods far slower than a stock one.
	wait_until 30 grown_by miss-ipv4-esp 1000 ||
		not_ok "$label: the flood reaches $NS_B" "$(cat "$TMP/flood.err")"
	for i in 1 2 3; do
		send_ab "esp:src=$A4,dst=$B4,spi=0x71$i$i,seq=$i"
		nap 0.3
	done
	tap_check "$label: the flood was still running when the peer's misses were sent" \
		kill -0 "$flood"
	kill -TERM "$flood"
	wait "$flood"
	note "$label: flood: $(cat "$TMP/flood.out")"
	new_barrier "$B4"
	sr_config "$NS_B" global-rate=1000000 global-burst=1000000
	send_ab "$BARRIER"
	# With the set empty thousands of events come: count them in one pass once the
	# barrier's is in, not one next_event at a time.
	wait_until 30 grep -q " spi=$BARRIER_SPI " "$TMP/ev.events" ||
		not_ok "$label: the barrier's event arrives" "$(tail -n 3 "$TMP/ev.events")"
	read -r PEER_EVENTS SPOOFED_EVENTS < <(awk -v peer="saddr4=$A4" -v barrier="spi=$BARRIER_SPI" '
		{ for (i = 1; i <= NF; i++) if ($i == barrier) exit }
		{ from_peer = 0; for (i = 1; i <= NF; i++) if ($i == peer) from_peer = 1 }
		{ if (from_peer) p++; else s++ }
		END { print p + 0, s + 0 }' "$TMP/ev.events")
}

peer_set $A4 10.0.9.0/24
flood_round "flood, with peers"
check_eq "flood, with peers: each of the peer's 3 misses is an event" 3 "$PEER_EVENTS"
check_eq "flood, with peers: no spoofed source gets an event" 0 "$SPOOFED_EVENTS"
check_eq "flood, with peers: the namespace bucket refused nothing" 0 \
	"$(delta "$NS_B" suppressed-global)"
tap_check "flood, with peers: the spoofed misses count as unknown-source" \
	test "$(delta "$NS_B" unknown-source)" -ge 1000
check_outcomes "flood, with peers"

peer_set
flood_round "flood, set empty"
tap_check "flood, set empty: spoofed sources get events ($SPOOFED_EVENTS)" \
	test "$SPOOFED_EVENTS" -gt 0
tap_check "flood, set empty: they drain the namespace bucket (suppressed-global $(delta "$NS_B" suppressed-global))" \
	test "$(delta "$NS_B" suppressed-global)" -gt 0
check_outcomes "flood, set empty"

finish
