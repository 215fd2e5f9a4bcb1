//===- TargetDescription.h - #bitnet.target from --target/--mcpu -*- C++ -*-===//
//
// The one place target knowledge is derived: the LLVM target machine that
// --target and --mcpu select becomes a #bitnet.target attribute (arch, CPU,
// baseline and dispatchable CPU features, vector width) on the module, and
// passes read that attribute instead of asking the driver or LLVM.
//
//===----------------------------------------------------------------------===//
#ifndef BITNET_MLIR_TARGET_TARGETDESCRIPTION_H
#define BITNET_MLIR_TARGET_TARGETDESCRIPTION_H

#include "Bitnet/BitnetDialect.h"

namespace llvm {
class TargetMachine;
} // namespace llvm

namespace mlir::bitnet {

/// What `machine` (its triple, CPU and features) means for the compiler.
TargetAttr getTargetAttr(MLIRContext *context,
                         const llvm::TargetMachine &machine);

} // namespace mlir::bitnet

#endif // BITNET_MLIR_TARGET_TARGETDESCRIPTION_H
