// RUN: bitnet-opt %s --bitnet-lower-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so \
// RUN: | FileCheck %s

// Data movement and shape ops against numpy on x = arange(24) - 6 as
// [2,3,4] (results flattened for printing).

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %n = onnx.NoValue
  %x = arith.constant dense<[[[-6.0, -5.0, -4.0, -3.0], [-2.0, -1.0, 0.0, 1.0], [2.0, 3.0, 4.0, 5.0]], [[6.0, 7.0, 8.0, 9.0], [10.0, 11.0, 12.0, 13.0], [14.0, 15.0, 16.0, 17.0]]]> : tensor<2x3x4xf32>
  %gi = onnx.Constant {value = dense<[[0, -1], [1, 0]]> : tensor<2x2xi64>} : tensor<2x2xi64>
  // Gather, 2-D indices with a negative one, axis 1.
  %g1 = onnx.Gather(%x, %gi) {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x2xi64>) -> tensor<2x2x2x4xf32>
  %gs = onnx.Constant {value = dense<-2> : tensor<i64>} : tensor<i64>
  // Gather, one constant index: a slice.
  %g2 = onnx.Gather(%x, %gs) {axis = 2 : i64} : (tensor<2x3x4xf32>, tensor<i64>) -> tensor<2x3xf32>
  %gei = onnx.Constant {value = dense<[[[0, 2, 1, 0]], [[2, 2, -1, 0]]]> : tensor<2x1x4xi64>} : tensor<2x1x4xi64>
  // GatherElements along axis 1.
  %g3 = onnx.GatherElements(%x, %gei) {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x1x4xi64>) -> tensor<2x1x4xf32>
  %s_st = onnx.Constant {value = dense<[-2, 1]> : tensor<2xi64>} : tensor<2xi64>
  %s_en = onnx.Constant {value = dense<[1000, -1]> : tensor<2xi64>} : tensor<2xi64>
  %s_ax = onnx.Constant {value = dense<[2, 1]> : tensor<2xi64>} : tensor<2xi64>
  %s_sp = onnx.Constant {value = dense<[1, 1]> : tensor<2xi64>} : tensor<2xi64>
  // Slice with negative starts/ends and an end past the dim.
  %s1 = onnx.Slice(%x, %s_st, %s_en, %s_ax, %s_sp) : (tensor<2x3x4xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<2x1x2xf32>
  %t_st = onnx.Constant {value = dense<[-1, 2]> : tensor<2xi64>} : tensor<2xi64>
  %t_en = onnx.Constant {value = dense<[-1000, 0]> : tensor<2xi64>} : tensor<2xi64>
  %t_ax = onnx.Constant {value = dense<[2, 1]> : tensor<2xi64>} : tensor<2xi64>
  %t_sp = onnx.Constant {value = dense<[-2, -1]> : tensor<2xi64>} : tensor<2xi64>
  // Slice with negative steps.
  %s2 = onnx.Slice(%x, %t_st, %t_en, %t_ax, %t_sp) : (tensor<2x3x4xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<2x2x2xf32>
  %sp = onnx.Constant {value = dense<[1, 3]> : tensor<2xi64>} : tensor<2xi64>
  // Split by sizes, and into equal parts (the last one smaller).
  %p1, %p2 = onnx.Split(%x, %sp) {axis = -1 : i64} : (tensor<2x3x4xf32>, tensor<2xi64>) -> (tensor<2x3x1xf32>, tensor<2x3x3xf32>)
  %q1, %q2 = onnx.Split(%x, %n) {axis = 1 : i64, num_outputs = 2 : i64} : (tensor<2x3x4xf32>, none) -> (tensor<2x2x4xf32>, tensor<2x1x4xf32>)
  // Concat of three.
  %cc = onnx.Concat(%p2, %x, %p1) {axis = 2 : i64} : (tensor<2x3x3xf32>, tensor<2x3x4xf32>, tensor<2x3x1xf32>) -> tensor<2x3x8xf32>
  // Transpose.
  %tr = onnx.Transpose(%x) {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  %es = onnx.Constant {value = dense<[2, 1, 1, 4]> : tensor<4xi64>} : tensor<4xi64>
  // Expand [2,3,1] to [2,2,3,4].
  %ex = onnx.Expand(%p1, %es) : (tensor<2x3x1xf32>, tensor<4xi64>) -> tensor<2x2x3x4xf32>
  %rp = onnx.Constant {value = dense<[1, 2, 1]> : tensor<3xi64>} : tensor<3xi64>
  // Tile.
  %ti = onnx.Tile(%q2, %rp) : (tensor<2x1x4xf32>, tensor<3xi64>) -> tensor<2x2x4xf32>
  %r0 = arith.constant dense<1.0> : tensor<f32>
  %r1 = arith.constant dense<-2.0> : tensor<f32>
  %r2 = arith.constant dense<-0.75> : tensor<f32>
  // Range, float with a negative delta.
  %ra = onnx.Range(%r0, %r1, %r2) : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<4xf32>
  %tk = onnx.Constant {value = dense<1> : tensor<i64>} : tensor<i64>
  // Trilu upper, k = 1.
  %tu = onnx.Trilu(%x, %tk) : (tensor<2x3x4xf32>, tensor<i64>) -> tensor<2x3x4xf32>
  // Trilu lower, k = 0.
  %tl = onnx.Trilu(%x, %n) {upper = 0 : i64} : (tensor<2x3x4xf32>, none) -> tensor<2x3x4xf32>
  %ca = onnx.Constant {value = dense<2> : tensor<i64>} : tensor<i64>
  // CumSum.
  %cs = onnx.CumSum(%x, %ca) : (tensor<2x3x4xf32>, tensor<i64>) -> tensor<2x3x4xf32>
  %c1 = onnx.Constant {value = dense<[-2]> : tensor<1xi64>} : tensor<1xi64>
  // CumSum exclusive and reversed along axis -2.
  %cr = onnx.CumSum(%x, %c1) {exclusive = 1 : i64, reverse = 1 : i64} : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<2x3x4xf32>
  // Shape (with start), Size, ConstantOfShape of that shape.
  %sh = onnx.Shape(%x) {start = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2xi64>
  %sz = onnx.Size(%x) : (tensor<2x3x4xf32>) -> tensor<i64>
  %shf = onnx.Cast(%sh) {to = 1 : i64} : (tensor<2xi64>) -> tensor<2xf32>
  %szf = onnx.Cast(%sz) {to = 1 : i64} : (tensor<i64>) -> tensor<f32>
  %co = onnx.ConstantOfShape(%sh) {value = dense<2.5> : tensor<1xf32>} : (tensor<2xi64>) -> tensor<3x4xf32>
  %rs = onnx.Constant {value = dense<[0, -1, 2]> : tensor<3xi64>} : tensor<3xi64>
  // Reshape with 0 and -1.
  %re = onnx.Reshape(%x, %rs) : (tensor<2x3x4xf32>, tensor<3xi64>) -> tensor<2x6x2xf32>
  // Flatten.
  %fl = onnx.Flatten(%x) {axis = 2 : i64} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  %ua = onnx.Constant {value = dense<[0, -1]> : tensor<2xi64>} : tensor<2xi64>
  // Unsqueeze at 0 and -1.
  %un = onnx.Unsqueeze(%p1, %ua) : (tensor<2x3x1xf32>, tensor<2xi64>) -> tensor<1x2x3x1x1xf32>
  // Squeeze all unit dims.
  %sq = onnx.Squeeze(%un, %n) : (tensor<1x2x3x1x1xf32>, none) -> tensor<2x3xf32>
  %g1f = tensor.collapse_shape %g1 [[0, 1, 2, 3]] : tensor<2x2x2x4xf32> into tensor<32xf32>
  // CHECK: [-6,  -5,  -4,  -3,  2,  3,  4,  5,  -2,  -1,  0,  1,  -6,  -5,  -4,  -3,  6,  7,  8,  9,  14,  15,  16,  17,  10,  11,  12,  13,  6,  7,  8,  9]
  call @show32(%g1f) : (tensor<32xf32>) -> ()
  %g2f = tensor.collapse_shape %g2 [[0, 1]] : tensor<2x3xf32> into tensor<6xf32>
  // CHECK: [-4,  0,  4,  8,  12,  16]
  call @show6(%g2f) : (tensor<6xf32>) -> ()
  %g3f = tensor.collapse_shape %g3 [[0, 1, 2]] : tensor<2x1x4xf32> into tensor<8xf32>
  // CHECK: [-6,  3,  0,  -3,  14,  15,  16,  9]
  call @show8(%g3f) : (tensor<8xf32>) -> ()
  %s1f = tensor.collapse_shape %s1 [[0, 1, 2]] : tensor<2x1x2xf32> into tensor<4xf32>
  // CHECK: [0,  1,  12,  13]
  call @show4(%s1f) : (tensor<4xf32>) -> ()
  %s2f = tensor.collapse_shape %s2 [[0, 1, 2]] : tensor<2x2x2xf32> into tensor<8xf32>
  // CHECK: [5,  3,  1,  -1,  17,  15,  13,  11]
  call @show8(%s2f) : (tensor<8xf32>) -> ()
  %p1f = tensor.collapse_shape %p1 [[0, 1, 2]] : tensor<2x3x1xf32> into tensor<6xf32>
  // CHECK: [-6,  -2,  2,  6,  10,  14]
  call @show6(%p1f) : (tensor<6xf32>) -> ()
  %p2f = tensor.collapse_shape %p2 [[0, 1, 2]] : tensor<2x3x3xf32> into tensor<18xf32>
  // CHECK: [-5,  -4,  -3,  -1,  0,  1,  3,  4,  5,  7,  8,  9,  11,  12,  13,  15,  16,  17]
  call @show18(%p2f) : (tensor<18xf32>) -> ()
  %q1f = tensor.collapse_shape %q1 [[0, 1, 2]] : tensor<2x2x4xf32> into tensor<16xf32>
  // CHECK: [-6,  -5,  -4,  -3,  -2,  -1,  0,  1,  6,  7,  8,  9,  10,  11,  12,  13]
  call @show16(%q1f) : (tensor<16xf32>) -> ()
  %q2f = tensor.collapse_shape %q2 [[0, 1, 2]] : tensor<2x1x4xf32> into tensor<8xf32>
  // CHECK: [2,  3,  4,  5,  14,  15,  16,  17]
  call @show8(%q2f) : (tensor<8xf32>) -> ()
  %ccf = tensor.collapse_shape %cc [[0, 1, 2]] : tensor<2x3x8xf32> into tensor<48xf32>
  // CHECK: [-5,  -4,  -3,  -6,  -5,  -4,  -3,  -6,  -1,  0,  1,  -2,  -1,  0,  1,  -2,  3,  4,  5,  2,  3,  4,  5,  2,  7,  8,  9,  6,  7,  8,  9,  6,  11,  12,  13,  10,  11,  12,  13,  10,  15,  16,  17,  14,  15,  16,  17,  14]
  call @show48(%ccf) : (tensor<48xf32>) -> ()
  %trf = tensor.collapse_shape %tr [[0, 1, 2]] : tensor<4x2x3xf32> into tensor<24xf32>
  // CHECK: [-6,  -2,  2,  6,  10,  14,  -5,  -1,  3,  7,  11,  15,  -4,  0,  4,  8,  12,  16,  -3,  1,  5,  9,  13,  17]
  call @show24(%trf) : (tensor<24xf32>) -> ()
  %exf = tensor.collapse_shape %ex [[0, 1, 2, 3]] : tensor<2x2x3x4xf32> into tensor<48xf32>
  // CHECK: [-6,  -6,  -6,  -6,  -2,  -2,  -2,  -2,  2,  2,  2,  2,  6,  6,  6,  6,  10,  10,  10,  10,  14,  14,  14,  14,  -6,  -6,  -6,  -6,  -2,  -2,  -2,  -2,  2,  2,  2,  2,  6,  6,  6,  6,  10,  10,  10,  10,  14,  14,  14,  14]
  call @show48(%exf) : (tensor<48xf32>) -> ()
  %tif = tensor.collapse_shape %ti [[0, 1, 2]] : tensor<2x2x4xf32> into tensor<16xf32>
  // CHECK: [2,  3,  4,  5,  2,  3,  4,  5,  14,  15,  16,  17,  14,  15,  16,  17]
  call @show16(%tif) : (tensor<16xf32>) -> ()
  // CHECK: [1,  0.25,  -0.5,  -1.25]
  call @show4(%ra) : (tensor<4xf32>) -> ()
  %tuf = tensor.collapse_shape %tu [[0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
  // CHECK: [0,  -5,  -4,  -3,  0,  0,  0,  1,  0,  0,  0,  5,  0,  7,  8,  9,  0,  0,  12,  13,  0,  0,  0,  17]
  call @show24(%tuf) : (tensor<24xf32>) -> ()
  %tlf = tensor.collapse_shape %tl [[0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
  // CHECK: [-6,  0,  0,  0,  -2,  -1,  0,  0,  2,  3,  4,  0,  6,  0,  0,  0,  10,  11,  0,  0,  14,  15,  16,  0]
  call @show24(%tlf) : (tensor<24xf32>) -> ()
  %csf = tensor.collapse_shape %cs [[0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
  // CHECK: [-6,  -11,  -15,  -18,  -2,  -3,  -3,  -2,  2,  5,  9,  14,  6,  13,  21,  30,  10,  21,  33,  46,  14,  29,  45,  62]
  call @show24(%csf) : (tensor<24xf32>) -> ()
  %crf = tensor.collapse_shape %cr [[0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
  // CHECK: [0,  2,  4,  6,  2,  3,  4,  5,  0,  0,  0,  0,  24,  26,  28,  30,  14,  15,  16,  17,  0,  0,  0,  0]
  call @show24(%crf) : (tensor<24xf32>) -> ()
  // CHECK: [3,  4]
  call @show2(%shf) : (tensor<2xf32>) -> ()
  // CHECK: [24]
  call @show(%szf) : (tensor<f32>) -> ()
  %cof = tensor.collapse_shape %co [[0, 1]] : tensor<3x4xf32> into tensor<12xf32>
  // CHECK: [2.5,  2.5,  2.5,  2.5,  2.5,  2.5,  2.5,  2.5,  2.5,  2.5,  2.5,  2.5]
  call @show12(%cof) : (tensor<12xf32>) -> ()
  %ref = tensor.collapse_shape %re [[0, 1, 2]] : tensor<2x6x2xf32> into tensor<24xf32>
  // CHECK: [-6,  -5,  -4,  -3,  -2,  -1,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10,  11,  12,  13,  14,  15,  16,  17]
  call @show24(%ref) : (tensor<24xf32>) -> ()
  %flf = tensor.collapse_shape %fl [[0, 1]] : tensor<6x4xf32> into tensor<24xf32>
  // CHECK: [-6,  -5,  -4,  -3,  -2,  -1,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10,  11,  12,  13,  14,  15,  16,  17]
  call @show24(%flf) : (tensor<24xf32>) -> ()
  %unf = tensor.collapse_shape %un [[0, 1, 2, 3, 4]] : tensor<1x2x3x1x1xf32> into tensor<6xf32>
  // CHECK: [-6,  -2,  2,  6,  10,  14]
  call @show6(%unf) : (tensor<6xf32>) -> ()
  %sqf = tensor.collapse_shape %sq [[0, 1]] : tensor<2x3xf32> into tensor<6xf32>
  // CHECK: [-6,  -2,  2,  6,  10,  14]
  call @show6(%sqf) : (tensor<6xf32>) -> ()
  return
}
func.func @show12(%t: tensor<12xf32>) {
  %u = tensor.cast %t : tensor<12xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
func.func @show16(%t: tensor<16xf32>) {
  %u = tensor.cast %t : tensor<16xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
func.func @show18(%t: tensor<18xf32>) {
  %u = tensor.cast %t : tensor<18xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
func.func @show24(%t: tensor<24xf32>) {
  %u = tensor.cast %t : tensor<24xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
func.func @show2(%t: tensor<2xf32>) {
  %u = tensor.cast %t : tensor<2xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
func.func @show32(%t: tensor<32xf32>) {
  %u = tensor.cast %t : tensor<32xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
func.func @show48(%t: tensor<48xf32>) {
  %u = tensor.cast %t : tensor<48xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
func.func @show4(%t: tensor<4xf32>) {
  %u = tensor.cast %t : tensor<4xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
func.func @show6(%t: tensor<6xf32>) {
  %u = tensor.cast %t : tensor<6xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
func.func @show8(%t: tensor<8xf32>) {
  %u = tensor.cast %t : tensor<8xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
func.func @show(%t: tensor<f32>) {
  %u = tensor.cast %t : tensor<f32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
