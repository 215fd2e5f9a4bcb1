//===- Reductions.cpp - ReduceX and ArgMax to linalg.generic --------------===//
//
// A reduction is one linalg.generic over the input with the reduced dims as
// reduction iterators into a tensor of the kept dims, then (Mean, or f16/bf16
// accumulated in f32) an elementwise finish, then size-1 dims re-inserted
// for keepdims. The Reduce ops differ only by a row of `ReduceKind`.
//
//===----------------------------------------------------------------------===//
#include "Common.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::bitnet::onnx_to_linalg;
namespace onnx = mlir::onnx_ir;

namespace {

enum class ReduceKind { Sum, Mean, Prod, Max, Min };

/// The dims that `axes` (the original operand) reduces, or failure with an
/// error; an empty result with `noop` means "return the input".
FailureOr<SmallVector<bool>> getReducedDims(Operation *op, Value axes,
                                            int64_t rank, bool noop) {
  SmallVector<int64_t> values;
  // A runtime tensor of static length 0 is as empty as a constant one.
  if (!isNone(axes) && getTensorType(axes).getNumElements() != 0) {
    std::optional<SmallVector<int64_t>> constant = getConstantInts(axes);
    if (!constant)
      return emitNodeError(op) << "axes that are not a constant are not "
                                  "supported";
    values = *constant;
  }
  if (values.empty())
    return SmallVector<bool>(noop ? 0 : rank, true);
  SmallVector<bool> reduced(rank, false);
  for (int64_t axis : values) {
    FailureOr<int64_t> normalized = normalizeAxis(op, axis, rank);
    if (failed(normalized))
      return failure();
    reduced[*normalized] = true;
  }
  return reduced;
}

template <typename OpTy, ReduceKind kind>
struct ReduceLowering : OnnxPattern<OpTy> {
  using OnnxPattern<OpTy>::OnnxPattern;
  using OpAdaptor = typename OpTy::Adaptor;

  static Value combine(OpBuilder &b, Location loc, Value acc,
                       ValueRange elements) {
    Value x = convertScalar(b, loc, elements[0], acc.getType());
    bool isFloat = isa<FloatType>(acc.getType());
    bool isUnsigned = isUnsignedLike(acc.getType());
    switch (kind) {
    case ReduceKind::Sum:
    case ReduceKind::Mean:
      return isFloat ? Value(arith::AddFOp::create(b, loc, acc, x))
                     : Value(arith::AddIOp::create(b, loc, acc, x));
    case ReduceKind::Prod:
      return isFloat ? Value(arith::MulFOp::create(b, loc, acc, x))
                     : Value(arith::MulIOp::create(b, loc, acc, x));
    case ReduceKind::Max:
      return isFloat  ? Value(arith::MaximumFOp::create(b, loc, acc, x))
             : isUnsigned ? Value(arith::MaxUIOp::create(b, loc, acc, x))
                      : Value(arith::MaxSIOp::create(b, loc, acc, x));
    case ReduceKind::Min:
      return isFloat  ? Value(arith::MinimumFOp::create(b, loc, acc, x))
             : isUnsigned ? Value(arith::MinUIOp::create(b, loc, acc, x))
                      : Value(arith::MinSIOp::create(b, loc, acc, x));
    }
    llvm_unreachable("unknown reduction");
  }

  static Value createInit(OpBuilder &b, Location loc, Type type) {
    switch (kind) {
    case ReduceKind::Sum:
    case ReduceKind::Mean:
      return createScalar(b, loc, type, 0);
    case ReduceKind::Prod:
      return createScalar(b, loc, type, 1);
    case ReduceKind::Max:
      return createExtremum(b, loc, type, /*highest=*/false);
    case ReduceKind::Min:
      return createExtremum(b, loc, type, /*highest=*/true);
    }
    llvm_unreachable("unknown reduction");
  }

  static Value lowerRuntimeAxes(OpTy op, Value data, Value axes,
                                ConversionPatternRewriter &rewriter);

