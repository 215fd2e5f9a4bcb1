// RUN: bitnet-opt %s --bitnet-lower-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so \
// RUN: | FileCheck %s

// LayerNormalization, Softmax and LogSoftmax against numpy (float32,
// printed to 6 digits).

func.func private @printMemrefF32(tensor<*xf32>)

func.func @show(%t: tensor<2x2x4xf32>) {
  %f = tensor.collapse_shape %t [[0, 1, 2]] : tensor<2x2x4xf32> into tensor<16xf32>
  %u = tensor.cast %f : tensor<16xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @show_stats(%t: tensor<2x2x1xf32>) {
  %f = tensor.collapse_shape %t [[0, 1, 2]] : tensor<2x2x1xf32> into tensor<4xf32>
  %u = tensor.cast %f : tensor<4xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @main() {
  %x = arith.constant dense<[[[1.0, 2.0, 3.0, 4.0], [-1.0, 0.0, 5.0, 10.0]],
                             [[0.5, 0.5, 0.5, 0.5], [100.0, 101.0, 102.0, 103.0]]]> : tensor<2x2x4xf32>
  %scale = arith.constant dense<[1.0, 2.0, 0.5, -1.0]> : tensor<4xf32>
  %bias = arith.constant dense<[0.0, 1.0, -1.0, 0.5]> : tensor<4xf32>
  %n = onnx.NoValue

  // Last axis, with Mean and InvStdDev.
  %y, %mean, %inv = onnx.LayerNormalization(%x, %scale, %bias) {axis = -1 : i64, epsilon = 1.0e-5 : f32}
      : (tensor<2x2x4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<2x2x4xf32>, tensor<2x2x1xf32>, tensor<2x2x1xf32>)
  // CHECK: [-1.34164,  0.105576,  -0.776394,  -0.841635,  -1.02564,  -0.595448,  -0.829059,  -0.981487,  0,  1,  -1,  0.5,  -1.34164,  0.105576,  -0.776394,  -0.841635]
  call @show(%y) : (tensor<2x2x4xf32>) -> ()
  // CHECK: [2.5,  3.5,  0.5,  101.5]
  call @show_stats(%mean) : (tensor<2x2x1xf32>) -> ()
  // CHECK: [0.894424,  0.227921,  316.228,  0.894424]
  call @show_stats(%inv) : (tensor<2x2x1xf32>) -> ()

  // Over the last two axes, no bias, scale broadcast from [4]; bf16 input
  // (statistics in f32).
  %xb = onnx.Cast(%x) {to = 16 : i64} : (tensor<2x2x4xf32>) -> tensor<2x2x4xbf16>
  %sb = onnx.Cast(%scale) {to = 16 : i64} : (tensor<4xf32>) -> tensor<4xbf16>
  %yb, %mb, %ib = onnx.LayerNormalization(%xb, %sb, %n) {axis = 1 : i64}
      : (tensor<2x2x4xbf16>, tensor<4xbf16>, none) -> (tensor<2x2x4xbf16>, none, none)
  %yf = onnx.Cast(%yb) {to = 1 : i64} : (tensor<2x2x4xbf16>) -> tensor<2x2x4xf32>
  // CHECK: [-0.617188,  -0.617188,  0,  -0.308594,  -1.23438,  -1.85156,  0.308594,  -2.15625,  -1,  -2,  -0.5,  1,  0.96875,  1.97656,  0.503906,  -1.03125]
  call @show(%yf) : (tensor<2x2x4xf32>) -> ()

  // Softmax over the last axis: exp(103) would overflow f32 without the max
  // subtracted first.
  %s = onnx.Softmax(%x) {axis = -1 : i64} : (tensor<2x2x4xf32>) -> tensor<2x2x4xf32>
  // CHECK: [0.0320586,  0.0871443,  0.236883,  0.643914,  1.65889e-05,  4.50933e-05,  0.00669244,  0.993246,  0.25,  0.25,  0.25,  0.25,  0.0320586,  0.0871443,  0.236883,  0.643914]
  call @show(%s) : (tensor<2x2x4xf32>) -> ()

  // LogSoftmax over axis 1.
  %l = onnx.LogSoftmax(%x) {axis = 1 : i64} : (tensor<2x2x4xf32>) -> tensor<2x2x4xf32>
  // CHECK: [-0.126928,  -0.126928,  -2.12693,  -6.00248,  -2.12693,  -2.12693,  -0.126928,  -0.00247565,  -99.5,  -100.5,  -101.5,  -102.5,  0,  0,  0,  0]
  call @show(%l) : (tensor<2x2x4xf32>) -> ()
  return
}

