#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The top-level targets on a "fresh machine": stand-ins for deps.sh and
# kernels.sh make the kernels appear only once `deps` has run, as they do
# when deps.sh installs them. Every target must then find the kernel, or
# stop naming the package to install. A stand-in for run-vm.sh records what
# demo and bench would boot. Host only: no VM, no live install (DESTDIR).
set -u
cd "$(dirname "$0")/../.."
repo=$(pwd)
source selftests/common.sh

kver=$(selftests/vm/kernels.sh | tail -n 1)
[ -n "$kver" ] || bail "no kernel with headers on this machine (make deps)"

tmp=$(mktemp -d)
bench_saved=$tmp/bench-saved
trap 'rm -rf "$repo/build/bench"; [ -d "$bench_saved" ] && mv "$bench_saved" "$repo/build/bench"; rm -rf "$tmp"' EXIT
[ -d build/bench ] && mv build/bench "$bench_saved"

stubs=$tmp/stubs state=$tmp/state
mkdir -p "$stubs" "$state"
cat >"$stubs/deps" <<EOF
#!/bin/sh
touch $state/deps-ran
EOF
# The kernel list as deps.sh leaves it: empty before, the real one after.
cat >"$stubs/kernels" <<EOF
#!/bin/sh
if [ -e $state/deps-ran ] && [ ! -e $state/no-kernel ]; then
	echo after >>$state/kernels-calls
	echo $kver
else
	echo before >>$state/kernels-calls
fi
EOF
cat >"$stubs/run-vm" <<EOF
#!/bin/sh
echo "\$*" >$state/run-vm.args
EOF
chmod +x "$stubs"/*

# fresh_make NAME TARGET [VAR=VALUE...]: make TARGET on a machine whose kernels
# appear with deps; output in $tmp/NAME.log, status in $rc.
fresh_make() {
	local name=$1
	shift
	rm -f "$state"/*
	make -C "$repo" DEPS="$stubs/deps" KERNELS="$stubs/kernels" RUN_VM="$stubs/run-vm" \
		BUILD="$tmp/build" "$@" >"$tmp/$name.log" 2>&1
	rc=$?
}


# The userspace the build step made, so that the targets below only compile
# what they are tested for: the module, for the kernel that deps "installed".
mkdir -p "$tmp/build"
for dir in tools ike selftests; do
	[ -d "build/$dir" ] && cp -a "build/$dir" "$tmp/build/"
done

fresh_make modules modules
tap_check "make modules: builds the module for the kernel deps installed" \
	test "$rc" -eq 0 -a -f "$tmp/build/kmod/$kver/spirecovery.ko"

fresh_make demo demo
tap_check "make demo: boots the kernel deps installed (run-vm -k $kver)" \
	grep -qx -- "-k $kver -n demo -t 900 -- selftests/recovery/demo.sh" "$state/run-vm.args"

fresh_make demo-kver demo KVER=no-such-kernel
tap_check "make demo KVER=<missing>: names the headers package to install" \
	grep -q 'apt-get install linux-headers-no-such-kernel' "$tmp/demo-kver.log"

# The benchmarks' VM is the stand-in, so no result comes back: what counts is
# that it was asked to boot the kernel with the module just built.
fresh_make bench bench
tap_check "make bench: boots the kernel deps installed (run-vm -k $kver -n bench)" \
	grep -q -- "^-k $kver -n bench " "$state/run-vm.args"

dest=$tmp/dest
fresh_make install install DESTDIR="$dest"
tap_check "make install DESTDIR: the module for $kver, both programs, under DESTDIR" \
	test "$rc" -eq 0 -a -f "$dest/lib/modules/$kver/updates/spirecovery.ko" \
	-a -x "$dest/usr/sbin/spirecoveryctl" -a -x "$dest/usr/sbin/spirecoveryd"

tap_check "every kernel list that found the kernel was taken after deps" \
	grep -qx after "$state/kernels-calls"

# No kernel even after deps: say so, name the packages, build and boot nothing.
no_kernel() { # TARGET
	rm -f "$state"/*
	touch "$state/no-kernel"
	make -C "$repo" DEPS="$stubs/deps-keep" KERNELS="$stubs/kernels" RUN_VM="$stubs/run-vm" \
		BUILD="$tmp/build-none" "$1" >"$tmp/none-$1.log" 2>&1
	rc=$?
}
cat >"$stubs/deps-keep" <<EOF
#!/bin/sh
touch $state/deps-ran
EOF
chmod +x "$stubs/deps-keep"
no_kernel modules
tap_check "make modules, no kernel: fails naming linux-headers-amd64" \
	test "$rc" -ne 0 -a ! -e "$tmp/build-none" -a \
	"$(grep -c 'apt-get install linux-image-amd64 linux-headers-amd64' "$tmp/none-modules.log")" -ge 1
no_kernel demo
tap_check "make demo, no kernel: fails without booting anything" \
	test "$rc" -ne 0 -a ! -e "$state/run-vm.args"

make -C "$repo" help >"$tmp/help.log" 2>&1
tap_check "make help: lists the targets and KVER, DESTDIR, PREFIX, BENCH_*" \
	sh -c "grep -q 'make demo' $tmp/help.log && grep -q KVER= $tmp/help.log &&
		grep -q DESTDIR= $tmp/help.log && grep -q PREFIX= $tmp/help.log &&
		grep -q BENCH_ $tmp/help.log"

tap_done
