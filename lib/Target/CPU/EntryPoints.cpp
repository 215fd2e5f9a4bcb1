//===- EntryPoints.cpp - the docs/abi.md glue around the compiled graph ---===//
//
// Adds, next to `_mlir_ciface_main_graph(ptr env, ptr desc_in0, ...,
// ptr desc_out0, ...)` (returning void, or an i32 status when the model has
// checks):
//
//   int32_t bitnet_<name>_invoke(void **descs,   // calls the C interface
//                                const bitnet_exec_env *env);
//   const bitnet_model_info bitnet_<name>_model; // names, dtypes, shapes,
//                                                // dim names, error messages
//   const bitnet_model_info *bitnet_model_query(void); // shared libs only
//
// The structs get LLVM's natural (non-packed) layout, which the target's data
// layout turns into its C layout; their fields come from bitnet-mlir/ABI/
// RuntimeABI.h, which is checked against the runtime's header.
//
//===----------------------------------------------------------------------===//
#include "bitnet-mlir/Target/CPU.h"

#include "bitnet-mlir/ABI/RuntimeABI.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"

using namespace mlir;
using namespace mlir::bitnet;

namespace {
/// Builds the constants of bitnet_model_info.
class InfoBuilder {
public:
  InfoBuilder(llvm::Module &module, StringRef symbolPrefix)
      : module(module), ctx(module.getContext()), prefix(symbolPrefix.str()),
        ptrTy(llvm::PointerType::getUnqual(ctx)),
        i32Ty(llvm::Type::getInt32Ty(ctx)), i64Ty(llvm::Type::getInt64Ty(ctx)),
        tensorInfoTy(abi::getLLVMStruct(ctx, abi::kTensorInfo,
                                        "bitnet_tensor_info")),
        modelInfoTy(abi::getLLVMStruct(ctx, abi::kModelInfo,
                                       "bitnet_model_info")) {}

  llvm::Constant *i32(int64_t value) {
    return llvm::ConstantInt::get(i32Ty, value);
  }
  llvm::Constant *i64(uint64_t value) {
    return llvm::ConstantInt::get(i64Ty, value);
  }
  llvm::Constant *null() { return llvm::ConstantPointerNull::get(ptrTy); }

  /// A private constant global; null for empty arrays (the runtime accepts
  /// NULL shape for rank 0 and NULL lists for zero counts).
  llvm::Constant *privateConstant(llvm::Constant *init, const Twine &name) {
    auto *global = new llvm::GlobalVariable(
        module, init->getType(), /*isConstant=*/true,
        llvm::GlobalValue::PrivateLinkage, init, prefix + name);
    global->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
    return global;
  }

  llvm::Constant *string(StringRef value, const Twine &name) {
    return privateConstant(llvm::ConstantDataArray::getString(ctx, value),
                           name);
  }

  /// An array of string pointers (NULL for empty strings when
  /// `emptyIsNull`); null for an empty list.
  llvm::Constant *stringList(ArrayRef<std::string> strings, bool emptyIsNull,
                             const Twine &name) {
    if (strings.empty())
      return llvm::ConstantPointerNull::get(ptrTy);
    SmallVector<llvm::Constant *> pointers;
    for (auto [i, text] : llvm::enumerate(strings))
      pointers.push_back(emptyIsNull && text.empty()
                             ? llvm::ConstantPointerNull::get(ptrTy)
                             : string(text, name + "_" + Twine(i)));
    return privateConstant(
        llvm::ConstantArray::get(llvm::ArrayType::get(ptrTy, pointers.size()),
                                 pointers),
        name);
  }

  llvm::Constant *tensorList(ArrayRef<TensorSignature> tensors,
                             StringRef kind) {
    if (tensors.empty())
      return llvm::ConstantPointerNull::get(ptrTy);
    SmallVector<llvm::Constant *> infos;
    for (auto [i, tensor] : llvm::enumerate(tensors)) {
      std::string base = ("_" + kind + Twine(i)).str();
      llvm::Constant *shape =
          tensor.shape.empty()
              ? llvm::ConstantPointerNull::get(ptrTy)
              : privateConstant(
                    llvm::ConstantDataArray::get(ctx, ArrayRef(tensor.shape)),
                    base + "_shape");
      infos.push_back(llvm::ConstantStruct::get(
          tensorInfoTy,
          {string(tensor.name, base + "_name"), i32(tensor.dtype),
           i32(static_cast<int64_t>(tensor.shape.size())), shape,
           stringList(tensor.dimNames, /*emptyIsNull=*/true,
                      base + "_dim_names")}));
    }
    auto *arrayTy = llvm::ArrayType::get(tensorInfoTy, infos.size());
    return privateConstant(llvm::ConstantArray::get(arrayTy, infos),
                           "_" + kind + "s");
  }

  llvm::Module &module;
  llvm::LLVMContext &ctx;
  std::string prefix;
  llvm::PointerType *ptrTy;
  llvm::IntegerType *i32Ty, *i64Ty;
  llvm::StructType *tensorInfoTy;
  llvm::StructType *modelInfoTy;
};
} // namespace

