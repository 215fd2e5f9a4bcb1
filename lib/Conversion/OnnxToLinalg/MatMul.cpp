//===- MatMul.cpp - MatMul and Gemm to linalg -----------------------------===//
//
// MatMul follows numpy: a 1-D operand gets a unit dim (then loses it), batch
// dims broadcast. Named ops where they fit:
//   [M,K] x [K,N]                 -> linalg.matmul
//   [b...,M,K] x [K,N]            -> collapse to [(b...M),K], linalg.matmul
//   [b...,M,K] x [b...,K,N]       -> collapse b... to one, linalg.batch_matmul
// anything else (broadcast batch dims, Gemm's transposes) one linalg.generic.
// f16/bf16 accumulate in f32.
//
//===----------------------------------------------------------------------===//
#include "Common.h"

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::bitnet::onnx_to_linalg;
namespace onnx = mlir::onnx_ir;

namespace {

/// A (rank >= 2) times B (rank >= 2) with numpy batch broadcasting, into an
/// accumulator of `accType`; `transA`/`transB` swap an operand's last dims.
class MatmulBuilder {
public:
  MatmulBuilder(OpBuilder &b, Location loc, Value lhs, Value rhs, Type accType,
                bool transA = false, bool transB = false)
      : b(b), loc(loc), lhs(lhs), rhs(rhs), accType(accType), transA(transA),
        transB(transB) {}

  Value build() {
    checkDynamicSizes();
    int64_t rankA = getTensorType(lhs).getRank();
    int64_t rankB = getTensorType(rhs).getRank();
    if (!transA && !transB) {
      if (rankB == 2)
        return buildWithMatmul();
      if (rankA == rankB && sameBatchDims())
        return buildWithBatchMatmul();
    }
    return buildGeneric();
  }

private:
  /// Run-time checks of what the types leave open: equal K, and batch
  /// dimensions that must agree (a dynamic one does not broadcast from 1).
  void checkDynamicSizes() {
    RankedTensorType typeA = getTensorType(lhs), typeB = getTensorType(rhs);
    auto checkEqual = [&](int64_t dimA, int64_t dimB, const Twine &what) {
      if (!typeA.isDynamicDim(dimA) && !typeB.isDynamicDim(dimB))
        return;
      Value sizeA = tensor::DimOp::create(b, loc, lhs, dimA);
      Value sizeB = tensor::DimOp::create(b, loc, rhs, dimB);
      emitRuntimeCheck(b, loc,
                       arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                             sizeA, sizeB),
                       what);
    };
    checkEqual(typeA.getRank() - (transA ? 2 : 1),
               typeB.getRank() - (transB ? 1 : 2),
               "the operands' inner (K) dimensions differ");
    int64_t common = std::min(typeA.getRank(), typeB.getRank()) - 2;
    for (int64_t i = 1; i <= common; ++i) {
      int64_t dimA = typeA.getRank() - 2 - i, dimB = typeB.getRank() - 2 - i;
      if (typeA.getDimSize(dimA) == 1 || typeB.getDimSize(dimB) == 1)
        continue; // a static 1 broadcasts
      checkEqual(dimA, dimB,
                 "the operands' batch dimensions differ (a dynamic dimension "
                 "does not broadcast from size 1)");
    }
  }

  int64_t numBatchDims() const {
    return std::max(getTensorType(lhs).getRank(),
                    getTensorType(rhs).getRank()) -
           2;
  }

  bool sameBatchDims() const {
    ArrayRef<int64_t> a = getTensorType(lhs).getShape().drop_back(2);
    ArrayRef<int64_t> c = getTensorType(rhs).getShape().drop_back(2);
    return a == c; // equal static sizes, or both dynamic (assumed equal)
  }

