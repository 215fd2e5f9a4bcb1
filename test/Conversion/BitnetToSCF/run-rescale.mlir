// RUN: bitnet-opt %s --bitnet-lower-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so \
// RUN: | FileCheck %s

// bitnet.rescale executed: y = float(acc) * weight_scale / act_scale + bias,
// with weight_scale and bias of 1 or N elements and act_scale broadcast
// along its unit dims. Scales are powers of two, so the printed values are
// exact.

func.func private @printMemrefF32(memref<*xf32>)

func.func @print(%y: tensor<?x?xf32>) {
  %m = bufferization.to_buffer %y : tensor<?x?xf32> to memref<?x?xf32>
  %u = memref.cast %m : memref<?x?xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}

func.func @main() {
  %acc = arith.constant dense<[[10, -20, 30], [-7, 0, 100]]> : tensor<2x3xi32>

  // Per-token act_scale, per-row weight_scale and bias:
  // row 0 / 2: 10*0.5/2+1, -20*0.25/2-1, 30*2/2+0.5;
  // row 1 / 0.5: -7*0.5/0.5+1, 0-1, 100*2/0.5+0.5.
  // CHECK: sizes = [2, 3]
  // CHECK-NEXT: {{\[\[}}3.5, -3.5, 30.5],
  // CHECK-NEXT: [-6, -1, 400.5]]
  %s = arith.constant dense<[[2.0], [0.5]]> : tensor<2x1xf32>
  %ws = arith.constant dense<[0.5, 0.25, 2.0]> : tensor<3xf32>
  %b = arith.constant dense<[1.0, -1.0, 0.5]> : tensor<3xf32>
  %y0 = bitnet.rescale %acc, %s, %ws bias %b : tensor<2x3xi32>, tensor<2x1xf32>,
      tensor<3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  %y0d = tensor.cast %y0 : tensor<2x3xf32> to tensor<?x?xf32>
  call @print(%y0d) : (tensor<?x?xf32>) -> ()

  // No bias, one weight scale, per-tensor act_scale: acc * 0.125 / 4.
  // CHECK: sizes = [2, 3]
  // CHECK-NEXT: {{\[\[}}0.3125, -0.625, 0.9375],
  // CHECK-NEXT: [-0.21875, 0, 3.125]]
  %t = arith.constant dense<4.0> : tensor<1x1xf32>
  %w1 = arith.constant dense<0.125> : tensor<1xf32>
  %y1 = bitnet.rescale %acc, %t, %w1 : tensor<2x3xi32>, tensor<1x1xf32>,
      tensor<1xf32> -> tensor<2x3xf32>
  %y1d = tensor.cast %y1 : tensor<2x3xf32> to tensor<?x?xf32>
  call @print(%y1d) : (tensor<?x?xf32>) -> ()

  // Rank 3, act_scale [2, 1, 1] broadcast over the middle dim, weight_scale
  // [1, 2], a 1-element bias; int32 extremes are exact in f32 here.
  // batch 0 / 1: [1, 4], [3, 8], [1, 4] + 0.5; batch 1 / 0.5: [10, 24],
  // [14, 32] + 0.5, then -2^31 * 1 / 0.5 + 0.5 = -2^32 (0.5 is lost in f32)
  // and 2^24 * 2 / 0.5 + 0.5 = 2^26.
  // CHECK: sizes = [6, 2]
  // CHECK-NEXT: {{\[\[}}1.5, 4.5],
  // CHECK-NEXT: [3.5, 8.5],
  // CHECK-NEXT: [1.5, 4.5],
  // CHECK-NEXT: [10.5, 24.5],
  // CHECK-NEXT: [14.5, 32.5],
  // CHECK-NEXT: [-4.29497e+09, 6.71089e+07]]
  %acc3 = arith.constant dense<[[[1, 2], [3, 4], [1, 2]], [[5, 6], [7, 8], [-2147483648, 16777216]]]> : tensor<2x3x2xi32>
  %s3 = arith.constant dense<[[[1.0]], [[0.5]]]> : tensor<2x1x1xf32>
  %w3 = arith.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
  %b3 = arith.constant dense<[0.5]> : tensor<1xf32>
  %y3 = bitnet.rescale %acc3, %s3, %w3 bias %b3 : tensor<2x3x2xi32>, tensor<2x1x1xf32>,
      tensor<1x2xf32>, tensor<1xf32> -> tensor<2x3x2xf32>
  %y3f = tensor.collapse_shape %y3 [[0, 1], [2]] : tensor<2x3x2xf32> into tensor<6x2xf32>
  %y3d = tensor.cast %y3f : tensor<6x2xf32> to tensor<?x?xf32>
  call @print(%y3d) : (tensor<?x?xf32>) -> ()
  return
}
