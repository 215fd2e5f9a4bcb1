// RUN: bitnet-opt %s --convert-onnx-to-linalg -split-input-file | FileCheck %s

// Gather: a generic over the result that reads the data with tensor.extract
// at the (wrapped) index, after a run-time check that the index is in
// [-n, n); one constant index is a slice.
// CHECK-DAG: #[[IDX:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func.func @gather
// CHECK-SAME: (%[[X:.+]]: tensor<5x8xf32>, %[[I:.+]]: tensor<2x3xi64>)
// CHECK:      %[[N:.+]] = arith.constant 8 : index
// CHECK:      linalg.generic {indexing_maps = [#[[IDX]], #{{.+}}], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[I]] : tensor<2x3xi64>) outs(%{{.+}} : tensor<5x2x3xf32>)
// CHECK-NEXT: ^bb0(%[[V:.+]]: i64, %{{.+}}: f32):
// CHECK-NEXT:   %[[ROW:.+]] = linalg.index 0 : index
// CHECK:        %[[J:.+]] = arith.index_cast %[[V]] : i64 to index
// CHECK:        %[[LO:.+]] = arith.cmpi sge, %[[J]], %{{.+}} : index
// CHECK-NEXT:   %[[HI:.+]] = arith.cmpi slt, %[[J]], %[[N]] : index
// CHECK-NEXT:   %[[OK:.+]] = arith.andi %[[LO]], %[[HI]] : i1
// CHECK-NEXT:   cf.assert %[[OK]], "an index is out of range for data axis 1"
// CHECK:        %[[NEG:.+]] = arith.cmpi slt, %[[J]], %{{.+}} : index
// CHECK-NEXT:   %[[UP:.+]] = arith.addi %[[J]], %[[N]] : index
// CHECK-NEXT:   %[[W:.+]] = arith.select %[[NEG]], %[[UP]], %[[J]] : index
// CHECK-NEXT:   %[[E:.+]] = tensor.extract %[[X]][%[[ROW]], %[[W]]] : tensor<5x8xf32>
// CHECK-NEXT:   linalg.yield %[[E]] : f32
// CHECK:      %[[S:.+]] = tensor.extract_slice %[[X]][4, 0] [1, 8] [1, 1] : tensor<5x8xf32> to tensor<1x8xf32>
// CHECK:      tensor.collapse_shape %[[S]] {{\[\[}}0, 1]] : tensor<1x8xf32> into tensor<8xf32>
func.func @gather(%x: tensor<5x8xf32>, %i: tensor<2x3xi64>) -> (tensor<5x2x3xf32>, tensor<8xf32>) {
  %0 = onnx.Gather(%x, %i) {axis = 1 : i64} : (tensor<5x8xf32>, tensor<2x3xi64>) -> tensor<5x2x3xf32>
  %c = onnx.Constant {value = dense<-1> : tensor<i64>} : tensor<i64>
  %1 = onnx.Gather(%x, %c) : (tensor<5x8xf32>, tensor<i64>) -> tensor<8xf32>
  return %0, %1 : tensor<5x2x3xf32>, tensor<8xf32>
}

// -----

// CHECK-LABEL: func.func @gather_elements
// CHECK:      ^bb0(%[[V:.+]]: i32, %{{.+}}: f32):
// CHECK-NEXT:   %[[ROW:.+]] = linalg.index 0 : index
// CHECK-NEXT:   linalg.index 1 : index
// CHECK:        tensor.extract %{{.+}}[%[[ROW]], %{{.+}}] : tensor<5x8xf32>
func.func @gather_elements(%x: tensor<5x8xf32>, %i: tensor<5x2xi32>) -> tensor<5x2xf32> {
  %0 = onnx.GatherElements(%x, %i) {axis = 1 : i64} : (tensor<5x8xf32>, tensor<5x2xi32>) -> tensor<5x2xf32>
  return %0 : tensor<5x2xf32>
}

// -----

