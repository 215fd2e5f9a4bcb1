//===- Normalization.cpp - LayerNormalization, Softmax, LogSoftmax --------===//
//
// Statistics are computed in f32 for f16/bf16 (f64 stays f64) and reduced
// into tensors that keep the reduced dims as size 1, so that the final
// elementwise generic reads them through ordinary broadcasting.
//   LayerNormalization: mean = sum(x)/N; var = sum((x-mean)^2)/N (two passes);
//     invstd = 1/sqrt(var + epsilon); y = (x-mean)*invstd*Scale + B.
//   Softmax: m = max(x); s = sum(exp(x-m)); y = exp(x-m)/s
//   LogSoftmax: y = (x-m) - log(s).
//
//===----------------------------------------------------------------------===//
#include "Common.h"

#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::bitnet::onnx_to_linalg;
namespace onnx = mlir::onnx_ir;

namespace {

/// Reduces `inputs[0]` over `reduced` with `combine`, keeping them as size-1
/// dims.
Value reduceKeepingDims(
    OpBuilder &b, Location loc, ValueRange inputs, ArrayRef<bool> reduced,
    Value init,
    function_ref<Value(OpBuilder &, Location, Value, ValueRange)> combine) {
  Value result = buildReduction(b, loc, inputs, reduced, init, combine);
  return insertUnitDims(b, loc, result, reduced);
}

/// `f(args)` over a tensor of the type of `like` with element type `type`.
Value mapTensor(OpBuilder &b, Location loc, ValueRange inputs, Value like,
                Type type, BodyBuilder body) {
  return buildElementwise(b, loc, inputs, getTensorType(like).clone(type),
                          body);
}

/// What LayerNormalization and (Log)Softmax check first: a float input `x`
/// and an `axis` in its range, which comes back normalized.
FailureOr<int64_t> getFloatInputAxis(Operation *op, Value x, int64_t axis) {
  if (!isa<FloatType>(getElementType(x)))
    return nodeFailure(op, "only float element types are supported");
  return normalizeAxis(op, axis, getTensorType(x).getRank());
}

struct LayerNormalizationLowering : OnnxPattern<onnx::LayerNormalizationOp> {
  using OnnxPattern::OnnxPattern;
  LogicalResult lower(onnx::LayerNormalizationOp op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getX();
    RankedTensorType xType = getTensorType(x);
    Type elementType = xType.getElementType();
    FailureOr<int64_t> axis = getFloatInputAxis(op, x, op.getAxis());
    if (failed(axis))
      return failure();
    Type f = getComputeType(elementType);
    SmallVector<bool> reduced(xType.getRank(), false);
    SmallVector<OpFoldResult> normalizedSizes;
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc, x);
    for (int64_t d = *axis; d < xType.getRank(); ++d) {
      reduced[d] = true;
      normalizedSizes.push_back(sizes[d]);
    }
    Value count = indexToScalar(
        rewriter, loc, productOfSizes(rewriter, loc, normalizedSizes), f);
    Value zero = createScalar(rewriter, loc, f, 0);

    Value sum = reduceKeepingDims(
        rewriter, loc, x, reduced, zero,
        [&](OpBuilder &b, Location l, Value acc, ValueRange args) {
          return arith::AddFOp::create(b, l, acc,
                                       convertScalar(b, l, args[0], f));
        });
    Value mean = mapTensor(rewriter, loc, sum, sum, f,
                           [&](OpBuilder &b, Location l, ValueRange args) {
                             return arith::DivFOp::create(b, l, args[0], count);
                           });
    Value squares = reduceKeepingDims(
        rewriter, loc, {x, mean}, reduced, zero,
        [&](OpBuilder &b, Location l, Value acc, ValueRange args) {
          Value diff = arith::SubFOp::create(
              b, l, convertScalar(b, l, args[0], f), args[1]);
          return arith::AddFOp::create(b, l, acc,
                                       arith::MulFOp::create(b, l, diff, diff));
        });
    double epsilon = op.getEpsilon().convertToDouble();
    Value invStdDev = mapTensor(
        rewriter, loc, squares, squares, f,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value variance = arith::DivFOp::create(b, l, args[0], count);
          Value shifted = arith::AddFOp::create(b, l, variance,
                                                createScalar(b, l, f, epsilon));
          return arith::DivFOp::create(b, l, createScalar(b, l, f, 1),
                                       math::SqrtOp::create(b, l, shifted));
        });

