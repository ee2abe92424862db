#!/usr/bin/env bash
# run-fuzzreplay.sh [MVM] - replay every fuzz regression input (tests/fuzz/regressions/)
# through its libFuzzer harness, built with clang under AddressSanitizer and UBSan
# (tests/fuzz/run.sh --replay; MVM is not used: the harnesses link the sources).
# Each input must run clean within libFuzzer's 10 s timeout.
# Prints `fuzzreplay: N passed, N failed`; exit status 1 if any failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
CC=${CC_FUZZ:-clang}
if ! command -v "$CC" >/dev/null 2>&1; then
    echo "fuzzreplay: $CC is missing (make deps installs clang)"
    echo "fuzzreplay: 0 passed, 1 failed"
    exit 1
fi
if [ ! -f "$("$CC" -print-file-name="libclang_rt.fuzzer-$(uname -m).a")" ]; then
    echo "fuzzreplay: clang has no libFuzzer runtime (make deps installs libclang-rt-dev)"
    echo "fuzzreplay: 0 passed, 1 failed"
    exit 1
fi
CC=$CC exec "$here/fuzz/run.sh" --replay
