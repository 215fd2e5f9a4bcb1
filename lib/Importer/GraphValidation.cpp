//===- GraphValidation.cpp - what the importer checks itself --------------===//
//
// libonnx's checker wants nodes in topological order and words its messages
// for ONNX developers; these checks come first, accept any node order, and
// name the node, op and value at fault.
//
//===----------------------------------------------------------------------===//
#include "ImporterImpl.h"

#include "mlir/IR/OperationSupport.h"

#include <queue>

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::bitnet::importer;

//===----------------------------------------------------------------------===//
// Domains and ops
//===----------------------------------------------------------------------===//

namespace {
/// A domain whose nodes become ops of a dialect. The custom domains' ops are
/// named `onnx.<domain>.<op>` (`onnx.bitnet.BitLinear`).
struct ImportedDomain {
  llvm::StringLiteral onnxDomain;
  llvm::StringLiteral opNamePrefix;
};
} // namespace

static constexpr ImportedDomain kImportedDomains[] = {
    {"", "onnx."},
    {kBitnetOnnxDomain, "onnx.bitnet."},
    {kMicrosoftOnnxDomain, "onnx.com.microsoft."},
};

std::optional<std::string>
importer::getDialectOpName(const onnx::NodeProto &node) {
  for (const ImportedDomain &domain : kImportedDomains)
    if (node.domain() == domain.onnxDomain.str())
      return (domain.opNamePrefix + node.op_type()).str();
  return std::nullopt;
}

/// The first opset at or below kMaxOpset that has `op`, if any.
static std::optional<int64_t>
getIntroducingOpset(const std::string &op, const SchemaRegistry &schemas) {
  for (int64_t version = 1; version <= kMaxOpset; ++version)
    if (schemas.GetSchema(op, version, ""))
      return version;
  return std::nullopt;
}

/// Checks that `node` names an op of an imported domain that exists in
/// `opset` and in the dialect.
static LogicalResult checkOp(const onnx::NodeProto &node, int64_t opset,
                             const SchemaRegistry &schemas,
                             const ModelContext &model) {
  if (node.op_type().empty())
    return model.emitError(node) << "the node has no op_type";
  std::optional<std::string> opName = getDialectOpName(node);
  if (!opName)
    return model.emitError(node)
           << "unsupported domain '" << node.domain() << "'";
  const onnx::OpSchema *schema =
      schemas.GetSchema(node.op_type(), opset, node.domain());
  if (!schema && !node.domain().empty())
    return model.emitError(node)
           << "unsupported op '" << node.op_type() << "' of domain '"
           << node.domain() << "'";
  if (!schema) {
    if (std::optional<int64_t> since =
            getIntroducingOpset(node.op_type(), schemas))
      return model.emitError(node)
             << "op '" << node.op_type() << "' needs opset " << *since
             << " or later, but the model imports opset " << opset;
    return model.emitError(node)
           << "unknown op '" << node.op_type() << "' in opset " << opset;
  }
  if (schema->Deprecated())
    return model.emitError(node)
           << "op '" << node.op_type() << "' is deprecated in opset " << opset;
  if (!RegisteredOperationName::lookup(*opName, model.getContext()))
    return model.emitError(node)
           << "op '" << node.op_type() << "' (opset " << opset
           << ") is not supported: the onnx dialect has no '" << *opName << "'";
  return success();
}

//===----------------------------------------------------------------------===//
// Model header
//===----------------------------------------------------------------------===//

FailureOr<int64_t> importer::checkModelHeader(onnx::ModelProto &proto,
                                              const ModelContext &model) {
  if (!proto.has_graph()) {
    model.emitError() << "the model has no graph";
    return failure();
  }
  if (proto.ir_version() < kMinIrVersion) {
    model.emitError() << "IR version " << proto.ir_version()
                      << " is not supported: opset imports need IR version "
                      << kMinIrVersion << " or later";
    return failure();
  }
  if (proto.ir_version() > kMaxIrVersion) {
    model.emitError() << "IR version " << proto.ir_version()
                      << " is not supported: the newest this importer knows "
                         "is "
                      << kMaxIrVersion;
    return failure();
  }
  // Newer IR versions add types and fields the importer rejects anyway; the
  // checker of libonnx 1.12 would reject the version itself.
  proto.set_ir_version(std::min<int64_t>(proto.ir_version(), onnx::IR_VERSION));

  std::optional<int64_t> opset;
  for (onnx::OperatorSetIdProto &import : *proto.mutable_opset_import()) {
    if (import.domain() == "ai.onnx")
      import.set_domain("");
    if (!import.domain().empty())
      continue;
    if (opset && *opset != import.version()) {
      model.emitError() << "the model imports the default ONNX domain twice, "
                           "as opsets "
                        << *opset << " and " << import.version();
      return failure();
    }
    opset = import.version();
  }
  if (!opset) {
    model.emitError() << "the model does not import the default ONNX domain "
                         "(no opset_import for domain '')";
    return failure();
  }
  if (*opset < kMinOpset || *opset > kMaxOpset) {
    model.emitError() << "unsupported opset " << *opset
                      << " of the default ONNX domain; supported are opsets "
                      << kMinOpset << " to " << kMaxOpset;
    return failure();
  }
  return *opset;
}

