// RUN: bitnet-opt %s --convert-onnx-to-bitnet -split-input-file -verify-diagnostics | FileCheck %s

// BitNet b1.58 as PyTorch exports it (after onnx-fold-constants): per-token
// absmax with Reciprocal * 127, Round, Clip to [-128, 127], Div by the same
// scale, the straight-through add, and Gemm with transB and a bias.
// CHECK-LABEL: func @b158_gemm
// CHECK-DAG: %[[T:.*]] = arith.constant dense<{{\[\[}}1, -1, 0, 1], [0, 0, -1, 1]]> : tensor<2x4xi8>
// CHECK-DAG: %[[WS:.*]] = arith.constant dense<5.000000e-01> : tensor<1xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK: %[[Q:.*]], %[[S:.*]] = bitnet.quantize_activations %arg0 per_token {clip_max = 127 : i64, clip_min = -128 : i64, eps = 9.99999974E-6 : f32, qmax = 1.270000e+02 : f32, reciprocal} : tensor<3x4xf32> -> tensor<3x4xi8>, tensor<3x1xf32>
// CHECK: %[[ACC:.*]] = bitnet.ternary_matmul %[[Q]], %[[T]] : tensor<3x4xi8>, tensor<2x4xi8> -> tensor<3x2xi32>
// CHECK: %[[Y:.*]] = bitnet.rescale %[[ACC]], %[[S]], %[[WS]] bias %[[B]]
// CHECK-NOT: onnx.Gemm
// CHECK: return %[[Y]]
func.func @b158_gemm(%x: tensor<3x4xf32>) -> tensor<3x2xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<[[0.5, -0.5, 0.0, 0.5], [0.0, 0.0, -0.5, 0.5]]> : tensor<2x4xf32>} : tensor<2x4xf32>
  %b = onnx.Constant {value = dense<[1.0, 2.0]> : tensor<2xf32>} : tensor<2xf32>
  %abs = onnx.Abs(%x) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  %axes = onnx.Constant {value = dense<[-1]> : tensor<1xi64>} : tensor<1xi64>
  %m = onnx.ReduceMax(%abs, %axes) {keepdims = 1 : i64} : (tensor<3x4xf32>, tensor<1xi64>) -> tensor<3x1xf32>
  %eps = onnx.Constant {value = dense<1.0e-5> : tensor<f32>} : tensor<f32>
  %g = onnx.Clip(%m, %eps, %none) : (tensor<3x1xf32>, tensor<f32>, none) -> tensor<3x1xf32>
  %r = onnx.Reciprocal(%g) : (tensor<3x1xf32>) -> tensor<3x1xf32>
  %qmax = onnx.Constant {value = dense<127.0> : tensor<f32>} : tensor<f32>
  %s = onnx.Mul(%r, %qmax) : (tensor<3x1xf32>, tensor<f32>) -> tensor<3x1xf32>
  %xs = onnx.Mul(%x, %s) : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  %round = onnx.Round(%xs) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  %lo = onnx.Constant {value = dense<-128.0> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<127.0> : tensor<f32>} : tensor<f32>
  %c = onnx.Clip(%round, %lo, %hi) : (tensor<3x4xf32>, tensor<f32>, tensor<f32>) -> tensor<3x4xf32>
  %dq = onnx.Div(%c, %s) : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  %d = onnx.Sub(%dq, %x) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  %a = onnx.Add(%x, %d) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  %y = onnx.Gemm(%a, %w, %b) {transB = 1 : i64} : (tensor<3x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// BitNet W1: per-tensor absmax, x * 128 / gamma clipped to +-(128 - eps)
// without rounding, binarized weights in MatMul's [K, N] layout. The MatMul
// input is q on the graph's own 128 grid, so the rescale is a constant.
// CHECK-LABEL: func @w1_matmul
// CHECK-DAG: %[[T:.*]] = arith.constant dense<{{\[\[}}1, -1, 1], [-1, -1, 1]]> : tensor<2x3xi8>
// CHECK-DAG: %[[ONE:.*]] = arith.constant dense<1.000000e+00> : tensor<1x1xf32>
// CHECK-DAG: %[[WS:.*]] = arith.constant dense<1.000000e+00> : tensor<1xf32>
// CHECK: %[[Q:.*]], %{{.*}} = bitnet.quantize_activations %arg0 per_tensor {clip_max = 127 : i64, clip_min = -128 : i64, eps = 9.99999974E-6 : f32, qmax = 1.280000e+02 : f32} : tensor<4x3xf32> -> tensor<4x3xi8>, tensor<1x1xf32>
// CHECK: %[[ACC:.*]] = bitnet.ternary_matmul %[[Q]], %[[T]]
// CHECK: bitnet.rescale %[[ACC]], %[[ONE]], %[[WS]] : tensor<4x2xi32>, tensor<1x1xf32>, tensor<1xf32> -> tensor<4x2xf32>
func.func @w1_matmul(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<[[1.0, -1.0], [-1.0, -1.0], [1.0, 1.0]]> : tensor<3x2xf32>} : tensor<3x2xf32>
  %abs = onnx.Abs(%x) : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %m = onnx.ReduceMax(%abs, %none) {keepdims = 0 : i64} : (tensor<4x3xf32>, none) -> tensor<f32>
  %eps = onnx.Constant {value = dense<1.0e-5> : tensor<f32>} : tensor<f32>
  %g = onnx.Clip(%m, %eps, %none) : (tensor<f32>, tensor<f32>, none) -> tensor<f32>
  %qb = onnx.Constant {value = dense<128.0> : tensor<f32>} : tensor<f32>
  %xq = onnx.Mul(%x, %qb) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %xs = onnx.Div(%xq, %g) : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %lo = onnx.Constant {value = dense<-127.99999> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<127.99999> : tensor<f32>} : tensor<f32>
  %c = onnx.Clip(%xs, %lo, %hi) : (tensor<4x3xf32>, tensor<f32>, tensor<f32>) -> tensor<4x3xf32>
  %d = onnx.Sub(%c, %xs) : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %a = onnx.Add(%xs, %d) : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %y = onnx.MatMul(%a, %w) : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Near miss: weights with three magnitudes are not ternary.
func.func @not_ternary(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = onnx.Constant {value = dense<[[0.5, 0.25], [0.5, -0.5]]> : tensor<2x2xf32>} : tensor<2x2xf32>
  // expected-remark @+1 {{node '<unnamed>' (MatMul): kept on the float path: weights are not ternary}}
  %y = onnx.MatMul(%x, %w) : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Weight-only ternary: the graph does not quantize activations, so none is
// invented; the float activations are added and subtracted.
// CHECK-LABEL: func @float_activations
// CHECK-DAG: %[[T:.*]] = arith.constant dense<{{\[\[}}1, 1], [0, -1]]> : tensor<2x2xi8>
// CHECK-DAG: %[[WS:.*]] = arith.constant dense<5.000000e-01> : tensor<1xf32>
// CHECK-NOT: quantize_activations
// CHECK: %[[ACC:.*]] = bitnet.ternary_matmul %arg0, %[[T]] : tensor<1x2xf32>, tensor<2x2xi8> -> tensor<1x2xf32>
// CHECK: bitnet.weight_rescale %[[ACC]], %[[WS]] : tensor<1x2xf32>, tensor<1xf32> -> tensor<1x2xf32>
func.func @float_activations(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = onnx.Constant {value = dense<[[0.5, 0.0], [0.5, -0.5]]> : tensor<2x2xf32>} : tensor<2x2xf32>
  %y = onnx.MatMul(%x, %w) : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Already-quantized weights with one scale per output row ({-s_n, 0, +s_n},
// Gemm layout [N, K]) and a bias: weight-only ternary with a [N] scale.
// CHECK-LABEL: func @row_scales_gemm
// CHECK-DAG: %[[T:.*]] = arith.constant dense<{{\[\[}}1, 0, -1], [-1, -1, 1]]> : tensor<2x3xi8>
// CHECK-DAG: %[[WS:.*]] = arith.constant dense<[5.000000e-01, 2.000000e+00]> : tensor<2xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[1.000000e+00, -1.000000e+00]> : tensor<2xf32>
// CHECK: %[[ACC:.*]] = bitnet.ternary_matmul %arg0, %[[T]]
// CHECK: bitnet.weight_rescale %[[ACC]], %[[WS]] bias %[[B]]
func.func @row_scales_gemm(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %w = onnx.Constant {value = dense<[[0.5, 0.0, -0.5], [-2.0, -2.0, 2.0]]> : tensor<2x3xf32>} : tensor<2x3xf32>
  %b = onnx.Constant {value = dense<[1.0, -1.0]> : tensor<2xf32>} : tensor<2xf32>
  %y = onnx.Gemm(%x, %w, %b) {transB = 1 : i64} : (tensor<4x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Near miss: a row with two magnitudes is neither per-tensor nor per-row
// ternary.
func.func @row_not_ternary(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = onnx.Constant {value = dense<[[0.5, 2.0], [0.25, 2.0]]> : tensor<2x2xf32>} : tensor<2x2xf32>
  // expected-remark @+1 {{kept on the float path: weights are not ternary: values 2.000000e+00 and 5.000000e-01 differ in magnitude (nor is each output row {-s, 0, +s}: values 5.000000e-01 and 2.500000e-01 differ in magnitude within output row 0)}}
  %y = onnx.MatMul(%x, %w) : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Near miss: Floor in place of Round looks like a quantizer but is not the
// b1.58 one; it stays float (not weight-only, which would hide the miss).
func.func @floor_not_round(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = onnx.Constant {value = dense<[[0.5, 0.0], [0.5, -0.5]]> : tensor<2x2xf32>} : tensor<2x2xf32>
  %abs = onnx.Abs(%x) : (tensor<1x2xf32>) -> tensor<1x2xf32>
  %axes = onnx.Constant {value = dense<[-1]> : tensor<1xi64>} : tensor<1xi64>
  %m = onnx.ReduceMax(%abs, %axes) {keepdims = 1 : i64} : (tensor<1x2xf32>, tensor<1xi64>) -> tensor<1x1xf32>
  %qmax = onnx.Constant {value = dense<127.0> : tensor<f32>} : tensor<f32>
  %s = onnx.Div(%qmax, %m) : (tensor<f32>, tensor<1x1xf32>) -> tensor<1x1xf32>
  %xs = onnx.Mul(%x, %s) : (tensor<1x2xf32>, tensor<1x1xf32>) -> tensor<1x2xf32>
  %fl = onnx.Floor(%xs) : (tensor<1x2xf32>) -> tensor<1x2xf32>
  %lo = onnx.Constant {value = dense<-128.0> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<127.0> : tensor<f32>} : tensor<f32>
  %c = onnx.Clip(%fl, %lo, %hi) : (tensor<1x2xf32>, tensor<f32>, tensor<f32>) -> tensor<1x2xf32>
  %dq = onnx.Div(%c, %s) : (tensor<1x2xf32>, tensor<1x1xf32>) -> tensor<1x2xf32>
  // expected-remark @+1 {{kept on the float path: the activation is not Clip(Round(x * S)) / S}}
  %y = onnx.MatMul(%dq, %w) : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Near miss: the clip range of a rounded quantizer leaves int8.
func.func @clip_outside_int8(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<[[0.5, 0.0], [0.5, -0.5]]> : tensor<2x2xf32>} : tensor<2x2xf32>
  %abs = onnx.Abs(%x) : (tensor<1x2xf32>) -> tensor<1x2xf32>
  %axes = onnx.Constant {value = dense<[-1]> : tensor<1xi64>} : tensor<1xi64>
  %m = onnx.ReduceMax(%abs, %axes) {keepdims = 1 : i64} : (tensor<1x2xf32>, tensor<1xi64>) -> tensor<1x1xf32>
  %qmax = onnx.Constant {value = dense<255.0> : tensor<f32>} : tensor<f32>
  %s = onnx.Div(%qmax, %m) : (tensor<f32>, tensor<1x1xf32>) -> tensor<1x1xf32>
  %xs = onnx.Mul(%x, %s) : (tensor<1x2xf32>, tensor<1x1xf32>) -> tensor<1x2xf32>
  %round = onnx.Round(%xs) : (tensor<1x2xf32>) -> tensor<1x2xf32>
  %lo = onnx.Constant {value = dense<-256.0> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<255.0> : tensor<f32>} : tensor<f32>
  %c = onnx.Clip(%round, %lo, %hi) : (tensor<1x2xf32>, tensor<f32>, tensor<f32>) -> tensor<1x2xf32>
  %dq = onnx.Div(%c, %s) : (tensor<1x2xf32>, tensor<1x1xf32>) -> tensor<1x2xf32>
  // expected-remark @+1 {{kept on the float path: the activation clip range is not an integer range inside int8}}
  %y = onnx.MatMul(%dq, %w) : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// A MatMul of two runtime values is not a candidate: no remark.
// CHECK-LABEL: func @runtime_weights
// CHECK: onnx.MatMul
func.func @runtime_weights(%x: tensor<1x2xf32>, %w: tensor<2x2xf32>) -> tensor<1x2xf32> {
  %y = onnx.MatMul(%x, %w) : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Per-group activations as PyTorch exports them: the last axis viewed as
// [K/G, G] (Reshape), a per-"token" quantizer on the view, Reshape back, the
// straight-through add. One scale per group of 2, partial sums per group.
// CHECK-LABEL: func @per_group_reshape
// CHECK: %[[Q:.*]], %[[S:.*]] = bitnet.quantize_activations %arg0 per_group {clip_max = 127 : i64, clip_min = -128 : i64, eps = 9.99999974E-6 : f32, group_size = 2 : i64, qmax = 1.270000e+02 : f32, reciprocal} : tensor<3x4xf32> -> tensor<3x4xi8>, tensor<3x2xf32>
// CHECK: %[[ACC:.*]] = bitnet.ternary_matmul %[[Q]], %{{.*}} {k_group = 2 : i64} : tensor<3x4xi8>, tensor<2x4xi8> -> tensor<3x2x2xi32>
// CHECK: bitnet.rescale %[[ACC]], %[[S]], %{{.*}} : tensor<3x2x2xi32>, tensor<3x2xf32>, tensor<1xf32> -> tensor<3x2xf32>
func.func @per_group_reshape(%x: tensor<3x4xf32>) -> tensor<3x2xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<[[0.5, -0.5, 0.0, 0.5], [0.0, 0.0, -0.5, 0.5]]> : tensor<2x4xf32>} : tensor<2x4xf32>
  %split = onnx.Constant {value = dense<[3, 2, 2]> : tensor<3xi64>} : tensor<3xi64>
  %merge = onnx.Constant {value = dense<[3, 4]> : tensor<2xi64>} : tensor<2xi64>
  %xg = onnx.Reshape(%x, %split) : (tensor<3x4xf32>, tensor<3xi64>) -> tensor<3x2x2xf32>
  %abs = onnx.Abs(%xg) : (tensor<3x2x2xf32>) -> tensor<3x2x2xf32>
  %axes = onnx.Constant {value = dense<[-1]> : tensor<1xi64>} : tensor<1xi64>
  %m = onnx.ReduceMax(%abs, %axes) {keepdims = 1 : i64} : (tensor<3x2x2xf32>, tensor<1xi64>) -> tensor<3x2x1xf32>
  %eps = onnx.Constant {value = dense<1.0e-5> : tensor<f32>} : tensor<f32>
  %g = onnx.Clip(%m, %eps, %none) : (tensor<3x2x1xf32>, tensor<f32>, none) -> tensor<3x2x1xf32>
  %r = onnx.Reciprocal(%g) : (tensor<3x2x1xf32>) -> tensor<3x2x1xf32>
  %qmax = onnx.Constant {value = dense<127.0> : tensor<f32>} : tensor<f32>
  %s = onnx.Mul(%r, %qmax) : (tensor<3x2x1xf32>, tensor<f32>) -> tensor<3x2x1xf32>
  %xs = onnx.Mul(%xg, %s) : (tensor<3x2x2xf32>, tensor<3x2x1xf32>) -> tensor<3x2x2xf32>
  %round = onnx.Round(%xs) : (tensor<3x2x2xf32>) -> tensor<3x2x2xf32>
  %lo = onnx.Constant {value = dense<-128.0> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<127.0> : tensor<f32>} : tensor<f32>
  %c = onnx.Clip(%round, %lo, %hi) : (tensor<3x2x2xf32>, tensor<f32>, tensor<f32>) -> tensor<3x2x2xf32>
  %dq = onnx.Div(%c, %s) : (tensor<3x2x2xf32>, tensor<3x2x1xf32>) -> tensor<3x2x2xf32>
  %back = onnx.Reshape(%dq, %merge) : (tensor<3x2x2xf32>, tensor<2xi64>) -> tensor<3x4xf32>
  %d = onnx.Sub(%back, %x) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  %a = onnx.Add(%x, %d) : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  %y = onnx.Gemm(%a, %w, %none) {transB = 1 : i64} : (tensor<3x4xf32>, tensor<2x4xf32>, none) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Near miss: the view splits the token axis, not K ([3, 4] -> [3, 2, 2] is
// fine, but [4, 4] -> [2, 2, 4] groups tokens): stays float.
func.func @per_group_wrong_axis(%x: tensor<4x4xf32>) -> tensor<4x2xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<[[0.5, -0.5, 0.0, 0.5], [0.0, 0.0, -0.5, 0.5]]> : tensor<2x4xf32>} : tensor<2x4xf32>
  %split = onnx.Constant {value = dense<[2, 2, 4]> : tensor<3xi64>} : tensor<3xi64>
  %merge = onnx.Constant {value = dense<[4, 4]> : tensor<2xi64>} : tensor<2xi64>
  %xg = onnx.Reshape(%x, %split) : (tensor<4x4xf32>, tensor<3xi64>) -> tensor<2x2x4xf32>
  %abs = onnx.Abs(%xg) : (tensor<2x2x4xf32>) -> tensor<2x2x4xf32>
  %axes = onnx.Constant {value = dense<[-1]> : tensor<1xi64>} : tensor<1xi64>
  %m = onnx.ReduceMax(%abs, %axes) {keepdims = 1 : i64} : (tensor<2x2x4xf32>, tensor<1xi64>) -> tensor<2x2x1xf32>
  %qmax = onnx.Constant {value = dense<127.0> : tensor<f32>} : tensor<f32>
  %s = onnx.Div(%qmax, %m) : (tensor<f32>, tensor<2x2x1xf32>) -> tensor<2x2x1xf32>
  %xs = onnx.Mul(%xg, %s) : (tensor<2x2x4xf32>, tensor<2x2x1xf32>) -> tensor<2x2x4xf32>
  %round = onnx.Round(%xs) : (tensor<2x2x4xf32>) -> tensor<2x2x4xf32>
  %lo = onnx.Constant {value = dense<-128.0> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<127.0> : tensor<f32>} : tensor<f32>
  %c = onnx.Clip(%round, %lo, %hi) : (tensor<2x2x4xf32>, tensor<f32>, tensor<f32>) -> tensor<2x2x4xf32>
  %dq = onnx.Div(%c, %s) : (tensor<2x2x4xf32>, tensor<2x2x1xf32>) -> tensor<2x2x4xf32>
  %back = onnx.Reshape(%dq, %merge) : (tensor<2x2x4xf32>, tensor<2xi64>) -> tensor<4x4xf32>
  // expected-remark @+1 {{kept on the float path: the grouped quantizer's reshape does not split only the last axis into [K/G, G]}}
  %y = onnx.Gemm(%back, %w, %none) {transB = 1 : i64} : (tensor<4x4xf32>, tensor<2x4xf32>, none) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}
