//===- OpsetAdapters.cpp - older opset forms -> the dialect's form --------===//
//
// The onnx dialect declares each op in one form (see OnnxOps.td); older
// opsets spell some of them differently. Most differences are an attribute
// that a later opset turned into an input: kAttributesToInputs lists them,
// and the node gets a constant input in place of the attribute. The rest
// (Constant's scalar forms, Softmax before 13) have a function each.
//
//===----------------------------------------------------------------------===//
#include "ImporterImpl.h"

#include "Onnx/OnnxDialect.h"

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::bitnet::importer;

namespace {
/// The constant an attribute becomes.
enum class InputKind {
  /// INTS -> tensor<N x i64>.
  I64Vector,
  /// FLOAT -> a scalar of the element type of input 0.
  ScalarLikeInput,
  /// FLOAT -> tensor<f32>.
  ScalarF32,
};

/// An attribute that opset `since` made input `inputIndex`.
struct AttributeToInput {
  llvm::StringLiteral op;
  int64_t since;
  llvm::StringLiteral attribute;
  unsigned inputIndex;
  InputKind kind;
};
} // namespace

static constexpr AttributeToInput kAttributesToInputs[] = {
    {"ReduceSum", 13, "axes", 1, InputKind::I64Vector},
    {"ReduceMean", 18, "axes", 1, InputKind::I64Vector},
    {"ReduceMax", 18, "axes", 1, InputKind::I64Vector},
    {"ReduceMin", 18, "axes", 1, InputKind::I64Vector},
    {"ReduceProd", 18, "axes", 1, InputKind::I64Vector},
    {"Squeeze", 13, "axes", 1, InputKind::I64Vector},
    {"Unsqueeze", 13, "axes", 1, InputKind::I64Vector},
    {"Split", 13, "split", 1, InputKind::I64Vector},
    {"Slice", 10, "starts", 1, InputKind::I64Vector},
    {"Slice", 10, "ends", 2, InputKind::I64Vector},
    {"Slice", 10, "axes", 3, InputKind::I64Vector},
    {"Clip", 11, "min", 1, InputKind::ScalarLikeInput},
    {"Clip", 11, "max", 2, InputKind::ScalarLikeInput},
    {"Dropout", 12, "ratio", 1, InputKind::ScalarF32},
};

/// The elements attribute `value` (an attribute of kind `kind`) becomes.
static FailureOr<DenseElementsAttr>
getInputElements(const AttributeToInput &entry, Attribute value, NodeForm &node,
                 AdapterServices &services) {
  auto emitKindError = [&](StringRef expected) {
    return services.emitError()
           << "attribute '" << entry.attribute << "' must be " << expected;
  };
  if (entry.kind == InputKind::I64Vector) {
    auto ints = dyn_cast<DenseI64ArrayAttr>(value);
    if (!ints)
      return emitKindError("INTS");
    auto type =
        RankedTensorType::get({ints.size()}, services.builder.getI64Type());
    return DenseElementsAttr::get(type, ints.asArrayRef());
  }
  auto scalar = dyn_cast<FloatAttr>(value);
  if (!scalar)
    return emitKindError("a FLOAT");
  Type elementType = services.builder.getF32Type();
  if (entry.kind == InputKind::ScalarLikeInput) {
    auto inputType = dyn_cast<ShapedType>(node.operands.front().getType());
    elementType = inputType ? inputType.getElementType() : Type();
    if (!isa_and_nonnull<FloatType>(elementType))
      return services.emitError()
             << "attribute '" << entry.attribute
             << "' needs a floating-point input, got " << inputType;
  }
  auto type = RankedTensorType::get({}, elementType);
  return DenseElementsAttr::get(
      type, FloatAttr::get(elementType, scalar.getValueAsDouble()));
}

static LogicalResult moveAttributesToInputs(NodeForm &node,
                                            AdapterServices &services) {
  for (const AttributeToInput &entry : kAttributesToInputs) {
    if (entry.op != node.proto.op_type() || node.opset >= entry.since)
      continue;
    node.formVersion = std::max(node.formVersion, entry.since);
    std::optional<NamedAttribute> attribute =
        node.attributes.getNamed(entry.attribute);
    if (!attribute)
      continue;
    FailureOr<DenseElementsAttr> elements =
        getInputElements(entry, attribute->getValue(), node, services);
    if (failed(elements))
      return failure();
    node.attributes.erase(entry.attribute);
    // Inputs skipped on the way stay null until all entries are applied.
    if (node.operands.size() <= entry.inputIndex)
      node.operands.resize(entry.inputIndex + 1);
    node.operands[entry.inputIndex] = onnx_ir::ConstantOp::create(
        services.builder, services.loc, elements->getType(), *elements);
  }
  for (Value &operand : node.operands)
    if (!operand)
      operand = services.getNoValue();
  return success();
}

