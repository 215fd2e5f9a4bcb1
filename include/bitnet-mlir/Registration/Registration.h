//===- Registration.h - dialects and passes the tools load ------*- C++ -*-===//
#ifndef BITNET_MLIR_REGISTRATION_REGISTRATION_H
#define BITNET_MLIR_REGISTRATION_REGISTRATION_H

#include "mlir/IR/DialectRegistry.h"

namespace mlir::bitnet {

/// Our dialects, every upstream dialect a pipeline stage produces, and the
/// external models (bufferization, LLVM translation) they need.
void registerAllDialects(DialectRegistry &registry);

/// Our passes plus the upstream passes a pipeline or test spells by name.
void registerAllPasses();

} // namespace mlir::bitnet

#endif // BITNET_MLIR_REGISTRATION_REGISTRATION_H
