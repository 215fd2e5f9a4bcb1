// RUN: bitnet-opt %s -split-input-file -verify-diagnostics

// One case per verifier check in dialects/Bitnet/*.cpp, plus the ODS
// constraints the checks rely on.

//===----------------------------------------------------------------------===//
// !bitnet.packed
//===----------------------------------------------------------------------===//

// expected-error @below {{packed weights need positive rows and cols, got 0x4}}
func.func @packed_rows(%w: !bitnet.packed<encoding = ternary2, layout = row_major, rows = 0, cols = 4, group_size = 0>) {
  return
}

// -----

// expected-error @below {{packed weights need positive rows and cols, got 2x-1}}
func.func @packed_cols(%w: !bitnet.packed<encoding = binary1, layout = row_major, rows = 2, cols = -1, group_size = 0>) {
  return
}

// -----

// expected-error @below {{group_size 3 must be 0 or divide cols (64)}}
func.func @packed_group(%w: !bitnet.packed<encoding = ternary2, layout = row_major, rows = 2, cols = 64, group_size = 3>) {
  return
}

// -----

// expected-error @below {{group_size -8 must be 0 or divide cols (64)}}
func.func @packed_group_negative(%w: !bitnet.packed<encoding = ternary2, layout = row_major, rows = 2, cols = 64, group_size = -8>) {
  return
}

//===----------------------------------------------------------------------===//
// bitnet.packed_constant
//===----------------------------------------------------------------------===//

// -----

func.func @constant_not_i8() {
  // expected-error @below {{attribute 'data' failed to satisfy constraint: 8-bit signless integer elements attribute}}
  %0 = bitnet.packed_constant dense<0> : tensor<1x1xi16>
      -> !bitnet.packed<encoding = ternary2, layout = row_major, rows = 1, cols = 4, group_size = 0>
  return
}

// -----

func.func @constant_shape() {
  // expected-error @below {{data shape must be [2, 2] for}}
  %0 = bitnet.packed_constant dense<0> : tensor<2x3xi8>
      -> !bitnet.packed<encoding = ternary2, layout = row_major, rows = 2, cols = 5, group_size = 0>
  return
}

// -----

func.func @constant_padding_ternary() {
  // K = 5: only the two low bits of the last byte are used.
  // expected-error @below {{padding bits of row 1 are not zero}}
  %0 = bitnet.packed_constant dense<[[0, 1], [0, 4]]> : tensor<2x2xi8>
      -> !bitnet.packed<encoding = ternary2, layout = row_major, rows = 2, cols = 5, group_size = 0>
  return
}

// -----

func.func @constant_padding_binary() {
  // K = 9: only bit 0 of the last byte is used.
  // expected-error @below {{padding bits of row 0 are not zero}}
  %0 = bitnet.packed_constant dense<[[-1, 2]]> : tensor<1x2xi8>
      -> !bitnet.packed<encoding = binary1, layout = row_major, rows = 1, cols = 9, group_size = 0>
  return
}

// -----

func.func @constant_padding_splat() {
  // expected-error @below {{padding bits of row 0 are not zero}}
  %0 = bitnet.packed_constant dense<-1> : tensor<2x2xi8>
      -> !bitnet.packed<encoding = binary1, layout = row_major, rows = 2, cols = 9, group_size = 0>
  return
}

// -----

func.func @constant_code() {
  // 0xC0 = codes 00 00 00 11: weight 3 of row 1 is 0b11.
  // expected-error @below {{invalid ternary code 0b11 in byte 3}}
  %0 = bitnet.packed_constant dense<[[0, 0], [0, -64]]> : tensor<2x2xi8>
      -> !bitnet.packed<encoding = ternary2, layout = row_major, rows = 2, cols = 8, group_size = 0>
  return
}

//===----------------------------------------------------------------------===//
// bitnet.quantize_activations
//===----------------------------------------------------------------------===//

// -----

