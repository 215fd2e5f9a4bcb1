// RUN: bitnet-opt %s -split-input-file --bitnet-pack-weights=encoding=ternary_base3 | FileCheck %s --check-prefix=BASE3
// RUN: bitnet-opt %s -split-input-file --bitnet-pack-weights="layout=row_interleaved block-rows=2" | FileCheck %s --check-prefix=TILED
// RUN: bitnet-opt %s -split-input-file --bitnet-pack-weights="encoding=ternary_base3 layout=row_interleaved block-rows=2" | FileCheck %s --check-prefix=BOTH
// RUN: not bitnet-opt %s --bitnet-pack-weights=layout=diagonal 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not bitnet-opt %s --bitnet-pack-weights="layout=row_interleaved block-rows=1" 2>&1 | FileCheck %s --check-prefix=BAD1

// The ternary_base3 encoding and the row_interleaved layout
// (docs/packed-formats.md). Bytes by hand, cross-checked with the reference
// packer of test/Conversion/BitnetToSCF/Inputs/bitnet_variants.py; printed
// as signed i8. ternary_base3: byte = sum_i (w_i + 1) * 3^i over 5 weights.
// row_interleaved, block_rows = 2: storage row t * rowBytes + j holds byte j
// of weight rows 2t and 2t + 1; a missing last row is zero bytes.

// BAD: bitnet-pack-weights: invalid layout 'diagonal' with block-rows=16 (expected row_major, row_interleaved with block-rows in [2, 256], or tiled)
// BAD1: bitnet-pack-weights: invalid layout 'row_interleaved' with block-rows=1

// K = 7 (a tail of 2 weights). Row 0 [1, -1, 0, 1, 1 | 0, -1]:
// 2 + 0 + 1 * 9 + 2 * 27 + 2 * 81 = 227 = -29, then 1 + 0 * 3 = 1. Row 1
// [-1 x 5 | 1, 1]: 0, then 2 + 2 * 3 = 8.
// ternary2 (auto): row 0 0x92 = -110, 10 01 00 -> 6; row 1 0, 00 10 10 -> 40.
// BASE3-LABEL: func @base3_tail
// BASE3: bitnet.packed_constant dense<{{\[\[}}-29, 1], [0, 8]]> : tensor<2x2xi8> -> {{.*}}<encoding = ternary_base3, layout = row_major, rows = 2, cols = 7, group_size = 0>
// BASE3: bitnet.packed_matmul {{.*}} -> tensor<3x2xi32>
// TILED-LABEL: func @base3_tail
// TILED: bitnet.packed_constant dense<{{\[\[}}-110, 0], [6, 40]]> : tensor<2x2xi8> -> {{.*}}<encoding = ternary2, layout = row_interleaved, rows = 2, cols = 7, group_size = 0, block_rows = 2>
// BOTH-LABEL: func @base3_tail
// BOTH: bitnet.packed_constant dense<{{\[\[}}-29, 0], [1, 8]]> : tensor<2x2xi8> -> {{.*}}<encoding = ternary_base3, layout = row_interleaved, rows = 2, cols = 7, group_size = 0, block_rows = 2>
func.func @base3_tail(%q: tensor<3x7xi8>) -> tensor<3x2xi32> {
  %w = arith.constant dense<[[1, -1, 0, 1, 1, 0, -1], [-1, -1, -1, -1, -1, 1, 1]]> : tensor<2x7xi8>
  %acc = bitnet.ternary_matmul %q, %w : tensor<3x7xi8>, tensor<2x7xi8> -> tensor<3x2xi32>
  return %acc : tensor<3x2xi32>
}

// -----

