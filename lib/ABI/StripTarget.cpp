//===- StripTarget.cpp - drop bitnet.target from the LLVM-dialect module --===//
#include "bitnet-mlir/ABI/Passes.h"

namespace mlir::bitnet {
#define GEN_PASS_DEF_BITNETSTRIPTARGETPASS
#include "bitnet-mlir/ABI/Passes.h.inc"
} // namespace mlir::bitnet

using namespace mlir;

namespace {
struct BitnetStripTargetPass
    : bitnet::impl::BitnetStripTargetPassBase<BitnetStripTargetPass> {
  using Base::Base;
  void runOnOperation() override {
    // The attribute's name, as BitnetAttrs.td's TargetAttr::getAttrName().
    getOperation()->removeAttr("bitnet.target");
  }
};
} // namespace
