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
