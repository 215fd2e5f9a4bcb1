// An onnx-stage model with a dynamic token dimension: a b1.58 Gemm (raised to
// a BitLinear) and a MatMul whose weights have three magnitudes (kept float).
func.func @main_graph(%x: tensor<?x4xf32> {onnx.name = "x"}) -> (tensor<?x3xf32> {onnx.name = "y"}) {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<[[0.5, -0.5, 0.0, 0.5], [0.0, 0.0, -0.5, 0.5]]> : tensor<2x4xf32>} : tensor<2x4xf32>
  %b = onnx.Constant {value = dense<[1.0, 2.0]> : tensor<2xf32>} : tensor<2xf32>
  %abs = onnx.Abs(%x) : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %axes = onnx.Constant {value = dense<[-1]> : tensor<1xi64>} : tensor<1xi64>
  %m = onnx.ReduceMax(%abs, %axes) {keepdims = 1 : i64} : (tensor<?x4xf32>, tensor<1xi64>) -> tensor<?x1xf32>
  %eps = onnx.Constant {value = dense<1.0e-5> : tensor<f32>} : tensor<f32>
  %g = onnx.Clip(%m, %eps, %none) : (tensor<?x1xf32>, tensor<f32>, none) -> tensor<?x1xf32>
  %r = onnx.Reciprocal(%g) : (tensor<?x1xf32>) -> tensor<?x1xf32>
  %qmax = onnx.Constant {value = dense<127.0> : tensor<f32>} : tensor<f32>
  %s = onnx.Mul(%r, %qmax) : (tensor<?x1xf32>, tensor<f32>) -> tensor<?x1xf32>
  %xs = onnx.Mul(%x, %s) : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %round = onnx.Round(%xs) : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %lo = onnx.Constant {value = dense<-128.0> : tensor<f32>} : tensor<f32>
  %hi = onnx.Constant {value = dense<127.0> : tensor<f32>} : tensor<f32>
  %c = onnx.Clip(%round, %lo, %hi) : (tensor<?x4xf32>, tensor<f32>, tensor<f32>) -> tensor<?x4xf32>
  %dq = onnx.Div(%c, %s) : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %d = onnx.Sub(%dq, %x) : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %a = onnx.Add(%x, %d) : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %h = onnx.Gemm(%a, %w, %b) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<?x2xf32> loc("/fc1/Gemm")
  %relu = onnx.Relu(%h) : (tensor<?x2xf32>) -> tensor<?x2xf32>
  %w2 = onnx.Constant {value = dense<[[0.5, 0.25, -0.5], [0.5, -0.5, 1.0]]> : tensor<2x3xf32>} : tensor<2x3xf32>
  %y = onnx.MatMul(%relu, %w2) : (tensor<?x2xf32>, tensor<2x3xf32>) -> tensor<?x3xf32> loc("/fc2/MatMul")
  return %y : tensor<?x3xf32>
}
