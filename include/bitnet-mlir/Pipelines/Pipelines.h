//===- Pipelines.h - named pass pipelines -----------------------*- C++ -*-===//
//
// The pipelines bitnet-compile runs and bitnet-opt names. Raising is target
// neutral except for kernel selection, which reads the module's
// #bitnet.target; the lowering is composed per target from stages (kernels
// on tensors, bufferization and the ABI, kernels on buffers and parallel
// loops, LLVM), and buildLowerToLLVMPipeline picks the composition from the
// target's architecture as IREE's LLVMCPU pipeline selection does
// (docs/architecture.md).
//
//===----------------------------------------------------------------------===//
#ifndef BITNET_MLIR_PIPELINES_PIPELINES_H
#define BITNET_MLIR_PIPELINES_PIPELINES_H

#include "bitnet-mlir/Transforms/PassOptions.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir::bitnet {

struct RaisePipelineOptions
    : public PassPipelineOptions<RaisePipelineOptions> {
  Option<bool> strict{*this, "strict",
                      llvm::cl::desc("a MatMul with constant weights that is "
                                     "not raised to bitnet is an error"),
                      llvm::cl::init(false)};
  Option<std::string> encoding{
      *this, "encoding",
      llvm::cl::desc("auto, binary1, ternary2 or ternary_base3"),
      llvm::cl::init("auto")};
  Option<std::string> layout{
      *this, "layout",
      llvm::cl::desc("auto (the kernel's; row_major for the reference), "
                     "row_major, row_interleaved or tiled"),
      llvm::cl::init("auto")};
  Option<int64_t> blockRows{
      *this, "block-rows",
      llvm::cl::desc("rows per tile of row_interleaved and tiled layouts "
                     "that no kernel fixes"),
      llvm::cl::init(16)};
  Option<std::string> kernel{
      *this, "kernel",
      llvm::cl::desc("auto, or a kernel strategy to use where it can run"),
      llvm::cl::init("auto")};
};

/// onnx -> onnx+bitnet: fold exporter noise and weight arithmetic, raise
/// BitLinear layers, choose their kernels, pack their weights
/// (`bitnet-raise`).
void buildRaisePipeline(OpPassManager &pm,
                        const RaisePipelineOptions &options);

/// onnx+bitnet on tensors -> LLVM dialect for the module's target (CPU
/// targets today): kernels and linalg on tensors, one-shot bufferization
/// with the entry ABI, kernels on buffers and parallel loops on the
/// runtime's pool, LLVM (`bitnet-lower-to-llvm`).
void buildLowerToLLVMPipeline(OpPassManager &pm);

/// The stages buildLowerToLLVMPipeline composes.
void buildTensorKernelStage(OpPassManager &pm);
void buildBufferizeAndABIStage(OpPassManager &pm);
void buildBufferKernelStage(OpPassManager &pm);
void buildCPUToLLVMStage(OpPassManager &pm);

/// Registers `bitnet-raise`, `bitnet-lower-to-llvm` and `bitnet-compile`
/// (the two in sequence) for bitnet-opt.
void registerPipelines();

} // namespace mlir::bitnet

#endif // BITNET_MLIR_PIPELINES_PIPELINES_H
