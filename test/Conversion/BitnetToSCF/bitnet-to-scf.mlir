// RUN: bitnet-opt %s -split-input-file --bitnet-materialize-packed-storage --bitnet-lower-kernels --convert-bitnet-to-scf | FileCheck %s
// RUN: bitnet-opt %s -split-input-file --bitnet-materialize-packed-storage --bitnet-lower-kernels --convert-bitnet-to-scf | FileCheck %s --check-prefix=ADD-ONLY

// The matmuls are add-only: no integer multiplication of values anywhere
// (the only multiplications are the f32 ones of quantization and rescale,
// and the index arithmetic that addresses row_interleaved tiles).
// ADD-ONLY-NOT: arith.muli {{.*}} : {{i(8|16|32|64)}}
// ADD-ONLY-NOT: bitnet.

// ternary2, K = 64: a loop over the 16 packed bytes of a row, 4 weights per
// byte decoded with shrui/andi, added or subtracted by select; no multiply.
// CHECK-LABEL: func @packed_ternary
// CHECK-SAME: (%[[X:[a-zA-Z0-9_]+]]: tensor<4x64xi8>) -> tensor<4x32xi32>
// CHECK: %[[W:[a-zA-Z0-9_]+]] = arith.constant dense<85> : tensor<32x16xi8>
// CHECK: %[[INIT:[a-zA-Z0-9_]+]] = tensor.empty() : tensor<4x32xi32>
// CHECK: %[[RES:[a-zA-Z0-9_]+]] = scf.for %[[M:[a-zA-Z0-9_]+]] = %c0{{.*}} to %c4{{.*}} step %c1{{.*}} iter_args(%[[OUT:[a-zA-Z0-9_]+]] = %[[INIT]]) -> (tensor<4x32xi32>)
// CHECK: scf.for %[[N:[a-zA-Z0-9_]+]] = %c0{{.*}} to %c32{{.*}} step %c1{{.*}} iter_args(%[[O:[a-zA-Z0-9_]+]] = %[[OUT]]) -> (tensor<4x32xi32>)
// CHECK: %[[SUM:[a-zA-Z0-9_]+]] = scf.for %[[K0:[a-zA-Z0-9_]+]] = %c0{{.*}} to %c64{{.*}} step %c4{{.*}} iter_args(%[[ACC:[a-zA-Z0-9_]+]] = %c0_i32{{.*}}) -> (i32)
// CHECK: %[[BI:[a-zA-Z0-9_]+]] = arith.shrui %[[K0]], %{{.*}} : index
// CHECK: %[[BYTE:[a-zA-Z0-9_]+]] = tensor.extract %[[W]][%[[N]], %[[BI]]] : tensor<32x16xi8>
// CHECK: %[[A0:[a-zA-Z0-9_]+]] = tensor.extract %[[X]][%[[M]], %[[K0]]] : tensor<4x64xi8>
// CHECK: %[[X0:[a-zA-Z0-9_]+]] = arith.extsi %[[A0]] : i8 to i32
// CHECK: %[[CODE0:[a-zA-Z0-9_]+]] = arith.andi %[[BYTE]], %{{.*}} : i8
// CHECK: %[[PLUS0:[a-zA-Z0-9_]+]] = arith.cmpi eq, %[[CODE0]], %{{.*}} : i8
// CHECK: %[[MINUS0:[a-zA-Z0-9_]+]] = arith.cmpi eq, %[[CODE0]], %{{.*}} : i8
// CHECK: %[[ADD0:[a-zA-Z0-9_]+]] = arith.addi %[[ACC]], %[[X0]] : i32
// CHECK: %[[SUB0:[a-zA-Z0-9_]+]] = arith.subi %[[ACC]], %[[X0]] : i32
// CHECK: %[[SEL0:[a-zA-Z0-9_]+]] = arith.select %[[MINUS0]], %[[SUB0]], %[[ACC]] : i32
// CHECK: arith.select %[[PLUS0]], %[[ADD0]], %[[SEL0]] : i32
// CHECK: arith.shrui %[[BYTE]], %{{.*}} : i8
// CHECK-COUNT-2: arith.shrui %[[BYTE]], %{{.*}} : i8
// CHECK: scf.yield %{{.*}} : i32
// CHECK: %[[INS:[a-zA-Z0-9_]+]] = tensor.insert %[[SUM]] into %[[O]][%[[M]], %[[N]]] : tensor<4x32xi32>
// CHECK: scf.yield %[[INS]] : tensor<4x32xi32>
// CHECK: return %[[RES]]
func.func @packed_ternary(%x: tensor<4x64xi8>) -> tensor<4x32xi32> {
  %w = bitnet.packed_constant dense<85> : tensor<32x16xi8>
      -> !bitnet.packed<encoding = ternary2, layout = row_major, rows = 32, cols = 64, group_size = 0>
  %init_mm1 = tensor.empty() : tensor<4x32xi32>
  %acc = bitnet.packed_matmul %x, %w outs(%init_mm1) : tensor<4x64xi8>,
      !bitnet.packed<encoding = ternary2, layout = row_major, rows = 32, cols = 64, group_size = 0>,
      tensor<4x32xi32> -> tensor<4x32xi32>
  return %acc : tensor<4x32xi32>
}

