#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Rate limits and the source table: per-source bucket with the suppressed
# count carried by the next event, the per-namespace bucket across many
# (spoofed) sources, IPv6 sources grouped by prefix, the table dump and
# flush.  Bounds are timing tolerant: a bucket of rate R and burst B allows
# at most B + ceil(elapsed * R) events while packets are sent.
source "$(dirname "$0")/lib.sh"

require_root_tools
load_module
topo_pair
listen_start ev "$NS_B"

# allowed BURST RATE ELAPSED_NS: the most events a full bucket lets through.
allowed() {
	echo $(($1 + ($2 * $3 + 999999999) / 1000000000))
}

# source_entry NS KEY=VALUE: the dump line of the entry with that address.
source_entry() {
	sr "$1" dump-sources | grep -E "(^| )$2( |$)"
}

# events_until_barrier NAME: take events up to the barrier's; sets
# TAKEN (their number, barrier excluded) and TAKEN_LINES.
events_until_barrier() {
	TAKEN=0 TAKEN_LINES=()
	while next_event "$1"; do
		[ "$(kv spi "$EVENT")" = "$BARRIER_SPI" ] && return 0
		TAKEN=$((TAKEN + 1))
		TAKEN_LINES+=("$EVENT")
	done
	return 1
}

# --- per source ---------------------------------------------------------
sr_config "$NS_B" enabled=1 source-rate=1 source-burst=5 global-rate=1000000 \
	global-burst=1000000
snapshot "$NS_B"
new_barrier "$B4"
t0=$(now_ns)
send_ab "esp:src=10.0.1.1,dst=$B4,spi=0x8001,seq=1,count=20" "$BARRIER"
max=$(allowed 5 1 "$SEND_ELAPSED_NS")
events_until_barrier ev || not_ok "per source: barrier event" "missing"
check_range "per source (rate 1, burst 5): 20 misses, 5..$max events" 5 "$max" "$TAKEN"
want=
for i in 1 2 3 4 5; do
	want+="$(ev proto=esp src=10.0.1.1 dst=$B4 spi=0x8001 seq=$i)"$'\n'
done
got=
for line in "${TAKEN_LINES[@]:0:5}"; do
	got+="$(without "$line" timestamp)"$'\n'
done
check_eq "per source: the burst reports sequence numbers 1..5, nothing suppressed yet" \
	"$want" "$got"
suppressed=$((20 - TAKEN))
check_deltas "per source: suppressed-source counts the other $suppressed" "$NS_B" \
	XfrmInNoStates=21 miss-ipv4-esp=21 events-sent=$((TAKEN + 1)) \
	suppressed-source=$suppressed

entry=$(source_entry "$NS_B" addr4=10.0.1.1)
elapsed_s=$((($(now_ns) - t0 + 999999999) / 1000000000))
check_eq "source table: entry's family, prefix, misses, suppressed" \
	"family=2 addr4=10.0.1.1 prefix-len=32 suppressed=$suppressed misses=20" \
	"$(without "$entry" tokens last-seen-msecs)"
check_range "source table: tokens spent (at most one per second since)" 0 "$elapsed_s" \
	"$(kv tokens "$entry")"
check_range "source table: last seen within the test" 0 $((elapsed_s * 1000)) \
	"$(kv last-seen-msecs "$entry")"

# Once a token is back, the next miss is reported with the suppressed count.
# shellcheck disable=SC2317 # called through wait_until
token_back() {
	[ "$(kv tokens "$(source_entry "$NS_B" addr4=10.0.1.1)")" -ge 1 ]
}
wait_until 5 token_back || not_ok "per source: a token comes back within 5 s" "no token"
t0=$(now_ns)
send_ab "esp:src=10.0.1.1,dst=$B4,spi=0x8001,seq=21"
check_event "per source: the next event carries the $suppressed suppressed misses" ev \
	"$(ev proto=esp src=10.0.1.1 dst=$B4 spi=0x8001 seq=21 suppressed=$suppressed)" "$t0"
entry=$(source_entry "$NS_B" addr4=10.0.1.1)
check_eq "source table: suppressed back to 0, 21 misses" "0 21" \
	"$(kv suppressed "$entry") $(kv misses "$entry")"

