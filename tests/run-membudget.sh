#!/usr/bin/env bash
# run-membudget.sh MVM - the host memory budget covers stacks and readIo's line (param.h
# MEM_HOST_BUDGET, SPEC 10 "Memory and allocation").
#
# With the budget set to 64 MiB (MVM_HOST_BUDGET_MIB, a knob for tests), programs that
# would take far more host memory outside process memory must fail the documented way
# and keep mvm's peak resident set (--stats "peak memory", getrusage's ru_maxrss) within
# the budget plus SLACK_MIB:
#   * four processes pushing forever with --stack 16777216 (512 MiB of data stacks
#     without the budget): each ends with a stack overflow (5);
#   * four processes recursing forever with callDepth 16777216: the same for call stacks;
#   * readIo on a 100 MB line: fails with 11, the rest of the line is discarded, and
#     the next readIo returns the next line.
# Under AddressSanitizer (make test-asan) the shadow memory and quarantine dwarf the budget:
# there only the endings are judged, not the peak.
# Prints `membudget: N passed, N failed`; exit status 1 if any failed.
set -u

. "$(dirname "$0")/lib/suite.sh" membudget "$@"
cd "$work" || exit 2

BUDGET_MIB=64
SLACK_MIB=24    # mvm itself, the stdio and input buffers, allocator slack
export MVM_HOST_BUDGET_MIB=$BUDGET_MIB
sanitized=0
grep -qa __asan_init "$mvm" && sanitized=1
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "membudget: FAIL: $1"; }

cat >push.kar <<'K'
LIT G2 0
more:
LIT S1 8        ; fork twice: four processes
SYSCALL
ADD G2 1 G2
LT G2 2
JZ more
push:
PUSH 1
JMP push
K
cat >recurse.kar <<'K'
LIT G2 0
more:
LIT S1 8        ; fork twice: four processes
SYSCALL
ADD G2 1 G2
LT G2 2
JZ more
down:
CALL down
K
cat >lines.kar <<'K'
LIT S1 25       ; readIo: the 100 MB line does not fit
SYSCALL
PRINTR I7
LIT S1 25       ; readIo: the line after it
SYSCALL
CALL io.println R2
K
printf '{ "callDepth": 16777216 }\n' >deep.json

# judge NAME STATUS STDOUT STDERR-FRAGMENT COUNT: the run just made (out, err, status $st)
judge() {
    local name=$1 want=$2 stdout=$3 frag=$4 count=$5 peak
    peak=$(sed -n 's/^stats: peak memory \([0-9]*\) KiB$/\1/p' err)
    if [ "$st" -ne "$want" ]; then
        bad "$name: status $st, expected $want; stderr: $(head -c 300 err)"
    elif [ "$(cat out)" != "$stdout" ]; then
        bad "$name: standard output '$(head -c 100 out | tr '\n' ' ')', expected '$stdout'"
    elif [ "$(grep -cF -- "$frag" err)" -ne "$count" ]; then
        bad "$name: expected $count lines with '$frag' on standard error: $(head -c 300 err)"
    elif [ "$sanitized" = 0 ] && { [ -z "$peak" ] || [ "$peak" -gt $(( (BUDGET_MIB + SLACK_MIB) * 1024 )) ]; }; then
        bad "$name: peak memory ${peak:-?} KiB, over the ${BUDGET_MIB} MiB budget + ${SLACK_MIB} MiB"
    else
        echo "membudget: $name: peak memory $peak KiB (budget $((BUDGET_MIB * 1024)) KiB)"
        ok
    fi
}

timeout 60 "$mvm" run --stats --stack 16777216 push.kar >out 2>err </dev/null
st=$?
judge data-stacks 139 "" "StackOverflowException (5)" 4
timeout 60 "$mvm" run --stats --config deep.json recurse.kar >out 2>err </dev/null
st=$?
judge call-stacks 139 "" "StackOverflowException (5)" 4
{ head -c 100000000 /dev/zero | tr '\0' a; printf '\nnext\n'; } |
    timeout 60 "$mvm" run --stats lines.kar >out 2>err
st=$?
judge readio-line 0 "$(printf '11\nnext')" "stats: instructions" 1

echo "membudget: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
