#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# skb->mark takes part in the SA lookup: an SA with a mark matches only
# packets carrying it.  A packet with the matching mark (set by nftables in
# prerouting or input) is no miss; the same SPI with another mark or none
# is one, and the event carries the mark the lookup used.
source "$(dirname "$0")/lib.sh"

miss_test_setup

# $NS_B's SAs only match mark 0x10 under mask 0xff.
xfrm_sa "$NS_A" esp $A4 $B4 0x7001
xfrm_sa "$NS_B" esp $A4 $B4 0x7001 mark 0x10 mask 0xff
xfrm_out_policy "$NS_A" esp $A4 $B4 9201
xfrm_sa "$NS_B" esp $A6 $B6 0x7002 mark 0x10 mask 0xff

# From $A4/$A6: mark 0x110 in prerouting (0x10 under the mask).  From .3:
# mark 0x20 in input.  From .4: no mark.
in_ns "$NS_B" nft -f - <<EOF || bail "nft rules in $NS_B"
table inet sr_mark {
	chain prerouting {
		type filter hook prerouting priority 0;
		ip saddr $A4 meta mark set 0x110
		ip6 saddr $A6 meta mark set 0x110
	}
	chain input {
		type filter hook input priority 0;
		ip saddr 10.0.0.3 meta mark set 0x20
		ip6 saddr fd00::3 meta mark set 0x20
	}
}
EOF

# The kernel's own ESP, marked on arrival: decapsulated, no miss.
snapshot "$NS_B"
send_udp "$NS_A" $B4 9201
check_sa_packets "matching mark (prerouting): the SA decapsulates the packet" "$NS_B" 1 \
	src $A4 dst $B4 proto esp spi 0x7001 mark 0x10 mask 0xff
check_deltas "matching mark: no miss counted" "$NS_B"

# Crafted ESP with the SAs' SPIs: the lookup succeeds for the marked
# packets (then authentication fails), and fails for the others.
snapshot "$NS_B"
proto_errors=$(xfrm_stat "$NS_B" XfrmInStateProtoError)
t0=$(now_ns)
send_ab "esp:src=$A4,dst=$B4,spi=0x7001,seq=11" "esp:src=$A6,dst=$B6,spi=0x7002,seq=12" \
	"esp:src=10.0.0.3,dst=$B4,spi=0x7001,seq=13" "esp:src=fd00::3,dst=$B6,spi=0x7002,seq=14" \
	"esp:src=10.0.0.4,dst=$B4,spi=0x7001,seq=15" "esp:src=fd00::4,dst=$B6,spi=0x7002,seq=16"
check_eq "matching mark, crafted: SA found, authentication fails (XfrmInStateProtoError +2)" 2 \
	$(($(xfrm_stat "$NS_B" XfrmInStateProtoError) - proto_errors))
check_event "IPv4, other mark (input): a miss, event with the packet's mark" ev \
	"$(ev proto=esp src=10.0.0.3 dst=$B4 spi=0x7001 seq=13 mark=0x20)" "$t0"
check_event "IPv6, other mark (input): a miss, event with the packet's mark" ev \
	"$(ev proto=esp src=fd00::3 dst=$B6 spi=0x7002 seq=14 mark=0x20)" "$t0"
check_event "IPv4, no mark: a miss, event with mark 0" ev \
	"$(ev proto=esp src=10.0.0.4 dst=$B4 spi=0x7001 seq=15)" "$t0"
check_event "IPv6, no mark: a miss, event with mark 0" ev \
	"$(ev proto=esp src=fd00::4 dst=$B6 spi=0x7002 seq=16)" "$t0"
check_deltas "marks: 4 misses, the marked packets not among them" "$NS_B" \
	XfrmInNoStates=4 miss-ipv4-esp=2 miss-ipv6-esp=2 events-sent=4

# An unknown SPI with a mark: the event reports the full mark, not the
# SA mask's part.
t0=$(now_ns)
send_ab "esp:src=$A4,dst=$B4,spi=0x7003,seq=1"
check_event "unknown SPI, marked packet: event with the whole mark" ev \
	"$(ev proto=esp src=$A4 dst=$B4 spi=0x7003 seq=1 mark=0x110)" "$t0"

check_eq "no other event" 0 "$(events_pending ev)"
finish
