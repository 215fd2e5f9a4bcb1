// RUN: bitnet-opt %s --onnx-fold-constants -split-input-file | FileCheck %s

// The weight half of a b1.58 BitLinear as PyTorch exports it: absmean
// scale, Round, Clip, Div and the straight-through add all fold away.
// CHECK-LABEL: func @ternary_weight
// CHECK-NEXT: %[[W:.*]] = onnx.Constant {value = dense<{{\[\[}}5.000000e-01, -5.000000e-01, 0.000000e+00, 5.000000e-01]]> : tensor<1x4xf32>} : tensor<1x4xf32>
// CHECK-NEXT: return %[[W]]
func.func @ternary_weight() -> tensor<1x4xf32> {
  %w = onnx.Constant {value = dense<[[0.9, -0.4, 0.1, 0.6]]> : tensor<1x4xf32>} : tensor<1x4xf32>
  %abs = onnx.Abs(%w) : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %none = onnx.NoValue
  %mean = onnx.ReduceMean(%abs, %none) {keepdims = 0 : i64} : (tensor<1x4xf32>, none) -> tensor<f32>
  %eps64 = onnx.Constant {value = dense<1.0e-5> : tensor<f64>} : tensor<f64>
  %eps = onnx.Cast(%eps64) {to = 1 : i64} : (tensor<f64>) -> tensor<f32>
  %clip = onnx.Clip(%mean, %eps, %none) : (tensor<f32>, tensor<f32>, none) -> tensor<f32>
  %recip = onnx.Reciprocal(%clip) : (tensor<f32>) -> tensor<f32>
  %scaled = onnx.Mul(%w, %recip) : (tensor<1x4xf32>, tensor<f32>) -> tensor<1x4xf32>
  %round = onnx.Round(%scaled) : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %lo = onnx.Constant {value = dense<-1.0> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<1.0> : tensor<f32>} : tensor<f32>
  %t = onnx.Clip(%round, %lo, %hi) : (tensor<1x4xf32>, tensor<f32>, tensor<f32>) -> tensor<1x4xf32>
  %q = onnx.Div(%t, %recip) : (tensor<1x4xf32>, tensor<f32>) -> tensor<1x4xf32>
  %d = onnx.Sub(%q, %w) : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  %ste = onnx.Add(%w, %d) : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  return %ste : tensor<1x4xf32>
}

// -----

