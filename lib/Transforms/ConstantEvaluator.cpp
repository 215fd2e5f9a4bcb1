//===- ConstantEvaluator.cpp - evaluate onnx ops on constants -------------===//
//
// Elementwise ops come from tables (one lambda per op, one broadcasting loop
// for all); shape ops are index arithmetic. Every result is rounded to its
// element type right away, so chains of float32 ops give what a float32
// runtime gives.
//
//===----------------------------------------------------------------------===//
#include "ConstantEvaluator.h"

#include "Onnx/OnnxDialect.h"
#include "bitnet-mlir/Support/ConstantData.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/MathExtras.h"
#include <cmath>
#include <cstring>
#include <functional>
#include <numeric>

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::onnx_ir;

//===----------------------------------------------------------------------===//
// HostTensor
//===----------------------------------------------------------------------===//

static int64_t product(ArrayRef<int64_t> dims) {
  return std::accumulate(dims.begin(), dims.end(), int64_t(1),
                         std::multiplies<int64_t>());
}

int64_t HostTensor::getNumElements() const { return product(shape); }

/// The element count of a shape computed from operand values, or nothing
/// when a dim is negative or the count overflows int64.
static std::optional<int64_t> getCheckedCount(ArrayRef<int64_t> dims) {
  int64_t count = 1;
  for (int64_t dim : dims)
    if (dim < 0 || llvm::MulOverflow(count, dim, count))
      return std::nullopt;
  return count;
}

/// Whether a result of shape `dims` may be materialized: a small file must not
/// make the compiler allocate gigabytes.
static bool isWithinLimit(ArrayRef<int64_t> dims, int64_t maxElements) {
  std::optional<int64_t> count = getCheckedCount(dims);
  return count && *count <= maxElements;
}

/// An integer value held as a double (an index, a dim, or an integer
/// result), saturated to int64; NaN is 0. A plain cast of an out-of-range
/// double is undefined.
static int64_t toInt64(double value) {
  if (std::isnan(value))
    return 0;
  if (value >= 0x1p63)
    return INT64_MAX;
  if (value < -0x1p63)
    return INT64_MIN;
  return static_cast<int64_t>(value);
}

/// Rounds `value` to what `type` can hold: float types round to nearest
/// even, integers truncate toward zero (ONNX Cast), i1 is `value != 0`.
static double roundToType(Type type, double value) {
  if (type.isF64())
    return value;
  if (type.isF32())
    return static_cast<double>(static_cast<float>(value));
  if (auto floatType = dyn_cast<FloatType>(type)) {
    APFloat converted(value);
    bool losesInfo = false;
    converted.convert(floatType.getFloatSemantics(),
                      APFloat::rmNearestTiesToEven, &losesInfo);
    return converted.convertToDouble();
  }
  if (type.isInteger(1))
    return value != 0.0 ? 1.0 : 0.0;
  if (std::isnan(value))
    return 0.0;
  return std::trunc(value);
}

/// Reads `count` elements of `elementType` from row-major host-order bytes.
static LogicalResult readRawValues(Type elementType, ArrayRef<char> bytes,
                                   std::vector<double> &values) {
  auto read = [&](auto tag) {
    using T = decltype(tag);
    size_t count = bytes.size() / sizeof(T);
    values.resize(count);
    for (size_t i = 0; i < count; ++i) {
      T value;
      std::memcpy(&value, bytes.data() + i * sizeof(T), sizeof(T));
      values[i] = static_cast<double>(value);
    }
  };
  if (elementType.isF32()) {
    read(float());
  } else if (elementType.isF64()) {
    read(double());
  } else if (auto floatType = dyn_cast<FloatType>(elementType)) {
    if (floatType.getWidth() != 16)
      return failure();
    const llvm::fltSemantics &semantics = floatType.getFloatSemantics();
    size_t count = bytes.size() / 2;
    values.resize(count);
    for (size_t i = 0; i < count; ++i) {
      uint16_t bits;
      std::memcpy(&bits, bytes.data() + i * 2, 2);
      values[i] = APFloat(semantics, APInt(16, bits)).convertToDouble();
    }
  } else if (auto intType = dyn_cast<IntegerType>(elementType)) {
    bool isUnsigned = intType.isUnsigned();
    switch (intType.getWidth()) {
    case 8:
      return isUnsigned ? read(uint8_t()) : read(int8_t()), success();
    case 16:
      return isUnsigned ? read(uint16_t()) : read(int16_t()), success();
    case 32:
      return isUnsigned ? read(uint32_t()) : read(int32_t()), success();
    case 64:
      return isUnsigned ? read(uint64_t()) : read(int64_t()), success();
    default:
      return failure();
    }
  } else {
    return failure();
  }
  return success();
}