// -----

// binary1, K = 37 and rank 3: 4 whole bytes in the loop (8 weights each,
// bit set -> add, clear -> subtract), then the tail byte 4 with 5 weights.
// CHECK-LABEL: func @packed_binary_tail
// CHECK-SAME: (%[[X:[a-zA-Z0-9_]+]]: tensor<2x3x37xi8>) -> tensor<2x3x5xi32>
// CHECK: %[[W:[a-zA-Z0-9_]+]] = arith.constant dense<{{.*}}> : tensor<5x5xi8>
// CHECK: %[[FLAT:[a-zA-Z0-9_]+]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1], [2]] : tensor<2x3x37xi8> into tensor<6x37xi8>
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2]] : tensor<2x3x5xi32> into tensor<6x5xi32>
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c6{{.*}} step
// CHECK: scf.for %[[N:[a-zA-Z0-9_]+]] = %c0{{.*}} to %c5{{.*}} step
// CHECK: %[[LOOP:[a-zA-Z0-9_]+]] = scf.for %{{.*}} = %c0{{.*}} to %c32{{.*}} step %c8{{.*}} iter_args
// CHECK-COUNT-7: arith.shrui %{{.*}}, %{{.*}} : i8
// CHECK: scf.yield
// CHECK: %[[TAIL:[a-zA-Z0-9_]+]] = tensor.extract %[[W]][%[[N]], %c4{{.*}}] : tensor<5x5xi8>
// CHECK: tensor.extract %[[FLAT]][%{{.*}}, %c32{{.*}}] : tensor<6x37xi8>
// CHECK: %[[BIT:[a-zA-Z0-9_]+]] = arith.andi %[[TAIL]], %{{.*}} : i8
// CHECK: %[[SET:[a-zA-Z0-9_]+]] = arith.cmpi ne, %[[BIT]], %{{.*}} : i8
// CHECK: %[[ADD:[a-zA-Z0-9_]+]] = arith.addi %[[LOOP]], %{{.*}} : i32
// CHECK: %[[SUB:[a-zA-Z0-9_]+]] = arith.subi %[[LOOP]], %{{.*}} : i32
// CHECK: arith.select %[[SET]], %[[ADD]], %[[SUB]] : i32
// CHECK-COUNT-3: arith.shrui %[[TAIL]]
// CHECK: tensor.extract %[[FLAT]][%{{.*}}, %c36{{.*}}] : tensor<6x37xi8>
// CHECK: arith.shrui %[[TAIL]], %c4_i8
// CHECK-NOT: tensor.extract %[[FLAT]]
// CHECK: tensor.insert
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2]] output_shape [2, 3, 5] : tensor<6x5xi32> into tensor<2x3x5xi32>
func.func @packed_binary_tail(%x: tensor<2x3x37xi8>) -> tensor<2x3x5xi32> {
  %w = bitnet.packed_constant dense<[[1, 2, 3, 4, 5], [6, 7, 8, 9, 10], [11, 12, 13, 14, 15],
                                     [16, 17, 18, 19, 20], [21, 22, 23, 24, 25]]> : tensor<5x5xi8>
      -> !bitnet.packed<encoding = binary1, layout = row_major, rows = 5, cols = 37, group_size = 0>
  %init_mm2 = tensor.empty() : tensor<2x3x5xi32>
  %acc = bitnet.packed_matmul %x, %w outs(%init_mm2) : tensor<2x3x37xi8>,
      !bitnet.packed<encoding = binary1, layout = row_major, rows = 5, cols = 37, group_size = 0>,
      tensor<2x3x5xi32> -> tensor<2x3x5xi32>
  return %acc : tensor<2x3x5xi32>
}

// -----

// Dynamic M: the loop bound is the tensor.dim of the input.
// CHECK-LABEL: func @packed_dynamic
// CHECK: %[[DIM:[a-zA-Z0-9_]+]] = tensor.dim %{{.*}}, %{{.*}} : tensor<?x16xi8>
// CHECK: tensor.empty(%[[DIM]]) : tensor<?x3xi32>
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[DIM]]
func.func @packed_dynamic(%x: tensor<?x16xi8>) -> tensor<?x3xi32> {
  %w = bitnet.packed_constant dense<0> : tensor<3x4xi8>
      -> !bitnet.packed<encoding = ternary2, layout = row_major, rows = 3, cols = 16, group_size = 0>
  %c0_mm3 = arith.constant 0 : index
  %d0_mm3 = tensor.dim %x, %c0_mm3 : tensor<?x16xi8>
  %init_mm3 = tensor.empty(%d0_mm3) : tensor<?x3xi32>
  %acc = bitnet.packed_matmul %x, %w outs(%init_mm3) : tensor<?x16xi8>,
      !bitnet.packed<encoding = ternary2, layout = row_major, rows = 3, cols = 16, group_size = 0>,
      tensor<?x3xi32> -> tensor<?x3xi32>
  return %acc : tensor<?x3xi32>
}

// -----

