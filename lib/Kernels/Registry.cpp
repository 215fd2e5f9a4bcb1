//===- Registry.cpp - the list of kernel strategies -----------------------===//
#include "bitnet-mlir/Kernels/KernelStrategy.h"

using namespace mlir;
using namespace mlir::bitnet;

ArrayRef<const KernelStrategy *> bitnet::getKernelStrategies() {
  // Built once; the strategies hold no state.
  static const std::vector<std::unique_ptr<KernelStrategy>> owned = [] {
    std::vector<std::unique_ptr<KernelStrategy>> list;
#define BITNET_KERNEL_STRATEGY(factory) list.push_back(factory());
#include "bitnet-mlir/Kernels/Strategies.def"
    return list;
  }();
  static const std::vector<const KernelStrategy *> strategies = [] {
    std::vector<const KernelStrategy *> list;
    for (const auto &strategy : owned)
      list.push_back(strategy.get());
    return list;
  }();
  return strategies;
}

const KernelStrategy *bitnet::lookupKernelStrategy(StringRef name) {
  for (const KernelStrategy *strategy : getKernelStrategies())
    if (strategy->getName() == name)
      return strategy;
  return nullptr;
}
