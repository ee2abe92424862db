#!/usr/bin/env bash
# run-help.sh MVM - `mvm help TOPIC` from the command line, as a user types it: aliases,
# the list topics (signals, registers, constants, errors, devices), signals by any of
# their names, built-in constants, and the suggestion for a miss. `mvm help constants`
# is checked row by row against the constants table that tools/gen-instructions-doc.sh
# generates into docs/assembly.md straight from the .def files (run-docgen.sh keeps that
# table fresh), so the C spelling rule and the documented one cannot part.
# Prints `help: N passed, N failed`.
set -u
mvm=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
pass=0
fail=0

ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# expect_help TOPIC FRAGMENT...: status 0 and every fragment in standard output.
expect_help() {
    local topic=$1 out f
    shift
    if ! out=$("$mvm" help $topic 2>&1); then
        bad "mvm help $topic: exit status not 0: $(echo "$out" | head -2)"
        return
    fi
    for f in "$@"; do
        if ! grep -qF -- "$f" <<< "$out"; then
            bad "mvm help $topic: lacks '$f'"
            return
        fi
    done
    ok
}

# same_help TOPIC TOPIC...: all print the same text.
same_help() {
    local first a b
    first=$1
    a=$("$mvm" help $first 2>&1)
    for t in "${@:2}"; do
        b=$("$mvm" help $t 2>&1)
        if [ "$a" != "$b" ]; then
            bad "mvm help $t differs from mvm help $first"
            return
        fi
    done
    ok
}

expect_help cpy "CPY - another name for MOV" "MOV - instruction" "usage:   MOV a b"
expect_help CPY "CPY - another name for MOV"
expect_help signals "30  USR1    SIG_USR1" " 9  KILL    SIG_KILL" "20  CHLD    SIG_CHLD    ignore it"
expect_help USR1 "USR1 - signal 30" "constant: SIG_USR1"
expect_help "signal 30" "USR1 - signal 30"
same_help USR1 usr1 SIGUSR1 sigusr1
expect_help registers "G1-G10" "S1-S4" "R1-R10" "F1-F10" "X1-X10" "I1-I10" "I8   PC"
expect_help constants "SYS_FORK" "SIG_USR1" "ERR_WOULDBLOCK" "DEV_CONSOLE"
expect_help errors "30  WouldBlock"
expect_help devices "2  console"
expect_help SYS_FORK "SYS_FORK = 8" "fork - system call 8"
expect_help ERR_WOULDBLOCK "ERR_WOULDBLOCK = 30" "WouldBlock - error 30"
expect_help DEV_CLOCK "DEV_CLOCK = 0" "clock - device 0"
expect_help WouldBlock "WouldBlock - error 30"

# A constant's case matters in help as in programs; the miss suggests the right spelling.
if out=$("$mvm" help sys_fork 2>&1); then
    bad "mvm help sys_fork: succeeded"
elif ! grep -qF "did you mean: SYS_FORK" <<< "$out"; then
    bad "mvm help sys_fork: no suggestion of SYS_FORK: $out"
else
    ok
fi

# Every constant of the generated docs table, with its value, in mvm help constants, and
# nothing else.
docs=$(sed -n '/^<!-- BEGIN GENERATED: constants -->$/,/^<!-- END GENERATED -->$/p' docs/assembly.md |
       sed -n 's/^| `\([A-Z0-9_]*\)` | \([0-9]*\) |.*/\1 \2/p' | sort)
listed=$("$mvm" help constants | sed -n 's/^  \([A-Z][A-Z0-9_]*\) *\([0-9][0-9]*\)  .*/\1 \2/p' | sort)
if [ -z "$docs" ]; then
    bad "docs/assembly.md: no generated constants table"
elif [ "$docs" != "$listed" ]; then
    bad "mvm help constants differs from docs/assembly.md: $(diff <(echo "$docs") <(echo "$listed") | head -4 | tr '\n' ' ')"
else
    ok
fi

echo "help: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
