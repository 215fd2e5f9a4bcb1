//===- CustomDomainLinear.cpp - bitnet.BitLinear, MatMulNBits -------------===//
//
// The two linear ops of custom domains carry their quantization explicitly,
// so nothing is matched here, only checked:
//
//  * bitnet.BitLinear (docs/bitnet-onnx-domain.md) always becomes a
//    BitLinear; a node that breaks its contract (codes outside the set
//    weight_bits allows, a W that is not a constant) is an error.
//  * com.microsoft.MatMulNBits is ternary when every code minus its zero
//    point is in {-1, 0, +1} (bits = 2 with the default zero point 2: codes
//    1, 2, 3). Its activations are float, so it becomes a weight-only
//    ternary layer; any other MatMulNBits is dequantized at compile time to
//    a float MatMul (with a remark saying why it is not ternary).
//
//===----------------------------------------------------------------------===//
#include "BitLinearMatchers.h"

#include "Onnx/OnnxDialect.h"
#include "bitnet-mlir/Support/ConstantData.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/Support/raw_ostream.h"
#include <cmath>

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::onnx_ir;

Value bitnet::createF32Constant(PatternRewriter &rewriter, Location loc,
                                ArrayRef<int64_t> shape,
                                ArrayRef<float> values) {
  auto type = RankedTensorType::get(shape, rewriter.getF32Type());
  DenseElementsAttr attr =
      values.size() == 1 ? DenseElementsAttr::get(type, values.front())
                         : DenseElementsAttr::get(type, values);
  return arith::ConstantOp::create(rewriter, loc, type, attr);
}

LogicalResult bitnet::reportFloatPath(Operation *op, StringRef reason,
                                      bool strict, RewriterBase &rewriter) {
  if (op->hasAttr(kFloatPathAttr))
    return failure();
  // Marked so that the greedy driver's revisits report it only once; the
  // pass removes the marks.
  rewriter.modifyOpInPlace(
      op, [&] { op->setAttr(kFloatPathAttr, rewriter.getUnitAttr()); });
  if (strict)
    op->emitError() << describeNode(op)
                    << ": not converted to a BitLinear: " << reason;
  else
    op->emitRemark() << describeNode(op) << ": kept on the float path: "
                     << reason;
  return failure();
}

Value bitnet::createWeightOnlyTernary(PatternRewriter &rewriter, Location loc,
                                     Value input, RankedTensorType resultType,
                                     int64_t rows, int64_t cols,
                                     ArrayRef<int8_t> codes,
                                     ArrayRef<int64_t> weightScaleShape,
                                     ArrayRef<float> weightScale,
                                     int64_t kGroup, Value bias) {
  auto weightType = RankedTensorType::get({rows, cols}, rewriter.getI8Type());
  Value ternary = arith::ConstantOp::create(
      rewriter, loc, weightType, DenseElementsAttr::get(weightType, codes));
  SmallVector<int64_t> accShape(resultType.getShape());
  if (kGroup > 0)
    accShape.push_back(cols / kGroup);
  auto accType = RankedTensorType::get(accShape, rewriter.getF32Type());
  Value acc =
      TernaryMatmulOp::create(rewriter, loc, accType, input, ternary, kGroup);
  Value scale = createF32Constant(rewriter, loc, weightScaleShape, weightScale);
  return WeightRescaleOp::create(rewriter, loc, resultType, acc, scale, bias);
}

Value bitnet::createRowSums(PatternRewriter &rewriter, Location loc,
                           ArrayRef<int8_t> codes, int64_t rows, int64_t cols,
                           int64_t kGroup) {
  // rowsum[n (, g)] of the codes undoes the shift: W (q / s + eta) =
  // W q / s + eta * rowsum(W).
  int64_t groups = kGroup > 0 ? cols / kGroup : 1;
  int64_t width = kGroup > 0 ? kGroup : cols;
  std::vector<int32_t> sums(rows * groups, 0);
  for (int64_t n = 0; n < rows; ++n)
    for (int64_t c = 0; c < cols; ++c)
      sums[n * groups + c / width] += codes[n * cols + c];
  SmallVector<int64_t> sumShape = {rows};
  if (kGroup > 0)
    sumShape.push_back(groups);
  auto sumType = RankedTensorType::get(sumShape, rewriter.getI32Type());
  return arith::ConstantOp::create(
      rewriter, loc, sumType,
      DenseElementsAttr::get(sumType, ArrayRef<int32_t>(sums)));
}

