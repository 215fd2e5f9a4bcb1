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
    for (Value operand : {adaptor.getAxes(), adaptor.getSteps()})
      if (!isNone(operand) && getTensorType(operand).getRank() == 1 &&
          !getTensorType(operand).isDynamicDim(0) &&
          getTensorType(operand).getDimSize(0) != n)
        return nodeFailure(op, "starts, axes and steps differ in length");

    // Axes and steps may be runtime values: each entry then applies to the
    // dim its axis selects, all in folding index arithmetic, which gives
    // constants again where the operands are constants.
    IndexMath m{rewriter, loc};
    SmallVector<Value> starts = extractIndexElements(
        rewriter, loc, adaptor.getStarts(), op.getStarts(), n);
    SmallVector<Value> ends =
        extractIndexElements(rewriter, loc, adaptor.getEnds(), op.getEnds(), n);
    SmallVector<Value> axes, steps;
    if (isNone(op.getAxes())) {
      for (int64_t i = 0; i < n; ++i)
        axes.push_back(m.c(i));
    } else {
      axes = extractIndexElements(rewriter, loc, adaptor.getAxes(),
                                  op.getAxes(), n);
    }
    if (isNone(op.getSteps()))
      steps.assign(n, m.c(1));
    else
      steps = extractIndexElements(rewriter, loc, adaptor.getSteps(),
                                   op.getSteps(), n);
    if (static_cast<int64_t>(axes.size()) != n ||
        static_cast<int64_t>(steps.size()) != n)
      return nodeFailure(op, "starts, axes and steps differ in length");
    SmallVector<bool> seen(rank, false);
    for (int64_t i = 0; i < n; ++i) {
      std::optional<int64_t> axis = getConstantIntValue(axes[i]);
      std::optional<int64_t> step = getConstantIntValue(steps[i]);
      if (step && *step == 0)
        return nodeFailure(op, "step " + Twine(i) + " is 0");
      if (!axis)
        continue;
      FailureOr<int64_t> dim = normalizeAxis(op, *axis, rank);
      if (failed(dim))
        return failure();
      if (seen[*dim])
        return nodeFailure(op, "axis " + Twine(*dim) + " is sliced twice");
      seen[*dim] = true;
    }

    SmallVector<OpFoldResult> dataSizes =
        tensor::getMixedSizes(rewriter, loc, data);
    SmallVector<Value> offsets(rank, m.c(0)), sizes, strides(rank, m.c(1));
    for (OpFoldResult size : dataSizes)
      sizes.push_back(getValueOrCreateConstantIndexOp(rewriter, loc, size));
    for (int64_t i = 0; i < n; ++i) {
      // A runtime axis out of range matches no dim; a runtime step of 0
      // (invalid) counts as 1, so that nothing divides by zero.
      Value axis = m.wrap(axes[i], m.c(rank));
      Value step = m.select(m.eq(steps[i], m.c(0)), m.c(1), steps[i]);
      Value forward = m.cmp(arith::CmpIPredicate::sgt, step, m.c(0));
      for (int64_t d = 0; d < rank; ++d) {
        Value selected = m.eq(axis, m.c(d));
        if (getConstantIntValue(selected) == 0)
          continue;
        Value dim = sizes[d];
        Value start = m.wrap(starts[i], dim), end = m.wrap(ends[i], dim);
        // step > 0: clamp to [0, dim]; step < 0: start to [0, dim - 1],
        // end to [-1, dim - 1] (-1 is "before the first element").
        Value last = m.sub(dim, m.c(1));
        Value lowEnd = m.select(forward, m.c(0), m.c(-1));
        Value highStart = m.select(forward, dim, last);
        start = m.min(m.max(start, m.c(0)), highStart);
        end = m.min(m.max(end, lowEnd), highStart);
        Value span = m.select(forward, m.sub(end, start), m.sub(start, end));
        Value magnitude = m.select(forward, step, m.sub(m.c(0), step));
        Value size = m.max(m.ceilDiv(span, magnitude), m.c(0));
        offsets[d] = m.select(selected, start, offsets[d]);
        sizes[d] = m.select(selected, size, sizes[d]);
        strides[d] = m.select(selected, step, strides[d]);
      }
    }
    // tensor.extract_slice needs strides known to be positive.
    bool positive = llvm::all_of(strides, [](Value stride) {
      std::optional<int64_t> value = getConstantIntValue(stride);
      return value && *value > 0;
    });
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
      RankedTensorType splitType = getTensorType(adaptor.getSplit());
      if (splitType.getRank() != 1 || splitType.getDimSize(0) != count)
        return nodeFailure(op, "split must be a 1-D tensor with one entry "
                               "per output (" +
                                   Twine(count) + ")");
      // Runtime sizes are clamped to what is left of the axis, so that
      // sizes that do not add up never read out of bounds.
      Value dim = m.dim(input, *axis), offset = m.c(0);
      for (Value size : extractIndexElements(rewriter, loc, adaptor.getSplit(),
                                             op.getSplit(), count)) {
        Value part = m.min(m.max(size, m.c(0)), m.sub(dim, offset));
        if (std::optional<int64_t> constant = getConstantIntValue(size))
          if (getConstantIntValue(part) != constant)
            return nodeFailure(op, "split sizes do not fit the axis of size " +
                                       Twine(getTensorType(input).getDimSize(
                                           *axis)));
        parts.push_back(part);
        offset = m.add(offset, part);
      }    } else {
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
      // An empty axis has no offset extract_slice accepts.
      Value slice =
          getTensorType(input).getDimSize(*axis) == 0
              ? createEmpty(rewriter, loc, sizes, getElementType(input))
              : tensor::ExtractSliceOp::create(rewriter, loc, input, offsets,
                                               sizes, strides)
                    .getResult();
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
