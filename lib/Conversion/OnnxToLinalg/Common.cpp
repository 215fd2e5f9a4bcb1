//===- Common.cpp - shared helpers of the onnx to linalg lowering ---------===//
#include "Common.h"
#include "bitnet-mlir/Support/ConstantData.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::bitnet::onnx_to_linalg;

//===----------------------------------------------------------------------===//
// Diagnostics
//===----------------------------------------------------------------------===//

InFlightDiagnostic onnx_to_linalg::emitNodeError(Operation *op) {
  StringRef opName = op->getName().stripDialect();
  InFlightDiagnostic diag = op->emitError();
  if (std::optional<StringRef> node = onnx_ir::getNodeName(op->getLoc()))
    diag << "node '" << *node << "' (" << opName << "): ";
  else
    diag << opName << ": ";
  return diag;
}

LogicalResult onnx_to_linalg::nodeFailure(Operation *op, const Twine &message) {
  return emitNodeError(op) << message;
}

void onnx_to_linalg::emitRuntimeCheck(OpBuilder &b, Location loc,
                                      Value condition, const Twine &what) {
  std::string message;
  if (std::optional<StringRef> node = onnx_ir::getNodeName(loc))
    message = ("node '" + *node + "': ").str();
  cf::AssertOp::create(b, loc, condition, message + what.str());
}

static bool isSupportedElementType(Type type) {
  if (isa<Float16Type, BFloat16Type, Float32Type, Float64Type>(type))
    return true;
  auto intType = dyn_cast<IntegerType>(type);
  if (!intType || intType.isSigned())
    return false;
  if (intType.isUnsigned())
    return llvm::is_contained({8u, 16u, 32u, 64u}, intType.getWidth());
  return llvm::is_contained({1u, 8u, 16u, 32u, 64u}, intType.getWidth());
}

LogicalResult onnx_to_linalg::checkLowerableTypes(Operation *op) {
  for (Type type :
       llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes())) {
    if (isa<NoneType>(type))
      continue;
    auto tensorType = dyn_cast<RankedTensorType>(type);
    if (!tensorType)
      return emitNodeError(op)
             << "type " << type << " is not supported (needs a ranked tensor)";
    if (!isSupportedElementType(tensorType.getElementType()))
      return emitNodeError(op)
             << "element type " << tensorType.getElementType()
             << " is not supported (supported: f16, bf16, f32, f64, i1, i8, "
                "i16, i32, i64, ui8, ui16, ui32, ui64)";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Operands
//===----------------------------------------------------------------------===//

std::optional<SmallVector<int64_t>>
onnx_to_linalg::getConstantInts(Value value) {
  ElementsAttr attr = getConstantElements(value);
  if (!attr)
    return std::nullopt;
  return getIntValues(attr);
}

std::optional<double> onnx_to_linalg::getConstantScalar(Value value) {
  ElementsAttr attr = getConstantElements(value);
  if (!attr || attr.getNumElements() != 1)
    return std::nullopt;
  if (std::optional<SmallVector<double>> values = getFloatValues(attr))
    return values->front();
  std::optional<SmallVector<int64_t>> values = getIntValues(attr);
  if (!values)
    return std::nullopt;
  if (attr.getElementType().isInteger(1))
    return values->front() != 0 ? 1.0 : 0.0;
  return static_cast<double>(values->front());
}

FailureOr<int64_t> onnx_to_linalg::normalizeAxis(Operation *op, int64_t axis,
                                                 int64_t rank, StringRef what) {
  if (axis < -rank || axis >= rank)
    return emitNodeError(op)
           << what << " " << axis << " is out of range for rank " << rank;
  return axis < 0 ? axis + rank : axis;
}

SmallVector<Value>
onnx_to_linalg::extractIndexElements(OpBuilder &b, Location loc, Value tensor,
                                     Value original, int64_t count) {
  SmallVector<Value> elements;
  if (std::optional<SmallVector<int64_t>> values = getConstantInts(original)) {
    for (int64_t value : *values)
      elements.push_back(arith::ConstantIndexOp::create(b, loc, value));
    return elements;
  }
  bool scalar = getTensorType(tensor).getRank() == 0;
  for (int64_t i = 0; i < count; ++i) {
    SmallVector<Value> indices;
    if (!scalar)
      indices.push_back(arith::ConstantIndexOp::create(b, loc, i));
    Value element = tensor::ExtractOp::create(b, loc, tensor, indices);
    elements.push_back(scalarToIndex(b, loc, element));
  }
  return elements;
}

//===----------------------------------------------------------------------===//
// Types and scalars
//===----------------------------------------------------------------------===//

Type onnx_to_linalg::getComputeType(Type type) {
  if (isa<Float16Type, BFloat16Type>(type))
    return Float32Type::get(type.getContext());
  return type;
}

Value onnx_to_linalg::createScalar(OpBuilder &b, Location loc, Type type,
                                   double value) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(floatType, value));
  // Wraps modulo 2^width, as C does, so that -1 is the all-ones pattern of
  // an unsigned type too.
  APInt bits(type.getIntOrFloatBitWidth(),
             static_cast<uint64_t>(static_cast<int64_t>(value)),
             /*isSigned=*/true, /*implicitTrunc=*/true);
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, bits));
}

