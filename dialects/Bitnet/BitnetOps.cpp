//===- BitnetOps.cpp - bitnet op verifiers --------------------------------===//
#include "Bitnet/BitnetDialect.h"
#include "bitnet-mlir/Support/ConstantData.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mlir::bitnet;

//===----------------------------------------------------------------------===//
// PackedConstantOp
//===----------------------------------------------------------------------===//

/// Whether the last byte of a row, `byte`, holds only zero slots past the
/// row's `used` weights (1 <= used <= weights per byte).
static bool hasZeroPadding(PackedType type, uint8_t byte, int64_t used) {
  if (type.getEncoding() == PackedEncoding::TernaryBase3) {
    int64_t bound = 1;
    for (int64_t i = 0; i < used; ++i)
      bound *= 3;
    return byte < bound;
  }
  int64_t usedBits = used * type.getBitsPerWeight();
  return usedBits >= 8 || (byte >> usedBits) == 0;
}

/// The code in slot `slot` of `byte`.
static unsigned getSlotCode(PackedType type, uint8_t byte, int64_t slot) {
  if (type.getEncoding() == PackedEncoding::TernaryBase3) {
    for (int64_t i = 0; i < slot; ++i)
      byte /= 3;
    return byte % 3;
  }
  unsigned bits = type.getBitsPerWeight();
  return (byte >> (slot * bits)) & ((1u << bits) - 1);
}

/// `tiled`: the slots of padding rows and padding k are zero. Returns the
/// first storage byte (flat index) that breaks it, or -1.
static int64_t findNonZeroTilePadding(PackedType type,
                                      function_ref<uint8_t(int64_t)> byteAt,
                                      ArrayRef<int64_t> storageShape) {
  int64_t kBlocks = (type.getCols() + 3) / 4, lanes = type.getTileLanes();
  int64_t perByte = type.getWeightsPerByte();
  for (int64_t r = 0; r < storageShape[0]; ++r)
    for (int64_t c = 0; c < storageShape[1]; ++c) {
      int64_t k = (r % kBlocks) * 4 + c % 4;
      int64_t firstRow = (r / kBlocks) * type.getBlockRows() + c / 4;
      uint8_t byte = byteAt(r * storageShape[1] + c);
      for (int64_t slot = 0; slot < perByte; ++slot)
        if ((k >= type.getCols() || firstRow + slot * lanes >= type.getRows()) &&
            getSlotCode(type, byte, slot) != 0)
          return r * storageShape[1] + c;
    }
  return -1;
}

/// Whether every slot of `byte` is a valid code.
static bool hasValidCodes(PackedType type, uint8_t byte) {
  switch (type.getEncoding()) {
  case PackedEncoding::Binary1:
    return true;
  case PackedEncoding::Ternary2:
    // A byte holds the invalid code 0b11 iff some pair has both bits set.
    return (byte & (byte >> 1) & 0x55) == 0;
  case PackedEncoding::TernaryBase3:
    return byte <= 242; // 3^5 - 1
  }
  llvm_unreachable("unknown packed encoding");
}

