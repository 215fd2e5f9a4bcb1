// PLACEHOLDER: being implemented.
#include "bitnet-mlir/Importer/Importer.h"
#include "mlir/IR/Diagnostics.h"
using namespace mlir;
OwningOpRef<ModuleOp> bitnet::importOnnxFile(MLIRContext &context,
                                             llvm::StringRef path,
                                             const ImportOptions &) {
  emitError(FileLineColLoc::get(&context, path, 0, 0), "importer not built");
  return nullptr;
}
