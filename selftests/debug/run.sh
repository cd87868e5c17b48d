#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make check-debug` (issue 11): build the debug kernel (KASAN, KMEMLEAK,
# PROVE_LOCKING, PROVE_RCU, DEBUG_ATOMIC_SLEEP, DEBUG_OBJECTS_RCU_HEAD,
# DEBUG_LIST, UBSAN) from Debian's linux-source, build the module against it
# out of tree and in tree, boot it and run every VM selftest
# (selftests/run.sh, which includes selftests/vm/reload_under_traffic.sh),
# then a kmemleak scan. Any KASAN, UBSAN, lockdep, RCU, atomic-sleep,
# kmemleak report, WARNING, BUG or Call Trace fails it (run-vm.sh).
# Ends with a summary. Too long for `make check`.
#
# Environment: DEBUG_SERIES (default 6.12; 6.1 works the same way),
# DEBUG_VM_TIMEOUT (s, default 14400), DEBUG_TEST_TIMEOUT (per test, s, default 3600),
# DEBUG_VM_MEM (MiB, default 4096), DEBUG_TESTS (the tests to run instead of
# all, e.g. "selftests/vm/reload_under_traffic.sh selftests/sa_miss.sh").
set -u
cd "$(dirname "$0")/../.."
repo=$(pwd)
build=$repo/build
series=${DEBUG_SERIES:-6.12}
logs=$build/debug/$series
mkdir -p "$logs"
results=()
status=0

# stage NAME COMMAND...: run it, output in $logs/NAME.log, remember the result.
stage() {
	local name=$1 t0 rc
	shift
	echo "=== check-debug: $name"
	t0=$(date +%s)
	"$@" 2>&1 | tee "$logs/$name.log"
	rc=${PIPESTATUS[0]}
	results+=("$(printf '%-14s %-4s %5ss' "$name" "$([ "$rc" -eq 0 ] && echo ok || echo FAIL)" $(($(date +%s) - t0)))")
	[ "$rc" -eq 0 ] || status=1
	return "$rc"
}

summary() {
	echo
	echo "=== check-debug summary ($series)"
	printf '  %s\n' "${results[@]}"
	[ -n "${release:-}" ] && echo "  kernel: $release, $build/debug-kernel/$series/bzImage" \
		"(last build: $(cat "$build/debug-kernel/$series/build-seconds" 2>/dev/null || echo '?') s)"
	if [ -f "$logs/selftests.log" ]; then
		local p f s
		s=$(grep -cE '^(ok|not ok) .*# SKIP' "$logs/selftests.log")
		p=$(($(grep -cE '^ok ' "$logs/selftests.log") - s))
		f=$(grep -cE '^not ok ' "$logs/selftests.log")
		echo "  selftests under the debug kernel: $p passed, $f failed, $s skipped" \
			"(${DEBUG_TESTS:+only }$(grep -c '^# ===== ' "$logs/selftests.log") test programs)"
		grep -E '^not ok ' "$logs/selftests.log" | sed 's/^/    /'
	fi
	if [ -n "${vmlog:-}" ] && [ -f "$vmlog" ]; then
		local reports
		# The kernel log once (the console log has it twice), then kmemleak's report.
		reports=$(cat "${vmlog%.log}.dmesg" 2>/dev/null; sed -n '/^=== kmemleak after the command/,/^=== /p' "$vmlog")
		reports=$(echo "$reports" | grep -aE 'BUG: |WARNING: |UBSAN: |possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|sleeping function called from invalid context|ODEBUG:|list_(add|del) corruption|general protection fault|^unreferenced object' |
			sed -E 's/^\[ *[0-9.]+\] //; s/0x[0-9a-f]+/0x.../g' | sort | uniq -c | sort -rn)
		if [ -n "$reports" ]; then
			echo "  kernel reports (count, first line; details in $vmlog):"
			echo "$reports" | head -30 | sed 's/^/    /'
		else
			echo "  kernel reports: none (KASAN, UBSAN, lockdep, RCU, atomic sleep, debugobjects, list, kmemleak)"
		fi
		grep -a 'kmemleak scan after the command' "$logs/selftests.log" 2>/dev/null | sed 's/^run-vm: /  /'
	fi
	echo "check-debug: $([ $status -eq 0 ] && echo PASSED || echo FAILED)"
	exit $status
}

release=
if stage kernel selftests/debug/build-kernel.sh "$series"; then
	release=$(tail -n 1 "$logs/kernel.log")
else
	summary
fi
obj=$build/debug-kernel/$series/obj
stage module make -C kmod KDIR="$obj" BUILD="$build/kmod/$release" || summary
stage test-modules make -C selftests test-module KVER="$release" KDIR="$obj" || summary
stage in-tree selftests/debug/build-intree.sh "$series"
# What make check prepares on the host for two of the VM tests: the packages
# (packages.sh) and the unpacked Libreswan (recovery_libreswan.sh).
stage deb make deb
stage libreswan selftests/recovery/libreswan.sh

# The machine is shared: do not start a third VM.
while [ "$(pgrep -c qemu-system)" -ge 2 ]; do
	echo "check-debug: waiting for a free VM slot ($(pgrep -c qemu-system) running)"
	sleep 30
done
vmlog=$build/vm/$release-debug.log
# shellcheck disable=SC2086 # DEBUG_TESTS is a list
stage selftests selftests/vm/run-vm.sh -k "$release" -n debug -m "${DEBUG_VM_MEM:-4096}" \
	-t "${DEBUG_VM_TIMEOUT:-14400}" -e SPIRECOVERY_TEST_TIMEOUT="${DEBUG_TEST_TIMEOUT:-3600}" \
	-- selftests/run.sh ${DEBUG_TESTS:-}
summary
