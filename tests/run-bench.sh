#!/usr/bin/env bash
# run-bench.sh MVM - the benchmarks' instruction counts (bench/, issue 12).
#
# bench/run.sh computes each row's speed from the analytic instruction count in its
# BENCHES table, not from --stats (which records every switch and would slow the run it
# measures), so those counts must be right. Checked here, in a few seconds:
#   * every BENCHES row of a .kar whose header documents its output (`; Output: ...`)
#     expects that output, and its count is one the header states (with commas), except
#     rows under lottery and mlfq, whose counts the headers leave to --stats;
#   * the headers' formulas: loop.kar, fib.kar and procs10k.kar, scaled down with sed (the
#     full runs take seconds each), run with --stats and must count exactly what the
#     formula gives at the smaller size and print what it should. For procs10k.kar also
#     its claims that the parent never fails a wait (PID 1 runs forking + waiting + 7
#     instructions, no retry) and that all its children exist at once (with
#     --max-processes one short, a fork fails).
# Prints `bench: N passed, N failed`.
set -u
mvm=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
pass=0
fail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mvm-benchtest.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

commas() { sed ':a; s/\B[0-9]\{3\}\>/,&/; ta' <<<"$1"; }   # 300000002 -> 300,000,002

# The table itself, read from the script (here = bench/, as run.sh sets it).
here=$root/bench
eval "$(sed -n '/^BENCHES=(/,/^)/p' bench/run.sh)"
[ "${#BENCHES[@]}" -gt 0 ] || bad "no BENCHES table in bench/run.sh"
for entry in "${BENCHES[@]}"; do
    IFS='|' read -r name file analytic expect options <<<"$entry"
    [ -f "$file" ] || { bad "$name: $file is missing"; continue; }
    header=$(sed -n '/^;/!q; p' "$file")     # the comment lines before the first instruction
    documented=$(sed -n 's/^; Output: //p' <<<"$header")
    [ -n "$documented" ] || continue        # (pingpong, spawnmany, strings: no header count)
    if [ "$expect" != "$documented" ]; then
        bad "$name: run.sh expects '$expect', ${file#"$root"/} says '$documented'"
        continue
    fi
    case " ${options:-} " in
        *" --scheduler lottery "*|*" --scheduler mlfq "*) ok; continue ;;
    esac
    if grep -qF -- "$(commas "$analytic")" <<<"$header"; then
        ok
    else
        bad "$name: run.sh's count $analytic is not in ${file#"$root"/}'s header"
    fi
done

# count_run NAME EXPECT_COUNT EXPECT_OUTPUT [OPTIONS] FILE: run with --stats; the
# instruction count and the last line of output must be as given. Leaves the stats in
# $tmp/err.
count_run() {
    local name=$1 want=$2 out=$3 got last
    shift 3
    timeout 60 "$mvm" run --stats "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
    got=$(sed -n 's/^stats: instructions \([0-9]*\)$/\1/p' "$tmp/err")
    last=$(tail -n 1 "$tmp/out")
    if [ "$got" = "$want" ] && [ "$last" = "$out" ]; then
        ok
    else
        bad "$name: expected $want instructions and '$out', got ${got:-no count} and '$last'" \
            "$(grep -v '^stats: ' "$tmp/err" | tail -n 2 | tr '\n' ' ')"
    fi
}

# loop.kar: 1 + 3 per iteration + 1 (a do-while: one iteration even for a limit of 1).
for n in 1 1000000; do
    sed "s/LT G1 100000000/LT G1 $n/" bench/loop.kar >"$tmp/loop.kar"
    count_run "loop.kar to $n" $((3 * n + 2)) "$n" "$tmp/loop.kar"
done

# fib.kar: 19 x fib(n+1) - 11 instructions, output fib(n).
fib() { local a=0 b=1 i; for ((i = 0; i < $1; i++)); do ((b += a, a = b - a)); done; echo "$a"; }
for n in 0 1 2 3 20; do
    sed "s/CALL fib 35 /CALL fib $n /" bench/fib.kar >"$tmp/fib.kar"
    count_run "fib.kar, fib($n)" $((19 * $(fib $((n + 1))) - 11)) "$(fib "$n")" "$tmp/fib.kar"
done
grep -q "CALL fib 35 " bench/fib.kar || bad "fib.kar: no 'CALL fib 35 ' for sed to scale"

# procs10k.kar with C children counting to N: 14C + 9 + C(3N + 6) instructions while no
# wait fails, which is so when the children end during the forking (3N + 6 < 7C, as for
# 10,000 and 10,000). The output line is a literal: it keeps "10000".
procs10k() {   # procs10k C N: writes $tmp/p.kar
    sed -e "s/LT G1 10000\$/LT G1 $1/" -e "s/LT G2 10000\$/LT G2 $2/" bench/procs10k.kar >"$tmp/p.kar"
}
for cn in "1000 1000" "2000 100"; do
    read -r c n <<<"$cn"
    procs10k "$c" "$n"
    count_run "procs10k.kar, $c children to $n" $((14 * c + 9 + c * (3 * n + 6))) \
        "procs10k: 10000 children done" --max-processes $((c + 1)) "$tmp/p.kar"
    parent=$(awk '$1 == "stats:" && $2 == 1 { print $4 }' "$tmp/err")
    if [ "$parent" = $((14 * c + 9)) ]; then ok; else
        bad "procs10k.kar, $c children to $n: PID 1 ran ${parent:-?} instructions, not $((14 * c + 9)) (a wait failed?)"
    fi
    timeout 60 "$mvm" run --max-processes "$c" "$tmp/p.kar" </dev/null >"$tmp/out" 2>&1
    if [ "$(tail -n 1 "$tmp/out")" = "procs10k: fork failed" ]; then ok; else
        bad "procs10k.kar, $c children to $n, --max-processes $c: expected 'procs10k: fork failed', got '$(tail -n 1 "$tmp/out")'"
    fi
done
[ "$(grep -c 'LT G[12] 10000$' bench/procs10k.kar)" = 3 ] ||
    bad "procs10k.kar: not the three 'LT G1/G2 10000' lines for sed to scale"

echo "bench: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
