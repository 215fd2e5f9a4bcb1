//===- Config.cpp - config.json of a BitNet checkpoint --------------------===//
//
// Every key is accounted for: the ones that shape the model are required
// (no silent default: BitNetConfig's defaults are the 2B-4T sizes), a few
// are accepted only with the value the exported graph implements
// (attention_bias false, rope_scaling default, ...), the bookkeeping keys of
// PretrainedConfig are ignored, and any other key is an error, because the
// exporter cannot know whether it changes the model.
//
//===----------------------------------------------------------------------===//
#include "HFExportImpl.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <iterator>
#include <sstream>

using namespace bitnet::hf;
using Json = nlohmann::json;

namespace {

/// Keys of PretrainedConfig and of the published configs that do not change
/// inference (dropout is off at inference; token ids are the tokenizer's).
const char *const kIgnoredKeys[] = {
    "_name_or_path",  "auto_map",         "transformers_version",
    "torch_dtype",    "dtype",            "use_cache",
    "initializer_range", "attention_dropout", "bos_token_id",
    "eos_token_id",   "pad_token_id",
};

/// Keys of quantization_config that carry no meaning for the graph.
const char *const kIgnoredQuantizationKeys[] = {"rms_norm_eps"};

class ConfigReader {
public:
  ConfigReader(const std::string &path, const Json &object, std::string scope)
      : path(path), object(object), scope(std::move(scope)) {}

  /// The value of `key`, marked as read; null when absent.
  const Json *lookup(const std::string &key) {
    seen.insert(key);
    auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
  }

  [[noreturn]] void error(const std::string &key, const std::string &what) {
    fail(path + ": " + scope + "'" + key + "' " + what);
  }

  const Json &require(const std::string &key, const std::string &why) {
    const Json *value = lookup(key);
    if (!value)
      error(key, "is missing (" + why + ")");
    return *value;
  }

  int64_t positiveInt(const Json &value, const std::string &key) {
    if (!value.is_number_integer() || value.get<int64_t>() <= 0 ||
        value.get<int64_t>() > (int64_t(1) << 31))
      error(key, "must be a positive integer, got " + value.dump());
    return value.get<int64_t>();
  }

  int64_t requireInt(const std::string &key) {
    return positiveInt(require(key, "it sets a size of the model"), key);
  }

  double requirePositive(const std::string &key) {
    const Json &value = require(key, "the model's numerics depend on it");
    if (!value.is_number() || !(value.get<double>() > 0) ||
        !std::isfinite(value.get<double>()))
      error(key, "must be a positive number, got " + value.dump());
    return value.get<double>();
  }

  std::string optionalString(const std::string &key, const std::string &otherwise) {
    const Json *value = lookup(key);
    if (!value)
      return otherwise;
    if (!value->is_string())
      error(key, "must be a string, got " + value->dump());
    return value->get<std::string>();
  }

  /// `key` may be absent or `expected`; anything else is a model the graph
  /// does not implement.
  void optionalBool(const std::string &key, bool expected, const std::string &why) {
    const Json *value = lookup(key);
    if (!value)
      return;
    if (!value->is_boolean())
      error(key, "must be true or false, got " + value->dump());
    if (value->get<bool>() != expected)
      error(key, std::string("is ") + (expected ? "false" : "true") + ": " + why);
  }

  /// Reports keys never looked up.
  void checkUnknown(const char *const *ignored, size_t numIgnored,
                    bool allowUnknown, std::vector<std::string> &warnings) {
    for (auto &item : object.items()) {
      const std::string &key = item.key();
      bool isIgnored = false;
      for (size_t i = 0; i < numIgnored; ++i)
        isIgnored |= key == ignored[i];
      if (seen.count(key) || isIgnored)
        continue;
      std::string message = path + ": " + scope + "unknown key '" + key +
                            "': the exporter does not know whether it "
                            "changes the model";
      if (!allowUnknown)
        fail(message + " (--allow-unknown-config-keys ignores it)");
      warnings.push_back(message + "; ignored");
    }
  }

private:
  const std::string &path;
  const Json &object;
  std::string scope;
  std::set<std::string> seen;
};

void parseQuantization(ConfigReader &top, const std::string &path,
                       BitNetConfig &config, bool allowUnknown,
                       std::vector<std::string> &warnings) {
  const Json &value = top.require(
      "quantization_config",
      "without it transformers loads plain float nn.Linear layers, which is "
      "not a BitNet model");
  if (!value.is_object())
    top.error("quantization_config", "must be an object, got " + value.dump());
  ConfigReader quant(path, value, "quantization_config: ");
  const Json &method = quant.require("quant_method", "it must be \"bitnet\"");
  if (method != "bitnet")
    quant.error("quant_method", "is " + method.dump() +
                                    ", expected \"bitnet\" (other methods "
                                    "pack their weights differently)");
  // BitNetQuantConfig's defaults: bitlinear, offline.
  std::string linear = quant.optionalString("linear_class", "bitlinear");
  if (linear == "bitlinear")
    config.linearClass = LinearClass::BitLinear;
  else if (linear == "autobitlinear")
    config.linearClass = LinearClass::AutoBitLinear;
  else
    quant.error("linear_class",
                "is \"" + linear + "\", expected \"bitlinear\" or \"autobitlinear\"");
  std::string mode = quant.optionalString("quantization_mode", "offline");
  if (mode == "offline")
    config.mode = QuantizationMode::Offline;
  else if (mode == "online")
    config.mode = QuantizationMode::Online;
  else
    quant.error("quantization_mode",
                "is \"" + mode + "\", expected \"offline\" or \"online\"");
  quant.optionalBool("use_rms_norm", false,
                     "an extra RMSNorm inside every BitLinear is not exported");
  if (const Json *skip = quant.lookup("modules_to_not_convert")) {
    bool onlyHead = skip->is_null() || skip->is_array();
    if (skip->is_array())
      for (const Json &name : *skip)
        onlyHead &= name == "lm_head";
    if (!onlyHead)
      quant.error("modules_to_not_convert",
                  "is " + skip->dump() +
                      ": only lm_head may stay a float layer (it always does)");
  }
  quant.checkUnknown(kIgnoredQuantizationKeys,
                     std::size(kIgnoredQuantizationKeys), allowUnknown, warnings);
}

} // namespace

