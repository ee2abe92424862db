#!/usr/bin/env bash
# run-debug.sh MVM - the debugger's tests (docs/debugger.md).
#
# 1. Scripted sessions: for every tests/debug/NAME.cmd,
#        MVM debug tests/debug/NAME.kar [$(cat NAME.args)] < NAME.cmd
#    run from the repository root; its standard error must equal NAME.expect and its
#    standard output NAME.out (when that file exists). In NAME.args, @TMP@ stands for a
#    fresh temporary directory (for VFS images); in the transcripts, @ROOT@ stands for
#    the repository's absolute path, which spawned host programs are named by.
#    UPDATE=1 rewrites the expectations.
# 2. The going-back property: for every golden program in tests/programs that runs
#    cleanly without standard input or special options, a session that steps forward,
#    goes back, dumps the state (ps, regs, stack, bt, mailboxes), goes back further and
#    steps forward again and dumps it again, then continues (a second `continue` passes
#    a fault stop), with saved points every 1..10 instructions, must show the state a
#    session that stepped straight there shows, print exactly what `mvm run` prints
#    (nothing twice) and end with the same status after the same instruction count.
# 3. The terminal: see the end of this file.
# Prints `debug: N passed, N failed`; exit status 1 if any failed.
set -u
set -f
if [ $# -lt 1 ]; then
    echo "usage: $0 MVM" >&2
    exit 2
fi
orig=$PWD
root=$(cd "$(dirname "$0")/.." && pwd)
mvm=$1
case $mvm in /*) ;; *) mvm=$orig/$mvm ;; esac
cd "$root" || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mvm-debug.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

session() {     # session NAME
    local name=$1 dir=tests/debug args=() work
    work=$(mktemp -d "$tmp/s.XXXXXX")
    if [ -f "$dir/$name.args" ]; then
        read -r -a args < <(sed "s#@TMP@#$work#g" "$dir/$name.args")
    fi
    NO_COLOR=1 timeout 60 "$mvm" debug "$dir/$name.kar" "${args[@]}" < "$dir/$name.cmd" \
        > "$work/out" 2> "$work/err"
    # Spawned host programs are named by their absolute path: the clone's place is @ROOT@.
    sed -i "s#$work#@TMP@#g; s#$root/#@ROOT@/#g" "$work/err" "$work/out"
    if [ "${UPDATE:-0}" = 1 ]; then
        cp "$work/err" "$dir/$name.expect"
        [ -s "$work/out" ] && cp "$work/out" "$dir/$name.out"
    fi
    local ok=1
    cmp -s "$work/err" "$dir/$name.expect" || ok=0
    if [ -f "$dir/$name.out" ] && ! cmp -s "$work/out" "$dir/$name.out"; then ok=0; fi
    if [ $ok = 1 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL session $name"
        diff "$dir/$name.expect" "$work/err" | head -20
        [ -f "$dir/$name.out" ] && diff "$dir/$name.out" "$work/out" | head -10
    fi
}

set +f
for cmd in tests/debug/*.cmd; do
    name=${cmd##*/}
    session "${name%.cmd}"
done
set -f

# Pseudo-random numbers from the file name (the same every run): one seed, several draws.
seed=0
pick() { seed=$(( (seed * 1103515245 + 12345) % 2147483648 )); echo $(( (seed / 65536) % $1 + 1 )); }

