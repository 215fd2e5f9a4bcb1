//===- SchemaRegistry.cpp - ONNX schemas up to opset 21 -------------------===//
//
// Debian's libonnx 1.12 knows the default domain up to opset 17. Opsets 18 to
// 21 changed few ops the onnx dialect has, and those changes are the forms
// our ODS declares: Reduce* take `axes` as an input (18), Split takes
// `num_outputs` (18), Cast and CastLike take `saturate` (19), Gelu exists
// and ConstantOfShape takes bfloat16 (20), DequantizeLinear takes float16
// scales (19) and blocks (21). This registry adds those schemas
// and answers every other lookup of an opset above 17 with libonnx's
// opset-17 schema, so the checker and shape inference understand opset
// 18-21 models.
//
//===----------------------------------------------------------------------===//
#include "ImporterImpl.h"

#include "onnx/defs/shape_inference.h"

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::bitnet::importer;
using onnx::AttributeProto;
using onnx::OpSchema;

/// libonnx's schema of `op` at `version`, which must exist.
static const OpSchema &getLibonnxSchema(const char *op, int version) {
  const OpSchema *schema = onnx::OpSchemaRegistry::Schema(op, version, "");
  if (!schema)
    throw std::runtime_error(std::string("libonnx has no schema for ") + op);
  return *schema;
}

/// Copies the type constraint `param` of `from` into `to`.
static void copyTypeConstraint(const OpSchema &from, const char *param,
                               OpSchema &to) {
  for (const OpSchema::TypeConstraintParam &constraint :
       from.typeConstraintParams())
    if (constraint.type_param_str == param)
      to.TypeConstraint(constraint.type_param_str, constraint.allowed_type_strs,
                        constraint.description);
}

static std::unique_ptr<OpSchema> newSchema(const char *op, int version) {
  auto schema = std::make_unique<OpSchema>();
  schema->SetName(op).SetDomain("").SinceVersion(version);
  return schema;
}

/// Reduce*-18: ReduceSum-13's signature and shape inference (axes as an
/// optional input), the op's own element types.
static std::unique_ptr<OpSchema> makeReduce18(const char *op) {
  const OpSchema &older = getLibonnxSchema(op, kMaxLibonnxOpset);
  std::unique_ptr<OpSchema> schema = newSchema(op, 18);
  schema->Input(0, "data", "", "T")
      .Input(1, "axes", "", "tensor(int64)", OpSchema::Optional)
      .Output(0, "reduced", "", "T")
      .Attr("keepdims", "", AttributeProto::INT, static_cast<int64_t>(1))
      .Attr("noop_with_empty_axes", "", AttributeProto::INT,
            static_cast<int64_t>(0))
      .TypeAndShapeInferenceFunction(
          getLibonnxSchema("ReduceSum", 13).GetTypeAndShapeInferenceFunction());
  copyTypeConstraint(older, "T", *schema);
  schema->Finalize();
  return schema;
}

/// Split-18 with `num_outputs`: chunks of ceil(dim / num_outputs), the last
/// one smaller. Other cases infer as Split-13 does.
static void inferSplit18(onnx::InferenceContext &ctx,
                         const onnx::InferenceFunction &inferSplit13) {
  const AttributeProto *numOutputs = ctx.getAttribute("num_outputs");
  bool hasSplitInput = ctx.getNumInputs() > 1 && ctx.getInputType(1);
  if (!numOutputs || hasSplitInput) {
    inferSplit13(ctx);
    return;
  }
  size_t outputs = ctx.getNumOutputs();
  for (size_t i = 0; i < outputs; ++i)
    onnx::propagateElemTypeFromInputToOutput(ctx, 0, i);
  if (numOutputs->i() != static_cast<int64_t>(outputs))
    fail_shape_inference("num_outputs is ", numOutputs->i(),
                         " but the node has ", outputs, " outputs");
  if (!onnx::hasInputShape(ctx, 0))
    return;
  const onnx::TensorShapeProto &shape = onnx::getInputShape(ctx, 0);
  int64_t rank = shape.dim_size();
  int64_t axis = onnx::getAttribute(ctx, "axis", 0);
  if (axis < -rank || axis >= rank)
    fail_shape_inference("axis ", axis, " is out of range for rank ", rank);
  if (axis < 0)
    axis += rank;
  const onnx::TensorShapeProto::Dimension &dim = shape.dim(axis);
  int64_t total = dim.has_dim_value() ? dim.dim_value() : -1;
  int64_t chunk =
      total < 0 ? -1 : (total + numOutputs->i() - 1) / numOutputs->i();
  for (size_t i = 0; i < outputs; ++i) {
    onnx::TensorShapeProto *outShape = onnx::getOutputShape(ctx, i);
    *outShape = shape;
    onnx::TensorShapeProto::Dimension *outDim = outShape->mutable_dim(axis);
    outDim->Clear();
    if (chunk >= 0)
      outDim->set_dim_value(std::clamp<int64_t>(
          total - chunk * static_cast<int64_t>(i), 0, chunk));
  }
}

