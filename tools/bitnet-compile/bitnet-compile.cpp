//===- bitnet-compile.cpp - ONNX model -> native code ---------------------===//
#include "bitnet-mlir/Driver/Compiler.h"
#include "bitnet-mlir/Registration/Registration.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

static cl::opt<std::string> inputPath(cl::Positional, cl::desc("<model.onnx>"),
                                      cl::Required);
static cl::opt<std::string> outputPath("o", cl::desc("output file"),
                                       cl::value_desc("file"), cl::init("-"));
static cl::opt<mlir::bitnet::EmitStage> emitStage(
    "emit", cl::desc("stage of .mlir output"),
    cl::values(clEnumValN(mlir::bitnet::EmitStage::Onnx, "onnx",
                          "imported onnx dialect"),
               clEnumValN(mlir::bitnet::EmitStage::Bitnet, "bitnet",
                          "after BitLinear raising and weight packing"),
               clEnumValN(mlir::bitnet::EmitStage::LLVM, "llvm",
                          "LLVM dialect")),
    cl::init(mlir::bitnet::EmitStage::LLVM));

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  mlir::registerPassManagerCLOptions();
  cl::AddExtraVersionPrinter([](raw_ostream &os) {
    os << "bitnet-compile " << BITNET_MLIR_VERSION << "\n";
  });
  cl::ParseCommandLineOptions(argc, argv, "bitnet-mlir model compiler\n");

  mlir::DialectRegistry registry;
  mlir::bitnet::registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  mlir::bitnet::CompileOptions options;
  options.inputPath = inputPath;
  options.outputPath = outputPath;
  options.emitStage = emitStage;
  return mlir::succeeded(mlir::bitnet::compileModel(context, options)) ? 0 : 1;
}
