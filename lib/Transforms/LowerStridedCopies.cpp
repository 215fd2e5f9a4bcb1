//===- LowerStridedCopies.cpp - no memrefCopy calls in compiled models ----===//
#include "bitnet-mlir/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/IR/Builders.h"

namespace mlir::bitnet {
#define GEN_PASS_DEF_BITNETLOWERSTRIDEDCOPIESPASS
#include "bitnet-mlir/Transforms/Passes.h.inc"
} // namespace mlir::bitnet

using namespace mlir;

namespace {

/// Whether finalize-memref-to-llvm copies `type` with a memcpy (the same
/// test as its memref.copy lowering).
bool isContiguous(Type type) {
  auto memrefType = dyn_cast<MemRefType>(type);
  return memrefType && (memrefType.getLayout().isIdentity() ||
                        memref::isStaticShapeAndContiguousRowMajor(memrefType));
}

struct BitnetLowerStridedCopiesPass
    : bitnet::impl::BitnetLowerStridedCopiesPassBase<
          BitnetLowerStridedCopiesPass> {
  using Base::Base;

  void runOnOperation() override {
    getOperation().walk([](memref::CopyOp copy) {
      Value source = copy.getSource(), target = copy.getTarget();
      if (isContiguous(source.getType()) && isContiguous(target.getType()))
        return;
      // Unranked copies have no loop form; they keep the runtime call.
      if (!isa<MemRefType>(source.getType()) ||
          !isa<MemRefType>(target.getType()))
        return;
      OpBuilder b(copy);
      linalg::CopyOp::create(b, copy.getLoc(), ValueRange{source},
                             ValueRange{target});
      copy.erase();
    });
  }
};

} // namespace
