//===- PipelinePasses.h - passes of the lowering pipeline -------*- C++ -*-===//
//
// Not a public header: only lib/Pipelines builds and registers these.
//
//===----------------------------------------------------------------------===//
#ifndef BITNET_LIB_PIPELINES_PIPELINEPASSES_H
#define BITNET_LIB_PIPELINES_PIPELINEPASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::bitnet {

/// Marks the `!llvm.ptr` argument through which the entry function hands a
/// dynamically shaped result to the caller (one per such result, in order).
inline constexpr llvm::StringLiteral kResultDescriptorAttr =
    "bitnet.result_descriptor";

#define GEN_PASS_DECL
#include "PipelinePasses.h.inc"

#define GEN_PASS_REGISTRATION
#include "PipelinePasses.h.inc"

} // namespace mlir::bitnet

#endif // BITNET_LIB_PIPELINES_PIPELINEPASSES_H
