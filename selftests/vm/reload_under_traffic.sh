#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unload and reload the module while ESP traffic flows and misses arrive,
# with an event listener joined to the "events" group and spirecoveryd
# attached, so that the module is sending events when it goes: the kernel
# must stay clean (run-vm.sh fails on any splat), the listener must have
# received events, the daemon must have followed every reload (attached
# again and written its peer set again) and the tunnel must still carry
# traffic afterwards; the daemon must leave the module unloaded after the last unload.
#
#   ns_a (10.77.0.1) ---- veth ---- ns_b (10.77.0.2, spirecoveryd)
#   a -> b: ESP with SPI 0x100 (SA present in b) and SPI 0x200 (no SA in b)
set -u
build=${SPIRECOVERY_BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}
# shellcheck source=selftests/common.sh
source "$(dirname "$0")/../common.sh"
a=srload-a-$$
b=srload-b-$$
key=0x$(printf '%040x' 7)
listen=$build/selftests/event_listen
daemon=$build/ike/spirecoveryd
ctl=$build/tools/spirecoveryctl
tmp=$(mktemp -d)

cleanup() {
	kill "${pids[@]}" 2>/dev/null
	wait 2>/dev/null
	ip netns del "$a" 2>/dev/null
	ip netns del "$b" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
pids=()
for program in "$listen" "$daemon" "$ctl"; do
	[ -x "$program" ] || bail "no $program (make all selftests-bin)"
done

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

tap_check "ESP tunnel carries traffic before the test" \
	ip netns exec "$a" ping -c 2 -W 2 -q 10.77.0.2

# The daemon, waiting for the module, with a as its one peer (an exec backend that does
# nothing: recoveries are not what this test is about).
cat >"$tmp/spirecoveryd.conf" <<EOC
log-level = debug
state-file = $tmp/spirecoveryd.status
[peer.a]
address = 10.77.0.1
backends = exec
exec-command = /bin/true
EOC
ip netns exec "$b" "$daemon" --config "$tmp/spirecoveryd.conf" --log-stderr yes --syslog no \
	>"$tmp/spirecoveryd.log" 2>&1 &
daemon_pid=$!
daemon_started=$SECONDS
pids+=("$daemon_pid")

# Traffic for the whole reload loop: pings over the SA and UDP misses.
ip netns exec "$a" ping -i 0.01 -q 10.77.0.2 >/dev/null 2>&1 &
pids+=($!)
ip netns exec "$a" sh -c 'while :; do echo x; done | socat -u - UDP:10.77.0.2:9' >/dev/null 2>&1 &
pids+=($!)

before=$(ip netns exec "$b" awk '$1 == "XfrmInNoStates" { print $2 }' /proc/net/xfrm_stat)
loops=0 events=0 listeners=0
for i in 1 2 3 4 5; do
	modprobe spirecovery || break
	ip netns exec "$b" "$ctl" enable >/dev/null || break
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

check_eq "module loaded, enabled and unloaded 5 times under traffic" 5 "$loops"
if [ "$listeners" -eq 5 ] && [ "$events" -gt 0 ]; then
	ok "an event listener was joined during each unload and received $events events"
else
	not_ok "an event listener was joined during each unload and received events" \
		"$listeners joined, $events events" "$(cat "$tmp"/listen.*.err 2>/dev/null | sort -u)"
fi
tap_check "misses kept arriving during the reloads (XfrmInNoStates +$((after - before)))" \
	test "$after" -gt "$before"
tap_check "spirecoveryd is still running after the reloads" kill -0 "$daemon_pid"
check_eq "spirecoveryd attached to each of the 5 loads" 5 \
	"$(grep -c 'listening for invalid-SPI events' "$tmp/spirecoveryd.log")"
check_eq "spirecoveryd wrote its peer set at each of the 5 loads" 5 \
	"$(grep -c 'module peer set: 1 peer (10.77.0.1/32)' "$tmp/spirecoveryd.log")"
tap_check "spirecoveryd logged no error" bash -c "! grep -E ' (error|crit)' '$tmp/spirecoveryd.log'"
# The daemon's 30 s backstop lookup has run once the module was gone: it must not load it.
while [ $((SECONDS - daemon_started)) -le 32 ]; do sleep 1; done
tap_check "the module stays unloaded: spirecoveryd does not load it again" \
	bash -c "! grep -q '^spirecovery ' /proc/modules"
kill "${pids[@]}" 2>/dev/null
wait 2>/dev/null
pids=()
tap_check "ESP tunnel carries traffic after the reloads" \
	ip netns exec "$a" ping -c 2 -W 2 -q 10.77.0.2
finish
