// RUN: bitnet-opt %s --convert-onnx-to-linalg -split-input-file | FileCheck %s

// CHECK-DAG: #[[ID2:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[COL0:.+]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func.func @add_broadcast
// CHECK-SAME: (%[[A:.+]]: tensor<2x3xf32>, %[[B:.+]]: tensor<3xf32>, %[[C:.+]]: tensor<2x1xf32>)
// CHECK:      %[[E:.+]] = tensor.empty() : tensor<2x3xf32>
// CHECK:      linalg.generic {indexing_maps = [#[[ID2]], #[[ROW]], #[[ID2]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME:   ins(%[[A]], %[[B]] : tensor<2x3xf32>, tensor<3xf32>) outs(%[[E]] : tensor<2x3xf32>)
// CHECK:        arith.addf
// CHECK:      linalg.generic {indexing_maps = [#[[ID2]], #[[COL0]], #[[ID2]]]
// CHECK:        arith.subf
func.func @add_broadcast(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %c: tensor<2x1xf32>) -> tensor<2x3xf32> {
  %0 = onnx.Add(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = onnx.Sub(%0, %c) : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// Both operands broadcast; the result size comes from the static dims.
// CHECK-DAG: #[[LHS:.+]] = affine_map<(d0, d1, d2) -> (d0, 0, d2)>
// CHECK-DAG: #[[RHS:.+]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-LABEL: func.func @mul_bidirectional
// CHECK:      tensor.empty() : tensor<2x4x3xf32>
// CHECK:      linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #{{.+}}]
// CHECK:        arith.mulf
func.func @mul_bidirectional(%a: tensor<2x1x3xf32>, %b: tensor<4x1xf32>) -> tensor<2x4x3xf32> {
  %0 = onnx.Mul(%a, %b) : (tensor<2x1x3xf32>, tensor<4x1xf32>) -> tensor<2x4x3xf32>
  return %0 : tensor<2x4x3xf32>
}

// -----

// A dynamic dim takes its size from an operand that does not broadcast.
// CHECK-LABEL: func.func @dynamic
// CHECK-SAME: (%[[A:.+]]: tensor<?x3xf32>, %[[B:.+]]: tensor<1x3xf32>)
// CHECK:      %[[C0:.+]] = arith.constant 0 : index
// CHECK:      %[[D:.+]] = tensor.dim %[[A]], %[[C0]] : tensor<?x3xf32>
// CHECK:      tensor.empty(%[[D]]) : tensor<?x3xf32>
// CHECK:      arith.divf
func.func @dynamic(%a: tensor<?x3xf32>, %b: tensor<1x3xf32>) -> tensor<?x3xf32> {
  %0 = onnx.Div(%a, %b) : (tensor<?x3xf32>, tensor<1x3xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

// Integer and bool bodies.
// CHECK-LABEL: func.func @integers
// CHECK:        arith.divsi
// CHECK:        math.absi
// CHECK:        arith.cmpi slt
// CHECK:        arith.maxsi
// CHECK:        arith.cmpi ult
// CHECK:        arith.xori
func.func @integers(%a: tensor<4xi32>, %b: tensor<4xi32>, %p: tensor<4xi1>) -> (tensor<4xi32>, tensor<4xi1>, tensor<4xi32>, tensor<4xi1>, tensor<4xi1>) {
  %0 = onnx.Div(%a, %b) : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %1 = onnx.Abs(%0) : (tensor<4xi32>) -> tensor<4xi32>
  %2 = onnx.Less(%1, %b) : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
  %3 = onnx.Max(%1, %a, %b) : (tensor<4xi32>, tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %4 = onnx.Less(%p, %2) : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %5 = onnx.Xor(%4, %p) : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  return %1, %2, %3, %4, %5 : tensor<4xi32>, tensor<4xi1>, tensor<4xi32>, tensor<4xi1>, tensor<4xi1>
}

// -----

// f16 transcendental functions are computed in f32.
// CHECK-LABEL: func.func @half
// CHECK:      linalg.generic
// CHECK:      ^bb0(%[[IN:.+]]: f16, %{{.+}}: f16):
// CHECK-NEXT:   %[[X:.+]] = arith.extf %[[IN]] : f16 to f32
// CHECK-NEXT:   %[[Y:.+]] = math.exp %[[X]] : f32
// CHECK-NEXT:   %[[Z:.+]] = arith.truncf %[[Y]] : f32 to f16
// CHECK-NEXT:   linalg.yield %[[Z]] : f16
// Abs needs no promotion.
// CHECK:      ^bb0(%[[IN2:.+]]: f16, %{{.+}}: f16):
// CHECK-NEXT:   math.absf %[[IN2]] : f16
func.func @half(%a: tensor<4xf16>) -> (tensor<4xf16>, tensor<4xf16>) {
  %0 = onnx.Exp(%a) : (tensor<4xf16>) -> tensor<4xf16>
  %1 = onnx.Abs(%a) : (tensor<4xf16>) -> tensor<4xf16>
  return %0, %1 : tensor<4xf16>, tensor<4xf16>
}

// -----

// CHECK-LABEL: func.func @unary_bodies
// CHECK:        math.roundeven
// CHECK:        math.erf
// CHECK:        arith.negf
// CHECK:        math.exp
// CHECK:        arith.divf
// CHECK:        arith.cmpf ogt
// CHECK:        arith.cmpf olt
// CHECK:        arith.select
// CHECK:        arith.maximumf
func.func @unary_bodies(%a: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %0 = onnx.Round(%a) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = onnx.Erf(%a) : (tensor<4xf32>) -> tensor<4xf32>
  %2 = onnx.Sigmoid(%a) : (tensor<4xf32>) -> tensor<4xf32>
  %3 = onnx.Sign(%a) : (tensor<4xf32>) -> tensor<4xf32>
  %4 = onnx.Relu(%a) : (tensor<4xf32>) -> tensor<4xf32>
  return %0, %1, %2, %3, %4 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Gelu: erf form and tanh form.
// CHECK-LABEL: func.func @gelu
// CHECK:        %[[S:.+]] = arith.constant 0.707106769
// CHECK:        math.erf
// CHECK:        arith.constant 0.797884
// CHECK:        math.tanh
func.func @gelu(%a: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = onnx.Gelu(%a) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = onnx.Gelu(%a) {approximate = "tanh"} : (tensor<4xf32>) -> tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Clip reads only the bounds the node gives; a scalar bound is an operand
// of the generic with a rank-0 map.
// CHECK-DAG: #[[SCALAR:.+]] = affine_map<(d0) -> ()>
// CHECK-LABEL: func.func @clip
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>, %[[HI:.+]]: tensor<f32>)
// CHECK-NOT:  onnx.NoValue
// CHECK:      linalg.generic {indexing_maps = [#{{.+}}, #[[SCALAR]], #{{.+}}]
// CHECK-SAME:   ins(%[[X]], %[[HI]] : tensor<4xf32>, tensor<f32>)
// CHECK:        %[[GT:.+]] = arith.cmpf ogt
// CHECK-NEXT:   arith.select %[[GT]]
// CHECK-NEXT:   linalg.yield
func.func @clip(%x: tensor<4xf32>, %hi: tensor<f32>) -> tensor<4xf32> {
  %n = onnx.NoValue
  %0 = onnx.Clip(%x, %n, %hi) : (tensor<4xf32>, none, tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @where
// CHECK:      ^bb0(%[[C:.+]]: i1, %[[A:.+]]: f32, %[[B:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:   arith.select %[[C]], %[[A]], %[[B]] : f32
func.func @where(%c: tensor<2x1xi1>, %a: tensor<3xf32>, %b: tensor<f32>) -> tensor<2x3xf32> {
  %0 = onnx.Where(%c, %a, %b) : (tensor<2x1xi1>, tensor<3xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Cast: float -> int truncates (fptosi), float -> bool is != 0, bool ->
// number is 0/1 (unsigned), narrowing ints truncate.
// CHECK-LABEL: func.func @cast
// CHECK:        arith.fptosi %{{.+}} : f32 to i32
// CHECK:        arith.cmpf une
// CHECK:        arith.uitofp %{{.+}} : i1 to f16
// CHECK:        arith.extui %{{.+}} : i1 to i64
// CHECK:        arith.trunci %{{.+}} : i64 to i8
// CHECK:        arith.extf %{{.+}} : f16 to f32
// CHECK-NEXT:   arith.truncf %{{.+}} : f32 to bf16
func.func @cast(%a: tensor<4xf32>, %h: tensor<4xf16>) -> (tensor<4xi32>, tensor<4xf16>, tensor<4xi8>, tensor<4xbf16>) {
  %0 = onnx.Cast(%a) {to = 6 : i64} : (tensor<4xf32>) -> tensor<4xi32>
  %1 = onnx.Cast(%a) {to = 9 : i64} : (tensor<4xf32>) -> tensor<4xi1>
  %2 = onnx.Cast(%1) {to = 10 : i64} : (tensor<4xi1>) -> tensor<4xf16>
  %3 = onnx.Cast(%1) {to = 7 : i64} : (tensor<4xi1>) -> tensor<4xi64>
  %4 = onnx.CastLike(%3, %0) : (tensor<4xi64>, tensor<4xi32>) -> tensor<4xi8>
  %5 = onnx.Cast(%h) {to = 16 : i64} : (tensor<4xf16>) -> tensor<4xbf16>
  return %0, %2, %4, %5 : tensor<4xi32>, tensor<4xf16>, tensor<4xi8>, tensor<4xbf16>
}

// -----

// CHECK-LABEL: func.func @pass_through
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK-DAG:  %[[K:.+]] = arith.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>
// CHECK-DAG:  %[[TRUE:.+]] = arith.constant true
// CHECK:      %[[E:.+]] = tensor.empty() : tensor<4xi1>
// CHECK:      %[[MASK:.+]] = linalg.fill ins(%[[TRUE]] : i1) outs(%[[E]] : tensor<4xi1>)
// CHECK:      return %[[X]], %[[K]], %[[X]], %[[MASK]]
// CHECK-NOT:  onnx.
func.func @pass_through(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xi1>) {
  %n = onnx.NoValue
  %unused = onnx.NoValue
  %k = onnx.Constant {value = dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>} : tensor<4xf32>
  %0 = onnx.Identity(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %1, %2 = onnx.Dropout(%x, %n, %n) : (tensor<4xf32>, none, none) -> (tensor<4xf32>, none)
  %3, %4 = onnx.Dropout(%0, %n, %n) : (tensor<4xf32>, none, none) -> (tensor<4xf32>, tensor<4xi1>)
  return %0, %k, %3, %4 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xi1>
}
