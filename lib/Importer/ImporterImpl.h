//===- ImporterImpl.h - the pieces of the ONNX importer ---------*- C++ -*-===//
//
// The importer runs in phases, one file each:
//   ModelLoader.cpp          file -> ModelProto; external-data files
//   GraphValidation.cpp      opsets, domains, ops, names, SSA, node order
//   OnnxChecks.cpp           libonnx's checker and shape inference
//   RankInference.cpp        ranks and known dims libonnx's inference leaves
//                            out (outputs of runtime-sized Slice, Range, ...)
//   SchemaRegistry.cpp       ONNX schemas, plus the opset 18-21 forms that
//                            libonnx 1.12 lacks
//   CustomDomainSchemas.cpp  schemas of bitnet.BitLinear and
//                            com.microsoft.MatMulNBits
//   TensorConversion.cpp     TypeProto / TensorProto -> MLIR types, elements
//   AttributeConversion.cpp  AttributeProto -> MLIR attributes
//   OpsetAdapters.cpp        older opset forms -> the form the dialect declares
//   GraphBuilder.cpp         GraphProto -> func.func @main_graph
// libonnx reports bad models by throwing; only OnnxChecks.cpp, ModelLoader.cpp
// and SchemaRegistry.cpp call into it where it may throw, and they catch.
//
//===----------------------------------------------------------------------===//
#ifndef BITNET_LIB_IMPORTER_IMPORTERIMPL_H
#define BITNET_LIB_IMPORTER_IMPORTERIMPL_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"

#include "onnx/defs/schema.h"
#include "onnx/onnx_pb.h"

#include <map>
#include <memory>
#include <string>
#include <unordered_map>

namespace mlir::bitnet::importer {

/// Opsets of the default domain the importer accepts, the oldest whose
/// forms it supports for every op (an older opset is accepted for the ops
/// that kept their form until opset 7, see OpsetAdapters.cpp), and the
/// newest one libonnx (Debian's 1.12) has schemas for.
inline constexpr int64_t kMinOpset = 1;
inline constexpr int64_t kOldestFullOpset = 7;
inline constexpr int64_t kMaxOpset = 21;
inline constexpr int64_t kMaxLibonnxOpset = 17;
/// IR versions the importer accepts: 3 (the first with opset imports) to 13
/// (ONNX 1.20); a newer one may change what fields mean.
inline constexpr int64_t kMinIrVersion = 3;
inline constexpr int64_t kMaxIrVersion = 13;

/// Emits an error whose message the caller has begun ("initializer 'w': ");
/// the callee appends what went wrong.
using ErrorEmitter = llvm::function_ref<InFlightDiagnostic()>;

/// The model being imported: its path, and the locations and diagnostics that
/// name it. Every diagnostic of the importer reads
///   `<path>:0:0: error: <what>` or
///   `<path>:0:0: error: node '<name>' (<OpType>): <what>`.
class ModelContext {
public:
  ModelContext(MLIRContext &context, llvm::StringRef path);

  MLIRContext *getContext() const { return context; }
  llvm::StringRef getPath() const { return path; }
  /// The directory external-data locations are relative to.
  llvm::StringRef getDirectory() const { return directory; }

  /// `<path>:0:0`.
  Location getFileLoc() const { return fileLoc; }
  /// `NameLoc(name, <path>:0:0)`: the location of a node, input or
  /// initializer.
  Location getNameLoc(llvm::StringRef name) const;

  /// A file-level error.
  InFlightDiagnostic emitError() const;
  /// An error at `node`, its message begun with "node '<name>' (<OpType>): ".
  InFlightDiagnostic emitError(const onnx::NodeProto &node) const;

  /// How diagnostics spell a node's operator: `MatMul`, or
  /// `com.microsoft.MatMulNBits` outside the default domain.
  static std::string describeOp(const onnx::NodeProto &node);

  /// Remembers that diagnostics at `loc` are about `node`, so that messages
  /// other code emits there (op verifiers) can be prefixed with the node.
  void recordNodeLoc(Location loc, const onnx::NodeProto &node);
  /// "node '<name>' (<OpType>): " for a location recorded above, else "".
  llvm::StringRef getNodePrefix(Location loc) const;

private:
  MLIRContext *context;
  std::string path;
  std::string directory;
  Location fileLoc;
  llvm::DenseMap<Location, std::string> nodePrefixes;
};

//===----------------------------------------------------------------------===//
// ModelLoader.cpp
//===----------------------------------------------------------------------===//

/// Reads a binary ModelProto, or the ONNX text syntax for `.onnxtext` files.
FailureOr<std::unique_ptr<onnx::ModelProto>>
loadModelFile(const ModelContext &model);

/// Bytes of a tensor stored outside the model, and the mapped file they lie
/// in (shared: a resource blob over the bytes keeps the mapping alive).
struct ExternalBytes {
  llvm::ArrayRef<char> bytes;
  std::shared_ptr<const llvm::MemoryBuffer> file;
};

/// The files holding tensors stored outside the model, each memory-mapped
/// once (read-only, so the pages are the page cache's: one copy however many
/// tensors share a file).
class ExternalDataFiles {
public:
  explicit ExternalDataFiles(const ModelContext &model) : model(model) {}

