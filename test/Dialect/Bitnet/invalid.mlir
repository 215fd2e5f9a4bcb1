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
  // expected-error @below {{padding of row 1 is not zero}}
  %0 = bitnet.packed_constant dense<[[0, 1], [0, 4]]> : tensor<2x2xi8>
      -> !bitnet.packed<encoding = ternary2, layout = row_major, rows = 2, cols = 5, group_size = 0>
  return
}

// -----

func.func @constant_padding_binary() {
  // K = 9: only bit 0 of the last byte is used.
  // expected-error @below {{padding of row 0 is not zero}}
  %0 = bitnet.packed_constant dense<[[-1, 2]]> : tensor<1x2xi8>
      -> !bitnet.packed<encoding = binary1, layout = row_major, rows = 1, cols = 9, group_size = 0>
  return
}

// -----

func.func @constant_padding_splat() {
  // expected-error @below {{padding of row 0 is not zero}}
  %0 = bitnet.packed_constant dense<-1> : tensor<2x2xi8>
      -> !bitnet.packed<encoding = binary1, layout = row_major, rows = 2, cols = 9, group_size = 0>
  return
}

// -----

func.func @constant_code() {
  // 0xC0 = codes 00 00 00 11: weight 3 of row 1 is 0b11.
  // expected-error @below {{invalid ternary2 code in storage byte 3 (192)}}
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
  // expected-error @below {{clip range [10, -10] is empty}}
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
  // expected-error @below {{result dimension 1 (2) differs from the weights' rows 3}}
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
    %w: !bitnet.packed<encoding = ternary2, layout = row_major, rows = 32, cols = 64, group_size = 0>,
    %init: tensor<2x32xi32>) {
  // expected-error @below {{input reduction dimension 63 differs from the weights' 64}}
  %0 = bitnet.packed_matmul %q, %w outs(%init) : tensor<2x63xi8>,
      !bitnet.packed<encoding = ternary2, layout = row_major, rows = 32, cols = 64, group_size = 0>,
      tensor<2x32xi32> -> tensor<2x32xi32>
  return
}

// -----

func.func @packed_rows(%q: tensor<2x64xi8>,
    %w: !bitnet.packed<encoding = binary1, layout = row_major, rows = 32, cols = 64, group_size = 0>,
    %init: tensor<2x16xi32>) {
  // expected-error @below {{result dimension 1 (16) differs from the weights' rows 32}}
  %0 = bitnet.packed_matmul %q, %w outs(%init) : tensor<2x64xi8>,
      !bitnet.packed<encoding = binary1, layout = row_major, rows = 32, cols = 64, group_size = 0>,
      tensor<2x16xi32> -> tensor<2x16xi32>
  return
}

// -----

func.func @packed_result_rank(%q: tensor<2x64xi8>,
    %w: !bitnet.packed<encoding = binary1, layout = row_major, rows = 32, cols = 64, group_size = 0>,
    %init: tensor<1x2x32xi32>) {
  // expected-error @below {{result must have the input's rank}}
  %0 = bitnet.packed_matmul %q, %w outs(%init) : tensor<2x64xi8>,
      !bitnet.packed<encoding = binary1, layout = row_major, rows = 32, cols = 64, group_size = 0>,
      tensor<1x2x32xi32> -> tensor<1x2x32xi32>
  return
}

//===----------------------------------------------------------------------===//
// bitnet.rescale
//===----------------------------------------------------------------------===//

// -----

func.func @rescale_shape(%acc: tensor<4x32xi32>, %s: tensor<4x1xf32>, %ws: tensor<1xf32>) {
  // expected-error @below {{output shape must be the accumulator shape}}
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
  // expected-error @below {{weight_scale must have a static shape of 1 element or N elements (N = 32, Gk = 1), got}}
  %0 = bitnet.rescale %acc, %s, %ws : tensor<4x32xi32>, tensor<4x1xf32>, tensor<3xf32> -> tensor<4x32xf32>
  return
}

// -----

