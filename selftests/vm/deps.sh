#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install every Debian package the build, the tests, the demo and the
# benchmarks need. Idempotent, and quick when all are already there.
set -eu

packages="
build-essential bc bison flex libelf-dev kmod xz-utils cpio
debhelper dh-dkms dkms lintian
linux-image-amd64 linux-headers-amd64
linux-image-6.12-amd64 linux-headers-6.12-amd64
linux-source-6.1 linux-source-6.12 sparse
qemu-system-x86 busybox-static
libnl-3-dev libnl-genl-3-dev libboost-program-options-dev libssl-dev
libgtest-dev clang-14 libclang-rt-14-dev clang-format
strongswan-charon strongswan-swanctl libstrongswan-standard-plugins
iproute2 iputils-ping iperf3 nftables procps socat tcpdump util-linux
python3 python3-yaml python3-jsonschema python3-pyroute2 python3-prometheus-client
"

missing=
for p in $packages; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
