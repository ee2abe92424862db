#!/usr/bin/env bash
# run.sh [MVM] - run MVM's benchmarks and report wall time, peak memory and speed.
#
#   bench/run.sh            uses ./mvm
#   bench/run.sh build/debug/mvm
#
# For each benchmark: `MVM run FILE` under /usr/bin/time -v (installed with apt-get when
# missing and possible; otherwise bash's own timer, without peak memory). Not --stats:
# it records every context switch (SPEC 11.4), which is a cost of its own, measured by
# the procs-stats row. The instruction count is the analytic one documented in the .kar
# file (tests/run-bench.sh checks them). Instructions per second = count / wall
# time. A benchmark that fails (mvm missing a feature, a crash, a
# wrong result) is reported and the others still run. Exit status 1 if any failed.
#
# procs.kar runs once more under each other scheduling policy (`run --scheduler NAME`,
# SPEC 11.1), each row with its time as a multiple of round-robin's (target: at most
# 1.5x; docs/scheduling.md), then with --stats and with --timeline FILE.svg, which record
# the run (SPEC 11.4: a timeline may slow a run down by at most 2x). At the end of the
# table the script compares procs.kar (1,000 processes, quantum 1) with loop.kar (one
# process): SPEC 4.2 asks for at least 0.7x the single-process rate; and it gives the
# time per instruction of procs.kar and of procs10k.kar (10,000 processes) as multiples
# of loop.kar's (targets 1.2x and 1.3x, issue 12).
#
# Anchors: loop.kar and fib.kar (recursive calls) beside the same programs in Lua
# (loop.lua, fib.lua) under lua5.4, luajit -joff (LuaJIT's interpreter) and luajit (its
# JIT), each the least of 3 runs; the target is mvm no slower than luajit -joff. Then
# pingpong and spawnmany beside Erlang/OTP, idle process memory, the VFS and bytecode.
# Missing anchors are skipped (make bench installs them: erlang-base, lua5.4, luajit).
set -u

MVM=${1:-./mvm}
here=$(cd "$(dirname "$0")" && pwd)
TIMEOUT=${BENCH_TIMEOUT:-600}       # seconds per benchmark
TIME=/usr/bin/time

# name | file | analytic instruction count | expected last line of standard output |
# options of `mvm run` (a procs-POLICY row is compared with the procs row, under rr)
BENCHES=(
    "loop|$here/loop.kar|300000002|100000000"
    "fib|$here/fib.kar|283676677|9227465"
    "procs|$here/procs.kar|300313015|procs: 1000 children done"
    "procs-fifo|$here/procs.kar|300020016|procs: 1000 children done|--scheduler fifo"
    "procs-priority|$here/procs.kar|300313015|procs: 1000 children done|--scheduler priority"
    "procs-lottery|$here/procs.kar|300314772|procs: 1000 children done|--scheduler lottery"
    "procs-mlfq|$here/procs.kar|300276622|procs: 1000 children done|--scheduler mlfq"
    "procs-stats|$here/procs.kar|300313015|procs: 1000 children done|--stats"
    "procs-timeline|$here/procs.kar|300313015|procs: 1000 children done|--timeline ${TMPDIR:-/tmp}/mvm-bench-timeline.svg"
    "procs10k|$here/procs10k.kar|300200009|procs10k: 10000 children done|--max-processes 10001"
    "pingpong|$here/pingpong.kar|12000028|500000"
    "spawnmany|$here/spawnmany.kar|1400004|100000"
    "strings|$here/strings.kar|22700007|100000"
)

if ! command -v "$MVM" >/dev/null 2>&1 && [ ! -x "$MVM" ]; then
    echo "bench: $MVM not found or not executable (build it with make, or pass its path)" >&2
    exit 2
fi

# /usr/bin/time -v gives peak RSS; install it when we can, else fall back.
if [ ! -x "$TIME" ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "bench: installing 'time' for /usr/bin/time ..."
        (apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 &&
            apt-get install -y time >/dev/null 2>&1; }) || true
    fi
    if [ ! -x "$TIME" ]; then
        echo "bench: /usr/bin/time is missing (apt-get install time); peak memory comes from --stats if at all"
        TIME=
    fi
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mvm-bench.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

