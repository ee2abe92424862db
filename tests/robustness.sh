#!/usr/bin/env bash
# robustness.sh MVM - feed mvm hostile and extreme inputs (generated in a temp dir).
#
# Every case must end with its defined exit status within 20 s, and mvm must never be
# killed by a host signal (a crash): an exit status >= 128 counts as a crash unless the
# case expects it (an unhandled fault in the program gives 128 + signal) and mvm printed
# its fault diagnostic. Prints `robustness: N passed, N failed`; exit 1 if any failed.
set -u
set -f

if [ $# -lt 1 ]; then
    echo "usage: $0 MVM" >&2
    exit 2
fi
mvm=$1
case $mvm in
    /*) ;;
    */*) mvm=$PWD/$mvm ;;
    *) [ -e "$PWD/$mvm" ] && mvm=$PWD/$mvm ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mvm-robust.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2

pass=0
fail=0

if [ ! -x "$mvm" ] || [ -d "$mvm" ]; then
    echo "robustness: $mvm is not an executable (build it first)" >&2
    echo "robustness: 0 passed, 1 failed"
    exit 1
fi

# run ARGS... : runs `timeout 20 MVM ARGS` with stdin from /dev/null; sets $status and
# $signalled (non-empty when the host killed mvm by a signal; bash reports that on the
# subshell's stderr). Output goes to out.txt / err.txt.
run() {
    ( timeout 20 "$mvm" "$@" </dev/null >out.txt 2>err.txt; echo $? >rc.txt ) 2>shell.txt
    status=$(<rc.txt)
    signalled=$(<shell.txt)
}

