//===- Compiler.cpp - the bitnet-compile driver as a library --------------===//
#include "bitnet-mlir/Driver/Compiler.h"

#include "CompileReport.h"
#include "bitnet-mlir/Support/ConstantData.h"

#include "bitnet-mlir/Importer/Importer.h"
#include "bitnet-mlir/Kernels/KernelStrategy.h"
#include "bitnet-mlir/Target/TargetDescription.h"
#include "bitnet-mlir/Pipelines/Pipelines.h"
#include "bitnet-mlir/Target/CPU.h"
#include "bitnet-mlir/Target/Header.h"
#include "bitnet-mlir/Target/ModelSignature.h"
#include "bitnet-mlir/Transforms/Report.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;
using namespace mlir::bitnet;

namespace {
/// Everything that fails before the model is read: options and files.
struct Plan {
  /// Null: MLIR text.
  std::optional<NativeOutputKind> nativeKind;
  std::string modelName;
  std::unique_ptr<llvm::TargetMachine> targetMachine;
  /// What the code is compiled for, as the passes see it.
  TargetAttr target;
  std::unique_ptr<llvm::ToolOutputFile> mlirOutput, header;
  /// --report: its options and, with --report-file, its file.
  std::optional<ReportOptions> report;
  std::unique_ptr<llvm::ToolOutputFile> reportFile;
};
} // namespace

static StringRef getStageName(EmitStage stage) {
  switch (stage) {
  case EmitStage::Onnx:
    return "onnx";
  case EmitStage::Bitnet:
    return "bitnet";
  case EmitStage::LLVM:
    return "llvm";
  }
  llvm_unreachable("unknown stage");
}

static std::unique_ptr<llvm::ToolOutputFile> openOutput(StringRef path,
                                                        Location loc) {
  std::string message;
  std::unique_ptr<llvm::ToolOutputFile> file = openOutputFile(path, &message);
  if (!file)
    emitError(loc) << message;
  return file;
}

/// Whether `path` can be written, without touching it: a shared library
/// being replaced may be mapped by a running program.
static LogicalResult checkWritable(StringRef path, Location loc) {
  namespace fs = llvm::sys::fs;
  StringRef dir = llvm::sys::path::parent_path(path);
  std::error_code ec;
  if (fs::exists(path))
    ec = fs::is_directory(path)
             ? std::make_error_code(std::errc::is_a_directory)
             : fs::access(path, fs::AccessMode::Write);
  else
    ec = fs::access(dir.empty() ? "." : dir, fs::AccessMode::Write);
  if (ec)
    return emitError(loc) << "cannot open output file '" << path
                          << "': " << ec.message();
  return success();
}

/// The --report options, checked; the report file, opened.
static LogicalResult planReport(Plan &plan, const CompileOptions &options,
                                Location loc) {
  if (options.reportFormat.empty())
    return success();
  if (options.reportFormat != "text" && options.reportFormat != "json")
    return emitError(loc) << "invalid --report='" << options.reportFormat
                          << "' (expected text or json)";
  FailureOr<PrecisionClass> baseline =
      parseBaselinePrecision(options.reportBaseline);
  if (failed(baseline))
    return emitError(loc) << "invalid --report-baseline='"
                          << options.reportBaseline
                          << "' (expected fp16 or fp32)";
  if (options.reportTokens < 1)
    return emitError(loc) << "invalid --report-tokens=" << options.reportTokens
                          << " (expected 1 or more)";
  if (options.emitStage == EmitStage::Onnx && !plan.nativeKind)
    return emitError(loc) << "--report needs the bitnet stage: use "
                             "--emit=bitnet, --emit=llvm or a native output";
  plan.report = ReportOptions{options.reportTokens, *baseline};
  if (!options.reportPath.empty() &&
      !(plan.reportFile = openOutput(options.reportPath, loc)))
    return failure();
  return success();
}

