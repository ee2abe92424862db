# suite.sh - the common start of the script test suites (tests/run-NAME.sh MVM).
#
# Source it with the suite's name and the script's arguments:
#     . "$(dirname "$0")/lib/suite.sh" NAME "$@"
# It checks that MVM (the first argument) is an executable (else it prints the usage, or
# a failed summary line so run-all.sh counts the suite as failed) and sets
#     mvm   MVM's absolute path         root  the repository
#     work  a fresh temporary directory, removed at exit
# For suites made of named checks it also offers:
#     begin NAME     start check NAME in the fresh directory $work/NAME (now the current one)
#     problem TEXT   record something wrong with the current check
#     expect_err S   the last command's standard error (file err) contains S
#     summary        end the last check, print `NAME: N passed, N failed`; false if any failed
suite=$1
shift
if [ $# -lt 1 ]; then
    echo "usage: $0 MVM" >&2
    exit 2
fi
mvm=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
if [ ! -x "$mvm" ] || [ -d "$mvm" ]; then
    echo "run-$suite: $1 is not an executable (build it first)" >&2
    echo "$suite: 0 passed, 1 failed"
    exit 1
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/mvm-$suite.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT

pass=0
fail=0
current=""
problems=()

begin() {
    finish
    current=$1
    problems=()
    mkdir -p "$work/$1" && cd "$work/$1" || exit 2
}

finish() {
    [ -n "$current" ] || return 0
    if [ ${#problems[@]} -eq 0 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $current"
        printf '  - %s\n' "${problems[@]}"
    fi
    current=""
}

problem() { problems+=("$*"); }

expect_err() {
    grep -qF -- "$1" err || problem "stderr lacks '$1': '$(head -c 300 err)'"
}

summary() {
    finish
    echo "$suite: $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
