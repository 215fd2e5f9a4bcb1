//===- Elementwise.cpp - quantize_activations and rescale to linalg -------===//
//
// quantize_activations: linalg.generic ops on tensors,
//   absmax[r] = max over the shared elements of |x|          (reduction)
//   eta[r]    = min over the shared elements of x            (`shift` only)
//   m[r]      = absmax[r], or max(x) - eta[r]      (`shifted_absmax`: the
//               same f32 value as max |x - eta|, rounding being monotone)
//   scale[r]  = qmax / max(m[r], eps)                         (f32)
//               or (1 / max(m[r], eps)) * qmax               (`reciprocal`)
//   q         = clamp(roundeven((x - eta[r]) * scale[r]), clip_min, clip_max)
//               or roundeven(((x - eta[r]) * qmax) / max(m[r], eps))
//                                                             (`divide`)
// (without `shift`: x * scale[r]) converted to i8 or i16, where r indexes the
// leading dims (per_token), nothing (per_tensor), or the leading dims and
// the group (per_group: x is first expanded to [..., K / G, G], which makes
// it per_token). The f32 operations and their order are those of the op's
// definition.
//
// rescale and weight_rescale: one linalg.generic on the accumulator's
// iteration space, with the broadcast operands collapsed to the dims they
// vary along; grouped sums reduce over the trailing group dim into a zero
// filled output, and a bias is then added by a second generic.
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
    Value input = adaptor.getInput();
    auto inputType = dyn_cast<RankedTensorType>(input.getType());
    auto quantizedType =
        dyn_cast<RankedTensorType>(op.getQuantized().getType());
    auto scaleType = dyn_cast<RankedTensorType>(op.getScale().getType());
    if (!inputType || !quantizedType || !scaleType)
      return rewriter.notifyMatchFailure(op, "expected ranked tensors");

    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    MLIRContext *context = getContext();
    Type f32 = b.getF32Type();
    bool perGroup = op.getGranularity() == Granularity::PerGroup;
    bool perToken = perGroup || op.getGranularity() == Granularity::PerToken;
    bool shift = op.getShift();

    // per_group: [..., K] -> [..., K / G, G]; the groups are then tokens.
    Value x = input;
    if (perGroup) {
      SmallVector<OpFoldResult> inputSizes =
          tensor::getMixedSizes(b, b.getLoc(), input);
      int64_t groupSize = *op.getGroupSize();
      int64_t k = inputType.getShape().back();
      SmallVector<OpFoldResult> groupedSizes(inputSizes);
      groupedSizes.back() = b.getIndexAttr(k / groupSize);
      groupedSizes.push_back(b.getIndexAttr(groupSize));
      SmallVector<ReassociationIndices> groups;
      for (int64_t dim = 0; dim + 1 < inputType.getRank(); ++dim)
        groups.push_back({dim});
      groups.push_back({inputType.getRank() - 1, inputType.getRank()});
      x = tensor::ExpandShapeOp::create(b, tensorTypeOf(groupedSizes, f32), x,
                                        groups, groupedSizes);
    }
    int64_t rank = cast<RankedTensorType>(x.getType()).getRank();

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
    SmallVector<utils::IteratorType> reduction(rank,
                                               utils::IteratorType::reduction);
    for (int64_t dim : scaleDims)
      reduction[dim] = utils::IteratorType::parallel;

    // A reduction of x over the shared elements from `initial`.
    auto reduce =
        [&](float initial,
            function_ref<Value(OpBuilder &, Location, Value, Value)> combine) {
          Value init = arith::ConstantOp::create(b, b.getF32FloatAttr(initial));
          Value filled = linalg::FillOp::create(
                             b, ValueRange{init},
                             ValueRange{emptyTensor(b, scaleSizes, f32)})
                             .getResult(0);
          return linalg::GenericOp::create(
                     b, reducedType, ValueRange{x}, ValueRange{filled},
                     ArrayRef<AffineMap>{identity, toScale}, reduction,
                     [&](OpBuilder &nb, Location loc, ValueRange args) {
                       linalg::YieldOp::create(
                           nb, loc, combine(nb, loc, args[0], args[1]));
                     })
              .getResult(0);
        };

    // absmax = max(|x|) with 0 as the neutral element (|x| >= 0); with
    // shifted_absmax, max(x) from -inf (eta is subtracted below).
    bool shiftedAbsmax = op.getShiftedAbsmax();
    Value absmax = reduce(
        shiftedAbsmax ? -std::numeric_limits<float>::infinity() : 0.0f,
        [&](OpBuilder &nb, Location loc, Value value, Value acc) -> Value {
          Value magnitude =
              shiftedAbsmax ? value : math::AbsFOp::create(nb, loc, value);
          return arith::MaximumFOp::create(nb, loc, magnitude, acc);
        });
    // eta = min(x) from +inf (NaN propagates, as in absmax).
    Value eta;
    if (shift)
      eta = reduce(
          std::numeric_limits<float>::infinity(),
          [](OpBuilder &nb, Location loc, Value value, Value acc) -> Value {
            return arith::MinimumFOp::create(nb, loc, value, acc);
          });

    // scale = qmax / max(m, eps), or (1 / max(m, eps)) * qmax, with m =
    // absmax or max(x) - eta; with divide, also the floor max(m, eps).
    int64_t scaleRank = scaleDims.size();
    AffineMap scaleIdentity =
        AffineMap::getMultiDimIdentityMap(scaleRank, context);
    Value qmax = arith::ConstantOp::create(b, op.getQmaxAttr());
    Value eps = arith::ConstantOp::create(b, op.getEpsAttr());
    bool reciprocal = op.getReciprocal();
    bool divide = op.getDivide();
    Value one = reciprocal
                    ? arith::ConstantOp::create(b, b.getF32FloatAttr(1.0f))
                    : Value();
    SmallVector<Value> scaleInputs = {absmax};
    if (shiftedAbsmax)
      scaleInputs.push_back(eta);
    SmallVector<Value> scaleOutputs = {emptyTensor(b, scaleSizes, f32)};
    SmallVector<Type> scaleTypes = {reducedType};
    if (divide) {
      scaleOutputs.push_back(emptyTensor(b, scaleSizes, f32));
      scaleTypes.push_back(reducedType);
    }
    SmallVector<AffineMap> scaleMaps(
        scaleInputs.size() + scaleOutputs.size(), scaleIdentity);
    auto scaleOp = linalg::GenericOp::create(
        b, scaleTypes, scaleInputs, scaleOutputs, scaleMaps,
        parallelIterators(scaleRank),
        [&](OpBuilder &nb, Location loc, ValueRange args) {
          Value m = shiftedAbsmax
                        ? arith::SubFOp::create(nb, loc, args[0], args[1])
                        : args[0];
          Value floor = arith::MaximumFOp::create(nb, loc, m, eps);
          Value scale;
          if (reciprocal) {
            Value inverse = arith::DivFOp::create(nb, loc, one, floor);
            scale = arith::MulFOp::create(nb, loc, inverse, qmax);
          } else {
            scale = arith::DivFOp::create(nb, loc, qmax, floor);
          }
          SmallVector<Value> yielded = {scale};
          if (divide)
            yielded.push_back(floor);
          linalg::YieldOp::create(nb, loc, yielded);
        });
    Value scale = scaleOp.getResult(0);

    // q = clamp(roundeven((x - eta) * scale), clip_min, clip_max) (with
    // divide, ((x - eta) * qmax) / floor) as i8 or i16. The clamp uses
    // maxnumf/minnumf, so a NaN product clamps to clip_min.
    Value clipMin = arith::ConstantOp::create(
        b, b.getF32FloatAttr(static_cast<float>(op.getClipMin())));
    Value clipMax = arith::ConstantOp::create(
        b, b.getF32FloatAttr(static_cast<float>(op.getClipMax())));
    Type quantizedElement = quantizedType.getElementType();
    // args: x, scale (or, with divide, the floor) (, eta).
    SmallVector<Value> operands = {x, divide ? scaleOp.getResult(1) : scale};
    SmallVector<AffineMap> maps = {identity, toScale};
    if (shift) {
      operands.push_back(eta);
      maps.push_back(toScale);
    }
    maps.push_back(identity);
    Value quantized =
        linalg::GenericOp::create(
            b, tensorTypeOf(sizes, quantizedElement), operands,
            ValueRange{emptyTensor(b, sizes, quantizedElement)}, maps,
            parallelIterators(rank),
            [&](OpBuilder &nb, Location loc, ValueRange args) {
              Value value = args[0];
              if (shift)
                value = arith::SubFOp::create(nb, loc, value, args[2]);
              Value scaled;
              if (divide) {
                Value product = arith::MulFOp::create(nb, loc, value, qmax);
                scaled = arith::DivFOp::create(nb, loc, product, args[1]);
              } else {
                scaled = arith::MulFOp::create(nb, loc, value, args[1]);
              }
              Value rounded = math::RoundEvenOp::create(nb, loc, scaled);
              Value low = arith::MaxNumFOp::create(nb, loc, rounded, clipMin);
              Value clamped = arith::MinNumFOp::create(nb, loc, low, clipMax);
              linalg::YieldOp::create(
                  nb, loc,
                  arith::FPToSIOp::create(nb, loc, quantizedElement, clamped)
                      .getResult());
            })
            .getResult(0);
    if (perGroup)
      quantized = tensor::CollapseShapeOp::create(
          b, quantized,
          getReassociationIndicesForCollapse(
              cast<RankedTensorType>(quantized.getType()).getShape(),
              {rank - 2, rank - 1}));

    // scale and eta keep the input's rank: per_group's reduced tensor
    // [..., K / G] already has it; otherwise the reduced dims become 1.
    auto toResult = [&](Value reduced) -> Value {
      if (perGroup)
        return castIfNeeded(b, reduced, scaleType);
      SmallVector<OpFoldResult> keptShape(rank, b.getIndexAttr(1));
      SmallVector<ReassociationIndices> groups;
      for (int64_t dim : scaleDims) {
        keptShape[dim] = sizes[dim];
        groups.push_back({dim});
      }
      if (!groups.empty())
        groups.back().push_back(rank - 1);
      Value expanded = tensor::ExpandShapeOp::create(
          b, tensorTypeOf(keptShape, f32), reduced, groups, keptShape);
      return castIfNeeded(b, expanded, scaleType);
    };
    SmallVector<Value> results = {castIfNeeded(b, quantized, quantizedType),
                                  toResult(scale)};
    if (shift)
      results.push_back(toResult(eta));
    rewriter.replaceOp(op, results);
    return success();
  }

  /// [..., A, B] -> [..., A * B] for the dims `merged` (the last two).
  static SmallVector<ReassociationIndices>
  getReassociationIndicesForCollapse(ArrayRef<int64_t> shape,
                                     ReassociationIndices merged) {
    SmallVector<ReassociationIndices> groups;
    for (int64_t dim = 0, rank = shape.size(); dim < rank; ++dim)
      if (!llvm::is_contained(merged, dim))
        groups.push_back({dim});
    groups.push_back(merged);
    return groups;
  }
};

