#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unload and reload the module while ESP traffic flows and misses arrive,
# with an event listener joined to the "events" group, so that the module is
# sending events when it goes: the kernel must stay clean (run-vm.sh fails on
# any splat), the listener must have received events and the tunnel must
# still carry traffic afterwards.
#
#   ns_a (10.77.0.1) ---- veth ---- ns_b (10.77.0.2)
#   a -> b: ESP with SPI 0x100 (SA present in b) and SPI 0x200 (no SA in b)
set -u
a=srload-a-$$
b=srload-b-$$
n=0 failed=0
key=0x$(printf '%040x' 7)
build=${SPIRECOVERY_BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}
listen=$build/selftests/event_listen
tmp=$(mktemp -d)

ok() {
	n=$((n + 1))
	echo "ok $n $1"
}
not_ok() {
	n=$((n + 1))
	failed=1
	echo "not ok $n $1"
}
cleanup() {
	kill "${pids[@]}" 2>/dev/null
	wait 2>/dev/null
	ip netns del "$a" 2>/dev/null
	ip netns del "$b" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
pids=()
[ -x "$listen" ] || {
	echo "not ok 1 no $listen (make selftests-bin)"
	exit 1
}

modprobe -a esp4 xfrm_user 2>/dev/null
ip netns add "$a" && ip netns add "$b" || exit 1
ip link add veth0 netns "$a" type veth peer name veth0 netns "$b"
ip -n "$a" addr add 10.77.0.1/24 dev veth0
ip -n "$b" addr add 10.77.0.2/24 dev veth0
ip -n "$a" link set veth0 up
ip -n "$b" link set veth0 up
for ns in "$a" "$b"; do
	ip -n "$ns" link set lo up
	# One SA pair for 10.77.0.1 <-> 10.77.0.2 ICMP, the other direction's
	# SA (0x200 into b) only exists in a, so b sees misses for it.
	ip -n "$ns" xfrm state add src 10.77.0.1 dst 10.77.0.2 proto esp spi 0x100 \
		reqid 1 mode transport aead 'rfc4106(gcm(aes))' "$key" 128
	ip -n "$ns" xfrm state add src 10.77.0.2 dst 10.77.0.1 proto esp spi 0x101 \
		reqid 1 mode transport aead 'rfc4106(gcm(aes))' "$key" 128
done
ip -n "$a" xfrm state add src 10.77.0.1 dst 10.77.0.2 proto esp spi 0x200 \
	reqid 2 mode transport aead 'rfc4106(gcm(aes))' "$key" 128
ip -n "$a" xfrm policy add src 10.77.0.1 dst 10.77.0.2 proto icmp dir out \
	tmpl proto esp reqid 1 mode transport
ip -n "$a" xfrm policy add src 10.77.0.1 dst 10.77.0.2 proto udp dir out \
	tmpl proto esp reqid 2 mode transport
ip -n "$b" xfrm policy add src 10.77.0.2 dst 10.77.0.1 proto icmp dir out \
	tmpl proto esp reqid 1 mode transport
ip -n "$b" xfrm policy add src 10.77.0.1 dst 10.77.0.2 proto icmp dir in \
	tmpl proto esp reqid 1 mode transport

if ip netns exec "$a" ping -c 2 -W 2 -q 10.77.0.2 >/dev/null; then
	ok "ESP tunnel carries traffic before the test"
else
	not_ok "ESP tunnel carries traffic before the test"
fi

# Traffic for the whole reload loop: pings over the SA and UDP misses.
ip netns exec "$a" ping -i 0.01 -q 10.77.0.2 >/dev/null 2>&1 &
pids+=($!)
ip netns exec "$a" sh -c 'while :; do echo x; done | socat -u - UDP:10.77.0.2:9' >/dev/null 2>&1 &
pids+=($!)

before=$(ip netns exec "$b" awk '$1 == "XfrmInNoStates" { print $2 }' /proc/net/xfrm_stat)
loops=0 events=0 listeners=0
for i in 1 2 3 4 5; do
	modprobe spirecovery || break
	# spirecoveryctl when built: python3 and pyroute2 take minutes to start
	# under the debug kernel (make check-debug).
	if [ -x "$build/tools/spirecoveryctl" ]; then
		ip netns exec "$b" "$build/tools/spirecoveryctl" enable >/dev/null || break
	else
		ip netns exec "$b" python3 - <<'PY' || break
from pyroute2.netlink.generic import GenericNetlinkSocket
from pyroute2.netlink import genlmsg, NLM_F_REQUEST, NLM_F_ACK

class Msg(genlmsg):
    nla_map = (("UNSPEC", "none"), ("ENABLED", "uint8"))

s = GenericNetlinkSocket()
s.bind("spirecovery", Msg)
m = Msg()
m["cmd"] = 2  # SPIRECOVERY_CMD_SET_CONFIG
m["version"] = 1
m["attrs"] = [("ENABLED", 1)]
s.nlm_request(m, msg_type=s.prid, msg_flags=NLM_F_REQUEST | NLM_F_ACK)
PY
	fi
	# A listener in b, joined while the module unloads under it.
	rm -f "$tmp/ready"
	ip netns exec "$b" "$listen" -t 120000 -r "$tmp/ready" >"$tmp/events.$i" 2>"$tmp/listen.$i.err" &
	lpid=$!
	pids+=("$lpid")
	for _ in $(seq 100); do
		[ -e "$tmp/ready" ] || ! kill -0 "$lpid" 2>/dev/null && break
		sleep 0.1
	done
	[ -e "$tmp/ready" ] && listeners=$((listeners + 1))
	sleep 1
	rmmod spirecovery || break
	kill "$lpid" 2>/dev/null
	wait "$lpid" 2>/dev/null
	events=$((events + $(grep -c . "$tmp/events.$i")))
	loops=$i
done
after=$(ip netns exec "$b" awk '$1 == "XfrmInNoStates" { print $2 }' /proc/net/xfrm_stat)

if [ "$loops" -eq 5 ]; then
	ok "module loaded, enabled and unloaded 5 times under traffic"
else
	not_ok "module loaded, enabled and unloaded 5 times under traffic (stopped after $loops)"
fi
if [ "$listeners" -eq 5 ] && [ "$events" -gt 0 ]; then
	ok "an event listener was joined during each unload and received $events events"
else
	not_ok "an event listener was joined during each unload and received events ($listeners joined, $events events; $(cat "$tmp"/listen.*.err 2>/dev/null | sort -u | tr '\n' ' '))"
fi
if [ "$after" -gt "$before" ]; then
	ok "misses kept arriving during the reloads (XfrmInNoStates +$((after - before)))"
else
	not_ok "misses kept arriving during the reloads (XfrmInNoStates +$((after - before)))"
fi
kill "${pids[@]}" 2>/dev/null
wait 2>/dev/null
pids=()
if ip netns exec "$a" ping -c 2 -W 2 -q 10.77.0.2 >/dev/null; then
	ok "ESP tunnel carries traffic after the reloads"
else
	not_ok "ESP tunnel carries traffic after the reloads"
fi
exit $failed