static std::unique_ptr<OpSchema> makeSplit18() {
  const OpSchema &split13 = getLibonnxSchema("Split", 13);
  std::unique_ptr<OpSchema> schema = newSchema("Split", 18);
  onnx::InferenceFunction inferSplit13 =
      split13.GetTypeAndShapeInferenceFunction();
  schema->Input(0, "input", "", "T")
      .Input(1, "split", "", "tensor(int64)", OpSchema::Optional)
      .Output(0, "outputs", "", "T", OpSchema::Variadic)
      .Attr("axis", "", AttributeProto::INT, static_cast<int64_t>(0))
      .Attr("num_outputs", "", AttributeProto::INT, /*required=*/false)
      .TypeAndShapeInferenceFunction(
          [inferSplit13](onnx::InferenceContext &ctx) {
            inferSplit18(ctx, inferSplit13);
          });
  copyTypeConstraint(split13, "T", *schema);
  schema->Finalize();
  return schema;
}

/// Cast-19: Cast-13 plus `saturate` (which only matters for float8).
static std::unique_ptr<OpSchema> makeCast19() {
  const OpSchema &cast13 = getLibonnxSchema("Cast", 13);
  std::unique_ptr<OpSchema> schema = newSchema("Cast", 19);
  schema->Input(0, "input", "", "T1")
      .Output(0, "output", "", "T2")
      .Attr("to", "", AttributeProto::INT, /*required=*/true)
      .Attr("saturate", "", AttributeProto::INT, static_cast<int64_t>(1))
      .TypeAndShapeInferenceFunction(cast13.GetTypeAndShapeInferenceFunction());
  copyTypeConstraint(cast13, "T1", *schema);
  copyTypeConstraint(cast13, "T2", *schema);
  schema->Finalize();
  return schema;
}

/// CastLike-19: CastLike-15 plus `saturate`.
static std::unique_ptr<OpSchema> makeCastLike19() {
  const OpSchema &castLike15 = getLibonnxSchema("CastLike", 15);
  std::unique_ptr<OpSchema> schema = newSchema("CastLike", 19);
  schema->Input(0, "input", "", "T1")
      .Input(1, "target_type", "", "T2")
      .Output(0, "output", "", "T2")
      .Attr("saturate", "", AttributeProto::INT, static_cast<int64_t>(1))
      .TypeAndShapeInferenceFunction([](onnx::InferenceContext &ctx) {
        onnx::propagateElemTypeFromInputToOutput(ctx, 1, 0);
        if (onnx::hasInputShape(ctx, 0))
          onnx::propagateShapeFromInputToOutput(ctx, 0, 0);
      });
  copyTypeConstraint(castLike15, "T1", *schema);
  copyTypeConstraint(castLike15, "T2", *schema);
  schema->Finalize();
  return schema;
}

/// Gelu-20.
static std::unique_ptr<OpSchema> makeGelu20() {
  std::unique_ptr<OpSchema> schema = newSchema("Gelu", 20);
  schema->Input(0, "X", "", "T")
      .Output(0, "Y", "", "T")
      .Attr("approximate", "", AttributeProto::STRING, std::string("none"))
      .TypeConstraint("T",
                      {"tensor(float16)", "tensor(float)", "tensor(double)",
                       "tensor(bfloat16)"},
                      "")
      .TypeAndShapeInferenceFunction(onnx::propagateShapeAndTypeFromFirstInput);
  schema->Finalize();
  return schema;
}

