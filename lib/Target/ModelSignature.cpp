//===- ModelSignature.cpp - inputs and outputs of a compiled model --------===//
#include "bitnet-mlir/Target/ModelSignature.h"

#include "bitnet-mlir/ABI/RuntimeABI.h"

#include "Onnx/OnnxTypes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mlir::bitnet;

using bitnet::abi::kMaxRank;

/// The runtime's own name table (runtime/src/tensor.c): one list of the
/// dtypes the ABI knows.
StringRef bitnet::getDtypeName(int32_t dtype) {
  return bitnet_dtype_name(dtype);
}

std::string bitnet::sanitizeIdentifier(StringRef name) {
  std::string result = name.str();
  for (char &c : result)
    if (!llvm::isAlnum(c) && c != '_')
      c = '_';
  return result.empty() ? "model" : result;
}

/// One argument or result: `kind` is "input" or "output".
static FailureOr<TensorSignature> getTensorSignature(func::FuncOp func,
                                                     StringRef kind,
                                                     unsigned index, Type type,
                                                     DictionaryAttr attrs) {
  TensorSignature tensor;
  auto nameAttr =
      attrs ? dyn_cast_or_null<StringAttr>(attrs.get("onnx.name")) : nullptr;
  tensor.name = nameAttr ? nameAttr.str() : (kind + Twine(index)).str();
  auto fail = [&]() {
    return emitError(func.getLoc())
           << kind << " " << index << " ('" << tensor.name << "') of @"
           << func.getSymName() << ": ";
  };
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasRank())
    return fail() << "expected a ranked tensor, got " << type;
  std::optional<int64_t> code =
      onnx_ir::getOnnxCodeForElementType(shaped.getElementType());
  if (!code || getDtypeName(*code) == "unknown")
    return fail() << "element type " << shaped.getElementType()
                  << " has no runtime data type";
  if (shaped.getRank() > kMaxRank)
    return fail() << "rank " << shaped.getRank()
                  << " exceeds the runtime's maximum of " << kMaxRank;
  tensor.dtype = static_cast<int32_t>(*code);
  for (int64_t dim : shaped.getShape())
    tensor.shape.push_back(ShapedType::isDynamic(dim) ? -1 : dim);
  // Names of dynamic dimensions only: a static one needs no agreement check.
  auto dimParams =
      attrs ? dyn_cast_or_null<ArrayAttr>(attrs.get("onnx.dim_params"))
            : nullptr;
  if (dimParams && dimParams.size() == tensor.shape.size()) {
    bool any = false;
    for (auto [dim, param] : llvm::zip_equal(tensor.shape, dimParams)) {
      auto name = dyn_cast<StringAttr>(param);
      tensor.dimNames.push_back(dim < 0 && name ? name.str() : "");
      any |= !tensor.dimNames.back().empty();
    }
    if (!any)
      tensor.dimNames.clear();
  }
  return tensor;
}

FailureOr<ModelSignature> bitnet::getModelSignature(func::FuncOp func) {
  ModelSignature signature;
  FunctionType type = func.getFunctionType();
  for (auto [i, argType] : llvm::enumerate(type.getInputs())) {
    FailureOr<TensorSignature> tensor =
        getTensorSignature(func, "input", i, argType, func.getArgAttrDict(i));
    if (failed(tensor))
      return failure();
    signature.inputs.push_back(std::move(*tensor));
  }
  for (auto [i, resultType] : llvm::enumerate(type.getResults())) {
    FailureOr<TensorSignature> tensor = getTensorSignature(
        func, "output", i, resultType, func.getResultAttrDict(i));
    if (failed(tensor))
      return failure();
    signature.outputs.push_back(std::move(*tensor));
  }
  return signature;
}

static ArrayAttr getTensorsAttr(Builder &b, ArrayRef<TensorSignature> tensors) {
  SmallVector<Attribute> result;
  for (const TensorSignature &tensor : tensors) {
    SmallVector<NamedAttribute> fields = {
        b.getNamedAttr("name", b.getStringAttr(tensor.name)),
        b.getNamedAttr("dtype", b.getI32IntegerAttr(tensor.dtype)),
        b.getNamedAttr("shape", b.getDenseI64ArrayAttr(tensor.shape))};
    if (!tensor.dimNames.empty())
      fields.push_back(b.getNamedAttr(
          "dim_names", b.getStrArrayAttr(SmallVector<StringRef>(
                           tensor.dimNames.begin(), tensor.dimNames.end()))));
    result.push_back(b.getDictionaryAttr(fields));
  }
  return b.getArrayAttr(result);
}

DictionaryAttr bitnet::getSignatureAttr(MLIRContext *context,
                                        const ModelSignature &signature) {
  Builder b(context);
  return b.getDictionaryAttr(
      {b.getNamedAttr("inputs", getTensorsAttr(b, signature.inputs)),
       b.getNamedAttr("outputs", getTensorsAttr(b, signature.outputs))});
}

static LogicalResult parseTensors(Operation *op, DictionaryAttr dict,
                                  StringRef key,
                                  std::vector<TensorSignature> &tensors) {
  auto array = dyn_cast_or_null<ArrayAttr>(dict.get(key));
  if (!array)
    return emitError(op->getLoc())
           << kSignatureAttrName << ": expected array '" << key << "'";
  for (Attribute element : array) {
    auto tensorDict = dyn_cast<DictionaryAttr>(element);
    auto name = tensorDict ? tensorDict.getAs<StringAttr>("name") : nullptr;
    auto dtype = tensorDict ? tensorDict.getAs<IntegerAttr>("dtype") : nullptr;
    auto shape =
        tensorDict ? tensorDict.getAs<DenseI64ArrayAttr>("shape") : nullptr;
    auto dimNames =
        tensorDict ? tensorDict.getAs<ArrayAttr>("dim_names") : nullptr;
    std::vector<std::string> names;
    for (Attribute dimName : dimNames ? dimNames.getValue()
                                      : ArrayRef<Attribute>()) {
      auto text = dyn_cast<StringAttr>(dimName);
      if (!text)
        return emitError(op->getLoc()) << kSignatureAttrName << ": malformed "
                                       << key << " entry " << element;
      names.push_back(text.str());
    }
    if (!name || !dtype || !shape ||
        (!names.empty() &&
         names.size() != static_cast<size_t>(shape.size())))
      return emitError(op->getLoc()) << kSignatureAttrName << ": malformed "
                                     << key << " entry " << element;
    tensors.push_back({name.str(), static_cast<int32_t>(dtype.getInt()),
                       std::vector<int64_t>(shape.asArrayRef().begin(),
                                            shape.asArrayRef().end()),
                       std::move(names)});
  }
  return success();
}

FailureOr<ModelSignature> bitnet::parseSignatureAttr(Operation *op,
                                                     Attribute attr) {
  auto dict = dyn_cast_or_null<DictionaryAttr>(attr);
  if (!dict)
    return emitError(op->getLoc())
           << "expected a dictionary " << kSignatureAttrName;
  ModelSignature signature;
  if (failed(parseTensors(op, dict, "inputs", signature.inputs)) ||
      failed(parseTensors(op, dict, "outputs", signature.outputs)))
    return failure();
  return signature;
}
