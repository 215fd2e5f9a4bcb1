//===- BitnetDialect.h - the bitnet dialect ---------------------*- C++ -*-===//
#ifndef BITNET_DIALECTS_BITNET_BITNETDIALECT_H
#define BITNET_DIALECTS_BITNET_BITNETDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/LLVMIR/LLVMTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/TilingInterface.h"

#include "Bitnet/BitnetDialect.h.inc"
#include "Bitnet/BitnetEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "Bitnet/BitnetAttrs.h.inc"

#define GET_TYPEDEF_CLASSES
#include "Bitnet/BitnetTypes.h.inc"

#define GET_OP_CLASSES
#include "Bitnet/BitnetOps.h.inc"

namespace mlir::bitnet {
/// One-shot bufferization of bitnet.packed_matmul (BitnetBufferization.cpp).
void registerBufferizableOpInterfaceExternalModels(DialectRegistry &registry);
} // namespace mlir::bitnet

#endif // BITNET_DIALECTS_BITNET_BITNETDIALECT_H
