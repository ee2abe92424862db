#!/usr/bin/env bash
# run-bytecode.sh MVM - bytecode files (.mar, issue 10; docs/bytecode.md) through the
# commands a user types. (The golden programs also run through compile + crun: the
# golden-crun suite of run-all.sh.)
#   1. disasm round trip: for every golden program and example, `compile` gives A;
#      `disasm A` written over a copy of the source (same path, same directory, so its
#      modules are beside it) and compiled again gives exactly the bytes of A.
#   2. Commands: run and debug take a .mar by its magic number whatever its name; crun
#      refuses source; compile -o and the default name; a program with errors does not
#      compile (status 2, check's messages); disasm of a .kar.
#   3. spawn and exec of .mar programs, from the host and from the VFS.
#   4. Damaged files: every truncation and a changed byte in each region are refused
#      with `FILE: error: offset N: ...` and status 2, never a crash.
# Prints `bytecode: N passed, N failed`.
set -u
. "$(dirname "$0")/lib/suite.sh" bytecode "$@"
cd "$root" || exit 2

# 1. disasm -> assemble -> compile gives the same bytes.
rt=0
rt_fail=0
while IFS= read -r f; do
    [ -e "$(dirname "$f")/.module" ] && continue
    d=$work/rt
    rm -rf "$d" && mkdir -p "$d"
    "$mvm" compile "$f" -o "$d/a.mar" >/dev/null 2>&1 || continue   # assembly-error tests
    mkdir -p "$d/tree/$(dirname "$f")"
    cp -r "$(dirname "$f")/." "$d/tree/$(dirname "$f")/"
    "$mvm" disasm "$d/a.mar" > "$d/tree/$f" 2>"$d/err"
    if (cd "$d/tree" && "$mvm" compile "$f" -o "$d/b.mar" >/dev/null 2>>"$d/err") && cmp -s "$d/a.mar" "$d/b.mar"; then
        rt=$((rt + 1))
    else
        rt_fail=$((rt_fail + 1))
        [ "$rt_fail" -le 10 ] && echo "bytecode: FAIL round trip $f: $(head -c 300 "$d/err")"
    fi
done < <(find tests/programs examples -name '*.kar' -not -path '*/lib/*' | sort)
pass=$((pass + rt))
fail=$((fail + rt_fail))
echo "bytecode: disasm round trip: $rt programs give the same bytes, $rt_fail do not"

# 2. Commands.
begin commands
printf 'LIT G1 41\nADD G1 1 G1\nPRINTR G1\n' > p.kar
"$mvm" compile p.kar 2>err || problem "compile p.kar failed: $(cat err)"
[ -f p.mar ] || problem "compile did not write p.mar beside p.kar"
"$mvm" compile p.kar -o other.bin 2>err || problem "compile -o failed"
cmp -s p.mar other.bin || problem "two compiles of one program differ"
[ "$("$mvm" crun p.mar 2>&1)" = 42 ] || problem "crun p.mar did not print 42"
[ "$("$mvm" run other.bin 2>&1)" = 42 ] || problem "run of bytecode named .bin did not print 42"
out=$(printf 's 2\np G1\nc\n' | "$mvm" debug p.mar 2>&1 >/dev/null)
case $out in *"G1=42 Long"*) ;; *) problem "debug p.mar: no G1=42 after two steps: $out" ;; esac
"$mvm" crun p.kar >/dev/null 2>err
[ $? = 2 ] || problem "crun of source: status not 2"
expect_err "not an MVM bytecode file"
printf 'LIT G1 1\nADDD G1\n' > bad.kar
"$mvm" check bad.kar 2>check.err
"$mvm" compile bad.kar 2>err
[ $? = 2 ] || problem "compile with errors: status not 2"
cmp -s err check.err || problem "compile's messages differ from check's"
[ -e bad.mar ] && problem "a program with errors was compiled"
"$mvm" disasm p.kar > d.txt 2>err || problem "disasm p.kar failed"
grep -q '^ADD G1 1 G1$' d.txt || problem "disasm p.kar lacks its ADD line: $(cat d.txt)"

# 3. spawn and exec of bytecode, from the host and from the VFS.
begin spawn
printf 'PRINTR 7\nLIT S1 SYS_EXIT\nLIT S2 3\nSYSCALL\n' > child.kar
"$mvm" compile child.kar -o kid.mar 2>err || problem "compile child failed"
cat > parent.kar <<'K'
        STR G1 "kid.mar"
        CALL spawn_wait
        STR G1 "/vfs-kid.mar"
        CALL spawn_wait
        STR G1 "kid.mar"
        STR G2 "exec'd"
        LIT S1 SYS_EXEC
        MOV G1 S2
        LIT S4 0
        SYSCALL
        PRINTR 99               ; not reached
        JMP end
spawn_wait: LIT S1 SYS_SPAWN
        MOV G1 S2
        LIT S4 0
        SYSCALL
        MOV R2 S2
        LIT S1 SYS_WAIT
again:  SYSCALL
        JZ again I5
        PRINTR R2
        RET
end:    NOP
K
"$mvm" vfs --vfs img.fs put kid.mar /vfs-kid.mar >/dev/null 2>err || problem "vfs put failed: $(cat err)"
out=$("$mvm" run --vfs img.fs parent.kar 2>err)
st=$?
[ "$out" = "$(printf '7\n3\n7\n3\n7')" ] || problem "spawn/exec of .mar printed '$(echo $out)', stderr $(head -c 200 err)"
[ $st = 3 ] || problem "exec'd .mar: status $st, expected 3"

# 4. Damaged files.
begin damaged
cp "$root/examples/fib.kar" fib.kar
"$mvm" compile fib.kar -o fib.mar 2>err || problem "compile fib failed"
size=$(stat -c %s fib.mar)
crashes=0
refusals=0
for cut in 0 1 7 8 16 40 56 57 64 100 $((size / 2)) $((size - 9)) $((size - 8)) $((size - 1)); do
    [ "$cut" -lt "$size" ] || continue
    head -c "$cut" fib.mar > cut.mar
    "$mvm" run cut.mar >/dev/null 2>err
    st=$?
    [ $st -ge 128 ] && crashes=$((crashes + 1))
    if [ "$cut" -ge 8 ]; then   # shorter: not even the magic number, so it is source
        [ $st = 2 ] && grep -q "error: offset [0-9]*:" err && refusals=$((refusals + 1)) ||
            problem "truncated at $cut: status $st, $(head -c 200 err)"
    fi
done
for at in 0 8 12 16 24 40 48 60 80 200 $((size / 2)) $((size - 4)); do
    [ "$at" -lt "$size" ] || continue
    cp fib.mar bad.mar
    printf '\x5a' | dd of=bad.mar bs=1 seek="$at" conv=notrunc status=none
    cmp -s fib.mar bad.mar && printf '\xa5' | dd of=bad.mar bs=1 seek="$at" conv=notrunc status=none
    "$mvm" crun bad.mar >/dev/null 2>err
    st=$?
    [ $st -ge 128 ] && crashes=$((crashes + 1))
    [ $st = 2 ] && grep -q "error: offset [0-9]*:" err || problem "byte $at changed: status $st, $(head -c 200 err)"
done
[ $crashes = 0 ] || problem "$crashes damaged files crashed mvm"
summary
