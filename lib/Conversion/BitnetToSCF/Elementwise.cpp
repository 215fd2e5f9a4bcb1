//===- Elementwise.cpp - quantize_activations and rescale to linalg -------===//
//
// quantize_activations: three linalg.generic ops on tensors,
//   absmax[r] = max over the shared elements of |x|          (reduction)
//   scale[r]  = qmax / max(absmax[r], eps)                    (f32)
//               or (1 / max(absmax[r], eps)) * qmax          (`reciprocal`)
//   q         = clamp(roundeven(x * scale[r]), clip_min, clip_max) -> i8
// where r indexes the leading dims (per_token) or nothing (per_tensor). The
// f32 operations and their order are those of the op's definition.
//
// rescale: one linalg.generic, float(acc) * weight_scale / act_scale (+ bias),
// with the broadcast operands collapsed to the dims they vary along.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "Bitnet/BitnetDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::bitnet::detail;

namespace {

Value emptyTensor(ImplicitLocOpBuilder &b, ArrayRef<OpFoldResult> sizes,
                  Type elementType) {
  return tensor::EmptyOp::create(b, sizes, elementType);
}

/// The map from the loop dims of a rank-`rank` iteration space to `dims`.
AffineMap projection(MLIRContext *context, int64_t rank,
                     ArrayRef<int64_t> dims) {
  SmallVector<AffineExpr> exprs;
  for (int64_t dim : dims)
    exprs.push_back(getAffineDimExpr(dim, context));
  return AffineMap::get(rank, 0, exprs, context);
}

/// Collapses `value` onto the dims in `kept` (ascending), every other dim
/// being a static 1 that is folded into a neighbour's group; no kept dims
/// gives a rank-0 tensor.
Value collapseOnto(ImplicitLocOpBuilder &b, Value value,
                   ArrayRef<int64_t> kept) {
  auto type = cast<RankedTensorType>(value.getType());
  if (static_cast<int64_t>(kept.size()) == type.getRank())
    return value;
  SmallVector<ReassociationIndices> groups;
  SmallVector<int64_t> shape;
  for (int64_t dim = 0, rank = type.getRank(); dim < rank; ++dim) {
    bool isKept = llvm::is_contained(kept, dim);
    // Unit dims before the first kept dim join its group.
    if (isKept && !groups.empty() && shape.empty())
      groups.back().push_back(dim);
    else if (isKept || groups.empty())
      groups.push_back({dim});
    else
      groups.back().push_back(dim);
    if (isKept)
      shape.push_back(type.getDimSize(dim));
  }
  if (kept.empty())
    groups.clear();
  return tensor::CollapseShapeOp::create(
      b, RankedTensorType::get(shape, type.getElementType()), value, groups);
}

SmallVector<utils::IteratorType> parallelIterators(int64_t rank) {
  return SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel);
}

//===----------------------------------------------------------------------===//
// quantize_activations
//===----------------------------------------------------------------------===//

