#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Recovery is off by default: misses are counted (the disabled counter) but
# not reported.  Enabled, they become events, or no-listener when nobody
# has joined the group, or send-failed when the listener's buffer is full;
# disabled again, they stop.
source "$(dirname "$0")/lib.sh"

require_root_tools
load_module
topo_pair

check_eq "a new namespace starts disabled" 0 "$(kv enabled "$(sr "$NS_B" get-config)")"
listen_start ev "$NS_B"
snapshot "$NS_B"
send_ab "esp:src=$A4,dst=$B4,spi=0xa001,seq=1" "ah:src=$A6,dst=$B6,spi=0xa002,seq=2"
check_deltas "disabled: misses counted as disabled, not reported" "$NS_B" \
	XfrmInNoStates=2 miss-ipv4-esp=1 miss-ipv6-ah=1 disabled=2
check_eq "disabled: the source table stays empty" "" "$(sr "$NS_B" dump-sources)"

sr_config "$NS_B" enabled=1
t0=$(now_ns)
send_ab "esp:src=$A4,dst=$B4,spi=0xa001,seq=3"
check_event "enabled: the first event is the first miss after enabling" ev \
	"$(ev proto=esp src=$A4 dst=$B4 spi=0xa001 seq=3)" "$t0"

listen_stop ev
snapshot "$NS_B"
send_ab "esp:src=$A4,dst=$B4,spi=0xa001,seq=4"
check_deltas "enabled, nobody listening: counted as no-listener" "$NS_B" \
	XfrmInNoStates=1 miss-ipv4-esp=1 no-listener=1

listen_start ev2 "$NS_B"
sr_config "$NS_B" enabled=0
snapshot "$NS_B"
new_barrier "$B4"
send_ab "esp:src=$A4,dst=$B4,spi=0xa001,seq=5"
sr_config "$NS_B" enabled=1
send_ab "$BARRIER"
check_barrier_next "disabled again: the miss in between was not reported" ev2
check_deltas "disabled again: one disabled, then the barrier's event" "$NS_B" \
	XfrmInNoStates=2 miss-ipv4-esp=2 disabled=1 events-sent=1
check_eq "no other event" 0 "$(events_pending ev2)"

# A listener that never reads: once its buffer is full, sends fail.
listen_stop ev2
in_ns_bg "$NS_B" /dev/null "$TMP/stalled.err" "$TOOLS/event_listen" -s -t 600000 \
	-r "$TMP/stalled.ready"
wait_until 30 test -e "$TMP/stalled.ready" || bail "stalled listener"
sr_config "$NS_B" source-rate=1000 source-burst=1000
snapshot "$NS_B"
send_ab "esp:src=$A4,dst=$B4,spi=0xa003,seq=1,count=20"
sent=$(delta "$NS_B" events-sent)
failed=$(delta "$NS_B" send-failed)
check_range "stalled listener: the events it cannot take count as send-failed" 1 20 "$failed"
check_eq "stalled listener: each miss either sent or failed" 20 $((sent + failed))
check_deltas "stalled listener: no other counter moved" "$NS_B" \
	XfrmInNoStates=20 miss-ipv4-esp=20 events-sent="$sent" send-failed="$failed"
finish
