#!/usr/bin/env bash
# run-debug.sh MVM - the debugger's tests (docs/debugger.md).
#
# 1. Scripted sessions: for every tests/debug/NAME.cmd,
#        MVM debug tests/debug/NAME.kar [$(cat NAME.args)] < NAME.cmd
#    run from the repository root; its standard error must equal NAME.expect and its
#    standard output NAME.out (when that file exists). In NAME.args, @TMP@ stands for a
#    fresh temporary directory (for VFS images). UPDATE=1 rewrites the expectations.
# 2. The going-back property (a second `continue` passes a fault stop): for every golden program in tests/programs that runs
#    cleanly without standard input or special options, a session that steps forward,
#    goes back K steps at a few pseudo-random points, steps again and continues must
#    print exactly what `mvm run` prints (nothing twice) and end with the same status.
# Prints `debug: N passed, N failed`; exit status 1 if any failed.
set -u
set -f
if [ $# -lt 1 ]; then
    echo "usage: $0 MVM" >&2
    exit 2
fi
orig=$PWD
root=$(cd "$(dirname "$0")/.." && pwd)
mvm=$1
case $mvm in /*) ;; *) mvm=$orig/$mvm ;; esac
cd "$root" || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mvm-debug.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

session() {     # session NAME
    local name=$1 dir=tests/debug args=() work
    work=$(mktemp -d "$tmp/s.XXXXXX")
    if [ -f "$dir/$name.args" ]; then
        read -r -a args < <(sed "s#@TMP@#$work#g" "$dir/$name.args")
    fi
    NO_COLOR=1 timeout 60 "$mvm" debug "$dir/$name.kar" "${args[@]}" < "$dir/$name.cmd" \
        > "$work/out" 2> "$work/err"
    sed -i "s#$work#@TMP@#g" "$work/err" "$work/out"
    if [ "${UPDATE:-0}" = 1 ]; then
        cp "$work/err" "$dir/$name.expect"
        [ -s "$work/out" ] && cp "$work/out" "$dir/$name.out"
    fi
    local ok=1
    cmp -s "$work/err" "$dir/$name.expect" || ok=0
    if [ -f "$dir/$name.out" ] && ! cmp -s "$work/out" "$dir/$name.out"; then ok=0; fi
    if [ $ok = 1 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL session $name"
        diff "$dir/$name.expect" "$work/err" | head -20
        [ -f "$dir/$name.out" ] && diff "$dir/$name.out" "$work/out" | head -10
    fi
}

set +f
for cmd in tests/debug/*.cmd; do
    name=${cmd##*/}
    session "${name%.cmd}"
done
set -f

# Pseudo-random numbers from the file name (the same every run): one seed, several draws.
seed=0
pick() { seed=$(( (seed * 1103515245 + 12345) % 2147483648 )); echo $(( (seed / 65536) % $1 + 1 )); }

property() {    # property FILE
    local f=$1 args want status got info
    # One awk per file (the suite runs hundreds): "skip", or a seed and the options.
    info=$(awk -v f="$f" '
        /^; *(stdin|run-args)/ { skip = 1 }
        /^; *args:/ && !args { a = $0; sub(/^; *args: */, "", a); args = a }
        toupper($0) ~ /SYS_TIME|DEV_CLOCK|SLEEP|SYS_(NEWFILE|WRITEFILE|READFILE|DELETEFILE|NEWDIR|LISTFILES|FILEINFO|SETPERMISSIONS|SPAWN|EXEC)/ { skip = 1 }
        END {
            if (args ~ /--(vfs|max-steps|trace|snapshot|config)|hertz/) skip = 1
            h = 7; for (i = 1; i <= length(f); i++) h = (h * 31 + index("abcdefghijklmnopqrstuvwxyz_/.0123456789", substr(f, i, 1))) % 2147483647
            print (skip ? "skip" : h) " " args
        }' "$f")
    [ "${info%% *}" = skip ] && return 0
    seed=${info%% *}
    args=${info#* }
    timeout 10 "$mvm" run $args "$f" < /dev/null > "$tmp/want" 2> /dev/null
    status=$?
    [ $status -ge 2 ] && [ $status -ne 139 ] && [ $status -lt 128 ] && return 0
    [ $status = 124 ] && return 0
    local a b k1 k2
    a=$(pick 40); seed=$((seed + a)); b=$(pick 300); seed=$((seed + b))
    k1=$(pick "$a"); seed=$((seed + k1)); k2=$(pick 60)
    printf 's %s\nback %s\ns %s\ns %s\nback %s\nback %s\nc\nc\nq\n' "$a" "$k1" "$k1" "$b" "$k2" "$k1" \
        | timeout 20 "$mvm" debug $args "$f" > "$tmp/got" 2> "$tmp/err"
    got=$(grep -o 'ended: status [0-9]*' "$tmp/err" | tail -1)
    if cmp -s "$tmp/want" "$tmp/got" && [ "$got" = "ended: status $status" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL property $f (s $a, back $k1, s $k1, s $b, back $k2, back $k1, c): want status $status, got '$got'"
        diff "$tmp/want" "$tmp/got" | head -5
    fi
}

while IFS= read -r f; do
    property "$f"
done < <(find tests/programs -name '*.kar' -not -path '*/lib/*' | sort | while read -r f; do
    [ -e "$(dirname "$f")/.module" ] || echo "$f"; done)

echo "debug: $pass passed, $fail failed"
[ $fail -eq 0 ]
