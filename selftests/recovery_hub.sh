#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 13: a hub. B's charon has one connection with remote_addrs = %any for its spokes A
# (192.0.2.1) and C (192.0.2.3), both on a bridge in B; spirecoveryd's one peer section names
# the prefix 192.0.2.0/24 with the vici backend. Only A goes stale (B loses its SAs with A
# without a DELETE reaching A); A's next ESP packet makes B's charon initiate to A through a
# derived connection, and C's SAs are never touched.
# Runs in the VM: selftests/vm/run-vm.sh -k KVER -- selftests/recovery_hub.sh
# Logs: build/recovery/hub/.
cd "$(dirname "$0")/.." || exit 1
source selftests/recovery/lib.sh
source selftests/recovery/checks.sh

modprobe spirecovery || { echo "not ok 1 modprobe spirecovery"; exit 1; }

REC_LOG_NAME=hub
REC_C=192.0.2.3 REC_IN_C=10.0.3.1
in_c() { ip netns exec "$REC_NS_C" "$@"; }
ping_c_ok() { in_c ping -n -q -c 1 -W 1 -I "$REC_IN_C" "$REC_IN_B" >/dev/null 2>&1; }

hub_secrets() { # one PSK for B, A and C
	cat <<-EOC
	secrets {
		ike-hub {
			id-a = a.example
			id-b = b.example
			id-c = c.example
			secret = $REC_PSK
		}
	}
	EOC
}

hub_setup() {
	REC_FAMILY=4 REC_ENCAP=no REC_A_START=trap
	REC_A=192.0.2.1 REC_B=192.0.2.2 REC_IN_A=10.0.1.1 REC_IN_B=10.0.2.1
	REC_A_LOCAL=$REC_A REC_B_LOCAL=$REC_B
	rec_namespaces "$REC_NS_A" "$REC_NS_B" "$REC_NS_C" || return 1
	ip -n "$REC_NS_B" link add br0 type bridge || return 1
	ip -n "$REC_NS_B" addr add "$REC_B/24" dev br0
	ip -n "$REC_NS_B" link set br0 up
	ip link add rec-a type veth peer name rec-ba || return 1
	ip link add rec-c type veth peer name rec-bc || return 1
	ip link set rec-a netns "$REC_NS_A"
	ip link set rec-c netns "$REC_NS_C"
	ip link set rec-ba netns "$REC_NS_B"
	ip link set rec-bc netns "$REC_NS_B"
	ip -n "$REC_NS_B" link set rec-ba master br0 up
	ip -n "$REC_NS_B" link set rec-bc master br0 up
	ip -n "$REC_NS_A" addr add "$REC_A/24" dev rec-a
	ip -n "$REC_NS_C" addr add "$REC_C/24" dev rec-c
	ip -n "$REC_NS_A" link set rec-a up
	ip -n "$REC_NS_C" link set rec-c up
	ip -n "$REC_NS_A" addr add "$REC_IN_A/32" dev lo
	ip -n "$REC_NS_B" addr add "$REC_IN_B/32" dev lo
	ip -n "$REC_NS_C" addr add "$REC_IN_C/32" dev lo
	ip -n "$REC_NS_A" route add "$REC_IN_B/32" via "$REC_B" src "$REC_IN_A"
	ip -n "$REC_NS_C" route add "$REC_IN_B/32" via "$REC_B" src "$REC_IN_C"
	ip -n "$REC_NS_B" route add "$REC_IN_A/32" via "$REC_A" src "$REC_IN_B"
	ip -n "$REC_NS_B" route add "$REC_IN_C/32" via "$REC_C" src "$REC_IN_B"
	rec_write_charon_conf A
	rec_write_charon_conf B
	rec_write_charon_conf C
	rec_write_swanctl A "$REC_A" "$REC_B" a.example b.example trap "$REC_IN_A/32" "$REC_IN_B/32"
	rec_write_swanctl C "$REC_C" "$REC_B" c.example b.example trap "$REC_IN_C/32" "$REC_IN_B/32"
	sed -i 's/id-a = a.example/id-a = c.example/' "$REC_DIR/C/swanctl/swanctl.conf"
	rec_write_hub_swanctl "$(hub_secrets)"
	rec_charon_start B && rec_charon_start A && rec_charon_start C
}