  /// Size of the M (N) dim of the lhs (rhs).
  OpFoldResult sizeM() { return tensor::getMixedSizes(b, loc, lhs)[dimM()]; }
  OpFoldResult sizeN() { return tensor::getMixedSizes(b, loc, rhs)[dimN()]; }
  int64_t dimM() const {
    return getTensorType(lhs).getRank() - (transA ? 1 : 2);
  }
  int64_t dimN() const {
    return getTensorType(rhs).getRank() - (transB ? 2 : 1);
  }

  Value zeroFilled(ArrayRef<OpFoldResult> sizes) {
    return createFilled(b, loc, sizes, createScalar(b, loc, accType, 0));
  }

  /// [b...,M,K] x [K,N]: the batch dims fold into M.
  Value buildWithMatmul() {
    RankedTensorType typeA = getTensorType(lhs);
    int64_t rankA = typeA.getRank();
    SmallVector<OpFoldResult> sizesA = tensor::getMixedSizes(b, loc, lhs);
    Value flatA = lhs;
    SmallVector<ReassociationIndices> groups(1);
    for (int64_t d = 0; d < rankA - 1; ++d)
      groups[0].push_back(d);
    groups.push_back({rankA - 1});
    if (rankA > 2)
      flatA = tensor::CollapseShapeOp::create(b, loc, lhs, groups);
    SmallVector<OpFoldResult> flatSizes = {
        tensor::getMixedSizes(b, loc, flatA)[0], sizeN()};
    Value product = linalg::MatmulOp::create(b, loc, ValueRange{flatA, rhs},
                                             ValueRange{zeroFilled(flatSizes)})
                        .getResult(0);
    if (rankA == 2)
      return product;
    SmallVector<OpFoldResult> sizes(sizesA.begin(), sizesA.end() - 1);
    sizes.push_back(flatSizes[1]);
    SmallVector<int64_t> shape(typeA.getShape().drop_back());
    shape.push_back(getTensorType(product).getDimSize(1));
    return expandShape(b, loc, RankedTensorType::get(shape, accType), product,
                       groups, sizes);
  }

