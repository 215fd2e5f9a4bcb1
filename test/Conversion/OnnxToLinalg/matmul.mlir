// RUN: bitnet-opt %s --convert-onnx-to-linalg -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @matmul_2d
// CHECK-SAME: (%[[A:.+]]: tensor<4x8xf32>, %[[B:.+]]: tensor<8x16xf32>)
// CHECK:      %[[INIT:.+]] = linalg.fill
// CHECK:      %[[R:.+]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<4x8xf32>, tensor<8x16xf32>) outs(%[[INIT]] : tensor<4x16xf32>)
// CHECK:      return %[[R]]
func.func @matmul_2d(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) -> tensor<4x16xf32> {
  %0 = onnx.MatMul(%a, %b) : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

// Activations [b, s, K] times weights [K, N]: one linalg.matmul on
// [(b*s), K].
// CHECK-LABEL: func.func @matmul_weights
// CHECK-SAME: (%[[A:.+]]: tensor<?x7x8xf32>, %[[B:.+]]: tensor<8x16xf32>)
// CHECK:      %[[FLAT:.+]] = tensor.collapse_shape %[[A]] {{\[\[}}0, 1], [2]] : tensor<?x7x8xf32> into tensor<?x8xf32>
// CHECK:      %[[R:.+]] = linalg.matmul ins(%[[FLAT]], %[[B]] : tensor<?x8xf32>, tensor<8x16xf32>)
// CHECK:      tensor.expand_shape %[[R]] {{\[\[}}0, 1], [2]] output_shape [%{{.+}}, 7, 16] : tensor<?x16xf32> into tensor<?x7x16xf32>
func.func @matmul_weights(%a: tensor<?x7x8xf32>, %b: tensor<8x16xf32>) -> tensor<?x7x16xf32> {
  %0 = onnx.MatMul(%a, %b) : (tensor<?x7x8xf32>, tensor<8x16xf32>) -> tensor<?x7x16xf32>
  return %0 : tensor<?x7x16xf32>
}

// -----

// Equal batch dims: linalg.batch_matmul on the collapsed batch.
// CHECK-LABEL: func.func @batch_matmul
// CHECK:      tensor.collapse_shape %{{.+}} {{\[\[}}0, 1], [2], [3]] : tensor<2x3x4x8xf32> into tensor<6x4x8xf32>
// CHECK:      tensor.collapse_shape %{{.+}} {{\[\[}}0, 1], [2], [3]] : tensor<2x3x8x5xf32> into tensor<6x8x5xf32>
// CHECK:      %[[R:.+]] = linalg.batch_matmul
// CHECK:      tensor.expand_shape %[[R]] {{\[\[}}0, 1], [2], [3]] output_shape [2, 3, 4, 5]
func.func @batch_matmul(%a: tensor<2x3x4x8xf32>, %b: tensor<2x3x8x5xf32>) -> tensor<2x3x4x5xf32> {
  %0 = onnx.MatMul(%a, %b) : (tensor<2x3x4x8xf32>, tensor<2x3x8x5xf32>) -> tensor<2x3x4x5xf32>
  return %0 : tensor<2x3x4x5xf32>
}

// -----

// Broadcast batch dims: one generic, a size-1 batch dim reads index 0.
// CHECK-DAG: #[[A:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, d2, d4)>
// CHECK-DAG: #[[B:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>
// CHECK-DAG: #[[C:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @broadcast_batch
// CHECK:      linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[C]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
// CHECK:        arith.mulf
// CHECK:        arith.addf
func.func @broadcast_batch(%a: tensor<2x1x4x8xf32>, %b: tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32> {
  %0 = onnx.MatMul(%a, %b) : (tensor<2x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32>
  return %0 : tensor<2x3x4x5xf32>
}

// -----

// 1-D operands get a unit dim that the result loses again.
// CHECK-LABEL: func.func @vectors
// CHECK:      tensor.expand_shape %{{.+}} {{\[\[}}0, 1]] output_shape [1, 8] : tensor<8xf32> into tensor<1x8xf32>
// CHECK:      tensor.collapse_shape %{{.+}} {{\[\[}}0, 1], [2]] : tensor<3x1x5xf32> into tensor<3x5xf32>
// CHECK:      tensor.expand_shape %{{.+}} {{\[\[}}0, 1]] output_shape [8, 1] : tensor<8xf32> into tensor<8x1xf32>
// CHECK:      linalg.matmul
// CHECK:      tensor.collapse_shape %{{.+}} [] : tensor<1x1xf32> into tensor<f32>
func.func @vectors(%v: tensor<8xf32>, %b: tensor<3x8x5xf32>) -> (tensor<3x5xf32>, tensor<f32>) {
  %0 = onnx.MatMul(%v, %b) : (tensor<8xf32>, tensor<3x8x5xf32>) -> tensor<3x5xf32>
  %1 = onnx.MatMul(%v, %v) : (tensor<8xf32>, tensor<8xf32>) -> tensor<f32>
  return %0, %1 : tensor<3x5xf32>, tensor<f32>
}

// -----

// f16 accumulates in f32, then rounds once.
// CHECK-LABEL: func.func @half
// CHECK:      %[[ACC:.+]] = linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<4x8xf16>, tensor<8x2xf16>) outs(%{{.+}} : tensor<4x2xf32>)
// CHECK:      linalg.generic {{.+}} ins(%[[ACC]] : tensor<4x2xf32>) outs(%{{.+}} : tensor<4x2xf16>)
// CHECK:        arith.truncf
func.func @half(%a: tensor<4x8xf16>, %b: tensor<8x2xf16>) -> tensor<4x2xf16> {
  %0 = onnx.MatMul(%a, %b) : (tensor<4x8xf16>, tensor<8x2xf16>) -> tensor<4x2xf16>
  return %0 : tensor<4x2xf16>
}

// -----

// Gemm: transposes are indexing maps; alpha, beta and C in one epilogue.
// CHECK-DAG: #[[AT:.+]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// CHECK-DAG: #[[BT:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @gemm
// CHECK-SAME: (%[[A:.+]]: tensor<8x4xf32>, %[[B:.+]]: tensor<16x8xf32>, %[[C:.+]]: tensor<16xf32>)
// CHECK:      %[[P:.+]] = linalg.generic {indexing_maps = [#[[AT]], #[[BT]], #{{.+}}], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK:      linalg.generic {indexing_maps = [#{{.+}}, #[[ROW]], #{{.+}}]{{.*}} ins(%[[P]], %[[C]] : tensor<4x16xf32>, tensor<16xf32>)
// CHECK:        arith.constant 5.000000e-01
// CHECK:        arith.mulf
// CHECK:        arith.constant 2.000000e+00
// CHECK:        arith.mulf
// CHECK:        arith.addf
func.func @gemm(%a: tensor<8x4xf32>, %b: tensor<16x8xf32>, %c: tensor<16xf32>) -> tensor<4x16xf32> {
  %0 = onnx.Gemm(%a, %b, %c) {alpha = 0.5 : f32, beta = 2.0 : f32, transA = 1 : i64, transB = 1 : i64} : (tensor<8x4xf32>, tensor<16x8xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

// Plain Gemm without C is a linalg.matmul and nothing else.
// CHECK-LABEL: func.func @gemm_plain
// CHECK:      %[[R:.+]] = linalg.matmul
// CHECK-NEXT: return %[[R]]
func.func @gemm_plain(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) -> tensor<4x16xf32> {
  %n = onnx.NoValue
  %0 = onnx.Gemm(%a, %b, %n) : (tensor<4x8xf32>, tensor<8x16xf32>, none) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}
