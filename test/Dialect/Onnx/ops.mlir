// RUN: bitnet-opt %s | bitnet-opt | FileCheck %s
// RUN: bitnet-opt %s --mlir-print-op-generic | bitnet-opt | FileCheck %s
// RUN: bitnet-opt %s --verify-roundtrip -o /dev/null

// Every op of the onnx dialect in its custom form: operands, attr-dict,
// functional type; optional inputs as `none` from onnx.NoValue.

// CHECK-LABEL: func.func @elementwise
func.func @elementwise(%x: tensor<2x3xf32>, %b: tensor<3xf32>, %p: tensor<2x3xi1>)
    -> (tensor<2x3xf32>, tensor<2x3xi1>) {
  // CHECK: onnx.Abs(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %0 = onnx.Abs(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Ceil
  %1 = onnx.Ceil(%0) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Cos
  %2 = onnx.Cos(%1) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Erf
  %3 = onnx.Erf(%2) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Exp
  %4 = onnx.Exp(%3) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Floor
  %5 = onnx.Floor(%4) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Log
  %6 = onnx.Log(%5) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Neg
  %7 = onnx.Neg(%6) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Reciprocal
  %8 = onnx.Reciprocal(%7) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Relu
  %9 = onnx.Relu(%8) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Round
  %10 = onnx.Round(%9) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Sigmoid
  %11 = onnx.Sigmoid(%10) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Sign
  %12 = onnx.Sign(%11) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Sin
  %13 = onnx.Sin(%12) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Sqrt
  %14 = onnx.Sqrt(%13) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Tanh
  %15 = onnx.Tanh(%14) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Identity
  %16 = onnx.Identity(%15) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.LeakyRelu(%{{.*}}) {alpha = 2.000000e-01 : f32}
  %17 = onnx.LeakyRelu(%16) {alpha = 0.2 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Gelu(%{{.*}}) {approximate = "tanh"}
  %18 = onnx.Gelu(%17) {approximate = "tanh"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Add(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %19 = onnx.Add(%18, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Sub
  %20 = onnx.Sub(%19, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Mul
  %21 = onnx.Mul(%20, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Div
  %22 = onnx.Div(%21, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Pow
  %23 = onnx.Pow(%22, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.And
  %24 = onnx.And(%p, %p) : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  // CHECK: onnx.Or
  %25 = onnx.Or(%24, %p) : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  // CHECK: onnx.Xor
  %26 = onnx.Xor(%25, %p) : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  // CHECK: onnx.Not
  %27 = onnx.Not(%26) : (tensor<2x3xi1>) -> tensor<2x3xi1>
  // CHECK: onnx.Equal
  %28 = onnx.Equal(%23, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  // CHECK: onnx.Less
  %29 = onnx.Less(%23, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  // CHECK: onnx.LessOrEqual
  %30 = onnx.LessOrEqual(%23, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  // CHECK: onnx.Greater
  %31 = onnx.Greater(%23, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  // CHECK: onnx.GreaterOrEqual
  %32 = onnx.GreaterOrEqual(%23, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  // CHECK: onnx.Max(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %33 = onnx.Max(%23, %b, %23) : (tensor<2x3xf32>, tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Min(%{{.*}}) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %34 = onnx.Min(%33) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Sum
  %35 = onnx.Sum(%34, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Mean
  %36 = onnx.Mean(%35, %35) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.Where(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %37 = onnx.Where(%28, %36, %b) : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %37, %27 : tensor<2x3xf32>, tensor<2x3xi1>
}

// CHECK-LABEL: func.func @clip_and_cast
func.func @clip_and_cast(%x: tensor<4xf32>, %lo: tensor<f32>, %i: tensor<4xi8>)
    -> (tensor<4xf32>, tensor<4xf16>, tensor<4xui8>, tensor<4xi8>) {
  // CHECK: %[[NONE:.+]] = onnx.NoValue
  %none = onnx.NoValue
  // CHECK: onnx.Clip(%{{.*}}, %{{.*}}, %[[NONE]]) : (tensor<4xf32>, tensor<f32>, none) -> tensor<4xf32>
  %0 = onnx.Clip(%x, %lo, %none) : (tensor<4xf32>, tensor<f32>, none) -> tensor<4xf32>
  // CHECK: onnx.Cast(%{{.*}}) {to = 10 : i64} : (tensor<4xf32>) -> tensor<4xf16>
  %1 = onnx.Cast(%0) {to = 10 : i64} : (tensor<4xf32>) -> tensor<4xf16>
  // CHECK: onnx.Cast(%{{.*}}) {saturate = 0 : i64, to = 2 : i64} : (tensor<4xf32>) -> tensor<4xui8>
  %2 = onnx.Cast(%0) {to = 2 : i64, saturate = 0 : i64} : (tensor<4xf32>) -> tensor<4xui8>
  // CHECK: onnx.CastLike(%{{.*}}, %{{.*}}) : (tensor<4xf32>, tensor<4xi8>) -> tensor<4xi8>
  %3 = onnx.CastLike(%0, %i) : (tensor<4xf32>, tensor<4xi8>) -> tensor<4xi8>
  return %0, %1, %2, %3 : tensor<4xf32>, tensor<4xf16>, tensor<4xui8>, tensor<4xi8>
}

// CHECK-LABEL: func.func @linalg
func.func @linalg(%x: tensor<?x2x4xf32>, %w: tensor<4x3xf32>, %a: tensor<2x4xf32>,
                  %c: tensor<3xf32>, %s: tensor<4xf32>)
    -> (tensor<?x2x3xf32>, tensor<2x3xf32>, tensor<?x2x4xf32>, tensor<?x2x1xf32>,
        tensor<?x2x4xf32>, tensor<?x2x4xf32>, tensor<?x1x4xi64>) {
  %none = onnx.NoValue
  // CHECK: onnx.MatMul(%{{.*}}, %{{.*}}) : (tensor<?x2x4xf32>, tensor<4x3xf32>) -> tensor<?x2x3xf32>
  %0 = onnx.MatMul(%x, %w) : (tensor<?x2x4xf32>, tensor<4x3xf32>) -> tensor<?x2x3xf32>
  // An attribute equal to its default prints elided.
  // CHECK: onnx.Gemm(%{{.*}}, %{{.*}}, %{{.*}}) {alpha = 5.000000e-01 : f32} :
  %1 = onnx.Gemm(%a, %w, %c) {alpha = 0.5 : f32, transB = 0 : i64}
      : (tensor<2x4xf32>, tensor<4x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.LayerNormalization(%{{.*}}, %{{.*}}, %{{.*}}) {epsilon = 1.000000e-03 : f32}
  // CHECK-SAME: -> (tensor<?x2x4xf32>, none, tensor<?x2x1xf32>)
  %y, %mean, %inv = onnx.LayerNormalization(%x, %s, %none) {epsilon = 1.0e-3 : f32}
      : (tensor<?x2x4xf32>, tensor<4xf32>, none) -> (tensor<?x2x4xf32>, none, tensor<?x2x1xf32>)
  // CHECK: onnx.Softmax(%{{.*}}) {axis = 1 : i64}
  %2 = onnx.Softmax(%x) {axis = 1 : i64} : (tensor<?x2x4xf32>) -> tensor<?x2x4xf32>
  // CHECK: onnx.LogSoftmax
  %3 = onnx.LogSoftmax(%x) : (tensor<?x2x4xf32>) -> tensor<?x2x4xf32>
  // CHECK: onnx.ArgMax(%{{.*}}) {axis = 1 : i64, select_last_index = 1 : i64}
  %4 = onnx.ArgMax(%x) {axis = 1 : i64, select_last_index = 1 : i64}
      : (tensor<?x2x4xf32>) -> tensor<?x1x4xi64>
  return %0, %1, %y, %inv, %2, %3, %4 : tensor<?x2x3xf32>, tensor<2x3xf32>, tensor<?x2x4xf32>,
      tensor<?x2x1xf32>, tensor<?x2x4xf32>, tensor<?x2x4xf32>, tensor<?x1x4xi64>
}

// CHECK-LABEL: func.func @reductions
func.func @reductions(%x: tensor<2x3x4xf32>, %axes: tensor<1xi64>)
    -> (tensor<1x1x1xf32>, tensor<2x4xf32>, tensor<2x1x4xf32>, tensor<2x1x4xf32>, tensor<2x1x4xf32>) {
  %none = onnx.NoValue
  // CHECK: onnx.ReduceMean(%{{.*}}, %{{.*}}) : (tensor<2x3x4xf32>, none) -> tensor<1x1x1xf32>
  %0 = onnx.ReduceMean(%x, %none) : (tensor<2x3x4xf32>, none) -> tensor<1x1x1xf32>
  // CHECK: onnx.ReduceSum(%{{.*}}, %{{.*}}) {keepdims = 0 : i64, noop_with_empty_axes = 1 : i64}
  %1 = onnx.ReduceSum(%x, %axes) {keepdims = 0 : i64, noop_with_empty_axes = 1 : i64}
      : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<2x4xf32>
  // CHECK: onnx.ReduceMax
  %2 = onnx.ReduceMax(%x, %axes) : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<2x1x4xf32>
  // CHECK: onnx.ReduceMin
  %3 = onnx.ReduceMin(%x, %axes) : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<2x1x4xf32>
  // CHECK: onnx.ReduceProd
  %4 = onnx.ReduceProd(%x, %axes) : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<2x1x4xf32>
  return %0, %1, %2, %3, %4 : tensor<1x1x1xf32>, tensor<2x4xf32>, tensor<2x1x4xf32>,
      tensor<2x1x4xf32>, tensor<2x1x4xf32>
}

// CHECK-LABEL: func.func @shapes
func.func @shapes(%x: tensor<2x3x4xf32>, %idx: tensor<2xi64>, %eidx: tensor<2x3x4xi64>)
    -> (tensor<1xi64>, tensor<i64>, tensor<1x2x3xi32>, tensor<6x4xf32>, tensor<2x12xf32>,
        tensor<2x3x4xf32>, tensor<3x2x4xf32>, tensor<2x6x4xf32>, tensor<2x1x4xf32>,
        tensor<2x3x2xf32>, tensor<2x2x4xf32>, tensor<2x3x4xf32>, tensor<2x2x3x4xf32>,
        tensor<4x3x4xf32>, tensor<3xi64>, tensor<2x3x4xf32>, tensor<2x3x4xf32>,
        tensor<2x3x4xf32>, tensor<2x3x4xi1>) {
  %none = onnx.NoValue
  // CHECK: onnx.Constant {value = dense<[6, 4]> : tensor<2xi64>} : tensor<2xi64>
  %shape = onnx.Constant {value = dense<[6, 4]> : tensor<2xi64>} : tensor<2xi64>
  %one = onnx.Constant {value = dense<1> : tensor<1xi64>} : tensor<1xi64>
  %scalar = onnx.Constant {value = dense<1> : tensor<i64>} : tensor<i64>
  // CHECK: onnx.Shape(%{{.*}}) {end = -1 : i64, start = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<1xi64>
  %0 = onnx.Shape(%x) {start = 1 : i64, end = -1 : i64} : (tensor<2x3x4xf32>) -> tensor<1xi64>
  // CHECK: onnx.Size(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<i64>
  %1 = onnx.Size(%x) : (tensor<2x3x4xf32>) -> tensor<i64>
  // CHECK: onnx.ConstantOfShape(%{{.*}}) {value = dense<7> : tensor<1xi32>} : (tensor<3xi64>) -> tensor<1x2x3xi32>
  %dims = onnx.Constant {value = dense<[1, 2, 3]> : tensor<3xi64>} : tensor<3xi64>
  %2 = onnx.ConstantOfShape(%dims) {value = dense<7> : tensor<1xi32>} : (tensor<3xi64>) -> tensor<1x2x3xi32>
  // CHECK: onnx.Reshape(%{{.*}}, %{{.*}}) {allowzero = 1 : i64}
  %3 = onnx.Reshape(%x, %shape) {allowzero = 1 : i64} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<6x4xf32>
  // CHECK: onnx.Flatten
  %4 = onnx.Flatten(%x) : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  // CHECK: onnx.Unsqueeze
  %5 = onnx.Unsqueeze(%x, %one) : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<2x1x3x4xf32>
  // CHECK: onnx.Squeeze(%{{.*}}, %{{.*}}) : (tensor<2x1x3x4xf32>, none) -> tensor<2x3x4xf32>
  %6 = onnx.Squeeze(%5, %none) : (tensor<2x1x3x4xf32>, none) -> tensor<2x3x4xf32>
  // CHECK: onnx.Transpose(%{{.*}}) {perm = array<i64: 1, 0, 2>}
  %7 = onnx.Transpose(%x) {perm = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  // CHECK: onnx.Concat(%{{.*}}, %{{.*}}) {axis = 1 : i64}
  %8 = onnx.Concat(%x, %x) {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x6x4xf32>
  // CHECK: onnx.Split(%{{.*}}, %{{.*}}) {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2xi64>) -> (tensor<2x1x4xf32>, tensor<2x2x4xf32>)
  %sizes = onnx.Constant {value = dense<[1, 2]> : tensor<2xi64>} : tensor<2xi64>
  %9:2 = onnx.Split(%x, %sizes) {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2xi64>) -> (tensor<2x1x4xf32>, tensor<2x2x4xf32>)
  // CHECK: onnx.Split(%{{.*}}, %{{.*}}) {axis = 2 : i64, num_outputs = 2 : i64} : (tensor<2x3x4xf32>, none)
  %10:2 = onnx.Split(%x, %none) {axis = 2 : i64, num_outputs = 2 : i64} : (tensor<2x3x4xf32>, none) -> (tensor<2x3x2xf32>, tensor<2x3x2xf32>)
  // CHECK: onnx.Slice(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : (tensor<2x3x4xf32>, tensor<1xi64>, tensor<1xi64>, none, none) -> tensor<2x3x4xf32>
  %11 = onnx.Slice(%x, %one, %one, %none, %none) : (tensor<2x3x4xf32>, tensor<1xi64>, tensor<1xi64>, none, none) -> tensor<2x3x4xf32>
  // CHECK: onnx.Gather(%{{.*}}, %{{.*}}) {axis = 1 : i64}
  %12 = onnx.Gather(%x, %idx) {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<2x2x4xf32>
  // CHECK: onnx.GatherElements
  %13 = onnx.GatherElements(%x, %eidx) {axis = 2 : i64} : (tensor<2x3x4xf32>, tensor<2x3x4xi64>) -> tensor<2x3x4xf32>
  // CHECK: onnx.Expand
  %exshape = onnx.Constant {value = dense<[2, 2, 3, 4]> : tensor<4xi64>} : tensor<4xi64>
  %14 = onnx.Expand(%x, %exshape) : (tensor<2x3x4xf32>, tensor<4xi64>) -> tensor<2x2x3x4xf32>
  // CHECK: onnx.Tile
  %reps = onnx.Constant {value = dense<[2, 1, 1]> : tensor<3xi64>} : tensor<3xi64>
  %15 = onnx.Tile(%x, %reps) : (tensor<2x3x4xf32>, tensor<3xi64>) -> tensor<4x3x4xf32>
  // CHECK: onnx.Range(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<3xi64>
  %16 = onnx.Range(%scalar, %scalar, %scalar) : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<3xi64>
  // CHECK: onnx.Trilu(%{{.*}}, %{{.*}}) {upper = 0 : i64} : (tensor<2x3x4xf32>, none)
  %17 = onnx.Trilu(%x, %none) {upper = 0 : i64} : (tensor<2x3x4xf32>, none) -> tensor<2x3x4xf32>
  // CHECK: onnx.CumSum(%{{.*}}, %{{.*}}) {exclusive = 1 : i64}
  %18 = onnx.CumSum(%x, %scalar) {exclusive = 1 : i64} : (tensor<2x3x4xf32>, tensor<i64>) -> tensor<2x3x4xf32>
  // CHECK: onnx.Dropout(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<2x3x4xf32>, none, none) -> (tensor<2x3x4xf32>, tensor<2x3x4xi1>)
  %19, %mask = onnx.Dropout(%x, %none, %none) : (tensor<2x3x4xf32>, none, none) -> (tensor<2x3x4xf32>, tensor<2x3x4xi1>)
  return %0, %1, %2, %3, %4, %6, %7, %8, %9#0, %10#1, %12, %13, %14, %15, %16, %17, %18, %19, %mask
      : tensor<1xi64>, tensor<i64>, tensor<1x2x3xi32>, tensor<6x4xf32>, tensor<2x12xf32>,
        tensor<2x3x4xf32>, tensor<3x2x4xf32>, tensor<2x6x4xf32>, tensor<2x1x4xf32>,
        tensor<2x3x2xf32>, tensor<2x2x4xf32>, tensor<2x3x4xf32>, tensor<2x2x3x4xf32>,
        tensor<4x3x4xf32>, tensor<3xi64>, tensor<2x3x4xf32>, tensor<2x3x4xf32>,
        tensor<2x3x4xf32>, tensor<2x3x4xi1>
}

// Unranked and dynamic tensors are accepted everywhere shapes are not known.
// CHECK-LABEL: func.func @unranked
func.func @unranked(%x: tensor<*xf32>, %y: tensor<?x?xf32>) -> tensor<*xf32> {
  // CHECK: onnx.MatMul(%{{.*}}, %{{.*}}) : (tensor<*xf32>, tensor<?x?xf32>) -> tensor<*xf32>
  %0 = onnx.MatMul(%x, %y) : (tensor<*xf32>, tensor<?x?xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// BitShift keeps its direction; the operands are unsigned and broadcast.
// CHECK-LABEL: func.func @bitshift
func.func @bitshift(%w: tensor<2x3xui8>, %n: tensor<ui8>) -> tensor<2x3xui8> {
  // CHECK: onnx.BitShift(%{{.*}}, %{{.*}}) {direction = "LEFT"} : (tensor<2x3xui8>, tensor<ui8>) -> tensor<2x3xui8>
  %0 = onnx.BitShift(%w, %n) {direction = "LEFT"} : (tensor<2x3xui8>, tensor<ui8>) -> tensor<2x3xui8>
  // CHECK: onnx.BitShift(%{{.*}}, %{{.*}}) {direction = "RIGHT"}
  %1 = onnx.BitShift(%0, %n) {direction = "RIGHT"} : (tensor<2x3xui8>, tensor<ui8>) -> tensor<2x3xui8>
  return %1 : tensor<2x3xui8>
}
