#!/usr/bin/env bash
# run-all.sh BUILD_DIR [SWITCH_MVM] - run every test suite and total the results.
#
# Suites: unit (cmocka binaries in BUILD_DIR/tests), golden programs (tests/programs and
# examples/) with BUILD_DIR/mvm, the golden programs again with SWITCH_MVM (the same
# interpreter built with switch dispatch) when given, and again through bytecode
# (compile + crun), robustness, and any further suite
# script that exists (tests/run-docs.sh). Each prints its own
# `SUITE: N passed, N failed` line; the last line is the total `N passed, N failed`.
# Exit status 1 if any suite failed.
set -u

if [ $# -lt 1 ]; then
    echo "usage: $0 BUILD_DIR [SWITCH_MVM]" >&2
    exit 2
fi
build=$1
switch_mvm=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root" || exit 2
mvm=$build/mvm

total_pass=0
total_fail=0
failed_suites=()

run_suite() {       # run_suite NAME COMMAND... ; the suite prints "NAME: N passed, N failed"
    local name=$1 out status line p f
    shift
    out=$(mktemp "${TMPDIR:-/tmp}/mvm-suite.XXXXXX")
    "$@" 2>&1 | tee "$out"
    status=${PIPESTATUS[0]}
    line=$(grep -E '^[A-Za-z_-]+: [0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
    rm -f "$out"
    if [ -n "$line" ]; then
        p=$(echo "$line" | sed -E 's/^.*: ([0-9]+) passed, ([0-9]+) failed$/\1/')
        f=$(echo "$line" | sed -E 's/^.*: ([0-9]+) passed, ([0-9]+) failed$/\2/')
    else
        echo "$name: no summary line (exit status $status)"
        p=0
        f=1
    fi
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1     # the suite failed without saying how
    fi
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
    if [ "$f" -gt 0 ]; then
        failed_suites+=("$name")
    fi
}

run_suite unit "$here/run-unit.sh" "$build"
run_suite golden "$here/run-golden.sh" "$mvm" tests/programs examples
run_suite engines "$here/run-engines.sh" "$mvm"
if [ -n "$switch_mvm" ]; then
    run_suite golden-switch bash -c '"$1" "$2" tests/programs examples | sed "s/^golden:/golden-switch:/"' _ \
        "$here/run-golden.sh" "$switch_mvm"
fi
# The golden programs once more through bytecode: compile, then crun (issue 10).
run_suite golden-crun bash -c 'GOLDEN_CRUN=1 "$1" "$2" tests/programs examples | sed "s/^golden:/golden-crun:/"' _ \
    "$here/run-golden.sh" "$mvm"
run_suite robustness "$here/robustness.sh" "$mvm"
# Further suites, when present: each takes MVM and prints its own summary line.
for s in "$here"/run-*.sh; do
    case ${s##*/} in
        run-all.sh|run-unit.sh|run-golden.sh) continue ;;
    esac
    [ -f "$s" ] || continue
    name=${s##*/run-}
    name=${name%.sh}
    run_suite "$name" bash "$s" "$mvm"
done

echo
if [ ${#failed_suites[@]} -gt 0 ]; then
    echo "failed suites: ${failed_suites[*]}"
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
