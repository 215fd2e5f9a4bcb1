//===- ExecEnv.h - reading bitnet_exec_env from generated code --*- C++ -*-===//
//
// Lowerings that call back into the runtime read the fields of the entry
// function's `const bitnet_exec_env *` (docs/abi.md) with these builders.
// They emit LLVM-dialect loads next to ordinary ops (before the lowering to
// LLVM), guarded by a null check: internal callers of the entry function
// pass no environment and get `fallback`.
//
//===----------------------------------------------------------------------===//
#ifndef BITNET_MLIR_ABI_EXECENV_H
#define BITNET_MLIR_ABI_EXECENV_H

#include "bitnet-mlir/ABI/RuntimeABI.h"
#include "mlir/IR/Builders.h"

namespace mlir::bitnet {

/// The environment argument of the function enclosing `op`, or an
/// `llvm.mlir.zero` pointer created at `b` when it has none.
Value getExecEnvOrNull(OpBuilder &b, Operation *op);

/// env->field (of integer type `type`), or `fallback` (of that type) when
/// env is null.
Value loadExecEnvField(OpBuilder &b, Location loc, Value env,
                       abi::ExecEnvField field, Type type, Value fallback);

/// The number of threads parallel work should be split into, as an index
/// (1 without an environment).
Value loadNumThreads(OpBuilder &b, Location loc, Value env);

/// Whether the CPU has every BITNET_CPU_* bit of `required` (i1):
/// env->cpu_features, or the compile-time `baseline` bits without an
/// environment.
Value hasCpuFeatures(OpBuilder &b, Location loc, Value env, uint64_t required,
                     uint64_t baseline);

} // namespace mlir::bitnet

#endif // BITNET_MLIR_ABI_EXECENV_H
