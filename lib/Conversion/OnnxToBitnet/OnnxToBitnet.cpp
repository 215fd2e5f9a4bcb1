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
  /// Or a constant blocked DequantizeLinear (left unfolded for this).
  DequantizeLinearOp blockedWeights;
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
    auto dequantize = weights.getDefiningOp<DequantizeLinearOp>();
    if (dequantize && isConstantBlockedDequantize(dequantize)) {
      operands.blockedWeights = dequantize;
      return operands;
    }
    reason = "the weights are not constant";
    return failure();
  }
  return operands;
}

struct RaiseBitLinear : RewritePattern {
  RaiseBitLinear(MLIRContext *context, bool strict)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context),
        strict(strict) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    // Not a candidate, or already reported as staying float.
    if (!isa<MatMulOp, GemmOp>(op) || op->hasAttr(kFloatPathAttr))
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

    FailureOr<TernaryWeights> weights =
        operands->blockedWeights
            ? analyzeBlockedDequantize(operands->blockedWeights,
                                       operands->weightsTransposed, reason)
            : analyzeTernaryWeights(operands->weights,
                                    operands->weightsTransposed, reason);
    if (failed(weights))
      return keepOnFloatPath(op, reason, rewriter);
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
    // One scale, one per output row, or one per row and block of K, times
    // Gemm's alpha; blocks need their own partial sums (k_group).
    SmallVector<int64_t> weightScaleShape = weights->getScaleShape();
    std::vector<float> weightScales = weights->getScales();
    for (float &scale : weightScales)
      scale *= operands->alpha;
    int64_t weightKGroup = weights->getKGroup();
    Location loc = op->getLoc();
    auto createBias = [&]() -> Value {
      if (bias.empty())
        return {};
      return createF32Constant(rewriter, loc,
                               {static_cast<int64_t>(bias.size())}, bias);
    };

    FailureOr<ActivationQuantization> quant =
        matchActivationQuantization(operands->activation, reason);
    if (failed(quant)) {
      if (looksQuantized(operands->activation))
        return keepOnFloatPath(op, reason, rewriter);
      // The graph does not quantize activations: weight-only ternary, float
      // activations added and subtracted.
      if (!activationType.getElementType().isF32() ||
          !resultType.getElementType().isF32())
        return keepOnFloatPath(op, "weight-only ternary needs f32 "
                                   "activations",
                               rewriter);
      Value result = createWeightOnlyTernary(
          rewriter, loc, operands->activation, resultType, weights->rows,
          weights->cols, weights->values, weightScaleShape, weightScales,
          weightKGroup, createBias());
      rewriter.replaceOp(op, result);
      return success();
    }
    if (quant->input.getType() != activationType)
      return keepOnFloatPath(op, "the quantized value's type differs from "
                                 "the MatMul input's",
                             rewriter);

    ArrayRef<int64_t> inputShape = activationType.getShape();
    int64_t rank = activationType.getRank();
    bool perGroup = quant->granularity == Granularity::PerGroup;
    SmallVector<int64_t> scaleShape(inputShape.begin(), inputShape.end());
    for (int64_t d = 0; d < rank; ++d)
      if (quant->granularity == Granularity::PerTensor || d == rank - 1)
        scaleShape[d] = 1;
    if (perGroup)
      scaleShape.back() = inputShape.back() / quant->groupSize;

    if (perGroup && weightKGroup > 0 && weightKGroup != quant->groupSize)
      return keepOnFloatPath(
          op, "the activation groups (" + std::to_string(quant->groupSize) +
                  ") differ from the weight blocks (" +
                  std::to_string(weightKGroup) + ")",
          rewriter);
    // Codes outside int8 (the pre-non-linearity [0, 128]) are i16, whose
    // sums fit int32 for K < 2^16 (the matmul verifier's bound).
    bool codesFitI8 = quant->clipMin >= -128 && quant->clipMax <= 127;
    if (!codesFitI8 && weights->cols > 65535)
      return keepOnFloatPath(
          op, "the activation codes need i16 and the reduction length K = " +
                  std::to_string(weights->cols) +
                  " exceeds 65535, the most whose sums int32 holds",
          rewriter);
    auto quantizeOp = QuantizeActivationsOp::create(
        rewriter, loc,
        RankedTensorType::get(inputShape, codesFitI8 ? rewriter.getI8Type()
                                                     : rewriter.getI16Type()),
        RankedTensorType::get(scaleShape, rewriter.getF32Type()),
        quant->shift ? RankedTensorType::get(scaleShape, rewriter.getF32Type())
                     : Type(),
        quant->input,
        GranularityAttr::get(rewriter.getContext(), quant->granularity),
        rewriter.getF32FloatAttr(quant->qmax),
        rewriter.getF32FloatAttr(quant->eps),
        rewriter.getI64IntegerAttr(quant->clipMin),
        rewriter.getI64IntegerAttr(quant->clipMax),
        quant->reciprocal ? rewriter.getUnitAttr() : UnitAttr(),
        perGroup ? rewriter.getI64IntegerAttr(quant->groupSize) : IntegerAttr(),
        quant->shift ? rewriter.getUnitAttr() : UnitAttr(),
        quant->shiftedAbsmax ? rewriter.getUnitAttr() : UnitAttr(),
        quant->divide ? rewriter.getUnitAttr() : UnitAttr());

    // Per group: partial sums per group (k_group), each rescaled by its
    // group's activation scale (and weight block scale); the rescale sums
    // them.
    int64_t kGroup = perGroup ? quant->groupSize : weightKGroup;
    // The eta correction before the MatMul: W (q / s + eta) = W q / s +
    // eta * rowsum(W).
    Value eta, rowSums;
    if (quant->shift && quant->dequantized) {
      eta = quantizeOp.getEta();
      rowSums = createRowSums(rewriter, loc, weights->values, weights->rows,
                              weights->cols, kGroup);
    }

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
    SmallVector<int64_t> accShape(resultType.getShape());
    if (kGroup > 0)
      accShape.push_back(weights->cols / kGroup);
    auto accType = RankedTensorType::get(accShape, rewriter.getI32Type());
    Value acc = TernaryMatmulOp::create(rewriter, loc, accType,
                                        quantizeOp.getQuantized(), ternary,
                                        kGroup);

    // Dequantized spelling: y = acc * s / scale (+ the eta correction).
    // Unrounded spelling: the MatMul saw x * range / absmax ~ q * range /
    // qmax, independent of the runtime scale, which the graph itself
    // multiplies back afterwards.
    Value actScale = quantizeOp.getScale();
    if (!quant->dequantized) {
      actScale = createF32Constant(rewriter, loc,
                                   SmallVector<int64_t>(rank, 1), {1.0f});
      for (float &scale : weightScales)
        scale *= quant->range / quant->qmax;
    }
    Value weightScaleValue =
        createF32Constant(rewriter, loc, weightScaleShape, weightScales);
    rewriter.replaceOpWithNewOp<RescaleOp>(op, resultType, acc, actScale,
                                           weightScaleValue, eta, rowSums,
                                           createBias());
    return success();
  }

  /// Reports a MatMul with constant weights that stays float (an error in
  /// strict mode) and fails the match; a blocked DequantizeLinear weight left
  /// for recognition is folded to its float constant then (as
  /// onnx-fold-constants would have), so that it is not dequantized at run
  /// time.
  LogicalResult keepOnFloatPath(Operation *op, StringRef reason,
                                PatternRewriter &rewriter) const {
    LogicalResult reported = reportFloatPath(op, reason, strict, rewriter);
    auto dequantize = op->getOperand(1).getDefiningOp<DequantizeLinearOp>();
    Value folded =
        dequantize ? foldBlockedDequantize(dequantize, rewriter) : Value();
    if (!folded)
      return reported;
    rewriter.modifyOpInPlace(op, [&] { op->setOperand(1, folded); });
    return success();
  }

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
    // Errors: a float-path report in strict mode, or a custom-domain linear
    // op left (its contract broken; the pattern said why).
    bool failedConversion = false;
    getOperation()->walk([&](Operation *op) {
      if (op->removeAttr(kFloatPathAttr) && strict)
        failedConversion = true;
      if (isa<BitnetBitLinearOp, MicrosoftMatMulNBitsOp>(op))
        failedConversion = true;
    });
    if (failedConversion)
      signalPassFailure();
  }
};

} // namespace

void bitnet::populateOnnxToBitnetPatterns(RewritePatternSet &patterns,
                                          bool strict) {
  patterns.add<RaiseBitLinear>(patterns.getContext(), strict);
  populateCustomDomainLinearPatterns(patterns, strict);
}
