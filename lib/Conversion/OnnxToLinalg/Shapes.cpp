//===- Shapes.cpp - shape and layout ops to tensor/linalg -----------------===//
//
// Reshape, Flatten, Squeeze, Unsqueeze -> tensor.collapse_shape /
// expand_shape (through 1-D when no reassociation exists); Transpose ->
// linalg.transpose; Concat -> tensor.insert_slice into a tensor.empty;
// Shape, Size -> tensor.from_elements of dims; Expand -> a broadcasting
// linalg.generic; ConstantOfShape -> linalg.fill.
//
// Shape operands may be constants or runtime tensors; sizes are computed
// with folding arith, so that constant shapes give static types.
//
//===----------------------------------------------------------------------===//
#include "Common.h"
#include "bitnet-mlir/Support/ConstantData.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::bitnet::onnx_to_linalg;
namespace onnx = mlir::onnx_ir;

namespace {

/// `type` with the dims of `sizes` that are constants made static.
RankedTensorType refineType(RankedTensorType type,
                            ArrayRef<OpFoldResult> sizes) {
  SmallVector<int64_t> shape(type.getShape());
  for (auto [dim, size] : llvm::zip_equal(shape, sizes))
    if (std::optional<int64_t> value = getConstantIntValue(size))
      if (ShapedType::isDynamic(dim))
        dim = *value;
  return type.clone(shape);
}

/// The run-time sizes of a Reshape must hold exactly the input's elements (a
/// dynamic length that breaks the requested shape).
static void checkElementCount(OpBuilder &b, Location loc, Value data,
                              ArrayRef<OpFoldResult> sizes) {
  IndexMath m{b, loc};
  Value total = productOfSizes(b, loc, tensor::getMixedSizes(b, loc, data));
  emitRuntimeCheck(b, loc, m.eq(productOfSizes(b, loc, sizes), total),
                   "the requested shape does not hold the input's number of "
                   "elements");
}

struct ReshapeLowering : OnnxPattern<onnx::ReshapeOp> {
  using OnnxPattern::OnnxPattern;
  LogicalResult lower(onnx::ReshapeOp op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData();
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t rank = resultType.getRank();
    if (getTensorType(adaptor.getShape()).getRank() != 1)
      return nodeFailure(op, "shape must be a 1-D tensor");
    // A shape of dynamic length (computed at run time) is trusted to have
    // the length shape inference gave the result.
    RankedTensorType shapeType = getTensorType(adaptor.getShape());
    if (!shapeType.isDynamicDim(0) && shapeType.getDimSize(0) != rank)
      return nodeFailure(op, "shape has a different length than the result "
                             "rank");
    if (resultType.hasStaticShape()) { // shape inference has done the work
      if (resultType.getNumElements() != getTensorType(data).getNumElements() &&
          getTensorType(data).hasStaticShape())
        return nodeFailure(op, "the result has another number of elements");
      SmallVector<OpFoldResult> sizes;
      for (int64_t dim : resultType.getShape())
        sizes.push_back(rewriter.getIndexAttr(dim));
      if (!getTensorType(data).hasStaticShape())
        checkElementCount(rewriter, loc, data, sizes);
      rewriter.replaceOp(op, reshapeTo(rewriter, loc, data, resultType, sizes));
      return success();
    }
    IndexMath m{rewriter, loc};
    SmallVector<Value> requested = extractIndexElements(
        rewriter, loc, adaptor.getShape(), op.getShape(), rank);
    if (static_cast<int64_t>(requested.size()) != rank)
      return nodeFailure(op, "shape has a different length than the result "
                             "rank");
    SmallVector<Value> dataSizes = getValueOrCreateConstantIndexOp(
        rewriter, loc, tensor::getMixedSizes(rewriter, loc, data));
    // 0 copies the input dim (unless allowzero), -1 takes what is left.
    bool allowZero = op.getAllowzero() != 0;
    SmallVector<Value> sizes;
    Value known = m.c(1);
    for (auto [i, value] : llvm::enumerate(requested)) {
      Value size = value;
      if (!allowZero && i < dataSizes.size())
        size = m.select(m.eq(value, m.c(0)), dataSizes[i], value);
      sizes.push_back(size);
      known = m.mul(known, m.select(m.eq(value, m.c(-1)), m.c(1), size));
    }
    Value total = productOfSizes(rewriter, loc, getAsOpFoldResult(dataSizes));
    Value inferred = m.div(total, known);
    SmallVector<OpFoldResult> finalSizes;
    for (auto [i, value] : llvm::enumerate(requested)) {
      if (!resultType.isDynamicDim(i)) {
        finalSizes.push_back(rewriter.getIndexAttr(resultType.getDimSize(i)));
        continue;
      }
      finalSizes.push_back(getAsOpFoldResult(
          m.select(m.eq(value, m.c(-1)), inferred, sizes[i])));
    }
    checkElementCount(rewriter, loc, data, finalSizes);
    RankedTensorType refined = refineType(resultType, finalSizes);
    Value result = reshapeTo(rewriter, loc, data, refined, finalSizes);
    rewriter.replaceOp(op, castToType(rewriter, loc, result, resultType));
    return success();
  }
};

struct FlattenLowering : OnnxPattern<onnx::FlattenOp> {
  using OnnxPattern::OnnxPattern;
  LogicalResult lower(onnx::FlattenOp op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    int64_t rank = getTensorType(input).getRank();
    int64_t axis = op.getAxis();
    if (axis < -rank || axis > rank)
      return nodeFailure(op, "axis " + Twine(axis) +
                                 " is out of range for rank " + Twine(rank));
    if (axis < 0)
      axis += rank;
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, input);
    ArrayRef<OpFoldResult> all(sizes);
    SmallVector<OpFoldResult> flatSizes = {
        getAsOpFoldResult(productOfSizes(rewriter, loc, all.take_front(axis))),
        getAsOpFoldResult(productOfSizes(rewriter, loc, all.drop_front(axis)))};
    auto resultType = cast<RankedTensorType>(op.getType());
    RankedTensorType refined = refineType(resultType, flatSizes);
    Value result = reshapeTo(rewriter, loc, input, refined, flatSizes);
    rewriter.replaceOp(op, castToType(rewriter, loc, result, resultType));
    return success();
  }
};

