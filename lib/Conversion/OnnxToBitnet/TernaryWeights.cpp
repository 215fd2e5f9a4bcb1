//===- TernaryWeights.cpp - is a folded weight {-s, 0, +s}? ---------------===//
//
// Whatever arithmetic a training graph used (absmean + Round/Clip, Sign or
// Greater/Where, STE adds), after onnx-fold-constants the weight is one
// constant. Inspecting its values is the semantic check: either every value
// is 0 or +-s, or the layer is not a BitLinear.
//
//===----------------------------------------------------------------------===//
#include "BitLinearMatchers.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/Support/raw_ostream.h"
#include <cmath>

using namespace mlir;
using namespace mlir::bitnet;

/// Relative distance within which two magnitudes count as the same scale.
static constexpr double kScaleTolerance = 1e-5;

FailureOr<TernaryWeights>
bitnet::analyzeTernaryWeights(DenseElementsAttr weights, bool transposed,
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
  std::vector<double> values;
  values.reserve(type.getNumElements());
  if (type.getElementType().isF32()) {
    for (float v : weights.getValues<float>())
      values.push_back(v);
  } else {
    for (APFloat v : weights.getValues<APFloat>())
      values.push_back(v.convertToDouble());
  }

  TernaryWeights result;
  int64_t dim0 = type.getDimSize(0), dim1 = type.getDimSize(1);
  result.rows = transposed ? dim0 : dim1;
  result.cols = transposed ? dim1 : dim0;
  auto at = [&](int64_t row, int64_t col) {
    return transposed ? values[row * dim1 + col] : values[col * dim1 + row];
  };

  // The largest magnitude of the whole matrix and of each output row.
  double largest = 0.0;
  std::vector<double> rowLargest(result.rows, 0.0);
  for (int64_t row = 0; row < result.rows; ++row)
    for (int64_t col = 0; col < result.cols; ++col)
      rowLargest[row] = std::max(rowLargest[row], std::fabs(at(row, col)));
  for (double v : rowLargest)
    largest = std::max(largest, v);
  if (!(largest > 0.0) || !std::isfinite(largest)) {
    reason = "weights are all zero or not finite";
    return failure();
  }

  // One scale for all (any spelling of b1.58/W1), else one per output row
  // (already-quantized exports that store {-s_n, 0, +s_n} per row).
  auto classify = [&](bool perRow, std::string &why) {
    result.values.assign(result.rows * result.cols, 0);
    result.rowScales.assign(perRow ? result.rows : 0, 0.0f);
    double magnitudeSum = 0.0;
    int64_t nonZero = 0;
    for (int64_t row = 0; row < result.rows; ++row) {
      double scale = perRow ? rowLargest[row] : largest;
      double rowSum = 0.0;
      int64_t rowNonZero = 0;
      for (int64_t col = 0; col < result.cols; ++col) {
        double v = at(row, col), magnitude = std::fabs(v);
        if (magnitude <= kScaleTolerance * scale)
          continue;
        if (std::fabs(magnitude - scale) > kScaleTolerance * scale) {
          llvm::raw_string_ostream os(why);
          os << "weights are not ternary: values " << scale << " and "
             << magnitude << " differ in magnitude";
          if (perRow)
            os << " within output row " << row;
          return false;
        }
        result.values[row * result.cols + col] = v > 0 ? 1 : -1;
        rowSum += magnitude;
        ++rowNonZero;
      }
      // The mean of the +-s entries: STE noise is symmetric, so averaging
      // gets closest to the scale the graph multiplies by.
      if (perRow && rowNonZero > 0)
        result.rowScales[row] = static_cast<float>(rowSum / rowNonZero);
      magnitudeSum += rowSum;
      nonZero += rowNonZero;
    }
    result.scale = static_cast<float>(magnitudeSum / nonZero);
    return true;
  };
  std::string perTensorReason;
  if (classify(/*perRow=*/false, perTensorReason))
    return result;
  std::string perRowReason;
  if (classify(/*perRow=*/true, perRowReason))
    return result;
  reason = perTensorReason + " (nor is each output row {-s, 0, +s}: " +
           perRowReason.substr(perRowReason.find(':') + 2) + ")";
  return failure();
}
