// RUN: bitnet-opt %s --convert-onnx-to-linalg -split-input-file | FileCheck %s

// ONNX uint* divide, compare, take the max and extend as unsigned; after the
// lowering every integer type is signless (signature and constants too).

// CHECK-LABEL: func.func @unsigned_arith
// CHECK-SAME: (%{{.+}}: tensor<4xi8>, %{{.+}}: tensor<4xi8>) -> (tensor<4xi8>, tensor<4xi1>, tensor<4xi8>)
// CHECK: arith.divui %{{.+}}, %{{.+}} : i8
// CHECK: arith.cmpi ult, %{{.+}}, %{{.+}} : i8
// CHECK: arith.maxui %{{.+}}, %{{.+}} : i8
// CHECK-NOT: ui8
func.func @unsigned_arith(%a: tensor<4xui8>, %b: tensor<4xui8>) -> (tensor<4xui8>, tensor<4xi1>, tensor<4xui8>) {
  %0 = onnx.Div(%a, %b) : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %1 = onnx.Less(%a, %b) : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xi1>
  %2 = onnx.Max(%a, %b) : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0, %1, %2 : tensor<4xui8>, tensor<4xi1>, tensor<4xui8>
}

// -----

// Casts extend by the source's signedness: int8 -1 is uint16 65535 and
// uint8 255 is int16 255; float to uint is fptoui, uint to float uitofp.
// CHECK-LABEL: func.func @unsigned_casts
// CHECK: arith.extsi %{{.+}} : i8 to i16
// CHECK: arith.extui %{{.+}} : i8 to i16
// CHECK: arith.fptoui %{{.+}} : f32 to i32
// CHECK: arith.uitofp %{{.+}} : i64 to f32
func.func @unsigned_casts(%s: tensor<4xi8>, %u: tensor<4xui8>, %f: tensor<4xf32>, %w: tensor<4xui64>) -> (tensor<4xui16>, tensor<4xi16>, tensor<4xui32>, tensor<4xf32>) {
  %0 = onnx.Cast(%s) {to = 4 : i64} : (tensor<4xi8>) -> tensor<4xui16>
  %1 = onnx.Cast(%u) {to = 5 : i64} : (tensor<4xui8>) -> tensor<4xi16>
  %2 = onnx.Cast(%f) {to = 12 : i64} : (tensor<4xf32>) -> tensor<4xui32>
  %3 = onnx.Cast(%w) {to = 1 : i64} : (tensor<4xui64>) -> tensor<4xf32>
  return %0, %1, %2, %3 : tensor<4xui16>, tensor<4xi16>, tensor<4xui32>, tensor<4xf32>
}

// -----

// A uint constant keeps its bits (200 prints as signless -56); ReduceMin
// starts at the unsigned maximum (all ones, -1).
// CHECK-LABEL: func.func @unsigned_constant_reduce
// CHECK-DAG: arith.constant dense<[-56, 1]> : tensor<2xi8>
// CHECK-DAG: arith.constant -1 : i8
// CHECK: arith.minui
func.func @unsigned_constant_reduce(%a: tensor<2xui8>) -> tensor<1xui8> {
  %c = onnx.Constant {value = dense<[200, 1]> : tensor<2xui8>} : tensor<2xui8>
  %s = onnx.Add(%a, %c) : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xui8>
  %n = onnx.NoValue
  %0 = onnx.ReduceMin(%s, %n) : (tensor<2xui8>, none) -> tensor<1xui8>
  return %0 : tensor<1xui8>
}

// -----

// Integer Pow is computed in f64 and truncated.
// CHECK-LABEL: func.func @integer_pow
// CHECK: %[[B:.+]] = arith.sitofp %{{.+}} : i32 to f64
// CHECK: %[[E:.+]] = arith.sitofp %{{.+}} : i32 to f64
// CHECK: %[[P:.+]] = math.powf %[[B]], %[[E]] : f64
// CHECK: arith.fptosi %[[P]] : f64 to i32
func.func @integer_pow(%x: tensor<4xi32>, %y: tensor<4xi32>) -> tensor<4xi32> {
  %0 = onnx.Pow(%x, %y) : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// BitShift: shli / shrui on the signless integer, and 0 where the amount is
// the width or more (arith gives poison there).
// CHECK-LABEL: func.func @bitshift
// CHECK: linalg.generic
// CHECK: %[[L:.+]] = arith.shli %{{.+}}, %[[N:.+]] : i8
// CHECK: %[[IN:.+]] = arith.cmpi ult, %[[N]], %c8_i8 : i8
// CHECK: arith.select %[[IN]], %[[L]], %c0_i8 : i8
// CHECK: linalg.generic
// CHECK: arith.shrui %{{.+}}, %{{.+}} : i8
// CHECK-NOT: ui8
func.func @bitshift(%w: tensor<4x3xui8>, %n: tensor<ui8>) -> tensor<4x3xui8> {
  %0 = onnx.BitShift(%w, %n) {direction = "LEFT"} : (tensor<4x3xui8>, tensor<ui8>) -> tensor<4x3xui8>
  %1 = onnx.BitShift(%0, %n) {direction = "RIGHT"} : (tensor<4x3xui8>, tensor<ui8>) -> tensor<4x3xui8>
  return %1 : tensor<4x3xui8>
}
