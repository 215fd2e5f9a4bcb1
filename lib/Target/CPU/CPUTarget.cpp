//===- CPUTarget.cpp - LLVM-dialect module -> native code -----------------===//
#include "bitnet-mlir/Target/CPU.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

using namespace mlir;
using namespace mlir::bitnet;

std::optional<NativeOutputKind> bitnet::getNativeOutputKind(StringRef path) {
  return llvm::StringSwitch<std::optional<NativeOutputKind>>(
             llvm::sys::path::extension(path))
      .Case(".ll", NativeOutputKind::LLVMIR)
      .Case(".bc", NativeOutputKind::Bitcode)
      .Case(".s", NativeOutputKind::Assembly)
      .Case(".o", NativeOutputKind::Object)
      .Case(".so", NativeOutputKind::SharedLibrary)
      .Default(std::nullopt);
}

static void initializeTargets() {
  static const bool initialized = [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
    llvm::InitializeAllAsmParsers();
    return true;
  }();
  (void)initialized;
}

/// Same architecture, OS and environment as the process (the vendor may
/// differ: x86_64-linux-gnu is the host on x86_64-pc-linux-gnu).
static bool isHostTriple(const llvm::Triple &triple) {
  llvm::Triple host(llvm::sys::getProcessTriple());
  return triple.getArch() == host.getArch() && triple.getOS() == host.getOS() &&
         triple.getEnvironment() == host.getEnvironment();
}

static std::string getHostFeatures() {
  llvm::SubtargetFeatures features;
  for (const auto &feature : llvm::sys::getHostCPUFeatures())
    features.AddFeature(feature.getKey(), feature.getValue());
  return features.getString();
}

FailureOr<std::unique_ptr<llvm::TargetMachine>>
bitnet::createCPUTargetMachine(const CPUTargetOptions &options, Location loc) {
  initializeTargets();
  llvm::Triple triple(options.triple.empty()
                          ? llvm::sys::getProcessTriple()
                          : llvm::Triple::normalize(options.triple));
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target || triple.getArch() == llvm::Triple::UnknownArch)
    return emitError(loc) << "unknown target triple '" << options.triple << "'"
                          << (error.empty() ? "" : ": ") << error;

  std::string cpu = options.cpu, features;
  if (cpu == "host" || (cpu.empty() && isHostTriple(triple))) {
    cpu = llvm::sys::getHostCPUName().str();
    features = getHostFeatures();
  } else if (cpu.empty()) {
    cpu = "generic";
  }
  // Check the CPU first: the target machine would only warn about it.
  std::unique_ptr<llvm::MCSubtargetInfo> subtarget(
      target->createMCSubtargetInfo(triple, "", ""));
  if (!subtarget || !subtarget->isCPUStringValid(cpu))
    return emitError(loc) << "unknown CPU '" << cpu << "' for target '"
                          << triple.str() << "'";
  if (options.optLevel > 3)
    return emitError(loc) << "invalid optimization level -O" << options.optLevel
                          << " (expected -O0 to -O3)";
  auto codeGenLevel = llvm::CodeGenOpt::getLevel(options.optLevel);
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, cpu, features, llvm::TargetOptions(), llvm::Reloc::PIC_,
      std::nullopt,
      codeGenLevel ? *codeGenLevel : llvm::CodeGenOptLevel::Default));
  if (!machine)
    return emitError(loc) << "cannot create a target machine for '"
                          << triple.str() << "'";
  return machine;
}

static void optimize(llvm::Module &module, llvm::TargetMachine &machine,
                     unsigned optLevel) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopVectorization = optLevel >= 2;
  tuning.SLPVectorization = optLevel >= 2;
  tuning.LoopUnrolling = optLevel >= 2;
  llvm::PassBuilder builder(&machine, tuning);
  builder.registerModuleAnalyses(mam);
  builder.registerCGSCCAnalyses(cgam);
  builder.registerFunctionAnalyses(fam);
  builder.registerLoopAnalyses(lam);
  builder.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::OptimizationLevel level[] = {
      llvm::OptimizationLevel::O0, llvm::OptimizationLevel::O1,
      llvm::OptimizationLevel::O2, llvm::OptimizationLevel::O3};
  llvm::ModulePassManager pipeline =
      optLevel == 0 ? builder.buildO0DefaultPipeline(level[0])
                    : builder.buildPerModuleDefaultPipeline(level[optLevel]);
  pipeline.run(module, mam);
}

/// Writes `module` as `kind` (not a shared library) to `os`.
static LogicalResult writeModule(llvm::Module &module,
                                 llvm::TargetMachine &machine,
                                 NativeOutputKind kind,
                                 llvm::raw_pwrite_stream &os, Location loc) {
  switch (kind) {
  case NativeOutputKind::LLVMIR:
    module.print(os, nullptr);
    return success();
  case NativeOutputKind::Bitcode:
    llvm::WriteBitcodeToFile(module, os);
    return success();
  default:
    break;
  }
  llvm::legacy::PassManager codegen;
  auto fileType = kind == NativeOutputKind::Assembly
                      ? llvm::CodeGenFileType::AssemblyFile
                      : llvm::CodeGenFileType::ObjectFile;
  if (machine.addPassesToEmitFile(codegen, os, nullptr, fileType))
    return emitError(loc) << "target '" << machine.getTargetTriple().str()
                          << "' cannot emit this file type";
  codegen.run(module);
  return success();
}

