// RUN: not bitnet-opt %s --convert-onnx-to-linalg 2>&1 | FileCheck %s

// An error names the ONNX node (from the op's NameLoc) and operator; the
// location prints as the model file. The conversion driver's own "failed to
// legalize" does not repeat it.

// CHECK: m.onnx:0:0: error: node 'mm_3' (MatMul): batch dims 3 and 5 do not broadcast
// CHECK-NOT: failed to legalize
func.func @named(%a: tensor<3x2x4xf32>, %b: tensor<5x4x2xf32>) -> tensor<3x2x2xf32> {
  %0 = onnx.MatMul(%a, %b) : (tensor<3x2x4xf32>, tensor<5x4x2xf32>) -> tensor<3x2x2xf32> loc(#mm)
  return %0 : tensor<3x2x2xf32>
}
#mm = loc("mm_3"("m.onnx":0:0))