struct QuantizeActivationsLowering
    : OpConversionPattern<QuantizeActivationsOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(QuantizeActivationsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getInput();
    auto inputType = dyn_cast<RankedTensorType>(x.getType());
    auto quantizedType =
        dyn_cast<RankedTensorType>(op.getQuantized().getType());
    auto scaleType = dyn_cast<RankedTensorType>(op.getScale().getType());
    if (!inputType || !quantizedType || !scaleType)
      return rewriter.notifyMatchFailure(op, "expected ranked tensors");

    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    MLIRContext *context = getContext();
    int64_t rank = inputType.getRank();
    bool perToken = op.getGranularity() == Granularity::PerToken;
    Type f32 = b.getF32Type();

    // The dims a scale varies along: the leading ones (per_token) or none.
    SmallVector<int64_t> scaleDims;
    if (perToken)
      scaleDims = llvm::to_vector(llvm::seq<int64_t>(0, rank - 1));
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, b.getLoc(), x);
    SmallVector<OpFoldResult> scaleSizes;
    for (int64_t dim : scaleDims)
      scaleSizes.push_back(sizes[dim]);
    AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, context);
    AffineMap toScale = projection(context, rank, scaleDims);
    RankedTensorType reducedType = tensorTypeOf(scaleSizes, f32);

    // absmax = max(|x|) with 0 as the neutral element (|x| >= 0).
    SmallVector<utils::IteratorType> reduction(rank,
                                               utils::IteratorType::reduction);
    for (int64_t dim : scaleDims)
      reduction[dim] = utils::IteratorType::parallel;
    Value zero = arith::ConstantOp::create(b, b.getF32FloatAttr(0.0f));
    Value absmaxInit =
        linalg::FillOp::create(b, ValueRange{zero},
                               ValueRange{emptyTensor(b, scaleSizes, f32)})
            .getResult(0);
    Value absmax =
        linalg::GenericOp::create(
            b, reducedType, ValueRange{x}, ValueRange{absmaxInit},
            ArrayRef<AffineMap>{identity, toScale}, reduction,
            [](OpBuilder &nb, Location loc, ValueRange args) {
              Value magnitude = math::AbsFOp::create(nb, loc, args[0]);
              Value max =
                  arith::MaximumFOp::create(nb, loc, magnitude, args[1]);
              linalg::YieldOp::create(nb, loc, max);
            })
            .getResult(0);

    // scale = qmax / max(absmax, eps), or (1 / max(absmax, eps)) * qmax.
    int64_t scaleRank = scaleDims.size();
    AffineMap scaleIdentity =
        AffineMap::getMultiDimIdentityMap(scaleRank, context);
    Value qmax = arith::ConstantOp::create(b, op.getQmaxAttr());
    Value eps = arith::ConstantOp::create(b, op.getEpsAttr());
    bool reciprocal = op.getReciprocal();
    Value one = reciprocal
                    ? arith::ConstantOp::create(b, b.getF32FloatAttr(1.0f))
                    : Value();
    Value scale =
        linalg::GenericOp::create(
            b, reducedType, ValueRange{absmax},
            ValueRange{emptyTensor(b, scaleSizes, f32)},
            ArrayRef<AffineMap>{scaleIdentity, scaleIdentity},
            parallelIterators(scaleRank),
            [&](OpBuilder &nb, Location loc, ValueRange args) {
              Value floor = arith::MaximumFOp::create(nb, loc, args[0], eps);
              Value scale;
              if (reciprocal) {
                Value inverse = arith::DivFOp::create(nb, loc, one, floor);
                scale = arith::MulFOp::create(nb, loc, inverse, qmax);
              } else {
                scale = arith::DivFOp::create(nb, loc, qmax, floor);
              }
              linalg::YieldOp::create(nb, loc, scale);
            })
            .getResult(0);

    // q = clamp(roundeven(x * scale), clip_min, clip_max) as i8. The clamp
    // uses maxnumf/minnumf, so a NaN product clamps to clip_min.
    Value clipMin = arith::ConstantOp::create(
        b, b.getF32FloatAttr(static_cast<float>(op.getClipMin())));
    Value clipMax = arith::ConstantOp::create(
        b, b.getF32FloatAttr(static_cast<float>(op.getClipMax())));
    Type i8 = b.getI8Type();
    Value quantized =
        linalg::GenericOp::create(
            b, quantizedType, ValueRange{x, scale},
            ValueRange{emptyTensor(b, sizes, i8)},
            ArrayRef<AffineMap>{identity, toScale, identity},
            parallelIterators(rank),
            [&](OpBuilder &nb, Location loc, ValueRange args) {
              Value scaled = arith::MulFOp::create(nb, loc, args[0], args[1]);
              Value rounded = math::RoundEvenOp::create(nb, loc, scaled);
              Value low = arith::MaxNumFOp::create(nb, loc, rounded, clipMin);
              Value clamped = arith::MinNumFOp::create(nb, loc, low, clipMax);
              linalg::YieldOp::create(
                  nb, loc,
                  arith::FPToSIOp::create(nb, loc, i8, clamped).getResult());
            })
            .getResult(0);

    // The scale result keeps the input's rank, reduced dims being 1.
    SmallVector<OpFoldResult> keptShape(rank, b.getIndexAttr(1));
    SmallVector<ReassociationIndices> groups;
    for (int64_t dim : scaleDims) {
      keptShape[dim] = sizes[dim];
      groups.push_back({dim});
    }
    if (!groups.empty())
      groups.back().push_back(rank - 1);
    Value expandedScale = tensor::ExpandShapeOp::create(
        b, tensorTypeOf(keptShape, f32), scale, groups, keptShape);
    rewriter.replaceOp(op,
                       {quantized, castIfNeeded(b, expandedScale, scaleType)});
    return success();
  }
};