//===----------------------------------------------------------------------===//
// rescale and weight_rescale
//===----------------------------------------------------------------------===//

/// A per-output operand (weight_scale, rowsum, bias) of 1 element (map to
/// ()), N elements (map to (n)) or, when `groupDim` >= 0, exactly [N, Gk]
/// of the accumulator (map to (n, g)).
std::pair<Value, AffineMap> perRowOperand(ImplicitLocOpBuilder &b, Value value,
                                          int64_t rank, int64_t nDim,
                                          int64_t groupDim,
                                          ArrayRef<int64_t> accShape) {
  auto type = cast<RankedTensorType>(value.getType());
  MLIRContext *context = b.getContext();
  if (groupDim >= 0 && type.getRank() == 2 &&
      type.getShape() ==
          ArrayRef<int64_t>{accShape[nDim], accShape[groupDim]} &&
      type.getNumElements() != 1)
    return {value, projection(context, rank, {nDim, groupDim})};
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
  return {value, projection(context, rank, {nDim})};
}

/// The generic shared by rescale and weight_rescale. Over the accumulator's
/// iteration space (rank `rank`, N at `nDim`, the group dim last when
/// `grouped`), `term` computes one (group's) value from the operands
/// (acc first); grouped terms are summed into a zero-filled output in
/// ascending g. A bias (may be null) is added afterwards.
Value buildRescale(
    ImplicitLocOpBuilder &b, Value acc, RankedTensorType outputType,
    bool grouped, SmallVector<Value> inputs, SmallVector<AffineMap> maps,
    Value bias, function_ref<Value(OpBuilder &, Location, ValueRange)> term) {
  MLIRContext *context = b.getContext();
  auto accType = cast<RankedTensorType>(acc.getType());
  int64_t rank = accType.getRank();
  int64_t outRank = grouped ? rank - 1 : rank;
  SmallVector<OpFoldResult> outSizes =
      tensor::getMixedSizes(b, b.getLoc(), acc);
  outSizes.resize(outRank);
  Value init = emptyTensor(b, outSizes, b.getF32Type());
  SmallVector<utils::IteratorType> iterators = parallelIterators(rank);
  if (grouped) {
    iterators.back() = utils::IteratorType::reduction;
    Value zero = arith::ConstantOp::create(b, b.getF32FloatAttr(0.0f));
    init = linalg::FillOp::create(b, ValueRange{zero}, ValueRange{init})
               .getResult(0);
  }
  maps.insert(maps.begin(), AffineMap::getMultiDimIdentityMap(rank, context));
  inputs.insert(inputs.begin(), acc);
  int64_t termInputs = inputs.size();
  // Ungrouped: the bias joins the same generic, added last.
  bool fuseBias = bias && !grouped;
  if (fuseBias) {
    SmallVector<int64_t> accShape(accType.getShape());
    auto [biasValue, biasMap] =
        perRowOperand(b, bias, rank, rank - 1, -1, accShape);
    inputs.push_back(biasValue);
    maps.push_back(biasMap);
  }
  maps.push_back(projection(context, rank,
                            llvm::to_vector(llvm::seq<int64_t>(0, outRank))));
  Value y = linalg::GenericOp::create(
                b, outputType, inputs, ValueRange{init}, maps, iterators,
                [&](OpBuilder &nb, Location loc, ValueRange args) {
                  Value value = term(nb, loc, args.take_front(termInputs));
                  if (fuseBias)
                    value =
                        arith::AddFOp::create(nb, loc, value, args[termInputs]);
                  if (grouped)
                    value = arith::AddFOp::create(nb, loc, args.back(), value);
                  linalg::YieldOp::create(nb, loc, value);
                })
                .getResult(0);
  if (!bias || fuseBias)
    return y;
  // y + bias over the output's space.
  SmallVector<int64_t> outShape(outputType.getShape());
  auto [biasValue, biasMap] =
      perRowOperand(b, bias, outRank, outRank - 1, -1, outShape);
  AffineMap identity = AffineMap::getMultiDimIdentityMap(outRank, context);
  return linalg::GenericOp::create(
             b, outputType, ValueRange{y, biasValue},
             ValueRange{emptyTensor(b, outSizes, b.getF32Type())},
             ArrayRef<AffineMap>{identity, biasMap, identity},
             parallelIterators(outRank),
             [&](OpBuilder &nb, Location loc, ValueRange args) {
               linalg::YieldOp::create(
                   nb, loc,
                   arith::AddFOp::create(nb, loc, args[0], args[1])
                       .getResult());
             })
      .getResult(0);
}

