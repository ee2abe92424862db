#!/usr/bin/env bash
# run-vfs.sh MVM - the VFS across mvm processes and from the host (SPEC 6, 9, 10):
#   * persistence: a program writes, a second mvm reads it back (and examples/notes.kar
#     keeps its notes across runs);
#   * where the image lives: ./vfs.fs by default, config.json's locations -> vfs, --vfs
#     (which wins); a program that never touches the VFS creates no image;
#   * `mvm vfs`: every command, its output, exit statuses 0 / 1 / 2, byte-exact copies;
#   * images that are not ours (text, truncated, too short) are refused, byte for byte
#     untouched, by `mvm vfs` and by a running program alike;
#   * damaged images (110 copies of a real one, each with a page overwritten by a fixed-seed
#     generator) that `mvm vfs check` reports refuse every write and keep their bytes;
#   * SQLite's messages about a damaged image reach the terminal with control bytes escaped;
#   * two mvm processes writing to one image at the same time both succeed.
# Each check runs in a fresh temporary directory. Prints `vfs: N passed, N failed`.
set -u

. "$(dirname "$0")/lib/suite.sh" vfs "$@"
assets=$root/tests/vfs

# expect_status WANT COMMAND...: run it (stdout to out, stderr to err), check the status.
expect_status() {
    local want=$1 got
    shift
    "$@" >out 2>err
    got=$?
    [ "$got" = "$want" ] || problem "'$*' exited with $got, expected $want ($(head -c 200 err))"
}

# expect_out TEXT: the last command's stdout was exactly TEXT (plus a final newline).
expect_out() {
    [ "$(cat out)" = "$1" ] || problem "stdout was '$(head -c 300 out)', expected '$1'"
}


# ---- Persistence --------------------------------------------------------------------

begin persistence
expect_status 0 "$mvm" run --vfs img.fs "$assets/persist_write.kar"
expect_out "written"
expect_status 0 "$mvm" run --vfs img.fs "$assets/persist_read.kar"
expect_out $'remember me\n0\n2\nempty note'
expect_status 0 "$mvm" vfs --vfs img.fs check
expect_out "ok"

begin notes_example
printf 'buy milk\n' | "$mvm" run "$root/examples/notes.kar" >out 2>err || problem "first run failed: $(cat err)"
printf 'call Ada\n' | "$mvm" run "$root/examples/notes.kar" >out 2>err || problem "second run failed: $(cat err)"
grep -q 'buy milk' out && grep -q 'call Ada' out || problem "second run does not show both notes: $(cat out)"
expect_status 0 "$mvm" vfs cat /notes/notes.txt
expect_out $'buy milk\ncall Ada'

# ---- Where the image lives -----------------------------------------------------------

begin default_image
expect_status 0 "$mvm" run "$assets/persist_write.kar"
[ -f vfs.fs ] || problem "no ./vfs.fs after a program used the VFS"
expect_status 0 "$mvm" vfs ls /p
expect_out $'empty\nnote'

begin no_image_without_use
expect_status 0 "$mvm" run "$root/examples/hello.kar"
[ ! -e vfs.fs ] || problem "a program that never used the VFS created vfs.fs"

begin config_location
printf '{ "locations": [ { "requirement": "vfs", "path": "cfg.fs" } ] }\n' > config.json
expect_status 0 "$mvm" run "$assets/persist_write.kar"
[ -f cfg.fs ] || problem "config.json's locations -> vfs was not used"
[ ! -e vfs.fs ] || problem "vfs.fs was created although config.json names cfg.fs"
expect_status 0 "$mvm" vfs cat /p/note
expect_out "remember me"
expect_status 0 "$mvm" run --vfs opt.fs "$assets/persist_write.kar"
[ -f opt.fs ] || problem "--vfs did not win over config.json"
printf '{ "locations": [ { "requirement": "vfs", "path": "other.fs" } ] }\n' > other.json
expect_status 0 "$mvm" vfs --config other.json mkdir /x
[ -f other.fs ] || problem "mvm vfs --config was not used"

# ---- mvm vfs --------------------------------------------------------------------------

begin vfs_command
expect_status 0 "$mvm" vfs ls                     # a missing image reads as empty...
expect_out ""
expect_status 1 "$mvm" vfs cat /x
expect_err "no such file or directory"
expect_status 1 "$mvm" vfs check
[ ! -e vfs.fs ] || problem "a read-only command created the image"
expect_status 0 "$mvm" vfs mkdir /docs              # ...and one that writes creates it
[ -f vfs.fs ] || problem "mkdir did not create the image"
printf 'hello\n' > hello.txt
expect_status 0 "$mvm" vfs put hello.txt /docs/b.txt
expect_status 0 "$mvm" vfs put hello.txt docs/A.txt
expect_status 0 "$mvm" vfs put hello.txt /docs/a.txt
expect_status 0 "$mvm" vfs ls docs
expect_out $'A.txt\na.txt\nb.txt'
expect_status 0 "$mvm" vfs ls
expect_out "docs"
expect_status 0 "$mvm" vfs cat /docs/../docs/b.txt
expect_out "hello"
expect_status 0 "$mvm" vfs info /docs/b.txt
grep -Eq '^size 6$' out && grep -q '^type file$' out && grep -q '^readable 1$' out &&
    grep -q '^writable 1$' out && grep -Eq '^created [0-9]{13}$' out &&
    grep -Eq '^modified [0-9]{13}$' out && [ "$(wc -l < out)" -eq 6 ] ||
    problem "info of a file: $(tr '\n' '|' < out)"
