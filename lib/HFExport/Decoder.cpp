//===- Decoder.cpp - the BitNet decoder as an ONNX graph ------------------===//
//
// BitNetForCausalLM (transformers' models/bitnet/modeling_bitnet.py) written
// out in standard ONNX ops, opset 17, one graph for prefill and decode:
//
//   inputs   input_ids [batch, seq], attention_mask [batch, total_seq],
//            position_ids [batch, seq] (int64);
//            past_key_values.{i}.key/.value [batch, kv_heads, past_seq, head_dim]
//   outputs  logits [batch, seq, vocab];
//            present.{i}.key/.value = Concat(past, new, axis 2)
//
// Each BitLinear keeps its uint8 [out/4, in] codes as the initializer and
// unpacks them in the graph (BitShift, Concat, Cast, Sub 1), so the file
// stays packed and onnxruntime runs it as it is; the activation quantizer is
// written out per token as transformers' ActQuant computes it. Node names
// follow the module paths (/model/layers.0/self_attn/q_proj/MatMul).
//
//===----------------------------------------------------------------------===//
#include "HFExportImpl.h"

#include <cmath>
#include <limits>

using namespace bitnet::hf;

namespace {

using Attributes = std::vector<onnx::AttributeProto>;

void addTensorValue(google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> *values,
                    const std::string &name, int32_t elementType,
                    const std::vector<std::string> &dims) {
  onnx::ValueInfoProto *value = values->Add();
  value->set_name(name);
  onnx::TypeProto_Tensor *tensor = value->mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(elementType);
  for (const std::string &dim : dims) {
    onnx::TensorShapeProto_Dimension *d = tensor->mutable_shape()->add_dim();
    if (!dim.empty() && std::isdigit(static_cast<unsigned char>(dim[0])))
      d->set_dim_value(std::stoll(dim));
    else
      d->set_dim_param(dim);
  }
}

/// The checkpoint's name of a module's weight: "/model/layers.0/mlp/up_proj"
/// holds "model.layers.0.mlp.up_proj.weight".
std::string weightName(const std::string &path) {
  std::string name = path.substr(1);
  for (char &c : name)
    if (c == '/')
      c = '.';
  return name + ".weight";
}

class DecoderBuilder {
public:
  DecoderBuilder(GraphBuilder &b, const BitNetConfig &config, ModelWeights &weights)
      : b(b), config(config), weights(weights) {}

  void build(onnx::GraphProto &graph);

private:
  std::string floatTensor(const std::string &name, FloatTensor &tensor) {
    return b.initializer(name, getOnnxType(tensor.dtype), tensor.shape,
                         std::move(tensor.bytes));
  }

  /// Float32 of a stored tensor (a Cast unless it is float32 already).
  std::string asFloat(const std::string &value, DType dtype, const std::string &name) {
    if (dtype == DType::F32)
      return value;
    return b.node("Cast", {value}, name,
                  {makeIntAttribute("to", onnx::TensorProto::FLOAT)});
  }

  /// BitNetRMSNorm: x / sqrt(mean(x^2) + eps) * gain.
  std::string rmsNorm(const std::string &x, FloatTensor &gain, const std::string &path) {
    std::string square = b.node("Pow", {x, b.constantFloat(2)}, path + "/Pow");
    std::string mean = b.node("ReduceMean", {square}, path + "/ReduceMean",
                              {makeIntsAttribute("axes", {-1}),
                               makeIntAttribute("keepdims", 1)});
    std::string shifted =
        b.node("Add", {mean, b.constantFloat(static_cast<float>(config.rmsNormEps))},
               path + "/Add");
    std::string root = b.node("Sqrt", {shifted}, path + "/Sqrt");
    std::string inverse = b.node("Div", {b.constantFloat(1), root}, path + "/Div");
    std::string normed = b.node("Mul", {x, inverse}, path + "/Mul");
    return b.node("Mul", {floatTensor(weightName(path), gain), normed}, path + "/Mul_1");
  }

