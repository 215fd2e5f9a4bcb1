//===- bitnet-opt.cpp - mlir-opt with the bitnet dialects and passes ------===//
#include "bitnet-mlir/Pipelines/Pipelines.h"
#include "bitnet-mlir/Registration/Registration.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::bitnet::registerAllDialects(registry);
  mlir::bitnet::registerAllPasses();
  mlir::bitnet::registerPipelines();
  llvm::cl::AddExtraVersionPrinter([](llvm::raw_ostream &os) {
    os << "bitnet-opt " << BITNET_MLIR_VERSION << "\n";
  });
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "bitnet-mlir optimizer driver\n", registry));
}
