//===- Passes.h - kernel selection and lowering -----------------*- C++ -*-===//
#ifndef BITNET_MLIR_KERNELS_PASSES_H
#define BITNET_MLIR_KERNELS_PASSES_H

#include "Bitnet/BitnetDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::bitnet {

#define GEN_PASS_DECL
#include "bitnet-mlir/Kernels/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "bitnet-mlir/Kernels/Passes.h.inc"

} // namespace mlir::bitnet

#endif // BITNET_MLIR_KERNELS_PASSES_H
