// RUN: bitnet-opt %s --convert-onnx-to-linalg -split-input-file | FileCheck %s

// Operands that are usually constants may be graph inputs.

// Squeeze/Unsqueeze with runtime axes: a reshape to the static result.
// CHECK-LABEL: func.func @runtime_unsqueeze
// CHECK-NOT: tensor.extract
// CHECK: tensor.expand_shape %{{.+}} {{\[\[}}0], [1, 2]] output_shape [3, 1, 4] : tensor<3x4xf32> into tensor<3x1x4xf32>
// CHECK: tensor.collapse_shape %{{.+}} {{\[\[}}0], [1, 2]] : tensor<3x1x4xf32> into tensor<3x4xf32>
func.func @runtime_unsqueeze(%x: tensor<3x4xf32>, %axes: tensor<1xi64>) -> tensor<3x4xf32> {
  %0 = onnx.Unsqueeze(%x, %axes) : (tensor<3x4xf32>, tensor<1xi64>) -> tensor<3x1x4xf32>
  %1 = onnx.Squeeze(%0, %axes) : (tensor<3x1x4xf32>, tensor<1xi64>) -> tensor<3x4xf32>
  return %1 : tensor<3x4xf32>
}

// -----

// Runtime axes of a reduction: each result element loops over the reduced
// positions in an scf.for; keepdims = 0 reshapes to the static result.
// CHECK-LABEL: func.func @runtime_reduce
// CHECK: tensor.extract %{{.+}}[%c0] : tensor<1xi64>
// CHECK: linalg.generic
// CHECK: scf.for %{{.+}} = %c0{{.*}} to %{{.+}} step %c1{{.*}} iter_args(%[[ACC:.+]] = %{{.+}}) -> (f32)
// CHECK:   %[[E:.+]] = tensor.extract %{{.+}} : tensor<2x3xf32>
// CHECK:   %[[S:.+]] = arith.addf %[[ACC]], %[[E]] : f32
// CHECK:   scf.yield %[[S]] : f32
// CHECK: %[[C:.+]] = tensor.collapse_shape %{{.+}} {{\[\[}}0, 1]] : tensor<?x?xf32> into tensor<?xf32>
// CHECK: tensor.cast %[[C]] : tensor<?xf32> to tensor<3xf32>
func.func @runtime_reduce(%x: tensor<2x3xf32>, %axes: tensor<1xi64>) -> tensor<3xf32> {
  %0 = onnx.ReduceSum(%x, %axes) {keepdims = 0 : i64} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Runtime CumSum axis: an scf.for along the selected dim per element.
// CHECK-LABEL: func.func @runtime_cumsum
// CHECK: linalg.generic
// CHECK: scf.for
// CHECK:   arith.addi %{{.+}}, %{{.+}} : i32
func.func @runtime_cumsum(%x: tensor<2x3xi32>, %axis: tensor<i64>) -> tensor<2x3xi32> {
  %0 = onnx.CumSum(%x, %axis) : (tensor<2x3xi32>, tensor<i64>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

// Runtime Split sizes: clamped to what is left of the axis.
// CHECK-LABEL: func.func @runtime_split
// CHECK: %[[S0:.+]] = tensor.extract %{{.+}}[%c0{{.*}}] : tensor<2xi64>
// CHECK: tensor.extract_slice %{{.+}}[0] [%{{.+}}] [1] : tensor<8xf32> to tensor<?xf32>
// CHECK: tensor.extract_slice %{{.+}}[%{{.+}}] [%{{.+}}] [1] : tensor<8xf32> to tensor<?xf32>
func.func @runtime_split(%x: tensor<8xf32>, %s: tensor<2xi64>) -> (tensor<?xf32>, tensor<?xf32>) {
  %0, %1 = onnx.Split(%x, %s) : (tensor<8xf32>, tensor<2xi64>) -> (tensor<?xf32>, tensor<?xf32>)
  return %0, %1 : tensor<?xf32>, tensor<?xf32>
}

// -----

// Runtime Slice steps: the sign is only known at run time, so the slice
// reads through a generic (offset + i * step per dim).
// CHECK-LABEL: func.func @runtime_slice_steps
// CHECK-NOT: tensor.extract_slice
// CHECK: linalg.generic
// CHECK:   arith.muli
// CHECK:   tensor.extract %{{.+}} : tensor<8xf32>
func.func @runtime_slice_steps(%x: tensor<8xf32>, %s: tensor<1xi64>) -> tensor<?xf32> {
  %n = onnx.NoValue
  %0 = onnx.Slice(%x, %s, %s, %n, %s) : (tensor<8xf32>, tensor<1xi64>, tensor<1xi64>, none, tensor<1xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// Dropout with a runtime training_mode: a seeded hash of the linear index
// decides each element; a false training_mode selects x itself.
// CHECK-LABEL: func.func @training_dropout
// CHECK: tensor.extract %{{.+}}[] : tensor<i1>
// CHECK: linalg.generic
// CHECK:   arith.muli %{{.+}}, %{{.+}} : i64
// CHECK:   arith.cmpf oge
// CHECK:   arith.select
func.func @training_dropout(%x: tensor<4xf32>, %r: tensor<f32>, %t: tensor<i1>) -> (tensor<4xf32>, tensor<4xi1>) {
  %0, %1 = onnx.Dropout(%x, %r, %t) {seed = 3 : i64} : (tensor<4xf32>, tensor<f32>, tensor<i1>) -> (tensor<4xf32>, tensor<4xi1>)
  return %0, %1 : tensor<4xf32>, tensor<4xi1>
}
