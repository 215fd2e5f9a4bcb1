//===- SelectKernels.cpp - a kernel strategy for every BitNet matmul ------===//
#include "bitnet-mlir/Kernels/Passes.h"

#include "bitnet-mlir/Kernels/KernelStrategy.h"
#include "bitnet-mlir/Support/ConstantData.h"
#include "llvm/ADT/StringExtras.h"

namespace mlir::bitnet {
#define GEN_PASS_DEF_BITNETSELECTKERNELSPASS
#include "bitnet-mlir/Kernels/Passes.h.inc"
} // namespace mlir::bitnet

using namespace mlir;
using namespace mlir::bitnet;

namespace {

/// The encoding bitnet-pack-weights picks for `matmul` with `choice`
/// (auto: binary1 when no weight is 0, else ternary2).
PackedEncoding predictEncoding(Operation *matmul, StringRef choice) {
  if (auto packed = dyn_cast<PackedMatmulOp>(matmul))
    return packed.getPackedType().getEncoding();
  if (choice == "binary1")
    return PackedEncoding::Binary1;
  if (choice == "ternary_base3")
    return PackedEncoding::TernaryBase3;
  if (choice == "ternary2")
    return PackedEncoding::Ternary2;
  bool hasZero = true;
  if (ElementsAttr values =
          getConstantElements(cast<TernaryMatmulOp>(matmul).getWeights())) {
    hasZero = false;
    (void)forEachIntValue(values, [&](int64_t w) {
      hasZero |= w == 0;
      return !hasZero;
    });
  }
  return hasZero ? PackedEncoding::Ternary2 : PackedEncoding::Binary1;
}

struct BitnetSelectKernelsPass
    : bitnet::impl::BitnetSelectKernelsPassBase<BitnetSelectKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    const KernelStrategy *forced = nullptr;
    if (kernel != "auto" && !(forced = lookupKernelStrategy(kernel))) {
      SmallVector<StringRef> names;
      for (const KernelStrategy *strategy : getKernelStrategies())
        names.push_back(strategy->getName());
      getOperation().emitError("bitnet-select-kernels: unknown kernel '")
          << kernel << "' (expected auto, " << llvm::join(names, ", ") << ")";
      return signalPassFailure();
    }
    TargetAttr target = TargetAttr::lookup(getOperation());
    const KernelStrategy *fallback = getKernelStrategies().back();
    getOperation().walk([&](Operation *op) {
      if (!isa<TernaryMatmulOp, PackedMatmulOp>(op) || op->hasAttr("kernel"))
        return;
      PackedEncoding encoding = predictEncoding(op, encodingOption());
      auto admit = [&](const KernelStrategy *strategy) {
        KernelAttr attr = strategy->select(op, encoding, target);
        if (attr && layout != "auto" &&
            attr.getLayout() != KernelLayout::Any &&
            stringifyKernelLayout(attr.getLayout()) != StringRef(layout))
          return KernelAttr();
        return attr;
      };
      KernelAttr chosen;
      if (forced)
        chosen = admit(forced);
      for (const KernelStrategy *strategy : getKernelStrategies()) {
        if (chosen)
          break;
        if (!forced || strategy == fallback)
          chosen = admit(strategy);
      }
      op->setAttr("kernel", chosen);
    });
  }

  StringRef encodingOption() const { return encoding; }
};

} // namespace