static FailureOr<Plan> makePlan(MLIRContext &context,
                                const CompileOptions &options) {
  Location loc = UnknownLoc::get(&context);
  Plan plan;
  StringRef output = options.outputPath;
  StringRef extension = llvm::sys::path::extension(output);
  if (output != "-" && extension != ".mlir") {
    plan.nativeKind = getNativeOutputKind(output);
    if (!plan.nativeKind)
      return emitError(loc)
             << "unknown output extension '" << extension << "' of '" << output
             << "' (expected .mlir, .ll, .bc, .s, .o or .so)";
  }
  if (options.optLevel > 3)
    return emitError(loc) << "invalid optimization level -O" << options.optLevel
                          << " (expected -O0 to -O3)";
  if (!llvm::is_contained({"auto", "binary1", "ternary2", "ternary_base3"},
                          options.encoding))
    return emitError(loc) << "invalid --encoding='" << options.encoding
                          << "' (expected auto, binary1, ternary2 or "
                             "ternary_base3)";
  if (!llvm::is_contained({"auto", "row_major", "row_interleaved", "tiled"},
                          options.packedLayout))
    return emitError(loc) << "invalid --packed-layout='" << options.packedLayout
                          << "' (expected auto, row_major, row_interleaved or "
                             "tiled)";
  if (options.kernel != "auto" && !lookupKernelStrategy(options.kernel)) {
    SmallVector<StringRef> names;
    for (const KernelStrategy *strategy : getKernelStrategies())
      names.push_back(strategy->getName());
    return emitError(loc) << "invalid --kernel='" << options.kernel
                          << "' (expected auto, " << llvm::join(names, ", ")
                          << ")";
  }

  plan.modelName = options.modelName;
  if (plan.modelName.empty())
    plan.modelName = sanitizeIdentifier(
        output == "-" ? StringRef() : llvm::sys::path::stem(output));
  else if (sanitizeIdentifier(plan.modelName) != plan.modelName)
    return emitError(loc) << "invalid model name '" << plan.modelName
                          << "' (use letters, digits and '_')";

  // The target machine describes the target for every output (passes read
  // its #bitnet.target), and generates native ones.
  CPUTargetOptions targetOptions{options.targetTriple, options.targetCpu,
                                 options.optLevel, options.linker};
  auto machine = createCPUTargetMachine(targetOptions, loc);
  if (failed(machine))
    return failure();
  plan.targetMachine = std::move(*machine);
  plan.target = getTargetAttr(&context, *plan.targetMachine);
  if (plan.nativeKind) {
    // Fail now rather than after compiling; emitCPUModel writes the file.
    if (failed(checkWritable(output, loc)))
      return failure();
  } else if (!(plan.mlirOutput = openOutput(output, loc))) {
    return failure();
  }
  if (!options.headerPath.empty() &&
      !(plan.header = openOutput(options.headerPath, loc)))
    return failure();
  if (failed(planReport(plan, options, loc)))
    return failure();
  return plan;
}

static OwningOpRef<ModuleOp> loadInput(MLIRContext &context, StringRef path,
                                       TimingScope &timing) {
  Location loc = UnknownLoc::get(&context);
  StringRef extension = llvm::sys::path::extension(path);
  if (extension == ".onnx" || extension == ".onnxtext") {
    if (std::error_code ec =
            llvm::sys::fs::access(path, llvm::sys::fs::AccessMode::Exist)) {
      emitError(loc) << "cannot open input file '" << path
                     << "': " << ec.message();
      return {};
    }
    ImportOptions importOptions;
    importOptions.timing = &timing;
    return importOnnxFile(context, path, importOptions);
  }
  if (path != "-" && extension != ".mlir") {
    emitError(loc) << "unknown input extension '" << extension << "' of '"
                   << path << "' (expected .onnx, .onnxtext or .mlir)";
    return {};
  }
  std::string message;
  std::unique_ptr<llvm::MemoryBuffer> buffer = openInputFile(path, &message);
  if (!buffer) {
    emitError(loc) << message;
    return {};
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  return parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(&context));
}

/// Where a parsed or imported module stands: LLVM once main_graph is an
/// llvm.func, bitnet once any bitnet op appears, onnx otherwise.
static FailureOr<EmitStage> getInputStage(ModuleOp module) {
  if (module.lookupSymbol<func::FuncOp>(kEntryFunctionName)) {
    bool hasBitnetOps =
        module
            ->walk([](Operation *op) {
              return op->getName().getDialectNamespace() == "bitnet"
                         ? WalkResult::interrupt()
                         : WalkResult::advance();
            })
            .wasInterrupted();
    return hasBitnetOps ? EmitStage::Bitnet : EmitStage::Onnx;
  }
  if (module.lookupSymbol<LLVM::LLVMFuncOp>(kEntryFunctionName))
    return EmitStage::LLVM;
  return emitError(module.getLoc())
         << "the module has no function @" << kEntryFunctionName;
}

