#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The recovery scenario, shared by selftests/recovery*.sh and demo.sh: two network
# namespaces A and B joined by a veth pair, an unmodified strongSwan charon in each, an
# IKEv2 PSK tunnel between them, and spirecoveryd on B. Source it; it needs root, and
# ESP in the kernel (run it in the VM: selftests/vm/run-vm.sh).
#
#   rec_setup FAMILY ENCAP A_START [NAT]
#                                    4|6, yes|no (force UDP encapsulation), trap|start;
#                                    NAT (IPv4 only): a|b puts A or B behind a router
#                                    namespace doing nftables masquerade, a-random|b-random
#                                    with `masquerade random` (see rec_setup_nat)
#   rec_ping COUNT                   pings A -> B through the tunnel, prints replies received
#   rec_reboot_b                     SIGKILL B's charon, flush B's SAD/SPD, start it again
#   rec_daemon_config GLOBAL PEER    $REC_DIR/spirecoveryd.conf: peer A and extra keys
#   rec_peer_section PEER             prints peer A's section, with extra keys
#   rec_daemon_start                 spirecoveryd in B with that configuration
#                                    (hold-down REC_HOLD_DOWN seconds, default 10)
#   rec_cleanup                      everything above undone (also on EXIT); the logs of
#                                    charon and spirecoveryd are kept in
#                                    build/recovery/$REC_LOG_NAME/

REC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
REC_BUILD=${SPIRECOVERY_BUILD:-$REC_ROOT/build}
# The programs under test: the build's, or installed ones (selftests/packages.sh).
REC_DAEMON=${REC_DAEMON:-$REC_BUILD/ike/spirecoveryd}
REC_CTL=${REC_CTL:-$REC_BUILD/tools/spirecoveryctl}
REC_NS_A=rec-a
REC_NS_B=rec-b
REC_NS_R=rec-r
REC_NS_C=rec-c
# Without NAT each node's own address is the one the other sees: REC_A_LOCAL = REC_A.
REC_NAT=
REC_A_LOCAL=
REC_B_LOCAL=
REC_NAT_PUBLIC=
REC_PSK=0x5be3c8f1a4d2b9e07f6a1c3d8e2b4f6091a7c5e3d1b8f2a4
REC_DIR=
REC_DAEMON_PID=

# shellcheck source=selftests/common.sh
source "$REC_ROOT/selftests/common.sh"

# --- helpers ---------------------------------------------------------------

in_a() { ip netns exec "$REC_NS_A" "$@"; }
in_b() { ip netns exec "$REC_NS_B" "$@"; }

swan() { # swan A|B --command [options]: swanctl wants the command first
	local node=$1 cmd=$2
	shift 2
	swanctl "$cmd" --uri "unix://$REC_DIR/$node/run/charon.vici" "$@" 2>/dev/null
}

# SPIs of the ESP states in a namespace, sorted, one per line.
spis() { ip -n "$1" xfrm state 2>/dev/null | awk '$3 == "spi" { print $4 }' | sort; }

no_states() { [ -z "$(spis "$1")" ]; }

# Modules that would otherwise load on first use: under TCG that costs seconds inside
# the first CHILD_SA installation.
rec_preload() {
	local m
	for m in esp4 esp6 xfrm_user xfrm4_tunnel xfrm6_tunnel tunnel4 tunnel6 aes gcm ghash \
		seqiv authenc hmac sha256 cbc echainiv veth; do
		modprobe -q "$m" 2>/dev/null
	done
	return 0
}

# spirecovery on/off in B, through the CLI when it is built, else the selftest tool.
rec_module_enable() {
	local value=$1 ctl=$REC_CTL req=$REC_BUILD/selftests/genl_request
	if [ -x "$ctl" ]; then
		in_b "$ctl" "$([ "$value" = 1 ] && echo enable || echo disable)"
	elif [ -x "$req" ]; then
		in_b "$req" set-config "enabled=$value" >/dev/null
	else
		echo "neither $ctl nor $req is built" >&2
		return 1
	fi
}

# --- strongSwan ------------------------------------------------------------

