//===- ExpandDynamicGroups.cpp - expand_shape with several dynamic dims ---===//
//
// Upstream expand-strided-metadata crashes on a memref.expand_shape that
// splits one dimension into several dynamic ones ([b*s] -> [b, s], which a
// transformer with dynamic batch and sequence has everywhere). This pass
// computes such views itself: the strides of each group follow from the
// source stride and the output sizes, and a memref.reinterpret_cast of the
// source's base buffer builds the view.
//
//===----------------------------------------------------------------------===//
#include "bitnet-mlir/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::bitnet {
#define GEN_PASS_DEF_BITNETEXPANDDYNAMICGROUPSPASS
#include "bitnet-mlir/Transforms/Passes.h.inc"
} // namespace mlir::bitnet

using namespace mlir;

namespace {

/// True when some reassociation group has more than one dynamic dimension.
bool hasGroupWithDynamicDims(memref::ExpandShapeOp op) {
  MemRefType type = op.getResultType();
  return llvm::any_of(op.getReassociationIndices(),
                      [&](const ReassociationIndices &group) {
                        return llvm::count_if(group, [&](int64_t d) {
                                 return type.isDynamicDim(d);
                               }) > 1;
                      });
}

struct ExpandShapeToReinterpretCast
    : OpRewritePattern<memref::ExpandShapeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(memref::ExpandShapeOp op,
                                PatternRewriter &rewriter) const override {
    if (!hasGroupWithDynamicDims(op))
      return failure();
    Location loc = op.getLoc();
    MemRefType type = op.getResultType();
    auto metadata =
        memref::ExtractStridedMetadataOp::create(rewriter, loc, op.getSrc());
    SmallVector<OpFoldResult> sizes = op.getMixedOutputShape();
    SmallVector<OpFoldResult> strides(type.getRank());
    for (auto [source, group] : llvm::enumerate(op.getReassociationIndices())) {
      // Innermost dimension of the group: the source stride; outward, each
      // stride is the next one times the next size.
      OpFoldResult stride = metadata.getStrides()[source];
      for (int64_t d : llvm::reverse(group)) {
        strides[d] = stride;
        Value next = arith::MulIOp::create(
            rewriter, loc,
            getValueOrCreateConstantIndexOp(rewriter, loc, stride),
            getValueOrCreateConstantIndexOp(rewriter, loc, sizes[d]));
        stride = next;
      }
    }
    int64_t dynamic = ShapedType::kDynamic;
    auto viewType = MemRefType::get(
        type.getShape(), type.getElementType(),
        StridedLayoutAttr::get(getContext(), dynamic,
                               SmallVector<int64_t>(type.getRank(), dynamic)),
        type.getMemorySpace());
    Value view = memref::ReinterpretCastOp::create(
        rewriter, loc, viewType, metadata.getBaseBuffer(),
        OpFoldResult(metadata.getOffset()), sizes, strides);
    rewriter.replaceOpWithNewOp<memref::CastOp>(op, type, view);
    return success();
  }
};

struct BitnetExpandDynamicGroupsPass
    : bitnet::impl::BitnetExpandDynamicGroupsPassBase<
          BitnetExpandDynamicGroupsPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ExpandShapeToReinterpretCast>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
