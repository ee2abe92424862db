#!/usr/bin/env bash
# run-snapshot.sh MVM - machine snapshots (SPEC 4.3, 9, 10): a resumed run prints exactly
# what the uninterrupted run prints after the snapshot point, and bad files are refused.
#
# For each program P (tests/snapshot/*.kar and two examples) and quantum Q in 1 and 3:
#   X   = stdout and status of `MVM run P --quantum Q`; T = its instruction count (--stats)
#   for snapshot points K in 1..T-1 (every point for short programs, about 30 spread
#   evenly otherwise):
#     A = stdout of `MVM run P --quantum Q --max-steps K`              (the first K steps)
#         `MVM run P --quantum Q --snapshot-every K --snapshot F --max-steps K+1`
#     B = stdout and status of `MVM resume F`                          (the rest)
#     pass when A + B = X byte for byte and B's status is X's.
#   (--max-steps is checked before a due snapshot, so the run that saves F is given one
#   instruction more; the snapshot in F is the one taken at K.)
# Periodic snapshots: the same with --snapshot-every N for several N, the file then
# holding the last of many snapshots (K = N, 2N, ...), and once resumed twice in a chain.
# Then the golden programs of tests/programs, two points each (only deterministic ones:
# no sleep, clock or VFS, the same output twice; standard input is empty). Last,
# refusals: empty, foreign, truncated, corrupted and missing files and bad options give
# status 2 and a clear message.
# Prints `snapshot: N passed, N failed`; exit status 1 if any failed.
set -u

