#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 14: an IKEv1 tunnel (version = 1, PSK, Main Mode) between two strongSwan charons,
# recovered with the vici backend: B's charon re-initiates Main Mode and Quick Mode with
# INITIAL_CONTACT, A drops its stale SAs. The native backend speaks IKEv2 only:
# --check-config refuses it for a peer with ike-version = 1.
# Runs in the VM: selftests/vm/run-vm.sh -k KVER -- selftests/recovery_ikev1.sh
# Logs: build/recovery/ikev1/.
cd "$(dirname "$0")/.." || exit 1
source selftests/recovery/lib.sh
source selftests/recovery/checks.sh

modprobe spirecovery || { echo "not ok 1 modprobe spirecovery"; exit 1; }

REC_LOG_NAME=ikev1
label=ikev1-vici
# IKEv1 has no AEAD for the IKE SA in strongSwan: CBC and HMAC.
export REC_IKE_VERSION=1 REC_PROPOSALS=aes256-sha256-modp2048
if rec_setup 4 no trap; then
	rec_daemon_config "" "backends = native
ike-version = 1"
	rc=0
	out=$("$REC_DAEMON" --check-config --config "$REC_DIR/spirecoveryd.conf" 2>&1) || rc=$?
	tap_check "$label: --check-config refuses native for an IKEv1 peer: $(echo $out)" \
		eval '[ "$rc" -ne 0 ] && grep -q "IKEv2 only" <<<"$out"'
	rec_daemon_config "vici-socket = $REC_DIR/B/run/charon.vici" "backends = vici
ike-version = 1"
	tap_check "$label: spirecoveryd starts" rec_daemon_start
	rec_module_enable 1
	check_tunnel_up "$label"
	tap_check "$label: the tunnel is IKEv1 (Main Mode)" \
		eval 'swan A --list-sas | grep -q "IKEv1"'
	check_black_hole "$label"
	check_recovery "$label" vici
	check_stale_sas_gone "$label"
	tap_check "$label: A's IKE SA with B is one IKEv1 SA, the new one" \
		eval '[ "$(swan A --list-sas | grep -c "IKEv1")" = 1 ]'
else
	tap_check "$label: strongSwan A and B start (IKEv1)" false
fi
rec_cleanup
tap_done