/// Squeeze and Unsqueeze with axes known only at run time: removing or
/// inserting size-1 dims keeps the order of the elements, so wherever the
/// unit dims go the result is `data` reshaped to the result type, which
/// shape inference must have made static.
LogicalResult reshapeToStaticResult(Operation *op, Value data,
                                    ConversionPatternRewriter &rewriter) {
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  RankedTensorType dataType = getTensorType(data);
  if (!resultType.hasStaticShape() || !dataType.hasStaticShape())
    return nodeFailure(op, "axes that are not a constant need static input "
                           "and result shapes, got " +
                               Twine(llvm::formatv("{0} -> {1}", dataType,
                                                   resultType)
                                         .str()));
  if (resultType.getNumElements() != dataType.getNumElements())
    return nodeFailure(op, "the result has another number of elements");
  SmallVector<OpFoldResult> sizes;
  for (int64_t dim : resultType.getShape())
    sizes.push_back(rewriter.getIndexAttr(dim));
  rewriter.replaceOp(op,
                     reshapeTo(rewriter, op->getLoc(), data, resultType, sizes));
  return success();
}

struct SqueezeLowering : OnnxPattern<onnx::SqueezeOp> {
  using OnnxPattern::OnnxPattern;
  LogicalResult lower(onnx::SqueezeOp op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData();
    RankedTensorType type = getTensorType(data);
    int64_t rank = type.getRank();
    SmallVector<bool> squeezed(rank, false);
    if (isNone(op.getAxes())) {
      for (int64_t d = 0; d < rank; ++d)
        squeezed[d] = type.getDimSize(d) == 1;
      if (type.getNumDynamicDims() != 0 &&
          cast<RankedTensorType>(op.getType()).getRank() !=
              rank - llvm::count(squeezed, true))
        return nodeFailure(op, "squeezing dynamic dims needs constant axes");
    } else {
      std::optional<SmallVector<int64_t>> axes = getConstantInts(op.getAxes());
      if (!axes)
        return reshapeToStaticResult(op, data, rewriter);
      for (int64_t axis : *axes) {
        FailureOr<int64_t> dim = normalizeAxis(op, axis, rank);
        if (failed(dim))
          return failure();
        if (!type.isDynamicDim(*dim) && type.getDimSize(*dim) != 1)
          return nodeFailure(op, "cannot squeeze dim " + Twine(*dim) +
                                     " of size " +
                                     Twine(type.getDimSize(*dim)));
        squeezed[*dim] = true;
      }
    }
    // A dynamic dim being squeezed is 1: say so with a cast first.
    SmallVector<int64_t> shape(type.getShape());
    for (int64_t d = 0; d < rank; ++d)
      if (squeezed[d])
        shape[d] = 1;
    data = castToType(rewriter, loc, data, type.clone(shape));
    Value result = dropUnitDims(rewriter, loc, data, squeezed);
    rewriter.replaceOp(op, castToType(rewriter, loc, result, op.getType()));
    return success();
  }
};

