#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# In the VM: run the given selftests as selftests/run.sh runs all of them
# (a failure without its own `not ok` line gets one; the module is unloaded
# after each). For DEBUG_TESTS="selftests/sa_miss.sh ..." make check-debug.
# Usage: tests.sh TEST...
cd "$(dirname "$0")/../.."
timeout_s=${SPIRECOVERY_TEST_TIMEOUT:-900}
status=0
for t in "$@"; do
	echo "# ===== $t ($(uname -r))"
	out=$(mktemp)
	timeout -k 10 "$timeout_s" "$t" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	if [ "$rc" -ne 0 ]; then
		status=1
		grep -q '^not ok ' "$out" ||
			echo "not ok - ${t##*/} exited with status $rc$([ "$rc" -eq 124 ] && echo ' (timeout)')"
	fi
	rm -f "$out"
	rmmod spirecovery 2>/dev/null
done
exit $status
