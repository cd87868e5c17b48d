#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make check`: build everything, run the host checks and, in one VM boot
# per kernel, every selftest. Each step's output is kept in build/check/;
# results are counted from TAP (`ok`/`not ok`) and GoogleTest lines, a
# step that fails without saying what counts as one failure, and the run
# ends with one plain line: N passed, N failed (after a line with the skipped count).
set -u
cd "$(dirname "$0")/.."
repo=$(pwd)
logs=$repo/build/check
rm -rf "$logs"
mkdir -p "$logs"
passed=0 failed=0 skipped=0 step_nice=0
failures=()
jobs=${JOBS:-$(nproc)}
export MAKEFLAGS="-j$jobs"
export FUZZ_SECONDS=${FUZZ_SECONDS:-10}

# tally NAME RC: count the results in build/check/NAME.log.
tally() {
	local name=$1 rc=$2 log=$logs/$1.log p f s
	s=$(grep -cE '^(ok|not ok) .*# SKIP' "$log")
	p=$(($(grep -cE '^ok ' "$log") - s + $(grep -cE '^\[ +OK \] ' "$log")))
	f=$(($(grep -cE '^not ok ' "$log") + $(grep -cE '^\[  FAILED  \] .*\([0-9]+ ms\)$' "$log")))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	elif [ "$rc" -eq 0 ] && [ $((p + f + s)) -eq 0 ]; then
		p=1
	fi
	[ "$f" -gt 0 ] && failures+=("$name ($f, see build/check/$name.log)")
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	echo "=== $name: $p passed, $f failed, $s skipped"
}

# step NAME COMMAND...: run, show, count.
step() {
	local name=$1
	shift
	echo "=== $name"
	nice -n "$step_nice" "$@" 2>&1 | tee "$logs/$name.log"
	tally "$name" "${PIPESTATUS[0]}"
}

step build make all selftests-bin
# The packages, for the VM test that installs them (selftests/packages.sh).
step deb selftests/host/deb.sh
# Libreswan for recovery_libreswan.sh, unpacked into build/ from Debian's archive: the VM has
# no network.
step libreswan selftests/recovery/libreswan.sh
# The VM runs mostly wait on timers: boot every kernel at once, now, and run
# the host checks meanwhile at the lowest priority, so that the guests' timers
# keep their pace; each VM's log is shown when its run is over.
declare -A vm_pid
for kver in $(selftests/vm/kernels.sh); do
	selftests/vm/run-vm.sh -k "$kver" -n selftests -t 4200 -- selftests/run.sh \
		>"$logs/vm-$kver.log" 2>&1 &
	vm_pid[$kver]=$!
done
step_nice=19
step make-targets selftests/host/make_targets.sh
step checkpatch make -C kmod checkpatch
for kver in $(selftests/vm/kernels.sh); do
	step "sparse-$kver" make -C kmod sparse KDIR="/lib/modules/$kver/build" \
		BUILD="$repo/build/sparse/$kver"
done
step regen-check make -C selftests regen-check
for dir in tools ike ike/daemon; do
	step "format-${dir//\//-}" make -C "$dir" format-check
done
step tools-unit make -C tools test-asan
step ike-unit make -C ike test-asan
step daemon-unit make -C ike/daemon test-asan
step ike-interop make -C ike interop
step ike-fuzz make -C ike fuzz-run
step tools-fuzz make -C tools fuzz-run
step daemon-fuzz make -C ike/daemon fuzz-run
step prometheus make -C tools prometheus-check
step man-pages selftests/host/check-man-pages.py build/ike/spirecoveryd ike/daemon/spirecoveryd.8 \
	ike/daemon/spirecoveryd.conf.5
# The example passes its own check as shipped.
step check-config-example build/ike/spirecoveryd --check-config \
	--config ike/daemon/spirecoveryd.conf.example
for kver in "${!vm_pid[@]}"; do
	wait "${vm_pid[$kver]}"
	rc=$?
	echo "=== vm-$kver"
	cat "$logs/vm-$kver.log"
	tally "vm-$kver" "$rc"
done

if [ ${#failures[@]} -gt 0 ]; then
	echo "failed steps:"
	printf '  %s\n' "${failures[@]}"
fi
echo "$skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
