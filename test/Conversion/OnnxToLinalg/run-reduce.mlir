// RUN: bitnet-opt %s --bitnet-lower-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so \
// RUN: | FileCheck %s

// Reductions and ArgMax against numpy (results flattened for printing).

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %n = onnx.NoValue
  %x = arith.constant dense<[[[1.5, -0.5, 2.0, 0.5], [-2.5, 4.5, 1.0, -3.0], [2.5, 1.5, -2.5, 4.0]], [[4.5, 3.5, -4.5, 1.5], [1.0, 1.5, 4.0, 2.0], [3.0, -1.0, 3.0, 2.0]]]> : tensor<2x3x4xf32>
  %am1 = onnx.Constant {value = dense<[-1]> : tensor<1xi64>} : tensor<1xi64>
  %a02 = onnx.Constant {value = dense<[0, 2]> : tensor<2xi64>} : tensor<2xi64>
  %e = onnx.Constant {value = dense<[]> : tensor<0xi64>} : tensor<0xi64>
  // ReduceMean over the last axis, keepdims.
  %r1 = onnx.ReduceMean(%x, %am1) : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<2x3x1xf32>
  // ReduceSum over all axes.
  %r2 = onnx.ReduceSum(%x, %n) {keepdims = 0 : i64} : (tensor<2x3x4xf32>, none) -> tensor<f32>
  // ReduceSum with empty axes and noop_with_empty_axes: the input.
  %r3 = onnx.ReduceSum(%x, %e) {noop_with_empty_axes = 1 : i64} : (tensor<2x3x4xf32>, tensor<0xi64>) -> tensor<2x3x4xf32>
  // ReduceMax over axes 0 and 2.
  %r4 = onnx.ReduceMax(%x, %a02) {keepdims = 0 : i64} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<3xf32>
  // ReduceMin.
  %r5 = onnx.ReduceMin(%x, %am1) {keepdims = 0 : i64} : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<2x3xf32>
  // ReduceProd, keepdims.
  %r6 = onnx.ReduceProd(%x, %a02) : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<1x3x1xf32>
  // ReduceMean of f16 (accumulated in f32), ReduceSum of i32.
  %xh = onnx.Cast(%x) {to = 10 : i64} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf16>
  %rh = onnx.ReduceMean(%xh, %am1) {keepdims = 0 : i64} : (tensor<2x3x4xf16>, tensor<1xi64>) -> tensor<2x3xf16>
  %r7 = onnx.Cast(%rh) {to = 1 : i64} : (tensor<2x3xf16>) -> tensor<2x3xf32>
  %xi = onnx.Cast(%x) {to = 6 : i64} : (tensor<2x3x4xf32>) -> tensor<2x3x4xi32>
  %ri = onnx.ReduceSum(%xi, %a02) {keepdims = 0 : i64} : (tensor<2x3x4xi32>, tensor<2xi64>) -> tensor<3xi32>
  %r8 = onnx.Cast(%ri) {to = 1 : i64} : (tensor<3xi32>) -> tensor<3xf32>
  %t = arith.constant dense<[[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, -1.0, 2.0], [-4.0, -4.0, -4.0, -4.0]]> : tensor<3x4xf32>
  // ArgMax with ties: the first index, or the last with select_last_index.
  %ag1 = onnx.ArgMax(%t) {axis = 1 : i64} : (tensor<3x4xf32>) -> tensor<3x1xi64>
  %ag1f = onnx.Cast(%ag1) {to = 1 : i64} : (tensor<3x1xi64>) -> tensor<3x1xf32>
  %ag2 = onnx.ArgMax(%t) {axis = -1 : i64, keepdims = 0 : i64, select_last_index = 1 : i64} : (tensor<3x4xf32>) -> tensor<3xi64>
  %ag2f = onnx.Cast(%ag2) {to = 1 : i64} : (tensor<3xi64>) -> tensor<3xf32>
  %ag3 = onnx.ArgMax(%x) {axis = 0 : i64, keepdims = 0 : i64} : (tensor<2x3x4xf32>) -> tensor<3x4xi64>
  %ag3f = onnx.Cast(%ag3) {to = 1 : i64} : (tensor<3x4xi64>) -> tensor<3x4xf32>
  %r1f = tensor.collapse_shape %r1 [[0, 1, 2]] : tensor<2x3x1xf32> into tensor<6xf32>
  // CHECK: [0.875,  0,  1.375,  1.25,  2.125,  1.75]
  call @show6(%r1f) : (tensor<6xf32>) -> ()
  // CHECK: [29.5]
  call @show(%r2) : (tensor<f32>) -> ()
  %r3f = tensor.collapse_shape %r3 [[0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
  // CHECK: [1.5,  -0.5,  2,  0.5,  -2.5,  4.5,  1,  -3,  2.5,  1.5,  -2.5,  4,  4.5,  3.5,  -4.5,  1.5,  1,  1.5,  4,  2,  3,  -1,  3,  2]
  call @show24(%r3f) : (tensor<24xf32>) -> ()
  // CHECK: [4.5,  4.5,  4]
  call @show3(%r4) : (tensor<3xf32>) -> ()
  %r5f = tensor.collapse_shape %r5 [[0, 1]] : tensor<2x3xf32> into tensor<6xf32>
  // CHECK: [-0.5,  -3,  -2.5,  -4.5,  1,  -1]
  call @show6(%r5f) : (tensor<6xf32>) -> ()
  %r6f = tensor.collapse_shape %r6 [[0, 1, 2]] : tensor<1x3x1xf32> into tensor<3xf32>
  // CHECK: [79.7344,  405,  675]
  call @show3(%r6f) : (tensor<3xf32>) -> ()
  %r7f = tensor.collapse_shape %r7 [[0, 1]] : tensor<2x3xf32> into tensor<6xf32>
  // CHECK: [0.875,  0,  1.375,  1.25,  2.125,  1.75]
  call @show6(%r7f) : (tensor<6xf32>) -> ()
  // CHECK: [7,  8,  12]
  call @show3(%r8) : (tensor<3xf32>) -> ()
  %ag1ff = tensor.collapse_shape %ag1f [[0, 1]] : tensor<3x1xf32> into tensor<3xf32>
  // CHECK: [1,  0,  0]
  call @show3(%ag1ff) : (tensor<3xf32>) -> ()
  // CHECK: [2,  3,  3]
  call @show3(%ag2f) : (tensor<3xf32>) -> ()
  %ag3ff = tensor.collapse_shape %ag3f [[0, 1]] : tensor<3x4xf32> into tensor<12xf32>
  // CHECK: [1,  1,  0,  1,  1,  0,  1,  1,  1,  0,  1,  0]
  call @show12(%ag3ff) : (tensor<12xf32>) -> ()
  return
}
func.func @show12(%t: tensor<12xf32>) {
  %u = tensor.cast %t : tensor<12xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
func.func @show24(%t: tensor<24xf32>) {
  %u = tensor.cast %t : tensor<24xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
func.func @show3(%t: tensor<3xf32>) {
  %u = tensor.cast %t : tensor<3xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
func.func @show6(%t: tensor<6xf32>) {
  %u = tensor.cast %t : tensor<6xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
func.func @show(%t: tensor<f32>) {
  %u = tensor.cast %t : tensor<f32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
