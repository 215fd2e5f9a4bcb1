// RUN: bitnet-opt %s | bitnet-opt | FileCheck %s
// RUN: bitnet-opt %s --mlir-print-op-generic | bitnet-opt | FileCheck %s

// CHECK-LABEL: func @packed_types
// CHECK-SAME: !bitnet.packed<encoding = binary1, layout = row_major, rows = 2, cols = 9, group_size = 0>
// CHECK-SAME: !bitnet.packed<encoding = ternary2, layout = row_major, rows = 4, cols = 64, group_size = 16>
func.func @packed_types(
    %a: !bitnet.packed<encoding = binary1, layout = row_major, rows = 2, cols = 9, group_size = 0>,
    %b: !bitnet.packed<encoding = ternary2, layout = row_major, rows = 4, cols = 64, group_size = 16>) {
  return
}

// CHECK-LABEL: func @packed_constant
// CHECK: bitnet.packed_constant dense<{{\[\[}}-110, 1]]> : tensor<1x2xi8> -> {{(!bitnet.packed)?}}<encoding = ternary2, layout = row_major, rows = 1, cols = 5, group_size = 0>
// CHECK: bitnet.packed_constant dense<{{\[\[}}-1, 1], [0, 0]]> : tensor<2x2xi8> -> {{(!bitnet.packed)?}}<encoding = binary1, layout = row_major, rows = 2, cols = 9, group_size = 0>
func.func @packed_constant() {
  %0 = bitnet.packed_constant dense<[[-110, 1]]> : tensor<1x2xi8>
      -> !bitnet.packed<encoding = ternary2, layout = row_major, rows = 1, cols = 5, group_size = 0>
  %1 = bitnet.packed_constant dense<[[-1, 1], [0, 0]]> : tensor<2x2xi8>
      -> !bitnet.packed<encoding = binary1, layout = row_major, rows = 2, cols = 9, group_size = 0>
  return
}

// CHECK-LABEL: func @quantize_activations
// CHECK: bitnet.quantize_activations %{{.*}} per_token {clip_max = 127 : i64, clip_min = -128 : i64, eps = 9.99999974E-6 : f32, qmax = 1.270000e+02 : f32} : tensor<4x64xf32> -> tensor<4x64xi8>, tensor<4x1xf32>
// CHECK: bitnet.quantize_activations %{{.*}} per_tensor {{.*}}reciprocal{{.*}} : tensor<2x3x8xf32> -> tensor<2x3x8xi8>, tensor<1x1x1xf32>
// CHECK: bitnet.quantize_activations %{{.*}} per_token {{.*}} : tensor<?x8xf32> -> tensor<?x8xi8>, tensor<?x1xf32>
// CHECK: bitnet.quantize_activations %{{.*}} per_tensor {clip_max = 128 : i64, clip_min = 0 : i64, divide, eps = 9.99999974E-6 : f32, qmax = 1.280000e+02 : f32, shift, shifted_absmax} : tensor<4x64xf32> -> tensor<4x64xi16>, tensor<1x1xf32>, tensor<1x1xf32>
func.func @quantize_activations(%x: tensor<4x64xf32>, %y: tensor<2x3x8xf32>,
                                %z: tensor<?x8xf32>) {
  %q, %s = bitnet.quantize_activations %x per_token {qmax = 127.0 : f32,
      eps = 1.0e-5 : f32, clip_min = -128 : i64, clip_max = 127 : i64}
      : tensor<4x64xf32> -> tensor<4x64xi8>, tensor<4x1xf32>
  %q2, %s2 = bitnet.quantize_activations %y per_tensor {qmax = 127.0 : f32,
      eps = 0.0 : f32, clip_min = -127 : i64, clip_max = 127 : i64, reciprocal}
      : tensor<2x3x8xf32> -> tensor<2x3x8xi8>, tensor<1x1x1xf32>
  %q3, %s3 = bitnet.quantize_activations %z per_token {qmax = 127.0 : f32,
      eps = 1.0e-5 : f32, clip_min = -128 : i64, clip_max = 127 : i64}
      : tensor<?x8xf32> -> tensor<?x8xi8>, tensor<?x1xf32>
  %q4, %s4, %e4 = bitnet.quantize_activations %x per_tensor {shift,
      shifted_absmax, divide, qmax = 128.0 : f32, eps = 1.0e-5 : f32,
      clip_min = 0 : i64, clip_max = 128 : i64}
      : tensor<4x64xf32> -> tensor<4x64xi16>, tensor<1x1xf32>, tensor<1x1xf32>
  return
}

