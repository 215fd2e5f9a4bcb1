#!/usr/bin/env bash
# The README's second command (and CI's): set up and build, then run the
# whole test suite: lit (FileCheck tests, runtime tests, end-to-end numerics
# against onnxruntime and numpy, CLI and CMake-package tests), then the ONNX
# backend conformance suite (docs/conformance.md). Fails if either fails.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/setup.sh" || exit 1

log="$root/build/test-results.log"
cmake --build "$root/build" --target check-bitnet 2>&1 | tee "$log"
lit_status=${PIPESTATUS[0]}
# lit's summary counts (the last of each, in case a test printed one).
count() { grep -Eo "^ *$1: *[0-9]+" "$log" | grep -Eo '[0-9]+' | tail -1; }
lit_passed=$(count Passed); lit_failed=$(count Failed)
lit_unresolved=$(count Unresolved); lit_skipped=$(count Unsupported)

conformance_log="$root/build/conformance-results.log"
"$root/build/bin/bitnet-conformance" \
  --json="$root/build/conformance-results.json" 2>&1 | tee "$conformance_log"
conformance_status=${PIPESTATUS[0]}
# Its closing line: "N passed, N failed, N skipped".
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' \
  "$conformance_log" | tail -1)
read -r conf_passed conf_failed conf_skipped < <(
  echo "$summary" | grep -Eo '[0-9]+' | tr '\n' ' ')
if [[ -z $summary ]]; then
  echo "bitnet-conformance printed no summary (exit status $conformance_status)"
  conf_failed=1
  ((conformance_status)) || conformance_status=1
fi

# --- Fuzzing (docs/importer.md): the importer and bitnet-raise under libFuzzer
# with ASan/UBSan for a bounded time (BITNET_FUZZ_SECONDS, default 60; 0
# skips), in its own instrumented build, build/fuzz. A crash, sanitizer
# report, timeout or out-of-memory counts as one failed test.
fuzz_failed=0
fuzz_status=0
if (( ${BITNET_FUZZ_SECONDS:-60} > 0 )); then
  if ! "$root/scripts/fuzz.sh" "${BITNET_FUZZ_SECONDS:-60}" 2; then
    fuzz_failed=1
    fuzz_status=1
  fi
fi

# One closing line in the plain form CI reads, for lit, conformance and fuzzing.
passed=$(( ${lit_passed:-0} + ${conf_passed:-0} ))
failed=$(( ${lit_failed:-0} + ${lit_unresolved:-0} + ${conf_failed:-0} + fuzz_failed ))
skipped=$(( ${lit_skipped:-0} + ${conf_skipped:-0} ))
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
(( lit_status == 0 && conformance_status == 0 && fuzz_status == 0 ))
