#!/usr/bin/env bash
# run.sh [--target asm|snapshot|config|vfsimage|debugjson|debugcmd|crun|bytecode|engines] [--keep-going] [SECONDS]
#        [-- LIBFUZZER-OPTIONS...] - build and run one fuzzer, one per input format of mvm:
#   asm        fuzz_asm.c        .kar programs: the assembler, then a short run (the default)
#   snapshot   fuzz_snapshot.c   snapshots, what `mvm resume` reads
#   config     fuzz_config.c     config.json (--config FILE)
#   vfsimage   fuzz_vfsimage.c   VFS image files (--vfs FILE, `mvm vfs`)
#   debugjson  fuzz_debugjson.c  debug.json (--debug FILE), then a short run with it
#   debugcmd   fuzz_debugcmd.c   command scripts of a `mvm debug` session
# run.sh --replay - build the harnesses and replay every regression input only.
#
#   tests/fuzz/run.sh          build build/fuzz/fuzz_asm, replay tests/fuzz/regressions/*,
#                              then fuzz for 60 s
#   tests/fuzz/run.sh 600      fuzz for 10 minutes
#   tests/fuzz/run.sh 0        build and replay the regressions only
#   tests/fuzz/run.sh --target snapshot 600
#                              fuzz the snapshot loader for 10 minutes (corpus
#                              build/fuzz/corpus-snapshot, seeded with snapshots of
#                              tests/snapshot/*.kar taken by ./mvm; regressions *.snap)
#   tests/fuzz/run.sh --target config|vfsimage|debugjson|debugcmd 300
#                              the same for another format; corpus build/fuzz/corpus-TARGET,
#                              seeded (once) from: config: every *.json under tests/, the
#                              JSON examples of docs/configuration.md and a few made here;
#                              vfsimage: images made by ./mvm vfs; debugjson: the
#                              debug.json files of the tests and docs/command-line.md;
#                              debugcmd: tests/debug/*.cmd
#   tests/fuzz/run.sh --target crun 300
#                              differential: every program that assembles runs as assembled
#                              and after a round trip through bytecode; any difference is a
#                              finding (fuzz_crun.c; seeds: the golden programs, examples)
#   tests/fuzz/run.sh --target bytecode 300
#                              the .mar loader and verifier, then a bounded run
#                              (fuzz_bytecode.c; seeds: .mar files compiled by ./mvm)
#   tests/fuzz/run.sh --target engines 300
#                              differential: the input drives a generator of multi-process
#                              programs (fork, signals, mailboxes, semaphores, faults, ...);
#                              each runs under the run-ahead engine and the exact one
#                              (--exact); any difference is a finding (fuzz_engines.c;
#                              seeds: a few random byte strings)
#   tests/fuzz/run.sh --replay the same, one verdict per input and the summary line
#                              `fuzzreplay: N passed, N failed` (tests/run-fuzzreplay.sh,
#                              part of make test)
#   tests/fuzz/run.sh --keep-going 600
#                              UBSan reports do not stop the run (a separate build,
#                              fuzz_asm_recover): useful while a known UB bug is unfixed;
#                              the summary lists every distinct UB site seen
#
# The target (fuzz_asm.c) assembles arbitrary bytes and runs whatever assembles for at most
# 2000 instructions in a tiny VM, under AddressSanitizer, UBSan and LeakSanitizer
# (clang -fsanitize=fuzzer,address,undefined), with a virtual clock (SLEEP takes no real
# time) and an in-memory VFS. The working corpus is build/fuzz/corpus, seeded from
# tests/programs/**/*.kar and examples/*.kar; crash inputs land in build/fuzz/artifacts/.
# Keep a crash input as tests/fuzz/regressions/NAME.kar (or, when it makes a valid golden
# test with expect directives, under tests/programs/regression/); a crash input of another
# target under the extension below.
#
# Regression inputs go to the harness their extension names: .kar to fuzz_asm, .snap to
# fuzz_snapshot, .cfg.json to fuzz_config, .fs to fuzz_vfsimage, .dbg.json to
# fuzz_debugjson, .cmd to fuzz_debugcmd (two kinds of JSON, so two double extensions),
# .crun.kar to fuzz_crun, .mar to fuzz_bytecode, .engines to fuzz_engines (the generator's
# choice bytes, not a program: FUZZ_ENGINES_SHOW=1 prints the program); a
# harness whose source (tests/fuzz/NAME.c) does not exist yet is skipped with a note.
# --replay builds each harness that has a regression input. The MVM sources are compiled
# once into build/fuzz/obj (in parallel, again only when a source or header changed) and
# linked with each harness, what harnesses share (harness.c: the small machine, the repair
# of binary files) and the virtual clock (vclock.c: weak, so a harness may bring
# its own).
# Prints one summary line; exit status 1 if a regression input or the fuzzer failed.
set -u

