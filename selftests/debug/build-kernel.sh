#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the debug kernel (KASAN, KMEMLEAK, lockdep, PROVE_RCU, UBSAN...) from
# Debian's /usr/src/linux-source-<series>.tar.xz: x86_64 defconfig plus
# selftests/debug/config.  The result lives in build/debug-kernel/<series>/:
#   obj/       the kernel build tree (KDIR for the module)
#   stage/     modules_install output (lib/modules/<release>/, modules.builtin)
#   bzImage, release
# It is rebuilt only when the fragment or the source tarball changes.
#
# Usage: build-kernel.sh [SERIES]     (default 6.12; prints the release)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
series=${1:-6.12}
tarball=/usr/src/linux-source-$series.tar.xz
fragment=$here/config
top=${SPIRECOVERY_BUILD:-$repo/build}/debug-kernel
src=$top/linux-source-$series
out=$top/$series
obj=$out/obj
jobs=${DEBUG_KERNEL_JOBS:-2}

log() { echo "debug-kernel: $*" >&2; }

[ -f "$tarball" ] || {
	log "no $tarball (apt-get install linux-source-$series)"
	exit 2
}
tar_sum=$(sha256sum <"$tarball" | cut -d' ' -f1)
key="tarball=$tar_sum fragment=$(sha256sum <"$fragment" | cut -d' ' -f1)"

# lib/modules/<release>/build and source, as an installed kernel has them
# (a selftest reads source/include/); absolute paths, valid in the VM too.
link_trees() {
	local mods=$out/stage/lib/modules/$1
	ln -sfn "$obj" "$mods/build"
	ln -sfn "$src" "$mods/source"
}

if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$key" ] &&
	[ -f "$out/bzImage" ] && [ -f "$out/release" ]; then
	link_trees "$(cat "$out/release")"
	log "$series: cached, $(cat "$out/release") ($out)"
	cat "$out/release"
	exit 0
fi

start=$(date +%s)
# The source: extracted once per tarball.
if [ ! -f "$src/.srdebug-tarball" ] || [ "$(cat "$src/.srdebug-tarball")" != "$tar_sum" ]; then
	log "$series: extracting $tarball"
	rm -rf "$src" "$out"
	mkdir -p "$src"
	tar -xJf "$tarball" -C "$src" --strip-components=1
	echo "$tar_sum" >"$src/.srdebug-tarball"
fi

rm -f "$out/stamp" "$out/bzImage" "$out/release"
mkdir -p "$obj"
kmake() { nice -n 19 make -C "$src" O="$obj" "$@"; }

log "$series: configuring (x86_64_defconfig + $fragment)"
kmake -s x86_64_defconfig
"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$fragment" >"$obj/merge_config.log"
kmake -s olddefconfig

# Every option of the fragment must have survived olddefconfig.
dropped=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		grep -qxF -- "$line" "$obj/.config" || {
			log "dropped by olddefconfig: $line (now: $(grep -E "^(# )?${line%%=*}[= ]" "$obj/.config" || echo absent))"
			dropped=1
		}
		;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }
		opt=${opt%% *}
		if grep -qE "^$opt=" "$obj/.config"; then
			log "wanted off, but set: $(grep -E "^$opt=" "$obj/.config")"
			dropped=1
		fi
		;;
	esac
done <"$fragment"
if [ $dropped -ne 0 ]; then
	log "$series: the fragment does not hold; fix $fragment"
	exit 1
fi

log "$series: building (nice -n 19, -j$jobs)"
kmake -j"$jobs" bzImage modules
release=$(kmake -s kernelrelease)
rm -rf "$out/stage"
kmake -s INSTALL_MOD_PATH="$out/stage" INSTALL_MOD_STRIP=1 DEPMOD=/sbin/depmod modules_install
link_trees "$release"
cp "$obj/arch/x86/boot/bzImage" "$out/bzImage"
echo "$release" >"$out/release"
echo "$key" >"$out/stamp"
end=$(date +%s)
# The last build's time; the summary calls it what it was (an incremental one resumes obj/).
echo "$((end - start))" >"$out/build-seconds"
log "$series: built $release in $((end - start)) s"
echo "$release"
