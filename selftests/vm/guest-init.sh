#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# PID 1 of the test VM once the overlay root is up: prepare a minimal
# system, install the freshly built module, run the requested command with
# its output on the second serial port, record its status and power off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=dumb

mount -t proc proc /proc
mount -t sysfs sys /sys
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
mkdir -p /run/netns /run/lock
ln -sfn /proc/self/fd /dev/fd
hostname spirecovery-vm
ip link set lo up

for arg in $(cat /proc/cmdline); do
	case $arg in
	srvm.run=*) rundir=${arg#*=} ;;
	srvm.modules=*) modules=${arg#*=} ;;
	esac
done
# A clean /tmp, unless the checkout (and with it the shared build directory)
# lives below /tmp: a tmpfs would hide it. The overlay's /tmp is in tmpfs too.
case $rundir in
/tmp/*) ;;
*) mount -t tmpfs tmpfs /tmp ;;
esac
kver=$(uname -r)
out=/dev/ttyS1
stty -F "$out" raw -echo 2>/dev/null

# The debug kernel has kmemleak: a scan before the command takes what boot
# leaked out of the count (kept as kmemleak-boot, "clear" forgets it), two
# scans after it, a pause apart, report what the command leaked (kmemleak).
kmemleak=/sys/kernel/debug/kmemleak
kmemleak_scan() {
	echo scan >"$kmemleak"
	sleep "$1"
	echo scan >"$kmemleak"
	cat "$kmemleak"
}

finish() {
	if [ -w "$kmemleak" ]; then
		echo "srvm: kmemleak scan" >/dev/kmsg
		kmemleak_scan 5 >"$rundir/kmemleak" 2>&1
		: >"$rundir/kmemleak-done"
	fi
	echo "$1" >"$rundir/rc"
	dmesg >"$rundir/dmesg"
	sync
	echo o >/proc/sysrq-trigger
	sleep 10
}

# shellcheck source=/dev/null
. "$rundir/env"
# A kernel that is not installed here (the debug kernel) brings its
# modules_install tree: modules.builtin lets `modprobe esp4` succeed for the
# built-in ones.
if [ -n "${modules:-}" ]; then
	mkdir -p "/lib/modules/$kver"
	cp -a "$modules/." "/lib/modules/$kver/"
fi
if [ -w "$kmemleak" ]; then
	kmemleak_scan 1 >"$rundir/kmemleak-boot" 2>&1
	echo clear >"$kmemleak"
fi
ko="$SPIRECOVERY_BUILD/kmod/$kver/spirecovery.ko"
if [ -f "$ko" ]; then
	mkdir -p "/lib/modules/$kver/updates"
	cp "$ko" "/lib/modules/$kver/updates/"
	depmod -a "$kver"
fi

# Hold the timestamp static key on for the whole run. Every ping turns it on
# and off again, and each switch rewrites kernel text (netif_rx_internal and
# others) while the other vCPU runs it; under TCG that patching once stopped
# a guest with "Oops: int3" in netif_rx_internal (6.12, QEMU 7.2). Python's
# socket module lacks SO_TIMESTAMP: 29 on x86 (SO_TIMESTAMP_OLD).
stamps_ready=/run/srvm-stamps.ready
python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, getattr(socket, "SO_TIMESTAMP", 29), 1)
open(sys.argv[1], "w").close()
time.sleep(1 << 30)' "$stamps_ready" 2>"$rundir/stamps.err" &
stamps=$!
# In a subshell: common.sh's wait_until keeps a fifo open, and PID 1 passes
# its descriptors on to the command.
# shellcheck source=selftests/common.sh
(. "$SPIRECOVERY_REPO/selftests/common.sh" &&
	wait_until 20 sh -c "test -e $stamps_ready || ! kill -0 $stamps")
if [ ! -e "$stamps_ready" ]; then
	echo "guest-init: the time-stamping socket did not start:" \
		"$(cat "$rundir/stamps.err")" >"$out"
	finish 125
fi

cd "$SPIRECOVERY_REPO" || finish 125
bash "$rundir/cmd" >"$out" 2>&1 </dev/null
finish $?
