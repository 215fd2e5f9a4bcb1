//===- OnnxTypes.cpp - ONNX data types as MLIR types ----------------------===//
#include "Onnx/OnnxTypes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;

namespace {
// TensorProto.DataType codes (onnx.proto).
enum OnnxCode : int64_t {
  kFloat = 1, kUint8 = 2, kInt8 = 3, kUint16 = 4, kInt16 = 5, kInt32 = 6,
  kInt64 = 7, kString = 8, kBool = 9, kFloat16 = 10, kDouble = 11,
  kUint32 = 12, kUint64 = 13, kBFloat16 = 16,
};
} // namespace

Type onnx_ir::getElementTypeForOnnxCode(MLIRContext *context, int64_t code) {
  Builder b(context);
  auto unsignedInt = [&](unsigned width) {
    return IntegerType::get(context, width, IntegerType::Unsigned);
  };
  switch (code) {
  case kFloat: return b.getF32Type();
  case kUint8: return unsignedInt(8);
  case kInt8: return b.getIntegerType(8);
  case kUint16: return unsignedInt(16);
  case kInt16: return b.getIntegerType(16);
  case kInt32: return b.getIntegerType(32);
  case kInt64: return b.getIntegerType(64);
  case kBool: return b.getI1Type();
  case kFloat16: return b.getF16Type();
  case kDouble: return b.getF64Type();
  case kUint32: return unsignedInt(32);
  case kUint64: return unsignedInt(64);
  case kBFloat16: return b.getBF16Type();
  default: return {};
  }
}

std::optional<int64_t> onnx_ir::getOnnxCodeForElementType(Type type) {
  if (type.isF32()) return kFloat;
  if (type.isF16()) return kFloat16;
  if (type.isBF16()) return kBFloat16;
  if (type.isF64()) return kDouble;
  auto intType = dyn_cast<IntegerType>(type);
  if (!intType) return std::nullopt;
  bool isUnsigned = intType.isUnsigned();
  switch (intType.getWidth()) {
  case 1: return kBool;
  case 8: return isUnsigned ? kUint8 : kInt8;
  case 16: return isUnsigned ? kUint16 : kInt16;
  case 32: return isUnsigned ? kUint32 : std::optional<int64_t>(kInt32);
  case 64: return isUnsigned ? kUint64 : kInt64;
  default: return std::nullopt;
  }
}

llvm::StringRef onnx_ir::getOnnxDataTypeName(int64_t code) {
  switch (code) {
  case kFloat: return "FLOAT";
  case kUint8: return "UINT8";
  case kInt8: return "INT8";
  case kUint16: return "UINT16";
  case kInt16: return "INT16";
  case kInt32: return "INT32";
  case kInt64: return "INT64";
  case kString: return "STRING";
  case kBool: return "BOOL";
  case kFloat16: return "FLOAT16";
  case kDouble: return "DOUBLE";
  case kUint32: return "UINT32";
  case kUint64: return "UINT64";
  case kBFloat16: return "BFLOAT16";
  default: return "UNDEFINED";
  }
}