    SmallVector<Value> inputs = {x, mean, invStdDev, adaptor.getScale()};
    bool hasBias = !isNone(adaptor.getB());
    if (hasBias)
      inputs.push_back(adaptor.getB());
    auto yType = cast<RankedTensorType>(op.getY().getType());
    if (failed(checkBroadcastable(op, inputs, xType.getShape())))
      return failure();
    Value y = buildElementwise(
        rewriter, loc, inputs, yType, sizes,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value centered = arith::SubFOp::create(
              b, l, convertScalar(b, l, args[0], f), args[1]);
          Value normalized = arith::MulFOp::create(b, l, centered, args[2]);
          Value value = arith::MulFOp::create(b, l, normalized,
                                              convertScalar(b, l, args[3], f));
          if (hasBias)
            value = arith::AddFOp::create(b, l, value,
                                          convertScalar(b, l, args[4], f));
          return convertScalar(b, l, value, yType.getElementType());
        });

    SmallVector<Value> results = {y};
    Value stats[] = {mean, invStdDev};
    Value statResults[] = {op.getMean(), op.getInvStdDev()};
    for (auto [stat, result] : llvm::zip_equal(stats, statResults)) {
      auto type = dyn_cast<RankedTensorType>(result.getType());
      if (!type) {
        results.push_back(nullptr); // `none`: not used
        continue;
      }
      Value converted = stat;
      if (type.getElementType() != f)
        converted = mapTensor(rewriter, loc, stat, stat, type.getElementType(),
                              [&](OpBuilder &b, Location l, ValueRange args) {
                                return convertScalar(b, l, args[0],
                                                     type.getElementType());
                              });
      results.push_back(castToType(rewriter, loc, converted, type));
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

template <typename OpTy, bool isLog>
struct SoftmaxLowering : OnnxPattern<OpTy> {
  using OnnxPattern<OpTy>::OnnxPattern;
  using OpAdaptor = typename OpTy::Adaptor;
  LogicalResult lower(OpTy op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    RankedTensorType xType = getTensorType(x);
    Type elementType = xType.getElementType();
    FailureOr<int64_t> axis = getFloatInputAxis(op, x, op.getAxis());
    if (failed(axis))
      return failure();
    Type f = getComputeType(elementType);
    SmallVector<bool> reduced(xType.getRank(), false);
    reduced[*axis] = true;

    Value max = reduceKeepingDims(
        rewriter, loc, x, reduced, createExtremum(rewriter, loc, f, false),
        [&](OpBuilder &b, Location l, Value acc, ValueRange args) {
          return arith::MaximumFOp::create(b, l, acc,
                                           convertScalar(b, l, args[0], f));
        });
    auto shifted = [&](OpBuilder &b, Location l, Value element, Value m) {
      return arith::SubFOp::create(b, l, convertScalar(b, l, element, f), m)
          .getResult();
    };
    Value sum = reduceKeepingDims(
        rewriter, loc, {x, max}, reduced, createScalar(rewriter, loc, f, 0),
        [&](OpBuilder &b, Location l, Value acc, ValueRange args) {
          Value exp =
              math::ExpOp::create(b, l, shifted(b, l, args[0], args[1]));
          return arith::AddFOp::create(b, l, acc, exp);
        });
    auto resultType = cast<RankedTensorType>(op.getType());
    Value result = buildElementwise(
        rewriter, loc, {x, max, sum}, resultType,
        tensor::getMixedSizes(rewriter, loc, x),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value centered = shifted(b, l, args[0], args[1]);
          Value value;
          if (isLog)
            value = arith::SubFOp::create(b, l, centered,
                                          math::LogOp::create(b, l, args[2]));
          else
            value = arith::DivFOp::create(
                b, l, math::ExpOp::create(b, l, centered), args[2]);
          return convertScalar(b, l, value, resultType.getElementType());
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void onnx_to_linalg::populateNormalizationPatterns(
    RewritePatternSet &patterns) {
  patterns.add<LayerNormalizationLowering,
               SoftmaxLowering<onnx::SoftmaxOp, /*isLog=*/false>,
               SoftmaxLowering<onnx::LogSoftmaxOp, /*isLog=*/true>>(
      patterns.getContext());
}
