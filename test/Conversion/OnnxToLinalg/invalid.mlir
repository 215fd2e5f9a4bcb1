// RUN: bitnet-opt %s --convert-onnx-to-linalg -split-input-file -verify-diagnostics

// What the lowering does not support is an error at the node, saying what;
// the conversion driver's own "failed to legalize" does not follow it.

func.func @unsigned(%x: tensor<4xui8>) -> tensor<4xui8> {
  // expected-error @+1 {{Relu: element type 'ui8' is not supported (supported: f16, bf16, f32, f64, i1, i8, i16, i32, i64)}}
  %0 = onnx.Relu(%x) : (tensor<4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

func.func @unranked(%x: tensor<*xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{Exp: type 'tensor<*xf32>' is not supported (needs a ranked tensor)}}
  %0 = onnx.Exp(%x) : (tensor<*xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @integer_sqrt(%x: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{Sqrt: element type 'i32' is not supported}}
  %0 = onnx.Sqrt(%x) : (tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @integer_pow(%x: tensor<4xi32>, %y: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{Pow: element type 'i32' is not supported}}
  %0 = onnx.Pow(%x, %y) : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @bad_broadcast(%x: tensor<4xf32>, %y: tensor<3xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{Sum: operand of type 'tensor<3xf32>' does not broadcast to shape 'tensor<4xf32>'}}
  %0 = onnx.Sum(%x, %y) : (tensor<4xf32>, tensor<3xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @runtime_axes(%x: tensor<2x3xf32>, %axes: tensor<1xi64>) -> tensor<2x1xf32> {
  // expected-error @+1 {{ReduceSum: axes that are not a constant are not supported}}
  %0 = onnx.ReduceSum(%x, %axes) : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @axis_out_of_range(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{Softmax: axis 2 is out of range for rank 2}}
  %0 = onnx.Softmax(%x) {axis = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @training_dropout(%x: tensor<4xf32>) -> tensor<4xf32> {
  %n = onnx.NoValue
  %t = onnx.Constant {value = dense<true> : tensor<i1>} : tensor<i1>
  // expected-error @+1 {{Dropout: training mode is not supported (inference only)}}
  %0, %1 = onnx.Dropout(%x, %n, %t) : (tensor<4xf32>, none, tensor<i1>) -> (tensor<4xf32>, none)
  return %0 : tensor<4xf32>
}

// -----

func.func @runtime_unsqueeze(%x: tensor<4xf32>, %axes: tensor<1xi64>) -> tensor<1x4xf32> {
  // expected-error @+1 {{Unsqueeze: axes that are not a constant are not supported}}
  %0 = onnx.Unsqueeze(%x, %axes) : (tensor<4xf32>, tensor<1xi64>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

func.func @squeeze_non_unit(%x: tensor<2x3xf32>) -> tensor<3xf32> {
  %a = onnx.Constant {value = dense<[0]> : tensor<1xi64>} : tensor<1xi64>
  // expected-error @+1 {{Squeeze: cannot squeeze dim 0 of size 2}}
  %0 = onnx.Squeeze(%x, %a) : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @runtime_cumsum_axis(%x: tensor<4xf32>, %axis: tensor<i64>) -> tensor<4xf32> {
  // expected-error @+1 {{CumSum: an axis that is not a constant is not supported}}
  %0 = onnx.CumSum(%x, %axis) : (tensor<4xf32>, tensor<i64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @matmul_batch(%a: tensor<3x2x4xf32>, %b: tensor<5x4x2xf32>) -> tensor<3x2x2xf32> {
  // expected-error @+1 {{MatMul: batch dims 3 and 5 do not broadcast}}
  %0 = onnx.MatMul(%a, %b) : (tensor<3x2x4xf32>, tensor<5x4x2xf32>) -> tensor<3x2x2xf32>
  return %0 : tensor<3x2x2xf32>
}

// -----

func.func @gemm_bias(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>, %c: tensor<2xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{Gemm: operand of type 'tensor<2xf32>' does not broadcast to shape 'tensor<2x3xf32>'}}
  %0 = onnx.Gemm(%a, %b, %c) : (tensor<2x4xf32>, tensor<4x3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @gemm_int_alpha(%a: tensor<2x4xi32>, %b: tensor<4x3xi32>) -> tensor<2x3xi32> {
  %n = onnx.NoValue
  // expected-error @+1 {{Gemm: integer Gemm needs integral alpha and beta}}
  %0 = onnx.Gemm(%a, %b, %n) {alpha = 0.5 : f32} : (tensor<2x4xi32>, tensor<4x3xi32>, none) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

func.func @integer_layernorm(%x: tensor<2x4xi32>, %s: tensor<4xi32>) -> tensor<2x4xi32> {
  %n = onnx.NoValue
  // expected-error @+1 {{LayerNormalization: only float element types are supported}}
  %0, %1, %2 = onnx.LayerNormalization(%x, %s, %n) : (tensor<2x4xi32>, tensor<4xi32>, none) -> (tensor<2x4xi32>, none, none)
  return %0 : tensor<2x4xi32>
}

// -----

func.func @gather_out_of_range(%x: tensor<4x2xf32>) -> tensor<2xf32> {
  %i = onnx.Constant {value = dense<4> : tensor<i64>} : tensor<i64>
  // expected-error @+1 {{Gather: index 4 is out of range for a dim of size 4}}
  %0 = onnx.Gather(%x, %i) : (tensor<4x2xf32>, tensor<i64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @runtime_slice_steps(%x: tensor<8xf32>, %s: tensor<1xi64>) -> tensor<?xf32> {
  %n = onnx.NoValue
  // expected-error @+1 {{Slice: steps that are not a constant are not supported}}
  %0 = onnx.Slice(%x, %s, %s, %n, %s) : (tensor<8xf32>, tensor<1xi64>, tensor<1xi64>, none, tensor<1xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @runtime_split(%x: tensor<8xf32>, %s: tensor<2xi64>) -> (tensor<?xf32>, tensor<?xf32>) {
  // expected-error @+1 {{Split: a split operand that is not a constant is not supported}}
  %0, %1 = onnx.Split(%x, %s) : (tensor<8xf32>, tensor<2xi64>) -> (tensor<?xf32>, tensor<?xf32>)
  return %0, %1 : tensor<?xf32>, tensor<?xf32>
}