// Slice with positive steps is tensor.extract_slice (clamped, wrapped
// starts and ends fold); negative steps read through a generic.
// CHECK-LABEL: func.func @slice
// CHECK-SAME: (%[[X:.+]]: tensor<5x8xf32>)
// CHECK:      tensor.extract_slice %[[X]][1, 2] [2, 3] [1, 2] : tensor<5x8xf32> to tensor<2x3xf32>
// CHECK:      linalg.generic {{.+}} outs(%{{.+}} : tensor<3x8xf32>)
// CHECK-NEXT: ^bb0(%{{.+}}: f32):
// CHECK-NEXT:   %[[I:.+]] = linalg.index 0 : index
// CHECK-NEXT:   %[[J:.+]] = linalg.index 1 : index
// CHECK-NEXT:   %[[M:.+]] = arith.muli %[[I]], %c-2{{.*}} : index
// CHECK-NEXT:   %[[R:.+]] = arith.addi %[[M]], %c4{{.*}} : index
// CHECK-NEXT:   tensor.extract %[[X]][%[[R]], %[[J]]]
func.func @slice(%x: tensor<5x8xf32>) -> (tensor<2x3xf32>, tensor<3x8xf32>) {
  %st = onnx.Constant {value = dense<[1, -6]> : tensor<2xi64>} : tensor<2xi64>
  %en = onnx.Constant {value = dense<[3, 100]> : tensor<2xi64>} : tensor<2xi64>
  %sp = onnx.Constant {value = dense<[1, 2]> : tensor<2xi64>} : tensor<2xi64>
  %n = onnx.NoValue
  %0 = onnx.Slice(%x, %st, %en, %n, %sp) : (tensor<5x8xf32>, tensor<2xi64>, tensor<2xi64>, none, tensor<2xi64>) -> tensor<2x3xf32>
  %st2 = onnx.Constant {value = dense<[-1]> : tensor<1xi64>} : tensor<1xi64>
  %en2 = onnx.Constant {value = dense<[-100]> : tensor<1xi64>} : tensor<1xi64>
  %sp2 = onnx.Constant {value = dense<[-2]> : tensor<1xi64>} : tensor<1xi64>
  %ax2 = onnx.Constant {value = dense<[0]> : tensor<1xi64>} : tensor<1xi64>
  %1 = onnx.Slice(%x, %st2, %en2, %ax2, %sp2) : (tensor<5x8xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<3x8xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<3x8xf32>
}

// -----

// Runtime starts: wrapping and clamping are computed; an INT64_MAX end
// clamps to the dim.
// CHECK-LABEL: func.func @slice_runtime
// CHECK-SAME: (%[[X:.+]]: tensor<?xf32>, %[[S:.+]]: tensor<1xi64>)
// CHECK:      %[[E:.+]] = tensor.extract %[[S]]
// CHECK:      %[[ST:.+]] = arith.index_cast %[[E]] : i64 to index
// CHECK:      %[[DIM:.+]] = tensor.dim %[[X]]
// CHECK:      %[[NEG:.+]] = arith.cmpi slt, %[[ST]]
// CHECK:      %[[WRAPPED:.+]] = arith.select %[[NEG]]
// CHECK:      %[[LO:.+]] = arith.maxsi %[[WRAPPED]]
// CHECK:      %[[OFF:.+]] = arith.minsi %[[LO]], %[[DIM]]
// CHECK:      %[[LEN:.+]] = arith.subi %[[DIM]], %[[OFF]]
// CHECK:      %[[SIZE:.+]] = arith.maxsi %[[LEN]]
// CHECK:      tensor.extract_slice %[[X]][%[[OFF]]] [%[[SIZE]]] [1] : tensor<?xf32> to tensor<?xf32>
func.func @slice_runtime(%x: tensor<?xf32>, %s: tensor<1xi64>) -> tensor<?xf32> {
  %e = onnx.Constant {value = dense<[9223372036854775807]> : tensor<1xi64>} : tensor<1xi64>
  %n = onnx.NoValue
  %0 = onnx.Slice(%x, %s, %e, %n, %n) : (tensor<?xf32>, tensor<1xi64>, tensor<1xi64>, none, none) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// Split into 3 parts of ceil(8/3) = 3, the last one smaller.
// CHECK-LABEL: func.func @split
// CHECK-SAME: (%[[X:.+]]: tensor<5x8xf32>)
// CHECK:      tensor.extract_slice %[[X]][0, 0] [5, 3] [1, 1]
// CHECK:      tensor.extract_slice %[[X]][0, 3] [5, 3] [1, 1]
// CHECK:      tensor.extract_slice %[[X]][0, 6] [5, 2] [1, 1]
func.func @split(%x: tensor<5x8xf32>) -> (tensor<5x3xf32>, tensor<5x3xf32>, tensor<5x2xf32>) {
  %n = onnx.NoValue
  %0:3 = onnx.Split(%x, %n) {axis = 1 : i64, num_outputs = 3 : i64} : (tensor<5x8xf32>, none) -> (tensor<5x3xf32>, tensor<5x3xf32>, tensor<5x2xf32>)
  return %0#0, %0#1, %0#2 : tensor<5x3xf32>, tensor<5x3xf32>, tensor<5x2xf32>
}

// -----

// CHECK-LABEL: func.func @tile
// CHECK:      linalg.generic {{.+}} outs(%{{.+}} : tensor<10x8xf32>)
// CHECK:        arith.remui %{{.+}}, %c5 : index
// CHECK:        arith.remui %{{.+}}, %c8 : index
// CHECK:        tensor.extract
func.func @tile(%x: tensor<5x8xf32>) -> tensor<10x8xf32> {
  %r = onnx.Constant {value = dense<[2, 1]> : tensor<2xi64>} : tensor<2xi64>
  %0 = onnx.Tile(%x, %r) : (tensor<5x8xf32>, tensor<2xi64>) -> tensor<10x8xf32>
  return %0 : tensor<10x8xf32>
}

// -----

// Trilu with a runtime k: keep col - row <= k (lower).
// CHECK-LABEL: func.func @trilu
// CHECK-SAME: (%[[X:.+]]: tensor<5x8xf32>, %[[K:.+]]: tensor<i64>)
// CHECK:      %[[KV:.+]] = tensor.extract %[[K]][] : tensor<i64>
// CHECK:      %[[KI:.+]] = arith.index_cast %[[KV]] : i64 to index
// CHECK:      ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:   %[[R:.+]] = linalg.index 0 : index
// CHECK-NEXT:   %[[C:.+]] = linalg.index 1 : index
// CHECK-NEXT:   %[[D:.+]] = arith.subi %[[C]], %[[R]] : index
// CHECK-NEXT:   %[[KEEP:.+]] = arith.cmpi sle, %[[D]], %[[KI]] : index
// CHECK:        arith.select %[[KEEP]], %[[IN]], %{{.+}} : f32
func.func @trilu(%x: tensor<5x8xf32>, %k: tensor<i64>) -> tensor<5x8xf32> {
  %0 = onnx.Trilu(%x, %k) {upper = 0 : i64} : (tensor<5x8xf32>, tensor<i64>) -> tensor<5x8xf32>
  return %0 : tensor<5x8xf32>
}

// -----

// CumSum: a reduction over an extra loop j that adds x[j] for j < i
// (exclusive).
// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @cumsum
// CHECK:      linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-NEXT: ^bb0(%[[X:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK-NEXT:   %[[I:.+]] = linalg.index 1 : index
// CHECK-NEXT:   %[[J:.+]] = linalg.index 2 : index
// CHECK-NEXT:   %[[IN_:.+]] = arith.cmpi ult, %[[J]], %[[I]] : index
func.func @cumsum(%x: tensor<5x8xf32>) -> tensor<5x8xf32> {
  %a = onnx.Constant {value = dense<1> : tensor<i64>} : tensor<i64>
  %0 = onnx.CumSum(%x, %a) {exclusive = 1 : i64} : (tensor<5x8xf32>, tensor<i64>) -> tensor<5x8xf32>
  return %0 : tensor<5x8xf32>
}

// -----

// Range of integers with a runtime limit: max(ceil((limit - start) /
// delta), 0) elements.
// CHECK-LABEL: func.func @range
// CHECK:      arith.subi
// CHECK:      %[[N:.+]] = arith.ceildivsi
// CHECK:      %[[M:.+]] = arith.maxsi %[[N]], %{{.+}} : index
// CHECK:      tensor.empty(%[[M]]) : tensor<?xi64>
// CHECK:        linalg.index 0
// CHECK:        arith.muli
// CHECK:        arith.addi
func.func @range(%limit: tensor<i64>) -> tensor<?xi64> {
  %z = onnx.Constant {value = dense<0> : tensor<i64>} : tensor<i64>
  %d = onnx.Constant {value = dense<2> : tensor<i64>} : tensor<i64>
  %0 = onnx.Range(%z, %limit, %d) : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  return %0 : tensor<?xi64>
}
