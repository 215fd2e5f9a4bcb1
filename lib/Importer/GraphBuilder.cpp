//===- GraphBuilder.cpp - GraphProto -> func.func @main_graph -------------===//
//
// Every node becomes the op "onnx.<OpType>", built generically through an
// OperationState: operands in ONNX order, a missing optional input the one
// shared `onnx.NoValue`, a missing optional output a `none` result, ONNX
// attributes under their own names. Only the opset adapters know ops.
//
//===----------------------------------------------------------------------===//
#include "ImporterImpl.h"

#include "Onnx/OnnxDialect.h"
#include "bitnet-mlir/Importer/Importer.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::bitnet::importer;

namespace {
class GraphBuilder {
public:
  GraphBuilder(onnx::GraphProto &graph, int64_t opset,
               const SchemaRegistry &schemas, ExternalDataFiles &externalData,
               ModelContext &model)
      : graph(graph), opset(opset), schemas(schemas),
        externalData(externalData), model(model), builder(model.getContext()) {}

  OwningOpRef<ModuleOp> build();

private:
  LogicalResult addArguments(func::FuncOp func);
  LogicalResult addInitializers();
  LogicalResult addNode(const onnx::NodeProto &node);
  LogicalResult addReturn(func::FuncOp func);
  FailureOr<SmallVector<Type>> getResultTypes(const onnx::NodeProto &node,
                                              const onnx::OpSchema *schema);
  Value getNoValue();

  onnx::GraphProto &graph;
  int64_t opset;
  const SchemaRegistry &schemas;
  ExternalDataFiles &externalData;
  ModelContext &model;
  OpBuilder builder;
  Block *body = nullptr;
  /// The value of each ONNX name built so far.
  llvm::StringMap<Value> values;
  /// The ONNX type of each name: graph inputs and outputs, value_info.
  llvm::StringMap<const onnx::TypeProto *> valueTypes;
  llvm::StringSet<> initializerNames;
  Value noValue;
};
} // namespace

Value GraphBuilder::getNoValue() {
  if (!noValue) {
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(body);
    noValue = onnx_ir::NoValueOp::create(builder, model.getFileLoc(),
                                         builder.getNoneType());
  }
  return noValue;
}

/// The dim_param names of a tensor type as kOnnxDimParamsAttr, or null when
/// no dimension has one. ONNX shape inference names the dimensions it cannot
/// tell "unk__<n>": those name nothing the model declared and are dropped.
static ArrayAttr getDimParams(Builder &builder, const onnx::TypeProto &type) {
  if (!type.has_tensor_type() || !type.tensor_type().has_shape())
    return nullptr;
  SmallVector<Attribute> names;
  bool any = false;
  for (const onnx::TensorShapeProto_Dimension &dim :
       type.tensor_type().shape().dim()) {
    StringRef name = dim.has_dim_param() ? StringRef(dim.dim_param()) : "";
    if (name.starts_with("unk__"))
      name = "";
    any |= !name.empty();
    names.push_back(builder.getStringAttr(name));
  }
  return any ? builder.getArrayAttr(names) : nullptr;
}

LogicalResult GraphBuilder::addArguments(func::FuncOp func) {
  SmallVector<Type> types;
  SmallVector<StringRef> names;
  SmallVector<ArrayAttr> dimParams;
  for (const onnx::ValueInfoProto &input : graph.input()) {
    if (initializerNames.contains(input.name()))
      continue;
    FailureOr<Type> type =
        convertValueType(model.getContext(), input.type(), [&] {
          return model.emitError() << "graph input '" << input.name() << "': ";
        });
    if (failed(type))
      return failure();
    values[input.name()] =
        body->addArgument(*type, model.getNameLoc(input.name()));
    types.push_back(*type);
    names.push_back(input.name());
    dimParams.push_back(getDimParams(builder, input.type()));
  }
  func.setFunctionType(builder.getFunctionType(types, {}));
  for (auto [index, name] : llvm::enumerate(names)) {
    func.setArgAttr(index, kOnnxNameAttr, builder.getStringAttr(name));
    if (dimParams[index])
      func.setArgAttr(index, kOnnxDimParamsAttr, dimParams[index]);
  }
  return success();
}