/// The signature of the model: from main_graph at the tensor level, or from
/// the attribute an earlier `--emit=llvm` left.
static FailureOr<ModelSignature> readSignature(ModuleOp module,
                                               EmitStage stage) {
  if (stage != EmitStage::LLVM)
    return getModelSignature(
        module.lookupSymbol<func::FuncOp>(kEntryFunctionName));
  if (Attribute attr = module->getAttr(kSignatureAttrName))
    return parseSignatureAttr(module, attr);
  return emitError(module.getLoc())
         << "input at the LLVM stage has no '" << kSignatureAttrName
         << "' attribute: compile it from the onnx or bitnet stage";
}

/// Runs `pm` on `module` under a timer `name`, with the pass-manager
/// command-line options and, for --stats, pass statistics.
static LogicalResult runPipeline(PassManager &pm, ModuleOp module,
                                 StringRef name, TimingScope &timing,
                                 const CompileOptions &options,
                                 CompileStatistics &stats) {
  if (pm.empty())
    return success();
  (void)applyPassManagerCLOptions(pm); // fails only when not registered
  if (options.stats)
    addPassRecording(pm, stats);
  TimingScope pipelineTiming = timing.nest(name);
  pm.enableTiming(pipelineTiming);
  return pm.run(module);
}

/// compileModel once the report machinery is set up.
static LogicalResult compile(MLIRContext &context,
                             const CompileOptions &options,
                             TimingScope &timing, CompileStatistics &stats) {
  FailureOr<Plan> plan = makePlan(context, options);
  if (failed(plan))
    return failure();

  TimingScope importTiming = timing.nest("Import");
  OwningOpRef<ModuleOp> module =
      loadInput(context, options.inputPath, importTiming);
  if (!module)
    return failure();
  importTiming.stop();
  stats.addStage("after import", *module);
  // An input that names its target keeps it (bitnet-opt output); others
  // get the one --target/--mcpu describe.
  if (!(*module)->hasAttr(TargetAttr::getAttrName()))
    (*module)->setAttr(TargetAttr::getAttrName(), plan->target);
  FailureOr<EmitStage> inputStage = getInputStage(*module);
  if (failed(inputStage))
    return failure();
  EmitStage target = plan->nativeKind ? EmitStage::LLVM : options.emitStage;
  if (*inputStage > target)
    return emitError(module->getLoc())
           << "cannot emit the " << getStageName(target)
           << " stage from input at the " << getStageName(*inputStage)
           << " stage";
  FailureOr<ModelSignature> signature = ModelSignature();
  bool needSignature =
      plan->nativeKind || plan->header ||
      (target == EmitStage::LLVM && *inputStage != EmitStage::LLVM);
  if (needSignature && failed(signature = readSignature(*module, *inputStage)))
    return failure();

  // Constants that folding and packing replaced (latent float weights,
  // ternary int8 matrices) are freed between the pipelines.
  PassManager raise(&context, ModuleOp::getOperationName());
  if (*inputStage == EmitStage::Onnx && target != EmitStage::Onnx) {
    RaisePipelineOptions raiseOptions;
    raiseOptions.strict = options.strict;
    raiseOptions.encoding = options.encoding;
    raiseOptions.layout = options.packedLayout;
    raiseOptions.kernel = options.kernel;
    buildRaisePipeline(raise, raiseOptions);
  }
  // --report: an analysis of the bitnet stage, with the reasons recognition
  // gave (as remarks, which still print) for layers it kept float.
  auto floatPathReasons = std::make_shared<FloatPathReasons>();
  std::optional<ScopedDiagnosticHandler> reasonCollector;
  if (plan->report) {
    if (*inputStage == EmitStage::LLVM)
      return emitError(UnknownLoc::get(&context))
             << "--report needs input at the onnx or bitnet stage";
    reasonCollector.emplace(&context, [floatPathReasons](Diagnostic &diag) {
      constexpr StringLiteral marker = ": kept on the float path: ";
      std::string text = diag.str();
      size_t at = text.find(marker);
      if (diag.getSeverity() == DiagnosticSeverity::Remark &&
          at != std::string::npos) {
        // Ops of unnamed nodes can share a location: keep a reason only
        // while it is the same for all of them.
        std::string reason = text.substr(at + marker.size());
        auto [it, inserted] =
            floatPathReasons->try_emplace(diag.getLocation(), reason);
        if (!inserted && it->second != reason)
          it->second = "several nodes at this location (see the remarks)";
      }
      return failure(); // let the next handler print it
    });
    raw_ostream &reportStream = plan->reportFile ? plan->reportFile->os()
                                : options.outputPath == "-" ? llvm::errs()
                                                            : llvm::outs();
    raise.addPass(createBitnetReportPass(*plan->report,
                                         options.reportFormat == "json",
                                         reportStream, floatPathReasons));
  }
  if (failed(runPipeline(raise, *module, "Raise (onnx -> bitnet)", timing,
                         options, stats)))
    return failure();
  if (plan->reportFile)
    plan->reportFile->keep();
  if (!raise.empty()) {
    releaseAllUnreferencedBlobs(&context, *module);
    stats.addStage("after raise", *module);
  }
  PassManager lower(&context, ModuleOp::getOperationName());
  if (*inputStage != EmitStage::LLVM && target == EmitStage::LLVM)
    buildLowerToLLVMPipeline(lower);
  if (failed(runPipeline(lower, *module, "Lower to LLVM dialect", timing,
                         options, stats)))
    return failure();
  if (!lower.empty()) {
    releaseAllUnreferencedBlobs(&context, *module);
    stats.addStage("after lowering", *module);
  }

  if (plan->nativeKind) {
    (*module)->removeAttr(kSignatureAttrName);
    CPUTargetOptions targetOptions{options.targetTriple, options.targetCpu,
                                   options.optLevel, options.linker};
    targetOptions.requiredCpuFeatures =
        static_cast<uint64_t>(plan->target.getBaseline());
    if (options.largeDataTotalBytes)
      targetOptions.largeDataTotalBytes = *options.largeDataTotalBytes;
    // LLVM holds its own copy of every constant from here on.
    auto freeModule = [&] {
      (*module).getBody()->clear();
      releaseAllUnreferencedBlobs(&context, *module);
    };
    if (failed(emitCPUModel(*module, *signature, plan->modelName,
                            *plan->targetMachine, targetOptions,
                            *plan->nativeKind, options.outputPath, timing,
                            freeModule)))
      return failure();
  } else {
    if (target == EmitStage::LLVM && *inputStage != EmitStage::LLVM)
      (*module)->setAttr(kSignatureAttrName,
                         getSignatureAttr(&context, *signature));
    TimingScope outputTiming = timing.nest("Output");
    module->print(plan->mlirOutput->os());
    plan->mlirOutput->keep();
  }
  if (plan->header) {
    emitModelHeader(*signature, plan->modelName,
                    llvm::sys::path::filename(options.inputPath),
                    plan->header->os());
    plan->header->keep();
  }
  return success();
}

