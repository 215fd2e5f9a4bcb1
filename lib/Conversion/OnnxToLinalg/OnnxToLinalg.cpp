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
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/AttrTypeSubElements.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
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
  onnx_to_linalg::populateQuantizationPatterns(patterns);
}

/// The patterns read ONNX's unsigned integer types (uint8 divides, compares
/// and extends unlike int8) and keep them in the tensors they build; arith
/// and everything after it take signless integers only, so once every op
/// is lowered each type, attribute and signature in `func` becomes signless.
static void makeIntegersSignless(func::FuncOp func) {
  AttrTypeReplacer replacer;
  replacer.addReplacement([](IntegerType type) -> std::optional<Type> {
    if (type.isSignless())
      return std::nullopt;
    return IntegerType::get(type.getContext(), type.getWidth());
  });
  // Elements attributes keep their data: only the type changes.
  auto signless = [](ShapedType type) {
    return type.clone(IntegerType::get(type.getContext(),
                                       type.getElementTypeBitWidth()));
  };
  replacer.addReplacement(
      [&](DenseIntElementsAttr attr) -> std::optional<Attribute> {
        if (!attr.getElementType().isUnsignedInteger())
          return std::nullopt;
        return attr.bitcast(signless(attr.getType()).getElementType());
      });
  replacer.addReplacement(
      [&](DenseResourceElementsAttr attr) -> std::optional<Attribute> {
        if (!attr.getElementType().isUnsignedInteger())
          return std::nullopt;
        return DenseResourceElementsAttr::get(signless(attr.getType()),
                                              attr.getRawHandle());
      });
  replacer.recursivelyReplaceElementsIn(func, /*replaceAttrs=*/true,
                                        /*replaceLocs=*/false,
                                        /*replaceTypes=*/true);
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
                           math::MathDialect, scf::SCFDialect>();
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
      return signalPassFailure();
    makeIntegersSignless(func);
  }
};
} // namespace
