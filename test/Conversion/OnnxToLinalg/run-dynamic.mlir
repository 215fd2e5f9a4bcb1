// RUN: bitnet-opt %s --bitnet-lower-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=/usr/lib/llvm-22/lib/libmlir_runner_utils.so,/usr/lib/llvm-22/lib/libmlir_c_runner_utils.so \
// RUN: | FileCheck %s

// Dynamic dims: @dynamic sees only tensor<?x?xf32> and friends; @main calls
// it with x = [[1,2,3],[4,5,6]] (as ?x?), w = [[1,0],[0,1],[1,1]] (as ?x2),
// idx = [1, -1] (as ?). Shape-derived Reshape, runtime Slice starts and
// Gather indices exercise the runtime size arithmetic.

func.func private @printMemrefF32(tensor<*xf32>)

func.func @print(%t: tensor<?xf32>) {
  %u = tensor.cast %t : tensor<?xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @flat(%t: tensor<?x?xf32>) -> tensor<?xf32> {
  %f = tensor.collapse_shape %t [[0, 1]] : tensor<?x?xf32> into tensor<?xf32>
  return %f : tensor<?xf32>
}

func.func @dynamic(%x: tensor<?x?xf32>, %w: tensor<?x2xf32>, %idx: tensor<?xi64>) {
  %n = onnx.NoValue
  %one = arith.constant dense<1.0> : tensor<1xf32>

  // CHECK: [2,  3,  4,  5,  6,  7]
  %a = onnx.Add(%x, %one) : (tensor<?x?xf32>, tensor<1xf32>) -> tensor<?x?xf32>
  %af = call @flat(%a) : (tensor<?x?xf32>) -> tensor<?xf32>
  call @print(%af) : (tensor<?xf32>) -> ()

  // CHECK: [4,  5,  10,  11]
  %m = onnx.MatMul(%x, %w) : (tensor<?x?xf32>, tensor<?x2xf32>) -> tensor<?x2xf32>
  %mc = tensor.cast %m : tensor<?x2xf32> to tensor<?x?xf32>
  %mf = call @flat(%mc) : (tensor<?x?xf32>) -> tensor<?xf32>
  call @print(%mf) : (tensor<?xf32>) -> ()

  // CHECK: [2,  5]
  %ax = onnx.Constant {value = dense<[1]> : tensor<1xi64>} : tensor<1xi64>
  %r = onnx.ReduceMean(%x, %ax) {keepdims = 0 : i64} : (tensor<?x?xf32>, tensor<1xi64>) -> tensor<?xf32>
  call @print(%r) : (tensor<?xf32>) -> ()

  // CHECK: [0.0900306,  0.244728,  0.665241,  0.0900306,  0.244728,  0.665241]
  %s = onnx.Softmax(%x) {axis = -1 : i64} : (tensor<?x?xf32>) -> tensor<?x?xf32>
  %sf = call @flat(%s) : (tensor<?x?xf32>) -> tensor<?xf32>
  call @print(%sf) : (tensor<?xf32>) -> ()

  // CHECK: [-1.22474,  0,  1.22474,  -1.22474,  0,  1.22474]
  %ones = onnx.ConstantOfShape(%ax) {value = dense<1.0> : tensor<1xf32>} : (tensor<1xi64>) -> tensor<1xf32>
  %ln, %mean, %inv = onnx.LayerNormalization(%x, %ones, %n) : (tensor<?x?xf32>, tensor<1xf32>, none) -> (tensor<?x?xf32>, none, none)
  %lnf = call @flat(%ln) : (tensor<?x?xf32>) -> tensor<?xf32>
  call @print(%lnf) : (tensor<?xf32>) -> ()

  // Reshape to [dim1, -1] computed from Shape: [[1,2],[3,4],[5,6]] read by
  // Transpose as [[1,3,5],[2,4,6]].
  // CHECK: [1,  3,  5,  2,  4,  6]
  %shape = onnx.Shape(%x) {start = 1 : i64} : (tensor<?x?xf32>) -> tensor<1xi64>
  %minus = onnx.Constant {value = dense<[-1]> : tensor<1xi64>} : tensor<1xi64>
  %target = onnx.Concat(%shape, %minus) {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %re = onnx.Reshape(%x, %target) : (tensor<?x?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %tr = onnx.Transpose(%re) : (tensor<?x?xf32>) -> tensor<?x?xf32>
  %trf = call @flat(%tr) : (tensor<?x?xf32>) -> tensor<?xf32>
  call @print(%trf) : (tensor<?xf32>) -> ()

  // Slice with runtime starts (idx) along both axes: x[1:, -1:].
  // CHECK: [6]
  %ends = onnx.Constant {value = dense<[100, 100]> : tensor<2xi64>} : tensor<2xi64>
  %sl = onnx.Slice(%x, %idx, %ends, %n, %n) : (tensor<?x?xf32>, tensor<?xi64>, tensor<2xi64>, none, none) -> tensor<?x?xf32>
  %slf = call @flat(%sl) : (tensor<?x?xf32>) -> tensor<?xf32>
  call @print(%slf) : (tensor<?xf32>) -> ()

  // Gather of columns at runtime indices [1, -1].
  // CHECK: [2,  3,  5,  6]
  %g = onnx.Gather(%x, %idx) {axis = 1 : i64} : (tensor<?x?xf32>, tensor<?xi64>) -> tensor<?x?xf32>
  %gf = call @flat(%g) : (tensor<?x?xf32>) -> tensor<?xf32>
  call @print(%gf) : (tensor<?xf32>) -> ()
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
