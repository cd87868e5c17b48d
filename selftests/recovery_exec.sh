#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 5: the exec backend. B's spirecoveryd runs selftests/recovery/exec-initiate.sh with
# the event's peer, SPI and protocol as separate arguments; the script records them and asks
# B's charon to initiate, standing in for another IKE daemon's command line.
# Runs in the VM: selftests/vm/run-vm.sh -k KVER -- selftests/recovery_exec.sh
# Logs: build/recovery/exec/.
cd "$(dirname "$0")/.." || exit 1
source selftests/recovery/lib.sh
source selftests/recovery/checks.sh

modprobe spirecovery || { echo "not ok 1 modprobe spirecovery"; exit 1; }

REC_LOG_NAME=exec
label=exec
if rec_setup 4 no trap; then
	rec_daemon_config "exec-timeout = 30" "backends = exec
exec-command = $REC_ROOT/selftests/recovery/exec-initiate.sh $REC_DIR {peer} {spi} {proto}"
	tap_check "$label: spirecoveryd starts" rec_daemon_start
	rec_module_enable 1
	check_tunnel_up "$label"
	stale=$(ip -n "$REC_NS_A" xfrm state | awk -v b="$REC_B" '$1 == "src" && $4 == b { s = 1 }
		s && $3 == "spi" { print $4; exit }')
	check_black_hole "$label"
	check_recovery "$label" exec
	tap_check "$label: the command got peer, stale SPI and protocol as arguments ($(cat "$REC_DIR/exec.args" 2>/dev/null))" \
		eval '[ "$(cat "$REC_DIR/exec.args")" = "$REC_A $(printf 0x%08x "$stale") esp" ]'
	tap_check "$label: exit status logged" rec_daemon_log_has "exec: .* exited with status 0"
	check_stale_sas_gone "$label"
else
	tap_check "$label: strongSwan A and B start" false
fi
rec_cleanup
tap_done
