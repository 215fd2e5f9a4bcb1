// RUN: %python %S/Inputs/bitnet_ref.py gen matmul %t.mlir %t.expected
// RUN: bitnet-opt %t.mlir --bitnet-lower-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so \
// RUN:     > %t.out
// RUN: %python %S/Inputs/bitnet_ref.py check %t.expected %t.out | FileCheck %s

// bitnet.packed_matmul and bitnet.ternary_matmul executed on random int8
// activations (always including -128) against weights packed by the
// reference packer of Inputs/bitnet_ref.py (independent of
// bitnet-pack-weights); sums compared exactly with numpy's integer matmul.
// Cases: ternary2 K = 64 rank 3, ternary2 K = 37 (tail byte of 1 weight),
// binary1 K = 64, binary1 K = 37 rank 1 (tail of 5), K = 3 (tail only),
// binary1 K = 9, the +-128 * 64 = +-8192 extremes of both encodings, the
// unpacked ternary_matmul and a dynamic M behind a function boundary.

// CHECK: bitnet_ref: 10 memrefs match
