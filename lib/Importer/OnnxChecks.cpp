//===- OnnxChecks.cpp - libonnx's checker and shape inference -------------===//
//
// Both throw on a bad model (checker::ValidationError, InferenceError, and
// whatever else libonnx or the standard library throw). Every call into them
// is wrapped here; their messages become importer diagnostics, at the node
// they name when they name one.
//
//===----------------------------------------------------------------------===//
#include "ImporterImpl.h"

#include "onnx/checker.h"
#include "onnx/shape_inference/implementation.h"

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::bitnet::importer;

static const onnx::NodeProto *findNode(const onnx::GraphProto &graph,
                                       StringRef name) {
  for (const onnx::NodeProto &node : graph.node())
    if (node.name() == name)
      return &node;
  return nullptr;
}

/// Drops libonnx's "[ShapeInferenceError] " style tags.
static StringRef stripErrorTags(StringRef message) {
  message = message.trim();
  while (message.starts_with("[")) {
    size_t close = message.find("] ");
    if (close == StringRef::npos)
      break;
    message = message.drop_front(close + 2).ltrim();
  }
  return message;
}

/// Emits one message of `what` (a phase name for file-level messages), at
/// the node it names if it is in the graph.
static InFlightDiagnostic emitAt(const onnx::NodeProto *node, StringRef what,
                                 const ModelContext &model) {
  if (node)
    return model.emitError(*node);
  return model.emitError() << what << ": ";
}

/// The checker's messages read "<what>\n\n==> Context: Bad node spec for
/// node. Name: <name> OpType: <op>".
static LogicalResult reportCheckerError(StringRef message,
                                        const onnx::GraphProto &graph,
                                        const ModelContext &model) {
  auto [text, context] = message.split("==> Context:");
  const onnx::NodeProto *node = nullptr;
  StringRef nodeMarker = "Bad node spec for node. Name: ";
  if (size_t at = context.find(nodeMarker); at != StringRef::npos) {
    StringRef name = context.drop_front(at + nodeMarker.size());
    name = name.take_front(name.rfind(" OpType: "));
    node = findNode(graph, name);
  }
  InFlightDiagnostic diag = emitAt(node, "invalid model", model);
  diag << stripErrorTags(text);
  if (!node && !context.trim().empty())
    diag << " (" << context.trim() << ")";
  return failure();
}

