//===- bitnet-compile.cpp - ONNX model -> native code ---------------------===//
//
// A thin main around compileModel (lib/Driver); docs/compile.md is the
// manual. Errors that are not about the model's IR print as
// "bitnet-compile: error: ..."; every error exits 1.
//
//===----------------------------------------------------------------------===//
#include "bitnet-mlir/Driver/Compiler.h"
#include "bitnet-mlir/Registration/Registration.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Pass.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"

using namespace llvm;
using mlir::bitnet::EmitStage;

static cl::OptionCategory category("bitnet-compile options");
static cl::OptionCategory mlirCategory("MLIR options");

static cl::opt<std::string> inputPath(cl::Positional, cl::Required,
                                      cl::desc("<model.onnx|.onnxtext|.mlir>"),
                                      cl::cat(category));
static cl::opt<std::string> outputPath(
    "o", cl::init("-"), cl::value_desc("file"), cl::cat(category),
    cl::desc("output; the extension picks it: .mlir (stage: --emit), .ll, "
             ".bc, .s, .o, .so; '-' writes MLIR to stdout"));
static cl::opt<EmitStage> emitStage(
    "emit", cl::desc("stage of .mlir output"), cl::init(EmitStage::LLVM),
    cl::cat(category),
    cl::values(clEnumValN(EmitStage::Onnx, "onnx", "imported onnx dialect"),
               clEnumValN(EmitStage::Bitnet, "bitnet",
                          "after BitLinear raising and weight packing"),
               clEnumValN(EmitStage::LLVM, "llvm", "LLVM dialect (default)")));
static cl::opt<std::string>
    targetTriple("target", cl::value_desc("triple"), cl::cat(category),
                 cl::desc("target triple (default: the host)"));
static cl::opt<std::string> targetCpu(
    "mcpu", cl::value_desc("cpu"), cl::cat(category),
    cl::desc("target CPU (default: the host's for the host, generic for "
             "other targets)"));
static cl::opt<std::string>
    optLevel("O", cl::Prefix, cl::init("2"), cl::value_desc("level"),
             cl::cat(category),
             cl::desc("optimization level: -O0, -O1, -O2 (default), -O3"));
static cl::opt<std::string> headerPath(
    "header", cl::value_desc("file"), cl::cat(category),
    cl::desc("also write a C header declaring the model (docs/compile.md)"));
static cl::opt<std::string> modelName(
    "name", cl::value_desc("name"), cl::cat(category),
    cl::desc("model name in the symbols bitnet_<name>_model and "
             "bitnet_<name>_invoke (default: the output file's stem)"));
static cl::opt<bool> strict(
    "bitnet-strict", cl::cat(category),
    cl::desc("a MatMul with constant weights that is not raised to bitnet "
             "is an error"));
static cl::opt<std::string>
    encoding("encoding", cl::init("auto"), cl::cat(category),
             cl::desc("packed weight encoding: auto, binary1, ternary2 or "
                      "ternary_base3"));
static cl::opt<std::string> packedLayout(
    "packed-layout", cl::init("auto"), cl::cat(category),
    cl::desc("packed weight layout: auto (each kernel's), row_major, "
             "row_interleaved or tiled (then only kernels streaming it)"));
static cl::opt<std::string> kernel(
    "kernel", cl::init("auto"), cl::cat(category),
    cl::desc("kernel strategy of the BitNet matmuls: auto (the best for the "
             "target), or one of those docs/kernels.md lists (reference, "
             "x86, ...) wherever it can run"));
static cl::opt<std::string> linker(
    "linker", cl::value_desc("path"), cl::cat(category),
    cl::desc("C compiler driver that links .so outputs (default: cc, "
             "clang-22, clang or gcc; <triple>-gcc when cross-compiling)"));

static cl::opt<std::string> report(
    "report", cl::ValueOptional, cl::value_desc("text|json"), cl::cat(category),
    cl::desc("print parameters, bytes, arithmetic counts and energy per layer "
             "against an FP16 baseline (docs/compile.md); to stdout, or "
             "stderr when the compiled output goes to stdout"));
static cl::opt<std::string>
    reportFile("report-file", cl::value_desc("file"), cl::cat(category),
               cl::desc("write the report there (implies --report)"));
static cl::opt<int64_t> reportTokens(
    "report-tokens", cl::init(1), cl::value_desc("N"), cl::cat(category),
    cl::desc("--report counts every dynamic dimension as N (default 1: per "
             "token)"));
static cl::opt<std::string> reportBaseline(
    "report-baseline", cl::init("fp16"), cl::value_desc("fp16|fp32"),
    cl::cat(category), cl::desc("precision of the --report baseline"));
static cl::opt<cl::boolOrDefault> progress(
    "progress", cl::cat(category),
    cl::desc("show the running step on one line of stderr (default: when "
             "stderr is a terminal; --progress=false to turn it off)"));

static void printVersion(raw_ostream &os) {
  os << "bitnet-compile " << BITNET_MLIR_VERSION << "\n"
     << "  LLVM/MLIR " << LLVM_VERSION_STRING << "\n"
     << "  default target: " << sys::getProcessTriple()
     << ", host CPU: " << sys::getHostCPUName() << "\n";
}