FailureOr<HostTensor> HostTensor::fromAttr(ElementsAttr elements) {
  HostTensor tensor;
  auto type = cast<ShapedType>(elements.getType());
  tensor.shape.assign(type.getShape().begin(), type.getShape().end());
  tensor.elementType = type.getElementType();
  auto attr = dyn_cast<DenseElementsAttr>(elements);
  if (!attr) {
    // dense_resource: read its bytes in place.
    std::optional<ArrayRef<char>> bytes = getConstantBytes(elements);
    if (!bytes ||
        failed(readRawValues(tensor.elementType, *bytes, tensor.values)))
      return failure();
    return tensor;
  }
  tensor.values.reserve(type.getNumElements());
  Type elementType = tensor.elementType;
  if (elementType.isF32()) {
    for (float v : attr.getValues<float>())
      tensor.values.push_back(v);
  } else if (elementType.isF64()) {
    for (double v : attr.getValues<double>())
      tensor.values.push_back(v);
  } else if (isa<FloatType>(elementType)) {
    for (APFloat v : attr.getValues<APFloat>())
      tensor.values.push_back(v.convertToDouble());
  } else if (auto intType = dyn_cast<IntegerType>(elementType)) {
    bool isUnsigned = intType.isUnsigned() || intType.getWidth() == 1;
    for (APInt v : attr.getValues<APInt>())
      tensor.values.push_back(isUnsigned ? double(v.getZExtValue())
                                         : double(v.getSExtValue()));
  } else {
    return failure();
  }
  return tensor;
}

/// `values` as row-major host-order bytes of `elementType` (byte-sized
/// widths; values already rounded to the type).
static ConstantBuffer writeRawValues(Type elementType,
                                     ArrayRef<double> values) {
  unsigned width = elementType.getIntOrFloatBitWidth() / 8;
  ConstantBuffer buffer(values.size() * width, width);
  char *out = buffer.getData().data();
  auto write = [&](auto convert) {
    for (size_t i = 0, e = values.size(); i < e; ++i) {
      auto value = convert(values[i]);
      std::memcpy(out + i * sizeof(value), &value, sizeof(value));
    }
  };
  if (elementType.isF32()) {
    write([](double v) { return static_cast<float>(v); });
  } else if (elementType.isF64()) {
    write([](double v) { return v; });
  } else if (auto floatType = dyn_cast<FloatType>(elementType)) {
    const llvm::fltSemantics &semantics = floatType.getFloatSemantics();
    write([&](double v) {
      APFloat converted(v);
      bool losesInfo = false;
      converted.convert(semantics, APFloat::rmNearestTiesToEven, &losesInfo);
      return static_cast<uint16_t>(
          converted.bitcastToAPInt().getZExtValue());
    });
  } else {
    // Two's complement truncation, as APInt(width, value, implicitTrunc).
    auto truncate = [](double v) {
      return static_cast<uint64_t>(static_cast<int64_t>(v));
    };
    switch (width) {
    case 1:
      write([&](double v) { return static_cast<uint8_t>(truncate(v)); });
      break;
    case 2:
      write([&](double v) { return static_cast<uint16_t>(truncate(v)); });
      break;
    case 4:
      write([&](double v) { return static_cast<uint32_t>(truncate(v)); });
      break;
    default:
      write([&](double v) { return truncate(v); });
      break;
    }
  }
  return buffer;
}

ElementsAttr HostTensor::toAttr(RankedTensorType type,
                                StringRef nameHint) const {
  Type elementType = type.getElementType();
  if (useResourceFor(type))
    return createConstantAttr(type, writeRawValues(elementType, values),
                              nameHint);
  if (elementType.isF32()) {
    std::vector<float> data(values.begin(), values.end());
    return DenseElementsAttr::get(type, ArrayRef<float>(data));
  }
  if (elementType.isF64())
    return DenseElementsAttr::get(type, ArrayRef<double>(values));
  if (auto floatType = dyn_cast<FloatType>(elementType)) {
    SmallVector<APFloat> data;
    data.reserve(values.size());
    for (double v : values) {
      APFloat converted(v);
      bool losesInfo = false;
      converted.convert(floatType.getFloatSemantics(),
                        APFloat::rmNearestTiesToEven, &losesInfo);
      data.push_back(converted);
    }
    return DenseElementsAttr::get(type, data);
  }
  auto intType = cast<IntegerType>(elementType);
  if (intType.getWidth() == 1) {
    SmallVector<bool> data;
    for (double v : values)
      data.push_back(v != 0.0);
    return DenseElementsAttr::get(type, ArrayRef<bool>(data));
  }
  SmallVector<APInt> data;
  data.reserve(values.size());
  for (double v : values)
    data.push_back(APInt(intType.getWidth(), toInt64(v),
                         /*isSigned=*/!intType.isUnsigned(),
                         /*implicitTrunc=*/true));
  return DenseElementsAttr::get(type, data);
}

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