func.func @rescale_bias_count(%acc: tensor<4x32xi32>, %s: tensor<4x1xf32>, %ws: tensor<1xf32>, %b: tensor<4xf32>) {
  // expected-error @below {{bias must have a static shape of 1 element or N elements (N = 32, Gk = 1), got}}
  %0 = bitnet.rescale %acc, %s, %ws bias %b : tensor<4x32xi32>, tensor<4x1xf32>, tensor<1xf32>, tensor<4xf32> -> tensor<4x32xf32>
  return
}

// -----

func.func @rescale_act_scale_last(%acc: tensor<4x32xi32>, %s: tensor<4x32xf32>, %ws: tensor<1xf32>) {
  // expected-error @below {{act_scale must have a last dimension of 1}}
  %0 = bitnet.rescale %acc, %s, %ws : tensor<4x32xi32>, tensor<4x32xf32>, tensor<1xf32> -> tensor<4x32xf32>
  return
}

// -----

func.func @rescale_act_scale_rank(%acc: tensor<4x32xi32>, %s: tensor<1xf32>, %ws: tensor<1xf32>) {
  // expected-error @below {{act_scale must have the accumulator's rank}}
  %0 = bitnet.rescale %acc, %s, %ws : tensor<4x32xi32>, tensor<1xf32>, tensor<1xf32> -> tensor<4x32xf32>
  return
}

// -----

func.func @rescale_act_scale_rows(%acc: tensor<4x32xi32>, %s: tensor<3x1xf32>, %ws: tensor<1xf32>) {
  // expected-error @below {{act_scale dimension 0 must be 1 or 4, got 3}}
  %0 = bitnet.rescale %acc, %s, %ws : tensor<4x32xi32>, tensor<3x1xf32>, tensor<1xf32> -> tensor<4x32xf32>
  return
}

//===----------------------------------------------------------------------===//
// Encodings and layouts added for every BitNet variant
//===----------------------------------------------------------------------===//

// -----

// expected-error @below {{packed weights of 9223372036854775807x4 exceed the largest dimension 2^31}}
func.func @packed_huge(%w: !bitnet.packed<encoding = ternary2, layout = row_interleaved, rows = 9223372036854775807, cols = 4, group_size = 0, block_rows = 16>) {
  return
}

// -----

// expected-error @below {{layout row_major needs block_rows = 1, got 4}}
func.func @packed_row_major_block(%w: !bitnet.packed<encoding = ternary2, layout = row_major, rows = 2, cols = 4, group_size = 0, block_rows = 4>) {
  return
}

// -----

// expected-error @below {{layout row_interleaved needs block_rows in [2, 256], got 1}}
func.func @packed_interleaved_block(%w: !bitnet.packed<encoding = ternary2, layout = row_interleaved, rows = 2, cols = 4, group_size = 0>) {
  return
}

// -----

// expected-error @below {{layout row_interleaved needs block_rows in [2, 256], got 512}}
func.func @packed_interleaved_big(%w: !bitnet.packed<encoding = binary1, layout = row_interleaved, rows = 2, cols = 4, group_size = 0, block_rows = 512>) {
  return
}

// -----

func.func @constant_base3_code() {
  // 243 = 3^5 is past the largest base-3 byte 242.
  // expected-error @below {{invalid ternary_base3 code in storage byte 1 (243)}}
  %0 = bitnet.packed_constant dense<[[0, -13]]> : tensor<1x2xi8>
      -> !bitnet.packed<encoding = ternary_base3, layout = row_major, rows = 1, cols = 10, group_size = 0>
  return
}

// -----

func.func @constant_base3_padding() {
  // K = 7: the last byte holds 2 digits, so it must be below 9.
  // expected-error @below {{padding of row 1 is not zero}}
  %0 = bitnet.packed_constant dense<[[0, 8], [0, 9]]> : tensor<2x2xi8>
      -> !bitnet.packed<encoding = ternary_base3, layout = row_major, rows = 2, cols = 7, group_size = 0>
  return
}

// -----

func.func @constant_base3_shape() {
  // K = 11 -> ceil(11 / 5) = 3 bytes per row.
  // expected-error @below {{data shape must be [2, 3] for}}
  %0 = bitnet.packed_constant dense<0> : tensor<2x2xi8>
      -> !bitnet.packed<encoding = ternary_base3, layout = row_major, rows = 2, cols = 11, group_size = 0>
  return
}

// -----

