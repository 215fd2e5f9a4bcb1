// RUN: bitnet-opt %s --convert-onnx-to-linalg -split-input-file | FileCheck %s

// DequantizeLinear of a run-time x: (x - zp) exactly in i64 (unsigned codes
// zero-extend), converted to float, one multiply by the per-axis scale.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[AXIS:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func @per_axis_u8
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[AXIS]], #[[AXIS]], #[[ID]]]
// CHECK: ^bb0(%[[X:.*]]: i8, %[[S:.*]]: f32, %[[Z:.*]]: i8, %{{.*}}: f32):
// CHECK: %[[XE:.*]] = arith.extui %[[X]] : i8 to i64
// CHECK: %[[ZE:.*]] = arith.extui %[[Z]] : i8 to i64
// CHECK: %[[D:.*]] = arith.subi %[[XE]], %[[ZE]] : i64
// CHECK: %[[F:.*]] = arith.sitofp %[[D]] : i64 to f32
// CHECK: %[[P:.*]] = arith.mulf %[[F]], %[[S]] : f32
// CHECK: linalg.yield %[[P]]
func.func @per_axis_u8(%x: tensor<2x3xui8>, %s: tensor<3xf32>, %z: tensor<3xui8>) -> tensor<2x3xf32> {
  %y = onnx.DequantizeLinear(%x, %s, %z) : (tensor<2x3xui8>, tensor<3xf32>, tensor<3xui8>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Blocked (opset 21): the scale is read at floordiv(k, block_size); a dynamic
// dimension is checked at run time. f16 scales multiply in f32.
// CHECK-DAG: #[[BLOCK:.+]] = affine_map<(d0, d1) -> (d0, d1 floordiv 2)>
// CHECK-LABEL: func @blocked
// CHECK: cf.assert %{{.*}}, "blocked x_scale does not match x's shape"
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[BLOCK]], #{{.*}}]
// CHECK: arith.extsi %{{.*}} : i8 to i64
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.mulf %{{.*}} : f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @blocked(%x: tensor<?x5xi8>, %s: tensor<?x3xf16>) -> tensor<?x5xf16> {
  %none = onnx.NoValue
  %y = onnx.DequantizeLinear(%x, %s, %none) {axis = 1 : i64, block_size = 2 : i64} : (tensor<?x5xi8>, tensor<?x3xf16>, none) -> tensor<?x5xf16>
  return %y : tensor<?x5xf16>
}

// -----

// Per tensor: a scalar scale; int32 codes without a zero point.
// CHECK-DAG: #[[SCALAR:.+]] = affine_map<(d0) -> ()>
// CHECK-LABEL: func @per_tensor
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[SCALAR]], #{{.*}}]
// CHECK-NOT: arith.subi
// CHECK: arith.sitofp
func.func @per_tensor(%x: tensor<4xi32>, %s: tensor<f32>) -> tensor<4xf32> {
  %none = onnx.NoValue
  %y = onnx.DequantizeLinear(%x, %s, %none) : (tensor<4xi32>, tensor<f32>, none) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
