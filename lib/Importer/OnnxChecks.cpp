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

/// The ValueInfo of value `name` in `graph` (an output, else an inferred
/// value), or null.
static onnx::ValueInfoProto *findValueInfo(onnx::GraphProto &graph,
                                           const std::string &name) {
  for (auto *infos : {graph.mutable_output(), graph.mutable_value_info()})
    for (onnx::ValueInfoProto &info : *infos)
      if (info.name() == name)
        return &info;
  return nullptr;
}

/// Element type and rank of value `name` of `graph` (a typed value with a
/// shape, or an initializer), if known.
static std::optional<std::pair<int32_t, int>>
findElementTypeAndRank(const onnx::GraphProto &graph, const std::string &name) {
  for (const auto *infos :
       {&graph.input(), &graph.value_info(), &graph.output()})
    for (const onnx::ValueInfoProto &info : *infos)
      if (info.name() == name && info.type().has_tensor_type() &&
          info.type().tensor_type().has_shape())
        return std::make_pair(info.type().tensor_type().elem_type(),
                              info.type().tensor_type().shape().dim_size());
  for (const onnx::TensorProto &init : graph.initializer())
    if (init.name() == name)
      return std::make_pair(init.data_type(), init.dims_size());
  return std::nullopt;
}

/// Types the outputs of Slice nodes that shape inference left untyped.
///
/// libonnx (1.12) infers nothing for a Slice whose starts/ends are computed
/// at run time (a rotary table sliced to the sequence length of a dynamic
/// export: `table[:S]` with S from Shape/Gather), and everything computed
/// from it stays untyped too. Slice keeps its input's rank by definition, so
/// the output gets the data's element type and rank with unknown dims; the
/// caller reruns inference from there. Returns whether anything was added.
static bool addSliceRanks(onnx::GraphProto &graph) {
  bool added = false;
  for (const onnx::NodeProto &node : graph.node()) {
    if (node.op_type() != "Slice" || !node.domain().empty() ||
        node.input_size() < 1 || node.output_size() < 1 ||
        node.output(0).empty())
      continue;
    onnx::ValueInfoProto *info = findValueInfo(graph, node.output(0));
    if (info && info->type().has_tensor_type() &&
        info->type().tensor_type().has_shape())
      continue;
    std::optional<std::pair<int32_t, int>> data =
        findElementTypeAndRank(graph, node.input(0));
    if (!data)
      continue;
    if (!info) {
      info = graph.add_value_info();
      info->set_name(node.output(0));
    }
    onnx::TypeProto_Tensor *tensor = info->mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(data->first);
    onnx::TensorShapeProto *shape = tensor->mutable_shape();
    for (int i = 0; i < data->second; ++i)
      shape->add_dim();
    added = true;
  }
  return added;
}

LogicalResult importer::runShapeInference(onnx::ModelProto &proto,
                                          const SchemaRegistry &schemas,
                                          const ModelContext &model) {
  try {
    onnx::ShapeInferenceOptions options(/*check_type_val=*/true,
                                        /*strict_mode_val=*/1,
                                        /*data_prop_val=*/true);
    // Each round types at least one more Slice, so the node count bounds it.
    for (int round = 0, e = proto.graph().node_size(); round <= e; ++round) {
      std::unordered_map<std::string, onnx::TensorShapeProto> shapeData;
      onnx::shape_inference::InferShapes(proto, &schemas, options, &shapeData);
      if (!addSliceRanks(*proto.mutable_graph()))
        break;
    }
  } catch (const std::exception &error) {
    return reportInferenceError(error.what(), proto.graph(), model);
  } catch (...) {
    return model.emitError() << "shape inference failed";
  }
  return success();
}
