// RUN: bitnet-opt %s --convert-onnx-to-bitnet -split-input-file -verify-diagnostics | FileCheck %s

// bitnet.BitLinear, per token, 8 bits: the quantizer of the op spec
// (qmax 127, clip [-128, 127], eps), int sums, rescale by the [N] scale.
// CHECK-LABEL: func @bitlinear_per_token
// CHECK-DAG: %[[T:.*]] = arith.constant dense<{{\[\[}}1, -1, 0, 1], [0, 0, -1, 1]]> : tensor<2x4xi8>
// CHECK-DAG: %[[WS:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01]> : tensor<2xf32>
// CHECK: %[[Q:.*]], %[[S:.*]] = bitnet.quantize_activations %arg0 per_token {clip_max = 127 : i64, clip_min = -128 : i64, eps = 9.99999974E-6 : f32, qmax = 1.270000e+02 : f32} : tensor<3x4xf32> -> tensor<3x4xi8>, tensor<3x1xf32>
// CHECK: %[[ACC:.*]] = bitnet.ternary_matmul %[[Q]], %[[T]] : tensor<3x4xi8>, tensor<2x4xi8> -> tensor<3x2xi32>
// CHECK: bitnet.rescale %[[ACC]], %[[S]], %[[WS]] bias %arg1
func.func @bitlinear_per_token(%x: tensor<3x4xf32>, %b: tensor<2xf32>) -> tensor<3x2xf32> {
  %w = onnx.Constant {value = dense<[[1, -1, 0, 1], [0, 0, -1, 1]]> : tensor<2x4xi8>} : tensor<2x4xi8>
  %s = onnx.Constant {value = dense<[0.5, 0.25]> : tensor<2xf32>} : tensor<2xf32>
  %y = onnx.bitnet.BitLinear(%x, %w, %s, %b) : (tensor<3x4xf32>, tensor<2x4xi8>, tensor<2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// activation_shift = 1: eta = min x per token, unsigned codes [0, 255] (i16),
// rescale adds eta * ws * rowsum(W) with rowsum = [1, 0].
// CHECK-LABEL: func @bitlinear_shift
// CHECK-DAG: %[[T:.*]] = arith.constant dense<{{\[\[}}1, -1, 0, 1], [0, 0, -1, 1]]> : tensor<2x4xi8>
// CHECK-DAG: %[[WS:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01]> : tensor<2xf32>
// CHECK-DAG: %[[RS:.*]] = arith.constant dense<[1, 0]> : tensor<2xi32>
// CHECK: %[[Q:.*]], %[[S:.*]], %[[ETA:.*]] = bitnet.quantize_activations %arg0 per_token {clip_max = 255 : i64, clip_min = 0 : i64, eps = 9.99999974E-6 : f32, qmax = 1.270000e+02 : f32, shift} : tensor<3x4xf32> -> tensor<3x4xi16>, tensor<3x1xf32>, tensor<3x1xf32>
// CHECK: %[[ACC:.*]] = bitnet.ternary_matmul %[[Q]], %[[T]] : tensor<3x4xi16>, tensor<2x4xi8> -> tensor<3x2xi32>
// CHECK: bitnet.rescale %[[ACC]], %[[S]], %[[WS]] shift %[[ETA]], %[[RS]] bias %arg1
func.func @bitlinear_shift(%x: tensor<3x4xf32>, %b: tensor<2xf32>) -> tensor<3x2xf32> {
  %w = onnx.Constant {value = dense<[[1, -1, 0, 1], [0, 0, -1, 1]]> : tensor<2x4xi8>} : tensor<2x4xi8>
  %s = onnx.Constant {value = dense<[0.5, 0.25]> : tensor<2xf32>} : tensor<2xf32>
  %y = onnx.bitnet.BitLinear(%x, %w, %s, %b) {activation_shift = 1 : i64} : (tensor<3x4xf32>, tensor<2x4xi8>, tensor<2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Per tensor with 4-bit activations: qmax 7, clip [-8, 7].
// CHECK-LABEL: func @bitlinear_per_tensor_4bit
// CHECK: bitnet.quantize_activations %arg0 per_tensor {clip_max = 7 : i64, clip_min = -8 : i64, eps = 0.000000e+00 : f32, qmax = 7.000000e+00 : f32} : tensor<3x4xf32> -> tensor<3x4xi8>, tensor<1x1xf32>
func.func @bitlinear_per_tensor_4bit(%x: tensor<3x4xf32>) -> tensor<3x2xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<[[1, -1, 0, 1], [0, 0, -1, 1]]> : tensor<2x4xi8>} : tensor<2x4xi8>
  %s = onnx.Constant {value = dense<0.5> : tensor<f32>} : tensor<f32>
  %y = onnx.bitnet.BitLinear(%x, %w, %s, %none) {activation_mode = "per_tensor", activation_bits = 4 : i64, epsilon = 0.0 : f32} : (tensor<3x4xf32>, tensor<2x4xi8>, tensor<f32>, none) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Per group of 2 along K: per-group scales [3, 2], partial sums per group
// (k_group), the grouped rescale sums them.
// CHECK-LABEL: func @bitlinear_per_group
// CHECK: %[[Q:.*]], %[[S:.*]] = bitnet.quantize_activations %arg0 per_group {clip_max = 127 : i64, clip_min = -128 : i64, eps = 9.99999974E-6 : f32, group_size = 2 : i64, qmax = 1.270000e+02 : f32} : tensor<3x4xf32> -> tensor<3x4xi8>, tensor<3x2xf32>
// CHECK: %[[ACC:.*]] = bitnet.ternary_matmul %[[Q]], %{{.*}} {k_group = 2 : i64} : tensor<3x4xi8>, tensor<2x4xi8> -> tensor<3x2x2xi32>
// CHECK: bitnet.rescale %[[ACC]], %[[S]], %{{.*}} : tensor<3x2x2xi32>, tensor<3x2xf32>, tensor<1xf32> -> tensor<3x2xf32>
func.func @bitlinear_per_group(%x: tensor<3x4xf32>) -> tensor<3x2xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<[[1, -1, 0, 1], [0, 0, -1, 1]]> : tensor<2x4xi8>} : tensor<2x4xi8>
  %s = onnx.Constant {value = dense<0.5> : tensor<1xf32>} : tensor<1xf32>
  %y = onnx.bitnet.BitLinear(%x, %w, %s, %none) {activation_mode = "per_group", group_size = 2 : i64} : (tensor<3x4xf32>, tensor<2x4xi8>, tensor<1xf32>, none) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// activation_mode "none": weight-only, float activations.
// CHECK-LABEL: func @bitlinear_weight_only
// CHECK-NOT: quantize_activations
// CHECK: %[[ACC:.*]] = bitnet.ternary_matmul %arg0, %{{.*}} : tensor<3x4xf32>, tensor<2x4xi8> -> tensor<3x2xf32>
// CHECK: bitnet.weight_rescale %[[ACC]], %{{.*}} : tensor<3x2xf32>, tensor<1xf32> -> tensor<3x2xf32>
func.func @bitlinear_weight_only(%x: tensor<3x4xf32>) -> tensor<3x2xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<[[1, -1, 1, 1], [-1, 1, -1, 1]]> : tensor<2x4xi8>} : tensor<2x4xi8>
  %s = onnx.Constant {value = dense<0.5> : tensor<1xf32>} : tensor<1xf32>
  %y = onnx.bitnet.BitLinear(%x, %w, %s, %none) {activation_mode = "none", weight_bits = 1 : i64} : (tensor<3x4xf32>, tensor<2x4xi8>, tensor<1xf32>, none) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// A broken contract is an error, not a float fallback: a zero code with
// weight_bits = 1.
func.func @bitlinear_bad_code(%x: tensor<3x4xf32>) -> tensor<3x2xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<[[1, -1, 0, 1], [0, 0, -1, 1]]> : tensor<2x4xi8>} : tensor<2x4xi8>
  %s = onnx.Constant {value = dense<0.5> : tensor<1xf32>} : tensor<1xf32>
  // expected-error @+1 {{node '<unnamed>' (bitnet.BitLinear): W holds a code outside {-1, +1} (weight_bits = 1)}}
  %y = onnx.bitnet.BitLinear(%x, %w, %s, %none) {weight_bits = 1 : i64} : (tensor<3x4xf32>, tensor<2x4xi8>, tensor<1xf32>, none) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

