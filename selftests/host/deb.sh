#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host test of the Debian packages: `make deb` builds the three, lintian finds
# nothing, and each holds what Documentation/packaging.md says it does. The
# VM test selftests/packages.sh installs them.
set -u
cd "$(dirname "$0")/../.."
source selftests/common.sh

version=$(awk -F'[()]' 'NR == 1 { print $2 }' debian/changelog)
out=build/deb
log=$(mktemp)
trap 'rm -f "$log"' EXIT

tap_check "make deb builds the packages of version $version" \
	eval 'make deb >"$log" 2>&1 || { tail -n 30 "$log" | sed "s/^/# /"; false; }'
# What lintian says at every level up to warning; nothing is expected.
lintian --fail-on error,warning "$out/spirecovery_${version}_amd64.changes" 2>&1 |
	grep -v 'running with root privileges' >"$log"
lintian_rc=${PIPESTATUS[0]}
sed 's/^/# lintian: /' "$log"
tap_check "lintian: no error, no warning" test "$lintian_rc" -eq 0

# contents PACKAGE: the paths in the package, one per line.
contents() { dpkg -c "$out/$1" | awk '{ print $6 }' | sed 's|^\./|/|'; }
dkms=$(contents "spirecovery-dkms_${version}_all.deb")
tools=$(contents "spirecovery-tools_${version}_amd64.deb")
daemon=$(contents "spirecoveryd_${version}_amd64.deb")
src=/usr/src/spirecovery-$version
tap_check "spirecovery-dkms: dkms.conf, the module's sources and the uapi header in $src" \
	eval 'grep -qx "$src/dkms.conf" <<<"$dkms" && grep -qx "$src/kmod/Kbuild" <<<"$dkms" &&
		grep -qx "$src/kmod/main.c" <<<"$dkms" &&
		grep -qx "$src/uapi/linux/spirecovery.h" <<<"$dkms"'
tap_check "spirecovery-dkms: dkms.conf names version $version" \
	eval 'dpkg --fsys-tarfile "$out/spirecovery-dkms_${version}_all.deb" |
		tar -xO ".$src/dkms.conf" | grep -qx "PACKAGE_VERSION=\"$version\""'
tap_check "spirecovery-tools: spirecoveryctl, its man page, its completion, nothing in /usr/src" \
	eval 'grep -qx /usr/sbin/spirecoveryctl <<<"$tools" &&
		grep -qx /usr/share/man/man8/spirecoveryctl.8.gz <<<"$tools" &&
		grep -qx /usr/share/bash-completion/completions/spirecoveryctl <<<"$tools" &&
		! grep -q ^/usr/src <<<"$tools"'
tap_check "spirecoveryd: the daemon, its unit and the example, nothing in /usr/src" \
	eval 'grep -qx /usr/sbin/spirecoveryd <<<"$daemon" &&
		grep -qx /lib/systemd/system/spirecoveryd.service <<<"$daemon" &&
		grep -qx /usr/share/doc/spirecoveryd/spirecoveryd.conf.example <<<"$daemon" &&
		! grep -q ^/usr/src <<<"$daemon"'
tap_done
