//===- TensorConversion.cpp - ONNX types and tensors -> MLIR --------------===//
//
// Weights are most of a model, so tensor data is never converted element by
// element where ONNX's layout is MLIR's (raw_data, external data and the
// float/double/int32/int64/uint64 fields of the matching types). Large
// tensors in raw bytes become dense_resource blobs with no copy at all: over
// the mapped external-data file, or owning the released raw_data string.
// The rest become DenseElementsAttr from raw bytes (one copy). Bools
// (bit-packed in MLIR) and the types ONNX widens to int32_data (8- and
// 16-bit ints, float16, bfloat16) or uint64_data (uint32) are narrowed
// first.
//
//===----------------------------------------------------------------------===//
#include "ImporterImpl.h"

#include "Onnx/OnnxTypes.h"
#include "bitnet-mlir/Support/ConstantData.h"

#include "llvm/Support/MathExtras.h"
#include "llvm/Support/SwapByteOrder.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::bitnet::importer;
using onnx::TensorProto;

/// `FLOAT16`, or `code 42` for codes this libonnx has no name for.
static std::string describeDataType(int32_t code) {
  const std::string &name = onnx::TensorProto_DataType_Name(code);
  if (!name.empty())
    return name;
  return "code " + std::to_string(code);
}

FailureOr<Type> importer::convertElementType(MLIRContext *context, int32_t code,
                                             ErrorEmitter emitError) {
  if (Type type = onnx_ir::getElementTypeForOnnxCode(context, code))
    return type;
  emitError() << "element type " << describeDataType(code)
              << " is not supported";
  return failure();
}

/// Bytes per element in ONNX's raw layout (bools take a byte).
static int64_t getRawByteWidth(Type elementType) {
  return std::max<int64_t>(1, elementType.getIntOrFloatBitWidth() / 8);
}

static std::string describeType(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  return text;
}

static StringRef describeTypeKind(onnx::TypeProto::ValueCase kind) {
  switch (kind) {
  case onnx::TypeProto::kSequenceType:
    return "a sequence";
  case onnx::TypeProto::kMapType:
    return "a map";
  case onnx::TypeProto::kOptionalType:
    return "an optional";
  case onnx::TypeProto::kSparseTensorType:
    return "a sparse tensor";
  default:
    return "not a tensor";
  }
}

FailureOr<Type> importer::convertValueType(MLIRContext *context,
                                           const onnx::TypeProto &type,
                                           ErrorEmitter emitError) {
  if (type.value_case() == onnx::TypeProto::VALUE_NOT_SET) {
    emitError() << "has no type";
    return failure();
  }
  if (type.value_case() != onnx::TypeProto::kTensorType) {
    emitError() << "only tensors are supported, but the value is "
                << describeTypeKind(type.value_case());
    return failure();
  }
  const onnx::TypeProto::Tensor &tensorType = type.tensor_type();
  FailureOr<Type> elementType =
      convertElementType(context, tensorType.elem_type(), emitError);
  if (failed(elementType))
    return failure();
  if (!tensorType.has_shape())
    return Type(UnrankedTensorType::get(*elementType));
  SmallVector<int64_t> dims;
  // Bytes of the static dims: MLIR counts elements in int64 unchecked, so a
  // type whose size overflows would wrap around in every pass after this.
  int64_t byteWidth = getRawByteWidth(*elementType), bytes = byteWidth;
  bool overflows = false;
  for (const onnx::TensorShapeProto::Dimension &dim :
       tensorType.shape().dim()) {
    if (!dim.has_dim_value()) {
      dims.push_back(ShapedType::kDynamic);
      continue;
    }
    if (dim.dim_value() < 0) {
      emitError() << "negative dimension " << dim.dim_value();
      return failure();
    }
    overflows |= llvm::MulOverflow(bytes, dim.dim_value(), bytes);
    dims.push_back(dim.dim_value());
  }
  auto tensor = RankedTensorType::get(dims, *elementType);
  if (overflows) {
    emitError() << describeType(tensor)
                << " is too large to address (2^63 bytes or more)";
    return failure();
  }
  return Type(tensor);
}

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

namespace {
/// A tensor whose type, dims and data size have been checked.
struct CheckedTensor {
  RankedTensorType type;
  /// raw_data or external data; empty (and `typed`) for the typed fields.
  ArrayRef<char> bytes;
  /// The mapped file `bytes` lie in, for external data.
  std::shared_ptr<const llvm::MemoryBuffer> file;
  bool typed = false;
};
} // namespace

/// The typed field ONNX keeps `dataType` in, and how many values it holds.
static std::pair<StringRef, int> getTypedField(const TensorProto &tensor) {
  switch (tensor.data_type()) {
  case TensorProto::FLOAT:
    return {"float_data", tensor.float_data_size()};
  case TensorProto::DOUBLE:
    return {"double_data", tensor.double_data_size()};
  case TensorProto::INT64:
    return {"int64_data", tensor.int64_data_size()};
  case TensorProto::UINT32:
  case TensorProto::UINT64:
    return {"uint64_data", tensor.uint64_data_size()};
  default:
    return {"int32_data", tensor.int32_data_size()};
  }
}