# Run MVM with the given arguments; sets status, wall (s) and rss (KiB, or empty).
timed_run() {
    local start end
    rss=
    start=$EPOCHREALTIME   # (finer than time(1)'s hundredths)
    if [ -n "$TIME" ]; then
        timeout "$TIMEOUT" "$TIME" -v -o "$tmp/time" "$MVM" "$@" >"$tmp/out" 2>"$tmp/err"
        status=$?
        rss=$(sed -n 's/^.*Maximum resident set size (kbytes): //p' "$tmp/time")
        # time -v reports "Command exited with non-zero status N" and passes N on.
    else
        timeout "$TIMEOUT" "$MVM" "$@" >"$tmp/out" 2>"$tmp/err"
        status=$?
    fi
    end=$EPOCHREALTIME
    wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
}

declare -A speed seconds counts
failed=0
printf '%-14s %12s %10s %16s %14s  %s\n' benchmark "wall (s)" "peak KiB" instructions "M instr/s" "count from"
for entry in "${BENCHES[@]}"; do
    IFS='|' read -r name file analytic expect options <<<"$entry"
    read -r -a opts <<<"${options:-}"
    if [ ! -f "$file" ]; then
        echo "$name: FAILED: $file is missing"
        failed=1
        continue
    fi
    timed_run run ${opts[@]+"${opts[@]}"} "$file"
    if [ "$status" -eq 124 ]; then
        echo "$name: FAILED: still running after ${TIMEOUT}s (set BENCH_TIMEOUT to wait longer)"
        failed=1
        continue
    fi
    if [ "$status" -ne 0 ]; then
        echo "$name: FAILED: mvm exited with status $status; its last messages:"
        grep -v '^stats: ' "$tmp/err" | tail -n 5 | sed 's/^/    /'
        failed=1
        continue
    fi
    got=$(tail -n 1 "$tmp/out")
    if [ "$got" != "$expect" ]; then
        echo "$name: FAILED: expected output '$expect', got '$got'"
        failed=1
        continue
    fi
    count=$analytic
    source="analytic"
    rss=${rss:-?}
    mips=$(awk -v n="$count" -v t="$wall" 'BEGIN { if (t > 0) printf "%.1f", n / t / 1e6; else print "?" }')
    speed[$name]=$mips
    seconds[$name]=$wall
    counts[$name]=$count
    vs_rr=
    if [[ $name == procs-* ]] && [ -n "${seconds[procs]:-}" ]; then
        target=1.5
        [[ $name == procs-stats || $name == procs-timeline ]] && target=2
        vs_rr=$(awk -v t="$wall" -v r="${seconds[procs]}" -v g=$target 'BEGIN {
            if (r > 0) printf "   %.2fx rr%s", t / r, (t / r > g ? "  <-- above the " g "x target" : "") }')
    fi
    if [ "$name" = procs-timeline ]; then
        vs_rr="$vs_rr   (SVG $(wc -c <"${TMPDIR:-/tmp}/mvm-bench-timeline.svg") bytes)"
        rm -f "${TMPDIR:-/tmp}/mvm-bench-timeline.svg"
    fi
    printf '%-14s %12s %10s %16s %14s  %s%s\n' "$name" "$wall" "$rss" "$count" "$mips" "$source" "$vs_rr"
done

if [ -n "${speed[loop]:-}" ] && [ -n "${speed[procs]:-}" ] && [ "${speed[loop]}" != "?" ] &&
   [ "${speed[procs]}" != "?" ]; then
    awk -v p="${speed[procs]}" -v l="${speed[loop]}" 'BEGIN {
        r = l > 0 ? p / l : 0
        printf "procs/loop speed ratio: %.2f (SPEC 4.2 asks for at least 0.70)%s\n", r,
               r < 0.7 ? "  <-- below target" : "" }'
fi

# Many processes against one: procs.kar (1,000 processes) and procs10k.kar (10,000) run
# about as many instructions as loop.kar, switching after each; what one instruction costs
# beside loop.kar's is what the switches and the larger tables add. Targets (issue 12):
# procs at most 1.2x loop's time per instruction, procs10k at most 1.3x.
for entry in "procs 1.2" "procs10k 1.3"; do
    read -r b target <<<"$entry"
    [ -n "${seconds[loop]:-}" ] && [ -n "${seconds[$b]:-}" ] || continue
    awk -v b="$b" -v g="$target" -v t="${seconds[$b]}" -v n="${counts[$b]}" \
        -v lt="${seconds[loop]}" -v ln="${counts[loop]}" 'BEGIN {
        p = t / n * 1e9; l = lt / ln * 1e9
        if (l <= 0) exit
        printf "per-instruction time: %s %.2f ns, loop %.2f ns: %.2fx (target <= %sx)%s\n", b, p, l,
               p / l, g, (p / l > g ? "  <-- above target" : "") }'
