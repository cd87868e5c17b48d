# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shared by the module's shell selftests, on top of selftests/common.sh (TAP,
# waiting): network namespaces and a two-namespace veth topology, xfrm SAs,
# the module's counters and configuration, event listeners and the packet
# sender.
#
# Topology of topo_pair (names unique per run):
#
#   $NS_A  veth_a 10.0.0.1/24 fd00::1/64 --- veth_b 10.0.0.2/24 fd00::2/64  $NS_B
#
# $NS_A sends (with the kernel's own ESP/AH or crafted frames), $NS_B receives
# and is where the module reports misses.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=selftests/common.sh
source "$REPO/selftests/common.sh"
BUILD=${SPIRECOVERY_BUILD:-$REPO/build}
TOOLS=$BUILD/selftests
PYTOOLS=$REPO/selftests/tools
ksft_skip=4

A4=10.0.0.1 B4=10.0.0.2 A6=fd00::1 B6=fd00::2

TMP=$(mktemp -d /tmp/spirecovery-selftest.XXXXXX)
NAMESPACES=()
BG_PIDS=()
declare -A LISTENER_PID LISTENER_CURSOR
BARRIERS=0

cleanup() {
	local pid ns

	for pid in "${BG_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${BG_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	for ns in "${NAMESPACES[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT

# ---- prerequisites ----------------------------------------------------------

require_root_tools() {
	[ "$(id -u)" -eq 0 ] || { echo "1..0 # SKIP needs root"; exit $ksft_skip; }
	# Build (or confirm up to date) the C helpers; inside the VM build/ is shared.
	make -s -C "$REPO/selftests" all >"$TMP/make.log" 2>&1 ||
		bail "build selftest helpers" "$(tail -5 "$TMP/make.log")"
}

load_module() {
	[ -d /sys/module/spirecovery ] && return
	modprobe spirecovery || bail "modprobe spirecovery"
}

# ---- namespaces and topology --------------------------------------------

# in_ns NS COMMAND...: run in network namespace NS.  Unlike ip netns exec it
# does not set up a mount namespace with NS's sysfs, which costs a second
# per call under TCG; /proc/net and /proc/sys/net follow the namespace.
in_ns() {
	nsenter --net="/run/netns/$1" "${@:2}"
}

# in_ns_bg NS OUT ERR COMMAND...: start COMMAND in NS in the background,
# stdout to OUT and stderr to ERR, killed at exit; sets BG_PID.  Called
# directly, not through in_ns: BG_PID is then the command's own PID.
in_ns_bg() {
	nsenter --net="/run/netns/$1" "${@:4}" >"$2" 2>"$3" &
	BG_PID=$!
	BG_PIDS+=("$BG_PID")
}

# link_info NS DEV: set LINK_INDEX and LINK_MAC of DEV in NS.
link_info() {
	local line
	line=$(ip -n "$1" -o link show dev "$2")
	LINK_INDEX=${line%%:*}
	LINK_MAC=${line#*link/ether }
	LINK_MAC=${LINK_MAC%% *}
}

# ns_create NAME: a new network namespace, deleted at exit.
ns_create() {
	ip netns add "$1" || bail "create netns $1"
	NAMESPACES+=("$1")
	ip -n "$1" link set lo up
}

# topo_pair: $NS_A and $NS_B joined by a veth pair (see the top of this file).
# Sets MAC_A, MAC_B, IFINDEX_A and IFINDEX_B of veth_a and veth_b.
topo_pair() {
	NS_A=sr-a-$$ NS_B=sr-b-$$
	ns_create "$NS_A"
	ns_create "$NS_B"
	ip link add veth_a netns "$NS_A" type veth peer name veth_b netns "$NS_B" ||
		bail "create veth pair"
	ip -n "$NS_A" addr add $A4/24 dev veth_a
	ip -n "$NS_A" addr add $A6/64 dev veth_a nodad
	ip -n "$NS_B" addr add $B4/24 dev veth_b
	ip -n "$NS_B" addr add $B6/64 dev veth_b nodad
	ip -n "$NS_A" link set veth_a up
	ip -n "$NS_B" link set veth_b up
	# Spoofed sources must reach xfrm: no reverse-path filter on the receiver.
	in_ns "$NS_B" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.veth_b.rp_filter=0
	link_info "$NS_A" veth_a
	# shellcheck disable=SC2034 # for the tests
	MAC_A=$LINK_MAC IFINDEX_A=$LINK_INDEX
	link_info "$NS_B" veth_b
	MAC_B=$LINK_MAC IFINDEX_B=$LINK_INDEX
	# No ARP/ND round trips before the first packet.
	ip -n "$NS_A" neigh add $B4 lladdr "$MAC_B" dev veth_a nud permanent
	ip -n "$NS_A" neigh add $B6 lladdr "$MAC_B" dev veth_a nud permanent
	ip -n "$NS_B" neigh add $A4 lladdr "$MAC_A" dev veth_b nud permanent
	ip -n "$NS_B" neigh add $A6 lladdr "$MAC_A" dev veth_b nud permanent
}

# ---- xfrm -------------------------------------------------------------------

# Fixed test keys: the tests need matching SAs, not secrecy.
ESP_AEAD_KEY=0x0102030405060708090a0b0c0d0e0f1011121314
AH_AUTH_KEY=0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20

# xfrm_sa NS esp|ah SRC DST SPI [ARGS...]: a transport-mode SA (extra ARGS
# such as "mark 0x10 mask 0xff" or "replay-window 32" go to ip xfrm).
xfrm_sa() {
	local ns=$1 proto=$2 src=$3 dst=$4 spi=$5 algo
	shift 5
	if [ "$proto" = esp ]; then
		algo=(aead 'rfc4106(gcm(aes))' "$ESP_AEAD_KEY" 128)
	else
		algo=(auth-trunc 'hmac(sha256)' "$AH_AUTH_KEY" 96)
	fi
	ip -n "$ns" xfrm state add src "$src" dst "$dst" proto "$proto" spi "$spi" \
		mode transport "${algo[@]}" "$@" || bail "xfrm state $proto $src->$dst spi $spi"
}

# xfrm_out_policy NS esp|ah SRC DST PORT: protect UDP to PORT from SRC to DST.
xfrm_out_policy() {
	ip -n "$1" xfrm policy add src "$3" dst "$4" proto udp dport "$5" dir out \
		tmpl src "$3" dst "$4" proto "$2" mode transport ||
		bail "xfrm policy $2 $3->$4 port $5"
}

# send_udp NS DST PORT: one datagram (through the policy above, if any).
send_udp() {
	in_ns "$1" bash -c "echo probe >/dev/udp/$2/$3" ||
		bail "send a datagram from $1 to $2 port $3"
}

# sa_packets NS ID...: packets the SA with this ID (ip xfrm state get
# arguments) has processed.
sa_packets() {
	ip -n "$1" -s xfrm state get "${@:2}" |
		awk '/lifetime current:/ { getline; sub(/\(packets\)/, "", $2); print $2 }'
}

# check_sa_packets DESC NS PACKETS ID...: the SA has processed PACKETS
# packets, waiting up to 5 s for them.
check_sa_packets() {
	local desc=$1 ns=$2 want=$3
	shift 3
	wait_until 5 test "$(sa_packets "$ns" "$@")" = "$want"
	check_eq "$desc" "$want" "$(sa_packets "$ns" "$@")"
}

# ---- the common start ----------------------------------------------------

# miss_test_setup: the start of a test that looks at misses and their events:
# the module loaded, the pair topology, recovery enabled in $NS_B with the
# per-source limits out of the way (ratelimit.sh's subject), and the event
# listener "ev" joined there.
miss_test_setup() {
	require_root_tools
	load_module
	topo_pair
	sr_config "$NS_B" enabled=1 source-rate=1000 source-burst=1000
	listen_start ev "$NS_B"
}

# ---- the module ---------------------------------------------------------

# sr NS genl_request-ARGS...
sr() {
	in_ns "$1" "$TOOLS/genl_request" "${@:2}"
}

# kv KEY LINE: the value of KEY=value in a line of key=value pairs.
kv() {
	local pair
	for pair in $2; do
		[ "${pair%%=*}" = "$1" ] && { echo "${pair#*=}"; return; }
	done
}

# without LINES NAME...: LINES (key=value pairs, one record a line) without
# the pairs named.
without() {
	local line pair out name keep
	while read -r line; do
		out=
		for pair in $line; do
			keep=1
			for name in "${@:2}"; do
				[ "${pair%%=*}" = "$name" ] && keep=
			done
			[ -n "$keep" ] && out+="${out:+ }$pair"
		done
		echo "$out"
	done <<<"$1"
}

# sr_config NS NAME=VALUE...: must succeed.
sr_config() {
	sr "$1" set-config "${@:2}" || bail "set-config ${*:2} in $1"
}

# counters NS ARRAY: every module counter of NS and its XfrmInNoStates into
# the associative array named ARRAY (one get-stats).
counters() {
	local -n into=$2
	local pair
	into=()
	for pair in $(sr "$1" get-stats); do
		into[${pair%%=*}]=${pair#*=}
	done
	# shellcheck disable=SC2034 # a nameref
	into["XfrmInNoStates"]=$(xfrm_stat "$1" XfrmInNoStates)
}

# snapshot NS: remember the counters of NS for delta and check_deltas.
declare -A SNAP
snapshot() {
	counters "$1" SNAP
}

# delta NS NAME: how much a counter (module or XfrmInNoStates) grew since snapshot.
delta() {
	local -A now
	counters "$1" now
	echo $((${now[$2]:-0} - ${SNAP[$2]:-0}))
}

# check_deltas DESC NS NAME=N...: since snapshot, each named counter grew by
# exactly N and every other module counter and XfrmInNoStates stayed.
check_deltas() {
	local desc=$1 ns=$2 name want got pair errors=()
	local -A expect=() now
	shift 2
	for pair in "$@"; do
		expect[${pair%%=*}]=${pair#*=}
	done
	counters "$ns" now
	for name in XfrmInNoStates miss-ipv4-esp miss-ipv4-ah miss-ipv4-esp-udp miss-ipv6-esp \
		miss-ipv6-ah miss-ipv6-esp-udp events-sent suppressed-source suppressed-global \
		malformed send-failed no-listener disabled unknown-source; do
		want=${expect[$name]:-0}
		got=$((${now[$name]:-0} - ${SNAP[$name]:-0}))
		[ "$got" = "$want" ] || errors+=("$name: expected +$want, got +$got")
	done
	if [ ${#errors[@]} -eq 0 ]; then
		ok "$desc"
	else
		not_ok "$desc" "${errors[@]}"
	fi
}

# ---- events ---------------------------------------------------------------

# listen_start NAME NS: an event listener in NS, its lines in $TMP/NAME.events.
listen_start() {
	local name=$1 ns=$2 ready=$TMP/$1.ready
	rm -f "$ready"
	: >"$TMP/$name.events"
	in_ns_bg "$ns" "$TMP/$name.events" "$TMP/$name.err" "$TOOLS/event_listen" -t 600000 \
		-r "$ready"
	LISTENER_PID[$name]=$BG_PID
	LISTENER_CURSOR[$name]=0
	wait_until 30 test -e "$ready" ||
		bail "event listener $name in $ns" "$(cat "$TMP/$name.err")"
}

listen_stop() {
	kill "${LISTENER_PID[$1]}" 2>/dev/null
	wait "${LISTENER_PID[$1]}" 2>/dev/null
}

events_total() {
	local lines
	mapfile -t lines <"$TMP/$1.events"
	echo ${#lines[@]}
}

# events_pending NAME: events not yet taken with next_event.
events_pending() {
	echo $(($(events_total "$1") - LISTENER_CURSOR[$1]))
}

# next_event NAME [TIMEOUT_S]: wait for the next event line and put it in $EVENT.
next_event() {
	local n=$((LISTENER_CURSOR[$1] + 1))
	EVENT=
	wait_until "${2:-5}" test "$(events_total "$1")" -ge "$n" || return 1
	LISTENER_CURSOR[$1]=$n
	local line
	mapfile -t -s $((n - 1)) -n 1 line <"$TMP/$1.events"
	EVENT=${line[0]}
}

# ev KEY=VALUE...: the line event_listen prints for an event with these
# fields: proto (esp, ah), src, dst, spi, seq, and for ESP-in-UDP sport and
# dport; ifindex (default $IFINDEX_B), mark (0x0) and suppressed (0).
ev() {
	local -A f=([ifindex]=$IFINDEX_B [mark]=0x0 [suppressed]=0)
	local pair family=2 a=4 proto encap=0 ports=
	for pair in "$@"; do
		f[${pair%%=*}]=${pair#*=}
	done
	[[ ${f[src]} == *:* ]] && family=10 a=6
	case ${f[proto]} in esp) proto=50 ;; ah) proto=51 ;; esac
	[ -n "${f[dport]:-}" ] && encap=2 ports=" sport=${f[sport]} dport=${f[dport]}"
	echo "family=$family proto=$proto saddr$a=${f[src]} daddr$a=${f[dst]} spi=${f[spi]}" \
		"seq=${f[seq]} encap=$encap$ports ifindex=${f[ifindex]} mark=${f[mark]}" \
		"suppressed=${f[suppressed]}"
}

# check_event DESC NAME EXPECTED T0: the next event is exactly EXPECTED
# (every attribute but the timestamp), and its timestamp lies between T0
# and its arrival.
check_event() {
	local desc=$1 name=$2 want=$3 t0=$4 ts rest t1
	if ! next_event "$name"; then
		not_ok "$desc" "no event" "expected: $want"
		return
	fi
	t1=$(($(now_ns) + 999))
	ts=$(kv timestamp "$EVENT")
	rest=$(without "$EVENT" timestamp)
	if [ "$rest" != "$want" ]; then
		not_ok "$desc" "expected: $want" "got:      $rest"
	elif ! [[ "$ts" =~ ^[0-9]+$ ]] || [ "$ts" -lt "$t0" ] || [ "$ts" -gt "$t1" ]; then
		not_ok "$desc" "timestamp ${ts:-missing} not within [$t0, $t1]"
	else
		ok "$desc"
	fi
}

# ---- crafted packets --------------------------------------------------------

# send_from NS DEV DST_MAC SPEC...: crafted packets (tools/send_packets.py)
# from DEV in NS to the host with DST_MAC; sets SEND_ELAPSED_NS.
send_from() {
	local out
	out=$(in_ns "$1" python3 "$PYTOOLS/send_packets.py" \
		--dev "$2" --dst-mac "$3" "${@:4}") || bail "send_packets.py ${*:4}"
	# shellcheck disable=SC2034 # for the tests
	SEND_ELAPSED_NS=$(kv elapsed_ns "$out")
}

# send_ab SPEC...: crafted packets from $NS_A to $NS_B.
send_ab() {
	send_from "$NS_A" veth_a "$MAC_B" "$@"
}

# new_barrier DST: set BARRIER to a packet spec for an ESP miss at DST from
# a source and SPI no test uses (each barrier its own, so that per-source
# limits never hold one back).  Sent after packets that must stay silent,
# its event proves they were all processed; it adds 1 to XfrmInNoStates,
# miss-ipv4-esp and events-sent.
new_barrier() {
	BARRIERS=$((BARRIERS + 1))
	BARRIER_SPI=$(printf '0xba%06x' "$BARRIERS")
	# shellcheck disable=SC2034 # for the tests
	BARRIER="esp:src=10.0.9.$BARRIERS,dst=$1,spi=$BARRIER_SPI,seq=1"
}

# check_barrier_next DESC NAME: the next event is the barrier's, none before it.
check_barrier_next() {
	if ! next_event "$2"; then
		not_ok "$1" "not even the barrier event came"
	elif [ "$(kv spi "$EVENT")" != "$BARRIER_SPI" ]; then
		not_ok "$1" "unexpected event: $EVENT"
	else
		ok "$1"
	fi
}