  /// Equal batch dims: one batch dim for linalg.batch_matmul.
  Value buildWithBatchMatmul() {
    int64_t batch = numBatchDims();
    SmallVector<ReassociationIndices> groups(1);
    for (int64_t d = 0; d < batch; ++d)
      groups[0].push_back(d);
    groups.push_back({batch});
    groups.push_back({batch + 1});
    auto collapse = [&](Value v) {
      return batch == 1 ? v
                        : tensor::CollapseShapeOp::create(b, loc, v, groups)
                              .getResult();
    };
    Value a = collapse(lhs), c = collapse(rhs);
    SmallVector<OpFoldResult> flatSizes = {tensor::getMixedSizes(b, loc, a)[0],
                                           sizeM(), sizeN()};
    Value product =
        linalg::BatchMatmulOp::create(b, loc, ValueRange{a, c},
                                      ValueRange{zeroFilled(flatSizes)})
            .getResult(0);
    if (batch == 1)
      return product;
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, lhs);
    sizes.back() = flatSizes[2];
    SmallVector<int64_t> shape(getTensorType(lhs).getShape());
    shape.back() = getTensorType(product).getDimSize(2);
    return expandShape(b, loc, RankedTensorType::get(shape, accType), product,
                       groups, sizes);
  }

  /// Loops [batch..., m, n, k]; operands read through broadcast maps.
  Value buildGeneric() {
    MLIRContext *ctx = b.getContext();
    int64_t batch = numBatchDims();
    SmallVector<OpFoldResult> sizes;
    SmallVector<int64_t> outShape;
    for (int64_t d = 0; d < batch; ++d) {
      OpFoldResult size = b.getIndexAttr(1);
      int64_t staticSize = 1;
      for (Value operand : {lhs, rhs}) {
        RankedTensorType type = getTensorType(operand);
        int64_t dim = d - (batch - (type.getRank() - 2));
        if (dim < 0 || type.getDimSize(dim) == 1)
          continue;
        if (!type.isDynamicDim(dim)) {
          size = b.getIndexAttr(staticSize = type.getDimSize(dim));
          break;
        }
        if (isa<Attribute>(size)) {
          size = tensor::DimOp::create(b, loc, operand, dim).getResult();
          staticSize = ShapedType::kDynamic;
        }
      }
      sizes.push_back(size);
      outShape.push_back(staticSize);
    }
    sizes.push_back(sizeM());
    sizes.push_back(sizeN());
    outShape.push_back(getTensorType(lhs).getDimSize(dimM()));
    outShape.push_back(getTensorType(rhs).getDimSize(dimN()));

    AffineExpr m = getAffineDimExpr(batch, ctx);
    AffineExpr n = getAffineDimExpr(batch + 1, ctx);
    AffineExpr k = getAffineDimExpr(batch + 2, ctx);
    auto operandMap = [&](Value operand, AffineExpr row, AffineExpr col) {
      RankedTensorType type = getTensorType(operand);
      SmallVector<int64_t> batchShape(type.getShape().drop_back(2));
      batchShape.append({1, 1});
      auto batchType = RankedTensorType::get(batchShape, accType);
      AffineMap map = getBroadcastMap(ctx, batchType, outShape);
      SmallVector<AffineExpr> exprs(map.getResults().drop_back(2));
      exprs.append({row, col});
      return AffineMap::get(batch + 3, 0, exprs, ctx);
    };
    SmallVector<AffineExpr> outExprs;
    for (int64_t d = 0; d < batch + 2; ++d)
      outExprs.push_back(getAffineDimExpr(d, ctx));
    SmallVector<AffineMap> maps = {
        transA ? operandMap(lhs, k, m) : operandMap(lhs, m, k),
        transB ? operandMap(rhs, n, k) : operandMap(rhs, k, n),
        AffineMap::get(batch + 3, 0, outExprs, ctx)};
    SmallVector<utils::IteratorType> iterators =
        getParallelIterators(batch + 2);
    iterators.push_back(utils::IteratorType::reduction);
    Value init = zeroFilled(sizes);
    return linalg::GenericOp::create(
               b, loc, TypeRange{init.getType()}, ValueRange{lhs, rhs},
               ValueRange{init}, maps, iterators,
               [&](OpBuilder &nb, Location nloc, ValueRange args) {
                 Value x = convertScalar(nb, nloc, args[0], accType);
                 Value y = convertScalar(nb, nloc, args[1], accType);
                 Value sum;
                 if (isa<FloatType>(accType))
                   sum = arith::AddFOp::create(
                       nb, nloc, args[2],
                       arith::MulFOp::create(nb, nloc, x, y));
                 else
                   sum = arith::AddIOp::create(
                       nb, nloc, args[2],
                       arith::MulIOp::create(nb, nloc, x, y));
                 linalg::YieldOp::create(nb, nloc, sum);
               })
        .getResult(0);
  }

  OpBuilder &b;
  Location loc;
  Value lhs, rhs;
  Type accType;
  bool transA, transB;
};

/// Converts an accumulator tensor to `type`'s element type (elementwise).
Value convertTensor(OpBuilder &b, Location loc, Value value, Type elementType) {
  RankedTensorType type = getTensorType(value);
  if (type.getElementType() == elementType)
    return value;
  return buildElementwise(b, loc, value, type.clone(elementType),
                          [&](OpBuilder &nb, Location nloc, ValueRange args) {
                            return convertScalar(nb, nloc, args[0],
                                                 elementType);
                          });
}

