//===- AttributeConversion.cpp - ONNX attributes -> MLIR ------------------===//
#include "ImporterImpl.h"

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::bitnet::importer;
using onnx::AttributeProto;

StringRef importer::getAttributeKindName(int kind) {
  if (!AttributeProto::AttributeType_IsValid(kind))
    return "UNKNOWN";
  return AttributeProto::AttributeType_Name(
      static_cast<AttributeProto::AttributeType>(kind));
}

FailureOr<Attribute> importer::convertAttribute(MLIRContext *context,
                                                const AttributeProto &attribute,
                                                ExternalDataFiles &externalData,
                                                ErrorEmitter emitError) {
  Builder builder(context);
  if (!attribute.ref_attr_name().empty()) {
    emitError() << "refers to the attribute '" << attribute.ref_attr_name()
                << "' of a model-local function, which is not supported";
    return failure();
  }
  switch (attribute.type()) {
  case AttributeProto::INT:
    return Attribute(builder.getI64IntegerAttr(attribute.i()));
  case AttributeProto::FLOAT:
    return Attribute(builder.getF32FloatAttr(attribute.f()));
  case AttributeProto::STRING:
    return Attribute(builder.getStringAttr(attribute.s()));
  case AttributeProto::INTS:
    return Attribute(builder.getDenseI64ArrayAttr(
        ArrayRef<int64_t>(attribute.ints().data(), attribute.ints().size())));
  case AttributeProto::FLOATS:
    return Attribute(builder.getDenseF32ArrayAttr(
        ArrayRef<float>(attribute.floats().data(), attribute.floats().size())));
  case AttributeProto::TENSOR: {
    FailureOr<ElementsAttr> elements =
        convertTensor(context, attribute.t(), externalData, emitError);
    if (failed(elements))
      return failure();
    return Attribute(*elements);
  }
  default:
    emitError() << "attributes of kind "
                << getAttributeKindName(attribute.type())
                << " are not supported";
    return failure();
  }
}