struct UnsqueezeLowering : OnnxPattern<onnx::UnsqueezeOp> {
  using OnnxPattern::OnnxPattern;
  LogicalResult lower(onnx::UnsqueezeOp op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    std::optional<SmallVector<int64_t>> axes = getConstantInts(op.getAxes());
    if (!axes)
      return reshapeToStaticResult(op, adaptor.getData(), rewriter);
    Value data = adaptor.getData();
    int64_t rank = getTensorType(data).getRank() + axes->size();
    SmallVector<bool> inserted(rank, false);
    for (int64_t axis : *axes) {
      FailureOr<int64_t> dim = normalizeAxis(op, axis, rank);
      if (failed(dim))
        return failure();
      inserted[*dim] = true;
    }
    Value result = insertUnitDims(rewriter, op.getLoc(), data, inserted);
    rewriter.replaceOp(op,
                       castToType(rewriter, op.getLoc(), result, op.getType()));
    return success();
  }
};

struct TransposeLowering : OnnxPattern<onnx::TransposeOp> {
  using OnnxPattern::OnnxPattern;
  LogicalResult lower(onnx::TransposeOp op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData();
    int64_t rank = getTensorType(data).getRank();
    SmallVector<int64_t> perm;
    if (std::optional<ArrayRef<int64_t>> given = op.getPerm())
      perm.assign(given->begin(), given->end());
    else
      for (int64_t d = rank - 1; d >= 0; --d)
        perm.push_back(d);
    // The identity (also every rank-0 and 1-D transpose, which
    // linalg.transpose does not verify at rank 0) moves nothing.
    if (llvm::equal(perm, llvm::seq<int64_t>(0, rank))) {
      rewriter.replaceOp(op, castToType(rewriter, loc, data, op.getType()));
      return success();
    }
    SmallVector<OpFoldResult> inSizes =
        tensor::getMixedSizes(rewriter, loc, data);
    SmallVector<OpFoldResult> sizes;
    for (int64_t d : perm)
      sizes.push_back(inSizes[d]);
    Value init = createEmpty(rewriter, loc, sizes, getElementType(data));
    Value result = linalg::TransposeOp::create(rewriter, loc, data, init, perm)
                       .getResult()[0];
    rewriter.replaceOp(op, castToType(rewriter, loc, result, op.getType()));
    return success();
  }
};

struct ConcatLowering : OnnxPattern<onnx::ConcatOp> {
  using OnnxPattern::OnnxPattern;
  LogicalResult lower(onnx::ConcatOp op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ValueRange inputs = adaptor.getInputs();
    int64_t rank = getTensorType(inputs.front()).getRank();
    FailureOr<int64_t> axis = normalizeAxis(op, op.getAxis(), rank);
    if (failed(axis))
      return failure();
    IndexMath m{rewriter, loc};
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, inputs.front());
    Value total = m.c(0);
    SmallVector<Value> offsets;
    for (Value input : inputs) {
      offsets.push_back(total);
      total = rewriter.createOrFold<arith::AddIOp>(
          loc, total, rewriter.createOrFold<tensor::DimOp>(loc, input, *axis));
    }
    sizes[*axis] = getAsOpFoldResult(total);
    auto resultType = cast<RankedTensorType>(op.getType());
    Value result = createEmpty(rewriter, loc, resultType, sizes);
    for (auto [input, offset] : llvm::zip_equal(inputs, offsets)) {
      if (getTensorType(input).getDimSize(*axis) == 0)
        continue;
      SmallVector<OpFoldResult> offs(rank, rewriter.getIndexAttr(0));
      offs[*axis] = getAsOpFoldResult(offset);
      SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
      result = tensor::InsertSliceOp::create(
          rewriter, loc, input, result, offs,
          tensor::getMixedSizes(rewriter, loc, input), strides);
    }
    rewriter.replaceOp(op, castToType(rewriter, loc, result, resultType));
    return success();
  }
};

/// The dims [start, end) of `data` as an i64 tensor.
struct ShapeLowering : OnnxPattern<onnx::ShapeOp> {
  using OnnxPattern::OnnxPattern;
  LogicalResult lower(onnx::ShapeOp op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData();
    int64_t rank = getTensorType(data).getRank();
    auto clampIndex = [&](int64_t index) {
      return std::clamp<int64_t>(index < 0 ? index + rank : index, 0, rank);
    };
    int64_t start = clampIndex(op.getStart().value_or(0));
    int64_t end = clampIndex(op.getEnd().value_or(rank));
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, data);
    SmallVector<Value> elements;
    for (int64_t d = start; d < end; ++d)
      elements.push_back(indexToScalar(
          rewriter, loc,
          getValueOrCreateConstantIndexOp(rewriter, loc, sizes[d]),
          rewriter.getI64Type()));
    auto type = RankedTensorType::get({static_cast<int64_t>(elements.size())},
                                      rewriter.getI64Type());
    Value result =
        tensor::FromElementsOp::create(rewriter, loc, type, elements);
    rewriter.replaceOp(op, castToType(rewriter, loc, result, op.getType()));
    return success();
  }
};