func.func @constant_interleaved_shape() {
  // 5 rows in tiles of 4 -> 2 tiles x 2 bytes per row = 4 storage rows of 4.
  // expected-error @below {{data shape must be [4, 4] for}}
  %0 = bitnet.packed_constant dense<0> : tensor<5x2xi8>
      -> !bitnet.packed<encoding = ternary2, layout = row_interleaved, rows = 5, cols = 8, group_size = 0, block_rows = 4>
  return
}

// -----

func.func @constant_interleaved_padding_row() {
  // Rows 3 and 4 are wanted, lane 1 of the last tile is padding row 3.
  // expected-error @below {{padding row 3 of the last tile is not zero}}
  %0 = bitnet.packed_constant dense<[[0, 0], [0, 1]]> : tensor<2x2xi8>
      -> !bitnet.packed<encoding = ternary2, layout = row_interleaved, rows = 3, cols = 4, group_size = 0, block_rows = 2>
  return
}

// -----

func.func @constant_interleaved_padding_bits() {
  // K = 5 (2 bytes per row): byte 1 of row 1 sits at storage [1, 1] and may
  // use bits 0-1 only.
  // expected-error @below {{padding of row 1 is not zero}}
  %0 = bitnet.packed_constant dense<[[0, 0], [0, 4]]> : tensor<2x2xi8>
      -> !bitnet.packed<encoding = ternary2, layout = row_interleaved, rows = 2, cols = 5, group_size = 0, block_rows = 2>
  return
}

//===----------------------------------------------------------------------===//
// quantize_activations: groups, shift, i16
//===----------------------------------------------------------------------===//

// -----

func.func @quantize_group_missing(%x: tensor<4x8xf32>) {
  // expected-error @below {{group_size must be given exactly for per_group}}
  %q, %s = bitnet.quantize_activations %x per_group {qmax = 127.0 : f32,
      eps = 1.0e-5 : f32, clip_min = -128 : i64, clip_max = 127 : i64}
      : tensor<4x8xf32> -> tensor<4x8xi8>, tensor<4x2xf32>
  return
}

// -----

func.func @quantize_group_extra(%x: tensor<4x8xf32>) {
  // expected-error @below {{group_size must be given exactly for per_group}}
  %q, %s = bitnet.quantize_activations %x per_token {group_size = 4 : i64,
      qmax = 127.0 : f32, eps = 1.0e-5 : f32, clip_min = -128 : i64,
      clip_max = 127 : i64} : tensor<4x8xf32> -> tensor<4x8xi8>, tensor<4x1xf32>
  return
}

// -----

func.func @quantize_group_divides(%x: tensor<4x8xf32>) {
  // expected-error @below {{group_size 3 must divide the static last dimension (8)}}
  %q, %s = bitnet.quantize_activations %x per_group {group_size = 3 : i64,
      qmax = 127.0 : f32, eps = 1.0e-5 : f32, clip_min = -128 : i64,
      clip_max = 127 : i64} : tensor<4x8xf32> -> tensor<4x8xi8>, tensor<4x2xf32>
  return
}

// -----

func.func @quantize_group_dynamic(%x: tensor<4x?xf32>) {
  // expected-error @below {{group_size 4 must divide the static last dimension (?)}}
  %q, %s = bitnet.quantize_activations %x per_group {group_size = 4 : i64,
      qmax = 127.0 : f32, eps = 1.0e-5 : f32, clip_min = -128 : i64,
      clip_max = 127 : i64} : tensor<4x?xf32> -> tensor<4x?xi8>, tensor<4x?xf32>
  return
}

// -----

func.func @quantize_group_nonpositive(%x: tensor<4x8xf32>) {
  // expected-error @below {{group_size must be positive, got 0}}
  %q, %s = bitnet.quantize_activations %x per_group {group_size = 0 : i64,
      qmax = 127.0 : f32, eps = 1.0e-5 : f32, clip_min = -128 : i64,
      clip_max = 127 : i64} : tensor<4x8xf32> -> tensor<4x8xi8>, tensor<4x2xf32>
  return
}

// -----

