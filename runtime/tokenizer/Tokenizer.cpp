#include "Tokenizer.h"

#include "Error.h"
#include "Unicode.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace bitnet::tokenizer {

std::unique_ptr<Tokenizer> Tokenizer::load(const std::string &path) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    fail(BITNET_ERR_IO,
         "cannot open '" + path + "': " + std::strerror(errno));
  std::ostringstream contents;
  contents << file.rdbuf();
  if (file.bad())
    fail(BITNET_ERR_IO, "cannot read '" + path + "'");
  return parse(contents.str(), path);
}

std::unique_ptr<Tokenizer> Tokenizer::parse(std::string_view json,
                                            const std::string &name) {
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(json.begin(), json.end());
  } catch (const nlohmann::json::exception &e) {
    fail(BITNET_ERR_FORMAT, name + ": invalid JSON: " + e.what());
  }
  try {
    return std::unique_ptr<Tokenizer>(new Tokenizer(JsonNode(root, "")));
  } catch (const Error &e) {
    fail(e.status(), name + ": " + e.what());
  } catch (const nlohmann::json::exception &e) {
    fail(BITNET_ERR_FORMAT, name + ": " + e.what());
  }
}

Tokenizer::Tokenizer(const JsonNode &root) {
  if (!root.isObject())
    root.expected("a tokenizer object");
  JsonNode version = root["version"];
  if (!version.isNull() && version.string() != "1.0")
    version.fail("unknown tokenizer.json version '" + version.string() +
                 "' (expected 1.0)");
  // Both change the ids of a single encoding; Llama 3's file has neither.
  for (const char *key : {"truncation", "padding"})
    if (root.has(key))
      root[key].fail("is not supported (expected null)");

  normalizer_ = readNormalizer(root["normalizer"]);
  preTokenizer_ = readPreTokenizer(root["pre_tokenizer"]);
  if (!root.has("model"))
    root["model"].fail("missing");
  model_ = std::make_unique<Bpe>(root["model"]);
  added_ = std::make_unique<AddedVocabulary>(root["added_tokens"], *model_,
                                             normalizer_.get());
  postProcessor_ = readPostProcessor(root["post_processor"]);
  decoder_ = readDecoder(root["decoder"]);

  int32_t maxId = std::max(model_->maxId(), added_->maxId());
  vocabSize_ = maxId + 1;
  static const char *const bosNames[] = {"<|begin_of_text|>", "<s>", "<bos>",
                                         "<|startoftext|>", nullptr};
  static const char *const eosNames[] = {"<|end_of_text|>", "</s>", "<eos>",
                                         "<|endoftext|>", nullptr};
  bosId_ = postProcessor_ ? postProcessor_->bosId() : -1;
  if (bosId_ < 0)
    bosId_ = findByName(bosNames);
  eosId_ = postProcessor_ ? postProcessor_->eosId() : -1;
  if (eosId_ < 0)
    eosId_ = findByName(eosNames);
}

int32_t Tokenizer::findByName(const char *const *names) const {
  for (; *names; ++names) {
    int32_t id = added_->tokenToId(*names);
    if (id >= 0)
      return id;
  }
  return -1;
}

int32_t Tokenizer::tokenToId(const std::string &token) const {
  int32_t id = added_->tokenToId(token);
  return id >= 0 ? id : model_->tokenToId(token);
}

std::vector<int32_t> Tokenizer::encode(std::string_view text,
                                       bool addBos) const {
  size_t bad = findInvalidUtf8(text);
  if (bad != std::string_view::npos)
    fail(BITNET_ERR_ARGUMENT, "text is not valid UTF-8 at byte " +
                                  std::to_string(bad));
  std::vector<int32_t> ids;
  std::vector<std::string> words;
  for (Piece &piece : added_->extract(std::string(text), normalizer_.get())) {
    if (piece.id >= 0) {
      ids.push_back(piece.id);
      continue;
    }
    words.clear();
    words.push_back(std::move(piece.text));
    if (preTokenizer_)
      preTokenizer_->preTokenize(words);
    for (const std::string &word : words)
      model_->tokenize(word, ids);
  }
  if (addBos) {
    if (postProcessor_ && postProcessor_->hasTemplate())
      postProcessor_->addSpecialTokens(ids);
    else if (bosId_ >= 0)
      ids.insert(ids.begin(), bosId_);
    else
      fail(BITNET_ERR_ARGUMENT,
           "cannot add BOS: the tokenizer has no post_processor template "
           "and no BOS token");
  }
  return ids;
}

std::string Tokenizer::decode(const int32_t *ids, size_t count) const {
  std::vector<std::string> tokens;
  tokens.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    int32_t id = ids[i];
    const std::string *token = added_->decodeString(id);
    if (!token)
      token = model_->idToToken(id);
    if (!token) {
      std::string what = id < 0 || id >= vocabSize_
                             ? " is out of range [0, " +
                                   std::to_string(vocabSize_) + ")"
                             : " has no token";
      fail(BITNET_ERR_ARGUMENT, "token id " + std::to_string(id) +
                                    " at index " + std::to_string(i) + what);
    }
    tokens.push_back(*token);
  }
  if (!decoder_) {
    // Hugging Face joins the tokens with spaces when there is no decoder.
    std::string joined;
    for (size_t i = 0; i < tokens.size(); ++i)
      joined += (i ? " " : "") + tokens[i];
    return joined;
  }
  decoder_->decodeChain(tokens);
  std::string text;
  for (const std::string &part : tokens)
    text += part;
  return text;
}

} // namespace bitnet::tokenizer
