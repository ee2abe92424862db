#!/usr/bin/env bash
# run-security.sh MVM - what a guest program can reach on the host, and host inputs that
# could make mvm hang (SPEC 5 "Program paths", 7, 10 "Processes", "Library", "VFS"):
#   * a program read from the VFS finds its user modules in the VFS, beside it, never on
#     the host (a host mod/fn.kar beside the VFS path the guest chose is not run, and
#     nothing printed reveals whether such a host file exists);
#   * a host program finds its modules on the host, beside it, inside the directory of
#     PID 1's program: a symbolic link leading out of it is refused, for spawn/exec
#     program paths (error 9) and for module lookup (spawn fails with 9; `mvm run` of
#     such a program is an assembly error, status 2);
#   * a FIFO, directory or empty path given as program, image, snapshot or configuration
#     is refused at once (status 2 on the command line, error 9 for spawn/exec) instead
#     of blocking forever in open(2).
# Each check runs in a fresh temporary directory; commands that could block run under
# `timeout 5`, so a regression fails (status 124) rather than hangs.
# Prints `security: N passed, N failed`.
set -u

. "$(dirname "$0")/lib/suite.sh" security "$@"
assets=$root/tests/security

# expect_status WANT COMMAND...: run it under timeout 5 (stdout to out, stderr to err).
expect_status() {
    local want=$1 got
    shift
    timeout 5 "$@" >out 2>err </dev/null
    got=$?
    [ "$got" = "$want" ] || problem "'$*' exited with $got, expected $want ($(head -c 200 err))"
}

expect_out() {
    [ "$(cat out)" = "$1" ] || problem "stdout was '$(head -c 300 out | tr '\n' '|')', expected '$(echo "$1" | tr '\n' '|')'"
}


never_ran_host_file() {
    ! grep -q 'EVIL HOST FILE RAN' out || problem "a host file outside the rules ran: $*"
}

# vfs_mkdir_p IMAGE PATH: make every directory of PATH in the image.
vfs_mkdir_p() {
    local acc="" c
    local IFS=/
    for c in $2; do
        [ -n "$c" ] || continue
        acc="$acc/$c"
        "$mvm" vfs --vfs "$1" mkdir "$acc" >/dev/null 2>&1
    done
}

# ---- A program from the VFS finds its modules in the VFS ------------------------------

begin vfs_program_ignores_host_module
mkdir -p h/mod && cp "$assets/evil.kar" h/mod/fn.kar
vfs_mkdir_p img.fs /h
"$mvm" vfs --vfs img.fs put "$assets/calls_mod.kar" /h/prog
# The VFS path as given ("h/prog") once named the host's ./h/mod/fn.kar.
expect_status 0 "$mvm" run --vfs img.fs "$assets/launch.kar" -- h/prog
never_ran_host_file "relative VFS path"
expect_out "25"
expect_err "unknown function 'mod.fn'"
# An absolute VFS path that mirrors a host directory (the /tmp/... of the report).
mkdir -p abs/mod && cp "$assets/evil.kar" abs/mod/fn.kar
vfs_mkdir_p img.fs "$PWD/abs"
"$mvm" vfs --vfs img.fs put "$assets/calls_mod.kar" "$PWD/abs/prog"
expect_status 0 "$mvm" run --vfs img.fs "$assets/launch.kar" -- "$PWD/abs/prog"
never_ran_host_file "absolute VFS path"
expect_out "25"
expect_status 1 "$mvm" run --vfs img.fs "$assets/exec.kar" -- "$PWD/abs/prog"
never_ran_host_file "exec"
expect_out "25"

begin vfs_program_finds_vfs_module
vfs_mkdir_p img.fs /h/mod
"$mvm" vfs --vfs img.fs put "$assets/calls_mod.kar" /h/prog
"$mvm" vfs --vfs img.fs put "$assets/good_mod.kar" /h/mod/fn.kar
mkdir -p h/mod && cp "$assets/evil.kar" h/mod/fn.kar
for p in /h/prog h/prog /x/../h/prog; do
    expect_status 0 "$mvm" run --vfs img.fs "$assets/launch.kar" -- "$p"
    never_ran_host_file "$p"
    expect_out $'0\nmodule ran\n3'
done
expect_status 3 "$mvm" run --vfs img.fs "$assets/exec.kar" -- /h/prog
expect_out "module ran"

begin no_leak_of_host_files
vfs_mkdir_p img.fs /h
"$mvm" vfs --vfs img.fs put "$assets/calls_mod.kar" /h/prog
# A broken host module: its assembly errors once told the guest's user it was there.
mkdir -p h/mod && printf 'NOPE G1\n' > h/mod/fn.kar
expect_status 0 "$mvm" run --vfs img.fs "$assets/launch.kar" -- h/prog
cat out err > with.txt
rm -r h
expect_status 0 "$mvm" run --vfs img.fs "$assets/launch.kar" -- h/prog
cat out err > without.txt
cmp -s with.txt without.txt || problem "output differs with and without a host h/mod/fn.kar: $(diff with.txt without.txt | head -c 300)"
! grep -q 'h/mod/fn.kar' with.txt || problem "a message names the host file: $(head -c 300 with.txt)"

