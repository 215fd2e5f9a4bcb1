//===- OnnxOps.cpp - onnx op verifiers and folders ------------------------===//
//
// Verifiers check what ODS constraints cannot say and what later passes rely
// on (axes in range, permutations, ranks). Folders cover only the cheap,
// shape-level cases; arithmetic on constants is onnx-fold-constants' job.
//
//===----------------------------------------------------------------------===//
#include "Onnx/OnnxDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallBitVector.h"

using namespace mlir;
using namespace mlir::onnx_ir;

/// Rank of `value` if it is a ranked tensor.
static std::optional<int64_t> getRank(Value value) {
  if (auto type = dyn_cast<RankedTensorType>(value.getType()))
    return type.getRank();
  return std::nullopt;
}

/// Checks that `axis` addresses a dimension of a rank-`rank` tensor (ONNX
/// allows negative axes counted from the end).
static LogicalResult verifyAxis(Operation *op, int64_t axis, int64_t rank,
                                StringRef what = "axis") {
  if (axis < -rank || axis >= rank)
    return op->emitOpError() << what << " " << axis
                             << " is out of range for rank " << rank;
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

OpFoldResult IdentityOp::fold(FoldAdaptor) {
  if (getX().getType() == getType())
    return getX();
  return {};
}

template <typename VariadicOp>
static LogicalResult verifyVariadic(VariadicOp op) {
  if (op.getData_0().empty())
    return op.emitOpError("needs at least one input");
  return success();
}
LogicalResult MaxOp::verify() { return verifyVariadic(*this); }
LogicalResult MinOp::verify() { return verifyVariadic(*this); }
LogicalResult SumOp::verify() { return verifyVariadic(*this); }
LogicalResult MeanOp::verify() { return verifyVariadic(*this); }

LogicalResult GeluOp::verify() {
  if (getApproximate() != "none" && getApproximate() != "tanh")
    return emitOpError("approximate must be \"none\" or \"tanh\", got \"")
           << getApproximate() << "\"";
  return success();
}

LogicalResult BitShiftOp::verify() {
  if (getDirection() != "LEFT" && getDirection() != "RIGHT")
    return emitOpError("direction must be \"LEFT\" or \"RIGHT\", got \"")
           << getDirection() << "\"";
  Type element = getElementTypeOrSelf(getX());
  if (getElementTypeOrSelf(getY()) != element ||
      getElementTypeOrSelf(getZ()) != element)
    return emitOpError("X, Y and Z must have one element type, got ")
           << getX().getType() << ", " << getY().getType() << " and "
           << getZ().getType();
  return success();
}

LogicalResult ClipOp::verify() {
  for (Value bound : {getMin(), getMax()}) {
    auto type = dyn_cast<RankedTensorType>(bound.getType());
    if (!type)
      continue;
    // getNumElements() is only defined for static shapes.
    if (type.hasStaticShape() && type.getNumElements() != 1)
      return emitOpError("min and max must be scalars, got ") << type;
    if (type.getElementType() !=
        cast<ShapedType>(getInput().getType()).getElementType())
      return emitOpError("min and max must have the input's element type");
  }
  return success();
}

LogicalResult CastOp::verify() {
  Type target = getElementTypeForOnnxCode(getContext(), getTo());
  if (!target)
    return emitOpError("unsupported target data type ")
           << getOnnxDataTypeName(getTo()) << " (" << getTo() << ")";
  if (cast<ShapedType>(getType()).getElementType() != target)
    return emitOpError("result element type must be ") << target;
  return success();
}

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

LogicalResult DequantizeLinearOp::verify() {
  auto xType = dyn_cast<RankedTensorType>(getX().getType());
  auto scaleType = dyn_cast<RankedTensorType>(getXScale().getType());
  auto resultType = dyn_cast<RankedTensorType>(getY().getType());
  Type codeType = cast<ShapedType>(getX().getType()).getElementType();
  auto codeInt = dyn_cast<IntegerType>(codeType);
  if (!codeInt || !llvm::is_contained({8u, 16u, 32u}, codeInt.getWidth()) ||
      (codeInt.getWidth() == 32 && codeInt.isUnsigned()))
    return emitOpError("x must be int8, uint8, int16, uint16 or int32, got ")
           << codeType;
  Type scaleElement = cast<ShapedType>(getXScale().getType()).getElementType();
  if (!isa<FloatType>(scaleElement))
    return emitOpError("x_scale must be float, got ") << scaleElement;
  if (cast<ShapedType>(getY().getType()).getElementType() != scaleElement)
    return emitOpError("result element type must be x_scale's, ")
           << scaleElement;
  Type zeroPointType = getXZeroPoint().getType();
  if (!isa<NoneType>(zeroPointType)) {
    auto zeroPoint = cast<ShapedType>(zeroPointType);
    if (zeroPoint.getElementType() != codeType)
      return emitOpError("x_zero_point must have x's element type ")
             << codeType << ", got " << zeroPoint.getElementType();
    if (scaleType && zeroPoint.hasRank() &&
        failed(verifyCompatibleShape(zeroPoint.getShape(),
                                     scaleType.getShape())))
      return emitOpError("x_zero_point must have x_scale's shape");
  }
  if (getBlockSize() < 0)
    return emitOpError("block_size must be >= 0, got ") << getBlockSize();
  if (!xType || !scaleType)
    return success();
  if (resultType &&
      failed(verifyCompatibleShape(resultType.getShape(), xType.getShape())))
    return emitOpError("result must have x's shape");
  int64_t rank = xType.getRank();
  bool perTensor = scaleType.getRank() == 0 ||
                   (scaleType.getRank() == 1 && scaleType.getDimSize(0) == 1 &&
                    getBlockSize() == 0);
  if (perTensor)
    return success();
  if (failed(verifyAxis(*this, getAxis(), rank)))
    return failure();
  int64_t axis = getAxis() < 0 ? getAxis() + rank : getAxis();
  int64_t axisDim = xType.getDimSize(axis);
  if (getBlockSize() == 0) {
    if (scaleType.getRank() != 1)
      return emitOpError("a per-axis x_scale must be 1-D, got ") << scaleType;
    int64_t scaleDim = scaleType.getDimSize(0);
    if (!ShapedType::isDynamic(axisDim) && !ShapedType::isDynamic(scaleDim) &&
        scaleDim != axisDim)
      return emitOpError("per-axis x_scale has ")
             << scaleDim << " elements but x has " << axisDim
             << " along axis " << axis;
    return success();
  }
  if (scaleType.getRank() != rank)
    return emitOpError("a blocked x_scale must have x's rank ") << rank;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t xDim = xType.getDimSize(d), scaleDim = scaleType.getDimSize(d);
    if (ShapedType::isDynamic(xDim) || ShapedType::isDynamic(scaleDim))
      continue;
    int64_t expected =
        d == axis ? (xDim + getBlockSize() - 1) / getBlockSize() : xDim;
    if (scaleDim != expected)
      return emitOpError("blocked x_scale must have ")
             << expected << " elements along dimension " << d << ", got "
             << scaleDim;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Linear algebra and normalization
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::verify() {
  auto aType = dyn_cast<RankedTensorType>(getA().getType());
  auto bType = dyn_cast<RankedTensorType>(getB().getType());
  if (!aType || !bType)
    return success();
  if (aType.getRank() == 0 || bType.getRank() == 0)
    return emitOpError("operands must have rank >= 1");
  int64_t aK = aType.getShape().back();
  int64_t bK = bType.getRank() == 1 ? bType.getShape()[0]
                                    : bType.getShape()[bType.getRank() - 2];
  if (!ShapedType::isDynamic(aK) && !ShapedType::isDynamic(bK) && aK != bK)
    return emitOpError("reduction dimensions differ: ") << aK << " vs " << bK;
  return success();
}

LogicalResult GemmOp::verify() {
  for (Value operand : {getA(), getB()})
    if (std::optional<int64_t> rank = getRank(operand); rank && *rank != 2)
      return emitOpError("A and B must have rank 2, got rank ") << *rank;
  return success();
}

LogicalResult LayerNormalizationOp::verify() {
  if (std::optional<int64_t> rank = getRank(getX()))
    return verifyAxis(*this, getAxis(), *rank);
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

template <typename ReduceOp>
static LogicalResult verifyReduce(ReduceOp op) {
  Value axes = op.getAxes();
  if (isa<NoneType>(axes.getType()))
    return success();
  auto type = dyn_cast<RankedTensorType>(axes.getType());
  if (!type || type.getRank() != 1 || !type.getElementType().isInteger(64))
    return op.emitOpError("axes must be a 1-D int64 tensor, got ")
           << axes.getType();
  return success();
}
LogicalResult ReduceMeanOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceMaxOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceMinOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceSumOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceProdOp::verify() { return verifyReduce(*this); }

//===----------------------------------------------------------------------===//
// Shapes and data movement
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

LogicalResult ConstantOp::verify() {
  if (getValue().getType() != getType())
    return emitOpError("value type ")
           << getValue().getType() << " differs from result type "
           << getType();
  return success();
}

/// An int64 vector as a rank-1 elements attribute of type `type`.
static DenseElementsAttr getI64Elements(Type type, ArrayRef<int64_t> values) {
  return DenseElementsAttr::get(cast<ShapedType>(type), values);
}

OpFoldResult ShapeOp::fold(FoldAdaptor) {
  auto dataType = dyn_cast<RankedTensorType>(getData().getType());
  auto resultType = dyn_cast<RankedTensorType>(getType());
  if (!dataType || !dataType.hasStaticShape() || !resultType ||
      !resultType.hasStaticShape())
    return {};
  int64_t rank = dataType.getRank();
  // ONNX clamps start/end into [0, rank] after adding rank to negatives.
  auto clampIndex = [&](int64_t index) {
    if (index < 0)
      index += rank;
    return std::clamp<int64_t>(index, 0, rank);
  };
  int64_t start = clampIndex(getStart().value_or(0));
  int64_t end = clampIndex(getEnd().value_or(rank));
  ArrayRef<int64_t> dims = dataType.getShape();
  SmallVector<int64_t> slice;
  if (start < end)
    slice.assign(dims.begin() + start, dims.begin() + end);
  if (resultType.getNumElements() != static_cast<int64_t>(slice.size()))
    return {};
  return getI64Elements(resultType, slice);
}

OpFoldResult SizeOp::fold(FoldAdaptor) {
  auto dataType = dyn_cast<RankedTensorType>(getData().getType());
  auto resultType = dyn_cast<RankedTensorType>(getType());
  if (!dataType || !dataType.hasStaticShape() || !resultType ||
      resultType.getNumElements() != 1)
    return {};
  return getI64Elements(resultType, {dataType.getNumElements()});
}

OpFoldResult ReshapeOp::fold(FoldAdaptor) {
  auto type = dyn_cast<RankedTensorType>(getType());
  if (type && type.hasStaticShape() && getData().getType() == type)
    return getData();
  return {};
}

LogicalResult TransposeOp::verify() {
  std::optional<int64_t> rank = getRank(getData());
  std::optional<ArrayRef<int64_t>> perm = getPerm();
  if (!rank || !perm)
    return success();
  if (static_cast<int64_t>(perm->size()) != *rank)
    return emitOpError("perm has ")
           << perm->size() << " entries for rank " << *rank;
  llvm::SmallBitVector seen(*rank);
  for (int64_t dim : *perm) {
    if (dim < 0 || dim >= *rank || seen.test(dim))
      return emitOpError("perm is not a permutation of 0..") << *rank - 1;
    seen.set(dim);
  }
  return success();
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  std::optional<int64_t> rank = getRank(getInputs().front());
  if (!rank)
    return success();
  for (Value input : getInputs())
    if (std::optional<int64_t> other = getRank(input); other && *other != *rank)
      return emitOpError("inputs must have equal ranks, got ")
             << *rank << " and " << *other;
  return verifyAxis(*this, getAxis(), *rank);
}

#define GET_OP_CLASSES
#include "Onnx/OnnxOps.cpp.inc"
