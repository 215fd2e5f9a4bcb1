//===- OnnxToBitnet.cpp - convert-onnx-to-bitnet --------------------------===//
//
// Rewrites a MatMul or Gemm whose weight is a {-s, 0, +s} constant and whose
// activation is an absmax int8 quantization into
//
//   %q, %scale = bitnet.quantize_activations %x ...
//   %acc = bitnet.ternary_matmul %q, %t          (t in {-1, 0, 1}, i8)
//   %y = bitnet.rescale %acc, %scale, %s [bias %b]
//
// and leaves every other MatMul with a constant weight on the float path
// with a remark that names the node and the reason.
//
//===----------------------------------------------------------------------===//
#include "bitnet-mlir/Conversion/Passes.h"

#include "BitLinearMatchers.h"
#include "bitnet-mlir/Support/ConstantData.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::bitnet {
#define GEN_PASS_DEF_CONVERTONNXTOBITNETPASS
#include "bitnet-mlir/Conversion/Passes.h.inc"
} // namespace mlir::bitnet

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::onnx_ir;

namespace {

/// What a MatMul or Gemm contributes to a BitLinear.
struct LinearOperands {
  Value activation;
  ElementsAttr weights;
  bool weightsTransposed = false; // weights stored [N, K]
  float alpha = 1.0f;
  ElementsAttr bias;              // null: none
  float beta = 1.0f;
};

FailureOr<LinearOperands> getLinearOperands(Operation *op,
                                            std::string &reason) {
  LinearOperands operands;
  Value weights;
  if (auto matmul = dyn_cast<MatMulOp>(op)) {
    operands.activation = matmul.getA();
    weights = matmul.getB();
  } else {
    auto gemm = cast<GemmOp>(op);
    if (gemm.getTransA()) {
      reason = "Gemm with transA is not a BitLinear form";
      return failure();
    }
    operands.activation = gemm.getA();
    weights = gemm.getB();
    operands.weightsTransposed = gemm.getTransB() != 0;
    operands.alpha = gemm.getAlpha().convertToFloat();
    operands.beta = gemm.getBeta().convertToFloat();
    if (!isa<NoneType>(gemm.getC().getType()) &&
        !matchPattern(gemm.getC(), m_Constant(&operands.bias))) {
      reason = "the Gemm bias is not a constant";
      return failure();
    }
  }
  if (!matchPattern(weights, m_Constant(&operands.weights))) {
    reason = "the weights are not constant";
    return failure();
  }
  return operands;
}

/// A float32 constant of `shape` holding `values` (a splat if one value).
Value createF32Constant(PatternRewriter &rewriter, Location loc,
                        ArrayRef<int64_t> shape, ArrayRef<float> values) {
  auto type = RankedTensorType::get(shape, rewriter.getF32Type());
  DenseElementsAttr attr =
      values.size() == 1 ? DenseElementsAttr::get(type, values.front())
                         : DenseElementsAttr::get(type, values);
  return arith::ConstantOp::create(rewriter, loc, type, attr);
}

struct RaiseBitLinear : RewritePattern {
  RaiseBitLinear(MLIRContext *context, bool strict)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context),
        strict(strict) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isa<MatMulOp, GemmOp>(op))
      return failure();
    std::string reason;
    FailureOr<LinearOperands> operands = getLinearOperands(op, reason);
    if (failed(operands)) {
      // A float layer with runtime weights is not a candidate at all.
      if (reason == "the weights are not constant")
        return failure();
      return keepOnFloatPath(op, reason, rewriter);
    }
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    auto activationType =
        dyn_cast<RankedTensorType>(operands->activation.getType());
    if (!resultType || !activationType || activationType.getRank() < 1 ||
        resultType.getRank() != activationType.getRank())
      return keepOnFloatPath(
          op, "the activation and result must be ranked with equal ranks",
          rewriter);

    FailureOr<TernaryWeights> weights = analyzeTernaryWeights(
        operands->weights, operands->weightsTransposed, reason);
    if (failed(weights))
      return keepOnFloatPath(op, reason, rewriter);
    FailureOr<ActivationQuantization> quant =
        matchActivationQuantization(operands->activation, reason);
    if (failed(quant))
      return keepOnFloatPath(op, reason, rewriter);
    if (quant->input.getType() != activationType)
      return keepOnFloatPath(op, "the quantized value's type differs from "
                                 "the MatMul input's",
                             rewriter);

    SmallVector<float> bias;
    if (operands->bias) {
      int64_t count = operands->bias.getNumElements();
      if (count != 1 && count != weights->rows)
        return keepOnFloatPath(op, "the bias has neither 1 nor N elements",
                               rewriter);
      if (failed(forEachFloatValue(operands->bias, [&](double v) {
            bias.push_back(static_cast<float>(v) * operands->beta);
            return true;
          })))
        return keepOnFloatPath(op, "the bias is not a floating-point constant",
                               rewriter);
    }

    Location loc = op->getLoc();
    ArrayRef<int64_t> inputShape = activationType.getShape();
    int64_t rank = activationType.getRank();
    SmallVector<int64_t> scaleShape(inputShape.begin(), inputShape.end());
    for (int64_t d = 0; d < rank; ++d)
      if (quant->granularity == Granularity::PerTensor || d == rank - 1)
        scaleShape[d] = 1;

    auto quantizeOp = QuantizeActivationsOp::create(
        rewriter, loc,
        RankedTensorType::get(inputShape, rewriter.getI8Type()),
        RankedTensorType::get(scaleShape, rewriter.getF32Type()),
        quant->input,
        GranularityAttr::get(rewriter.getContext(), quant->granularity),
        rewriter.getF32FloatAttr(quant->qmax),
        rewriter.getF32FloatAttr(quant->eps),
        rewriter.getI64IntegerAttr(quant->clipMin),
        rewriter.getI64IntegerAttr(quant->clipMax),
        quant->reciprocal ? rewriter.getUnitAttr() : UnitAttr());

    auto weightType = RankedTensorType::get({weights->rows, weights->cols},
                                            rewriter.getI8Type());
    // A blob when large: packing replaces it, and the driver frees it then.
    ConstantBuffer ternaryBytes(weights->values.size(), 1);
    llvm::copy(weights->values, ternaryBytes.getData().begin());
    weights->values = {};
    Value ternary = arith::ConstantOp::create(
        rewriter, loc, weightType,
        cast<TypedAttr>(createConstantAttr(weightType, std::move(ternaryBytes),
                                           "ternary")));
    auto accType =
        RankedTensorType::get(resultType.getShape(), rewriter.getI32Type());
    Value acc = TernaryMatmulOp::create(rewriter, loc, accType,
                                        quantizeOp.getQuantized(), ternary);

    // Dequantized spelling: y = acc * s / scale. Unrounded spelling: the
    // MatMul saw x * range / absmax ~ q * range / 127, independent of the
    // runtime scale, which the graph itself multiplies back afterwards.
    Value actScale = quantizeOp.getScale();
    float weightScale = weights->scale * operands->alpha;
    if (!quant->dequantized) {
      actScale = createF32Constant(rewriter, loc,
                                   SmallVector<int64_t>(rank, 1), {1.0f});
      weightScale *= quant->range / quant->qmax;
    }
    Value weightScaleValue =
        createF32Constant(rewriter, loc, {1}, {weightScale});
    Value biasValue;
    if (!bias.empty())
      biasValue = createF32Constant(rewriter, loc,
                                    {static_cast<int64_t>(bias.size())}, bias);
    rewriter.replaceOpWithNewOp<RescaleOp>(op, resultType, acc, actScale,
                                           weightScaleValue, biasValue);
    return success();
  }

  /// Reports a MatMul with constant weights that stays float (an error in
  /// strict mode) and fails the match.
  LogicalResult keepOnFloatPath(Operation *op, StringRef reason,
                                PatternRewriter &rewriter) const {
    if (!op->hasAttr(kReportedAttr)) {
      // Mark the op so the greedy driver's revisits report it only once.
      rewriter.modifyOpInPlace(
          op, [&] { op->setAttr(kReportedAttr, rewriter.getUnitAttr()); });
      if (strict)
        op->emitError() << describeNode(op)
                        << ": not converted to a BitLinear: " << reason;
      else
        op->emitRemark() << describeNode(op)
                         << ": kept on the float path: " << reason;
    }
    return failure();
  }

  static constexpr StringLiteral kReportedAttr = "bitnet.float_path";
  bool strict;
};

struct ConvertOnnxToBitnetPass
    : bitnet::impl::ConvertOnnxToBitnetPassBase<ConvertOnnxToBitnetPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateOnnxToBitnetPatterns(patterns, strict);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    bool failedStrict = false;
    getOperation()->walk([&](Operation *op) {
      if (op->removeAttr(RaiseBitLinear::kReportedAttr) && strict)
        failedStrict = true;
    });
    if (failedStrict)
      signalPassFailure();
  }
};

} // namespace

void bitnet::populateOnnxToBitnetPatterns(RewritePatternSet &patterns,
                                          bool strict) {
  patterns.add<RaiseBitLinear>(patterns.getContext(), strict);
}
