#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot a Debian kernel in qemu (TCG) on the host's own root filesystem and
# run one command in it; see Documentation/development.md, "The VM".
#
# Usage: run-vm.sh -k KVER [-n NAME] [-t TIMEOUT_S] [-m MEM_MB] [-e VAR=VALUE]... -- COMMAND [ARG]...
set -eu

usage() {
	sed -n 's/^# Usage: //p' "$0" >&2
	exit 1
}

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=$repo/build
kver= name=run timeout=900 mem=2048
env_vars=()
while getopts "k:n:t:m:e:h" opt; do
	case $opt in
	k) kver=$OPTARG ;;
	n) name=$OPTARG ;;
	t) timeout=$OPTARG ;;
	m) mem=$OPTARG ;;
	e) env_vars+=("$OPTARG") ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ -n "$kver" ] && [ $# -gt 0 ] || usage
[ -f "/boot/vmlinuz-$kver" ] || {
	echo "run-vm: no /boot/vmlinuz-$kver (install linux-image-$kver)" >&2
	exit 2
}

mkdir -p "$build/vm"
initrd=$build/vm/initramfs-$kver.cpio.gz
if [ ! -f "$initrd" ] || [ "$initrd" -ot "$here/initramfs-init" ] ||
	[ "$initrd" -ot "$here/mkinitramfs.sh" ]; then
	"$here/mkinitramfs.sh" "$kver" "$initrd.tmp"
	mv "$initrd.tmp" "$initrd"
fi

rundir=$(mktemp -d "$build/vm/$kver-$name.XXXXXX")
trap 'rm -rf "$rundir"' EXIT
log=$build/vm/$kver-$name.log
{
	printf 'export SPIRECOVERY_KVER=%q SPIRECOVERY_REPO=%q SPIRECOVERY_BUILD=%q\n' \
		"$kver" "$repo" "$build"
	for kv in "${env_vars[@]}"; do
		printf 'export %q=%q\n' "${kv%%=*}" "${kv#*=}"
	done
} >"$rundir/env"
printf 'exec' >"$rundir/cmd"
printf ' %q' "$@" >>"$rundir/cmd"
echo >>"$rundir/cmd"

rc=0
timeout --foreground "$timeout" qemu-system-x86_64 \
	-machine q35 -accel tcg -cpu max -smp 2 -m "$mem" \
	-nographic -no-reboot -nic none \
	-kernel "/boot/vmlinuz-$kver" -initrd "$initrd" \
	-append "console=ttyS0 no_timer_check panic=-1 oops=panic panic_on_warn=0 \
srvm.build=$build srvm.run=$rundir \
srvm.init=$here/guest-init.sh" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-virtfs local,path="$build",mount_tag=build,security_model=none,multidevs=remap \
	-serial file:"$log" -serial stdio -monitor none </dev/null || rc=$?

if [ $rc -eq 124 ]; then
	echo "run-vm: $kver: timed out after ${timeout}s (console log: $log)" >&2
	exit 124
fi
if [ ! -f "$rundir/rc" ]; then
	echo "run-vm: $kver: the VM stopped before the command finished (console log: $log)" >&2
	exit 125
fi
rc=$(cat "$rundir/rc")
cat "$rundir/dmesg" >>"$log"
# A kernel splat fails the run whatever the command said.
if grep -En 'WARNING:|BUG:|Call Trace|KASAN|UBSAN|possible circular locking|lockdep|Oops' \
	"$rundir/dmesg"; then
	echo "run-vm: $kver: the kernel log shows a warning or bug (see $log)" >&2
	exit 3
fi
exit "$rc"
