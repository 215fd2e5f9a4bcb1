// A small model at the tensor level without onnx ops: y = relu(x * W + b)
// with x: f32[2, 4], W: f32[4, 3]. Small integers keep every result exact,
// so hosts and targets agree bit for bit.
func.func @main_graph(%x: tensor<2x4xf32> {onnx.name = "x"})
    -> (tensor<2x3xf32> {onnx.name = "y"}) {
  %w = arith.constant dense<[[1.0, -1.0, 0.5], [2.0, 0.0, -1.0],
                             [-1.0, 1.0, 1.0], [0.0, 2.0, -0.5]]> : tensor<4x3xf32>
  %b = arith.constant dense<[0.5, -1.0, 0.0]> : tensor<3xf32>
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<2x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<2x3xf32>) -> tensor<2x3xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>)
                      outs(%init : tensor<2x3xf32>) -> tensor<2x3xf32>
  %y = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>,
                       affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%mm, %b : tensor<2x3xf32>, tensor<3xf32>) outs(%empty : tensor<2x3xf32>) {
  ^bb0(%v: f32, %bias: f32, %out: f32):
    %s = arith.addf %v, %bias : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