namespace {
using UnaryFn = std::function<double(double)>;
using BinaryFn = std::function<double(double, double)>;
} // namespace

static Type getResultElementType(Operation *op) {
  return cast<ShapedType>(op->getResult(0).getType()).getElementType();
}

/// Row-major strides of `shape`.
static SmallVector<int64_t> getStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

/// Numpy broadcast of several shapes.
static FailureOr<SmallVector<int64_t>>
broadcastShapes(ArrayRef<const HostTensor *> tensors) {
  size_t rank = 0;
  for (const HostTensor *t : tensors)
    rank = std::max(rank, t->shape.size());
  SmallVector<int64_t> result(rank, 1);
  for (const HostTensor *t : tensors) {
    size_t offset = rank - t->shape.size();
    for (size_t i = 0; i < t->shape.size(); ++i) {
      int64_t dim = t->shape[i];
      int64_t &out = result[offset + i];
      if (dim == out || dim == 1)
        continue;
      if (out != 1)
        return failure();
      out = dim;
    }
  }
  return result;
}

/// Strides that read `shape` as if broadcast to a rank-`rank` shape (size-1
/// dims get stride 0).
static SmallVector<int64_t> getBroadcastStrides(ArrayRef<int64_t> shape,
                                                size_t rank) {
  SmallVector<int64_t> strides(rank, 0);
  SmallVector<int64_t> own = getStrides(shape);
  size_t offset = rank - shape.size();
  for (size_t i = 0; i < shape.size(); ++i)
    strides[offset + i] = shape[i] == 1 ? 0 : own[i];
  return strides;
}

/// Applies `fn(operand values...)` elementwise with broadcasting.
static FailureOr<HostTensor>
mapBroadcast(ArrayRef<const HostTensor *> inputs, Type resultType,
             int64_t maxElements,
             const std::function<double(ArrayRef<double>)> &fn) {
  FailureOr<SmallVector<int64_t>> shape = broadcastShapes(inputs);
  if (failed(shape) || !isWithinLimit(*shape, maxElements))
    return failure();
  HostTensor result;
  result.shape = *shape;
  result.elementType = resultType;
  int64_t count = product(*shape);
  result.values.resize(count);
  size_t rank = shape->size();
  SmallVector<SmallVector<int64_t>> strides;
  for (const HostTensor *input : inputs)
    strides.push_back(getBroadcastStrides(input->shape, rank));
  SmallVector<int64_t> index(rank, 0);
  SmallVector<double> args(inputs.size());
  for (int64_t linear = 0; linear < count; ++linear) {
    for (size_t k = 0; k < inputs.size(); ++k) {
      int64_t offset = 0;
      for (size_t d = 0; d < rank; ++d)
        offset += index[d] * strides[k][d];
      args[k] = inputs[k]->values[offset];
    }
    result.values[linear] = roundToType(resultType, fn(args));
    for (int64_t d = static_cast<int64_t>(rank) - 1; d >= 0; --d) {
      if (++index[d] < (*shape)[d])
        break;
      index[d] = 0;
    }
  }
  return result;
}

/// Normalizes a possibly negative axis; fails when out of range.
static FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return failure();
  return axis < 0 ? axis + rank : axis;
}

static SmallVector<int64_t> toIndices(const HostTensor &tensor) {
  SmallVector<int64_t> indices;
  for (double v : tensor.values)
    indices.push_back(toInt64(v));
  return indices;
}

/// Gathers `input` at the positions of an `outShape` result whose element
/// `outIndex` reads `input[sourceIndex(outIndex)]`.
static FailureOr<HostTensor>
gatherByIndex(const HostTensor &input, ArrayRef<int64_t> outShape,
              Type elementType, int64_t maxElements,
              const std::function<int64_t(ArrayRef<int64_t>)> &sourceIndex) {
  if (!isWithinLimit(outShape, maxElements))
    return failure();
  HostTensor result;
  result.shape.assign(outShape.begin(), outShape.end());
  result.elementType = elementType;
  int64_t count = product(outShape);
  result.values.resize(count);
  SmallVector<int64_t> index(outShape.size(), 0);
  for (int64_t linear = 0; linear < count; ++linear) {
    result.values[linear] = input.values[sourceIndex(index)];
    for (int64_t d = static_cast<int64_t>(outShape.size()) - 1; d >= 0; --d) {
      if (++index[d] < outShape[d])
        break;
      index[d] = 0;
    }
  }
  return result;
}

