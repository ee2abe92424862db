#!/usr/bin/env bash
# pair-profile.sh [OPTIONS] PATH...     - which instructions, and which pairs of consecutive
#                                         instructions, real programs execute most
# pair-profile.sh --report [OPTIONS] DIR...   - the tables again from saved counts
#
# Every PATH is a .kar file or a directory searched for *.kar (files under a lib/
# directory, and the files of a directory holding a `.module` marker, are helpers and user
# modules, not programs: skipped as tests/run-golden.sh skips them). Each program is run
# from the repository root as
#     timeout SECONDS MVM run --trace --max-steps N [--vfs TMP/vfs.fs] [OPTIONS] FILE [-- ARGS]
# with the directives of tests/run-golden.sh taken from its comments: `; args:` OPTIONS
# (their own --trace options removed: the whole trace is needed), `; run-args:` ARGS,
# `; stdin:`/`; stdin-raw:` standard input (or FILE's .in file beside it; otherwise
# /dev/null), `; expect-exit:` the status it should end with (default 0). A run gets a
# fresh VFS image of its own unless its OPTIONS name one, and its own --max-steps limit
# when they do not set one. A run counts when it executed instructions and ended with the
# expected status (or was stopped by --max-steps: counted, and said so); a run that timed
# out, failed to assemble or ended otherwise is listed as skipped, with the reason.
#
# tools/pair_profile.py reads each trace, splits it by PID (a pair is two instructions
# run one after the other by one process; the chain is cut at `exec` and where a signal or
# a fault is delivered to a handler), classifies every instruction by mnemonic and operand
# shape from the assembler's own `mvm tokenise` of its source (`ADD r,i,r`, `LT r,i`,
# `JZ L`, `JZ L,r`, `CALL lib,r`; the standard library's modules included), and prints,
# for the programs counted:
#   singles     single instructions: count, share of all executed instructions,
#               cumulative share, and the mean over programs of each program's share (its
#               count divided by its own instruction count), so that one long program
#               does not dominate;
#   pairs       pairs ranked by raw count, with that per-program mean, the share of them
#               whose second instruction is the static successor of the first
#               (`adjacent`: the only ones a superinstruction can fuse) and, of the
#               adjacent ones, the share whose second instruction is a jump target (`tgt`:
#               named by a jump, a CALL or a label used as a value) or carries a label
#               (`lbl`);
#   normalised  the same pairs ranked by the per-program mean;
#   fusable     the adjacent pairs alone, with the number of distinct source sites (and
#               of those whose second instruction is a target) and how often those second
#               instructions were entered some other way than from the first (a jump, a
#               return, a signal handler's return), i.e. would run unfused, and the share
#               of instances where another process ran between the two (`split`: a turn
#               ended after the first, where a fused instruction must stop half-way);
#   mnemonics   the adjacent pairs grouped by mnemonics alone (the same columns);
#   triples     three consecutive source instructions run in a row (where pairs overlap);
#   modules     with --stdlib-only: instructions executed per library module.
#
# Options:
#   --label NAME      name of this corpus in the report
#   --top N           rows per table (default 25)
#   --top-singles N   rows of the single-instruction table (default: as --top)
#   --top-triples N   rows of the triples table (default: as --top)
#   --sections LIST   which tables, comma-separated (default all of them:
#                     modules,singles,pairs,normalised,fusable,mnemonics,triples)
#   --max-steps N     instruction limit of each run (default 5000000)
#   --timeout S       seconds per run (default 60)
#   --sed SCRIPT      run each program edited by `sed -E SCRIPT` (a copy in a temporary
#                     directory, same file name; the edit must keep every line where it is),
#                     e.g. to scale down the iteration counts of the benchmarks
#   --exclude REGEX   leave out the programs whose path (relative to the repository root)
#                     matches the extended regular expression REGEX (said on standard error)
#   --stdlib-only     the tables for the instructions inside the standard library only
#                     (pairs whose both instructions are in a <stdlib> module)
#   --markdown        tables in Markdown
#   --save DIR        keep the per-program counts (DIR/NNNN.json) for a later --report
#   --report          PATHs are DIRs saved by --save: print the tables for all of them
#                     together, without running anything
#   --mvm PATH        the mvm to run (default: ./mvm of this repository)
#   -j N              runs at once (default: the number of processors)
# Standard output: the report. Standard error: one line per skipped run.
set -u
set -f