# --- flush -----------------------------------------------------------------
check_cmd "flush-sources" sr "$NS_B" flush-sources
check_eq "source table empty after flush" "" "$(sr "$NS_B" dump-sources)"
# A flushed source starts over with a full bucket.
snapshot "$NS_B"
new_barrier "$B4"
send_ab "esp:src=10.0.1.1,dst=$B4,spi=0x8001,seq=30,count=5" "$BARRIER"
events_until_barrier ev || not_ok "after flush: barrier event" "missing"
check_eq "after flush: the source has its burst of 5 again" 5 "$TAKEN"
check_eq "after flush: its first event reports nothing suppressed" 0 \
	"$(kv suppressed "${TAKEN_LINES[0]}")"

# --- per namespace -----------------------------------------------------------
# 50 spoofed sources, one miss each: only the namespace's bucket limits.
sr "$NS_B" flush-sources
sr_config "$NS_B" source-rate=1000 source-burst=1000 global-rate=1 global-burst=10
snapshot "$NS_B"
send_ab "esp:src=10.0.2.1,dst=$B4,spi=0x8002,seq=1,sources=50"
max=$(allowed 10 1 "$SEND_ELAPSED_NS")
sent=$(delta "$NS_B" events-sent)
check_range "per namespace (rate 1, burst 10): 50 sources, 1..$max events" 1 "$max" "$sent"
check_deltas "per namespace: suppressed-global counts the rest" "$NS_B" \
	XfrmInNoStates=50 miss-ipv4-esp=50 events-sent="$sent" suppressed-global=$((50 - sent))
wait_until 5 test "$(events_pending ev)" -ge "$sent"
check_eq "per namespace: the listener got exactly the events sent" "$sent" "$(events_pending ev)"
next_event ev
check_eq "per namespace: the first source got the first event" \
	"$(ev proto=esp src=10.0.2.1 dst=$B4 spi=0x8002 seq=1)" \
	"$(without "$EVENT" timestamp)"
LISTENER_CURSOR[ev]=$(events_total ev)
# A source held back by the namespace limit keeps its own token.
entry=$(source_entry "$NS_B" addr4=10.0.2.50)
check_eq "per namespace: a globally suppressed source is in the table, suppressed 1" \
	"family=2 addr4=10.0.2.50 prefix-len=32 suppressed=1 misses=1" \
	"$(without "$entry" tokens last-seen-msecs)"

# --- IPv6 prefix grouping -----------------------------------------------------
# ipv6_group PREFIX: 3 misses each from two sources in one /64.
ipv6_group() {
	sr "$NS_B" flush-sources
	sr_config "$NS_B" source-rate=1 source-burst=5 global-rate=1000000 global-burst=1000000 \
		ipv6-prefix="$1"
	snapshot "$NS_B"
	new_barrier "$B4"
	send_ab "esp:src=fd00:1::1,dst=$B6,spi=0x8003,seq=1,count=3" \
		"esp:src=fd00:1::2,dst=$B6,spi=0x8003,seq=1,count=3" "$BARRIER"
	events_until_barrier ev || not_ok "IPv6 /$1: barrier event" "missing"
}

ipv6_group 64
max=$(allowed 5 1 "$SEND_ELAPSED_NS")
check_range "IPv6 prefix 64: two sources in one /64 share a burst of 5: 5..$max events" 5 \
	"$max" "$TAKEN"
check_deltas "IPv6 prefix 64: the shared bucket suppressed the rest" "$NS_B" \
	XfrmInNoStates=7 miss-ipv6-esp=6 miss-ipv4-esp=1 events-sent=$((TAKEN + 1)) \
	suppressed-source=$((6 - TAKEN))
check_eq "IPv6 prefix 64: one table entry for the /64" \
	"family=10 addr6=fd00:1:: prefix-len=64 suppressed=$((6 - TAKEN)) misses=6" \
	"$(without "$(sr "$NS_B" dump-sources | grep family=10)" tokens last-seen-msecs)"

ipv6_group 128
check_eq "IPv6 prefix 128: each source has its own bucket: 6 events" 6 "$TAKEN"
check_deltas "IPv6 prefix 128: nothing suppressed" "$NS_B" \
	XfrmInNoStates=7 miss-ipv6-esp=6 miss-ipv4-esp=1 events-sent=7
check_eq "IPv6 prefix 128: one table entry per source" \
	"family=10 addr6=fd00:1::1 prefix-len=128 suppressed=0 misses=3
family=10 addr6=fd00:1::2 prefix-len=128 suppressed=0 misses=3" \
	"$(without "$(sr "$NS_B" dump-sources | grep family=10)" tokens last-seen-msecs | sort)"

check_eq "no other event" 0 "$(events_pending ev)"
finish