// Unpacked weights: > 0 adds, < 0 subtracts, 0 skips; rank-1 input.
// CHECK-LABEL: func @ternary_unpacked
// CHECK-SAME: (%[[X:[a-zA-Z0-9_]+]]: tensor<8xi8>, %[[W:[a-zA-Z0-9_]+]]: tensor<3x8xi8>) -> tensor<3xi32>
// CHECK: %[[ROW:[a-zA-Z0-9_]+]] = tensor.expand_shape %[[X]] {{\[\[}}0, 1]] output_shape [1, 8] : tensor<8xi8> into tensor<1x8xi8>
// CHECK: scf.for
// CHECK: scf.for %[[N:[a-zA-Z0-9_]+]] =
// CHECK: scf.for %[[K:[a-zA-Z0-9_]+]] = {{.*}} iter_args(%[[ACC:[a-zA-Z0-9_]+]] = %{{.*}}) -> (i32)
// CHECK: %[[WV:[a-zA-Z0-9_]+]] = tensor.extract %[[W]][%[[N]], %[[K]]] : tensor<3x8xi8>
// CHECK: %[[POS:[a-zA-Z0-9_]+]] = arith.cmpi sgt, %[[WV]], %{{.*}} : i8
// CHECK: %[[NEG:[a-zA-Z0-9_]+]] = arith.cmpi slt, %[[WV]], %{{.*}} : i8
// CHECK: tensor.extract %[[ROW]][%{{.*}}, %[[K]]] : tensor<1x8xi8>
// CHECK: %[[SKIP:[a-zA-Z0-9_]+]] = arith.select %[[NEG]], %{{.*}}, %[[ACC]] : i32
// CHECK: arith.select %[[POS]], %{{.*}}, %[[SKIP]] : i32
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<1x3xi32> into tensor<3xi32>
func.func @ternary_unpacked(%x: tensor<8xi8>, %w: tensor<3x8xi8>) -> tensor<3xi32> {
  %acc = bitnet.ternary_matmul %x, %w : tensor<8xi8>, tensor<3x8xi8> -> tensor<3xi32>
  return %acc : tensor<3xi32>
}

// -----

// per_token: absmax over the last dim, scale = qmax / max(absmax, eps),
// q = clamp(roundeven(x * scale)) in this order; scale expanded to [4, 1].
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func @quantize_per_token
// CHECK-SAME: (%[[X:[a-zA-Z0-9_]+]]: tensor<4x64xf32>)
// CHECK: %[[ZERO:[a-zA-Z0-9_]+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[FILL:[a-zA-Z0-9_]+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<4xf32>) -> tensor<4xf32>
// CHECK: %[[ABSMAX:[a-zA-Z0-9_]+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "reduction"]} ins(%[[X]] : tensor<4x64xf32>) outs(%[[FILL]] : tensor<4xf32>)
// CHECK: %[[ABS:[a-zA-Z0-9_]+]] = math.absf
// CHECK: arith.maximumf %[[ABS]]
// CHECK: %[[QMAX:[a-zA-Z0-9_]+]] = arith.constant 1.270000e+02 : f32
// CHECK: %[[EPS:[a-zA-Z0-9_]+]] = arith.constant 9.99999974E-6 : f32
// CHECK: %[[SCALE:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} ins(%[[ABSMAX]] : tensor<4xf32>)
// CHECK: %[[FLOOR:[a-zA-Z0-9_]+]] = arith.maximumf %{{.*}}, %[[EPS]] : f32
// CHECK: arith.divf %[[QMAX]], %[[FLOOR]] : f32
// CHECK: %[[LO:[a-zA-Z0-9_]+]] = arith.constant -1.280000e+02 : f32
// CHECK: %[[HI:[a-zA-Z0-9_]+]] = arith.constant 1.270000e+02 : f32
// CHECK: %[[Q:[a-zA-Z0-9_]+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[X]], %[[SCALE]] : tensor<4x64xf32>, tensor<4xf32>) outs(%{{.*}} : tensor<4x64xi8>)
// CHECK: ^bb0(%[[IN:[a-zA-Z0-9_]+]]: f32, %[[S:[a-zA-Z0-9_]+]]: f32, %{{.*}}: i8):
// CHECK: %[[P:[a-zA-Z0-9_]+]] = arith.mulf %[[IN]], %[[S]] : f32
// CHECK: %[[R:[a-zA-Z0-9_]+]] = math.roundeven %[[P]] : f32
// CHECK: %[[C1:[a-zA-Z0-9_]+]] = arith.maxnumf %[[R]], %[[LO]] : f32
// CHECK: %[[C2:[a-zA-Z0-9_]+]] = arith.minnumf %[[C1]], %[[HI]] : f32
// CHECK: arith.fptosi %[[C2]] : f32 to i8
// CHECK: %[[SOUT:[a-zA-Z0-9_]+]] = tensor.expand_shape %[[SCALE]] {{\[\[}}0, 1]] output_shape [4, 1] : tensor<4xf32> into tensor<4x1xf32>
// CHECK: return %[[Q]], %[[SOUT]]
func.func @quantize_per_token(%x: tensor<4x64xf32>) -> (tensor<4x64xi8>, tensor<4x1xf32>) {
  %q, %s = bitnet.quantize_activations %x per_token {qmax = 127.0 : f32,
      eps = 1.0e-5 : f32, clip_min = -128 : i64, clip_max = 127 : i64}
      : tensor<4x64xf32> -> tensor<4x64xi8>, tensor<4x1xf32>
  return %q, %s : tensor<4x64xi8>, tensor<4x1xf32>
}

