// RUN: bitnet-opt %s --canonicalize --split-input-file | FileCheck %s

// Folders of the onnx dialect, and the near misses they must leave alone.

// CHECK-LABEL: func.func @identity
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]]
func.func @identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = onnx.Identity(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = onnx.Identity(%0) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// An Identity that refines the type is not a no-op.
// CHECK-LABEL: func.func @identity_refines_type
// CHECK-NEXT: onnx.Identity
func.func @identity_refines_type(%x: tensor<?x3xf32>) -> tensor<2x3xf32> {
  %0 = onnx.Identity(%x) : (tensor<?x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @cast_to_same_type
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @cast_to_same_type(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = onnx.Cast(%x) {to = 1 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @cast_to_other_type
// CHECK-NEXT: onnx.Cast(%{{.*}}) {to = 10 : i64}
func.func @cast_to_other_type(%x: tensor<4xf32>) -> tensor<4xf16> {
  %0 = onnx.Cast(%x) {to = 10 : i64} : (tensor<4xf32>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// Equal constants are one constant; unused ones and unused onnx.NoValue go.
// CHECK-LABEL: func.func @constants
// CHECK-NEXT: %[[C:.+]] = onnx.Constant {value = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>} : tensor<2xf32>
// CHECK-NEXT: return %[[C]], %[[C]]
func.func @constants() -> (tensor<2xf32>, tensor<2xf32>) {
  %none = onnx.NoValue
  %unused = onnx.Constant {value = dense<3.0> : tensor<f32>} : tensor<f32>
  %0 = onnx.Constant {value = dense<[1.0, 2.0]> : tensor<2xf32>} : tensor<2xf32>
  %1 = onnx.Constant {value = dense<[1.0, 2.0]> : tensor<2xf32>} : tensor<2xf32>
  return %0, %1 : tensor<2xf32>, tensor<2xf32>
}

// -----

// CHECK-LABEL: func.func @shape_static
// CHECK-DAG: %[[ALL:.+]] = onnx.Constant {value = dense<[2, 3, 4]> : tensor<3xi64>} : tensor<3xi64>
// CHECK-DAG: %[[MID:.+]] = onnx.Constant {value = dense<3> : tensor<1xi64>} : tensor<1xi64>
// CHECK-DAG: %[[TAIL:.+]] = onnx.Constant {value = dense<[3, 4]> : tensor<2xi64>} : tensor<2xi64>
// CHECK-DAG: %[[EMPTY:.+]] = onnx.Constant {value = dense<> : tensor<0xi64>} : tensor<0xi64>
// CHECK-NOT: onnx.Shape
// CHECK: return %[[ALL]], %[[MID]], %[[TAIL]], %[[EMPTY]]
func.func @shape_static(%x: tensor<2x3x4xf32>)
    -> (tensor<3xi64>, tensor<1xi64>, tensor<2xi64>, tensor<0xi64>) {
  %0 = onnx.Shape(%x) : (tensor<2x3x4xf32>) -> tensor<3xi64>
  %1 = onnx.Shape(%x) {start = 1 : i64, end = -1 : i64} : (tensor<2x3x4xf32>) -> tensor<1xi64>
  // Out-of-range start and end clamp to [0, rank].
  %2 = onnx.Shape(%x) {start = -2 : i64, end = 10 : i64} : (tensor<2x3x4xf32>) -> tensor<2xi64>
  %3 = onnx.Shape(%x) {start = 2 : i64, end = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<0xi64>
  return %0, %1, %2, %3 : tensor<3xi64>, tensor<1xi64>, tensor<2xi64>, tensor<0xi64>
}

// -----

// CHECK-LABEL: func.func @shape_dynamic
// CHECK-NEXT: onnx.Shape
func.func @shape_dynamic(%x: tensor<?x3xf32>) -> tensor<2xi64> {
  %0 = onnx.Shape(%x) : (tensor<?x3xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// CHECK-LABEL: func.func @size
// CHECK-NEXT: %[[C:.+]] = onnx.Constant {value = dense<24> : tensor<i64>} : tensor<i64>
// CHECK-NEXT: %[[D:.+]] = onnx.Size
// CHECK-NEXT: return %[[C]], %[[D]]
func.func @size(%x: tensor<2x3x4xf32>, %y: tensor<?x4xf32>) -> (tensor<i64>, tensor<i64>) {
  %0 = onnx.Size(%x) : (tensor<2x3x4xf32>) -> tensor<i64>
  %1 = onnx.Size(%y) : (tensor<?x4xf32>) -> tensor<i64>
  return %0, %1 : tensor<i64>, tensor<i64>
}

// -----

// A reshape to the input's own static type is a no-op; any other is not.
// CHECK-LABEL: func.func @reshape
// CHECK-SAME: (%[[X:[^:]+]]: tensor<2x3xf32>, %[[Y:[^:]+]]: tensor<?x3xf32>
// CHECK-NEXT: %[[S:.+]] = onnx.Constant
// CHECK-NEXT: %[[R:.+]] = onnx.Reshape(%[[Y]], %[[S]])
// CHECK-NEXT: %[[T:.+]] = onnx.Reshape(%[[X]], %{{.+}}) : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<3x2xf32>
// CHECK-NEXT: return %[[X]], %[[R]], %[[T]]
func.func @reshape(%x: tensor<2x3xf32>, %y: tensor<?x3xf32>, %s2: tensor<2xi64>)
    -> (tensor<2x3xf32>, tensor<?x3xf32>, tensor<3x2xf32>) {
  %s = onnx.Constant {value = dense<[-1, 3]> : tensor<2xi64>} : tensor<2xi64>
  %0 = onnx.Reshape(%x, %s) : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  %1 = onnx.Reshape(%y, %s) : (tensor<?x3xf32>, tensor<2xi64>) -> tensor<?x3xf32>
  %2 = onnx.Reshape(%x, %s2) : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<3x2xf32>
  return %0, %1, %2 : tensor<2x3xf32>, tensor<?x3xf32>, tensor<3x2xf32>
}
