//===- BlockedDequantize.cpp - DequantizeLinear weights with block_size ---===//
//
// DequantizeLinear-21 with `block_size` gives each block of block_size
// weights along `axis` its own scale (and zero point). Folded to a float
// constant, a ternary weight has one magnitude per row and block, which the
// folded-weight check (TernaryWeights.cpp) rejects, so onnx-fold-constants
// leaves a MatMul or Gemm weight blocked along K alone and it is read here:
// the codes minus their zero points are the ternary weights, the block
// scales become a [N, K / block_size] weight scale applied to per-block
// partial sums (as for com.microsoft.MatMulNBits).
//
//===----------------------------------------------------------------------===//
#include "BitLinearMatchers.h"

#include "bitnet-mlir/Support/ConstantData.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::onnx_ir;

namespace {

/// A rank-2 constant DequantizeLinear with blocks along `axis`, read: its
/// codes and, in storage order of the scale, scales and zero points.
struct BlockedDequantize {
  ElementsAttr codes;
  int64_t dim0 = 0, dim1 = 0;
  int64_t axis = 0;
  int64_t blockSize = 0;
  std::vector<float> scales;
  std::vector<int64_t> zeroPoints;

  /// The index into `scales` and `zeroPoints` of code (i, j).
  int64_t scaleIndex(int64_t i, int64_t j) const {
    int64_t blocks1 = axis == 1 ? (dim1 + blockSize - 1) / blockSize : dim1;
    return axis == 0 ? (i / blockSize) * blocks1 + j
                     : i * blocks1 + j / blockSize;
  }

  /// Calls fn(i, j, code - zero point) in storage order; stops when fn
  /// returns false.
  LogicalResult forEachLevel(
      llvm::function_ref<bool(int64_t, int64_t, int64_t)> fn) const {
    int64_t i = 0, j = 0;
    return forEachIntValue(codes, [&](int64_t code) {
      int64_t level = code - zeroPoints[scaleIndex(i, j)];
      bool more = fn(i, j, level);
      if (++j == dim1) {
        j = 0;
        ++i;
      }
      return more;
    });
  }
};

FailureOr<BlockedDequantize> readBlockedDequantize(DequantizeLinearOp op,
                                                   std::string &reason) {
  BlockedDequantize result;
  result.codes = getConstantElements(op.getX());
  ElementsAttr scales = getConstantElements(op.getXScale());
  ElementsAttr zeroPoints;
  bool hasZeroPoints = !isa<NoneType>(op.getXZeroPoint().getType());
  if (hasZeroPoints)
    zeroPoints = getConstantElements(op.getXZeroPoint());
  auto type = dyn_cast<RankedTensorType>(op.getY().getType());
  if (!result.codes || !scales || (hasZeroPoints && !zeroPoints) || !type ||
      !type.hasStaticShape() || type.getRank() != 2 ||
      !type.getElementType().isF32() || op.getBlockSize() <= 0) {
    reason = "the blocked DequantizeLinear weight is not a rank-2 f32 "
             "dequantization of constants";
    return failure();
  }
  result.dim0 = type.getDimSize(0);
  result.dim1 = type.getDimSize(1);
  result.axis = op.getAxis() < 0 ? op.getAxis() + 2 : op.getAxis();
  result.blockSize = op.getBlockSize();
  int64_t count = scales.getNumElements();
  int64_t blocks = (result.axis == 0 ? result.dim0 : result.dim1) +
                   result.blockSize - 1;
  blocks /= result.blockSize;
  if (result.axis > 1 ||
      count != blocks * (result.axis == 0 ? result.dim1 : result.dim0)) {
    reason = "the blocked DequantizeLinear scale does not have one element "
             "per block";
    return failure();
  }
  result.zeroPoints.assign(count, 0);
  if (failed(forEachFloatValue(scales, [&](double v) {
        result.scales.push_back(static_cast<float>(v));
        return true;
      })) ||
      (zeroPoints && zeroPoints.getNumElements() != count)) {
    reason = "the blocked DequantizeLinear scales or zero points cannot be "
             "read";
    return failure();
  }
  if (zeroPoints) {
    int64_t index = 0;
    if (failed(forEachIntValue(zeroPoints, [&](int64_t v) {
          result.zeroPoints[index++] = v;
          return true;
        }))) {
      reason = "the blocked DequantizeLinear zero points cannot be read";
      return failure();
    }
  }
  return result;
}

} // namespace

