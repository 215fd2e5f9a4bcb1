// RUN: bitnet-opt %s --convert-onnx-to-linalg -split-input-file -verify-diagnostics

// What the lowering does not support is an error at the node, saying what;
// the conversion driver's own "failed to legalize" does not follow it.

func.func @signed(%x: tensor<4xsi8>) -> tensor<4xsi8> {
  // expected-error @+1 {{Relu: element type 'si8' is not supported (supported: f16, bf16, f32, f64, i1, i8, i16, i32, i64, ui8, ui16, ui32, ui64)}}
  %0 = onnx.Relu(%x) : (tensor<4xsi8>) -> tensor<4xsi8>
  return %0 : tensor<4xsi8>
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

func.func @bad_broadcast(%x: tensor<4xf32>, %y: tensor<3xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{Sum: operand of type 'tensor<3xf32>' does not broadcast to shape 'tensor<4xf32>'}}
  %0 = onnx.Sum(%x, %y) : (tensor<4xf32>, tensor<3xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @axis_out_of_range(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{Softmax: axis 2 is out of range for rank 2}}
  %0 = onnx.Softmax(%x) {axis = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @squeeze_non_unit(%x: tensor<2x3xf32>) -> tensor<3xf32> {
  %a = onnx.Constant {value = dense<[0]> : tensor<1xi64>} : tensor<1xi64>
  // expected-error @+1 {{Squeeze: cannot squeeze dim 0 of size 2}}
  %0 = onnx.Squeeze(%x, %a) : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
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

func.func @runtime_unsqueeze_dynamic(%x: tensor<?xf32>, %axes: tensor<1xi64>) -> tensor<?x?xf32> {
  // expected-error @+1 {{Unsqueeze: axes that are not a constant need static input and result shapes, got tensor<?xf32> -> tensor<?x?xf32>}}
  %0 = onnx.Unsqueeze(%x, %axes) : (tensor<?xf32>, tensor<1xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @runtime_reduce_dropped_dims(%x: tensor<2x3xf32>, %axes: tensor<1xi64>) -> tensor<?xf32> {
  // expected-error @+1 {{ReduceSum: axes that are not a constant with keepdims = 0 need a static result shape}}
  %0 = onnx.ReduceSum(%x, %axes) {keepdims = 0 : i64} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @runtime_reduce_axes_length(%x: tensor<2x3xf32>, %axes: tensor<?xi64>) -> tensor<?x?xf32> {
  // expected-error @+1 {{ReduceMax: axes that are not a constant must be a 1-D tensor of static length}}
  %0 = onnx.ReduceMax(%x, %axes) : (tensor<2x3xf32>, tensor<?xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @slice_zero_step(%x: tensor<8xf32>, %s: tensor<1xi64>) -> tensor<?xf32> {
  %n = onnx.NoValue
  %z = onnx.Constant {value = dense<0> : tensor<1xi64>} : tensor<1xi64>
  // expected-error @+1 {{Slice: step 0 is 0}}
  %0 = onnx.Slice(%x, %s, %s, %n, %z) : (tensor<8xf32>, tensor<1xi64>, tensor<1xi64>, none, tensor<1xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @split_sizes_too_large(%x: tensor<8xf32>) -> (tensor<?xf32>, tensor<?xf32>) {
  %s = onnx.Constant {value = dense<[5, 4]> : tensor<2xi64>} : tensor<2xi64>
  // expected-error @+1 {{Split: split sizes do not fit the axis of size 8}}
  %0, %1 = onnx.Split(%x, %s) : (tensor<8xf32>, tensor<2xi64>) -> (tensor<?xf32>, tensor<?xf32>)
  return %0, %1 : tensor<?xf32>, tensor<?xf32>
}

// -----

func.func @split_count(%x: tensor<8xf32>, %s: tensor<3xi64>) -> (tensor<?xf32>, tensor<?xf32>) {
  // expected-error @+1 {{Split: split must be a 1-D tensor with one entry per output (2)}}
  %0, %1 = onnx.Split(%x, %s) : (tensor<8xf32>, tensor<3xi64>) -> (tensor<?xf32>, tensor<?xf32>)
  return %0, %1 : tensor<?xf32>, tensor<?xf32>
}

// -----

func.func @training_dropout_integer(%x: tensor<4xi32>, %t: tensor<i1>) -> tensor<4xi32> {
  %n = onnx.NoValue
  // expected-error @+1 {{Dropout: training mode needs a float input}}
  %0, %1 = onnx.Dropout(%x, %n, %t) : (tensor<4xi32>, none, tensor<i1>) -> (tensor<4xi32>, none)
  return %0 : tensor<4xi32>
}
