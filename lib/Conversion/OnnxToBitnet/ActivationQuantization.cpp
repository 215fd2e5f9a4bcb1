//===- ActivationQuantization.cpp - match absmax quantize subgraphs -------===//
//
// Spellings matched (operands of commutative ops in either order, `x + (q -
// x)` straight-through wrappers looked through):
//
//   absmax m  = ReduceMax(Abs(x), axes)           per token: axes = [-1]
//                                                 per tensor: all axes
//   clamped g = Clip(m, eps) | Max(m, eps) | m
//   scale  S  = Div(Q, g) | Mul(Reciprocal(g), Q)
//
//   b1.58 (dequantized):  Div(Clip(Round(Mul(x, S)), lo, hi), S)
//   W1 (unrounded):       Clip(Div(Mul(x, Q), g) | Mul(x, S), -Q+e, Q-e)
//     (quantized here with rounding: values move by at most half a step,
//     docs/bitlinear.md)
//
// Every constant is checked: Q > 0, eps >= 0, lo/hi integers inside int8 for
// the rounded form, and |lo|, |hi| within 1e-4 of Q for the unrounded one;
// anything else is a near miss that stays on the float path. The shifted
// (pre-non-linearity) family is matched first, in PreNonlinearity.cpp.
//
//===----------------------------------------------------------------------===//
#include "BitLinearMatchers.h"

#include "Onnx/OnnxDialect.h"
#include "bitnet-mlir/Support/ConstantData.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/SmallPtrSet.h"
#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::onnx_ir;

/// The value of a constant with a single element.
std::optional<double> bitnet::getScalar(Value value) {
  ElementsAttr attr = getConstantElements(value);
  if (!attr || attr.getNumElements() != 1)
    return std::nullopt;
  if (std::optional<SmallVector<double>> values = getFloatValues(attr))
    return values->front();
  if (std::optional<SmallVector<int64_t>> values = getIntValues(attr))
    return static_cast<double>(values->front());
  return std::nullopt;
}

/// Looks through `p + (q - p)` (either operand order of the Add) to `q`.
Value bitnet::peelStraightThrough(Value value) {
  auto add = value.getDefiningOp<AddOp>();
  if (!add)
    return value;
  for (auto [outer, inner] : {std::pair(add.getA(), add.getB()),
                              std::pair(add.getB(), add.getA())}) {
    auto sub = inner.getDefiningOp<SubOp>();
    if (sub && sub.getB() == outer)
      return sub.getA();
  }
  return value;
}

namespace {

/// If `op` is a binary op of type `OpTy` with `value` as one operand,
/// returns the other operand.
template <typename OpTy>
Value getOtherOperand(OpTy op, Value value) {
  if (op.getA() == value)
    return op.getB();
  if (op.getB() == value)
    return op.getA();
  return {};
}

/// The granularity of a Reduce* over a rank-`rank` value: all axes (per
/// tensor) or the last one with keepdims (per token).
template <typename ReduceOpTy>
std::optional<Granularity> getReduceGranularity(ReduceOpTy reduce,
                                                int64_t rank) {
  SmallVector<int64_t> axes;
  if (!isa<NoneType>(reduce.getAxes().getType())) {
    std::optional<SmallVector<int64_t>> axesValues;
    if (ElementsAttr axesAttr = getConstantElements(reduce.getAxes()))
      axesValues = getIntValues(axesAttr);
    if (!axesValues)
      return std::nullopt;
    for (int64_t axis : *axesValues)
      axes.push_back((axis + rank) % rank);
  } else if (reduce.getNoopWithEmptyAxes()) {
    return std::nullopt;
  }
  if (axes.empty() || static_cast<int64_t>(axes.size()) == rank)
    return Granularity::PerTensor;
  if (axes.size() == 1 && axes[0] == rank - 1 && reduce.getKeepdims())
    return Granularity::PerToken;
  return std::nullopt;
}

} // namespace

std::optional<Granularity>
bitnet::getReduceMinGranularity(ReduceMinOp op, int64_t rank) {
  return getReduceGranularity(op, rank);
}