# B loses its SAs with A only, and A hears nothing of it: B's IKE messages to A are dropped
# while B's charon forgets A's IKE SA.
stale_a_only() {
	local id
	id=$(swan B --list-sas --raw | grep -oE 'uniqueid=[0-9]+ [^}]*remote-host=192\.0\.2\.1 ' |
		grep -oE '^uniqueid=[0-9]+' | cut -d= -f2)
	ip netns exec "$REC_NS_B" nft -f - <<-EON || return 1
	table ip hub_cut {
		chain out {
			type filter hook output priority 0;
			ip daddr $REC_A udp dport { 500, 4500 } drop
		}
	}
	EON
	[ -n "$id" ] && swan B --terminate --ike-id "$id" --force --timeout 5 >/dev/null
	ip -n "$REC_NS_B" xfrm state deleteall src "$REC_A" 2>/dev/null
	ip -n "$REC_NS_B" xfrm state deleteall dst "$REC_A" 2>/dev/null
	ip netns exec "$REC_NS_B" nft delete table ip hub_cut
	[ -z "$(ip -n "$REC_NS_B" xfrm state | grep -E "src $REC_A|dst $REC_A")" ]
}

if ! hub_setup; then
	tap_check "hub: strongSwan A, B and C start" false
	tap_done
	exit 1
fi
(umask 077 && cat >"$REC_DIR/spirecoveryd.conf" <<-EOC
	log-level = debug
	state-file = $REC_DIR/spirecoveryd.status
	hold-down = 10
	vici-socket = $REC_DIR/B/run/charon.vici
	[peer.hub]
	address = 192.0.2.0/24
	backends = vici
	EOC
)
tap_check "hub: --check-config names the prefix and refuses nothing" \
	sh -c "'$REC_DAEMON' --config '$REC_DIR/spirecoveryd.conf' --check-config |
		grep -q 'peer hub: 192.0.2.0/24, backends vici'"
tap_check "hub: spirecoveryd starts" rec_daemon_start
tap_check "hub: the module's peer set is the prefix" \
	sh -c "ip netns exec $REC_NS_B '$REC_CTL' peers | grep -q 192.0.2.0/24"
rec_module_enable 1
check_tunnel_up hub
tap_check "hub: tunnel C<->B up" wait_until 30 ping_c_ok
spis_c=$(spis "$REC_NS_C")
note "C's SAs: $(echo $spis_c)"

rec_module_enable 0
tap_check "hub: B loses its SAs with A only, without telling A" stale_a_only
tap_check "hub: black hole for A without recovery" eval '[ "$(rec_ping 5)" = 0 ]'
tap_check "hub: C still reaches B" ping_c_ok
rec_module_enable 1
ms=$(rec_ping_until_reply 60)
tap_check "hub: traffic A -> B recovered ${ms:+$ms ms after recovery was enabled}" test -n "$ms"
tap_check "hub: the daemon acted for spoke A of the prefix" \
	rec_daemon_log_has "peer hub \(192\.0\.2\.0/24, spoke $REC_A\): acting: no SA with the peer"
tap_check "hub: through a connection derived from the %any one" \
	rec_daemon_log_has "vici: loaded hub-spirecovery-192\.0\.2\.1-500, a copy of hub to $REC_A"
tap_check "hub: vici backend succeeded" rec_daemon_log_has "backend vici finished"
tap_check "hub: the derived connection was unloaded" \
	rec_daemon_log_has "vici: unloaded hub-spirecovery-192\.0\.2\.1-500"
tap_check "hub: the daemon saw A's new inbound SA" \
	wait_until 10 rec_daemon_log_has "recovered: ESP SA"
tap_check "hub: C's SAs untouched ($(echo $spis_c))" eval '[ "$(spis "$REC_NS_C")" = "$spis_c" ]'
tap_check "hub: C still reaches B" ping_c_ok
tap_check "hub: nothing was done for C" eval '! rec_daemon_log_has "spoke $REC_C"'
rec_cleanup
tap_done
