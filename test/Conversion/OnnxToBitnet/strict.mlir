// RUN: bitnet-opt %s --convert-onnx-to-bitnet=strict -split-input-file -verify-diagnostics

func.func @strict_error(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = onnx.Constant {value = dense<[[0.5, 0.25], [0.5, -0.5]]> : tensor<2x2xf32>} : tensor<2x2xf32>
  // expected-error @+1 {{node '<unnamed>' (MatMul): not converted to a BitLinear: weights are not ternary}}
  %y = onnx.MatMul(%x, %w) : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// A non-ternary MatMulNBits is an error too in strict mode (not dequantized).
func.func @strict_nbits(%x: tensor<3x16xf32>) -> tensor<3x1xf32> {
  %none = onnx.NoValue
  %w = onnx.Constant {value = dense<4> : tensor<1x1x4xui8>} : tensor<1x1x4xui8>
  %s = onnx.Constant {value = dense<0.5> : tensor<1xf32>} : tensor<1xf32>
  // expected-error @+1 {{node '<unnamed>' (com.microsoft.MatMulNBits): not converted to a BitLinear: codes are not ternary: row 0, column 0 has code - zero_point = -2}}
  %y = onnx.com.microsoft.MatMulNBits(%x, %w, %s, %none, %none, %none) {K = 16 : i64, N = 1 : i64, bits = 2 : i64, block_size = 16 : i64} : (tensor<3x16xf32>, tensor<1x1x4xui8>, tensor<1xf32>, none, none, none) -> tensor<3x1xf32>
  return %y : tensor<3x1xf32>
}

// -----

// A non-ternary blocked DequantizeLinear weight is an error in strict mode.
func.func @strict_blocked(%x: tensor<3x4xf32>) -> tensor<3x2xf32> {
  %none = onnx.NoValue
  %codes = onnx.Constant {value = dense<[[1, -1], [2, 1], [-1, 0], [1, 1]]> : tensor<4x2xi8>} : tensor<4x2xi8>
  %scale = onnx.Constant {value = dense<[[0.5, 2.0], [0.25, 4.0]]> : tensor<2x2xf32>} : tensor<2x2xf32>
  %w = onnx.DequantizeLinear(%codes, %scale, %none) {axis = 0 : i64, block_size = 2 : i64} : (tensor<4x2xi8>, tensor<2x2xf32>, none) -> tensor<4x2xf32>
  // expected-error @+1 {{node '<unnamed>' (MatMul): not converted to a BitLinear: codes are not ternary: output row 0, column 1 has code - zero_point = 2}}
  %y = onnx.MatMul(%x, %w) : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}
