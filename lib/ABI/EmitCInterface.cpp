//===- EmitCInterface.cpp - C interface for the entry function ------------===//
#include "bitnet-mlir/ABI/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::bitnet {
#define GEN_PASS_DEF_BITNETEMITCINTERFACEPASS
#include "bitnet-mlir/ABI/Passes.h.inc"
} // namespace mlir::bitnet

using namespace mlir;

namespace {
struct BitnetEmitCInterfacePass
    : bitnet::impl::BitnetEmitCInterfacePassBase<BitnetEmitCInterfacePass> {
  using Base::Base;

  void runOnOperation() override {
    auto func = getOperation().lookupSymbol<func::FuncOp>(entry);
    if (func)
      func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                    UnitAttr::get(&getContext()));
  }
};
} // namespace
