// RUN: bitnet-opt %s --convert-onnx-to-bitnet -split-input-file -verify-diagnostics | FileCheck %s

// BitNet's pre-non-linearity quantizer (lib/Conversion/OnnxToBitnet/
// PreNonlinearity.cpp, docs/bitlinear.md): eta = min x, (x - eta) * Qb /
// gamma clipped to [eps, Qb - eps]. Every function here has x [4, 3] and
// the binary weight B [K = 3, N = 2] = [[1, -1], [-1, -1], [1, 1]], so
// W~ [N, K] = [[1, -1, 1], [-1, -1, 1]] and rowsum(W~) = [1, -1].

// The paper's form as torch exports it: gamma = max |x| per tensor,
// (x - eta) * 128 / gamma (a product, then one division: `divide`), clip to
// [1e-5, 128 - 1e-5] without rounding, the straight-through add. Codes
// [0, 128] need i16; the graph's own float ops after the MatMul undo the
// shift, so the rescale is a constant and has no eta.
// CHECK-LABEL: func @paper_form
// CHECK-DAG: %[[T:.*]] = arith.constant dense<{{\[\[}}1, -1, 1], [-1, -1, 1]]> : tensor<2x3xi8>
// CHECK-DAG: %[[ONE:.*]] = arith.constant dense<1.000000e+00> : tensor<1x1xf32>
// CHECK: %[[Q:.*]], %{{.*}}, %{{.*}} = bitnet.quantize_activations %arg0 per_tensor {clip_max = 128 : i64, clip_min = 0 : i64, divide, eps = 9.99999974E-6 : f32, qmax = 1.280000e+02 : f32, shift} : tensor<4x3xf32> -> tensor<4x3xi16>, tensor<1x1xf32>, tensor<1x1xf32>
// CHECK: %[[ACC:.*]] = bitnet.ternary_matmul %[[Q]], %[[T]] : tensor<4x3xi16>, tensor<2x3xi8> -> tensor<4x2xi32>
// CHECK: bitnet.rescale %[[ACC]], %[[ONE]], %{{.*}} : tensor<4x2xi32>, tensor<1x1xf32>, tensor<1xf32> -> tensor<4x2xf32>
// CHECK-NOT: onnx.MatMul
func.func @paper_form(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<[[1.0, -1.0], [-1.0, -1.0], [1.0, 1.0]]> : tensor<3x2xf32>} : tensor<3x2xf32>
  %abs = onnx.Abs(%x) : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %m = onnx.ReduceMax(%abs, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %eps = onnx.Constant {value = dense<1.0e-5> : tensor<f32>} : tensor<f32>
  %g = onnx.Clip(%m, %eps, %none) : (tensor<f32>, tensor<f32>, none) -> tensor<f32>
  %eta = onnx.ReduceMin(%x, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %xc = onnx.Sub(%x, %eta) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %qb = onnx.Constant {value = dense<128.0> : tensor<f32>} : tensor<f32>
  %xq = onnx.Mul(%xc, %qb) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %xs = onnx.Div(%xq, %g) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %lo = onnx.Constant {value = dense<1.0e-5> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<127.99999> : tensor<f32>} : tensor<f32>
  %c = onnx.Clip(%xs, %lo, %hi) : (tensor<4x3xf32>, tensor<f32>, tensor<f32>) -> tensor<4x3xf32>
  %d = onnx.Sub(%c, %xs) : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %t = onnx.Add(%xs, %d) : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %y = onnx.MatMul(%t, %w) : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// gamma from the shifted activations, max |x - eta| (of the centred value
// itself): `shifted_absmax`. Clip bounds 0 and Qb exactly.
// CHECK-LABEL: func @gamma_of_shifted
// CHECK: bitnet.quantize_activations %arg0 per_tensor {clip_max = 128 : i64, clip_min = 0 : i64, divide, eps = 9.99999974E-6 : f32, qmax = 1.280000e+02 : f32, shift, shifted_absmax} : tensor<4x3xf32> -> tensor<4x3xi16>
// CHECK-NOT: onnx.MatMul
func.func @gamma_of_shifted(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<[[1.0, -1.0], [-1.0, -1.0], [1.0, 1.0]]> : tensor<3x2xf32>} : tensor<3x2xf32>
  %eta = onnx.ReduceMin(%x, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %xc = onnx.Sub(%x, %eta) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %abs = onnx.Abs(%xc) : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %m = onnx.ReduceMax(%abs, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %eps = onnx.Constant {value = dense<1.0e-5> : tensor<f32>} : tensor<f32>
  %g = onnx.Clip(%m, %eps, %none) : (tensor<f32>, tensor<f32>, none) -> tensor<f32>
  %qb = onnx.Constant {value = dense<128.0> : tensor<f32>} : tensor<f32>
  %xq = onnx.Mul(%qb, %xc) : (tensor<f32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %xs = onnx.Div(%xq, %g) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %lo = onnx.Constant {value = dense<0.0> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<128.0> : tensor<f32>} : tensor<f32>
  %c = onnx.Clip(%xs, %lo, %hi) : (tensor<4x3xf32>, tensor<f32>, tensor<f32>) -> tensor<4x3xf32>
  %y = onnx.MatMul(%c, %w) : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Per token, gamma = max |x - eta| of a second Sub of the same operands,
// the scale as Mul(c, S) with S = Div(Q, Max(m, eps)) (no `divide`), clip
// bounds inside [0, Q] by a quarter step: codes [roundeven(0.25) = 0,
// roundeven(127.75) = 128].
// CHECK-LABEL: func @per_token_scale
// CHECK: bitnet.quantize_activations %arg0 per_token {clip_max = 128 : i64, clip_min = 0 : i64, eps = 9.99999974E-6 : f32, qmax = 1.280000e+02 : f32, shift, shifted_absmax} : tensor<4x3xf32> -> tensor<4x3xi16>, tensor<4x1xf32>, tensor<4x1xf32>
// CHECK-NOT: onnx.MatMul
func.func @per_token_scale(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %w = onnx.Constant {value = dense<[[1.0, -1.0], [-1.0, -1.0], [1.0, 1.0]]> : tensor<3x2xf32>} : tensor<3x2xf32>
  %axes = onnx.Constant {value = dense<[-1]> : tensor<1xi64>} : tensor<1xi64>
  %eta = onnx.ReduceMin(%x, %axes) {keepdims = 1 : i64} : (tensor<4x3xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  %xc = onnx.Sub(%x, %eta) : (tensor<4x3xf32>, tensor<4x1xf32>) -> tensor<4x3xf32>
  %xc2 = onnx.Sub(%x, %eta) : (tensor<4x3xf32>, tensor<4x1xf32>) -> tensor<4x3xf32>
  %abs = onnx.Abs(%xc2) : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %m = onnx.ReduceMax(%abs, %axes) {keepdims = 1 : i64} : (tensor<4x3xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  %eps = onnx.Constant {value = dense<1.0e-5> : tensor<f32>} : tensor<f32>
  %g = "onnx.Max"(%m, %eps) : (tensor<4x1xf32>, tensor<f32>) -> tensor<4x1xf32>
  %qb = onnx.Constant {value = dense<128.0> : tensor<f32>} : tensor<f32>
  %s = onnx.Div(%qb, %g) : (tensor<f32>, tensor<4x1xf32>) -> tensor<4x1xf32>
  %xs = onnx.Mul(%xc, %s) : (tensor<4x3xf32>, tensor<4x1xf32>) -> tensor<4x3xf32>
  %lo = onnx.Constant {value = dense<0.25> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<127.75> : tensor<f32>} : tensor<f32>
  %c = onnx.Clip(%xs, %lo, %hi) : (tensor<4x3xf32>, tensor<f32>, tensor<f32>) -> tensor<4x3xf32>
  %y = onnx.MatMul(%c, %w) : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// The scale as Mul(Reciprocal(g), Q) (`reciprocal`), gamma = max |x|, and
// Round after the clip: the graph's own integers.
// CHECK-LABEL: func @round_after_clip
// CHECK: bitnet.quantize_activations %arg0 per_tensor {clip_max = 128 : i64, clip_min = 0 : i64, eps = 9.99999974E-6 : f32, qmax = 1.280000e+02 : f32, reciprocal, shift} : tensor<4x3xf32> -> tensor<4x3xi16>
// CHECK-NOT: onnx.MatMul
func.func @round_after_clip(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<[[1.0, -1.0], [-1.0, -1.0], [1.0, 1.0]]> : tensor<3x2xf32>} : tensor<3x2xf32>
  %abs = onnx.Abs(%x) : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %m = onnx.ReduceMax(%abs, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %eps = onnx.Constant {value = dense<1.0e-5> : tensor<f32>} : tensor<f32>
  %g = onnx.Clip(%m, %eps, %none) : (tensor<f32>, tensor<f32>, none) -> tensor<f32>
  %r = onnx.Reciprocal(%g) : (tensor<f32>) -> tensor<f32>
  %qb = onnx.Constant {value = dense<128.0> : tensor<f32>} : tensor<f32>
  %s = onnx.Mul(%r, %qb) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %eta = onnx.ReduceMin(%x, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %xc = onnx.Sub(%x, %eta) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %xs = onnx.Mul(%s, %xc) : (tensor<f32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %lo = onnx.Constant {value = dense<1.0e-5> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<127.99999> : tensor<f32>} : tensor<f32>
  %c = onnx.Clip(%xs, %lo, %hi) : (tensor<4x3xf32>, tensor<f32>, tensor<f32>) -> tensor<4x3xf32>
  %t = onnx.Round(%c) : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %y = onnx.MatMul(%t, %w) : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Round before the clip, clip to [0, 64] for Q = 64: codes fit int8.
// CHECK-LABEL: func @round_before_clip
// CHECK: bitnet.quantize_activations %arg0 per_tensor {clip_max = 64 : i64, clip_min = 0 : i64, divide, eps = 9.99999974E-6 : f32, qmax = 6.400000e+01 : f32, shift} : tensor<4x3xf32> -> tensor<4x3xi8>
// CHECK: bitnet.ternary_matmul %{{.*}}, %{{.*}} : tensor<4x3xi8>, tensor<2x3xi8> -> tensor<4x2xi32>
// CHECK-NOT: onnx.MatMul
func.func @round_before_clip(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<[[1.0, -1.0], [-1.0, -1.0], [1.0, 1.0]]> : tensor<3x2xf32>} : tensor<3x2xf32>
  %abs = onnx.Abs(%x) : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %m = onnx.ReduceMax(%abs, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %eps = onnx.Constant {value = dense<1.0e-5> : tensor<f32>} : tensor<f32>
  %g = onnx.Clip(%m, %eps, %none) : (tensor<f32>, tensor<f32>, none) -> tensor<f32>
  %eta = onnx.ReduceMin(%x, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %xc = onnx.Sub(%x, %eta) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %q = onnx.Constant {value = dense<64.0> : tensor<f32>} : tensor<f32>
  %xq = onnx.Mul(%xc, %q) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %xs = onnx.Div(%xq, %g) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %r = onnx.Round(%xs) : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %lo = onnx.Constant {value = dense<0.0> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<64.0> : tensor<f32>} : tensor<f32>
  %c = onnx.Clip(%r, %lo, %hi) : (tensor<4x3xf32>, tensor<f32>, tensor<f32>) -> tensor<4x3xf32>
  %y = onnx.MatMul(%c, %w) : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// The eta correction before the MatMul, W~(t gamma / Qb + eta): the MatMul
// sees t * gamma / 128 + eta, so the rescale divides by the quantizer's
// scale and adds eta * ws * rowsum(W~), rowsum = [1, -1].
// CHECK-LABEL: func @eta_before_matmul
// CHECK-DAG: %[[ROWSUM:.*]] = arith.constant dense<[1, -1]> : tensor<2xi32>
// CHECK-DAG: %[[WS:.*]] = arith.constant dense<1.000000e+00> : tensor<1xf32>
// CHECK: %[[Q:.*]], %[[S:.*]], %[[ETA:.*]] = bitnet.quantize_activations %arg0 per_tensor {clip_max = 128 : i64, clip_min = 0 : i64, divide, eps = 9.99999974E-6 : f32, qmax = 1.280000e+02 : f32, shift, shifted_absmax}
// CHECK: %[[ACC:.*]] = bitnet.ternary_matmul %[[Q]]
// CHECK: bitnet.rescale %[[ACC]], %[[S]], %[[WS]] shift %[[ETA]], %[[ROWSUM]] : tensor<4x2xi32>, tensor<1x1xf32>, tensor<1xf32> shift(tensor<1x1xf32>, tensor<2xi32>) -> tensor<4x2xf32>
// CHECK-NOT: onnx.MatMul
func.func @eta_before_matmul(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<[[1.0, -1.0], [-1.0, -1.0], [1.0, 1.0]]> : tensor<3x2xf32>} : tensor<3x2xf32>
  %eta = onnx.ReduceMin(%x, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %xc = onnx.Sub(%x, %eta) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %abs = onnx.Abs(%xc) : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %m = onnx.ReduceMax(%abs, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %eps = onnx.Constant {value = dense<1.0e-5> : tensor<f32>} : tensor<f32>
  %g = onnx.Clip(%m, %eps, %none) : (tensor<f32>, tensor<f32>, none) -> tensor<f32>
  %qb = onnx.Constant {value = dense<128.0> : tensor<f32>} : tensor<f32>
  %xq = onnx.Mul(%xc, %qb) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %xs = onnx.Div(%xq, %g) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %lo = onnx.Constant {value = dense<1.0e-5> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<127.99999> : tensor<f32>} : tensor<f32>
  %c = onnx.Clip(%xs, %lo, %hi) : (tensor<4x3xf32>, tensor<f32>, tensor<f32>) -> tensor<4x3xf32>
  %d = onnx.Sub(%c, %xs) : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %t = onnx.Add(%xs, %d) : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %tg = onnx.Mul(%t, %g) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %dq = onnx.Div(%tg, %qb) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %a = onnx.Add(%dq, %eta) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %y = onnx.MatMul(%a, %w) : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// The eta correction before the MatMul with the dequantization t / S (S the
// quantizer's own Q / g), eta added first; per token; Gemm with transB.
// CHECK-LABEL: func @eta_before_gemm
// CHECK: %[[Q:.*]], %[[S:.*]], %[[ETA:.*]] = bitnet.quantize_activations %arg0 per_token {clip_max = 128 : i64, clip_min = 0 : i64, eps = 9.99999974E-6 : f32, qmax = 1.280000e+02 : f32, shift}
// CHECK: bitnet.rescale %{{.*}}, %[[S]], %{{.*}} shift %[[ETA]], %{{.*}} : tensor<4x2xi32>, tensor<4x1xf32>, tensor<1xf32> shift(tensor<4x1xf32>, tensor<2xi32>) -> tensor<4x2xf32>
// CHECK-NOT: onnx.Gemm
func.func @eta_before_gemm(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<[[1.0, -1.0, 1.0], [-1.0, -1.0, 1.0]]> : tensor<2x3xf32>} : tensor<2x3xf32>
  %axes = onnx.Constant {value = dense<[-1]> : tensor<1xi64>} : tensor<1xi64>
  %abs = onnx.Abs(%x) : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %m = onnx.ReduceMax(%abs, %axes) {keepdims = 1 : i64} : (tensor<4x3xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  %eps = onnx.Constant {value = dense<1.0e-5> : tensor<f32>} : tensor<f32>
  %g = onnx.Clip(%m, %eps, %none) : (tensor<4x1xf32>, tensor<f32>, none) -> tensor<4x1xf32>
  %qb = onnx.Constant {value = dense<128.0> : tensor<f32>} : tensor<f32>
  %s = onnx.Div(%qb, %g) : (tensor<f32>, tensor<4x1xf32>) -> tensor<4x1xf32>
  %eta = onnx.ReduceMin(%x, %axes) {keepdims = 1 : i64} : (tensor<4x3xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  %xc = onnx.Sub(%x, %eta) : (tensor<4x3xf32>, tensor<4x1xf32>) -> tensor<4x3xf32>
  %xs = onnx.Mul(%xc, %s) : (tensor<4x3xf32>, tensor<4x1xf32>) -> tensor<4x3xf32>
  %lo = onnx.Constant {value = dense<0.0> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<127.99999> : tensor<f32>} : tensor<f32>
  %c = onnx.Clip(%xs, %lo, %hi) : (tensor<4x3xf32>, tensor<f32>, tensor<f32>) -> tensor<4x3xf32>
  %dq = onnx.Div(%c, %s) : (tensor<4x3xf32>, tensor<4x1xf32>) -> tensor<4x3xf32>
  %a = onnx.Add(%eta, %dq) : (tensor<4x1xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %y = onnx.Gemm(%a, %w, %none) {transB = 1 : i64} : (tensor<4x3xf32>, tensor<2x3xf32>, none) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Near miss: a lower clip bound below 0.
func.func @lower_bound_negative(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<[[1.0, -1.0], [-1.0, -1.0], [1.0, 1.0]]> : tensor<3x2xf32>} : tensor<3x2xf32>
  %abs = onnx.Abs(%x) : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %m = onnx.ReduceMax(%abs, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %eta = onnx.ReduceMin(%x, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %xc = onnx.Sub(%x, %eta) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %qb = onnx.Constant {value = dense<128.0> : tensor<f32>} : tensor<f32>
  %xq = onnx.Mul(%xc, %qb) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %xs = onnx.Div(%xq, %m) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %lo = onnx.Constant {value = dense<-1.0> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<128.0> : tensor<f32>} : tensor<f32>
  %c = onnx.Clip(%xs, %lo, %hi) : (tensor<4x3xf32>, tensor<f32>, tensor<f32>) -> tensor<4x3xf32>
  // expected-remark @+1 {{kept on the float path: the shifted activation clip range is not [0 .. 1/2, Q - 1/2 .. Q] for the scale's Q}}
  %y = onnx.MatMul(%c, %w) : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Near miss: a lower clip bound a whole step above 0.
func.func @lower_bound_one(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<[[1.0, -1.0], [-1.0, -1.0], [1.0, 1.0]]> : tensor<3x2xf32>} : tensor<3x2xf32>
  %abs = onnx.Abs(%x) : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %m = onnx.ReduceMax(%abs, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %eta = onnx.ReduceMin(%x, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %xc = onnx.Sub(%x, %eta) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %qb = onnx.Constant {value = dense<128.0> : tensor<f32>} : tensor<f32>
  %xq = onnx.Mul(%xc, %qb) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %xs = onnx.Div(%xq, %m) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %lo = onnx.Constant {value = dense<1.0> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<128.0> : tensor<f32>} : tensor<f32>
  %c = onnx.Clip(%xs, %lo, %hi) : (tensor<4x3xf32>, tensor<f32>, tensor<f32>) -> tensor<4x3xf32>
  // expected-remark @+1 {{kept on the float path: the shifted activation clip range is not [0 .. 1/2, Q - 1/2 .. Q] for the scale's Q}}
  %y = onnx.MatMul(%c, %w) : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Near miss: an upper clip bound above Q (the codes would not be the
// graph's range).
func.func @upper_bound_above(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<[[1.0, -1.0], [-1.0, -1.0], [1.0, 1.0]]> : tensor<3x2xf32>} : tensor<3x2xf32>
  %abs = onnx.Abs(%x) : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %m = onnx.ReduceMax(%abs, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %eta = onnx.ReduceMin(%x, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %xc = onnx.Sub(%x, %eta) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %qb = onnx.Constant {value = dense<128.0> : tensor<f32>} : tensor<f32>
  %xq = onnx.Mul(%xc, %qb) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %xs = onnx.Div(%xq, %m) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %lo = onnx.Constant {value = dense<0.0> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<129.0> : tensor<f32>} : tensor<f32>
  %c = onnx.Clip(%xs, %lo, %hi) : (tensor<4x3xf32>, tensor<f32>, tensor<f32>) -> tensor<4x3xf32>
  // expected-remark @+1 {{kept on the float path: the shifted activation clip range is not [0 .. 1/2, Q - 1/2 .. Q] for the scale's Q}}
  %y = onnx.MatMul(%c, %w) : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Near miss: an upper clip bound a whole step below Q (127 for Q = 128).
func.func @upper_bound_below(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<[[1.0, -1.0], [-1.0, -1.0], [1.0, 1.0]]> : tensor<3x2xf32>} : tensor<3x2xf32>
  %abs = onnx.Abs(%x) : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %m = onnx.ReduceMax(%abs, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %eta = onnx.ReduceMin(%x, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %xc = onnx.Sub(%x, %eta) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %qb = onnx.Constant {value = dense<128.0> : tensor<f32>} : tensor<f32>
  %xq = onnx.Mul(%xc, %qb) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %xs = onnx.Div(%xq, %m) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %lo = onnx.Constant {value = dense<0.0> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<127.0> : tensor<f32>} : tensor<f32>
  %c = onnx.Clip(%xs, %lo, %hi) : (tensor<4x3xf32>, tensor<f32>, tensor<f32>) -> tensor<4x3xf32>
  // expected-remark @+1 {{kept on the float path: the shifted activation clip range is not [0 .. 1/2, Q - 1/2 .. Q] for the scale's Q}}
  %y = onnx.MatMul(%c, %w) : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Near miss: the shift subtracts the min over other axes than gamma's.
func.func @eta_over_other_axes(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<[[1.0, -1.0], [-1.0, -1.0], [1.0, 1.0]]> : tensor<3x2xf32>} : tensor<3x2xf32>
  %abs = onnx.Abs(%x) : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %m = onnx.ReduceMax(%abs, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %axes = onnx.Constant {value = dense<[-1]> : tensor<1xi64>} : tensor<1xi64>
  %eta = onnx.ReduceMin(%x, %axes) {keepdims = 1 : i64} : (tensor<4x3xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  %xc = onnx.Sub(%x, %eta) : (tensor<4x3xf32>, tensor<4x1xf32>) -> tensor<4x3xf32>
  %qb = onnx.Constant {value = dense<128.0> : tensor<f32>} : tensor<f32>
  %xq = onnx.Mul(%xc, %qb) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %xs = onnx.Div(%xq, %m) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %lo = onnx.Constant {value = dense<1.0e-5> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<127.99999> : tensor<f32>} : tensor<f32>
  %c = onnx.Clip(%xs, %lo, %hi) : (tensor<4x3xf32>, tensor<f32>, tensor<f32>) -> tensor<4x3xf32>
  // expected-remark @+1 {{kept on the float path: eta = min(x) is taken over other axes than gamma}}
  %y = onnx.MatMul(%c, %w) : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Near miss: eta is the min of another value than the one shifted.
func.func @eta_of_other_value(%x: tensor<4x3xf32>, %z: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<[[1.0, -1.0], [-1.0, -1.0], [1.0, 1.0]]> : tensor<3x2xf32>} : tensor<3x2xf32>
  %abs = onnx.Abs(%x) : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %m = onnx.ReduceMax(%abs, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %eta = onnx.ReduceMin(%z, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %xc = onnx.Sub(%x, %eta) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %qb = onnx.Constant {value = dense<128.0> : tensor<f32>} : tensor<f32>
  %xq = onnx.Mul(%xc, %qb) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %xs = onnx.Div(%xq, %m) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %lo = onnx.Constant {value = dense<0.0> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<128.0> : tensor<f32>} : tensor<f32>
  %c = onnx.Clip(%xs, %lo, %hi) : (tensor<4x3xf32>, tensor<f32>, tensor<f32>) -> tensor<4x3xf32>
  // expected-remark @+1 {{kept on the float path: the shift is not eta = min(x) of the shifted x over the last axis (per token) or all axes (per tensor)}}
  %y = onnx.MatMul(%c, %w) : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Near miss: gamma is the absmax of x shifted by another eta (per token)
// than the one the quantizer subtracts (per tensor).
func.func @gamma_of_other_shift(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<[[1.0, -1.0], [-1.0, -1.0], [1.0, 1.0]]> : tensor<3x2xf32>} : tensor<3x2xf32>
  %axes = onnx.Constant {value = dense<[-1]> : tensor<1xi64>} : tensor<1xi64>
  %eta2 = onnx.ReduceMin(%x, %axes) {keepdims = 1 : i64} : (tensor<4x3xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  %xc2 = onnx.Sub(%x, %eta2) : (tensor<4x3xf32>, tensor<4x1xf32>) -> tensor<4x3xf32>
  %abs = onnx.Abs(%xc2) : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %m = onnx.ReduceMax(%abs, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %eta = onnx.ReduceMin(%x, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %xc = onnx.Sub(%x, %eta) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %qb = onnx.Constant {value = dense<128.0> : tensor<f32>} : tensor<f32>
  %xq = onnx.Mul(%xc, %qb) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %xs = onnx.Div(%xq, %m) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %lo = onnx.Constant {value = dense<0.0> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<128.0> : tensor<f32>} : tensor<f32>
  %c = onnx.Clip(%xs, %lo, %hi) : (tensor<4x3xf32>, tensor<f32>, tensor<f32>) -> tensor<4x3xf32>
  // expected-remark @+1 {{kept on the float path: gamma is the absmax neither of x nor of x - eta}}
  %y = onnx.MatMul(%c, %w) : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Near miss: the dequantization before the MatMul divides by 127, not the
// quantizer's 128.
func.func @eta_before_matmul_other_q(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<[[1.0, -1.0], [-1.0, -1.0], [1.0, 1.0]]> : tensor<3x2xf32>} : tensor<3x2xf32>
  %abs = onnx.Abs(%x) : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %m = onnx.ReduceMax(%abs, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %eta = onnx.ReduceMin(%x, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %xc = onnx.Sub(%x, %eta) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %qb = onnx.Constant {value = dense<128.0> : tensor<f32>} : tensor<f32>
  %xq = onnx.Mul(%xc, %qb) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %xs = onnx.Div(%xq, %m) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %lo = onnx.Constant {value = dense<0.0> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<128.0> : tensor<f32>} : tensor<f32>
  %c = onnx.Clip(%xs, %lo, %hi) : (tensor<4x3xf32>, tensor<f32>, tensor<f32>) -> tensor<4x3xf32>
  %q127 = onnx.Constant {value = dense<127.0> : tensor<f32>} : tensor<f32>
  %tg = onnx.Mul(%c, %m) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %dq = onnx.Div(%tg, %q127) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %a = onnx.Add(%dq, %eta) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  // expected-remark @+1 {{kept on the float path: the dequantization before the MatMul is not t * gamma / Q or t / S for the quantizer's gamma and Q}}
  %y = onnx.MatMul(%a, %w) : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Near miss: what is added back before the MatMul is not the eta that was
// subtracted (a per-token min where the shift is per tensor).
func.func @eta_before_matmul_other_eta(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<[[1.0, -1.0], [-1.0, -1.0], [1.0, 1.0]]> : tensor<3x2xf32>} : tensor<3x2xf32>
  %abs = onnx.Abs(%x) : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %m = onnx.ReduceMax(%abs, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %eta = onnx.ReduceMin(%x, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %axes = onnx.Constant {value = dense<[-1]> : tensor<1xi64>} : tensor<1xi64>
  %eta2 = onnx.ReduceMin(%x, %axes) {keepdims = 1 : i64} : (tensor<4x3xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  %xc = onnx.Sub(%x, %eta) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %qb = onnx.Constant {value = dense<128.0> : tensor<f32>} : tensor<f32>
  %xq = onnx.Mul(%xc, %qb) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %xs = onnx.Div(%xq, %m) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %lo = onnx.Constant {value = dense<0.0> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<128.0> : tensor<f32>} : tensor<f32>
  %c = onnx.Clip(%xs, %lo, %hi) : (tensor<4x3xf32>, tensor<f32>, tensor<f32>) -> tensor<4x3xf32>
  %tg = onnx.Mul(%c, %m) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %dq = onnx.Div(%tg, %qb) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %a = onnx.Add(%dq, %eta2) : (tensor<4x3xf32>, tensor<4x1xf32>) -> tensor<4x3xf32>
  // expected-remark @+1 {{kept on the float path: the value added back before the MatMul is not the eta subtracted}}
  %y = onnx.MatMul(%a, %w) : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Near miss: Floor in place of Round is not a shifted quantizer form; it
// still looks quantized, so it stays float (not weight-only).
func.func @floor_after_clip(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<[[1.0, -1.0], [-1.0, -1.0], [1.0, 1.0]]> : tensor<3x2xf32>} : tensor<3x2xf32>
  %abs = onnx.Abs(%x) : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %m = onnx.ReduceMax(%abs, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %eta = onnx.ReduceMin(%x, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %xc = onnx.Sub(%x, %eta) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %qb = onnx.Constant {value = dense<128.0> : tensor<f32>} : tensor<f32>
  %xq = onnx.Mul(%xc, %qb) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %xs = onnx.Div(%xq, %m) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %lo = onnx.Constant {value = dense<0.0> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<128.0> : tensor<f32>} : tensor<f32>
  %c = onnx.Clip(%xs, %lo, %hi) : (tensor<4x3xf32>, tensor<f32>, tensor<f32>) -> tensor<4x3xf32>
  %f = onnx.Floor(%c) : (tensor<4x3xf32>) -> tensor<4x3xf32>
  // expected-remark @+1 {{kept on the float path: the activation is not quantized}}
  %y = onnx.MatMul(%f, %w) : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Near miss: Q = 40000 needs codes past int16.
func.func @codes_past_int16(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<[[1.0, -1.0], [-1.0, -1.0], [1.0, 1.0]]> : tensor<3x2xf32>} : tensor<3x2xf32>
  %abs = onnx.Abs(%x) : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %m = onnx.ReduceMax(%abs, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %eta = onnx.ReduceMin(%x, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %xc = onnx.Sub(%x, %eta) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %q = onnx.Constant {value = dense<40000.0> : tensor<f32>} : tensor<f32>
  %xq = onnx.Mul(%xc, %q) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %xs = onnx.Div(%xq, %m) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %lo = onnx.Constant {value = dense<0.0> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<40000.0> : tensor<f32>} : tensor<f32>
  %c = onnx.Clip(%xs, %lo, %hi) : (tensor<4x3xf32>, tensor<f32>, tensor<f32>) -> tensor<4x3xf32>
  // expected-remark @+1 {{kept on the float path: the shifted activation codes [0, 40000] exceed int16}}
  %y = onnx.MatMul(%c, %w) : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Near miss: i16 codes and K = 65536 terms could overflow the int32 sums.
func.func @i16_reduction_too_long(%x: tensor<1x65536xf32>) -> tensor<1x1xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<1.0> : tensor<65536x1xf32>} : tensor<65536x1xf32>
  %abs = onnx.Abs(%x) : (tensor<1x65536xf32>) -> tensor<1x65536xf32>
  %m = onnx.ReduceMax(%abs, %none) {keepdims = 0 : i64} : (tensor<1x65536xf32>, none) -> tensor<f32>
  %eta = onnx.ReduceMin(%x, %none) {keepdims = 0 : i64} : (tensor<1x65536xf32>, none) -> tensor<f32>
  %xc = onnx.Sub(%x, %eta) : (tensor<1x65536xf32>, tensor<f32>) -> tensor<1x65536xf32>
  %qb = onnx.Constant {value = dense<128.0> : tensor<f32>} : tensor<f32>
  %xq = onnx.Mul(%xc, %qb) : (tensor<1x65536xf32>, tensor<f32>) -> tensor<1x65536xf32>
  %xs = onnx.Div(%xq, %m) : (tensor<1x65536xf32>, tensor<f32>) -> tensor<1x65536xf32>
  %lo = onnx.Constant {value = dense<0.0> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<128.0> : tensor<f32>} : tensor<f32>
  %c = onnx.Clip(%xs, %lo, %hi) : (tensor<1x65536xf32>, tensor<f32>, tensor<f32>) -> tensor<1x65536xf32>
  // expected-remark @+1 {{kept on the float path: the activation codes need i16 and the reduction length K = 65536 exceeds 65535, the most whose sums int32 holds}}
  %y = onnx.MatMul(%c, %w) : (tensor<1x65536xf32>, tensor<65536x1xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}