LogicalResult bitnet::compileModel(MLIRContext &context,
                                   const CompileOptions &options) {
  auto start = std::chrono::steady_clock::now();
  if (options.resourceThresholdBytes)
    setResourceThresholdBytes(*options.resourceThresholdBytes);
  bool progress = options.progress.value_or(llvm::errs().is_displayed());
  ProgressTimingManager timingManager(progress, llvm::errs());
  applyDefaultTimingManagerCLOptions(timingManager);
  bool printTimes = options.timePasses || timingManager.isEnabled();
  // The progress line follows the timers, so they run whenever it is shown.
  timingManager.setEnabled(printTimes || progress);
  // Diagnostics start on a line of their own.
  ScopedDiagnosticHandler clearProgress(&context, [&](Diagnostic &) {
    timingManager.clearProgress();
    return failure(); // on to the handler that prints it
  });
  CompileStatistics stats;
  LogicalResult result = success();
  {
    TimingScope timing = timingManager.getRootScope();
    result = compile(context, options, timing, stats);
  }
  timingManager.clearProgress();
  if (printTimes)
    timingManager.print();
  timingManager.setEnabled(false); // nothing more at destruction
  if (options.stats)
    stats.print(llvm::errs(), std::chrono::duration<double>(
                                  std::chrono::steady_clock::now() - start)
                                  .count());
  return result;
}