expect_status 0 "$mvm" vfs info /docs
grep -q '^size 3$' out && grep -q '^type directory$' out || problem "info of a directory: $(tr '\n' '|' < out)"
# Every byte value survives put, cat and get unchanged.
for i in $(seq 0 255); do printf "\\$(printf '%03o' "$i")"; done > bytes.bin
expect_status 0 "$mvm" vfs put bytes.bin /bytes
"$mvm" vfs cat /bytes > cat.bin && cmp -s bytes.bin cat.bin || problem "cat changed the bytes"
expect_status 0 "$mvm" vfs get /bytes got.bin
cmp -s bytes.bin got.bin || problem "get changed the bytes"
printf 'from stdin' | "$mvm" vfs put - /stdin >/dev/null 2>&1 || problem "put - failed"
expect_status 0 "$mvm" vfs get /stdin -
expect_out "from stdin"
expect_status 0 "$mvm" vfs chmod 1 /stdin
expect_status 1 "$mvm" vfs put hello.txt /stdin
expect_err "not writable"
expect_status 1 "$mvm" vfs chmod 9 /stdin
expect_err "0..3"
expect_status 1 "$mvm" vfs rm /docs
expect_err "not empty"
expect_status 0 "$mvm" vfs rm /docs/A.txt
expect_status 1 "$mvm" vfs rm /docs/A.txt
expect_status 1 "$mvm" vfs rm /
expect_status 1 "$mvm" vfs mkdir /docs
expect_err "already exists"
expect_status 1 "$mvm" vfs mkdir /no/such
expect_status 1 "$mvm" vfs put no-such-host-file /x
expect_err "no-such-host-file"
expect_status 1 "$mvm" vfs get /docs/a.txt no-such-dir/out.txt
expect_status 1 "$mvm" vfs cat /docs
expect_err "is a directory"
expect_status 1 "$mvm" vfs ls /docs/a.txt
expect_status 1 "$mvm" vfs info /nothing
expect_status 0 "$mvm" vfs check
expect_out "ok"

begin vfs_usage_errors
expect_status 2 "$mvm" vfs
expect_status 2 "$mvm" vfs frobnicate
expect_status 2 "$mvm" vfs cat
expect_status 2 "$mvm" vfs cat /a /b
expect_status 2 "$mvm" vfs put onlyone
expect_status 2 "$mvm" vfs ls --bogus
expect_status 2 "$mvm" vfs ls --vfs
expect_status 2 "$mvm" vfs chmod rw /x
expect_status 0 "$mvm" vfs --help
grep -q 'usage: mvm vfs' out || problem "--help prints no usage"
[ ! -e vfs.fs ] || problem "a usage error created the image"

# ---- Images that are not ours ---------------------------------------------------------

begin refuse_foreign_images
printf 'Dear diary,\nthis is not an image, and it is long enough to hold an SQLite header.\n' > text.fs
"$mvm" vfs mkdir /a >/dev/null 2>&1
for i in $(seq 1 30); do head -c 3000 /dev/zero | "$mvm" vfs put - "/a/f$i" >/dev/null 2>&1; done
size=$(wc -c < vfs.fs)
head -c $((size / 2)) vfs.fs > truncated.fs
head -c 50 vfs.fs > short.fs
for f in text.fs truncated.fs short.fs; do
    before=$(cksum < "$f")
    expect_status 1 "$mvm" vfs --vfs "$f" ls
    expect_err "$f"
    expect_status 1 "$mvm" vfs --vfs "$f" mkdir /x
    expect_status 0 "$mvm" run --vfs "$f" "$assets/persist_write.kar"   # its calls fail, it goes on
    expect_err "mvm: $f:"
    [ "$(cksum < "$f")" = "$before" ] || problem "$f was modified"
    ls "$f"-* >/dev/null 2>&1 && problem "SQLite files were created beside $f"
done
expect_status 1 "$mvm" vfs --vfs truncated.fs ls
expect_err "truncated"
expect_status 2 "$mvm" vfs --vfs . ls        # not a regular file: a usage error (SPEC 10 "VFS")
expect_err "not a regular file"

# ---- Damaged images are not written to (SPEC 6, 10 "VFS") ------------------------------
# A real image is copied and one page of each copy overwritten with bytes from a fixed-seed
# generator (a whole page, or 64 bytes somewhere in it). Every copy that `mvm vfs check`
# calls damaged must refuse put, mkdir and rm (status 1, a message saying so) and a
# program's writes (9), and keep its bytes. Copies it calls sound must still accept writes.