  LogicalResult lower(OpTy op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData();
    RankedTensorType dataType = getTensorType(data);
    auto resultType = cast<RankedTensorType>(op.getType());
    Type elementType = dataType.getElementType();
    if (kind == ReduceKind::Mean && elementType.isInteger(1))
      return nodeFailure(op, "element type i1 is not supported");
    Value axes = op.getAxes();
    if (!isNone(axes) && !getConstantInts(axes) &&
        getTensorType(axes).getNumElements() != 0) {
      Value result = lowerRuntimeAxes(op, data, adaptor.getAxes(), rewriter);
      if (!result)
        return failure();
      rewriter.replaceOp(op, result);
      return success();
    }
    FailureOr<SmallVector<bool>> reduced = getReducedDims(
        op, axes, dataType.getRank(), op.getNoopWithEmptyAxes() != 0);
    if (failed(reduced))
      return failure();
    if (reduced->empty() && dataType.getRank() != 0) { // noop_with_empty_axes
      rewriter.replaceOp(op, castToType(rewriter, loc, data, resultType));
      return success();
    }

    bool accumulates = kind == ReduceKind::Sum || kind == ReduceKind::Mean ||
                       kind == ReduceKind::Prod;
    Type accType = accumulates ? getComputeType(elementType) : elementType;
    Value init = createInit(rewriter, loc, accType);
    Value result = buildReduction(rewriter, loc, data, *reduced, init, combine);

    if (kind == ReduceKind::Mean || accType != elementType) {
      SmallVector<OpFoldResult> sizes =
          tensor::getMixedSizes(rewriter, loc, data);
      SmallVector<OpFoldResult> reducedSizes;
      for (auto [size, isReduced] : llvm::zip_equal(sizes, *reduced))
        if (isReduced)
          reducedSizes.push_back(size);
      Value count = indexToScalar(
          rewriter, loc, productOfSizes(rewriter, loc, reducedSizes), accType);
      RankedTensorType accTensor = getTensorType(result);
      auto finalType = accTensor.clone(elementType);
      result = buildElementwise(
          rewriter, loc, result, finalType,
          [&](OpBuilder &b, Location bodyLoc, ValueRange args) {
            Value value = args[0];
            if (kind == ReduceKind::Mean)
              value =
                  isa<FloatType>(accType) ? Value(arith::DivFOp::create(
                                                b, bodyLoc, value, count))
                  : isUnsignedLike(accType)
                      ? Value(arith::DivUIOp::create(b, bodyLoc, value, count))
                      : Value(arith::DivSIOp::create(b, bodyLoc, value, count));
            return convertScalar(b, bodyLoc, value, elementType);
          });
    }
    if (op.getKeepdims() != 0)
      result = insertUnitDims(rewriter, loc, result, *reduced);
    rewriter.replaceOp(op, castToType(rewriter, loc, result, resultType));
    return success();
  }
};

/// Axes known only at run time (a non-empty tensor of static length): a
/// parallel generic over the keepdims-form result (a reduced dim has size
/// 1) whose body loops over every element of the reduced dims in an
/// scf.for, decomposing the loop index along them. Axes outside the rank
/// reduce nothing. keepdims = 0 reshapes to the result type, which must
/// then be static.
template <typename OpTy, ReduceKind kind>
Value lowerRuntimeAxesImpl(OpTy op, Value data, Value axesTensor,
                           ConversionPatternRewriter &rewriter) {
  Location loc = op.getLoc();
  RankedTensorType dataType = getTensorType(data);
  RankedTensorType axesType = getTensorType(axesTensor);
  auto resultType = cast<RankedTensorType>(op.getType());
  int64_t rank = dataType.getRank();
  if (axesType.getRank() != 1 || axesType.isDynamicDim(0)) {
    (void)nodeFailure(op, "axes that are not a constant must be a 1-D tensor of "
                    "static length");
    return nullptr;
  }
  if (op.getKeepdims() == 0 && !resultType.hasStaticShape()) {
    (void)nodeFailure(op, "axes that are not a constant with keepdims = 0 need a "
                    "static result shape");
    return nullptr;
  }
  IndexMath m{rewriter, loc};
  SmallVector<Value> axes = extractIndexElements(
      rewriter, loc, axesTensor, axesTensor, axesType.getDimSize(0));
  for (Value &axis : axes)
    axis = m.wrap(axis, m.c(rank));
  // Per dim: whether it is reduced, its extent in the loop (size or 1) and
  // its size in the keepdims result (1 or size).
  SmallVector<Value> isReduced, loopExtent, keptSizes;
  Value count = m.c(1);
  for (int64_t d = 0; d < rank; ++d) {
    Value hit = createScalar(rewriter, loc, rewriter.getI1Type(), 0);
    for (Value axis : axes)
      hit = rewriter.createOrFold<arith::OrIOp>(loc, hit, m.eq(axis, m.c(d)));
    Value size = m.dim(data, d);
    isReduced.push_back(hit);
    loopExtent.push_back(m.select(hit, size, m.c(1)));
    keptSizes.push_back(m.select(hit, m.c(1), size));
    count = m.mul(count, loopExtent.back());
  }
  Type elementType = dataType.getElementType();
  bool accumulates = kind == ReduceKind::Sum || kind == ReduceKind::Mean ||
                     kind == ReduceKind::Prod;
  Type accType = accumulates ? getComputeType(elementType) : elementType;
  auto keepType = RankedTensorType::get(
      SmallVector<int64_t>(rank, ShapedType::kDynamic), elementType);
  Value result = buildIndexed(
      rewriter, loc, keepType, getAsOpFoldResult(keptSizes), {}, {},
      [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange) {
        Value init = ReduceLowering<OpTy, kind>::createInit(b, l, accType);
        IndexMath bm{b, l};
        auto loop = scf::ForOp::create(
            b, l, bm.c(0), count, bm.c(1), ValueRange{init},
            [&](OpBuilder &lb, Location ll, Value t, ValueRange acc) {
              IndexMath lm{lb, ll};
              SmallVector<Value> coords(rank);
              Value rest = t;
              for (int64_t d = rank - 1; d >= 0; --d) {
                Value position =
                    lb.createOrFold<arith::RemUIOp>(ll, rest, loopExtent[d]);
                rest = lb.createOrFold<arith::DivUIOp>(ll, rest, loopExtent[d]);
                coords[d] = lm.select(isReduced[d], position, ivs[d]);
              }
              Value element = tensor::ExtractOp::create(lb, ll, data, coords);
              scf::YieldOp::create(
                  lb, ll,
                  ReduceLowering<OpTy, kind>::combine(lb, ll, acc[0],
                                                      ValueRange{element}));
            });
        Value value = loop.getResult(0);
        if (kind == ReduceKind::Mean) {
          Value n = indexToScalar(b, l, count, accType);
          value = isa<FloatType>(accType)
                      ? Value(arith::DivFOp::create(b, l, value, n))
                  : isUnsignedLike(accType)
                      ? Value(arith::DivUIOp::create(b, l, value, n))
                      : Value(arith::DivSIOp::create(b, l, value, n));
        }
        return convertScalar(b, l, value, elementType);
      });
  if (op.getKeepdims() != 0)
    return castToType(rewriter, loc, result, resultType);
  SmallVector<OpFoldResult> sizes;
  for (int64_t dim : resultType.getShape())
    sizes.push_back(rewriter.getIndexAttr(dim));
  return reshapeTo(rewriter, loc, result, resultType, sizes);
}

template <typename OpTy, ReduceKind kind>
Value ReduceLowering<OpTy, kind>::lowerRuntimeAxes(
    OpTy op, Value data, Value axes, ConversionPatternRewriter &rewriter) {
  return lowerRuntimeAxesImpl<OpTy, kind>(op, data, axes, rewriter);
}

/// ArgMax: one generic with two accumulators (value, index); a later equal
/// value wins only with select_last_index.
struct ArgMaxLowering : OnnxPattern<onnx::ArgMaxOp> {
  using OnnxPattern::OnnxPattern;
  LogicalResult lower(onnx::ArgMaxOp op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData();
    RankedTensorType dataType = getTensorType(data);
    int64_t rank = dataType.getRank();
    if (rank == 0)
      return nodeFailure(op, "a rank-0 input is not supported");
    FailureOr<int64_t> axis = normalizeAxis(op, op.getAxis(), rank);
    if (failed(axis))
      return failure();
    Type elementType = dataType.getElementType();
    if (elementType.isInteger(1))
      return nodeFailure(op, "element type i1 is not supported");
    SmallVector<bool> reduced(rank, false);
    reduced[*axis] = true;

    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, data);
    SmallVector<OpFoldResult> keptSizes;
    SmallVector<utils::IteratorType> iterators;
    for (int64_t d = 0; d < rank; ++d) {
      if (!reduced[d])
        keptSizes.push_back(sizes[d]);
      iterators.push_back(reduced[d] ? utils::IteratorType::reduction
                                     : utils::IteratorType::parallel);
    }
    Value lowest = createExtremum(rewriter, loc, elementType, false);
    Value zero = createScalar(rewriter, loc, rewriter.getI64Type(), 0);
    Value values = createFilled(rewriter, loc, keptSizes, lowest);
    Value indices = createFilled(rewriter, loc, keptSizes, zero);
    MLIRContext *ctx = rewriter.getContext();
    AffineMap kept = getKeptDimsMap(ctx, reduced);
    SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx),
                                   kept, kept};
    bool last = op.getSelectLastIndex() != 0;
    int64_t axisDim = *axis;
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{values.getType(), indices.getType()},
        ValueRange{data}, ValueRange{values, indices}, maps, iterators,
        [&](OpBuilder &b, Location bodyLoc, ValueRange args) {
          Value x = args[0], best = args[1], bestIndex = args[2];
          Value better;
          if (isa<FloatType>(elementType))
            better = arith::CmpFOp::create(b, bodyLoc,
                                           last ? arith::CmpFPredicate::OGE
                                                : arith::CmpFPredicate::OGT,
                                           x, best);
          else if (isUnsignedLike(elementType))
            better = arith::CmpIOp::create(b, bodyLoc,
                                           last ? arith::CmpIPredicate::uge
                                                : arith::CmpIPredicate::ugt,
                                           x, best);
          else
            better = arith::CmpIOp::create(b, bodyLoc,
                                           last ? arith::CmpIPredicate::sge
                                                : arith::CmpIPredicate::sgt,
                                           x, best);
          Value position = arith::IndexCastOp::create(
              b, bodyLoc, b.getI64Type(),
              linalg::IndexOp::create(b, bodyLoc, axisDim));
          linalg::YieldOp::create(
              b, bodyLoc,
              ValueRange{arith::SelectOp::create(b, bodyLoc, better, x, best),
                         arith::SelectOp::create(b, bodyLoc, better, position,
                                                 bestIndex)});
        });
    Value result = generic.getResult(1);
    if (op.getKeepdims() != 0)
      result = insertUnitDims(rewriter, loc, result, reduced);
    rewriter.replaceOp(op, castToType(rewriter, loc, result, op.getType()));
    return success();
  }
};

} // namespace

void onnx_to_linalg::populateReductionPatterns(RewritePatternSet &patterns) {
  patterns
      .add<ReduceLowering<onnx::ReduceSumOp, ReduceKind::Sum>,
           ReduceLowering<onnx::ReduceMeanOp, ReduceKind::Mean>,
           ReduceLowering<onnx::ReduceProdOp, ReduceKind::Prod>,
           ReduceLowering<onnx::ReduceMaxOp, ReduceKind::Max>,
           ReduceLowering<onnx::ReduceMinOp, ReduceKind::Min>, ArgMaxLowering>(
          patterns.getContext());
}
