// RUN: bitnet-opt %s --bitnet-report -split-input-file -o /dev/null | FileCheck %s
// RUN: bitnet-opt %s --bitnet-report='baseline=fp32 tokens=8' -split-input-file -o /dev/null | FileCheck %s --check-prefix=FP32
// RUN: not bitnet-opt %s --bitnet-report=baseline=bf16 -split-input-file -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD-BASELINE
// RUN: not bitnet-opt %s --bitnet-report=tokens=0 -split-input-file -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD-TOKENS
// RUN: not bitnet-opt %s --bitnet-report=format=xml -split-input-file -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD-FORMAT
// BAD-BASELINE: error: invalid bitnet-report baseline 'bf16' (expected fp16 or fp32)
// BAD-TOKENS: error: invalid bitnet-report tokens 0 (expected 1 or more)
// BAD-FORMAT: error: invalid bitnet-report format 'xml' (expected text or json)

// An unpacked BitLinear (before bitnet-pack-weights) with a bias and a
// dynamic token dimension: m = 1 per token by default, 8 with tokens=8.
// Parameters 3 x 4 weights + 3 bias = 15; FP16 30 bytes; compiled: 12 i8
// weights + 4 (f32 weight scale) + 12 (bias) = 28.
// Baseline per token: m(n-1)p = 1*3*3 = 9 adds, mnp = 12 muls; compiled: 9
// int8 adds, mp + mn = 3 + 4 = 7 muls. Energy (pJ): 45 nm 9 * 0.4 + 12 * 1.1
// = 16.8 against 9 * 0.03 + 7 * 1.1 = 7.97; 7 nm 9 * 0.16 + 12 * 0.34 = 5.52
// against 9 * 0.007 + 7 * 0.34 = 2.443.
// CHECK-LABEL: BitNet report: 1 matmul layers (1 BitLinear, 0 float); dynamic dimensions counted as 1: counts are per token
// CHECK:      layer     kind  m x n x p  parameters  FP16 bytes  compiled bytes  ratio
// CHECK-NEXT: /fc/Gemm  int8  1 x 4 x 3  15          30          28              1.07
// CHECK:      /fc/Gemm  FP16      9 fp16  12 fp16  16.8 pJ  5.52 pJ
// CHECK-NEXT:           compiled  9 int8  7 fp16   7.97 pJ  2.44 pJ
// CHECK: Not counted (norms, activations, elementwise, shape ops): onnx.Relu x1
// FP32-LABEL: BitNet report: 1 matmul layers (1 BitLinear, 0 float); dynamic dimensions counted as 8 (--report-tokens)
// FP32: /fc/Gemm  int8  8 x 4 x 3
// FP32: /fc/Gemm  FP32      72 fp32  96 fp32
// FP32-NEXT:      compiled  72 int8  56 fp32
func.func @main_graph(%x: tensor<?x4xf32>) -> tensor<?x3xf32> {
  %w = arith.constant dense<[[1, -1, 0, 1], [0, 0, -1, 1], [1, 1, 1, 1]]> : tensor<3x4xi8>
  %ws = arith.constant dense<0.5> : tensor<1xf32>
  %b = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %q, %s = bitnet.quantize_activations %x per_token {qmax = 127.0 : f32, eps = 1.0e-5 : f32, clip_min = -128 : i64, clip_max = 127 : i64} : tensor<?x4xf32> -> tensor<?x4xi8>, tensor<?x1xf32>
  %acc = bitnet.ternary_matmul %q, %w : tensor<?x4xi8>, tensor<3x4xi8> -> tensor<?x3xi32> loc("/fc/Gemm")
  %y = bitnet.rescale %acc, %s, %ws bias %b : tensor<?x3xi32>, tensor<?x1xf32>, tensor<1xf32>, tensor<3xf32> -> tensor<?x3xf32>
  %r = onnx.Relu(%y) : (tensor<?x3xf32>) -> tensor<?x3xf32>
  return %r : tensor<?x3xf32>
}

// -----

// Float layers: a Gemm with transA and a constant C (parameters 2 x 5 + 5
// = 15, f32: 60 bytes), a MatMul with a 1-D B (m = 2 x 3 = 6, p = 1) and a
// batched MatMul of two activations (no parameters, m = 4 x 2, n = 3, p = 5).
// Layers without a node name are named after the op.
// CHECK-LABEL: BitNet report: 3 matmul layers (0 BitLinear, 3 float); all shapes static
// CHECK-NEXT: {{^$}}
// CHECK:      gemm            float onnx.Gemm    3 x 2 x 5  15  30  60  0.50
// CHECK-NEXT: onnx.MatMul#1   float onnx.MatMul  6 x 4 x 1  4   8   16  0.50
// CHECK-NEXT: onnx.MatMul#2   float onnx.MatMul  8 x 3 x 5  0   0   0   -
// CHECK-NEXT: total                                          19  38  76  0.50
// 45 nm: Gemm 3*1*5 adds * 0.4 + 30 muls * 1.1 = 39 pJ
// CHECK:      gemm           FP16      15 fp16  30 fp16  39 pJ
// CHECK-NEXT:                compiled  15 fp16  30 fp16  39 pJ
// CHECK:      Float path (counted at the baseline precision; the compiled code computes in f32):
// CHECK-NEXT:   gemm (onnx.Gemm): not raised
// CHECK-NEXT:   onnx.MatMul#1 (onnx.MatMul): not raised
// CHECK-NEXT:   onnx.MatMul#2 (onnx.MatMul): B is computed at run time, not a constant weight
// CHECK-NOT: Not counted
func.func @main_graph(%a: tensor<2x3xf32>, %v: tensor<2x3x4xf32>, %l: tensor<4x2x3xf32>, %r: tensor<4x3x5xf32>) -> (tensor<3x5xf32>, tensor<2x3xf32>, tensor<4x2x5xf32>) {
  %b = onnx.Constant {value = dense<1.0> : tensor<2x5xf32>} : tensor<2x5xf32>
  %c = onnx.Constant {value = dense<1.0> : tensor<5xf32>} : tensor<5xf32>
  %k = onnx.Constant {value = dense<1.0> : tensor<4xf32>} : tensor<4xf32>
  %g = onnx.Gemm(%a, %b, %c) {transA = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>, tensor<5xf32>) -> tensor<3x5xf32> loc("gemm")
  %m = onnx.MatMul(%v, %k) : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  %bm = onnx.MatMul(%l, %r) : (tensor<4x2x3xf32>, tensor<4x3x5xf32>) -> tensor<4x2x5xf32>
  return %g, %m, %bm : tensor<3x5xf32>, tensor<2x3xf32>, tensor<4x2x5xf32>
}
