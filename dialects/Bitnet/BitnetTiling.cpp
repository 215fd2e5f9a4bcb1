//===- BitnetTiling.cpp - the tiling interface of bitnet.packed_matmul ----===//
//
// packed_matmul's iteration domain is its result: the input's leading
// dimensions, N and (with k_group) the groups, all parallel; the reduction
// over K stays inside the op (a kernel owns it). A tile slices the input's
// leading dimensions, takes the weight rows of its N range with
// bitnet.packed_slice (whole layout tiles only) and writes a slice of init.
// Groups are not tiled (a tile keeps all of them).
//
//===----------------------------------------------------------------------===//
#include "Bitnet/BitnetDialect.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace mlir::bitnet;

/// The dimension of the result that is N.
static int64_t getNDim(PackedMatmulOp op) {
  int64_t rank = cast<ShapedType>(op.getInit().getType()).getRank();
  return op.getKGroup() > 0 ? rank - 2 : rank - 1;
}

SmallVector<utils::IteratorType> PackedMatmulOp::getLoopIteratorTypes() {
  int64_t rank = cast<ShapedType>(getInit().getType()).getRank();
  return SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel);
}

SmallVector<Range> PackedMatmulOp::getIterationDomain(OpBuilder &b) {
  Location loc = getLoc();
  SmallVector<Range> domain;
  OpFoldResult zero = b.getIndexAttr(0), one = b.getIndexAttr(1);
  for (OpFoldResult size : tensor::getMixedSizes(b, loc, getInit()))
    domain.push_back(Range{zero, size, one});
  return domain;
}

FailureOr<TilingResult>
PackedMatmulOp::getTiledImplementation(OpBuilder &b,
                                       ArrayRef<OpFoldResult> offsets,
                                       ArrayRef<OpFoldResult> sizes) {
  if (!hasPureTensorSemantics() || !isa<PackedType>(getWeights().getType()))
    return emitOpError("tiles only on tensors with !bitnet.packed weights");
  Location loc = getLoc();
  auto initType = cast<RankedTensorType>(getInit().getType());
  int64_t rank = initType.getRank(), nDim = getNDim(*this);
  if (getKGroup() > 0 &&
      (!isZeroInteger(offsets[rank - 1]) ||
       getConstantIntValue(sizes[rank - 1]) !=
           std::optional<int64_t>(initType.getDimSize(rank - 1))))
    return emitOpError("k groups are not tiled");

  // The weight rows of the N tile: all of them, or a whole-tile slice.
  PackedType packed = getPackedType();
  Value weights = getWeights();
  std::optional<int64_t> nOffset = getConstantIntValue(offsets[nDim]);
  std::optional<int64_t> nSize = getConstantIntValue(sizes[nDim]);
  if (!nOffset || !nSize)
    return emitOpError("N tiles need static offsets and sizes");
  if (*nOffset != 0 || *nSize != packed.getRows()) {
    auto sliceType = PackedType::get(
        getContext(), packed.getEncoding(), packed.getLayout(), *nSize,
        packed.getCols(), packed.getGroupSize(), packed.getBlockRows());
    auto slice = PackedSliceOp::create(b, loc, sliceType, weights,
                                       b.getI64IntegerAttr(*nOffset));
    if (failed(slice.verify())) {
      slice.erase();
      return failure();
    }
    weights = slice;
  }

  // Input: the leading dimensions of the tile, all of K.
  auto inputType = cast<RankedTensorType>(getInput().getType());
  int64_t inputRank = inputType.getRank();
  SmallVector<OpFoldResult> inOffsets(offsets.take_front(inputRank - 1));
  SmallVector<OpFoldResult> inSizes(sizes.take_front(inputRank - 1));
  inOffsets.push_back(b.getIndexAttr(0));
  inSizes.push_back(tensor::getMixedSize(b, loc, getInput(), inputRank - 1));
  SmallVector<OpFoldResult> inStrides(inputRank, b.getIndexAttr(1));
  auto input = tensor::ExtractSliceOp::create(b, loc, getInput(), inOffsets,
                                              inSizes, inStrides);
  SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
  auto init = tensor::ExtractSliceOp::create(b, loc, getInit(), offsets, sizes,
                                             strides);
  auto tiled = PackedMatmulOp::create(b, loc, TypeRange{init.getType()}, input,
                                      weights, init, getKGroup(),
                                      getKernelAttr(), getFormatAttr());
  SmallVector<Operation *> slices = {input, init};
  if (weights != getWeights())
    slices.push_back(weights.getDefiningOp());
  return TilingResult{{tiled}, {tiled.getResult(0)}, slices};
}

LogicalResult PackedMatmulOp::getResultTilePosition(
    OpBuilder &b, unsigned resultNumber, ArrayRef<OpFoldResult> offsets,
    ArrayRef<OpFoldResult> sizes, SmallVector<OpFoldResult> &resultOffsets,
    SmallVector<OpFoldResult> &resultSizes) {
  resultOffsets.assign(offsets.begin(), offsets.end());
  resultSizes.assign(sizes.begin(), sizes.end());
  return success();
}
