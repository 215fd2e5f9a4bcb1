//===- BitnetOps.cpp - bitnet op verifiers --------------------------------===//
#include "Bitnet/BitnetDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace mlir::bitnet;

//===----------------------------------------------------------------------===//
// PackedConstantOp
//===----------------------------------------------------------------------===//

LogicalResult PackedConstantOp::verify() {
  PackedType type = getType();
  auto dataType = cast<ShapedType>(getData().getType());
  if (!dataType.getElementType().isInteger(8))
    return emitOpError("data must be i8, got ") << dataType.getElementType();
  if (dataType.getShape() != ArrayRef<int64_t>(type.getStorageShape()))
    return emitOpError("data shape must be [")
           << type.getRows() << ", " << type.getRowBytes() << "] for " << type;
  unsigned bits = type.getBitsPerWeight();
  int64_t usedBitsInLastByte = (type.getCols() * bits) % 8;
  uint8_t paddingMask =
      usedBitsInLastByte == 0 ? 0 : uint8_t(0xFF << usedBitsInLastByte);
  bool ternary = type.getEncoding() == PackedEncoding::Ternary2;
  int64_t rowBytes = type.getRowBytes();
  // i8 elements are stored one byte each; a splat stores one byte for all.
  DenseIntElementsAttr data = getData();
  ArrayRef<char> raw = data.getRawData();
  int64_t count = data.isSplat() ? 1 : static_cast<int64_t>(raw.size());
  for (int64_t index = 0; index < count; ++index) {
    auto byte = static_cast<uint8_t>(raw[index]);
    bool lastOfRow = data.isSplat() || index % rowBytes == rowBytes - 1;
    if (lastOfRow && (byte & paddingMask))
      return emitOpError("padding bits of row ")
             << index / rowBytes << " are not zero";
    // A byte holds an invalid code 0b11 iff some pair has both bits set.
    if (ternary && (byte & (byte >> 1) & 0x55))
      return emitOpError("invalid ternary code 0b11 in byte ") << index;
  }
  return success();
}

OpFoldResult PackedConstantOp::fold(FoldAdaptor) { return getDataAttr(); }

//===----------------------------------------------------------------------===//
// QuantizeActivationsOp
//===----------------------------------------------------------------------===//

LogicalResult QuantizeActivationsOp::verify() {
  auto inputType = cast<ShapedType>(getInput().getType());
  auto quantizedType = cast<ShapedType>(getQuantized().getType());
  auto scaleType = cast<ShapedType>(getScale().getType());
  if (inputType.getShape() != quantizedType.getShape())
    return emitOpError("quantized shape must equal the input shape");
  if (!inputType.hasRank() || inputType.getRank() == 0)
    return emitOpError("input must have rank >= 1");
  if (!scaleType.hasRank() || scaleType.getRank() != inputType.getRank())
    return emitOpError("scale must have the input's rank");
  bool perToken = getGranularity() == Granularity::PerToken;
  for (int64_t dim = 0, rank = inputType.getRank(); dim < rank; ++dim) {
    bool reduced = !perToken || dim == rank - 1;
    int64_t expected = reduced ? 1 : inputType.getDimSize(dim);
    int64_t actual = scaleType.getDimSize(dim);
    if (!ShapedType::isDynamic(expected) && !ShapedType::isDynamic(actual) &&
        expected != actual)
      return emitOpError("scale dimension ")
             << dim << " must be " << expected << ", got " << actual;
  }
  if (getClipMin() < -128 || getClipMax() > 127 ||
      getClipMin() > getClipMax())
    return emitOpError("clip range [")
           << getClipMin() << ", " << getClipMax()
           << "] must lie within int8 [-128, 127]";
  if (!(getQmax().convertToFloat() > 0.0f) || getEps().convertToFloat() < 0.0f)
    return emitOpError("qmax must be positive and eps non-negative");
  return success();
}

//===----------------------------------------------------------------------===//
// Matmuls
//===----------------------------------------------------------------------===//

