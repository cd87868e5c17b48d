#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run every selftest, or the ones given, inside the test VM
# (selftests/vm/run-vm.sh -- selftests/run.sh [TEST...]).
# Each test prints TAP; a test that fails without a `not ok` line of its own
# gets one here, so that `make check` counts it. The module is unloaded
# between tests so that each starts from the defaults.
cd "$(dirname "$0")/.."
build=${SPIRECOVERY_BUILD:-$(pwd)/build}
timeout_s=${SPIRECOVERY_TEST_TIMEOUT:-1800}

tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
	[ -x "$build/selftests/genl_api" ] && tests+=("$build/selftests/genl_api")
	for t in selftests/*.sh; do
		case ${t##*/} in
		lib.sh | run.sh | check.sh | spirecoveryctl.sh | recovery*.sh) ;;
		*) [ -x "$t" ] && tests+=("$t") ;;
		esac
	done
	tests+=(selftests/vm/reload_under_traffic.sh)
	for t in selftests/spirecoveryctl.sh selftests/recovery*.sh; do
		[ -x "$t" ] && tests+=("$t")
	done
fi

status=0
for t in "${tests[@]}"; do
	echo "# ===== ${t#"$build"/} ($(uname -r))"
	out=$(mktemp)
	start=$SECONDS
	timeout -k 10 "$timeout_s" "$t" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	echo "# ----- ${t##*/}: $((SECONDS - start)) s"
	if [ "$rc" -ne 0 ]; then
		status=1
		grep -q '^not ok ' "$out" ||
			echo "not ok - ${t##*/} exited with status $rc$([ "$rc" -eq 124 ] && echo ' (timeout)')"
	fi
	rm -f "$out"
	rmmod spirecovery 2>/dev/null
done
exit $status
