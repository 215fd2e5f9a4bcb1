//===- BitnetTypes.cpp - bitnet types -------------------------------------===//
#include "Bitnet/BitnetDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"

using namespace mlir;
using namespace mlir::bitnet;

LogicalResult
PackedType::verify(function_ref<InFlightDiagnostic()> emitError,
                   PackedEncoding encoding, PackedLayout layout, int64_t rows,
                   int64_t cols, int64_t groupSize) {
  if (rows <= 0 || cols <= 0)
    return emitError() << "packed weights need positive rows and cols, got "
                       << rows << "x" << cols;
  if (groupSize < 0 || (groupSize > 0 && cols % groupSize != 0))
    return emitError() << "group_size " << groupSize
                       << " must be 0 or divide cols (" << cols << ")";
  return success();
}

unsigned PackedType::getBitsPerWeight() const {
  switch (getEncoding()) {
  case PackedEncoding::Binary1:
    return 1;
  case PackedEncoding::Ternary2:
    return 2;
  }
  llvm_unreachable("unknown packed encoding");
}

int64_t PackedType::getRowBytes() const {
  return (getCols() * getBitsPerWeight() + 7) / 8;
}

SmallVector<int64_t, 2> PackedType::getStorageShape() const {
  return {getRows(), getRowBytes()};
}