# REC_CHARON_THREADS: charon.threads (strongSwan's 16 when empty); REC_CHARON_OPTIONS_<NODE>:
# more lines of the node's charon section.
rec_write_charon_conf() { # NODE
	local dir=$REC_DIR/$1 options=REC_CHARON_OPTIONS_$1
	mkdir -p "$dir/run" "$dir/swanctl"
	cat >"$dir/strongswan.conf" <<-EOC
	charon {
		${REC_CHARON_THREADS:+threads = $REC_CHARON_THREADS}
		${!options:-}
		load_modular = yes
		plugins {
			include /etc/strongswan.d/charon/*.conf
		}
		filelog {
			log {
				path = /run/charon.log
				time_format = %H:%M:%S
				default = 1
				ike = 2
				flush_line = yes
			}
		}
		syslog {
			daemon {
				default = -1
			}
		}
		install_routes = no
	}
	EOC
}

# rec_write_swanctl NODE LOCAL REMOTE LOCAL_ID REMOTE_ID START_ACTION LOCAL_TS REMOTE_TS
# REC_IKE_VERSION (2), REC_PROPOSALS and REC_CHILD_EXTRA_<NODE> (more lines of the child) change it.
# REC_UNIQUE_A: A's `unique` (strongSwan's default `no` when empty).
# REC_MORE_CHILDREN_<NODE>: more children of the connection, after `net`.
rec_write_swanctl() {
	local unique=
	[ "$1" = A ] && [ -n "${REC_UNIQUE_A:-}" ] && unique="unique = $REC_UNIQUE_A"
	cat >"$REC_DIR/$1/swanctl/swanctl.conf" <<-EOC
	connections {
		tunnel {
			version = ${REC_IKE_VERSION:-2}
			$unique
			local_addrs = $2
			remote_addrs = $3
			proposals = ${REC_PROPOSALS:-aes256gcm16-prfsha256-x25519}
			encap = $REC_ENCAP
			local {
				auth = psk
				id = $4
			}
			remote {
				auth = psk
				id = $5
			}
			children {
				net {
					esp_proposals = aes256gcm16
					local_ts = $7
					remote_ts = $8
					start_action = $6
					mode = tunnel
					$(rec_child_extra "$1")
				}
				$(rec_more_children "$1")
			}
		}
	}
	secrets {
		ike-ab {
			id-a = a.example
			id-b = b.example
			secret = $REC_PSK
		}
	}
	EOC
}

# A node's network namespace: A, B, or C (a second spoke, selftests/recovery_hub.sh).
rec_node_ns() {
	case $1 in
	A) echo "$REC_NS_A" ;;
	C) echo "$REC_NS_C" ;;
	*) echo "$REC_NS_B" ;;
	esac
}

rec_charon_start() { # NODE
	local node=$1 dir=$REC_DIR/$1 ns
	ns=$(rec_node_ns "$node")
	rm -f "$dir/run/charon.pid" "$dir/run/charon.vici" "$dir/run/charon.ctl"
	# ip netns exec gives each charon its own mount namespace: its /run and /etc/swanctl
	# are the node's directories.
	# A subshell, not a job of ours: its SIGKILL is the point, not news for bash.
	(ip netns exec "$ns" sh -c "mount --bind '$dir/run' /run &&
		mount --bind '$dir/swanctl' /etc/swanctl &&
		mount --bind '$dir/strongswan.conf' /etc/strongswan.conf &&
		exec /usr/lib/ipsec/charon" >>"$dir/charon.out" 2>&1 &)
	# Generous: under a loaded TCG host charon's start alone has taken over 10 s.
	wait_until 60 test -S "$dir/run/charon.vici" ||
		{ note "charon $node: no vici socket after 60 s"; return 1; }
	wait_until 30 swan "$node" --version >/dev/null ||
		{ note "charon $node: no answer to --version over vici in 30 s"; return 1; }
	local out
	out=$(swanctl --load-all --uri "unix://$dir/run/charon.vici" \
		--file "$dir/swanctl/swanctl.conf" 2>&1) ||
		{ note "charon $node: swanctl --load-all failed: $(echo $out)"; return 1; }
}

rec_charon_pid() { cat "$REC_DIR/$1/run/charon.pid" 2>/dev/null; }

rec_charon_kill() { # NODE: as a crash: no DELETE reaches the peer
	local pid
	pid=$(rec_charon_pid "$1")
	[ -n "$pid" ] || return 0
	kill -KILL "$pid" 2>/dev/null
	wait_until 10 sh -c "! kill -0 $pid 2>/dev/null"
}

# B "reboots": its IKE daemon dies, the kernel forgets every SA and policy, the daemon
# starts again with its configuration (trap policies installed, no SA).
rec_reboot_b() {
	rec_charon_kill B || return 1
	ip -n "$REC_NS_B" xfrm state flush
	ip -n "$REC_NS_B" xfrm policy flush
	rec_charon_start B
}

# --- topology --------------------------------------------------------------

# A NAT between A and B (rec_setup's NAT argument): A or B sits on an inside network
# 192.168.100.0/24 behind the router namespace $REC_NS_R, whose outside address
# 203.0.113.1 ($REC_NAT_PUBLIC) is the NAT'd node's address as the other sees it; the other
# node is 203.0.113.2 on the outside link. The router masquerades what leaves by the
# outside link (`masquerade random` with a-random|b-random: the source port is rewritten
# too, so no port from a configuration matches the mapping). With B inside, the router
# also forwards UDP 500 and 4500 of its outside address to B, as for a hub behind NAT:
# A initiates to 203.0.113.1 and the tunnel runs over the forwarded 4500. In both cases
# A's charon initiates and the tunnel runs over UDP 4500 through the NAT.
#   REC_A, REC_B              each node's address as the other sees it
#   REC_A_LOCAL, REC_B_LOCAL  each node's own address
rec_setup_nat() { # a|b|a-random|b-random
	local inside=${1%-random} masq=masquerade dnat=
	[ "$1" != "$inside" ] && masq="masquerade random"
	case $inside in
	a | b) ;;
	*) echo "rec_setup: NAT must be a, b, a-random or b-random, not '$1'" >&2; return 1 ;;
	esac
	[ "$REC_FAMILY" = 4 ] || { echo "rec_setup: NAT is IPv4 only" >&2; return 1; }
	REC_NAT=$1 REC_NAT_PUBLIC=203.0.113.1
	ip netns add "$REC_NS_R" || return 1
	ip -n "$REC_NS_R" link set lo up
	ip netns exec "$REC_NS_R" sysctl -qw net.ipv4.ip_forward=1
	# rec-a and rec-b keep their names in A and B; the router's ends are rec-ra and rec-rb.
	ip link add rec-a type veth peer name rec-ra || return 1
	ip link add rec-b type veth peer name rec-rb || return 1
	ip link set rec-a netns "$REC_NS_A"
	ip link set rec-b netns "$REC_NS_B"
	ip link set rec-ra netns "$REC_NS_R"
	ip link set rec-rb netns "$REC_NS_R"
	# The inside node's namespace and link, the outside one's, and the router's two ends.
	local in_ns=$REC_NS_A in_dev=rec-a out_ns=$REC_NS_B out_dev=rec-b r_in=rec-ra r_out=rec-rb
	if [ "$inside" = b ]; then
		in_ns=$REC_NS_B in_dev=rec-b out_ns=$REC_NS_A out_dev=rec-a r_in=rec-rb r_out=rec-ra
	fi
	REC_NAT_OUTSIDE=$r_out
	ip -n "$in_ns" addr add 192.168.100.2/24 dev "$in_dev"
	ip -n "$out_ns" addr add 203.0.113.2/24 dev "$out_dev"
	ip -n "$REC_NS_R" addr add 192.168.100.1/24 dev "$r_in"
	ip -n "$REC_NS_R" addr add "$REC_NAT_PUBLIC/24" dev "$r_out"
	if [ "$inside" = a ]; then
		REC_A_LOCAL=192.168.100.2 REC_A=$REC_NAT_PUBLIC REC_B=203.0.113.2 REC_B_LOCAL=203.0.113.2
	else
		REC_B_LOCAL=192.168.100.2 REC_B=$REC_NAT_PUBLIC REC_A=203.0.113.2 REC_A_LOCAL=203.0.113.2
		dnat="chain prerouting {
			type nat hook prerouting priority dstnat;
			iifname \"$REC_NAT_OUTSIDE\" udp dport { 500, 4500 } dnat to $REC_B_LOCAL
		}"
	fi
	ip -n "$REC_NS_R" link set rec-ra up
	ip -n "$REC_NS_R" link set rec-rb up
	ip -n "$REC_NS_A" link set rec-a up
	ip -n "$REC_NS_B" link set rec-b up
	# The inside node reaches everything through the router; the outside one only knows
	# the router's outside address.
	ip -n "$in_ns" route add default via 192.168.100.1
	ip netns exec "$REC_NS_R" nft -f - <<-EON || return 1
	table ip rec_nat {
		chain postrouting {
			type nat hook postrouting priority srcnat;
			oifname "$REC_NAT_OUTSIDE" $masq
		}
		$dnat
	}
	EON
	# Inner traffic: through the router from inside, to the other's outside address else.
	ip -n "$REC_NS_A" addr add "$REC_IN_A/32" dev lo
	ip -n "$REC_NS_B" addr add "$REC_IN_B/32" dev lo
	ip -n "$REC_NS_A" route add "$REC_IN_B/32" via "$([ "$inside" = a ] &&
		echo 192.168.100.1 || echo "$REC_B")" src "$REC_IN_A"
	ip -n "$REC_NS_B" route add "$REC_IN_A/32" via "$([ "$inside" = b ] &&
		echo 192.168.100.1 || echo "$REC_A")" src "$REC_IN_B"
}

# The router's NAT state, for a test's notes: its conntrack entries of UDP 500 and 4500.
rec_nat_mappings() {
	ip netns exec "$REC_NS_R" grep -E 'dport=(500|4500) ' /proc/net/nf_conntrack 2>/dev/null
}

# rec_namespaces NS...: a fresh $REC_DIR (removed with everything else by rec_cleanup, also
# on EXIT), the modules preloaded, and the namespaces NS with their loopback up.
rec_namespaces() {
	local ns
	REC_DIR=$(mktemp -d /tmp/spirecovery-rec.XXXXXX)
	trap rec_cleanup EXIT
	rec_preload
	for ns in "$@"; do
		ip netns add "$ns" || return 1
		ip -n "$ns" link set lo up
	done
}

# rec_write_hub_swanctl SECRETS: B's swanctl.conf for a hub, one connection with
# remote_addrs = %any for spokes whose inner addresses are in 10.0.0.0/16, then SECRETS
# (a secrets { } block).
rec_write_hub_swanctl() {
	cat >"$REC_DIR/B/swanctl/swanctl.conf" <<-EOC
	connections {
		hub {
			version = 2
			local_addrs = $REC_B
			remote_addrs = %any
			proposals = aes256gcm16-prfsha256-x25519
			local {
				auth = psk
				id = b.example
			}
			remote {
				auth = psk
			}
			children {
				net {
					esp_proposals = aes256gcm16
					local_ts = $REC_IN_B/32
					remote_ts = 10.0.0.0/16
					mode = tunnel
				}
			}
		}
	}
	$1
	EOC
}

# rec_setup FAMILY ENCAP A_START_ACTION [NAT]
rec_setup() {
	local plen hlen=32
	REC_FAMILY=$1 REC_ENCAP=$2 REC_A_START=$3
	rec_namespaces "$REC_NS_A" "$REC_NS_B" || return 1
	if [ -n "${4:-}" ]; then
		REC_IN_A=10.0.1.1 REC_IN_B=10.0.2.1
		rec_setup_nat "$4" || return 1
	else
		ip link add rec-a type veth peer name rec-b || return 1
		ip link set rec-a netns "$REC_NS_A"
		ip link set rec-b netns "$REC_NS_B"
		# Outer addresses carry IKE and ESP; the tunnel protects inner host addresses on lo,
		# so that neighbour discovery between the outer ones stays outside the policies.
		if [ "$REC_FAMILY" = 6 ]; then
			REC_A=2001:db8::a REC_B=2001:db8::b REC_IN_A=fd00:a::1 REC_IN_B=fd00:b::1
			plen=64 hlen=128
			ip -n "$REC_NS_A" addr add "$REC_A/$plen" dev rec-a nodad
			ip -n "$REC_NS_B" addr add "$REC_B/$plen" dev rec-b nodad
		else
			REC_A=192.0.2.1 REC_B=192.0.2.2 REC_IN_A=10.0.1.1 REC_IN_B=10.0.2.1 plen=24
			ip -n "$REC_NS_A" addr add "$REC_A/$plen" dev rec-a
			ip -n "$REC_NS_B" addr add "$REC_B/$plen" dev rec-b
		fi
		REC_A_LOCAL=$REC_A REC_B_LOCAL=$REC_B
		ip -n "$REC_NS_A" addr add "$REC_IN_A/$hlen" dev lo
		ip -n "$REC_NS_B" addr add "$REC_IN_B/$hlen" dev lo
		ip -n "$REC_NS_A" link set rec-a up
		ip -n "$REC_NS_B" link set rec-b up
		ip -n "$REC_NS_A" route add "$REC_IN_B/$hlen" via "$REC_B" src "$REC_IN_A"
		ip -n "$REC_NS_B" route add "$REC_IN_A/$hlen" via "$REC_A" src "$REC_IN_B"
	fi

	rec_write_charon_conf A
	rec_write_charon_conf B
	# Each charon knows its own address and the other's as seen from it.
	rec_write_swanctl A "$REC_A_LOCAL" "$REC_B" a.example b.example "$REC_A_START" \
		"$REC_IN_A/$hlen" "$REC_IN_B/$hlen"
	# B, the appliance, always comes back with trap policies.
	rec_write_swanctl B "$REC_B_LOCAL" "$REC_A" b.example a.example trap \
		"$REC_IN_B/$hlen" "$REC_IN_A/$hlen"
	# B first: with start_action = start, A initiates as soon as its configuration loads.
	rec_charon_start B && rec_charon_start A
}

# rec_ping COUNT [INTERVAL]: ICMP A -> B through the tunnel, prints the number of replies.
rec_ping() {
	in_a ping -n -q -c "$1" -i "${2:-0.2}" -W 1 -I "$REC_IN_A" "$REC_IN_B" 2>/dev/null |
		awk '/packets transmitted/ { print $4 }'
}

rec_ping_ok() { [ "$(rec_ping 1)" = 1 ]; }

# Until the first reply comes back, for at most TIMEOUT_S; prints the ms it took.
rec_ping_until_reply() {
	local start deadline
	start=$(now_ms)
	deadline=$((start + $1 * 1000))
	while [ "$(now_ms)" -lt "$deadline" ]; do
		if in_a ping -n -q -c 1 -W 1 -I "$REC_IN_A" "$REC_IN_B" >/dev/null 2>&1; then
			echo $(($(now_ms) - start))
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# --- spirecoveryd ------------------------------------------------------------

# rec_peer_section EXTRA_PEER: the [peer.a] section of spirecoveryd.conf, with the PSK
# in $REC_DIR/ab.psk.
rec_peer_section() {
	(umask 077 && echo "$REC_PSK" >"$REC_DIR/ab.psk")
	cat <<-EOC

	[peer.a]
	address = $REC_A
	local-id = b.example
	remote-id = a.example
	psk-file = $REC_DIR/ab.psk
	proposals = aes256gcm16-prfsha256-x25519
	$1
	EOC
}

# rec_daemon_config EXTRA_GLOBAL EXTRA_PEER: writes $REC_DIR/spirecoveryd.conf
rec_daemon_config() {
	{
		cat <<-EOC
		# written by selftests/recovery/lib.sh
		log-level = debug
		state-file = $REC_DIR/spirecoveryd.status
		hold-down = ${REC_HOLD_DOWN:-10}
		$1
		EOC
		rec_peer_section "$2"
	} >"$REC_DIR/spirecoveryd.conf"
	chmod 0600 "$REC_DIR/spirecoveryd.conf"
}

rec_daemon_start() {
	# Not through in_b: a backgrounded function is a subshell, and $! must be the daemon
	# (ip netns exec execs it) for rec_daemon_stop and the tests' signals.
	ip netns exec "$REC_NS_B" "$REC_DAEMON" --config "$REC_DIR/spirecoveryd.conf" \
		--log-stderr yes --syslog no >>"$REC_DIR/spirecoveryd.log" 2>&1 &
	REC_DAEMON_PID=$!
	disown "$REC_DAEMON_PID"
	# Generous: under a loaded TCG host the start alone has taken over 10 s.
	wait_until 30 grep -q "listening for invalid-SPI events" "$REC_DIR/spirecoveryd.log"
}

rec_daemon_stop() {
	[ -n "$REC_DAEMON_PID" ] || return 0
	kill -TERM "$REC_DAEMON_PID" 2>/dev/null
	wait_until 10 sh -c "! kill -0 $REC_DAEMON_PID 2>/dev/null"
	REC_DAEMON_PID=
}

rec_daemon_log_has() { grep -qE "$1" "$REC_DIR/spirecoveryd.log"; }

rec_save_logs() {
	local out=$REC_BUILD/recovery/${REC_LOG_NAME:-scenario}
	rm -rf "$out"
	mkdir -p "$out" || return 0
	cp "$REC_DIR/A/run/charon.log" "$out/charon-a.log" 2>/dev/null
	cp "$REC_DIR/B/run/charon.log" "$out/charon-b.log" 2>/dev/null
	cp "$REC_DIR/C/run/charon.log" "$out/charon-c.log" 2>/dev/null
	local node
	for node in A B C; do
		cp "$REC_DIR/$node/charon.out" "$out/charon-$node.out" 2>/dev/null
	done
	cp "$REC_DIR/spirecoveryd.log" "$REC_DIR/spirecoveryd.conf" "$REC_DIR/spirecoveryd.status" \
		"$out/" 2>/dev/null
	return 0
}

rec_cleanup() {
	rec_daemon_stop
	if [ -n "$REC_DIR" ]; then
		rec_charon_kill A
		rec_charon_kill B
		rec_charon_kill C
		rec_save_logs
	fi
	ip netns del "$REC_NS_A" 2>/dev/null
	ip netns del "$REC_NS_B" 2>/dev/null
	[ -n "$REC_NAT" ] && ip netns del "$REC_NS_R" 2>/dev/null
	ip netns del "$REC_NS_C" 2>/dev/null
	REC_NAT=
	[ -n "$REC_DIR" ] && rm -rf "$REC_DIR"
	REC_DIR=
}

# --- Libreswan ---------------------------------------------------------------
# A node may run Libreswan 4.10's pluto instead of charon (selftests/recovery_libreswan.sh):
# Debian's package, unpacked on the host by selftests/recovery/libreswan.sh (it conflicts with
# strongswan-charon as a package). Each pluto has its own configuration, secrets, NSS
# database and run directory under $REC_DIR/NODE/pluto/, all given on its command line.
#   rec_lsw_replace NODE AUTO [EXTRA]   NODE's charon makes way for pluto: the same addresses,
#                                       identities, PSK and proposals; AUTO is pluto's auto=
#                                       (ondemand, add, start), EXTRA more lines of the conn
#   rec_lsw_reboot_b                    rec_reboot_b for a Libreswan B
#   rec_lsw_cleanup                     rec_cleanup, plutos included (also on EXIT)
REC_LSW_ROOT=$REC_BUILD/libreswan/root

rec_lsw() { # PROGRAM ARGS...: one of the unpacked programs, with the unpacked libraries
	LD_LIBRARY_PATH=$REC_LSW_ROOT/usr/lib/x86_64-linux-gnu "$REC_LSW_ROOT/usr/libexec/ipsec/$1" \
		"${@:2}"
}

rec_lsw_whack() { # NODE ARGS...
	local node=$1
	shift
	rec_lsw whack --ctlsocket "$REC_DIR/$node/pluto/run/pluto.ctl" "$@"
}

# The command that has NODE's pluto initiate the tunnel, as `ipsec whack --initiate --name
# tunnel` does on an installed Libreswan.
rec_lsw_initiate_command() {
	echo "/usr/bin/env LD_LIBRARY_PATH=$REC_LSW_ROOT/usr/lib/x86_64-linux-gnu" \
		"$REC_LSW_ROOT/usr/libexec/ipsec/whack --ctlsocket $REC_DIR/$1/pluto/run/pluto.ctl" \
		"--initiate --name tunnel"
}

# rec_lsw_write NODE LOCAL REMOTE LOCAL_ID REMOTE_ID AUTO LOCAL_TS REMOTE_TS EXTRA
rec_lsw_write() {
	local dir=$REC_DIR/$1/pluto encap=no
	[ "$REC_ENCAP" = yes ] && encap=yes
	mkdir -p "$dir/run" "$dir/ipsec.d" "$dir/nss"
	# ipsec.conf wants its settings indented, and <<- strips tabs: printf.
	{
		printf 'config setup\n\tuniqueids=yes\n\nconn tunnel\n'
		printf '\t%s\n' ikev2=yes authby=secret "left=$2" "leftid=@$4" "leftsubnet=$7" \
			leftupdown=%disabled "right=$3" "rightid=@$5" "rightsubnet=$8" \
			ike=aes_gcm256-sha2_256-dh31 esp=aes_gcm256 "encapsulation=$encap" "auto=$6" \
			$9 # EXTRA: words, split
	} >"$dir/ipsec.conf"
	(umask 077 && echo "@$4 @$5 : PSK $REC_PSK" >"$dir/ipsec.secrets")
	LD_LIBRARY_PATH=$REC_LSW_ROOT/usr/lib/x86_64-linux-gnu "$REC_LSW_ROOT/usr/bin/certutil" \
		-N -d "sql:$dir/nss" --empty-password
}

rec_lsw_start() { # NODE
	local node=$1 dir=$REC_DIR/$1/pluto ns
	ns=$(rec_node_ns "$node")
	rm -f "$dir/run/pluto.ctl" "$dir/run/pluto.pid"
	# pluto runs IPSEC_EXECDIR/addconn (/usr/libexec/ipsec, compiled in) to load the
	# connections: in its own mount namespace (ip netns exec's) a tmpfs on /usr/libexec
	# carries the unpacked directory there.
	(ip netns exec "$ns" sh -c "mount -t tmpfs spirecovery-libexec /usr/libexec &&
		mkdir /usr/libexec/ipsec &&
		mount --bind '$REC_LSW_ROOT/usr/libexec/ipsec' /usr/libexec/ipsec &&
		LD_LIBRARY_PATH='$REC_LSW_ROOT/usr/lib/x86_64-linux-gnu' exec /usr/libexec/ipsec/pluto \
		--nofork --config '$dir/ipsec.conf' --rundir '$dir/run' --dumpdir '$dir/run' \
		--nssdir '$dir/nss' --ipsecdir '$dir/ipsec.d' --secretsfile '$dir/ipsec.secrets' \
		--logfile '$dir/pluto.log' --no-dnssec --nhelpers 1" >>"$dir/pluto.out" 2>&1 &)
	wait_until 60 test -S "$dir/run/pluto.ctl" ||
		{ note "pluto $node: no control socket after 60 s: $(tail -1 "$dir/pluto.log")"; return 1; }
	# pluto's own addconn loads the connection.
	wait_until 30 eval 'rec_lsw_whack "$node" --status 2>/dev/null | grep -q "\"tunnel\":"' ||
		{ note "pluto $node: connection tunnel not loaded in 30 s"; return 1; }
}

rec_lsw_kill() { # NODE: as a crash: no DELETE reaches the peer
	local pid
	pid=$(cat "$REC_DIR/$1/pluto/run/pluto.pid" 2>/dev/null)
	[ -n "$pid" ] || return 0
	kill -KILL "$pid" 2>/dev/null
	wait_until 10 sh -c "! kill -0 $pid 2>/dev/null"
}

# rec_lsw_replace NODE AUTO [EXTRA]: after rec_setup, NODE runs pluto instead of charon.
rec_lsw_replace() {
	local node=$1 ns hlen=32
	ns=$(rec_node_ns "$node")
	[ -x "$REC_LSW_ROOT/usr/libexec/ipsec/pluto" ] || {
		note "no Libreswan in $REC_LSW_ROOT: run selftests/recovery/libreswan.sh on the host"
		return 1
	}
	trap rec_lsw_cleanup EXIT
	[ "$REC_FAMILY" = 6 ] && hlen=128
	rec_charon_kill "$node" || return 1
	ip -n "$ns" xfrm state flush
	ip -n "$ns" xfrm policy flush
	if [ "$node" = A ]; then
		rec_lsw_write A "$REC_A_LOCAL" "$REC_B" a.example b.example "$2" \
			"$REC_IN_A/$hlen" "$REC_IN_B/$hlen" "${3:-}"
	else
		rec_lsw_write B "$REC_B_LOCAL" "$REC_A" b.example a.example "$2" \
			"$REC_IN_B/$hlen" "$REC_IN_A/$hlen" "${3:-}"
	fi || return 1
	rec_lsw_start "$node"
}

rec_lsw_reboot_b() {
	rec_lsw_kill B || return 1
	ip -n "$REC_NS_B" xfrm state flush
	ip -n "$REC_NS_B" xfrm policy flush
	rec_lsw_start B
}

rec_lsw_cleanup() {
	local node out=$REC_BUILD/recovery/${REC_LOG_NAME:-scenario} keep
	keep=$(mktemp -d)
	if [ -n "$REC_DIR" ]; then
		for node in A B; do
			rec_lsw_kill "$node"
			cp "$REC_DIR/$node/pluto/pluto.log" "$keep/pluto-$node.log" 2>/dev/null
			cp "$REC_DIR/$node/pluto/ipsec.conf" "$keep/ipsec-$node.conf" 2>/dev/null
			cp "$REC_DIR/$node/pluto/pluto.out" "$keep/pluto-$node.out" 2>/dev/null
		done
	fi
	# rec_cleanup makes the log directory afresh and removes $REC_DIR.
	rec_cleanup
	cp "$keep"/* "$out/" 2>/dev/null
	rm -rf "$keep"
	return 0
}

# --- route-based tunnels -------------------------------------------------------
# selftests/recovery_routed.sh: B's end of the tunnel is an XFRM interface or a vti device
# (B's child carries if_id_in/if_id_out or mark_in/mark_out), A's stays policy-based.

rec_child_extra() { # NODE: REC_CHILD_EXTRA_<NODE>, lines rec_write_swanctl adds to the child
	local var=REC_CHILD_EXTRA_$1
	echo "${!var:-}"
}

# rec_route_b xfrmi|vti ID: B routes A's inner address into ipsec0 (xfrm, if_id ID) or vti0
# (vti, key ID) instead of by the policy alone. After rec_setup, B's charon configured with
# the same ID.
rec_route_b() {
	local kind=$1 id=$2 dev
	case $kind in
	xfrmi)
		dev=ipsec0
		ip -n "$REC_NS_B" link add "$dev" type xfrm dev rec-b if_id "$id" || return 1
		;;
	vti)
		dev=vti0
		ip -n "$REC_NS_B" link add "$dev" type vti local "$REC_B_LOCAL" remote "$REC_A" \
			key "$id" || return 1
		# The kernel's own policy check on the vti device, not the policies charon installs.
		ip netns exec "$REC_NS_B" sysctl -qw "net.ipv4.conf.$dev.disable_policy=1"
		;;
	*) echo "rec_route_b: xfrmi or vti, not '$kind'" >&2; return 1 ;;
	esac
	ip -n "$REC_NS_B" link set "$dev" up
	ip -n "$REC_NS_B" route replace "$REC_IN_A/32" dev "$dev" src "$REC_IN_B"
}

# --- several children ------------------------------------------------------------
# selftests/recovery_children.sh: a second child, net2, between more inner addresses.

rec_more_children() { # NODE: REC_MORE_CHILDREN_<NODE>, children rec_write_swanctl adds
	local var=REC_MORE_CHILDREN_$1
	echo "${!var:-}"
}
