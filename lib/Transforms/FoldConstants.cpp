//===- FoldConstants.cpp - onnx-fold-constants ----------------------------===//
//
// Exporters leave the whole weight quantization of a training graph in the
// model (latent weights, STE adds, ReduceMean/Abs/Round/Clip) along with
// Cast/Shape/Gather/Concat noise. Everything that depends only on
// constants is evaluated here, so that the BitLinear recognizer sees the
// quantized weight as one constant.
//
//===----------------------------------------------------------------------===//
#include "bitnet-mlir/Transforms/Passes.h"

#include "ConstantEvaluator.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::bitnet {
#define GEN_PASS_DEF_ONNXFOLDCONSTANTSPASS
#include "bitnet-mlir/Transforms/Passes.h.inc"
} // namespace mlir::bitnet

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::onnx_ir;

namespace {

/// The largest result folded from smaller operands (ConstantOfShape, Expand,
/// Tile, broadcasting): a few bytes of model must not become gigabytes of
/// constants, or minutes of evaluation. Generated code fills such tensors.
constexpr int64_t kMaxGrownElements = 1 << 20;

/// Replaces an onnx op whose operands are all constants (or `none`) by the
/// constant it computes.
struct FoldConstantOperands : RewritePattern {
  FoldConstantOperands(MLIRContext *context, int64_t maxElements)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context),
        maxElements(maxElements) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isa<OnnxDialect>(op->getDialect()) || isa<ConstantOp, NoValueOp>(op) ||
        op->getNumResults() != 1)
      return failure();
    auto declaredType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!declaredType)
      return rewriter.notifyMatchFailure(op, "result is not a ranked tensor");

    SmallVector<HostTensor> storage;
    storage.reserve(op->getNumOperands());
    SmallVector<const HostTensor *> args;
    SmallVector<DenseElementsAttr> attrs;
    int64_t operandElements = 0;
    for (Value operand : op->getOperands()) {
      DenseElementsAttr attr;
      if (!isa<NoneType>(operand.getType()) &&
          !matchPattern(operand, m_Constant(&attr)))
        return rewriter.notifyMatchFailure(op, "operand is not constant");
      attrs.push_back(attr);
      if (attr)
        operandElements += attr.getNumElements();
    }
    int64_t limit = std::min<int64_t>(
        maxElements, std::max(operandElements, kMaxGrownElements));
    if (declaredType.hasStaticShape() && declaredType.getNumElements() > limit)
      return rewriter.notifyMatchFailure(op, "result too large to fold");

    for (DenseElementsAttr attr : attrs) {
      if (!attr) {
        args.push_back(nullptr);
        continue;
      }
      FailureOr<HostTensor> tensor = HostTensor::fromAttr(attr);
      if (failed(tensor))
        return rewriter.notifyMatchFailure(op, "unsupported element type");
      storage.push_back(std::move(*tensor));
      args.push_back(&storage.back());
    }

    // Fails too when the result would exceed the limit.
    FailureOr<HostTensor> result = evaluateOnnxOp(op, args, limit);
    if (failed(result))
      return rewriter.notifyMatchFailure(op, "not evaluated");
    auto computedType =
        RankedTensorType::get(result->shape, declaredType.getElementType());
    if (computedType != declaredType) {
      // Shape inference left dims dynamic that are known now. Refine only
      // where every user is an onnx op (they accept any tensor type).
      if (failed(verifyCompatibleShape(computedType, declaredType)))
        return rewriter.notifyMatchFailure(op, "evaluated shape differs");
      for (Operation *user : op->getUsers())
        if (!isa<OnnxDialect>(user->getDialect()))
          return rewriter.notifyMatchFailure(op, "a non-onnx user");
    }
    rewriter.replaceOpWithNewOp<ConstantOp>(op, computedType,
                                            result->toAttr(computedType));
    return success();
  }

  int64_t maxElements;
};

/// Dropout at inference is the identity; its mask, if used, is all true.
struct RemoveInferenceDropout : OpRewritePattern<DropoutOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DropoutOp op,
                                PatternRewriter &rewriter) const override {
    Value trainingMode = op.getTrainingMode();
    if (!isa<NoneType>(trainingMode.getType())) {
      DenseElementsAttr mode;
      if (!matchPattern(trainingMode, m_Constant(&mode)) || !mode.isSplat() ||
          mode.getSplatValue<bool>())
        return rewriter.notifyMatchFailure(op, "training mode may be on");
    }
    if (!op.getMask().use_empty())
      return rewriter.notifyMatchFailure(op, "mask is used");
    if (op.getData().getType() != op.getOutput().getType())
      return rewriter.notifyMatchFailure(op, "output type differs");
    rewriter.replaceAllUsesWith(op.getOutput(), op.getData());
    rewriter.eraseOp(op);
    return success();
  }
};

struct OnnxFoldConstantsPass
    : bitnet::impl::OnnxFoldConstantsPassBase<OnnxFoldConstantsPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateOnnxFoldConstantsPatterns(patterns, maxElements);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void bitnet::populateOnnxFoldConstantsPatterns(RewritePatternSet &patterns,
                                               int64_t maxElements) {
  patterns.add<FoldConstantOperands>(patterns.getContext(), maxElements);
  patterns.add<RemoveInferenceDropout>(patterns.getContext());
  for (RegisteredOperationName name :
       patterns.getContext()->getRegisteredOperations())
    if (name.getDialectNamespace() == OnnxDialect::getDialectNamespace())
      name.getCanonicalizationPatterns(patterns, patterns.getContext());
}
