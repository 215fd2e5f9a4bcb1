// RUN: bitnet-opt %s -split-input-file -verify-diagnostics

// Verifiers of the onnx dialect: one case each, then the type constraints ODS
// checks.

func.func @max_no_inputs() -> tensor<2xf32> {
  // expected-error @+1 {{'onnx.Max' op needs at least one input}}
  %0 = onnx.Max() : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @sum_no_inputs() -> tensor<2xf32> {
  // expected-error @+1 {{'onnx.Sum' op needs at least one input}}
  %0 = onnx.Sum() : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @gelu_approximate(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'onnx.Gelu' op approximate must be "none" or "tanh", got "fast"}}
  %0 = onnx.Gelu(%x) {approximate = "fast"} : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @clip_bound_not_scalar(%x: tensor<4xf32>, %lo: tensor<2xf32>) -> tensor<4xf32> {
  %none = onnx.NoValue
  // expected-error @+1 {{'onnx.Clip' op min and max must be scalars, got 'tensor<2xf32>'}}
  %0 = onnx.Clip(%x, %lo, %none) : (tensor<4xf32>, tensor<2xf32>, none) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @clip_bound_element_type(%x: tensor<4xf32>, %hi: tensor<f16>) -> tensor<4xf32> {
  %none = onnx.NoValue
  // expected-error @+1 {{'onnx.Clip' op min and max must have the input's element type}}
  %0 = onnx.Clip(%x, %none, %hi) : (tensor<4xf32>, none, tensor<f16>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @cast_unsupported_target(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'onnx.Cast' op unsupported target data type STRING (8)}}
  %0 = onnx.Cast(%x) {to = 8 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @cast_result_type(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'onnx.Cast' op result element type must be 'f16'}}
  %0 = onnx.Cast(%x) {to = 10 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @cast_missing_to(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'onnx.Cast' op requires attribute 'to'}}
  %0 = onnx.Cast(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @matmul_scalar(%a: tensor<f32>, %b: tensor<4xf32>) -> tensor<f32> {
  // expected-error @+1 {{'onnx.MatMul' op operands must have rank >= 1}}
  %0 = onnx.MatMul(%a, %b) : (tensor<f32>, tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @matmul_reduction(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{'onnx.MatMul' op reduction dimensions differ: 3 vs 4}}
  %0 = onnx.MatMul(%a, %b) : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @gemm_rank(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  %none = onnx.NoValue
  // expected-error @+1 {{'onnx.Gemm' op A and B must have rank 2, got rank 3}}
  %0 = onnx.Gemm(%a, %b, %none) : (tensor<2x3x4xf32>, tensor<4x5xf32>, none) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @layer_norm_axis(%x: tensor<2x4xf32>, %s: tensor<4xf32>) -> tensor<2x4xf32> {
  %none = onnx.NoValue
  // expected-error @+1 {{'onnx.LayerNormalization' op axis 2 is out of range for rank 2}}
  %y, %m, %i = onnx.LayerNormalization(%x, %s, %none) {axis = 2 : i64}
      : (tensor<2x4xf32>, tensor<4xf32>, none) -> (tensor<2x4xf32>, none, none)
  return %y : tensor<2x4xf32>
}

// -----

func.func @reduce_axes_type(%x: tensor<2x3xf32>, %axes: tensor<1xi32>) -> tensor<2x1xf32> {
  // expected-error @+1 {{'onnx.ReduceMean' op axes must be a 1-D int64 tensor, got 'tensor<1xi32>'}}
  %0 = onnx.ReduceMean(%x, %axes) : (tensor<2x3xf32>, tensor<1xi32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @reduce_axes_rank(%x: tensor<2x3xf32>, %axes: tensor<i64>) -> tensor<2x1xf32> {
  // expected-error @+1 {{'onnx.ReduceSum' op axes must be a 1-D int64 tensor, got 'tensor<i64>'}}
  %0 = onnx.ReduceSum(%x, %axes) : (tensor<2x3xf32>, tensor<i64>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @constant_type() -> tensor<3xf32> {
  // expected-error @+1 {{'onnx.Constant' op value type 'tensor<2xf32>' differs from result type 'tensor<3xf32>'}}
  %0 = onnx.Constant {value = dense<1.0> : tensor<2xf32>} : tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @transpose_perm_size(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{'onnx.Transpose' op perm has 3 entries for rank 2}}
  %0 = onnx.Transpose(%x) {perm = array<i64: 1, 0, 2>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @transpose_not_permutation(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{'onnx.Transpose' op perm is not a permutation of 0..1}}
  %0 = onnx.Transpose(%x) {perm = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @concat_no_inputs() -> tensor<2xf32> {
  // expected-error @+1 {{'onnx.Concat' op needs at least one input}}
  %0 = onnx.Concat() {axis = 0 : i64} : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @concat_ranks(%a: tensor<2xf32>, %b: tensor<2x2xf32>) -> tensor<6xf32> {
  // expected-error @+1 {{'onnx.Concat' op inputs must have equal ranks, got 1 and 2}}
  %0 = onnx.Concat(%a, %b) {axis = 0 : i64} : (tensor<2xf32>, tensor<2x2xf32>) -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

// -----

func.func @concat_axis(%a: tensor<2xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'onnx.Concat' op axis -2 is out of range for rank 1}}
  %0 = onnx.Concat(%a, %a) {axis = -2 : i64} : (tensor<2xf32>, tensor<2xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Type constraints from ODS.

func.func @where_condition(%c: tensor<2xf32>, %x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'onnx.Where' op operand #0 must be tensor of 1-bit signless integer values}}
  %0 = onnx.Where(%c, %x, %x) : (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @argmax_result(%x: tensor<2x3xf32>) -> tensor<1x3xi32> {
  // expected-error @+1 {{'onnx.ArgMax' op result #0 must be tensor of 64-bit signless integer values}}
  %0 = onnx.ArgMax(%x) : (tensor<2x3xf32>) -> tensor<1x3xi32>
  return %0 : tensor<1x3xi32>
}

// -----

func.func @unsqueeze_needs_axes(%x: tensor<2xf32>) -> tensor<1x2xf32> {
  %none = onnx.NoValue
  // expected-error @+1 {{'onnx.Unsqueeze' op operand #1 must be tensor of 64-bit signless integer values}}
  %0 = onnx.Unsqueeze(%x, %none) : (tensor<2xf32>, none) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

func.func @no_value_in_required_operand(%x: tensor<2xf32>) -> tensor<2xf32> {
  %none = onnx.NoValue
  // expected-error @+1 {{'onnx.Add' op operand #1 must be tensor of any type values}}
  %0 = onnx.Add(%x, %none) : (tensor<2xf32>, none) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @broadcast_result(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'onnx.Add' op operands don't have broadcast-compatible shapes}}
  %0 = onnx.Add(%a, %b) : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @layer_norm_results(%x: tensor<2x4xf32>, %s: tensor<4xf32>) -> tensor<2x4xf32> {
  %none = onnx.NoValue
  // expected-error @+1 {{'onnx.LayerNormalization' op expected 3 results}}
  %0 = "onnx.LayerNormalization"(%x, %s, %none) : (tensor<2x4xf32>, tensor<4xf32>, none) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @dequantize_float_codes(%x: tensor<4xf32>, %s: tensor<f32>) -> tensor<4xf32> {
  %none = onnx.NoValue
  // expected-error @+1 {{'onnx.DequantizeLinear' op x must be int8, uint8, int16, uint16 or int32, got 'f32'}}
  %0 = onnx.DequantizeLinear(%x, %s, %none) : (tensor<4xf32>, tensor<f32>, none) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @dequantize_zero_point_type(%x: tensor<4xi8>, %s: tensor<f32>, %z: tensor<ui8>) -> tensor<4xf32> {
  // expected-error @+1 {{'onnx.DequantizeLinear' op x_zero_point must have x's element type 'i8', got 'ui8'}}
  %0 = onnx.DequantizeLinear(%x, %s, %z) : (tensor<4xi8>, tensor<f32>, tensor<ui8>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @dequantize_result_type(%x: tensor<4xi8>, %s: tensor<f32>) -> tensor<4xf16> {
  %none = onnx.NoValue
  // expected-error @+1 {{'onnx.DequantizeLinear' op result element type must be x_scale's, 'f32'}}
  %0 = onnx.DequantizeLinear(%x, %s, %none) : (tensor<4xi8>, tensor<f32>, none) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

func.func @dequantize_per_axis_size(%x: tensor<3x4xi8>, %s: tensor<3xf32>) -> tensor<3x4xf32> {
  %none = onnx.NoValue
  // expected-error @+1 {{'onnx.DequantizeLinear' op per-axis x_scale has 3 elements but x has 4 along axis 1}}
  %0 = onnx.DequantizeLinear(%x, %s, %none) : (tensor<3x4xi8>, tensor<3xf32>, none) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @dequantize_block_shape(%x: tensor<2x5xi8>, %s: tensor<2x2xf32>) -> tensor<2x5xf32> {
  %none = onnx.NoValue
  // expected-error @+1 {{'onnx.DequantizeLinear' op blocked x_scale must have 3 elements along dimension 1, got 2}}
  %0 = onnx.DequantizeLinear(%x, %s, %none) {axis = 1 : i64, block_size = 2 : i64} : (tensor<2x5xi8>, tensor<2x2xf32>, none) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @dequantize_axis(%x: tensor<2x5xi8>, %s: tensor<5xf32>) -> tensor<2x5xf32> {
  %none = onnx.NoValue
  // expected-error @+1 {{'onnx.DequantizeLinear' op axis 2 is out of range for rank 2}}
  %0 = onnx.DequantizeLinear(%x, %s, %none) {axis = 2 : i64} : (tensor<2x5xi8>, tensor<5xf32>, none) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @bitlinear_shift_value(%x: tensor<3x4xf32>, %w: tensor<2x4xi8>, %s: tensor<f32>) -> tensor<3x2xf32> {
  %none = onnx.NoValue
  // expected-error @+1 {{'onnx.bitnet.BitLinear' op activation_shift must be 0 or 1, got 2}}
  %y = onnx.bitnet.BitLinear(%x, %w, %s, %none) {activation_shift = 2 : i64} : (tensor<3x4xf32>, tensor<2x4xi8>, tensor<f32>, none) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

func.func @bitlinear_shift_none(%x: tensor<3x4xf32>, %w: tensor<2x4xi8>, %s: tensor<f32>) -> tensor<3x2xf32> {
  %none = onnx.NoValue
  // expected-error @+1 {{'onnx.bitnet.BitLinear' op activation_shift 1 needs quantized activations (activation_mode is none)}}
  %y = onnx.bitnet.BitLinear(%x, %w, %s, %none) {activation_mode = "none", activation_shift = 1 : i64} : (tensor<3x4xf32>, tensor<2x4xi8>, tensor<f32>, none) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

func.func @bitshift_direction(%x: tensor<4xui8>) -> tensor<4xui8> {
  // expected-error @+1 {{'onnx.BitShift' op direction must be "LEFT" or "RIGHT", got "left"}}
  %0 = onnx.BitShift(%x, %x) {direction = "left"} : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

func.func @bitshift_mixed_widths(%x: tensor<4xui8>, %n: tensor<4xui16>) -> tensor<4xui8> {
  // expected-error @+1 {{'onnx.BitShift' op X, Y and Z must have one element type, got 'tensor<4xui8>', 'tensor<4xui16>' and 'tensor<4xui8>'}}
  %0 = onnx.BitShift(%x, %n) {direction = "LEFT"} : (tensor<4xui8>, tensor<4xui16>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

func.func @bitshift_signed(%x: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+1 {{'onnx.BitShift' op operand #0 must be tensor of 8-bit unsigned integer or 16-bit unsigned integer or 32-bit unsigned integer or 64-bit unsigned integer values, but got 'tensor<4xi8>'}}
  %0 = onnx.BitShift(%x, %x) {direction = "LEFT"} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}