/// Shape inference joins its node errors as lines "(op_type:<op>, node name:
/// <name>): <what>" after a "Shape inference error(s): " header.
static LogicalResult reportInferenceError(StringRef message,
                                          const onnx::GraphProto &graph,
                                          const ModelContext &model) {
  StringRef header = "Shape inference error(s): ";
  if (size_t at = message.find(header); at != StringRef::npos)
    message = message.drop_front(at + header.size());
  SmallVector<StringRef> lines;
  message.split(lines, '\n', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  StringRef nodeMarker = "node name: ";
  for (StringRef line : lines) {
    line = stripErrorTags(line);
    const onnx::NodeProto *node = nullptr;
    if (line.starts_with("(op_type:")) {
      size_t nameAt = line.find(nodeMarker);
      size_t end = line.find("): ");
      if (nameAt != StringRef::npos && end != StringRef::npos && nameAt < end) {
        node = findNode(graph, line.slice(nameAt + nodeMarker.size(), end));
        line = line.drop_front(end + 3);
      }
    }
    emitAt(node, "shape inference", model) << stripErrorTags(line);
  }
  if (lines.empty())
    model.emitError() << "shape inference failed";
  return failure();
}

LogicalResult importer::runOnnxChecker(const onnx::ModelProto &proto,
                                       const SchemaRegistry &schemas,
                                       const ModelContext &model) {
  try {
    onnx::checker::CheckerContext context;
    context.set_ir_version(static_cast<int>(proto.ir_version()));
    std::unordered_map<std::string, int> opsets;
    for (const onnx::OperatorSetIdProto &import : proto.opset_import())
      opsets[import.domain()] = static_cast<int>(import.version());
    context.set_opset_imports(std::move(opsets));
    context.set_schema_registry(&schemas);
    // The checker looks for external-data files itself.
    context.set_model_dir(model.getDirectory().str());
    onnx::checker::LexicalScopeContext scope;
    onnx::checker::check_graph(proto.graph(), context, scope);
  } catch (const std::exception &error) {
    return reportCheckerError(error.what(), proto.graph(), model);
  } catch (...) {
    return model.emitError() << "invalid model: the ONNX checker failed";
  }
  return success();
}

/// The largest rank a shape operand may spell: libonnx's inference of
/// Expand, Reshape, ConstantOfShape and Tile builds one dimension per element
/// of a shape operand whose length it knows, so a declared [1000000000]
/// shape input would make it build a billion dims (a hang, then out of
/// memory). No real tensor has that rank.
static constexpr int64_t kMaxShapeOperandLength = 64;

/// Rejects a shape operand (Expand/Reshape input 1, ConstantOfShape input 0,
/// Tile repeats) whose declared 1-D length exceeds kMaxShapeOperandLength,
/// before libonnx's inference sees it.
static LogicalResult checkShapeOperandLengths(const onnx::GraphProto &graph,
                                              const ModelContext &model) {
  llvm::StringMap<int64_t> lengths;
  auto record = [&](const std::string &name, const onnx::TypeProto &type) {
    if (!type.has_tensor_type() || !type.tensor_type().has_shape())
      return;
    const onnx::TensorShapeProto &shape = type.tensor_type().shape();
    if (shape.dim_size() == 1 && shape.dim(0).has_dim_value())
      lengths[name] = shape.dim(0).dim_value();
  };
  for (const onnx::ValueInfoProto &value : graph.input())
    record(value.name(), value.type());
  for (const onnx::ValueInfoProto &value : graph.value_info())
    record(value.name(), value.type());
  for (const onnx::TensorProto &tensor : graph.initializer())
    if (tensor.dims_size() == 1)
      lengths[tensor.name()] = tensor.dims(0);
  for (const onnx::NodeProto &node : graph.node()) {
    if (!node.domain().empty() && node.domain() != "ai.onnx")
      continue;
    int operand = -1;
    if (node.op_type() == "Expand" || node.op_type() == "Reshape" ||
        node.op_type() == "Tile")
      operand = 1;
    else if (node.op_type() == "ConstantOfShape")
      operand = 0;
    if (operand < 0 || node.input_size() <= operand)
      continue;
    auto it = lengths.find(node.input(operand));
    if (it == lengths.end() || it->second <= kMaxShapeOperandLength)
      continue;
    return model.emitError(node)
           << "input '" << node.input(operand) << "' spells a shape of "
           << it->second << " dimensions; at most " << kMaxShapeOperandLength
           << " are supported";
  }
  return success();
}

LogicalResult importer::runShapeInference(onnx::ModelProto &proto,
                                          const SchemaRegistry &schemas,
                                          const ModelContext &model) {
  if (failed(checkShapeOperandLengths(proto.graph(), model)))
    return failure();
  try {
    onnx::ShapeInferenceOptions options(/*check_type_val=*/true,
                                        /*strict_mode_val=*/1,
                                        /*data_prop_val=*/true);
    // Our rank rules (RankInference.cpp) type what libonnx left unranked;
    // libonnx then refines from there. Each round adds at least one shape,
    // so the node count bounds the rounds.
    for (int round = 0, e = proto.graph().node_size(); round <= e; ++round) {
      ShapeData shapeData;
      onnx::shape_inference::InferShapes(proto, &schemas, options, &shapeData);
      FailureOr<bool> added =
          addInferredRanks(*proto.mutable_graph(), shapeData, model);
      if (failed(added))
        return failure();
      if (!*added)
        break;
    }
  } catch (const std::exception &error) {
    return reportInferenceError(error.what(), proto.graph(), model);
  } catch (...) {
    return model.emitError() << "shape inference failed";
  }
  return success();
}