/// The C compiler driver that links shared libraries for `triple`.
static FailureOr<std::string> findLinker(const CPUTargetOptions &options,
                                         const llvm::Triple &triple,
                                         std::vector<std::string> &extraArgs,
                                         Location loc) {
  if (!options.linker.empty()) {
    if (llvm::sys::path::has_parent_path(options.linker))
      return options.linker;
    if (auto path = llvm::sys::findProgramByName(options.linker))
      return *path;
    return emitError(loc) << "linker '" << options.linker
                          << "' not found on PATH";
  }
  SmallVector<std::string> candidates;
  bool host = options.triple.empty() || isHostTriple(triple);
  if (host) {
    candidates = {"cc", "clang-22", "clang", "gcc"};
  } else {
    // aarch64-linux-gnu-gcc as the user spelled it, normalized, and without
    // the vendor.
    std::string withoutVendor =
        (triple.getArchName() + "-" + triple.getOSAndEnvironmentName()).str();
    for (const std::string &name :
         {options.triple, triple.str(), withoutVendor})
      if (!llvm::is_contained(candidates, name + "-gcc"))
        candidates.push_back(name + "-gcc");
  }
  for (const std::string &name : candidates)
    if (auto path = llvm::sys::findProgramByName(name))
      return *path;
  if (!host) {
    // clang links for any target it has a sysroot for.
    for (StringRef name : {"clang-22", "clang"}) {
      if (auto path = llvm::sys::findProgramByName(name)) {
        extraArgs.push_back("--target=" + triple.str());
        return *path;
      }
    }
  }
  return emitError(loc) << "no C compiler found to link '" << triple.str()
                        << "' shared libraries (tried "
                        << llvm::join(candidates, ", ")
                        << "); pass --linker=PATH";
}

/// Links `objectPath` into the shared library `outputPath`.
static LogicalResult linkSharedLibrary(const CPUTargetOptions &options,
                                       const llvm::Triple &triple,
                                       StringRef objectPath,
                                       StringRef outputPath, Location loc) {
  std::vector<std::string> extraArgs;
  FailureOr<std::string> linker = findLinker(options, triple, extraArgs, loc);
  if (failed(linker))
    return failure();
  SmallVector<StringRef> args = {*linker};
  for (const std::string &arg : extraArgs)
    args.push_back(arg);
  args.append({"-shared", "-o", outputPath, objectPath, "-lm"});
  std::string message;
  int status = llvm::sys::ExecuteAndWait(*linker, args, std::nullopt, {}, 0, 0,
                                         &message);
  if (status != 0) {
    llvm::sys::fs::remove(outputPath); // whatever a failed link left
    return emitError(loc) << "linking '" << outputPath << "' failed: '"
                          << llvm::join(args, " ") << "' "
                          << (status < 0 ? "could not run"
                                         : "exited with status " +
                                               std::to_string(status))
                          << (message.empty() ? "" : ": ") << message;
  }
  return success();
}

/// Argument and result attributes of other dialects (onnx.name) mean nothing
/// in LLVM IR, and the translation warns about each.
static void dropForeignArgumentAttrs(ModuleOp module) {
  auto keep = [](ArrayRef<NamedAttribute> attrs) {
    SmallVector<NamedAttribute> kept;
    for (NamedAttribute attr : attrs) {
      auto [prefix, rest] = attr.getName().strref().split('.');
      if (rest.empty() || prefix == "llvm")
        kept.push_back(attr);
    }
    return kept;
  };
  module.walk([&](LLVM::LLVMFuncOp op) {
    auto func = cast<FunctionOpInterface>(op.getOperation());
    for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
      func.setArgAttrs(i, keep(func.getArgAttrs(i)));
    for (unsigned i = 0, e = func.getNumResults(); i < e; ++i)
      func.setResultAttrs(i, keep(func.getResultAttrs(i)));
  });
}

/// Bytes of the initialized constant globals of `module`.
static uint64_t getConstantDataBytes(const llvm::Module &module) {
  const llvm::DataLayout &layout = module.getDataLayout();
  uint64_t total = 0;
  for (const llvm::GlobalVariable &global : module.globals())
    if (global.hasInitializer())
      total += layout.getTypeAllocSize(global.getValueType());
  return total;
}