/// Checks input [..., K] x weights (N rows, K cols) -> acc [..., N].
static LogicalResult verifyMatmulShapes(Operation *op, ShapedType inputType,
                                        int64_t rows, int64_t cols,
                                        ShapedType accType) {
  if (!inputType.hasRank() || inputType.getRank() == 0)
    return op->emitOpError("input must have rank >= 1");
  if (!accType.hasRank() || accType.getRank() != inputType.getRank())
    return op->emitOpError("result must have the input's rank");
  int64_t k = inputType.getShape().back();
  if (!ShapedType::isDynamic(k) && !ShapedType::isDynamic(cols) && k != cols)
    return op->emitOpError("input reduction dimension ")
           << k << " differs from the weights' " << cols;
  int64_t n = accType.getShape().back();
  if (!ShapedType::isDynamic(n) && !ShapedType::isDynamic(rows) && n != rows)
    return op->emitOpError("result last dimension ")
           << n << " differs from the weights' rows " << rows;
  for (int64_t dim = 0; dim + 1 < inputType.getRank(); ++dim) {
    int64_t a = inputType.getDimSize(dim), b = accType.getDimSize(dim);
    if (!ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b)
      return op->emitOpError("result dimension ")
             << dim << " must equal the input's (" << a << "), got " << b;
  }
  return success();
}

LogicalResult TernaryMatmulOp::verify() {
  auto weightsType = cast<ShapedType>(getWeights().getType());
  if (!weightsType.hasRank() || weightsType.getRank() != 2)
    return emitOpError("weights must be rank 2 [N, K]");
  DenseIntElementsAttr values;
  if (matchPattern(getWeights(), m_Constant(&values)) &&
      values.getElementType().isInteger(8))
    for (char byte : values.getRawData()) { // one byte per i8 element
      int64_t w = static_cast<int8_t>(byte);
      if (w < -1 || w > 1)
        return emitOpError("weights must be in {-1, 0, 1}, found ") << w;
    }
  return verifyMatmulShapes(*this, cast<ShapedType>(getInput().getType()),
                            weightsType.getDimSize(0),
                            weightsType.getDimSize(1),
                            cast<ShapedType>(getAcc().getType()));
}

LogicalResult PackedMatmulOp::verify() {
  PackedType weightsType = getWeights().getType();
  return verifyMatmulShapes(*this, cast<ShapedType>(getInput().getType()),
                            weightsType.getRows(), weightsType.getCols(),
                            cast<ShapedType>(getAcc().getType()));
}

//===----------------------------------------------------------------------===//
// RescaleOp
//===----------------------------------------------------------------------===//

LogicalResult RescaleOp::verify() {
  auto accType = cast<ShapedType>(getAcc().getType());
  auto outputType = cast<ShapedType>(getOutput().getType());
  if (accType.getShape() != outputType.getShape())
    return emitOpError("output shape must equal the accumulator shape");
  if (!accType.hasRank() || accType.getRank() == 0)
    return emitOpError("accumulator must have rank >= 1");
  int64_t n = accType.getShape().back();
  auto checkPerRow = [&](Value value, StringRef what) -> LogicalResult {
    auto type = cast<ShapedType>(value.getType());
    if (!type.hasStaticShape())
      return emitOpError() << what << " must have a static shape";
    int64_t count = type.getNumElements();
    if (count != 1 && !ShapedType::isDynamic(n) && count != n)
      return emitOpError() << what << " must have 1 or " << n
                           << " elements, got " << count;
    return success();
  };
  if (failed(checkPerRow(getWeightScale(), "weight_scale")))
    return failure();
  if (getBias() && failed(checkPerRow(getBias(), "bias")))
    return failure();
  auto scaleType = cast<ShapedType>(getActScale().getType());
  if (!scaleType.hasRank() || scaleType.getRank() != accType.getRank() ||
      scaleType.getShape().back() != 1)
    return emitOpError("act_scale must have the accumulator's rank and a "
                       "last dimension of 1");
  for (int64_t dim = 0, rank = accType.getRank(); dim + 1 < rank; ++dim) {
    int64_t a = accType.getDimSize(dim), s = scaleType.getDimSize(dim);
    if (s != 1 && !ShapedType::isDynamic(s) && !ShapedType::isDynamic(a) &&
        s != a)
      return emitOpError("act_scale dimension ")
             << dim << " must be 1 or " << a << ", got " << s;
  }
  return success();
}

#define GET_OP_CLASSES
#include "Bitnet/BitnetOps.cpp.inc"
