#!/usr/bin/env bash
# run-unit.sh BUILD_DIR - run every cmocka test binary BUILD_DIR/tests/test_*.
#
# Counts the tests from cmocka's summary lines ("[  PASSED  ] N test(s)." and
# "[  FAILED  ] N test(s)"). A binary that ends without a summary, or whose exit status
# disagrees with it (crash, abort, timeout), counts as one more failure.
# Prints `unit: N passed, N failed`; exit status 1 if any failed.
set -u

if [ $# -lt 1 ]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi
build=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mvm-unit.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

pass=0
fail=0
found=0
for t in "$build"/tests/test_*; do
    if [ ! -f "$t" ] || [ ! -x "$t" ]; then continue; fi
    case $t in *.d|*.o) continue ;; esac
    found=$((found + 1))
    timeout 120 "$t" >"$tmp/out" 2>&1
    status=$?
    read -r p f summaries < <(awk '
        /^\[  PASSED  \] [0-9]+ test/ { p += $4; n++ }
        /^\[  FAILED  \] [0-9]+ test/ { f += $4; n++ }
        END { print p + 0, f + 0, n + 0 }' "$tmp/out")
    bad=0
    if [ "$summaries" -eq 0 ]; then
        bad=1   # no summary at all: crashed before finishing, or not a cmocka binary
    elif [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        bad=1   # claims success but exited with an error (crash after the summary, leak checker...)
    fi
    pass=$((pass + p))
    fail=$((fail + f + bad))
    if [ "$f" -gt 0 ] || [ "$bad" -eq 1 ]; then
        echo "FAIL $t (exit status $status)"
        grep -E '^\[  (FAILED|ERROR)  \]|^\[  FAILED  \]|[Ff]ailure|ERROR|Assert|assert' "$tmp/out" | head -n 20 | sed 's/^/    /'
        if [ "$bad" -eq 1 ]; then
            tail -n 10 "$tmp/out" | sed 's/^/    /'
        fi
    fi
done

if [ "$found" -eq 0 ]; then
    echo "run-unit: no test binaries in $build/tests" >&2
fi
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
