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
#include "Onnx/OnnxDialect.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/PatternMatch.h"
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
  /// One scale per output row when the rows differ (else empty, `scale`).
  std::vector<float> rowScales;
  /// [rows, cols / blockSize] scales of blocks of `blockSize` along K when a
  /// row's blocks differ (else empty): the rescale applies them to partial
  /// sums (k_group = blockSize).
  std::vector<float> blockScales;
  int64_t blockSize = 0;

  /// The rescale's weight scale: [1], [rows] or [rows, cols / blockSize].
  SmallVector<int64_t> getScaleShape() const;
  std::vector<float> getScales() const;
  /// k_group of the matmul the block scales need (0: none).
  int64_t getKGroup() const { return blockScales.empty() ? 0 : blockSize; }
};

/// Sets the scales of `weights` from per-block ones ([rows, blocks] for
/// blocks of `blockSize` along K): one per row when a row's blocks share it,
/// else the blocks, which need K to be a multiple of `blockSize` (else
/// failure with `reason`).
LogicalResult setBlockScales(TernaryWeights &weights, std::vector<float> scales,
                             int64_t blockSize, std::string &reason);

/// Reads a float weight constant laid out [K, N] (`transposed` = false, as
/// MatMul's B) or [N, K] (`transposed` = true, as Gemm's B with transB) and
/// checks that its values are {-s, 0, +s} up to float rounding (relative
/// 1e-5: training exports add straight-through noise of an ulp or so), for
/// one s or for one s per output row.
/// On failure, `reason` says why.
FailureOr<TernaryWeights> analyzeTernaryWeights(ElementsAttr weights,
                                                bool transposed,
                                                std::string &reason);

/// Whether `op` is a DequantizeLinear with `block_size` (opset 21) whose
/// operands are constants: onnx-fold-constants leaves it for recognition
/// when it is a MatMul or Gemm weight blocked along K.
bool isConstantBlockedDequantize(onnx_ir::DequantizeLinearOp op);

/// Reads a constant blocked DequantizeLinear weight laid out [K, N] (MatMul's
/// B, `transposed` = false) or [N, K] (Gemm's B with transB) with blocks
/// along K: ternary when every code minus its zero point is -1, 0 or +1; the
/// scales are per block ([N, K / block_size]) or, when a row's blocks share
/// one, per row. On failure, `reason` says why.
FailureOr<TernaryWeights>
analyzeBlockedDequantize(onnx_ir::DequantizeLinearOp op, bool transposed,
                         std::string &reason);

/// The f32 constant a blocked DequantizeLinear computes (float(code - zp) *
/// scale, as onnx-fold-constants and onnxruntime do), or null when `op` is
/// not a constant f32 blocked DequantizeLinear of rank 2.
Value foldBlockedDequantize(onnx_ir::DequantizeLinearOp op,
                            PatternRewriter &rewriter);

/// How a BitLinear's activations reach its MatMul.
struct ActivationQuantization {
  /// The float activations that are quantized.
  Value input;
  Granularity granularity = Granularity::PerTensor;
  /// G for per-group scales (groups of G along the last axis).
  int64_t groupSize = 0;
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
  /// Pre-non-linearity variant (PreNonlinearity.cpp): the codes are of
  /// x - eta with eta = min(x), in [0, clipMax]. Not `dequantized`: the
  /// MatMul sees the clipped (x - eta) * range / gamma. `dequantized`: it
  /// sees that times gamma / range plus eta again (the eta correction
  /// before the MatMul), which the rescale undoes with eta * rowsum(W).
  bool shift = false;
  /// gamma = max |x - eta| rather than max |x| (`shifted_absmax`).
  bool shiftedAbsmax = false;
  /// The graph scales as (x - eta) * Q / gamma (`divide`).
  bool divide = false;
};

/// Matches the activation operand of a MatMul against the absmax
/// quantization spellings we support, looking through the straight-through
/// estimator `x + (q - x)`. On failure, `reason` says what did not match.
FailureOr<ActivationQuantization> matchActivationQuantization(
    Value activation, std::string &reason);

