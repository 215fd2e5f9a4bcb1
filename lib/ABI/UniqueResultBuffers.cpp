//===- UniqueResultBuffers.cpp - one buffer per returned memref -----------===//
//
// buffer-results-to-out-params (hoist-static-allocs) replaces a returned
// memref.alloc by the out-parameter; a value returned twice would be hoisted
// once and leave the second out-parameter unwritten. This pass copies every
// repetition into a buffer of its own first.
//
//===----------------------------------------------------------------------===//
#include "bitnet-mlir/ABI/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseSet.h"

namespace mlir::bitnet {
#define GEN_PASS_DEF_BITNETUNIQUERESULTBUFFERSPASS
#include "bitnet-mlir/ABI/Passes.h.inc"
} // namespace mlir::bitnet

using namespace mlir;

namespace {

/// A fresh identity-layout buffer holding a copy of `source`.
Value copyToNewBuffer(OpBuilder &b, Location loc, Value source) {
  auto type = cast<MemRefType>(source.getType());
  SmallVector<Value> dynamicSizes;
  for (int64_t dim = 0; dim < type.getRank(); ++dim)
    if (type.isDynamicDim(dim))
      dynamicSizes.push_back(memref::DimOp::create(b, loc, source, dim));
  auto bufferType =
      MemRefType::get(type.getShape(), type.getElementType(),
                      MemRefLayoutAttrInterface(), type.getMemorySpace());
  Value buffer = memref::AllocOp::create(b, loc, bufferType, dynamicSizes);
  memref::CopyOp::create(b, loc, source, buffer);
  if (bufferType != type)
    buffer = memref::CastOp::create(b, loc, type, buffer);
  return buffer;
}

struct BitnetUniqueResultBuffersPass
    : bitnet::impl::BitnetUniqueResultBuffersPassBase<
          BitnetUniqueResultBuffersPass> {
  using Base::Base;

  void runOnOperation() override {
    getOperation().walk([](func::ReturnOp op) {
      llvm::SmallDenseSet<Value> seen;
      OpBuilder b(op);
      for (OpOperand &operand : op->getOpOperands()) {
        Value value = operand.get();
        if (!isa<MemRefType>(value.getType()) || seen.insert(value).second)
          continue;
        operand.set(copyToNewBuffer(b, op.getLoc(), value));
      }
    });
  }
};

} // namespace