struct MatMulLowering : OnnxPattern<onnx::MatMulOp> {
  using OnnxPattern::OnnxPattern;
  LogicalResult lower(onnx::MatMulOp op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value a = adaptor.getA(), b = adaptor.getB();
    int64_t rankA = getTensorType(a).getRank();
    int64_t rankB = getTensorType(b).getRank();
    Type elementType = getElementType(a);
    if (rankA == 0 || rankB == 0)
      return nodeFailure(op, "rank-0 operands are not supported");
    if (elementType != getElementType(b) || elementType.isInteger(1))
      return nodeFailure(op, "operands must have one numeric element type");
    ArrayRef<int64_t> shapeA = getTensorType(a).getShape();
    ArrayRef<int64_t> shapeB = getTensorType(b).getShape();
    for (int64_t i = 3; i <= std::min(rankA, rankB); ++i) {
      int64_t x = shapeA[rankA - i], y = shapeB[rankB - i];
      if (x != y && x != 1 && y != 1 && !ShapedType::isDynamic(x) &&
          !ShapedType::isDynamic(y))
        return nodeFailure(op, "batch dims " + Twine(x) + " and " + Twine(y) +
                                   " do not broadcast");
    }
    // numpy: a 1-D lhs is a row [1,K], a 1-D rhs a column [K,1].
    if (rankA == 1)
      a = insertUnitDims(rewriter, loc, a, {true, false});
    if (rankB == 1)
      b = insertUnitDims(rewriter, loc, b, {false, true});
    Value product =
        MatmulBuilder(rewriter, loc, a, b, getComputeType(elementType)).build();
    product = convertTensor(rewriter, loc, product, elementType);
    int64_t rank = getTensorType(product).getRank();
    SmallVector<bool> promoted(rank, false);
    promoted[rank - 2] = rankA == 1;
    promoted[rank - 1] = rankB == 1;
    product = dropUnitDims(rewriter, loc, product, promoted);
    rewriter.replaceOp(op, castToType(rewriter, loc, product, op.getType()));
    return success();
  }
};

/// Y = alpha * op(A) * op(B) + beta * C, C broadcast to [M, N].
struct GemmLowering : OnnxPattern<onnx::GemmOp> {
  using OnnxPattern::OnnxPattern;
  LogicalResult lower(onnx::GemmOp op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type elementType = getElementType(adaptor.getA());
    if (elementType.isInteger(1))
      return nodeFailure(op, "element type i1 is not supported");
    double alpha = op.getAlpha().convertToDouble();
    double beta = op.getBeta().convertToDouble();
    bool isFloat = isa<FloatType>(elementType);
    if (!isFloat && (alpha != std::floor(alpha) || beta != std::floor(beta)))
      return nodeFailure(op, "integer Gemm needs integral alpha and beta");
    Type accType = getComputeType(elementType);
    Value product =
        MatmulBuilder(rewriter, loc, adaptor.getA(), adaptor.getB(), accType,
                      op.getTransA() != 0, op.getTransB() != 0)
            .build();
    SmallVector<Value> inputs = {product};
    bool hasC = !isNone(adaptor.getC()) && beta != 0;
    if (hasC)
      inputs.push_back(adaptor.getC());
    auto resultType = cast<RankedTensorType>(op.getType());
    if (failed(checkBroadcastable(op, inputs, resultType.getShape())))
      return failure();
    if (!hasC && alpha == 1 && accType == elementType) {
      rewriter.replaceOp(op, castToType(rewriter, loc, product, resultType));
      return success();
    }
    Value result = buildElementwise(
        rewriter, loc, inputs, resultType,
        [&](OpBuilder &b, Location nloc, ValueRange args) {
          auto mul = [&](Value x, double factor) -> Value {
            if (factor == 1)
              return x;
            Value c = createScalar(b, nloc, accType, factor);
            return isFloat ? Value(arith::MulFOp::create(b, nloc, x, c))
                           : Value(arith::MulIOp::create(b, nloc, x, c));
          };
          Value value = mul(args[0], alpha);
          if (hasC) {
            Value c = mul(convertScalar(b, nloc, args[1], accType), beta);
            value = isFloat ? Value(arith::AddFOp::create(b, nloc, value, c))
                            : Value(arith::AddIOp::create(b, nloc, value, c));
          }
          return convertScalar(b, nloc, value, elementType);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void onnx_to_linalg::populateMatMulPatterns(RewritePatternSet &patterns) {
  patterns.add<MatMulLowering, GemmLowering>(patterns.getContext());
}