begin damaged_images_refuse_writes
"$mvm" run --vfs base.fs "$assets/many_writes.kar" -- /one >/dev/null 2>&1
for i in 1 2 3 4 5 6; do head -c $((i * 3000)) /dev/zero | tr '\0' "$i" > big$i; done
for i in 1 2 3 4 5 6; do "$mvm" vfs --vfs base.fs put big$i /big$i >/dev/null 2>&1; done
"$mvm" vfs --vfs base.fs check >/dev/null 2>&1 || problem "the base image is not sound"
LC_ALL=C awk 'BEGIN { srand(8); for (i = 0; i < 65536; i++) printf "%c", int(rand() * 256) }' > noise.bin
printf 'x\n' > host.txt
page=$(od -An -tu1 -j16 -N2 base.fs | awk '{ print $1 * 256 + $2 }')
pages=$(( $(wc -c < base.fs) / page ))
RANDOM=4242
damaged=0
sound=0
for i in $(seq 1 110); do
    img=img$i.fs
    cp base.fs "$img"
    p=$(( RANDOM % pages ))                        # page 0 (the header page) included
    if [ $((i % 2)) -eq 0 ]; then
        dd if=noise.bin of="$img" bs="$page" seek="$p" skip=$(( RANDOM % 16 )) count=1 conv=notrunc 2>/dev/null
    else
        dd if=noise.bin of="$img" bs=1 seek=$(( p * page + RANDOM % (page - 64) )) skip=$(( RANDOM % 60000 )) \
            count=64 conv=notrunc 2>/dev/null
    fi
    before=$(cksum < "$img")
    if "$mvm" vfs --vfs "$img" check >/dev/null 2>&1; then
        sound=$((sound + 1))
        "$mvm" vfs --vfs "$img" put host.txt /sound >/dev/null 2>err ||
            problem "image $i: check says sound but put failed: $(head -c 200 err)"
        continue
    fi
    damaged=$((damaged + 1))
    expect_status 1 "$mvm" vfs --vfs "$img" put host.txt /x
    grep -Eq 'damaged|not an MVM VFS image' err || problem "image $i: put: no clear message: $(head -c 200 err)"
    expect_status 1 "$mvm" vfs --vfs "$img" mkdir /newdir
    expect_status 1 "$mvm" vfs --vfs "$img" rm /one/aaa
    expect_status 0 "$mvm" run --vfs "$img" "$assets/write_flags.kar"
    [ "$(tr '\n' ' ' < out)" = "9 9 9 " ] || problem "image $i: a program's writes gave I7 = $(tr '\n' ' ' < out)"
    [ "$(cksum < "$img")" = "$before" ] || problem "image $i (page $p) was written to"
done
[ "$damaged" -ge 50 ] || problem "only $damaged of 110 copies were damaged (want 50 or more)"
echo "damaged images: $damaged damaged, $sound sound"

begin sqlite_messages_escaped
# SQLite quotes bytes of a damaged schema in its message: they must not reach the
# terminal raw (an ESC could drive it).
"$mvm" vfs --vfs s.fs mkdir /a >/dev/null 2>&1
off=$(grep -obUa 'ON entry(parent, name)' s.fs | head -n 1 | cut -d: -f1)
if [ -z "$off" ]; then
    problem "the index definition was not found in the image"
else
    printf '\033[2J\033]0;x\007(((((((((' | dd of=s.fs bs=1 seek="$off" conv=notrunc 2>/dev/null
fi
for cmd in "vfs --vfs s.fs ls" "vfs --vfs s.fs mkdir /b" "run --vfs s.fs $assets/write_flags.kar"; do
    # shellcheck disable=SC2086
    "$mvm" $cmd >out 2>err
    grep -q 'damaged' err || problem "$cmd: no message about the damage: $(head -c 200 err)"
    ! LC_ALL=C grep -q "$(printf '\033')" err || problem "$cmd: a raw ESC byte reached standard error"
    grep -qF '\x1B' err || problem "$cmd: the ESC byte is not shown escaped: $(head -c 200 err)"
done

# ---- Two mvm processes at once ---------------------------------------------------------

begin concurrent_writers
"$mvm" run --vfs shared.fs "$assets/many_writes.kar" -- /one >out1 2>err1 &
p1=$!
"$mvm" run --vfs shared.fs "$assets/many_writes.kar" -- /two >out2 2>err2 &
p2=$!
wait $p1 || problem "the first writer failed: $(cat out1 err1 | head -c 300)"
wait $p2 || problem "the second writer failed: $(cat out2 err2 | head -c 300)"
[ "$(cat out1 out2)" = $'done\ndone' ] || problem "writers said: $(cat out1 out2 | tr '\n' '|')"
for d in one two; do
    n=$("$mvm" vfs --vfs shared.fs ls "/$d" | wc -l)
    [ "$n" -eq 200 ] || problem "/$d holds $n files, expected 200"
done
expect_status 0 "$mvm" vfs --vfs shared.fs cat /two/bjj
expect_out "/two/bjj"
expect_status 0 "$mvm" vfs --vfs shared.fs check

summary
