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
# One closing line in the plain form CI reads, from lit's summary.
count() { grep -Eo "^ *$1: *[0-9]+" "$log" | grep -Eo '[0-9]+' | tail -1; }
passed=$(count Passed); failed=$(count Failed); unresolved=$(count Unresolved)
skipped=$(count Unsupported)
echo "${passed:-0} passed, $(( ${failed:-0} + ${unresolved:-0} )) failed, ${skipped:-0} skipped"
exit "$status"
