#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Inside the VM: run every selftests/bench/bench_*.sh (or those named as
# arguments) one after another, the module unloaded between them. Exits
# non-zero when any of them could not measure; the results are in the JSON.
cd "$(dirname "$0")/../.."
timeout_s=${BENCH_TIMEOUT:-900}

[ $# -gt 0 ] || set -- selftests/bench/bench_*.sh
status=0
for bench in "$@"; do
	[ -x "$bench" ] || continue
	echo "# ===== ${bench##*/} ($(uname -r))"
	start=$SECONDS
	timeout -k 10 "$timeout_s" "$bench"
	rc=$?
	echo "# ${bench##*/}: $((SECONDS - start)) s"
	if [ "$rc" -ne 0 ]; then
		echo "# ${bench##*/}: status $rc$([ "$rc" -eq 124 ] && echo ' (timeout)')"
		status=1
	fi
	rmmod spirecovery 2>/dev/null
done
exit $status
