//===- CPU.h - LLVM-dialect module -> native code for a CPU -----*- C++ -*-===//
//
// Translates the output of buildLowerToLLVMPipeline to LLVM IR, adds the
// entry points of docs/abi.md (bitnet_<name>_invoke, bitnet_<name>_model and,
// for shared libraries, bitnet_model_query), internalizes everything else,
// optimizes, and writes .ll, .bc, .s, .o or a linked .so.
//
//===----------------------------------------------------------------------===//
#ifndef BITNET_MLIR_TARGET_CPU_H
#define BITNET_MLIR_TARGET_CPU_H

#include "bitnet-mlir/ABI/RuntimeABI.h"
#include "bitnet-mlir/Target/ModelSignature.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include <memory>
#include <optional>
#include <string>

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace mlir::bitnet {

/// Name of the C-interface wrapper of the entry function that
/// buildLowerToLLVMPipeline produces (llvm.emit_c_interface).
inline constexpr llvm::StringLiteral kEntryCInterfaceName =
    "_mlir_ciface_main_graph";

enum class NativeOutputKind {
  LLVMIR,
  Bitcode,
  Assembly,
  Object,
  SharedLibrary
};

/// The kind an output file extension selects (.ll .bc .s .o .so).
std::optional<NativeOutputKind> getNativeOutputKind(llvm::StringRef path);

/// Total bytes above which x86-64 code places every large constant global
/// (kLargeGlobalBytes and up) in the large-data sections (.lrodata), out of
/// the +-2 GiB reach of the small code model's 32-bit displacements.
inline constexpr uint64_t kLargeDataTotalBytes = 1ull << 30;
inline constexpr uint64_t kLargeGlobalBytes = 64 * 1024;
/// Constant data AArch64's small code model (ADRP, +-4 GiB) cannot exceed;
/// its large code model is not available for position-independent code.
inline constexpr uint64_t kAArch64MaxDataBytes = (4ull << 30) - (64ull << 20);

struct CPUTargetOptions {
  /// Target triple; empty: the host.
  std::string triple;
  /// Empty: the host CPU (with its features) for the host triple, "generic"
  /// otherwise. "host" asks for the host CPU explicitly.
  std::string cpu;
  /// 0..3, for the LLVM optimization pipeline and the code generator.
  unsigned optLevel = 2;
  /// C compiler driver that links .so outputs; empty: searched on PATH
  /// (`cc`, `clang-22`, `clang`, `gcc`; `<triple>-gcc` when cross-compiling).
  std::string linker;
  /// x86-64: total constant bytes above which large globals become large
  /// data (kLargeDataTotalBytes; lower only to test the large-data path).
  uint64_t largeDataTotalBytes = kLargeDataTotalBytes;
  /// BITNET_CPU_* bits the code assumes (the target's baseline): the
  /// runtime refuses to run it on a CPU without them.
  uint64_t requiredCpuFeatures = 0;
};

/// Creates the target machine the options describe (position-independent
/// code). Emits an error at `loc` for an unknown triple or CPU.
FailureOr<std::unique_ptr<llvm::TargetMachine>>
createCPUTargetMachine(const CPUTargetOptions &options, Location loc);

/// Compiles `module` (LLVM dialect, defining kEntryCInterfaceName) for the
/// model `modelName` to `outputPath`. `signature` describes the entry
/// function's arguments. Writes nothing but `outputPath` (and a temporary
/// object for .so). Errors are emitted as diagnostics. `afterTranslation`
/// runs once the LLVM IR exists and `module` is no longer read, so that the
/// caller can free its constants before code generation. Constant data too
/// far for the default code model is placed as large data on x86-64 and
/// rejected with a diagnostic on AArch64 (see docs/compile.md).
LogicalResult emitCPUModel(ModuleOp module, const ModelSignature &signature,
                           llvm::StringRef modelName,
                           llvm::TargetMachine &targetMachine,
                           const CPUTargetOptions &options,
                           NativeOutputKind kind, llvm::StringRef outputPath,
                           TimingScope &timing,
                           llvm::function_ref<void()> afterTranslation = {});


/// Adds the docs/abi.md entry points for `modelName` to `llvmModule` (which
/// defines kEntryCInterfaceName) and gives every other definition internal
/// linkage, so that several models link into one program.
/// `errors` are the messages of the model's checks: the entry function
/// returns k (1-based) when check k fails. `exportQuery` adds
/// bitnet_model_query (shared libraries). `requiredCpuFeatures` (BITNET_CPU_*
/// bits) become bitnet_model_info.required_cpu_features. Emits an error at
/// `loc` when the entry function does not match the signature.
LogicalResult addEntryPoints(llvm::Module &llvmModule,
                             const ModelSignature &signature,
                             llvm::ArrayRef<std::string> errors,
                             llvm::StringRef modelName, bool exportQuery,
                             uint64_t requiredCpuFeatures, Location loc);

} // namespace mlir::bitnet

#endif // BITNET_MLIR_TARGET_CPU_H
