//===- Builders.cpp - shapes and linalg.generic builders ------------------===//
#include "Common.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::bitnet::onnx_to_linalg;

//===----------------------------------------------------------------------===//
// Shapes
//===----------------------------------------------------------------------===//

Value onnx_to_linalg::castToType(OpBuilder &b, Location loc, Value value,
                                 Type type) {
  if (value.getType() == type)
    return value;
  return tensor::CastOp::create(b, loc, type, value);
}

Value onnx_to_linalg::createEmpty(OpBuilder &b, Location loc,
                                  ArrayRef<OpFoldResult> sizes,
                                  Type elementType) {
  return tensor::EmptyOp::create(b, loc, sizes, elementType);
}

Value onnx_to_linalg::createEmpty(OpBuilder &b, Location loc,
                                  RankedTensorType type,
                                  ArrayRef<OpFoldResult> sizes) {
  SmallVector<OpFoldResult> merged(sizes);
  for (auto [i, dim] : llvm::enumerate(type.getShape()))
    if (!ShapedType::isDynamic(dim))
      merged[i] = b.getIndexAttr(dim);
  return createEmpty(b, loc, merged, type.getElementType());
}

Value onnx_to_linalg::createFilled(OpBuilder &b, Location loc,
                                   ArrayRef<OpFoldResult> sizes, Value value) {
  Value empty = createEmpty(b, loc, sizes, value.getType());
  return linalg::FillOp::create(b, loc, value, empty).getResult(0);
}

Value onnx_to_linalg::productOfSizes(OpBuilder &b, Location loc,
                                     ArrayRef<OpFoldResult> sizes) {
  Value product = arith::ConstantIndexOp::create(b, loc, 1);
  for (OpFoldResult size : sizes)
    product = b.createOrFold<arith::MulIOp>(
        loc, product, getValueOrCreateConstantIndexOp(b, loc, size));
  return product;
}

SmallVector<ReassociationIndices>
onnx_to_linalg::getUnitDimReassociation(ArrayRef<bool> isUnit) {
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices pending; // unit dims before the first kept dim
  for (auto [i, unit] : llvm::enumerate(isUnit)) {
    int64_t dim = static_cast<int64_t>(i);
    if (unit) {
      (groups.empty() ? pending : groups.back()).push_back(dim);
      continue;
    }
    groups.push_back(pending);
    groups.back().push_back(dim);
    pending.clear();
  }
  return groups; // all-unit: no group (a rank-0 side)
}

Value onnx_to_linalg::expandShape(OpBuilder &b, Location loc,
                                  RankedTensorType type, Value value,
                                  ArrayRef<ReassociationIndices> groups,
                                  ArrayRef<OpFoldResult> sizes) {
  bool safe = llvm::all_of(groups, [&](const ReassociationIndices &group) {
    return llvm::count_if(group,
                          [&](int64_t d) { return type.isDynamicDim(d); }) <= 1;
  });
  if (safe)
    return tensor::ExpandShapeOp::create(b, loc, type, value, groups, sizes);
  SmallVector<Value> dims = getValueOrCreateConstantIndexOp(b, loc, sizes);
  auto shapeType = RankedTensorType::get({type.getRank()}, b.getIndexType());
  Value shape = tensor::FromElementsOp::create(b, loc, shapeType, dims);
  return tensor::ReshapeOp::create(b, loc, type, value, shape);
}

Value onnx_to_linalg::dropUnitDims(OpBuilder &b, Location loc, Value value,
                                   ArrayRef<bool> isUnit) {
  if (!llvm::is_contained(isUnit, true))
    return value;
  RankedTensorType type = getTensorType(value);
  SmallVector<int64_t> shape;
  for (auto [dim, unit] : llvm::zip_equal(type.getShape(), isUnit))
    if (!unit)
      shape.push_back(dim);
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  return tensor::CollapseShapeOp::create(b, loc, resultType, value,
                                         getUnitDimReassociation(isUnit));
}

Value onnx_to_linalg::insertUnitDims(OpBuilder &b, Location loc, Value value,
                                     ArrayRef<bool> isUnit) {
  if (!llvm::is_contained(isUnit, true))
    return value;
  RankedTensorType type = getTensorType(value);
  SmallVector<OpFoldResult> inSizes = tensor::getMixedSizes(b, loc, value);
  SmallVector<int64_t> shape;
  SmallVector<OpFoldResult> sizes;
  unsigned next = 0;
  for (bool unit : isUnit) {
    shape.push_back(unit ? 1 : type.getDimSize(next));
    sizes.push_back(unit ? b.getIndexAttr(1) : inSizes[next]);
    next += unit ? 0 : 1;
  }
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  return expandShape(b, loc, resultType, value, getUnitDimReassociation(isUnit),
                     sizes);
}