namespace {

/// The float values of a constant, in row-major order.
std::optional<std::vector<float>> getF32Values(Value value) {
  ElementsAttr attr = getConstantElements(value);
  if (!attr)
    return std::nullopt;
  std::vector<float> values;
  if (failed(forEachFloatValue(attr, [&](double v) {
        values.push_back(static_cast<float>(v));
        return true;
      })))
    return std::nullopt;
  return values;
}

//===----------------------------------------------------------------------===//
// bitnet.BitLinear
//===----------------------------------------------------------------------===//

struct RaiseBitLinearNode : OpRewritePattern<BitnetBitLinearOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BitnetBitLinearOp op,
                                PatternRewriter &rewriter) const override {
    auto inputType = dyn_cast<RankedTensorType>(op.getX().getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getY().getType());
    if (!inputType || !resultType || !inputType.getElementType().isF32())
      return fail(op, rewriter, "X and Y must be ranked f32 tensors");
    ElementsAttr codes = getConstantElements(op.getW());
    if (!codes)
      return fail(op, rewriter, "W must be a constant (an initializer)");
    if (!isa<IntegerType>(codes.getElementType()))
      return fail(op, rewriter, "W must hold integer codes");
    std::optional<std::vector<float>> weightScale =
        getF32Values(op.getWeightScale());
    if (!weightScale)
      return fail(op, rewriter, "weight_scale must be a float constant");
    auto codesType = cast<RankedTensorType>(codes.getType());
    int64_t rows = codesType.getDimSize(0);
    if (weightScale->size() != 1 &&
        static_cast<int64_t>(weightScale->size()) != rows)
      return fail(op, rewriter, "weight_scale must have 1 or N elements");
    bool binary = op.getWeightBits() == 1;
    std::vector<int8_t> values;
    values.reserve(codesType.getNumElements());
    bool inRange = true;
    if (failed(forEachIntValue(codes, [&](int64_t v) {
          inRange = v >= -1 && v <= 1 && !(binary && v == 0);
          values.push_back(static_cast<int8_t>(v));
          return inRange;
        })))
      return fail(op, rewriter, "W's data cannot be read");
    if (!inRange)
      return fail(op, rewriter, binary ? "W holds a code outside {-1, +1} "
                               "(weight_bits = 1)"
                             : "W holds a code outside {-1, 0, +1}");
    Value bias = op.getB();
    if (isa<NoneType>(bias.getType()))
      bias = Value();
    else if (auto biasType = dyn_cast<RankedTensorType>(bias.getType());
             !biasType || biasType.getRank() != 1 ||
             !biasType.getElementType().isF32())
      return fail(op, rewriter, "B must be a 1-D f32 tensor");

    StringRef mode = op.getActivationMode();
    Location loc = op.getLoc();
    auto scaleCount = static_cast<int64_t>(weightScale->size());
    if (mode == "none") {
      // Weight-only ternary: float activations, float adds and subtracts.
      rewriter.replaceOp(
          op, createWeightOnlyTernary(rewriter, loc, op.getX(), resultType,
                                      rows, codesType.getDimSize(1), values,
                                      {scaleCount}, *weightScale, 0, bias));
      return success();
    }
    int64_t rank = inputType.getRank();
    Granularity granularity = mode == "per_tensor" ? Granularity::PerTensor
                              : mode == "per_token" ? Granularity::PerToken
                                                    : Granularity::PerGroup;
    int64_t groupSize = op.getGroupSize();
    SmallVector<int64_t> scaleShape(inputType.getShape());
    for (int64_t d = 0; d < rank; ++d)
      if (granularity == Granularity::PerTensor || d == rank - 1)
        scaleShape[d] = 1;
    if (granularity == Granularity::PerGroup)
      scaleShape.back() = inputType.getShape().back() / groupSize;
    int64_t levels = int64_t(1) << (op.getActivationBits() - 1);
    // With the shift, x - eta >= 0 is quantized to the unsigned range
    // [0, 2^bits - 1], which needs i16 for 8 bits.
    bool shift = op.getActivationShift() == 1;
    int64_t clipMin = shift ? 0 : -levels;
    int64_t clipMax = shift ? 2 * levels - 1 : levels - 1;
    Type quantizedElement = clipMax > 127 ? rewriter.getI16Type()
                                          : rewriter.getI8Type();
    auto scaleTensorType =
        RankedTensorType::get(scaleShape, rewriter.getF32Type());
    auto quantize = QuantizeActivationsOp::create(
        rewriter, loc,
        RankedTensorType::get(inputType.getShape(), quantizedElement),
        scaleTensorType, shift ? Type(scaleTensorType) : Type(), op.getX(),
        GranularityAttr::get(rewriter.getContext(), granularity),
        rewriter.getF32FloatAttr(static_cast<float>(levels - 1)),
        rewriter.getF32FloatAttr(op.getEpsilon().convertToFloat()),
        rewriter.getI64IntegerAttr(clipMin), rewriter.getI64IntegerAttr(clipMax),
        UnitAttr(),
        granularity == Granularity::PerGroup
            ? rewriter.getI64IntegerAttr(groupSize)
            : IntegerAttr(),
        shift ? rewriter.getUnitAttr() : UnitAttr());
    auto weightType = RankedTensorType::get(codesType.getShape(),
                                            rewriter.getI8Type());
    Value ternary = arith::ConstantOp::create(
        rewriter, loc, weightType,
        DenseElementsAttr::get(weightType, ArrayRef<int8_t>(values)));
    // Per group: partial sums per group of K, each rescaled by its group's
    // activation scale (bitnet.rescale sums the groups).
    int64_t kGroup = granularity == Granularity::PerGroup ? groupSize : 0;
    SmallVector<int64_t> accShape(resultType.getShape());
    if (kGroup > 0)
      accShape.push_back(inputType.getShape().back() / kGroup);
    auto accType = RankedTensorType::get(accShape, rewriter.getI32Type());
    Value acc = TernaryMatmulOp::create(rewriter, loc, accType,
                                        quantize.getQuantized(), ternary,
                                        kGroup);
    // Grouped, the rescale takes the quantizer's [..., K/G] scale as is.
    Value actScale = quantize.getScale();
    Value scale = createF32Constant(rewriter, loc, {scaleCount}, *weightScale);
    Value eta, rowSums;
    if (shift) {
      rowSums = createRowSums(rewriter, loc, values, rows,
                              codesType.getDimSize(1), kGroup);
      eta = quantize.getEta();
    }
    rewriter.replaceOpWithNewOp<RescaleOp>(op, resultType, acc, actScale,
                                           scale, eta, rowSums, bias);
    return success();
  }

  /// The node breaks the op's contract: an error, not a float fallback.
  static LogicalResult fail(Operation *op, PatternRewriter &rewriter,
                            const Twine &reason) {
    if (!op->hasAttr(kFloatPathAttr)) {
      rewriter.modifyOpInPlace(
          op, [&] { op->setAttr(kFloatPathAttr, rewriter.getUnitAttr()); });
      op->emitError() << describeNode(op) << ": " << reason;
    }
    return failure();
  }
};

