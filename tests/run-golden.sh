#!/usr/bin/env bash
# run-golden.sh MVM [DIR|FILE...] - run the golden program tests.
#
# Every tests/programs/**/*.kar (or every .kar under the DIRs given) is run as
#   timeout 10 MVM run [OPTIONS] FILE [-- ARGS]
# from the repository root, with the program path relative to it, and judged by the
# directive comments in the file (each on its own line, starting with `;`):
#   ; expect: TEXT          the next expected stdout line ("; expect:" alone = empty line;
#                           one space after the colon is stripped, the rest kept verbatim)
#   ; expect-exit: N        expected exit status (default 0)
#   ; expect-stderr: FRAG   a substring that must appear in stderr (several allowed)
#   ; args: OPTIONS         options passed before FILE
#   ; run-args: ARGS        program arguments, passed after `--`
#   ; stdin: TEXT           a line of standard input (TEXT and a newline; in order)
#   ; stdin-raw: TEXT       TEXT without a newline (ends the input)
# Files under a lib/ directory are helper programs (spawned or exec'd by the tests), not
# tests: they are skipped when a directory is searched; so are the files of a directory
# holding a `.module` marker file (user library modules, which must sit beside the test
# that calls them: SPEC 7).
# Without stdin directives standard input is /dev/null. Stdout must equal the expect
# lines exactly. Prints `golden: N passed, N failed`; exit status 1 if any failed.
# GOLDEN_CRUN=1: every program goes through bytecode instead (issue 10): first
#   MVM compile [OPTIONS] FILE -o TMP.mar   (assembly errors: its status and stderr are
#                                            judged, as `run` would have given them)
#   MVM crun [OPTIONS] TMP.mar [-- ARGS]    judged by the same directives.
set -u
set -f

if [ $# -lt 1 ]; then
    echo "usage: $0 MVM [DIR|FILE...]" >&2
    exit 2
fi

orig_pwd=$PWD
root=$(cd "$(dirname "$0")/.." && pwd)

# MVM: make it usable from the repository root.
mvm=$1
shift
case $mvm in
    /*) ;;
    */*) mvm=$orig_pwd/$mvm ;;
    *) if [ -e "$orig_pwd/$mvm" ]; then mvm=$orig_pwd/$mvm; fi ;;
esac

# Targets, as paths relative to the repository root where possible (diagnostics name
# the program path as given on the command line, and the tests expect tests/programs/...).
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

files=()
while IFS= read -r f; do
    files+=("$f")
done < <(for t in "${targets[@]}"; do
             if [ -d "$t" ]; then find "$t" -type f -name '*.kar' ! -path '*/lib/*'
             elif [ -f "$t" ]; then echo "$t"
             else echo "run-golden: no such file or directory: $t" >&2; fi
         done | LC_ALL=C sort)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mvm-golden.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

pass=0
fail=0

if [ ! -x "$mvm" ] || [ -d "$mvm" ]; then
    echo "run-golden: $mvm is not an executable (build it first); every test fails" >&2
    echo "golden: 0 passed, ${#files[@]} failed"
    exit 1
fi

# One awk call per file: writes the expected stdout to $tmp/exp and the standard input to
# $tmp/in, and prints the other directives as TAG<TAB>VALUE lines.
# shellcheck disable=SC2016  # an awk program
parse='
function rest(s) {
    sub(/^[ \t]*;[ \t]*[a-z-]+:/, "", s)
    if (substr(s, 1, 1) == " ") s = substr(s, 2)
    return s
}
BEGIN { printf "" > expf; printf "" > inf; nin = 0; raw = 0 }
/^[ \t]*;[ \t]*expect:/        { print rest($0) > expf; next }
/^[ \t]*;[ \t]*expect-exit:/   { v = rest($0); gsub(/[ \t]/, "", v); print "exit\t" v; next }
/^[ \t]*;[ \t]*expect-stderr:/ { print "stderr\t" rest($0); next }
/^[ \t]*;[ \t]*args:/          { print "args\t" rest($0); next }
/^[ \t]*;[ \t]*run-args:/      { print "runargs\t" rest($0); next }
/^[ \t]*;[ \t]*stdin:/         { if (!raw) printf "%s\n", rest($0) > inf; nin++; next }
/^[ \t]*;[ \t]*stdin-raw:/     { if (!raw) printf "%s", rest($0) > inf; nin++; raw = 1; next }
END { if (nin) print "stdin\t1" }
'