// -----

// per_tensor with `reciprocal`: one scale (1 / max(absmax, eps)) * qmax.
// CHECK: #[[ALL:.*]] = affine_map<(d0, d1, d2) -> ()>
// CHECK-LABEL: func @quantize_per_tensor
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[ALL]]], iterator_types = ["reduction", "reduction", "reduction"]} {{.*}} outs(%{{.*}} : tensor<f32>)
// CHECK: %[[QMAX:[a-zA-Z0-9_]+]] = arith.constant 1.270000e+02 : f32
// CHECK: %[[ONE:[a-zA-Z0-9_]+]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[INV:[a-zA-Z0-9_]+]] = arith.divf %[[ONE]], %{{.*}} : f32
// CHECK: arith.mulf %[[INV]], %[[QMAX]] : f32
// CHECK: tensor.expand_shape %{{.*}} [] output_shape [1, 1, 1] : tensor<f32> into tensor<1x1x1xf32>
func.func @quantize_per_tensor(%x: tensor<2x3x8xf32>) -> (tensor<2x3x8xi8>, tensor<1x1x1xf32>) {
  %q, %s = bitnet.quantize_activations %x per_tensor {qmax = 127.0 : f32,
      eps = 0.0 : f32, clip_min = -127 : i64, clip_max = 127 : i64, reciprocal}
      : tensor<2x3x8xf32> -> tensor<2x3x8xi8>, tensor<1x1x1xf32>
  return %q, %s : tensor<2x3x8xi8>, tensor<1x1x1xf32>
}

// -----

// Dynamic leading dim: sizes from tensor.dim; the scale keeps the op's type.
// CHECK-LABEL: func @quantize_dynamic
// CHECK: %[[D:[a-zA-Z0-9_]+]] = tensor.dim %{{.*}}, %{{.*}} : tensor<?x8xf32>
// CHECK: tensor.empty(%[[D]]) : tensor<?xf32>
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [%[[D]], 1] : tensor<?xf32> into tensor<?x1xf32>
func.func @quantize_dynamic(%x: tensor<?x8xf32>) -> (tensor<?x8xi8>, tensor<?x1xf32>) {
  %q, %s = bitnet.quantize_activations %x per_token {qmax = 127.0 : f32,
      eps = 1.0e-5 : f32, clip_min = -128 : i64, clip_max = 127 : i64}
      : tensor<?x8xf32> -> tensor<?x8xi8>, tensor<?x1xf32>
  return %q, %s : tensor<?x8xi8>, tensor<?x1xf32>
}

// -----

// rescale with bias: float(acc) * weight_scale / act_scale + bias; a
// 1-element weight_scale becomes rank 0, act_scale [4, 1] becomes [4].
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func @rescale_bias
// CHECK-SAME: (%[[ACC:[a-zA-Z0-9_]+]]: tensor<4x32xi32>, %[[S:[a-zA-Z0-9_]+]]: tensor<4x1xf32>, %[[WS:[a-zA-Z0-9_]+]]: tensor<1xf32>, %[[B:[a-zA-Z0-9_]+]]: tensor<32xf32>)
// CHECK: %[[SV:[a-zA-Z0-9_]+]] = tensor.collapse_shape %[[S]] {{\[\[}}0, 1]] : tensor<4x1xf32> into tensor<4xf32>
// CHECK: %[[WV:[a-zA-Z0-9_]+]] = tensor.collapse_shape %[[WS]] [] : tensor<1xf32> into tensor<f32>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[SCALAR]], #[[COL]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[ACC]], %[[SV]], %[[WV]], %[[B]] : tensor<4x32xi32>, tensor<4xf32>, tensor<f32>, tensor<32xf32>)
// CHECK: ^bb0(%[[A:[a-zA-Z0-9_]+]]: i32, %[[IS:[a-zA-Z0-9_]+]]: f32, %[[IW:[a-zA-Z0-9_]+]]: f32, %[[IB:[a-zA-Z0-9_]+]]: f32, %{{.*}}: f32):
// CHECK: %[[F:[a-zA-Z0-9_]+]] = arith.sitofp %[[A]] : i32 to f32
// CHECK: %[[M:[a-zA-Z0-9_]+]] = arith.mulf %[[F]], %[[IW]] : f32
// CHECK: %[[D:[a-zA-Z0-9_]+]] = arith.divf %[[M]], %[[IS]] : f32
// CHECK: %[[Y:[a-zA-Z0-9_]+]] = arith.addf %[[D]], %[[IB]] : f32
// CHECK: linalg.yield %[[Y]] : f32
func.func @rescale_bias(%acc: tensor<4x32xi32>, %s: tensor<4x1xf32>, %ws: tensor<1xf32>,
                        %b: tensor<32xf32>) -> tensor<4x32xf32> {
  %y = bitnet.rescale %acc, %s, %ws bias %b : tensor<4x32xi32>, tensor<4x1xf32>,
      tensor<1xf32>, tensor<32xf32> -> tensor<4x32xf32>
  return %y : tensor<4x32xf32>
}

