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
  // Keeps every storage size and index computation far from int64 overflow.
  constexpr int64_t kMaxDim = int64_t(1) << 31;
  if (rows > kMaxDim || cols > kMaxDim)
    return emitError() << "packed weights of " << rows << "x" << cols
                       << " exceed the largest dimension 2^31";
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
  case PackedLayout::Tiled: {
    int64_t perByte = encoding == PackedEncoding::Binary1    ? 8
                      : encoding == PackedEncoding::Ternary2 ? 4
                                                             : 5;
    if (blockRows < perByte || blockRows % perByte != 0 ||
        blockRows / perByte > 64)
      return emitError() << "layout tiled needs block_rows a multiple of "
                         << perByte << " (the weights per byte) with at most "
                            "64 lanes, got "
                         << blockRows;
    break;
  }
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
  case PackedLayout::Tiled: {
    int64_t tiles = (getRows() + getBlockRows() - 1) / getBlockRows();
    return {tiles * ((getCols() + 3) / 4), 4 * getTileLanes()};
  }
  }
  llvm_unreachable("unknown packed layout");
}

int64_t PackedType::getTileLanes() const {
  return getBlockRows() / getWeightsPerByte();
}

PackedType::WeightLocation PackedType::getWeightLocation(int64_t row,
                                                         int64_t k) const {
  if (getLayout() != PackedLayout::Tiled) {
    int64_t perByte = getWeightsPerByte();
    auto [r, c] = getStorageIndex(row, k / perByte);
    return {r, c, k % perByte};
  }
  int64_t blockRows = getBlockRows(), lanes = getTileLanes();
  int64_t tile = row / blockRows, inTile = row % blockRows;
  return {tile * ((getCols() + 3) / 4) + k / 4, 4 * (inTile % lanes) + k % 4,
          inTile / lanes};
}

std::pair<int64_t, int64_t> PackedType::getStorageIndex(int64_t row,
                                                        int64_t byte) const {
  switch (getLayout()) {
  case PackedLayout::RowMajor:
    return {row, byte};
  case PackedLayout::RowInterleaved:
    return {(row / getBlockRows()) * getRowBytes() + byte,
            row % getBlockRows()};
  case PackedLayout::Tiled:
    break;
  }
  llvm_unreachable("getStorageIndex needs a row layout");
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

TargetAttr TargetAttr::lookup(Operation *op) {
  for (; op; op = op->getParentOp())
    if (auto target = op->getAttrOfType<TargetAttr>(getAttrName()))
      return target;
  return TargetAttr();
}

LogicalResult KernelAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 StringRef name, KernelLayout layout,
                                 int64_t lanes) {
  if (name.empty())
    return emitError() << "a kernel needs a name";
  if (lanes < 1 || lanes > 256)
    return emitError() << "kernel lanes must be in [1, 256], got " << lanes;
  if (layout == KernelLayout::RowInterleaved && lanes < 2)
    return emitError() << "row_interleaved kernels need lanes >= 2";
  return success();
}

int64_t KernelAttr::getBlockRows(PackedEncoding encoding) const {
  switch (getLayout()) {
  case KernelLayout::Tiled:
    return getLanes() * (encoding == PackedEncoding::Binary1    ? 8
                         : encoding == PackedEncoding::Ternary2 ? 4
                                                                : 5);
  case KernelLayout::RowInterleaved:
    return getLanes();
  case KernelLayout::RowMajor:
  case KernelLayout::Any:
    return 1;
  }
  llvm_unreachable("unknown kernel layout");
}
