#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the kernel versions a VM can boot and the module can be built for:
# an image in /boot and headers in /lib/modules/<kver>/build.
for img in /boot/vmlinuz-*; do
	[ -e "$img" ] || continue
	kver=${img#/boot/vmlinuz-}
	[ -d "/lib/modules/$kver/build" ] && echo "$kver"
done | sort -V
