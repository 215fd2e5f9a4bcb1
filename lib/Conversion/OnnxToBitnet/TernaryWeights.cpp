//===- TernaryWeights.cpp - is a folded weight {-s, 0, +s}? ---------------===//
//
// Whatever arithmetic a training graph used (absmean + Round/Clip, Sign or
// Greater/Where, STE adds), after onnx-fold-constants the weight is one
// constant. Inspecting its values is the semantic check: either every value
// is 0 or +-s, or the layer is not a BitLinear.
//
//===----------------------------------------------------------------------===//
#include "BitLinearMatchers.h"

#include "bitnet-mlir/Support/ConstantData.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/Support/raw_ostream.h"
#include <cmath>

using namespace mlir;
using namespace mlir::bitnet;

/// Relative distance within which two magnitudes count as the same scale.
static constexpr double kScaleTolerance = 1e-5;

FailureOr<TernaryWeights>
bitnet::analyzeTernaryWeights(ElementsAttr weights, bool transposed,
                              std::string &reason) {
  auto type = cast<ShapedType>(weights.getType());
  if (type.getRank() != 2) {
    reason = "weights have rank " + std::to_string(type.getRank()) +
             ", expected 2";
    return failure();
  }
  if (!isa<FloatType>(type.getElementType())) {
    reason = "weights are not floating point";
    return failure();
  }
  // Passes over the constant in place (weights can be gigabytes): the
  // largest magnitude; whether every value is 0 or +-largest (stopping at
  // the first that is not, before allocating anything); the codes.
  double largest = 0.0;
  if (failed(forEachFloatValue(weights, [&](double v) {
        largest = std::max(largest, std::fabs(v));
        return true;
      }))) {
    reason = "the weight constant cannot be read";
    return failure();
  }
  if (!(largest > 0.0) || !std::isfinite(largest)) {
    reason = "weights are all zero or not finite";
    return failure();
  }
  auto isZero = [&](double magnitude) {
    return magnitude <= kScaleTolerance * largest;
  };
  bool ternary = true;
  (void)forEachFloatValue(weights, [&](double v) {
    double magnitude = std::fabs(v);
    if (isZero(magnitude) ||
        std::fabs(magnitude - largest) <= kScaleTolerance * largest)
      return true;
    llvm::raw_string_ostream os(reason);
    os << "weights are not ternary: values " << largest << " and "
       << magnitude << " differ in magnitude";
    ternary = false;
    return false;
  });
  if (!ternary)
    return failure();

  TernaryWeights result;
  int64_t dim0 = type.getDimSize(0), dim1 = type.getDimSize(1);
  result.rows = transposed ? dim0 : dim1;
  result.cols = transposed ? dim1 : dim0;
  result.values.assign(type.getNumElements(), 0);
  double magnitudeSum = 0.0;
  int64_t nonZero = 0;
  int64_t i = 0, j = 0;
  (void)forEachFloatValue(weights, [&](double v) {
    double magnitude = std::fabs(v);
    int8_t code = 0;
    if (!isZero(magnitude)) {
      code = v > 0 ? 1 : -1;
      magnitudeSum += magnitude;
      ++nonZero;
    }
    int64_t row = transposed ? i : j, col = transposed ? j : i;
    result.values[row * result.cols + col] = code;
    if (++j == dim1) {
      j = 0;
      ++i;
    }
    return true;
  });
  // The mean of the +-s entries: STE noise is symmetric, so averaging gets
  // closest to the scale the graph multiplies by.
  result.scale = static_cast<float>(magnitudeSum / nonZero);
  return result;
}
