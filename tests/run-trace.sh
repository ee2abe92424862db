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
. "$(dirname "$0")/lib/suite.sh" trace "$@"
cd "$root" || exit 2
for prog in tests/trace/*.kar; do
    name=${prog%.kar}
    args=""
    [ -f "$name.args" ] && args=$(head -n 1 "$name.args")
    # shellcheck disable=SC2086
    timeout 20 "$mvm" run $args "$prog" < /dev/null > /dev/null 2> "$work/err"
    if cmp -s "$name.stderr" "$work/err"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $prog ($args)"
        diff "$name.stderr" "$work/err" | head -10 | sed 's/^/    /'
    fi
done
echo "trace: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