//===----------------------------------------------------------------------===//
// com.microsoft.MatMulNBits
//===----------------------------------------------------------------------===//

/// The unsigned `bits`-wide field at bit `offset` of `bytes` (low bits
/// first, as onnxruntime packs codes and zero points).
uint32_t readBits(ArrayRef<uint8_t> bytes, int64_t offset, int64_t bits) {
  uint32_t value = 0;
  for (int64_t b = 0; b < bits; ++b) {
    int64_t bit = offset + b;
    value |= static_cast<uint32_t>((bytes[bit / 8] >> (bit % 8)) & 1) << b;
  }
  return value;
}

/// The values of an integer constant truncated to bytes (uint8 codes).
std::optional<std::vector<uint8_t>> getBytes(ElementsAttr attr) {
  std::vector<uint8_t> bytes;
  bytes.reserve(attr.getNumElements());
  if (failed(forEachIntValue(attr, [&](int64_t v) {
        bytes.push_back(static_cast<uint8_t>(v));
        return true;
      })))
    return std::nullopt;
  return bytes;
}

/// A MatMulNBits weight decoded: codes minus zero points and the block
/// scales, both per output row n.
struct NBitsWeights {
  int64_t n = 0, k = 0, blockSize = 0, blocks = 0;
  std::vector<float> levels;  // [N, K]: code - zero point
  std::vector<float> scales;  // [N, blocks]
};