bool onnx_to_linalg::isUnsignedLike(Type type) {
  return type.isUnsignedInteger() || type.isInteger(1);
}

Value onnx_to_linalg::createExtremum(OpBuilder &b, Location loc, Type type,
                                     bool highest) {
  if (auto floatType = dyn_cast<FloatType>(type)) {
    APFloat inf = APFloat::getInf(floatType.getFloatSemantics(), !highest);
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(floatType, inf));
  }
  unsigned width = type.getIntOrFloatBitWidth();
  APInt extremum = isUnsignedLike(type)
                       ? (highest ? APInt::getMaxValue(width)
                                  : APInt::getZero(width))
                   : highest ? APInt::getSignedMaxValue(width)
                             : APInt::getSignedMinValue(width);
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, extremum));
}

Value onnx_to_linalg::convertScalar(OpBuilder &b, Location loc, Value value,
                                    Type to) {
  Type from = value.getType();
  if (from == to)
    return value;
  auto fromFloat = dyn_cast<FloatType>(from);
  auto toFloat = dyn_cast<FloatType>(to);
  bool toBool = to.isInteger(1);
  if (fromFloat && toFloat) {
    if (fromFloat.getWidth() == toFloat.getWidth()) // f16 <-> bf16
      value = arith::ExtFOp::create(b, loc, b.getF32Type(), value);
    if (cast<FloatType>(value.getType()).getWidth() < toFloat.getWidth())
      return arith::ExtFOp::create(b, loc, to, value);
    return arith::TruncFOp::create(b, loc, to, value);
  }
  if (fromFloat && toBool) {
    Value zero = createScalar(b, loc, from, 0.0);
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, value,
                                 zero);
  }
  if (fromFloat)
    return isUnsignedLike(to)
               ? Value(arith::FPToUIOp::create(b, loc, to, value))
               : Value(arith::FPToSIOp::create(b, loc, to, value));
  if (toFloat)
    return isUnsignedLike(from)
               ? Value(arith::UIToFPOp::create(b, loc, to, value))
               : Value(arith::SIToFPOp::create(b, loc, to, value));
  if (toBool) {
    Value zero = createScalar(b, loc, from, 0.0);
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, value, zero);
  }
  // Integers: the source's signedness decides the extension (int8 -1 is
  // uint16 65535, as a C cast); same widths only change the signedness,
  // which the signless types after this lowering do not carry.
  unsigned fromWidth = from.getIntOrFloatBitWidth();
  unsigned toWidth = to.getIntOrFloatBitWidth();
  if (fromWidth == toWidth)
    return arith::BitcastOp::create(b, loc, to, value);
  if (fromWidth < toWidth)
    return isUnsignedLike(from)
               ? Value(arith::ExtUIOp::create(b, loc, to, value))
               : Value(arith::ExtSIOp::create(b, loc, to, value));
  return arith::TruncIOp::create(b, loc, to, value);
}

Value onnx_to_linalg::indexToScalar(OpBuilder &b, Location loc, Value index,
                                    Type to) {
  Value i64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), index);
  return convertScalar(b, loc, i64, to);
}

Value onnx_to_linalg::scalarToIndex(OpBuilder &b, Location loc, Value value) {
  Value i64 = convertScalar(b, loc, value, b.getI64Type());
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), i64);
}
