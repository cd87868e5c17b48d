#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A hub's storm, shared by selftests/recovery_storm.sh and selftests/bench/bench_hub_storm.sh
# (source it after selftests/recovery/lib.sh): hub B (192.0.2.2, inner 10.0.2.1) with one
# %any connection, and N spokes in one namespace with one charon holding N connections, spoke I
# at 192.0.2.(9+I), inner 10.0.100.I, identity spokeI.example, start_action = trap.
#
#   storm_setup N                 the namespaces, both charons, no tunnel yet
#   storm_spokes_inner            the spokes' inner addresses, comma-separated
#   storm_probe TIMEOUT [LIST]    pings from every spoke of LIST (default all) at once
#                                 until each has a reply (recovery_probe.py --all)
#   storm_daemon_config BACKEND GLOBAL...
#                                 $REC_DIR/spirecoveryd.conf: vici, one section for the
#                                 hub's prefix; native, a section per spoke
STORM_N=0
STORM_PROBE=$REC_ROOT/selftests/bench/recovery_probe.py

storm_spoke() { echo "192.0.2.$((9 + $1))"; }
storm_inner() { echo "10.0.100.$1"; }

storm_spokes_inner() {
	local i list=
	for ((i = 1; i <= STORM_N; i++)); do
		list+="${list:+,}$(storm_inner "$i")"
	done
	echo "$list"
}

# The secrets both charons hold: one PSK for every pair of identities.
storm_secrets() {
	local i
	echo "secrets {"
	echo "	ike-storm {"
	echo "		id-b = b.example"
	for ((i = 1; i <= STORM_N; i++)); do
		echo "		id-$i = spoke$i.example"
	done
	echo "		secret = $REC_PSK"
	echo "	}"
	echo "}"
}

storm_swanctl_spokes() {
	local i
	{
		echo "connections {"
		for ((i = 1; i <= STORM_N; i++)); do
			cat <<-EOC
			s$i {
				version = 2
				local_addrs = $(storm_spoke "$i")
				remote_addrs = $REC_B
				proposals = aes256gcm16-prfsha256-x25519
				local {
					auth = psk
					id = spoke$i.example
				}
				remote {
					auth = psk
					id = b.example
				}
				children {
					net {
						esp_proposals = aes256gcm16
						local_ts = $(storm_inner "$i")/32
						remote_ts = $REC_IN_B/32
						start_action = trap
						mode = tunnel
					}
				}
			}
			EOC
		done
		echo "}"
		storm_secrets
	} >"$REC_DIR/A/swanctl/swanctl.conf"
}

# storm_setup N (1-200)
storm_setup() {
	local i
	STORM_N=$1
	[ "$STORM_N" -ge 1 ] && [ "$STORM_N" -le 200 ] ||
		{ echo "storm_setup: N must be 1-200, not '$1'" >&2; return 1; }
	REC_FAMILY=4 REC_ENCAP=no REC_A_START=trap
	REC_A=$(storm_spoke 1) REC_B=192.0.2.2 REC_IN_A=$(storm_inner 1) REC_IN_B=10.0.2.1
	REC_A_LOCAL=$REC_A REC_B_LOCAL=$REC_B
	rec_namespaces "$REC_NS_A" "$REC_NS_B" || return 1
	ip link add rec-a type veth peer name rec-b || return 1
	ip link set rec-a netns "$REC_NS_A"
	ip link set rec-b netns "$REC_NS_B"
	ip -n "$REC_NS_B" addr add "$REC_B/24" dev rec-b
	ip -n "$REC_NS_B" addr add "$REC_IN_B/32" dev lo
	for ((i = 1; i <= STORM_N; i++)); do
		ip -n "$REC_NS_A" addr add "$(storm_spoke "$i")/24" dev rec-a
		ip -n "$REC_NS_A" addr add "$(storm_inner "$i")/32" dev lo
	done
	ip -n "$REC_NS_A" link set rec-a up
	ip -n "$REC_NS_B" link set rec-b up
	ip -n "$REC_NS_A" route add "$REC_IN_B/32" via "$REC_B"
	# The tunnels' policies pick each spoke's outer address; the route only has to exist.
	ip -n "$REC_NS_B" route add 10.0.100.0/24 via "$(storm_spoke 1)" src "$REC_IN_B"
	# A's one charon stands for N hosts, each of which would see one half-open IKE SA from B;
	# together they would pass cookie_threshold (30) and answer B with COOKIEs, a round trip
	# and a second IKE_SA_INIT per spoke that no real spoke asks for.
	REC_CHARON_OPTIONS_A="cookie_threshold = $((STORM_N * 10))" rec_write_charon_conf A
	rec_write_charon_conf B
	storm_swanctl_spokes
	rec_write_hub_swanctl "$(storm_secrets)"
	rec_charon_start B && rec_charon_start A
}

# storm_probe TIMEOUT [LIST]: prints the probe's line; fails when a spoke got no reply.
storm_probe() {
	in_a python3 "$STORM_PROBE" --all --interval "${STORM_INTERVAL:-0.2}" --timeout "$1" \
		"${2:-$(storm_spokes_inner)}" "$REC_IN_B"
}

# storm_daemon_config BACKEND GLOBAL...: the daemon's configuration with the GLOBAL lines.
storm_daemon_config() {
	local backend=$1 i
	shift
	(umask 077 && echo "$REC_PSK" >"$REC_DIR/storm.psk")
	{
		echo "# written by selftests/recovery/storm.sh"
		echo "state-file = $REC_DIR/spirecoveryd.status"
		printf '%s\n' "$@"
		if [ "$backend" = vici ]; then
			printf '[peer.hub]\naddress = 192.0.2.0/24\nbackends = vici\n'
		else
			for ((i = 1; i <= STORM_N; i++)); do
				printf '[peer.s%s]\naddress = %s\nbackends = native\nlocal-id = b.example\n' \
					"$i" "$(storm_spoke "$i")"
				printf 'remote-id = spoke%s.example\npsk-file = %s\n' "$i" "$REC_DIR/storm.psk"
				echo "proposals = aes256gcm16-prfsha256-x25519"
			done
		fi
	} >"$REC_DIR/spirecoveryd.conf"
	chmod 0600 "$REC_DIR/spirecoveryd.conf"
}