root=$(cd "$(dirname "$0")/.." && pwd)
helper=$root/tools/pair_profile.py
mvm=$root/mvm
label=""
top=25
max_steps=5000000
timeout_s=60
sed_script=""
exclude=""
report_only=0
save=""
jobs=$(nproc 2>/dev/null || echo 2)
report_opts=()

usage() { sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

paths=()
while [ $# -gt 0 ]; do
    case $1 in
        --label) label=$2; shift ;;
        --top) top=$2; shift ;;
        --top-singles) report_opts+=(--top-singles "$2"); shift ;;
        --top-triples) report_opts+=(--top-triples "$2"); shift ;;
        --sections) report_opts+=(--sections "$2"); shift ;;
        --max-steps) max_steps=$2; shift ;;
        --timeout) timeout_s=$2; shift ;;
        --sed) sed_script=$2; shift ;;
        --exclude) exclude=$2; shift ;;
        --stdlib-only) report_opts+=(--stdlib-only) ;;
        --markdown) report_opts+=(--markdown) ;;
        --save) save=$2; shift ;;
        --report) report_only=1 ;;
        --mvm) mvm=$2; shift ;;
        -j) jobs=$2; shift ;;
        -h|--help) usage ;;
        --) shift; paths+=("$@"); break ;;
        -*) echo "pair-profile: unknown option $1" >&2; usage ;;
        *) paths+=("$1") ;;
    esac
    shift
