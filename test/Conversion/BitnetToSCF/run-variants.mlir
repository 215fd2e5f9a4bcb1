// RUN: %python %S/Inputs/bitnet_variants.py gen %t.mlir %t.expected
// RUN: bitnet-opt %t.mlir --bitnet-lower-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so \
// RUN:     > %t.out
// RUN: %python %S/Inputs/bitnet_ref.py check %t.expected %t.out | FileCheck %s

// The op forms of every BitNet variant executed against the numpy
// definitions of Inputs/bitnet_variants.py (weights packed there,
// independently of bitnet-pack-weights):
// - packed_matmul with ternary_base3 (tails of 2 and 4 weights) and
//   row_interleaved tiles (padding rows), i16 input including -32768 and
//   the -32768 * 512 extreme, k_group on byte boundaries (16 of ternary2,
//   10 of base 3) and off them (6, 12: weight-by-weight walk), float input
//   (f32, f16; sums in ascending k, checked against a float64 matmul within
//   K * 2^-24 * sum |x|), unpacked ternary_matmul on f32 with k_group and
//   on i16: integers exact;
// - quantize_activations per_group, shift (i8 [0, 127], i16 [0, 255]),
//   i16 [-128, 128], reciprocal, and the pre-non-linearity readings
//   shifted_absmax and divide (i16 [0, 128], i8 [0, 64]): integers exact,
//   scales and eta to the 6 digits printMemrefF32 prints;
// - rescale with shift, grouped (per-block weight scales, per-group or
//   per-token act scales), weight_rescale ungrouped and grouped;
// - a grouped W1 pre-non-linearity BitLinear chain.

// CHECK: bitnet_ref: 44 memrefs match
