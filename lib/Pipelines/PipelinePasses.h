//===- PipelinePasses.h - passes of the lowering pipeline -------*- C++ -*-===//
//
// Not a public header: only lib/Pipelines builds and registers these.
//
//===----------------------------------------------------------------------===//
#ifndef BITNET_LIB_PIPELINES_PIPELINEPASSES_H
#define BITNET_LIB_PIPELINES_PIPELINEPASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::bitnet {

#define GEN_PASS_DECL
#include "PipelinePasses.h.inc"

#define GEN_PASS_REGISTRATION
#include "PipelinePasses.h.inc"

} // namespace mlir::bitnet

#endif // BITNET_LIB_PIPELINES_PIPELINEPASSES_H