  /// The bytes of `tensor`, which has data_location EXTERNAL: `location`
  /// relative to the model's directory, `offset` and `length` (64-bit)
  /// honored.
  FailureOr<ExternalBytes> read(const onnx::TensorProto &tensor,
                                ErrorEmitter emitError);

private:
  const ModelContext &model;
  llvm::StringMap<std::shared_ptr<const llvm::MemoryBuffer>> files;
};

/// Moves the data of small integer initializers stored outside the model into
/// `raw_data`, where shape inference reads shape operands from.
LogicalResult loadShapeInitializers(onnx::GraphProto &graph,
                                    ExternalDataFiles &externalData,
                                    const ModelContext &model);

//===----------------------------------------------------------------------===//
// SchemaRegistry.cpp
//===----------------------------------------------------------------------===//

/// libonnx's operator schemas, plus the forms of opsets 18 to 21 that libonnx
/// 1.12 lacks for ops the onnx dialect has (Reduce* with an `axes` input,
/// Split with `num_outputs`, Cast/CastLike with `saturate`, Gelu). Opsets 18
/// to 21 otherwise resolve to the opset-17 schema. The checker and shape
/// inference use it in place of the global registry.
class SchemaRegistry final : public onnx::ISchemaRegistry {
public:
  /// Builds the extra schemas; libonnx reports a bad schema by throwing, so
  /// this returns null (after a diagnostic) instead.
  static std::unique_ptr<SchemaRegistry> create(const ModelContext &model);
  ~SchemaRegistry() override;

