#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot a kernel in qemu (TCG) on the host's own root filesystem and run one
# command in it; see Documentation/development.md, "The VM".
#
# Usage: run-vm.sh {-k KVER | -K IMAGE [-k RELEASE]} [-n NAME] [-t TIMEOUT_S] [-m MEM_MB] [-e VAR=VALUE]... -- COMMAND [ARG]...
#
# -k KVER boots Debian's /boot/vmlinuz-KVER, or, when /boot has none, the debug
# kernel of that release from build/debug-kernel/ (selftests/debug/build-kernel.sh).
# -K IMAGE boots IMAGE (a bzImage); its release is RELEASE, else the contents of
# the file "release" next to IMAGE. A kernel outside /boot brings its modules
# in stage/lib/modules/<release>/ next to IMAGE (modules_install output): the
# initramfs and the guest's /lib/modules/<release>/ come from there.
set -eu

usage() {
	sed -n 's/^# Usage: //p' "$0" >&2
	exit 1
}

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=$repo/build
kver= image= name=run timeout=900 mem=2048
env_vars=()
while getopts "k:K:n:t:m:e:h" opt; do
	case $opt in
	k) kver=$OPTARG ;;
	K) image=$OPTARG ;;
	n) name=$OPTARG ;;
	t) timeout=$OPTARG ;;
	m) mem=$OPTARG ;;
	e) env_vars+=("$OPTARG") ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ -n "$kver$image" ] && [ $# -gt 0 ] || usage

if [ -z "$image" ] && [ -f "/boot/vmlinuz-$kver" ]; then
	image=/boot/vmlinuz-$kver
elif [ -z "$image" ]; then
	for rel in "$build"/debug-kernel/*/release; do
		[ -f "$rel" ] && [ "$(cat "$rel")" = "$kver" ] && image=${rel%/release}/bzImage
	done
	[ -n "$image" ] || {
		echo "run-vm: no /boot/vmlinuz-$kver (install linux-image-$kver) and no debug kernel $kver in $build/debug-kernel" >&2
		exit 2
	}
fi
[ -f "$image" ] || {
	echo "run-vm: no kernel image $image" >&2
	exit 2
}
image=$(cd "$(dirname "$image")" && pwd)/$(basename "$image")
if [ -z "$kver" ]; then
	[ -f "${image%/*}/release" ] || {
		echo "run-vm: -K $image: give its release with -k (no ${image%/*}/release)" >&2
		exit 2
	}
	kver=$(cat "${image%/*}/release")
fi
# Modules of a kernel that is not installed: modules_install output next to the image.
modbase=
if [ "$image" != "/boot/vmlinuz-$kver" ]; then
	modbase=${image%/*}/stage
	[ -f "$modbase/lib/modules/$kver/modules.builtin" ] || {
		echo "run-vm: no $modbase/lib/modules/$kver/modules.builtin (modules_install INSTALL_MOD_PATH=$modbase)" >&2
		exit 2
	}
fi

mkdir -p "$build/vm"
initrd=$build/vm/initramfs-$kver.cpio.gz
if [ ! -f "$initrd" ] || [ "$initrd" -ot "$here/initramfs-init" ] ||
	[ "$initrd" -ot "$here/mkinitramfs.sh" ] ||
	{ [ -n "$modbase" ] && [ "$initrd" -ot "$modbase/lib/modules/$kver/modules.dep" ]; }; then
	"$here/mkinitramfs.sh" "$kver" "$initrd.tmp" $modbase
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

# A debug kernel boots with 4-level paging: with LA57 (TCG's -cpu max has it),
# an interrupt taken while identify_cpu() rewrites the CPU's feature words
# sees pgtable_l5_enabled() false, and KASAN reports the irq descriptor's
# direct-map address as a wild-memory-access at boot, before any module; the
# report disables lockdep for the rest of the run.
paging=
[ -n "$modbase" ] && paging=" no5lvl"

rc=0
timeout --foreground "$timeout" qemu-system-x86_64 \
	-machine q35 -accel tcg -cpu max -smp 2 -m "$mem" \
	-nographic -no-reboot -nic none \
	-kernel "$image" -initrd "$initrd" \
	-append "console=ttyS0 no_timer_check panic=-1 oops=panic panic_on_warn=0$paging \
srvm.build=$build srvm.run=$rundir${modbase:+ srvm.modules=$modbase/lib/modules/$kver} \
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
cp "$rundir/dmesg" "$build/vm/$kver-$name.dmesg"
# A kernel splat fails the run whatever the command said: the generic markers,
# then what the debug kernel's checkers print (KASAN, UBSAN, lockdep, PROVE_RCU,
# DEBUG_ATOMIC_SLEEP, DEBUG_OBJECTS, DEBUG_LIST). kmemleak's own log line is
# not among them: the scan before the command reports what boot leaked, which
# is not counted; its scan after the command is checked below.
splat='WARNING:|BUG:|Call Trace|KASAN|UBSAN|possible circular locking|lockdep|Oops'
splat+='|suspicious RCU usage|sleeping function called from invalid context'
splat+='|possible recursive locking|inconsistent lock state|circular locking dependency'
splat+='|DEBUG_LOCKS_WARN_ON|INFO: task .* blocked|ODEBUG:|list_(add|del) corruption'
splat+='|general protection fault'
status=0
# The one line that names lockdep at boot on a kernel with PROVE_RCU is not a report.
benign='RCU lockdep checking is enabled'
if grep -Evn "$benign" "$rundir/dmesg" | grep -E "$splat"; then
	echo "run-vm: $kver: the kernel log shows a warning or bug (see $log)" >&2
	status=3
fi
# The debug kernel's final kmemleak scan (guest-init.sh): any leak fails.
if [ -s "$rundir/kmemleak" ]; then
	{
		echo "=== kmemleak after the command"
		cat "$rundir/kmemleak"
	} >>"$log"
	echo "run-vm: $kver: kmemleak reports leaks (see $log)" >&2
	status=3
fi
if [ -s "$rundir/kmemleak-boot" ]; then
	{
		echo "=== kmemleak before the command (boot; cleared, not counted)"
		cat "$rundir/kmemleak-boot"
	} >>"$log"
fi
if [ -f "$rundir/kmemleak-done" ]; then
	leaks=$(grep -c '^unreferenced object' "$rundir/kmemleak" || true)
	echo "run-vm: $kver: kmemleak scan after the command: ${leaks:-0} leak(s)" >&2
fi
[ $status -ne 0 ] && exit $status
exit "$rc"
