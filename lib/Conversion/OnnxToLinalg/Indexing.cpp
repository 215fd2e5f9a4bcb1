//===- Indexing.cpp - Gather, GatherElements, Slice, Split ----------------===//
//
// Gather and GatherElements: a linalg.generic over the result whose body
// computes the source coordinates (linalg.index and the index operand) and
// reads the data with tensor.extract; one constant index is a slice. Slices
// with positive steps and Split are tensor.extract_slice; negative steps
// read through a generic. Negative indices wrap as ONNX says; an index out
// of range at run time is undefined behaviour.
//
//===----------------------------------------------------------------------===//
#include "Common.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::bitnet::onnx_to_linalg;
namespace onnx = mlir::onnx_ir;

namespace {

struct GatherLowering : OnnxPattern<onnx::GatherOp> {
  using OnnxPattern::OnnxPattern;
  LogicalResult lower(onnx::GatherOp op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    int64_t rank = getTensorType(data).getRank();
    int64_t q = getTensorType(indices).getRank();
    if (rank == 0)
      return nodeFailure(op, "a rank-0 data operand is not supported");
    if (!isa<IntegerType>(getElementType(indices)))
      return nodeFailure(op, "indices must be integers");
    FailureOr<int64_t> axisOr = normalizeAxis(op, op.getAxis(), rank);
    if (failed(axisOr))
      return failure();
    int64_t axis = *axisOr;
    IndexMath m{rewriter, loc};
    SmallVector<OpFoldResult> dataSizes =
        tensor::getMixedSizes(rewriter, loc, data);
    // One constant index: a slice without the axis.
    std::optional<SmallVector<int64_t>> constant =
        getConstantInts(op.getIndices());
    int64_t axisSizeStatic = getTensorType(data).getDimSize(axis);
    if (q == 0 && constant &&
        ((*constant)[0] >= 0 || !ShapedType::isDynamic(axisSizeStatic))) {
      int64_t index = (*constant)[0];
      if (index < 0)
        index += axisSizeStatic;
      if (index < 0 ||
          (!ShapedType::isDynamic(axisSizeStatic) && index >= axisSizeStatic))
        return nodeFailure(op, "index " + Twine((*constant)[0]) +
                                   " is out of range for a dim of size " +
                                   Twine(axisSizeStatic));
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
      offsets[axis] = rewriter.getIndexAttr(index);
      dataSizes[axis] = rewriter.getIndexAttr(1);
      Value slice = tensor::ExtractSliceOp::create(rewriter, loc, data, offsets,
                                                   dataSizes, strides);
      SmallVector<bool> isAxis(rank, false);
      isAxis[axis] = true;
      Value result = dropUnitDims(rewriter, loc, slice, isAxis);
      rewriter.replaceOp(op, castToType(rewriter, loc, result, op.getType()));
      return success();
    }
    SmallVector<OpFoldResult> sizes(dataSizes.begin(),
                                    dataSizes.begin() + axis);
    llvm::append_range(sizes, tensor::getMixedSizes(rewriter, loc, indices));
    sizes.append(dataSizes.begin() + axis + 1, dataSizes.end());
    Value axisSize = m.dim(data, axis);
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineExpr> indexExprs;
    for (int64_t d = 0; d < q; ++d)
      indexExprs.push_back(getAffineDimExpr(axis + d, ctx));
    AffineMap indexMap = AffineMap::get(rank - 1 + q, 0, indexExprs, ctx);
    Value result = buildIndexed(
        rewriter, loc, cast<RankedTensorType>(op.getType()), sizes, indices,
        indexMap,
        [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange args) {
          IndexMath bm{b, l};
          Value index = scalarToIndex(b, l, args[0]);
          Value inRange = arith::AndIOp::create(
              b, l,
              bm.cmp(arith::CmpIPredicate::sge, index,
                     bm.sub(bm.c(0), axisSize)),
              bm.cmp(arith::CmpIPredicate::slt, index, axisSize));
          emitRuntimeCheck(b, l, inRange,
                           "an index is out of range for data axis " +
                               Twine(axis));
          SmallVector<Value> coords(ivs.begin(), ivs.begin() + axis);
          coords.push_back(bm.wrap(index, axisSize));
          coords.append(ivs.begin() + axis + q, ivs.end());
          return tensor::ExtractOp::create(b, l, data, coords);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct GatherElementsLowering : OnnxPattern<onnx::GatherElementsOp> {
  using OnnxPattern::OnnxPattern;
  LogicalResult lower(onnx::GatherElementsOp op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    int64_t rank = getTensorType(data).getRank();
    if (rank == 0 || getTensorType(indices).getRank() != rank)
      return nodeFailure(op, "data and indices must have the same rank >= 1");
    FailureOr<int64_t> axis = normalizeAxis(op, op.getAxis(), rank);
    if (failed(axis))
      return failure();
    Value axisSize = IndexMath{rewriter, loc}.dim(data, *axis);
    Value result = buildIndexed(
        rewriter, loc, cast<RankedTensorType>(op.getType()),
        tensor::getMixedSizes(rewriter, loc, indices), indices,
        AffineMap::getMultiDimIdentityMap(rank, rewriter.getContext()),
        [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange args) {
          SmallVector<Value> coords(ivs);
          coords[*axis] =
              IndexMath{b, l}.wrap(scalarToIndex(b, l, args[0]), axisSize);
          return tensor::ExtractOp::create(b, l, data, coords);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct SliceLowering : OnnxPattern<onnx::SliceOp> {
  using OnnxPattern::OnnxPattern;
  LogicalResult lower(onnx::SliceOp op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData();
    int64_t rank = getTensorType(data).getRank();
    RankedTensorType startsType = getTensorType(adaptor.getStarts());
    RankedTensorType endsType = getTensorType(adaptor.getEnds());
    if (startsType.getRank() != 1 || endsType.getRank() != 1 ||
        (startsType.isDynamicDim(0) && endsType.isDynamicDim(0)))
      return nodeFailure(op, "starts or ends must be a 1-D tensor of static "
                             "length");
    int64_t n = startsType.isDynamicDim(0) ? endsType.getDimSize(0)
                                           : startsType.getDimSize(0);
    SmallVector<int64_t> axes, steps(n, 1);
    if (isNone(op.getAxes())) {
      for (int64_t i = 0; i < n; ++i)
        axes.push_back(i);
    } else if (std::optional<SmallVector<int64_t>> given =
                   getConstantInts(op.getAxes())) {
      axes = *given;
    } else {
      return nodeFailure(op, "axes that are not a constant are not supported");
    }
    if (!isNone(op.getSteps())) {
      std::optional<SmallVector<int64_t>> given =
          getConstantInts(op.getSteps());
      if (!given)
        return nodeFailure(op,
                           "steps that are not a constant are not supported");
      steps = *given;
    }
    if (static_cast<int64_t>(axes.size()) != n ||
        static_cast<int64_t>(steps.size()) != n)
      return nodeFailure(op, "starts, axes and steps differ in length");

    IndexMath m{rewriter, loc};
    SmallVector<Value> starts = extractIndexElements(
        rewriter, loc, adaptor.getStarts(), op.getStarts(), n);
    SmallVector<Value> ends =
        extractIndexElements(rewriter, loc, adaptor.getEnds(), op.getEnds(), n);
    SmallVector<OpFoldResult> dataSizes =
        tensor::getMixedSizes(rewriter, loc, data);
    SmallVector<Value> offsets(rank, m.c(0)), sizes, strides(rank, m.c(1));
    for (OpFoldResult size : dataSizes)
      sizes.push_back(getValueOrCreateConstantIndexOp(rewriter, loc, size));
    SmallVector<bool> seen(rank, false);
    bool positive = true;
    for (int64_t i = 0; i < n; ++i) {
      FailureOr<int64_t> axis = normalizeAxis(op, axes[i], rank);
      if (failed(axis))
        return failure();
      if (seen[*axis] || steps[i] == 0)
        return nodeFailure(op, "axes repeat or a step is 0");
      seen[*axis] = true;
      Value dim = sizes[*axis];
      Value start = m.wrap(starts[i], dim), end = m.wrap(ends[i], dim);
      Value step = m.c(steps[i]);
      if (steps[i] > 0) {
        start = m.min(m.max(start, m.c(0)), dim);
        end = m.min(m.max(end, m.c(0)), dim);
        sizes[*axis] = m.max(m.ceilDiv(m.sub(end, start), step), m.c(0));
      } else {
        positive = false;
        Value last = m.sub(dim, m.c(1));
        start = m.min(m.max(start, m.c(0)), last);
        end = m.min(m.max(end, m.c(-1)), last);
        sizes[*axis] =
            m.max(m.ceilDiv(m.sub(start, end), m.c(-steps[i])), m.c(0));
      }
      offsets[*axis] = start;
      strides[*axis] = step;
    }
    auto resultType = cast<RankedTensorType>(op.getType());
    Value result;
    if (positive) {
      result = tensor::ExtractSliceOp::create(
          rewriter, loc, data, getAsOpFoldResult(offsets),
          getAsOpFoldResult(sizes), getAsOpFoldResult(strides));
      result = castToType(rewriter, loc, result, resultType);
    } else {
      result = buildIndexed(
          rewriter, loc, resultType, getAsOpFoldResult(sizes), {}, {},
          [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange) {
            IndexMath bm{b, l};
            SmallVector<Value> coords;
            for (int64_t d = 0; d < rank; ++d)
              coords.push_back(bm.add(offsets[d], bm.mul(ivs[d], strides[d])));
            return tensor::ExtractOp::create(b, l, data, coords);
          });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct SplitLowering : OnnxPattern<onnx::SplitOp> {
  using OnnxPattern::OnnxPattern;
  LogicalResult lower(onnx::SplitOp op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    int64_t rank = getTensorType(input).getRank();
    FailureOr<int64_t> axis = normalizeAxis(op, op.getAxis(), rank);
    if (failed(axis))
      return failure();
    int64_t count = op->getNumResults();
    IndexMath m{rewriter, loc};
    SmallVector<Value> parts;
    if (!isNone(op.getSplit())) {
      std::optional<SmallVector<int64_t>> split =
          getConstantInts(op.getSplit());
      if (!split)
        return nodeFailure(op, "a split operand that is not a constant is not "
                               "supported");
      if (static_cast<int64_t>(split->size()) != count)
        return nodeFailure(op, "split has " + Twine(split->size()) +
                                   " entries for " + Twine(count) + " outputs");
      for (int64_t size : *split)
        parts.push_back(m.c(size));
    } else {
      // Equal parts of ceil(dim / count), the last one what is left.
      Value dim = m.dim(input, *axis);
      Value part = m.ceilDiv(dim, m.c(count));
      for (int64_t i = 0; i < count; ++i)
        parts.push_back(
            i + 1 < count ? part : m.sub(dim, m.mul(part, m.c(count - 1))));
    }
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, input);
    SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
    SmallVector<Value> results;
    Value offset = m.c(0);
    for (auto [part, result] : llvm::zip_equal(parts, op.getResults())) {
      offsets[*axis] = getAsOpFoldResult(offset);
      sizes[*axis] = getAsOpFoldResult(part);
      Value slice = tensor::ExtractSliceOp::create(rewriter, loc, input,
                                                   offsets, sizes, strides);
      results.push_back(castToType(rewriter, loc, slice, result.getType()));
      offset = m.add(offset, part);
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

} // namespace

void onnx_to_linalg::populateIndexingPatterns(RewritePatternSet &patterns) {
  patterns.add<GatherLowering, GatherElementsLowering, SliceLowering,
               SplitLowering>(patterns.getContext());
}
