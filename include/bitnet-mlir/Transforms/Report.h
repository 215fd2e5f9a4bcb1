//===- Report.h - parameters, bytes and arithmetic energy per layer -*- C++ -*-===//
//
// The analysis behind `bitnet-compile --report` and the bitnet-report pass:
// per matmul-like op of a bitnet-stage module, its parameters and bytes (FP16
// against the compiled storage) and its arithmetic (an FP16 or FP32 baseline
// against the compiled graph) with the per-operation energies of the BitNet
// paper (docs/compile.md, "--report").
//
//===----------------------------------------------------------------------===//
#ifndef BITNET_MLIR_TRANSFORMS_REPORT_H
#define BITNET_MLIR_TRANSFORMS_REPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/raw_ostream.h"
#include <memory>
#include <string>
#include <vector>

namespace mlir::bitnet {

/// Precision classes of the energy table.
enum class PrecisionClass { FP32, FP16, INT8 };

/// Energy of one operation in pJ (BitNet paper, from Horowitz 2014 and Zhang
/// et al. 2022).
struct OperationEnergy {
  double add45nm, add7nm, mul45nm, mul7nm;
};
OperationEnergy getOperationEnergy(PrecisionClass precision);
StringRef getPrecisionName(PrecisionClass precision);

/// Adds and multiplies by precision class (indexed by PrecisionClass) of one
/// layer or a total, and their energy in joules.
struct ArithmeticCount {
  double adds[3] = {0, 0, 0}, muls[3] = {0, 0, 0};
  double addJoules(bool at7nm) const;
  double mulJoules(bool at7nm) const;
  ArithmeticCount &operator+=(const ArithmeticCount &other);
};

/// FP matmul (m x n by n x p) at one precision: m(n-1)p adds, mnp muls.
ArithmeticCount countFloatMatmul(double m, double n, double p,
                                 PrecisionClass precision);
/// BitLinear: the same number of INT8 adds; only the (mp + mn) multiplies
/// of the rescale and the activation quantization, at `mulClass`.
ArithmeticCount countBitLinear(double m, double n, double p,
                               PrecisionClass mulClass);

struct LayerReport {
  /// The ONNX node name, or "<op>#<index>" without one.
  std::string name;
  /// The op that computes it, e.g. "bitnet.packed_matmul", "onnx.MatMul".
  std::string op;
  /// True: a BitLinear (int8 x binary/ternary); false: the float path.
  bool bitLinear = false;
  /// binary1 / ternary2 / int8 (unpacked) for a BitLinear, else "".
  std::string encoding;
  /// Why a float MatMul/Gemm was not raised, when known.
  std::string reason;
  /// Rows of the product (tokens, times batch), reduction length, outputs.
  double m = 0, n = 0, p = 0;
  /// Weights plus bias of the layer in the source model (0 when B is not a
  /// constant, e.g. attention's Q x K^T).
  int64_t parameters = 0;
  /// 2 bytes per parameter.
  int64_t bytesFP16 = 0;
  /// What the compiled graph stores: packed weights, f32 scales and bias
  /// (BitLinear); the constants' own element types (float path).
  int64_t bytesCompiled = 0;
  ArithmeticCount baseline, compiled;
};

struct ModelReport {
  /// The size every dynamic dimension is counted as.
  int64_t tokens = 1;
  /// Whether any counted shape had a dynamic dimension.
  bool hasDynamicDims = false;
  PrecisionClass baseline = PrecisionClass::FP16;
  std::vector<LayerReport> layers;
  /// Ops that are neither layers nor constants, with how often they occur.
  std::vector<std::pair<std::string, int64_t>> notCounted;
};

struct ReportOptions {
  int64_t tokens = 1;
  PrecisionClass baseline = PrecisionClass::FP16;
};

/// Remark text (after "kept on the float path: ") by the location of the
/// MatMul/Gemm that recognition kept float.
using FloatPathReasons = llvm::DenseMap<Location, std::string>;

/// Analyzes every function of `module`.
ModelReport analyzeModel(ModuleOp module, const ReportOptions &options,
                         const FloatPathReasons *reasons = nullptr);

void printReportText(const ModelReport &report, llvm::raw_ostream &os);
/// One JSON object; the schema is in docs/compile.md.
void printReportJson(const ModelReport &report, llvm::raw_ostream &os);

/// "fp16"/"fp32" -> the class; failure otherwise.
FailureOr<PrecisionClass> parseBaselinePrecision(StringRef name);

/// The bitnet-report pass for the driver: writes the report (`json` or
/// text) to `os`, with the reasons recognition gave (may be null).
std::unique_ptr<Pass>
createBitnetReportPass(const ReportOptions &options, bool json,
                       llvm::raw_ostream &os,
                       std::shared_ptr<const FloatPathReasons> reasons);

} // namespace mlir::bitnet

#endif // BITNET_MLIR_TRANSFORMS_REPORT_H
