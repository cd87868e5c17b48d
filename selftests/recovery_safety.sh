#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 9: the daemon never acts when it cannot tell, never races B's own IKE daemon, and
# its exec commands end on time. One setup (IPv4, A with trap policies), three scenarios:
#   charon-hung  B's charon SIGSTOPped when the event comes: events keep being read and
#                counted, "cannot tell" and nothing sent, SIGTERM ends the daemon within
#                1 s; again with SIGCONT instead: the vici backend then recovers.
#   race         the native exchange's IKE_SA_INIT is held back (dropped, retransmitted)
#                while B's charon starts negotiating with A: right before IKE_AUTH the
#                daemon sees it and sends no INITIAL_CONTACT; A's new IKE SA survives.
#   exec         exec-command /bin/sleep 100 with exec-timeout = 2: SIGTERM within 3 s, no
#                zombie, back-off after the failure; a command whose child outlives it: the
#                child is gone too.
# Runs in the VM: selftests/vm/run-vm.sh -k KVER -- selftests/recovery_safety.sh
# Logs: build/recovery/safety/.
cd "$(dirname "$0")/.." || exit 1
source selftests/recovery/lib.sh
source selftests/recovery/checks.sh

modprobe spirecovery || { echo "not ok 1 modprobe spirecovery"; exit 1; }

REC_LOG_NAME=safety
PING_PID=

# A pings B through its stale SA in the background: a steady stream of events.
pings_start() {
	in_a ping -n -q -i 0.3 -W 1 -I "$REC_IN_A" "$REC_IN_B" >/dev/null 2>&1 &
	PING_PID=$!
}

pings_stop() {
	[ -n "$PING_PID" ] && kill "$PING_PID" 2>/dev/null && wait "$PING_PID" 2>/dev/null
	PING_PID=
}

log_count() { grep -cE "$1" "$REC_DIR/spirecoveryd.log"; }

# Restarts the daemon with a fresh log section and configuration.
daemon_restart() { # EXTRA_GLOBAL EXTRA_PEER
	rec_daemon_stop
	echo "# ----- restart" >>"$REC_DIR/spirecoveryd.log"
	rec_daemon_config "$1" "$2"
	rec_daemon_start
}

# SIGTERM to the daemon; prints the ms until it exited (or nothing after 5 s). Polls with
# builtins only: under TCG a fork per poll would cost more than what is measured.
daemon_term_ms() {
	local start now pid=$REC_DAEMON_PID
	start=$(now_ms)
	kill -TERM "$pid"
	while kill -0 "$pid" 2>/dev/null; do
		now=${EPOCHREALTIME/./}
		[ $((now / 1000 - start)) -ge 5000 ] && return 1
	done
	now=${EPOCHREALTIME/./}
	echo $((now / 1000 - start))
}

# From "received signal" to "spirecoveryd stopped" in the daemon's last run, in ms.
daemon_shutdown_ms() {
	since_restart | awk '/received signal/ { a = $1 } /spirecoveryd stopped/ { b = $1 }
		function ms(t, f) { split(t, f, ":"); return ((f[1] * 60 + f[2]) * 60 + f[3]) * 1000 }
		END { if (a && b) print int(ms(b) - ms(a) + 0.5) }'
}

# Lines logged since the last restart.
since_restart() { awk '/^# ----- restart/ { n = NR } { l[NR] = $0 } END { for (i = n + 1; i <= NR; i++) print l[i] }' "$REC_DIR/spirecoveryd.log"; }
since_restart_has() { since_restart | grep -qE "$1"; }
since_restart_count() { since_restart | grep -cE "$1"; }

no_zombie() { ! ps -eo stat=,comm= | grep -qE '^Z.*\b(sleep|sh)\b'; }

gone() { ! kill -0 "$1" 2>/dev/null || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }

if ! rec_setup 4 no trap; then
	tap_check "strongSwan A and B start" false
	rec_cleanup
	tap_done
	exit
fi
vici="vici-socket = $REC_DIR/B/run/charon.vici" # REC_DIR comes from rec_setup
rec_daemon_config "$vici" "backends = vici"
tap_check "spirecoveryd starts" rec_daemon_start
rec_module_enable 1
check_tunnel_up safety

# --- charon hung ---------------------------------------------------------------
label=charon-hung
check_black_hole "$label"
charon_b=$(rec_charon_pid B)
kill -STOP "$charon_b"
rec_module_enable 1
pings_start
tap_check "$label: with charon stopped, the daemon says it cannot tell" \
	wait_until 30 since_restart_has "skipped: cannot tell whether B has SAs with $REC_A: cannot read the strongSwan IKE SAs"
events_before=$(since_restart_count "invalid SPI: ESP SPI")
sleep 3
events_after=$(since_restart_count "invalid SPI: ESP SPI")
tap_check "$label: events keep being read meanwhile ($events_before, 3 s later $events_after)" \
	test "$events_after" -gt "$events_before"
tap_check "$label: and counted in the status file ($(grep -E '^  events' "$REC_DIR/spirecoveryd.status" | tr -s ' '))" \
	eval '[ "$(awk "/^  events/ { print \$2 }" "$REC_DIR/spirecoveryd.status")" -ge "$events_after" ]'
tap_check "$label: nothing was tried" eval '! since_restart_has "recovery: backend|acting:"'
tap_check "$label: --status -j is JSON with the peer's events" eval \
	'"$REC_DAEMON" --config "$REC_DIR/spirecoveryd.conf" --status -j |
		python3 -c "import json, sys; d = json.load(sys.stdin); assert d[\"peers\"][0][\"events\"] >= 1"'