  /// ActQuant: s = 127 / max(max|x| over the last axis, 1e-5);
  /// x -> clip(round(x s), -128, 127) / s.
  std::string quantize(const std::string &x, const std::string &path) {
    std::string magnitude = b.node("Abs", {x}, path + "/Abs");
    std::string peak = b.node("ReduceMax", {magnitude}, path + "/ReduceMax",
                              {makeIntsAttribute("axes", {-1}),
                               makeIntAttribute("keepdims", 1)});
    std::string clamped =
        b.node("Clip", {peak, b.constantFloat(1e-5f)}, path + "/Clip");
    std::string scale = b.node("Div", {b.constantFloat(127), clamped}, path + "/Div");
    std::string scaled = b.node("Mul", {x, scale}, path + "/Mul");
    std::string rounded = b.node("Round", {scaled}, path + "/Round");
    std::string codes = b.node("Clip", {rounded, b.constantFloat(-128), b.constantFloat(127)},
                               path + "/Clip_1");
    return b.node("Div", {codes, scale}, path + "/Div_1");
  }

  /// The ternary [out, in] of packed codes: plane j of byte (i, k) is row
  /// j*P + i (unpack_weights' order), isolated by shifting it to the top
  /// two bits and back down.
  std::string unpack(PackedProjection &projection, const std::string &path) {
    int64_t rows = projection.outFeatures / 4;
    std::string packed =
        b.initializer(weightName(path), onnx::TensorProto::UINT8,
                      {rows, projection.inFeatures}, std::move(projection.packed));
    std::vector<std::string> planes;
    for (int plane = 0; plane < 4; ++plane) {
      std::string suffix = "_" + std::to_string(plane);
      std::string high =
          b.node("BitShift", {packed, b.constantUInt8(static_cast<uint8_t>(6 - 2 * plane))},
                 path + "/BitShift_left" + suffix,
                 {makeStringAttribute("direction", "LEFT")});
      planes.push_back(b.node("BitShift", {high, b.constantUInt8(6)},
                              path + "/BitShift_right" + suffix,
                              {makeStringAttribute("direction", "RIGHT")}));
    }
    std::string codes = b.node("Concat", planes, path + "/Concat",
                               {makeIntAttribute("axis", 0)});
    std::string asFloats = b.node("Cast", {codes}, path + "/Cast",
                                  {makeIntAttribute("to", onnx::TensorProto::FLOAT)});
    return b.node("Sub", {asFloats, b.constantFloat(1)}, path + "/Sub");
  }

  /// y = quantized x @ ternary^T, times (AutoBitLinear) or divided by
  /// (BitLinear) the weight scale.
  std::string bitLinear(const std::string &quantized, PackedProjection &projection,
                        const std::string &path) {
    bool divide = projection.divide;
    std::string scale = b.constantFloats({projection.scale}, {1});
    std::string ternary = unpack(projection, path);
    std::string transposed = b.node("Transpose", {ternary}, path + "/Transpose",
                                    {makeIntsAttribute("perm", {1, 0})});
    std::string product = b.node("MatMul", {quantized, transposed}, path + "/MatMul");
    return b.node(divide ? "Div" : "Mul", {product, scale},
                  path + (divide ? "/Div" : "/Mul"));
  }

  /// x * cos + rotate_half(x) * sin over the whole head dimension.
  std::string rotary(const std::string &x, const std::string &path) {
    int64_t half = config.headDim / 2;
    std::string axes = b.constantInt64s({-1});
    std::string first = b.node("Slice", {x, b.constantInt64s({0}), b.constantInt64s({half}), axes},
                               path + "/Slice");
    std::string second =
        b.node("Slice", {x, b.constantInt64s({half}), b.constantInt64s({config.headDim}), axes},
               path + "/Slice_1");
    std::string negated = b.node("Neg", {second}, path + "/Neg");
    std::string rotated = b.node("Concat", {negated, first}, path + "/Concat",
                                 {makeIntAttribute("axis", -1)});
    std::string withCos = b.node("Mul", {x, cos}, path + "/Mul");
    std::string withSin = b.node("Mul", {rotated, sin}, path + "/Mul_1");
    return b.node("Add", {withCos, withSin}, path + "/Add");
  }

  /// [batch, seq, heads * head_dim] -> [batch, heads, seq, head_dim].
  std::string splitHeads(const std::string &x, int64_t heads, const std::string &path) {
    std::string shaped = b.node("Reshape", {x, b.constantInt64s({0, 0, heads, config.headDim})},
                                path + "/Reshape");
    return b.node("Transpose", {shaped}, path + "/Transpose",
                  {makeIntsAttribute("perm", {0, 2, 1, 3})});
  }

  void buildMaskAndRotary();
  std::string attention(int64_t layer, const std::string &x, LayerWeights &w);
  std::string mlp(const std::string &x, LayerWeights &w, const std::string &path);

