// An onnx-stage model with a dynamic token dimension: a MatMul whose weights
// have three magnitudes (kept float), then a b1.58 Gemm with 32 outputs
// (raised to a BitLinear; 32 rows fill whole row tiles of every packed layout).
func.func @main_graph(%x: tensor<?x4xf32> {onnx.name = "x"}) -> (tensor<?x32xf32> {onnx.name = "y"}) {
  %none = onnx.NoValue
  %w1 = onnx.Constant {value = dense<[[0.5, 0.25, -0.5, 1.0], [0.5, -0.5, 1.0, 0.5], [0.25, 0.5, 0.5, -1.0], [1.0, 0.5, -0.25, 0.5]]> : tensor<4x4xf32>} : tensor<4x4xf32>
  %h = onnx.MatMul(%x, %w1) : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32> loc("/fc1/MatMul")
  %w = onnx.Constant {value = dense<[[0.5, -0.5, 0.0, 0.5], [0.0, 0.0, -0.5, 0.5], [-0.5, 0.5, 0.5, 0.0], [0.5, 0.5, -0.5, -0.5], [0.5, -0.5, 0.0, 0.5], [0.0, 0.0, -0.5, 0.5], [-0.5, 0.5, 0.5, 0.0], [0.5, 0.5, -0.5, -0.5], [0.5, -0.5, 0.0, 0.5], [0.0, 0.0, -0.5, 0.5], [-0.5, 0.5, 0.5, 0.0], [0.5, 0.5, -0.5, -0.5], [0.5, -0.5, 0.0, 0.5], [0.0, 0.0, -0.5, 0.5], [-0.5, 0.5, 0.5, 0.0], [0.5, 0.5, -0.5, -0.5], [0.5, -0.5, 0.0, 0.5], [0.0, 0.0, -0.5, 0.5], [-0.5, 0.5, 0.5, 0.0], [0.5, 0.5, -0.5, -0.5], [0.5, -0.5, 0.0, 0.5], [0.0, 0.0, -0.5, 0.5], [-0.5, 0.5, 0.5, 0.0], [0.5, 0.5, -0.5, -0.5], [0.5, -0.5, 0.0, 0.5], [0.0, 0.0, -0.5, 0.5], [-0.5, 0.5, 0.5, 0.0], [0.5, 0.5, -0.5, -0.5], [0.5, -0.5, 0.0, 0.5], [0.0, 0.0, -0.5, 0.5], [-0.5, 0.5, 0.5, 0.0], [0.5, 0.5, -0.5, -0.5]]> : tensor<32x4xf32>} : tensor<32x4xf32>
  %b = onnx.Constant {value = dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0]> : tensor<32xf32>} : tensor<32xf32>
  %abs = onnx.Abs(%h) : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %axes = onnx.Constant {value = dense<[-1]> : tensor<1xi64>} : tensor<1xi64>
  %m = onnx.ReduceMax(%abs, %axes) {keepdims = 1 : i64} : (tensor<?x4xf32>, tensor<1xi64>) -> tensor<?x1xf32>
  %eps = onnx.Constant {value = dense<1.0e-5> : tensor<f32>} : tensor<f32>
  %g = onnx.Clip(%m, %eps, %none) : (tensor<?x1xf32>, tensor<f32>, none) -> tensor<?x1xf32>
  %r = onnx.Reciprocal(%g) : (tensor<?x1xf32>) -> tensor<?x1xf32>
  %qmax = onnx.Constant {value = dense<127.0> : tensor<f32>} : tensor<f32>
  %s = onnx.Mul(%r, %qmax) : (tensor<?x1xf32>, tensor<f32>) -> tensor<?x1xf32>
  %hs = onnx.Mul(%h, %s) : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %round = onnx.Round(%hs) : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %lo = onnx.Constant {value = dense<-128.0> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<127.0> : tensor<f32>} : tensor<f32>
  %c = onnx.Clip(%round, %lo, %hi) : (tensor<?x4xf32>, tensor<f32>, tensor<f32>) -> tensor<?x4xf32>
  %dq = onnx.Div(%c, %s) : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %d = onnx.Sub(%dq, %h) : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %a = onnx.Add(%h, %d) : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %y = onnx.Gemm(%a, %w, %b) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<32x4xf32>, tensor<32xf32>) -> tensor<?x32xf32> loc("/fc2/Gemm")
  %relu = onnx.Relu(%y) : (tensor<?x32xf32>) -> tensor<?x32xf32>
  return %relu : tensor<?x32xf32>
}
