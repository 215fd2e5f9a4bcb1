// A model without inputs: c = [1.5, -2].
func.func @main_graph() -> (tensor<2xf32> {onnx.name = "c"}) {
  %c = arith.constant dense<[1.5, -2.0]> : tensor<2xf32>
  return %c : tensor<2xf32>
}