/// Matches g = Clip/Max(ReduceMax(Abs(x)), eps) (or no eps).
FailureOr<AbsmaxScale> bitnet::matchClampedAbsmax(Value value,
                                                  std::string &reason) {
  Value clamped = value;
  double eps = 0.0;
  if (auto clip = value.getDefiningOp<ClipOp>()) {
    std::optional<double> lo = getScalar(clip.getMin());
    if (!lo || !isa<NoneType>(clip.getMax().getType())) {
      reason = "the absmax clamp is not Clip(m, eps) with a constant eps";
      return failure();
    }
    eps = *lo;
    value = clip.getInput();
  } else if (auto max = value.getDefiningOp<MaxOp>()) {
    if (max.getData_0().size() != 2) {
      reason = "the absmax clamp Max has more than two inputs";
      return failure();
    }
    Value a = max.getData_0()[0], b = max.getData_0()[1];
    std::optional<double> lo = getScalar(b);
    if (!lo)
      std::swap(a, b), lo = getScalar(b);
    if (!lo) {
      reason = "the absmax clamp Max has no constant eps";
      return failure();
    }
    eps = *lo;
    value = a;
  }
  if (eps < 0.0) {
    reason = "the absmax clamp eps is negative";
    return failure();
  }
  auto reduce = value.getDefiningOp<ReduceMaxOp>();
  auto abs = reduce ? reduce.getData().getDefiningOp<AbsOp>() : AbsOp();
  if (!abs) {
    reason = "the activation scale is not computed from ReduceMax(Abs(x))";
    return failure();
  }
  auto inputType = dyn_cast<RankedTensorType>(abs.getX().getType());
  if (!inputType || inputType.getRank() == 0) {
    reason = "the quantized activation has no known rank";
    return failure();
  }
  int64_t rank = inputType.getRank();
  SmallVector<int64_t> axes;
  if (!isa<NoneType>(reduce.getAxes().getType())) {
    std::optional<SmallVector<int64_t>> axesValues;
    if (ElementsAttr axesAttr = getConstantElements(reduce.getAxes()))
      axesValues = getIntValues(axesAttr);
    if (!axesValues) {
      reason = "the absmax axes are not constant";
      return failure();
    }
    for (int64_t axis : *axesValues)
      axes.push_back((axis + rank) % rank);
  } else if (reduce.getNoopWithEmptyAxes()) {
    reason = "the absmax ReduceMax reduces nothing";
    return failure();
  }
  Granularity granularity;
  if (axes.empty() || static_cast<int64_t>(axes.size()) == rank) {
    granularity = Granularity::PerTensor;
  } else if (axes.size() == 1 && axes[0] == rank - 1 &&
             reduce.getKeepdims()) {
    granularity = Granularity::PerToken;
  } else {
    reason = "the absmax is taken over axes that are neither the last one "
             "(per token) nor all (per tensor)";
    return failure();
  }
  return AbsmaxScale{abs.getX(), granularity, static_cast<float>(eps),
                     clamped};
}

/// Matches S = Div(Q, g) | Mul(Reciprocal(g), Q).
FailureOr<QuantScale> bitnet::matchQuantScale(Value value,
                                              std::string &reason) {
  Value clamped;
  std::optional<double> q;
  bool reciprocal = false;
  if (auto div = value.getDefiningOp<DivOp>()) {
    q = getScalar(div.getA());
    clamped = div.getB();
  } else if (auto mul = value.getDefiningOp<MulOp>()) {
    for (auto [a, b] : {std::pair(mul.getA(), mul.getB()),
                        std::pair(mul.getB(), mul.getA())})
      if (auto recip = a.getDefiningOp<ReciprocalOp>()) {
        q = getScalar(b);
        clamped = recip.getX();
        reciprocal = true;
      }
  }
  if (!clamped || !q || !(*q > 0.0)) {
    reason = "the activation scale is not Q / absmax with a positive "
             "constant Q";
    return failure();
  }
  FailureOr<AbsmaxScale> absmax = matchClampedAbsmax(clamped, reason);
  if (failed(absmax))
    return failure();
  return QuantScale{*absmax, static_cast<float>(*q), reciprocal};
}

