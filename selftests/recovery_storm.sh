#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 13, storm control: hub B (one %any connection, the vici backend, the prefix
# 192.0.2.0/24) and 8 spokes in one namespace (selftests/recovery/storm.sh). B reboots and every
# spoke is stale at once; with max-exchanges = 2 the daemon queues the rest, --status shows
# them queued, at most 2 are ever in flight, the queue starts them in the order they were
# queued, and every spoke's traffic comes back.
# Runs in the VM: selftests/vm/run-vm.sh -k KVER -- selftests/recovery_storm.sh
# Logs: build/recovery/storm/.
cd "$(dirname "$0")/.." || exit 1
source selftests/recovery/lib.sh
source selftests/recovery/storm.sh

modprobe spirecovery || { echo "not ok 1 modprobe spirecovery"; exit 1; }

REC_LOG_NAME=storm
spokes=8
if ! storm_setup "$spokes"; then
	tap_check "storm: strongSwan B and the $spokes spokes start" false
	tap_done
	exit 1
fi
storm_daemon_config vici "vici-socket = $REC_DIR/B/run/charon.vici" "max-exchanges = 2" \
	"hold-down = 10" "log-level = info"
tap_check "storm: spirecoveryd starts" rec_daemon_start
rec_module_enable 1
out=$(storm_probe 120)
tap_check "storm: $spokes tunnels up ($out)" test $? -eq 0

rec_module_enable 0
tap_check "storm: B reboots" rec_reboot_b
json=$REC_DIR/spirecoveryd.status.json
samples=$REC_DIR/status.samples
# The status' counts while the storm lasts: "in_flight queued" per sample.
(while :; do
	sed -n 's/.*"in_flight": \([0-9]*\), "max_exchanges": [0-9]*, "queued": \([0-9]*\).*/\1 \2/p' \
		"$json" 2>/dev/null
	sleep 0.1
done) >"$samples" &
sampler=$!
log_lines=$(wc -l <"$REC_DIR/spirecoveryd.log")
rec_module_enable 1
out=$(storm_probe 300)
status=$?
kill "$sampler" 2>/dev/null
wait "$sampler" 2>/dev/null
note "probe: $out"
tap_check "storm: every spoke's traffic is back after B's reboot" test "$status" -eq 0
storm_log() { tail -n +$((log_lines + 1)) "$REC_DIR/spirecoveryd.log"; }
tap_check "storm: recoveries beyond max-exchanges were queued" \
	sh -c "tail -n +$((log_lines + 1)) '$REC_DIR/spirecoveryd.log' | grep -q 'queued: no SA with the peer'"
most_queued=$(awk '$2 > m { m = $2 } END { print m + 0 }' "$samples")
most_in_flight=$(awk '$1 > m { m = $1 } END { print m + 0 }' "$samples")
note "status samples: $(wc -l <"$samples"), most queued $most_queued, most in flight $most_in_flight"
tap_check "storm: --status showed recoveries queued ($most_queued at most)" \
	test "$most_queued" -gt 0
tap_check "storm: never more than max-exchanges in flight ($most_in_flight at most)" \
	test "$most_in_flight" -le 2
# The spokes in the order they were queued, and in the order the queue started them.
queued_order=$(storm_log | sed -n 's/.*spoke \([0-9.]*\)): queued: .*/\1/p' | xargs)
started_order=$(storm_log | sed -n 's/.*spoke \([0-9.]*\)): starting the queued recovery.*/\1/p' |
	xargs)
note "queued: $queued_order; started: $started_order"
tap_check "storm: queued recoveries started in the order of their first miss" \
	test -n "$started_order" -a "$queued_order" = "$started_order"
# The daemon's own verdict: each spoke's new inbound SA, and its stale SPI quiet.
storm_recovered() { test "$(storm_log | grep -c '): recovered: ')" -ge "$spokes"; }
tap_check "storm: every spoke recovered by the daemon" wait_until 30 storm_recovered
rec_module_enable 0
rec_cleanup
tap_done
