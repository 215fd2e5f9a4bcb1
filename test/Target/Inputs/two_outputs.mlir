// Two inputs with awkward ONNX names and two outputs, one of rank 0, one
// with a dynamic dimension: sum = a + b (elementwise, [?, 4]) and
// total = sum of all elements of a.
func.func @main_graph(%a: tensor<?x4xi32> {onnx.name = "input.1"},
                      %b: tensor<?x4xi32> {onnx.name = "int"})
    -> (tensor<?x4xi32> {onnx.name = "sum:0"}, tensor<i32> {onnx.name = "Int"}) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0 : i32
  %n = tensor.dim %a, %c0 : tensor<?x4xi32>
  %empty = tensor.empty(%n) : tensor<?x4xi32>
  %sum = linalg.add ins(%a, %b : tensor<?x4xi32>, tensor<?x4xi32>)
                    outs(%empty : tensor<?x4xi32>) -> tensor<?x4xi32>
  %acc0 = tensor.empty() : tensor<i32>
  %acc = linalg.fill ins(%zero : i32) outs(%acc0 : tensor<i32>) -> tensor<i32>
  %total = linalg.reduce ins(%a : tensor<?x4xi32>) outs(%acc : tensor<i32>)
      dimensions = [0, 1]
      (%in: i32, %init: i32) {
        %s = arith.addi %in, %init : i32
        linalg.yield %s : i32
      }
  return %sum, %total : tensor<?x4xi32>, tensor<i32>
}
