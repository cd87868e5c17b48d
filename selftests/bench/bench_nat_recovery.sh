#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 13: a recovery through a NAT against the same recovery without one, per backend, in
# the same run.
#
#   plain  ns rec-a (192.0.2.1) ---- veth ---- ns rec-b (192.0.2.2)
#   nat    ns rec-a (192.168.100.2) -- ns rec-r (nftables masquerade, 203.0.113.1) -- rec-b
#          (203.0.113.2); A initiated, so the tunnel runs over UDP 4500 through the NAT
#
# The scenario and the recovery of bench_recovery.sh (recovery_lib.sh, selftests/recovery/lib.sh
# `rec_setup 4 no trap [a]`): B reboots with recovery off, recovery is turned on, the probe
# times A's first request to its first reply. The two topologies use the same namespaces,
# so they are measured one after the other, plain first: per topology and backend (native,
# then vici) BENCH_NAT_RECOVERY_ROUNDS (3) recoveries. The target is on the median through
# the NAT over the median without it. A round that cannot be set up is measured again, at
# most BENCH_RECOVERY_RETRIES (3) times per phase.
# Logs: build/recovery/bench-nat-{plain,nat}-{native,vici}/.
set -u
. "$(dirname "$0")/lib.sh"
. "$bench_dir/recovery_lib.sh"
bench_begin nat_recovery

rounds=${BENCH_NAT_RECOVERY_ROUNDS:-3}

round_done() {
	samples+=("$rec_ms")
}

# phase TOPOLOGY BACKEND: the rounds of one backend; its median in median_TOPOLOGY_BACKEND.
phase() {
	samples=()
	daemon_start "$2"
	recovery_rounds "$rounds" "measure_recovery $2"
	rec_daemon_stop
	row "${2}_${1}_recovery_median" "$(median "${samples[@]}")" ms "" "${samples[*]}"
	row "${2}_${1}_rounds_retried" "$rounds_retried" rounds
	printf -v "median_${1}_$2" '%s' "$(median "${samples[@]}")"
}

for topology in plain nat; do
	recovery_scenario "bench-nat-$topology-native" "$([ "$topology" = nat ] && echo a)"
	phase "$topology" native
	recovery_next_phase "bench-nat-$topology-vici"
	phase "$topology" vici
	rec_cleanup
done
for backend in native vici; do
	plain=median_plain_$backend nat=median_nat_$backend
	row "${backend}_nat_ratio" "$(calc "${!nat} / ${!plain}")" nat/plain "<= 1.3"
done