FailureOr<NBitsWeights> decodeNBits(MicrosoftMatMulNBitsOp op,
                                    std::string &reason) {
  NBitsWeights w;
  w.n = op.getN();
  w.k = op.getK();
  w.blockSize = op.getBlockSize();
  w.blocks = (w.k + w.blockSize - 1) / w.blockSize;
  int64_t bits = op.getBits();
  std::optional<std::vector<uint8_t>> codeBytes;
  if (ElementsAttr codesAttr = getConstantElements(op.getB()))
    codeBytes = getBytes(codesAttr);
  if (!codeBytes) {
    reason = "B (the codes) is not an integer constant";
    return failure();
  }
  std::optional<std::vector<float>> scales = getF32Values(op.getScales());
  if (!scales || static_cast<int64_t>(scales->size()) != w.n * w.blocks) {
    reason = "scales is not a float constant of N * blocks elements";
    return failure();
  }
  w.scales = std::move(*scales);
  std::vector<uint8_t> codes = std::move(*codeBytes);
  int64_t blobBytes = w.blockSize * bits / 8;
  if (static_cast<int64_t>(codes.size()) != w.n * w.blocks * blobBytes) {
    reason = "B does not have N * blocks * blob_size bytes";
    return failure();
  }

  // Zero points: absent (2^(bits-1)), packed uint8, or float per block.
  std::vector<float> zeroPoints(w.n * w.blocks,
                                static_cast<float>(1 << (bits - 1)));
  Value zp = op.getZeroPoints();
  if (!isa<NoneType>(zp.getType())) {
    ElementsAttr zeroPointsAttr = getConstantElements(zp);
    if (zeroPointsAttr && isa<IntegerType>(zeroPointsAttr.getElementType())) {
      std::optional<std::vector<uint8_t>> packed = getBytes(zeroPointsAttr);
      if (!packed) {
        reason = "zero_points' data cannot be read";
        return failure();
      }
      std::vector<uint8_t> bytes = std::move(*packed);
      int64_t rowBytes = (w.blocks * bits + 7) / 8;
      if (static_cast<int64_t>(bytes.size()) != w.n * rowBytes) {
        reason = "zero_points does not have N * ceil(blocks * bits / 8) bytes";
        return failure();
      }
      for (int64_t r = 0; r < w.n; ++r)
        for (int64_t b = 0; b < w.blocks; ++b)
          zeroPoints[r * w.blocks + b] = static_cast<float>(
              readBits(bytes, r * rowBytes * 8 + b * bits, bits));
    } else if (std::optional<std::vector<float>> values = getF32Values(zp);
               values &&
               static_cast<int64_t>(values->size()) == w.n * w.blocks) {
      zeroPoints = std::move(*values);
    } else {
      reason = "zero_points is not a constant of the expected size";
      return failure();
    }
  }

  w.levels.resize(w.n * w.k);
  for (int64_t r = 0; r < w.n; ++r)
    for (int64_t c = 0; c < w.k; ++c) {
      int64_t block = c / w.blockSize, within = c % w.blockSize;
      int64_t offset =
          ((r * w.blocks + block) * blobBytes) * 8 + within * bits;
      w.levels[r * w.k + c] = static_cast<float>(readBits(codes, offset, bits)) -
                              zeroPoints[r * w.blocks + block];
    }
  return w;
}

/// Why the decoded weights are not ternary, or "" when they are.
std::string whyNotTernary(const NBitsWeights &w) {
  for (int64_t i = 0, e = w.levels.size(); i < e; ++i) {
    float level = w.levels[i];
    if (level != -1.0f && level != 0.0f && level != 1.0f) {
      std::string reason;
      llvm::raw_string_ostream os(reason);
      os << "codes are not ternary: row " << i / w.k << ", column " << i % w.k
         << " has code - zero_point = ";
      if (level == std::nearbyint(level))
        os << static_cast<int64_t>(level);
      else
        os << level;
      return reason;
    }
  }
  return "";
}