func.func @quantize_shape(%x: tensor<4x8xf32>) {
  // expected-error @below {{quantized shape must equal the input shape}}
  %q, %s = bitnet.quantize_activations %x per_token {qmax = 127.0 : f32,
      eps = 1.0e-5 : f32, clip_min = -128 : i64, clip_max = 127 : i64}
      : tensor<4x8xf32> -> tensor<4x9xi8>, tensor<4x1xf32>
  return
}

// -----

func.func @quantize_rank0(%x: tensor<f32>) {
  // expected-error @below {{input must have rank >= 1}}
  %q, %s = bitnet.quantize_activations %x per_tensor {qmax = 127.0 : f32,
      eps = 1.0e-5 : f32, clip_min = -128 : i64, clip_max = 127 : i64}
      : tensor<f32> -> tensor<i8>, tensor<f32>
  return
}

// -----

func.func @quantize_scale_rank(%x: tensor<4x8xf32>) {
  // expected-error @below {{scale must have the input's rank}}
  %q, %s = bitnet.quantize_activations %x per_token {qmax = 127.0 : f32,
      eps = 1.0e-5 : f32, clip_min = -128 : i64, clip_max = 127 : i64}
      : tensor<4x8xf32> -> tensor<4x8xi8>, tensor<4xf32>
  return
}

// -----

func.func @quantize_scale_per_token(%x: tensor<4x8xf32>) {
  // expected-error @below {{scale dimension 1 must be 1, got 8}}
  %q, %s = bitnet.quantize_activations %x per_token {qmax = 127.0 : f32,
      eps = 1.0e-5 : f32, clip_min = -128 : i64, clip_max = 127 : i64}
      : tensor<4x8xf32> -> tensor<4x8xi8>, tensor<4x8xf32>
  return
}

// -----

func.func @quantize_scale_per_token_rows(%x: tensor<4x8xf32>) {
  // expected-error @below {{scale dimension 0 must be 4, got 2}}
  %q, %s = bitnet.quantize_activations %x per_token {qmax = 127.0 : f32,
      eps = 1.0e-5 : f32, clip_min = -128 : i64, clip_max = 127 : i64}
      : tensor<4x8xf32> -> tensor<4x8xi8>, tensor<2x1xf32>
  return
}

// -----

func.func @quantize_scale_per_tensor(%x: tensor<4x8xf32>) {
  // expected-error @below {{scale dimension 0 must be 1, got 4}}
  %q, %s = bitnet.quantize_activations %x per_tensor {qmax = 127.0 : f32,
      eps = 1.0e-5 : f32, clip_min = -128 : i64, clip_max = 127 : i64}
      : tensor<4x8xf32> -> tensor<4x8xi8>, tensor<4x1xf32>
  return
}

// -----

func.func @quantize_clip_low(%x: tensor<4x8xf32>) {
  // expected-error @below {{clip range [-129, 127] must lie within int8 [-128, 127]}}
  %q, %s = bitnet.quantize_activations %x per_token {qmax = 127.0 : f32,
      eps = 1.0e-5 : f32, clip_min = -129 : i64, clip_max = 127 : i64}
      : tensor<4x8xf32> -> tensor<4x8xi8>, tensor<4x1xf32>
  return
}

// -----

func.func @quantize_clip_order(%x: tensor<4x8xf32>) {
  // expected-error @below {{clip range [10, -10] must lie within int8 [-128, 127]}}
  %q, %s = bitnet.quantize_activations %x per_token {qmax = 127.0 : f32,
      eps = 1.0e-5 : f32, clip_min = 10 : i64, clip_max = -10 : i64}
      : tensor<4x8xf32> -> tensor<4x8xi8>, tensor<4x1xf32>
  return
}

// -----

func.func @quantize_qmax(%x: tensor<4x8xf32>) {
  // expected-error @below {{qmax must be positive and eps non-negative}}
  %q, %s = bitnet.quantize_activations %x per_token {qmax = 0.0 : f32,
      eps = 1.0e-5 : f32, clip_min = -128 : i64, clip_max = 127 : i64}
      : tensor<4x8xf32> -> tensor<4x8xi8>, tensor<4x1xf32>
  return
}

// -----

