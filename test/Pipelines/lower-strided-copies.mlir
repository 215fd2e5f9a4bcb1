// RUN: bitnet-opt %s -split-input-file --bitnet-lower-strided-copies | FileCheck %s

// CHECK-LABEL: func.func @strided_source
// CHECK-SAME: (%[[A:.*]]: memref<2xf32, strided<[2], offset: 1>>, %[[B:.*]]: memref<2xf32>)
// CHECK-NOT: memref.copy
// CHECK: linalg.copy ins(%[[A]] : memref<2xf32, strided<[2], offset: 1>>) outs(%[[B]] : memref<2xf32>)
func.func @strided_source(%a: memref<2xf32, strided<[2], offset: 1>>, %b: memref<2xf32>) {
  memref.copy %a, %b : memref<2xf32, strided<[2], offset: 1>> to memref<2xf32>
  return
}

// -----

// CHECK-LABEL: func.func @dynamic_strided_target
// CHECK: linalg.copy
func.func @dynamic_strided_target(%a: memref<?x4xf32>, %b: memref<?x4xf32, strided<[?, 1], offset: ?>>) {
  memref.copy %a, %b : memref<?x4xf32> to memref<?x4xf32, strided<[?, 1], offset: ?>>
  return
}

// -----

// Near misses: contiguous copies stay (they become memcpy), even with a
// static contiguous non-identity layout; so do unranked ones.
// CHECK-LABEL: func.func @contiguous
// CHECK-COUNT-3: memref.copy
// CHECK-NOT: linalg.copy
func.func @contiguous(%a: memref<2x4xf32>, %b: memref<2x4xf32>,
                      %c: memref<2x4xf32, strided<[4, 1], offset: 8>>,
                      %u: memref<*xf32>, %v: memref<*xf32>) {
  memref.copy %a, %b : memref<2x4xf32> to memref<2x4xf32>
  memref.copy %c, %b : memref<2x4xf32, strided<[4, 1], offset: 8>> to memref<2x4xf32>
  memref.copy %u, %v : memref<*xf32> to memref<*xf32>
  return
}
