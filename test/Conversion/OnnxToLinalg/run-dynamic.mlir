// RUN: bitnet-opt %s --bitnet-lower-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so \
// RUN: | FileCheck %s

// Dynamic dims: @dynamic sees only tensor<?x?xf32> and friends (and returns
// nothing: the out-parameter ABI needs static results); @main calls
// it with x = [[1,2,3],[4,5,6]] (as ?x?), w = [[1,0],[0,1],[1,1]] (as ?x2),
// idx = [1, -1] (as ?). Shape-derived Reshape, runtime Slice starts and
// Gather indices exercise the runtime size arithmetic.

func.func private @printMemrefF32(tensor<*xf32>)

func.func @print(%t: tensor<?xf32>) {
  %u = tensor.cast %t : tensor<?xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @print2d(%t: tensor<?x?xf32>) {
  %f = tensor.collapse_shape %t [[0, 1]] : tensor<?x?xf32> into tensor<?xf32>
  call @print(%f) : (tensor<?xf32>) -> ()
  return
}

func.func @print3d(%t: tensor<?x?x?xf32>) {
  %f = tensor.collapse_shape %t [[0, 1, 2]] : tensor<?x?x?xf32> into tensor<?xf32>
  call @print(%f) : (tensor<?xf32>) -> ()
  return
}

func.func @dynamic(%x: tensor<?x?xf32>, %w: tensor<?x2xf32>, %idx: tensor<?xi64>) {
  %n = onnx.NoValue
  %one = arith.constant dense<1.0> : tensor<1xf32>

  // CHECK: [2,  3,  4,  5,  6,  7]
  %a = onnx.Add(%x, %one) : (tensor<?x?xf32>, tensor<1xf32>) -> tensor<?x?xf32>
  call @print2d(%a) : (tensor<?x?xf32>) -> ()

  // CHECK: [4,  5,  10,  11]
  %m = onnx.MatMul(%x, %w) : (tensor<?x?xf32>, tensor<?x2xf32>) -> tensor<?x2xf32>
  %mc = tensor.cast %m : tensor<?x2xf32> to tensor<?x?xf32>
  call @print2d(%mc) : (tensor<?x?xf32>) -> ()

  // CHECK: [2,  5]
  %ax = onnx.Constant {value = dense<[1]> : tensor<1xi64>} : tensor<1xi64>
  %r = onnx.ReduceMean(%x, %ax) {keepdims = 0 : i64} : (tensor<?x?xf32>, tensor<1xi64>) -> tensor<?xf32>
  call @print(%r) : (tensor<?xf32>) -> ()

  // CHECK: [0.0900306,  0.244728,  0.665241,  0.0900306,  0.244728,  0.665241]
  %s = onnx.Softmax(%x) {axis = -1 : i64} : (tensor<?x?xf32>) -> tensor<?x?xf32>
  call @print2d(%s) : (tensor<?x?xf32>) -> ()

  // CHECK: [-1.22474,  0,  1.22474,  -1.22474,  0,  1.22474]
  %ones = onnx.ConstantOfShape(%ax) {value = dense<1.0> : tensor<1xf32>} : (tensor<1xi64>) -> tensor<1xf32>
  %ln, %mean, %inv = onnx.LayerNormalization(%x, %ones, %n) : (tensor<?x?xf32>, tensor<1xf32>, none) -> (tensor<?x?xf32>, none, none)
  call @print2d(%ln) : (tensor<?x?xf32>) -> ()

  // Reshape to [dim1, -1] computed from Shape: [[1,2],[3,4],[5,6]] read by
  // Transpose as [[1,3,5],[2,4,6]].
  // CHECK: [1,  3,  5,  2,  4,  6]
  %shape = onnx.Shape(%x) {start = 1 : i64} : (tensor<?x?xf32>) -> tensor<1xi64>
  %minus = onnx.Constant {value = dense<[-1]> : tensor<1xi64>} : tensor<1xi64>
  %target = onnx.Concat(%shape, %minus) {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %re = onnx.Reshape(%x, %target) : (tensor<?x?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %tr = onnx.Transpose(%re) : (tensor<?x?xf32>) -> tensor<?x?xf32>
  call @print2d(%tr) : (tensor<?x?xf32>) -> ()

  // Slice with runtime starts (idx) along both axes: x[1:, -1:].
  // CHECK: [6]
  %ends = onnx.Constant {value = dense<[100, 100]> : tensor<2xi64>} : tensor<2xi64>
  %sl = onnx.Slice(%x, %idx, %ends, %n, %n) : (tensor<?x?xf32>, tensor<?xi64>, tensor<2xi64>, none, none) -> tensor<?x?xf32>
  call @print2d(%sl) : (tensor<?x?xf32>) -> ()

  // Gather of columns at runtime indices [1, -1].
  // CHECK: [2,  3,  5,  6]
  %g = onnx.Gather(%x, %idx) {axis = 1 : i64} : (tensor<?x?xf32>, tensor<?xi64>) -> tensor<?x?xf32>
  call @print2d(%g) : (tensor<?x?xf32>) -> ()

  // Batched MatMul with dynamic batch and M dims: [1,2,3] x [3,2] (batch
  // folded into M), and x x^T as [1,2,3] x [1,3,2] (linalg.batch_matmul).
  // CHECK: [4,  5,  10,  11]
  // CHECK: [14,  32,  32,  77]
  %zero = onnx.Constant {value = dense<[0]> : tensor<1xi64>} : tensor<1xi64>
  %x3 = onnx.Unsqueeze(%x, %zero) : (tensor<?x?xf32>, tensor<1xi64>) -> tensor<?x?x?xf32>
  %bm = onnx.MatMul(%x3, %w) : (tensor<?x?x?xf32>, tensor<?x2xf32>) -> tensor<?x?x2xf32>
  %bmc = tensor.cast %bm : tensor<?x?x2xf32> to tensor<?x?x?xf32>
  call @print3d(%bmc) : (tensor<?x?x?xf32>) -> ()
  %x3t = onnx.Transpose(%x3) {perm = array<i64: 0, 2, 1>} : (tensor<?x?x?xf32>) -> tensor<?x?x?xf32>
  %gram = onnx.MatMul(%x3, %x3t) : (tensor<?x?x?xf32>, tensor<?x?x?xf32>) -> tensor<?x?x?xf32>
  call @print3d(%gram) : (tensor<?x?x?xf32>) -> ()
  return
}

func.func @main() {
  %x = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %w = arith.constant dense<[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]> : tensor<3x2xf32>
  %i = arith.constant dense<[1, -1]> : tensor<2xi64>
  %xd = tensor.cast %x : tensor<2x3xf32> to tensor<?x?xf32>
  %wd = tensor.cast %w : tensor<3x2xf32> to tensor<?x2xf32>
  %id = tensor.cast %i : tensor<2xi64> to tensor<?xi64>
  call @dynamic(%xd, %wd, %id) : (tensor<?x?xf32>, tensor<?x2xf32>, tensor<?xi64>) -> ()
  return
}
