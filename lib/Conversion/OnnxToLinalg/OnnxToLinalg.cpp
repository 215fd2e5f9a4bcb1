//===- OnnxToLinalg.cpp - the convert-onnx-to-linalg pass -----------------===//
//
// Lowers onnx ops to linalg/tensor/arith/math on tensors. The patterns live
// in one file per family (Elementwise, Reductions, MatMul, Normalization,
// Shapes, Indexing, Generators); this file runs them as a partial
// conversion with the onnx dialect illegal, so that an op left over is an
// error at its node.
//
//===----------------------------------------------------------------------===//
#include "Common.h"

#include "bitnet-mlir/Conversion/Passes.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace mlir::bitnet {
#define GEN_PASS_DEF_CONVERTONNXTOLINALGPASS
#include "bitnet-mlir/Conversion/Passes.h.inc"
} // namespace mlir::bitnet

using namespace mlir;
using namespace mlir::bitnet;

void bitnet::populateOnnxToLinalgPatterns(RewritePatternSet &patterns) {
  onnx_to_linalg::populateElementwisePatterns(patterns);
  onnx_to_linalg::populateReductionPatterns(patterns);
  onnx_to_linalg::populateMatMulPatterns(patterns);
  onnx_to_linalg::populateNormalizationPatterns(patterns);
  onnx_to_linalg::populateShapePatterns(patterns);
  onnx_to_linalg::populateIndexingPatterns(patterns);
  onnx_to_linalg::populateGeneratorPatterns(patterns);
}

namespace {
struct ConvertOnnxToLinalgPass
    : bitnet::impl::ConvertOnnxToLinalgPassBase<ConvertOnnxToLinalgPass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    func::FuncOp func = getOperation();

    ConversionTarget target(*ctx);
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect,
                           arith::ArithDialect, cf::ControlFlowDialect,
                           math::MathDialect>();
    target.addIllegalDialect<onnx_ir::OnnxDialect>();
    // A used NoValue stays until its users are lowered; it is erased below.
    target.addDynamicallyLegalOp<onnx_ir::NoValueOp>(
        [](Operation *op) { return !op->use_empty(); });

    RewritePatternSet patterns(ctx);
    populateOnnxToLinalgPatterns(patterns);

    // A pattern that cannot lower its op says why at the op; the driver's
    // "failed to legalize" at the same place would only repeat it.
    llvm::SmallPtrSet<const void *, 4> explained;
    ScopedDiagnosticHandler handler(ctx, [&](Diagnostic &diag) {
      if (diag.getSeverity() != DiagnosticSeverity::Error)
        return failure();
      const void *loc = diag.getLocation().getAsOpaquePointer();
      if (explained.contains(loc) &&
          StringRef(diag.str()).starts_with("failed to legalize"))
        return success();
      explained.insert(loc);
      return failure(); // on to the next handler
    });

    if (failed(applyPartialConversion(func, target, std::move(patterns))))
      return signalPassFailure();

    bool leftOver = false;
    func.walk([&](Operation *op) {
      if (!isa_and_nonnull<onnx_ir::OnnxDialect>(op->getDialect()))
        return;
      if (isa<onnx_ir::NoValueOp>(op) && op->use_empty()) {
        op->erase();
        return;
      }
      onnx_to_linalg::emitNodeError(op) << "could not be lowered";
      leftOver = true;
    });
    if (leftOver)
      signalPassFailure();
  }
};
} // namespace
