//===- LowerKernels.cpp - BitNet matmuls through their strategies ---------===//
#include "bitnet-mlir/Kernels/Passes.h"

#include "bitnet-mlir/Kernels/KernelStrategy.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir::bitnet {
#define GEN_PASS_DEF_BITNETLOWERKERNELSPASS
#include "bitnet-mlir/Kernels/Passes.h.inc"
} // namespace mlir::bitnet

using namespace mlir;
using namespace mlir::bitnet;

namespace {

/// The strategy of `matmul`: its kernel's, or the reference.
const KernelStrategy *getStrategy(Operation *matmul) {
  auto kernel = matmul->getAttrOfType<KernelAttr>("kernel");
  const KernelStrategy *strategy =
      kernel ? lookupKernelStrategy(kernel.getName()) : nullptr;
  return strategy ? strategy : getKernelStrategies().back();
}

struct BitnetLowerKernelsPass
    : bitnet::impl::BitnetLowerKernelsPassBase<BitnetLowerKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (phase != "tensors" && phase != "buffers") {
      getOperation().emitError("bitnet-lower-kernels: unknown phase '")
          << phase << "' (expected tensors or buffers)";
      return signalPassFailure();
    }
    KernelPhase current =
        phase == "tensors" ? KernelPhase::Tensors : KernelPhase::Buffers;
    // Unknown kernel names are errors before anything is rewritten.
    WalkResult named = getOperation().walk([&](Operation *op) {
      auto kernel = op->getAttrOfType<KernelAttr>("kernel");
      if (kernel && !lookupKernelStrategy(kernel.getName())) {
        op->emitOpError("names an unknown kernel strategy '")
            << kernel.getName() << "'";
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (named.wasInterrupted())
      return signalPassFailure();

    TargetAttr target = TargetAttr::lookup(getOperation());
    RewritePatternSet patterns(&getContext());
    for (const KernelStrategy *strategy : getKernelStrategies())
      if (strategy->getPhase() == current)
        strategy->populateLoweringPatterns(patterns, target);
    // One walk, no folding: the kernels' loops come out as built (folding
    // tensor.extract of large weight constants would only cost time).
    walkAndApplyPatterns(getOperation(), std::move(patterns));

    // Whatever this phase should have lowered and did not is an error.
    bool leftOver = false;
    getOperation().walk([&](Operation *op) {
      if (!isa<TernaryMatmulOp, PackedMatmulOp>(op))
        return;
      const KernelStrategy *strategy = getStrategy(op);
      if (strategy->getPhase() != current)
        return;
      bool onBuffers = op->getNumResults() == 0;
      if ((current == KernelPhase::Buffers) != onBuffers)
        return;
      op->emitOpError("was not lowered by kernel strategy '")
          << strategy->getName() << "'";
      leftOver = true;
    });
    if (leftOver)
      signalPassFailure();
  }
};

} // namespace
