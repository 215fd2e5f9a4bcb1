// RUN: bitnet-opt %s --bitnet-lower-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so \
// RUN: | FileCheck %s

// MatMul in every numpy rank case and Gemm, against numpy (inputs are
// multiples of 0.5, so every result is exact).

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %A = arith.constant dense<[[[0.5, 2.0, 0.5, -2.0], [-2.0, -1.5, 1.5, 1.0], [-1.0, 0.0, 0.5, -1.0]], [[0.0, -1.0, 0.0, 1.5], [1.5, -1.5, 1.5, -2.0], [1.0, 1.5, 1.0, -1.5]]]> : tensor<2x3x4xf32>
  %W = arith.constant dense<[[2.0, 2.0], [1.0, -1.0], [2.0, 1.5], [-1.0, -1.5]]> : tensor<4x2xf32>
  %B1 = arith.constant dense<[[[[2.0, -0.5, 2.0], [2.0, -2.0, 0.5]]], [[[-0.5, 0.5, 1.5], [1.0, -2.0, 0.0]]]]> : tensor<2x1x2x3xf32>
  %B2 = arith.constant dense<[[[1.5, 0.5], [-1.5, 2.0], [1.5, 2.0]], [[-1.0, 1.5], [1.5, 1.5], [2.0, 0.0]], [[-1.0, 1.0], [0.0, -0.5], [-2.0, 1.5]]]> : tensor<3x3x2xf32>
  %v = arith.constant dense<[-0.5, 1.0, 1.0]> : tensor<3xf32>
  %Bv = arith.constant dense<[[[-0.5, 0.0], [-2.0, -1.5], [-1.5, 0.0]], [[-1.5, 2.0], [-1.0, 0.0], [-1.0, 0.5]]]> : tensor<2x3x2xf32>
  %Av = arith.constant dense<[[[0.0, 1.0, -0.5], [-0.5, 1.5, 1.5]], [[1.5, 2.0, 2.0], [1.5, 1.0, 0.0]]]> : tensor<2x2x3xf32>
  %Q = arith.constant dense<[[[-0.5, 0.0, -1.5], [0.5, 2.0, -0.5]], [[2.0, -2.0, 0.5], [-1.5, -0.5, -1.0]]]> : tensor<2x2x3xf32>
  %K = arith.constant dense<[[[0.5, 1.0], [2.0, 1.0], [-1.5, 1.0]], [[0.0, 2.0], [-1.5, 2.0], [0.5, -1.5]]]> : tensor<2x3x2xf32>
  %G = arith.constant dense<[[0.0, -2.0], [-1.5, -2.0], [-1.5, 2.0]]> : tensor<3x2xf32>
  %H = arith.constant dense<[[-2.0, -1.5, 1.5], [-1.5, 1.5, -1.0], [2.0, -2.0, -2.0], [0.0, -1.0, -1.5]]> : tensor<4x3xf32>
  %C = arith.constant dense<[[1.0, -1.5, -1.0, -0.5]]> : tensor<1x4xf32>
  // [2,3,4] x [4,2]: batch dims fold into M (linalg.matmul).
  %mm1 = onnx.MatMul(%A, %W) : (tensor<2x3x4xf32>, tensor<4x2xf32>) -> tensor<2x3x2xf32>
  // [2,1,2,3] x [3,3,2]: broadcast batch dims (linalg.generic).
  %mm2 = onnx.MatMul(%B1, %B2) : (tensor<2x1x2x3xf32>, tensor<3x3x2xf32>) -> tensor<2x3x2x2xf32>
  // [3] x [2,3,2]: 1-D lhs.
  %mm3 = onnx.MatMul(%v, %Bv) : (tensor<3xf32>, tensor<2x3x2xf32>) -> tensor<2x2xf32>
  // [2,2,3] x [3]: 1-D rhs.
  %mm4 = onnx.MatMul(%Av, %v) : (tensor<2x2x3xf32>, tensor<3xf32>) -> tensor<2x2xf32>
  // [3] x [3]: a dot product, rank 0.
  %mm5 = onnx.MatMul(%v, %v) : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  // [2,2,3] x [2,3,2]: equal batch dims (linalg.batch_matmul).
  %mm6 = onnx.MatMul(%Q, %K) : (tensor<2x2x3xf32>, tensor<2x3x2xf32>) -> tensor<2x2x2xf32>
  // Gemm with transA, transB, alpha, beta and C broadcast from [1,4].
  %gm = onnx.Gemm(%G, %H, %C) {alpha = 0.5 : f32, beta = 2.0 : f32, transA = 1 : i64, transB = 1 : i64} : (tensor<3x2xf32>, tensor<4x3xf32>, tensor<1x4xf32>) -> tensor<2x4xf32>
  // f16 operands accumulate in f32; i32 stays integer.
  %A16 = onnx.Cast(%A) {to = 10 : i64} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf16>
  %W16 = onnx.Cast(%W) {to = 10 : i64} : (tensor<4x2xf32>) -> tensor<4x2xf16>
  %m16 = onnx.MatMul(%A16, %W16) : (tensor<2x3x4xf16>, tensor<4x2xf16>) -> tensor<2x3x2xf16>
  %mm7 = onnx.Cast(%m16) {to = 1 : i64} : (tensor<2x3x2xf16>) -> tensor<2x3x2xf32>
  %Ai = onnx.Cast(%Q) {to = 6 : i64} : (tensor<2x2x3xf32>) -> tensor<2x2x3xi32>
  %Ki = onnx.Cast(%K) {to = 6 : i64} : (tensor<2x3x2xf32>) -> tensor<2x3x2xi32>
  %mi = onnx.MatMul(%Ai, %Ki) : (tensor<2x2x3xi32>, tensor<2x3x2xi32>) -> tensor<2x2x2xi32>
  %mm8 = onnx.Cast(%mi) {to = 1 : i64} : (tensor<2x2x2xi32>) -> tensor<2x2x2xf32>
  %mm1f = tensor.collapse_shape %mm1 [[0, 1, 2]] : tensor<2x3x2xf32> into tensor<12xf32>
  %mm1u = tensor.cast %mm1f : tensor<12xf32> to tensor<*xf32>
  // CHECK: [6,  2.75,  -3.5,  -1.75,  0,  0.25,  -2.5,  -1.25,  6.5,  9.75,  7,  4.25]
  call @printMemrefF32(%mm1u) : (tensor<*xf32>) -> ()
  %mm2f = tensor.collapse_shape %mm2 [[0, 1, 2, 3]] : tensor<2x3x2x2xf32> into tensor<24xf32>
  %mm2u = tensor.cast %mm2f : tensor<24xf32> to tensor<*xf32>
  // CHECK: [6.75,  4,  6.75,  -2,  1.25,  2.25,  -4,  0,  -6,  5.25,  -3,  3.75,  0.75,  3.75,  4.5,  -3.5,  4.25,  0,  -4,  -1.5,  -2.5,  1.5,  -1,  2]
  call @printMemrefF32(%mm2u) : (tensor<*xf32>) -> ()
  %mm3f = tensor.collapse_shape %mm3 [[0, 1]] : tensor<2x2xf32> into tensor<4xf32>
  %mm3u = tensor.cast %mm3f : tensor<4xf32> to tensor<*xf32>
  // CHECK: [-3.25,  -1.5,  -1.25,  -0.5]
  call @printMemrefF32(%mm3u) : (tensor<*xf32>) -> ()
  %mm4f = tensor.collapse_shape %mm4 [[0, 1]] : tensor<2x2xf32> into tensor<4xf32>
  %mm4u = tensor.cast %mm4f : tensor<4xf32> to tensor<*xf32>
  // CHECK: [0.5,  3.25,  3.25,  0.25]
  call @printMemrefF32(%mm4u) : (tensor<*xf32>) -> ()
  %mm5u = tensor.cast %mm5 : tensor<f32> to tensor<*xf32>
  // CHECK: [2.25]
  call @printMemrefF32(%mm5u) : (tensor<*xf32>) -> ()
  %mm6f = tensor.collapse_shape %mm6 [[0, 1, 2]] : tensor<2x2x2xf32> into tensor<8xf32>
  %mm6u = tensor.cast %mm6f : tensor<8xf32> to tensor<*xf32>
  // CHECK: [2,  -2,  5,  2,  3.25,  -0.75,  0.25,  -2.5]
  call @printMemrefF32(%mm6u) : (tensor<*xf32>) -> ()
  %gmf = tensor.collapse_shape %gm [[0, 1]] : tensor<2x4xf32> into tensor<8xf32>
  %gmu = tensor.cast %gmf : tensor<8xf32> to tensor<*xf32>
  // CHECK: [2,  -3.375,  1,  0.875,  7,  -4,  -4,  -1.5]
  call @printMemrefF32(%gmu) : (tensor<*xf32>) -> ()
  %mm7f = tensor.collapse_shape %mm7 [[0, 1, 2]] : tensor<2x3x2xf32> into tensor<12xf32>
  %mm7u = tensor.cast %mm7f : tensor<12xf32> to tensor<*xf32>
  // CHECK: [6,  2.75,  -3.5,  -1.75,  0,  0.25,  -2.5,  -1.25,  6.5,  9.75,  7,  4.25]
  call @printMemrefF32(%mm7u) : (tensor<*xf32>) -> ()
  %mm8f = tensor.collapse_shape %mm8 [[0, 1, 2]] : tensor<2x2x2xf32> into tensor<8xf32>
  %mm8u = tensor.cast %mm8f : tensor<8xf32> to tensor<*xf32>
  // CHECK: [1,  -1,  4,  2,  2,  0,  0,  -1]
  call @printMemrefF32(%mm8u) : (tensor<*xf32>) -> ()
  return
}
