//===- Passes.h - passes that shape the entry ABI ---------------*- C++ -*-===//
#ifndef BITNET_MLIR_ABI_PASSES_H
#define BITNET_MLIR_ABI_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::bitnet {

/// Marks the `!llvm.ptr` argument through which the entry function hands a
/// dynamically shaped result to the caller (one per such result, in order).
inline constexpr llvm::StringLiteral kResultDescriptorAttr =
    "bitnet.result_descriptor";
/// Marks the entry function's `const bitnet_exec_env *` argument.
inline constexpr llvm::StringLiteral kExecEnvAttr = "bitnet.exec_env";

/// The execution-environment argument of `func` (kExecEnvAttr), or null.
Value getExecEnvArgument(FunctionOpInterface func);

#define GEN_PASS_DECL
#include "bitnet-mlir/ABI/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "bitnet-mlir/ABI/Passes.h.inc"

} // namespace mlir::bitnet

#endif // BITNET_MLIR_ABI_PASSES_H