struct LowerMatMulNBits : OpRewritePattern<MicrosoftMatMulNBitsOp> {
  LowerMatMulNBits(MLIRContext *context, bool strict)
      : OpRewritePattern(context), strict(strict) {}

  LogicalResult matchAndRewrite(MicrosoftMatMulNBitsOp op,
                                PatternRewriter &rewriter) const override {
    auto inputType = dyn_cast<RankedTensorType>(op.getA().getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getY().getType());
    if (!inputType || !resultType || !inputType.getElementType().isF32())
      return RaiseBitLinearNode::fail(op, rewriter,
                                      "A and Y must be ranked f32 tensors");
    std::string reason;
    FailureOr<NBitsWeights> weights = decodeNBits(op, reason);
    if (failed(weights))
      return RaiseBitLinearNode::fail(op, rewriter, reason);
    std::string notTernary = whyNotTernary(*weights);
    if (notTernary.empty()) {
      FailureOr<Value> ternary =
          createTernary(op, *weights, resultType, notTernary, rewriter);
      if (succeeded(ternary)) {
        rewriter.replaceOp(op, *ternary);
        return success();
      }
    }
    if (strict)
      return reportFloatPath(op, notTernary, strict, rewriter);
    op->emitRemark() << describeNode(op) << ": kept on the float path: "
                     << notTernary;
    rewriter.replaceOp(op, createFloatMatMul(op, *weights, rewriter));
    return success();
  }

  /// Weight-only ternary with the block scales: one scale per row when a
  /// row's blocks share it, else per-block partial sums (k_group =
  /// block_size) each times its block's scale.
  static FailureOr<Value> createTernary(MicrosoftMatMulNBitsOp op,
                                        const NBitsWeights &w,
                                        RankedTensorType resultType,
                                        std::string &reason,
                                        PatternRewriter &rewriter) {
    TernaryWeights scales;
    scales.rows = w.n;
    scales.cols = w.k;
    if (failed(setBlockScales(scales, w.scales, w.blockSize, reason)))
      return failure();
    std::vector<int8_t> codes(w.levels.size());
    for (size_t i = 0; i < codes.size(); ++i)
      codes[i] = static_cast<int8_t>(w.levels[i]);
    Value bias = op.getBias();
    if (isa<NoneType>(bias.getType()))
      bias = Value();
    return createWeightOnlyTernary(rewriter, op.getLoc(), op.getA(),
                                   resultType, w.n, w.k, codes,
                                   scales.getScaleShape(), scales.getScales(),
                                   scales.getKGroup(), bias);
  }

  /// A = MatMul(A, dequant(B)^T) (+ bias), dequantized here as onnxruntime
  /// does: (code - zero point) * scale in f32.
  static Value createFloatMatMul(MicrosoftMatMulNBitsOp op,
                                 const NBitsWeights &w,
                                 PatternRewriter &rewriter) {
    std::vector<float> dense(w.k * w.n);
    for (int64_t r = 0; r < w.n; ++r)
      for (int64_t c = 0; c < w.k; ++c)
        dense[c * w.n + r] = w.levels[r * w.k + c] *
                             w.scales[r * w.blocks + c / w.blockSize];
    Location loc = op.getLoc();
    auto weightType = RankedTensorType::get({w.k, w.n}, rewriter.getF32Type());
    Value weight = ConstantOp::create(
        rewriter, loc, weightType,
        DenseElementsAttr::get(weightType, ArrayRef<float>(dense)));
    auto matmul =
        MatMulOp::create(rewriter, loc, op.getY().getType(), op.getA(), weight);
    // Already reported: the BitLinear pattern leaves it alone.
    matmul->setAttr(kFloatPathAttr, rewriter.getUnitAttr());
    Value result = matmul;
    if (!isa<NoneType>(op.getBias().getType()))
      result = AddOp::create(rewriter, loc, op.getY().getType(), result,
                             op.getBias());
    return result;
  }

  bool strict;
};

} // namespace

void bitnet::populateCustomDomainLinearPatterns(RewritePatternSet &patterns,
                                                bool strict) {
  patterns.add<RaiseBitLinearNode>(patterns.getContext());
  patterns.add<LowerMatMulNBits>(patterns.getContext(), strict);
}
