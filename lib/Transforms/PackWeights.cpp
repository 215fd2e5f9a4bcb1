//===- PackWeights.cpp ---------------------------------------------------------------===//
// PLACEHOLDER: being implemented.
#include "bitnet-mlir/Transforms/Passes.h"

namespace mlir::bitnet {
#define GEN_PASS_DEF_BITNETPACKWEIGHTSPASS
#include "bitnet-mlir/Transforms/Passes.h.inc"
} // namespace mlir::bitnet

using namespace mlir;

namespace {
struct PassBITNETPACKWEIGHTSPASS : bitnet::impl::BitnetPackWeightsPassBase<PassBITNETPACKWEIGHTSPASS> {
  using Base::Base;
  void runOnOperation() override {}
};
} // namespace