static HostTensor reshaped(const HostTensor &input, ArrayRef<int64_t> shape) {
  HostTensor result = input;
  result.shape.assign(shape.begin(), shape.end());
  return result;
}

//===----------------------------------------------------------------------===//
// Op tables
//===----------------------------------------------------------------------===//

static std::optional<UnaryFn> getUnaryFn(Operation *op) {
  return TypeSwitch<Operation *, std::optional<UnaryFn>>(op)
      .Case([](AbsOp) { return UnaryFn([](double x) { return std::fabs(x); }); })
      .Case([](NegOp) { return UnaryFn([](double x) { return -x; }); })
      .Case([](SignOp) {
        return UnaryFn([](double x) { return double((x > 0) - (x < 0)); });
      })
      .Case([](RoundOp) {
        // Round half to even: nearbyint under the default rounding mode.
        return UnaryFn([](double x) { return std::nearbyint(x); });
      })
      .Case([](FloorOp) { return UnaryFn([](double x) { return std::floor(x); }); })
      .Case([](CeilOp) { return UnaryFn([](double x) { return std::ceil(x); }); })
      .Case([](SqrtOp) { return UnaryFn([](double x) { return std::sqrt(x); }); })
      .Case([](ReciprocalOp) { return UnaryFn([](double x) { return 1.0 / x; }); })
      .Case([](ExpOp) { return UnaryFn([](double x) { return std::exp(x); }); })
      .Case([](LogOp) { return UnaryFn([](double x) { return std::log(x); }); })
      .Case([](ErfOp) { return UnaryFn([](double x) { return std::erf(x); }); })
      .Case([](TanhOp) { return UnaryFn([](double x) { return std::tanh(x); }); })
      .Case([](SinOp) { return UnaryFn([](double x) { return std::sin(x); }); })
      .Case([](CosOp) { return UnaryFn([](double x) { return std::cos(x); }); })
      .Case([](SigmoidOp) {
        return UnaryFn([](double x) { return 1.0 / (1.0 + std::exp(-x)); });
      })
      .Case([](ReluOp) { return UnaryFn([](double x) { return x > 0 ? x : 0.0; }); })
      .Case([](NotOp) { return UnaryFn([](double x) { return x == 0 ? 1.0 : 0.0; }); })
      .Case([](LeakyReluOp op) {
        double alpha = op.getAlpha().convertToDouble();
        return UnaryFn([alpha](double x) { return x < 0 ? alpha * x : x; });
      })
      .Case([](CastOp) { return UnaryFn([](double x) { return x; }); })
      .Default([](Operation *) { return std::nullopt; });
}

static std::optional<BinaryFn> getBinaryFn(Operation *op) {
  auto isIntegerResult = isa<IntegerType>(
      cast<ShapedType>(op->getOperand(0).getType()).getElementType());
  return TypeSwitch<Operation *, std::optional<BinaryFn>>(op)
      .Case([](AddOp) { return BinaryFn(std::plus<double>()); })
      .Case([](SubOp) { return BinaryFn(std::minus<double>()); })
      .Case([](MulOp) { return BinaryFn(std::multiplies<double>()); })
      .Case([&](DivOp) {
        // Integer division truncates toward zero.
        if (isIntegerResult)
          return BinaryFn([](double a, double b) {
            return b == 0 ? 0.0 : std::trunc(a / b);
          });
        return BinaryFn(std::divides<double>());
      })
      .Case([](PowOp) {
        return BinaryFn([](double a, double b) { return std::pow(a, b); });
      })
      .Case([](AndOp) { return BinaryFn([](double a, double b) { return double(a && b); }); })
      .Case([](OrOp) { return BinaryFn([](double a, double b) { return double(a || b); }); })
      .Case([](XorOp) { return BinaryFn([](double a, double b) { return double((a != 0) != (b != 0)); }); })
      .Case([&](BitShiftOp shift) {
        // Unsigned operands (the verifier says so) of the result's width:
        // bits shifted out are lost, a shift by the width or more gives 0.
        unsigned width =
            getElementTypeOrSelf(op->getResult(0)).getIntOrFloatBitWidth();
        bool left = shift.getDirection() == "LEFT";
        return BinaryFn([width, left](double a, double b) {
          uint64_t value = static_cast<uint64_t>(a);
          uint64_t amount = static_cast<uint64_t>(b);
          if (amount >= width)
            return 0.0;
          uint64_t shifted = left ? value << amount : value >> amount;
          if (width < 64)
            shifted &= (uint64_t(1) << width) - 1;
          return static_cast<double>(shifted);
        });
      })
      .Case([](EqualOp) { return BinaryFn([](double a, double b) { return double(a == b); }); })
      .Case([](LessOp) { return BinaryFn([](double a, double b) { return double(a < b); }); })
      .Case([](LessOrEqualOp) { return BinaryFn([](double a, double b) { return double(a <= b); }); })
      .Case([](GreaterOp) { return BinaryFn([](double a, double b) { return double(a > b); }); })
      .Case([](GreaterOrEqualOp) { return BinaryFn([](double a, double b) { return double(a >= b); }); })
      .Case([](MaxOp) { return BinaryFn([](double a, double b) { return std::fmax(a, b); }); })
      .Case([](MinOp) { return BinaryFn([](double a, double b) { return std::fmin(a, b); }); })
      .Case([](SumOp) { return BinaryFn(std::plus<double>()); })
      .Default([](Operation *) { return std::nullopt; });
}