if [ $# -lt 1 ]; then
    echo "usage: $0 MVM" >&2
    exit 2
fi
mvm=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
# Snapshots are fsync'ed: keep them on a memory file system when there is one.
base=${TMPDIR:-/tmp}
[ -d /dev/shm ] && [ -w /dev/shm ] && base=/dev/shm
tmp=$(mktemp -d "$base/mvm-snapshot.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
snap=$tmp/s.snap

pass=0
fail=0
ok()  { pass=$((pass + 1)); }
bad() {   # the first 20 failures are shown
    fail=$((fail + 1))
    [ "$fail" -le 20 ] && echo "FAIL: $*"
}

# run OUT ARGS... : stdout to OUT, stderr to $tmp/stderr, input empty; prints the status
run() {
    local out=$1
    shift
    timeout 10 "$mvm" "$@" <"$tmp/empty" >"$out" 2>"$tmp/stderr"
    echo $?
}
: >"$tmp/empty"

steps_of() {   # steps_of ARGS... : the instruction count of a whole run
    timeout 10 "$mvm" run --stats "$@" <"$tmp/empty" 2>&1 >/dev/null |
        sed -n 's/^stats: instructions \([0-9]*\)$/\1/p'
}

# check_point NAME K EVERY ARGS... : snapshot at K (taken every EVERY steps), resume, compare
check_point() {
    local name=$1 k=$2 every=$3
    shift 3
    rm -f "$snap"
    run "$tmp/a" run "$@" --max-steps "$k" >/dev/null
    run /dev/null run "$@" --snapshot-every "$every" --snapshot "$snap" --max-steps $((k + 1)) >/dev/null
    if [ ! -s "$snap" ]; then
        bad "$name K=$k every=$every: no snapshot written"
        return
    fi
    local st
    st=$(run "$tmp/b" resume "$snap")
    cat "$tmp/a" "$tmp/b" >"$tmp/ab"
    if [ "$st" != "$xst" ]; then
        bad "$name K=$k every=$every: resumed status $st, uninterrupted $xst ($(head -c 200 "$tmp/stderr"))"
    elif ! cmp -s "$tmp/ab" "$tmp/x"; then
        bad "$name K=$k every=$every: output differs"
    else
        ok
    fi
}

# points T MAX : up to MAX snapshot points spread over 1..T-1
points() {
    local t=$1 max=$2 step k
    step=$(( (t - 1 + max - 1) / max ))
    [ "$step" -lt 1 ] && step=1
    for ((k = 1; k < t; k += step)); do echo "$k"; done
}

# Two interpreter behaviours snapshots depend on, checked first with small programs:
#  A. --snapshot-every does not change the interleaving (a snapshot due at the very start
#     of a turn does not cost that turn);
#  B. a run resumed in the middle of a quantum delivers a signal the process sent itself
#     at the end of that quantum, as the uninterrupted run does, not at once.
cat >"$tmp/three.kar" <<'EOF2'
        LIT S1 8
        SYSCALL
        JZ 9 R2
        SYSCALL
        JZ 12 R2
        PRINTR 1
        PRINTR 1
        JMP 14
        PRINTR 2
        PRINTR 2
        JMP 14
        PRINTR 3
        PRINTR 3
        NOP
EOF2
for n in 1 2 3; do
    if cmp -s <("$mvm" run "$tmp/three.kar" 2>/dev/null) \
              <("$mvm" run "$tmp/three.kar" --snapshot-every "$n" --snapshot "$tmp/probe.snap" 2>/dev/null); then
        ok
    else
        bad "--snapshot-every $n changes the interleaving of three processes"
    fi
done
cat >"$tmp/self.kar" <<'EOF2'
        LIT S1 18
        LIT S2 30
        LIT S3 12
        SYSCALL
        LIT S1 19
        LIT S2 1
        LIT S3 30
        SYSCALL
        PRINTR 1
        PRINTR 2
        JMP 14
        PRINTR I9
        RET
        PRINTR 3
EOF2
"$mvm" run "$tmp/self.kar" --quantum 5 >"$tmp/px" 2>/dev/null
"$mvm" run "$tmp/self.kar" --quantum 5 --max-steps 8 >"$tmp/pa" 2>/dev/null
"$mvm" run "$tmp/self.kar" --quantum 5 --snapshot-every 8 --snapshot "$tmp/probe.snap" --max-steps 9 >/dev/null 2>&1
"$mvm" resume "$tmp/probe.snap" >"$tmp/pb" 2>/dev/null
if cmp -s <(cat "$tmp/pa" "$tmp/pb") "$tmp/px"; then
    ok
else
    bad "a resumed turn delivers a pending signal before its quantum ends"
fi

# ---- dedicated programs: every point (or 40), quanta 1 and 3 ----
programs=(tests/snapshot/*.kar examples/mailbox.kar examples/signals.kar)
for p in "${programs[@]}"; do
    [ -f "$p" ] || continue
    for q in 1 3; do
        xst=$(run "$tmp/x" run "$p" --quantum "$q")
        t=$(steps_of "$p" --quantum "$q")
        if [ -z "$t" ]; then
            bad "$p q=$q: no instruction count"
            continue
        fi
        for k in $(points "$t" 30); do
            check_point "$p q=$q" "$k" "$k" "$p" --quantum "$q"
        done
        for n in 1 2 3 7 31; do
            for mult in 1 4; do
                k=$((n * mult))
                [ "$k" -lt "$t" ] && check_point "$p q=$q" "$k" "$n" "$p" --quantum "$q"
            done
        done
    done
done

# ---- a chain: resume a snapshot that a resumed run wrote ----
p=tests/snapshot/mailbox.kar
xst=$(run "$tmp/x" run "$p")
run "$tmp/a" run "$p" --max-steps 100 >/dev/null
run /dev/null run "$p" --snapshot-every 100 --snapshot "$snap" --max-steps 101 >/dev/null
run /dev/null resume "$snap" --snapshot-every 150 --snapshot "$tmp/c.snap" --max-steps 151 >/dev/null
run "$tmp/b" resume "$snap" --max-steps 150 >/dev/null
st=$(run "$tmp/c" resume "$tmp/c.snap")
if [ "$st" = "$xst" ] && cmp -s <(cat "$tmp/a" "$tmp/b" "$tmp/c") "$tmp/x"; then ok; else bad "chain of resumes"; fi

# ---- the golden programs: a few points each, deterministic ones only ----
while IFS= read -r p; do
    grep -qE '^; *(stdin|stdin-raw|run-args):' "$p" && continue
    grep -qiE '^[^;]*\b(SLEEP|deviceRead)\b|LIT +S1 +(1|2|3|4|5|13|14|22|23)\b' "$p" && continue
    args=$(sed -n 's/^; *args: *//p' "$p" | head -n 1)
    case " $args " in *" --vfs "*|*" --trace "*|*" --stats "*|*" --max-steps "*|*" --config "*) continue ;; esac
    # shellcheck disable=SC2086
    t=$(steps_of "$p" $args --max-steps 20001)
    [ -n "$t" ] && [ "$t" -gt 1 ] && [ "$t" -le 20000 ] || continue   # long or endless
    # shellcheck disable=SC2086
    xst=$(run "$tmp/x" run "$p" $args)
    # shellcheck disable=SC2086
    run "$tmp/x2" run "$p" $args >/dev/null
    cmp -s "$tmp/x" "$tmp/x2" || continue
    for k in $(points "$t" 2); do
        # shellcheck disable=SC2086
        check_point "$p" "$k" "$k" "$p" $args
    done
done < <(find tests/programs -name '*.kar' ! -path '*/vfs/*' ! -path '*/sleep/*' ! -path '*/lib/*' | sort)

# ---- PID 1's directory is saved absolute: resumed from another working directory, the
# machine still spawns the child.kar beside PID 1's program, not the one in the new cwd.
mkdir -p "$tmp/d1" "$tmp/d2"
cat >"$tmp/d1/prog.kar" <<'EOF2'
        NOP
        NOP
        STR G1 "child.kar"
        LIT S1 9
        MOV G1 S2
        LIT S4 0
        SYSCALL
        LIT S1 15
        LIT S2 0
w:      SYSCALL
        JZ w I5
        PRINTR R2
EOF2
printf 'PRINTR 1\nLIT S1 6\nLIT S2 11\nSYSCALL\n' >"$tmp/d1/child.kar"
printf 'PRINTR 2\nLIT S1 6\nLIT S2 22\nSYSCALL\n' >"$tmp/d2/child.kar"
(cd "$tmp/d1" && "$mvm" run prog.kar --snapshot-every 2 --snapshot s.snap --max-steps 3 >/dev/null 2>&1)
if [ "$(cd "$tmp/d2" && "$mvm" resume ../d1/s.snap 2>&1 | tr '\n' ' ')" = "1 11 " ]; then
    ok
else
    bad "resumed from another directory: spawned a different child.kar"
fi

# ---- refusals ----
# refuse NAME FILE PATTERN [OPTIONS...] : resume FILE fails with status 2 and PATTERN in stderr
refuse() {
    local name=$1 file=$2 pattern=$3
    shift 3
    local st
    st=$(run /dev/null resume "$file" "$@")
    if [ "$st" = 2 ] && grep -q -- "$pattern" "$tmp/stderr"; then
        ok
    else
        bad "refuse $name: status $st, stderr: $(head -c 300 "$tmp/stderr")"
    fi
}
rm -f "$snap"
run /dev/null run tests/snapshot/forks.kar --snapshot-every 50 --snapshot "$snap" --max-steps 51 >/dev/null
size=$(stat -c %s "$snap")
: >"$tmp/empty.snap"
refuse empty "$tmp/empty.snap" "not an MVM snapshot"
refuse kar tests/snapshot/forks.kar "not an MVM snapshot"
refuse missing "$tmp/nonexistent.snap" "cannot open"
refuse directory "$tmp" "not an MVM snapshot"
for cut in 1 7 8 40 55 56 57 $((size / 2)) $((size - 9)) $((size - 8)) $((size - 1)); do
    head -c "$cut" "$snap" >"$tmp/cut.snap"
    refuse "truncated at $cut" "$tmp/cut.snap" "truncated"
done
cat "$snap" "$snap" >"$tmp/long.snap"
refuse "trailing bytes" "$tmp/long.snap" "corrupted"
for at in 10 20 30 44 50 60 100 $((size / 2)) $((size - 12)) $((size - 3)); do
    cp "$snap" "$tmp/bad.snap"
    printf '\x5a' | dd of="$tmp/bad.snap" bs=1 seek="$at" conv=notrunc status=none
    cmp -s "$snap" "$tmp/bad.snap" && printf '\xa5' | dd of="$tmp/bad.snap" bs=1 seek="$at" conv=notrunc status=none
    refuse "byte $at changed" "$tmp/bad.snap" "corrupted"
done
# Older formats (1: signal frames without saved contexts; 2: no turn_begun; 3: no label
# table; 4: programs in fixed-size records; 5: no scheduler state, no semaphores) and a
# newer one (7), each with a header checksum that matches.
for v in 1 2 3 4 5 7; do
    python3 - "$snap" "$tmp/v$v.snap" "$v" <<'EOF' 2>/dev/null && refuse "format $v" "$tmp/v$v.snap" "snapshot format $v, this mvm .* reads format 6"
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
b[8:12] = struct.pack('<I', int(sys.argv[3]))
h = 0xcbf29ce484222325
for i in range(0, 48, 8):
    h = ((h ^ struct.unpack_from('<Q', b, i)[0]) * 0x100000001b3) % (1 << 64)
b[48:56] = struct.pack('<Q', h)
open(sys.argv[2], 'wb').write(b)
EOF
done
# Crafted snapshots (tests/snapshot/craft.py damages one field and fixes the checksums):
# fields the interpreter would follow without looking. The first three crashed or ran
# undefined arithmetic in mvm before the loader verified them (issue 8).
rm -f "$snap"
run /dev/null run tests/snapshot/crafted.kar --snapshot-every 150 --snapshot "$snap" --max-steps 151 >/dev/null
crafted() {   # crafted NAME PATTERN PATCH... : the damaged snapshot is refused
    local name=$1 pattern=$2
    shift 2
    if python3 tests/snapshot/craft.py "$snap" "$tmp/crafted.snap" "$@"; then
        refuse "crafted: $name" "$tmp/crafted.snap" "$pattern"
    else
        bad "crafted: $name: craft.py failed"
    fi
}
crafted "library frame returning to 0" "does not return after a CALL" lib-ret=0
crafted "library frame returning into main" "does not return after a CALL" lib-ret=3
crafted "literal beside a register" "a literal beside a register" "imm=LOAD G1 G3/0/9223372036854775807"
crafted "CALL argument that is no register" "argument 1 is not a register or a literal" \
    "arg=CALL strings.strlen G1/0/99"
crafted "KILL pending" "process state is not valid" pending=512
crafted "nice out of range" "scheduling state is out of range" nice=20
crafted "handler for KILL" "signal handler is out of range" handler=9/3
crafted "handler past the program" "signal handler is out of range" handler=30/100000
rm -f "$snap"
run /dev/null run tests/snapshot/handlers.kar --snapshot-every 30 --snapshot "$snap" --max-steps 31 >/dev/null
crafted "saved context with an unknown type" "unknown type" ctx-type=3/6
crafted "saved context: zero register typed" "zero register" ctx-type=54/0
# The SEMA section: a limit, id counter, order, value or count the machine could not have.
rm -f "$snap"
run /dev/null run tests/snapshot/semaphores.kar --snapshot-every 40 --snapshot "$snap" --max-steps 41 >/dev/null
crafted "semaphore limit negative" "the semaphore limit is out of range" sema=max/-1
crafted "semaphore limit too large" "the semaphore limit is out of range" sema=max/1048577
crafted "semaphore id counter negative" "the semaphore id counter is negative" sema=last/-1
crafted "semaphore id beyond the counter" "never handed out" sema=last/1
crafted "semaphore id 0" "never handed out" sema=id0/0
crafted "semaphore ids out of order" "out of order" sema=id1/1
crafted "semaphore value negative" "value is negative" sema=value1/-1
crafted "more semaphores than the limit" "too many semaphores" sema=max/1
crafted "semaphore count past the section" "too many semaphores" sema=count/3
crafted "semaphore count huge" "too many semaphores" sema=count/9223372036854775807
refuse "option --quantum" "$snap" "not accepted" --quantum 2
refuse "program arguments" "$snap" "not accepted" -- x
refuse "--snapshot alone" "$snap" "needs --snapshot-every" --snapshot "$tmp/o.snap"
st=$(run /dev/null run tests/snapshot/forks.kar --snapshot-every 5)
if [ "$st" = 2 ] && grep -q "needs --snapshot FILE" "$tmp/stderr"; then ok; else bad "run --snapshot-every alone: $st"; fi
st=$(run /dev/null resume)
if [ "$st" = 2 ]; then ok; else bad "resume without a file: $st"; fi
# A snapshot that cannot be written: the run goes on and says so.
st=$(run "$tmp/o" run tests/snapshot/forks.kar --snapshot-every 50 --snapshot "$tmp/no/such/dir/s.snap")
if [ "$st" = 7 ] && grep -q "cannot write snapshot" "$tmp/stderr"; then ok; else bad "unwritable snapshot: $st"; fi
# Atomic replacement leaves no temporary file behind.
if [ -z "$(ls "$snap".* 2>/dev/null)" ]; then ok; else bad "temporary file left behind: $(ls "$snap".*)"; fi

echo "snapshot: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