struct SizeLowering : OnnxPattern<onnx::SizeOp> {
  using OnnxPattern::OnnxPattern;
  LogicalResult lower(onnx::SizeOp op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    if (resultType.getNumElements() != 1)
      return nodeFailure(op, "the result must hold one element");
    Value count = productOfSizes(
        rewriter, loc, tensor::getMixedSizes(rewriter, loc, adaptor.getData()));
    Value element = indexToScalar(rewriter, loc, count, rewriter.getI64Type());
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(op, resultType,
                                                        element);
    return success();
  }
};

/// Broadcast `input` to the numpy broadcast of its shape and `shape`.
struct ExpandLowering : OnnxPattern<onnx::ExpandOp> {
  using OnnxPattern::OnnxPattern;
  LogicalResult lower(onnx::ExpandOp op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t rank = resultType.getRank();
    int64_t shapeLength = getTensorType(adaptor.getShape()).getDimSize(0);
    int64_t inRank = getTensorType(input).getRank();
    if (ShapedType::isDynamic(shapeLength) || rank < inRank ||
        rank < shapeLength)
      return nodeFailure(op, "the shape operand must have a static length "
                             "that is at most the result rank");
    if (failed(checkBroadcastable(op, input, resultType.getShape())))
      return failure();
    IndexMath m{rewriter, loc};
    SmallVector<Value> shape = extractIndexElements(
        rewriter, loc, adaptor.getShape(), op.getShape(), shapeLength);
    SmallVector<OpFoldResult> inSizes =
        tensor::getMixedSizes(rewriter, loc, input);
    SmallVector<OpFoldResult> sizes;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t s = d - (rank - shapeLength), i = d - (rank - inRank);
      if (!resultType.isDynamicDim(d)) {
        sizes.push_back(rewriter.getIndexAttr(resultType.getDimSize(d)));
      } else if (s < 0) {
        sizes.push_back(inSizes[i]);
      } else if (i < 0) {
        sizes.push_back(getAsOpFoldResult(shape[s]));
      } else {
        Value in = getValueOrCreateConstantIndexOp(rewriter, loc, inSizes[i]);
        sizes.push_back(
            getAsOpFoldResult(m.select(m.eq(shape[s], m.c(1)), in, shape[s])));
      }
    }
    Value result = buildElementwise(
        rewriter, loc, input, resultType, sizes,
        [](OpBuilder &, Location, ValueRange args) { return args[0]; });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ConstantOfShapeLowering : OnnxPattern<onnx::ConstantOfShapeOp> {
  using OnnxPattern::OnnxPattern;
  LogicalResult lower(onnx::ConstantOfShapeOp op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type elementType = resultType.getElementType();
    Value fill;
    if (std::optional<ElementsAttr> value = op.getValue()) {
      DenseElementsAttr dense = toDenseElementsAttr(*value);
      if (!dense || dense.getNumElements() != 1 ||
          dense.getElementType() != elementType)
        return nodeFailure(op, "value must be one element of the result's "
                               "element type");
      fill = arith::ConstantOp::create(
          rewriter, loc, cast<TypedAttr>(dense.getSplatValue<Attribute>()));
    } else {
      fill = createScalar(rewriter, loc, elementType, 0);
    }
    int64_t rank = resultType.getRank();
    SmallVector<Value> shape = extractIndexElements(
        rewriter, loc, adaptor.getInput(), op.getInput(), rank);
    if (static_cast<int64_t>(shape.size()) != rank)
      return nodeFailure(op, "shape has a different length than the result "
                             "rank");
    Value empty =
        createEmpty(rewriter, loc, resultType, getAsOpFoldResult(shape));
    Value result =
        linalg::FillOp::create(rewriter, loc, fill, empty).getResult(0);
    rewriter.replaceOp(op, castToType(rewriter, loc, result, resultType));
    return success();
  }
};

} // namespace

void onnx_to_linalg::populateShapePatterns(RewritePatternSet &patterns) {
  patterns
      .add<ReshapeLowering, FlattenLowering, SqueezeLowering, UnsqueezeLowering,
           TransposeLowering, ConcatLowering, ShapeLowering, SizeLowering,
           ExpandLowering, ConstantOfShapeLowering>(patterns.getContext());
}
