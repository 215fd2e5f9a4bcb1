//===- Quantization.cpp - DequantizeLinear to linalg.generic --------------===//
//
// DequantizeLinear of a run-time x (the QDQ form of activations; constant
// weights fold before this lowering): one parallel linalg.generic over x's
// shape that reads the scale and zero point through an indexing map chosen
// by their layout (per tensor, per axis, or per block along the axis).
//
//===----------------------------------------------------------------------===//
#include "Common.h"

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::bitnet::onnx_to_linalg;
namespace onnx = mlir::onnx_ir;

namespace {

/// y = float(x - zp) * scale: the difference exactly in i64, converted to
/// the scale's compute type (f32 for f16/bf16), one multiply, then rounded
/// to the result type, as the ONNX reference does.
struct DequantizeLinearLowering : OnnxPattern<onnx::DequantizeLinearOp> {
  using OnnxPattern::OnnxPattern;
  LogicalResult lower(onnx::DequantizeLinearOp op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value codes = adaptor.getX();
    Value scale = adaptor.getXScale();
    Value zeroPoint = adaptor.getXZeroPoint();
    auto codesType = getTensorType(codes);
    auto scaleType = getTensorType(scale);
    auto resultType = dyn_cast<RankedTensorType>(op.getY().getType());
    if (!codesType || !scaleType || !resultType)
      return nodeFailure(op, "needs ranked x, x_scale and result");
    int64_t rank = codesType.getRank();
    int64_t block = op.getBlockSize();
    bool perTensor = scaleType.getRank() == 0 ||
                     (block == 0 && scaleType.getRank() == 1 &&
                      scaleType.getDimSize(0) == 1);

    MLIRContext *ctx = rewriter.getContext();
    AffineMap scaleMap;
    IndexMath ib{rewriter, loc};
    if (perTensor) {
      SmallVector<AffineExpr> zeros(scaleType.getRank(),
                                    rewriter.getAffineConstantExpr(0));
      scaleMap = AffineMap::get(rank, 0, zeros, ctx);
    } else {
      FailureOr<int64_t> axis = normalizeAxis(op, op.getAxis(), rank);
      if (failed(axis))
        return failure();
      // A dynamic size the verifier could not compare is checked at run
      // time, so that no element reads past the scale.
      Value axisSize = ib.dim(codes, *axis);
      if (block == 0) {
        scaleMap = AffineMap::get(rank, 0, rewriter.getAffineDimExpr(*axis));
        if (codesType.isDynamicDim(*axis) || scaleType.isDynamicDim(0))
          emitRuntimeCheck(rewriter, loc, ib.eq(ib.dim(scale, 0), axisSize),
                           "x_scale does not have one element per index of "
                           "x along axis");
      } else {
        SmallVector<AffineExpr> exprs;
        for (int64_t d = 0; d < rank; ++d) {
          AffineExpr dim = rewriter.getAffineDimExpr(d);
          exprs.push_back(d == *axis ? dim.floorDiv(block) : dim);
          if (!codesType.isDynamicDim(d) && !scaleType.isDynamicDim(d))
            continue;
          Value size = ib.dim(codes, d);
          Value expected =
              d == *axis ? ib.ceilDiv(size, ib.c(block)) : size;
          emitRuntimeCheck(rewriter, loc, ib.eq(ib.dim(scale, d), expected),
                           "blocked x_scale does not match x's shape");
        }
        scaleMap = AffineMap::get(rank, 0, exprs, ctx);
      }
    }

    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, codes);
    Value init = createEmpty(rewriter, loc, resultType, sizes);
    auto initType = getTensorType(init);
    SmallVector<Value> inputs = {codes, scale};
    AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
    SmallVector<AffineMap> maps = {identity, scaleMap};
    bool hasZeroPoint = !isNone(zeroPoint);
    if (hasZeroPoint) {
      inputs.push_back(zeroPoint);
      maps.push_back(scaleMap);
    }
    maps.push_back(identity);
    Type computeType = getComputeType(resultType.getElementType());
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{initType}, inputs, ValueRange{init}, maps,
        getParallelIterators(rank),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value code = convertScalar(b, l, args[0], b.getI64Type());
          if (hasZeroPoint)
            code = arith::SubIOp::create(
                b, l, code, convertScalar(b, l, args[2], b.getI64Type()));
          Value value = convertScalar(b, l, code, computeType);
          Value factor = convertScalar(b, l, args[1], computeType);
          Value product = arith::MulFOp::create(b, l, value, factor);
          linalg::YieldOp::create(
              b, l, convertScalar(b, l, product, resultType.getElementType()));
        });
    rewriter.replaceOp(
        op, castToType(rewriter, loc, generic.getResult(0), resultType));
    return success();
  }
};

} // namespace

void onnx_to_linalg::populateQuantizationPatterns(RewritePatternSet &patterns) {
  patterns.add<DequantizeLinearLowering>(patterns.getContext());
}
