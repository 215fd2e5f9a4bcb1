//===- Passes.td - dialect conversions ---------------------*- tablegen -*-===//
#ifndef BITNET_CONVERSION_PASSES
#define BITNET_CONVERSION_PASSES

include "mlir/Pass/PassBase.td"

def ConvertOnnxToBitnetPass : Pass<"convert-onnx-to-bitnet", "func::FuncOp"> {
  let summary = "Raise BitLinear subgraphs to bitnet ops";
  let description = [{
    Finds `onnx.MatMul`/`onnx.Gemm` whose weight operand is a constant with
    values in {-s, 0, +s} (after onnx-fold-constants) and whose activation
    operand is an absmax quantize-dequantize of some x (with or without the
    straight-through `x + (q - x)`), proves that the quantization matches
    `bitnet.quantize_activations` semantics, and rewrites the layer to
    `bitnet.quantize_activations` + `bitnet.ternary_matmul` +
    `bitnet.rescale`. A MatMul with a constant weight that is left on the
    float path gets a remark saying why (an error with `strict`).
  }];
  let options = [
    Option<"strict", "strict", "bool", "false",
           "make a MatMul with constant weights that is not raised an error">
  ];
  let dependentDialects = ["::mlir::bitnet::BitnetDialect",
                           "::mlir::arith::ArithDialect"];
}

def ConvertOnnxToLinalgPass : Pass<"convert-onnx-to-linalg", "func::FuncOp"> {
  let summary = "Lower onnx ops to linalg, tensor, arith and math";
  let description = [{
    Lowers every remaining `onnx` op to ops on tensors (linalg.generic and
    named linalg ops, tensor, arith, math). An op it cannot lower (an
    unsupported type or a dynamic case) is an error naming the node. What
    only the run-time sizes or data can violate (dynamic dimensions that
    must agree, MatMul's K, a Reshape's element count, a Gather index in range) is
    guarded by `cf.assert` with a message naming the node
    (bitnet-checks-to-status turns those into the entry's status).
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::cf::ControlFlowDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::scf::SCFDialect"];
}

def ConvertBitnetToSCFPass : Pass<"convert-bitnet-to-scf", "func::FuncOp"> {
  let summary = "Lower bitnet ops to loops on tensors (scf, linalg, arith)";
  let description = [{
    `bitnet.packed_matmul` becomes scf.for loops over output rows and packed
    bytes that decode each weight with shifts and masks and add or subtract
    the int8 activation (no multiplication); `bitnet.quantize_activations`
    and `bitnet.rescale` become linalg.generic ops. Packed constants become
    i8 `arith.constant`s of their storage shape.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

#endif // BITNET_CONVERSION_PASSES
