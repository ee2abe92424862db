#!/usr/bin/env bash
# run-trace.sh MVM - the exact format of --trace, debug.json dumps and --on-fault=dump.
#
# For every tests/trace/NAME.kar, runs (from the repository root)
#   MVM run OPTIONS tests/trace/NAME.kar
# with OPTIONS the first line of tests/trace/NAME.args (none when missing) and standard
# input from /dev/null, and compares its whole standard error with tests/trace/NAME.stderr
# byte for byte (golden tests only look for fragments). To accept a deliberate change of
# format, regenerate an expected file with `MVM run OPTIONS FILE 2> NAME.stderr` and
# review the diff. Prints `trace: N passed, N failed`.
set -u
if [ $# -lt 1 ]; then
    echo "usage: $0 MVM" >&2
    exit 2
fi
mvm=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mvm-trace.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

pass=0
fail=0
for prog in tests/trace/*.kar; do
    name=${prog%.kar}
    args=""
    [ -f "$name.args" ] && args=$(head -n 1 "$name.args")
    # shellcheck disable=SC2086
    timeout 20 "$mvm" run $args "$prog" < /dev/null > /dev/null 2> "$tmp/err"
    if cmp -s "$name.stderr" "$tmp/err"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $prog ($args)"
        diff "$name.stderr" "$tmp/err" | head -10 | sed 's/^/    /'
    fi
done
echo "trace: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