  GraphBuilder &b;
  const BitNetConfig &config;
  ModelWeights &weights;
  std::string cos, sin, maskBias;
};

/// The additive mask [batch, 1, (1,) seq, total_seq]: 0 where query slot
/// past_seq + i may see key slot j (j <= past_seq + i and attention_mask
/// is 1 there), float32's lowest value elsewhere (finite, as transformers'
/// min-dtype mask: a fully padded row stays finite). The rotary tables
/// cos/sin [batch, 1, seq, head_dim] of position_ids.
void DecoderBuilder::buildMaskAndRotary() {
  std::string path = "/model/mask";
  std::string one = b.constantInt64(1);
  std::string idsShape = b.node("Shape", {"input_ids"}, path + "/Shape");
  std::string seq = b.node("Gather", {idsShape, one}, path + "/Gather",
                           {makeIntAttribute("axis", 0)});
  std::string maskShape = b.node("Shape", {"attention_mask"}, path + "/Shape_1");
  std::string total = b.node("Gather", {maskShape, one}, path + "/Gather_1",
                             {makeIntAttribute("axis", 0)});
  std::string past = b.node("Sub", {total, seq}, path + "/Sub");
  std::string keySlots = b.node("Range", {b.constantInt64(0), total, one}, path + "/Range");
  std::string querySlots = b.node("Range", {past, total, one}, path + "/Range_1");
  std::string column = b.node("Unsqueeze", {querySlots, b.constantInt64s({1})},
                              path + "/Unsqueeze");
  std::string causal = b.node("LessOrEqual", {keySlots, column}, path + "/LessOrEqual");
  std::string keep = b.node("Cast", {"attention_mask"}, path + "/Cast",
                            {makeIntAttribute("to", onnx::TensorProto::BOOL)});
  std::string keepRows = b.node("Unsqueeze", {keep, b.constantInt64s({1, 2})},
                                path + "/Unsqueeze_1");
  std::string allowed = b.node("And", {causal, keepRows}, path + "/And");
  maskBias = b.node("Where",
                    {allowed, b.constantFloat(0),
                     b.constantFloat(std::numeric_limits<float>::lowest())},
                    path + "/Where");
  if (config.numHeads != config.numKvHeads)
    maskBias = b.node("Unsqueeze", {maskBias, b.constantInt64s({2})}, path + "/Unsqueeze_2");

  // BitNetRotaryEmbedding (default rope): inv_freq = 1 / theta^(2i / d) in
  // float32, freqs = position * inv_freq, emb = [freqs, freqs].
  path = "/model/rotary_emb";
  std::vector<float> inverseFrequencies;
  for (int64_t i = 0; i < config.headDim; i += 2) {
    float exponent = static_cast<float>(i) / static_cast<float>(config.headDim);
    float power = static_cast<float>(
        std::pow(static_cast<double>(static_cast<float>(config.ropeTheta)),
                 static_cast<double>(exponent)));
    inverseFrequencies.push_back(1.0f / power);
  }
  std::string positions = b.node("Cast", {"position_ids"}, path + "/Cast",
                                 {makeIntAttribute("to", onnx::TensorProto::FLOAT)});
  std::string column3 = b.node("Unsqueeze", {positions, b.constantInt64s({2})},
                               path + "/Unsqueeze");
  std::string freqs = b.node(
      "Mul",
      {column3, b.constantFloats(inverseFrequencies,
                                 {static_cast<int64_t>(inverseFrequencies.size())})},
      path + "/Mul");
  std::string emb = b.node("Concat", {freqs, freqs}, path + "/Concat",
                           {makeIntAttribute("axis", -1)});
  std::string heads = b.constantInt64s({1});
  cos = b.node("Unsqueeze", {b.node("Cos", {emb}, path + "/Cos"), heads}, path + "/Unsqueeze_1");
  sin = b.node("Unsqueeze", {b.node("Sin", {emb}, path + "/Sin"), heads}, path + "/Unsqueeze_2");
}

std::string DecoderBuilder::attention(int64_t layer, const std::string &x, LayerWeights &w) {
  std::string path = "/model/layers." + std::to_string(layer) + "/self_attn";
  std::string index = std::to_string(layer);
  int64_t heads = config.numHeads, kvHeads = config.numKvHeads, dim = config.headDim;
  // q, k and v quantize the same input identically: one quantizer.
  std::string quantized = quantize(x, path + "/act_quant");
  std::string q = splitHeads(bitLinear(quantized, w.q, path + "/q_proj"), heads, path + "/q");
  std::string k = splitHeads(bitLinear(quantized, w.k, path + "/k_proj"), kvHeads, path + "/k");
  std::string v = splitHeads(bitLinear(quantized, w.v, path + "/v_proj"), kvHeads, path + "/v");
  q = rotary(q, path + "/q_rotary");
  k = rotary(k, path + "/k_rotary");
  std::string keys = "present." + index + ".key";
  std::string values = "present." + index + ".value";
  b.nodeWithOutputs("Concat", {"past_key_values." + index + ".key", k}, {keys},
                    path + "/Concat_key", {makeIntAttribute("axis", 2)});
  b.nodeWithOutputs("Concat", {"past_key_values." + index + ".value", v}, {values},
                    path + "/Concat_value", {makeIntAttribute("axis", 2)});

  // repeat_kv: query head h reads KV head h / (heads / kv_heads). With
  // groups, q becomes [batch, kv_heads, group, seq, dim] and k, v
  // [batch, kv_heads, 1, total, dim], so MatMul broadcasts over the group.
  int64_t group = heads / kvHeads;
  std::string keysT, valuesB, queries = q;
  if (group > 1) {
    queries = b.node("Reshape", {q, b.constantInt64s({0, kvHeads, group, -1, dim})},
                     path + "/Reshape_group");
    std::string axis = b.constantInt64s({2});
    std::string keys5 = b.node("Unsqueeze", {keys, axis}, path + "/Unsqueeze_key");
    keysT = b.node("Transpose", {keys5}, path + "/Transpose_key",
                   {makeIntsAttribute("perm", {0, 1, 2, 4, 3})});
    valuesB = b.node("Unsqueeze", {values, axis}, path + "/Unsqueeze_value");
  } else {
    keysT = b.node("Transpose", {keys}, path + "/Transpose_key",
                   {makeIntsAttribute("perm", {0, 1, 3, 2})});
    valuesB = values;
  }
  std::string scores = b.node("MatMul", {queries, keysT}, path + "/MatMul");
  float scaling = static_cast<float>(1.0 / std::sqrt(static_cast<double>(dim)));
  std::string scaled = b.node("Mul", {scores, b.constantFloat(scaling)}, path + "/Mul");
  std::string masked = b.node("Add", {scaled, maskBias}, path + "/Add");
  std::string probs = b.node("Softmax", {masked}, path + "/Softmax",
                             {makeIntAttribute("axis", -1)});
  std::string context = b.node("MatMul", {probs, valuesB}, path + "/MatMul_1");
  if (group > 1)
    context = b.node("Reshape", {context, b.constantInt64s({0, heads, -1, dim})},
                     path + "/Reshape_heads");
  std::string tokens = b.node("Transpose", {context}, path + "/Transpose",
                              {makeIntsAttribute("perm", {0, 2, 1, 3})});
  std::string merged = b.node("Reshape", {tokens, b.constantInt64s({0, 0, heads * dim})},
                              path + "/Reshape");
  // attn_sub_norm, then o_proj.
  std::string normed = rmsNorm(merged, w.attnSubNorm, path + "/attn_sub_norm");
  return bitLinear(quantize(normed, path + "/o_proj/act_quant"), w.o, path + "/o_proj");
}

/// BitNetMLP: down_proj(ffn_sub_norm(relu(gate_proj(x))^2 * up_proj(x))).
std::string DecoderBuilder::mlp(const std::string &x, LayerWeights &w, const std::string &path) {
  std::string quantized = quantize(x, path + "/act_quant");
  std::string gate = bitLinear(quantized, w.gate, path + "/gate_proj");
  std::string up = bitLinear(quantized, w.up, path + "/up_proj");
  std::string relu = b.node("Relu", {gate}, path + "/act_fn/Relu");
  std::string squared = b.node("Mul", {relu, relu}, path + "/act_fn/Mul");
  std::string product = b.node("Mul", {squared, up}, path + "/Mul");
  std::string normed = rmsNorm(product, w.ffnSubNorm, path + "/ffn_sub_norm");
  return bitLinear(quantize(normed, path + "/down_proj/act_quant"), w.down,
                   path + "/down_proj");
}

void DecoderBuilder::build(onnx::GraphProto &graph) {
  graph.set_name("bitnet_decoder");
  int64_t kv = config.numKvHeads, dim = config.headDim;
  std::string kvText = std::to_string(kv), dimText = std::to_string(dim);
  addTensorValue(graph.mutable_input(), "input_ids", onnx::TensorProto::INT64, {"batch", "seq"});
  addTensorValue(graph.mutable_input(), "attention_mask", onnx::TensorProto::INT64,
                 {"batch", "total_seq"});
  addTensorValue(graph.mutable_input(), "position_ids", onnx::TensorProto::INT64,
                 {"batch", "seq"});
  addTensorValue(graph.mutable_output(), "logits", onnx::TensorProto::FLOAT,
                 {"batch", "seq", std::to_string(config.vocabSize)});
  for (int64_t i = 0; i < config.numLayers; ++i) {
    for (const char *kind : {"key", "value"}) {
      std::string index = std::to_string(i);
      addTensorValue(graph.mutable_input(), "past_key_values." + index + "." + kind,
                     onnx::TensorProto::FLOAT, {"batch", kvText, "past_seq", dimText});
      addTensorValue(graph.mutable_output(), "present." + index + "." + kind,
                     onnx::TensorProto::FLOAT, {"batch", kvText, "total_seq", dimText});
    }
  }

  buildMaskAndRotary();
  DType embeddingType = weights.embedding.dtype;
  std::string table = floatTensor("model.embed_tokens.weight", weights.embedding);
  std::string gathered = b.node("Gather", {table, "input_ids"}, "/model/embed_tokens/Gather",
                                {makeIntAttribute("axis", 0)});
  std::string h = asFloat(gathered, embeddingType, "/model/embed_tokens/Cast");
  for (int64_t i = 0; i < config.numLayers; ++i) {
    LayerWeights &w = weights.layers[static_cast<size_t>(i)];
    std::string path = "/model/layers." + std::to_string(i);
    std::string attended =
        attention(i, rmsNorm(h, w.inputNorm, path + "/input_layernorm"), w);
    h = b.node("Add", {h, attended}, path + "/Add");
    std::string ffn = mlp(rmsNorm(h, w.postAttentionNorm, path + "/post_attention_layernorm"),
                          w, path + "/mlp");
    h = b.node("Add", {h, ffn}, path + "/Add_1");
  }
  std::string normed = rmsNorm(h, weights.finalNorm, "/model/norm");

  // lm_head: the tied head reads the embedding initializer itself (no copy).
  std::string headTable = table;
  DType headType = embeddingType;
  if (!config.tiedHead) {
    headType = weights.head.dtype;
    headTable = floatTensor("lm_head.weight", weights.head);
  }
  std::string headFloat = asFloat(headTable, headType, "/lm_head/Cast");
  std::string transposed = b.node("Transpose", {headFloat}, "/lm_head/Transpose",
                                  {makeIntsAttribute("perm", {1, 0})});
  b.nodeWithOutputs("MatMul", {normed, transposed}, {"logits"}, "/lm_head/MatMul");
}

} // namespace

void bitnet::hf::buildDecoder(onnx::ModelProto &model, GraphBuilder &builder,
                              const BitNetConfig &config, ModelWeights &weights) {
  model.set_ir_version(8);
  model.set_producer_name("bitnet-export-hf");
  model.set_producer_version("1");
  onnx::OperatorSetIdProto *opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(17);
  auto meta = [&](const std::string &key, const std::string &value) {
    onnx::StringStringEntryProto *entry = model.add_metadata_props();
    entry->set_key(key);
    entry->set_value(value);
  };
  meta("bitnet.num_layers", std::to_string(config.numLayers));
  meta("bitnet.num_key_value_heads", std::to_string(config.numKvHeads));
  meta("bitnet.head_dim", std::to_string(config.headDim));
  meta("bitnet.vocab_size", std::to_string(config.vocabSize));
  if (config.maxPositions)
    meta("bitnet.max_position_embeddings", std::to_string(config.maxPositions));
  meta("bitnet.linear_class",
       config.linearClass == LinearClass::AutoBitLinear ? "autobitlinear" : "bitlinear");
  meta("bitnet.quantization_mode",
       config.mode == QuantizationMode::Online ? "online" : "offline");
  DecoderBuilder(builder, config, weights).build(*model.mutable_graph());
}
