//===- Compiler.h - the bitnet-compile driver as a library ------*- C++ -*-===//
//
// ONNX model (or .mlir at the onnx, bitnet or LLVM stage) -> MLIR text, LLVM
// IR, assembly, an object or a shared library, plus an optional C header.
// docs/compile.md describes the tool built on it.
//
//===----------------------------------------------------------------------===//
#ifndef BITNET_MLIR_DRIVER_COMPILER_H
#define BITNET_MLIR_DRIVER_COMPILER_H

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/LogicalResult.h"
#include <optional>
#include <string>

namespace mlir::bitnet {

/// Pipeline stages: how far compilation runs for .mlir output (--emit), and
/// where a .mlir input stands.
enum class EmitStage { Onnx, Bitnet, LLVM };

struct CompileOptions {
  /// .onnx/.onnxtext (importer), .mlir or "-" (MLIR text).
  std::string inputPath;
  /// Its extension picks the output: .mlir, .ll, .bc, .s, .o or .so; "-"
  /// writes MLIR text to stdout.
  std::string outputPath = "-";
  /// Stage for .mlir output; native outputs always compile to the end.
  EmitStage emitStage = EmitStage::LLVM;
  /// Empty: the host.
  std::string targetTriple;
  /// Empty: the host CPU for the host, "generic" when cross-compiling.
  std::string targetCpu;
  /// 0 to 3.
  unsigned optLevel = 2;
  /// Empty: no header.
  std::string headerPath;
  /// Empty: derived from the output file name.
  std::string modelName;
  bool strict = false;
  /// auto, binary1, ternary2 or ternary_base3.
  std::string encoding = "auto";
  /// Packed weight layout: auto (the layout each matmul's kernel streams;
  /// row_major for the reference kernel), or row_major, row_interleaved or
  /// tiled, which only kernels streaming that layout (or any) may then take
  /// (docs/packed-formats.md).
  std::string packedLayout = "auto";
  /// Kernel strategy: auto (the best one for the target, per matmul) or a
  /// name (lib/Kernels/Strategies.def) to use wherever it can run.
  std::string kernel = "auto";
  /// C compiler driver that links .so outputs; empty: searched on PATH.
  std::string linker;

  /// --report: "" (none), "text" or "json" (docs/compile.md, "--report").
  std::string reportFormat;
  /// Empty: stdout, or stderr when the compiled output goes to stdout.
  std::string reportPath;
  /// The size every dynamic dimension counts as (1: per token).
  int64_t reportTokens = 1;
  /// Precision of the float baseline: fp16 or fp32.
  std::string reportBaseline = "fp16";
  /// Print wall time per driver phase and pass to stderr (as --mlir-timing).
  bool timePasses = false;
  /// Print pass statistics and the compile statistics (constants and bytes
  /// per stage, bytes freed, peak RSS, total time) to stderr.
  bool stats = false;
  /// The progress line on stderr: nullopt shows it when stderr is a terminal.
  std::optional<bool> progress;
  /// x86-64: constant bytes above which large globals are large data;
  /// nullopt: the target's default (CPUTargetOptions).
  std::optional<uint64_t> largeDataTotalBytes;
  /// Constants of at least this many bytes become dense_resource blobs
  /// (process-wide, setResourceThresholdBytes); nullopt: 64 KiB. For tests.
  std::optional<int64_t> resourceThresholdBytes;
};

/// Imports, compiles and writes what the options ask for. Applies MLIR's
/// pass-manager and timing command-line options when registered. Every
/// error is a diagnostic through the context's handler: at the input's
/// locations for problems of the model, at UnknownLoc for the rest (options,
/// files, targets, the linker).
LogicalResult compileModel(MLIRContext &context, const CompileOptions &options);

} // namespace mlir::bitnet

#endif // BITNET_MLIR_DRIVER_COMPILER_H
