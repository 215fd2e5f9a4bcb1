//===- AddExecEnv.cpp - the entry function's bitnet_exec_env argument -----===//
#include "bitnet-mlir/ABI/Passes.h"

namespace mlir::bitnet {
#define GEN_PASS_DEF_BITNETADDEXECENVPASS
#include "bitnet-mlir/ABI/Passes.h.inc"
} // namespace mlir::bitnet

using namespace mlir;

Value bitnet::getExecEnvArgument(FunctionOpInterface func) {
  if (func.isExternal())
    return Value();
  for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
    if (func.getArgAttr(i, kExecEnvAttr))
      return func.getArgument(i);
  return Value();
}

namespace {
struct BitnetAddExecEnvPass
    : bitnet::impl::BitnetAddExecEnvPassBase<BitnetAddExecEnvPass> {
  using Base::Base;

  void runOnOperation() override {
    auto func = getOperation().lookupSymbol<func::FuncOp>(entry);
    if (!func || func.isExternal() || bitnet::getExecEnvArgument(func))
      return;
    MLIRContext *context = &getContext();
    NamedAttribute marker(StringAttr::get(context, bitnet::kExecEnvAttr),
                          UnitAttr::get(context));
    Type ptrTy = LLVM::LLVMPointerType::get(context);
    if (failed(func.insertArgument(0, ptrTy,
                                   DictionaryAttr::get(context, marker),
                                   func.getLoc())))
      return signalPassFailure();
    // Calls inside the module (test harnesses) pass a null environment:
    // parallel loops then run serially and kernels take the baseline path.
    getOperation().walk([&](func::CallOp call) {
      if (call.getCallee() != func.getSymName())
        return;
      OpBuilder b(call);
      Value null = LLVM::ZeroOp::create(b, call.getLoc(), ptrTy);
      call->insertOperands(0, null);
    });
  }
};
} // namespace