//===----------------------------------------------------------------------===//
// Structured ops
//===----------------------------------------------------------------------===//

static FailureOr<HostTensor> evaluateReduce(Operation *op,
                                            ArrayRef<const HostTensor *> args,
                                            bool keepdims, bool noopEmpty) {
  const HostTensor &data = *args[0];
  int64_t rank = data.shape.size();
  SmallVector<bool> reduced(rank, false);
  if (args[1] && !args[1]->values.empty()) {
    for (int64_t axis : toIndices(*args[1])) {
      FailureOr<int64_t> normalized = normalizeAxis(axis, rank);
      if (failed(normalized))
        return failure();
      reduced[*normalized] = true;
    }
  } else if (noopEmpty) {
    return data;
  } else {
    reduced.assign(rank, true);
  }
  SmallVector<int64_t> keptShape, outShape;
  for (int64_t d = 0; d < rank; ++d) {
    keptShape.push_back(reduced[d] ? 1 : data.shape[d]);
    if (!reduced[d] || keepdims)
      outShape.push_back(keptShape.back());
  }
  int64_t outCount = product(keptShape);
  std::vector<double> acc(outCount, 0.0);
  std::vector<int64_t> counts(outCount, 0);
  SmallVector<int64_t> keptStrides = getStrides(keptShape);
  SmallVector<int64_t> index(rank, 0);
  for (double value : data.values) {
    int64_t out = 0;
    for (int64_t d = 0; d < rank; ++d)
      out += (reduced[d] ? 0 : index[d]) * keptStrides[d];
    double &slot = acc[out];
    bool first = counts[out]++ == 0;
    TypeSwitch<Operation *>(op)
        .Case([&](ReduceMaxOp) { slot = first ? value : std::fmax(slot, value); })
        .Case([&](ReduceMinOp) { slot = first ? value : std::fmin(slot, value); })
        .Case([&](ReduceProdOp) { slot = first ? value : slot * value; })
        .Default([&](Operation *) { slot += value; });
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < data.shape[d])
        break;
      index[d] = 0;
    }
  }
  HostTensor result;
  result.shape = outShape;
  result.elementType = getResultElementType(op);
  for (int64_t i = 0; i < outCount; ++i) {
    // Sums accumulate in double and round once: as exact as a float32
    // runtime can be, whatever order it adds in.
    double value = acc[i];
    if (isa<ReduceMeanOp>(op))
      value = counts[i] ? value / counts[i] : NAN;
    result.values.push_back(roundToType(result.elementType, value));
  }
  return result;
}

static FailureOr<HostTensor> evaluateTranspose(TransposeOp op,
                                               const HostTensor &data,
                                               int64_t maxElements) {
  int64_t rank = data.shape.size();
  SmallVector<int64_t> perm;
  if (std::optional<ArrayRef<int64_t>> attr = op.getPerm())
    perm.assign(attr->begin(), attr->end());
  else
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
  if (static_cast<int64_t>(perm.size()) != rank)
    return failure();
  SmallVector<int64_t> outShape, inStrides = getStrides(data.shape);
  for (int64_t d : perm) {
    if (d < 0 || d >= rank)
      return failure();
    outShape.push_back(data.shape[d]);
  }
  return gatherByIndex(data, outShape, data.elementType, maxElements,
                       [&](ArrayRef<int64_t> index) {
                         int64_t offset = 0;
                         for (int64_t d = 0; d < rank; ++d)
                           offset += index[d] * inStrides[perm[d]];
                         return offset;
                       });
}

static FailureOr<HostTensor> evaluateReshape(ReshapeOp op,
                                             const HostTensor &data,
                                             const HostTensor &shapeArg) {
  SmallVector<int64_t> shape = toIndices(shapeArg);
  int64_t inferred = -1, known = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 0 && !op.getAllowzero()) {
      if (i >= data.shape.size())
        return failure();
      shape[i] = data.shape[i];
    }
    if (shape[i] == -1) {
      if (inferred >= 0)
        return failure();
      inferred = i;
      continue;
    }
    if (shape[i] < 0 || llvm::MulOverflow(known, shape[i], known))
      return failure();
  }
  int64_t count = data.getNumElements();
  if (inferred >= 0) {
    if (known == 0 || count % known != 0)
      return failure();
    shape[inferred] = count / known;
  }
  if (product(shape) != count)
    return failure();
  return reshaped(data, shape);
}

