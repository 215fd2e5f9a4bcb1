//===- Compiler.cpp - the bitnet-compile driver as a library --------------===//
#include "bitnet-mlir/Driver/Compiler.h"

#include "bitnet-mlir/Importer/Importer.h"
#include "bitnet-mlir/Pipelines/Pipelines.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;

LogicalResult bitnet::compileModel(MLIRContext &context,
                                   const CompileOptions &options) {
  OwningOpRef<ModuleOp> module = importOnnxFile(context, options.inputPath);
  if (!module)
    return failure();

  PassManager pm(&context);
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  if (options.emitStage != EmitStage::Onnx) {
    RaisePipelineOptions raiseOptions;
    raiseOptions.strict = options.strict;
    raiseOptions.encoding = options.encoding;
    buildRaisePipeline(pm, raiseOptions);
  }
  if (options.emitStage == EmitStage::LLVM)
    buildLowerToLLVMPipeline(pm);
  if (failed(pm.run(*module)))
    return failure();

  std::string errorMessage;
  std::unique_ptr<llvm::ToolOutputFile> output =
      openOutputFile(options.outputPath, &errorMessage);
  if (!output) {
    emitError(UnknownLoc::get(&context)) << errorMessage;
    return failure();
  }
  module->print(output->os());
  output->keep();
  return success();
}