func.func @quantize_eps(%x: tensor<4x8xf32>) {
  // expected-error @below {{qmax must be positive and eps non-negative}}
  %q, %s = bitnet.quantize_activations %x per_token {qmax = 127.0 : f32,
      eps = -1.0 : f32, clip_min = -128 : i64, clip_max = 127 : i64}
      : tensor<4x8xf32> -> tensor<4x8xi8>, tensor<4x1xf32>
  return
}

//===----------------------------------------------------------------------===//
// bitnet.ternary_matmul and bitnet.packed_matmul
//===----------------------------------------------------------------------===//

// -----

func.func @ternary_weights_rank(%q: tensor<2x4xi8>, %w: tensor<4xi8>) {
  // expected-error @below {{weights must be rank 2 [N, K]}}
  %0 = bitnet.ternary_matmul %q, %w : tensor<2x4xi8>, tensor<4xi8> -> tensor<2x1xi32>
  return
}

// -----

func.func @ternary_weights_values(%q: tensor<2x4xi8>) {
  %w = arith.constant dense<[[1, 0, -1, 2]]> : tensor<1x4xi8>
  // expected-error @below {{weights must be in {-1, 0, 1}, found 2}}
  %0 = bitnet.ternary_matmul %q, %w : tensor<2x4xi8>, tensor<1x4xi8> -> tensor<2x1xi32>
  return
}

// -----

func.func @ternary_input_rank(%q: tensor<i8>, %w: tensor<3x4xi8>) {
  // expected-error @below {{input must have rank >= 1}}
  %0 = bitnet.ternary_matmul %q, %w : tensor<i8>, tensor<3x4xi8> -> tensor<i32>
  return
}

// -----

func.func @ternary_result_rank(%q: tensor<2x4xi8>, %w: tensor<3x4xi8>) {
  // expected-error @below {{result must have the input's rank}}
  %0 = bitnet.ternary_matmul %q, %w : tensor<2x4xi8>, tensor<3x4xi8> -> tensor<6xi32>
  return
}

// -----

func.func @ternary_reduction(%q: tensor<2x5xi8>, %w: tensor<3x4xi8>) {
  // expected-error @below {{input reduction dimension 5 differs from the weights' 4}}
  %0 = bitnet.ternary_matmul %q, %w : tensor<2x5xi8>, tensor<3x4xi8> -> tensor<2x3xi32>
  return
}

// -----

func.func @ternary_rows(%q: tensor<2x4xi8>, %w: tensor<3x4xi8>) {
  // expected-error @below {{result last dimension 2 differs from the weights' rows 3}}
  %0 = bitnet.ternary_matmul %q, %w : tensor<2x4xi8>, tensor<3x4xi8> -> tensor<2x2xi32>
  return
}

// -----

func.func @ternary_leading(%q: tensor<2x3x4xi8>, %w: tensor<3x4xi8>) {
  // expected-error @below {{result dimension 1 must equal the input's (3), got 2}}
  %0 = bitnet.ternary_matmul %q, %w : tensor<2x3x4xi8>, tensor<3x4xi8> -> tensor<2x2x3xi32>
  return
}

// -----

func.func @packed_reduction(%q: tensor<2x63xi8>,
    %w: !bitnet.packed<encoding = ternary2, layout = row_major, rows = 32, cols = 64, group_size = 0>) {
  // expected-error @below {{input reduction dimension 63 differs from the weights' 64}}
  %0 = bitnet.packed_matmul %q, %w : tensor<2x63xi8>,
      !bitnet.packed<encoding = ternary2, layout = row_major, rows = 32, cols = 64, group_size = 0>
      -> tensor<2x32xi32>
  return
}

// -----

func.func @packed_rows(%q: tensor<2x64xi8>,
    %w: !bitnet.packed<encoding = binary1, layout = row_major, rows = 32, cols = 64, group_size = 0>) {
  // expected-error @below {{result last dimension 16 differs from the weights' rows 32}}
  %0 = bitnet.packed_matmul %q, %w : tensor<2x64xi8>,
      !bitnet.packed<encoding = binary1, layout = row_major, rows = 32, cols = 64, group_size = 0>
      -> tensor<2x16xi32>
  return
}

// -----

