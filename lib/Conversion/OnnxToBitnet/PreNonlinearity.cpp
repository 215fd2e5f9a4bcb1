//===- PreNonlinearity.cpp - BitNet's shifted activation quantizer --------===//
//
// The BitNet paper quantizes the activations that feed a non-linearity with
// a shift, so that they are all non-negative:
//
//   x~ = Clip((x - eta) * Qb / gamma, eps, Qb - eps),  eta = min x,
//
// and scales the MatMul by beta gamma / Qb, undoing the shift with
// W~(x~ gamma / Qb + eta) = (W~ x~) gamma / Qb + eta rowsum(W~). Spellings
// matched (commutative operands in either order, `p + (q - p)` looked
// through):
//
//   centred c = Sub(x, eta), eta = ReduceMin(x)     per tensor or per token
//   gamma   g = [Clip|Max](ReduceMax(Abs(x | c)), eps) or without the clamp,
//               over eta's axes
//   scaled  v = Div(Mul(c, Q), g) | Mul(c, S), S = Div(Q, g) |
//               Mul(Reciprocal(g), Q)
//   clipped t = Clip(v, lo, hi) | Round(Clip(v, lo, hi)) |
//               Clip(Round(v), lo, hi),  lo in [0, 1/2], hi in [Q - 1/2, Q]
//   MatMul input: t, or Add(D, eta) with D = Div(Mul(t, g), Q) | Div(t, S)
//               (the eta correction before the MatMul)
//
// The codes are q = clamp(roundeven(v), roundeven(lo), roundeven(hi)) with
// v computed in the graph's order (`divide`, `reciprocal`) from the
// graph's gamma (`shifted_absmax`), which is round(t) because roundeven is
// monotone: the graph's own integers when it rounds (and clips to integers),
// else within half a step of its t (docs/bitlinear.md bounds the result).
//
//===----------------------------------------------------------------------===//
#include "BitLinearMatchers.h"

#include "mlir/IR/Matchers.h"
#include <cmath>

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::onnx_ir;

namespace {

/// How far (in quantization steps) a clip bound may sit inside [0, Q]: at
/// most half a step, so that rounding keeps every code within half a step
/// of the graph's clipped value.
constexpr double kMaxClipInset = 0.5;

/// The centred value c = Sub(x, ReduceMin(...)), or null.
SubOp getCentred(Value value) {
  auto sub = value.getDefiningOp<SubOp>();
  if (!sub || !sub.getB().getDefiningOp<ReduceMinOp>())
    return {};
  return sub;
}

/// v = Div(Mul(c, Q), g) | Mul(c, S), taken apart (nothing checked yet).
struct ScaledParts {
  SubOp centred;
  Value clamped; // g of Div(Mul(c, Q), g)
  double q = 0.0;
  Value scale;   // S of Mul(c, S)
};

std::optional<ScaledParts> getScaledParts(Value value) {
  ScaledParts parts;
  if (auto div = value.getDefiningOp<DivOp>()) {
    auto mul = div.getA().getDefiningOp<MulOp>();
    if (!mul)
      return std::nullopt;
    for (auto [a, b] : {std::pair(mul.getA(), mul.getB()),
                        std::pair(mul.getB(), mul.getA())})
      if (std::optional<double> q = getScalar(b); q && getCentred(a)) {
        parts.centred = getCentred(a);
        parts.q = *q;
        parts.clamped = div.getB();
        return parts;
      }
    return std::nullopt;
  }
  if (auto mul = value.getDefiningOp<MulOp>())
    for (auto [a, b] : {std::pair(mul.getA(), mul.getB()),
                        std::pair(mul.getB(), mul.getA())})
      if (SubOp centred = getCentred(a)) {
        parts.centred = centred;
        parts.scale = b;
        return parts;
      }
  return std::nullopt;
}

/// The clipped value t and what it clips.
struct ClippedParts {
  ClipOp clip;
  Value scaled;
};

std::optional<ClippedParts> getClippedParts(Value value) {
  if (auto round = value.getDefiningOp<RoundOp>()) {
    auto clip = round.getX().getDefiningOp<ClipOp>();
    if (!clip)
      return std::nullopt;
    return ClippedParts{clip, clip.getInput()};
  }
  auto clip = value.getDefiningOp<ClipOp>();
  if (!clip)
    return std::nullopt;
  Value scaled = clip.getInput();
  if (auto round = scaled.getDefiningOp<RoundOp>())
    scaled = round.getX();
  return ClippedParts{clip, scaled};
}

/// Whether `dequantized` is Div(Mul(t, g), Q) or Div(t, S) for the
/// quantizer's g, Q (S = Q / g, either spelling) and clipped value t.
bool undoesScale(Value dequantized, Value clipped, Value clamped, double q) {
  auto div = dequantized.getDefiningOp<DivOp>();
  if (!div)
    return false;
  if (auto mul = div.getA().getDefiningOp<MulOp>()) {
    std::optional<double> divisor = getScalar(div.getB());
    for (auto [a, b] : {std::pair(mul.getA(), mul.getB()),
                        std::pair(mul.getB(), mul.getA())})
      if (peelStraightThrough(a) == clipped && b == clamped && divisor &&
          *divisor == q)
        return true;
    return false;
  }
  std::string ignored;
  FailureOr<QuantScale> scale = matchQuantScale(div.getB(), ignored);
  return peelStraightThrough(div.getA()) == clipped && succeeded(scale) &&
         scale->absmax.clamped == clamped && scale->qmax == q;
}

} // namespace

