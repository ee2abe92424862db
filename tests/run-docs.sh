#!/usr/bin/env bash
# run-docs.sh MVM - run every program and command shown in the documentation, so docs
# cannot drift.
#
# In README.md and docs/*.md, a fenced block opened with ```kar is a complete program.
# It may be followed (only blank lines between) by:
#   ```output   the exact standard output it prints
#   ```stderr   lines that must each appear in its standard error; the run may then end
#               with any status (the block shows an error); without it the status must be 0
# Each program runs as prog.kar in a directory of its own, so diagnostics read
# `prog.kar:LINE:COL: ...` as the docs show them.
#
# A fenced block opened with ```console checked (GitHub shows it as a console block) is a
# terminal session, checked as written. Its lines that start with `$ ` are commands; the
# lines after a command, up to the next `$ ` line or the end of the block, are what it
# prints, standard output and standard error together, in the order printed, compared
# exactly, except the host-dependent lines `stats: peak memory ...`, `stats: time ...`
# and `stats: speed ...`, which are left out of both. The status must be 0, unless the
# expected output holds a line of mvm's own starting `mvm: ` (a fault, --max-steps, a
# deadlock), which explains another status. The commands of a block run one after
# another in a fresh temporary directory where `examples` is the repository's examples/
# (so program paths read as from the repository root) and no config.json is read unless
# --config names one. Two commands are allowed, with words separated by blanks (no
# quotes, redirections, pipes or variables):
#   $ mvm run|resume|check ...   the mvm under test; a file it writes (--timeline,
#                                --stats-json, --snapshot, --vfs) must be a plain name,
#                                which lands in the temporary directory
#   $ cat NAME                   a file that an earlier command of the block wrote
# Other ```console blocks are not run (they may show commands on files the docs do not
# have). Prints `docs: N passed, N failed` (a program or a command each).
set -u
mvm=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Split the docs into $work/N/{prog.kar,output,stderr,where} and $work/N/{console,where}.
awk -v dir="$work" '
    function fence_open(tag) {
        if (tag == "kar" || tag == "console checked") {
            n++; kind = (tag == "kar") ? "kar" : "console"; system("mkdir -p " dir "/" n)
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
    kind == "kar"     { print > (dir "/" n "/prog.kar"); next }
    kind == "output"  { print > (dir "/" n "/output"); next }
    kind == "stderr"  { print > (dir "/" n "/stderr"); next }
    kind == "console" { print > (dir "/" n "/console"); next }
    kind == "" && NF > 0 { attach = 0 }
' README.md docs/*.md

pass=0
fail=0

# The host-dependent lines of --stats.
host_free() { grep -v -E '^stats: (peak memory|time|speed) ' || true; }

# check_command DIR WHERE COMMAND: run one `$ ` line of a console block in DIR/run and
# compare what it prints with DIR/expect. Prints why it failed, if it did.
check_command() {
    local d=$1 where=$2 cmd=$3 status w prev=""
    local -a words
    read -r -a words <<<"$cmd"
    case $cmd in
        *[\'\"\|\<\>\;\&\$\`\\\(\)\*\?]*)
            echo "quotes, redirections, pipes, variables and patterns are not supported"; return ;;
    esac
    case ${words[0]} in
        mvm)
            case ${words[1]:-} in
                run|resume|check) ;;
                *) echo "only mvm run, resume and check are allowed"; return ;;
            esac
            for w in "${words[@]:1}"; do
                case $w in
                    /*|*..*) echo "$w: absolute paths and .. are not allowed"; return ;;
                esac
                case $prev in
                    --timeline|--stats-json|--snapshot|--vfs)
                        case $w in
                            */*) echo "$prev $w: a file mvm writes must be a plain name"; return ;;
                        esac ;;
                esac
                prev=$w
            done
            (cd "$d/run" && timeout 20 "$mvm" "${words[@]:1}" </dev/null >"$d/actual" 2>&1)
            status=$? ;;
        cat)
            w=${words[1]:-}
            if [ ${#words[@]} -ne 2 ] || [[ $w == */* ]] || [ "$w" = examples ] \
                || [ ! -f "$d/run/$w" ]; then
                echo "cat takes one file written by an earlier command of the block"; return
            fi
            cat "$d/run/$w" >"$d/actual"
            status=0 ;;
        *)
            echo "only mvm and cat commands are allowed"; return ;;
    esac
    host_free <"$d/actual" >"$d/actual.cmp"
    host_free <"$d/expect" >"$d/expect.cmp"
    if ! cmp -s "$d/expect.cmp" "$d/actual.cmp"; then
        echo "output differs (--- expected, +++ actual):"
        diff -u "$d/expect.cmp" "$d/actual.cmp" | sed -n '3,14s/^/    /p'
    elif [ "$status" -ne 0 ] && ! grep -q '^mvm: ' "$d/expect.cmp"; then
        echo "exit status $status, and no mvm: line in the expected output explains it"
    fi
}

# check_console DIR: run the commands of the console block in DIR/console.
check_console() {
    local d=$1 file line0 i=0 cmd="" at=0 text why more
    IFS=: read -r file line0 <"$d/where"
    mkdir -p "$d/run"
    ln -s "$root/examples" "$d/run/examples"
    : >"$d/expect"
    if [ ! -s "$d/console" ]; then
        fail=$((fail + 1)); echo "FAIL $file:$line0: an empty console block"; return
    fi
    while :; do
        IFS= read -r text
        more=$?
        i=$((i + 1))
        if [ $more -ne 0 ] || [[ $text == '$ '* ]]; then
            if [ -n "$cmd" ]; then
                why=$(check_command "$d" "$file:$at" "$cmd")
                if [ -z "$why" ]; then
                    pass=$((pass + 1))
                else
                    fail=$((fail + 1))
                    printf 'FAIL %s:%d: $ %s: %s\n' "$file" "$at" "$cmd" "$why"
                fi
            fi
            [ $more -ne 0 ] && break
            cmd=${text#'$ '}
            at=$((line0 + i))
            : >"$d/expect"
        elif [ -z "$cmd" ]; then
            fail=$((fail + 1)); echo "FAIL $file:$((line0 + i)): output before the first command"
            return
        else
            printf '%s\n' "$text" >>"$d/expect"
        fi
    done <"$d/console"
}

for d in "$work"/*/; do
    d=${d%/}
    if [ -f "$d/console" ]; then
        check_console "$d"
        continue
    fi
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
