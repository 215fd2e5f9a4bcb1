//===- RuntimeABI.h - the compiler's view of runtime/include/bitnet ---*- C++ -*-===//
//
// The one place the compiler learns the ABI from: it includes the runtime's
// C headers for the version, the maximum rank, the dtype codes and the CPU
// feature bits, and describes the structs it emits or reads
// (bitnet_model_info, bitnet_tensor_info, bitnet_cache_info,
// bitnet_exec_env) as field lists. The static_asserts in RuntimeABI.cpp
// check those lists against the C declarations' offsets, so the build fails
// when the header and the compiler disagree.
//
//===----------------------------------------------------------------------===//
#ifndef BITNET_MLIR_ABI_RUNTIMEABI_H
#define BITNET_MLIR_ABI_RUNTIMEABI_H

#include "bitnet/model.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <cstddef>
#include <cstdint>

namespace llvm {
class LLVMContext;
class StructType;
} // namespace llvm

namespace mlir {
class MLIRContext;
namespace LLVM {
class LLVMStructType;
} // namespace LLVM
} // namespace mlir

namespace mlir::bitnet {
/// Module attribute (array of strings) listing the messages of the checks
/// the compiled code makes (bitnet_model_info.errors).
inline constexpr llvm::StringLiteral kErrorsAttrName = "bitnet.errors";
} // namespace mlir::bitnet

namespace mlir::bitnet::abi {

inline constexpr uint32_t kVersion = BITNET_ABI_VERSION;
inline constexpr int64_t kMaxRank = BITNET_MAX_RANK;

/// The C type of one struct field. Pointers and function pointers are one
/// kind: the targets we emit for have one pointer size for both.
enum class Field { I32, I64, Ptr };

/// Fields in declaration order (runtime/include/bitnet/model.h).
inline constexpr Field kTensorInfo[] = {Field::Ptr, Field::I32, Field::I32,
                                        Field::Ptr, Field::Ptr};
inline constexpr Field kCacheInfo[] = {Field::I32, Field::I32, Field::I32};
inline constexpr Field kModelInfo[] = {
    Field::I32, Field::Ptr, Field::I32, Field::Ptr, Field::I32,
    Field::Ptr, Field::Ptr, Field::I32, Field::Ptr, Field::I64,
    Field::I32, Field::Ptr, Field::I32, Field::Ptr};
inline constexpr Field kExecEnv[] = {
    Field::I32, Field::I32, Field::I64, Field::Ptr, Field::Ptr, Field::Ptr,
    Field::Ptr, Field::I32, Field::I32, Field::Ptr, Field::Ptr, Field::Ptr,
    Field::Ptr, Field::Ptr, Field::Ptr, Field::Ptr, Field::Ptr, Field::Ptr,
    Field::Ptr};

/// Indices of the bitnet_exec_env fields compiled code reads.
enum ExecEnvField : unsigned {
  kEnvAbiVersion = 0,
  kEnvNumThreads = 1,
  kEnvCpuFeatures = 2,
  kEnvPool = 3,
  kEnvParallelFor = 4,
  kEnvState = 5,
  kEnvComm = 6,
  kEnvRank = 7,
  kEnvWorldSize = 8,
  kEnvAllReduceSumF32 = 9,
  kEnvAllGatherF32 = 10,
  kEnvDevice = 11,
  kEnvGpuModuleLoad = 12,
  kEnvGpuFunction = 13,
  kEnvGpuLaunch = 14,
  kEnvGpuAlloc = 15,
  kEnvGpuFree = 16,
  kEnvGpuCopy = 17,
  kEnvGpuSynchronize = 18,
};

/// Byte offset of field `index` under natural alignment with 8-byte
/// pointers (LP64; the layout the targets' data layouts give these structs).
template <size_t N>
constexpr size_t offsetOf(const Field (&fields)[N], size_t index) {
  size_t offset = 0;
  for (size_t i = 0; i <= index; ++i) {
    size_t size = fields[i] == Field::I32 ? 4 : 8;
    offset = (offset + size - 1) / size * size;
    if (i < index)
      offset += size;
  }
  return offset;
}

/// LLVM IR struct types with these fields (for EntryPoints).
llvm::StructType *getLLVMStruct(llvm::LLVMContext &context,
                                llvm::ArrayRef<Field> fields,
                                llvm::StringRef name);
/// The same as LLVM dialect types (for passes that read the env).
LLVM::LLVMStructType getLLVMDialectStruct(MLIRContext *context,
                                          llvm::ArrayRef<Field> fields);

} // namespace mlir::bitnet::abi

#endif // BITNET_MLIR_ABI_RUNTIMEABI_H
