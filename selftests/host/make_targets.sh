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

# live_writes STAGED...: the live counterparts of the staged files, and the live module
# index, that are newer than $stamp: install writes every file with the current time.
live_writes() {
	local f
	for f in "$@" "/lib/modules/$kver/modules.dep"; do
		[ "$f" -nt "$stamp" ] && echo "$f"
	done
}

# staged_round_trip DEST PREFIX: make install, then make uninstall, into DEST. Sets the
# staged files' paths (from /) in $tmp/staged, both statuses, the files left in DEST and
# the live files written, and the staged unit's ExecStart= line.
staged_round_trip() {
	local dest=$1 prefix=$2 name=${2//\//_}
	stamp=$tmp/stamp
	touch "$stamp"
	sleep 1 # -nt compares whole seconds on some file systems
	fresh_make "install$name" install DESTDIR="$dest" PREFIX="$prefix"
	install_rc=$rc
	exec_start=$(grep '^ExecStart=' "$dest/lib/systemd/system/spirecoveryd.service")
	(cd "$dest" && find . ! -type d | sed 's|^\.||' | sort) >"$tmp/staged"
	fresh_make "uninstall$name" uninstall DESTDIR="$dest" PREFIX="$prefix"
	uninstall_rc=$rc
	left=$(cd "$dest" && find . ! -type d)
	# shellcheck disable=SC2046
	outside=$(live_writes $(cat "$tmp/staged"))
}

dest=$tmp/dest
staged_round_trip "$dest" /usr
tap_check "make install DESTDIR: the module for $kver, both programs, under DESTDIR" \
	test "$install_rc" -eq 0 -a -n "$(grep -x "/lib/modules/$kver/updates/spirecovery.ko" "$tmp/staged")" \
	-a -n "$(grep -x /usr/sbin/spirecoveryctl "$tmp/staged")" \
	-a -n "$(grep -x /usr/sbin/spirecoveryd "$tmp/staged")"
tap_check "make install DESTDIR: the daemon's configuration and unit, under DESTDIR" \
	test -n "$(grep -x /etc/spirecoveryd.conf "$tmp/staged")" \
	-a -n "$(grep -x /lib/systemd/system/spirecoveryd.service "$tmp/staged")"
check_eq "make uninstall DESTDIR: exit 0, no file left under DESTDIR" "0:" "$uninstall_rc:$left"
check_eq "make install and uninstall DESTDIR: no live file written or changed" "" "$outside"
tap_check "make uninstall DESTDIR: no depmod" sh -c "! grep -E '^depmod( |\$)' '$tmp/uninstall_usr.log'"

staged_round_trip "$tmp/dest-local" /usr/local
tap_check "make install PREFIX=/usr/local: the programs under it, the unit names them" \
	test "$install_rc" -eq 0 -a -n "$(grep -x /usr/local/sbin/spirecoveryd "$tmp/staged")" \
	-a -n "$(grep -x /usr/local/sbin/spirecoveryctl "$tmp/staged")" \
	-a -z "$(grep -x /usr/sbin/spirecoveryd "$tmp/staged")" \
	-a "${exec_start%% *}" = ExecStart=/usr/local/sbin/spirecoveryd
check_eq "make uninstall PREFIX=/usr/local: exit 0, no file left, no live file written" "0::" \
	"$uninstall_rc:$left:$outside"

# An edited configuration is the operator's: uninstall keeps it.
fresh_make install-again install DESTDIR="$dest"
echo "# edited" >>"$dest/etc/spirecoveryd.conf"
fresh_make uninstall-edited uninstall DESTDIR="$dest"
check_eq "make uninstall: keeps an edited /etc/spirecoveryd.conf, and only that" \
	"0:./etc/spirecoveryd.conf" "$rc:$(cd "$dest" && find . ! -type d)"

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
