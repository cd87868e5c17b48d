#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Everything is per network namespace: events go only to listeners in the
# namespace that dropped the packet; configuration, counters and the source
# table are the namespace's own; a new namespace starts from the defaults.
# Unprivileged callers get EPERM (genl_api covers every command and the
# user-namespace cases; here the same through the shell tools).
#
#   $NS_A veth_a ---- veth_b $NS_B
#   $NS_A veth_ac --- veth_c $NS_C     (10.0.3.1/24 -- 10.0.3.2/24)
source "$(dirname "$0")/lib.sh"

require_root_tools
load_module
topo_pair
NS_C=sr-c-$$
ns_create "$NS_C"
ip link add veth_ac netns "$NS_A" type veth peer name veth_c netns "$NS_C" ||
	bail "create veth pair to $NS_C"
ip -n "$NS_A" addr add 10.0.3.1/24 dev veth_ac
ip -n "$NS_C" addr add 10.0.3.2/24 dev veth_c
ip -n "$NS_A" link set veth_ac up
ip -n "$NS_C" link set veth_c up
in_ns "$NS_C" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.veth_c.rp_filter=0
link_info "$NS_C" veth_c
MAC_C=$LINK_MAC

defaults="enabled=0 source-rate=1 source-burst=5 global-rate=100 global-burst=200 ipv6-prefix=64"
for ns in "$NS_A" "$NS_B" "$NS_C"; do
	sr_config "$ns" enabled=1
done
listen_start a "$NS_A"
listen_start b "$NS_B"
listen_start c "$NS_C"

# --- events ------------------------------------------------------------------
snapshot "$NS_C"
t0=$(now_ns)
send_ab "esp:src=$A4,dst=$B4,spi=0x9001,seq=1"
check_event "miss in $NS_B: event to $NS_B's listener" b \
	"$(ev proto=esp src=$A4 dst=$B4 spi=0x9001 seq=1)" "$t0"
new_barrier 10.0.3.2
send_from "$NS_A" veth_ac "$MAC_C" "$BARRIER"
check_barrier_next "miss in $NS_B: nothing for $NS_C's listener" c
check_deltas "miss in $NS_B: not counted in $NS_C" "$NS_C" \
	XfrmInNoStates=1 miss-ipv4-esp=1 events-sent=1
# $NS_A's own miss, from $NS_B: the first event $NS_A's listener sees.
t0=$(now_ns)
send_from "$NS_B" veth_b "$MAC_A" "esp:src=$B4,dst=$A4,spi=0x9002,seq=1"
next_event a
check_eq "$NS_A's listener saw only $NS_A's own miss" \
	"$(ev proto=esp src=$B4 dst=$A4 spi=0x9002 seq=1 ifindex="$IFINDEX_A")" \
	"$(without "$EVENT" timestamp)"

# --- configuration -----------------------------------------------------------
sr_config "$NS_B" source-burst=7 ipv6-prefix=56
check_eq "set-config in $NS_B changes $NS_B" \
	"enabled=1 source-rate=1 source-burst=7 global-rate=100 global-burst=200 ipv6-prefix=56" \
	"$(sr "$NS_B" get-config)"
check_eq "set-config in $NS_B leaves $NS_C alone" "${defaults/enabled=0/enabled=1}" \
	"$(sr "$NS_C" get-config)"

# Disabled in $NS_C, enabled in $NS_B: each namespace decides for itself.
sr_config "$NS_C" enabled=0
snapshot "$NS_C"
send_from "$NS_A" veth_ac "$MAC_C" "esp:src=10.0.3.1,dst=10.0.3.2,spi=0x9003,seq=1"
check_deltas "disabled in $NS_C: its miss counted as disabled there" "$NS_C" \
	XfrmInNoStates=1 miss-ipv4-esp=1 disabled=1
t0=$(now_ns)
send_ab "esp:src=$A4,dst=$B4,spi=0x9004,seq=1"
check_event "still enabled in $NS_B: event" b \
	"$(ev proto=esp src=$A4 dst=$B4 spi=0x9004 seq=1)" "$t0"

# --- source table ------------------------------------------------------------
check_eq "$NS_B's table has $NS_B's source" "family=2 addr4=$A4 prefix-len=32" \
	"$(without "$(sr "$NS_B" dump-sources | grep "addr4=$A4 ")" \
		tokens suppressed misses last-seen-msecs)"
check_eq "$NS_C's table does not have it" "" "$(sr "$NS_C" dump-sources | grep "addr4=$A4 ")"
sr "$NS_C" flush-sources
check_eq "flush in $NS_C leaves $NS_B's table alone" 1 \
	"$(sr "$NS_B" dump-sources | grep -c "addr4=$A4 ")"

# --- a namespace that comes and goes -------------------------------------------
listen_stop c
ip netns del "$NS_C"
NS_D=sr-d-$$
ns_create "$NS_D"
check_eq "a new namespace has the default configuration" "$defaults" "$(sr "$NS_D" get-config)"
check_eq "a new namespace has an empty source table" "" "$(sr "$NS_D" dump-sources)"
check_eq "a new namespace has all counters at 0" "" \
	"$(sr "$NS_D" get-stats | tr ' ' '\n' | grep -v '=0$')"
t0=$(now_ns)
send_ab "esp:src=$A4,dst=$B4,spi=0x9005,seq=1"
check_event "$NS_B still reports after another namespace went away" b \
	"$(ev proto=esp src=$A4 dst=$B4 spi=0x9005 seq=1)" "$t0"

# --- permissions -----------------------------------------------------------------
nobody() {
	in_ns "$NS_B" setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}
for op in get-config get-stats dump-sources flush-sources "set-config enabled=0"; do
	# shellcheck disable=SC2086
	out=$(nobody "$TOOLS/genl_request" $op 2>&1)
	check_eq "unprivileged $op: EPERM" 1 "$(echo "$out" | grep -c ': EPERM ')"
done
check_eq "unprivileged set-config changed nothing" 1 "$(kv enabled "$(sr "$NS_B" get-config)")"
# GENL_MCAST_CAP_NET_ADMIN (6.1.68+, 6.7+) lets the module restrict the group.
if grep -q GENL_MCAST_CAP_NET_ADMIN "/lib/modules/$(uname -r)/source/include/net/genetlink.h" \
	2>/dev/null; then
	out=$(nobody "$TOOLS/event_listen" -t 1000 2>&1)
	check_eq "unprivileged join of the events group: EPERM" \
		"event_listen: join events: EPERM (Operation not permitted)" "$out"
else
	skip "unprivileged join of the events group: EPERM" \
		"this kernel lets anyone join multicast groups (no GENL_MCAST_CAP_NET_ADMIN)"
fi

for name in a b; do
	check_eq "no other event in the $name listener" 0 "$(events_pending $name)"
done
finish
