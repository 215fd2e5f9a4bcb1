//===- Weights.cpp - the tensors of a BitNet checkpoint -------------------===//
//
// Names, dtypes and shapes follow BitNetForCausalLM and the BitLinear
// classes of transformers' integrations/bitnet.py (docs/hf-checkpoints.md):
// a packed projection is a uint8 `.weight` [out/4, in] plus a `.weight_scale`
// [1]; a master-weight (`-bf16`, quantization_mode online) projection is a
// float `.weight` [out, in] that is quantized here exactly as transformers'
// WeightQuant quantizes it at every forward.
//
//===----------------------------------------------------------------------===//
#include "HFExportImpl.h"

#include <cmath>
#include <cstring>

using namespace bitnet::hf;

void Payload::own(std::vector<uint8_t> bytes) {
  owned = std::move(bytes);
  data = owned.data();
  size = owned.size();
}

namespace {

bool isFloat(DType dtype) {
  return dtype == DType::BF16 || dtype == DType::F16 || dtype == DType::F32;
}

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

void expectShape(const TensorView &view, const std::vector<int64_t> &shape,
                 const std::string &why) {
  if (view.shape != shape)
    fail(view.file + ": tensor '" + view.name + "' has shape " +
         shapeText(view.shape) + ", expected " + shapeText(shape) + " (" + why +
         ")");
}

void expectFloat(const TensorView &view) {
  if (!isFloat(view.dtype))
    fail(view.file + ": tensor '" + view.name + "' is " +
         getDTypeName(view.dtype) + ", expected BF16 (or F16, F32)");
}

/// A float tensor kept in its own dtype (the graph Casts it after a Gather).
FloatTensor keepAsIs(const TensorView &view) {
  FloatTensor tensor;
  tensor.dtype = view.dtype;
  tensor.shape = view.shape;
  tensor.bytes.data = view.data;
  tensor.bytes.size = view.size;
  return tensor;
}

/// A norm weight as float32 (exact from bf16 and f16).
FloatTensor toFloat32(const TensorView &view) {
  std::vector<float> values = view.toFloat();
  std::vector<uint8_t> bytes(values.size() * 4);
  std::memcpy(bytes.data(), values.data(), bytes.size());
  FloatTensor tensor;
  tensor.shape = view.shape;
  tensor.bytes.own(std::move(bytes));
  return tensor;
}

FloatTensor loadNorm(TensorStore &store, const std::string &name, int64_t size) {
  const TensorView &view = store.get(name);
  expectFloat(view);
  expectShape(view, {size}, "one RMSNorm gain per channel");
  return toFloat32(view);
}

float roundTo(DType dtype, float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  if (dtype == DType::BF16) {
    bits = (bits + 0x7fff + ((bits >> 16) & 1)) & 0xffff0000u;
  } else if (dtype == DType::F16) {
    // Through the hardware-independent route: round the float32 mantissa to
    // 10 bits at the f16 exponent (scales are normal numbers far from f16's
    // limits; the checks below keep them there).
    int exponent;
    float mantissa = std::frexp(value, &exponent);
    float scaled = std::ldexp(mantissa, 11);
    return std::ldexp(std::nearbyint(scaled), exponent - 11);
  }
  std::memcpy(&value, &bits, 4);
  return value;
}

/// A projection's name and sizes: a dim of the config, times head_dim where
/// it counts heads.
struct ProjectionSpec {
  const char *module; // under model.layers.N.
  PackedProjection LayerWeights::*member;
  int64_t BitNetConfig::*outDim;
  bool outInHeads;
  int64_t BitNetConfig::*inDim;
  bool inInHeads;
};

} // namespace

