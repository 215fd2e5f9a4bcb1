//===- OnnxDialect.h - the onnx dialect -------------------------*- C++ -*-===//
#ifndef BITNET_DIALECTS_ONNX_ONNXDIALECT_H
#define BITNET_DIALECTS_ONNX_ONNXDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Traits.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "Onnx/OnnxDialect.h.inc"

#define GET_OP_CLASSES
#include "Onnx/OnnxOps.h.inc"

#include "Onnx/OnnxTypes.h"

namespace mlir::onnx_ir {
/// The ONNX node name the importer attached to `loc` (its first NameLoc,
/// also inside fused and call-site locations), if any.
std::optional<StringRef> getNodeName(Location loc);

/// "node '<name>' (<OpType>)" for diagnostics: the ONNX node name comes from
/// the NameLoc the importer attaches, the op type from the op name.
std::string describeNode(Operation *op);
} // namespace mlir::onnx_ir

#endif // BITNET_DIALECTS_ONNX_ONNXDIALECT_H