Value onnx_to_linalg::reshapeTo(OpBuilder &b, Location loc, Value value,
                                RankedTensorType type,
                                ArrayRef<OpFoldResult> sizes) {
  RankedTensorType srcType = getTensorType(value);
  // Equal dynamic dims may differ at run time: only static shapes compare.
  if (srcType.hasStaticShape() && srcType.getShape() == type.getShape())
    return castToType(b, loc, value, type);
  // Only static shapes give a reassociation that is sure to be right.
  if (srcType.hasStaticShape() && type.hasStaticShape() &&
      srcType.getRank() != type.getRank() && srcType.getRank() > 0 &&
      type.getRank() > 0) {
    if (std::optional<SmallVector<ReassociationIndices>> groups =
            getReassociationIndicesForReshape(srcType, type)) {
      if (srcType.getRank() > type.getRank())
        return tensor::CollapseShapeOp::create(b, loc, type, value, *groups);
      return expandShape(b, loc, type, value, *groups, sizes);
    }
  }
  // Through 1-D: collapse everything, then expand to the target.
  Type elementType = srcType.getElementType();
  auto flatType =
      RankedTensorType::get({srcType.hasStaticShape() ? srcType.getNumElements()
                                                      : ShapedType::kDynamic},
                            elementType);
  SmallVector<ReassociationIndices> all(1);
  for (int64_t i = 0; i < srcType.getRank(); ++i)
    all[0].push_back(i);
  Value flat;
  if (srcType.getRank() == 0)
    flat = tensor::ExpandShapeOp::create(
        b, loc, flatType, value, ArrayRef<ReassociationIndices>{},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
  else if (srcType.getRank() == 1)
    flat = value;
  else
    flat = tensor::CollapseShapeOp::create(b, loc, flatType, value, all);
  if (type.hasStaticShape()) // a static target needs a static source
    flat =
        castToType(b, loc, flat,
                   RankedTensorType::get({type.getNumElements()}, elementType));
  if (type.getRank() == 0)
    return tensor::CollapseShapeOp::create(b, loc, type, flat,
                                           ArrayRef<ReassociationIndices>{});
  all.assign(1, {});
  for (int64_t i = 0; i < type.getRank(); ++i)
    all[0].push_back(i);
  SmallVector<OpFoldResult> merged(sizes);
  for (auto [i, dim] : llvm::enumerate(type.getShape()))
    if (!ShapedType::isDynamic(dim))
      merged[i] = b.getIndexAttr(dim);
  if (type.getRank() == 1)
    return castToType(b, loc, flat, type);
  return expandShape(b, loc, type, flat, all, merged);
}

//===----------------------------------------------------------------------===//
// linalg.generic builders
//===----------------------------------------------------------------------===//

SmallVector<utils::IteratorType>
onnx_to_linalg::getParallelIterators(int64_t rank) {
  return SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel);
}

AffineMap onnx_to_linalg::getBroadcastMap(MLIRContext *ctx,
                                          RankedTensorType type,
                                          ArrayRef<int64_t> outShape) {
  int64_t outRank = outShape.size();
  int64_t offset = outRank - type.getRank();
  SmallVector<AffineExpr> exprs;
  for (auto [i, dim] : llvm::enumerate(type.getShape())) {
    int64_t outDim = offset + i;
    if (dim == 1 && outShape[outDim] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(outDim, ctx));
  }
  return AffineMap::get(outRank, 0, exprs, ctx);
}

LogicalResult onnx_to_linalg::checkBroadcastable(Operation *op,
                                                 ValueRange inputs,
                                                 ArrayRef<int64_t> outShape) {
  int64_t outRank = outShape.size();
  for (Value input : inputs) {
    RankedTensorType type = getTensorType(input);
    bool ok = type.getRank() <= outRank;
    for (int64_t d = 0; ok && d < type.getRank(); ++d) {
      int64_t dim = type.getDimSize(d);
      int64_t out = outShape[outRank - type.getRank() + d];
      ok = dim == 1 || ShapedType::isDynamic(dim) ||
           ShapedType::isDynamic(out) || dim == out;
    }
    if (!ok)
      return emitNodeError(op)
             << "operand of type " << type << " does not broadcast to shape "
             << RankedTensorType::get(outShape, type.getElementType());
  }
  return success();
}

SmallVector<OpFoldResult>
onnx_to_linalg::getBroadcastSizes(OpBuilder &b, Location loc, ValueRange inputs,
                                  RankedTensorType resultType) {
  int64_t rank = resultType.getRank();
  SmallVector<OpFoldResult> sizes;
  for (int64_t d = 0; d < rank; ++d) {
    if (!resultType.isDynamicDim(d)) {
      sizes.push_back(b.getIndexAttr(resultType.getDimSize(d)));
      continue;
    }
    OpFoldResult size = b.getIndexAttr(1);
    for (Value input : inputs) {
      RankedTensorType type = getTensorType(input);
      int64_t dim = d - (rank - type.getRank());
      if (dim < 0 || type.getDimSize(dim) == 1)
        continue;
      if (!type.isDynamicDim(dim)) {
        size = b.getIndexAttr(type.getDimSize(dim));
        break; // a static size is as good as it gets
      }
      if (isa<Attribute>(size)) // first dynamic candidate
        size = tensor::DimOp::create(b, loc, input, dim).getResult();
    }
    sizes.push_back(size);
  }
  return sizes;
}