/// ConstantOfShape-20: ConstantOfShape-9 with bfloat16 values too.
static std::unique_ptr<OpSchema> makeConstantOfShape20() {
  const OpSchema &older = getLibonnxSchema("ConstantOfShape", 9);
  std::unique_ptr<OpSchema> schema = newSchema("ConstantOfShape", 20);
  std::vector<std::string> valueTypes;
  for (const OpSchema::TypeConstraintParam &constraint :
       older.typeConstraintParams())
    if (constraint.type_param_str == "T2")
      valueTypes = constraint.allowed_type_strs;
  valueTypes.push_back("tensor(bfloat16)");
  schema->Input(0, "input", "", "T1")
      .Output(0, "output", "", "T2")
      .Attr("value", "", AttributeProto::TENSOR, /*required=*/false)
      .TypeConstraint("T2", valueTypes, "")
      .TypeAndShapeInferenceFunction(older.GetTypeAndShapeInferenceFunction());
  copyTypeConstraint(older, "T1", *schema);
  schema->Finalize();
  return schema;
}

/// DequantizeLinear-19 (float16 and bfloat16 scales; float8 codes, which
/// the onnx dialect has no type for and the importer rejects) and -21
/// (`block_size`, int16/uint16 codes; int4 codes likewise rejected).
static std::unique_ptr<OpSchema> makeDequantizeLinear(int version) {
  std::unique_ptr<OpSchema> schema = newSchema("DequantizeLinear", version);
  std::vector<std::string> codeTypes = {"tensor(int8)", "tensor(uint8)",
                                        "tensor(int32)"};
  if (version >= 21)
    codeTypes.insert(codeTypes.end(), {"tensor(int16)", "tensor(uint16)"});
  schema->Input(0, "x", "", "T1")
      .Input(1, "x_scale", "", "T2")
      .Input(2, "x_zero_point", "", "T1", OpSchema::Optional)
      .Output(0, "y", "", "T2")
      .Attr("axis", "", AttributeProto::INT, static_cast<int64_t>(1))
      .TypeConstraint("T1", codeTypes, "")
      .TypeConstraint("T2",
                      {"tensor(float)", "tensor(float16)", "tensor(bfloat16)"},
                      "")
      .TypeAndShapeInferenceFunction([](onnx::InferenceContext &ctx) {
        onnx::propagateElemTypeFromInputToOutput(ctx, 1, 0);
        if (onnx::hasInputShape(ctx, 0))
          onnx::propagateShapeFromInputToOutput(ctx, 0, 0);
      });
  if (version >= 21)
    schema->Attr("block_size", "", AttributeProto::INT,
                 static_cast<int64_t>(0));
  schema->Finalize();
  return schema;
}

std::unique_ptr<SchemaRegistry>
SchemaRegistry::create(const ModelContext &model) {
  std::unique_ptr<SchemaRegistry> registry(new SchemaRegistry());
  auto add = [&](std::unique_ptr<OpSchema> schema) {
    std::string name = schema->Name();
    registry->extraSchemas[name].push_back(std::move(schema));
  };
  try {
    for (const char *op :
         {"ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1",
          "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"})
      add(makeReduce18(op));
    add(makeSplit18());
    add(makeCast19());
    add(makeCastLike19());
    add(makeGelu20());
    add(makeConstantOfShape20());
    add(makeDequantizeLinear(19));
    add(makeDequantizeLinear(21));
    for (std::unique_ptr<OpSchema> &schema : makeCustomDomainSchemas()) {
      std::string key = schema->domain() + "." + schema->Name();
      registry->customDomainSchemas[key] = std::move(schema);
    }
  } catch (const std::exception &error) {
    model.emitError() << "internal error: cannot build the ONNX schemas of "
                         "opsets 18 to 21: "
                      << error.what();
    return nullptr;
  }
  return registry;
}

SchemaRegistry::~SchemaRegistry() = default;

const OpSchema *SchemaRegistry::GetSchema(const std::string &op, int version,
                                          const std::string &domain) const {
  if (!domain.empty() && domain != "ai.onnx") {
    auto custom = customDomainSchemas.find(domain + "." + op);
    if (custom != customDomainSchemas.end())
      return custom->second->SinceVersion() <= version ? custom->second.get()
                                                       : nullptr;
    return onnx::OpSchemaRegistry::Schema(op, version, domain);
  }
  auto it = extraSchemas.find(op);
  if (it != extraSchemas.end())
    for (const std::unique_ptr<OpSchema> &schema : llvm::reverse(it->second))
      if (schema->SinceVersion() <= version)
        return schema.get();
  return onnx::OpSchemaRegistry::Schema(
      op, std::min<int>(version, kMaxLibonnxOpset), "");
}
