// RUN: %python %S/../Conversion/BitnetToSCF/Inputs/bitnet_ref.py gen bitlinear %t.mlir %t.expected
//
// Packed with the automatic encoding (binary1 for the +-1 layer, ternary2
// for the other), all ternary2, and not packed at all: same results.
// RUN: bitnet-opt %t.mlir --bitnet-pack-weights | FileCheck %s --check-prefix=AUTO
// RUN: bitnet-opt %t.mlir --bitnet-pack-weights --bitnet-lower-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so \
// RUN:     > %t.auto
// RUN: %python %S/../Conversion/BitnetToSCF/Inputs/bitnet_ref.py check %t.expected %t.auto | FileCheck %s
// RUN: bitnet-opt %t.mlir --bitnet-pack-weights=encoding=ternary2 --bitnet-lower-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so \
// RUN:     > %t.ternary
// RUN: %python %S/../Conversion/BitnetToSCF/Inputs/bitnet_ref.py check %t.expected %t.ternary | FileCheck %s
// Five weights per byte in row-interleaved tiles of 4 (both layers end in
// a partial tile), and the automatic encodings in tiles of 32.
// RUN: bitnet-opt %t.mlir --bitnet-pack-weights="encoding=ternary_base3 layout=row_interleaved block-rows=4" --bitnet-lower-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so \
// RUN:     > %t.base3
// RUN: %python %S/../Conversion/BitnetToSCF/Inputs/bitnet_ref.py check %t.expected %t.base3 | FileCheck %s
// RUN: bitnet-opt %t.mlir --bitnet-pack-weights="layout=row_interleaved block-rows=32" --bitnet-lower-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so \
// RUN:     > %t.tiled
// RUN: %python %S/../Conversion/BitnetToSCF/Inputs/bitnet_ref.py check %t.expected %t.tiled | FileCheck %s
// RUN: bitnet-opt %t.mlir --bitnet-lower-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so \
// RUN:     > %t.unpacked
// RUN: %python %S/../Conversion/BitnetToSCF/Inputs/bitnet_ref.py check %t.expected %t.unpacked | FileCheck %s

// Two BitLinear layers in @main_graph (returning y1, acc1, y2, scale2),
// called from @main through the out-parameter ABI: per_token quantization,
// ternary weights with K = 37, per-row weight scale and bias; per_tensor
// `reciprocal` quantization, +-1 weights with K = 64, one weight scale, no
// bias. Expected values: numpy float32 in the ops' order
// (Inputs/bitnet_ref.py); sums exactly, floats to the printed 6 digits.

// AUTO-DAG: encoding = ternary2, layout = row_major, rows = 6, cols = 37
// AUTO-DAG: encoding = binary1, layout = row_major, rows = 5, cols = 64
// AUTO-NOT: ternary_matmul

// CHECK: bitnet_ref: 4 memrefs match
