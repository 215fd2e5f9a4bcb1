//===- bitnet-fuzz-import.cpp - libFuzzer target for the importer ---------===//
//
// Feeds each input to the importer as a model file (binary ONNX, or the ONNX
// text syntax when built with BITNET_FUZZ_ONNX_TEXT), then runs `bitnet-raise`
// on what imports, so constant folding and BitLinear recognition see the
// input's constants too. What bitnet-compile would do with the same file,
// minus code generation. Besides crashes, sanitizer reports and timeouts, it
// aborts when something fails without an error diagnostic: bitnet-compile
// would then exit 1 without saying why. docs/importer.md describes how to run
// it.
//
//===----------------------------------------------------------------------===//
#include "bitnet-mlir/Importer/Importer.h"
#include "bitnet-mlir/Pipelines/Pipelines.h"
#include "bitnet-mlir/Registration/Registration.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <cstdlib>

using namespace mlir;

#ifdef BITNET_FUZZ_ONNX_TEXT
static constexpr llvm::StringLiteral kModelFileName = "model.onnxtext";
#else
static constexpr llvm::StringLiteral kModelFileName = "model.onnx";
#endif

namespace {
/// State shared by every input: the dialects, and a private directory the
/// input is written to (the importer reads files, and resolves external data
/// relative to the model's directory, which holds nothing else).
struct FuzzState {
  DialectRegistry registry;
  llvm::SmallString<128> directory;
  llvm::SmallString<128> modelPath;
};
} // namespace

static FuzzState *state;

static void removeDirectory() {
  if (state)
    (void)llvm::sys::fs::remove_directories(state->directory);
}

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv) {
  state = new FuzzState;
  bitnet::registerAllDialects(state->registry);
  if (std::error_code ec = llvm::sys::fs::createUniqueDirectory(
          "bitnet-fuzz-import", state->directory)) {
    llvm::errs() << "bitnet-fuzz-import: cannot create a temporary directory: "
                 << ec.message() << "\n";
    std::exit(1);
  }
  state->modelPath = state->directory;
  llvm::sys::path::append(state->modelPath, kModelFileName);
  std::atexit(removeDirectory);
  return 0;
}

/// Aborts (a finding) when `what` failed without an error diagnostic.
static void checkReported(bool failed, unsigned errorCount, const char *what) {
  if (failed && errorCount == 0) {
    llvm::errs() << "bitnet-fuzz-import: " << what
                 << " failed without an error diagnostic\n";
    std::abort();
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  {
    std::error_code ec;
    llvm::raw_fd_ostream file(state->modelPath, ec);
    if (ec) {
      llvm::errs() << "bitnet-fuzz-import: cannot write '" << state->modelPath
                   << "': " << ec.message() << "\n";
      std::abort();
    }
    file.write(reinterpret_cast<const char *>(data), size);
  }

  MLIRContext context(state->registry, MLIRContext::Threading::DISABLED);
  unsigned errorCount = 0;
  ScopedDiagnosticHandler countErrors(&context, [&](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error)
      ++errorCount;
    return success();
  });

  OwningOpRef<ModuleOp> module =
      bitnet::importOnnxFile(context, state->modelPath);
  checkReported(!module, errorCount, "the import");
  if (!module)
    return 0;

  PassManager pm(&context, ModuleOp::getOperationName());
  bitnet::buildRaisePipeline(pm, bitnet::RaisePipelineOptions());
  bool pipelineFailed = failed(pm.run(*module));
  checkReported(pipelineFailed, errorCount, "bitnet-raise");
  return 0;
}