func.func @packed_result_rank(%q: tensor<2x64xi8>,
    %w: !bitnet.packed<encoding = binary1, layout = row_major, rows = 32, cols = 64, group_size = 0>) {
  // expected-error @below {{result must have the input's rank}}
  %0 = bitnet.packed_matmul %q, %w : tensor<2x64xi8>,
      !bitnet.packed<encoding = binary1, layout = row_major, rows = 32, cols = 64, group_size = 0>
      -> tensor<1x2x32xi32>
  return
}

//===----------------------------------------------------------------------===//
// bitnet.rescale
//===----------------------------------------------------------------------===//

// -----

func.func @rescale_shape(%acc: tensor<4x32xi32>, %s: tensor<4x1xf32>, %ws: tensor<1xf32>) {
  // expected-error @below {{output shape must equal the accumulator shape}}
  %0 = bitnet.rescale %acc, %s, %ws : tensor<4x32xi32>, tensor<4x1xf32>, tensor<1xf32> -> tensor<4x16xf32>
  return
}

// -----

func.func @rescale_rank0(%acc: tensor<i32>, %s: tensor<f32>, %ws: tensor<1xf32>) {
  // expected-error @below {{accumulator must have rank >= 1}}
  %0 = bitnet.rescale %acc, %s, %ws : tensor<i32>, tensor<f32>, tensor<1xf32> -> tensor<f32>
  return
}

// -----

func.func @rescale_weight_scale_dynamic(%acc: tensor<4x32xi32>, %s: tensor<4x1xf32>, %ws: tensor<?xf32>) {
  // expected-error @below {{weight_scale must have a static shape}}
  %0 = bitnet.rescale %acc, %s, %ws : tensor<4x32xi32>, tensor<4x1xf32>, tensor<?xf32> -> tensor<4x32xf32>
  return
}

// -----

func.func @rescale_weight_scale_count(%acc: tensor<4x32xi32>, %s: tensor<4x1xf32>, %ws: tensor<3xf32>) {
  // expected-error @below {{weight_scale must have 1 or 32 elements, got 3}}
  %0 = bitnet.rescale %acc, %s, %ws : tensor<4x32xi32>, tensor<4x1xf32>, tensor<3xf32> -> tensor<4x32xf32>
  return
}

// -----

func.func @rescale_bias_count(%acc: tensor<4x32xi32>, %s: tensor<4x1xf32>, %ws: tensor<1xf32>, %b: tensor<4xf32>) {
  // expected-error @below {{bias must have 1 or 32 elements, got 4}}
  %0 = bitnet.rescale %acc, %s, %ws bias %b : tensor<4x32xi32>, tensor<4x1xf32>, tensor<1xf32>, tensor<4xf32> -> tensor<4x32xf32>
  return
}

// -----

func.func @rescale_act_scale_last(%acc: tensor<4x32xi32>, %s: tensor<4x32xf32>, %ws: tensor<1xf32>) {
  // expected-error @below {{act_scale must have the accumulator's rank and a last dimension of 1}}
  %0 = bitnet.rescale %acc, %s, %ws : tensor<4x32xi32>, tensor<4x32xf32>, tensor<1xf32> -> tensor<4x32xf32>
  return
}

// -----

func.func @rescale_act_scale_rank(%acc: tensor<4x32xi32>, %s: tensor<1xf32>, %ws: tensor<1xf32>) {
  // expected-error @below {{act_scale must have the accumulator's rank and a last dimension of 1}}
  %0 = bitnet.rescale %acc, %s, %ws : tensor<4x32xi32>, tensor<1xf32>, tensor<1xf32> -> tensor<4x32xf32>
  return
}

// -----

func.func @rescale_act_scale_rows(%acc: tensor<4x32xi32>, %s: tensor<3x1xf32>, %ws: tensor<1xf32>) {
  // expected-error @below {{act_scale dimension 0 must be 1 or 4, got 3}}
  %0 = bitnet.rescale %acc, %s, %ws : tensor<4x32xi32>, tensor<3x1xf32>, tensor<1xf32> -> tensor<4x32xf32>
  return
}