namespace {

bool isIntegral(double v) { return std::nearbyint(v) == v; }

/// b1.58: Div(Clip(Round(Mul(x, S)), lo, hi), S).
FailureOr<ActivationQuantization> matchDequantized(DivOp div,
                                                   std::string &reason) {
  Value scale = div.getB();
  auto clip = div.getA().getDefiningOp<ClipOp>();
  auto round = clip ? clip.getInput().getDefiningOp<RoundOp>() : RoundOp();
  auto mul = round ? round.getX().getDefiningOp<MulOp>() : MulOp();
  Value input = mul ? getOtherOperand(mul, scale) : Value();
  if (!input) {
    reason = "the activation is not Clip(Round(x * S)) / S";
    return failure();
  }
  std::optional<double> lo = getScalar(clip.getMin());
  std::optional<double> hi = getScalar(clip.getMax());
  if (!lo || !hi || !isIntegral(*lo) || !isIntegral(*hi) || *lo < -128 ||
      *hi > 127 || *lo > *hi) {
    reason = "the activation clip range is not an integer range inside "
             "int8 [-128, 127]";
    return failure();
  }
  FailureOr<QuantScale> quantScale = matchQuantScale(scale, reason);
  if (failed(quantScale))
    return failure();
  if (quantScale->absmax.input != input) {
    reason = "the absmax is taken of another value than the one quantized";
    return failure();
  }
  ActivationQuantization result;
  result.input = input;
  result.granularity = quantScale->absmax.granularity;
  result.qmax = quantScale->qmax;
  result.eps = quantScale->absmax.eps;
  result.reciprocal = quantScale->reciprocal;
  result.clipMin = static_cast<int64_t>(*lo);
  result.clipMax = static_cast<int64_t>(*hi);
  result.dequantized = true;
  return result;
}

/// W1: Clip(Div(Mul(x, Q), g) | Mul(x, S), -Q + e, Q - e), no rounding.
FailureOr<ActivationQuantization> matchUnrounded(ClipOp clip,
                                                 std::string &reason) {
  Value scaled = clip.getInput();
  Value input, clamped;
  std::optional<double> q;
  if (auto div = scaled.getDefiningOp<DivOp>()) {
    if (auto mul = div.getA().getDefiningOp<MulOp>()) {
      for (auto [a, b] : {std::pair(mul.getA(), mul.getB()),
                          std::pair(mul.getB(), mul.getA())})
        if (std::optional<double> value = getScalar(b)) {
          q = value;
          input = a;
        }
      clamped = div.getB();
    }
  }
  // A plain struct and a flag rather than FailureOr: gcc 12 warns that the
  // copy into an empty FailureOr may read uninitialized members.
  AbsmaxScale absmax;
  bool found = false;
  bool reciprocal = false;
  if (input && clamped && q && *q > 0.0) {
    FailureOr<AbsmaxScale> matched = matchClampedAbsmax(clamped, reason);
    if (succeeded(matched)) {
      absmax = *matched;
      found = true;
    }
  } else if (auto mul = scaled.getDefiningOp<MulOp>()) {
    for (auto [a, b] : {std::pair(mul.getA(), mul.getB()),
                        std::pair(mul.getB(), mul.getA())}) {
      std::string ignored;
      FailureOr<QuantScale> quantScale = matchQuantScale(b, ignored);
      if (succeeded(quantScale)) {
        input = a;
        q = quantScale->qmax;
        absmax = quantScale->absmax;
        reciprocal = quantScale->reciprocal;
        found = true;
      }
    }
  }
  if (!found) {
    if (reason.empty())
      reason = "the activation is not x * Q / absmax(x)";
    return failure();
  }
  if (absmax.input != input) {
    reason = "the absmax is taken of another value than the one quantized";
    return failure();
  }
  std::optional<double> lo = getScalar(clip.getMin());
  std::optional<double> hi = getScalar(clip.getMax());
  double tolerance = 1e-4 * *q;
  if (!lo || !hi || std::fabs(*hi - *q) > tolerance ||
      std::fabs(*lo + *q) > tolerance) {
    reason = "the activation clip range is not [-Q, Q] for the scale's Q";
    return failure();
  }
  ActivationQuantization result;
  result.input = input;
  result.granularity = absmax.granularity;
  result.eps = absmax.eps;
  result.reciprocal = reciprocal;
  // The graph's own grid where int8 holds it (Q = 128 as in the paper: q in
  // [-128, 127], so only the largest element moves by more than half a
  // step), else a symmetric 127 grid; the MatMul input is q * Q / qmax.
  if (*q <= 128.0) {
    result.qmax = static_cast<float>(*q);
    result.clipMax = std::min<int64_t>(127, static_cast<int64_t>(*q));
    result.clipMin = -std::min<int64_t>(128, static_cast<int64_t>(*q));
  } else {
    result.qmax = 127.0f;
    result.clipMin = -127;
    result.clipMax = 127;
  }
  result.dequantized = false;
  result.range = static_cast<float>(*q);
  return result;
}

} // namespace