ms=$(daemon_term_ms)
REC_DAEMON_PID=
tap_check "$label: SIGTERM ends the daemon within 1 s (${ms:-more than 5000} ms; its own shutdown $(daemon_shutdown_ms) ms)" \
	eval '[ -n "$ms" ] && [ "$ms" -lt 1000 ]'

label=charon-continued
daemon_restart "$vici" "backends = vici"
tap_check "$label: cannot tell again while charon is stopped" \
	wait_until 30 since_restart_has "skipped: cannot tell"
kill -CONT "$charon_b"
tap_check "$label: once charon answers, the vici backend recovers" \
	wait_until 40 since_restart_has "backend vici finished"
tap_check "$label: B's new inbound SA seen" wait_until 20 since_restart_has "recovered: ESP SA"
pings_stop
tap_check "$label: pings flow" wait_until 20 rec_ping_ok

# --- the race ------------------------------------------------------------------
label=race
check_black_hole "$label"
contacts_before=$(grep -c "received INITIAL_CONTACT" "$REC_DIR/A/run/charon.log")
# The native exchange's socket has an ephemeral port: hold its IKE_SA_INIT back.
in_b nft -f - <<-EOF
	table inet race {
		chain out {
			type filter hook output priority 0;
			ip daddr $REC_A udp dport 500 udp sport != { 500, 4500 } drop
		}
	}
EOF
daemon_restart "$vici
retransmit-timeout = 2000" "backends = native"
rec_module_enable 1
pings_start
tap_check "$label: the native exchange starts" \
	wait_until 30 since_restart_has "native: sending IKE_SA_INIT"
pings_stop
# B's own traffic fires B's trap: charon negotiates with A while our IKE_SA_INIT waits.
in_b ping -n -q -c 1 -W 1 -I "$REC_IN_B" "$REC_IN_A" >/dev/null 2>&1
tap_check "$label: B's charon negotiates with A (B's SAD: $(spis "$REC_NS_B" | tr '\n' ' '))" \
	wait_until 10 eval '! no_states "$REC_NS_B"'
in_b nft delete table inet race
tap_check "$label: the daemon does not send IKE_AUTH with INITIAL_CONTACT" \
	wait_until 30 since_restart_has "native: not sending IKE_AUTH with INITIAL_CONTACT: B still has SAs with $REC_A"
tap_check "$label: the recovery is called off" since_restart_has "recovery called off \(native\)"
tap_check "$label: no IKE_AUTH from the daemon" eval '! since_restart_has "native: sending IKE_AUTH"'
established_ike() { swan A --list-sas | grep ESTABLISHED | grep -oE 'tunnel: #[0-9]+' | head -1; }
wait_until 30 eval '[ -n "$(established_ike)" ]'
ike_a=$(established_ike)
tap_check "$label: A's new IKE SA with B's charon is up ($ike_a)" test -n "$ike_a"
sleep 3
tap_check "$label: and survives (still $ike_a, pings flow)" \
	eval '[ "$(established_ike)" = "$ike_a" ] && rec_ping_ok'
contacts=$(($(grep -c "received INITIAL_CONTACT" "$REC_DIR/A/run/charon.log") - contacts_before))
tap_check "$label: A saw one INITIAL_CONTACT only, B's charon's ($contacts)" test "$contacts" = 1

# --- exec ----------------------------------------------------------------------
label=exec-timeout
check_black_hole "$label"
daemon_restart "exec-timeout = 2" "backends = exec
exec-command = /bin/sleep 100"
rec_module_enable 1
pings_start
tap_check "$label: the command times out and gets SIGTERM" \
	wait_until 30 since_restart_has "exec: /bin/sleep timed out after 2 s, sent SIGTERM"
tap_check "$label: it ended by SIGTERM within 3 s ($(since_restart | grep -oE 'killed by signal [0-9]+ after [0-9]+ ms' | head -1))" \
	wait_until 5 eval 'since_restart | grep -qE "exec: /bin/sleep killed by signal 15 after (1?[0-9]{1,3}|2[0-9]{3}) ms"'
tap_check "$label: no zombie, no sleep left" eval 'no_zombie && ! pgrep -x sleep >/dev/null'
tap_check "$label: the failure backs off (hold-down x 2)" \
	since_restart_has "next recovery: backing off after 1 failure until"
tap_check "$label: the status says so" grep -q "backing off after 1 failure" "$REC_DIR/spirecoveryd.status"

label=exec-grandchild
cat >"$REC_DIR/grandchild.sh" <<EOF
#!/bin/sh
sleep 100 &
echo \$! >$REC_DIR/grandchild.pid
wait
EOF
chmod 755 "$REC_DIR/grandchild.sh"
daemon_restart "exec-timeout = 2" "backends = exec
exec-command = $REC_DIR/grandchild.sh"
tap_check "$label: the command times out" \
	wait_until 30 since_restart_has "exec: .*grandchild.sh killed by signal 15"
grandchild=$(cat "$REC_DIR/grandchild.pid" 2>/dev/null)
tap_check "$label: its child (pid ${grandchild:-?}) is gone too" \
	eval '[ -n "$grandchild" ] && wait_until 3 gone "$grandchild"'
pings_stop
ms=$(daemon_term_ms)
REC_DAEMON_PID=
tap_check "$label: SIGTERM ends the daemon within 1 s (${ms:-more than 5000} ms; its own shutdown $(daemon_shutdown_ms) ms)" \
	eval '[ -n "$ms" ] && [ "$ms" -lt 1000 ]'

rec_cleanup
tap_done
