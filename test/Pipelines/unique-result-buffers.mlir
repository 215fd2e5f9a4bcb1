// RUN: bitnet-opt %s -split-input-file --bitnet-unique-result-buffers | FileCheck %s

// CHECK-LABEL: func.func @twice
// CHECK-SAME: (%[[A:.*]]: memref<4xf32>)
// CHECK: %[[B:.*]] = memref.alloc() : memref<4xf32>
// CHECK: memref.copy %[[A]], %[[B]]
// CHECK: %[[C:.*]] = memref.alloc() : memref<4xf32>
// CHECK: memref.copy %[[A]], %[[C]]
// CHECK: return %[[A]], %[[B]], %[[C]]
func.func @twice(%a: memref<4xf32>) -> (memref<4xf32>, memref<4xf32>, memref<4xf32>) {
  return %a, %a, %a : memref<4xf32>, memref<4xf32>, memref<4xf32>
}

// -----

// Dynamic sizes come from the source; a non-identity layout is cast back.
// CHECK-LABEL: func.func @dynamic
// CHECK-SAME: (%[[A:.*]]: memref<?x4xf32, strided<[4, 1], offset: ?>>)
// CHECK: %[[D:.*]] = memref.dim %[[A]], %{{.*}}
// CHECK: %[[B:.*]] = memref.alloc(%[[D]]) : memref<?x4xf32>
// CHECK: memref.copy %[[A]], %[[B]]
// CHECK: %[[C:.*]] = memref.cast %[[B]] : memref<?x4xf32> to memref<?x4xf32, strided<[4, 1], offset: ?>>
// CHECK: return %[[A]], %[[C]]
func.func @dynamic(%a: memref<?x4xf32, strided<[4, 1], offset: ?>>)
    -> (memref<?x4xf32, strided<[4, 1], offset: ?>>, memref<?x4xf32, strided<[4, 1], offset: ?>>) {
  return %a, %a : memref<?x4xf32, strided<[4, 1], offset: ?>>, memref<?x4xf32, strided<[4, 1], offset: ?>>
}

// -----

// Distinct results and non-memref results are left alone.
// CHECK-LABEL: func.func @distinct
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.copy
// CHECK: return %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : memref<4xf32>, memref<4xf32>, i32, i32
func.func @distinct(%a: memref<4xf32>, %b: memref<4xf32>, %i: i32) -> (memref<4xf32>, memref<4xf32>, i32, i32) {
  return %a, %b, %i, %i : memref<4xf32>, memref<4xf32>, i32, i32
}
