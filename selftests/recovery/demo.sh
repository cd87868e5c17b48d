#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: issue 4's scenario narrated in the terminal, inside the VM. A healthy IKEv2
# tunnel between two unmodified strongSwan routers; B reboots; A's packets vanish into B's
# XfrmInNoStates; spirecovery reports them, spirecoveryd makes A drop its stale SAs with an
# authenticated INITIAL_CONTACT, and A's next packet brings the tunnel back. Ends with a
# timeline. BACKEND=vici shows the strongSwan-driven recovery instead.
cd "$(dirname "$0")/../.." || exit 1
source selftests/recovery/lib.sh
backend=${BACKEND:-native}
REC_LOG_NAME=demo

bold=$(printf '\033[1m') dim=$(printf '\033[2m') green=$(printf '\033[32m')
red=$(printf '\033[31m') off=$(printf '\033[0m')
T0=$(now_ms)
declare -a timeline

at() { printf '%7.3f s' "$(echo "scale=3; ($1 - $T0) / 1000" | bc)"; } # MS since the epoch
stamp() { at "$(now_ms)"; }
# The timeline is sorted by time, so each line carries when its event happened,
# not when the script got round to noting it.
mark_at() { timeline+=("$(at "$1")  $2"); } # MS TEXT
mark() { mark_at "$(now_ms)" "$*"; }
say() { echo; echo "${bold}== $*${off}"; }
show() { sed "s/^/    ${dim}/; s/\$/${off}/"; }
fail() { echo "${red}demo failed: $*${off}"; exit 1; }

# Prints each ping A -> B as it goes: one line per probe.
ping_show() { # COUNT
	local i ok=0
	for i in $(seq "$1"); do
		if in_a ping -n -c 1 -W 1 -I "$REC_IN_A" "$REC_IN_B" >/dev/null 2>&1; then
			echo "    $(stamp)  ping A -> B  ${green}reply${off}"
			ok=$((ok + 1))
		else
			echo "    $(stamp)  ping A -> B  ${red}lost${off}"
		fi
	done
	PING_OK=$ok
}

say "1. Two routers, an IKEv2 PSK tunnel, unmodified strongSwan ${dim}(A on demand: start_action = trap)$off"
rec_setup 4 no trap || fail "strongSwan did not start"
modprobe spirecovery || fail "modprobe spirecovery"
globals=
[ "$backend" = vici ] && globals="vici-socket = $REC_DIR/B/run/charon.vici"
rec_daemon_config "$globals" "backends = $backend"
rec_daemon_start || fail "spirecoveryd did not start"
ctl=$REC_CTL
ip netns exec "$REC_NS_B" "$ctl" monitor >"$REC_DIR/monitor.log" 2>&1 &
monitor=$!
disown "$monitor"
trap 'kill "$monitor" 2>/dev/null; rec_cleanup' EXIT
rec_module_enable 1
echo "    A $REC_A <-> B $REC_B, tunnel $REC_IN_A <-> $REC_IN_B"
echo "    on B: the spirecovery module (enabled) and spirecoveryd ($backend backend)"
wait_until 30 rec_ping_ok || fail "the tunnel did not come up"
mark "tunnel up"
ping_show 3
echo "    SAs on A:"
ip -n "$REC_NS_A" xfrm state | awk '$3 == "spi" { print $2, $4 }' | show
stale=$(spis "$REC_NS_A")

say "2. B reboots ${dim}(charon SIGKILLed, kernel SAs and policies flushed, charon restarted)$off"
echo "    ${dim}recovery switched off for a moment, to show what happens today$off"
rec_module_enable 0
rec_reboot_b || fail "B's charon did not restart"
mark "B rebooted (recovery off)"
echo "    B has no SA; A still has its SAs for B's previous life and keeps using them."

say "3. The black hole"
before=$(xfrm_stat "$REC_NS_B" XfrmInNoStates)
ping_show 6
after=$(xfrm_stat "$REC_NS_B" XfrmInNoStates)
mark "black hole: $PING_OK/6 replies, B's XfrmInNoStates +$((after - before))"
echo "    B's /proc/net/xfrm_stat: XfrmInNoStates $before -> $after: B drops every packet of A,"
echo "    silently, until A re-keys (an hour with strongSwan's defaults)."

say "4. spirecovery on: the next dropped packet is an event"
# A keeps pinging (5/s) in the background: its next ESP packet is the trigger.
ip netns exec "$REC_NS_A" ping -D -n -i 0.2 -W 1 -I "$REC_IN_A" "$REC_IN_B" >"$REC_DIR/ping.log" 2>&1 &
pinger=$!
T_ENABLE=$(now_ms)
rec_module_enable 1
mark_at "$T_ENABLE" "spirecoveryctl enable"
wait_until 30 rec_daemon_log_has "recovered: |recovery failed|no backend" ||
	echo "    ${red}no recovery within 30 s$off"
wait_until 10 grep -q 'bytes from' "$REC_DIR/ping.log"
kill "$pinger" 2>/dev/null
wait "$pinger" 2>/dev/null
first=$(awk -F'[][]' '/bytes from/ { print $2; exit }' "$REC_DIR/ping.log")
if [ -n "$first" ]; then
	ms=$(echo "$first * 1000 / 1 - $T_ENABLE" | bc)
	mark_at "$(echo "$first * 1000 / 1" | bc)" "first ping reply since the reboot, $ms ms after enabling"
fi
echo "    spirecoveryctl monitor on B:"
grep -m 2 . "$REC_DIR/monitor.log" | show
echo "    spirecoveryd on B:"
grep -E 'invalid SPI|acting|skipped|native: (sending|IKE|recovery)|charon: |backend [a-z]+ finished|recovered' \
	"$REC_DIR/spirecoveryd.log" | cut -c1-150 | show

say "5. Traffic flows again"
[ -n "$first" ] || fail "traffic did not recover"
ping_show 3
echo "    SAs on A now (the stale ones, $(echo $stale), are gone):"
ip -n "$REC_NS_A" xfrm state | awk '$3 == "spi" { print $2, $4 }' | show

say "Timeline"
# The daemon's steps, from its wall-clock time stamps (HH:MM:SS.mmm, today).
daemon_mark() { # PATTERN LABEL
	local t
	t=$(grep -m1 -E "$1" "$REC_DIR/spirecoveryd.log" | cut -d' ' -f1)
	[ -n "$t" ] || return 0
	t=$(date -d "$t" +%s%3N)
	mark_at "$t" "spirecoveryd: $2"
}
daemon_mark 'invalid SPI' "event: A's packet on its stale SPI was dropped"
daemon_mark 'acting:' "decision: act (no SA with A on B)"
daemon_mark 'sending IKE_SA_INIT|vici: initiating' "first IKE request"
daemon_mark 'INITIAL_CONTACT delivered|charon: .*established' "A authenticated B's new life"
daemon_mark 'recovered:' "B holds a new inbound SA from A"
printf '%s\n' "${timeline[@]}" | sort -n | sed 's/^/    /'
recovered=$(grep -m1 -oE 'installed [0-9]+ ms after' "$REC_DIR/spirecoveryd.log" | grep -oE '[0-9]+')
echo "    ${bold}first ping reply ${ms:-?} ms after enabling recovery; ${recovered:-?} ms from the"
echo "    dropped packet to B's new inbound SA (the daemon's own measure)$off"
echo
echo "logs: build/recovery/demo/ (charon A and B, spirecoveryd, its status file)"
echo "spirecoveryd --status:"
"$REC_DAEMON" --status --config "$REC_DIR/spirecoveryd.conf" | show