PackedProjection bitnet::hf::quantizeMasterWeights(const std::vector<float> &weights,
                                                   int64_t outFeatures,
                                                   int64_t inFeatures,
                                                   DType masterType) {
  // WeightQuant.forward in float32: scale = 1 / clamp(mean|w|, 1e-5). The
  // mean is summed in double and rounded once (torch sums float32 in
  // blocks; the two can differ in the last bit, see docs).
  double sum = 0;
  for (float w : weights)
    sum += std::fabs(static_cast<double>(w));
  float mean = static_cast<float>(sum / static_cast<double>(weights.size()));
  float scale = 1.0f / std::max(mean, 1e-5f);
  int64_t rows = outFeatures / 4;
  std::vector<uint8_t> packed(static_cast<size_t>(rows * inFeatures), 0);
  for (int64_t row = 0; row < outFeatures; ++row) {
    int64_t plane = row / rows, packedRow = row % rows;
    for (int64_t col = 0; col < inFeatures; ++col) {
      float product = weights[static_cast<size_t>(row * inFeatures + col)] * scale;
      float code = std::fmin(std::fmax(std::nearbyint(product), -1.0f), 1.0f);
      packed[static_cast<size_t>(packedRow * inFeatures + col)] |=
          static_cast<uint8_t>(static_cast<int>(code) + 1) << (2 * plane);
    }
  }
  PackedProjection projection;
  projection.outFeatures = outFeatures;
  projection.inFeatures = inFeatures;
  projection.packed.own(std::move(packed));
  // (code / scale).to(dtype): the magnitude 1 / scale in the master dtype.
  projection.scale = roundTo(masterType, 1.0f / scale);
  return projection;
}

static PackedProjection loadProjection(TensorStore &store, const BitNetConfig &config,
                                       const std::string &prefix, int64_t out,
                                       int64_t in) {
  const TensorView &weight = store.get(prefix + ".weight");
  const TensorView *scale = store.find(prefix + ".weight_scale");
  bool online = config.linearClass == LinearClass::AutoBitLinear &&
                config.mode == QuantizationMode::Online;
  if (online) {
    // AutoBitLinear(online_quant=True): an nn.Linear weight [out, in],
    // quantized at every forward, and no weight_scale buffer.
    if (!isFloat(weight.dtype))
      fail(weight.file + ": tensor '" + weight.name + "' is " +
           getDTypeName(weight.dtype) +
           ", but quantization_mode \"online\" means float master weights "
           "[out, in] (a packed checkpoint says \"offline\")");
    expectShape(weight, {out, in}, "master weights [out_features, in_features]");
    if (scale)
      fail(scale->file + ": tensor '" + scale->name +
           "' is unexpected: quantization_mode \"online\" derives the scale "
           "from the master weights");
    if (out % 4 != 0)
      fail(weight.file + ": tensor '" + weight.name + "': out_features " +
           std::to_string(out) + " is not a multiple of 4, which the packed "
           "graph form needs");
    return quantizeMasterWeights(weight.toFloat(), out, in, weight.dtype);
  }
  // BitLinear, or AutoBitLinear offline: uint8 codes packed along rows.
  if (weight.dtype != DType::U8)
    fail(weight.file + ": tensor '" + weight.name + "' is " +
         getDTypeName(weight.dtype) +
         ", expected U8 (packed ternary codes, quantization_mode \"offline\"; "
         "bf16 master weights need \"online\")");
  if (out % 4 != 0)
    fail(weight.file + ": tensor '" + weight.name + "': out_features " +
         std::to_string(out) + " is not a multiple of 4, so it cannot be "
         "packed four rows to a byte");
  expectShape(weight, {out / 4, in}, "four 2-bit codes per byte: [out_features / 4, in_features]");
  if (!scale)
    fail(store.getSource() + ": tensor '" + prefix + ".weight_scale' is missing "
         "(packed projections come with their scale)");
  expectFloat(*scale);
  expectShape(*scale, {1}, "one scale per projection");
  for (int64_t i = 0; i < weight.getNumElements(); ++i)
    for (int plane = 0; plane < 4; ++plane)
      if (((weight.data[i] >> (2 * plane)) & 3) == 3)
        fail(weight.file + ": tensor '" + weight.name + "': byte " +
             std::to_string(i) + " holds the code 3 in bits " +
             std::to_string(2 * plane + 1) + ":" + std::to_string(2 * plane) +
             "; ternary codes are 0, 1, 2 (w + 1)");
  PackedProjection projection;
  projection.outFeatures = out;
  projection.inFeatures = in;
  projection.packed.data = weight.data;
  projection.packed.size = weight.size;
  projection.scale = scale->toFloat()[0];
  if (!(projection.scale > 0) || !std::isfinite(projection.scale))
    fail(scale->file + ": tensor '" + scale->name + "' is " +
         std::to_string(projection.scale) + ", expected a positive scale");
  projection.divide = config.linearClass == LinearClass::BitLinear;
  return projection;
}

