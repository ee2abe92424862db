#!/usr/bin/env bash
# valgrind.sh MVM [DIR|FILE...] - run the golden test programs under valgrind.
#
# Every tests/programs/**/*.kar (or every .kar under the DIRs given; files under a lib/
# directory are helpers that the tests spawn, not tests, as for run-golden.sh) runs as the golden
# runner runs it (tests/run-golden.sh: `; args:` options before FILE, `; run-args:` after
# `--`, `; stdin:`/`; stdin-raw:` lines as standard input, else /dev/null), from the
# repository root, but under
#   valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect -q
# A program fails when valgrind reports anything (memory errors, definite or indirect
# leaks), when mvm is killed by a host signal, or when it does not finish within
# $VALGRIND_TIMEOUT seconds (default 120). Stdout and the exit status are the golden
# runner's business and are not compared here. Runs $JOBS programs at once (default: the
# number of CPUs). Prints `valgrind: N passed, N failed`; exit status 1 if any failed.
set -u
set -f

if [ "${1:-}" = --one ]; then
    # Internal: run one program. $2 = mvm, $3 = result dir, $4 = file.
    mvm=$2 res=$3 f=$4
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/mvm-vg.XXXXXX") || exit 2
    trap 'rm -rf "$tmp"' EXIT
    parse='
    function rest(s) {
        sub(/^[ \t]*;[ \t]*[a-z-]+:/, "", s)
        if (substr(s, 1, 1) == " ") s = substr(s, 2)
        return s
    }
    BEGIN { printf "" > inf; nin = 0; raw = 0 }
    /^[ \t]*;[ \t]*args:/          { print "args\t" rest($0); next }
    /^[ \t]*;[ \t]*run-args:/      { print "runargs\t" rest($0); next }
    /^[ \t]*;[ \t]*stdin:/         { if (!raw) printf "%s\n", rest($0) > inf; nin++; next }
    /^[ \t]*;[ \t]*stdin-raw:/     { if (!raw) printf "%s", rest($0) > inf; nin++; raw = 1; next }
    END { if (nin) print "stdin\t1" }
    '
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
    vg=(valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
        -q "--log-file=$tmp/vg")
    # shellcheck disable=SC2086  # OPTIONS and ARGS are word-split on purpose
    if [ "$have_runargs" = 1 ]; then
        ( timeout "${VALGRIND_TIMEOUT:-120}" "${vg[@]}" "$mvm" run $args "$f" -- $runargs \
            <"$input" >/dev/null 2>"$tmp/err"; echo $? >"$tmp/rc" ) 2>"$tmp/shell"
    else
        ( timeout "${VALGRIND_TIMEOUT:-120}" "${vg[@]}" "$mvm" run $args "$f" \
            <"$input" >/dev/null 2>"$tmp/err"; echo $? >"$tmp/rc" ) 2>"$tmp/shell"
    fi
    status=$(<"$tmp/rc")
    problems=()
    [ -s "$tmp/vg" ] && problems+=("valgrind reported errors (exit status $status)")
    [ "$status" = 124 ] && problems+=("timed out after ${VALGRIND_TIMEOUT:-120} s")
    [ -s "$tmp/shell" ] && problems+=("killed by a host signal: $(head -c 200 "$tmp/shell")")
    key=$(echo "$f" | tr '/' '_')
    if [ ${#problems[@]} -eq 0 ]; then
        : >"$res/pass.$key"
    else
        {
            echo "FAIL $f"
            for p in "${problems[@]}"; do echo "  - $p"; done
            [ -s "$tmp/vg" ] && head -n 40 "$tmp/vg" | sed 's/^/    /'
        } >"$res/fail.$key"
    fi
    exit 0
fi

if [ $# -lt 1 ]; then
    echo "usage: $0 MVM [DIR|FILE...]" >&2
    exit 2
fi
if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind.sh: valgrind is not installed (apt-get install valgrind)" >&2
    exit 2
fi

orig_pwd=$PWD
root=$(cd "$(dirname "$0")/.." && pwd)
self=$root/tests/valgrind.sh

mvm=$1
shift
case $mvm in
    /*) ;;
    */*) mvm=$orig_pwd/$mvm ;;
    *) if [ -e "$orig_pwd/$mvm" ]; then mvm=$orig_pwd/$mvm; fi ;;
esac
if [ ! -x "$mvm" ] || [ -d "$mvm" ]; then
    echo "valgrind.sh: $mvm is not an executable (build it first)" >&2
    exit 2
fi

targets=()
if [ $# -eq 0 ]; then
    targets=(tests/programs)
else
    for t in "$@"; do
        case $t in /*) abs=$t ;; *) abs=$orig_pwd/$t ;; esac
        abs=${abs%/}
        case $abs in
            "$root"/*) targets+=("${abs#"$root"/}") ;;
            *) targets+=("$abs") ;;
        esac
    done
fi
cd "$root" || exit 2

res=$(mktemp -d "${TMPDIR:-/tmp}/mvm-vgres.XXXXXX") || exit 2
trap 'rm -rf "$res"' EXIT

for t in "${targets[@]}"; do
    if [ -d "$t" ]; then find "$t" -type f -name '*.kar' ! -path '*/lib/*'
    elif [ -f "$t" ]; then echo "$t"
    else echo "valgrind.sh: no such file or directory: $t" >&2; fi
done | LC_ALL=C sort | tr '\n' '\0' |
    xargs -0 -r -n 1 -P "${JOBS:-$(nproc 2>/dev/null || echo 2)}" "$self" --one "$mvm" "$res"

pass=$(find "$res" -name 'pass.*' | wc -l)
fail=$(find "$res" -name 'fail.*' | wc -l)
for f in $(find "$res" -name 'fail.*' | LC_ALL=C sort); do
    cat "$f"
done
echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