// -----

// rescale without bias, per-tensor act_scale [1, 1, 1] (rank 0) and a
// per-row weight_scale [1, 32] (collapsed to [32]).
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0, d1, d2) -> ()>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func @rescale_no_bias
// CHECK: tensor.collapse_shape %{{.*}} [] : tensor<1x1x1xf32> into tensor<f32>
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<1x32xf32> into tensor<32xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[SCALAR]], #[[COL]], #[[ID]]]
// CHECK: arith.sitofp
// CHECK: arith.mulf
// CHECK: arith.divf
// CHECK-NOT: arith.addf
// CHECK: linalg.yield
func.func @rescale_no_bias(%acc: tensor<2x3x32xi32>, %s: tensor<1x1x1xf32>,
                           %ws: tensor<1x32xf32>) -> tensor<2x3x32xf32> {
  %y = bitnet.rescale %acc, %s, %ws : tensor<2x3x32xi32>, tensor<1x1x1xf32>,
      tensor<1x32xf32> -> tensor<2x3x32xf32>
  return %y : tensor<2x3x32xf32>
}

// -----

// ternary_base3 in row_interleaved tiles of 2, K = 7: storage row
// (n / 2) * rowBytes + byte, lane n % 2; digit s of the unsigned byte is
// (byte / 3^s) % 3 (divui/remui on i8, no multiply by a weight); one whole
// byte of 5 weights in the loop, then a tail byte of 2.
// CHECK-LABEL: func @packed_base3_interleaved
// CHECK-DAG: %[[W:[a-zA-Z0-9_]+]] = arith.constant dense<0> : tensor<4x2xi8>
// CHECK-DAG: %[[THREE:[a-zA-Z0-9_]+]] = arith.constant 3 : i8
// CHECK-DAG: %[[P81:[a-zA-Z0-9_]+]] = arith.constant 81 : i8
// CHECK: scf.for
// CHECK: scf.for %[[N:[a-zA-Z0-9_]+]] =
// CHECK: %[[TILE:[a-zA-Z0-9_]+]] = arith.shrui %[[N]], %{{.*}} : index
// CHECK: %[[FIRST:[a-zA-Z0-9_]+]] = arith.muli %[[TILE]], %{{.*}} : index
// CHECK: %[[LANE:[a-zA-Z0-9_]+]] = arith.andi %[[N]], %{{.*}} : index
// CHECK: scf.for %[[K0:[a-zA-Z0-9_]+]] = %{{.*}} to %c5{{.*}} step %c5
// CHECK: %[[BI:[a-zA-Z0-9_]+]] = arith.divui %[[K0]], %{{.*}} : index
// CHECK: %[[SROW:[a-zA-Z0-9_]+]] = arith.addi %[[FIRST]], %[[BI]] : index
// CHECK: %[[BYTE:[a-zA-Z0-9_]+]] = tensor.extract %[[W]][%[[SROW]], %[[LANE]]] : tensor<4x2xi8>
// CHECK: %[[D0:[a-zA-Z0-9_]+]] = arith.remui %[[BYTE]], %[[THREE]] : i8
// CHECK: arith.cmpi eq, %[[D0]], %{{.*}} : i8
// CHECK: %[[Q4:[a-zA-Z0-9_]+]] = arith.divui %[[BYTE]], %[[P81]] : i8
// CHECK: arith.remui %[[Q4]], %[[THREE]] : i8
// CHECK: scf.yield
// CHECK: %[[TAILROW:[a-zA-Z0-9_]+]] = arith.addi %[[FIRST]], %c1{{.*}} : index
// CHECK: %[[TAIL:[a-zA-Z0-9_]+]] = tensor.extract %[[W]][%[[TAILROW]], %[[LANE]]]
// CHECK: arith.remui %[[TAIL]], %[[THREE]] : i8
// CHECK: arith.divui %[[TAIL]], %{{.*}} : i8
// CHECK-NOT: arith.divui %[[TAIL]]
// CHECK: tensor.insert
func.func @packed_base3_interleaved(%x: tensor<2x7xi8>) -> tensor<2x3xi32> {
  %w = bitnet.packed_constant dense<0> : tensor<4x2xi8>
      -> !bitnet.packed<encoding = ternary_base3, layout = row_interleaved, rows = 3, cols = 7, group_size = 0, block_rows = 2>
  %init_mm4 = tensor.empty() : tensor<2x3xi32>
  %acc = bitnet.packed_matmul %x, %w outs(%init_mm4) : tensor<2x7xi8>,
      !bitnet.packed<encoding = ternary_base3, layout = row_interleaved, rows = 3, cols = 7, group_size = 0, block_rows = 2>,
      tensor<2x3xi32> -> tensor<2x3xi32>
  return %acc : tensor<2x3xi32>
}

// -----

