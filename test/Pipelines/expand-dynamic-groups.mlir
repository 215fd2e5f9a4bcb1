// RUN: bitnet-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(bitnet-expand-dynamic-groups))' | FileCheck %s

// Two dynamic dimensions from one ([b*s] -> [b, s]): a reinterpret_cast of
// the base buffer with strides [16 * s, 16, 1] (the source's stride 16 and
// offset 0 fold from its identity layout).
// CHECK-LABEL: func.func @split_two_dynamic(
// CHECK-SAME: %[[M:.*]]: memref<?x16xf32>, %[[B:.*]]: index, %[[S:.*]]: index)
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG: %[[BASE:.*]], %{{.*}}, %{{.*}}:2, %{{.*}}:2 = memref.extract_strided_metadata %[[M]]
// CHECK: %[[OUTER:.*]] = arith.muli %[[S]], %[[C16]] : index
// CHECK: %[[R:.*]] = memref.reinterpret_cast %[[BASE]] to offset: [%{{.*}}], sizes: [%[[B]], %[[S]], 16], strides: [%[[OUTER]], %[[C16]], %{{.*}}]
// CHECK: memref.cast %[[R]] : memref<?x?x16xf32, strided<[?, ?, ?], offset: ?>> to memref<?x?x16xf32>
// CHECK-NOT: memref.expand_shape
func.func @split_two_dynamic(%m: memref<?x16xf32>, %b: index, %s: index) -> memref<?x?x16xf32> {
  %v = memref.expand_shape %m [[0, 1], [2]] output_shape [%b, %s, 16]
      : memref<?x16xf32> into memref<?x?x16xf32>
  return %v : memref<?x?x16xf32>
}

// -----

// One dynamic dimension per group: left to expand-strided-metadata.
// CHECK-LABEL: func.func @one_dynamic(
// CHECK: memref.expand_shape
// CHECK-NOT: memref.reinterpret_cast
func.func @one_dynamic(%m: memref<?xf32>, %b: index) -> memref<?x4xf32> {
  %v = memref.expand_shape %m [[0, 1]] output_shape [%b, 4]
      : memref<?xf32> into memref<?x4xf32>
  return %v : memref<?x4xf32>
}
