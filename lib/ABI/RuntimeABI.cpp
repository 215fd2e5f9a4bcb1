//===- RuntimeABI.cpp - the ABI structs, checked against the C headers ----===//
#include "bitnet-mlir/ABI/RuntimeABI.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMTypes.h"
#include "llvm/IR/DerivedTypes.h"

using namespace mlir;
using namespace mlir::bitnet::abi;

// The field lists of RuntimeABI.h against the C declarations: one line per
// field, so a field added, removed or retyped in the header stops the build.
#define BITNET_CHECK_FIELD(list, type, member, index)                          \
  static_assert(offsetOf(list, index) == offsetof(type, member),               \
                #type "." #member " moved: update RuntimeABI.h")
#define BITNET_CHECK_SIZE(list, type)                                          \
  static_assert(offsetOf(list, std::size(list) - 1) +                          \
                        (list[std::size(list) - 1] == Field::I32 ? 4 : 8) <=   \
                    sizeof(type),                                              \
                #type " grew: update RuntimeABI.h")

BITNET_CHECK_FIELD(kTensorInfo, bitnet_tensor_info, name, 0);
BITNET_CHECK_FIELD(kTensorInfo, bitnet_tensor_info, dtype, 1);
BITNET_CHECK_FIELD(kTensorInfo, bitnet_tensor_info, rank, 2);
BITNET_CHECK_FIELD(kTensorInfo, bitnet_tensor_info, shape, 3);
BITNET_CHECK_FIELD(kTensorInfo, bitnet_tensor_info, dim_names, 4);
static_assert(sizeof(bitnet_tensor_info) == 32);

BITNET_CHECK_FIELD(kCacheInfo, bitnet_cache_info, input, 0);
BITNET_CHECK_FIELD(kCacheInfo, bitnet_cache_info, output, 1);
BITNET_CHECK_FIELD(kCacheInfo, bitnet_cache_info, axis, 2);
static_assert(sizeof(bitnet_cache_info) == 12);

BITNET_CHECK_FIELD(kModelInfo, bitnet_model_info, abi_version, 0);
BITNET_CHECK_FIELD(kModelInfo, bitnet_model_info, name, 1);
BITNET_CHECK_FIELD(kModelInfo, bitnet_model_info, num_inputs, 2);
BITNET_CHECK_FIELD(kModelInfo, bitnet_model_info, inputs, 3);
BITNET_CHECK_FIELD(kModelInfo, bitnet_model_info, num_outputs, 4);
BITNET_CHECK_FIELD(kModelInfo, bitnet_model_info, outputs, 5);
BITNET_CHECK_FIELD(kModelInfo, bitnet_model_info, invoke, 6);
BITNET_CHECK_FIELD(kModelInfo, bitnet_model_info, num_errors, 7);
BITNET_CHECK_FIELD(kModelInfo, bitnet_model_info, errors, 8);
BITNET_CHECK_FIELD(kModelInfo, bitnet_model_info, required_cpu_features, 9);
BITNET_CHECK_FIELD(kModelInfo, bitnet_model_info, num_caches, 10);
BITNET_CHECK_FIELD(kModelInfo, bitnet_model_info, caches, 11);
BITNET_CHECK_FIELD(kModelInfo, bitnet_model_info, num_state_slots, 12);
BITNET_CHECK_FIELD(kModelInfo, bitnet_model_info, release_state, 13);
BITNET_CHECK_SIZE(kModelInfo, bitnet_model_info);
static_assert(sizeof(bitnet_model_info) == 112);

BITNET_CHECK_FIELD(kExecEnv, bitnet_exec_env, abi_version, kEnvAbiVersion);
BITNET_CHECK_FIELD(kExecEnv, bitnet_exec_env, num_threads, kEnvNumThreads);
BITNET_CHECK_FIELD(kExecEnv, bitnet_exec_env, cpu_features, kEnvCpuFeatures);
BITNET_CHECK_FIELD(kExecEnv, bitnet_exec_env, pool, kEnvPool);
BITNET_CHECK_FIELD(kExecEnv, bitnet_exec_env, parallel_for, kEnvParallelFor);
BITNET_CHECK_FIELD(kExecEnv, bitnet_exec_env, state, kEnvState);
BITNET_CHECK_FIELD(kExecEnv, bitnet_exec_env, comm, kEnvComm);
BITNET_CHECK_FIELD(kExecEnv, bitnet_exec_env, rank, kEnvRank);
BITNET_CHECK_FIELD(kExecEnv, bitnet_exec_env, world_size, kEnvWorldSize);
BITNET_CHECK_FIELD(kExecEnv, bitnet_exec_env, all_reduce_sum_f32,
                   kEnvAllReduceSumF32);
BITNET_CHECK_FIELD(kExecEnv, bitnet_exec_env, all_gather_f32,
                   kEnvAllGatherF32);
BITNET_CHECK_FIELD(kExecEnv, bitnet_exec_env, device, kEnvDevice);
BITNET_CHECK_FIELD(kExecEnv, bitnet_exec_env, gpu_module_load,
                   kEnvGpuModuleLoad);
BITNET_CHECK_FIELD(kExecEnv, bitnet_exec_env, gpu_function, kEnvGpuFunction);
BITNET_CHECK_FIELD(kExecEnv, bitnet_exec_env, gpu_launch, kEnvGpuLaunch);
BITNET_CHECK_FIELD(kExecEnv, bitnet_exec_env, gpu_alloc, kEnvGpuAlloc);
BITNET_CHECK_FIELD(kExecEnv, bitnet_exec_env, gpu_free, kEnvGpuFree);
BITNET_CHECK_FIELD(kExecEnv, bitnet_exec_env, gpu_copy, kEnvGpuCopy);
BITNET_CHECK_FIELD(kExecEnv, bitnet_exec_env, gpu_synchronize,
                   kEnvGpuSynchronize);
BITNET_CHECK_SIZE(kExecEnv, bitnet_exec_env);
static_assert(sizeof(bitnet_exec_env) ==
              offsetOf(kExecEnv, std::size(kExecEnv) - 1) + 8);

llvm::StructType *mlir::bitnet::abi::getLLVMStruct(llvm::LLVMContext &context,
                                                  llvm::ArrayRef<Field> fields,
                                                  llvm::StringRef name) {
  SmallVector<llvm::Type *> types;
  for (Field field : fields)
    types.push_back(field == Field::I32 ? llvm::Type::getInt32Ty(context)
                    : field == Field::I64
                        ? llvm::Type::getInt64Ty(context)
                        : static_cast<llvm::Type *>(
                              llvm::PointerType::getUnqual(context)));
  return llvm::StructType::create(context, types, name);
}

LLVM::LLVMStructType
mlir::bitnet::abi::getLLVMDialectStruct(MLIRContext *context,
                                        llvm::ArrayRef<Field> fields) {
  SmallVector<Type> types;
  for (Field field : fields)
    types.push_back(field == Field::I32   ? Type(IntegerType::get(context, 32))
                    : field == Field::I64 ? Type(IntegerType::get(context, 64))
                                          : Type(LLVM::LLVMPointerType::get(context)));
  return LLVM::LLVMStructType::getLiteral(context, types);
}
