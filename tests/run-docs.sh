#!/usr/bin/env bash
# run-docs.sh MVM - run every program shown in the documentation, so docs cannot drift.
#
# In README.md and docs/*.md, a fenced block opened with ```kar is a complete program.
# It may be followed (only blank lines between) by:
#   ```output   the exact standard output it prints
#   ```stderr   lines that must each appear in its standard error; the run may then end
#               with any status (the block shows an error); without it the status must be 0
# Each program runs as prog.kar in a directory of its own, so diagnostics read
# `prog.kar:LINE:COL: ...` as the docs show them. Prints `docs: N passed, N failed`.
set -u
mvm=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Split the docs into $work/N/{prog.kar,output,stderr,where}.
awk -v dir="$work" '
    function fence_open(tag) {
        if (tag == "kar") {
            n++; kind = "kar"; system("mkdir -p " dir "/" n)
            printf "%s:%d\n", FILENAME, FNR > (dir "/" n "/where"); close(dir "/" n "/where")
            return
        }
        kind = ((tag == "output" || tag == "stderr") && attach) ? tag : "skip"
    }
    FNR == 1 { kind = ""; attach = 0 }
    /^```/ {
        if (kind == "") { fence_open(substr($0, 4)); next }
        attach = (kind == "kar" || kind == "output" || kind == "stderr")
        kind = ""; next
    }
    kind == "kar"    { print > (dir "/" n "/prog.kar"); next }
    kind == "output" { print > (dir "/" n "/output"); next }
    kind == "stderr" { print > (dir "/" n "/stderr"); next }
    kind == "" && NF > 0 { attach = 0 }
' README.md docs/*.md

pass=0
fail=0
for d in "$work"/*/; do
    [ -f "$d/prog.kar" ] || continue
    where=$(cat "$d/where")
    (cd "$d" && timeout 10 "$mvm" run prog.kar < /dev/null > actual.out 2> actual.err)
    status=$?
    why=""
    if [ -f "$d/output" ] && ! cmp -s "$d/output" "$d/actual.out"; then
        why="stdout differs: $(diff "$d/output" "$d/actual.out" | head -6 | tr '\n' ' ')"
    fi
    if [ -f "$d/stderr" ]; then
        while IFS= read -r line; do
            [ -n "$line" ] && ! grep -qF -- "$line" "$d/actual.err" && why="stderr lacks: $line"
        done < "$d/stderr"
    elif [ $status -ne 0 ]; then
        why="exit status $status: $(head -3 "$d/actual.err" | tr '\n' ' ')"
    fi
    if [ -z "$why" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $where: $why"
    fi
done
echo "docs: $pass passed, $fail failed"
[ $fail -eq 0 ]