BitNetConfig bitnet::hf::parseConfig(const std::string &path, bool allowUnknown,
                                     std::vector<std::string> &warnings) {
  std::ifstream in(path);
  if (!in)
    fail(path + ": cannot read (a checkpoint directory holds config.json)");
  std::stringstream text;
  text << in.rdbuf();
  Json json = Json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded())
    fail(path + ": not valid JSON");
  if (!json.is_object())
    fail(path + ": expected a JSON object");
  ConfigReader top(path, json, "");
  BitNetConfig config;

  std::string modelType = top.optionalString("model_type", "bitnet");
  if (modelType != "bitnet")
    top.error("model_type", "is \"" + modelType + "\", expected \"bitnet\"");
  if (const Json *archs = top.lookup("architectures")) {
    bool known = false;
    if (archs->is_array())
      for (const Json &arch : *archs)
        known |= arch == "BitNetForCausalLM";
    if (!known)
      top.error("architectures",
                "is " + archs->dump() + ", expected [\"BitNetForCausalLM\"]");
  }
  std::string act = top.optionalString("hidden_act", "");
  if (act.empty())
    top.require("hidden_act", "the FFN activation, \"relu2\"");
  if (act != "relu2")
    top.error("hidden_act", "is \"" + act +
                                "\", expected \"relu2\" (squared ReLU, the "
                                "only activation BitNetMLP is exported with)");

  config.hiddenSize = top.requireInt("hidden_size");
  config.intermediateSize = top.requireInt("intermediate_size");
  config.numLayers = top.requireInt("num_hidden_layers");
  config.numHeads = top.requireInt("num_attention_heads");
  config.numKvHeads = top.requireInt("num_key_value_heads");
  config.vocabSize = top.requireInt("vocab_size");
  config.rmsNormEps = top.requirePositive("rms_norm_eps");
  config.ropeTheta = top.requirePositive("rope_theta");
  const Json &tied = top.require("tie_word_embeddings",
                                 "it says whether lm_head is the embedding");
  if (!tied.is_boolean())
    top.error("tie_word_embeddings", "must be true or false, got " + tied.dump());
  config.tiedHead = tied.get<bool>();
  // BitNetAttention: head_dim from the config if given, else hidden / heads.
  const Json *headDim = top.lookup("head_dim");
  config.headDim = headDim ? top.positiveInt(*headDim, "head_dim")
                           : config.hiddenSize / config.numHeads;
  if (const Json *maxPositions = top.lookup("max_position_embeddings"))
    config.maxPositions = top.positiveInt(*maxPositions, "max_position_embeddings");

  top.optionalBool("attention_bias", false,
                   "q/k/v/o biases are not exported");
  if (const Json *scaling = top.lookup("rope_scaling")) {
    std::string type = "default";
    if (scaling->is_object()) {
      type = scaling->value("rope_type", scaling->value("type", std::string("?")));
    } else if (!scaling->is_null()) {
      type = scaling->dump();
    }
    if (type != "default")
      top.error("rope_scaling", "is " + scaling->dump() +
                                    ": only the default rotary embedding "
                                    "(null) is exported");
  }
  if (const Json *factor = top.lookup("partial_rotary_factor"))
    if (!factor->is_number() || factor->get<double>() != 1.0)
      top.error("partial_rotary_factor",
                "is " + factor->dump() + ": only 1.0 (rotary over the whole head) is exported");
  parseQuantization(top, path, config, allowUnknown, warnings);
  top.checkUnknown(kIgnoredKeys, std::size(kIgnoredKeys), allowUnknown, warnings);

  if (config.numHeads % config.numKvHeads != 0)
    fail(path + ": num_attention_heads (" + std::to_string(config.numHeads) +
         ") is not a multiple of num_key_value_heads (" +
         std::to_string(config.numKvHeads) + ")");
  if (config.headDim % 2 != 0)
    fail(path + ": head_dim " + std::to_string(config.headDim) +
         " is odd; rotate_half needs an even head dimension");
  if (config.numHeads * config.headDim != config.hiddenSize)
    fail(path + ": num_attention_heads * head_dim = " +
         std::to_string(config.numHeads * config.headDim) +
         " differs from hidden_size " + std::to_string(config.hiddenSize) +
         " (attn_sub_norm normalizes hidden_size values of the attention output)");
  return config;
}