done

# Anchors: loop.kar and fib.kar beside the same work in Lua (loop.lua, fib.lua) under
# lua5.4, LuaJIT's interpreter (luajit -joff) and LuaJIT with its JIT, measured in this
# run. Every figure, mvm's included, is the least wall time of 3 runs, timed with
# $EPOCHREALTIME as in timed_run (the least, as other work on the machine only adds
# time); mvm's time is given as a multiple of each. Target: mvm no slower than
# luajit -joff, the interpreter of the same design family (a loop over bytecode).
least_of_3() {   # least_of_3 EXPECT CMD... : sets best (s), empty if a run fails or prints other than EXPECT last
    local expect=$1 i s e
    shift
    best=
    for i in 1 2 3; do
        s=$EPOCHREALTIME
        timeout "$TIMEOUT" "$@" >"$tmp/out" 2>"$tmp/err"
        status=$?
        e=$EPOCHREALTIME
        if [ "$status" -ne 0 ] || [ "$(tail -n 1 "$tmp/out")" != "$expect" ]; then
            best=
            return
        fi
        best=$(awk -v s="$s" -v e="$e" -v b="$best" 'BEGIN { d = e - s; print (b == "" || d < b) ? d : b }')
    done
}
for entry in "loop|100000000" "fib|9227465"; do
    IFS='|' read -r b expect <<<"$entry"
    least_of_3 "$expect" "$MVM" run "$here/$b.kar"
    if [ -z "$best" ]; then
        echo "$b: anchors: FAILED: mvm run $b.kar: status $status, expected output '$expect', got '$(tail -n 1 "$tmp/out")'"
        failed=1
        continue
    fi
    mine=$best
    line=$(printf '%s: mvm %.3f s' "$b" "$mine")
    flag=
    for lua in "lua5.4|lua5.4" "luajit -joff|luajit" "luajit|luajit"; do
        IFS='|' read -r cmd pkg <<<"$lua"
        read -r -a argv <<<"$cmd"
        if ! command -v "${argv[0]}" >/dev/null 2>&1; then
            line="$line | $cmd skipped (apt-get install $pkg)"
            continue
        fi
        least_of_3 "$expect" "${argv[@]}" "$here/$b.lua"
        if [ -z "$best" ]; then
            line="$line | $cmd FAILED"
            continue
        fi
        line="$line | $(awk -v c="$cmd" -v a="$best" -v m="$mine" 'BEGIN {
            printf "%s %.3f s (%.2fx)", c, a, (a > 0 ? m / a : 0) }')"
        if [ "$cmd" = "luajit -joff" ] &&
           awk -v a="$best" -v m="$mine" 'BEGIN { exit !(m > a) }'; then
            flag="  <-- slower than luajit -joff (target: no slower)"
        fi
    done
    echo "$line$flag"
done

# The same workloads in Erlang/OTP, measured in this run (escript from erlang-base).
for b in pingpong spawnmany; do
    if ! command -v escript >/dev/null 2>&1; then
        echo "$b: Erlang comparison skipped (apt-get install erlang-base)"
        continue
    fi
    t=$(escript "$here/$b.erl" 2>&1 >/dev/null | sed -n "s/^erlang $b: \([0-9.]*\) s$/\1/p")
    mine=$(awk -v n="${speed[$b]:-0}" -v c="$( [ $b = pingpong ] && echo 12000028 || echo 1400004 )" \
        'BEGIN { if (n > 0) printf "%.3f", c / (n * 1e6) }')
    what=$( [ $b = pingpong ] && echo "1,000,000 messages" || echo "100,000 fork+exit+wait" )
    awk -v b="$b" -v e="$t" -v m="$mine" -v w="$what" 'BEGIN {
        if (e == "" || m == "") { printf "%s: Erlang comparison failed\n", b; exit }
        printf "%s (%s): mvm %.3f s, Erlang/OTP %.3f s: mvm is %.1fx %s\n", b, w, m, e,
               (m < e ? e / m : m / e), (m < e ? "faster" : "slower") }'
done

