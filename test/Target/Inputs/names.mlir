// ONNX names that are not C identifiers, collide once sanitized, or are
// keywords; the model just returns its first input.
func.func @main_graph(%a: tensor<1xf32> {onnx.name = "a.b"},
                      %b: tensor<1xf32> {onnx.name = "a:b"},
                      %c: tensor<1xf32> {onnx.name = "A_B"},
                      %h: tensor<1xf32> {onnx.name = "x*/y"},
                      %d: tensor<1xf32> {onnx.name = "class"},
                      %e: tensor<1xf32> {onnx.name = "0x"},
                      %f: tensor<1xf32> {onnx.name = "bitnet_model_run"},
                      %g: tensor<1xf32> {onnx.name = "_x"})
    -> (tensor<1xf32> {onnx.name = "inputs_"}) {
  return %a : tensor<1xf32>
}
