// RUN: bitnet-opt %s -split-input-file --bitnet-entry-results-to-out-params | FileCheck %s
// RUN: bitnet-opt %s -split-input-file --bitnet-entry-results-to-out-params --bitnet-results-to-descriptors | FileCheck %s --check-prefix=DESC
// RUN: not bitnet-opt %s -split-input-file --bitnet-results-to-descriptors 2>&1 | FileCheck %s --check-prefix=ORDER

// A static result allocated here becomes the out-parameter; a dynamic one
// stays a result (a returned argument is copied into a new buffer) with a
// descriptor pointer for it; after deallocation it is stored through it.
// CHECK-LABEL: func.func @main_graph(
// CHECK-SAME: %[[X:[a-z0-9]+]]: memref<?xf32>, %[[OUT:[a-z0-9]+]]: memref<2xf32> {onnx.name = "a"},
// CHECK-SAME: %[[P:[a-z0-9]+]]: !llvm.ptr {bitnet.result_descriptor, onnx.name = "b"}) -> memref<?xf32>
// CHECK-NOT: memref.alloc() : memref<2xf32>
// CHECK: memref.store %{{.*}}, %[[OUT]]
// CHECK: %[[B:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK: memref.copy %[[X]], %[[B]]
// CHECK: return %[[B]] : memref<?xf32>
// DESC-LABEL: func.func @main_graph(
// DESC-SAME: %[[P:[a-z0-9]+]]: !llvm.ptr {onnx.name = "b"}) {
// DESC: %[[D:.*]] = builtin.unrealized_conversion_cast %{{.*}} : memref<?xf32> to !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>
// DESC-NEXT: llvm.store %[[D]], %[[P]]
// DESC-NEXT: return
// Without bitnet-entry-results-to-out-params first: an error, no guessing.
// ORDER: error: expected one 'bitnet.result_descriptor' pointer argument per memref result
func.func @main_graph(%x: memref<?xf32>) -> (memref<2xf32> {onnx.name = "a"}, memref<?xf32> {onnx.name = "b"}) {
  %c0 = arith.constant 0 : index
  %one = arith.constant 1.0 : f32
  %a = memref.alloc() : memref<2xf32>
  memref.store %one, %a[%c0] : memref<2xf32>
  return %a, %x : memref<2xf32>, memref<?xf32>
}

// -----

// A caller inside the module (a test harness) passes fresh buffers.
// CHECK-LABEL: func.func @main_graph(
// CHECK-SAME: %{{.*}}: memref<4xf32>, %{{.*}}: memref<4xf32>) {
// CHECK-LABEL: func.func @main(
// CHECK: %[[BUF:.*]] = memref.alloc() : memref<4xf32>
// CHECK: call @main_graph(%{{.*}}, %[[BUF]])
func.func @main_graph(%x: memref<4xf32>) -> memref<4xf32> {
  return %x : memref<4xf32>
}
func.func @main(%x: memref<4xf32>) -> memref<4xf32> {
  %r = call @main_graph(%x) : (memref<4xf32>) -> memref<4xf32>
  return %r : memref<4xf32>
}