func.func @bitlinear_runtime_weights(%x: tensor<3x4xf32>, %w: tensor<2x4xi8>) -> tensor<3x2xf32> {
  %none = onnx.NoValue
  %s = onnx.Constant {value = dense<0.5> : tensor<1xf32>} : tensor<1xf32>
  // expected-error @+1 {{node '<unnamed>' (bitnet.BitLinear): W must be a constant (an initializer)}}
  %y = onnx.bitnet.BitLinear(%x, %w, %s, %none) : (tensor<3x4xf32>, tensor<2x4xi8>, tensor<1xf32>, none) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// MatMulNBits, bits 2, default zero point 2, codes {1, 2, 3} = {-1, 0, +1};
// K = 32 in two blocks of 16 with different scales: per-block partial sums
// and a [N, 2] weight scale. Byte 0x99 = codes 1, 2, 1, 2 (low bits first).
// CHECK-LABEL: func @nbits_ternary_blocks
// CHECK-DAG: %[[WS:.*]] = arith.constant dense<{{\[\[}}5.000000e-01, 2.500000e-01], [1.000000e+00, 2.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: %[[T:.*]] = arith.constant dense<{{\[\[}}-1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [0, 0
// CHECK: %[[ACC:.*]] = bitnet.ternary_matmul %arg0, %[[T]] {k_group = 16 : i64} : tensor<3x32xf32>, tensor<2x32xi8> -> tensor<3x2x2xf32>
// CHECK: bitnet.weight_rescale %[[ACC]], %[[WS]] bias %arg1
func.func @nbits_ternary_blocks(%x: tensor<3x32xf32>, %b: tensor<2xf32>) -> tensor<3x2xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<[[[153, 153, 153, 153], [255, 255, 255, 255]], [[170, 170, 170, 170], [170, 170, 170, 170]]]> : tensor<2x2x4xui8>} : tensor<2x2x4xui8>
  %s = onnx.Constant {value = dense<[0.5, 0.25, 1.0, 2.0]> : tensor<4xf32>} : tensor<4xf32>
  %y = onnx.com.microsoft.MatMulNBits(%x, %w, %s, %none, %none, %b) {K = 32 : i64, N = 2 : i64, bits = 2 : i64, block_size = 16 : i64} : (tensor<3x32xf32>, tensor<2x2x4xui8>, tensor<4xf32>, none, none, tensor<2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Equal block scales in each row: one scale per row, no groups. Packed
// uint8 zero points (2 bits, low first): 0x05 = zero points 1, 1 for row 0,
// so its codes 0 (byte 0) and 2 (0xAA) are -1 and +1.
// CHECK-LABEL: func @nbits_row_scales_packed_zero_points
// CHECK-DAG: %[[WS:.*]] = arith.constant dense<[5.000000e-01, 1.000000e+00]> : tensor<2xf32>
// CHECK: %[[ACC:.*]] = bitnet.ternary_matmul %arg0, %{{.*}} : tensor<3x32xf32>, tensor<2x32xi8> -> tensor<3x2xf32>
// CHECK: bitnet.weight_rescale %[[ACC]], %[[WS]] : tensor<3x2xf32>, tensor<2xf32> -> tensor<3x2xf32>
func.func @nbits_row_scales_packed_zero_points(%x: tensor<3x32xf32>) -> tensor<3x2xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<[[[0, 0, 0, 0], [170, 170, 170, 170]], [[170, 170, 170, 170], [153, 153, 153, 153]]]> : tensor<2x2x4xui8>} : tensor<2x2x4xui8>
  %s = onnx.Constant {value = dense<[0.5, 0.5, 1.0, 1.0]> : tensor<4xf32>} : tensor<4xf32>
  %zp = onnx.Constant {value = dense<[5, 10]> : tensor<2xui8>} : tensor<2xui8>
  %y = onnx.com.microsoft.MatMulNBits(%x, %w, %s, %zp, %none, %none) {K = 32 : i64, N = 2 : i64, bits = 2 : i64, block_size = 16 : i64} : (tensor<3x32xf32>, tensor<2x2x4xui8>, tensor<4xf32>, tensor<2xui8>, none, none) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Code 0 with the default zero point 2 is -2: not ternary. Dequantized at
