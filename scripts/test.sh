#!/usr/bin/env bash
# The README's second command (and CI's): set up and build, then run the
# whole test suite (lit: FileCheck tests, runtime tests, end-to-end numerics
# against onnxruntime and numpy, CLI and CMake-package tests).
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/setup.sh" || exit 1

log="$root/build/test-results.log"
cmake --build "$root/build" --target check-bitnet 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# --- Fuzzing (docs/importer.md): the importer and bitnet-raise under libFuzzer
# with ASan/UBSan for a bounded time (BITNET_FUZZ_SECONDS, default 60; 0
# skips), in its own instrumented build, build/fuzz. A crash, sanitizer
# report, timeout or out-of-memory counts as one failed test.
fuzz_failed=0
if (( ${BITNET_FUZZ_SECONDS:-60} > 0 )); then
  if ! "$root/scripts/fuzz.sh" "${BITNET_FUZZ_SECONDS:-60}" 2; then
    fuzz_failed=1
    status=1
  fi
fi

# One closing line in the plain form CI reads, from lit's summary.
count() { grep -Eo "^ *$1: *[0-9]+" "$log" | grep -Eo '[0-9]+' | tail -1; }
passed=$(count Passed); failed=$(count Failed); unresolved=$(count Unresolved)
skipped=$(count Unsupported)
echo "${passed:-0} passed, $(( ${failed:-0} + ${unresolved:-0} + fuzz_failed )) failed, ${skipped:-0} skipped"
exit "$status"
