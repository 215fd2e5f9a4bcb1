//===- KernelStrategy.cpp - what every kernel strategy shares -------------===//
#include "bitnet-mlir/Kernels/KernelStrategy.h"

using namespace mlir;
using namespace mlir::bitnet;

KernelStrategy::~KernelStrategy() = default;

bool KernelStrategy::owns(Operation *matmul) const {
  auto kernel = matmul->getAttrOfType<KernelAttr>("kernel");
  return kernel && kernel.getName() == getName();
}