func.func @quantize_group_scale(%x: tensor<4x8xf32>) {
  // expected-error @below {{scale dimension 1 must be 2, got 1}}
  %q, %s = bitnet.quantize_activations %x per_group {group_size = 4 : i64,
      qmax = 127.0 : f32, eps = 1.0e-5 : f32, clip_min = -128 : i64,
      clip_max = 127 : i64} : tensor<4x8xf32> -> tensor<4x8xi8>, tensor<4x1xf32>
  return
}

// -----

func.func @quantize_shift_no_eta(%x: tensor<4x8xf32>) {
  // expected-error @below {{an eta result must be present exactly with shift}}
  %q, %s = bitnet.quantize_activations %x per_token {shift, qmax = 127.0 : f32,
      eps = 1.0e-5 : f32, clip_min = 0 : i64, clip_max = 127 : i64}
      : tensor<4x8xf32> -> tensor<4x8xi8>, tensor<4x1xf32>
  return
}

// -----

func.func @quantize_eta_no_shift(%x: tensor<4x8xf32>) {
  // expected-error @below {{an eta result must be present exactly with shift}}
  %q, %s, %e = bitnet.quantize_activations %x per_token {qmax = 127.0 : f32,
      eps = 1.0e-5 : f32, clip_min = 0 : i64, clip_max = 127 : i64}
      : tensor<4x8xf32> -> tensor<4x8xi8>, tensor<4x1xf32>, tensor<4x1xf32>
  return
}

// -----

func.func @quantize_eta_type(%x: tensor<4x8xf32>) {
  // expected-error @below {{eta must have the type of scale}}
  %q, %s, %e = bitnet.quantize_activations %x per_token {shift,
      qmax = 127.0 : f32, eps = 1.0e-5 : f32, clip_min = 0 : i64,
      clip_max = 127 : i64}
      : tensor<4x8xf32> -> tensor<4x8xi8>, tensor<4x1xf32>, tensor<1x1xf32>
  return
}

// -----

func.func @quantize_shifted_absmax_no_shift(%x: tensor<4x8xf32>) {
  // expected-error @below {{shifted_absmax needs shift}}
  %q, %s = bitnet.quantize_activations %x per_token {shifted_absmax,
      qmax = 128.0 : f32, eps = 1.0e-5 : f32, clip_min = -128 : i64,
      clip_max = 127 : i64} : tensor<4x8xf32> -> tensor<4x8xi8>, tensor<4x1xf32>
  return
}

// -----

func.func @quantize_divide_reciprocal(%x: tensor<4x8xf32>) {
  // expected-error @below {{divide and reciprocal are exclusive}}
  %q, %s = bitnet.quantize_activations %x per_token {divide, reciprocal,
      qmax = 128.0 : f32, eps = 1.0e-5 : f32, clip_min = -128 : i64,
      clip_max = 127 : i64} : tensor<4x8xf32> -> tensor<4x8xi8>, tensor<4x1xf32>
  return
}

// -----

func.func @quantize_i8_range(%x: tensor<4x8xf32>) {
  // expected-error @below {{clip range [0, 255] must lie within int8 [-128, 127] for an i8 result}}
  %q, %s, %e = bitnet.quantize_activations %x per_token {shift,
      qmax = 128.0 : f32, eps = 1.0e-5 : f32, clip_min = 0 : i64,
      clip_max = 255 : i64}
      : tensor<4x8xf32> -> tensor<4x8xi8>, tensor<4x1xf32>, tensor<4x1xf32>
  return
}

// -----

func.func @quantize_i16_needless(%x: tensor<4x8xf32>) {
  // expected-error @below {{an i16 result is for clip ranges outside int8 and within int16, got [0, 127]}}
  %q, %s = bitnet.quantize_activations %x per_token {qmax = 127.0 : f32,
      eps = 1.0e-5 : f32, clip_min = 0 : i64, clip_max = 127 : i64}
      : tensor<4x8xf32> -> tensor<4x8xi16>, tensor<4x1xf32>
  return
}

// -----

func.func @quantize_i16_range(%x: tensor<4x8xf32>) {
  // expected-error @below {{an i16 result is for clip ranges outside int8 and within int16, got [0, 40000]}}
  %q, %s = bitnet.quantize_activations %x per_token {qmax = 127.0 : f32,
      eps = 1.0e-5 : f32, clip_min = 0 : i64, clip_max = 40000 : i64}
      : tensor<4x8xf32> -> tensor<4x8xi16>, tensor<4x1xf32>
  return
}