# Memory per idle forked process: idle.kar with 1,000 and with 10,000 sleeping children.
idle_rss() {
    sed "s/LT G1 10000/LT G1 $1/g" "$here/idle.kar" > "$tmp/idle$1.kar"
    timed_run run --max-processes 20000 "$tmp/idle$1.kar"
    [ "$status" -eq 0 ] && [ "$(tail -n 1 "$tmp/out")" = "$1" ] && [ -n "$rss" ] && echo "$rss"
}
small=$(idle_rss 1000)
large=$(idle_rss 10000)
if [ -n "$small" ] && [ -n "$large" ]; then
    awk -v a="$small" -v b="$large" 'BEGIN {
        printf "idle forked process: %.2f KiB each (peak %d KiB with 1,000, %d KiB with 10,000; target < 8 KiB)\n",
               (b - a) / 9000, a, b }'
else
    echo "idle: FAILED (idle.kar did not run as expected)"
    failed=1
fi
# The VFS with its default durability: 10,000 writeFile + 10,000 readFile of 100-byte
# files on a fresh image (vfs.kar prints its own rates; see docs/vfs.md).
"$MVM" run --vfs "$tmp/bench.fs" "$here/vfs.kar" >"$tmp/out" 2>"$tmp/err"
if [ $? -eq 0 ] && grep -q 'operations/s$' "$tmp/out"; then
    cat "$tmp/out"
else
    echo "vfs: FAILED: $(cat "$tmp/out" "$tmp/err" | tail -n 3 | tr '\n' ' ')"
    failed=1
fi
# Bytecode (issue 10): loading a 100,000-instruction program from .mar versus assembling
# its source, and the start-up of crun on examples/hello.mar beside `lua5.4 -e ''`.
# Each figure is the fastest of 21 runs (start-up times are milliseconds: noise is large),
# timed with bash's $EPOCHREALTIME (no `date` process around each run).
fastest() {   # fastest CMD... : the least wall time of 21 runs, in ms
    local best= i s e
    for i in $(seq 21); do
        s=$EPOCHREALTIME; "$@" >/dev/null 2>&1; e=$EPOCHREALTIME
        best=$(awk -v s="$s" -v e="$e" -v b="$best" 'BEGIN { d = (e - s) * 1000; print (b == "" || d < b) ? d : b }')
    done
    awk -v n="$best" 'BEGIN { printf "%.2f", n }'
}
awk 'BEGIN { print "        LIT G1 0"; for (i = 0; i < 33333; i++) { printf "l%d:     ADD G1 1 G1\n        LT G1 0\n        JNZ n%d\nn%d:     NOP\n", i, i, i } }' \
    >"$tmp/big.kar"
if "$MVM" compile "$tmp/big.kar" -o "$tmp/big.mar" 2>"$tmp/err" &&
   "$MVM" compile "$here/../examples/hello.kar" -o "$tmp/hello.mar" 2>"$tmp/err"; then
    src_ms=$(fastest "$MVM" run "$tmp/big.kar")
    mar_ms=$(fastest "$MVM" crun "$tmp/big.mar")
    # Loading = the run less the start-up of the same command on hello (process start,
    # dynamic linking, the shell's fork: the same for both, and most of a small run).
    src0_ms=$(fastest "$MVM" run "$here/../examples/hello.kar")
    crun_ms=$(fastest "$MVM" crun "$tmp/hello.mar")
    awk -v a="$src_ms" -v b="$mar_ms" -v a0="$src0_ms" -v b0="$crun_ms" 'BEGIN {
        printf "bytecode: 133,333-instruction program: run of the source %.2f ms, crun of the .mar %.2f ms: %.1fx faster\n",
               a, b, (b > 0 ? a / b : 0)
        printf "bytecode: loading it (less the start-up on hello: run %.2f ms, crun %.2f ms): assembling %.2f ms, loading the .mar %.2f ms: %.1fx faster (target 10x)\n",
               a0, b0, a - a0, b - b0, (b - b0 > 0 ? (a - a0) / (b - b0) : 0) }'
    lua=$(command -v lua5.4 || command -v lua)
    if [ -n "$lua" ]; then
        lua_ms=$(fastest "$lua" -e '')
        awk -v a="$crun_ms" -v b="$lua_ms" 'BEGIN {
            printf "bytecode: start-up: crun hello.mar %.2f ms, lua -e '"''"' %.2f ms: %.2fx (target <= 1.2x)\n", a, b, (b > 0 ? a / b : 0) }'
    else
        echo "bytecode: start-up: crun hello.mar $crun_ms ms (lua comparison skipped: apt-get install lua5.4)"
    fi
else
    echo "bytecode: FAILED: $(head -c 200 "$tmp/err")"
    failed=1
fi
exit "$failed"
