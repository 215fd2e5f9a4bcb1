// RUN: bitnet-opt %s -split-input-file --bitnet-lower-to-llvm | FileCheck %s
// RUN: bitnet-opt %s -split-input-file --bitnet-lower-to-llvm \
// RUN:   --mlir-print-ir-after=bitnet-emit-c-interface -o /dev/null 2>&1 \
// RUN: | FileCheck %s --check-prefix=LOOPS
// RUN: bitnet-opt %s -split-input-file --bitnet-lower-to-llvm | FileCheck %s --check-prefix=CLEAN

// What the driver sees (docs/abi.md): @main_graph takes the execution
// environment, then the expanded memref descriptors of its inputs, then of
// its outputs, and returns nothing; @_mlir_ciface_main_graph takes the
// environment and one pointer per descriptor.

// CLEAN-NOT: unrealized_conversion_cast
// CLEAN-NOT: = bitnet.
// CLEAN-NOT: {{^ *}}bitnet.
// CLEAN-NOT: memref.
// CLEAN-NOT: func.func
// CLEAN-NOT: _mlir_ciface_helper

// CHECK-LABEL: llvm.func @main_graph(
// CHECK-SAME: %{{[a-z0-9]+}}: !llvm.ptr {bitnet.exec_env},
// CHECK-SAME: %{{[a-z0-9]+}}: !llvm.ptr, %{{[a-z0-9]+}}: !llvm.ptr, %{{[a-z0-9]+}}: i64, %{{[a-z0-9]+}}: i64, %{{[a-z0-9]+}}: i64, %{{[a-z0-9]+}}: i64, %{{[a-z0-9]+}}: i64,
// CHECK-SAME: %{{[a-z0-9]+}}: !llvm.ptr, %{{[a-z0-9]+}}: !llvm.ptr, %{{[a-z0-9]+}}: i64, %{{[a-z0-9]+}}: i64, %{{[a-z0-9]+}}: i64, %{{[a-z0-9]+}}: i64, %{{[a-z0-9]+}}: i64)
// CHECK-SAME: attributes {llvm.emit_c_interface}
// CHECK: llvm.call @malloc
// CHECK: llvm.call @free
// CHECK: llvm.return
// CHECK-LABEL: llvm.func @_mlir_ciface_main_graph(%{{[a-z0-9]+}}: !llvm.ptr {bitnet.exec_env}, %{{[a-z0-9]+}}: !llvm.ptr, %{{[a-z0-9]+}}: !llvm.ptr)
// CHECK: llvm.load %{{.*}} : !llvm.ptr -> !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
// CHECK: llvm.call @main_graph(

