// RUN: bitnet-opt %s --convert-onnx-to-linalg -split-input-file | FileCheck %s

// Reduced dims are reduction iterators into a tensor of the kept dims;
// keepdims expands the unit dims back.
// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[KEPT:.+]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @sum_keepdims
// CHECK:      %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK:      %[[E:.+]] = tensor.empty() : tensor<3xf32>
// CHECK:      %[[INIT:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<3xf32>)
// CHECK:      %[[R:.+]] = linalg.generic {indexing_maps = [#[[IN]], #[[KEPT]]], iterator_types = ["reduction", "parallel", "reduction"]}
// CHECK-SAME:   outs(%[[INIT]] : tensor<3xf32>)
// CHECK:        arith.addf
// CHECK:      tensor.expand_shape %[[R]] {{\[\[}}0, 1, 2]] output_shape [1, 3, 1] : tensor<3xf32> into tensor<1x3x1xf32>
func.func @sum_keepdims(%x: tensor<2x3x4xf32>) -> tensor<1x3x1xf32> {
  %axes = onnx.Constant {value = dense<[0, -1]> : tensor<2xi64>} : tensor<2xi64>
  %0 = onnx.ReduceSum(%x, %axes) : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<1x3x1xf32>
  return %0 : tensor<1x3x1xf32>
}

// -----

// Mean divides by the element count; f16 accumulates in f32.
// CHECK-LABEL: func.func @mean_half
// CHECK:      linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<2xf32>)
// CHECK:      ^bb0(%[[X:.+]]: f16, %[[ACC:.+]]: f32):
// CHECK-NEXT:   %[[XF:.+]] = arith.extf %[[X]] : f16 to f32
// CHECK-NEXT:   arith.addf %[[ACC]], %[[XF]] : f32
// CHECK:      ^bb0(%[[S:.+]]: f32, %{{.+}}: f16):
// CHECK-NEXT:   %[[M:.+]] = arith.divf %[[S]], %{{.+}} : f32
// CHECK-NEXT:   arith.truncf %[[M]] : f32 to f16
func.func @mean_half(%x: tensor<2x8xf16>) -> tensor<2xf16> {
  %axes = onnx.Constant {value = dense<[1]> : tensor<1xi64>} : tensor<1xi64>
  %0 = onnx.ReduceMean(%x, %axes) {keepdims = 0 : i64} : (tensor<2x8xf16>, tensor<1xi64>) -> tensor<2xf16>
  return %0 : tensor<2xf16>
}

// -----

// No axes: all of them, or none with noop_with_empty_axes.
// CHECK-LABEL: func.func @all_or_nothing
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xi32>)
// CHECK:      %[[LOWEST:.+]] = arith.constant -2147483648 : i32
// CHECK:      linalg.fill ins(%[[LOWEST]] : i32) outs(%{{.+}} : tensor<i32>)
// CHECK:      linalg.generic {{.+}} iterator_types = ["reduction", "reduction"]
// CHECK:        arith.maxsi
// CHECK:      return %{{.+}}, %[[X]]
func.func @all_or_nothing(%x: tensor<2x3xi32>) -> (tensor<i32>, tensor<2x3xi32>) {
  %n = onnx.NoValue
  %0 = onnx.ReduceMax(%x, %n) {keepdims = 0 : i64} : (tensor<2x3xi32>, none) -> tensor<i32>
  %1 = onnx.ReduceMin(%x, %n) {noop_with_empty_axes = 1 : i64} : (tensor<2x3xi32>, none) -> tensor<2x3xi32>
  return %0, %1 : tensor<i32>, tensor<2x3xi32>
}

// -----

// Dynamic dims: the count of Mean is a product of tensor.dim.
// CHECK-LABEL: func.func @dynamic_mean
// CHECK-SAME: (%[[X:.+]]: tensor<?x?xf32>)
// CHECK:      %[[D0:.+]] = tensor.dim %[[X]], %c0
// CHECK:      tensor.empty(%[[D0]]) : tensor<?xf32>
// CHECK:      %[[D1:.+]] = tensor.dim %[[X]], %c1
// CHECK:      %[[N:.+]] = arith.index_cast %[[D1]] : index to i64
// CHECK:      %[[NF:.+]] = arith.sitofp %[[N]] : i64 to f32
// CHECK:      arith.divf %{{.+}}, %[[NF]] : f32
func.func @dynamic_mean(%x: tensor<?x?xf32>) -> tensor<?x1xf32> {
  %axes = onnx.Constant {value = dense<[1]> : tensor<1xi64>} : tensor<1xi64>
  %0 = onnx.ReduceMean(%x, %axes) : (tensor<?x?xf32>, tensor<1xi64>) -> tensor<?x1xf32>
  return %0 : tensor<?x1xf32>
}

// -----

// ArgMax: value and index accumulators; ties keep the first index unless
// select_last_index.
// CHECK-LABEL: func.func @argmax
// CHECK:      %[[R:.+]]:2 = linalg.generic {{.+}} iterator_types = ["parallel", "reduction"]
// CHECK:      ^bb0(%[[X:.+]]: f32, %[[V:.+]]: f32, %[[I:.+]]: i64):
// CHECK-NEXT:   %[[GT:.+]] = arith.cmpf ogt, %[[X]], %[[V]] : f32
// CHECK-NEXT:   %[[IDX:.+]] = linalg.index 1 : index
// CHECK-NEXT:   %[[POS:.+]] = arith.index_cast %[[IDX]] : index to i64
// CHECK-NEXT:   %[[NV:.+]] = arith.select %[[GT]], %[[X]], %[[V]] : f32
// CHECK-NEXT:   %[[NI:.+]] = arith.select %[[GT]], %[[POS]], %[[I]] : i64
// CHECK-NEXT:   linalg.yield %[[NV]], %[[NI]] : f32, i64
// CHECK:      tensor.expand_shape %[[R]]#1
// CHECK:      arith.cmpf oge
func.func @argmax(%x: tensor<2x5xf32>) -> (tensor<2x1xi64>, tensor<2xi64>) {
  %0 = onnx.ArgMax(%x) {axis = 1 : i64} : (tensor<2x5xf32>) -> tensor<2x1xi64>
  %1 = onnx.ArgMax(%x) {axis = -1 : i64, keepdims = 0 : i64, select_last_index = 1 : i64} : (tensor<2x5xf32>) -> tensor<2xi64>
  return %0, %1 : tensor<2x1xi64>, tensor<2xi64>
}
