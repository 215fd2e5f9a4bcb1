//===- Pipelines.cpp - named pass pipelines -------------------------------===//
#include "bitnet-mlir/Pipelines/Pipelines.h"

#include "bitnet-mlir/ABI/Passes.h"
#include "bitnet-mlir/Conversion/Passes.h"
#include "bitnet-mlir/Importer/Importer.h"
#include "bitnet-mlir/Kernels/Passes.h"
#include "bitnet-mlir/Transforms/Passes.h"
#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/BufferizationToMemRef/BufferizationToMemRef.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void bitnet::buildRaisePipeline(OpPassManager &pm,
                                const RaisePipelineOptions &options) {
  OpPassManager &funcPm = pm.nest<func::FuncOp>();
  funcPm.addPass(createOnnxFoldConstantsPass());
  funcPm.addPass(createCanonicalizerPass());
  funcPm.addPass(createConvertOnnxToBitnetPass(
      ConvertOnnxToBitnetPassOptions{options.strict}));
  funcPm.addPass(createBitnetSelectKernelsPass(BitnetSelectKernelsPassOptions{
      options.kernel, options.encoding, options.layout}));
  funcPm.addPass(createBitnetPackWeightsPass(BitnetPackWeightsPassOptions{
      options.encoding, options.layout, options.blockRows}));
  funcPm.addPass(createCanonicalizerPass());
  funcPm.addPass(createCSEPass());
}

void bitnet::buildTensorKernelStage(OpPassManager &pm) {
  // The runtime's execution environment, while the arguments are still the
  // graph's.
  pm.addPass(createBitnetAddExecEnvPass());
  // Packed weights as storage tensors; the kernels that run on tensors (the
  // reference); everything else to loops and linalg on tensors.
  OpPassManager &tensorPm = pm.nest<func::FuncOp>();
  tensorPm.addPass(createBitnetMaterializePackedStoragePass());
  tensorPm.addPass(createBitnetLowerKernelsPass(
      BitnetLowerKernelsPassOptions{"tensors"}));
  tensorPm.addPass(createConvertBitnetToSCFPass());
  tensorPm.addPass(createConvertOnnxToLinalgPass());
  tensorPm.addPass(createCanonicalizerPass());
  tensorPm.addPass(createCSEPass());
}

void bitnet::buildBufferizeAndABIStage(OpPassManager &pm) {
  // Buffers: identity layouts at function boundaries. Static results of
  // the entry function become out-parameters the caller allocates; dynamic
  // ones stay results through deallocation, which leaves them to the caller,
  // and are then handed over through descriptors (docs/abi.md).
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  bufferization::OneShotBufferizePassOptions bufferizeOptions;
  bufferizeOptions.bufferizeFunctionBoundaries = true;
  bufferizeOptions.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferizeOptions));
  // Drops the memref iter_args of the in-place loops.
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createBitnetUniqueResultBuffersPass());
  pm.addPass(createBitnetEntryResultsToOutParamsPass());
  bufferization::BufferDeallocationPipelineOptions deallocOptions;
  bufferization::buildBufferDeallocationPipeline(pm, deallocOptions);
  // Clones that make returned buffers owned become alloc + copy.
  pm.addPass(createConvertBufferizationToMemRefPass());
  pm.addPass(createBitnetResultsToDescriptorsPass());
}

void bitnet::buildBufferKernelStage(OpPassManager &pm) {
  // The kernels that run on buffers (vector code per ISA, split into tasks
  // with scf.forall), then the tasks on the runtime's pool; loops left in
  // functions without an environment run in order.
  pm.addNestedPass<func::FuncOp>(createBitnetLowerKernelsPass(
      BitnetLowerKernelsPassOptions{"buffers"}));
  pm.addPass(createBitnetForallToParallelPass());
  pm.addNestedPass<func::FuncOp>(createForallToForLoopPass());
}

void bitnet::buildCPUToLLVMStage(OpPassManager &pm) {
  // Loops.
  OpPassManager &loopsPm = pm.nest<func::FuncOp>();
  loopsPm.addPass(createBitnetLowerStridedCopiesPass());
  loopsPm.addPass(createBitnetExpandDynamicGroupsPass());
  loopsPm.addPass(createConvertLinalgToLoopsPass());
  loopsPm.addPass(createLowerAffinePass());
  loopsPm.addPass(createCanonicalizerPass());
  loopsPm.addPass(createCSEPass());

  // LLVM. The runtime calls _mlir_ciface_main_graph.
  pm.addPass(createBitnetEmitCInterfacePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createBitnetChecksToStatusPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  // No f16/bf16 work for compiler-rt helpers the target's libgcc may lack.
  pm.addPass(createBitnetLegalizeSmallFloatsPass());
  // Math ops with an LLVM intrinsic first (math.roundeven ->
  // llvm.intr.roundeven), libm calls for the rest.
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  // Task bodies into functions the runtime's pool calls.
  pm.addPass(createBitnetOutlineParallelPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createBitnetStripTargetPass());
}

void bitnet::buildLowerToLLVMPipeline(OpPassManager &pm) {
  buildTensorKernelStage(pm);
  buildBufferizeAndABIStage(pm);
  buildBufferKernelStage(pm);
  buildCPUToLLVMStage(pm);
}

void bitnet::registerPipelines() {
  PassPipelineRegistration<RaisePipelineOptions>(
      "bitnet-raise",
      "fold constants, raise BitLinear layers to bitnet ops, pack weights",
      buildRaisePipeline);
  PassPipelineRegistration<>("bitnet-lower-to-llvm",
                             "lower onnx and bitnet ops to the LLVM dialect",
                             buildLowerToLLVMPipeline);
  PassPipelineRegistration<RaisePipelineOptions>(
      "bitnet-compile", "bitnet-raise then bitnet-lower-to-llvm",
      [](OpPassManager &pm, const RaisePipelineOptions &options) {
        buildRaisePipeline(pm, options);
        buildLowerToLLVMPipeline(pm);
      });
}