struct RescaleLowering : OpConversionPattern<RescaleOp> {
  using OpConversionPattern::OpConversionPattern;

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
    bool grouped = op.isGrouped();
    int64_t nDim = grouped ? rank - 2 : rank - 1;
    int64_t groupDim = grouped ? rank - 1 : -1;
    ArrayRef<int64_t> accShape = accType.getShape();

    // act_scale (and eta) dims map to the acc dims without N when grouped;
    // they vary along their dims that are not a static 1.
    SmallVector<int64_t> scaleToAcc;
    for (int64_t dim = 0; dim < rank; ++dim)
      if (!grouped || dim != nDim)
        scaleToAcc.push_back(dim);
    SmallVector<int64_t> keptScaleDims, keptAccDims;
    for (auto [scaleDim, accDim] : llvm::enumerate(scaleToAcc))
      if (actScaleType.getDimSize(scaleDim) != 1) {
        keptScaleDims.push_back(scaleDim);
        keptAccDims.push_back(accDim);
      }
    AffineMap scaleMap = projection(context, rank, keptAccDims);

    SmallVector<Value> inputs = {
        collapseOnto(b, adaptor.getActScale(), keptScaleDims)};
    SmallVector<AffineMap> maps = {scaleMap};
    auto [weightScale, weightMap] = perRowOperand(
        b, adaptor.getWeightScale(), rank, nDim, groupDim, accShape);
    inputs.push_back(weightScale);
    maps.push_back(weightMap);
    bool shift = static_cast<bool>(adaptor.getEta());
    if (shift) {
      inputs.push_back(collapseOnto(b, adaptor.getEta(), keptScaleDims));
      maps.push_back(scaleMap);
      auto [rowsum, rowsumMap] =
          perRowOperand(b, adaptor.getRowsum(), rank, nDim, groupDim, accShape);
      inputs.push_back(rowsum);
      maps.push_back(rowsumMap);
    }
    // args: acc, act_scale, weight_scale (, eta, rowsum).
    Value y = buildRescale(
        b, acc, outputType, grouped, inputs, maps, adaptor.getBias(),
        [&](OpBuilder &nb, Location loc, ValueRange args) -> Value {
          Type f32 = nb.getF32Type();
          Value sum = arith::SIToFPOp::create(nb, loc, f32, args[0]);
          Value scaled = arith::MulFOp::create(nb, loc, sum, args[2]);
          Value y = arith::DivFOp::create(nb, loc, scaled, args[1]);
          if (!shift)
            return y;
          Value rowsum = args[4];
          if (!isa<FloatType>(rowsum.getType()))
            rowsum = arith::SIToFPOp::create(nb, loc, f32, rowsum);
          Value etaScaled = arith::MulFOp::create(nb, loc, args[3], args[2]);
          Value correction = arith::MulFOp::create(nb, loc, etaScaled, rowsum);
          return arith::AddFOp::create(nb, loc, y, correction);
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

struct WeightRescaleLowering : OpConversionPattern<WeightRescaleOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(WeightRescaleOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value acc = adaptor.getAcc();
    auto accType = dyn_cast<RankedTensorType>(acc.getType());
    auto outputType = dyn_cast<RankedTensorType>(op.getType());
    if (!accType || !outputType)
      return rewriter.notifyMatchFailure(op, "expected ranked tensors");
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    int64_t rank = accType.getRank();
    bool grouped = op.isGrouped();
    auto [weightScale, weightMap] = perRowOperand(
        b, adaptor.getWeightScale(), rank, grouped ? rank - 2 : rank - 1,
        grouped ? rank - 1 : -1, accType.getShape());
    Value y = buildRescale(
        b, acc, outputType, grouped, {weightScale}, {weightMap},
        adaptor.getBias(),
        [&](OpBuilder &nb, Location loc, ValueRange args) -> Value {
          return arith::MulFOp::create(nb, loc, args[0], args[1]);
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

} // namespace

void bitnet::detail::populateElementwiseToLinalgPatterns(
    RewritePatternSet &patterns, const TypeConverter &typeConverter) {
  patterns
      .add<QuantizeActivationsLowering, RescaleLowering, WeightRescaleLowering>(
          typeConverter, patterns.getContext());
}