LogicalResult PackedConstantOp::verify() {
  PackedType type = getType();
  auto dataType = cast<ShapedType>(getData().getType());
  if (!dataType.getElementType().isInteger(8))
    return emitOpError("data must be i8, got ") << dataType.getElementType();
  SmallVector<int64_t, 2> storageShape = type.getStorageShape();
  if (dataType.getShape() != ArrayRef<int64_t>(storageShape))
    return emitOpError("data shape must be [")
           << storageShape[0] << ", " << storageShape[1] << "] for " << type;
  int64_t rowBytes = type.getRowBytes();
  int64_t perByte = type.getWeightsPerByte();
  int64_t usedInLastByte = type.getCols() - (rowBytes - 1) * perByte;
  // i8 elements are stored one byte each; a splat stores one byte for all.
  DenseIntElementsAttr data = getData();
  ArrayRef<char> raw = data.getRawData();
  auto byteAt = [&](int64_t row, int64_t column) {
    auto [r, c] = type.getStorageIndex(row, column);
    int64_t index = data.isSplat() ? 0 : r * storageShape[1] + c;
    return static_cast<uint8_t>(raw[index]);
  };
  int64_t count = data.isSplat() ? 1 : static_cast<int64_t>(raw.size());
  for (int64_t index = 0; index < count; ++index)
    if (!hasValidCodes(type, static_cast<uint8_t>(raw[index])))
      return emitOpError("invalid ")
             << stringifyPackedEncoding(type.getEncoding())
             << " code in storage byte " << index << " ("
             << static_cast<unsigned>(static_cast<uint8_t>(raw[index])) << ")";
  if (type.getLayout() == PackedLayout::Tiled) {
    int64_t bad = findNonZeroTilePadding(
        type,
        [&](int64_t index) {
          return static_cast<uint8_t>(raw[data.isSplat() ? 0 : index]);
        },
        storageShape);
    if (bad >= 0)
      return emitOpError("padding slots of storage byte ")
             << bad << " are not zero";
    return success();
  }
  int64_t rows = data.isSplat() ? 1 : type.getRows();
  for (int64_t row = 0; row < rows; ++row)
    if (!hasZeroPadding(type, byteAt(row, rowBytes - 1), usedInLastByte))
      return emitOpError("padding of row ") << row << " is not zero";
  // row_interleaved: the rows past `rows` in the last tile are zero bytes.
  if (type.getLayout() == PackedLayout::RowInterleaved)
    for (int64_t row = type.getRows(),
                 end = storageShape[0] / rowBytes * type.getBlockRows();
         row < end; ++row)
      for (int64_t byte = 0; byte < rowBytes; ++byte)
        if (byteAt(row, byte) != 0)
          return emitOpError("padding row ")
                 << row << " of the last tile is not zero";
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
  Granularity granularity = getGranularity();
  std::optional<int64_t> groupSize = getGroupSize();
  int64_t rank = inputType.getRank();
  int64_t k = inputType.getDimSize(rank - 1);
  if ((granularity == Granularity::PerGroup) != groupSize.has_value())
    return emitOpError("group_size must be given exactly for per_group");
  if (groupSize) {
    if (*groupSize <= 0)
      return emitOpError("group_size must be positive, got ") << *groupSize;
    if (ShapedType::isDynamic(k) || k % *groupSize != 0)
      return emitOpError("group_size ")
             << *groupSize << " must divide the static last dimension ("
             << (ShapedType::isDynamic(k) ? std::string("?")
                                          : std::to_string(k))
             << ")";
  }
  for (int64_t dim = 0; dim < rank; ++dim) {
    bool last = dim == rank - 1;
    int64_t expected = inputType.getDimSize(dim);
    if (granularity == Granularity::PerTensor ||
        (granularity == Granularity::PerToken && last))
      expected = 1;
    else if (granularity == Granularity::PerGroup && last)
      expected = k / *groupSize;
    int64_t actual = scaleType.getDimSize(dim);
    if (!ShapedType::isDynamic(expected) && !ShapedType::isDynamic(actual) &&
        expected != actual)
      return emitOpError("scale dimension ")
             << dim << " must be " << expected << ", got " << actual;
  }
  if (getShift() != static_cast<bool>(getEta()))
    return emitOpError("an eta result must be present exactly with shift");
  if (getEta() && getEta().getType() != getScale().getType())
    return emitOpError("eta must have the type of scale");
  if (getShiftedAbsmax() && !getShift())
    return emitOpError("shifted_absmax needs shift");
  if (getDivide() && getReciprocal())
    return emitOpError("divide and reciprocal are exclusive");
  if (getClipMin() > getClipMax())
    return emitOpError("clip range [")
           << getClipMin() << ", " << getClipMax() << "] is empty";
  bool fitsI8 = getClipMin() >= -128 && getClipMax() <= 127;
  bool fitsI16 = getClipMin() >= -32768 && getClipMax() <= 32767;
  if (quantizedType.getElementType().isInteger(8) && !fitsI8)
    return emitOpError("clip range [")
           << getClipMin() << ", " << getClipMax()
           << "] must lie within int8 [-128, 127] for an i8 result";
  if (quantizedType.getElementType().isInteger(16) && (fitsI8 || !fitsI16))
    return emitOpError("an i16 result is for clip ranges outside int8 and "
                       "within int16, got [")
           << getClipMin() << ", " << getClipMax() << "]";
  if (!(getQmax().convertToFloat() > 0.0f) || getEps().convertToFloat() < 0.0f)
    return emitOpError("qmax must be positive and eps non-negative");
  return success();
}

//===----------------------------------------------------------------------===//
// Matmuls
//===----------------------------------------------------------------------===//

