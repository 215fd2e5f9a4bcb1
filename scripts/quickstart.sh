#!/usr/bin/env bash
# The README's first command: set up and build, then compile the bundled
# example model, link it into the example C program and run it.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/setup.sh"

build="$root/build"
out="$build/quickstart"
mkdir -p "$out"
"$build/bin/bitnet-compile" "$root/examples/bitnet_mlp.onnx" -o "$out/mlp.o" \
  --name=mlp --header="$out/mlp.h"
clang-22 -std=c11 -O2 -I"$out" -I"$root/runtime/include" \
  "$root/examples/c/main.c" "$out/mlp.o" "$build/lib/libbitnet_runtime.a" \
  -ldl -lm -o "$out/bitnet_mlp_example"
"$out/bitnet_mlp_example" "$root/examples/bitnet_mlp.input.npy"
