#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Debian packages of `make deb`, installed in the VM guest as an operator
# installs them: DKMS builds the module for the guest's kernel, modprobe loads
# it, the installed spirecoveryctl and spirecoveryd run on the installed
# configuration, and the recovery scenario runs from installed files only.
# The guest's root is a tmpfs overlay: nothing reaches the host. On the newest
# kernel in /boot only, for make check's time, and on a kernel from outside /boot
# (check-debug's).
# Runs in the VM: selftests/vm/run-vm.sh -k KVER -- selftests/packages.sh
cd "$(dirname "$0")/.." || exit 1
REC_DAEMON=/usr/sbin/spirecoveryd
REC_CTL=/usr/sbin/spirecoveryctl
source selftests/recovery/lib.sh
source selftests/recovery/checks.sh

kver=$(uname -r)
# A kernel outside /boot is one a run asked for by name (check-debug's): tested too.
if [ -e "/boot/vmlinuz-$kver" ] && [ "$kver" != "$(selftests/vm/kernels.sh | tail -n 1)" ]; then
	skip "packages" "installed and tested on the newest kernel in /boot only"
	tap_done
	exit
fi
version=$(awk -F'[()]' 'NR == 1 { print $2 }' debian/changelog)
debs=("$REC_BUILD/deb/spirecovery-dkms_${version}_all.deb"
	"$REC_BUILD/deb/spirecovery-tools_${version}_amd64.deb"
	"$REC_BUILD/deb/spirecoveryd_${version}_amd64.deb")
for deb in "${debs[@]}"; do
	[ -f "$deb" ] || bail "$deb is missing (make deb)"
done

# The guest starts with the build's module in updates/: out of the way, so that
# only what DKMS builds can load. Put back at exit for the tests after this one.
build_ko=/lib/modules/$kver/updates/spirecovery.ko
# The build's module first: a purge that run.sh's timeout cuts short must not leave
# the tests after this one without a module.
restore_build_module() {
	[ -f "$REC_BUILD/kmod/$kver/spirecovery.ko" ] &&
		cp "$REC_BUILD/kmod/$kver/spirecovery.ko" "$build_ko"
	depmod -a "$kver"
	dpkg --purge spirecoveryd spirecovery-tools spirecovery-dkms >/dev/null 2>&1
	depmod -a "$kver"
}
trap 'rec_cleanup; restore_build_module' EXIT
rmmod spirecovery 2>/dev/null
rm -f "$build_ko"
depmod -a "$kver"

log=$(mktemp)
t0=$(now_ms)
tap_check "dpkg -i: the three packages install" \
	eval 'dpkg -i "${debs[@]}" >"$log" 2>&1 || { sed "s/^/# /" "$log"; false; }'
note "dpkg -i with the DKMS build took $(($(now_ms) - t0)) ms"
tap_check "DKMS built and installed spirecovery $version for $kver" \
	eval 'dkms status -m spirecovery -v "$version" -k "$kver" | grep -q installed'
tap_check "modinfo: the module is DKMS's ($(modinfo -n spirecovery 2>&1)), version $version" \
	eval 'modinfo -n spirecovery | grep -q "/updates/dkms/" &&
		[ "$(modinfo -F version spirecovery)" = "$version" ]'
tap_check "modprobe spirecovery loads it" modprobe spirecovery
tap_check "installed spirecoveryctl show runs" eval '"$REC_CTL" show >/dev/null'
tap_check "both installed programs report version $version" \
	eval '[ "$("$REC_CTL" -V)" = "spirecoveryctl $version" ] &&
		[ "$("$REC_DAEMON" --version)" = "spirecoveryd $version" ]'
# The installed configuration names no peer yet: the check says what to add.
tap_check "installed spirecoveryd --check-config on the installed /etc/spirecoveryd.conf: add a peer" \
	eval 'out=$("$REC_DAEMON" --check-config --config /etc/spirecoveryd.conf 2>&1)
		[ $? -eq 1 ] && grep -q "no \[peer.NAME\] section: nothing to recover" <<<"$out"'
tap_check "the installed unit runs the installed daemon" \
	grep -q "^ExecStart=$REC_DAEMON " /lib/systemd/system/spirecoveryd.service

# The recovery scenario, with the installed configuration plus the peer.
label=installed
if rec_setup 4 no trap; then
	{
		cat /etc/spirecoveryd.conf
		rec_peer_section "backends = native"
	} >"$REC_DIR/spirecoveryd.conf"
	chmod 0600 "$REC_DIR/spirecoveryd.conf"
	tap_check "$label: --check-config accepts the installed configuration with the peer added" \
		"$REC_DAEMON" --check-config --config "$REC_DIR/spirecoveryd.conf"
	tap_check "$label: the installed spirecoveryd starts" rec_daemon_start
	rec_module_enable 1
	check_tunnel_up "$label"
	check_black_hole "$label"
	check_recovery "$label" native
	check_stale_sas_gone "$label"
else
	tap_check "$label: strongSwan A and B start" false
fi
tap_done
