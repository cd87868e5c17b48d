#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: run every benchmark in one VM boot and print one table.
#
# Usage: selftests/bench/run.sh [KVER] [bench_NAME.sh...]
#
# The contract of a benchmark (see Documentation/benchmarks.md):
#  - it is an executable selftests/bench/bench_NAME.sh; it runs as root inside
#    the VM (selftests/vm/run-vm.sh), from the repository root, on its own:
#    it creates its network namespaces and removes them, and leaves the
#    module unloaded;
#  - it writes build/bench/NAME.json:
#      {"benchmark": NAME, "kernel": ..., "time": ...,
#       "rows": [{"metric", "value", "unit", "target", "met"[, "samples"]}],
#       "errors": [...]}
#    target is null or "op number" (">= 0.99", "<= 1200"), met is null (no
#    target) or whether the value meets it; sourcing selftests/bench/lib.sh
#    and calling bench_begin NAME, row ..., cannot_measure ... does this;
#  - a missed target is a result, not a failure: it exits 0 when it could
#    measure, and non-zero (with the reason in "errors") when it could not;
#  - it measures "with" against "without" within the same run, alternating
#    rounds, and puts targets on ratios: absolute numbers depend on the
#    machine (qemu TCG on a shared host here).
#
# This script builds the helpers (selftests/bench/Makefile and the
# selftests' genetlink tools, selftests/Makefile), boots the VM
# once with selftests/bench/in-vm.sh, prints every row of every
# build/bench/NAME.json as one table and exits non-zero only when a
# benchmark could not measure or the VM failed.
set -u
cd "$(dirname "$0")/../.."
kver=${1:-$(selftests/vm/kernels.sh | tail -n 1)}
[ $# -gt 0 ] && shift
out=build/bench

# The helpers: spi_flood here, genl_request and event_listen of the selftests.
make -C selftests/bench && make -C selftests || exit 1
[ $# -gt 0 ] || set -- selftests/bench/bench_*.sh
names=()
for bench in "$@"; do
	[ -x "$bench" ] || continue
	name=${bench##*/bench_}
	names+=("${name%.sh}")
	rm -f "$out/${name%.sh}.json"
done

# BENCH_* settings (e.g. BENCH_ROUNDS=3 for a quick look) go into the VM.
env_args=()
for var in $(compgen -e | grep '^BENCH_'); do
	env_args+=(-e "$var=${!var}")
done

rc=0
"${RUN_VM:-selftests/vm/run-vm.sh}" -k "$kver" -n bench -t "${BENCH_VM_TIMEOUT:-3600}" "${env_args[@]}" -- \
	selftests/bench/in-vm.sh "$@" || rc=$?
echo
python3 selftests/bench/results.py table "$out" "${names[@]}" || rc=1
[ "$rc" -eq 0 ] || echo "# bench: status $rc: a benchmark could not measure or the VM failed (log: build/vm/$kver-bench.log)"
exit "$rc"
