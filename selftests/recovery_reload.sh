#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 9: the module is unloaded and loaded again while spirecoveryd runs. With traffic
# flowing and `spirecoveryctl monitor` listening, `rmmod spirecovery` then `modprobe
# spirecovery`: the monitor ends with its message, the daemon notices both (nlctrl notices),
# rejoins the events group and applies its [module] settings to the fresh module. Then B
# reboots: the daemon must recover the tunnel from the reloaded module's first event.
# Runs in the VM: selftests/vm/run-vm.sh -k KVER -- selftests/recovery_reload.sh
# Logs: build/recovery/reload/.
cd "$(dirname "$0")/.." || exit 1
source selftests/recovery/lib.sh
source selftests/recovery/checks.sh

CTL=$REC_BUILD/tools/spirecoveryctl
modprobe spirecovery || { echo "not ok 1 modprobe spirecovery"; exit 1; }

REC_LOG_NAME=reload
label=reload
count() { grep -cE "$1" "$REC_DIR/spirecoveryd.log"; }

if rec_setup 4 no trap; then
	# The module's settings are the daemon's: it enables recovery itself.
	rec_daemon_config "vici-socket = $REC_DIR/B/run/charon.vici

[module]
enabled = yes
source-burst = 7" "backends = vici"
	tap_check "$label: spirecoveryd starts" rec_daemon_start
	tap_check "$label: the daemon applied its [module] settings" \
		wait_until 10 rec_daemon_log_has "module settings applied: enabled yes, source-burst 7"
	check_tunnel_up "$label"

	in_a ping -n -q -i 0.2 -w 30 -I "$REC_IN_A" "$REC_IN_B" >/dev/null 2>&1 &
	traffic=$!
	in_b "$CTL" monitor >"$REC_DIR/monitor.out" 2>"$REC_DIR/monitor.err" &
	monitor=$!
	sleep 1 # the monitor joins the events group

	tap_check "$label: rmmod spirecovery while traffic flows and listeners are joined" \
		rmmod spirecovery
	wait "$monitor"
	rc=$?
	tap_check "$label: spirecoveryctl monitor ends: $(cat "$REC_DIR/monitor.err") (exit $rc)" \
		eval '[ $rc = 2 ] && grep -q "module was unloaded" "$REC_DIR/monitor.err"'
	tap_check "$label: the daemon saw the module go" \
		wait_until 10 rec_daemon_log_has "spirecovery module was unloaded \(nlctrl DELFAMILY\)"

	tap_check "$label: modprobe spirecovery" modprobe spirecovery
	tap_check "$label: the daemon saw the module come back" \
		wait_until 10 rec_daemon_log_has "spirecovery module was loaded \(nlctrl NEWFAMILY\)"
	tap_check "$label: it rejoined the events group with a new loss baseline" \
		wait_until 10 eval '[ "$(count "listening for invalid-SPI events")" = 2 ]'
	tap_check "$label: it applied its [module] settings again" \
		wait_until 10 eval '[ "$(count "module settings applied: enabled yes, source-burst 7")" = 2 ]'
	note "daemon: $(grep -E 'module (was|settings)|listening for' "$REC_DIR/spirecoveryd.log" |
		sed 's/^.*spirecoveryd[^:]*: //' | tr '\n' '|')"
	tap_check "$label: the fresh module has the daemon's settings (enabled, source-burst 7)" \
		eval 'in_b "$CTL" show -j | jq -e ".config.enabled == 1 and .config[\"source-burst\"] == 7" >/dev/null'
	tap_check "$label: it wrote its peer set again" \
		wait_until 10 eval '[ "$(count "module peer set: 1 peer \\($REC_A/32\\)")" = 2 ]'
	check_eq "$label: the fresh module's peer set is the daemon's peer A" "$REC_A/32" \
		"$(in_b "$CTL" peers)"
	kill "$traffic" 2>/dev/null
	wait "$traffic" 2>/dev/null

	tap_check "$label: B reboots (charon SIGKILLed, SAD and SPD flushed, charon restarted)" \
		rec_reboot_b
	ms=$(rec_ping_until_reply 60)
	tap_check "$label: traffic A -> B recovered${ms:+ after $ms ms}" test -n "$ms"
	tap_check "$label: the daemon acted on the reloaded module's event" \
		rec_daemon_log_has "peer a \($REC_A\): acting: no SA with the peer"
	tap_check "$label: vici backend succeeded" rec_daemon_log_has "backend vici finished"
	check_stale_sas_gone "$label"
else
	tap_check "$label: strongSwan A and B start" false
fi
rec_cleanup
tap_done
