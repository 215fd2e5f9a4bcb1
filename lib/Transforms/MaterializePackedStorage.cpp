//===- MaterializePackedStorage.cpp - !bitnet.packed -> i8 storage --------===//
#include "bitnet-mlir/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::bitnet {
#define GEN_PASS_DEF_BITNETMATERIALIZEPACKEDSTORAGEPASS
#include "bitnet-mlir/Transforms/Passes.h.inc"
} // namespace mlir::bitnet

using namespace mlir;
using namespace mlir::bitnet;

namespace {

/// packed_constant -> arith.constant of the storage bytes (already in the
/// storage layout: the verifier checked shape, codes and padding).
struct PackedConstantLowering : OpConversionPattern<PackedConstantOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(PackedConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, op.getData());
    return success();
  }
};

/// packed_slice -> tensor.extract_slice of the storage rows that hold the
/// weight rows [offset, offset + rows): the offset is whole tiles, so the
/// rows of a slice are contiguous in every layout.
struct PackedSliceLowering : OpConversionPattern<PackedSliceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(PackedSliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    PackedType source = op.getWeights().getType(), result = op.getType();
    // Storage rows per weight row (row_major) or per tile of block_rows.
    int64_t tiles = (source.getRows() + source.getBlockRows() - 1) /
                    source.getBlockRows();
    int64_t perTile = source.getStorageShape()[0] / tiles;
    int64_t firstRow = op.getOffset() / source.getBlockRows() * perTile;
    SmallVector<int64_t, 2> shape = result.getStorageShape();
    SmallVector<OpFoldResult> offsets = {rewriter.getIndexAttr(firstRow),
                                         rewriter.getIndexAttr(0)};
    SmallVector<OpFoldResult> sizes = {rewriter.getIndexAttr(shape[0]),
                                       rewriter.getIndexAttr(shape[1])};
    SmallVector<OpFoldResult> strides(2, rewriter.getIndexAttr(1));
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        op, adaptor.getWeights(), offsets, sizes, strides);
    return success();
  }
};

/// packed_matmul on a !bitnet.packed value -> on its storage, with `format`.
struct PackedMatmulStorage : OpConversionPattern<PackedMatmulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(PackedMatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    PackedType format = op.getPackedType();
    auto matmul = PackedMatmulOp::create(
        rewriter, op.getLoc(), op->getResultTypes(), adaptor.getInput(),
        adaptor.getWeights(), adaptor.getInit(), op.getKGroup(),
        op.getKernelAttr(), TypeAttr::get(format));
    rewriter.replaceOp(op, matmul->getResults());
    return success();
  }
};

struct BitnetMaterializePackedStoragePass
    : bitnet::impl::BitnetMaterializePackedStoragePassBase<
          BitnetMaterializePackedStoragePass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    TypeConverter converter;
    converter.addConversion([](Type type) { return type; });
    converter.addConversion([](PackedType type) -> Type {
      return RankedTensorType::get(type.getStorageShape(),
                                   IntegerType::get(type.getContext(), 8));
    });
    RewritePatternSet patterns(context);
    patterns.add<PackedConstantLowering, PackedSliceLowering,
                 PackedMatmulStorage>(converter, context);

    ConversionTarget target(*context);
    target.addIllegalOp<PackedConstantOp, PackedSliceOp>();
    target.addDynamicallyLegalOp<PackedMatmulOp>([](PackedMatmulOp op) {
      return !isa<PackedType>(op.getWeights().getType());
    });
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
