// RUN: bitnet-opt %s --convert-onnx-to-linalg -split-input-file | FileCheck %s

// Static reshapes: one collapse or expand where a reassociation exists,
// else through 1-D.
// CHECK-LABEL: func.func @reshape_static
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %{{.+}} = arith.constant dense<[-1, 4]>
// CHECK-NEXT: %[[A:.+]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1], [2]] : tensor<2x3x4xf32> into tensor<6x4xf32>
// CHECK-NEXT: %{{.+}} = arith.constant dense<[4, 6]>
// CHECK-NEXT: %[[FLAT:.+]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
// CHECK-NEXT: %[[B:.+]] = tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1]] output_shape [4, 6] : tensor<24xf32> into tensor<4x6xf32>
// CHECK-NEXT: return %[[A]], %[[B]]
func.func @reshape_static(%x: tensor<2x3x4xf32>) -> (tensor<6x4xf32>, tensor<4x6xf32>) {
  %c = onnx.Constant {value = dense<[-1, 4]> : tensor<2xi64>} : tensor<2xi64>
  %0 = onnx.Reshape(%x, %c) : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<6x4xf32>
  %c2 = onnx.Constant {value = dense<[4, 6]> : tensor<2xi64>} : tensor<2xi64>
  %1 = onnx.Reshape(%x, %c2) : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<4x6xf32>
  return %0, %1 : tensor<6x4xf32>, tensor<4x6xf32>
}

// -----