property() {    # property FILE
    local f=$1 args want status got info timed limit
    # One awk per file (the suite runs hundreds): "skip", or a seed and the options.
    info=$(awk -v f="$f" '
        /^; *(stdin|run-args)/ { skip = 1 }
        /^; *args:/ && !args { a = $0; sub(/^; *args: */, "", a); args = a }
        toupper($0) ~ /SYS_(NEWFILE|WRITEFILE|READFILE|DELETEFILE|NEWDIR|LISTFILES|FILEINFO|SETPERMISSIONS)/ { skip = 1 }
        toupper($0) ~ /SYS_TIME|DEV_CLOCK|SYS_DEVICEREAD|SLEEP|LIT +S1 +(14|35)([^0-9]|$)/ { timed = 1 }
        END {
            if (args ~ /--(vfs|max-steps|trace|snapshot|config)|hertz/) skip = 1
            h = 7; for (i = 1; i <= length(f); i++) h = (h * 31 + index("abcdefghijklmnopqrstuvwxyz_/.0123456789", substr(f, i, 1))) % 2147483647
            print (skip ? "skip" : h) " " (timed ? 1 : 0) " " args
        }' "$f")
    [ "${info%% *}" = skip ] && return 0
    seed=${info%% *}
    info=${info#* }
    timed=${info%% *}   # reads the host clock: compared only with itself (the clock tape)
    args=${info#* }
    timeout 10 "$mvm" run --stats $args "$f" < /dev/null > "$tmp/want" 2> "$tmp/stats"
    status=$?
    [ $status -ge 2 ] && [ $status -ne 139 ] && [ $status -lt 128 ] && return 0
    [ $status = 124 ] && return 0
    total=$(sed -n 's/^stats: instructions \([0-9]*\)$/\1/p' "$tmp/stats")
    [ -n "$total" ] && [ "$total" -ge 2 ] || return 0
    # A `step` stops early at an unhandled fault: keep the points before the first one.
    limit=$total
    if grep -q '^mvm: PID' "$tmp/stats"; then
        limit=$(printf 'c\n' | timeout 10 "$mvm" debug $args "$f" 2>&1 >/dev/null |
                sed -n 's/^fault: .*\[\([0-9]*\)\].*/\1/p; s/^fault: .*after \([0-9]*\) instr.*/\1/p' | head -1)
        [ -n "$limit" ] || limit=$total
        [ "$limit" -ge 2 ] || return 0
    fi
    # t: a point before the end; the round trip gets there by going back from t2, dumps
    # the state, goes back k more and steps forward again, dumps it again; the straight
    # session steps to t once. Saved points every `every` instructions (1..10), so that
    # going back restores the machine from the middle of its history, not only its start.
    local t t2 k every dump
    # A program that sleeps or reads the clock runs a different number of instructions in
    # every session: keep to its first 2,000, which take less than its shortest sleep.
    [ "$timed" = 1 ] && [ "$limit" -gt 2000 ] && limit=2000
    t=$(pick $((limit - 1))); seed=$((seed + t))
    t2=$((t + $(pick 40))); [ "$t2" -ge "$limit" ] && t2=$((limit - 1))
    k=$(pick "$t"); seed=$((seed + k)); every=$(pick 10)
    dump='ps\nregs\nstack\nbt\nmailboxes\n'
    printf "s %s\n$dump""c\nc\nq\n" "$t" \
        | timeout 20 "$mvm" debug $args "$f" > "$tmp/got1" 2> "$tmp/err1"
    printf "s %s\nback %s\n$dump""back %s\ns %s\n$dump""c\nc\nq\n" "$t2" $((t2 - t)) "$k" "$k" \
        | timeout 20 "$mvm" debug --save-interval "$every" $args "$f" > "$tmp/got2" 2> "$tmp/err2"
    got=$(grep -o 'ended: status [0-9]* after [0-9]* instructions' "$tmp/err2" | tail -1)
    # The state at t, from the straight session (between its first stop and `c`), and
    # twice from the round trip.
    awk '/^\(mvm\) ps$/ { on = 1 } /^\(mvm\) c$/ { on = 0 } on' "$tmp/err1" > "$tmp/state1"
    awk '/^\(mvm\) ps$/ { on = 1; n++ } /^\(mvm\) (back|c)/ { on = 0 } on { print > (dir "/state2." n) }' \
        dir="$tmp" "$tmp/err2"
    local what=
    cmp -s "$tmp/want" "$tmp/got1" || what="output (straight)"
    cmp -s "$tmp/want" "$tmp/got2" || what="$what output (round trip)"
    if [ "$timed" = 1 ]; then   # the host clock differs between sessions, not within one
        case $got in "ended: status $status after "*) ;; *) what="$what ending ($got)" ;; esac
        cp "$tmp/state2.1" "$tmp/state1"
    else
        [ "$got" = "ended: status $status after $total instructions" ] || what="$what ending ($got)"
    fi
    cmp -s "$tmp/state1" "$tmp/state2.1" || what="$what state after back $((t2 - t))"
    cmp -s "$tmp/state1" "$tmp/state2.2" || what="$what state after back $k, s $k"
    if [ -z "$what" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL property $f (every $every: s $t2, back $((t2 - t)), back $k, s $k vs s $t): $what;" \
             "want status $status after $total"
        diff "$tmp/state1" "$tmp/state2.1" | head -5
        diff "$tmp/state1" "$tmp/state2.2" | head -5
    fi
    rm -f "$tmp"/state2.*
}

while IFS= read -r f; do
    property "$f"
done < <(find tests/programs -name '*.kar' -not -path '*/lib/*' | sort | while read -r f; do
    [ -e "$(dirname "$f")/.module" ] || echo "$f"; done)

# 3. On a terminal (a pseudo-terminal): --tty, Ctrl-C interrupting `continue`, colours
#    and NO_COLOR; a scripted session ended by SIGINT (tests/debug/tty/run.py).
tty_out=$(python3 tests/debug/tty/run.py "$mvm" 2>&1)
echo "$tty_out" | grep -v '^tty: [0-9]* passed'
tty_pass=$(echo "$tty_out" | sed -n 's/^tty: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
tty_fail=$(echo "$tty_out" | sed -n 's/^tty: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
pass=$((pass + ${tty_pass:-0}))
fail=$((fail + ${tty_fail:-1}))

echo "debug: $pass passed, $fail failed"
[ $fail -eq 0 ]
