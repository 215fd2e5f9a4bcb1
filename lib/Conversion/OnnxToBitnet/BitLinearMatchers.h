//===- BitLinearMatchers.h - prove a MatMul is a BitLinear ------*- C++ -*-===//
//
// The two halves of BitLinear recognition: the weight half inspects the
// folded weight constant (whatever arithmetic produced it), the activation
// half matches the runtime quantization subgraph and checks its constants.
//
//===----------------------------------------------------------------------===//
#ifndef BITNET_LIB_CONVERSION_ONNXTOBITNET_BITLINEARMATCHERS_H
#define BITNET_LIB_CONVERSION_ONNXTOBITNET_BITLINEARMATCHERS_H

#include "Bitnet/BitnetDialect.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Value.h"
#include <string>
#include <vector>

namespace mlir::bitnet {

/// A weight matrix W = scale * T with T in {-1, 0, +1}, as [rows = N, cols
/// = K] (output features by reduction).
struct TernaryWeights {
  int64_t rows = 0;
  int64_t cols = 0;
  std::vector<int8_t> values; // row-major [rows, cols]
  float scale = 0.0f;
};

/// Reads a float weight constant laid out [K, N] (`transposed` = false, as
/// MatMul's B) or [N, K] (`transposed` = true, as Gemm's B with transB) and
/// checks that its values are {-s, 0, +s} up to float rounding (relative
/// 1e-5: training exports add straight-through noise of an ulp or so).
/// On failure, `reason` says why.
FailureOr<TernaryWeights> analyzeTernaryWeights(ElementsAttr weights,
                                                bool transposed,
                                                std::string &reason);

/// How a BitLinear's activations reach its MatMul.
struct ActivationQuantization {
  /// The float activations that are quantized.
  Value input;
  Granularity granularity = Granularity::PerTensor;
  /// Attributes of bitnet.quantize_activations.
  float qmax = 127.0f;
  float eps = 0.0f;
  int64_t clipMin = -128;
  int64_t clipMax = 127;
  bool reciprocal = false;
  /// True when the MatMul sees the dequantized value q / scale (b1.58
  /// spelling). False when it sees x * range / absmax clipped to
  /// [-range, range] without rounding (W1 spelling): the compiler rounds
  /// onto an int8 grid and the MatMul input is q * range / qmax.
  bool dequantized = true;
  float range = 0.0f;
};

/// Matches the activation operand of a MatMul against the absmax
/// quantization spellings we support, looking through the straight-through
/// estimator `x + (q - x)`. On failure, `reason` says what did not match.
FailureOr<ActivationQuantization> matchActivationQuantization(
    Value activation, std::string &reason);

} // namespace mlir::bitnet

#endif // BITNET_LIB_CONVERSION_ONNXTOBITNET_BITLINEARMATCHERS_H
