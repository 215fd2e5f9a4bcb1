//===- Compiler.h - the bitnet-compile driver as a library ------*- C++ -*-===//
#ifndef BITNET_MLIR_DRIVER_COMPILER_H
#define BITNET_MLIR_DRIVER_COMPILER_H

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/LogicalResult.h"
#include <string>

namespace mlir::bitnet {

/// How far the pipeline runs when the output is MLIR text.
enum class EmitStage { Onnx, Bitnet, LLVM };

struct CompileOptions {
  std::string inputPath;
  /// "-" writes to stdout (MLIR stages only).
  std::string outputPath = "-";
  /// Stage for .mlir output; ignored for native outputs.
  EmitStage emitStage = EmitStage::LLVM;
  /// Empty: the host.
  std::string targetTriple;
  std::string targetCpu;
  unsigned optLevel = 2;
  /// Empty: no header.
  std::string headerPath;
  /// Empty: derived from the output file name.
  std::string modelName;
  bool strict = false;
  std::string encoding = "auto";
};

/// Imports, compiles and writes what the options ask for; diagnostics go
/// through the context's handler.
LogicalResult compileModel(MLIRContext &context, const CompileOptions &options);

} // namespace mlir::bitnet

#endif // BITNET_MLIR_DRIVER_COMPILER_H