ModelWeights bitnet::hf::loadWeights(TensorStore &store, const BitNetConfig &config,
                                     std::vector<std::string> &warnings) {
  ModelWeights weights;
  int64_t hidden = config.hiddenSize, vocab = config.vocabSize;
  const TensorView &embedding = store.get("model.embed_tokens.weight");
  expectFloat(embedding);
  expectShape(embedding, {vocab, hidden}, "[vocab_size, hidden_size]");
  weights.embedding = keepAsIs(embedding);
  weights.finalNorm = loadNorm(store, "model.norm.weight", hidden);
  weights.parameters = embedding.getNumElements() + hidden;

  using C = BitNetConfig;
  using L = LayerWeights;
  static const ProjectionSpec kProjections[] = {
      {"self_attn.q_proj", &L::q, &C::numHeads, true, &C::hiddenSize, false},
      {"self_attn.k_proj", &L::k, &C::numKvHeads, true, &C::hiddenSize, false},
      {"self_attn.v_proj", &L::v, &C::numKvHeads, true, &C::hiddenSize, false},
      {"self_attn.o_proj", &L::o, &C::hiddenSize, false, &C::numHeads, true},
      {"mlp.gate_proj", &L::gate, &C::intermediateSize, false, &C::hiddenSize, false},
      {"mlp.up_proj", &L::up, &C::intermediateSize, false, &C::hiddenSize, false},
      {"mlp.down_proj", &L::down, &C::hiddenSize, false, &C::intermediateSize, false},
  };
  auto features = [&](int64_t C::*dim, bool inHeads) {
    return inHeads ? config.*dim * config.headDim : config.*dim;
  };
  for (int64_t i = 0; i < config.numLayers; ++i) {
    std::string prefix = "model.layers." + std::to_string(i) + ".";
    LayerWeights layer;
    layer.inputNorm = loadNorm(store, prefix + "input_layernorm.weight", hidden);
    layer.postAttentionNorm =
        loadNorm(store, prefix + "post_attention_layernorm.weight", hidden);
    layer.attnSubNorm = loadNorm(store, prefix + "self_attn.attn_sub_norm.weight", hidden);
    layer.ffnSubNorm = loadNorm(store, prefix + "mlp.ffn_sub_norm.weight",
                                config.intermediateSize);
    weights.parameters += 3 * hidden + config.intermediateSize;
    for (const ProjectionSpec &spec : kProjections) {
      int64_t out = features(spec.outDim, spec.outInHeads);
      int64_t in = features(spec.inDim, spec.inInHeads);
      layer.*spec.member = loadProjection(store, config, prefix + spec.module, out, in);
      weights.parameters += out * in;
    }
    weights.layers.push_back(std::move(layer));
  }

  const TensorView *head = store.find("lm_head.weight");
  if (config.tiedHead) {
    // BitNetForCausalLM ties lm_head.weight to the embedding.
    if (head)
      warnings.push_back(store.getSource() +
                         ": tensor 'lm_head.weight' ignored: tie_word_embeddings "
                         "is true, so the head is the embedding (as in transformers)");
  } else {
    if (!head)
      fail(store.getSource() +
           ": tensor 'lm_head.weight' is missing (tie_word_embeddings is false)");
    expectFloat(*head);
    expectShape(*head, {vocab, hidden}, "[vocab_size, hidden_size]");
    weights.head = keepAsIs(*head);
    weights.parameters += head->getNumElements();
  }
  std::vector<std::string> unused = store.getUnused();
  if (!unused.empty())
    fail(store.getSource() + ": unexpected tensor '" + unused.front() + "'" +
         (unused.size() > 1 ? " (and " + std::to_string(unused.size() - 1) + " more)" : "") +
         ": BitNetForCausalLM with this config has no such weight");
  return weights;
}
