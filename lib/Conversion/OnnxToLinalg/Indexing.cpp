//===- Indexing.cpp - Gather, Slice, Split, Tile, Range, Trilu, CumSum ----===//
//
// Ops that read their input at computed positions: a linalg.generic over the
// result whose body computes the source coordinates (linalg.index and the
// index operands) and reads the input with tensor.extract. Slices with
// positive steps and Split use tensor.extract_slice. Negative indices wrap
// as ONNX says; an out-of-range index at run time is undefined behaviour.
//
//===----------------------------------------------------------------------===//
#include "Common.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::bitnet::onnx_to_linalg;
namespace onnx = mlir::onnx_ir;

namespace {

/// Folding arith on index values.
struct IndexMath {
  OpBuilder &b;
  Location loc;
  Value c(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value l, Value r) { return b.createOrFold<arith::AddIOp>(loc, l, r); }
  Value sub(Value l, Value r) { return b.createOrFold<arith::SubIOp>(loc, l, r); }
  Value mul(Value l, Value r) { return b.createOrFold<arith::MulIOp>(loc, l, r); }
  Value max(Value l, Value r) { return b.createOrFold<arith::MaxSIOp>(loc, l, r); }
  Value min(Value l, Value r) { return b.createOrFold<arith::MinSIOp>(loc, l, r); }
  Value ceilDiv(Value l, Value r) {
    return b.createOrFold<arith::CeilDivSIOp>(loc, l, r);
  }
  Value cmp(arith::CmpIPredicate p, Value l, Value r) {
    return b.createOrFold<arith::CmpIOp>(loc, p, l, r);
  }
  Value select(Value cond, Value t, Value f) {
    return b.createOrFold<arith::SelectOp>(loc, cond, t, f);
  }
  /// ONNX index wrapping: a negative index counts from `size`.
  Value wrap(Value index, Value size) {
    return select(cmp(arith::CmpIPredicate::slt, index, c(0)),
                  add(index, size), index);
  }
  Value dim(Value tensor, int64_t d) {
    return b.createOrFold<tensor::DimOp>(loc, tensor, d);
  }
};

/// A parallel linalg.generic without inputs over `sizes` whose body yields
/// `body(b, loc, iteration indices)`.
Value buildIndexed(OpBuilder &b, Location loc, RankedTensorType resultType,
                   ArrayRef<OpFoldResult> sizes, ValueRange inputs,
                   ArrayRef<AffineMap> inputMaps,
                   function_ref<Value(OpBuilder &, Location, ValueRange,
                                      ValueRange)>
                       body) {
  Value init = createEmpty(b, loc, resultType, sizes);
  int64_t rank = resultType.getRank();
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, b.getContext()));
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      getParallelIterators(rank),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        SmallVector<Value> indices;
        for (int64_t d = 0; d < rank; ++d)
          indices.push_back(linalg::IndexOp::create(nb, nloc, d));
        linalg::YieldOp::create(nb, nloc,
                                body(nb, nloc, indices, args.drop_back()));
      });
  return castToType(b, loc, generic.getResult(0), resultType);
}

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
      if (index < 0 || (!ShapedType::isDynamic(axisSizeStatic) &&
                        index >= axisSizeStatic))
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
          SmallVector<Value> coords(ivs.begin(), ivs.begin() + axis);
          coords.push_back(bm.wrap(scalarToIndex(b, l, args[0]), axisSize));
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
      std::optional<SmallVector<int64_t>> given = getConstantInts(op.getSteps());
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
    SmallVector<Value> ends = extractIndexElements(
        rewriter, loc, adaptor.getEnds(), op.getEnds(), n);
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
        sizes[*axis] = m.max(
            m.ceilDiv(m.sub(start, end), m.c(-steps[i])), m.c(0));
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
              coords.push_back(
                  bm.add(offsets[d], bm.mul(ivs[d], strides[d])));
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
      std::optional<SmallVector<int64_t>> split = getConstantInts(op.getSplit());
      if (!split)
        return nodeFailure(op,
                           "a split operand that is not a constant is not "
                           "supported");
      if (static_cast<int64_t>(split->size()) != count)
        return nodeFailure(op, "split has " + Twine(split->size()) +
                                   " entries for " + Twine(count) +
                                   " outputs");
      for (int64_t size : *split)
        parts.push_back(m.c(size));
    } else {
      // Equal parts of ceil(dim / count), the last one what is left.
      Value dim = m.dim(input, *axis);
      Value part = m.ceilDiv(dim, m.c(count));
      for (int64_t i = 0; i < count; ++i)
        parts.push_back(i + 1 < count
                            ? part
                            : m.sub(dim, m.mul(part, m.c(count - 1))));
    }
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc, input);
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