  const onnx::OpSchema *GetSchema(const std::string &op, int version,
                                  const std::string &domain) const override;

private:
  SchemaRegistry() = default;
  /// By op name; each list sorted by since-version.
  std::map<std::string, std::vector<std::unique_ptr<onnx::OpSchema>>,
           std::less<>>
      extraSchemas;
  /// Schemas of the custom domains, by "<domain>.<op>".
  std::map<std::string, std::unique_ptr<onnx::OpSchema>, std::less<>>
      customDomainSchemas;
};

//===----------------------------------------------------------------------===//
// CustomDomainSchemas.cpp
//===----------------------------------------------------------------------===//

/// The domains besides the default one whose nodes the importer accepts.
inline constexpr llvm::StringLiteral kBitnetOnnxDomain = "bitnet";
inline constexpr llvm::StringLiteral kMicrosoftOnnxDomain = "com.microsoft";

/// Schemas (with checking shape inference) of `bitnet.BitLinear` and
/// `com.microsoft.MatMulNBits`. Throws (libonnx) on a bad schema.
std::vector<std::unique_ptr<onnx::OpSchema>> makeCustomDomainSchemas();

//===----------------------------------------------------------------------===//
// GraphValidation.cpp
//===----------------------------------------------------------------------===//

/// Checks the model header: a graph, an IR version, one opset of the default
/// domain in [kMinOpset, kMaxOpset]; returns that opset. Normalizes the
/// domain spelling "ai.onnx" to "" and caps the IR version at libonnx's.
FailureOr<int64_t> checkModelHeader(onnx::ModelProto &proto,
                                    const ModelContext &model);

/// The op a node of an imported domain becomes ("onnx.MatMul"), or nothing
/// for nodes of other domains.
std::optional<std::string> getDialectOpName(const onnx::NodeProto &node);

/// Names unnamed nodes `<OpType>_<index>`, checks domains, ops (ONNX schema
/// and onnx dialect), single assignment of every name and that every input
/// has a producer, then sorts the nodes topologically (reporting a cycle).
LogicalResult checkAndSortGraph(onnx::GraphProto &graph, int64_t opset,
                                const SchemaRegistry &schemas,
                                const ModelContext &model);

//===----------------------------------------------------------------------===//
// OnnxChecks.cpp
//===----------------------------------------------------------------------===//

/// onnx::checker on the graph, with `schemas`.
LogicalResult runOnnxChecker(const onnx::ModelProto &proto,
                             const SchemaRegistry &schemas,
                             const ModelContext &model);

/// onnx::shape_inference::InferShapes with errors on, with `schemas`.
LogicalResult runShapeInference(onnx::ModelProto &proto,
                                const SchemaRegistry &schemas,
                                const ModelContext &model);

//===----------------------------------------------------------------------===//
// RankInference.cpp
//===----------------------------------------------------------------------===//

/// The values libonnx's data propagation computed for small integer tensors
/// (shape-like values), by value name.
using ShapeData = std::unordered_map<std::string, onnx::TensorShapeProto>;

/// Gives the outputs libonnx's shape inference left without a shape the rank
/// and the statically known dims their op's rule gives (unknown dims stay
/// dynamic); checks the rule against outputs that have a shape, reporting a
/// contradiction at the node. Constant axes, sizes and shapes come from
/// initializers, Constant nodes and `shapeData`. Returns whether any shape
/// was added.
FailureOr<bool> addInferredRanks(onnx::GraphProto &graph,
                                 const ShapeData &shapeData,
                                 const ModelContext &model);

//===----------------------------------------------------------------------===//
// TensorConversion.cpp
//===----------------------------------------------------------------------===//

/// The MLIR element type of an ONNX data type code; unsupported codes (string,
/// complex, float8, ...) are an error.
FailureOr<Type> convertElementType(MLIRContext *context, int32_t code,
                                   ErrorEmitter emitError);

/// A tensor type: `dim_value` dims are static, `dim_param` or missing ones
/// dynamic; no shape at all gives an unranked tensor.
FailureOr<Type> convertValueType(MLIRContext *context,
                                 const onnx::TypeProto &type,
                                 ErrorEmitter emitError);

/// A tensor's data as an elements attribute. Large tensors whose bytes are
/// in MLIR's layout (little-endian host; not bool, not the typed fields ONNX
/// widens) become dense_resource blobs (bitnet-mlir/Support/ConstantData.h);
/// external data stays in its mapped file, no copy. Everything else is a
/// DenseElementsAttr built from raw bytes where the layout allows.
FailureOr<ElementsAttr> convertTensor(MLIRContext *context,
                                      const onnx::TensorProto &tensor,
                                      ExternalDataFiles &externalData,
                                      ErrorEmitter emitError);

/// convertTensor for an initializer, whose large `raw_data` the blob takes
/// over instead of copying (the field is left empty).
FailureOr<ElementsAttr> convertInitializer(MLIRContext *context,
                                           onnx::TensorProto &tensor,
                                           ExternalDataFiles &externalData,
                                           ErrorEmitter emitError);

/// Checks the element type, dims and data size of every initializer (reading
/// external-data files) before libonnx or the builder touch their data.
LogicalResult checkInitializers(const onnx::GraphProto &graph,
                                ExternalDataFiles &externalData,
                                const ModelContext &model);

//===----------------------------------------------------------------------===//
// AttributeConversion.cpp
//===----------------------------------------------------------------------===//

/// INT -> i64 IntegerAttr, FLOAT -> f32 FloatAttr, INTS -> DenseI64ArrayAttr,
/// FLOATS -> DenseF32ArrayAttr, STRING -> StringAttr, TENSOR ->
/// DenseElementsAttr; other kinds (graphs, sparse tensors, ...) are errors.
FailureOr<Attribute> convertAttribute(MLIRContext *context,
                                      const onnx::AttributeProto &attribute,
                                      ExternalDataFiles &externalData,
                                      ErrorEmitter emitError);

/// The ONNX spelling of an attribute kind ("INTS", "GRAPH").
llvm::StringRef getAttributeKindName(int kind);

//===----------------------------------------------------------------------===//
// OpsetAdapters.cpp
//===----------------------------------------------------------------------===//

/// A node on its way to becoming an op.
struct NodeForm {
  const onnx::NodeProto &proto;
  /// The opset of the model.
  int64_t opset;
  /// The opset whose schema describes `operands` now: `opset` until an
  /// adapter rewrites the node into a newer form.
  int64_t formVersion;
  /// Node inputs; a missing optional input is the shared `onnx.NoValue`.
  llvm::SmallVector<Value> operands;
  NamedAttrList attributes;
};

/// What adapters may create: constants (at the builder's insertion point, at
/// the node's location) and the shared `none` value.
struct AdapterServices {
  OpBuilder &builder;
  Location loc;
  llvm::function_ref<Value()> getNoValue;
  llvm::function_ref<InFlightDiagnostic()> emitError;
};

/// Rewrites `node` from the form of its opset into the form the onnx dialect
/// declares (attributes that later opsets made inputs become constant
/// inputs, ...), or reports why it cannot.
LogicalResult adaptToDialectForm(NodeForm &node, AdapterServices &services);

//===----------------------------------------------------------------------===//
// GraphBuilder.cpp
//===----------------------------------------------------------------------===//

/// Builds the module with `func.func @main_graph` from a checked, sorted,
/// shape-inferred graph. Releases each initializer's data once converted.
OwningOpRef<ModuleOp> buildModule(onnx::GraphProto &graph, int64_t opset,
                                  const SchemaRegistry &schemas,
                                  ExternalDataFiles &externalData,
                                  ModelContext &model);

} // namespace mlir::bitnet::importer

#endif // BITNET_LIB_IMPORTER_IMPORTERIMPL_H