// Shape arithmetic on a static shape becomes a constant Reshape target.
// CHECK-LABEL: func @shape_chain
// CHECK-DAG: %[[SHAPE:.*]] = onnx.Constant {value = dense<[2, 6]> : tensor<2xi64>}
// CHECK: onnx.Reshape(%arg0, %[[SHAPE]])
func.func @shape_chain(%x: tensor<2x3x2xf32>) -> tensor<2x6xf32> {
  %shape = onnx.Shape(%x) : (tensor<2x3x2xf32>) -> tensor<3xi64>
  %i0 = onnx.Constant {value = dense<0> : tensor<i64>} : tensor<i64>
  %d0 = onnx.Gather(%shape, %i0) {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %axes = onnx.Constant {value = dense<[0]> : tensor<1xi64>} : tensor<1xi64>
  %u0 = onnx.Unsqueeze(%d0, %axes) : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  %six = onnx.Constant {value = dense<[6]> : tensor<1xi64>} : tensor<1xi64>
  %target = onnx.Concat(%u0, %six) {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %y = onnx.Reshape(%x, %target) : (tensor<2x3x2xf32>, tensor<2xi64>) -> tensor<2x6xf32>
  return %y : tensor<2x6xf32>
}

// -----

// Identity, no-op Cast and inference Dropout disappear.
// CHECK-LABEL: func @noise
// CHECK-NOT: onnx.
// CHECK: return %arg0
func.func @noise(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = onnx.Identity(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %b = onnx.Cast(%a) {to = 1 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  %none = onnx.NoValue
  %c, %mask = onnx.Dropout(%b, %none, %none) : (tensor<4xf32>, none, none) -> (tensor<4xf32>, none)
  return %c : tensor<4xf32>
}

// -----

// Binarized weights (W1): sign(W - mean W) with zero going to -1, computed
// through Greater/Where, folds to +-1; int64 -> float Cast and transpose too.
// CHECK-LABEL: func @binary_weight
// CHECK: onnx.Constant {value = dense<{{\[\[}}1.000000e+00, -1.000000e+00], [-1.000000e+00, 1.000000e+00]]> : tensor<2x2xf32>}
func.func @binary_weight() -> tensor<2x2xf32> {
  %w = onnx.Constant {value = dense<[[3.0, 1.0], [2.0, 4.0]]> : tensor<2x2xf32>} : tensor<2x2xf32>
  %none = onnx.NoValue
  %mean = onnx.ReduceMean(%w, %none) {keepdims = 0 : i64} : (tensor<2x2xf32>, none) -> tensor<f32>
  %c = onnx.Sub(%w, %mean) : (tensor<2x2xf32>, tensor<f32>) -> tensor<2x2xf32>
  %zero = onnx.Constant {value = dense<0.0> : tensor<f32>} : tensor<f32>
  %gt = onnx.Greater(%c, %zero) : (tensor<2x2xf32>, tensor<f32>) -> tensor<2x2xi1>
  %one = onnx.Constant {value = dense<1> : tensor<i64>} : tensor<i64>
  %onef = onnx.Cast(%one) {to = 1 : i64} : (tensor<i64>) -> tensor<f32>
  %minus = onnx.Neg(%onef) : (tensor<f32>) -> tensor<f32>
  %s = onnx.Where(%gt, %onef, %minus) : (tensor<2x2xi1>, tensor<f32>, tensor<f32>) -> tensor<2x2xf32>
  %t = onnx.Transpose(%s) {perm = array<i64: 1, 0>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  return %t : tensor<2x2xf32>
}

// -----

// A runtime operand stops folding.
// CHECK-LABEL: func @runtime_operand
// CHECK: onnx.Mul(%arg0
func.func @runtime_operand(%x: tensor<2xf32>) -> tensor<2xf32> {
  %c = onnx.Constant {value = dense<2.0> : tensor<2xf32>} : tensor<2xf32>
  %y = onnx.Mul(%x, %c) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

// DequantizeLinear: (x - zp) * scale per tensor, per axis, and per block
// of 2 along axis 1 (opset 21) with the last block short.
// CHECK-LABEL: func @dequantize_linear
// CHECK-DAG: onnx.Constant {value = dense<[-2.500000e-01, 0.000000e+00, 3.175000e+01]> : tensor<3xf32>}
// CHECK-DAG: onnx.Constant {value = dense<{{\[\[}}5.000000e-01, 0.000000e+00], [-6.000000e+00, 3.000000e+00]]> : tensor<2x2xf32>}
// CHECK-DAG: onnx.Constant {value = dense<{{\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+01], [-4.000000e+00, -5.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>}
// CHECK-NOT: onnx.DequantizeLinear
func.func @dequantize_linear() -> (tensor<3xf32>, tensor<2x2xf32>, tensor<2x3xf32>) {
  %none = onnx.NoValue
  %c = onnx.Constant {value = dense<[-1, 0, 127]> : tensor<3xi8>} : tensor<3xi8>
  %s = onnx.Constant {value = dense<0.25> : tensor<f32>} : tensor<f32>
  %a = onnx.DequantizeLinear(%c, %s, %none) : (tensor<3xi8>, tensor<f32>, none) -> tensor<3xf32>
  %u = onnx.Constant {value = dense<[[11, 10], [8, 11]]> : tensor<2x2xui8>} : tensor<2x2xui8>
  %us = onnx.Constant {value = dense<[0.5, 3.0]> : tensor<2xf32>} : tensor<2xf32>
  %uz = onnx.Constant {value = dense<[10, 10]> : tensor<2xui8>} : tensor<2xui8>
  %b = onnx.DequantizeLinear(%u, %us, %uz) {axis = 0 : i64} : (tensor<2x2xui8>, tensor<2xf32>, tensor<2xui8>) -> tensor<2x2xf32>
  %k = onnx.Constant {value = dense<[[1, 2, 3], [-4, -5, 6]]> : tensor<2x3xi16>} : tensor<2x3xi16>
  %ks = onnx.Constant {value = dense<[[1.0, 10.0], [1.0, 1.0]]> : tensor<2x2xf32>} : tensor<2x2xf32>
  %d = onnx.DequantizeLinear(%k, %ks, %none) {axis = 1 : i64, block_size = 2 : i64} : (tensor<2x3xi16>, tensor<2x2xf32>, none) -> tensor<2x3xf32>
  return %a, %b, %d : tensor<3xf32>, tensor<2x2xf32>, tensor<2x3xf32>
}

// -----

// A blocked DequantizeLinear (blocks along K) feeding a MatMul's or Gemm's
// weight is left for BitLinear recognition, which packs it with its block
// scales; blocked along N, or with another user, it folds.
// CHECK-LABEL: func @blocked_weight_left
// CHECK: %[[DQ:.*]] = onnx.DequantizeLinear(%{{.*}}) {axis = 0 : i64, block_size = 2 : i64}
// CHECK: onnx.MatMul(%arg0, %[[DQ]])
// CHECK: %[[GDQ:.*]] = onnx.DequantizeLinear(%{{.*}}) {block_size = 2 : i64}
// CHECK: onnx.Gemm(%arg0, %[[GDQ]], %{{.*}}) {transB = 1 : i64}
// CHECK-NOT: onnx.DequantizeLinear
func.func @blocked_weight_left(%x: tensor<1x4xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<4x2xf32>) {
  %none = onnx.NoValue
  %c = onnx.Constant {value = dense<[[1, -1], [0, 1], [-1, 0], [1, 1]]> : tensor<4x2xi8>} : tensor<4x2xi8>
  %s = onnx.Constant {value = dense<[[0.5, 2.0], [0.25, 4.0]]> : tensor<2x2xf32>} : tensor<2x2xf32>
  %w = onnx.DequantizeLinear(%c, %s, %none) {axis = 0 : i64, block_size = 2 : i64} : (tensor<4x2xi8>, tensor<2x2xf32>, none) -> tensor<4x2xf32>
  %y = onnx.MatMul(%x, %w) : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  %gc = onnx.Constant {value = dense<[[1, 0, -1, 1], [-1, 1, 0, 1]]> : tensor<2x4xi8>} : tensor<2x4xi8>
  %gs = onnx.Constant {value = dense<[[0.5, 0.25], [2.0, 4.0]]> : tensor<2x2xf32>} : tensor<2x2xf32>
  %gw = onnx.DequantizeLinear(%gc, %gs, %none) {axis = 1 : i64, block_size = 2 : i64} : (tensor<2x4xi8>, tensor<2x2xf32>, none) -> tensor<2x4xf32>
  %gy = onnx.Gemm(%x, %gw, %none) {transB = 1 : i64} : (tensor<1x4xf32>, tensor<2x4xf32>, none) -> tensor<1x2xf32>
  // Blocks along N of MatMul's B [K, N]: folded.
  %ns = onnx.Constant {value = dense<[[0.5], [2.0], [0.25], [4.0]]> : tensor<4x1xf32>} : tensor<4x1xf32>
  %nw = onnx.DequantizeLinear(%c, %ns, %none) {axis = 1 : i64, block_size = 2 : i64} : (tensor<4x2xi8>, tensor<4x1xf32>, none) -> tensor<4x2xf32>
  %ny = onnx.MatMul(%x, %nw) : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  // Also returned: folded.
  %rw = onnx.DequantizeLinear(%c, %s, %none) {axis = 0 : i64, block_size = 2 : i64} : (tensor<4x2xi8>, tensor<2x2xf32>, none) -> tensor<4x2xf32>
  %ry = onnx.MatMul(%x, %rw) : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  return %y, %gy, %ny, %ry, %rw : tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<4x2xf32>
}

// -----

// The 2-bit planes of packed uint8 weights: (w << 6 - 2j) >> 6 is plane j.
// 0b10010011 = 147 holds 3, 0, 1, 2 from the low bits up; 0b00100111 = 39
// holds 3, 1, 2, 0. A left shift drops the bits past the width.
// CHECK-LABEL: func @bitshift_planes
// CHECK-DAG: onnx.Constant {value = dense<{{\[\[}}3, 3], [0, 1], [1, 2], [2, 0]]> : tensor<4x2xui8>}
// CHECK-DAG: onnx.Constant {value = dense<192> : tensor<2xui8>}
// CHECK-NOT: onnx.BitShift
func.func @bitshift_planes() -> (tensor<4x2xui8>, tensor<2xui8>) {
  %w = onnx.Constant {value = dense<[[147, 39]]> : tensor<1x2xui8>} : tensor<1x2xui8>
  %left = onnx.Constant {value = dense<[[6], [4], [2], [0]]> : tensor<4x1xui8>} : tensor<4x1xui8>
  %six = onnx.Constant {value = dense<6> : tensor<ui8>} : tensor<ui8>
  %hi = onnx.BitShift(%w, %left) {direction = "LEFT"} : (tensor<1x2xui8>, tensor<4x1xui8>) -> tensor<4x2xui8>
  %planes = onnx.BitShift(%hi, %six) {direction = "RIGHT"} : (tensor<4x2xui8>, tensor<ui8>) -> tensor<4x2xui8>
  %top = onnx.Constant {value = dense<[255, 3]> : tensor<2xui8>} : tensor<2xui8>
  %wrapped = onnx.BitShift(%top, %six) {direction = "LEFT"} : (tensor<2xui8>, tensor<ui8>) -> tensor<2xui8>
  return %planes, %wrapped : tensor<4x2xui8>, tensor<2xui8>
}

// -----

// A shift by the width or more gives 0 both ways; uint64 keeps 64 bits.
// CHECK-LABEL: func @bitshift_past_width
// CHECK-DAG: onnx.Constant {value = dense<[0, 0, 16]> : tensor<3xui16>}
// CHECK-DAG: onnx.Constant {value = dense<[0, 0, 1]> : tensor<3xui16>}
// CHECK-DAG: onnx.Constant {value = dense<4294967296> : tensor<1xui64>}
func.func @bitshift_past_width() -> (tensor<3xui16>, tensor<3xui16>, tensor<1xui64>) {
  %x = onnx.Constant {value = dense<[1, 1, 1]> : tensor<3xui16>} : tensor<3xui16>
  %n = onnx.Constant {value = dense<[16, 40, 4]> : tensor<3xui16>} : tensor<3xui16>
  %l = onnx.BitShift(%x, %n) {direction = "LEFT"} : (tensor<3xui16>, tensor<3xui16>) -> tensor<3xui16>
  %big = onnx.Constant {value = dense<[32768, 65535, 16]> : tensor<3xui16>} : tensor<3xui16>
  %r = onnx.BitShift(%big, %n) {direction = "RIGHT"} : (tensor<3xui16>, tensor<3xui16>) -> tensor<3xui16>
  %one = onnx.Constant {value = dense<1> : tensor<1xui64>} : tensor<1xui64>
  %k = onnx.Constant {value = dense<32> : tensor<1xui64>} : tensor<1xui64>
  %w = onnx.BitShift(%one, %k) {direction = "LEFT"} : (tensor<1xui64>, tensor<1xui64>) -> tensor<1xui64>
  return %l, %r, %w : tensor<3xui16>, tensor<3xui16>, tensor<1xui64>
}

// -----

// A runtime operand keeps the op.
// CHECK-LABEL: func @bitshift_runtime
// CHECK: onnx.BitShift(%arg0, %{{.*}}) {direction = "RIGHT"}
func.func @bitshift_runtime(%x: tensor<4xui8>) -> tensor<4xui8> {
  %two = onnx.Constant {value = dense<2> : tensor<ui8>} : tensor<ui8>
  %0 = onnx.BitShift(%x, %two) {direction = "RIGHT"} : (tensor<4xui8>, tensor<ui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}
