//===- BitnetDialect.cpp - the bitnet dialect -----------------------------===//
#include "Bitnet/BitnetDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::bitnet;

#include "Bitnet/BitnetDialect.cpp.inc"
#include "Bitnet/BitnetEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "Bitnet/BitnetAttrs.cpp.inc"

// Type storage must be complete where addTypes is instantiated.
#define GET_TYPEDEF_CLASSES
#include "Bitnet/BitnetTypes.cpp.inc"

void BitnetDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "Bitnet/BitnetAttrs.cpp.inc"
      >();
  addTypes<
#define GET_TYPEDEF_LIST
#include "Bitnet/BitnetTypes.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "Bitnet/BitnetOps.cpp.inc"
      >();
}
