// RUN: bitnet-opt %s --bitnet-lower-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so \
// RUN: | FileCheck %s

// bitnet.quantize_activations executed: scale = qmax / max(absmax, eps)
// (or (1 / max(absmax, eps)) * qmax), q = clamp(roundeven(x * scale)). The
// inputs make x * scale exact, so ties (.5) must round to even. Expected
// values by hand, cross-checked with Inputs/bitnet_ref.py:quantize.

func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefF32(memref<*xf32>)

#id2 = affine_map<(d0, d1) -> (d0, d1)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>

func.func @print_i8(%q: tensor<?x?xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %d0 = tensor.dim %q, %c0 : tensor<?x?xi8>
  %d1 = tensor.dim %q, %c1 : tensor<?x?xi8>
  %init = tensor.empty(%d0, %d1) : tensor<?x?xi32>
  %wide = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%q : tensor<?x?xi8>) outs(%init : tensor<?x?xi32>) {
  ^bb0(%in: i8, %out: i32):
    %e = arith.extsi %in : i8 to i32
    linalg.yield %e : i32
  } -> tensor<?x?xi32>
  %m = bufferization.to_buffer %wide : tensor<?x?xi32> to memref<?x?xi32>
  %u = memref.cast %m : memref<?x?xi32> to memref<*xi32>
  call @printMemrefI32(%u) : (memref<*xi32>) -> ()
  return
}

func.func @print_f32(%s: tensor<?x?xf32>) {
  %m = bufferization.to_buffer %s : tensor<?x?xf32> to memref<?x?xf32>
  %u = memref.cast %m : memref<?x?xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}

// Dynamic leading dimension behind a function boundary.
func.func @quantize_dynamic(%x: tensor<?x4xf32>) -> (tensor<2x4xi8>, tensor<2x1xf32>) {
  %q, %s = bitnet.quantize_activations %x per_token {qmax = 127.0 : f32,
      eps = 1.0e-5 : f32, clip_min = -128 : i64, clip_max = 127 : i64}
      : tensor<?x4xf32> -> tensor<?x4xi8>, tensor<?x1xf32>
  %qs = tensor.cast %q : tensor<?x4xi8> to tensor<2x4xi8>
  %ss = tensor.cast %s : tensor<?x1xf32> to tensor<2x1xf32>
  return %qs, %ss : tensor<2x4xi8>, tensor<2x1xf32>
}