/// Checks input [..., K] x weights (N rows, K cols) -> acc [..., N] or,
/// with k_group > 0, [..., N, K / k_group]; element types and the int32
/// overflow bound.
static LogicalResult verifyMatmul(Operation *op, ShapedType inputType,
                                  int64_t rows, int64_t cols, int64_t kGroup,
                                  ShapedType accType) {
  if (!inputType.hasRank() || inputType.getRank() == 0)
    return op->emitOpError("input must have rank >= 1");
  Type element = inputType.getElementType();
  bool isFloat = isa<FloatType>(element);
  Type expectedAcc = isFloat ? Type(Float32Type::get(op->getContext()))
                             : Type(IntegerType::get(op->getContext(), 32));
  if (accType.getElementType() != expectedAcc)
    return op->emitOpError("result element type must be ")
           << expectedAcc << " for " << element << " input";
  int64_t groupDims = kGroup > 0 ? 1 : 0;
  if (!accType.hasRank() ||
      accType.getRank() != inputType.getRank() + groupDims)
    return op->emitOpError("result must have the input's rank")
           << (groupDims ? " + 1 (k_group)" : "");
  int64_t k = inputType.getShape().back();
  if (!ShapedType::isDynamic(k) && !ShapedType::isDynamic(cols) && k != cols)
    return op->emitOpError("input reduction dimension ")
           << k << " differs from the weights' " << cols;
  if (ShapedType::isDynamic(k))
    k = cols;
  if (kGroup < 0)
    return op->emitOpError("k_group must be >= 0, got ") << kGroup;
  if (kGroup > 0) {
    if (ShapedType::isDynamic(k) || k % kGroup != 0)
      return op->emitOpError("k_group ")
             << kGroup << " must divide the static reduction length";
    int64_t groups = accType.getShape().back();
    if (!ShapedType::isDynamic(groups) && groups != k / kGroup)
      return op->emitOpError("result last dimension ")
             << groups << " must be the number of k groups " << k / kGroup;
  }
  // |x| <= 2^(bits - 1): bound the number of terms so int32 cannot overflow.
  if (auto integer = dyn_cast<IntegerType>(element)) {
    int64_t maxTerms =
        (int64_t(1) << 31) / (int64_t(1) << (integer.getWidth() - 1)) - 1;
    if (!ShapedType::isDynamic(k) && k > maxTerms)
      return op->emitOpError("reduction length ")
             << k << " can overflow int32 with " << element
             << " input (at most " << maxTerms << ")";
  }
  int64_t n = accType.getDimSize(accType.getRank() - 1 - groupDims);
  if (!ShapedType::isDynamic(n) && !ShapedType::isDynamic(rows) && n != rows)
    return op->emitOpError("result dimension ")
           << accType.getRank() - 1 - groupDims << " (" << n
           << ") differs from the weights' rows " << rows;
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
  // Dense or dense_resource (large weights); an unreadable (released) blob
  // is not checked.
  ElementsAttr values = getConstantElements(getWeights());
  if (values && values.getElementType().isInteger(8)) {
    int64_t invalid = 0;
    (void)forEachIntValue(values, [&](int64_t w) {
      invalid = w;
      return w >= -1 && w <= 1;
    });
    if (invalid < -1 || invalid > 1)
      return emitOpError("weights must be in {-1, 0, 1}, found ") << invalid;
  }
  return verifyMatmul(*this, cast<ShapedType>(getInput().getType()),
                      weightsType.getDimSize(0), weightsType.getDimSize(1),
                      getKGroup(), cast<ShapedType>(getAcc().getType()));
}

/// Checks a kernel attribute against the packed layout of the weights.
static LogicalResult verifyKernelLayout(Operation *op, KernelAttr kernel,
                                        PackedType weights) {
  if (!kernel || kernel.getLayout() == KernelLayout::Any)
    return success();
  if (static_cast<int64_t>(kernel.getLayout()) !=
          static_cast<int64_t>(weights.getLayout()) ||
      kernel.getBlockRows(weights.getEncoding()) != weights.getBlockRows())
    return op->emitOpError("kernel '")
           << kernel.getName() << "' streams layout "
           << stringifyKernelLayout(kernel.getLayout()) << " with block_rows "
           << kernel.getBlockRows(weights.getEncoding())
           << ", but the weights are "
           << stringifyPackedLayout(weights.getLayout()) << " with block_rows "
           << weights.getBlockRows();
  return success();
}

PackedType PackedMatmulOp::getPackedType() {
  if (auto packed = dyn_cast<PackedType>(getWeights().getType()))
    return packed;
  std::optional<Type> format = getFormat();
  return format ? dyn_cast<PackedType>(*format) : PackedType();
}

