// RUN: bitnet-opt %s --convert-onnx-to-linalg -split-input-file | FileCheck %s

// LayerNormalization of f16: statistics in f32 over the normalized dims,
// kept as size-1 dims; Scale and B broadcast from the last dims.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[OUTER:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[STAT:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, 0)>
// CHECK-DAG: #[[LAST:.+]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @layernorm
// CHECK-SAME: (%[[X:.+]]: tensor<2x5x8xf16>, %[[S:.+]]: tensor<8xf16>, %[[B:.+]]: tensor<8xf16>)
// Sum.
// CHECK:      %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[OUTER]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[X]] : tensor<2x5x8xf16>) outs(%{{.+}} : tensor<2x5xf32>)
// CHECK:        arith.extf
// CHECK:      %[[SUMK:.+]] = tensor.expand_shape %[[SUM]] {{\[\[}}0], [1, 2]] output_shape [2, 5, 1]
// Mean.
// CHECK:      %[[MEAN:.+]] = linalg.generic {{.+}} ins(%[[SUMK]] : tensor<2x5x1xf32>)
// CHECK:        arith.divf
// Sum of squares around the mean (second pass).
// CHECK:      %[[SQ:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[STAT]], #[[OUTER]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[X]], %[[MEAN]] : tensor<2x5x8xf16>, tensor<2x5x1xf32>)
// CHECK:        arith.subf
// CHECK:        arith.mulf
// CHECK:        arith.addf
// CHECK:      %[[SQK:.+]] = tensor.expand_shape %[[SQ]]
// InvStdDev = 1 / sqrt(var + epsilon).
// CHECK:      %[[INV:.+]] = linalg.generic {{.+}} ins(%[[SQK]] : tensor<2x5x1xf32>)
// CHECK:        arith.divf
// CHECK:        arith.constant 9.99999974E-6 : f32
// CHECK:        arith.addf
// CHECK:        math.sqrt
// CHECK:        arith.divf
// Y.
// CHECK:      %[[Y:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[STAT]], #[[STAT]], #[[LAST]], #[[LAST]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME:   ins(%[[X]], %[[MEAN]], %[[INV]], %[[S]], %[[B]] : {{.+}}) outs(%{{.+}} : tensor<2x5x8xf16>)
// CHECK:        arith.truncf %{{.+}} : f32 to f16
// The f32 InvStdDev output is the statistic itself.
// CHECK:      return %[[Y]], %[[INV]]
func.func @layernorm(%x: tensor<2x5x8xf16>, %s: tensor<8xf16>, %b: tensor<8xf16>) -> (tensor<2x5x8xf16>, tensor<2x5x1xf32>) {
  %0, %1, %2 = onnx.LayerNormalization(%x, %s, %b) {axis = -1 : i64, epsilon = 1.0e-5 : f32} : (tensor<2x5x8xf16>, tensor<8xf16>, tensor<8xf16>) -> (tensor<2x5x8xf16>, none, tensor<2x5x1xf32>)
  return %0, %2 : tensor<2x5x8xf16>, tensor<2x5x1xf32>
}

// -----

// Over the last two dims, no B: the Mean output converts to f16.
// CHECK-LABEL: func.func @layernorm_axis1
// CHECK:      linalg.generic {{.+}} iterator_types = ["parallel", "reduction", "reduction"]
// CHECK:      tensor.expand_shape %{{.+}} {{\[\[}}0, 1, 2]] output_shape [2, 1, 1] : tensor<2xf32> into tensor<2x1x1xf32>
// CHECK:      %[[Y:.+]] = linalg.generic {{.+}} outs(%{{.+}} : tensor<2x5x8xf16>)
// CHECK:        arith.mulf
// CHECK-NOT:    arith.addf
// CHECK:        linalg.yield
// CHECK:      %[[M:.+]] = linalg.generic {{.+}} outs(%{{.+}} : tensor<2x1x1xf16>)
// CHECK:        arith.truncf
// CHECK:      return %[[Y]], %[[M]]
func.func @layernorm_axis1(%x: tensor<2x5x8xf16>, %s: tensor<5x8xf16>) -> (tensor<2x5x8xf16>, tensor<2x1x1xf16>) {
  %n = onnx.NoValue
  %0, %1, %2 = onnx.LayerNormalization(%x, %s, %n) {axis = 1 : i64} : (tensor<2x5x8xf16>, tensor<5x8xf16>, none) -> (tensor<2x5x8xf16>, tensor<2x1x1xf16>, none)
  return %0, %1 : tensor<2x5x8xf16>, tensor<2x1x1xf16>
}

// -----

// Softmax: max, sum of exp(x - max), exp(x - max) / sum.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROWS:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[STAT:.+]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func.func @softmax
// CHECK:      %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK:      linalg.fill ins(%[[NEGINF]] : f32)
// CHECK:      %[[MAX:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROWS]]], iterator_types = ["parallel", "reduction"]}
// CHECK:        arith.maximumf
// CHECK:      %[[MAXK:.+]] = tensor.expand_shape %[[MAX]]
// CHECK:      %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[STAT]], #[[ROWS]]], iterator_types = ["parallel", "reduction"]} ins(%{{.+}}, %[[MAXK]] :
// CHECK:        arith.subf
// CHECK:        math.exp
// CHECK:        arith.addf
// CHECK:      %[[SUMK:.+]] = tensor.expand_shape %[[SUM]]
// CHECK:      linalg.generic {indexing_maps = [#[[ID]], #[[STAT]], #[[STAT]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%{{.+}}, %[[MAXK]], %[[SUMK]] :
// CHECK:        arith.subf
// CHECK:        math.exp
// CHECK:        arith.divf
func.func @softmax(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = onnx.Softmax(%x) {axis = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// LogSoftmax along axis 0: (x - max) - log(sum).
// CHECK-LABEL: func.func @log_softmax
// CHECK:      iterator_types = ["reduction", "parallel"]
// CHECK:      ^bb0(%[[X:.+]]: f32, %[[M:.+]]: f32, %[[S:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:   %[[C:.+]] = arith.subf %[[X]], %[[M]] : f32
// CHECK-NEXT:   %[[L:.+]] = math.log %[[S]] : f32
// CHECK-NEXT:   arith.subf %[[C]], %[[L]] : f32
func.func @log_softmax(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = onnx.LogSoftmax(%x) {axis = 0 : i64} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}
