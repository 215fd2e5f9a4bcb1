//===- Registration.cpp - dialects and passes the tools load --------------===//
#include "bitnet-mlir/Registration/Registration.h"

#include "Bitnet/BitnetDialect.h"
#include "Onnx/OnnxDialect.h"
#include "bitnet-mlir/ABI/Passes.h"
#include "bitnet-mlir/Conversion/Passes.h"
#include "bitnet-mlir/Kernels/Passes.h"
#include "bitnet-mlir/Transforms/Passes.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"

using namespace mlir;

void bitnet::registerAllDialects(DialectRegistry &registry) {
  registry.insert<onnx_ir::OnnxDialect, bitnet::BitnetDialect>();
  bitnet::registerBufferizableOpInterfaceExternalModels(registry);
  // Upstream dialects with their bufferization and LLVM-lowering models:
  // everything a stage of the pipeline may print or parse.
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
}

void bitnet::registerAllPasses() {
  mlir::registerAllPasses();
  bitnet::registerBitnetConversionPasses();
  bitnet::registerBitnetTransformsPasses();
  bitnet::registerBitnetABIPasses();
  bitnet::registerBitnetKernelsPasses();
}
