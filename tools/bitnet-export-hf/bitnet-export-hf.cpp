//===- bitnet-export-hf.cpp - Hugging Face BitNet checkpoint -> ONNX -------===//
//
// A thin main around exportCheckpoint (lib/HFExport); docs/hf-checkpoints.md
// is the manual. Errors print as "bitnet-export-hf: error: ..." and exit 1.
//
//===----------------------------------------------------------------------===//
#include "bitnet-mlir/HFExport/Export.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

static cl::OptionCategory category("bitnet-export-hf options");
static cl::opt<std::string> checkpointDir(cl::Positional, cl::Required,
                                          cl::desc("<checkpoint directory>"),
                                          cl::cat(category));
static cl::opt<std::string> outputPath("o", cl::Required, cl::value_desc("file"),
                                       cl::desc("the ONNX decoder to write"),
                                       cl::cat(category));
static cl::opt<bool> externalData(
    "external-data", cl::cat(category),
    cl::desc("write initializers of 1 KiB or more to <output>.data (ONNX "
             "external data; needed past protobuf's 2 GiB)"));
static cl::opt<bool> allowUnknownKeys(
    "allow-unknown-config-keys", cl::cat(category),
    cl::desc("config.json keys the exporter does not know are warnings"));
static cl::opt<bool> quiet("quiet", cl::cat(category),
                           cl::desc("no summary line on success"));

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "Hugging Face BitNet b1.58 checkpoint (config.json, model.safetensors) "
      "to an ONNX decoder with a KV cache\n");
  bitnet::hf::ExportOptions options;
  options.externalData = externalData;
  options.allowUnknownConfigKeys = allowUnknownKeys;
  bitnet::hf::ExportSummary summary;
  std::string error;
  bool ok = bitnet::hf::exportCheckpoint(checkpointDir, outputPath, options,
                                         summary, error);
  for (const std::string &warning : summary.warnings)
    WithColor::warning(errs(), "bitnet-export-hf") << warning << "\n";
  if (!ok) {
    WithColor::error(errs(), "bitnet-export-hf") << error << "\n";
    return 1;
  }
  if (!quiet) {
    outs() << "bitnet-export-hf: wrote " << outputPath << ": " << summary.layers
           << " layers, " << summary.parameters << " parameters, "
           << summary.modelBytes << " bytes";
    if (externalData)
      outs() << " + " << summary.dataBytes << " bytes in " << outputPath << ".data";
    outs() << "\n";
  }
  return 0;
}
