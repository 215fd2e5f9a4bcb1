// RUN: bitnet-opt %s --bitnet-lower-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so \
// RUN: | FileCheck %s
// RUN: bitnet-opt %s --bitnet-lower-to-llvm | FileCheck %s --check-prefix=NO-RUNTIME

// NO-RUNTIME-NOT: memrefCopy

// Every result of @main_graph is an out-parameter the caller allocates, and
// every one is written, whatever the result is: the input itself (twice), a
// constant, a computed tensor (twice), a view of it, a strided slice of it
// (copied by loops, not by the memrefCopy runtime function).

func.func private @printMemrefF32(memref<*xf32>)

#id = affine_map<(d0) -> (d0)>

func.func @main_graph(%x: tensor<4xf32>)
    -> (tensor<4xf32>, tensor<2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<2x2xf32>, tensor<4xf32>,
        tensor<2xf32>) {
  %c = arith.constant dense<[7.0, 8.0]> : tensor<2xf32>
  %init = tensor.empty() : tensor<4xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : tensor<4xf32>) outs(%init : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %d = arith.addf %in, %in : f32
    linalg.yield %d : f32
  } -> tensor<4xf32>
  %v = tensor.expand_shape %y [[0, 1]] output_shape [2, 2] : tensor<4xf32> into tensor<2x2xf32>
  %odd = tensor.extract_slice %y[1] [2] [2] : tensor<4xf32> to tensor<2xf32>
  return %x, %c, %y, %y, %v, %x, %odd
      : tensor<4xf32>, tensor<2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<2x2xf32>, tensor<4xf32>,
        tensor<2xf32>
}

func.func @print(%t: tensor<?xf32>) {
  %m = bufferization.to_buffer %t : tensor<?xf32> to memref<?xf32>
  %u = memref.cast %m : memref<?xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}

func.func @main() {
  %x = arith.constant dense<[1.0, -2.0, 3.5, 4.0]> : tensor<4xf32>
  %r:7 = call @main_graph(%x)
      : (tensor<4xf32>) -> (tensor<4xf32>, tensor<2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<2x2xf32>, tensor<4xf32>,
                            tensor<2xf32>)
  // CHECK: data =
  // CHECK-NEXT: [1, -2, 3.5, 4]
  // CHECK: data =
  // CHECK-NEXT: [7, 8]
  // CHECK: data =
  // CHECK-NEXT: [2, -4, 7, 8]
  // CHECK: data =
  // CHECK-NEXT: [2, -4, 7, 8]
  // CHECK: data =
  // CHECK-NEXT: [2, -4, 7, 8]
  // CHECK: data =
  // CHECK-NEXT: [1, -2, 3.5, 4]
  // CHECK: data =
  // CHECK-NEXT: [-4, 8]
  %r0 = tensor.cast %r#0 : tensor<4xf32> to tensor<?xf32>
  call @print(%r0) : (tensor<?xf32>) -> ()
  %r1 = tensor.cast %r#1 : tensor<2xf32> to tensor<?xf32>
  call @print(%r1) : (tensor<?xf32>) -> ()
  %r2 = tensor.cast %r#2 : tensor<4xf32> to tensor<?xf32>
  call @print(%r2) : (tensor<?xf32>) -> ()
  %r3 = tensor.cast %r#3 : tensor<4xf32> to tensor<?xf32>
  call @print(%r3) : (tensor<?xf32>) -> ()
  %r4f = tensor.collapse_shape %r#4 [[0, 1]] : tensor<2x2xf32> into tensor<4xf32>
  %r4 = tensor.cast %r4f : tensor<4xf32> to tensor<?xf32>
  call @print(%r4) : (tensor<?xf32>) -> ()
  %r5 = tensor.cast %r#5 : tensor<4xf32> to tensor<?xf32>
  call @print(%r5) : (tensor<?xf32>) -> ()
  %r6 = tensor.cast %r#6 : tensor<2xf32> to tensor<?xf32>
  call @print(%r6) : (tensor<?xf32>) -> ()
  return
}
