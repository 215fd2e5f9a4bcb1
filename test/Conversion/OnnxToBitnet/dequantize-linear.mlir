// RUN: bitnet-opt %s --onnx-fold-constants --convert-onnx-to-bitnet -split-input-file -verify-diagnostics | FileCheck %s

// Spelling c through DequantizeLinear: int8 {-1, 0, 1} codes [K, N] with a
// scalar scale fold to {-s, 0, +s} and are raised (weight-only: the
// activations are float).
// CHECK-LABEL: func @int8_per_tensor
// CHECK-DAG: %[[T:.*]] = arith.constant dense<{{\[\[}}1, 0], [-1, 1]]> : tensor<2x2xi8>
// CHECK-DAG: %[[WS:.*]] = arith.constant dense<2.500000e-01> : tensor<1xf32>
// CHECK: %[[ACC:.*]] = bitnet.ternary_matmul %arg0, %[[T]] : tensor<1x2xf32>, tensor<2x2xi8> -> tensor<1x2xf32>
// CHECK: bitnet.weight_rescale %[[ACC]], %[[WS]]
func.func @int8_per_tensor(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %codes = onnx.Constant {value = dense<[[1, -1], [0, 1]]> : tensor<2x2xi8>} : tensor<2x2xi8>
  %scale = onnx.Constant {value = dense<0.25> : tensor<f32>} : tensor<f32>
  %none = onnx.NoValue
  %w = onnx.DequantizeLinear(%codes, %scale, %none) : (tensor<2x2xi8>, tensor<f32>, none) -> tensor<2x2xf32>
  %y = onnx.MatMul(%x, %w) : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// uint8 codes {zp - 1, zp, zp + 1} with a per-output-column scale and zero
// point (axis 1 = N of B [K, N]): one weight scale per output row.
// CHECK-LABEL: func @uint8_per_column
// CHECK-DAG: %[[T:.*]] = arith.constant dense<{{\[\[}}1, 0, -1], [-1, 1, 0]]> : tensor<2x3xi8>
// CHECK-DAG: %[[WS:.*]] = arith.constant dense<[5.000000e-01, 2.000000e+00]> : tensor<2xf32>
// CHECK: %[[ACC:.*]] = bitnet.ternary_matmul %arg0, %[[T]]
// CHECK: bitnet.weight_rescale %[[ACC]], %[[WS]]
func.func @uint8_per_column(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %codes = onnx.Constant {value = dense<[[129, 99], [128, 101], [127, 100]]> : tensor<3x2xui8>} : tensor<3x2xui8>
  %scale = onnx.Constant {value = dense<[0.5, 2.0]> : tensor<2xf32>} : tensor<2xf32>
  %zp = onnx.Constant {value = dense<[128, 100]> : tensor<2xui8>} : tensor<2xui8>
  %w = onnx.DequantizeLinear(%codes, %scale, %zp) {axis = 1 : i64} : (tensor<3x2xui8>, tensor<2xf32>, tensor<2xui8>) -> tensor<3x2xf32>
  %y = onnx.MatMul(%x, %w) : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Gemm with transB: codes [N, K], per-row scales along axis 0.
// CHECK-LABEL: func @gemm_per_row
// CHECK-DAG: %[[WS:.*]] = arith.constant dense<[1.000000e+00, 3.000000e+00]> : tensor<2xf32>
// CHECK: bitnet.ternary_matmul
// CHECK: bitnet.weight_rescale {{.*}}, %[[WS]]
func.func @gemm_per_row(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %codes = onnx.Constant {value = dense<[[1, -1], [0, 1]]> : tensor<2x2xi8>} : tensor<2x2xi8>
  %scale = onnx.Constant {value = dense<[1.0, 3.0]> : tensor<2xf32>} : tensor<2xf32>
  %none = onnx.NoValue
  %w = onnx.DequantizeLinear(%codes, %scale, %none) {axis = 0 : i64} : (tensor<2x2xi8>, tensor<2xf32>, none) -> tensor<2x2xf32>
  %y = onnx.Gemm(%x, %w, %none) {transB = 1 : i64} : (tensor<1x2xf32>, tensor<2x2xf32>, none) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Near miss: an int8 code 2 is not ternary; the folded weight stays float.
// CHECK-LABEL: func @int8_not_ternary
// CHECK: onnx.MatMul
func.func @int8_not_ternary(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %codes = onnx.Constant {value = dense<[[2, -1], [1, 1]]> : tensor<2x2xi8>} : tensor<2x2xi8>
  %scale = onnx.Constant {value = dense<0.25> : tensor<f32>} : tensor<f32>
  %none = onnx.NoValue
  %w = onnx.DequantizeLinear(%codes, %scale, %none) : (tensor<2x2xi8>, tensor<f32>, none) -> tensor<2x2xf32>
  // expected-remark @+1 {{kept on the float path: weights are not ternary: values 5.000000e-01 and 2.500000e-01 differ in magnitude (nor is each output row {-s, 0, +s}: values 5.000000e-01 and 2.500000e-01 differ in magnitude within output row 0)}}
  %y = onnx.MatMul(%x, %w) : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Blocked DequantizeLinear (opset 21, block_size 2 along K = axis 0 of B
// [K, N]): left unfolded by onnx-fold-constants, the codes become the
// ternary weights and the [K/2, N] block scales a [N, K/2] weight scale on
// per-block partial sums (weight-only: the activations are float).
// CHECK-LABEL: func @blocked_weight_only
// CHECK-DAG: %[[T:.*]] = arith.constant dense<{{\[\[}}1, 0, -1, 1], [-1, 1, 0, 1]]> : tensor<2x4xi8>
// CHECK-DAG: %[[WS:.*]] = arith.constant dense<{{\[\[}}5.000000e-01, 2.500000e-01], [2.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK: %[[ACC:.*]] = bitnet.ternary_matmul %arg0, %[[T]] {k_group = 2 : i64} : tensor<3x4xf32>, tensor<2x4xi8> -> tensor<3x2x2xf32>
// CHECK: bitnet.weight_rescale %[[ACC]], %[[WS]] : tensor<3x2x2xf32>, tensor<2x2xf32> -> tensor<3x2xf32>
// CHECK-NOT: onnx.DequantizeLinear
func.func @blocked_weight_only(%x: tensor<3x4xf32>) -> tensor<3x2xf32> {
  %none = onnx.NoValue
  %codes = onnx.Constant {value = dense<[[1, -1], [0, 1], [-1, 0], [1, 1]]> : tensor<4x2xi8>} : tensor<4x2xi8>
  %scale = onnx.Constant {value = dense<[[0.5, 2.0], [0.25, 4.0]]> : tensor<2x2xf32>} : tensor<2x2xf32>
  %w = onnx.DequantizeLinear(%codes, %scale, %none) {axis = 0 : i64, block_size = 2 : i64} : (tensor<4x2xi8>, tensor<2x2xf32>, none) -> tensor<4x2xf32>
  %y = onnx.MatMul(%x, %w) : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// uint8 codes around per-block zero points whose block scales agree along
// each output row: one [N] weight scale, no partial sums.
// CHECK-LABEL: func @blocked_rows_share
// CHECK-DAG: %[[T:.*]] = arith.constant dense<{{\[\[}}1, 0, -1, 1], [-1, 1, 0, 1]]> : tensor<2x4xi8>
// CHECK-DAG: %[[WS:.*]] = arith.constant dense<[5.000000e-01, 2.000000e+00]> : tensor<2xf32>
// CHECK: %[[ACC:.*]] = bitnet.ternary_matmul %arg0, %[[T]] : tensor<3x4xf32>, tensor<2x4xi8> -> tensor<3x2xf32>
// CHECK: bitnet.weight_rescale %[[ACC]], %[[WS]] : tensor<3x2xf32>, tensor<2xf32> -> tensor<3x2xf32>
func.func @blocked_rows_share(%x: tensor<3x4xf32>) -> tensor<3x2xf32> {
  %codes = onnx.Constant {value = dense<[[129, 9], [128, 11], [7, 10], [9, 11]]> : tensor<4x2xui8>} : tensor<4x2xui8>
  %scale = onnx.Constant {value = dense<[[0.5, 2.0], [0.5, 2.0]]> : tensor<2x2xf32>} : tensor<2x2xf32>
  %zp = onnx.Constant {value = dense<[[128, 10], [8, 10]]> : tensor<2x2xui8>} : tensor<2x2xui8>
  %w = onnx.DequantizeLinear(%codes, %scale, %zp) {axis = 0 : i64, block_size = 2 : i64} : (tensor<4x2xui8>, tensor<2x2xf32>, tensor<2x2xui8>) -> tensor<4x2xf32>
  %y = onnx.MatMul(%x, %w) : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// b1.58 per-token activations and a Gemm with transB over blocked weights
// B [N, K] (axis 1): int8 codes, per-block partial sums, the grouped rescale
// with the per-token act scale broadcast over the blocks; the bias stays.
// CHECK-LABEL: func @blocked_gemm_b158
// CHECK-DAG: %[[WS:.*]] = arith.constant dense<{{\[\[}}5.000000e-01, 2.500000e-01], [2.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK: %[[Q:.*]], %[[S:.*]] = bitnet.quantize_activations %arg0 per_token
// CHECK: %[[ACC:.*]] = bitnet.ternary_matmul %[[Q]], %{{.*}} {k_group = 2 : i64} : tensor<3x4xi8>, tensor<2x4xi8> -> tensor<3x2x2xi32>
// CHECK: bitnet.rescale %[[ACC]], %[[S]], %[[WS]] bias %[[B]] : tensor<3x2x2xi32>, tensor<3x1xf32>, tensor<2x2xf32>, tensor<2xf32> -> tensor<3x2xf32>
// CHECK-NOT: onnx.DequantizeLinear
func.func @blocked_gemm_b158(%x: tensor<3x4xf32>) -> tensor<3x2xf32> {
  %none = onnx.NoValue
  %codes = onnx.Constant {value = dense<[[1, 0, -1, 1], [-1, 1, 0, 1]]> : tensor<2x4xi8>} : tensor<2x4xi8>
  %scale = onnx.Constant {value = dense<[[0.5, 0.25], [2.0, 4.0]]> : tensor<2x2xf32>} : tensor<2x2xf32>
  %w = onnx.DequantizeLinear(%codes, %scale, %none) {axis = 1 : i64, block_size = 2 : i64} : (tensor<2x4xi8>, tensor<2x2xf32>, none) -> tensor<2x4xf32>
  %b = onnx.Constant {value = dense<[1.0, 2.0]> : tensor<2xf32>} : tensor<2xf32>
  %abs = onnx.Abs(%x) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  %axes = onnx.Constant {value = dense<[-1]> : tensor<1xi64>} : tensor<1xi64>
  %m = onnx.ReduceMax(%abs, %axes) {keepdims = 1 : i64} : (tensor<3x4xf32>, tensor<1xi64>) -> tensor<3x1xf32>
  %eps = onnx.Constant {value = dense<1.0e-5> : tensor<f32>} : tensor<f32>
  %g = onnx.Clip(%m, %eps, %none) : (tensor<3x1xf32>, tensor<f32>, none) -> tensor<3x1xf32>
  %qmax = onnx.Constant {value = dense<127.0> : tensor<f32>} : tensor<f32>
  %s = onnx.Div(%qmax, %g) : (tensor<f32>, tensor<3x1xf32>) -> tensor<3x1xf32>
  %xs = onnx.Mul(%x, %s) : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  %round = onnx.Round(%xs) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  %lo = onnx.Constant {value = dense<-128.0> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<127.0> : tensor<f32>} : tensor<f32>
  %c = onnx.Clip(%round, %lo, %hi) : (tensor<3x4xf32>, tensor<f32>, tensor<f32>) -> tensor<3x4xf32>
  %dq = onnx.Div(%c, %s) : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  %y = onnx.Gemm(%dq, %w, %b) {transB = 1 : i64} : (tensor<3x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Near miss: a blocked code 2 (code - zero point) is not ternary. The
// weight is folded here to its float constant (as onnx-fold-constants
// would) and the MatMul stays float.
// CHECK-LABEL: func @blocked_not_ternary
// CHECK: %[[W:.*]] = onnx.Constant {value = dense<{{\[\[}}5.000000e-01, -2.000000e+00], [1.000000e+00, 2.000000e+00], [-2.500000e-01, 0.000000e+00], [2.500000e-01, 4.000000e+00]]> : tensor<4x2xf32>}
// CHECK: onnx.MatMul(%arg0, %[[W]])
// CHECK-NOT: onnx.DequantizeLinear
func.func @blocked_not_ternary(%x: tensor<3x4xf32>) -> tensor<3x2xf32> {
  %none = onnx.NoValue
  %codes = onnx.Constant {value = dense<[[1, -1], [2, 1], [-1, 0], [1, 1]]> : tensor<4x2xi8>} : tensor<4x2xi8>
  %scale = onnx.Constant {value = dense<[[0.5, 2.0], [0.25, 4.0]]> : tensor<2x2xf32>} : tensor<2x2xf32>
  %w = onnx.DequantizeLinear(%codes, %scale, %none) {axis = 0 : i64, block_size = 2 : i64} : (tensor<4x2xi8>, tensor<2x2xf32>, none) -> tensor<4x2xf32>
  // expected-remark @+1 {{kept on the float path: codes are not ternary: output row 0, column 1 has code - zero_point = 2}}
  %y = onnx.MatMul(%x, %w) : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Near miss: block scales that differ within a row and a partial last block
// (K = 3, block_size 2) cannot scale per-block partial sums of equal width.
// CHECK-LABEL: func @blocked_partial_block
// CHECK: onnx.MatMul
// CHECK-NOT: onnx.DequantizeLinear
func.func @blocked_partial_block(%x: tensor<3x3xf32>) -> tensor<3x2xf32> {
  %none = onnx.NoValue
  %codes = onnx.Constant {value = dense<[[1, -1], [0, 1], [-1, 0]]> : tensor<3x2xi8>} : tensor<3x2xi8>
  %scale = onnx.Constant {value = dense<[[0.5, 2.0], [0.25, 4.0]]> : tensor<2x2xf32>} : tensor<2x2xf32>
  %w = onnx.DequantizeLinear(%codes, %scale, %none) {axis = 0 : i64, block_size = 2 : i64} : (tensor<3x2xi8>, tensor<2x2xf32>, none) -> tensor<3x2xf32>
  // expected-remark @+1 {{kept on the float path: the per-block scales differ within a row and K is not a multiple of block_size (the last block is partial)}}
  %y = onnx.MatMul(%x, %w) : (tensor<3x3xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Near miss: per-group activations (one group of 4) over weight blocks of 2.
// CHECK-LABEL: func @blocked_other_groups
// CHECK: onnx.Gemm
// CHECK-NOT: onnx.DequantizeLinear
func.func @blocked_other_groups(%x: tensor<3x4xf32>) -> tensor<3x2xf32> {
  %none = onnx.NoValue
  %codes = onnx.Constant {value = dense<[[1, 0, -1, 1], [-1, 1, 0, 1]]> : tensor<2x4xi8>} : tensor<2x4xi8>
  %scale = onnx.Constant {value = dense<[[0.5, 0.25], [2.0, 4.0]]> : tensor<2x2xf32>} : tensor<2x2xf32>
  %w = onnx.DequantizeLinear(%codes, %scale, %none) {axis = 1 : i64, block_size = 2 : i64} : (tensor<2x4xi8>, tensor<2x2xf32>, none) -> tensor<2x4xf32>
  %split = onnx.Constant {value = dense<[3, 1, 4]> : tensor<3xi64>} : tensor<3xi64>
  %merge = onnx.Constant {value = dense<[3, 4]> : tensor<2xi64>} : tensor<2xi64>
  %xg = onnx.Reshape(%x, %split) : (tensor<3x4xf32>, tensor<3xi64>) -> tensor<3x1x4xf32>
  %abs = onnx.Abs(%xg) : (tensor<3x1x4xf32>) -> tensor<3x1x4xf32>
  %axes = onnx.Constant {value = dense<[-1]> : tensor<1xi64>} : tensor<1xi64>
  %m = onnx.ReduceMax(%abs, %axes) {keepdims = 1 : i64} : (tensor<3x1x4xf32>, tensor<1xi64>) -> tensor<3x1x1xf32>
  %qmax = onnx.Constant {value = dense<127.0> : tensor<f32>} : tensor<f32>
  %s = onnx.Div(%qmax, %m) : (tensor<f32>, tensor<3x1x1xf32>) -> tensor<3x1x1xf32>
  %xs = onnx.Mul(%xg, %s) : (tensor<3x1x4xf32>, tensor<3x1x1xf32>) -> tensor<3x1x4xf32>
  %round = onnx.Round(%xs) : (tensor<3x1x4xf32>) -> tensor<3x1x4xf32>
  %lo = onnx.Constant {value = dense<-128.0> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<127.0> : tensor<f32>} : tensor<f32>
  %c = onnx.Clip(%round, %lo, %hi) : (tensor<3x1x4xf32>, tensor<f32>, tensor<f32>) -> tensor<3x1x4xf32>
  %dq = onnx.Div(%c, %s) : (tensor<3x1x4xf32>, tensor<3x1x1xf32>) -> tensor<3x1x4xf32>
  %back = onnx.Reshape(%dq, %merge) : (tensor<3x1x4xf32>, tensor<2xi64>) -> tensor<3x4xf32>
  // expected-remark @+1 {{kept on the float path: the activation groups (4) differ from the weight blocks (2)}}
  %y = onnx.Gemm(%back, %w, %none) {transB = 1 : i64} : (tensor<3x4xf32>, tensor<2x4xf32>, none) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}