LogicalResult GraphBuilder::addInitializers() {
  // Unused initializers are left out: their data is never converted.
  llvm::StringSet<> used;
  for (const onnx::NodeProto &node : graph.node())
    for (const std::string &input : node.input())
      used.insert(input);
  for (const onnx::ValueInfoProto &output : graph.output())
    used.insert(output.name());

  for (onnx::TensorProto &tensor : *graph.mutable_initializer()) {
    if (!used.contains(tensor.name()))
      continue;
    FailureOr<ElementsAttr> elements =
        convertInitializer(model.getContext(), tensor, externalData, [&] {
          return model.emitError() << "initializer '" << tensor.name() << "': ";
        });
    if (failed(elements))
      return failure();
    values[tensor.name()] =
        onnx_ir::ConstantOp::create(builder, model.getNameLoc(tensor.name()),
                                    elements->getType(), *elements);
    // The attribute holds a copy or has taken raw_data over; drop the rest.
    tensor.clear_raw_data();
    tensor.clear_float_data();
    tensor.clear_int32_data();
    tensor.clear_int64_data();
    tensor.clear_double_data();
    tensor.clear_uint64_data();
  }
  return success();
}

/// Pads `values` with `padding` to the schema's formal parameter count,
/// unless the last one is variadic.
template <typename T>
static void
padToFormals(SmallVectorImpl<T> &values,
             const std::vector<onnx::OpSchema::FormalParameter> &formals,
             llvm::function_ref<T()> padding) {
  if (formals.empty() || formals.back().GetOption() == onnx::OpSchema::Variadic)
    return;
  while (values.size() < formals.size())
    values.push_back(padding());
}

FailureOr<SmallVector<Type>>
GraphBuilder::getResultTypes(const onnx::NodeProto &node,
                             const onnx::OpSchema *schema) {
  SmallVector<Type> types;
  for (const std::string &output : node.output()) {
    if (output.empty()) {
      types.push_back(builder.getNoneType());
      continue;
    }
    auto it = valueTypes.find(output);
    if (it == valueTypes.end()) {
      model.emitError(node) << "output '" << output
                            << "' has no type: the model declares none and "
                               "shape inference inferred none";
      return failure();
    }
    FailureOr<Type> type =
        convertValueType(model.getContext(), *it->second, [&] {
          return model.emitError(node) << "output '" << output << "': ";
        });
    if (failed(type))
      return failure();
    types.push_back(*type);
  }
  if (schema)
    padToFormals<Type>(types, schema->outputs(),
                       [&] { return Type(builder.getNoneType()); });
  return types;
}