// CHECK-LABEL: func @matmuls
// CHECK: bitnet.ternary_matmul %{{.*}}, %{{.*}} : tensor<2x3x4xi8>, tensor<5x4xi8> -> tensor<2x3x5xi32>
// CHECK: bitnet.packed_matmul %{{.*}}, %{{.*}} outs(%{{.*}}) : tensor<4x64xi8>, {{(!bitnet.packed)?}}<encoding = ternary2, layout = row_major, rows = 32, cols = 64, group_size = 0>, tensor<4x32xi32> -> tensor<4x32xi32>
// CHECK: bitnet.packed_matmul %{{.*}}, %{{.*}} outs(%{{.*}}) : tensor<?x64xi8>, {{(!bitnet.packed)?}}<encoding = ternary2, layout = row_major, rows = 32, cols = 64, group_size = 0>, tensor<?x32xi32> -> tensor<?x32xi32>
func.func @matmuls(%a: tensor<2x3x4xi8>, %w: tensor<5x4xi8>, %q: tensor<4x64xi8>,
    %d: tensor<?x64xi8>,
    %p: !bitnet.packed<encoding = ternary2, layout = row_major, rows = 32, cols = 64, group_size = 0>,
    %i: tensor<4x32xi32>, %j: tensor<?x32xi32>) {
  %0 = bitnet.ternary_matmul %a, %w : tensor<2x3x4xi8>, tensor<5x4xi8> -> tensor<2x3x5xi32>
  %1 = bitnet.packed_matmul %q, %p outs(%i) : tensor<4x64xi8>,
      !bitnet.packed<encoding = ternary2, layout = row_major, rows = 32, cols = 64, group_size = 0>,
      tensor<4x32xi32> -> tensor<4x32xi32>
  %2 = bitnet.packed_matmul %d, %p outs(%j) : tensor<?x64xi8>,
      !bitnet.packed<encoding = ternary2, layout = row_major, rows = 32, cols = 64, group_size = 0>,
      tensor<?x32xi32> -> tensor<?x32xi32>
  return
}

