#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every kind of miss the module reports, each with an exact event (every
# field) and exact counter deltas (the module's and XfrmInNoStates):
#  - ESP and AH over IPv4 and IPv6 from the kernel's own xfrm output, once
#    the receiver has lost its inbound SA (the reboot scenario);
#  - crafted ESP and AH with an unknown SPI;
#  - IPv6 with extension headers before ESP, AH and UDP;
#  - UDP-encapsulated ESP (NAT-T) over IPv4 and IPv6 to a UDP_ENCAP socket.
source "$(dirname "$0")/lib.sh"

miss_test_setup

# real_miss esp|ah SRC DST SPI PORT: $NS_A protects UDP to PORT with an SA
# $NS_B shares; traffic flows until $NS_B deletes its SA, then the next
# packet (ESP/AH sequence number 2) is a miss.  That its event is the next
# one also shows that packet 1, decapsulated, produced none.
real_miss() {
	local proto=$1 src=$2 dst=$3 spi=$4 port=$5 v=4 t0
	local sa=(src "$src" dst "$dst" proto "$proto" spi "$spi")
	[[ $src == *:* ]] && v=6
	xfrm_sa "$NS_A" "$proto" "$src" "$dst" "$spi"
	xfrm_sa "$NS_B" "$proto" "$src" "$dst" "$spi"
	xfrm_out_policy "$NS_A" "$proto" "$src" "$dst" "$port"

	snapshot "$NS_B"
	send_udp "$NS_A" "$dst" "$port"
	check_sa_packets "$proto/IPv$v: with the SA, the packet is decapsulated" "$NS_B" 1 "${sa[@]}"
	check_deltas "$proto/IPv$v: with the SA, no miss counted" "$NS_B"

	ip -n "$NS_B" xfrm state delete "${sa[@]}"
	snapshot "$NS_B"
	t0=$(now_ns)
	send_udp "$NS_A" "$dst" "$port"
	check_event "$proto/IPv$v: SA deleted on the receiver: the next event is its miss" ev \
		"$(ev proto="$proto" src="$src" dst="$dst" spi="$spi" seq=2)" "$t0"
	check_deltas "$proto/IPv$v: SA deleted: XfrmInNoStates +1, miss-ipv${v}-$proto +1" "$NS_B" \
		XfrmInNoStates=1 "miss-ipv$v-$proto=1" events-sent=1
}

real_miss esp $A4 $B4 0x1001 9001
real_miss ah $A4 $B4 0x1002 9002
real_miss esp $A6 $B6 0x1003 9003
real_miss ah $A6 $B6 0x1004 9004

# Crafted packets with SPIs $NS_B never had.
snapshot "$NS_B"
t0=$(now_ns)
send_ab "esp:src=$A4,dst=$B4,spi=0x2001,seq=17" \
	"ah:src=$A4,dst=$B4,spi=0x2002,seq=18" \
	"esp:src=$A6,dst=$B6,spi=0x2003,seq=19" \
	"ah:src=$A6,dst=$B6,spi=0x2004,seq=20" \
	"esp:src=$A4,dst=$B4,spi=0xffffffff,seq=0xffffffff"
check_event "crafted ESP/IPv4, unknown SPI: event" ev \
	"$(ev proto=esp src=$A4 dst=$B4 spi=0x2001 seq=17)" "$t0"
check_event "crafted AH/IPv4, unknown SPI: event" ev \
	"$(ev proto=ah src=$A4 dst=$B4 spi=0x2002 seq=18)" "$t0"
check_event "crafted ESP/IPv6, unknown SPI: event" ev \
	"$(ev proto=esp src=$A6 dst=$B6 spi=0x2003 seq=19)" "$t0"
check_event "crafted AH/IPv6, unknown SPI: event" ev \
	"$(ev proto=ah src=$A6 dst=$B6 spi=0x2004 seq=20)" "$t0"
check_event "crafted ESP/IPv4, SPI and sequence number all ones: event" ev \
	"$(ev proto=esp src=$A4 dst=$B4 spi=0xffffffff seq=4294967295)" "$t0"