LogicalResult GraphBuilder::addNode(const onnx::NodeProto &node) {
  MLIRContext *context = model.getContext();
  Location loc = model.getNameLoc(node.name());
  model.recordNodeLoc(loc, node);
  auto emitNodeError = [&] { return model.emitError(node); };
  // Validation checked the domain and the op.
  std::string opName = *getDialectOpName(node);
  std::optional<RegisteredOperationName> registered =
      RegisteredOperationName::lookup(opName, context);
  if (!registered)
    return emitNodeError() << "the onnx dialect has no '" << opName << "'";

  NodeForm form{node, opset, opset, {}, {}};
  for (const std::string &input : node.input())
    form.operands.push_back(input.empty() ? getNoValue()
                                          : values.lookup(input));
  for (const onnx::AttributeProto &attribute : node.attribute()) {
    FailureOr<Attribute> value =
        convertAttribute(context, attribute, externalData, [&] {
          return emitNodeError() << "attribute '" << attribute.name() << "': ";
        });
    if (failed(value))
      return failure();
    form.attributes.set(attribute.name(), *value);
  }
  auto getShared = [&] { return getNoValue(); };
  AdapterServices services{builder, loc, getShared, emitNodeError};
  if (failed(adaptToDialectForm(form, services)))
    return failure();

  // An attribute the op does not declare would be ignored downstream.
  ArrayRef<StringAttr> known = registered->getAttributeNames();
  for (const NamedAttribute &attribute : form.attributes)
    if (!llvm::is_contained(known, attribute.getName()))
      return emitNodeError() << "attribute '" << attribute.getName().getValue()
                             << "' is not supported by " << opName;

  const onnx::OpSchema *schema =
      schemas.GetSchema(node.op_type(), form.formVersion, node.domain());
  if (schema)
    padToFormals<Value>(form.operands, schema->inputs(),
                        [&] { return getNoValue(); });
  FailureOr<SmallVector<Type>> resultTypes = getResultTypes(node, schema);
  if (failed(resultTypes))
    return failure();

  OperationState state(loc, *registered);
  state.addOperands(form.operands);
  state.addTypes(*resultTypes);
  state.addAttributes(form.attributes);
  Operation *op = builder.create(state);
  // Properties keep only attributes of the declared kind.
  for (const NamedAttribute &attribute : form.attributes)
    if (op->getInherentAttr(attribute.getName()) !=
        std::optional<Attribute>(attribute.getValue()))
      return emitNodeError() << "attribute '" << attribute.getName().getValue()
                             << "' has the wrong kind for " << opName << ": "
                             << attribute.getValue();

  for (auto [output, result] : llvm::zip(node.output(), op->getResults()))
    if (!output.empty())
      values[output] = result;
  return success();
}

LogicalResult GraphBuilder::addReturn(func::FuncOp func) {
  SmallVector<Value> results;
  for (const onnx::ValueInfoProto &output : graph.output())
    results.push_back(values.lookup(output.name()));
  func::ReturnOp::create(builder, model.getFileLoc(), results);
  func.setFunctionType(builder.getFunctionType(func.getArgumentTypes(),
                                               ValueRange(results).getTypes()));
  for (auto [index, output] : llvm::enumerate(graph.output())) {
    func.setResultAttr(index, kOnnxNameAttr,
                       builder.getStringAttr(output.name()));
    if (ArrayAttr dimParams = getDimParams(builder, output.type()))
      func.setResultAttr(index, kOnnxDimParamsAttr, dimParams);
  }
  return success();
}

OwningOpRef<ModuleOp> GraphBuilder::build() {
  for (const onnx::TensorProto &tensor : graph.initializer())
    initializerNames.insert(tensor.name());
  for (const onnx::ValueInfoProto &info : graph.input())
    valueTypes.try_emplace(info.name(), &info.type());
  for (const onnx::ValueInfoProto &info : graph.output())
    valueTypes.try_emplace(info.name(), &info.type());
  for (const onnx::ValueInfoProto &info : graph.value_info())
    valueTypes.try_emplace(info.name(), &info.type());

  OwningOpRef<ModuleOp> module = ModuleOp::create(model.getFileLoc());
  builder.setInsertionPointToEnd(module->getBody());
  auto func =
      func::FuncOp::create(builder, model.getFileLoc(), kEntryFunctionName,
                           builder.getFunctionType({}, {}));
  body = &func.getBody().emplaceBlock();
  if (failed(addArguments(func)))
    return nullptr;
  builder.setInsertionPointToEnd(body);
  if (failed(addInitializers()))
    return nullptr;
  for (const onnx::NodeProto &node : graph.node())
    if (failed(addNode(node)))
      return nullptr;
  if (failed(addReturn(func)))
    return nullptr;
  return module;
}

OwningOpRef<ModuleOp> importer::buildModule(onnx::GraphProto &graph,
                                            int64_t opset,
                                            const SchemaRegistry &schemas,
                                            ExternalDataFiles &externalData,
                                            ModelContext &model) {
  return GraphBuilder(graph, opset, schemas, externalData, model).build();
}
