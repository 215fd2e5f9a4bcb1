//===- BitnetToSCF.cpp - bitnet ops to loops and linalg on tensors --------===//
//
// convert-bitnet-to-scf: a dialect conversion whose type converter maps
// !bitnet.packed to its i8 storage tensor [rows, rowBytes]. Packed constants
// become arith.constant of that storage; the matmuls (Matmul.cpp) and the
// quantization ops (Elementwise.cpp) are lowered to ops on tensors, in
// destination-passing style so that one-shot bufferization works in place.
//
//===----------------------------------------------------------------------===//

#include "bitnet-mlir/Conversion/Passes.h"

#include "Patterns.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::bitnet {
#define GEN_PASS_DEF_CONVERTBITNETTOSCFPASS
#include "bitnet-mlir/Conversion/Passes.h.inc"
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
    int64_t perBlock = source.getStorageShape()[0] /
                       ((source.getRows() + source.getBlockRows() - 1) /
                        source.getBlockRows());
    int64_t firstRow = op.getOffset() / source.getBlockRows() * perBlock;
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

struct ConvertBitnetToSCFPass
    : bitnet::impl::ConvertBitnetToSCFPassBase<ConvertBitnetToSCFPass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    // Identity for every type; populateBitnetToSCFPatterns adds the
    // !bitnet.packed conversion, which takes precedence.
    TypeConverter typeConverter;
    typeConverter.addConversion([](Type type) { return type; });
    RewritePatternSet patterns(context);
    populateBitnetToSCFPatterns(patterns, typeConverter);

    ConversionTarget target(*context);
    target.addIllegalDialect<BitnetDialect>();
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, scf::SCFDialect,
                           tensor::TensorDialect>();
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

RankedTensorType bitnet::detail::tensorTypeOf(ArrayRef<OpFoldResult> sizes,
                                              Type elementType) {
  SmallVector<int64_t> shape;
  for (OpFoldResult size : sizes)
    shape.push_back(getConstantIntValue(size).value_or(ShapedType::kDynamic));
  return RankedTensorType::get(shape, elementType);
}

Value bitnet::detail::castIfNeeded(ImplicitLocOpBuilder &b, Value value,
                                   Type type) {
  if (value.getType() == type)
    return value;
  return tensor::CastOp::create(b, type, value);
}

void bitnet::populateBitnetToSCFPatterns(RewritePatternSet &patterns,
                                         TypeConverter &typeConverter) {
  // !bitnet.packed -> tensor<rows x rowBytes x i8>. Added last, so it wins
  // over the caller's conversions for this type.
  typeConverter.addConversion([](PackedType type) -> Type {
    return RankedTensorType::get(type.getStorageShape(),
                                 IntegerType::get(type.getContext(), 8));
  });
  patterns.add<PackedConstantLowering, PackedSliceLowering>(
      typeConverter, patterns.getContext());
  detail::populateMatmulToSCFPatterns(patterns, typeConverter);
  detail::populateElementwiseToLinalgPatterns(patterns, typeConverter);
}
