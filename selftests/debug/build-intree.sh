#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build spirecovery in-tree, as part of a kernel tree, from the top-level
# Kconfig (CONFIG_SPIRECOVERY=m): proves the path an upstream submission or a
# distribution kernel would take. Uses the debug kernel's tree
# (build/debug-kernel/, selftests/debug/build-kernel.sh must have run):
#
#   kmod/*.c kmod/*.h kmod/Kbuild -> net/xfrm/spirecovery/
#   Kconfig                       -> net/xfrm/spirecovery/Kconfig
#   uapi/linux/spirecovery.h      -> include/uapi/linux/spirecovery.h
#   net/xfrm/Kconfig   += source "net/xfrm/spirecovery/Kconfig"
#   net/xfrm/Makefile  += obj-$(CONFIG_SPIRECOVERY) += spirecovery/
#
# then CONFIG_SPIRECOVERY=m in the tree's .config, olddefconfig and
# `make modules`. The result is net/xfrm/spirecovery/spirecovery.ko in the
# build tree; it is not installed, and the debug kernel's image and its
# stage/ modules are left as they are (the VM runs the out-of-tree build).
#
# Usage: build-intree.sh [SERIES]     (default 6.12)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
series=${1:-6.12}
top=${SPIRECOVERY_BUILD:-$repo/build}/debug-kernel
src=$top/linux-source-$series
obj=$top/$series/obj
jobs=${DEBUG_KERNEL_JOBS:-2}

log() { echo "intree: $*" >&2; }

[ -f "$obj/.config" ] && [ -f "$obj/Module.symvers" ] || {
	log "no built kernel in $obj: run selftests/debug/build-kernel.sh $series first"
	exit 2
}

# The sources, refreshed each time: a copy, not links, as in a real tree.
dir=$src/net/xfrm/spirecovery
mkdir -p "$dir"
rm -f "$dir"/*.c "$dir"/*.h
cp "$repo"/kmod/*.c "$repo"/kmod/*.h "$repo/kmod/Kbuild" "$dir/"
cp "$repo/Kconfig" "$dir/Kconfig"
# Only for this build: left in the tree, an older copy would shadow the
# project's header in the out-of-tree build against the same tree (the
# kernel's include/uapi comes first on the include path).
uapi_copy=$src/include/uapi/linux/spirecovery.h
trap 'rm -f "$uapi_copy"' EXIT
cp "$repo/uapi/linux/spirecovery.h" "$uapi_copy"

add_line() { # FILE LINE: append LINE to FILE once
	grep -qxF -- "$2" "$1" || printf '\n%s\n' "$2" >>"$1"
}
add_line "$src/net/xfrm/Kconfig" 'source "net/xfrm/spirecovery/Kconfig"'
add_line "$src/net/xfrm/Makefile" 'obj-$(CONFIG_SPIRECOVERY) += spirecovery/'

kmake() { nice -n 19 make -C "$src" O="$obj" "$@"; }
"$src/scripts/config" --file "$obj/.config" --module SPIRECOVERY
kmake -s olddefconfig
grep -qx 'CONFIG_SPIRECOVERY=m' "$obj/.config" || {
	log "CONFIG_SPIRECOVERY=m did not survive olddefconfig: $(grep SPIRECOVERY "$obj/.config" || echo absent)"
	exit 1
}

log "$series: make modules with CONFIG_SPIRECOVERY=m (nice -n 19, -j$jobs)"
kmake -j"$jobs" modules
ko=$obj/net/xfrm/spirecovery/spirecovery.ko
[ -f "$ko" ] || {
	log "no $ko after make modules"
	exit 1
}
release=$(cat "$top/$series/release")
vermagic=$(/sbin/modinfo -F vermagic "$ko")
case $vermagic in
"$release "*) ;;
*)
	log "$ko: vermagic '$vermagic' is not for $release"
	exit 1
	;;
esac
grep -qE '^net/xfrm/spirecovery/spirecovery\.k?o$' "$obj/modules.order" || {
	log "spirecovery.ko is not in $obj/modules.order"
	exit 1
}
log "$series: built in-tree: $ko ($vermagic)"
echo "$ko"
