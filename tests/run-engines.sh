#!/usr/bin/env bash
# run-engines.sh MVM [DIR|FILE...] - the proof that the run-ahead engine is exact.
#
# Every program of the golden suite (tests/programs), of examples/ and of the fuzz
# corpus, or of the DIRs/FILEs given, runs under both engines, `MVM run` (the run-ahead
# engine wherever it applies) and `MVM run --exact` (the reference), at quantum 1, 3 and
# 1000, and stopped by --max-steps (2500 at quantum 1, 67 at quantum 3: limits inside the
# runs of most programs, which the run-ahead engine must not pass); two of these runs
# also write --stats and --stats-json (which the run-ahead engine keeps too); with the options, arguments and input its directives give (as run-golden.sh reads
# them). Standard output, standard error (less the host lines of --stats: time, speed,
# peak memory), the --stats-json file and the exit status must be byte-identical.
# Each run gets a fresh VFS image. MVM_REPORT_ENGINE=1 makes mvm name its engine on
# standard error; that line is compared apart, and the summary counts the programs the
# run-ahead engine ran, and those in which it hid processes, so that the proof is seen
# to cover something. A program that runs forever at some quantum (a busy wait that only
# quantum 1 lets end) is stopped after 5 s under both engines and not compared there.
# Programs that SLEEP wait on the host clock, so their instruction counts are not
# compared. Under a sanitizer build (a path with -san/) three of the five configurations
# run. Prints `engines: N passed, N failed`.
set -u
set -f