bool bitnet::isConstantBlockedDequantize(DequantizeLinearOp op) {
  return op.getBlockSize() > 0 && getConstantElements(op.getX()) &&
         getConstantElements(op.getXScale()) &&
         (isa<NoneType>(op.getXZeroPoint().getType()) ||
          getConstantElements(op.getXZeroPoint()));
}

FailureOr<TernaryWeights>
bitnet::analyzeBlockedDequantize(DequantizeLinearOp op, bool transposed,
                                 std::string &reason) {
  FailureOr<BlockedDequantize> read = readBlockedDequantize(op, reason);
  if (failed(read))
    return failure();
  int64_t kAxis = transposed ? 1 : 0;
  if (read->axis != kAxis) {
    reason = "the DequantizeLinear blocks run along the output features N, "
             "not the reduction K";
    return failure();
  }
  TernaryWeights result;
  result.rows = transposed ? read->dim0 : read->dim1;
  result.cols = transposed ? read->dim1 : read->dim0;
  result.values.assign(result.rows * result.cols, 0);
  bool ternary = true;
  if (failed(read->forEachLevel([&](int64_t i, int64_t j, int64_t level) {
        int64_t row = transposed ? i : j, col = transposed ? j : i;
        if (level < -1 || level > 1) {
          llvm::raw_string_ostream os(reason);
          os << "codes are not ternary: output row " << row << ", column "
             << col << " has code - zero_point = " << level;
          ternary = false;
          return false;
        }
        result.values[row * result.cols + col] = static_cast<int8_t>(level);
        return true;
      }))) {
    reason = "the blocked DequantizeLinear codes cannot be read";
    return failure();
  }
  if (!ternary)
    return failure();
  // Scales as [N, blocks]: the scale tensor is [blocks, N] (axis 0 of B
  // [K, N]) or [N, blocks] (axis 1 of B [N, K]).
  int64_t blocks = (result.cols + read->blockSize - 1) / read->blockSize;
  std::vector<float> scales(result.rows * blocks);
  for (int64_t n = 0; n < result.rows; ++n)
    for (int64_t b = 0; b < blocks; ++b)
      scales[n * blocks + b] =
          read->scales[transposed ? n * blocks + b : b * result.rows + n];
  if (failed(setBlockScales(result, std::move(scales), read->blockSize,
                            reason)))
    return failure();
  return result;
}

Value bitnet::foldBlockedDequantize(DequantizeLinearOp op,
                                    PatternRewriter &rewriter) {
  std::string ignored;
  if (!isConstantBlockedDequantize(op))
    return {};
  FailureOr<BlockedDequantize> read = readBlockedDequantize(op, ignored);
  if (failed(read))
    return {};
  auto type = cast<RankedTensorType>(op.getY().getType());
  ConstantBuffer bytes(type.getNumElements() * sizeof(float), alignof(float));
  auto *values = reinterpret_cast<float *>(bytes.getData().data());
  // float(code - zp) * scale in f32: the product of two floats is exact in
  // double, so one rounding.
  if (failed(read->forEachLevel([&](int64_t i, int64_t j, int64_t level) {
        double difference = static_cast<float>(level);
        values[i * read->dim1 + j] = static_cast<float>(
            difference * read->scales[read->scaleIndex(i, j)]);
        return true;
      })))
    return {};
  std::optional<StringRef> name = getNodeName(op->getLoc());
  ElementsAttr attr =
      createConstantAttr(type, std::move(bytes), name.value_or("folded"));
  return ConstantOp::create(rewriter, op.getLoc(), type, attr);
}
