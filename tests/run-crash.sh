#!/usr/bin/env bash
# run-crash.sh MVM [RUNS] - the VFS durability test (SPEC 6: "killing mvm at any moment,
# even kill -9 in the middle of a write, never corrupts the image and never loses an
# operation that had returned").
#
# RUNS times (default 20; `make crashtest` runs 200), on one image shared by every run:
#   1. start tests/vfs/crash_writer.kar, which writes /rN/0, /rN/1, ... and /rN/counter,
#      logging "w i" to stdout once both writes of step i have returned;
#   2. after a random delay of 0..400 ms (some kills land while the image is being created
#      or mvm is starting), kill it with SIGKILL;
#   3. check: the image opens and passes SQLite's integrity check (`mvm vfs check`, and the
#      sqlite3 command too when installed); every logged i is a file of /rN with the right
#      content (the last one and a few others are read back in full); /rN holds nothing
#      else but step L+1 at most (L = the last logged step: step L+2 cannot have begun
#      before "w L+1" was flushed); the counter is L or L+1.
# At the end every earlier directory is listed again: later runs must not have lost any
# of its files. Prints `crash: N passed, N failed` (one count per run).
set -u

if [ $# -lt 1 ]; then
    echo "usage: $0 MVM [RUNS]" >&2
    exit 2
fi
mvm=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
runs=${2:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
writer=$root/tests/vfs/crash_writer.kar
work=$(mktemp -d "${TMPDIR:-/tmp}/mvm-crash.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
image=$work/crash.fs
have_sqlite3=0
command -v sqlite3 >/dev/null 2>&1 && have_sqlite3=1

pass=0
fail=0
declare -A listed            # run -> its directory listing, checked again at the end

# The content step i was written with: "i:" and (i * 37) mod 3000 'x's.
expected() {
    printf '%d:' "$1"
    head -c $(($1 * 37 % 3000)) /dev/zero | tr '\0' x
}

# check_run N LOG: set `problems` to what is wrong with run N (empty when it passed).
check_run() {
    local n=$1 log=$2 last names i counter
    local out
    problems=""
    if [ ! -e "$image" ]; then
        # The kill came before mvm created the image (a slow start: sanitizers, a loaded
        # machine): nothing may have been logged.
        grep -q '^w ' "$log" && problems="no image after a logged write"
        return
    fi
    if ! out=$("$mvm" vfs --vfs "$image" check 2>&1); then
        problems="integrity check failed: $out"
        return
    fi
    if [ $have_sqlite3 = 1 ]; then
        out=$(sqlite3 "$image" 'PRAGMA integrity_check' 2>&1)
        [ "$out" = ok ] || { problems="sqlite3 integrity_check: $out"; return; }
    fi
    if grep -q '^fail' "$log"; then
        problems="a write failed: $(grep '^fail' "$log" | head -1)"
        return
    fi
    last=$(grep -c '^w ' "$log")
    last=$((last - 1))                        # steps 0..last were logged
    if grep -v -q '^w ' "$log"; then
        problems="unexpected output: $(grep -v '^w ' "$log" | head -1)"
        return
    fi
    if ! names=$("$mvm" vfs --vfs "$image" ls "/r$n" 2>&1); then
        # The kill came before the directory was made: nothing may have been logged.
        [ "$last" -lt 0 ] || problems="/r$n missing after $((last + 1)) logged writes: $names"
        return
    fi
    # Exactly steps 0..last (and perhaps last+1), plus the counter once step 0 began.
    local want="" extra=$((last + 1))
    want=$( { [ "$last" -ge 0 ] && seq 0 "$last"; } | sort)
    local got
    got=$(grep -v '^counter$' <<<"$names" | grep -v "^$extra\$" | sort)
    if [ "$got" != "$want" ]; then
        problems="files of /r$n differ from the log (last logged step $last): $(diff <(echo "$want") <(echo "$got") | head -4 | tr '\n' ' ')"
        return
    fi
    if [ "$last" -ge 0 ]; then
        counter=$("$mvm" vfs --vfs "$image" cat "/r$n/counter")
        if [ "$counter" != "$last" ] && [ "$counter" != "$extra" ]; then
            problems="counter is '$counter', expected $last or $extra"
            return
        fi
        for i in "$last" $((RANDOM % (last + 1))) $((last / 2)) 0; do
            if ! cmp -s <("$mvm" vfs --vfs "$image" cat "/r$n/$i") <(expected "$i"); then
                problems="/r$n/$i has the wrong content"
                return
            fi
        done
    fi
    listed[$n]=$names
}

for n in $(seq 1 "$runs"); do
    log=$work/log.$n
    "$mvm" run --vfs "$image" "$writer" -- "/r$n" >"$log" 2>"$work/err.$n" &
    pid=$!
    sleep "0.$(printf '%03d' $((RANDOM % 400)))"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    check_run "$n" "$log"
    if [ -s "$work/err.$n" ]; then
        problems="$problems${problems:+; }stderr: $(head -c 300 "$work/err.$n")"
    fi
    if [ -z "$problems" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL run $n: $problems"
    fi
done

# Nothing written by an earlier run may have gone since.
for n in "${!listed[@]}"; do
    now=$("$mvm" vfs --vfs "$image" ls "/r$n" 2>&1)
    if [ "$now" != "${listed[$n]}" ]; then
        echo "FAIL run $n: /r$n changed after later runs"
        fail=$((fail + 1))
        pass=$((pass - 1))
    fi
done

echo "crash: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