LogicalResult PackedMatmulOp::verify() {
  PackedType weightsType = getPackedType();
  auto storageType = dyn_cast<ShapedType>(getWeights().getType());
  if (!weightsType)
    return emitOpError("weights given as storage need a `format`");
  if (storageType) {
    if (storageType.getShape() !=
        ArrayRef<int64_t>(weightsType.getStorageShape()))
      return emitOpError("weight storage ")
             << storageType << " does not have the storage shape of "
             << weightsType;
  } else if (getFormat()) {
    return emitOpError("`format` is for weights given as storage only");
  }
  bool onTensors = isa<RankedTensorType>(getInit().getType());
  if (onTensors != (getNumResults() == 1) ||
      (onTensors && getResult(0).getType() != getInit().getType()))
    return emitOpError("on tensors the result has the type of init; on "
                       "buffers there is no result");
  if (onTensors != isa<RankedTensorType>(getInput().getType()) ||
      (storageType && onTensors != isa<RankedTensorType>(storageType)))
    return emitOpError("operands must be all tensors or all memrefs");
  if (failed(verifyKernelLayout(*this, getKernelAttr(), weightsType)))
    return failure();
  return verifyMatmul(*this, cast<ShapedType>(getInput().getType()),
                      weightsType.getRows(), weightsType.getCols(), getKGroup(),
                      cast<ShapedType>(getInit().getType()));
}

void PackedMatmulOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  if (!hasPureBufferSemantics())
    return;
  for (OpOperand &operand : getOperation()->getOpOperands()) {
    if (!isa<MemRefType>(operand.get().getType()))
      continue;
    if (isDpsInit(&operand))
      effects.emplace_back(MemoryEffects::Write::get(), &operand,
                           SideEffects::DefaultResource::get());
    else
      effects.emplace_back(MemoryEffects::Read::get(), &operand,
                           SideEffects::DefaultResource::get());
  }
}

LogicalResult PackedSliceOp::verify() {
  PackedType source = getWeights().getType(), result = getType();
  int64_t offset = getOffset();
  if (source.getEncoding() != result.getEncoding() ||
      source.getLayout() != result.getLayout() ||
      source.getCols() != result.getCols() ||
      source.getGroupSize() != result.getGroupSize() ||
      source.getBlockRows() != result.getBlockRows())
    return emitOpError("the slice must keep encoding, layout, cols, "
                       "group_size and block_rows");
  if (offset < 0 || offset + result.getRows() > source.getRows())
    return emitOpError("rows [")
           << offset << ", " << offset + result.getRows()
           << ") are outside the " << source.getRows() << " rows";
  if (offset % source.getBlockRows() != 0)
    return emitOpError("offset ")
           << offset << " must be a multiple of block_rows "
           << source.getBlockRows();
  if (source.getLayout() != PackedLayout::RowMajor &&
      offset + result.getRows() != source.getRows() &&
      result.getRows() % source.getBlockRows() != 0)
    return emitOpError("a slice that does not end the weights must hold "
                       "whole tiles of ")
           << source.getBlockRows() << " rows";
  return success();
}

//===----------------------------------------------------------------------===//
// RescaleOp
//===----------------------------------------------------------------------===//

/// Checks a per-output operand (weight_scale, bias, rowsum): a static
/// shape of 1 element, of N elements (any rank, e.g. [N] or [1, N]), or, for
/// grouped ops, [N, Gk]; `allow*` select which. Dynamic N or Gk (of the
/// accumulator) match anything.
static LogicalResult verifyPerRow(Operation *op, Value value, StringRef what,
                                  int64_t n, int64_t groups, bool allowOne,
                                  bool allowRow, bool allowRowGroup) {
  auto type = cast<ShapedType>(value.getType());
  auto matches = [](int64_t actual, int64_t expected) {
    return ShapedType::isDynamic(expected) || actual == expected;
  };
  if (type.hasStaticShape()) {
    int64_t count = type.getNumElements();
    if (allowOne && count == 1)
      return success();
    if (allowRow && matches(count, n))
      return success();
    if (allowRowGroup && type.getRank() == 2 &&
        matches(type.getDimSize(0), n) && matches(type.getDimSize(1), groups))
      return success();
  }
  SmallVector<StringRef, 3> shapes;
  if (allowOne)
    shapes.push_back("1 element");
  if (allowRow)
    shapes.push_back("N elements");
  if (allowRowGroup)
    shapes.push_back("shape [N, Gk]");
  return op->emitOpError() << what << " must have a static shape of "
                           << llvm::join(shapes, " or ") << " (N = " << n
                           << ", Gk = " << groups << "), got "
                           << value.getType();
}

