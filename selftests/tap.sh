# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# TAP output for the shell selftests, host and VM alike: one counter, one
# plan printed at the end by tap_done.

TAP_N=0
TAP_FAILED=0
echo "TAP version 13"

# tap_check DESCRIPTION COMMAND...: one TAP line from the command's status.
tap_check() {
	local desc=$1
	shift
	TAP_N=$((TAP_N + 1))
	if "$@"; then
		echo "ok $TAP_N $desc"
	else
		echo "not ok $TAP_N $desc"
		TAP_FAILED=1
	fi
}

tap_skip() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N $1 # SKIP $2"
}

note() { echo "# $*"; }

# tap_bail REASON: the script cannot go on; one failure, the plan, exit 1.
tap_bail() {
	TAP_N=$((TAP_N + 1))
	echo "not ok $TAP_N $1"
	echo "1..$TAP_N"
	exit 1
}

tap_done() {
	echo "1..$TAP_N"
	return $TAP_FAILED
}
