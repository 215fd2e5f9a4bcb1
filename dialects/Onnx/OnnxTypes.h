//===- OnnxTypes.h - ONNX data types as MLIR types --------------*- C++ -*-===//
//
// ONNX names element types by TensorProto.DataType codes; the importer, the
// Cast verifier and the runtime header generator all translate through here.
// Signed integers are signless (what arith and linalg expect); unsigned ones
// keep their unsigned MLIR type so that no sign is lost before lowering.
//
//===----------------------------------------------------------------------===//
#ifndef BITNET_DIALECTS_ONNX_ONNXTYPES_H
#define BITNET_DIALECTS_ONNX_ONNXTYPES_H

#include "mlir/IR/Types.h"
#include "llvm/ADT/StringRef.h"
#include <cstdint>
#include <optional>

namespace mlir::onnx_ir {

/// The MLIR element type of an ONNX data type code, or null for codes the
/// compiler does not support (strings, complex, float8).
Type getElementTypeForOnnxCode(MLIRContext *context, int64_t code);

/// The ONNX data type code of an MLIR element type, if it has one.
std::optional<int64_t> getOnnxCodeForElementType(Type type);

/// The ONNX spelling of a data type code ("FLOAT", "INT64", ...).
llvm::StringRef getOnnxDataTypeName(int64_t code);

} // namespace mlir::onnx_ir

#endif // BITNET_DIALECTS_ONNX_ONNXTYPES_H