/// What rescale and weight_rescale share: the output is the accumulator
/// without its group dimension, and weight_scale and bias are per tensor or
/// per row (weight_scale per row and group when `weightScaleGroups`).
/// Returns the index of the N dimension.
static FailureOr<int64_t>
verifyRescaledOutput(Operation *op, ShapedType accType, ShapedType outputType,
                     bool grouped, Value weightScale, Value bias,
                     bool weightScaleGroups) {
  int64_t rank = accType.getRank();
  int64_t nDim = grouped ? rank - 2 : rank - 1;
  if (outputType.getShape() != accType.getShape().take_front(nDim + 1))
    return op->emitOpError("output shape must be the accumulator shape")
           << (grouped ? " without the group dimension" : "");
  int64_t n = accType.getDimSize(nDim);
  int64_t groups = grouped ? accType.getDimSize(rank - 1) : 1;
  if (failed(verifyPerRow(op, weightScale, "weight_scale", n, groups, true,
                          true, weightScaleGroups)))
    return failure();
  if (bias &&
      failed(verifyPerRow(op, bias, "bias", n, groups, true, true, false)))
    return failure();
  return nDim;
}

LogicalResult RescaleOp::verify() {
  auto accType = cast<ShapedType>(getAcc().getType());
  auto outputType = cast<ShapedType>(getOutput().getType());
  auto scaleType = cast<ShapedType>(getActScale().getType());
  if (!accType.hasRank() || accType.getRank() == 0)
    return emitOpError("accumulator must have rank >= 1");
  if (!scaleType.hasRank())
    return emitOpError("act_scale must be ranked");
  bool grouped = isGrouped();
  if (grouped && accType.getRank() < 2)
    return emitOpError("grouped sums need an accumulator [..., N, Gk]");
  if (scaleType.getRank() != accType.getRank() - (grouped ? 1 : 0))
    return emitOpError("act_scale must have the accumulator's rank")
           << (grouped ? " - 1 (grouped sums)" : "");
  FailureOr<int64_t> nDimOr =
      verifyRescaledOutput(*this, accType, outputType, grouped,
                           getWeightScale(), getBias(), grouped);
  if (failed(nDimOr))
    return failure();
  int64_t rank = accType.getRank();
  int64_t nDim = *nDimOr;
  int64_t n = accType.getDimSize(nDim);
  int64_t groups = grouped ? accType.getDimSize(rank - 1) : 1;
  // act_scale dims: those of acc without the N dim when grouped.
  SmallVector<int64_t> accDims;
  for (int64_t dim = 0; dim < rank; ++dim)
    if (!grouped || dim != nDim)
      accDims.push_back(dim);
  for (auto [scaleDim, accDim] : llvm::enumerate(accDims)) {
    int64_t a = accType.getDimSize(accDim);
    int64_t s = scaleType.getDimSize(scaleDim);
    if (!grouped && accDim == nDim) {
      if (s != 1)
        return emitOpError("act_scale must have a last dimension of 1");
      continue;
    }
    if (s != 1 && !ShapedType::isDynamic(s) && !ShapedType::isDynamic(a) &&
        s != a)
      return emitOpError("act_scale dimension ")
             << scaleDim << " must be 1 or " << a << ", got " << s;
  }
  if (getEta()) {
    if (getEta().getType() != getActScale().getType())
      return emitOpError("eta must have the type of act_scale");
    if (failed(verifyPerRow(*this, getRowsum(), "rowsum", n, groups, false,
                            !grouped, grouped)))
      return failure();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// WeightRescaleOp
//===----------------------------------------------------------------------===//

LogicalResult WeightRescaleOp::verify() {
  auto accType = cast<ShapedType>(getAcc().getType());
  auto outputType = cast<ShapedType>(getOutput().getType());
  bool grouped = isGrouped();
  if (!accType.hasRank() || accType.getRank() < (grouped ? 2 : 1))
    return emitOpError("accumulator must be ")
           << (grouped ? "[..., N, Gk]" : "[..., N]");
  return verifyRescaledOutput(*this, accType, outputType, grouped,
                              getWeightScale(), getBias(),
                              /*weightScaleGroups=*/true);
}

#define GET_OP_CLASSES
#include "Bitnet/BitnetOps.cpp.inc"

//===----------------------------------------------------------------------===//
// ParallelOp
//===----------------------------------------------------------------------===//

LogicalResult ParallelOp::verify() {
  Region &body = getBody();
  if (body.empty() || body.front().getNumArguments() != 1 ||
      !body.front().getArgument(0).getType().isInteger(64))
    return emitOpError("the body takes one i64 argument, the task index");
  for (Block &block : body)
    if (block.empty() || !block.back().hasTrait<OpTrait::IsTerminator>())
      return emitOpError("every block of the body needs a terminator");
  return success();
}