/// Per group: Reshape(q, [..., K]) of a per-token quantizer q of
/// Reshape(x, [..., K/G, G]): the absmax of each group of G along K.
FailureOr<ActivationQuantization> matchGrouped(ReshapeOp merge,
                                               std::string &reason) {
  auto div = merge.getData().getDefiningOp<DivOp>();
  if (!div) {
    reason = "the activation is not quantized (no absmax quantize-dequantize "
             "feeds the MatMul)";
    return failure();
  }
  FailureOr<ActivationQuantization> grouped = matchDequantized(div, reason);
  if (failed(grouped))
    return failure();
  auto split = grouped->input.getDefiningOp<ReshapeOp>();
  auto inputType = split ? dyn_cast<RankedTensorType>(split.getData().getType())
                         : RankedTensorType();
  auto groupedType = dyn_cast<RankedTensorType>(grouped->input.getType());
  auto mergedType = dyn_cast<RankedTensorType>(merge.getType());
  if (!split || !inputType || !groupedType || !mergedType ||
      !inputType.hasStaticShape() || !groupedType.hasStaticShape() ||
      inputType != mergedType ||
      groupedType.getRank() != inputType.getRank() + 1 ||
      grouped->granularity != Granularity::PerToken) {
    reason = "the grouped quantizer is not Reshape([..., K] -> [..., K/G, G]), "
             "a per-group absmax over the last axis, and Reshape back";
    return failure();
  }
  ArrayRef<int64_t> inputShape = inputType.getShape();
  ArrayRef<int64_t> groupedShape = groupedType.getShape();
  int64_t rank = inputType.getRank();
  int64_t groupSize = groupedShape.back();
  if (inputShape.drop_back() != groupedShape.drop_back(2) ||
      groupedShape[rank - 1] * groupSize != inputShape.back()) {
    reason = "the grouped quantizer's reshape does not split only the last "
             "axis into [K/G, G]";
    return failure();
  }
  grouped->input = split.getData();
  grouped->granularity = Granularity::PerGroup;
  grouped->groupSize = groupSize;
  return grouped;
}

FailureOr<ActivationQuantization>
bitnet::matchActivationQuantization(Value activation, std::string &reason) {
  Value value = peelStraightThrough(activation);
  bool shifted = false;
  FailureOr<ActivationQuantization> preNonlinearity =
      matchPreNonlinearity(value, shifted, reason);
  if (shifted)
    return preNonlinearity;
  reason.clear();
  if (auto merge = value.getDefiningOp<ReshapeOp>())
    return matchGrouped(merge, reason);
  if (auto div = value.getDefiningOp<DivOp>())
    return matchDequantized(div, reason);
  if (auto clip = value.getDefiningOp<ClipOp>())
    return matchUnrounded(clip, reason);
  reason = "the activation is not quantized (no absmax quantize-dequantize "
           "feeds the MatMul)";
  return failure();
}

bool bitnet::looksQuantized(Value activation) {
  // Producers up to this many steps back: the quantizers matched above are
  // at most five deep (Add, Div, Clip, Round, Mul, then the scale chain).
  constexpr int kDepth = 6;
  SmallVector<std::pair<Value, int>> worklist{{activation, 0}};
  llvm::SmallPtrSet<Operation *, 16> seen;
  while (!worklist.empty()) {
    auto [value, depth] = worklist.pop_back_val();
    Operation *op = value.getDefiningOp();
    if (!op || !seen.insert(op).second || isa<ConstantOp>(op))
      continue;
    if (isa<RoundOp, FloorOp, CeilOp, ReduceMaxOp>(op))
      return true;
    if (depth + 1 < kDepth)
      for (Value operand : op->getOperands())
        worklist.push_back({operand, depth + 1});
  }
  return false;
}
