#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ESP throughput with the module loaded and enabled vs not loaded.
#
#   ns a (10.79.0.1) ---- veth ---- ns b (10.79.0.2)
#   all traffic between them in ESP transport mode, rfc4106(gcm(aes)), fixed keys
#
# iperf3 sends UDP from a to b as fast as it can (-b 0) for
# BENCH_ROUND_SECONDS; the throughput is what b decrypted: its inbound SA's
# byte counter over iperf3's sending time. UDP, not TCP: on a veth b's
# receive path runs in a's sending context, so this measures the cost of
# the ESP path per byte, where TCP on a busy TCG host measures its
# retransmission timers (rounds of the same state were seen 100 times
# apart). Rounds measure both states back to back (without first in odd
# rounds, with first in even ones) so that the machine's changing load hits
# both alike. The module is enabled in b, the receiver; a and b both run its
# hook once it is loaded. The target is on the median of the per-round
# ratios with/without; the ratio of the means is shown too. After
# BENCH_ROUNDS rounds, more follow (up to BENCH_ROUNDS_MAX) until the verdict
# is decisive: the ratios' interquartile range smaller than the median's
# distance to the target, so that the noise could not flip it.
set -u
. "$(dirname "$0")/lib.sh"
bench_begin esp_throughput

rounds=${BENCH_ROUNDS:-10}
rounds_max=${BENCH_ROUNDS_MAX:-30}
target=0.99
seconds=${BENCH_ROUND_SECONDS:-3}
a=bt-a-$$ b=bt-b-$$
addr_a=10.79.0.1 addr_b=10.79.0.2
key_ab=0x$(printf '%040x' 0xab) key_ba=0x$(printf '%040x' 0xba)

modprobe -a esp4 xfrm_user || cannot_measure "cannot load esp4"
module_unload
veth_pair "$a" "$addr_a" "$b" "$addr_b"
for ns in "$a" "$b"; do
	ip -n "$ns" xfrm state add src $addr_a dst $addr_b proto esp spi 0x1000 reqid 1 \
		mode transport aead 'rfc4106(gcm(aes))' "$key_ab" 128 &&
		ip -n "$ns" xfrm state add src $addr_b dst $addr_a proto esp spi 0x1001 reqid 1 \
			mode transport aead 'rfc4106(gcm(aes))' "$key_ba" 128 ||
		cannot_measure "cannot add the ESP SAs"
done
ip -n "$a" xfrm policy add src $addr_a dst $addr_b dir out tmpl proto esp reqid 1 mode transport
ip -n "$a" xfrm policy add src $addr_b dst $addr_a dir in tmpl proto esp reqid 1 mode transport
ip -n "$b" xfrm policy add src $addr_b dst $addr_a dir out tmpl proto esp reqid 1 mode transport
ip -n "$b" xfrm policy add src $addr_a dst $addr_b dir in tmpl proto esp reqid 1 mode transport

ip netns exec "$b" iperf3 -s -B $addr_b >/dev/null 2>&1 &
server=$!
on_exit kill $server
sleep 1

# sa_counter bytes|packets: what b decrypted on its inbound SA so far.
sa_counter() {
	ip -n "$b" -s xfrm state get src $addr_a dst $addr_b proto esp spi 0x1000 |
		awk -v f="$1" '/lifetime current:/ { getline
			v = f == "bytes" ? $1 : $2; sub(/\(.*/, "", v); print v; exit }'
}

# one_round: iperf3 sends UDP datagrams (1200 bytes: no fragments after the
# ESP overhead) as fast as it can for $seconds; prints the Mbit/s b decrypted
# over iperf3's sending time, nothing when there is no result.
one_round() {
	local before after secs
	before=$(sa_counter bytes)
	# "[  5]   0.00-3.00   sec  5.12 MBytes  14.3 Mbits/sec  0.000 ms  0/4473 (0%)  sender"
	secs=$(ip netns exec "$a" iperf3 -c $addr_b -u -b 0 -l 1200 -t "$seconds" -f m 2>&1 |
		awk '/sender$/ { for (i = 1; i < NF; i++) if ($(i + 1) == "sec") {
			split($i, t, "-"); print t[2] } }')
	after=$(sa_counter bytes)
	[ -n "$secs" ] && [ -n "$before" ] && [ -n "$after" ] && [ "$after" -gt "$before" ] &&
		calc "($after - $before) * 8 / $secs / 1e6"
}

measure_without() {
	module_unload
	v=$(one_round)
	[ -n "$v" ] || cannot_measure "iperf3 gave no result (round $r without the module)"
	without+=("$v")
	echo "# round $r without the module: $v Mbit/s"
}
measure_with() {
	module_load_enabled "$b"
	v=$(one_round)
	[ -n "$v" ] || cannot_measure "iperf3 gave no result (round $r with the module)"
	with+=("$v")
	echo "# round $r with the module: $v Mbit/s"
}

esp_before=$(sa_counter packets)
without=() with=() ratios=()
round_done() { ratios+=("$(calc "${with[-1]} / ${without[-1]}")"); }

# decisive: the per-round ratios' interquartile range is smaller than the
# distance of their median to the target.
decisive() {
	awk -v m="$(median "${ratios[@]}")" -v q="$(iqr "${ratios[@]}")" -v t=$target \
		'BEGIN { d = m - t; exit !(q < (d < 0 ? -d : d)) }'
}

# more_rounds: another round, past BENCH_ROUNDS, while the verdict is not
# decisive and BENCH_ROUNDS_MAX is not reached.
more_rounds() {
	((${#ratios[@]} > 0 && ${#ratios[@]} < rounds_max)) && ! decisive
}
alternate_rounds "$rounds"
esp_after=$(sa_counter packets)
[ -n "$esp_before" ] && [ -n "$esp_after" ] && [ "$esp_after" -gt "$esp_before" ] ||
	cannot_measure "the traffic did not go through the ESP SA (packets ${esp_before:-?} -> ${esp_after:-?})"
[ "$(xfrm_stat "$b" XfrmInNoStates)" -eq 0 ] ||
	cannot_measure "b saw ESP packets without an SA: the setup is wrong"

mean_without=$(mean "${without[@]}") median_without=$(median "${without[@]}")
row throughput_without_mean "$mean_without" Mbit/s "" "${without[*]}"
row throughput_without_median "$median_without" Mbit/s
row esp_packets_into_b $((esp_after - esp_before)) packets
module_available || cannot_measure "spirecovery.ko is not installed for $(uname -r) (make modules)"
mean_with=$(mean "${with[@]}") median_with=$(median "${with[@]}")
row throughput_with_mean "$mean_with" Mbit/s "" "${with[*]}"
row throughput_with_median "$median_with" Mbit/s
row throughput_ratio_of_means "$(calc "$mean_with / $mean_without")" with/without
row throughput_ratio "$(median "${ratios[@]}")" with/without ">= $target" "${ratios[*]}"
row throughput_ratio_iqr "$(iqr "${ratios[@]}")" with/without
row throughput_rounds ${#ratios[@]} rounds
row throughput_verdict_decisive "$(decisive && echo 1 || echo 0)" boolean