/// Places large constants where the target's code can reach them. x86-64's
/// small code model reaches +-2 GiB: beyond `largeDataTotalBytes` of data,
/// globals of kLargeGlobalBytes and more get the "large" code model (ELF
/// .lrodata/.ldata, addressed with 64-bit offsets) while code and small data
/// stay small. AArch64 has no position-independent large code model, so data
/// its ADRP cannot reach is an error rather than a link failure.
static LogicalResult placeLargeData(llvm::Module &module,
                                    const llvm::TargetMachine &machine,
                                    uint64_t largeDataTotalBytes,
                                    Location loc) {
  uint64_t total = getConstantDataBytes(module);
  const llvm::Triple &triple = machine.getTargetTriple();
  if (triple.getArch() == llvm::Triple::aarch64 &&
      total > kAArch64MaxDataBytes)
    return emitError(loc) << "the model has " << total
                          << " bytes of constant data; AArch64 code reaches "
                             "at most "
                          << kAArch64MaxDataBytes
                          << " (small code model, position-independent)";
  if (triple.getArch() != llvm::Triple::x86_64 || total <= largeDataTotalBytes)
    return success();
  const llvm::DataLayout &layout = module.getDataLayout();
  for (llvm::GlobalVariable &global : module.globals())
    if (global.hasInitializer() &&
        layout.getTypeAllocSize(global.getValueType()) >= kLargeGlobalBytes)
      global.setCodeModel(llvm::CodeModel::Large);
  return success();
}

LogicalResult
bitnet::emitCPUModel(ModuleOp module, const ModelSignature &signature,
                     StringRef modelName, llvm::TargetMachine &machine,
                     const CPUTargetOptions &options, NativeOutputKind kind,
                     StringRef outputPath, TimingScope &timing,
                     llvm::function_ref<void()> afterTranslation) {
  Location loc = UnknownLoc::get(module.getContext());
  registerBuiltinDialectTranslation(*module.getContext());
  registerLLVMDialectTranslation(*module.getContext());

  TimingScope translateTiming = timing.nest("Translate to LLVM IR");
  std::vector<std::string> errors;
  if (Attribute attr = module->getAttr(kErrorsAttrName)) {
    auto array = dyn_cast<ArrayAttr>(attr);
    for (Attribute element : array ? array.getValue() : ArrayRef<Attribute>())
      if (auto text = dyn_cast<StringAttr>(element))
        errors.push_back(text.str());
    if (!array || errors.size() != array.size())
      return emitError(loc) << "'" << kErrorsAttrName
                            << "' must be an array of strings, got " << attr;
    module->removeAttr(kErrorsAttrName);
  }
  dropForeignArgumentAttrs(module);
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext, modelName);
  if (!llvmModule)
    return failure();
  if (afterTranslation)
    afterTranslation();
  llvmModule->setTargetTriple(machine.getTargetTriple());
  llvmModule->setDataLayout(machine.createDataLayout());
  if (failed(placeLargeData(*llvmModule, machine, options.largeDataTotalBytes,
                            loc)))
    return failure();
  if (failed(addEntryPoints(*llvmModule, signature, errors, modelName,
                            kind == NativeOutputKind::SharedLibrary,
                            options.requiredCpuFeatures, loc)))
    return failure();
  std::string verifierMessage;
  llvm::raw_string_ostream verifierOs(verifierMessage);
  if (llvm::verifyModule(*llvmModule, &verifierOs))
    return emitError(loc) << "generated LLVM IR is invalid: "
                          << verifierMessage;
  translateTiming.stop();

  TimingScope optimizeTiming = timing.nest("Optimize LLVM IR");
  optimize(*llvmModule, machine, options.optLevel);
  optimizeTiming.stop();

  TimingScope emitTiming = timing.nest("Emit native code");
  if (kind != NativeOutputKind::SharedLibrary) {
    bool text =
        kind == NativeOutputKind::LLVMIR || kind == NativeOutputKind::Assembly;
    std::error_code ec;
    auto output = std::make_unique<llvm::ToolOutputFile>(
        outputPath, ec, text ? llvm::sys::fs::OF_Text : llvm::sys::fs::OF_None);
    if (ec)
      return emitError(loc) << "cannot open '" << outputPath
                            << "' for writing: " << ec.message();
    if (failed(writeModule(*llvmModule, machine, kind, output->os(), loc)))
      return failure();
    output->os().flush();
    if (output->os().has_error())
      return emitError(loc) << "cannot write '" << outputPath
                            << "': " << output->os().error().message();
    output->keep();
    return success();
  }

  // Shared library: a temporary object, linked by the system C compiler.
  SmallString<128> objectPath;
  int fd;
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
          "bitnet-" + modelName, "o", fd, objectPath))
    return emitError(loc) << "cannot create a temporary object file: "
                          << ec.message();
  llvm::FileRemover removeObject(objectPath);
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    if (failed(writeModule(*llvmModule, machine, NativeOutputKind::Object, os,
                           loc)))
      return failure();
    os.flush();
    if (os.has_error())
      return emitError(loc)
             << "cannot write '" << objectPath << "': " << os.error().message();
  }
  emitTiming.stop();
  TimingScope linkTiming = timing.nest("Link shared library");
  return linkSharedLibrary(options, machine.getTargetTriple(), objectPath,
                           outputPath, loc);
}