static FailureOr<CheckedTensor> checkTensor(MLIRContext *context,
                                            const TensorProto &tensor,
                                            ExternalDataFiles &externalData,
                                            ErrorEmitter emitError) {
  FailureOr<Type> elementType =
      convertElementType(context, tensor.data_type(), emitError);
  if (failed(elementType))
    return failure();
  if (tensor.has_segment()) {
    emitError() << "segmented tensors are not supported";
    return failure();
  }
  int64_t byteWidth = getRawByteWidth(*elementType);
  SmallVector<int64_t> dims;
  int64_t numElements = 1;
  for (int64_t dim : tensor.dims()) {
    if (dim < 0) {
      emitError() << "negative dimension " << dim;
      return failure();
    }
    if (dim != 0 && numElements > INT64_MAX / byteWidth / dim) {
      emitError() << "the tensor is too large to address";
      return failure();
    }
    numElements *= dim;
    dims.push_back(dim);
  }

  CheckedTensor checked;
  checked.type = RankedTensorType::get(dims, *elementType);
  uint64_t expectedBytes = numElements * byteWidth;
  StringRef source;
  if (tensor.data_location() == TensorProto::EXTERNAL) {
    FailureOr<ExternalBytes> external = externalData.read(tensor, emitError);
    if (failed(external))
      return failure();
    checked.bytes = external->bytes;
    checked.file = std::move(external->file);
    source = "external data";
  } else if (tensor.has_raw_data()) {
    checked.bytes =
        ArrayRef<char>(tensor.raw_data().data(), tensor.raw_data().size());
    source = "raw_data";
  } else {
    auto [field, count] = getTypedField(tensor);
    if (count != numElements) {
      emitError() << field << " holds " << count << " values, expected "
                  << numElements << " for " << describeType(checked.type);
      return failure();
    }
    checked.typed = true;
    return checked;
  }
  if (checked.bytes.size() != expectedBytes) {
    emitError() << source << " has " << checked.bytes.size()
                << " bytes, expected " << expectedBytes << " for "
                << describeType(checked.type);
    return failure();
  }
  return checked;
}

template <typename T> static ArrayRef<char> asBytes(ArrayRef<T> values) {
  return ArrayRef<char>(reinterpret_cast<const char *>(values.data()),
                        values.size() * sizeof(T));
}

template <typename T>
static ArrayRef<T> asArrayRef(const google::protobuf::RepeatedField<T> &field) {
  return ArrayRef<T>(field.data(), field.size());
}

/// Elements from host-order bytes in MLIR's layout.
static DenseElementsAttr fromHostBytes(RankedTensorType type,
                                       ArrayRef<char> bytes) {
  return DenseElementsAttr::getFromRawBuffer(type, bytes);
}

/// Elements from ONNX's little-endian raw layout (not for bool).
static DenseElementsAttr fromLittleEndianBytes(RankedTensorType type,
                                               ArrayRef<char> bytes) {
  if (!llvm::sys::IsBigEndianHost)
    return fromHostBytes(type, bytes);
  size_t width = getRawByteWidth(type.getElementType());
  std::vector<char> swapped(bytes.begin(), bytes.end());
  for (size_t at = 0; at < swapped.size(); at += width)
    std::reverse(swapped.begin() + at, swapped.begin() + at + width);
  return fromHostBytes(type, swapped);
}

/// Elements from values ONNX stores widened to `Wide`.
template <typename Narrow, typename Wide>
static DenseElementsAttr fromWidened(RankedTensorType type,
                                     ArrayRef<Wide> values) {
  std::vector<Narrow> narrowed(values.size());
  for (size_t i = 0, e = values.size(); i < e; ++i)
    narrowed[i] = static_cast<Narrow>(values[i]);
  return fromHostBytes(type, asBytes(ArrayRef<Narrow>(narrowed)));
}

template <typename T>
static DenseElementsAttr fromBools(RankedTensorType type, ArrayRef<T> values) {
  SmallVector<bool> bools(values.size());
  for (size_t i = 0, e = values.size(); i < e; ++i)
    bools[i] = values[i] != 0;
  return DenseElementsAttr::get(type, bools);
}

