//===- EntryPoints.cpp - the docs/abi.md glue around the compiled graph ---===//
//
// Adds, next to `_mlir_ciface_main_graph(ptr desc_in0, ..., ptr desc_out0,
// ...)`:
//
//   void bitnet_<name>_invoke(void **descs);         /* calls the C interface
//   */ const bitnet_model_info bitnet_<name>_model;     /* names, dtypes,
//   shapes */ const bitnet_model_info *bitnet_model_query(void);  /* shared
//   libs only */
//
// The structs get LLVM's natural (non-packed) layout, which the target's data
// layout turns into its C layout.
//
//===----------------------------------------------------------------------===//
#include "bitnet-mlir/Target/CPU.h"

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
        i32Ty(llvm::Type::getInt32Ty(ctx)),
        // struct bitnet_tensor_info { name, dtype, rank, shape }
        tensorInfoTy(llvm::StructType::create(ctx, {ptrTy, i32Ty, i32Ty, ptrTy},
                                              "bitnet_tensor_info")),
        // struct bitnet_model_info { abi_version, name, num_inputs, inputs,
        //                            num_outputs, outputs, invoke }
        modelInfoTy(llvm::StructType::create(
            ctx, {i32Ty, ptrTy, i32Ty, ptrTy, i32Ty, ptrTy, ptrTy},
            "bitnet_model_info")) {}

  llvm::Constant *i32(int64_t value) {
    return llvm::ConstantInt::get(i32Ty, value);
  }

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
           i32(static_cast<int64_t>(tensor.shape.size())), shape}));
    }
    auto *arrayTy = llvm::ArrayType::get(tensorInfoTy, infos.size());
    return privateConstant(llvm::ConstantArray::get(arrayTy, infos),
                           "_" + kind + "s");
  }

  llvm::Module &module;
  llvm::LLVMContext &ctx;
  std::string prefix;
  llvm::PointerType *ptrTy;
  llvm::IntegerType *i32Ty;
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
                                     StringRef modelName, bool exportQuery,
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
  if (!entry->getReturnType()->isVoidTy() || !pointersOnly ||
      entry->arg_size() != numTensors)
    return emitError(loc)
           << "'" << kEntryCInterfaceName
           << "' must return void and take one descriptor pointer per input "
              "and output ("
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

  // void bitnet_<name>_invoke(void **descs): entry(descs[0], descs[1], ...).
  auto *invokeTy = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx),
                                           {info.ptrTy}, /*isVarArg=*/false);
  auto *invoke = llvm::Function::Create(
      invokeTy, llvm::GlobalValue::ExternalLinkage, invokeName, module);
  invoke->getArg(0)->setName("descriptors");
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", invoke));
  SmallVector<llvm::Value *> descriptors;
  for (size_t i = 0; i < numTensors; ++i) {
    llvm::Value *slot =
        b.CreateConstInBoundsGEP1_64(info.ptrTy, invoke->getArg(0), i);
    descriptors.push_back(b.CreateLoad(info.ptrTy, slot));
  }
  b.CreateCall(entry, descriptors);
  b.CreateRetVoid();

  // const bitnet_model_info bitnet_<name>_model.
  llvm::Constant *model = llvm::ConstantStruct::get(
      info.modelInfoTy,
      {info.i32(1), info.string(modelName, "_name"),
       info.i32(static_cast<int64_t>(numInputs)),
       info.tensorList(signature.inputs, "input"),
       info.i32(static_cast<int64_t>(signature.outputs.size())),
       info.tensorList(signature.outputs, "output"), invoke});
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
