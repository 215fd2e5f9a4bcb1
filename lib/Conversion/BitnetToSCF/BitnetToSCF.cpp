//===- BitnetToSCF.cpp ---------------------------------------------------------------===//
// PLACEHOLDER: being implemented.
#include "bitnet-mlir/Conversion/Passes.h"

namespace mlir::bitnet {
#define GEN_PASS_DEF_CONVERTBITNETTOSCFPASS
#include "bitnet-mlir/Conversion/Passes.h.inc"
} // namespace mlir::bitnet

using namespace mlir;

namespace {
struct PassCONVERTBITNETTOSCFPASS : bitnet::impl::ConvertBitnetToSCFPassBase<PassCONVERTBITNETTOSCFPASS> {
  using Base::Base;
  void runOnOperation() override {}
};
} // namespace