// f16 input, k_group = 6 (not a multiple of 4 weights per byte): a loop
// over group starts (step 6, group index k / 6), then weight by weight:
// byte k >> 2, slot k & 3, shift slot + slot; f16 extended to f32 and added
// or subtracted with addf/subf (no float multiply).
// CHECK-LABEL: func @packed_float_grouped
// CHECK: tensor.empty() : tensor<2x3x2xf32>
// CHECK: scf.for %[[M:[a-zA-Z0-9_]+]] =
// CHECK: scf.for %[[N:[a-zA-Z0-9_]+]] =
// CHECK: scf.for %[[KS:[a-zA-Z0-9_]+]] = %{{.*}} to %c12{{.*}} step %c6
// CHECK: %[[G:[a-zA-Z0-9_]+]] = arith.divui %[[KS]], %{{.*}} : index
// CHECK: %[[END:[a-zA-Z0-9_]+]] = arith.addi %[[KS]], %{{.*}} : index
// CHECK: %[[SUM:[a-zA-Z0-9_]+]] = scf.for %[[K:[a-zA-Z0-9_]+]] = %[[KS]] to %[[END]] step %{{.*}} iter_args(%[[ACC:[a-zA-Z0-9_]+]] = %{{.*}}) -> (f32)
// CHECK: %[[BI:[a-zA-Z0-9_]+]] = arith.shrui %[[K]], %{{.*}} : index
// CHECK: %[[BYTE:[a-zA-Z0-9_]+]] = tensor.extract %{{.*}}[%[[N]], %[[BI]]] : tensor<3x3xi8>
// CHECK: %[[SLOT:[a-zA-Z0-9_]+]] = arith.andi %[[K]], %{{.*}} : index
// CHECK: %[[S8:[a-zA-Z0-9_]+]] = arith.index_cast %[[SLOT]] : index to i8
// CHECK: %[[SHIFT:[a-zA-Z0-9_]+]] = arith.addi %[[S8]], %[[S8]] : i8
// CHECK: %[[X:[a-zA-Z0-9_]+]] = tensor.extract %{{.*}}[%[[M]], %[[K]]] : tensor<2x12xf16>
// CHECK: %[[XF:[a-zA-Z0-9_]+]] = arith.extf %[[X]] : f16 to f32
// CHECK: arith.shrui %[[BYTE]], %[[SHIFT]] : i8
// CHECK: arith.addf %[[ACC]], %[[XF]] : f32
// CHECK: arith.subf %[[ACC]], %[[XF]] : f32
// CHECK: tensor.insert %[[SUM]] into %{{.*}}[%[[M]], %[[N]], %[[G]]] : tensor<2x3x2xf32>
// CHECK-NOT: arith.mulf
// CHECK: return
func.func @packed_float_grouped(%x: tensor<2x12xf16>) -> tensor<2x3x2xf32> {
  %w = bitnet.packed_constant dense<0> : tensor<3x3xi8>
      -> !bitnet.packed<encoding = ternary2, layout = row_major, rows = 3, cols = 12, group_size = 6>
  %init_mm5 = tensor.empty() : tensor<2x3x2xf32>
  %acc = bitnet.packed_matmul %x, %w outs(%init_mm5) {k_group = 6 : i64} : tensor<2x12xf16>,
      !bitnet.packed<encoding = ternary2, layout = row_major, rows = 3, cols = 12, group_size = 6>,
      tensor<2x3x2xf32> -> tensor<2x3x2xf32>
  return %acc : tensor<2x3x2xf32>
}

// -----

// i16 input, k_group = 8 on byte boundaries of binary1: the byte loop runs
// over [k, k + 8) of each group; activations sign-extended from i16.
// CHECK-LABEL: func @packed_i16_grouped
// CHECK: scf.for %[[KS:[a-zA-Z0-9_]+]] = %{{.*}} to %c16{{.*}} step %c8
// CHECK: %[[G:[a-zA-Z0-9_]+]] = arith.shrui %[[KS]], %{{.*}} : index
// CHECK: %[[END:[a-zA-Z0-9_]+]] = arith.addi %[[KS]], %{{.*}} : index
// CHECK: scf.for %{{.*}} = %[[KS]] to %[[END]] step %c8
// CHECK: arith.extsi %{{.*}} : i16 to i32
// CHECK-COUNT-7: arith.shrui %{{.*}}, %{{.*}} : i8
// CHECK: tensor.insert %{{.*}} into %{{.*}}[%{{.*}}, %{{.*}}, %[[G]]] : tensor<1x2x2xi32>
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2]] : tensor<1x2x2xi32> into tensor<2x2xi32>
func.func @packed_i16_grouped(%x: tensor<16xi16>) -> tensor<2x2xi32> {
  %w = bitnet.packed_constant dense<0> : tensor<2x2xi8>
      -> !bitnet.packed<encoding = binary1, layout = row_major, rows = 2, cols = 16, group_size = 8>
  %init_mm6 = tensor.empty() : tensor<2x2xi32>
  %acc = bitnet.packed_matmul %x, %w outs(%init_mm6) {k_group = 8 : i64} : tensor<16xi16>,
      !bitnet.packed<encoding = binary1, layout = row_major, rows = 2, cols = 16, group_size = 8>,
      tensor<2x2xi32> -> tensor<2x2xi32>
  return %acc : tensor<2x2xi32>
}