//===----------------------------------------------------------------------===//
// matmuls: element types, k groups, overflow bound
//===----------------------------------------------------------------------===//

// -----

func.func @matmul_float_result(%x: tensor<2x4xf32>, %w: tensor<3x4xi8>) {
  // expected-error @below {{result element type must be 'f32' for 'f32' input}}
  %0 = bitnet.ternary_matmul %x, %w : tensor<2x4xf32>, tensor<3x4xi8> -> tensor<2x3xi32>
  return
}

// -----

func.func @matmul_int_result(%x: tensor<2x4xi16>, %w: tensor<3x4xi8>) {
  // expected-error @below {{result element type must be 'i32' for 'i16' input}}
  %0 = bitnet.ternary_matmul %x, %w : tensor<2x4xi16>, tensor<3x4xi8> -> tensor<2x3xf32>
  return
}

// -----

func.func @matmul_k_group_divides(%x: tensor<2x8xi8>, %w: tensor<3x8xi8>) {
  // expected-error @below {{k_group 3 must divide the static reduction length}}
  %0 = bitnet.ternary_matmul %x, %w {k_group = 3 : i64} : tensor<2x8xi8>, tensor<3x8xi8> -> tensor<2x3x2xi32>
  return
}

// -----

func.func @matmul_k_group_negative(%x: tensor<2x8xi8>, %w: tensor<3x8xi8>) {
  // expected-error @below {{k_group must be >= 0, got -4}}
  %0 = bitnet.ternary_matmul %x, %w {k_group = -4 : i64} : tensor<2x8xi8>, tensor<3x8xi8> -> tensor<2x3xi32>
  return
}

// -----

func.func @matmul_k_group_rank(%x: tensor<2x8xi8>, %w: tensor<3x8xi8>) {
  // expected-error @below {{result must have the input's rank + 1 (k_group)}}
  %0 = bitnet.ternary_matmul %x, %w {k_group = 4 : i64} : tensor<2x8xi8>, tensor<3x8xi8> -> tensor<2x3xi32>
  return
}

// -----

func.func @matmul_k_group_count(%x: tensor<2x8xi8>,
    %w: !bitnet.packed<encoding = ternary_base3, layout = row_major, rows = 3, cols = 8, group_size = 4>,
    %init: tensor<2x3x4xi32>) {
  // expected-error @below {{result last dimension 4 must be the number of k groups 2}}
  %0 = bitnet.packed_matmul %x, %w outs(%init) {k_group = 4 : i64} : tensor<2x8xi8>,
      !bitnet.packed<encoding = ternary_base3, layout = row_major, rows = 3, cols = 8, group_size = 4>,
      tensor<2x3x4xi32> -> tensor<2x3x4xi32>
  return
}

// -----

func.func @matmul_i16_overflow(%x: tensor<2x65536xi16>, %w: tensor<3x65536xi8>) {
  // expected-error @below {{reduction length 65536 can overflow int32 with 'i16' input (at most 65535)}}
  %0 = bitnet.ternary_matmul %x, %w : tensor<2x65536xi16>, tensor<3x65536xi8> -> tensor<2x3xi32>
  return
}

//===----------------------------------------------------------------------===//
// rescale: groups and shift; weight_rescale
//===----------------------------------------------------------------------===//

// -----

func.func @rescale_grouped_scale_rank(%acc: tensor<4x32x2xi32>, %s: tensor<4x1x2xf32>, %ws: tensor<1xf32>) {
  // expected-error @below {{act_scale must have the accumulator's rank - 1 (grouped sums)}}
  %0 = bitnet.rescale %acc, %s, %ws : tensor<4x32x2xi32>, tensor<4x1x2xf32>, tensor<1xf32> -> tensor<4x32xf32>
  return
}

// -----

func.func @rescale_grouped_scale_groups(%acc: tensor<4x32x2xi32>, %s: tensor<4x3xf32>, %ws: tensor<1xf32>) {
  // expected-error @below {{act_scale dimension 1 must be 1 or 2, got 3}}
  %0 = bitnet.rescale %acc, %s, %ws : tensor<4x32x2xi32>, tensor<4x3xf32>, tensor<1xf32> -> tensor<4x32xf32>
  return
}