// A runtime shape: 0 copies the input dim, -1 takes the rest, computed at
// run time; two dynamic dims from one group need tensor.reshape.
// CHECK-LABEL: func.func @reshape_runtime
// CHECK-SAME: (%[[X:.+]]: tensor<?x?xf32>, %[[S:.+]]: tensor<2xi64>)
// CHECK:      %[[S0:.+]] = tensor.extract %[[S]][%{{.+}}] : tensor<2xi64>
// CHECK:      %[[S1:.+]] = tensor.extract %[[S]][%{{.+}}] : tensor<2xi64>
// CHECK:      arith.cmpi eq, %{{.+}}, %c0
// CHECK:      arith.cmpi eq, %{{.+}}, %c-1
// CHECK:      arith.divsi
// CHECK:      %[[FLAT:.+]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1]] : tensor<?x?xf32> into tensor<?xf32>
// CHECK:      %[[SHAPE:.+]] = tensor.from_elements %{{.+}}, %{{.+}} : tensor<2xindex>
// CHECK:      tensor.reshape %[[FLAT]](%[[SHAPE]]) : (tensor<?xf32>, tensor<2xindex>) -> tensor<?x?xf32>
func.func @reshape_runtime(%x: tensor<?x?xf32>, %s: tensor<2xi64>) -> tensor<?x?xf32> {
  %0 = onnx.Reshape(%x, %s) : (tensor<?x?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// A constant shape with a dynamic input: sizes fold where they can.
// CHECK-LABEL: func.func @reshape_dynamic_constant
// CHECK:      %[[FLAT:.+]] = tensor.collapse_shape %{{.+}} {{\[\[}}0, 1, 2]] : tensor<?x3x4xf32> into tensor<?xf32>
// CHECK:      tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1]] output_shape [%{{.+}}, 4] : tensor<?xf32> into tensor<?x4xf32>
func.func @reshape_dynamic_constant(%x: tensor<?x3x4xf32>) -> tensor<?x4xf32> {
  %c = onnx.Constant {value = dense<[-1, 4]> : tensor<2xi64>} : tensor<2xi64>
  %0 = onnx.Reshape(%x, %c) : (tensor<?x3x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// CHECK-LABEL: func.func @squeeze_unsqueeze
// CHECK-SAME: (%[[X:.+]]: tensor<1x3x1x4xf32>, %[[D:.+]]: tensor<?x1x4xf32>)
// CHECK:      tensor.collapse_shape %[[X]] {{\[\[}}0, 1, 2], [3]] : tensor<1x3x1x4xf32> into tensor<3x4xf32>
// CHECK:      tensor.collapse_shape %[[X]] {{\[\[}}0, 1], [2], [3]] : tensor<1x3x1x4xf32> into tensor<3x1x4xf32>
// CHECK:      tensor.expand_shape %[[X]] {{\[\[}}0], [1], [2, 3], [4]] output_shape [1, 3, 1, 1, 4]
// A squeezed dynamic dim is 1: a cast says so first.
// CHECK:      %[[CAST:.+]] = tensor.cast %[[D]] : tensor<?x1x4xf32> to tensor<1x1x4xf32>
// CHECK:      tensor.collapse_shape %[[CAST]] {{\[\[}}0, 1], [2]] : tensor<1x1x4xf32> into tensor<1x4xf32>
func.func @squeeze_unsqueeze(%x: tensor<1x3x1x4xf32>, %d: tensor<?x1x4xf32>) -> (tensor<3x4xf32>, tensor<3x1x4xf32>, tensor<1x3x1x1x4xf32>, tensor<1x4xf32>) {
  %n = onnx.NoValue
  %0 = onnx.Squeeze(%x, %n) : (tensor<1x3x1x4xf32>, none) -> tensor<3x4xf32>
  %a = onnx.Constant {value = dense<[0]> : tensor<1xi64>} : tensor<1xi64>
  %1 = onnx.Squeeze(%x, %a) : (tensor<1x3x1x4xf32>, tensor<1xi64>) -> tensor<3x1x4xf32>
  %b = onnx.Constant {value = dense<[-2]> : tensor<1xi64>} : tensor<1xi64>
  %2 = onnx.Unsqueeze(%x, %b) : (tensor<1x3x1x4xf32>, tensor<1xi64>) -> tensor<1x3x1x1x4xf32>
  %3 = onnx.Squeeze(%d, %a) : (tensor<?x1x4xf32>, tensor<1xi64>) -> tensor<1x4xf32>
  return %0, %1, %2, %3 : tensor<3x4xf32>, tensor<3x1x4xf32>, tensor<1x3x1x1x4xf32>, tensor<1x4xf32>
}

// -----

// CHECK-LABEL: func.func @flatten_transpose
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
// CHECK:      tensor.collapse_shape %[[X]] {{\[\[}}0, 1], [2]] : tensor<2x3x4xf32> into tensor<6x4xf32>
// CHECK:      %[[E:.+]] = tensor.empty() : tensor<4x2x3xf32>
// CHECK:      linalg.transpose ins(%[[X]] : tensor<2x3x4xf32>) outs(%[[E]] : tensor<4x2x3xf32>) permutation = [2, 0, 1]
// The default permutation reverses the dims.
// CHECK:      permutation = [2, 1, 0]
func.func @flatten_transpose(%x: tensor<2x3x4xf32>) -> (tensor<6x4xf32>, tensor<4x2x3xf32>, tensor<4x3x2xf32>) {
  %0 = onnx.Flatten(%x) {axis = -1 : i64} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  %1 = onnx.Transpose(%x) {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  %2 = onnx.Transpose(%x) : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
  return %0, %1, %2 : tensor<6x4xf32>, tensor<4x2x3xf32>, tensor<4x3x2xf32>
}

// -----

// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>, %[[Y:.+]]: tensor<2x?x4xf32>)
// CHECK:      %[[D:.+]] = tensor.dim %[[Y]], %c1
// CHECK:      %[[E:.+]] = tensor.empty(%{{.+}}) : tensor<2x?x4xf32>
// CHECK:      %[[I:.+]] = tensor.insert_slice %[[X]] into %[[E]][0, 0, 0] [2, 3, 4] [1, 1, 1]
// CHECK:      tensor.insert_slice %[[Y]] into %[[I]][0, 3, 0] [2, %{{.+}}, 4] [1, 1, 1]
func.func @concat(%x: tensor<2x3x4xf32>, %y: tensor<2x?x4xf32>) -> tensor<2x?x4xf32> {
  %0 = onnx.Concat(%x, %y) {axis = -2 : i64} : (tensor<2x3x4xf32>, tensor<2x?x4xf32>) -> tensor<2x?x4xf32>
  return %0 : tensor<2x?x4xf32>
}

// -----

// Shape and Size of a dynamic tensor.
// CHECK-LABEL: func.func @shape_size
// CHECK-SAME: (%[[X:.+]]: tensor<?x3x5xf32>)
// CHECK:      %[[D:.+]] = tensor.dim %[[X]], %c0
// CHECK:      %[[D64:.+]] = arith.index_cast %[[D]] : index to i64
// CHECK:      %[[C3:.+]] = arith.index_cast %c3 : index to i64
// CHECK:      tensor.from_elements %[[D64]], %[[C3]] : tensor<2xi64>
// CHECK:      arith.muli
// CHECK:      tensor.from_elements %{{.+}} : tensor<i64>
func.func @shape_size(%x: tensor<?x3x5xf32>) -> (tensor<2xi64>, tensor<i64>) {
  %0 = onnx.Shape(%x) {end = -1 : i64} : (tensor<?x3x5xf32>) -> tensor<2xi64>
  %1 = onnx.Size(%x) : (tensor<?x3x5xf32>) -> tensor<i64>
  return %0, %1 : tensor<2xi64>, tensor<i64>
}

// -----

// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2) -> (0, d2)>
// CHECK-LABEL: func.func @expand
// CHECK:      tensor.empty() : tensor<3x2x4xf32>
// CHECK:      linalg.generic {indexing_maps = [#[[IN]], #{{.+}}]
// CHECK-NEXT: ^bb0(%[[A:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:   linalg.yield %[[A]] : f32
func.func @expand(%x: tensor<1x4xf32>) -> tensor<3x2x4xf32> {
  %s = onnx.Constant {value = dense<[3, 2, 1]> : tensor<3xi64>} : tensor<3xi64>
  %0 = onnx.Expand(%x, %s) : (tensor<1x4xf32>, tensor<3xi64>) -> tensor<3x2x4xf32>
  return %0 : tensor<3x2x4xf32>
}

// -----

// ConstantOfShape of a runtime shape fills a tensor.empty.
// CHECK-LABEL: func.func @constant_of_shape
// CHECK-SAME: (%[[S:.+]]: tensor<2xi64>)
// CHECK:      %[[V:.+]] = arith.constant 7 : i32
// CHECK:      %[[D:.+]] = tensor.extract %[[S]][%c1]
// CHECK:      %[[DI:.+]] = arith.index_cast %[[D]] : i64 to index
// CHECK:      %[[E:.+]] = tensor.empty(%[[DI]]) : tensor<3x?xi32>
// CHECK:      linalg.fill ins(%[[V]] : i32) outs(%[[E]] : tensor<3x?xi32>)
func.func @constant_of_shape(%s: tensor<2xi64>) -> tensor<3x?xi32> {
  %0 = onnx.ConstantOfShape(%s) {value = dense<7> : tensor<1xi32>} : (tensor<2xi64>) -> tensor<3x?xi32>
  return %0 : tensor<3x?xi32>
}

// -----

// Rank 0: an identity Transpose moves nothing; reshapes to and from
// scalars use empty reassociations.
// CHECK-LABEL: func.func @scalars
// CHECK-SAME: (%[[S:.+]]: tensor<f32>, %[[O:.+]]: tensor<1xf32>)
// CHECK-NOT:  linalg.transpose
// CHECK:      %[[F:.+]] = tensor.expand_shape %[[S]] [] output_shape [1] : tensor<f32> into tensor<1xf32>
// CHECK:      tensor.expand_shape %[[F]] {{\[\[}}0, 1]] output_shape [1, 1] : tensor<1xf32> into tensor<1x1xf32>
// CHECK:      tensor.collapse_shape %[[O]] [] : tensor<1xf32> into tensor<f32>
// CHECK:      tensor.expand_shape %[[S]] [] output_shape [1] : tensor<f32> into tensor<1xf32>
// CHECK:      return %[[S]],
func.func @scalars(%s: tensor<f32>, %one: tensor<1xf32>) -> (tensor<f32>, tensor<1x1xf32>, tensor<f32>, tensor<1xf32>) {
  %0 = onnx.Transpose(%s) : (tensor<f32>) -> tensor<f32>
  %1 = onnx.Flatten(%s) {axis = 0 : i64} : (tensor<f32>) -> tensor<1x1xf32>
  %c = onnx.Constant {value = dense<> : tensor<0xi64>} : tensor<0xi64>
  %2 = onnx.Reshape(%one, %c) : (tensor<1xf32>, tensor<0xi64>) -> tensor<f32>
  %z = onnx.Constant {value = dense<[0]> : tensor<1xi64>} : tensor<1xi64>
  %3 = onnx.Unsqueeze(%s, %z) : (tensor<f32>, tensor<1xi64>) -> tensor<1xf32>
  return %0, %1, %2, %3 : tensor<f32>, tensor<1x1xf32>, tensor<f32>, tensor<1xf32>
}