# ---- Host programs: inside the directory of PID 1's program --------------------------

begin host_spawn_symlink_leaving
mkdir base outside
cp "$assets/launch.kar" "$assets/exec.kar" "$assets/hello.kar" base/
cp "$assets/evil.kar" outside/evil.kar
ln -s ../outside/evil.kar base/link.kar
ln -s "$PWD/outside/evil.kar" base/abs.kar
ln -s ../outside base/sub
ln -s ../outside/none.kar base/dangling.kar
ln -s hello.kar base/inside.kar
for p in link.kar abs.kar sub/evil.kar dangling.kar; do
    expect_status 0 "$mvm" run base/launch.kar -- "$p"
    never_ran_host_file "spawn $p"
    expect_out "9"
    cp err "err.$(echo "$p" | tr / _)"
done
cmp -s err.link.kar err.dangling.kar || problem "stderr differs for a link to an existing and a missing file"
expect_status 1 "$mvm" run base/exec.kar -- link.kar
never_ran_host_file "exec link.kar"
expect_out "9"
expect_status 0 "$mvm" run base/launch.kar -- inside.kar   # a link that stays inside
expect_out $'0\nhello\n0'
ln -s base alias                                          # PID 1 reached through a link
expect_status 0 "$mvm" run alias/launch.kar -- hello.kar
expect_out $'0\nhello\n0'

begin host_module_symlink_leaving
mkdir -p base outside/mod
cp "$assets/launch.kar" "$assets/calls_mod.kar" base/
cp "$assets/evil.kar" outside/mod/fn.kar
ln -s ../outside/mod base/mod
expect_status 0 "$mvm" run base/launch.kar -- calls_mod.kar
never_ran_host_file "module through a linked directory"
expect_out "9"
expect_status 2 "$mvm" run base/calls_mod.kar
never_ran_host_file "mvm run, module through a linked directory"
expect_err "outside"
rm base/mod && mkdir base/mod
ln -s ../../outside/mod/fn.kar base/mod/fn.kar
expect_status 0 "$mvm" run base/launch.kar -- calls_mod.kar
never_ran_host_file "module file linked out"
expect_out "9"
rm base/mod/fn.kar && cp "$assets/good_mod.kar" base/mod/fn.kar
expect_status 0 "$mvm" run base/launch.kar -- calls_mod.kar
expect_out $'0\nmodule ran\n3'
expect_status 3 "$mvm" run base/calls_mod.kar
expect_out "module ran"

begin host_spawn_not_regular
mkdir -p base/dir.kar base/mod
cp "$assets/launch.kar" "$assets/calls_mod.kar" base/
mkfifo base/fifo.kar
expect_status 0 "$mvm" run base/launch.kar -- fifo.kar
expect_out "9"
expect_status 0 "$mvm" run base/launch.kar -- dir.kar
expect_out "9"
mkfifo base/mod/fn.kar                                    # a module that is a FIFO
expect_status 0 "$mvm" run base/launch.kar -- calls_mod.kar
expect_out "9"
expect_status 2 "$mvm" run base/calls_mod.kar
expect_err "not a regular file"

# ---- Command-line inputs that are not regular files ----------------------------------

begin cli_fifo_inputs
cp "$assets/hello.kar" .
mkfifo f f.kar
expect_status 2 "$mvm" run f.kar
expect_err "not a regular file"
expect_status 2 "$mvm" check f.kar
expect_status 2 "$mvm" vfs --vfs f ls
expect_err "not a regular file"
expect_status 2 "$mvm" vfs --vfs f mkdir /a
expect_status 2 "$mvm" run --vfs f hello.kar
expect_err "not a regular file"
expect_status 2 "$mvm" resume f
expect_err "not a regular file"
expect_status 2 "$mvm" run --config f hello.kar
expect_err "not a regular file"
expect_status 2 "$mvm" vfs --config f ls
mkfifo config.json
expect_status 2 "$mvm" run hello.kar
expect_err "config.json"
expect_status 2 "$mvm" vfs ls
rm config.json
mkdir config.json
expect_status 2 "$mvm" run hello.kar
rmdir config.json
expect_status 0 "$mvm" run hello.kar
expect_out "hello"

begin cli_image_paths
cp "$assets/hello.kar" .
mkdir d
expect_status 2 "$mvm" run --vfs '' hello.kar
expect_err "empty"
expect_status 2 "$mvm" vfs --vfs '' ls
expect_status 2 "$mvm" vfs --vfs '' put hello.kar /x
expect_status 2 "$mvm" run --vfs d hello.kar
expect_err "not a regular file"
expect_status 2 "$mvm" vfs --vfs d ls
expect_status 2 "$mvm" vfs --vfs /dev/null ls
printf '{ "locations": [ { "requirement": "vfs", "path": "" } ] }\n' > empty.json
expect_status 2 "$mvm" run --config empty.json hello.kar
expect_err "empty"
expect_status 2 "$mvm" vfs --config empty.json ls
[ -z "$(ls -A | grep -v -e '^hello.kar$' -e '^d$' -e '^empty.json$' -e '^out$' -e '^err$')" ] ||
    problem "files were created: $(ls -A | tr '\n' ' ')"

summary
