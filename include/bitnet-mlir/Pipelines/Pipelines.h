//===- Pipelines.h - named pass pipelines -----------------------*- C++ -*-===//
#ifndef BITNET_MLIR_PIPELINES_PIPELINES_H
#define BITNET_MLIR_PIPELINES_PIPELINES_H

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
  Option<std::string> layout{*this, "layout",
                             llvm::cl::desc("row_major or row_interleaved"),
                             llvm::cl::init("row_major")};
  Option<int64_t> blockRows{
      *this, "block-rows",
      llvm::cl::desc("rows per tile of row_interleaved (2 to 256)"),
      llvm::cl::init(16)};
};

/// onnx -> onnx+bitnet: fold exporter noise and weight arithmetic, raise
/// BitLinear layers, pack their weights (`bitnet-raise`).
void buildRaisePipeline(OpPassManager &pm,
                        const RaisePipelineOptions &options);

/// onnx+bitnet on tensors -> LLVM dialect: lowering to loops on tensors,
/// one-shot bufferization with caller-allocated outputs, loops to LLVM
/// (`bitnet-lower-to-llvm`). The entry function gets a C interface.
void buildLowerToLLVMPipeline(OpPassManager &pm);

/// Registers `bitnet-raise`, `bitnet-lower-to-llvm` and `bitnet-compile`
/// (the two in sequence) for bitnet-opt.
void registerPipelines();

} // namespace mlir::bitnet

#endif // BITNET_MLIR_PIPELINES_PIPELINES_H