for f in "${files[@]}"; do
    [ -e "$(dirname "$f")/.module" ] && continue
    want_exit=0
    args=""
    runargs=""
    have_runargs=0
    have_stdin=0
    frags=()
    while IFS=$'\t' read -r tag val; do
        case $tag in
            exit) want_exit=$val ;;
            stderr) frags+=("$val") ;;
            args) args="$args $val" ;;
            runargs) runargs="$runargs $val"; have_runargs=1 ;;
            stdin) have_stdin=1 ;;
        esac
    done < <(awk -v expf="$tmp/exp" -v inf="$tmp/in" "$parse" "$f")

    input=/dev/null
    [ "$have_stdin" = 1 ] && input=$tmp/in

    # shellcheck disable=SC2086  # OPTIONS and ARGS are word-split on purpose
    # The subshell reports on its stderr (shell.txt) when the host killed mvm by a signal.
    cmd=run
    prog=$f
    : >"$tmp/shell"
    if [ "${GOLDEN_CRUN:-0}" = 1 ]; then
        cmd=crun
        prog=$tmp/prog.mar
        rm -f "$prog"
        ( timeout 10 "$mvm" compile $args "$f" -o "$prog" </dev/null >"$tmp/out" 2>"$tmp/err"
          echo $? >"$tmp/rc" ) 2>"$tmp/shell"
    fi
    if [ -s "$tmp/shell" ] || { [ "$cmd" = crun ] && [ "$(<"$tmp/rc")" != 0 ]; }; then
        :   # compile failed (assembly errors): judge what it said
    elif [ "$have_runargs" = 1 ]; then
        ( timeout 10 "$mvm" $cmd $args "$prog" -- $runargs <"$input" >"$tmp/out" 2>"$tmp/err"
          echo $? >"$tmp/rc" ) 2>"$tmp/shell"
    else
        ( timeout 10 "$mvm" $cmd $args "$prog" <"$input" >"$tmp/out" 2>"$tmp/err"
          echo $? >"$tmp/rc" ) 2>"$tmp/shell"
    fi
    status=$(<"$tmp/rc")

    problems=()
    out_ok=1
    if ! diff -q "$tmp/exp" "$tmp/out" >/dev/null 2>&1; then
        out_ok=0
        problems+=("stdout differs")
    fi
    if [ "$status" != "$want_exit" ]; then
        if [ "$status" = 124 ]; then
            problems+=("timed out after 10 s (expected exit $want_exit)")
        else
            problems+=("exit status $status, expected $want_exit")
        fi
    fi
    if [ -s "$tmp/shell" ]; then
        problems+=("mvm was killed by a host signal (crash): $(head -c 300 "$tmp/shell")")
    fi
    if [ ${#frags[@]} -gt 0 ]; then
        { err=$(<"$tmp/err"); } 2>/dev/null
        for frag in "${frags[@]}"; do
            if [[ $err != *"$frag"* ]]; then
                problems+=("stderr lacks: $frag")
            fi
        done
    fi

    if [ ${#problems[@]} -eq 0 ]; then
        pass=$((pass + 1))
        continue
    fi
    fail=$((fail + 1))
    echo "FAIL $f"
    for p in "${problems[@]}"; do
        echo "  - $p"
    done
    echo "  exit status: $status (expected $want_exit)"
    if [ "$out_ok" = 0 ]; then
        echo "  stdout (--- expected, +++ actual):"
        diff -u "$tmp/exp" "$tmp/out" | sed -n '3,22s/^/    /p'
    fi
    if [ -s "$tmp/err" ]; then
        echo "  stderr:"
        head -c 2000 "$tmp/err" | head -n 5 | sed 's/^/    /'
    fi
done

echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
