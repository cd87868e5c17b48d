#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unpacks Debian's Libreswan into build/libreswan/root/ for selftests/recovery_libreswan.sh:
# the package conflicts with strongswan-charon, so it is never installed, only `dpkg -x`ed,
# with the three libraries pluto and certutil need that a strongSwan machine lacks. Runs on
# the host (the VM has no network and shares build/); idempotent, and quick once unpacked.
# Exits non-zero with the reason when the archive cannot be reached.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${SPIRECOVERY_BUILD:-$root/build}/libreswan
packages="libreswan libldns3 libevent-pthreads-2.1-7 libnss3-tools"

pluto_version() {
	LD_LIBRARY_PATH=$out/root/usr/lib/x86_64-linux-gnu \
		"$out/root/usr/libexec/ipsec/pluto" --version 2>/dev/null
}

if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$packages" ] && pluto_version >/dev/null; then
	exit 0
fi
rm -rf "$out"
mkdir -p "$out/debs" || exit 1
# apt drops its privileges to _apt for the download when it can write there.
chmod 0777 "$out/debs"
# shellcheck disable=SC2086
if ! (cd "$out/debs" && apt-get download -qq $packages 2>/dev/null); then
	# A fresh machine may have no package lists yet.
	apt-get update -qq >/dev/null 2>&1
	# shellcheck disable=SC2086
	(cd "$out/debs" && apt-get download -qq $packages) || {
		echo "libreswan.sh: apt-get download $packages failed: Debian's archive is" \
			"needed once to unpack Libreswan into $out (check the network and apt's sources)" >&2
		exit 1
	}
fi
for deb in "$out"/debs/*.deb; do
	dpkg -x "$deb" "$out/root" || { echo "libreswan.sh: dpkg -x $deb failed" >&2; exit 1; }
done
version=$(pluto_version) || { echo "libreswan.sh: the unpacked pluto does not run" >&2; exit 1; }
echo "$packages" >"$out/stamp"
echo "libreswan.sh: $version in $out/root"