static cl::opt<uint64_t> largeDataThreshold(
    "large-data-threshold", cl::Hidden, cl::cat(category),
    cl::value_desc("bytes"),
    cl::desc("x86-64: constant bytes above which large constants go to the "
             "large-data sections (default 1 GiB; for testing)"));

static cl::opt<int64_t> resourceThreshold(
    "resource-threshold", cl::Hidden, cl::cat(category),
    cl::value_desc("bytes"),
    cl::desc("constants of at least this many bytes become dense_resource "
             "blobs (default 65536; 0: every initializer, for testing)"));

/// libLLVM already registers --time-passes and --stats (its own pass timing
/// and statistics); bitnet-compile reads them and reports instead (see
/// main), so they are described as ours.
static void adoptLLVMReportOptions() {
  auto &options = cl::getRegisteredOptions();
  if (cl::Option *option = options.lookup("time-passes")) {
    option->setDescription("print the wall time of each phase (import, "
                           "raise, lower, LLVM translation, optimization, "
                           "code emission, link) and pass to stderr");
    option->setHiddenFlag(cl::NotHidden);
    option->addCategory(category);
  }
  if (cl::Option *option = options.lookup("stats")) {
    option->setDescription("print pass statistics, constants and their "
                           "bytes per stage, bytes freed, peak resident "
                           "memory and total time to stderr");
    option->setHiddenFlag(cl::NotHidden);
    option->addCategory(category);
  }
}

/// --help lists ours and MLIR's (--mlir-*) options, not every LLVM option
/// the shared libLLVM registers (those stay usable, under --help-hidden).
static void organizeHelp() {
  for (auto &entry : cl::getRegisteredOptions()) {
    cl::Option *option = entry.second;
    if (entry.first.starts_with("mlir-") &&
        option->getOptionHiddenFlag() == cl::NotHidden)
      option->addCategory(mlirCategory);
  }
  cl::HideUnrelatedOptions({&category, &mlirCategory});
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  // --mlir-print-ir-after=<pass> and friends look passes up by name, in the
  // registry as it is when the pass-manager options are created.
  mlir::bitnet::registerAllPasses();
  mlir::registerPassManagerCLOptions();
  mlir::registerDefaultTimingManagerCLOptions();
  adoptLLVMReportOptions();
  organizeHelp();
  cl::SetVersionPrinter(printVersion);
  cl::ParseCommandLineOptions(argc, argv,
                              "bitnet-mlir model compiler: ONNX BitNet models "
                              "to MLIR, LLVM IR, objects and shared "
                              "libraries\n");

  mlir::DialectRegistry registry;
  mlir::bitnet::registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler sourceDiagnostics(sourceMgr, &context);
  // Diagnostics without a location are about the command line or files.
  mlir::ScopedDiagnosticHandler toolDiagnostics(
      &context, [](mlir::Diagnostic &diag) -> mlir::LogicalResult {
        if (!isa<mlir::UnknownLoc>(diag.getLocation()))
          return mlir::failure();
        raw_ostream &os =
            diag.getSeverity() == mlir::DiagnosticSeverity::Error
                ? WithColor::error(errs(), "bitnet-compile")
            : diag.getSeverity() == mlir::DiagnosticSeverity::Warning
                ? WithColor::warning(errs(), "bitnet-compile")
                : WithColor::note(errs(), "bitnet-compile");
        os << diag << "\n";
        for (const mlir::Diagnostic &note : diag.getNotes())
          WithColor::note(errs(), "bitnet-compile") << note << "\n";
        return mlir::success();
      });

  mlir::bitnet::CompileOptions options;
  options.inputPath = inputPath;
  options.outputPath = outputPath;
  options.emitStage = emitStage;
  options.targetTriple = targetTriple;
  options.targetCpu = targetCpu;
  if (optLevel.size() != 1 || optLevel[0] < '0' || optLevel[0] > '3') {
    WithColor::error(errs(), "bitnet-compile")
        << "invalid optimization level '-O" << optLevel
        << "' (expected -O0 to -O3)\n";
    return 1;
  }
  options.optLevel = optLevel[0] - '0';
  options.headerPath = headerPath;
  options.modelName = modelName;
  options.strict = strict;
  options.encoding = encoding;
  options.packedLayout = packedLayout;
  options.kernel = kernel;
  options.linker = linker;
  if (report.getNumOccurrences())
    options.reportFormat = report.empty() ? "text" : report.getValue();
  else if (!reportFile.empty())
    options.reportFormat = "text";
  options.reportPath = reportFile;
  options.reportTokens = reportTokens;
  options.reportBaseline = reportBaseline;
  // Ours, not LLVM's: its reports would name LLVM's passes only, at exit.
  options.timePasses = TimePassesIsEnabled;
  TimePassesIsEnabled = false;
  options.stats = AreStatisticsEnabled();
  if (largeDataThreshold.getNumOccurrences())
    options.largeDataTotalBytes = largeDataThreshold;
  if (resourceThreshold.getNumOccurrences()) {
    if (resourceThreshold < 0) {
      WithColor::error(errs(), "bitnet-compile")
          << "--resource-threshold must not be negative\n";
      return 1;
    }
    options.resourceThresholdBytes = resourceThreshold;
  }
  if (progress != cl::BOU_UNSET)
    options.progress = progress == cl::BOU_TRUE;
  return mlir::succeeded(mlir::bitnet::compileModel(context, options)) ? 0 : 1;
}