//===----------------------------------------------------------------------===//
// Names and order
//===----------------------------------------------------------------------===//

namespace {
/// Producers of a name other than nodes (which are their index).
enum : int { kGraphInput = -1, kInitializer = -2 };
} // namespace

static std::string describeProducer(int producer,
                                    const onnx::GraphProto &graph) {
  if (producer == kGraphInput)
    return "a graph input";
  if (producer == kInitializer)
    return "an initializer";
  return "the output of node '" + graph.node(producer).name() + "'";
}

/// Maps every name to what defines it; each name is defined once.
static LogicalResult collectProducers(const onnx::GraphProto &graph,
                                      llvm::StringMap<int> &producers,
                                      const ModelContext &model) {
  for (const onnx::TensorProto &tensor : graph.initializer()) {
    if (tensor.name().empty())
      return model.emitError() << "an initializer has no name";
    if (!producers.try_emplace(tensor.name(), kInitializer).second)
      return model.emitError()
             << "initializer '" << tensor.name() << "' is defined twice";
  }
  for (const onnx::ValueInfoProto &input : graph.input()) {
    if (input.name().empty())
      return model.emitError() << "a graph input has no name";
    // An input with an initializer of the same name is that constant.
    auto [it, inserted] = producers.try_emplace(input.name(), kGraphInput);
    if (!inserted && it->second == kGraphInput)
      return model.emitError()
             << "graph input '" << input.name() << "' is declared twice";
  }
  for (int index = 0, e = graph.node_size(); index < e; ++index) {
    const onnx::NodeProto &node = graph.node(index);
    for (const std::string &output : node.output()) {
      if (output.empty())
        continue;
      auto [it, inserted] = producers.try_emplace(output, index);
      if (!inserted)
        return model.emitError(node) << "output '" << output << "' is already "
                                     << describeProducer(it->second, graph);
    }
  }
  return success();
}

/// Checks that every node input and graph output has a producer.
static LogicalResult checkUses(const onnx::GraphProto &graph,
                               const llvm::StringMap<int> &producers,
                               const ModelContext &model) {
  for (const onnx::NodeProto &node : graph.node())
    for (const std::string &input : node.input())
      if (!input.empty() && !producers.count(input))
        return model.emitError(node)
               << "input '" << input
               << "' is not a graph input, an initializer or the output of "
                  "any node";
  for (const onnx::ValueInfoProto &output : graph.output()) {
    if (output.name().empty())
      return model.emitError() << "a graph output has no name";
    if (!producers.count(output.name()))
      return model.emitError()
             << "graph output '" << output.name()
             << "' is not a graph input, an initializer or the output of any "
                "node";
  }
  return success();
}

/// Checks what the checker reports without naming the value: graph inputs
/// and outputs need a type, and no declared dim is negative.
static LogicalResult checkDeclaredTypes(const onnx::GraphProto &graph,
                                        const ModelContext &model) {
  auto check = [&](const onnx::ValueInfoProto &info,
                   StringRef kind) -> LogicalResult {
    if (!info.has_type() && kind != "value")
      return model.emitError()
             << kind << " '" << info.name() << "' has no type";
    if (!info.type().has_tensor_type())
      return success();
    for (const onnx::TensorShapeProto::Dimension &dim :
         info.type().tensor_type().shape().dim())
      if (dim.has_dim_value() && dim.dim_value() < 0)
        return model.emitError()
               << kind << " '" << info.name() << "' has a negative dimension "
               << dim.dim_value();
    return success();
  };
  for (const onnx::ValueInfoProto &info : graph.input())
    if (failed(check(info, "graph input")))
      return failure();
  for (const onnx::ValueInfoProto &info : graph.output())
    if (failed(check(info, "graph output")))
      return failure();
  for (const onnx::ValueInfoProto &info : graph.value_info())
    if (failed(check(info, "value")))
      return failure();
  return success();
}