static FailureOr<HostTensor> evaluateGather(GatherOp op, const HostTensor &data,
                                            const HostTensor &indices,
                                            int64_t maxElements) {
  int64_t rank = data.shape.size();
  FailureOr<int64_t> axis = normalizeAxis(op.getAxis(), rank);
  if (failed(axis))
    return failure();
  SmallVector<int64_t> idx = toIndices(indices);
  int64_t axisSize = data.shape[*axis];
  for (int64_t &i : idx) {
    if (i < -axisSize || i >= axisSize)
      return failure();
    if (i < 0)
      i += axisSize;
  }
  SmallVector<int64_t> outShape(data.shape.begin(), data.shape.begin() + *axis);
  outShape.append(indices.shape.begin(), indices.shape.end());
  outShape.append(data.shape.begin() + *axis + 1, data.shape.end());
  SmallVector<int64_t> inStrides = getStrides(data.shape);
  SmallVector<int64_t> idxStrides = getStrides(indices.shape);
  int64_t idxRank = indices.shape.size();
  return gatherByIndex(data, outShape, data.elementType, maxElements,
                       [&](ArrayRef<int64_t> index) {
                         int64_t idxLinear = 0;
                         for (int64_t d = 0; d < idxRank; ++d)
                           idxLinear += index[*axis + d] * idxStrides[d];
                         int64_t offset = idx[idxLinear] * inStrides[*axis];
                         for (int64_t d = 0; d < *axis; ++d)
                           offset += index[d] * inStrides[d];
                         for (int64_t d = *axis + 1; d < rank; ++d)
                           offset += index[d + idxRank - 1] * inStrides[d];
                         return offset;
                       });
}

static FailureOr<HostTensor> evaluateConcat(ConcatOp op,
                                            ArrayRef<const HostTensor *> args) {
  int64_t rank = args[0]->shape.size();
  FailureOr<int64_t> axis = normalizeAxis(op.getAxis(), rank);
  if (failed(axis))
    return failure();
  HostTensor result;
  result.shape = args[0]->shape;
  result.shape[*axis] = 0;
  result.elementType = args[0]->elementType;
  for (const HostTensor *arg : args) {
    if (static_cast<int64_t>(arg->shape.size()) != rank)
      return failure();
    result.shape[*axis] += arg->shape[*axis];
  }
  // Copy blocks: outer = dims before axis, each arg contributes a run.
  int64_t outer = product(ArrayRef<int64_t>(result.shape).take_front(*axis));
  for (int64_t o = 0; o < outer; ++o)
    for (const HostTensor *arg : args) {
      int64_t run = product(ArrayRef<int64_t>(arg->shape).drop_front(*axis));
      result.values.insert(result.values.end(),
                           arg->values.begin() + o * run,
                           arg->values.begin() + (o + 1) * run);
    }
  return result;
}

static FailureOr<HostTensor> evaluateUnsqueeze(const HostTensor &data,
                                               const HostTensor &axesArg) {
  int64_t outRank = data.shape.size() + axesArg.values.size();
  SmallVector<bool> inserted(outRank, false);
  for (int64_t axis : toIndices(axesArg)) {
    FailureOr<int64_t> normalized = normalizeAxis(axis, outRank);
    if (failed(normalized) || inserted[*normalized])
      return failure();
    inserted[*normalized] = true;
  }
  SmallVector<int64_t> shape;
  size_t next = 0;
  for (int64_t d = 0; d < outRank; ++d)
    shape.push_back(inserted[d] ? 1 : data.shape[next++]);
  return reshaped(data, shape);
}

static FailureOr<HostTensor> evaluateSqueeze(const HostTensor &data,
                                             const HostTensor *axesArg) {
  int64_t rank = data.shape.size();
  SmallVector<bool> removed(rank, false);
  if (axesArg) {
    for (int64_t axis : toIndices(*axesArg)) {
      FailureOr<int64_t> normalized = normalizeAxis(axis, rank);
      if (failed(normalized) || data.shape[*normalized] != 1)
        return failure();
      removed[*normalized] = true;
    }
  } else {
    for (int64_t d = 0; d < rank; ++d)
      removed[d] = data.shape[d] == 1;
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d)
    if (!removed[d])
      shape.push_back(data.shape[d]);
  return reshaped(data, shape);
}