Value onnx_to_linalg::buildElementwise(OpBuilder &b, Location loc,
                                       ValueRange inputs,
                                       RankedTensorType resultType,
                                       ArrayRef<OpFoldResult> sizes,
                                       BodyBuilder body) {
  // A dynamic dimension is read without broadcasting (getBroadcastMap): it
  // must have the result's size, also when it turns out to be 1 at run time.
  for (auto [index, input] : llvm::enumerate(inputs)) {
    RankedTensorType type = getTensorType(input);
    int64_t offset = resultType.getRank() - type.getRank();
    for (int64_t d = 0; d < type.getRank(); ++d) {
      if (!type.isDynamicDim(d))
        continue;
      Value size = tensor::DimOp::create(b, loc, input, d);
      Value expected =
          getValueOrCreateConstantIndexOp(b, loc, sizes[offset + d]);
      Value equal = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                          size, expected);
      emitRuntimeCheck(b, loc, equal,
                       "operand " + Twine(index) + " dimension " + Twine(d) +
                           " does not match the other operands (a dynamic "
                           "dimension does not broadcast from size 1)");
    }
  }
  Value init = createEmpty(b, loc, resultType, sizes);
  auto initType = getTensorType(init);
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value input : inputs)
    maps.push_back(
        getBroadcastMap(ctx, getTensorType(input), initType.getShape()));
  maps.push_back(AffineMap::getMultiDimIdentityMap(initType.getRank(), ctx));
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{initType}, inputs, ValueRange{init}, maps,
      getParallelIterators(initType.getRank()),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value result = body(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, result);
      });
  return castToType(b, loc, generic.getResult(0), resultType);
}

Value onnx_to_linalg::buildElementwise(OpBuilder &b, Location loc,
                                       ValueRange inputs,
                                       RankedTensorType resultType,
                                       BodyBuilder body) {
  SmallVector<OpFoldResult> sizes =
      getBroadcastSizes(b, loc, inputs, resultType);
  return buildElementwise(b, loc, inputs, resultType, sizes, body);
}

AffineMap onnx_to_linalg::getKeptDimsMap(MLIRContext *ctx,
                                         ArrayRef<bool> reduced) {
  SmallVector<AffineExpr> exprs;
  for (auto [i, isReduced] : llvm::enumerate(reduced))
    if (!isReduced)
      exprs.push_back(getAffineDimExpr(i, ctx));
  return AffineMap::get(reduced.size(), 0, exprs, ctx);
}

Value onnx_to_linalg::buildReduction(
    OpBuilder &b, Location loc, ValueRange inputs, ArrayRef<bool> reduced,
    Value init,
    function_ref<Value(OpBuilder &, Location, Value, ValueRange)> combine) {
  Value input = inputs.front();
  SmallVector<OpFoldResult> inSizes = tensor::getMixedSizes(b, loc, input);
  SmallVector<OpFoldResult> keptSizes;
  SmallVector<utils::IteratorType> iterators;
  for (auto [size, isReduced] : llvm::zip_equal(inSizes, reduced)) {
    if (!isReduced)
      keptSizes.push_back(size);
    iterators.push_back(isReduced ? utils::IteratorType::reduction
                                  : utils::IteratorType::parallel);
  }
  Value acc = createFilled(b, loc, keptSizes, init);
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value operand : inputs)
    maps.push_back(getBroadcastMap(ctx, getTensorType(operand),
                                   getTensorType(input).getShape()));
  maps.push_back(getKeptDimsMap(ctx, reduced));
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{acc.getType()}, inputs, ValueRange{acc}, maps,
      iterators, [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(
            nb, nloc, combine(nb, nloc, args.back(), args.drop_back()));
      });
  return generic.getResult(0);
}

Value onnx_to_linalg::buildIndexed(
    OpBuilder &b, Location loc, RankedTensorType resultType,
    ArrayRef<OpFoldResult> sizes, ValueRange inputs,
    ArrayRef<AffineMap> inputMaps,
    function_ref<Value(OpBuilder &, Location, ValueRange, ValueRange)> body) {
  Value init = createEmpty(b, loc, resultType, sizes);
  int64_t rank = resultType.getRank();
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, b.getContext()));
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      getParallelIterators(rank),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        SmallVector<Value> indices;
        for (int64_t d = 0; d < rank; ++d)
          indices.push_back(linalg::IndexOp::create(nb, nloc, d));
        linalg::YieldOp::create(nb, nloc,
                                body(nb, nloc, indices, args.drop_back()));
      });
  return castToType(b, loc, generic.getResult(0), resultType);
}

Value onnx_to_linalg::extractScalar(OpBuilder &b, Location loc, Value tensor) {
  RankedTensorType type = getTensorType(tensor);
  SmallVector<Value> indices(type.getRank(),
                             arith::ConstantIndexOp::create(b, loc, 0));
  return tensor::ExtractOp::create(b, loc, tensor, indices);
}
