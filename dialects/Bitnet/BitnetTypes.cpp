//===- BitnetTypes.cpp - bitnet types -------------------------------------===//
#include "Bitnet/BitnetDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"

using namespace mlir;
using namespace mlir::bitnet;

LogicalResult PackedType::verify(function_ref<InFlightDiagnostic()> emitError,
                                 PackedEncoding encoding, PackedLayout layout,
                                 int64_t rows, int64_t cols, int64_t groupSize,
                                 int64_t blockRows) {
  if (rows <= 0 || cols <= 0)
    return emitError() << "packed weights need positive rows and cols, got "
                       << rows << "x" << cols;
  if (groupSize < 0 || (groupSize > 0 && cols % groupSize != 0))
    return emitError() << "group_size " << groupSize
                       << " must be 0 or divide cols (" << cols << ")";
  switch (layout) {
  case PackedLayout::RowMajor:
    if (blockRows != 1)
      return emitError() << "layout row_major needs block_rows = 1, got "
                         << blockRows;
    break;
  case PackedLayout::RowInterleaved:
    // The bound keeps a storage row a plausible vector (and its size small).
    if (blockRows < 2 || blockRows > 256)
      return emitError() << "layout row_interleaved needs block_rows in "
                            "[2, 256], got "
                         << blockRows;
    break;
  }
  return success();
}

int64_t PackedType::getWeightsPerByte() const {
  switch (getEncoding()) {
  case PackedEncoding::Binary1:
    return 8;
  case PackedEncoding::Ternary2:
    return 4;
  case PackedEncoding::TernaryBase3:
    return 5;
  }
  llvm_unreachable("unknown packed encoding");
}

unsigned PackedType::getBitsPerWeight() const {
  switch (getEncoding()) {
  case PackedEncoding::Binary1:
    return 1;
  case PackedEncoding::Ternary2:
    return 2;
  case PackedEncoding::TernaryBase3:
    return 0;
  }
  llvm_unreachable("unknown packed encoding");
}

int64_t PackedType::getRowBytes() const {
  int64_t perByte = getWeightsPerByte();
  return (getCols() + perByte - 1) / perByte;
}

SmallVector<int64_t, 2> PackedType::getStorageShape() const {
  switch (getLayout()) {
  case PackedLayout::RowMajor:
    return {getRows(), getRowBytes()};
  case PackedLayout::RowInterleaved: {
    int64_t tiles = (getRows() + getBlockRows() - 1) / getBlockRows();
    return {tiles * getRowBytes(), getBlockRows()};
  }
  }
  llvm_unreachable("unknown packed layout");
}

std::pair<int64_t, int64_t> PackedType::getStorageIndex(int64_t row,
                                                        int64_t byte) const {
  switch (getLayout()) {
  case PackedLayout::RowMajor:
    return {row, byte};
  case PackedLayout::RowInterleaved:
    return {(row / getBlockRows()) * getRowBytes() + byte,
            row % getBlockRows()};
  }
  llvm_unreachable("unknown packed layout");
}
