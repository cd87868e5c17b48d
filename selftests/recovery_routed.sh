#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 14: route-based tunnels. B's end of the tunnel is an XFRM interface (ipsec0, if_id 42;
# the child's if_id_in/if_id_out) or a vti device (vti0, key 42; mark_in/mark_out), as VyOS
# and many appliances build their VPNs; A stays policy-based. After B's reboot the daemon's
# SAD check still sees no SA with A, the event carries the mark the lookup used (vti: the
# device's key; an XFRM interface's if_id takes no part in the inbound SA lookup, so 0), and
# the backend brings the tunnel back through the device.
#   xfrmi-native xfrmi-vici vti-native vti-vici   (default: all four)
# Runs in the VM: selftests/vm/run-vm.sh -k KVER -- selftests/recovery_routed.sh [VARIANT...]
# Logs: build/recovery/routed-VARIANT/.
cd "$(dirname "$0")/.." || exit 1
source selftests/recovery/lib.sh
source selftests/recovery/checks.sh

modprobe spirecovery || { echo "not ok 1 modprobe spirecovery"; exit 1; }
modprobe -q xfrm_interface 2>/dev/null
modprobe -q ip_vti 2>/dev/null

variants=("$@")
[ $# -gt 0 ] || variants=(xfrmi-native xfrmi-vici vti-native vti-vici)
for variant in "${variants[@]}"; do
	REC_LOG_NAME=routed-$variant
	note "=== $variant"
	kind=${variant%-*} backend=${variant#*-}
	case $kind in
	xfrmi) REC_CHILD_EXTRA_B=$'if_id_in = 42\nif_id_out = 42' mark= dev=ipsec0 ;;
	vti) REC_CHILD_EXTRA_B=$'mark_in = 42\nmark_out = 42' mark=0x2a dev=vti0 ;;
	*) echo "unknown variant $variant" >&2; exit 1 ;;
	esac
	case $backend in
	native | vici) ;;
	*) echo "unknown variant $variant" >&2; exit 1 ;;
	esac
	if ! rec_setup 4 no trap || ! rec_route_b "$kind" 42; then
		tap_check "$variant: strongSwan A and B start, B's $dev is up" false
		rec_cleanup
		continue
	fi
	if [ "$backend" = vici ]; then
		rec_daemon_config "vici-socket = $REC_DIR/B/run/charon.vici" "backends = vici"
	else
		rec_daemon_config "" "backends = native"
	fi
	tap_check "$variant: spirecoveryd starts" rec_daemon_start
	rec_module_enable 1
	check_tunnel_up "$variant"
	tap_check "$variant: B's inbound SA is the device's ($([ "$kind" = vti ] && echo mark ||
		echo if_id) 0x2a)" eval "ip -n $REC_NS_B xfrm state | grep -qE '(if_id|mark) 0x2a'"
	tap_check "$variant: the pings went through $dev" \
		eval "[ \"\$(ip -n $REC_NS_B -s link show $dev | awk '/RX:/ { getline; print \$2 }')\" -gt 0 ]"
	check_black_hole "$variant"
	check_recovery "$variant" "$backend"
	if [ -n "$mark" ]; then
		tap_check "$variant: the event carried the vti key as its mark ($mark)" \
			rec_daemon_log_has "invalid SPI: ESP SPI .* mark $mark"
	else
		tap_check "$variant: the event carried no mark (if_id is matched after the lookup)" \
			eval '! rec_daemon_log_has "invalid SPI: ESP SPI .* mark "'
	fi
	check_stale_sas_gone "$variant"
	tap_check "$variant: B's new inbound SA is the device's again" \
		eval "ip -n $REC_NS_B xfrm state | grep -qE '(if_id|mark) 0x2a'"
	unset REC_CHILD_EXTRA_B
	rec_cleanup
done
tap_done
