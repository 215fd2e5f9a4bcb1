//===- Pipelines.cpp - named pass pipelines -------------------------------===//
#include "bitnet-mlir/Pipelines/Pipelines.h"

#include "bitnet-mlir/Conversion/Passes.h"
#include "bitnet-mlir/Importer/Importer.h"
#include "bitnet-mlir/Transforms/Passes.h"
#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
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
  funcPm.addPass(createBitnetPackWeightsPass(
      BitnetPackWeightsPassOptions{options.encoding}));
  funcPm.addPass(createCanonicalizerPass());
  funcPm.addPass(createCSEPass());
}

void bitnet::buildLowerToLLVMPipeline(OpPassManager &pm) {
  OpPassManager &tensorPm = pm.nest<func::FuncOp>();
  tensorPm.addPass(createConvertBitnetToSCFPass());
  tensorPm.addPass(createConvertOnnxToLinalgPass());
  tensorPm.addPass(createCanonicalizerPass());
  tensorPm.addPass(createCSEPass());

  bufferization::OneShotBufferizePassOptions bufferizeOptions;
  bufferizeOptions.bufferizeFunctionBoundaries = true;
  bufferizeOptions.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferizeOptions));
  // Outputs become caller-allocated out-parameters (docs/abi.md).
  bufferization::BufferResultsToOutParamsPassOptions outParamsOptions;
  outParamsOptions.hoistStaticAllocs = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParamsOptions));
  bufferization::BufferDeallocationPipelineOptions deallocOptions;
  bufferization::buildBufferDeallocationPipeline(pm, deallocOptions);

  OpPassManager &loopsPm = pm.nest<func::FuncOp>();
  loopsPm.addPass(createConvertLinalgToLoopsPass());
  loopsPm.addPass(createLowerAffinePass());
  loopsPm.addPass(createCanonicalizerPass());

  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
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