struct TileLowering : OnnxPattern<onnx::TileOp> {
  using OnnxPattern::OnnxPattern;
  LogicalResult lower(onnx::TileOp op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    int64_t rank = getTensorType(input).getRank();
    IndexMath m{rewriter, loc};
    SmallVector<Value> repeats = extractIndexElements(
        rewriter, loc, adaptor.getRepeats(), op.getRepeats(), rank);
    if (static_cast<int64_t>(repeats.size()) != rank)
      return nodeFailure(op, "repeats must have one entry per input dim");
    SmallVector<Value> inSizes, sizes;
    for (int64_t d = 0; d < rank; ++d) {
      inSizes.push_back(m.dim(input, d));
      sizes.push_back(m.mul(inSizes[d], repeats[d]));
    }
    Value result = buildIndexed(
        rewriter, loc, cast<RankedTensorType>(op.getType()),
        getAsOpFoldResult(sizes), {}, {},
        [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange) {
          SmallVector<Value> coords;
          for (int64_t d = 0; d < rank; ++d)
            coords.push_back(b.createOrFold<arith::RemUIOp>(l, ivs[d],
                                                             inSizes[d]));
          return tensor::ExtractOp::create(b, l, input, coords);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// The single element of a scalar (or 1-element) tensor.
Value extractScalar(OpBuilder &b, Location loc, Value tensor) {
  RankedTensorType type = getTensorType(tensor);
  SmallVector<Value> indices(type.getRank(),
                             arith::ConstantIndexOp::create(b, loc, 0));
  return tensor::ExtractOp::create(b, loc, tensor, indices);
}

/// start + i * delta for i < max(ceil((limit - start) / delta), 0).
struct RangeLowering : OnnxPattern<onnx::RangeOp> {
  using OnnxPattern::OnnxPattern;
  LogicalResult lower(onnx::RangeOp op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type type = resultType.getElementType();
    if (resultType.getRank() != 1 || type.isInteger(1))
      return nodeFailure(op, "the result must be a 1-D numeric tensor");
    for (Value operand : adaptor.getOperands())
      if (getTensorType(operand).getNumElements() != 1)
        return nodeFailure(op, "start, limit and delta must be scalars");
    Value start = extractScalar(rewriter, loc, adaptor.getStart());
    Value limit = extractScalar(rewriter, loc, adaptor.getLimit());
    Value delta = extractScalar(rewriter, loc, adaptor.getDelta());
    bool isFloat = isa<FloatType>(type);
    OpFoldResult size;
    if (!resultType.isDynamicDim(0)) {
      size = rewriter.getIndexAttr(resultType.getDimSize(0));
    } else if (isFloat) {
      Value span = arith::SubFOp::create(rewriter, loc, limit, start);
      Value steps = math::CeilOp::create(
          rewriter, loc, arith::DivFOp::create(rewriter, loc, span, delta));
      size = IndexMath{rewriter, loc}.max(scalarToIndex(rewriter, loc, steps),
                                          IndexMath{rewriter, loc}.c(0));
    } else {
      IndexMath m{rewriter, loc};
      Value span = m.sub(scalarToIndex(rewriter, loc, limit),
                         scalarToIndex(rewriter, loc, start));
      size = m.max(m.ceilDiv(span, scalarToIndex(rewriter, loc, delta)),
                   m.c(0));
    }
    Value result = buildIndexed(
        rewriter, loc, resultType, size, {}, {},
        [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange) -> Value {
          Value i = indexToScalar(b, l, ivs[0], type);
          if (isFloat)
            return arith::AddFOp::create(
                b, l, start, arith::MulFOp::create(b, l, i, delta));
          return arith::AddIOp::create(b, l, start,
                                       arith::MulIOp::create(b, l, i, delta));
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Keeps the elements on and above (upper) or on and below (lower) the k-th
/// diagonal of the last two dims; the others become 0.
struct TriluLowering : OnnxPattern<onnx::TriluOp> {
  using OnnxPattern::OnnxPattern;
  LogicalResult lower(onnx::TriluOp op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    int64_t rank = getTensorType(input).getRank();
    if (rank < 2)
      return nodeFailure(op, "the input must have rank >= 2");
    Value k = isNone(adaptor.getK())
                  ? arith::ConstantIndexOp::create(rewriter, loc, 0)
                  : extractIndexElements(rewriter, loc, adaptor.getK(),
                                         op.getK(), 1)
                        .front();
    bool upper = op.getUpper() != 0;
    auto resultType = cast<RankedTensorType>(op.getType());
    Value result = buildElementwise(
        rewriter, loc, input, resultType,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value row = linalg::IndexOp::create(b, l, rank - 2);
          Value col = linalg::IndexOp::create(b, l, rank - 1);
          Value diagonal = arith::SubIOp::create(b, l, col, row);
          Value keep = arith::CmpIOp::create(
              b, l, upper ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sle,
              diagonal, k);
          Value zero = createScalar(b, l, args[0].getType(), 0);
          return arith::SelectOp::create(b, l, keep, args[0], zero);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// y[..i..] = sum over j of x[..j..] for j <= i (j < i exclusive; reversed
/// for reverse): a reduction over an extra loop j, O(n^2) along the axis.
struct CumSumLowering : OnnxPattern<onnx::CumSumOp> {
  using OnnxPattern::OnnxPattern;
  LogicalResult lower(onnx::CumSumOp op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getX();
    int64_t rank = getTensorType(x).getRank();
    Type type = getElementType(x);
    if (rank == 0 || type.isInteger(1))
      return nodeFailure(op, "the input must be a numeric tensor of rank >= 1");
    std::optional<SmallVector<int64_t>> axisValue = getConstantInts(op.getAxis());
    if (!axisValue || axisValue->size() != 1)
      return nodeFailure(op, "an axis that is not a constant is not supported");
    FailureOr<int64_t> axis = normalizeAxis(op, axisValue->front(), rank);
    if (failed(axis))
      return failure();
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineExpr> inExprs, outExprs;
    for (int64_t d = 0; d < rank; ++d) {
      outExprs.push_back(getAffineDimExpr(d, ctx));
      inExprs.push_back(getAffineDimExpr(d == *axis ? rank : d, ctx));
    }
    SmallVector<AffineMap> maps = {AffineMap::get(rank + 1, 0, inExprs, ctx),
                                   AffineMap::get(rank + 1, 0, outExprs, ctx)};
    SmallVector<utils::IteratorType> iterators = getParallelIterators(rank);
    iterators.push_back(utils::IteratorType::reduction);
    Value init = createFilled(rewriter, loc,
                              tensor::getMixedSizes(rewriter, loc, x),
                              createScalar(rewriter, loc, type, 0));
    bool exclusive = op.getExclusive() != 0, reverse = op.getReverse() != 0;
    arith::CmpIPredicate predicate =
        reverse ? (exclusive ? arith::CmpIPredicate::ugt
                             : arith::CmpIPredicate::uge)
                : (exclusive ? arith::CmpIPredicate::ult
                             : arith::CmpIPredicate::ule);
    int64_t axisDim = *axis;
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, ValueRange{x},
        ValueRange{init}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value i = linalg::IndexOp::create(b, l, axisDim);
          Value j = linalg::IndexOp::create(b, l, rank);
          Value include = arith::CmpIOp::create(b, l, predicate, j, i);
          Value term = arith::SelectOp::create(
              b, l, include, args[0], createScalar(b, l, type, 0));
          Value sum = isa<FloatType>(type)
                          ? Value(arith::AddFOp::create(b, l, args[1], term))
                          : Value(arith::AddIOp::create(b, l, args[1], term));
          linalg::YieldOp::create(b, l, sum);
        });
    rewriter.replaceOp(
        op, castToType(rewriter, loc, generic.getResult(0), op.getType()));
    return success();
  }
};

} // namespace

void onnx_to_linalg::populateIndexingPatterns(RewritePatternSet &patterns) {
  patterns.add<GatherLowering, GatherElementsLowering, SliceLowering,
               SplitLowering, TileLowering, RangeLowering, TriluLowering,
               CumSumLowering>(patterns.getContext());
}
