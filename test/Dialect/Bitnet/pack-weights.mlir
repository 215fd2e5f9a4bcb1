// RUN: bitnet-opt %s -split-input-file --bitnet-pack-weights -verify-diagnostics | FileCheck %s
// RUN: bitnet-opt %s -split-input-file --bitnet-pack-weights=encoding=ternary2 -verify-diagnostics | FileCheck %s --check-prefix=TERNARY
// RUN: not bitnet-opt %s -split-input-file --bitnet-pack-weights=encoding=binary1 2>&1 | FileCheck %s --check-prefix=BINARY
// RUN: not bitnet-opt %s --bitnet-pack-weights=encoding=bogus 2>&1 | FileCheck %s --check-prefix=BOGUS

// Expected bytes by hand (docs/packed-formats.md): ternary2 code = w + 1 at
// bits 2k..2k+1 of byte k / 4, binary1 bit k % 8 of byte k / 8 set for +1;
// printed as signed i8.

// BOGUS: unknown encoding 'bogus' (expected auto, binary1, ternary2 or ternary_base3)

// [1, -1, 0, 1] -> codes 10 00 01 10 -> 0b10010010 = 0x92 = -110.
// CHECK-LABEL: func @ternary_auto
// CHECK-NOT: arith.constant
// CHECK: %[[W:.*]] = bitnet.packed_constant dense<-110> : tensor<1x1xi8> -> {{.*}}<encoding = ternary2, layout = row_major, rows = 1, cols = 4, group_size = 0>
// CHECK: bitnet.packed_matmul %{{.*}}, %[[W]] outs(%{{.*}}) : tensor<2x4xi8>, {{.*}} -> tensor<2x1xi32>
// CHECK-NOT: ternary_matmul
// TERNARY-LABEL: func @ternary_auto
// TERNARY: bitnet.packed_constant dense<-110> : tensor<1x1xi8>
// BINARY: error: 'bitnet.ternary_matmul' op cannot pack weights: encoding binary1 cannot represent the weight 0
func.func @ternary_auto(%q: tensor<2x4xi8>) -> tensor<2x1xi32> {
  %w = arith.constant dense<[[1, -1, 0, 1]]> : tensor<1x4xi8>
  %acc = bitnet.ternary_matmul %q, %w : tensor<2x4xi8>, tensor<1x4xi8> -> tensor<2x1xi32>
  return %acc : tensor<2x1xi32>
}

// -----

// binary1, K = 9: row 0 [1,-1,-1,1,1,1,-1,1 | -1] -> 0b10111001 = -71, 0;
// row 1 all +1 -> 0xFF = -1, 0b00000001 = 1 (7 zero padding bits).
// ternary2: row 0 codes 10 00 00 10 | 10 10 00 10 | 00 -> -126, -118, 0;
// row 1 0xAA 0xAA 0b10 -> -86, -86, 2.
// CHECK-LABEL: func @binary_auto
// CHECK: bitnet.packed_constant dense<{{\[\[}}-71, 0], [-1, 1]]> : tensor<2x2xi8> -> {{.*}}<encoding = binary1, layout = row_major, rows = 2, cols = 9, group_size = 0>
// CHECK: bitnet.packed_matmul
// TERNARY-LABEL: func @binary_auto
// TERNARY: bitnet.packed_constant dense<{{\[\[}}-126, -118, 0], [-86, -86, 2]]> : tensor<2x3xi8> -> {{.*}}<encoding = ternary2, layout = row_major, rows = 2, cols = 9, group_size = 0>
// BINARY-LABEL: func @binary_auto
// BINARY: bitnet.packed_constant dense<{{\[\[}}-71, 0], [-1, 1]]> : tensor<2x2xi8> -> {{.*}}<encoding = binary1
func.func @binary_auto(%q: tensor<3x9xi8>) -> tensor<3x2xi32> {
  %w = arith.constant dense<[[1, -1, -1, 1, 1, 1, -1, 1, -1],
                             [1, 1, 1, 1, 1, 1, 1, 1, 1]]> : tensor<2x9xi8>
  %acc = bitnet.ternary_matmul %q, %w : tensor<3x9xi8>, tensor<2x9xi8> -> tensor<3x2xi32>
  return %acc : tensor<3x2xi32>
}

// -----

// Tail byte, K = 5: [1, 0, -1, 1 | -1] -> 0b10000110 = -122, 0b00000000;
// all zeros -> 0x55 = 85, 0b01 = 1 (6 zero padding bits). Rank-3 input.
// CHECK-LABEL: func @ternary_tail
// CHECK: bitnet.packed_constant dense<{{\[\[}}-122, 0], [85, 1]]> : tensor<2x2xi8> -> {{.*}}<encoding = ternary2, layout = row_major, rows = 2, cols = 5, group_size = 0>
// CHECK: bitnet.packed_matmul %{{.*}}, %{{.*}} outs(%{{.*}}) : tensor<2x3x5xi8>, {{.*}} -> tensor<2x3x2xi32>
func.func @ternary_tail(%q: tensor<2x3x5xi8>) -> tensor<2x3x2xi32> {
  %w = arith.constant dense<[[1, 0, -1, 1, -1], [0, 0, 0, 0, 0]]> : tensor<2x5xi8>
  %acc = bitnet.ternary_matmul %q, %w : tensor<2x3x5xi8>, tensor<2x5xi8> -> tensor<2x3x2xi32>
  return %acc : tensor<2x3x2xi32>
}

// -----