func.func @main() {
  // per_token, scale 1 and 0.5: ties 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, 3.5 -> 4.
  // CHECK: sizes = [2, 8]
  // CHECK-NEXT: {{\[\[}}127, -127, 0, 2, 2, 0, -2, -2],
  // CHECK-NEXT: [127, -127, 0, 2, 2, 4, -2, 50]]
  // CHECK: sizes = [2, 1]
  // CHECK-NEXT: {{\[\[}}1],
  // CHECK-NEXT: [0.5]]
  %x0 = arith.constant dense<[[127.0, -127.0, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5],
                              [254.0, -254.0, 1.0, 3.0, 5.0, 7.0, -3.0, 100.5]]> : tensor<2x8xf32>
  %q0, %s0 = bitnet.quantize_activations %x0 per_token {qmax = 127.0 : f32,
      eps = 1.0e-5 : f32, clip_min = -128 : i64, clip_max = 127 : i64}
      : tensor<2x8xf32> -> tensor<2x8xi8>, tensor<2x1xf32>
  %q0d = tensor.cast %q0 : tensor<2x8xi8> to tensor<?x?xi8>
  call @print_i8(%q0d) : (tensor<?x?xi8>) -> ()
  %s0d = tensor.cast %s0 : tensor<2x1xf32> to tensor<?x?xf32>
  call @print_f32(%s0d) : (tensor<?x?xf32>) -> ()

  // Clipping to [-100, 100] with qmax = 200 (scale 100): 200 -> 100,
  // 150 -> 100, ties 12.5 -> 12 and -37.5 -> -38. An all-zero row takes
  // the eps floor (scale 2e7) and stays 0; +-1e-6 * 2e7 = +-20.
  // CHECK: sizes = [3, 8]
  // CHECK-NEXT: {{\[\[}}100, -100, 100, -100, 12, 100, -38, 25],
  // CHECK-NEXT: [0, 0, 0, 0, 0, 0, 0, 0],
  // CHECK-NEXT: [20, -20, 0, 0, 0, 0, 0, 0]]
  // CHECK: sizes = [3, 1]
  // CHECK-NEXT: {{\[\[}}100],
  // CHECK-NEXT: [2e+07],
  // CHECK-NEXT: [2e+07]]
  %x1 = arith.constant dense<[[2.0, -2.0, 1.0, -1.0, 0.125, 1.5, -0.375, 0.25],
                              [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                              [1.0e-6, -1.0e-6, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<3x8xf32>
  %q1, %s1 = bitnet.quantize_activations %x1 per_token {qmax = 200.0 : f32,
      eps = 1.0e-5 : f32, clip_min = -100 : i64, clip_max = 100 : i64}
      : tensor<3x8xf32> -> tensor<3x8xi8>, tensor<3x1xf32>
  %q1d = tensor.cast %q1 : tensor<3x8xi8> to tensor<?x?xi8>
  call @print_i8(%q1d) : (tensor<?x?xi8>) -> ()
  %s1d = tensor.cast %s1 : tensor<3x1xf32> to tensor<?x?xf32>
  call @print_f32(%s1d) : (tensor<?x?xf32>) -> ()

  // per_tensor over a rank-3 tensor with `reciprocal`: absmax 4, scale
  // (1 / 4) * 128 = 32; 128 and -127.5 -> -128 clip to [-127, 127],
  // ties 0.5 -> 0, 1.5 -> 2, -2.5 -> -2.
  // CHECK: sizes = [4, 4]
  // CHECK-NEXT: {{\[\[}}127, -127, 0, 2],
  // CHECK-NEXT: [-2, 32, -127, 127],
  // CHECK-NEXT: [16, -16, 8, 0],
  // CHECK-NEXT: [64, -32, 96, 24]]
  // CHECK: sizes = [1, 1]
  // CHECK-NEXT: {{\[\[}}32]]
  %x2 = arith.constant dense<[[[4.0, -4.0, 0.015625, 0.046875], [-0.078125, 1.0, -3.984375, 3.9921875]],
                              [[0.5, -0.5, 0.25, 0.0], [2.0, -1.0, 3.0, 0.75]]]> : tensor<2x2x4xf32>
  %q2, %s2 = bitnet.quantize_activations %x2 per_tensor {qmax = 128.0 : f32,
      eps = 1.0e-5 : f32, clip_min = -127 : i64, clip_max = 127 : i64, reciprocal}
      : tensor<2x2x4xf32> -> tensor<2x2x4xi8>, tensor<1x1x1xf32>
  %q2f = tensor.collapse_shape %q2 [[0, 1], [2]] : tensor<2x2x4xi8> into tensor<4x4xi8>
  %q2d = tensor.cast %q2f : tensor<4x4xi8> to tensor<?x?xi8>
  call @print_i8(%q2d) : (tensor<?x?xi8>) -> ()
  %s2f = tensor.collapse_shape %s2 [[0, 1], [2]] : tensor<1x1x1xf32> into tensor<1x1xf32>
  %s2d = tensor.cast %s2f : tensor<1x1xf32> to tensor<?x?xf32>
  call @print_f32(%s2d) : (tensor<?x?xf32>) -> ()

  // Dynamic M: scales 127/4 = 31.75 and 127/8 = 15.875; 63.5 -> 64.
  // CHECK: sizes = [2, 4]
  // CHECK-NEXT: {{\[\[}}32, 64, 95, 127],
  // CHECK-NEXT: [-127, 64, 32, 16]]
  // CHECK: sizes = [2, 1]
  // CHECK-NEXT: {{\[\[}}31.75],
  // CHECK-NEXT: [15.875]]
  %x3 = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [-8.0, 4.0, 2.0, 1.0]]> : tensor<2x4xf32>
  %x3d = tensor.cast %x3 : tensor<2x4xf32> to tensor<?x4xf32>
  %q3, %s3 = call @quantize_dynamic(%x3d) : (tensor<?x4xf32>) -> (tensor<2x4xi8>, tensor<2x1xf32>)
  %q3d = tensor.cast %q3 : tensor<2x4xi8> to tensor<?x?xi8>
  call @print_i8(%q3d) : (tensor<?x?xi8>) -> ()
  %s3d = tensor.cast %s3 : tensor<2x1xf32> to tensor<?x?xf32>
  call @print_f32(%s3d) : (tensor<?x?xf32>) -> ()
  return
}
