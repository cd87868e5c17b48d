#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build the small initramfs that mounts the host's root over 9p under a
# tmpfs overlay and hands over to selftests/vm/guest-init.sh.
# Usage: mkinitramfs.sh KVER OUTPUT [MODULE_BASE]
# MODULE_BASE: the root under which lib/modules/KVER/ is, for a kernel not
# installed on this machine (modules_install INSTALL_MOD_PATH); default /.
set -eu
kver=$1
out=$2
base=${3:-/}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/bin" "$work/lib/modules" "$work/proc" "$work/sys" \
	"$work/dev" "$work/lower" "$work/upper" "$work/newroot"
cp /bin/busybox "$work/bin/busybox"
for applet in sh mount mkdir insmod switch_root cat echo sleep; do
	ln -s busybox "$work/bin/$applet"
done

# Modules in load order; Debian 6.12 compresses them and busybox insmod
# cannot read xz, so store them decompressed. A kernel that has them built in
# (the debug kernel) gets an empty list: modprobe shows them as "builtin".
: >"$work/lib/modules/order"
deps=$(modprobe -d "$base" -S "$kver" -a --show-depends virtio_pci 9pnet_virtio 9p overlay)
echo "$deps" |
	awk '$1 == "insmod" { print $2 }' |
	while read -r ko; do
		name=$(basename "$ko")
		case $name in
		*.xz) xz -dc "$ko" >"$work/lib/modules/${name%.xz}"; name=${name%.xz} ;;
		*) cp "$ko" "$work/lib/modules/$name" ;;
		esac
		echo "$name" >>"$work/lib/modules/order"
	done

cp "$here/initramfs-init" "$work/init"
chmod +x "$work/init"
(cd "$work" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