// Destination style on buffers: storage bytes with their format, no result.
// CHECK-LABEL: func @matmul_on_buffers
// CHECK: bitnet.packed_matmul %{{.*}}, %{{.*}} outs(%{{.*}}) {format = !bitnet.packed<encoding = ternary2, layout = tiled, rows = 64, cols = 8, group_size = 0, block_rows = 64>, kernel = #bitnet.kernel<name = "x86", layout = tiled, lanes = 16>} : memref<2x8xi8>, memref<2x64xi8>, memref<2x64xi32>
// CHECK-NOT: ->
func.func @matmul_on_buffers(%q: memref<2x8xi8>, %w: memref<2x64xi8>,
                             %o: memref<2x64xi32>) {
  bitnet.packed_matmul %q, %w outs(%o) {
      format = !bitnet.packed<encoding = ternary2, layout = tiled, rows = 64, cols = 8, group_size = 0, block_rows = 64>,
      kernel = #bitnet.kernel<name = "x86", layout = tiled, lanes = 16>}
      : memref<2x8xi8>, memref<2x64xi8>, memref<2x64xi32>
  return
}

// CHECK-LABEL: func @packed_slice
// CHECK: bitnet.packed_slice %{{.*}} [80] : {{.*}}rows = 200{{.*}} -> {{.*}}rows = 120
func.func @packed_slice(%w: !bitnet.packed<encoding = ternary_base3, layout = tiled, rows = 200, cols = 9, group_size = 0, block_rows = 80>)
    -> !bitnet.packed<encoding = ternary_base3, layout = tiled, rows = 120, cols = 9, group_size = 0, block_rows = 80> {
  %s = bitnet.packed_slice %w [80] : !bitnet.packed<encoding = ternary_base3, layout = tiled, rows = 200, cols = 9, group_size = 0, block_rows = 80>
      -> !bitnet.packed<encoding = ternary_base3, layout = tiled, rows = 120, cols = 9, group_size = 0, block_rows = 80>
  return %s : !bitnet.packed<encoding = ternary_base3, layout = tiled, rows = 120, cols = 9, group_size = 0, block_rows = 80>
}

// The target attribute, as the driver attaches it.
// CHECK-LABEL: module @targeted
// CHECK-SAME: bitnet.target = #bitnet.target<arch = x86_64, triple = "x86_64-unknown-linux-gnu", cpu = "x86-64-v3", features = "+avx2", baseline = sse42|avx2|f16c, dispatch = avx512|avx512vnni, vector_bits = 256>
module @targeted attributes {bitnet.target = #bitnet.target<arch = x86_64,
    triple = "x86_64-unknown-linux-gnu", cpu = "x86-64-v3", features = "+avx2",
    baseline = avx2|sse42|f16c, dispatch = avx512vnni|avx512, vector_bits = 256>} {
}

// CHECK-LABEL: func @rescale
// CHECK: bitnet.rescale %{{.*}}, %{{.*}}, %{{.*}} bias %{{.*}} : tensor<4x32xi32>, tensor<4x1xf32>, tensor<1xf32>, tensor<32xf32> -> tensor<4x32xf32>
// CHECK: bitnet.rescale %{{.*}}, %{{.*}}, %{{.*}} : tensor<4x32xi32>, tensor<1x1xf32>, tensor<32xf32> -> tensor<4x32xf32>
func.func @rescale(%acc: tensor<4x32xi32>, %s: tensor<4x1xf32>, %t: tensor<1x1xf32>,
                   %ws: tensor<1xf32>, %wn: tensor<32xf32>, %b: tensor<32xf32>) {
  %0 = bitnet.rescale %acc, %s, %ws bias %b : tensor<4x32xi32>, tensor<4x1xf32>,
      tensor<1xf32>, tensor<32xf32> -> tensor<4x32xf32>
  %1 = bitnet.rescale %acc, %t, %wn : tensor<4x32xi32>, tensor<1x1xf32>,
      tensor<32xf32> -> tensor<4x32xf32>
  return
}

// The forms added for every BitNet variant: ternary_base3, row_interleaved,
// per_group and shifted quantization, i16/float matmul input, k groups,
// grouped/shifted rescale and the weight-only weight_rescale.

// CHECK-LABEL: func @packed_variants
// CHECK-SAME: !bitnet.packed<encoding = ternary_base3, layout = row_major, rows = 2, cols = 11, group_size = 0>
// CHECK-SAME: !bitnet.packed<encoding = ternary2, layout = row_interleaved, rows = 30, cols = 64, group_size = 32, block_rows = 16>
func.func @packed_variants(
    %a: !bitnet.packed<encoding = ternary_base3, layout = row_major, rows = 2, cols = 11, group_size = 0, block_rows = 1>,
    %b: !bitnet.packed<encoding = ternary2, layout = row_interleaved, rows = 30, cols = 64, group_size = 32, block_rows = 16>) {
  return
}

// base3 [1, -1, 0, 1, 1 | ...]: 2 + 0*3 + 1*9 + 2*27 + 2*81 = 227 = -29.
// row_interleaved, 3 rows, block_rows 2: storage [2 tiles * 1 byte, 2];
// the padding row 3 is zero.
// CHECK-LABEL: func @packed_constant_variants
// CHECK: bitnet.packed_constant dense<{{\[\[}}-29, 2]]> : tensor<1x2xi8> -> {{(!bitnet.packed)?}}<encoding = ternary_base3, layout = row_major, rows = 1, cols = 6, group_size = 0>
// CHECK: bitnet.packed_constant dense<{{\[\[}}-110, 1], [2, 0]]> : tensor<2x2xi8> -> {{(!bitnet.packed)?}}<encoding = ternary2, layout = row_interleaved, rows = 3, cols = 4, group_size = 0, block_rows = 2>
func.func @packed_constant_variants() {
  %0 = bitnet.packed_constant dense<[[-29, 2]]> : tensor<1x2xi8>
      -> !bitnet.packed<encoding = ternary_base3, layout = row_major, rows = 1, cols = 6, group_size = 0>
  %1 = bitnet.packed_constant dense<[[-110, 1], [2, 0]]> : tensor<2x2xi8>
      -> !bitnet.packed<encoding = ternary2, layout = row_interleaved, rows = 3, cols = 4, group_size = 0, block_rows = 2>
  return
}

// CHECK-LABEL: func @quantize_variants
// CHECK: bitnet.quantize_activations %{{.*}} per_group {clip_max = 127 : i64, clip_min = -128 : i64, eps = 9.99999974E-6 : f32, group_size = 16 : i64, qmax = 1.270000e+02 : f32} : tensor<4x64xf32> -> tensor<4x64xi8>, tensor<4x4xf32>
// CHECK: bitnet.quantize_activations %{{.*}} per_token {{.*}}shift{{.*}} : tensor<4x64xf32> -> tensor<4x64xi16>, tensor<4x1xf32>, tensor<4x1xf32>
// CHECK: bitnet.quantize_activations %{{.*}} per_tensor {{.*}}shift{{.*}} : tensor<4x64xf32> -> tensor<4x64xi8>, tensor<1x1xf32>, tensor<1x1xf32>
func.func @quantize_variants(%x: tensor<4x64xf32>) {
  %q, %s = bitnet.quantize_activations %x per_group {group_size = 16 : i64,
      qmax = 127.0 : f32, eps = 1.0e-5 : f32, clip_min = -128 : i64,
      clip_max = 127 : i64} : tensor<4x64xf32> -> tensor<4x64xi8>, tensor<4x4xf32>
  %q2, %s2, %e2 = bitnet.quantize_activations %x per_token {shift,
      qmax = 128.0 : f32, eps = 1.0e-5 : f32, clip_min = 0 : i64,
      clip_max = 255 : i64}
      : tensor<4x64xf32> -> tensor<4x64xi16>, tensor<4x1xf32>, tensor<4x1xf32>
  %q3, %s3, %e3 = bitnet.quantize_activations %x per_tensor {shift,
      qmax = 127.0 : f32, eps = 1.0e-5 : f32, clip_min = 0 : i64,
      clip_max = 127 : i64}
      : tensor<4x64xf32> -> tensor<4x64xi8>, tensor<1x1xf32>, tensor<1x1xf32>
  return
}

// CHECK-LABEL: func @matmul_variants
// CHECK: bitnet.ternary_matmul %{{.*}}, %{{.*}} : tensor<4x64xi16>, tensor<5x64xi8> -> tensor<4x5xi32>
// CHECK: bitnet.ternary_matmul %{{.*}}, %{{.*}} : tensor<4x64xf32>, tensor<5x64xi8> -> tensor<4x5xf32>
// CHECK: bitnet.ternary_matmul %{{.*}}, %{{.*}} {k_group = 16 : i64} : tensor<4x64xi8>, tensor<5x64xi8> -> tensor<4x5x4xi32>
// CHECK: bitnet.packed_matmul %{{.*}}, %{{.*}} outs(%{{.*}}) {k_group = 32 : i64} : tensor<2x3x64xf16>, {{(!bitnet.packed)?}}<encoding = ternary_base3, layout = row_interleaved, rows = 5, cols = 64, group_size = 32, block_rows = 4>, tensor<2x3x5x2xf32> -> tensor<2x3x5x2xf32>
func.func @matmul_variants(%a: tensor<4x64xi16>, %f: tensor<4x64xf32>,
    %q: tensor<4x64xi8>, %h: tensor<2x3x64xf16>, %w: tensor<5x64xi8>,
    %p: !bitnet.packed<encoding = ternary_base3, layout = row_interleaved, rows = 5, cols = 64, group_size = 32, block_rows = 4>,
    %i: tensor<2x3x5x2xf32>) {
  %0 = bitnet.ternary_matmul %a, %w : tensor<4x64xi16>, tensor<5x64xi8> -> tensor<4x5xi32>
  %1 = bitnet.ternary_matmul %f, %w : tensor<4x64xf32>, tensor<5x64xi8> -> tensor<4x5xf32>
  %2 = bitnet.ternary_matmul %q, %w {k_group = 16 : i64} : tensor<4x64xi8>, tensor<5x64xi8> -> tensor<4x5x4xi32>
  %3 = bitnet.packed_matmul %h, %p outs(%i) {k_group = 32 : i64} : tensor<2x3x64xf16>,
      !bitnet.packed<encoding = ternary_base3, layout = row_interleaved, rows = 5, cols = 64, group_size = 32, block_rows = 4>,
      tensor<2x3x5x2xf32> -> tensor<2x3x5x2xf32>
  return
}

// CHECK-LABEL: func @rescale_variants
// CHECK: bitnet.rescale %{{.*}}, %{{.*}}, %{{.*}} shift %{{.*}}, %{{.*}} bias %{{.*}} : tensor<4x32xi32>, tensor<4x1xf32>, tensor<1xf32> shift(tensor<4x1xf32>, tensor<32xi32>), tensor<32xf32> -> tensor<4x32xf32>
// CHECK: bitnet.rescale %{{.*}}, %{{.*}}, %{{.*}} : tensor<4x32x2xi32>, tensor<4x2xf32>, tensor<32x2xf32> -> tensor<4x32xf32>
// CHECK: bitnet.rescale %{{.*}}, %{{.*}}, %{{.*}} shift %{{.*}}, %{{.*}} : tensor<4x32x2xi32>, tensor<4x2xf32>, tensor<32xf32> shift(tensor<4x2xf32>, tensor<32x2xf32>) -> tensor<4x32xf32>
// CHECK: bitnet.weight_rescale %{{.*}}, %{{.*}} bias %{{.*}} : tensor<4x32xf32>, tensor<32xf32>, tensor<32xf32> -> tensor<4x32xf32>
// CHECK: bitnet.weight_rescale %{{.*}}, %{{.*}} : tensor<4x32x2xf32>, tensor<32x2xf32> -> tensor<4x32xf32>
func.func @rescale_variants(%acc: tensor<4x32xi32>, %s: tensor<4x1xf32>,
    %eta: tensor<4x1xf32>, %rowsum: tensor<32xi32>, %ws: tensor<1xf32>,
    %b: tensor<32xf32>, %gacc: tensor<4x32x2xi32>, %gs: tensor<4x2xf32>,
    %gws: tensor<32x2xf32>, %wn: tensor<32xf32>, %growsum: tensor<32x2xf32>,
    %facc: tensor<4x32xf32>, %gfacc: tensor<4x32x2xf32>) {
  %0 = bitnet.rescale %acc, %s, %ws shift %eta, %rowsum bias %b
      : tensor<4x32xi32>, tensor<4x1xf32>, tensor<1xf32>
        shift(tensor<4x1xf32>, tensor<32xi32>), tensor<32xf32> -> tensor<4x32xf32>
  %1 = bitnet.rescale %gacc, %gs, %gws : tensor<4x32x2xi32>, tensor<4x2xf32>,
      tensor<32x2xf32> -> tensor<4x32xf32>
  %2 = bitnet.rescale %gacc, %gs, %wn shift %gs, %growsum
      : tensor<4x32x2xi32>, tensor<4x2xf32>, tensor<32xf32>
        shift(tensor<4x2xf32>, tensor<32x2xf32>) -> tensor<4x32xf32>
  %3 = bitnet.weight_rescale %facc, %wn bias %b : tensor<4x32xf32>,
      tensor<32xf32>, tensor<32xf32> -> tensor<4x32xf32>
  %4 = bitnet.weight_rescale %gfacc, %gws : tensor<4x32x2xf32>,
      tensor<32x2xf32> -> tensor<4x32xf32>
  return
}
