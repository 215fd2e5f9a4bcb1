// RUN: bitnet-opt %s --convert-onnx-to-bitnet=strict -split-input-file -verify-diagnostics

func.func @strict_error(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = onnx.Constant {value = dense<[[0.5, 0.0], [0.5, -0.5]]> : tensor<2x2xf32>} : tensor<2x2xf32>
  // expected-error @+1 {{node '<unnamed>' (MatMul): not converted to a BitLinear: the activation is not quantized}}
  %y = onnx.MatMul(%x, %w) : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