target=asm
if [ "${1:-}" = --target ]; then
    target=${2:-}
    shift 2
fi
case $target in
    asm|snapshot|config|vfsimage|debugjson|debugcmd|crun|bytecode|engines) ;;
    *) echo "usage: $0 [--target asm|snapshot|config|vfsimage|debugjson|debugcmd|crun|bytecode|engines] ..." >&2; exit 2 ;;
esac
keep_going=0
replay_only=0
case ${1:-} in
    --keep-going) keep_going=1; shift ;;
    --replay) replay_only=1; shift ;;
esac
secs=60
[ "$replay_only" = 1 ] && secs=0
if [ $# -gt 0 ] && [ "$1" != -- ]; then
    secs=$1
    shift
fi
[ $# -gt 0 ] && [ "$1" = -- ] && shift

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
out=build/fuzz
corpus=$out/corpus
[ "$target" != asm ] && corpus=$out/corpus-$target
mkdir -p "$corpus" "$out/artifacts" "$out/run"

CC=${CC:-clang}
srcs=$(find src -name '*.c' ! -path src/cli/main.c | LC_ALL=C sort)
# The standard library is embedded as a generated C file (as the Makefile does).
if [ -f tools/embed-stdlib.sh ]; then
    mkdir -p "$out/gen"
    # shellcheck disable=SC2046
    sh tools/embed-stdlib.sh "$out/gen/stdlib_files.c.tmp" $(printf '%s\n' src/stdlib/*/*.kar | LC_ALL=C sort) ||
        { echo "fuzz: embedding the standard library failed"; exit 2; }
    if cmp -s "$out/gen/stdlib_files.c.tmp" "$out/gen/stdlib_files.c"; then
        rm -f "$out/gen/stdlib_files.c.tmp"
    else
        mv "$out/gen/stdlib_files.c.tmp" "$out/gen/stdlib_files.c"
    fi
    srcs="$srcs $out/gen/stdlib_files.c"
fi
suffix=
recover=-fno-sanitize-recover=undefined
if [ "$keep_going" = 1 ]; then
    suffix=_recover
    recover=-fsanitize-recover=undefined
fi
# The clock and sleep of the MVM sources become the harness's virtual ones.
CFLAGS_FUZZ="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined $recover
    -std=gnu17 -D_GNU_SOURCE -Isrc -Dclock_gettime=mvm_fuzz_clock_gettime -Dnanosleep=mvm_fuzz_nanosleep"
objdir=$out/obj$suffix

# Compile every MVM source whose object is missing or older than it or than any header.
build_objects() {
    local newest_h todo=() f o
    newest_h=$(find src -name '*.h' -o -name '*.def' | xargs ls -t 2>/dev/null | head -1)
    for f in $srcs; do
        o=$objdir/${f%.c}.o
        if [ ! -f "$o" ] || [ "$f" -nt "$o" ] || [ "$newest_h" -nt "$o" ]; then
            todo+=("$f")
        fi
    done
    [ ${#todo[@]} -eq 0 ] && return 0
    # shellcheck disable=SC2086
    printf '%s\n' "${todo[@]}" | xargs -P "$(nproc 2>/dev/null || echo 2)" -I{} sh -c '
        o="$1/${2%.c}.o"; mkdir -p "${o%/*}" && exec $3 $4 -c -o "$o" "$2"' _ "$objdir" {} "$CC" "$CFLAGS_FUZZ" ||
        { echo "fuzz: compiling the MVM sources failed"; return 1; }
}

# build_harness NAME: build/fuzz/NAME from tests/fuzz/NAME.c and the objects.
build_harness() {
    local name=$1 bin=$out/$1$suffix objs
    objs=$(for f in $srcs; do echo "$objdir/${f%.c}.o"; done)
    if [ ! -x "$bin" ] || [ -n "$(find "$objdir" "tests/fuzz/$name.c" tests/fuzz/vclock.[ch] tests/fuzz/harness.[ch] -newer "$bin" 2>/dev/null | head -1)" ]; then
        # shellcheck disable=SC2086
        "$CC" $CFLAGS_FUZZ -fsanitize=fuzzer -Itests/fuzz -o "$bin" "tests/fuzz/$name.c" tests/fuzz/vclock.c tests/fuzz/harness.c $objs \
            -lcjson -lsqlite3 -ledit -lm || { echo "fuzz: building $name failed"; return 1; }
    fi
}

# The harness for a regression input, by its extension.
harness_for() {
    case $1 in
        *.crun.kar) echo fuzz_crun ;;
        *.kar) echo fuzz_asm ;;
        *.snap) echo fuzz_snapshot ;;
        *.cfg.json) echo fuzz_config ;;
        *.dbg.json) echo fuzz_debugjson ;;
        *.fs) echo fuzz_vfsimage ;;
        *.cmd) echo fuzz_debugcmd ;;
        *.mar) echo fuzz_bytecode ;;
        *.engines) echo fuzz_engines ;;
        *) echo "" ;;
    esac
}

build_objects || exit 2
build_harness "fuzz_$target" || exit 2
bin=$root/$out/fuzz_$target$suffix

# The ```json blocks of a Markdown file, one seed file each (named PREFIX-N).
json_blocks() {
    awk -v p="$2" '/^```json/ { n++; f = p "-" n; next } /^```/ { f = "" } f { print > f }' "$1"
}

# A few config.json files no test has: every key, wrong types, huge numbers, deep nesting.
hand_made_configs() {
    printf '{"stackSize": 64, "memorySize": 4096, "heapStart": 1024, "quantum": 3, "hertz": 0, "callDepth": 32, "maxProcesses": 8, "mailboxCapacity": 4}\n' >"$1-all"
    printf '{"locations": [{"requirement": "vfs", "path": "a.fs"}, {"requirement": "stdlib", "path": "."}, {"requirement": "debug", "path": "d.json"}, {"requirement": "helpInfo", "path": "h"}]}\n' >"$1-locations"
    printf '{"stackSize": "64", "quantum": 1.5, "memorySize": true, "locations": {"vfs": 1}}\n' >"$1-types"
    printf '{"memorySize": 9223372036854775807, "quantum": -9223372036854775808, "hertz": 1e300, "callDepth": 18446744073709551616}\n' >"$1-huge"
    printf '{"stackSiz": 1, "quantm": 2, "locations": [{"requirement": "vfs"}, {"path": 3}, 7]}\n' >"$1-unknown"
    printf '%0.s[' $(seq 300) >"$1-deep"
}

# Seeds: copy once (libFuzzer names corpus files by content hash, so copies are harmless).
# Only fuzzing needs them; every target but asm seeds an empty corpus only.
seed_corpus() {
    local f k img
    case $target in
    asm)
        for f in $(find tests/programs examples -name '*.kar' 2>/dev/null); do
            cp -n "$f" "$corpus/seed-$(echo "$f" | tr '/' '_')" 2>/dev/null
        done ;;
    snapshot)
        [ -x ./mvm ] || return 0
        # Real snapshots: every program of the snapshot suite, saved at a few points.
        for f in tests/snapshot/*.kar; do
            for k in 5 40 150; do
                ./mvm run "$f" --snapshot-every "$k" --snapshot "$corpus/seed-$(basename "$f" .kar)-$k.snap" \
                    --max-steps $((k + 1)) >/dev/null 2>&1 </dev/null
            done
        done ;;
    config)
        for f in $(find tests -name '*.json' ! -path 'tests/fuzz/*'); do
            cp "$f" "$corpus/seed-$(echo "$f" | tr '/' '_')"
        done
        json_blocks docs/configuration.md "$corpus/seed-doc"
        hand_made_configs "$corpus/seed-hand" ;;
    debugjson)
        for f in $(find tests -name '*.json' \( -path '*debug*' -o -name 'debug*' \) ! -path 'tests/fuzz/*'); do
            cp "$f" "$corpus/seed-$(echo "$f" | tr '/' '_')"
        done
        json_blocks docs/command-line.md "$corpus/seed-doc" ;;
    crun)
        for f in $(find tests/programs examples -name '*.kar' 2>/dev/null); do
            cp -n "$f" "$corpus/seed-$(echo "$f" | tr '/' '_')" 2>/dev/null
        done ;;
    bytecode)
        [ -x ./mvm ] || return 0
        for f in tests/snapshot/*.kar examples/*.kar; do
            ./mvm compile "$f" -o "$corpus/seed-$(basename "$f" .kar).mar"
        done ;;
    engines)
        # Any bytes make a program; a few random strings of several lengths start it off.
        for k in 1 2 3 4 5 6 7 8; do
            head -c $((k * 48)) /dev/urandom >"$corpus/seed-random-$k"
        done ;;
    debugcmd)
        for f in tests/debug/*.cmd; do
            cp "$f" "$corpus/seed-$(basename "$f")"
        done ;;
    vfsimage)
        [ -x ./mvm ] || return 0
        # Whole images (they start with SQLite's magic); the empty input is the harness's
        # own image unpatched.
        : >"$corpus/seed-patch-none"
        printf 'hello\n' >"$out/seed.txt"
        img=$corpus/seed-tree.fs
        ./mvm vfs --vfs "$img" mkdir /d && ./mvm vfs --vfs "$img" mkdir /d/e &&
            ./mvm vfs --vfs "$img" put "$out/seed.txt" /d/f && ./mvm vfs --vfs "$img" put "$out/seed.txt" /g &&
            ./mvm vfs --vfs "$img" chmod 1 /d/e && ./mvm vfs --vfs "$img" chmod 0 /g
        ./mvm vfs --vfs "$corpus/seed-one.fs" mkdir /x
        head -c 9000 /dev/zero | tr '\0' 'z' >"$out/seed-big.txt"
        ./mvm vfs --vfs "$corpus/seed-big.fs" put "$out/seed-big.txt" /big
        rm -f "$corpus"/*.fs-wal "$corpus"/*.fs-shm "$out/seed.txt" "$out/seed-big.txt" ;;
    esac >/dev/null 2>&1 </dev/null
}

if [ "$secs" -gt 0 ] && { [ "$target" = asm ] || [ -z "$(ls "$corpus")" ]; }; then
    seed_corpus
fi

# Host programs for exec and spawn (SPEC 10: paths relative to PID 1's program, which the
# harness names fuzz.kar in the run directory): a.kar runs, b.kar forks, c.kar has an error.
printf 'PRINTR 1\n' >"$out/run/a.kar"
printf 'LIT S1 8\nSYSCALL\nPRINTR R2\n' >"$out/run/b.kar"
printf 'ADDD G1\n' >"$out/run/c.kar"
cp examples/*.kar "$out/run/" 2>/dev/null

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1}
if [ "$keep_going" = 1 ]; then
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=0:halt_on_error=0}
else
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fi

# Replay the regression inputs first: each must run clean, in its own run of its harness.
nregs=0
npass=0
nfail=0
skipped=()
: >"$out/replay.log"
for f in tests/fuzz/regressions/*; do
    [ -f "$f" ] && [ "$(basename "$f")" != README.md ] || continue
    h=$(harness_for "$f")
    if [ -z "$h" ] || [ ! -f "tests/fuzz/$h.c" ]; then
        skipped+=("${f##*/}")
        continue
    fi
    nregs=$((nregs + 1))
    if ! build_harness "$h"; then
        nfail=$((nfail + 1))
        continue
    fi
    log=$root/$out/replay-one.log
    if (cd "$out/run" && "$root/$out/$h$suffix" -runs=1 -timeout=10 "$root/$f" >"$log" 2>&1 </dev/null) &&
       ! grep -q 'runtime error' "$log"; then
        npass=$((npass + 1))
    else
        nfail=$((nfail + 1))
        echo "fuzz: regression input $f fails under $h:"
        grep -m5 -E 'ERROR|runtime error|SUMMARY' "$log" | sed 's/^/    /'
    fi
    cat "$log" >>"$out/replay.log"
done
replay_fail=$([ "$nfail" -eq 0 ] && echo 0 || echo 1)
regs=$nregs
if [ ${#skipped[@]} -gt 0 ]; then
    echo "fuzz: skipped (no harness for them yet): ${skipped[*]}"
fi
if [ "$replay_only" = 1 ]; then
    echo "fuzzreplay: $npass passed, $nfail failed"
    [ "$nfail" -eq 0 ]
    exit
fi

fuzz_fail=0
if [ "$secs" -gt 0 ]; then
    # Run from an empty directory: programs may name host .kar files relative to theirs.
    # Snapshots and images are larger than programs; the dictionary is .kar syntax.
    extra=(-max_len=4096 "-dict=$root/tests/fuzz/kar.dict")
    case $target in
        snapshot|vfsimage) extra=(-max_len=65536) ;;   # whole files
        config|debugjson|debugcmd) extra=(-max_len=4096) ;;
        engines) extra=(-max_len=1024) ;;   # choices, not text: 1 KiB makes long programs
    esac
    (cd "$out/run" && "$bin" "${extra[@]}" -max_total_time="$secs" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 "-artifact_prefix=$root/$out/artifacts/" \
        "$@" "$root/$corpus" >"$root/$out/fuzz-$target.log" 2>&1 </dev/null) || fuzz_fail=1
fi

execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out/fuzz-$target.log" 2>/dev/null | tail -1 | grep -o '[0-9]*$')
cov=$(grep -oE 'cov: [0-9]+' "$out/fuzz-$target.log" 2>/dev/null | tail -1 | grep -oE '[0-9]+')
ncorpus=$(find "$corpus" -type f | wc -l)
if [ "$secs" -gt 0 ]; then
    if [ "$fuzz_fail" = 1 ]; then
        verdict="FAILED: $(grep -m1 -E 'ERROR: |runtime error|deadly signal|timeout' "$out/fuzz-$target.log" | head -c 200); input in $out/artifacts/, log $out/fuzz-$target.log"
    else
        verdict="clean"
    fi
    if [ "$keep_going" = 1 ]; then
        ub=$(grep -o '[^ ]*: runtime error: [^:]*' "$out/fuzz-$target.log" | sed 's/: runtime error: /: /' | sort -u)
        if [ -n "$ub" ]; then
            fuzz_fail=1
            verdict="$verdict; UB at: $(echo "$ub" | tr '\n' ';' | sed 's/;$//; s/;/; /g')"
        fi
    fi
    echo "fuzz $target: ${secs}s, ${execs:-0} runs, cov ${cov:-?}, corpus $ncorpus, regressions $regs $( [ $replay_fail = 0 ] && echo ok || echo FAILED ), $verdict"
else
    echo "fuzz $target: regressions $regs $( [ $replay_fail = 0 ] && echo ok || echo FAILED )"
fi
[ "$replay_fail" = 0 ] && [ "$fuzz_fail" = 0 ]
