//===- OnnxToBitnet.cpp ---------------------------------------------------------------===//
// PLACEHOLDER: being implemented.
#include "bitnet-mlir/Conversion/Passes.h"

namespace mlir::bitnet {
#define GEN_PASS_DEF_CONVERTONNXTOBITNETPASS
#include "bitnet-mlir/Conversion/Passes.h.inc"
} // namespace mlir::bitnet

using namespace mlir;

namespace {
struct PassCONVERTONNXTOBITNETPASS : bitnet::impl::ConvertOnnxToBitnetPassBase<PassCONVERTONNXTOBITNETPASS> {
  using Base::Base;
  void runOnOperation() override {}
};
} // namespace
