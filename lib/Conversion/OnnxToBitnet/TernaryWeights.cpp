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
  // Streamed passes over the constant in place (weights can be gigabytes):
  // the largest magnitude of the whole matrix and of each output row; whether
  // every value is 0 or +-s with one s for all or one per row (stopping at the
  // first value that is not, before allocating anything); then the codes.
  TernaryWeights result;
  int64_t dim0 = type.getDimSize(0), dim1 = type.getDimSize(1);
  result.rows = transposed ? dim0 : dim1;
  result.cols = transposed ? dim1 : dim0;
  // Calls fn(row, col, value) in storage order.
  auto forEachEntry = [&](auto fn) {
    int64_t i = 0, j = 0;
    return forEachFloatValue(weights, [&](double v) {
      int64_t row = transposed ? i : j, col = transposed ? j : i;
      if (++j == dim1) {
        j = 0;
        ++i;
      }
      return fn(row, col, v);
    });
  };
  double largest = 0.0;
  std::vector<double> rowLargest(result.rows, 0.0);
  if (failed(forEachEntry([&](int64_t row, int64_t, double v) {
        rowLargest[row] = std::max(rowLargest[row], std::fabs(v));
        return true;
      }))) {
    reason = "the weight constant cannot be read";
    return failure();
  }
  for (double v : rowLargest)
    largest = std::max(largest, v);
  if (!(largest > 0.0) || !std::isfinite(largest)) {
    reason = "weights are all zero or not finite";
    return failure();
  }

  // One scale for all (any spelling of b1.58/W1), else one per output row
  // (already-quantized exports that store {-s_n, 0, +s_n} per row).
  auto scaleOf = [&](bool perRow, int64_t row) {
    return perRow ? rowLargest[row] : largest;
  };
  auto isTernary = [&](bool perRow, std::string &why) {
    bool ternary = true;
    (void)forEachEntry([&](int64_t row, int64_t, double v) {
      double scale = scaleOf(perRow, row), magnitude = std::fabs(v);
      if (magnitude <= kScaleTolerance * scale ||
          std::fabs(magnitude - scale) <= kScaleTolerance * scale)
        return true;
      llvm::raw_string_ostream os(why);
      os << "weights are not ternary: values " << scale << " and "
         << magnitude << " differ in magnitude";
      if (perRow)
        os << " within output row " << row;
      ternary = false;
      return false;
    });
    return ternary;
  };
  std::string perTensorReason, perRowReason;
  bool perRow = false;
  if (!isTernary(/*perRow=*/false, perTensorReason)) {
    if (!isTernary(/*perRow=*/true, perRowReason)) {
      reason = perTensorReason + " (nor is each output row {-s, 0, +s}: " +
               perRowReason.substr(perRowReason.find(':') + 2) + ")";
      return failure();
    }
    perRow = true;
  }

  result.values.assign(result.rows * result.cols, 0);
  std::vector<double> rowSum(result.rows, 0.0);
  std::vector<int64_t> rowNonZero(result.rows, 0);
  (void)forEachEntry([&](int64_t row, int64_t col, double v) {
    double magnitude = std::fabs(v);
    if (magnitude <= kScaleTolerance * scaleOf(perRow, row))
      return true;
    result.values[row * result.cols + col] = v > 0 ? 1 : -1;
    rowSum[row] += magnitude;
    ++rowNonZero[row];
    return true;
  });
  // The mean of the +-s entries: STE noise is symmetric, so averaging gets
  // closest to the scale the graph multiplies by.
  double magnitudeSum = 0.0;
  int64_t nonZero = 0;
  if (perRow)
    result.rowScales.assign(result.rows, 0.0f);
  for (int64_t row = 0; row < result.rows; ++row) {
    if (perRow && rowNonZero[row] > 0)
      result.rowScales[row] = static_cast<float>(rowSum[row] / rowNonZero[row]);
    magnitudeSum += rowSum[row];
    nonZero += rowNonZero[row];
  }
  result.scale = static_cast<float>(magnitudeSum / nonZero);
  return result;
}

SmallVector<int64_t> TernaryWeights::getScaleShape() const {
  if (!blockScales.empty())
    return {rows, cols / blockSize};
  if (!rowScales.empty())
    return {rows};
  return {1};
}

std::vector<float> TernaryWeights::getScales() const {
  if (!blockScales.empty())
    return blockScales;
  if (!rowScales.empty())
    return rowScales;
  return {scale};
}

LogicalResult bitnet::setBlockScales(TernaryWeights &weights,
                                     std::vector<float> scales,
                                     int64_t blockSize, std::string &reason) {
  int64_t blocks = (weights.cols + blockSize - 1) / blockSize;
  bool rowsShare = true;
  for (int64_t r = 0; r < weights.rows && rowsShare; ++r)
    for (int64_t b = 1; b < blocks && rowsShare; ++b)
      rowsShare = scales[r * blocks + b] == scales[r * blocks];
  if (rowsShare || blocks == 1) {
    weights.rowScales.clear();
    for (int64_t r = 0; r < weights.rows; ++r)
      weights.rowScales.push_back(scales[r * blocks]);
    weights.scale = weights.rowScales.front();
    return success();
  }
  if (weights.cols % blockSize != 0) {
    reason = "the per-block scales differ within a row and K is not a "
             "multiple of block_size (the last block is partial)";
    return failure();
  }
  weights.blockScales = std::move(scales);
  weights.blockSize = blockSize;
  return success();
}