// The result buffer is the caller's out-parameter: written in place, not
// allocated and copied.
// LOOPS-LABEL: func.func @main_graph(
// LOOPS-SAME: %{{[a-zA-Z0-9_]+}}: !llvm.ptr {bitnet.exec_env}, %[[X:[a-zA-Z0-9_]+]]: memref<2x8xf32>, %[[OUT:[a-zA-Z0-9_]+]]: memref<2x2xf32>)
// LOOPS-SAME: attributes {llvm.emit_c_interface}
// LOOPS-NOT: memref.copy
// LOOPS: memref.store %{{.*}}, %[[OUT]]
// LOOPS-NOT: memref.copy
// LOOPS: return
func.func @main_graph(%x: tensor<2x8xf32>) -> tensor<2x2xf32> {
  %q, %s = bitnet.quantize_activations %x per_token {qmax = 127.0 : f32,
      eps = 1.0e-5 : f32, clip_min = -128 : i64, clip_max = 127 : i64}
      : tensor<2x8xf32> -> tensor<2x8xi8>, tensor<2x1xf32>
  %w = bitnet.packed_constant dense<[[-110, 1], [0, 0]]> : tensor<2x2xi8>
      -> !bitnet.packed<encoding = ternary2, layout = row_major, rows = 2, cols = 8, group_size = 0>
  %init_mm7 = tensor.empty() : tensor<2x2xi32>
  %acc = bitnet.packed_matmul %q, %w outs(%init_mm7) : tensor<2x8xi8>,
      !bitnet.packed<encoding = ternary2, layout = row_major, rows = 2, cols = 8, group_size = 0>,
      tensor<2x2xi32> -> tensor<2x2xi32>
  %ws = arith.constant dense<0.5> : tensor<1xf32>
  %y = bitnet.rescale %acc, %s, %ws : tensor<2x2xi32>, tensor<2x1xf32>, tensor<1xf32> -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// Only the entry function gets a C interface and out-parameters; a returned
// input and a returned constant are copied into its out-parameters. Other
// functions keep their results.
// CHECK-LABEL: llvm.func @helper(
// CHECK-NOT: llvm.emit_c_interface
// CHECK: llvm.return
// LOOPS-LABEL: func.func @helper(
// LOOPS-SAME: memref<3xi32>) -> memref<3xi32>
// LOOPS-NOT: llvm.emit_c_interface
// LOOPS-LABEL: func.func @main_graph(
// LOOPS-SAME: %[[IN:[a-zA-Z0-9_]+]]: memref<3xi32>, %[[OUT0:[a-zA-Z0-9_]+]]: memref<3xi32>, %[[OUT1:[a-zA-Z0-9_]+]]: memref<2xf32>)
// LOOPS-DAG: %[[G:.*]] = memref.get_global
// LOOPS-DAG: memref.copy %[[IN]], %[[OUT0]]
// LOOPS-DAG: memref.copy %[[G]], %[[OUT1]]
func.func @helper(%x: tensor<3xi32>) -> tensor<3xi32> {
  return %x : tensor<3xi32>
}
func.func @main_graph(%x: tensor<3xi32>) -> (tensor<3xi32>, tensor<2xf32>) {
  %c = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  return %x, %c : tensor<3xi32>, tensor<2xf32>
}

// -----

// A dynamic M: both results are allocated by the model and handed over
// through descriptor pointers (docs/abi.md). The result computed into its
// own buffer is handed over as is; the scale (a view of a temporary) is
// copied into a buffer of its own first. Nothing handed over is freed.
// CHECK-LABEL: llvm.func @_mlir_ciface_main_graph(%{{[a-z0-9]+}}: !llvm.ptr {bitnet.exec_env}, %{{[a-z0-9]+}}: !llvm.ptr, %{{[a-z0-9]+}}: !llvm.ptr, %{{[a-z0-9]+}}: !llvm.ptr)
// LOOPS-LABEL: func.func @main_graph(
// LOOPS-SAME: %{{[a-zA-Z0-9_]+}}: memref<?x16xf32>, %[[Y:[a-zA-Z0-9_]+]]: !llvm.ptr, %[[S:[a-zA-Z0-9_]+]]: !llvm.ptr)
// LOOPS: %[[YBUF:.*]] = memref.alloc(%{{.*}}) {{.*}} : memref<?x3xf32>
// LOOPS: memref.store %{{.*}}, %[[YBUF]]
// LOOPS: %[[SBUF:.*]] = memref.alloc(%{{.*}}) : memref<?x1xf32>
// LOOPS: memref.copy %{{.*}}, %[[SBUF]] : memref<?x1xf32> to memref<?x1xf32>
// LOOPS-NOT: memref.dealloc %[[YBUF]]
// LOOPS-NOT: memref.dealloc %[[SBUF]]
// LOOPS: %[[YD:.*]] = builtin.unrealized_conversion_cast %[[YBUF]] : memref<?x3xf32> to !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
// LOOPS-NEXT: llvm.store %[[YD]], %[[Y]]
// LOOPS-NEXT: %[[SD:.*]] = builtin.unrealized_conversion_cast %[[SBUF]]
// LOOPS-NEXT: llvm.store %[[SD]], %[[S]]
// LOOPS-NEXT: return
func.func @main_graph(%x: tensor<?x16xf32>) -> (tensor<?x3xf32>, tensor<?x1xf32>) {
  %q, %s = bitnet.quantize_activations %x per_token {qmax = 127.0 : f32,
      eps = 1.0e-5 : f32, clip_min = -128 : i64, clip_max = 127 : i64}
      : tensor<?x16xf32> -> tensor<?x16xi8>, tensor<?x1xf32>
  %w = bitnet.packed_constant dense<0> : tensor<3x4xi8>
      -> !bitnet.packed<encoding = ternary2, layout = row_major, rows = 3, cols = 16, group_size = 0>
  %c0_mm8 = arith.constant 0 : index
  %d0_mm8 = tensor.dim %q, %c0_mm8 : tensor<?x16xi8>
  %init_mm8 = tensor.empty(%d0_mm8) : tensor<?x3xi32>
  %acc = bitnet.packed_matmul %q, %w outs(%init_mm8) : tensor<?x16xi8>,
      !bitnet.packed<encoding = ternary2, layout = row_major, rows = 3, cols = 16, group_size = 0>,
      tensor<?x3xi32> -> tensor<?x3xi32>
  %ws = arith.constant dense<0.5> : tensor<1xf32>
  %y = bitnet.rescale %acc, %s, %ws : tensor<?x3xi32>, tensor<?x1xf32>, tensor<1xf32> -> tensor<?x3xf32>
  return %y, %s : tensor<?x3xf32>, tensor<?x1xf32>
}
