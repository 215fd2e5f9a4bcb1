//===- ReferenceStrategy.cpp - the reference kernel strategy --------------===//
//
// Scalar add/subtract loops (Matmul.cpp) for every matmul, target, layout
// and input type: the fallback of bitnet-select-kernels and the oracle the
// vector kernels are tested against. It reads whatever layout the weights
// come in, so it asks for none.
//
//===----------------------------------------------------------------------===//
#include "ReferenceKernel.h"

using namespace mlir;
using namespace mlir::bitnet;

static constexpr StringLiteral kName = "reference";

bool bitnet::isReferenceMatmul(Operation *matmul) {
  auto kernel = matmul->getAttrOfType<KernelAttr>("kernel");
  return !kernel || kernel.getName() == kName;
}

namespace {
struct ReferenceStrategy : KernelStrategy {
  StringRef getName() const override { return kName; }
  StringRef getSummary() const override {
    return "scalar add/subtract loops, every target and layout";
  }
  KernelPhase getPhase() const override { return KernelPhase::Tensors; }
  KernelAttr select(Operation *matmul, PackedEncoding,
                    TargetAttr) const override {
    return KernelAttr::get(matmul->getContext(), kName, KernelLayout::Any, 1);
  }
  void populateLoweringPatterns(RewritePatternSet &patterns,
                                TargetAttr) const override {
    populateReferenceMatmulPatterns(patterns);
  }
};
} // namespace

std::unique_ptr<KernelStrategy> bitnet::createReferenceKernelStrategy() {
  return std::make_unique<ReferenceStrategy>();
}