//===----------------------------------------------------------------------===//
// Pieces the activation matchers share (ActivationQuantization.cpp)
//===----------------------------------------------------------------------===//

/// The value of a constant with a single element.
std::optional<double> getScalar(Value value);

/// Looks through `p + (q - p)` (either operand order of the Add) to `q`.
Value peelStraightThrough(Value value);

/// The granularity of a ReduceMin over a rank-`rank` value: all axes (per
/// tensor) or the last one with keepdims (per token); none otherwise.
std::optional<Granularity> getReduceMinGranularity(onnx_ir::ReduceMinOp op,
                                                   int64_t rank);

/// g = Clip/Max(ReduceMax(Abs(input)), eps) (or no eps).
struct AbsmaxScale {
  Value input;
  Granularity granularity = Granularity::PerTensor;
  float eps = 0.0f;
  /// g itself.
  Value clamped;
};
FailureOr<AbsmaxScale> matchClampedAbsmax(Value value, std::string &reason);

/// S = Div(Q, g) | Mul(Reciprocal(g), Q).
struct QuantScale {
  AbsmaxScale absmax;
  float qmax = 0.0f;
  bool reciprocal = false;
};
FailureOr<QuantScale> matchQuantScale(Value value, std::string &reason);

/// BitNet's pre-non-linearity quantizer (PreNonlinearity.cpp). Sets
/// `matched` when `value` has its shape (a clip of x - min(x) scaled by Q /
/// gamma); then a failure is a near miss and `reason` says why. Without
/// `matched`, `value` is not of this family.
FailureOr<ActivationQuantization>
matchPreNonlinearity(Value value, bool &matched, std::string &reason);

/// Whether the activation is computed by something that looks like a
/// quantizer (a Round, Floor, Ceil or ReduceMax within a few producers): a
/// near miss that stays float. Otherwise the graph does not quantize
/// activations at all and the layer is weight-only ternary.
bool looksQuantized(Value activation);

/// Marks an op whose float-path remark (or error) was emitted, so that
/// revisits by the greedy driver stay quiet; the pass removes the marks.
inline constexpr llvm::StringLiteral kFloatPathAttr = "bitnet.float_path";

/// Emits the remark "node '<name>' (<op>): kept on the float path: <reason>"
/// once per op (an error in `strict` mode) and returns failure.
LogicalResult reportFloatPath(Operation *op, StringRef reason, bool strict,
                              RewriterBase &rewriter);

/// A float32 constant of `shape` holding `values` (a splat if one value).
Value createF32Constant(PatternRewriter &rewriter, Location loc,
                        ArrayRef<int64_t> shape, ArrayRef<float> values);

/// A weight-only ternary layer (float activations): `bitnet.ternary_matmul`
/// on the float `input` with the [rows, cols] {-1, 0, +1} `codes` (per-group
/// partial sums when `kGroup` > 0), then `bitnet.weight_rescale` by the
/// weight scale ([1], [N] or [N, K/kGroup]) and the optional bias.
Value createWeightOnlyTernary(PatternRewriter &rewriter, Location loc,
                              Value input, RankedTensorType resultType,
                              int64_t rows, int64_t cols,
                              ArrayRef<int8_t> codes,
                              ArrayRef<int64_t> weightScaleShape,
                              ArrayRef<float> weightScale, int64_t kGroup,
                              Value bias);

/// The sums of the [rows, cols] {-1, 0, +1} `codes` per row ([rows], i32),
/// or per row and group of `kGroup` columns ([rows, cols / kGroup]): what
/// `bitnet.rescale ... shift` multiplies eta by.
Value createRowSums(PatternRewriter &rewriter, Location loc,
                    ArrayRef<int8_t> codes, int64_t rows, int64_t cols,
                    int64_t kGroup);

/// bitnet.BitLinear and com.microsoft.MatMulNBits (CustomDomainLinear.cpp).
void populateCustomDomainLinearPatterns(RewritePatternSet &patterns,
                                        bool strict);

} // namespace mlir::bitnet

#endif // BITNET_LIB_CONVERSION_ONNXTOBITNET_BITLINEARMATCHERS_H
