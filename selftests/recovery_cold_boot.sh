#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 9: B reboots for real and comes back with what `make install` ships, without any
# operator action. B loses everything a reboot loses (spirecoveryd and charon SIGKILLed, the
# module removed, SAD and SPD flushed), then "boots": the module loaded by the names in
# ike/daemon/modules-load.d/spirecovery.conf (as systemd-modules-load does), charon started,
# spirecoveryd started with the shipped ike/daemon/spirecoveryd.conf plus this test's peer.
# No spirecoveryctl call anywhere: the daemon's [module] section enables recovery.
#   unit-order     the order of spirecoveryd.service's After=: module, charon, daemon
#   reverse-order  daemon first, then charon, then the module; until modules-load runs the
#                  kernel cannot load the module on demand, so the daemon waits for it
#   on-demand      daemon first and no modules-load: the daemon's own family lookup loads the
#                  module (its MODULE_ALIAS_GENL_FAMILY)
# Runs in the VM: selftests/vm/run-vm.sh -k KVER -- selftests/recovery_cold_boot.sh [VARIANT...]
# Logs: build/recovery/cold-boot/.
cd "$(dirname "$0")/.." || exit 1
source selftests/recovery/lib.sh
source selftests/recovery/checks.sh

REC_LOG_NAME=cold-boot
SHIPPED_CONF=ike/daemon/spirecoveryd.conf
MODULES_LOAD=ike/daemon/modules-load.d/spirecovery.conf

# systemd-modules-load: one module name per line, # and ; start comments.
boot_modules() {
	local name
	grep -vE '^[[:space:]]*([#;]|$)' "$MODULES_LOAD" | while read -r name; do
		modprobe "$name" || return 1
	done
}

# /etc/spirecoveryd.conf as installed, with the peer appended.
write_installed_conf() {
	mkdir -p "$REC_DIR/etc"
	{ cat "$SHIPPED_CONF" && rec_peer_section; } >"$REC_DIR/etc/spirecoveryd.conf"
	chmod 600 "$REC_DIR/etc/spirecoveryd.conf"
}

# As the unit runs it; the command line only points at this test's charon and files.
boot_daemon() {
	ip netns exec "$REC_NS_B" "$REC_DAEMON" --config "$REC_DIR/etc/spirecoveryd.conf" \
		--vici-socket "$REC_DIR/B/run/charon.vici" --state-file "$REC_DIR/spirecoveryd.status" \
		--log-level debug --log-stderr yes --syslog no >>"$REC_DIR/spirecoveryd.log" 2>&1 &
	REC_DAEMON_PID=$!
	disown "$REC_DAEMON_PID"
}

# Everything a reboot of B loses.
lose_everything() {
	[ -n "$REC_DAEMON_PID" ] && kill -KILL "$REC_DAEMON_PID" 2>/dev/null
	REC_DAEMON_PID=
	rec_charon_kill B || return 1
	rmmod spirecovery || return 1
	ip -n "$REC_NS_B" xfrm state flush
	ip -n "$REC_NS_B" xfrm policy flush
}

# Until unblock_modules the kernel cannot load modules on demand (its modprobe is /bin/true):
# the daemon's family lookup then finds no module, as in a boot before modules-load ran.
REC_MODPROBE=
block_modules() {
	REC_MODPROBE=$(cat /proc/sys/kernel/modprobe)
	echo /bin/true >/proc/sys/kernel/modprobe
}
unblock_modules() {
	[ -n "$REC_MODPROBE" ] && echo "$REC_MODPROBE" >/proc/sys/kernel/modprobe
	REC_MODPROBE=
}

# The daemon's log since line $from.
log_since() { tail -n +"$((from + 1))" "$REC_DIR/spirecoveryd.log" | grep -qE "$1"; }

# Prints when B first counts a packet without SA, in ms since the epoch.
first_drop_ms() {
	local base=$1
	while [ "$(xfrm_stat "$REC_NS_B" XfrmInNoStates)" -le "$base" ]; do
		sleep 0.05
	done
	now_ms
}

modprobe spirecovery || { echo "not ok 1 modprobe spirecovery"; exit 1; }
variants=("$@")
[ $# -gt 0 ] || variants=(unit-order reverse-order on-demand)
if rec_setup 4 no trap; then
	write_installed_conf
	boot_daemon
	check_tunnel_up cold-boot
	for variant in "${variants[@]}"; do
		note "=== $variant"
		tap_check "$variant: B loses everything (daemon and charon SIGKILLed, module removed, SAD/SPD flushed)" \
			lose_everything
		from=$(wc -l <"$REC_DIR/spirecoveryd.log")
		case $variant in
		unit-order)
			tap_check "$variant: modules-load.d loads the module" boot_modules
			tap_check "$variant: charon starts" rec_charon_start B
			boot_daemon
			;;
		reverse-order)
			block_modules
			boot_daemon
			tap_check "$variant: the daemon waits for the module" \
				wait_until 30 log_since "module is not loaded"
			tap_check "$variant: charon starts" rec_charon_start B
			unblock_modules
			tap_check "$variant: modules-load.d loads the module" boot_modules
			tap_check "$variant: the daemon saw it come (nlctrl NEWFAMILY)" \
				wait_until 10 log_since "module was loaded \(nlctrl NEWFAMILY\)"
			;;
		on-demand)
			tap_check "$variant: charon starts" rec_charon_start B
			boot_daemon
			tap_check "$variant: the daemon's family lookup loaded the module" \
				wait_until 30 eval 'grep -q "^spirecovery " /proc/modules'
			;;
		*) echo "unknown variant $variant" >&2; exit 1 ;;
		esac
		tap_check "$variant: the daemon listens to the module" \
			wait_until 30 log_since "listening for invalid-SPI events"
		tap_check "$variant: the daemon enabled recovery ([module] enabled = yes)" \
			wait_until 10 log_since "module settings applied: enabled yes"

		base=$(xfrm_stat "$REC_NS_B" XfrmInNoStates)
		first_drop_ms "$base" >"$REC_DIR/first-drop" &
		watcher=$!
		replied=
		rec_ping_until_reply 60 >/dev/null && replied=$(now_ms)
		kill "$watcher" 2>/dev/null
		wait "$watcher" 2>/dev/null
		dropped=$(cat "$REC_DIR/first-drop" 2>/dev/null)
		tap_check "$variant: A's traffic recovered without any spirecoveryctl call" \
			test -n "$replied"
		[ -n "$replied" ] && [ -n "$dropped" ] &&
			note "$variant: $((replied - dropped)) ms from B's first dropped packet to A's first reply"
		tap_check "$variant: the daemon acted on A's stale SPI" \
			log_since "peer a \($REC_A\): acting: no SA with the peer"
	done
else
	tap_check "strongSwan A and B start" false
fi
unblock_modules
rec_cleanup
tap_done