if [ $# -lt 1 ]; then
    echo "usage: $0 MVM [DIR|FILE...]" >&2
    exit 2
fi
orig_pwd=$PWD
root=$(cd "$(dirname "$0")/.." && pwd)
mvm=$1
shift
case $mvm in /*) ;; *) mvm=$orig_pwd/$mvm ;; esac

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(tests/programs examples)
cd "$root" || exit 2

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mvm-engines.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

files=()
while IFS= read -r f; do files+=("$f"); done < <(
    for t in "${targets[@]}"; do
        case $t in /*) ;; *) [ -e "$t" ] || t=$orig_pwd/$t ;; esac
        if [ -d "$t" ]; then find "$t" -type f -name '*.kar' ! -path '*/lib/*'
        elif [ -f "$t" ]; then echo "$t"; fi
    done | LC_ALL=C sort)

# shellcheck disable=SC2016  # an awk program
parse='
function rest(s) { sub(/^[ \t]*;[ \t]*[a-z-]+:/, "", s); if (substr(s, 1, 1) == " ") s = substr(s, 2); return s }
BEGIN { printf "" > inf; raw = 0 }
/^[ \t]*;[ \t]*args:/      { print "args\t" rest($0); next }
/^[ \t]*;[ \t]*run-args:/  { print "runargs\t" rest($0); next }
/^[ \t]*;[ \t]*stdin:/     { if (!raw) printf "%s\n", rest($0) > inf; print "stdin\t1"; next }
/^[ \t]*;[ \t]*stdin-raw:/ { if (!raw) printf "%s", rest($0) > inf; raw = 1; print "stdin\t1"; next }
'

# run NAME ENGINE-OPTION QUANTUM [MORE-OPTIONS]: one run into $tmp/NAME.{out,err,rc,engine}
run() {
    local name=$1 engine=$2 q=$3 more=${4:-}
    rm -f "$tmp/vfs.fs" "$tmp/$name.json"
    more=${more/--stats-json/--stats-json $tmp/$name.json}
    # shellcheck disable=SC2086  # OPTIONS and ARGS are word-split on purpose
    if [ "$have_runargs" = 1 ]; then
        MVM_REPORT_ENGINE=1 timeout 5 "$mvm" run $args --quantum "$q" --vfs "$tmp/vfs.fs" $more $engine "$f" -- $runargs \
            <"$input" >"$tmp/$name.out" 2>"$tmp/$name.err"
    else
        MVM_REPORT_ENGINE=1 timeout 5 "$mvm" run $args --quantum "$q" --vfs "$tmp/vfs.fs" $more $engine "$f" \
            <"$input" >"$tmp/$name.out" 2>"$tmp/$name.err"
    fi
    echo $? >"$tmp/$name.rc"
    grep -a '^mvm: engine: ' "$tmp/$name.err" >"$tmp/$name.engine"
    # (less the lines of --stats that read the host: they differ from run to run)
    grep -av -e '^mvm: engine: ' -e '^stats: time ' -e '^stats: speed ' -e '^stats: peak memory ' \
        "$tmp/$name.err" >"$tmp/$name.err2"
    [ -e "$tmp/$name.json" ] || : >"$tmp/$name.json"
}

configs=(1 "3 --stats --stats-json" 1000 "1 --max-steps 2500 --stats --stats-json" "3 --max-steps 67")
case $mvm in
    *-san/*) configs=(1 "3 --stats --stats-json" "3 --max-steps 67") ;;   # (sanitizers are slow)
esac
pass=0 fail=0 ahead=0 hid=0 endless=0
for f in "${files[@]}"; do
    [ -e "$(dirname "$f")/.module" ] && continue
    args="" runargs="" have_runargs=0 have_stdin=0
    while IFS=$'\t' read -r tag val; do
        case $tag in
            args) args="$args $val" ;;
            runargs) runargs="$runargs $val"; have_runargs=1 ;;
            stdin) have_stdin=1 ;;
        esac
    done < <(awk -v inf="$tmp/in" "$parse" "$f")
    input=/dev/null
    [ "$have_stdin" = 1 ] && input=$tmp/in
    used=0 hidden=0 sleeps=0
    grep -qiE '^[^;]*[[:space:]:]SLEEP[[:space:]]' "$f" && sleeps=1
    for config in "${configs[@]}"; do
        q=${config%% *} more=
        [ "$config" != "$q" ] && more=${config#* }
        if [ "$sleeps" = 1 ] && [[ $more == *--stats* ]]; then
            continue   # SLEEP waits on the host clock: its instruction counts differ run to run
        fi
        run fast "" "$q" "$more"
        run exact --exact "$q" "$more"
        if [ "$(<"$tmp/fast.rc")" = 124 ] && [ "$(<"$tmp/exact.rc")" = 124 ]; then
            endless=$((endless + 1))   # runs forever at this quantum (a busy wait): nothing to compare
            continue
        fi
        problems=()
        cmp -s "$tmp/fast.out" "$tmp/exact.out" || problems+=("stdout differs")
        cmp -s "$tmp/fast.err2" "$tmp/exact.err2" || problems+=("stderr differs")
        cmp -s "$tmp/fast.json" "$tmp/exact.json" || problems+=("--stats-json differs")
        [ "$(<"$tmp/fast.rc")" = "$(<"$tmp/exact.rc")" ] ||
            problems+=("exit status $(<"$tmp/fast.rc"), exact $(<"$tmp/exact.rc")")
        grep -q 'run-ahead' "$tmp/exact.engine" && problems+=("--exact ran the run-ahead engine")
        if grep -q 'run-ahead' "$tmp/fast.engine"; then
            used=1
            grep -q ', 0 processes hidden' "$tmp/fast.engine" || hidden=1
        fi
        if [ ${#problems[@]} -gt 0 ]; then
            fail=$((fail + 1))
            echo "FAIL $f (quantum $config): ${problems[*]}"
            diff -u "$tmp/exact.out" "$tmp/fast.out" | sed -n '3,12s/^/    /p'
            diff -u "$tmp/exact.err2" "$tmp/fast.err2" | sed -n '3,8s/^/    /p'
        else
            pass=$((pass + 1))
        fi
    done
    ahead=$((ahead + used))
    hid=$((hid + hidden))
done
echo "engines: ${#files[@]} programs x ${#configs[@]} configurations; the run-ahead engine ran $ahead of them and hid processes in $hid;" \
     "$endless runs never ended under either engine (5 s) and were not compared"
echo "engines: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
