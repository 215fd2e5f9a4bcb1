//===- OnnxToLinalg.cpp ---------------------------------------------------------------===//
// PLACEHOLDER: being implemented.
#include "bitnet-mlir/Conversion/Passes.h"

namespace mlir::bitnet {
#define GEN_PASS_DEF_CONVERTONNXTOLINALGPASS
#include "bitnet-mlir/Conversion/Passes.h.inc"
} // namespace mlir::bitnet

using namespace mlir;

namespace {
struct PassCONVERTONNXTOLINALGPASS : bitnet::impl::ConvertOnnxToLinalgPassBase<PassCONVERTONNXTOLINALGPASS> {
  using Base::Base;
  void runOnOperation() override {}
};
} // namespace
