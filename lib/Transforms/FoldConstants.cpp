//===- FoldConstants.cpp ---------------------------------------------------------------===//
// PLACEHOLDER: being implemented.
#include "bitnet-mlir/Transforms/Passes.h"

namespace mlir::bitnet {
#define GEN_PASS_DEF_ONNXFOLDCONSTANTSPASS
#include "bitnet-mlir/Transforms/Passes.h.inc"
} // namespace mlir::bitnet

using namespace mlir;

namespace {
struct PassONNXFOLDCONSTANTSPASS : bitnet::impl::OnnxFoldConstantsPassBase<PassONNXFOLDCONSTANTSPASS> {
  using Base::Base;
  void runOnOperation() override {}
};
} // namespace
