//===- FoldConstants.cpp - onnx-fold-constants ----------------------------===//
//
// Exporters leave the whole weight quantization of a training graph in the
// model (latent weights, STE adds, ReduceMean/Abs/Round/Clip) along with
// Cast/Shape/Gather/Concat noise. Everything that depends only on
// constants is evaluated here, so that the BitLinear recognizer sees the
// quantized weight as one constant.
//
// A weight's quantization is a chain of full-size intermediates. Large
// results are dense_resource blobs (ConstantData.h), and the blobs this pass
// created are freed as soon as no op refers to them, so a chain holds a few
// weight-sized buffers at a time instead of one per op.
//
//===----------------------------------------------------------------------===//
#include "bitnet-mlir/Transforms/Passes.h"

#include "ConstantEvaluator.h"
#include "bitnet-mlir/Support/ConstantData.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/SetVector.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::bitnet {
#define GEN_PASS_DEF_ONNXFOLDCONSTANTSPASS
#include "bitnet-mlir/Transforms/Passes.h.inc"
} // namespace mlir::bitnet

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::onnx_ir;

static void
populateOnnxFoldConstantsCleanupPatterns(RewritePatternSet &patterns);

namespace {

/// The largest result folded from smaller operands (ConstantOfShape, Expand,
/// Tile, broadcasting): a few bytes of model must not become gigabytes of
/// constants, or minutes of evaluation. Generated code fills such tensors.
constexpr int64_t kMaxGrownElements = 1 << 20;

/// Large constants created by the pass, freed in batches once unused.
class FoldedBlobs {
public:
  explicit FoldedBlobs(Operation *scope) : scope(scope) {}

  void add(ElementsAttr attr) {
    auto resource = dyn_cast<DenseResourceElementsAttr>(attr);
    if (!resource)
      return;
    handles.push_back(resource.getRawHandle());
    pendingBytes += resource.getRawHandle().getBlob()->getData().size();
  }

  /// Frees unused blobs once enough bytes have been created since the last
  /// sweep that a walk of `scope` is worth it (or always, with `force`).
  /// Blobs still in use stay candidates for the next sweep.
  void sweep(bool force = false) {
    if (!force && pendingBytes < kSweepBytes)
      return;
    releaseUnreferencedBlobs(scope, handles);
    pendingBytes = 0;
  }

private:
  /// Each sweep walks the function: amortized over this many bytes.
  static constexpr uint64_t kSweepBytes = 64ull << 20;
  Operation *scope;
  SmallVector<DenseResourceElementsHandle> handles;
  uint64_t pendingBytes = 0;
};

/// Whether `op` is a DequantizeLinear with `block_size` (opset 21) along K
/// of the weight of every MatMul or Gemm it feeds. Recognition
/// (convert-onnx-to-bitnet) reads those itself: folded, the block scales
/// would only survive as one magnitude per row and block, which is not a
/// ternary weight; packed, they scale per-block partial sums. It folds them
/// where the layer stays float.
bool isBlockedLinearWeight(Operation *op) {
  auto dequantize = dyn_cast<DequantizeLinearOp>(op);
  if (!dequantize || dequantize.getBlockSize() <= 0 || op->use_empty())
    return false;
  auto type = dyn_cast<RankedTensorType>(dequantize.getY().getType());
  if (!type || type.getRank() != 2 || !type.getElementType().isF32())
    return false;
  int64_t axis = dequantize.getAxis() < 0 ? dequantize.getAxis() + 2
                                          : dequantize.getAxis();
  return llvm::all_of(op->getUses(), [&](OpOperand &use) {
    if (use.getOperandNumber() != 1)
      return false;
    if (isa<MatMulOp>(use.getOwner()))
      return axis == 0;
    auto gemm = dyn_cast<GemmOp>(use.getOwner());
    return gemm && axis == (gemm.getTransB() ? 1 : 0);
  });
}

/// Replaces an onnx op whose operands are all constants (or `none`) by the
/// constant it computes.
struct FoldConstantOperands : RewritePattern {
  FoldConstantOperands(MLIRContext *context, int64_t maxElements,
                       FoldedBlobs *blobs)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context),
        maxElements(maxElements), blobs(blobs) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isa<OnnxDialect>(op->getDialect()) || isa<ConstantOp, NoValueOp>(op) ||
        op->getNumResults() != 1)
      return failure();
    if (isBlockedLinearWeight(op))
      return rewriter.notifyMatchFailure(
          op, "a blocked weight is left for BitLinear recognition");
    auto declaredType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!declaredType)
      return rewriter.notifyMatchFailure(op, "result is not a ranked tensor");

    SmallVector<HostTensor> storage;
    storage.reserve(op->getNumOperands());
    SmallVector<const HostTensor *> args;
    SmallVector<ElementsAttr> attrs;
    int64_t operandElements = 0;
    for (Value operand : op->getOperands()) {
      ElementsAttr attr;
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

    for (ElementsAttr attr : attrs) {
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
    std::optional<StringRef> name = onnx_ir::getNodeName(op->getLoc());
    ElementsAttr value = result->toAttr(computedType, name.value_or("folded"));
    llvm::SetVector<Operation *> inputs;
    for (Value operand : op->getOperands())
      if (Operation *input = operand.getDefiningOp())
        inputs.insert(input);
    rewriter.replaceOpWithNewOp<ConstantOp>(op, computedType, value);
    // Dead inputs go now rather than when the driver gets to them, so that
    // the sweep can free their blobs.
    for (Operation *input : inputs)
      if (input->use_empty() && isa<ConstantOp>(input))
        rewriter.eraseOp(input);
    if (blobs) {
      blobs->add(value);
      blobs->sweep();
    }
    return success();
  }

  int64_t maxElements;
  FoldedBlobs *blobs;
};

/// Dropout at inference is the identity; its mask, if used, is all true.
struct RemoveInferenceDropout : OpRewritePattern<DropoutOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DropoutOp op,
                                PatternRewriter &rewriter) const override {
    Value trainingMode = op.getTrainingMode();
    if (!isa<NoneType>(trainingMode.getType())) {
      DenseElementsAttr mode = getDenseConstant(trainingMode);
      if (!mode || !mode.isSplat() ||
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
    FoldedBlobs blobs(getOperation());
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldConstantOperands>(&getContext(), maxElements, &blobs);
    populateOnnxFoldConstantsCleanupPatterns(patterns);
    LogicalResult converged =
        applyPatternsGreedily(getOperation(), std::move(patterns));
    blobs.sweep(/*force=*/true);
    if (failed(converged))
      signalPassFailure();
  }
};

} // namespace

/// Dropout removal and the onnx ops' canonicalizations.
static void
populateOnnxFoldConstantsCleanupPatterns(RewritePatternSet &patterns) {
  patterns.add<RemoveInferenceDropout>(patterns.getContext());
  for (RegisteredOperationName name :
       patterns.getContext()->getRegisteredOperations())
    if (name.getDialectNamespace() == OnnxDialect::getDialectNamespace())
      name.getCanonicalizationPatterns(patterns, patterns.getContext());
}

void bitnet::populateOnnxFoldConstantsPatterns(RewritePatternSet &patterns,
                                               int64_t maxElements) {
  // Without a pass to sweep, blobs are freed by whoever owns the context.
  patterns.add<FoldConstantOperands>(patterns.getContext(), maxElements,
                                     /*blobs=*/nullptr);
  populateOnnxFoldConstantsCleanupPatterns(patterns);
}