/// Reports a cycle among the nodes `scheduled` leaves out: walking from one
/// of them to an unscheduled producer always finds one, and ends in a cycle.
static LogicalResult reportCycle(const onnx::GraphProto &graph,
                                 const llvm::StringMap<int> &producers,
                                 ArrayRef<bool> scheduled,
                                 const ModelContext &model) {
  int current =
      std::find(scheduled.begin(), scheduled.end(), false) - scheduled.begin();
  SmallVector<int> path;
  llvm::DenseMap<int, size_t> positions;
  while (positions.try_emplace(current, path.size()).second) {
    path.push_back(current);
    for (const std::string &input : graph.node(current).input()) {
      auto it = producers.find(input);
      if (it != producers.end() && it->second >= 0 && !scheduled[it->second]) {
        current = it->second;
        break;
      }
    }
  }
  // path[positions[current]..] walks the cycle against the data flow.
  SmallVector<int> cycle(path.begin() + positions[current], path.end());
  std::reverse(cycle.begin(), cycle.end());
  cycle.push_back(cycle.front());
  InFlightDiagnostic diag = model.emitError(graph.node(cycle.front()));
  diag << "the graph has a cycle: ";
  llvm::interleave(
      cycle, diag,
      [&](int node) { diag << "'" << graph.node(node).name() << "'"; }, " -> ");
  return failure();
}

/// Kahn's algorithm, taking ready nodes in their original order.
static LogicalResult sortNodes(onnx::GraphProto &graph,
                               const llvm::StringMap<int> &producers,
                               const ModelContext &model) {
  int numNodes = graph.node_size();
  std::vector<SmallVector<int, 2>> users(numNodes);
  std::vector<int> pendingInputs(numNodes, 0);
  for (int index = 0; index < numNodes; ++index)
    for (const std::string &input : graph.node(index).input()) {
      auto it = producers.find(input);
      if (it == producers.end() || it->second < 0)
        continue;
      users[it->second].push_back(index);
      ++pendingInputs[index];
    }

  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int index = 0; index < numNodes; ++index)
    if (pendingInputs[index] == 0)
      ready.push(index);
  std::vector<int> order;
  order.reserve(numNodes);
  SmallVector<bool> scheduled(numNodes, false);
  while (!ready.empty()) {
    int index = ready.top();
    ready.pop();
    order.push_back(index);
    scheduled[index] = true;
    for (int user : users[index])
      if (--pendingInputs[user] == 0)
        ready.push(user);
  }
  if (static_cast<int>(order.size()) != numNodes)
    return reportCycle(graph, producers, scheduled, model);

  bool sorted = true;
  for (int index = 0; index < numNodes; ++index)
    sorted &= order[index] == index;
  if (sorted)
    return success();
  std::vector<onnx::NodeProto *> nodes(numNodes);
  graph.mutable_node()->ExtractSubrange(0, numNodes, nodes.data());
  for (int index : order)
    graph.mutable_node()->AddAllocated(nodes[index]);
  return success();
}

LogicalResult importer::checkAndSortGraph(onnx::GraphProto &graph,
                                          int64_t opset,
                                          const SchemaRegistry &schemas,
                                          const ModelContext &model) {
  for (int index = 0, e = graph.node_size(); index < e; ++index) {
    onnx::NodeProto &node = *graph.mutable_node(index);
    if (node.name().empty())
      node.set_name(node.op_type() + "_" + std::to_string(index));
    if (node.domain() == "ai.onnx")
      node.set_domain("");
    if (failed(checkOp(node, opset, schemas, model)))
      return failure();
  }
  if (graph.sparse_initializer_size() != 0)
    return model.emitError() << "sparse initializer '"
                             << graph.sparse_initializer(0).values().name()
                             << "' is not supported";

  llvm::StringMap<int> producers;
  if (failed(checkDeclaredTypes(graph, model)) ||
      failed(collectProducers(graph, producers, model)) ||
      failed(checkUses(graph, producers, model)))
    return failure();
  return sortNodes(graph, producers, model);
}
