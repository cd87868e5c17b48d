#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 13: a peer behind a real NAT. A router namespace masquerades (nftables) between A and B;
# A's charon initiates, so the tunnel runs over UDP 4500 through the NAT. Then B reboots and
# spirecoveryd on B must reach A through the NAT's mapping: traffic resumes, A's stale SAs go.
#   native-a            A behind the NAT (masquerade keeps A's port 4500), native backend
#   native-b            B behind the NAT (the router forwards 500 and 4500 to B), native
#   native-a-random     A behind `masquerade random`: the mapping's port is the NAT's choice,
#                       so only the packet's port works (the peer has nat-traversal = yes)
#   native-a-random-config-port
#                       the same without nat-traversal: IKE goes to the NAT's port 4500, where
#                       nothing is mapped; the router's ICMP port unreachable ends the attempt
#                       at once and is logged as such
#   vici-a, vici-b, vici-a-random
#                       the same topologies with the vici backend: B's charon recovers A
#                       through a connection derived for the mapping (charon's port 4500 to
#                       A's mapped port, ESP in UDP), since initiate has no address or port
# Runs in the VM: selftests/vm/run-vm.sh -k KVER -- selftests/recovery_nat.sh [VARIANT...]
# Logs: build/recovery/nat-VARIANT/.
cd "$(dirname "$0")/.." || exit 1
source selftests/recovery/lib.sh
source selftests/recovery/checks.sh

modprobe spirecovery || { echo "not ok 1 modprobe spirecovery"; exit 1; }

# The tunnel really crosses the NAT: A's SAs are UDP-encapsulated, and B's SA toward A goes to
# the mapping's port (4500 unless the NAT rewrote it).
check_through_nat() { # LABEL
	local port
	port=$(ip -n "$REC_NS_B" xfrm state | awk -v a="$REC_A" '
		$1 == "src" && $4 == a { out = 1; next }
		$1 == "src" { out = 0 }
		out && $1 == "encap" { print $7; exit }')
	REC_MAPPED_PORT=$port
	note "B sends ESP to $REC_A port ${port:-none}; NAT mappings: $(rec_nat_mappings | tr -s ' \n' ' ')"
	tap_check "$1: the tunnel runs over ESP in UDP through the NAT (B's SA to $REC_A:${port:-none})" \
		test -n "$port"
	if [ "$REC_NAT" = a-random ]; then
		tap_check "$1: the NAT rewrote A's port 4500 (mapped to $port)" test "$port" != 4500
	fi
}

# The exchange's NAT detection hashes cover B's address and port 4500, what the wire shows: A's
# charon then finds no NAT on B's side when only A is behind one (a hash of another port,
# an ephemeral one say, would make it log "remote host is behind NAT"), and finds B behind it
# when B is.
a_sees_nat_at_b() { grep -q "remote host is behind NAT" "$REC_DIR/A/run/charon.log"; }
check_nat_detection() { # LABEL
	case $REC_NAT in
	a*) tap_check "$1: A's charon found no NAT on B's side (NAT detection hashes true)" \
		eval '! a_sees_nat_at_b' ;;
	b*) tap_check "$1: A's charon found B behind the NAT" a_sees_nat_at_b ;;
	esac
}

no_five_transmissions() { ! rec_daemon_log_has "no response after"; }

# A pings until the daemon logged PATTERN: its stale ESP is what makes the daemon act.
ping_until_logged() { # PATTERN
	rec_ping 1 >/dev/null
	rec_daemon_log_has "$1"
}

# Recovery on, IKE to the NAT's port 4500 that maps nothing: the router's answer is reported.
check_icmp_reported() { # LABEL
	rec_module_enable 1
	tap_check "$1: the router's ICMP port unreachable is reported as such" \
		wait_until 60 ping_until_logged "port unreachable from $REC_NAT_PUBLIC"
	tap_check "$1: the attempt ended on it (recovery failed), not after its retransmissions" \
		eval 'wait_until 10 rec_daemon_log_has "recovery failed" && no_five_transmissions'
}

variants=("$@")
# The vici variants run from recovery_vici_nat.sh: one VM test stays within the runner's time
# limit.
[ $# -gt 0 ] || variants=(native-a native-b native-a-random native-a-random-config-port)
for variant in "${variants[@]}"; do
	peer_keys=
	expect=recovery
	case $variant in
	native-a) backend=native nat=a ;;
	native-b) backend=native nat=b ;;
	native-a-random) backend=native nat=a-random peer_keys="nat-traversal = yes" ;;
	native-a-random-config-port) backend=native nat=a-random expect=icmp ;;
	vici-a) backend=vici nat=a ;;
	vici-b) backend=vici nat=b ;;
	vici-a-random) backend=vici nat=a-random peer_keys="nat-traversal = yes" ;;
	*) echo "unknown variant $variant" >&2; exit 1 ;;
	esac
	REC_LOG_NAME=nat-$variant
	note "=== $variant: $backend backend, NAT $nat"
	if ! rec_setup 4 no trap "$nat"; then
		tap_check "$variant: NAT topology, strongSwan A and B start" false
		rec_cleanup
		continue
	fi
	global=
	[ "$backend" = vici ] && global="vici-socket = $REC_DIR/B/run/charon.vici"
	rec_daemon_config "$global" "backends = $backend
$peer_keys"
	tap_check "$variant: spirecoveryd starts" rec_daemon_start
	rec_module_enable 1
	check_tunnel_up "$variant"
	check_through_nat "$variant"
	check_black_hole "$variant"
	case $expect in
	recovery)
		check_recovery "$variant" "$backend"
		[ "$backend" = vici ] && tap_check "$variant: through a connection derived for the mapping" \
			rec_daemon_log_has "vici: loaded tunnel-spirecovery-$REC_A-${REC_MAPPED_PORT:-4500}, a copy of tunnel to $REC_A port ${REC_MAPPED_PORT:-4500} from charon's port 4500"
		check_stale_sas_gone "$variant"
		# NAT detection, not a forced encapsulation, puts the new SAs in UDP.
		check_through_nat "$variant: new SAs"
		check_nat_detection "$variant"
		;;
	icmp) check_icmp_reported "$variant" ;;
	esac
	rec_cleanup
done
tap_done