static FailureOr<HostTensor> evaluateExpand(const HostTensor &data,
                                            const HostTensor &shapeArg,
                                            int64_t maxElements) {
  // The shape operand only contributes its dims to the broadcast: a tensor
  // of ones of that shape, without materializing it.
  HostTensor ones;
  ones.shape = toIndices(shapeArg);
  if (!isWithinLimit(ones.shape, maxElements))
    return failure();
  FailureOr<SmallVector<int64_t>> shape = broadcastShapes({&data, &ones});
  if (failed(shape))
    return failure();
  SmallVector<int64_t> strides = getBroadcastStrides(data.shape, shape->size());
  return gatherByIndex(data, *shape, data.elementType, maxElements,
                       [&](ArrayRef<int64_t> index) {
                         int64_t offset = 0;
                         for (size_t d = 0; d < index.size(); ++d)
                           offset += index[d] * strides[d];
                         return offset;
                       });
}

static FailureOr<HostTensor> evaluateFlatten(FlattenOp op,
                                             const HostTensor &data) {
  int64_t rank = data.shape.size();
  int64_t axis = op.getAxis() < 0 ? op.getAxis() + rank : op.getAxis();
  if (axis < 0 || axis > rank)
    return failure();
  ArrayRef<int64_t> dims(data.shape);
  return reshaped(data, {product(dims.take_front(axis)),
                         product(dims.drop_front(axis))});
}

