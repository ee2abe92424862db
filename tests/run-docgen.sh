#!/usr/bin/env bash
# run-docgen.sh MVM - check that the generated reference tables in docs/ are up to date:
# tools/gen-instructions-doc.sh regenerates them into a temporary copy of docs/, and each
# file must come out unchanged. Fix a failure by running tools/gen-instructions-doc.sh.
# (MVM is accepted for run-all.sh's convention and not used.) Prints `docgen: N passed, N failed`.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0
cp "$root"/docs/*.md "$work"/
if ! sh "$root/tools/gen-instructions-doc.sh" "$work" 2> "$work/err"; then
    echo "FAIL gen-instructions-doc.sh: $(cat "$work/err")"
    fail=$((fail + 1))
fi
for f in instructions.md syscalls.md errors.md assembly.md; do
    if [ ! -f "$root/docs/$f" ]; then
        echo "FAIL docs/$f: missing"
        fail=$((fail + 1))
    elif cmp -s "$root/docs/$f" "$work/$f"; then
        pass=$((pass + 1))
    else
        echo "FAIL docs/$f is out of date; run tools/gen-instructions-doc.sh"
        diff "$root/docs/$f" "$work/$f" | head -10
        fail=$((fail + 1))
    fi
done
echo "docgen: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