// -----

func.func @rescale_grouped_weight_scale(%acc: tensor<4x32x2xi32>, %s: tensor<4x2xf32>, %ws: tensor<32x3xf32>) {
  // expected-error @below {{weight_scale must have a static shape of 1 element or N elements or shape [N, Gk] (N = 32, Gk = 2), got 'tensor<32x3xf32>'}}
  %0 = bitnet.rescale %acc, %s, %ws : tensor<4x32x2xi32>, tensor<4x2xf32>, tensor<32x3xf32> -> tensor<4x32xf32>
  return
}

// -----

func.func @rescale_ungrouped_block_scale(%acc: tensor<4x32xi32>, %s: tensor<4x1xf32>, %ws: tensor<32x2xf32>) {
  // expected-error @below {{weight_scale must have a static shape of 1 element or N elements (N = 32, Gk = 1)}}
  %0 = bitnet.rescale %acc, %s, %ws : tensor<4x32xi32>, tensor<4x1xf32>, tensor<32x2xf32> -> tensor<4x32xf32>
  return
}

// -----

func.func @rescale_eta_type(%acc: tensor<4x32xi32>, %s: tensor<4x1xf32>, %ws: tensor<1xf32>,
                            %eta: tensor<1x1xf32>, %rowsum: tensor<32xi32>) {
  // expected-error @below {{eta must have the type of act_scale}}
  %0 = bitnet.rescale %acc, %s, %ws shift %eta, %rowsum : tensor<4x32xi32>, tensor<4x1xf32>,
      tensor<1xf32> shift(tensor<1x1xf32>, tensor<32xi32>) -> tensor<4x32xf32>
  return
}

// -----

func.func @rescale_rowsum_shape(%acc: tensor<4x32x2xi32>, %s: tensor<4x2xf32>, %ws: tensor<1xf32>,
                                %rowsum: tensor<32xi32>) {
  // expected-error @below {{rowsum must have a static shape of shape [N, Gk] (N = 32, Gk = 2), got 'tensor<32xi32>'}}
  %0 = bitnet.rescale %acc, %s, %ws shift %s, %rowsum : tensor<4x32x2xi32>, tensor<4x2xf32>,
      tensor<1xf32> shift(tensor<4x2xf32>, tensor<32xi32>) -> tensor<4x32xf32>
  return
}

// -----

func.func @weight_rescale_output(%acc: tensor<4x32xf32>, %ws: tensor<32xf32>) {
  // expected-error @below {{output shape must be the accumulator shape}}
  %0 = bitnet.weight_rescale %acc, %ws : tensor<4x32xf32>, tensor<32xf32> -> tensor<4x16xf32>
  return
}

// -----

func.func @weight_rescale_groups(%acc: tensor<4x32x2xf32>, %ws: tensor<32x4xf32>) {
  // expected-error @below {{weight_scale must have a static shape of 1 element or N elements or shape [N, Gk] (N = 32, Gk = 2)}}
  %0 = bitnet.weight_rescale %acc, %ws : tensor<4x32x2xf32>, tensor<32x4xf32> -> tensor<4x32xf32>
  return
}

// -----

func.func @weight_rescale_int(%acc: tensor<4x32xi32>, %ws: tensor<32xf32>) {
  // expected-error @below {{operand #0 must be tensor of 32-bit float values}}
  %0 = bitnet.weight_rescale %acc, %ws : tensor<4x32xi32>, tensor<32xf32> -> tensor<4x32xf32>
  return
}

// -----

// Large weights are dense_resource blobs; the verifier reads them too.
func.func @ternary_weights_resource_values(%q: tensor<2x4xi8>) {
  %w = arith.constant dense_resource<w_bad> : tensor<1x4xi8>
  // expected-error @below {{weights must be in {-1, 0, 1}, found -3}}
  %0 = bitnet.ternary_matmul %q, %w : tensor<2x4xi8>, tensor<1x4xi8> -> tensor<2x1xi32>
  return
}

{-#
  dialect_resources: {
    builtin: {
      w_bad: "0x0100000001FF00FD"
    }
  }
#-}
