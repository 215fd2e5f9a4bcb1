#!/usr/bin/env bash
# Fuzzes the importer (and bitnet-raise after it) with libFuzzer for a bounded
# time: builds build/fuzz (BITNET_ENABLE_FUZZING: ASan, UBSan, coverage),
# seeds a temporary corpus with the repository's models, then runs the binary
# ONNX target and the ONNX text target. Exit status 1 on a finding (crash,
# sanitizer report, timeout, out-of-memory, or a failure without a
# diagnostic); the input that caused it is left in build/fuzz/findings/.
#
#   scripts/fuzz.sh [SECONDS] [JOBS]     (defaults: 60 seconds, 2 jobs)
#
# Three quarters of the time go to binary ONNX, the rest to the text syntax.
# Replay a finding: build/fuzz/bin/bitnet-fuzz-import FILE, or
# bitnet-compile FILE (renamed .onnx / .onnxtext) for the diagnostic.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-60}
jobs=${2:-2}
build="$root/build/fuzz"

if [[ ! -f "$build/build.ninja" ]]; then
  launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DLLVM_USE_LINKER=lld -DBITNET_ENABLE_FUZZING=ON "${launcher[@]}" >/dev/null
fi
cmake --build "$build" --target bitnet-fuzz-import bitnet-fuzz-import-text

work=$(mktemp -d "${TMPDIR:-/tmp}/bitnet-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/onnx" "$work/text" "$build/findings"

# Seeds: the examples, the models the lit tests generate (present once
# check-bitnet ran in build/), and every tenth ONNX node-test model.
copy_seeds() { # DIR FILE...: copies under unique names
  local dir=$1 n=0; shift
  for file in "$@"; do cp "$file" "$dir/seed-$((n++))-$(basename "$file")"; done
}
mapfile -t onnx_seeds < <(
  { ls "$root"/examples/*.onnx
    find "$root/build/test" -name '*.onnx' -size -1M 2>/dev/null || true
    ls /usr/share/libonnx-testdata/data/node/*/model.onnx 2>/dev/null | awk 'NR % 10 == 1'
  } | sort -u)
mapfile -t text_seeds < <(
  find "$root/test" "$root/examples" "$root/build/test" -name '*.onnxtext' \
    -size -64k 2>/dev/null | sort -u)
copy_seeds "$work/onnx" "${onnx_seeds[@]}"
copy_seeds "$work/text" "${text_seeds[@]}"
echo "fuzz: ${#onnx_seeds[@]} binary and ${#text_seeds[@]} text seeds, ${seconds}s on $jobs jobs"

# -timeout: one input may take 10 s (an ASan build; real models import in
# milliseconds); -rss_limit_mb/-malloc_limit_mb: a small file must not make
# the compiler allocate gigabytes.
common=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 -fork="$jobs"
        -ignore_crashes=0 -ignore_timeouts=0 -ignore_ooms=0
        -print_final_stats=1 -artifact_prefix="$build/findings/")
text_seconds=$((seconds / 4))
status=0
"$build/bin/bitnet-fuzz-import" "${common[@]}" \
  -max_total_time=$((seconds - text_seconds)) \
  -dict="$root/tools/bitnet-fuzz-import/onnx.dict" "$work/onnx" || status=1
if ((status == 0 && text_seconds > 0)); then
  "$build/bin/bitnet-fuzz-import-text" "${common[@]}" \
    -max_total_time=$text_seconds \
    -dict="$root/tools/bitnet-fuzz-import/onnxtext.dict" "$work/text" || status=1
fi
if ((status != 0)); then
  echo "fuzz: FAILED; the input is in $build/findings/" >&2
fi
exit $status