// compile time to a float MatMul ([K, N] = [16, 1]; 0x04 = codes 0, 1, 0, 0
// -> -2, -1, -2, -2, times 0.5), which stays float (no second remark).
// CHECK-LABEL: func @nbits_not_ternary
// CHECK: %[[W:.*]] = onnx.Constant {value = dense<{{\[\[}}-1.000000e+00], [-5.000000e-01], [-1.000000e+00], [-1.000000e+00], [-1.000000e+00], [-5.000000e-01]
// CHECK: onnx.MatMul(%arg0, %[[W]])
func.func @nbits_not_ternary(%x: tensor<3x16xf32>) -> tensor<3x1xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<4> : tensor<1x1x4xui8>} : tensor<1x1x4xui8>
  %s = onnx.Constant {value = dense<0.5> : tensor<1xf32>} : tensor<1xf32>
  // expected-remark @+1 {{node '<unnamed>' (com.microsoft.MatMulNBits): kept on the float path: codes are not ternary: row 0, column 0 has code - zero_point = -2}}
  %y = onnx.com.microsoft.MatMulNBits(%x, %w, %s, %none, %none, %none) {K = 16 : i64, N = 1 : i64, bits = 2 : i64, block_size = 16 : i64} : (tensor<3x16xf32>, tensor<1x1x4xui8>, tensor<1xf32>, none, none, none) -> tensor<3x1xf32>
  return %y : tensor<3x1xf32>
}

// -----

// 4-bit codes around the default zero point 8: 0x98 = codes 8, 9 -> 0, +1,
// ternary although bits = 4.
// CHECK-LABEL: func @nbits_4bit_ternary
// CHECK: bitnet.ternary_matmul %arg0, %{{.*}} : tensor<3x16xf32>, tensor<1x16xi8> -> tensor<3x1xf32>
func.func @nbits_4bit_ternary(%x: tensor<3x16xf32>) -> tensor<3x1xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<152> : tensor<1x1x8xui8>} : tensor<1x1x8xui8>
  %s = onnx.Constant {value = dense<0.5> : tensor<1xf32>} : tensor<1xf32>
  %y = onnx.com.microsoft.MatMulNBits(%x, %w, %s, %none, %none, %none) {K = 16 : i64, N = 1 : i64, bits = 4 : i64, block_size = 16 : i64} : (tensor<3x16xf32>, tensor<1x1x8xui8>, tensor<1xf32>, none, none, none) -> tensor<3x1xf32>
  return %y : tensor<3x1xf32>
}
