// Invalid IR: %y is not defined.
func.func @main_graph(%x: tensor<2xf32>) -> tensor<2xf32> {
  return %y : tensor<2xf32>
}