// onnx.Constant weights; [1, 1, -1] -> 0b011 = 3, [-1, 1, 1] -> 0b110 = 6;
// ternary2: 10 10 00 -> 10, 00 10 10 -> 40.
// CHECK-LABEL: func @onnx_constant
// CHECK: bitnet.packed_constant dense<{{\[\[}}3], [6]]> : tensor<2x1xi8> -> {{.*}}<encoding = binary1
// TERNARY-LABEL: func @onnx_constant
// TERNARY: bitnet.packed_constant dense<{{\[\[}}10], [40]]> : tensor<2x1xi8> -> {{.*}}<encoding = ternary2
func.func @onnx_constant(%q: tensor<1x3xi8>) -> tensor<1x2xi32> {
  %w = onnx.Constant {value = dense<[[1, 1, -1], [-1, 1, 1]]> : tensor<2x3xi8>} : tensor<2x3xi8>
  %acc = bitnet.ternary_matmul %q, %w : tensor<1x3xi8>, tensor<2x3xi8> -> tensor<1x2xi32>
  return %acc : tensor<1x2xi32>
}

// -----

// A splat constant: all -1 is all-zero bits (binary1) or codes 00 (ternary2).
// CHECK-LABEL: func @splat
// CHECK: bitnet.packed_constant dense<0> : tensor<3x2xi8> -> {{.*}}<encoding = binary1, layout = row_major, rows = 3, cols = 10, group_size = 0>
// TERNARY-LABEL: func @splat
// TERNARY: bitnet.packed_constant dense<0> : tensor<3x3xi8> -> {{.*}}<encoding = ternary2, layout = row_major, rows = 3, cols = 10, group_size = 0>
func.func @splat(%q: tensor<10xi8>) -> tensor<3xi32> {
  %w = arith.constant dense<-1> : tensor<3x10xi8>
  %acc = bitnet.ternary_matmul %q, %w : tensor<10xi8>, tensor<3x10xi8> -> tensor<3xi32>
  return %acc : tensor<3xi32>
}

// -----

// Near miss: weights that are not a constant stay unpacked, with a remark.
// CHECK-LABEL: func @not_constant
// CHECK-NOT: packed
// CHECK: bitnet.ternary_matmul
func.func @not_constant(%q: tensor<2x4xi8>, %w: tensor<3x4xi8>) -> tensor<2x3xi32> {
  // expected-remark @below {{weights are not a constant: left unpacked}}
  %acc = bitnet.ternary_matmul %q, %w : tensor<2x4xi8>, tensor<3x4xi8> -> tensor<2x3xi32>
  return %acc : tensor<2x3xi32>
}

// -----

// One weight constant feeding two matmuls: both are packed.
// CHECK-LABEL: func @shared
// CHECK-COUNT-2: bitnet.packed_matmul
// CHECK-NOT: ternary_matmul
func.func @shared(%a: tensor<1x8xi8>, %b: tensor<4x8xi8>) -> (tensor<1x2xi32>, tensor<4x2xi32>) {
  %w = arith.constant dense<[[1, -1, 1, -1, 1, -1, 1, -1], [1, 1, 1, 1, -1, -1, -1, -1]]> : tensor<2x8xi8>
  %0 = bitnet.ternary_matmul %a, %w : tensor<1x8xi8>, tensor<2x8xi8> -> tensor<1x2xi32>
  %1 = bitnet.ternary_matmul %b, %w : tensor<4x8xi8>, tensor<2x8xi8> -> tensor<4x2xi32>
  return %0, %1 : tensor<1x2xi32>, tensor<4x2xi32>
}

// -----

// Weights of one shape and encoding stay distinct constants: the greedy
// driver uniques ConstantLike ops by the value their folder returns, so
// packed_constant must fold to its data. Without a folder every packed
// constant of one type could look alike, and here the third matmul read the
// second one's weights.
// [1, -1, 0, 1] -> -110; [0, 1, 1, -1] -> codes 01 10 10 00 -> 41;
// [-1, 0, 1, 1] -> codes 00 01 10 10 -> 0b10100100 = -92.
// CHECK-LABEL: func @same_type_different_weights
// CHECK-DAG: %[[W0:.*]] = bitnet.packed_constant dense<-110> : tensor<1x1xi8>
// CHECK-DAG: %[[W1:.*]] = bitnet.packed_constant dense<41> : tensor<1x1xi8>
// CHECK-DAG: %[[W2:.*]] = bitnet.packed_constant dense<-92> : tensor<1x1xi8>
// CHECK: bitnet.packed_matmul %{{.*}}, %[[W0]]
// CHECK: bitnet.packed_matmul %{{.*}}, %[[W1]]
// CHECK: bitnet.packed_matmul %{{.*}}, %[[W2]]
func.func @same_type_different_weights(%q: tensor<2x4xi8>)
    -> (tensor<2x1xi32>, tensor<2x1xi32>, tensor<2x1xi32>) {
  %w0 = arith.constant dense<[[1, -1, 0, 1]]> : tensor<1x4xi8>
  %w1 = arith.constant dense<[[0, 1, 1, -1]]> : tensor<1x4xi8>
  %w2 = arith.constant dense<[[-1, 0, 1, 1]]> : tensor<1x4xi8>
  %a = bitnet.ternary_matmul %q, %w0 : tensor<2x4xi8>, tensor<1x4xi8> -> tensor<2x1xi32>
  %b = bitnet.ternary_matmul %q, %w1 : tensor<2x4xi8>, tensor<1x4xi8> -> tensor<2x1xi32>
  %c = bitnet.ternary_matmul %q, %w2 : tensor<2x4xi8>, tensor<1x4xi8> -> tensor<2x1xi32>
  return %a, %b, %c : tensor<2x1xi32>, tensor<2x1xi32>, tensor<2x1xi32>
}
