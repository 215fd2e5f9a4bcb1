//===- CustomDomainSchemas.cpp - schemas of bitnet / com.microsoft ops ----===//
//
// libonnx has no schema for `bitnet.BitLinear` (ours, docs/bitnet-onnx-
// domain.md) or onnxruntime's `com.microsoft.MatMulNBits`. Giving them
// OpSchemas makes the checker verify their inputs, types and attributes and
// lets shape inference type their outputs; the inference functions below
// also check every shape and attribute value the compiler relies on, so a
// malformed node fails at import with a message naming it.
//
//===----------------------------------------------------------------------===//
#include "ImporterImpl.h"

#include "onnx/defs/shape_inference.h"

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::bitnet::importer;
using onnx::AttributeProto;
using onnx::InferenceContext;
using onnx::OpSchema;

namespace {

/// The static extent of `dim` of input `index`, or -1 (unknown or absent).
int64_t getInputDim(InferenceContext &ctx, size_t index, int dim) {
  if (index >= ctx.getNumInputs() || !onnx::hasInputShape(ctx, index))
    return -1;
  const onnx::TensorShapeProto &shape = onnx::getInputShape(ctx, index);
  if (dim < 0)
    dim += shape.dim_size();
  if (dim < 0 || dim >= shape.dim_size() || !shape.dim(dim).has_dim_value())
    return -1;
  return shape.dim(dim).dim_value();
}

/// The rank of input `index`, or -1.
int getInputRank(InferenceContext &ctx, size_t index) {
  if (index >= ctx.getNumInputs() || !onnx::hasInputShape(ctx, index))
    return -1;
  return onnx::getInputShape(ctx, index).dim_size();
}

/// The element count of input `index` if its shape is fully static, or -1.
int64_t getInputElements(InferenceContext &ctx, size_t index) {
  int rank = getInputRank(ctx, index);
  if (rank < 0)
    return -1;
  int64_t count = 1;
  for (int d = 0; d < rank; ++d) {
    int64_t extent = getInputDim(ctx, index, d);
    if (extent < 0)
      return -1;
    count *= extent;
  }
  return count;
}

bool hasInput(InferenceContext &ctx, size_t index) {
  return index < ctx.getNumInputs() && ctx.getInputType(index);
}

/// Y = the shape of input 0 with its last dimension replaced by `n`.
void inferLinearOutput(InferenceContext &ctx, int64_t n) {
  onnx::propagateElemTypeFromInputToOutput(ctx, 0, 0);
  if (!onnx::hasInputShape(ctx, 0))
    return;
  const onnx::TensorShapeProto &input = onnx::getInputShape(ctx, 0);
  if (input.dim_size() < 1)
    fail_shape_inference("the input must have rank >= 1");
  onnx::TensorShapeProto *output = onnx::getOutputShape(ctx, 0);
  *output = input;
  onnx::TensorShapeProto::Dimension *last =
      output->mutable_dim(input.dim_size() - 1);
  last->Clear();
  if (n >= 0)
    last->set_dim_value(n);
}

void inferBitLinear(InferenceContext &ctx) {
  int64_t weightBits = onnx::getAttribute(ctx, "weight_bits", 2);
  std::string mode = onnx::getAttribute(ctx, "activation_mode", "per_token");
  int64_t activationBits = onnx::getAttribute(ctx, "activation_bits", 8);
  int64_t groupSize = onnx::getAttribute(ctx, "group_size", 0);
  const AttributeProto *epsilonAttr = ctx.getAttribute("epsilon");
  float epsilon = epsilonAttr ? epsilonAttr->f() : 1e-5f;
  if (weightBits != 1 && weightBits != 2)
    fail_shape_inference("weight_bits must be 1 (binary) or 2 (ternary), got ",
                         weightBits);
  if (mode != "none" && mode != "per_tensor" && mode != "per_token" &&
      mode != "per_group")
    fail_shape_inference("activation_mode must be none, per_tensor, "
                         "per_token or per_group, got '",
                         mode, "'");
  if (activationBits < 2 || activationBits > 8)
    fail_shape_inference("activation_bits must be in [2, 8], got ",
                         activationBits);
  if (groupSize < 0 || (mode == "per_group") != (groupSize > 0))
    fail_shape_inference("group_size must be > 0 exactly when "
                         "activation_mode is per_group, got ",
                         groupSize);
  if (!(epsilon >= 0.0f) || !std::isfinite(epsilon))
    fail_shape_inference("epsilon must be finite and >= 0, got ", epsilon);
  int64_t shift = onnx::getAttribute(ctx, "activation_shift", 0);
  if (shift != 0 && shift != 1)
    fail_shape_inference("activation_shift must be 0 or 1, got ", shift);
  if (shift == 1 && mode == "none")
    fail_shape_inference("activation_shift 1 needs quantized activations "
                         "(activation_mode is none)");

  int weightRank = getInputRank(ctx, 1);
  if (weightRank >= 0 && weightRank != 2)
    fail_shape_inference("W must be [N, K] (rank 2), got rank ", weightRank);
  int64_t n = getInputDim(ctx, 1, 0);
  int64_t weightK = getInputDim(ctx, 1, 1);
  int64_t k = getInputDim(ctx, 0, -1);
  if (k >= 0 && weightK >= 0 && k != weightK)
    fail_shape_inference("X has K = ", k, " (last dimension) but W is [", n,
                         ", ", weightK, "]");
  if (k < 0)
    k = weightK;
  if (groupSize > 0 && k >= 0 && k % groupSize != 0)
    fail_shape_inference("group_size ", groupSize, " does not divide K = ", k);
  int64_t scaleCount = getInputElements(ctx, 2);
  if (scaleCount >= 0 && scaleCount != 1 && scaleCount != n)
    fail_shape_inference("weight_scale must have 1 or N = ", n,
                         " elements, got ", scaleCount);
  if (hasInput(ctx, 3)) {
    int64_t biasCount = getInputElements(ctx, 3);
    if (getInputRank(ctx, 3) > 1 || (biasCount >= 0 && n >= 0 && biasCount != n))
      fail_shape_inference("B must be [N] = [", n, "]");
  }
  inferLinearOutput(ctx, n);
}

std::unique_ptr<OpSchema> makeBitLinearSchema() {
  auto schema = std::make_unique<OpSchema>();
  schema->SetName("BitLinear")
      .SetDomain(kBitnetOnnxDomain.str())
      .SinceVersion(1)
      .Input(0, "X", "", "T")
      .Input(1, "W", "", "tensor(int8)")
      .Input(2, "weight_scale", "", "T")
      .Input(3, "B", "", "T", OpSchema::Optional)
      .Output(0, "Y", "", "T")
      .Attr("weight_bits", "", AttributeProto::INT, static_cast<int64_t>(2))
      .Attr("activation_mode", "", AttributeProto::STRING,
            std::string("per_token"))
      .Attr("activation_bits", "", AttributeProto::INT,
            static_cast<int64_t>(8))
      .Attr("group_size", "", AttributeProto::INT, static_cast<int64_t>(0))
      .Attr("epsilon", "", AttributeProto::FLOAT, 1e-5f)
      .Attr("activation_shift", "", AttributeProto::INT,
            static_cast<int64_t>(0))
      .TypeConstraint("T", {"tensor(float)"}, "")
      .TypeAndShapeInferenceFunction(inferBitLinear);
  schema->Finalize();
  return schema;
}

void inferMatMulNBits(InferenceContext &ctx) {
  int64_t k = onnx::getAttribute(ctx, "K", -1);
  int64_t n = onnx::getAttribute(ctx, "N", -1);
  int64_t bits = onnx::getAttribute(ctx, "bits", 4);
  int64_t block = onnx::getAttribute(ctx, "block_size", -1);
  if (k <= 0 || n <= 0)
    fail_shape_inference("K and N must be positive, got K = ", k, ", N = ", n);
  if (bits < 2 || bits > 8)
    fail_shape_inference("bits must be in [2, 8], got ", bits);
  if (block < 16 || (block & (block - 1)) != 0)
    fail_shape_inference("block_size must be a power of 2 and >= 16, got ",
                         block);
  if (hasInput(ctx, 4))
    fail_shape_inference("g_idx (act-order) is not supported");
  int64_t inputK = getInputDim(ctx, 0, -1);
  if (inputK >= 0 && inputK != k)
    fail_shape_inference("A has K = ", inputK, " (last dimension), the K "
                         "attribute says ", k);
  int64_t blocks = (k + block - 1) / block;
  int64_t blobBytes = block * bits / 8;
  if (getInputRank(ctx, 1) >= 0) {
    bool ok = getInputRank(ctx, 1) == 3;
    int64_t expected[3] = {n, blocks, blobBytes};
    for (int d = 0; ok && d < 3; ++d)
      ok = getInputDim(ctx, 1, d) == expected[d];
    if (!ok)
      fail_shape_inference("B must be [N, ceil(K / block_size), block_size * "
                           "bits / 8] = [",
                           n, ", ", blocks, ", ", blobBytes, "]");
  }
  int64_t scaleCount = getInputElements(ctx, 2);
  if (scaleCount >= 0 && scaleCount != n * blocks)
    fail_shape_inference("scales must have N * ceil(K / block_size) = ",
                         n * blocks, " elements, got ", scaleCount);
  if (hasInput(ctx, 3)) {
    int32_t type = ctx.getInputType(3)->tensor_type().elem_type();
    int64_t count = getInputElements(ctx, 3);
    int64_t expected = type == onnx::TensorProto::UINT8
                           ? n * ((blocks * bits + 7) / 8)
                           : n * blocks;
    if (count >= 0 && count != expected)
      fail_shape_inference("zero_points must have ", expected,
                           " elements, got ", count);
  }
  if (hasInput(ctx, 5)) {
    int64_t count = getInputElements(ctx, 5);
    if (getInputRank(ctx, 5) > 1 || (count >= 0 && count != n))
      fail_shape_inference("bias must be [N] = [", n, "]");
  }
  inferLinearOutput(ctx, n);
}

std::unique_ptr<OpSchema> makeMatMulNBitsSchema() {
  auto schema = std::make_unique<OpSchema>();
  schema->SetName("MatMulNBits")
      .SetDomain(kMicrosoftOnnxDomain.str())
      .SinceVersion(1)
      .Input(0, "A", "", "T1")
      .Input(1, "B", "", "tensor(uint8)")
      .Input(2, "scales", "", "T1")
      .Input(3, "zero_points", "", "T3", OpSchema::Optional)
      .Input(4, "g_idx", "", "tensor(int32)", OpSchema::Optional)
      .Input(5, "bias", "", "T1", OpSchema::Optional)
      .Output(0, "Y", "", "T1")
      .Attr("K", "", AttributeProto::INT, /*required=*/true)
      .Attr("N", "", AttributeProto::INT, /*required=*/true)
      .Attr("bits", "", AttributeProto::INT, static_cast<int64_t>(4))
      .Attr("block_size", "", AttributeProto::INT, /*required=*/true)
      .Attr("accuracy_level", "", AttributeProto::INT, static_cast<int64_t>(0))
      .TypeConstraint("T1", {"tensor(float)"}, "")
      .TypeConstraint("T3", {"tensor(uint8)", "tensor(float)"}, "")
      .TypeAndShapeInferenceFunction(inferMatMulNBits);
  schema->Finalize();
  return schema;
}

} // namespace

std::vector<std::unique_ptr<OpSchema>> importer::makeCustomDomainSchemas() {
  std::vector<std::unique_ptr<OpSchema>> schemas;
  schemas.push_back(makeBitLinearSchema());
  schemas.push_back(makeMatMulNBitsSchema());
  return schemas;
}