// -----

// per_group (G = 4) with shift and an i16 result: x is expanded to
// [2, 2, 4] (groups become tokens), absmax and min (from +inf) reduce the
// last dim, q = clamp(roundeven((x - eta) * scale)) -> i16, collapsed back;
// scale and eta are the [2, 2] reductions themselves.
// CHECK-LABEL: func @quantize_group_shift
// CHECK: %[[XG:[a-zA-Z0-9_]+]] = tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] output_shape [2, 2, 4] : tensor<2x8xf32> into tensor<2x2x4xf32>
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[XG]] : tensor<2x2x4xf32>)
// CHECK: math.absf
// CHECK: arith.maximumf
// CHECK: %[[INF:[a-zA-Z0-9_]+]] = arith.constant 0x7F800000 : f32
// CHECK: linalg.fill ins(%[[INF]] : f32)
// CHECK: %[[ETA:[a-zA-Z0-9_]+]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[XG]] : tensor<2x2x4xf32>)
// CHECK: arith.minimumf
// CHECK: %[[SCALE:[a-zA-Z0-9_]+]] = linalg.generic
// CHECK: arith.divf
// CHECK: %[[Q:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} ins(%[[XG]], %[[SCALE]], %[[ETA]] : tensor<2x2x4xf32>, tensor<2x2xf32>, tensor<2x2xf32>)
// CHECK: ^bb0(%[[IN:[a-zA-Z0-9_]+]]: f32, %[[S:[a-zA-Z0-9_]+]]: f32, %[[E:[a-zA-Z0-9_]+]]: f32, %{{.*}}: i16):
// CHECK: %[[SHIFTED:[a-zA-Z0-9_]+]] = arith.subf %[[IN]], %[[E]] : f32
// CHECK: arith.mulf %[[SHIFTED]], %[[S]] : f32
// CHECK: math.roundeven
// CHECK: arith.fptosi %{{.*}} : f32 to i16
// CHECK: %[[QC:[a-zA-Z0-9_]+]] = tensor.collapse_shape %[[Q]] {{\[\[}}0], [1, 2]] : tensor<2x2x4xi16> into tensor<2x8xi16>
// CHECK: return %[[QC]], %[[SCALE]], %[[ETA]]
func.func @quantize_group_shift(%x: tensor<2x8xf32>) -> (tensor<2x8xi16>, tensor<2x2xf32>, tensor<2x2xf32>) {
  %q, %s, %e = bitnet.quantize_activations %x per_group {group_size = 4 : i64,
      shift, qmax = 128.0 : f32, eps = 1.0e-5 : f32, clip_min = 0 : i64,
      clip_max = 255 : i64}
      : tensor<2x8xf32> -> tensor<2x8xi16>, tensor<2x2xf32>, tensor<2x2xf32>
  return %q, %s, %e : tensor<2x8xi16>, tensor<2x2xf32>, tensor<2x2xf32>
}

// -----

// shifted_absmax and divide (BitNet's pre-non-linearity quantizer with gamma
// = max |x - eta| spelled (x - eta) * Q / gamma): max(x) from -inf, min(x);
// one generic gives the scale qmax / max(max - eta, eps) and the floor
// max(max - eta, eps); q divides ((x - eta) * qmax) by the floor.
// CHECK-LABEL: func @quantize_shifted_divide
// CHECK: %[[NEGINF:[a-zA-Z0-9_]+]] = arith.constant 0xFF800000 : f32
// CHECK: linalg.fill ins(%[[NEGINF]] : f32)
// CHECK: %[[MAX:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} ins(%arg0 : tensor<2x8xf32>)
// CHECK-NOT: math.absf
// CHECK: arith.maximumf
// CHECK: %[[ETA:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} ins(%arg0 : tensor<2x8xf32>)
// CHECK: arith.minimumf
// CHECK: %[[QMAX:[a-zA-Z0-9_]+]] = arith.constant 1.280000e+02 : f32
// CHECK: %[[EPS:[a-zA-Z0-9_]+]] = arith.constant 9.99999974E-6 : f32
// CHECK: %[[SF:[a-zA-Z0-9_]+]]:2 = linalg.generic {{.*}} ins(%[[MAX]], %[[ETA]] : tensor<2xf32>, tensor<2xf32>)
// CHECK: %[[M:[a-zA-Z0-9_]+]] = arith.subf
// CHECK: %[[FLOOR:[a-zA-Z0-9_]+]] = arith.maximumf %[[M]], %[[EPS]] : f32
// CHECK: %[[SCALE:[a-zA-Z0-9_]+]] = arith.divf %[[QMAX]], %[[FLOOR]] : f32
// CHECK: linalg.yield %[[SCALE]], %[[FLOOR]] : f32, f32
// CHECK: linalg.generic {{.*}} ins(%arg0, %[[SF]]#1, %[[ETA]] : tensor<2x8xf32>, tensor<2xf32>, tensor<2xf32>)
// CHECK: ^bb0(%[[IN:[a-zA-Z0-9_]+]]: f32, %[[F:[a-zA-Z0-9_]+]]: f32, %[[E:[a-zA-Z0-9_]+]]: f32, %{{.*}}: i16):
// CHECK: %[[SHIFTED:[a-zA-Z0-9_]+]] = arith.subf %[[IN]], %[[E]] : f32
// CHECK: %[[P:[a-zA-Z0-9_]+]] = arith.mulf %[[SHIFTED]], %[[QMAX]] : f32
// CHECK: arith.divf %[[P]], %[[F]] : f32
// CHECK: math.roundeven
// CHECK: arith.fptosi %{{.*}} : f32 to i16
// CHECK: tensor.expand_shape %[[SF]]#0
func.func @quantize_shifted_divide(%x: tensor<2x8xf32>) -> (tensor<2x8xi16>, tensor<2x1xf32>, tensor<2x1xf32>) {
  %q, %s, %e = bitnet.quantize_activations %x per_token {shift,
      shifted_absmax, divide, qmax = 128.0 : f32, eps = 1.0e-5 : f32,
      clip_min = 0 : i64, clip_max = 128 : i64}
      : tensor<2x8xf32> -> tensor<2x8xi16>, tensor<2x1xf32>, tensor<2x1xf32>
  return %q, %s, %e : tensor<2x8xi16>, tensor<2x1xf32>, tensor<2x1xf32>
}