done
[ ${#paths[@]} -gt 0 ] || usage
[ -n "$label" ] || label="${paths[*]}"

if [ "$report_only" = 1 ]; then
    exec python3 "$helper" report --top "$top" ${label:+--label "$label"} "${report_opts[@]}" "${paths[@]}"
fi

case $mvm in /*) ;; *) mvm=$PWD/$mvm ;; esac
if [ ! -x "$mvm" ]; then
    echo "pair-profile: $mvm is not an executable (run make first)" >&2
    exit 2
fi

# Programs, as paths relative to the repository root where possible (the tests' own
# options name files relative to it).
files=()
while IFS= read -r f; do
    files+=("$f")
done < <(for t in "${paths[@]}"; do
             case $t in /*) abs=$t ;; *) abs=$PWD/$t ;; esac
             abs=${abs%/}
             case $abs in "$root"/*) rel=${abs#"$root"/} ;; *) rel=$abs ;; esac
             if [ -d "$abs" ]; then
                 (cd "$root" && find "$rel" -type f -name '*.kar' ! -path '*/lib/*')
             elif [ -f "$abs" ]; then echo "$rel"
             else echo "pair-profile: no such file or directory: $t" >&2; fi
         done | LC_ALL=C sort -u)
if [ -n "$exclude" ]; then
    kept=()
    for f in "${files[@]}"; do
        if printf '%s\n' "$f" | grep -Eq -- "$exclude"; then
            echo "pair-profile: excluded $f (--exclude)" >&2
        else
            kept+=("$f")
        fi
    done
    files=("${kept[@]}")
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/pair-profile.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/cache" "$work/counts"
out=${save:-$work/counts}
mkdir -p "$out" || exit 2
find "$out" -maxdepth 1 -name '*.json' -delete

# The directives of one program (as tests/run-golden.sh reads them): TAG<TAB>VALUE lines,
# standard input written to $2.
# shellcheck disable=SC2016  # an awk program
parse='
function rest(s) {
    sub(/^[ \t]*;[ \t]*[a-z-]+:/, "", s)
    if (substr(s, 1, 1) == " ") s = substr(s, 2)
    return s
}
BEGIN { printf "" > inf; nin = 0; raw = 0 }
/^[ \t]*;[ \t]*expect-exit:/   { v = rest($0); gsub(/[ \t]/, "", v); print "exit\t" v; next }
/^[ \t]*;[ \t]*args:/          { print "args\t" rest($0); next }
/^[ \t]*;[ \t]*run-args:/      { print "runargs\t" rest($0); next }
/^[ \t]*;[ \t]*stdin:/         { if (!raw) printf "%s\n", rest($0) > inf; nin++; next }
/^[ \t]*;[ \t]*stdin-raw:/     { if (!raw) printf "%s", rest($0) > inf; nin++; raw = 1; next }
END { if (nin) print "stdin\t1" }
'

# prepare INDEX FILE: the job file $work/jobs/INDEX for FILE: its name, the program to
# run, the expected status, the standard input ("" = /dev/null), then the command, one
# word a line.
prepare() {
    local i=$1 f=$2 d=$work/run/$1 abs
    case $f in /*) abs=$f ;; *) abs=$root/$f ;; esac
    [ -e "$(dirname "$abs")/.module" ] && return 0
    mkdir -p "$d"
    local want_exit=0 args="" runargs="" have_runargs=0 have_stdin=0 tag val
    while IFS=$'\t' read -r tag val; do
        case $tag in
            exit) want_exit=$val ;;
            args) args="$args $val" ;;
            runargs) runargs="$runargs $val"; have_runargs=1 ;;
            stdin) have_stdin=1 ;;
        esac
    done < <(cd "$root" && awk -v inf="$d/in" "$parse" "$f")
    local input=""
    if [ "$have_stdin" = 1 ]; then
        input=$d/in
    elif [ -f "${abs%.kar}.in" ]; then
        input=${abs%.kar}.in
    fi
    # The program's own options, less any --trace (this run traces every process).
    local opts=() o has_vfs=0 has_steps=0
    # shellcheck disable=SC2086  # OPTIONS are word-split on purpose, as run-golden.sh does
    for o in $args; do
        case $o in
            --trace|--trace=*) ;;
            *) opts+=("$o") ;;
        esac
        case $o in --vfs|--vfs=*) has_vfs=1 ;; --max-steps|--max-steps=*) has_steps=1 ;; esac
    done
    local prog=$f
    if [ -n "$sed_script" ]; then
        prog=$d/$(basename "$f")
        (cd "$root" && sed -E "$sed_script" "$f") >"$prog" || return 0
    fi
    local cmd=(timeout "$timeout_s" "$mvm" run --trace)
    [ "$has_steps" = 1 ] || cmd+=(--max-steps "$max_steps")
    [ "$has_vfs" = 1 ] || cmd+=(--vfs "$d/vfs.fs")
    cmd+=("${opts[@]}" "$prog")
    if [ "$have_runargs" = 1 ]; then
        # shellcheck disable=SC2206  # ARGS are word-split on purpose
        cmd+=(-- $runargs)
    fi
    printf '%s\n' "$f" "$prog" "$want_exit" "$input" "${cmd[@]}" >"$work/jobs/$i"
}

mkdir -p "$work/jobs" "$work/run"
n=0
for f in "${files[@]}"; do
    n=$((n + 1))
    prepare "$(printf '%05d' "$n")" "$f"
done
python3 "$helper" count --root "$root" --cwd "$root" --mvm "$mvm" --cache "$work/cache" \
    -j "$jobs" --jobs "$work/jobs" --out "$out" || exit 2

# Skipped runs, on standard error.
python3 - "$out" <<'EOF' >&2
import json, os, sys
d = sys.argv[1]
for name in sorted(os.listdir(d)):
    if name.endswith('.json'):
        r = json.load(open(os.path.join(d, name)))
        if not r['included']:
            print('pair-profile: skipped %s: %s' % (r['name'], r['verdict']))
        elif r['verdict'] != 'ok':
            print('pair-profile: counted %s: %s' % (r['name'], r['verdict']))
EOF

python3 "$helper" report --top "$top" ${label:+--label "$label"} "${report_opts[@]}" "$out"