// K = 5: all +1 -> 242 = -14 (the largest byte), all 0 -> 121, all -1 -> 0.
// Three rows in tiles of 2: the fourth (padding) row is zero.
// BASE3-LABEL: func @extremes
// BASE3: bitnet.packed_constant dense<{{\[\[}}-14], [121], [0]]> : tensor<3x1xi8>
// TILED-LABEL: func @extremes
// TILED: bitnet.packed_constant dense<{{\[\[}}-86, 85], [2, 1], [0, 0], [0, 0]]> : tensor<4x2xi8> -> {{.*}}<encoding = ternary2, layout = row_interleaved, rows = 3, cols = 5, group_size = 0, block_rows = 2>
// BOTH-LABEL: func @extremes
// BOTH: bitnet.packed_constant dense<{{\[\[}}-14, 121], [0, 0]]> : tensor<2x2xi8>
func.func @extremes(%q: tensor<5xi8>) -> tensor<3xi32> {
  %w = arith.constant dense<[[1, 1, 1, 1, 1], [0, 0, 0, 0, 0], [-1, -1, -1, -1, -1]]> : tensor<3x5xi8>
  %acc = bitnet.ternary_matmul %q, %w : tensor<5xi8>, tensor<3x5xi8> -> tensor<3xi32>
  return %acc : tensor<3xi32>
}

// -----

// k_group = 4 becomes the type's group_size and stays on the matmul.
// BASE3-LABEL: func @grouped
// BASE3: bitnet.packed_constant dense<{{\[\[}}59, -28, 2], [-78, -78, 7]]> : tensor<2x3xi8> -> {{.*}}<encoding = ternary_base3, layout = row_major, rows = 2, cols = 12, group_size = 4>
// BASE3: bitnet.packed_matmul %{{.*}}, %{{.*}} {k_group = 4 : i64} : tensor<1x12xi8>, {{.*}} -> tensor<1x2x3xi32>
// TILED-LABEL: func @grouped
// TILED: bitnet.packed_constant dense<{{\[\[}}-122, 25], [80, 102], [42, -104]]> : tensor<3x2xi8> -> {{.*}}<encoding = ternary2, layout = row_interleaved, rows = 2, cols = 12, group_size = 4, block_rows = 2>
// BOTH-LABEL: func @grouped
// BOTH: bitnet.packed_constant dense<{{\[\[}}59, -78], [-28, -78], [2, 7]]> : tensor<3x2xi8>
func.func @grouped(%q: tensor<1x12xi8>) -> tensor<1x2x3xi32> {
  %w = arith.constant dense<[[1, 0, -1, 1, -1, -1, 0, 0, 1, 1, 1, -1],
                             [0, 1, 0, -1, 1, 0, 1, 0, -1, 1, 0, 1]]> : tensor<2x12xi8>
  %acc = bitnet.ternary_matmul %q, %w {k_group = 4 : i64} : tensor<1x12xi8>, tensor<2x12xi8> -> tensor<1x2x3xi32>
  return %acc : tensor<1x2x3xi32>
}

// -----

// +-1 weights, K = 9, 3 rows: auto picks binary1 (row 0 0xB9 = -71, 0;
// row 1 0xFF = -1, 1; row 2 0b10101010 = -86, 1), interleaved in tiles of
// 2 with a zero padding row; float input keeps an f32 result.
// BASE3-LABEL: func @odd_rows
// BASE3: bitnet.packed_constant dense<{{\[\[}}-38, 20], [-14, 80], [60, 74]]> : tensor<3x2xi8>
// BASE3: bitnet.packed_matmul {{.*}} : tensor<2x9xf32>, {{.*}} -> tensor<2x3xf32>
// TILED-LABEL: func @odd_rows
// TILED: bitnet.packed_constant dense<{{\[\[}}-71, -1], [0, 1], [-86, 0], [1, 0]]> : tensor<4x2xi8> -> {{.*}}<encoding = binary1, layout = row_interleaved, rows = 3, cols = 9, group_size = 0, block_rows = 2>
// BOTH-LABEL: func @odd_rows
// BOTH: bitnet.packed_constant dense<{{\[\[}}-38, -14], [20, 80], [60, 0], [74, 0]]> : tensor<4x2xi8>
func.func @odd_rows(%x: tensor<2x9xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<[[1, -1, -1, 1, 1, 1, -1, 1, -1],
                             [1, 1, 1, 1, 1, 1, 1, 1, 1],
                             [-1, 1, -1, 1, -1, 1, -1, 1, 1]]> : tensor<3x9xi8>
  %acc = bitnet.ternary_matmul %x, %w : tensor<2x9xf32>, tensor<3x9xi8> -> tensor<2x3xf32>
  return %acc : tensor<2x3xf32>
}
