//===- Importer.cpp - ONNX model -> onnx dialect --------------------------===//
//
// The driver of the importer's phases (see ImporterImpl.h) and the model
// context every diagnostic goes through.
//
//===----------------------------------------------------------------------===//
#include "bitnet-mlir/Importer/Importer.h"

#include "ImporterImpl.h"
#include "Onnx/OnnxDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::bitnet::importer;

//===----------------------------------------------------------------------===//
// ModelContext
//===----------------------------------------------------------------------===//

ModelContext::ModelContext(MLIRContext &context, StringRef path)
    : context(&context), path(path.str()),
      directory(llvm::sys::path::parent_path(path).str()),
      fileLoc(FileLineColLoc::get(&context, path, 0, 0)) {}

Location ModelContext::getNameLoc(StringRef name) const {
  return NameLoc::get(StringAttr::get(context, name), fileLoc);
}

InFlightDiagnostic ModelContext::emitError() const {
  return mlir::emitError(fileLoc);
}

InFlightDiagnostic ModelContext::emitError(const onnx::NodeProto &node) const {
  return mlir::emitError(getNameLoc(node.name()))
         << "node '" << node.name() << "' (" << describeOp(node) << "): ";
}

std::string ModelContext::describeOp(const onnx::NodeProto &node) {
  if (node.domain().empty() || node.domain() == "ai.onnx")
    return node.op_type();
  return node.domain() + "." + node.op_type();
}

void ModelContext::recordNodeLoc(Location loc, const onnx::NodeProto &node) {
  nodePrefixes.try_emplace(loc, "node '" + node.name() + "' (" +
                                    describeOp(node) + "): ");
}

StringRef ModelContext::getNodePrefix(Location loc) const {
  auto it = nodePrefixes.find(loc);
  return it == nodePrefixes.end() ? StringRef() : StringRef(it->second);
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

/// Runs the verifier; a message at a node's location (an op verifier's) is
/// re-emitted with the node's name and op type in front, since diagnostics
/// print only the file part of a location.
static LogicalResult verifyImportedModule(ModuleOp module,
                                          const ModelContext &model) {
  bool forwarding = false;
  ScopedDiagnosticHandler handler(
      model.getContext(), [&](Diagnostic &diag) -> LogicalResult {
        StringRef prefix = model.getNodePrefix(diag.getLocation());
        if (forwarding || prefix.empty())
          return failure();
        forwarding = true;
        {
          std::string message = (prefix + diag.str()).str();
          InFlightDiagnostic renamed =
              diag.getSeverity() == DiagnosticSeverity::Error
                  ? mlir::emitError(diag.getLocation(), message)
                  : mlir::emitWarning(diag.getLocation(), message);
          for (Diagnostic &note : diag.getNotes())
            renamed.attachNote(note.getLocation()) << note.str();
        }
        forwarding = false;
        return success();
      });
  return verify(module);
}

OwningOpRef<ModuleOp> bitnet::importOnnxFile(MLIRContext &context,
                                             StringRef path,
                                             const ImportOptions &options) {
  context.getOrLoadDialect<onnx_ir::OnnxDialect>();
  context.getOrLoadDialect<func::FuncDialect>();
  ModelContext model(context, path);
  TimingScope untimed;
  TimingScope &timing = options.timing ? *options.timing : untimed;

  TimingScope loadTiming = timing.nest("Load model");
  FailureOr<std::unique_ptr<onnx::ModelProto>> proto = loadModelFile(model);
  if (failed(proto))
    return nullptr;
  loadTiming.stop();
  TimingScope checkTiming = timing.nest("Check graph");
  FailureOr<int64_t> opset = checkModelHeader(**proto, model);
  if (failed(opset))
    return nullptr;
  std::unique_ptr<SchemaRegistry> schemas = SchemaRegistry::create(model);
  if (!schemas)
    return nullptr;

  onnx::GraphProto &graph = *(*proto)->mutable_graph();
  ExternalDataFiles externalData(model);
  if (failed(checkAndSortGraph(graph, *opset, *schemas, model)) ||
      failed(checkInitializers(graph, externalData, model)) ||
      failed(loadShapeInitializers(graph, externalData, model)) ||
      failed(runOnnxChecker(**proto, *schemas, model)))
    return nullptr;
  checkTiming.stop();
  if (options.shapeInference) {
    TimingScope inferenceTiming = timing.nest("Shape inference");
    if (failed(runShapeInference(**proto, *schemas, model)))
      return nullptr;
  }

  TimingScope buildTiming = timing.nest("Build module");
  OwningOpRef<ModuleOp> module =
      buildModule(graph, *opset, *schemas, externalData, model);
  if (!module || failed(verifyImportedModule(*module, model)))
    return nullptr;
  return module;
}