static std::string printType(llvm::Type *type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  type->print(os);
  return text;
}

/// Internal linkage for every definition: only the entry points added later
/// are visible outside the object.
static void internalizeDefinitions(llvm::Module &module) {
  for (llvm::Function &function : module)
    if (!function.isDeclaration())
      function.setLinkage(llvm::GlobalValue::InternalLinkage);
  for (llvm::GlobalVariable &global : module.globals())
    if (!global.isDeclaration() && !global.getName().starts_with("llvm.") &&
        !global.hasLocalLinkage())
      global.setLinkage(llvm::GlobalValue::InternalLinkage);
}

LogicalResult bitnet::addEntryPoints(llvm::Module &module,
                                     const ModelSignature &signature,
                                     ArrayRef<std::string> errors,
                                     StringRef modelName, bool exportQuery,
                                     uint64_t requiredCpuFeatures,
                                     Location loc) {
  llvm::Function *entry = module.getFunction(kEntryCInterfaceName);
  if (!entry || entry->isDeclaration())
    return emitError(loc) << "the module defines no '" << kEntryCInterfaceName
                          << "' (main_graph needs llvm.emit_c_interface)";
  size_t numInputs = signature.inputs.size();
  size_t numTensors = numInputs + signature.outputs.size();
  bool pointersOnly = llvm::all_of(entry->args(), [](llvm::Argument &arg) {
    return arg.getType()->isPointerTy();
  });
  llvm::Type *i32Ty = llvm::Type::getInt32Ty(module.getContext());
  bool returnsStatus = entry->getReturnType() == i32Ty;
  if (!(entry->getReturnType()->isVoidTy() || returnsStatus) ||
      !pointersOnly || entry->arg_size() != numTensors + 1)
    return emitError(loc)
           << "'" << kEntryCInterfaceName
           << "' must return void or an i32 status and take the execution "
              "environment and one descriptor pointer per input and output "
              "(1 + "
           << numInputs << " + " << signature.outputs.size()
           << "); it has type '" << printType(entry->getFunctionType()) << "'";

  std::string prefix = ("bitnet_" + modelName).str();
  std::string invokeName = prefix + "_invoke", infoName = prefix + "_model";
  for (StringRef name : {StringRef(invokeName), StringRef(infoName),
                         StringRef("bitnet_model_query")})
    if (module.getNamedValue(name))
      return emitError(loc) << "symbol '" << name
                            << "' is already defined in the compiled module";
  internalizeDefinitions(module);

  InfoBuilder info(module, prefix);
  llvm::LLVMContext &ctx = module.getContext();

  // int32_t bitnet_<name>_invoke(void **descs, const bitnet_exec_env *env):
  // entry(env, descs[0], descs[1], ...), returning its status or 0.
  auto *invokeTy = llvm::FunctionType::get(i32Ty, {info.ptrTy, info.ptrTy},
                                           /*isVarArg=*/false);
  auto *invoke = llvm::Function::Create(
      invokeTy, llvm::GlobalValue::ExternalLinkage, invokeName, module);
  invoke->getArg(0)->setName("descriptors");
  invoke->getArg(1)->setName("env");
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", invoke));
  SmallVector<llvm::Value *> descriptors = {invoke->getArg(1)};
  for (size_t i = 0; i < numTensors; ++i) {
    llvm::Value *slot =
        b.CreateConstInBoundsGEP1_64(info.ptrTy, invoke->getArg(0), i);
    descriptors.push_back(b.CreateLoad(info.ptrTy, slot));
  }
  llvm::Value *status = b.CreateCall(entry, descriptors);
  b.CreateRet(returnsStatus ? status : info.i32(0));

  // const bitnet_model_info bitnet_<name>_model.
  llvm::Constant *model = llvm::ConstantStruct::get(
      info.modelInfoTy,
      {info.i32(abi::kVersion), info.string(modelName, "_name"),
       info.i32(static_cast<int64_t>(numInputs)),
       info.tensorList(signature.inputs, "input"),
       info.i32(static_cast<int64_t>(signature.outputs.size())),
       info.tensorList(signature.outputs, "output"), invoke,
       info.i32(static_cast<int64_t>(errors.size())),
       info.stringList(errors, /*emptyIsNull=*/false, "_errors"),
       info.i64(requiredCpuFeatures), info.i32(0), info.null(), info.i32(0),
       info.null()});
  auto *modelGlobal = new llvm::GlobalVariable(
      module, info.modelInfoTy, /*isConstant=*/true,
      llvm::GlobalValue::ExternalLinkage, model, infoName);

  if (exportQuery) {
    // const bitnet_model_info *bitnet_model_query(void).
    auto *queryTy = llvm::FunctionType::get(info.ptrTy, /*isVarArg=*/false);
    auto *query =
        llvm::Function::Create(queryTy, llvm::GlobalValue::ExternalLinkage,
                               "bitnet_model_query", module);
    b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", query));
    b.CreateRet(modelGlobal);
  }
  return success();
}
