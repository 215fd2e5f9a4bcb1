// A loaded tokenizer.json: the pipeline of Hugging Face's
// TokenizerImpl::encode (added tokens, normalizer, pre-tokenizer, BPE,
// post-processor) and decode (token strings, decoder).
#ifndef BITNET_TOKENIZER_TOKENIZER_H
#define BITNET_TOKENIZER_TOKENIZER_H

#include "AddedVocabulary.h"
#include "Bpe.h"
#include "Components.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bitnet::tokenizer {

class Tokenizer {
public:
  // Throws Error; messages start with `path`.
  static std::unique_ptr<Tokenizer> load(const std::string &path);
  // The same from the file's contents; `name` starts the messages.
  static std::unique_ptr<Tokenizer> parse(std::string_view json,
                                          const std::string &name);

  // `text` must be valid UTF-8 (checked: BITNET_ERR_ARGUMENT).
  std::vector<int32_t> encode(std::string_view text, bool addBos) const;
  // Ids must be in range (checked: BITNET_ERR_ARGUMENT).
  std::string decode(const int32_t *ids, size_t count) const;

  int32_t tokenToId(const std::string &token) const;
  int32_t bosId() const { return bosId_; }
  int32_t eosId() const { return eosId_; }
  int32_t vocabSize() const { return vocabSize_; }

private:
  Tokenizer(const JsonNode &root);
  int32_t findByName(const char *const *names) const;

  std::unique_ptr<Normalizer> normalizer_;
  std::unique_ptr<PreTokenizer> preTokenizer_;
  std::unique_ptr<Bpe> model_;
  std::unique_ptr<AddedVocabulary> added_;
  std::unique_ptr<PostProcessor> postProcessor_;
  std::unique_ptr<Decoder> decoder_;
  int32_t bosId_ = -1, eosId_ = -1, vocabSize_ = 0;
};

} // namespace bitnet::tokenizer

#endif // BITNET_TOKENIZER_TOKENIZER_H
