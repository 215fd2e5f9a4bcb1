//===- Generators.cpp - Tile, Range, Trilu, CumSum ------------------------===//
//
// Ops whose elements follow from their positions: a linalg.generic over the
// result that computes each element from linalg.index (Tile reads the input
// at index mod size, Range is start + i * delta, Trilu selects on
// col - row, CumSum sums over an extra reduction loop, or over an scf.for
// in the body when the axis is only known at run time).
//
//===----------------------------------------------------------------------===//
#include "Common.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::bitnet::onnx_to_linalg;
namespace onnx = mlir::onnx_ir;

namespace {

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
    Value result =
        buildIndexed(rewriter, loc, cast<RankedTensorType>(op.getType()),
                     getAsOpFoldResult(sizes), {}, {},
                     [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange) {
                       SmallVector<Value> coords;
                       for (int64_t d = 0; d < rank; ++d)
                         coords.push_back(b.createOrFold<arith::RemUIOp>(
                             l, ivs[d], inSizes[d]));
                       return tensor::ExtractOp::create(b, l, input, coords);
                     });
    rewriter.replaceOp(op, result);
    return success();
  }
};

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
      size =
          m.max(m.ceilDiv(span, scalarToIndex(rewriter, loc, delta)), m.c(0));
    }
    Value result = buildIndexed(
        rewriter, loc, resultType, size, {}, {},
        [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange) -> Value {
          Value i = indexToScalar(b, l, ivs[0], type);
          if (isFloat)
            return arith::AddFOp::create(b, l, start,
                                         arith::MulFOp::create(b, l, i, delta));
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
    Value k =
        isNone(adaptor.getK())
            ? arith::ConstantIndexOp::create(rewriter, loc, 0)
            : extractIndexElements(rewriter, loc, adaptor.getK(), op.getK(), 1)
                  .front();
    bool upper = op.getUpper() != 0;
    auto resultType = cast<RankedTensorType>(op.getType());
    Value result = buildElementwise(
        rewriter, loc, input, resultType,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value row = linalg::IndexOp::create(b, l, rank - 2);
          Value col = linalg::IndexOp::create(b, l, rank - 1);
          Value diagonal = arith::SubIOp::create(b, l, col, row);
          Value keep = arith::CmpIOp::create(b, l,
                                             upper ? arith::CmpIPredicate::sge
                                                   : arith::CmpIPredicate::sle,
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
    if (getTensorType(adaptor.getAxis()).getNumElements() != 1)
      return nodeFailure(op, "axis must hold a single element");
    std::optional<SmallVector<int64_t>> axisValue =
        getConstantInts(op.getAxis());
    if (!axisValue) {
      rewriter.replaceOp(op, lowerRuntimeAxis(op, adaptor, rewriter));
      return success();
    }
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
    Value init =
        createFilled(rewriter, loc, tensor::getMixedSizes(rewriter, loc, x),
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
          Value term = arith::SelectOp::create(b, l, include, args[0],
                                               createScalar(b, l, type, 0));
          Value sum = isa<FloatType>(type)
                          ? Value(arith::AddFOp::create(b, l, args[1], term))
                          : Value(arith::AddIOp::create(b, l, args[1], term));
          linalg::YieldOp::create(b, l, sum);
        });
    rewriter.replaceOp(
        op, castToType(rewriter, loc, generic.getResult(0), op.getType()));
    return success();
  }

  /// An axis known at run time: each element sums its line along the axis
  /// in an scf.for, reading x where the axis coordinate is the loop index.
  /// An axis outside [-rank, rank) matches no dim: the line is empty and
  /// the result all zeros, never an access out of bounds.
  static Value lowerRuntimeAxis(onnx::CumSumOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) {
    Location loc = op.getLoc();
    Value x = adaptor.getX();
    int64_t rank = getTensorType(x).getRank();
    Type type = getElementType(x);
    IndexMath m{rewriter, loc};
    Value axis = m.wrap(scalarToIndex(rewriter, loc,
                                      extractScalar(rewriter, loc,
                                                    adaptor.getAxis())),
                        m.c(rank));
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc, x);
    Value length = m.c(0);
    for (int64_t d = 0; d < rank; ++d)
      length = m.select(m.eq(axis, m.c(d)), m.dim(x, d), length);
    bool exclusive = op.getExclusive() != 0, reverse = op.getReverse() != 0;
    return buildIndexed(
        rewriter, loc, cast<RankedTensorType>(op.getType()), sizes, {}, {},
        [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange) {
          IndexMath bm{b, l};
          Value position = bm.c(0);
          for (int64_t d = 0; d < rank; ++d)
            position = bm.select(bm.eq(axis, bm.c(d)), ivs[d], position);
          // Lines [lower, upper) of j: inclusive forward is [0, i], etc.
          Value lower = reverse ? (exclusive ? bm.add(position, bm.c(1))
                                             : position)
                                : bm.c(0);
          Value upper = reverse ? length
                                : (exclusive ? position
                                             : bm.add(position, bm.c(1)));
          upper = bm.min(upper, length);
          Value zero = createScalar(b, l, type, 0);
          auto loop = scf::ForOp::create(
              b, l, lower, upper, bm.c(1), ValueRange{zero},
              [&](OpBuilder &lb, Location ll, Value j, ValueRange acc) {
                IndexMath lm{lb, ll};
                SmallVector<Value> coords;
                for (int64_t d = 0; d < rank; ++d)
                  coords.push_back(lm.select(lm.eq(axis, lm.c(d)), j, ivs[d]));
                Value element = tensor::ExtractOp::create(lb, ll, x, coords);
                Value sum =
                    isa<FloatType>(type)
                        ? Value(arith::AddFOp::create(lb, ll, acc[0], element))
                        : Value(arith::AddIOp::create(lb, ll, acc[0], element));
                scf::YieldOp::create(lb, ll, sum);
              });
          return loop.getResult(0);
        });
  }
};

} // namespace

void onnx_to_linalg::populateGeneratorPatterns(RewritePatternSet &patterns) {
  patterns.add<TileLowering, RangeLowering, TriluLowering, CumSumLowering>(
      patterns.getContext());
}