check_deltas "crafted misses: each counted once under its family and protocol" "$NS_B" \
	XfrmInNoStates=5 miss-ipv4-esp=2 miss-ipv4-ah=1 miss-ipv6-esp=1 miss-ipv6-ah=1 \
	events-sent=5

# IPv6 extension headers between the IPv6 header and ESP/AH.
snapshot "$NS_B"
t0=$(now_ns)
send_ab "esp:src=$A6,dst=$B6,spi=0x3001,seq=1,ext=hop+dst" \
	"ah:src=$A6,dst=$B6,spi=0x3002,seq=2,ext=dst" \
	"esp:src=$A6,dst=$B6,spi=0x3003,seq=3,ext=dst+dst"
check_event "ESP after hop-by-hop and destination options: event" ev \
	"$(ev proto=esp src=$A6 dst=$B6 spi=0x3001 seq=1)" "$t0"
check_event "AH after destination options: event" ev \
	"$(ev proto=ah src=$A6 dst=$B6 spi=0x3002 seq=2)" "$t0"
check_event "ESP after two destination-options headers: event" ev \
	"$(ev proto=esp src=$A6 dst=$B6 spi=0x3003 seq=3)" "$t0"
check_deltas "extension headers: XfrmInNoStates +3, IPv6 misses counted" "$NS_B" \
	XfrmInNoStates=3 miss-ipv6-esp=2 miss-ipv6-ah=1 events-sent=3

# NAT-T: sockets with UDP_ENCAP_ESPINUDP on 4500, as an IKE daemon has.
for v in 4 6; do
	in_ns_bg "$NS_B" /dev/null "$TMP/encap$v.err" python3 "$PYTOOLS/encap_socket.py" \
		--family $v --port 4500 --ready "$TMP/encap$v.ready" --out "$TMP/encap$v.out"
done
wait_until 30 test -e "$TMP/encap4.ready" -a -e "$TMP/encap6.ready" ||
	bail "UDP_ENCAP sockets in $NS_B"
snapshot "$NS_B"
t0=$(now_ns)
# IPv6 ESP-in-UDP needs >= 40 bytes of UDP payload to reach xfrm at all
# (xfrm6_udp_encap_rcv); 8 + 48 here.
send_ab "esp:src=$A4,dst=$B4,spi=0x4001,seq=5,sport=4500,dport=4500" \
	"esp:src=$A4,dst=$B4,spi=0x4002,seq=6,sport=31337,dport=4500" \
	"esp:src=$A6,dst=$B6,spi=0x4003,seq=7,sport=4500,dport=4500" \
	"esp:src=$A6,dst=$B6,spi=0x4004,seq=8,sport=40000,dport=4500,ext=dst"
check_event "ESP-in-UDP/IPv4 4500->4500: event with encap and ports" ev \
	"$(ev proto=esp src=$A4 dst=$B4 spi=0x4001 seq=5 sport=4500 dport=4500)" "$t0"
check_event "ESP-in-UDP/IPv4 from a NATed port: event with that port" ev \
	"$(ev proto=esp src=$A4 dst=$B4 spi=0x4002 seq=6 sport=31337 dport=4500)" "$t0"
check_event "ESP-in-UDP/IPv6: event with encap and ports" ev \
	"$(ev proto=esp src=$A6 dst=$B6 spi=0x4003 seq=7 sport=4500 dport=4500)" "$t0"
check_event "ESP-in-UDP/IPv6 after destination options: event" ev \
	"$(ev proto=esp src=$A6 dst=$B6 spi=0x4004 seq=8 sport=40000 dport=4500)" "$t0"
check_deltas "ESP-in-UDP: XfrmInNoStates +4, counted as UDP misses" "$NS_B" \
	XfrmInNoStates=4 miss-ipv4-esp-udp=2 miss-ipv6-esp-udp=2 events-sent=4
check_eq "ESP-in-UDP never reached the UDP sockets" "" \
	"$(cat "$TMP/encap4.out" "$TMP/encap6.out")"

check_eq "no other event" 0 "$(events_pending ev)"
finish