/// Constant's value_float, value_floats, value_int and value_ints become
/// `value`; the string and sparse forms stay, and are rejected as attributes
/// onnx.Constant does not have.
static LogicalResult adaptConstant(NodeForm &node, AdapterServices &services) {
  Builder &b = services.builder;
  if (Attribute attr = node.attributes.erase("value_float")) {
    if (!isa<FloatAttr>(attr))
      return services.emitError()
             << "attribute 'value_float' must be a FLOAT, got " << attr;
    node.attributes.set("value",
                        DenseElementsAttr::get(
                            RankedTensorType::get({}, b.getF32Type()), attr));
  }
  if (Attribute attr = node.attributes.erase("value_int")) {
    if (!isa<IntegerAttr>(attr))
      return services.emitError()
             << "attribute 'value_int' must be an INT, got " << attr;
    node.attributes.set("value",
                        DenseElementsAttr::get(
                            RankedTensorType::get({}, b.getI64Type()), attr));
  }
  if (Attribute attr = node.attributes.erase("value_floats")) {
    auto floats = dyn_cast<DenseF32ArrayAttr>(attr);
    if (!floats)
      return services.emitError()
             << "attribute 'value_floats' must be FLOATS, got " << attr;
    node.attributes.set(
        "value", DenseElementsAttr::get(
                     RankedTensorType::get({floats.size()}, b.getF32Type()),
                     floats.asArrayRef()));
  }
  if (Attribute attr = node.attributes.erase("value_ints")) {
    auto ints = dyn_cast<DenseI64ArrayAttr>(attr);
    if (!ints)
      return services.emitError()
             << "attribute 'value_ints' must be INTS, got " << attr;
    node.attributes.set(
        "value", DenseElementsAttr::get(
                     RankedTensorType::get({ints.size()}, b.getI64Type()),
                     ints.asArrayRef()));
  }
  return success();
}

/// Softmax and LogSoftmax before opset 13 flatten the input to 2-D at `axis`
/// (default 1) and normalize each row; that is the opset-13 op exactly when
/// `axis` is the last dimension.
static LogicalResult adaptSoftmax(NodeForm &node, AdapterServices &services) {
  if (node.opset >= 13)
    return success();
  int64_t axis = 1;
  if (auto attr = dyn_cast_or_null<IntegerAttr>(node.attributes.get("axis")))
    axis = attr.getInt();
  auto inputType = dyn_cast<RankedTensorType>(node.operands.front().getType());
  if (!inputType || inputType.getRank() == 0 ||
      (axis != -1 && axis != inputType.getRank() - 1))
    return services.emitError()
           << "opset " << node.opset << " " << node.proto.op_type()
           << " flattens its input to 2-D at axis " << axis
           << " (semantics before opset 13); only an axis that is the last "
              "dimension of a ranked input is supported, got input type "
           << node.operands.front().getType();
  node.attributes.set("axis", services.builder.getI64IntegerAttr(-1));
  node.formVersion = 13;
  return success();
}

/// Before opset 7 many ops had other forms (Add-6's `broadcast` and `axis`,
/// ...). A node of such an opset imports when its op's schema there is still
/// the one of opset 7 (Not-1, Relu-6, ...): then it means the same.
static LogicalResult checkPreOpset7Form(NodeForm &node,
                                        AdapterServices &services) {
  if (node.opset >= kOldestFullOpset)
    return success();
  const std::string &op = node.proto.op_type();
  const onnx::OpSchema *schema =
      onnx::OpSchemaRegistry::Schema(op, static_cast<int>(node.opset), "");
  const onnx::OpSchema *opset7 =
      onnx::OpSchemaRegistry::Schema(op, kOldestFullOpset, "");
  if (schema && opset7 && schema->SinceVersion() == opset7->SinceVersion())
    return success();
  InFlightDiagnostic diag = services.emitError();
  diag << "opset " << node.opset << " " << op;
  if (schema)
    diag << " has its opset-" << schema->SinceVersion() << " form";
  return diag << ", which opset " << kOldestFullOpset
              << " changed; before opset " << kOldestFullOpset
              << " only ops with their opset-" << kOldestFullOpset
              << " form are supported (re-export the model with opset >= "
              << kOldestFullOpset << ")";
}

LogicalResult importer::adaptToDialectForm(NodeForm &node,
                                           AdapterServices &services) {
  if (failed(checkPreOpset7Form(node, services)))
    return failure();
  if (failed(moveAttributesToInputs(node, services)))
    return failure();
  StringRef op = node.proto.op_type();
  if (op == "Constant")
    return adaptConstant(node, services);
  if (op == "Softmax" || op == "LogSoftmax")
    return adaptSoftmax(node, services);
  return success();
}
