#!/usr/bin/env bash
# run-sleep.sh MVM - SLEEP must not busy-wait, and `hertz` must throttle (SPEC 4.2).
#
# Each case writes a small program to a temp directory and runs it there (so no stray
# config.json is read), timing it with bash's `time`:
#   * when every live process sleeps, the kernel waits on the host clock: programs whose
#     processes all sleep about 1 s must take >= 0.95 s of wall time but little CPU time
#     (user + sys < 0.3 s, a generous bound);
#   * `hertz` (config.json, given with --config) throttles to about that many instructions
#     per second: the measured rate must lie within 0.4x..2x of the requested one;
#     hertz 0 means as fast as possible.
# Prints `sleep: N passed, N failed`; exit status 1 if any failed.
set -u
. "$(dirname "$0")/lib/suite.sh" sleep "$@"
cd "$work" || exit 2

CPU_MAX=0.3

# run NAME EXPECTED_STDOUT [OPTIONS...] : runs prog.kar (written by the caller) with a
# 20 s timeout; sets $wall, $cpu (user + sys, seconds) and $trouble ("" when the run
# ended with status 0 and printed EXPECTED_STDOUT exactly).
run() {
    local name=$1 want=$2 status times
    shift 2
    TIMEFORMAT='%R %U %S'
    { time timeout 20 "$mvm" run "$@" prog.kar </dev/null >out.txt 2>err.txt; } 2>time.txt
    status=$?
    times=$(tail -n 1 time.txt)
    wall=$(echo "$times" | awk '{ print $1 }')
    cpu=$(echo "$times" | awk '{ printf "%.3f", $2 + $3 }')
    trouble=""
    if [ "$status" -ne 0 ]; then
        trouble="exit status $status"
    fi
    if [ "$(cat out.txt)" != "$want" ]; then
        trouble="$trouble${trouble:+; }stdout differs: got '$(head -c 200 out.txt | tr '\n' ' ')', expected '$(echo "$want" | tr '\n' ' ')'"
    fi
    if grep -q . err.txt; then
        trouble="$trouble${trouble:+; }stderr: $(head -c 200 err.txt | tr '\n' ' ')"
    fi
}

# verdict NAME OK DETAIL : counts the case (suite.sh's pass and fail); prints DETAIL (and
# $trouble) when it failed.
verdict() {
    local name=$1 ok=$2 detail=$3
    if [ "$ok" = 1 ] && [ -z "$trouble" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL sleep/$name: $detail${trouble:+ ($trouble)}"
    fi
}

# is EXPR : 1 when the awk expression over $wall/$cpu holds, else 0.
is() { awk -v wall="$wall" -v cpu="$cpu" "BEGIN { print (($1) ? 1 : 0) }"; }

# --- 1. one process sleeping 1 s ------------------------------------------------------
cat > prog.kar <<'EOF'
        SLEEP 1000
        PRINTR 1
EOF
run one_sleeper "1"
verdict one_sleeper "$(is "wall >= 0.95 && cpu < $CPU_MAX")" "wall ${wall}s (want >= 0.95), cpu ${cpu}s (want < $CPU_MAX)"

# --- 2. four processes, all sleeping 1 s at the same time ------------------------------
cat > prog.kar <<'EOF'
        LIT S1 8
        SYSCALL
        SYSCALL
        SLEEP 1000
        PRINTR 1
        LIT S1 15
        LIT S2 0
wait:   SYSCALL
        EQ I7 29
        JNZ wait
EOF
run four_sleepers "1
1
1
1"
verdict four_sleepers "$(is "wall >= 0.95 && wall < 5 && cpu < $CPU_MAX")" "wall ${wall}s (want 0.95..5), cpu ${cpu}s (want < $CPU_MAX)"

# --- 3. staggered sleeps: at every moment each live process sleeps ---------------------
# PID 1 sleeps 300 ms three times (printing in between); its child sleeps 1000 ms once.
cat > prog.kar <<'EOF'
        LIT S1 8
        SYSCALL
        JZ child R2
        SLEEP 300
        PRINTR 1
        SLEEP 300
        PRINTR 2
        SLEEP 300
        PRINTR 3
        JMP end
child:  SLEEP 1000
        PRINTR 4
end:    NOP
EOF
run staggered "1
2
3
4"
verdict staggered "$(is "wall >= 0.95 && wall < 5 && cpu < $CPU_MAX")" "wall ${wall}s (want 0.95..5), cpu ${cpu}s (want < $CPU_MAX)"

# --- 4. a sleep cut short by a signal ends the wait at once -----------------------------
# The child sleeps 100 s with a USR1 handler; PID 1 sleeps 500 ms, then sends USR1.
cat > prog.kar <<'EOF'
        LIT S1 8
        SYSCALL
        JZ child R2
        SLEEP 500
        LIT S1 19
        LIT S2 2
        LIT S3 30
        SYSCALL
        LIT S1 15
wait:   SYSCALL
        JZ wait I5
        PRINTR R2
        JMP end
child:  LIT S1 18
        LIT S2 30
        LIT S3 21
        SYSCALL
        SLEEP 100000
        PRINTR 2
        JMP end
handler:
        PRINTR 1
        RET
end:    NOP
EOF
run woken_by_signal "1
2
0"
verdict woken_by_signal "$(is "wall >= 0.45 && wall < 5 && cpu < $CPU_MAX")" "wall ${wall}s (want 0.45..5), cpu ${cpu}s (want < $CPU_MAX)"

# --- hertz ---------------------------------------------------------------------------
# loop_prog N : a program of exactly N instructions (N = 1 + 3k + 1) printing k.
loop_prog() {
    local k=$(( ($1 - 2) / 3 ))
    cat > prog.kar <<EOF
        LIT G1 0
loop:   ADD G1 1 G1
        LT G1 $k
        JZ loop
        PRINTR G1
EOF
    echo "$k"
}

# hertz_case NAME HERTZ INSTRUCTIONS : the rate must be within 0.4x..2x of HERTZ.
hertz_case() {
    local name=$1 hz=$2 n=$3 k expect_s
    k=$(loop_prog "$n")
    printf '{ "hertz": %s }\n' "$hz" > hz.json
    run "$name" "$k" --config hz.json
    expect_s=$(awk -v n="$n" -v hz="$hz" 'BEGIN { printf "%.2f", n / hz }')
    verdict "$name" "$(is "wall >= $n / ($hz * 2.0) && wall <= $n / ($hz * 0.4)")" \
        "hertz $hz, $n instructions: wall ${wall}s (about ${expect_s}s expected, rate within 0.4x..2x)"
}

hertz_case hertz_100 100 101
hertz_case hertz_400 400 401

# hertz 0: as fast as possible (a million instructions well under 5 s).
loop_prog 1000001 >/dev/null
printf '{ "hertz": 0 }\n' > hz.json
run hertz_0 "333333" --config hz.json
verdict hertz_0 "$(is "wall < 5")" "hertz 0, 1000001 instructions: wall ${wall}s (want < 5)"

summary
