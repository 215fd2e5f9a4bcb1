//===- Importer.h - ONNX model -> onnx dialect ------------------*- C++ -*-===//
#ifndef BITNET_MLIR_IMPORTER_IMPORTER_H
#define BITNET_MLIR_IMPORTER_IMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/StringRef.h"

namespace mlir::bitnet {

/// Name of the function the importer creates for the ONNX graph.
inline constexpr llvm::StringLiteral kEntryFunctionName = "main_graph";

/// Argument/result attribute holding the ONNX input/output name.
inline constexpr llvm::StringLiteral kOnnxNameAttr = "onnx.name";

/// Argument/result attribute holding the ONNX dim_param of each dimension of
/// a graph input/output ("" where it has none); absent when none has one.
inline constexpr llvm::StringLiteral kOnnxDimParamsAttr = "onnx.dim_params";

struct ImportOptions {
  /// Run ONNX shape inference before import (types of intermediate values).
  bool shapeInference = true;
  /// When set, the import's phases (load, check, shape inference, build) are
  /// timed as timers nested in it.
  TimingScope *timing = nullptr;
};

/// Reads an ONNX model (binary protobuf, or the ONNX text syntax when the
/// file ends in .onnxtext) with its external-data files and returns a module
/// holding one `func.func @main_graph` in the onnx dialect. On bad input,
/// emits a diagnostic naming the file, node and op type, and returns null.
/// Opsets 7 to 21 of the default domain (1 to 6 for ops that kept their
/// opset-7 form); see docs/importer.md.
OwningOpRef<ModuleOp> importOnnxFile(MLIRContext &context, llvm::StringRef path,
                                     const ImportOptions &options = {});

} // namespace mlir::bitnet

#endif // BITNET_MLIR_IMPORTER_IMPORTER_H
