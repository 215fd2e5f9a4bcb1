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

#endif // BITNET_DIALECTS_ONNX_ONNXDIALECT_H