// -----

// Grouped rescale with shift: one generic over [4, 3, 2] reducing the group
// dim into a zero-filled [4, 3]; per group float(acc) * ws / as +
// (eta * ws) * float(rowsum); the bias is added by a second generic.
// CHECK-DAG: #[[ACC:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[TOKGRP:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[ROWGRP:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func @rescale_grouped_shift
// CHECK: %[[ZERO:[a-zA-Z0-9_]+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT:[a-zA-Z0-9_]+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<4x3xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[ACC]], #[[TOKGRP]], #[[ROWGRP]], #[[TOKGRP]], #[[ROWGRP]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]} {{.*}} outs(%[[INIT]] : tensor<4x3xf32>)
// CHECK: ^bb0(%[[A:[a-zA-Z0-9_]+]]: i32, %[[S:[a-zA-Z0-9_]+]]: f32, %[[W:[a-zA-Z0-9_]+]]: f32, %[[E:[a-zA-Z0-9_]+]]: f32, %[[R:[a-zA-Z0-9_]+]]: i32, %[[Y:[a-zA-Z0-9_]+]]: f32):
// CHECK: %[[F:[a-zA-Z0-9_]+]] = arith.sitofp %[[A]] : i32 to f32
// CHECK: %[[FW:[a-zA-Z0-9_]+]] = arith.mulf %[[F]], %[[W]] : f32
// CHECK: %[[T:[a-zA-Z0-9_]+]] = arith.divf %[[FW]], %[[S]] : f32
// CHECK: %[[RF:[a-zA-Z0-9_]+]] = arith.sitofp %[[R]] : i32 to f32
// CHECK: %[[EW:[a-zA-Z0-9_]+]] = arith.mulf %[[E]], %[[W]] : f32
// CHECK: %[[C:[a-zA-Z0-9_]+]] = arith.mulf %[[EW]], %[[RF]] : f32
// CHECK: %[[TC:[a-zA-Z0-9_]+]] = arith.addf %[[T]], %[[C]] : f32
// CHECK: arith.addf %[[Y]], %[[TC]] : f32
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]}
// CHECK: arith.addf
func.func @rescale_grouped_shift(%acc: tensor<4x3x2xi32>, %s: tensor<4x2xf32>,
    %ws: tensor<3x2xf32>, %eta: tensor<4x2xf32>, %rowsum: tensor<3x2xi32>,
    %b: tensor<3xf32>) -> tensor<4x3xf32> {
  %y = bitnet.rescale %acc, %s, %ws shift %eta, %rowsum bias %b
      : tensor<4x3x2xi32>, tensor<4x2xf32>, tensor<3x2xf32>
        shift(tensor<4x2xf32>, tensor<3x2xi32>), tensor<3xf32> -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

// weight_rescale: float sums times the weight scale, bias fused (ungrouped).
// CHECK-LABEL: func @weight_rescale
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]} ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<4x3xf32>, tensor<3xf32>, tensor<3xf32>)
// CHECK: ^bb0(%[[A:[a-zA-Z0-9_]+]]: f32, %[[W:[a-zA-Z0-9_]+]]: f32, %[[B:[a-zA-Z0-9_]+]]: f32, %{{.*}}: f32):
// CHECK: %[[P:[a-zA-Z0-9_]+]] = arith.mulf %[[A]], %[[W]] : f32
// CHECK: arith.addf %[[P]], %[[B]] : f32
func.func @weight_rescale(%acc: tensor<4x3xf32>, %ws: tensor<3xf32>,
                          %b: tensor<3xf32>) -> tensor<4x3xf32> {
  %y = bitnet.weight_rescale %acc, %ws bias %b : tensor<4x3xf32>,
      tensor<3xf32>, tensor<3xf32> -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}