static DenseElementsAttr buildElements(const CheckedTensor &checked,
                                       const TensorProto &tensor) {
  RankedTensorType type = checked.type;
  if (!checked.typed) {
    if (type.getElementType().isInteger(1))
      return fromBools(type, checked.bytes);
    return fromLittleEndianBytes(type, checked.bytes);
  }
  switch (tensor.data_type()) {
  case TensorProto::FLOAT:
    return fromHostBytes(type, asBytes(asArrayRef(tensor.float_data())));
  case TensorProto::DOUBLE:
    return fromHostBytes(type, asBytes(asArrayRef(tensor.double_data())));
  case TensorProto::INT64:
    return fromHostBytes(type, asBytes(asArrayRef(tensor.int64_data())));
  case TensorProto::UINT64:
    return fromHostBytes(type, asBytes(asArrayRef(tensor.uint64_data())));
  case TensorProto::UINT32:
    return fromWidened<uint32_t>(type, asArrayRef(tensor.uint64_data()));
  case TensorProto::INT32:
    return fromHostBytes(type, asBytes(asArrayRef(tensor.int32_data())));
  case TensorProto::BOOL:
    return fromBools(type, asArrayRef(tensor.int32_data()));
  case TensorProto::INT8:
  case TensorProto::UINT8:
    return fromWidened<uint8_t>(type, asArrayRef(tensor.int32_data()));
  default:
    // INT16, UINT16, FLOAT16, BFLOAT16: the low 16 bits of each int32.
    return fromWidened<uint16_t>(type, asArrayRef(tensor.int32_data()));
  }
}

/// Whether `checked` becomes a resource blob over its raw bytes: large, in
/// raw bytes, and in MLIR's layout (byte-sized little-endian elements on a
/// little-endian host).
static bool isResourceCandidate(const CheckedTensor &checked) {
  return !checked.typed && !llvm::sys::IsBigEndianHost &&
         !checked.type.getElementType().isInteger(1) &&
         useResourceFor(checked.type);
}

static bool isAligned(ArrayRef<char> bytes, size_t alignment) {
  return reinterpret_cast<uintptr_t>(bytes.data()) % alignment == 0;
}

/// The blob over `checked.bytes` without a copy, when they are aligned for
/// the element type; `rawData` (if not null) is the released raw_data string
/// the bytes lie in, which the blob then owns. Otherwise a blob over an
/// aligned copy.
static AsmResourceBlob makeBlob(const CheckedTensor &checked,
                                std::unique_ptr<std::string> rawData) {
  size_t alignment = getRawByteWidth(checked.type.getElementType());
  ArrayRef<char> bytes = checked.bytes;
  if (!isAligned(bytes, alignment)) {
    ConstantBuffer copy(bytes.size(), alignment);
    llvm::copy(bytes, copy.getData().begin());
    return copy.takeAsBlob();
  }
  if (rawData)
    return AsmResourceBlob(
        bytes, alignment,
        [owned = std::shared_ptr<std::string>(std::move(rawData))](
            void *, size_t, size_t) mutable { owned.reset(); },
        /*dataIsMutable=*/false);
  return AsmResourceBlob(
      bytes, alignment,
      [file = checked.file](void *, size_t, size_t) mutable { file.reset(); },
      /*dataIsMutable=*/false);
}

/// convertTensor; `releasable` is `tensor` when its raw_data may be taken.
static FailureOr<ElementsAttr> convert(MLIRContext *context,
                                       const TensorProto &tensor,
                                       TensorProto *releasable,
                                       ExternalDataFiles &externalData,
                                       ErrorEmitter emitError) {
  FailureOr<CheckedTensor> checked =
      checkTensor(context, tensor, externalData, emitError);
  if (failed(checked))
    return failure();
  if (!isResourceCandidate(*checked))
    return ElementsAttr(buildElements(*checked, tensor));
  StringRef name = tensor.name();
  if (checked->file)
    return createResourceAttr(checked->type, name, makeBlob(*checked, {}));
  if (releasable) {
    // The blob owns the string, so the bytes stay where they are.
    std::unique_ptr<std::string> raw(releasable->release_raw_data());
    checked->bytes = ArrayRef<char>(raw->data(), raw->size());
    return createResourceAttr(checked->type, name,
                              makeBlob(*checked, std::move(raw)));
  }
  ConstantBuffer copy(checked->bytes.size(),
                      getRawByteWidth(checked->type.getElementType()));
  llvm::copy(checked->bytes, copy.getData().begin());
  return createResourceAttr(checked->type, name, copy.takeAsBlob());
}

FailureOr<ElementsAttr>
importer::convertTensor(MLIRContext *context, const TensorProto &tensor,
                        ExternalDataFiles &externalData,
                        ErrorEmitter emitError) {
  return convert(context, tensor, nullptr, externalData, emitError);
}

FailureOr<ElementsAttr>
importer::convertInitializer(MLIRContext *context, TensorProto &tensor,
                             ExternalDataFiles &externalData,
                             ErrorEmitter emitError) {
  return convert(context, tensor, &tensor, externalData, emitError);
}

LogicalResult importer::checkInitializers(const onnx::GraphProto &graph,
                                          ExternalDataFiles &externalData,
                                          const ModelContext &model) {
  for (const TensorProto &tensor : graph.initializer())
    if (failed(checkTensor(model.getContext(), tensor, externalData, [&] {
          return model.emitError() << "initializer '" << tensor.name() << "': ";
        })))
      return failure();
  return success();
}