# verdict NAME PROBLEM... : an empty PROBLEM list passes.
verdict() {
    local name=$1
    shift
    local problems=()
    local p
    for p in "$@"; do
        [ -n "$p" ] && problems+=("$p")
    done
    if [ -n "$signalled" ]; then
        problems+=("mvm was killed by a host signal: $signalled")
    fi
    if [ "$status" = 124 ]; then
        problems+=("hung (timeout 20 s)")
    fi
    if [ ${#problems[@]} -eq 0 ]; then
        pass=$((pass + 1))
        return
    fi
    fail=$((fail + 1))
    echo "FAIL $name"
    for p in "${problems[@]}"; do
        echo "  - $p"
    done
    echo "  exit status: $status"
    if [ -s out.txt ]; then
        echo "  stdout:"
        head -c 1000 out.txt | head -n 5 | sed 's/^/    /'
    fi
    if [ -s err.txt ]; then
        echo "  stderr:"
        head -c 1000 err.txt | head -n 5 | sed 's/^/    /'
    fi
}

want_status() {     # want_status N : prints a problem when $status != N
    [ "$status" = "$1" ] || echo "exit status $status, expected $1"
}
want_stdout() {     # want_stdout TEXT : stdout must be exactly TEXT (and a newline unless empty)
    if [ -z "$1" ]; then
        [ -s out.txt ] && echo "stdout should be empty"
    else
        [ "$(cat out.txt)" = "$1" ] || echo "stdout should be: $1"
    fi
}
want_stderr() {     # want_stderr FRAGMENT
    grep -qF -- "$1" err.txt || echo "stderr lacks: $1"
}
want_defined_error() {  # a clean failure: 1..127 and a message
    if [ "$status" = 0 ] || [ "$status" -ge 128 ]; then
        echo "exit status $status, expected a failure status 1..127"
    fi
    [ -s err.txt ] || echo "no message on stderr"
}

want_no_crash() {      # any status below 128
    [ "$status" -lt 128 ] || echo "exit status $status"
}

# --- empty file: nothing to run -------------------------------------------------------
: >empty.kar
run run empty.kar
verdict "empty file" "$(want_status 0)" "$(want_stdout "")"

# --- only blank lines, comments and labels ----------------------------------------------
printf '\n\n; nothing\n// nothing\nhere:\n   \t\n' >blank.kar
run run blank.kar
verdict "blank, comment and label lines only" "$(want_status 0)" "$(want_stdout "")"

# --- 1 MB of random bytes -----------------------------------------------------------
head -c 1048576 /dev/urandom >random.kar
run run random.kar
verdict "1 MB of random binary" "$(want_status 2)"

# --- NUL bytes in a line ------------------------------------------------------------
printf 'PRINTR 1\nLIT G1 \0 5\nPRINTR 2\n' >nul.kar
run run nul.kar
verdict "NUL byte inside a statement" "$(want_status 2)" "$(want_stdout "")"

# --- a 10 MB single line: invalid, then a valid comment -----------------------------
head -c 10485760 /dev/zero | tr '\0' 'A' >longline.kar
run run longline.kar
verdict "10 MB single-token line" "$(want_status 2)" "$(want_stdout "")"

{ printf '; '; head -c 10485760 /dev/zero | tr '\0' 'x'; printf '\nPRINTR 7\n'; } >longcomment.kar
run run longcomment.kar
verdict "10 MB comment line" "$(want_status 0)" "$(want_stdout 7)"

{ printf 'STR G1 "'; head -c 10485760 /dev/zero | tr '\0' 'y'; printf '\n'; } >longstring.kar
run run longstring.kar
verdict "10 MB unterminated string" "$(want_status 2)" "$(want_stdout "")"

{ printf 'LIT G1 '; head -c 1048576 /dev/zero | tr '\0' '9'; printf '\n'; } >longnumber.kar
run run longnumber.kar
verdict "1 MB integer literal" "$(want_status 2)" "$(want_stdout "")"

{ printf 'ADD'; printf ' G1%.0s' $(seq 1 2000); printf '\n'; } >manyops.kar
run run manyops.kar
verdict "2000 operands" "$(want_status 2)" "$(want_stdout "")"

# --- 1,000,000 labels -----------------------------------------------------------------
{ seq 1 1000000 | sed 's/^/l/; s/$/: NOP/'; echo 'PRINTR 1'; } >labels.kar
run run labels.kar
verdict "1,000,000 labels" "$(want_status 0)" "$(want_stdout 1)"

# --- a file without a trailing newline, CRLF line ends --------------------------------
printf 'LIT G1 5\r\nPRINTR G1\r\nPRINTR 6' >crlf.kar
run run crlf.kar
verdict "CRLF line ends, no final newline" "$(want_status 0)" "$(want_stdout $'5\n6')"

# --- jump to line 0 / past the end ------------------------------------------------------
printf 'JMP 0\n' >jump0.kar
run run jump0.kar
verdict "jump to line 0" "$(want_status 2)" "$(want_stdout "")"

printf 'JMP 3\nNOP\n' >jumpout.kar
run run jumpout.kar
verdict "jump past the end of the file" "$(want_status 2)" "$(want_stdout "")"

printf 'LIT G1 -5\nCALL 99999999999999999999\n' >badcall.kar
run run badcall.kar
verdict "CALL to a huge number" "$(want_status 2)" "$(want_stdout "")"

# --- deep recursion: call stack overflow is fault 5, SEGV ------------------------------
printf 'f: CALL f\n' >recurse.kar
run run recurse.kar
verdict "deep recursion" "$(want_status 139)" "$(want_stderr "StackOverflowException (5)")"

# --- data stack overflow ------------------------------------------------------------------
printf 'loop: PUSHL 1\nJMP loop\n' >pushes.kar
run run pushes.kar
verdict "pushing forever" "$(want_status 139)" "$(want_stderr "StackOverflowException (5)")"

# --- an infinite loop bounded by --max-steps --------------------------------------------
printf 'loop: JMP loop\n' >spin.kar
run run --max-steps 100000 spin.kar
verdict "infinite loop with --max-steps" "$(want_status 1)" "$(want_stdout "")"

# --- fork bomb: every process forks up to 12 times; the 64-process limit stops it -------
cat >forkbomb.kar <<'EOF'
        LIT G1 12
loop:   LIT S1 8
        SYSCALL
        JZ failed I5
        SUB G1 1 G1
        JNZ loop G1
        JMP end
failed: PRINTR I7
end:    NOP
EOF
run run --max-processes 64 forkbomb.kar
p1=$(want_status 0)
p2=""
grep -qx 32 out.txt || p2="no fork failed with 32"
p3=""
grep -qvx 32 out.txt && p3="a fork failed with another code than 32"
verdict "fork bomb with --max-processes 64" "$p1" "$p2" "$p3"

# --- allocate until the heap is exhausted (error 11, no fault) -------------------------
cat >allocall.kar <<'EOF'
        LIT S1 20
        LIT S2 100
loop:   SYSCALL
        JNZ loop I5
        PRINTR I7
EOF
run run --memory 4096 allocall.kar
verdict "alloc until exhaustion" "$(want_status 0)" "$(want_stdout 11)"

cat >allochuge.kar <<'EOF'
        LIT S1 20
        LIT S2 0x7FFFFFFFFFFFFFFF
        SYSCALL
        PRINTR I7
        LIT S1 26
        SYSCALL
        PRINTR I7
EOF
run run allochuge.kar
verdict "alloc and createArray of INT64_MAX words" "$(want_status 0)" "$(want_stdout $'11\n11')"

# --- wild addresses --------------------------------------------------------------------
printf 'LIT G1 0x7FFFFFFFFFFFFFFF\nSTORE 1 G1 1\n' >wild.kar
run run wild.kar
verdict "address overflow (INT64_MAX + 1)" "$(want_status 139)" "$(want_stderr "InvalidMemoryAddressException (2)")"

# --- bad command lines ----------------------------------------------------------------
run run "$tmp/does-not-exist.kar"
verdict "nonexistent file" "$(want_defined_error)"

mkdir -p adir.kar
run run adir.kar
verdict "a directory as the program" "$(want_defined_error)"

printf 'PRINTR 1\n' >ok.kar
run run --memory 0 ok.kar
verdict "--memory 0" "$(want_status 2)" "$(want_stdout "")"
run run --quantum 0 ok.kar
verdict "--quantum 0" "$(want_status 2)" "$(want_stdout "")"
run run --stack 0 ok.kar
verdict "--stack 0" "$(want_status 2)" "$(want_stdout "")"
run run --config "$tmp/missing.json" ok.kar
verdict "missing --config file" "$(want_status 2)" "$(want_stdout "")"
printf '{"quantum": ' >bad.json
run run --config bad.json ok.kar
verdict "malformed config.json" "$(want_status 2)" "$(want_stdout "")"
printf '{"quantum": "fast"}' >badtype.json
run run --config badtype.json ok.kar
verdict "config value of the wrong type" "$(want_status 2)" "$(want_stdout "")"
run run ok.kar --quantum
verdict "option without its value" "$(want_defined_error)"
run run --no-such-option ok.kar
verdict "unknown option" "$(want_defined_error)"
run frobnicate
verdict "unknown command" "$(want_defined_error)"
run
verdict "no arguments at all" "$(want_no_crash)"

echo "robustness: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
