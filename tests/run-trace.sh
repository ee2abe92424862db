#!/usr/bin/env bash
# run-trace.sh MVM - the exact format of --trace, debug.json dumps and --on-fault=dump.
#
# For every tests/trace/NAME.kar, runs (from the repository root)
#   MVM run OPTIONS tests/trace/NAME.kar
# with OPTIONS the first line of tests/trace/NAME.args (none when missing) and standard
# input from /dev/null, and compares its whole standard error with tests/trace/NAME.stderr
# byte for byte (golden tests only look for fragments). To accept a deliberate change of
# format, regenerate an expected file with `MVM run OPTIONS FILE 2> NAME.stderr` and
# review the diff. Then `mvm resume` with --on-fault=dump and --debug (see resumed below).
# Prints `trace: N passed, N failed`.
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
# `mvm resume` takes --debug and --on-fault too: a run stopped after K instructions and
# its snapshot resumed print together exactly what one whole run prints on standard error.
resumed() {   # resumed NAME PROGRAM K OPTIONS...
    local name=$1 prog=$2 k=$3
    shift 3
    timeout 20 "$mvm" run "$@" "$prog" < /dev/null > /dev/null 2> "$work/whole"
    local want=$?
    timeout 20 "$mvm" run "$@" --snapshot-every "$k" --snapshot "$work/s.snap" --max-steps "$k" "$prog" \
        < /dev/null > /dev/null 2> "$work/first"
    timeout 20 "$mvm" run "$@" --snapshot-every "$k" --snapshot "$work/s.snap" --max-steps $((k + 1)) "$prog" \
        < /dev/null > /dev/null 2> /dev/null
    timeout 20 "$mvm" resume "$work/s.snap" "$@" < /dev/null > /dev/null 2> "$work/rest"
    local got=$?
    grep -v '^mvm: stopped after' "$work/first" | cat - "$work/rest" > "$work/both"
    if [ "$got" = "$want" ] && cmp -s "$work/whole" "$work/both"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL resume $name: status $got (whole run $want)"
        diff "$work/whole" "$work/both" | head -10 | sed 's/^/    /'
    fi
}
resumed on-fault tests/programs/trace/on_fault_dump.kar 3 --on-fault=dump
resumed debug.json tests/trace/debug.kar 4 --debug tests/trace/debug.json
echo "trace: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
