//===- EntryResultsToOutParams.cpp - results of the entry function --------===//
//
// Runs before buffer deallocation. Static results of the entry function
// become caller-allocated out-parameters (like upstream
// buffer-results-to-out-params, which cannot handle dynamic ones). A dynamic
// result stays a result, made a buffer of its own, so that deallocation
// leaves it to the caller; bitnet-results-to-descriptors then stores it
// through the descriptor pointer argument added here (docs/abi.md).
//
//===----------------------------------------------------------------------===//
#include "bitnet-mlir/ABI/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"

namespace mlir::bitnet {
#define GEN_PASS_DEF_BITNETENTRYRESULTSTOOUTPARAMSPASS
#include "bitnet-mlir/ABI/Passes.h.inc"
} // namespace mlir::bitnet

using namespace mlir;
using mlir::bitnet::kResultDescriptorAttr;

namespace {

/// A fresh identity-layout buffer holding a copy of `source`.
Value copyToNewBuffer(OpBuilder &b, Location loc, Value source) {
  auto type = cast<MemRefType>(source.getType());
  SmallVector<Value> dynamicSizes;
  for (int64_t dim = 0; dim < type.getRank(); ++dim)
    if (type.isDynamicDim(dim))
      dynamicSizes.push_back(memref::DimOp::create(b, loc, source, dim));
  Value buffer = memref::AllocOp::create(b, loc, type, dynamicSizes);
  memref::CopyOp::create(b, loc, source, buffer);
  return buffer;
}

struct BitnetEntryResultsToOutParamsPass
    : bitnet::impl::BitnetEntryResultsToOutParamsPassBase<
          BitnetEntryResultsToOutParamsPass> {
  using Base::Base;

  void runOnOperation() override {
    auto func = getOperation().lookupSymbol<func::FuncOp>(entry);
    if (!func || func.isExternal() || func.getNumResults() == 0)
      return;
    if (failed(convert(func)))
      signalPassFailure();
  }

  LogicalResult convert(func::FuncOp func) {
    MLIRContext *ctx = &getContext();
    FunctionType type = func.getFunctionType();
    for (Type resultType : type.getResults()) {
      auto memref = dyn_cast<MemRefType>(resultType);
      if (!memref || !memref.getLayout().isIdentity())
        return func.emitError()
               << "entry result of type " << resultType
               << " is not a memref with identity layout";
    }
    SmallVector<func::ReturnOp> returns;
    func.walk([&](func::ReturnOp op) { returns.push_back(op); });
    SmallVector<func::CallOp> calls;
    getOperation().walk([&](func::CallOp call) {
      if (call.getCallee() == func.getSymName())
        calls.push_back(call);
    });
    if (!calls.empty() && !llvm::all_of(type.getResults(), [](Type t) {
          return cast<MemRefType>(t).hasStaticShape();
        }))
      return calls.front().emitError()
             << "cannot call the entry function '" << func.getSymName()
             << "' inside the module: it has dynamically shaped results";

    // One argument per result, appended in result order, with the result's
    // attributes (onnx.name); dynamic results stay results too.
    unsigned numInputs = type.getNumInputs();
    Type ptrTy = LLVM::LLVMPointerType::get(ctx);
    SmallVector<Type> argTypes(type.getInputs());
    for (Type resultType : type.getResults()) {
      auto memref = cast<MemRefType>(resultType);
      argTypes.push_back(memref.hasStaticShape() ? resultType : ptrTy);
    }
    SmallVector<DictionaryAttr> resultAttrs;
    SmallVector<Type> dynamicResultTypes;
    for (unsigned i = 0; i < type.getNumResults(); ++i) {
      resultAttrs.push_back(func.getResultAttrDict(i));
      if (!cast<MemRefType>(type.getResult(i)).hasStaticShape())
        dynamicResultTypes.push_back(type.getResult(i));
    }
    func.setType(FunctionType::get(ctx, argTypes, dynamicResultTypes));
    func.setAllResultAttrs(ArrayRef<DictionaryAttr>{});
    SmallVector<BlockArgument> outArgs;
    for (auto [i, resultType] : llvm::enumerate(type.getResults())) {
      outArgs.push_back(func.front().addArgument(argTypes[numInputs + i],
                                                 func.getLoc()));
      if (resultAttrs[i])
        func.setArgAttrs(numInputs + i, resultAttrs[i]);
      if (!cast<MemRefType>(resultType).hasStaticShape())
        func.setArgAttr(numInputs + i, kResultDescriptorAttr,
                        UnitAttr::get(ctx));
    }

    for (func::ReturnOp op : returns) {
      OpBuilder b(op);
      Location loc = op.getLoc();
      SmallVector<Value> dynamicResults;
      for (auto [value, arg] : llvm::zip_equal(op.getOperands(), outArgs)) {
        auto memref = cast<MemRefType>(value.getType());
        auto alloc = value.getDefiningOp<memref::AllocOp>();
        if (!memref.hasStaticShape()) {
          // Handed over to the caller: a buffer of its own, never an
          // argument, a global or a view of another buffer.
          dynamicResults.push_back(alloc ? value
                                         : copyToNewBuffer(b, loc, value));
          continue;
        }
        // A buffer allocated for this result is the out-parameter itself;
        // anything else is copied into it.
        if (alloc && returns.size() == 1 && memref == arg.getType()) {
          value.replaceAllUsesWith(arg);
          alloc.erase();
          continue;
        }
        memref::CopyOp::create(b, loc, value, arg);
      }
      func::ReturnOp::create(b, loc, dynamicResults);
      op.erase();
    }
    // Callers (test harnesses) allocate the out-parameters; deallocation
    // frees them later.
    for (func::CallOp call : calls) {
      OpBuilder b(call);
      SmallVector<Value> operands(call.getOperands());
      for (Value result : call.getResults()) {
        Value buffer = memref::AllocOp::create(
            b, call.getLoc(), cast<MemRefType>(result.getType()));
        result.replaceAllUsesWith(buffer);
        operands.push_back(buffer);
      }
      func::CallOp::create(b, call.getLoc(), func, operands);
      call.erase();
    }
    return success();
  }
};

} // namespace