/// y = float(x - zp) * scale, rounded to the scale's type (ONNX computes the
/// difference exactly and multiplies once). The scale and zero point are
/// per tensor, per `axis`, or per block of `block_size` along `axis`.
static FailureOr<HostTensor>
evaluateDequantizeLinear(DequantizeLinearOp op, const HostTensor &codes,
                         const HostTensor &scale, const HostTensor *zeroPoint,
                         Type resultType, int64_t maxElements) {
  if (zeroPoint && zeroPoint->values.size() != scale.values.size())
    return failure();
  if (!isWithinLimit(codes.shape, maxElements))
    return failure();
  int64_t rank = codes.shape.size();
  int64_t count = codes.getNumElements();
  bool perTensor = scale.values.size() == 1 && op.getBlockSize() == 0;
  int64_t axis = 0, axisDim = 1, inner = 1, block = 1;
  if (!perTensor) {
    FailureOr<int64_t> normalized = normalizeAxis(op.getAxis(), rank);
    if (failed(normalized))
      return failure();
    axis = *normalized;
    axisDim = codes.shape[axis];
    inner = product(ArrayRef<int64_t>(codes.shape).drop_front(axis + 1));
    block = op.getBlockSize() > 0 ? op.getBlockSize() : axisDim;
    int64_t axisScales = op.getBlockSize() > 0
                             ? (axisDim + block - 1) / block
                             : axisDim;
    int64_t expected = op.getBlockSize() > 0
                           ? count / std::max<int64_t>(axisDim, 1) * axisScales
                           : axisDim;
    if (static_cast<int64_t>(scale.values.size()) != expected)
      return failure();
  }
  HostTensor result;
  result.shape = codes.shape;
  result.elementType = resultType;
  result.values.resize(count);
  for (int64_t i = 0; i < count; ++i) {
    int64_t s = 0;
    if (!perTensor) {
      int64_t along = i / inner % axisDim;
      if (op.getBlockSize() == 0) {
        s = along;
      } else {
        int64_t outer = i / (inner * axisDim);
        int64_t axisScales = (axisDim + block - 1) / block;
        s = (outer * axisScales + along / block) * inner + i % inner;
      }
    }
    double shifted = codes.values[i] - (zeroPoint ? zeroPoint->values[s] : 0);
    result.values[i] = roundToType(
        resultType, roundToType(resultType, shifted) * scale.values[s]);
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Entry point
//===----------------------------------------------------------------------===//

FailureOr<HostTensor> bitnet::evaluateOnnxOp(Operation *op,
                                             ArrayRef<const HostTensor *> args,
                                             int64_t maxElements) {
  if (op->getNumResults() != 1 || !isa<RankedTensorType>(op->getResult(0).getType()))
    return failure();
  Type resultElementType = getResultElementType(op);
  // Only these ops give a meaning to a left-out (`none`) operand.
  bool acceptsNone =
      isa<ClipOp, SqueezeOp, ReduceMeanOp, ReduceMaxOp, ReduceMinOp,
          ReduceSumOp, ReduceProdOp, DequantizeLinearOp>(op);
  if (!acceptsNone && llvm::is_contained(args, nullptr))
    return failure();

  if (std::optional<UnaryFn> fn = getUnaryFn(op)) {
    return mapBroadcast({args[0]}, resultElementType, maxElements,
                        [&](ArrayRef<double> v) { return (*fn)(v[0]); });
  }
  if (std::optional<BinaryFn> fn = getBinaryFn(op)) {
    if (args.empty())
      return failure();
    if (args.size() == 1)
      return mapBroadcast(args, resultElementType, maxElements,
                          [](ArrayRef<double> v) { return v[0]; });
    return mapBroadcast(args, resultElementType, maxElements,
                        [&](ArrayRef<double> v) {
      double acc = v[0];
      for (double x : v.drop_front())
        acc = (*fn)(acc, x);
      return acc;
    });
  }

  return TypeSwitch<Operation *, FailureOr<HostTensor>>(op)
      .Case([&](MeanOp) -> FailureOr<HostTensor> {
        return mapBroadcast(args, resultElementType, maxElements,
                            [](ArrayRef<double> v) {
          return std::accumulate(v.begin(), v.end(), 0.0) / v.size();
        });
      })
      .Case([&](ClipOp) -> FailureOr<HostTensor> {
        double lo = args[1] ? args[1]->values.at(0) : -INFINITY;
        double hi = args[2] ? args[2]->values.at(0) : INFINITY;
        return mapBroadcast({args[0]}, resultElementType, maxElements,
                            [&](ArrayRef<double> v) {
                              return std::fmin(std::fmax(v[0], lo), hi);
                            });
      })
      .Case([&](WhereOp) -> FailureOr<HostTensor> {
        return mapBroadcast(args, resultElementType, maxElements,
                            [](ArrayRef<double> v) {
          return v[0] != 0 ? v[1] : v[2];
        });
      })
      .Case([&](CastLikeOp) -> FailureOr<HostTensor> {
        return mapBroadcast({args[0]}, resultElementType, maxElements,
                            [](ArrayRef<double> v) { return v[0]; });
      })
      .Case<ReduceMeanOp, ReduceMaxOp, ReduceMinOp, ReduceSumOp,
            ReduceProdOp>([&](auto reduce) {
        return evaluateReduce(op, args, reduce.getKeepdims() != 0,
                              reduce.getNoopWithEmptyAxes() != 0);
      })
      .Case([&](TransposeOp transpose) {
        return evaluateTranspose(transpose, *args[0], maxElements);
      })
      .Case([&](ReshapeOp reshape) {
        return evaluateReshape(reshape, *args[0], *args[1]);
      })
      .Case([&](FlattenOp flatten) { return evaluateFlatten(flatten, *args[0]); })
      .Case([&](UnsqueezeOp) { return evaluateUnsqueeze(*args[0], *args[1]); })
      .Case([&](SqueezeOp) { return evaluateSqueeze(*args[0], args[1]); })
      .Case([&](GatherOp gather) {
        return evaluateGather(gather, *args[0], *args[1], maxElements);
      })
      .Case([&](ConcatOp concat) { return evaluateConcat(concat, args); })
      .Case([&](DequantizeLinearOp dequantize) -> FailureOr<HostTensor> {
        if (!args[0] || !args[1])
          return failure();
        return evaluateDequantizeLinear(dequantize, *args[0], *args[1],
                                        args[2], resultElementType,
                                        maxElements);
      })
      .Case([&](ExpandOp) {
        return evaluateExpand(*args[0], *args[1], maxElements);
      })
      .Case([&](ShapeOp shape) -> FailureOr<HostTensor> {
        // Only reached when `data` is a constant; static shapes fold anyway.
        int64_t rank = args[0]->shape.size();
        auto clampIndex = [&](int64_t i) {
          return std::clamp<int64_t>(i < 0 ? i + rank : i, 0, rank);
        };
        int64_t start = clampIndex(shape.getStart().value_or(0));
        int64_t end = clampIndex(shape.getEnd().value_or(rank));
        HostTensor result;
        result.elementType = resultElementType;
        for (int64_t d = start; d < end; ++d)
          result.values.push_back(args[0]->shape[d]);
        result.shape = {static_cast<int64_t>(result.values.size())};
        return result;
      })
      .Case([&](ConstantOfShapeOp fill) -> FailureOr<HostTensor> {
        HostTensor result;
        result.shape = toIndices(*args[0]);
        result.elementType = resultElementType;
        double value = 0.0;
        if (std::optional<ElementsAttr> attr = fill.getValue()) {
          // Dense or dense_resource (fromAttr reads both).
          FailureOr<HostTensor> scalar = HostTensor::fromAttr(*attr);
          if (failed(scalar) || scalar->values.size() != 1)
            return failure();
          value = scalar->values[0];
        }
        if (!isWithinLimit(result.shape, maxElements))
          return failure();
        result.values.assign(product(result.shape), value);
        return result;
      })
      .Default([](Operation *) { return failure(); });
}