FailureOr<ActivationQuantization>
bitnet::matchPreNonlinearity(Value value, bool &matched,
                             std::string &reason) {
  matched = false;
  // The eta correction before the MatMul: Add(D, eta).
  Value dequantized, addedEta;
  if (auto add = value.getDefiningOp<AddOp>()) {
    for (auto [a, b] : {std::pair(add.getA(), add.getB()),
                        std::pair(add.getB(), add.getA())})
      if (auto div = a.getDefiningOp<DivOp>()) {
        Value numerator = div.getA();
        if (auto mul = numerator.getDefiningOp<MulOp>())
          numerator = getClippedParts(peelStraightThrough(mul.getA()))
                          ? mul.getA()
                          : mul.getB();
        dequantized = a;
        addedEta = b;
        value = peelStraightThrough(numerator);
        break;
      }
    if (!dequantized)
      return failure();
  }
  std::optional<ClippedParts> clipped = getClippedParts(value);
  std::optional<ScaledParts> parts =
      clipped ? getScaledParts(clipped->scaled) : std::nullopt;
  if (!parts)
    return failure();

  // From here on the graph has the quantizer's shape: what does not match is
  // a near miss.
  matched = true;
  SubOp centred = parts->centred;
  Value input = centred.getA();
  auto eta = centred.getB().getDefiningOp<ReduceMinOp>();
  auto inputType = dyn_cast<RankedTensorType>(input.getType());
  if (!inputType || inputType.getRank() == 0) {
    reason = "the shifted activation has no known rank";
    return failure();
  }
  std::optional<Granularity> etaGranularity =
      getReduceMinGranularity(eta, inputType.getRank());
  if (eta.getData() != input || !etaGranularity) {
    reason = "the shift is not eta = min(x) of the shifted x over the last "
             "axis (per token) or all axes (per tensor)";
    return failure();
  }

  // gamma: Div(Mul(c, Q), g) (divide) or Mul(c, S) (S = Q / g, reciprocal
  // or not).
  ActivationQuantization result;
  AbsmaxScale absmax;
  double q = parts->q;
  if (parts->clamped) {
    FailureOr<AbsmaxScale> matchedAbsmax =
        matchClampedAbsmax(parts->clamped, reason);
    if (failed(matchedAbsmax))
      return failure();
    absmax = *matchedAbsmax;
    result.divide = true;
  } else {
    FailureOr<QuantScale> scale = matchQuantScale(parts->scale, reason);
    if (failed(scale))
      return failure();
    absmax = scale->absmax;
    q = scale->qmax;
    result.reciprocal = scale->reciprocal;
  }
  if (!(q >= 1.0)) {
    reason = "the shifted activation's range Q is below 1";
    return failure();
  }
  if (absmax.input != input) {
    auto absmaxOf = absmax.input.getDefiningOp<SubOp>();
    if (!absmaxOf || absmaxOf.getA() != input ||
        absmaxOf.getB() != centred.getB()) {
      reason = "gamma is the absmax neither of x nor of x - eta";
      return failure();
    }
    result.shiftedAbsmax = true;
  }
  if (absmax.granularity != *etaGranularity) {
    reason = "eta = min(x) is taken over other axes than gamma";
    return failure();
  }

  // Clip bounds within half a step inside [0, Q]; codes [0, roundeven(hi)].
  std::optional<double> lo = getScalar(clipped->clip.getMin());
  std::optional<double> hi = getScalar(clipped->clip.getMax());
  if (!lo || !hi || *lo < 0.0 || *lo > kMaxClipInset ||
      *hi < q - kMaxClipInset || *hi > q) {
    reason = "the shifted activation clip range is not [0 .. 1/2, Q - 1/2 .. "
             "Q] for the scale's Q";
    return failure();
  }
  auto clipMax = static_cast<int64_t>(std::nearbyint(*hi));
  if (clipMax > 32767) {
    reason = "the shifted activation codes [0, " + std::to_string(clipMax) +
             "] exceed int16";
    return failure();
  }

  if (dequantized) {
    if (!undoesScale(dequantized, value, absmax.clamped, q)) {
      reason = "the dequantization before the MatMul is not t * gamma / Q "
               "or t / S for the quantizer's gamma and Q";
      return failure();
    }
    if (addedEta != centred.getB()) {
      reason = "the value added back before the MatMul is not the eta "
               "subtracted";
      return failure();
    }
  }
  result.input = input;
  result.granularity = absmax.granularity;
  result.eps = absmax.eps;
  result.qmax = static_cast<float>(q);
  result.clipMin = static_cast<int64_t>(std::nearbyint(*lo));
  result.clipMax = clipMax;
  result.shift = true;
  result.dequantized = static_cast<bool>(dequantized);
  result.range = static_cast<float>(q);
  return result;
}
