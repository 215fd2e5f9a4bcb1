// RUN: bitnet-opt %s --bitnet-lower-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so \
// RUN: | FileCheck %s

// Elementwise numerics against numpy (float32, printed to 6 digits).

func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)

func.func @show(%t: tensor<8xf32>) {
  %u = tensor.cast %t : tensor<8xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @main() {
  %n = onnx.NoValue

  // Round: half to even.
  // CHECK: [-2,  -2,  -0,  0,  2,  2,  0,  3]
  %r = arith.constant dense<[-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49999997, 2.6]> : tensor<8xf32>
  %r0 = onnx.Round(%r) : (tensor<8xf32>) -> tensor<8xf32>
  call @show(%r0) : (tensor<8xf32>) -> ()

  // Cast float -> int truncates toward zero.
  // CHECK: [-2,  0,  0,  2,  3,  -3,  100,  -100]
  %c = arith.constant dense<[-2.7, -0.5, 0.5, 2.7, 3.0, -3.0, 100.9, -100.9]> : tensor<8xf32>
  %c0 = onnx.Cast(%c) {to = 6 : i64} : (tensor<8xf32>) -> tensor<8xi32>
  %c1 = tensor.cast %c0 : tensor<8xi32> to tensor<*xi32>
  call @printMemrefI32(%c1) : (tensor<*xi32>) -> ()

  // Cast float -> bool is x != 0 (NaN is true); bool -> float is 0/1.
  // CHECK: [0,  0,  1,  1,  1,  1,  0,  1]
  %b = arith.constant dense<[0.0, -0.0, 0.5, -2.0, 0x7F800000, 0x7FC00000, 0.0, 1.0e-30]> : tensor<8xf32>
  %b0 = onnx.Cast(%b) {to = 9 : i64} : (tensor<8xf32>) -> tensor<8xi1>
  %b1 = onnx.Cast(%b0) {to = 1 : i64} : (tensor<8xi1>) -> tensor<8xf32>
  call @show(%b1) : (tensor<8xf32>) -> ()

  // Gelu, erf form and tanh form.
  %g = arith.constant dense<[-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.0]> : tensor<8xf32>
  // CHECK: [-0.00404969,  -0.158655,  -0.154269,  0,  0.345731,  0.841345,  1.9545,  2.99595]
  %g0 = onnx.Gelu(%g) : (tensor<8xf32>) -> tensor<8xf32>
  call @show(%g0) : (tensor<8xf32>) -> ()
  // CHECK: [-0.003637{{[0-9]+}},  -0.158808,  -0.154286,  0,  0.345714,  0.841192,  1.9546,  2.99636]
  %g1 = onnx.Gelu(%g) {approximate = "tanh"} : (tensor<8xf32>) -> tensor<8xf32>
  call @show(%g1) : (tensor<8xf32>) -> ()
  // Erf itself.
  // CHECK: [-0.999978,  -0.842701,  -0.5205,  0,  0.5205,  0.842701,  0.995322,  0.999978]
  %e0 = onnx.Erf(%g) : (tensor<8xf32>) -> tensor<8xf32>
  call @show(%e0) : (tensor<8xf32>) -> ()

  // Sign, Sigmoid, LeakyRelu, Clip with both bounds and with only a max.
  // CHECK: [-1,  -1,  -1,  0,  1,  1,  1,  1]
  %s0 = onnx.Sign(%g) : (tensor<8xf32>) -> tensor<8xf32>
  call @show(%s0) : (tensor<8xf32>) -> ()
  // CHECK: [0.0474259,  0.268941,  0.377541,  0.5,  0.622459,  0.731059,  0.880797,  0.952574]
  %s1 = onnx.Sigmoid(%g) : (tensor<8xf32>) -> tensor<8xf32>
  call @show(%s1) : (tensor<8xf32>) -> ()
  // CHECK: [-0.3,  -0.1,  -0.05,  0,  0.5,  1,  2,  3]
  %s2 = onnx.LeakyRelu(%g) {alpha = 0.1 : f32} : (tensor<8xf32>) -> tensor<8xf32>
  call @show(%s2) : (tensor<8xf32>) -> ()
  %lo = arith.constant dense<-0.75> : tensor<f32>
  %hi = arith.constant dense<1.5> : tensor<f32>
  // CHECK: [-0.75,  -0.75,  -0.5,  0,  0.5,  1,  1.5,  1.5]
  %s3 = onnx.Clip(%g, %lo, %hi) : (tensor<8xf32>, tensor<f32>, tensor<f32>) -> tensor<8xf32>
  call @show(%s3) : (tensor<8xf32>) -> ()
  // CHECK: [-3,  -1,  -0.5,  0,  0.5,  1,  1.5,  1.5]
  %s4 = onnx.Clip(%g, %n, %hi) : (tensor<8xf32>, none, tensor<f32>) -> tensor<8xf32>
  call @show(%s4) : (tensor<8xf32>) -> ()

  // Where with a broadcast scalar; Pow with an integer exponent.
  // CHECK: [9,  1,  0.25,  0,  0.5,  1,  2,  3]
  %zero = arith.constant dense<0.0> : tensor<f32>
  %neg = onnx.Less(%g, %zero) : (tensor<8xf32>, tensor<f32>) -> tensor<8xi1>
  %two = arith.constant dense<2> : tensor<i64>
  %sq = onnx.Pow(%g, %two) : (tensor<8xf32>, tensor<i64>) -> tensor<8xf32>
  %w0 = onnx.Where(%neg, %sq, %g) : (tensor<8xi1>, tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  call @show(%w0) : (tensor<8xf32>) -> ()

  // f16 in, computed in f32: Exp then back.
  // CHECK: [0.0497742,  0.36792,  0.606445,  1,  1.64844,  2.71875,  7.39062,  20.0781]
  %h = onnx.Cast(%g) {to = 10 : i64} : (tensor<8xf32>) -> tensor<8xf16>
  %h0 = onnx.Exp(%h) : (tensor<8xf16>) -> tensor<8xf16>
  %h1 = onnx.Cast(%h0) {to = 1 : i64} : (tensor<8xf16>) -> tensor<8xf32>
  call @show(%h1) : (tensor<8xf32>) -> ()

  // Integer Div truncates; Max/Min/Mean variadic.
  // CHECK: [-3,  3,  -3,  3,  0,  2,  -2,  7]
  %i = arith.constant dense<[-7, 7, 7, -7, 1, 5, -5, 7]> : tensor<8xi32>
  %d = arith.constant dense<[2, 2, -2, -2, 3, 2, 2, 1]> : tensor<8xi32>
  %i0 = onnx.Div(%i, %d) : (tensor<8xi32>, tensor<8xi32>) -> tensor<8xi32>
  %i1 = tensor.cast %i0 : tensor<8xi32> to tensor<*xi32>
  call @printMemrefI32(%i1) : (tensor<*xi32>) -> ()
  // CHECK: [-1,  0,  0.25,  0.5,  0.75,  1,  2,  3]
  %one = arith.constant dense<1.0> : tensor<1xf32>
  %m0 = onnx.Max(%g, %one, %lo) : (tensor<8xf32>, tensor<1xf32>, tensor<f32>) -> tensor<8xf32>
  %m1 = onnx.Min(%m0, %g) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %m2 = onnx.Mean(%m0, %m1) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  call @show(%m2) : (tensor<8xf32>) -> ()
  return
}