//===----------------------------------------------------------------------===//
// rescale
//===----------------------------------------------------------------------===//

struct RescaleLowering : OpConversionPattern<RescaleOp> {
  using OpConversionPattern::OpConversionPattern;

  /// A weight_scale or bias of 1 element (map to ()) or N (map to (n)).
  std::pair<Value, AffineMap> perRow(ImplicitLocOpBuilder &b, Value value,
                                     int64_t rank) const {
    auto type = cast<RankedTensorType>(value.getType());
    MLIRContext *context = getContext();
    if (type.getNumElements() == 1) {
      if (type.getRank() != 0)
        value = tensor::CollapseShapeOp::create(
            b, RankedTensorType::get({}, type.getElementType()), value,
            ArrayRef<ReassociationIndices>{});
      return {value, AffineMap::get(rank, 0, {}, context)};
    }
    if (type.getRank() != 1) {
      ReassociationIndices all =
          llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
      value = tensor::CollapseShapeOp::create(
          b, value, ArrayRef<ReassociationIndices>{all});
    }
    return {value, projection(context, rank, {rank - 1})};
  }

  LogicalResult
  matchAndRewrite(RescaleOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value acc = adaptor.getAcc();
    auto accType = dyn_cast<RankedTensorType>(acc.getType());
    auto outputType = dyn_cast<RankedTensorType>(op.getType());
    auto actScaleType =
        dyn_cast<RankedTensorType>(adaptor.getActScale().getType());
    if (!accType || !outputType || !actScaleType)
      return rewriter.notifyMatchFailure(op, "expected ranked tensors");

    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    MLIRContext *context = getContext();
    int64_t rank = accType.getRank();

    // act_scale varies along its dims that are not a static 1; the others
    // broadcast.
    SmallVector<int64_t> actDims;
    for (int64_t dim = 0; dim < rank; ++dim)
      if (actScaleType.getDimSize(dim) != 1)
        actDims.push_back(dim);
    Value actScale = collapseOnto(b, adaptor.getActScale(), actDims);

    SmallVector<Value> inputs = {acc, actScale};
    SmallVector<AffineMap> maps = {
        AffineMap::getMultiDimIdentityMap(rank, context),
        projection(context, rank, actDims)};
    auto [weightScale, weightMap] = perRow(b, adaptor.getWeightScale(), rank);
    inputs.push_back(weightScale);
    maps.push_back(weightMap);
    bool hasBias = static_cast<bool>(adaptor.getBias());
    if (hasBias) {
      auto [bias, biasMap] = perRow(b, adaptor.getBias(), rank);
      inputs.push_back(bias);
      maps.push_back(biasMap);
    }
    maps.push_back(maps.front());

    Value init = emptyTensor(b, tensor::getMixedSizes(b, b.getLoc(), acc),
                             b.getF32Type());
    auto generic = linalg::GenericOp::create(
        b, outputType, inputs, ValueRange{init}, maps, parallelIterators(rank),
        [&](OpBuilder &nb, Location loc, ValueRange args) {
          Value sum =
              arith::SIToFPOp::create(nb, loc, nb.getF32Type(), args[0]);
          Value scaled = arith::MulFOp::create(nb, loc, sum, args[2]);
          Value y = arith::DivFOp::create(nb, loc, scaled, args[1]);
          if (hasBias)
            y = arith::AddFOp::create(nb, loc, y, args[3]);
          linalg::YieldOp::create(nb, loc, y);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void bitnet::detail::populateElementwiseToLinalgPatterns(
    RewritePatternSet &patterns, const TypeConverter &typeConverter) {
  patterns.add<QuantizeActivationsLowering, RescaleLowering>(
      typeConverter, patterns.getContext());
}
