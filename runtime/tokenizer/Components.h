// The pipeline stages of a tokenizer.json other than the model, each an
// interface with one implementation per supported "type", read by a factory
// that rejects the types it does not know with a message naming them.
//
// Strings are UTF-8 and only ids matter, so unlike Hugging Face's
// NormalizedString no offsets are tracked.
#ifndef BITNET_TOKENIZER_COMPONENTS_H
#define BITNET_TOKENIZER_COMPONENTS_H

#include "Json.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace bitnet::tokenizer {

// Rewrites a piece of text between added tokens ("normalizer").
class Normalizer {
public:
  virtual ~Normalizer() = default;
  virtual void normalize(std::string &text) const = 0;
};

// Splits the pieces of text into the words the model encodes one by one
// ("pre_tokenizer"). Empty pieces are dropped after every split, as
// Hugging Face's PreTokenizedString::split does.
class PreTokenizer {
public:
  virtual ~PreTokenizer() = default;
  virtual void preTokenize(std::vector<std::string> &pieces) const = 0;
};

// Turns token strings back into text ("decoder"): Hugging Face's
// decode_chain, whose results are then concatenated.
class Decoder {
public:
  virtual ~Decoder() = default;
  virtual void decodeChain(std::vector<std::string> &tokens) const = 0;
};

// Ids added around an encoding when special tokens are requested
// ("post_processor"); only single sequences (no pairs).
class PostProcessor {
public:
  virtual ~PostProcessor() = default;
  // Hugging Face's process(encoding, None, add_special_tokens=True).
  virtual void addSpecialTokens(std::vector<int32_t> &ids) const = 0;
  // Whether addSpecialTokens changes anything (false for ByteLevel).
  virtual bool hasTemplate() const = 0;
  // The special token ids put before and after the text; -1 if none.
  virtual int32_t bosId() const { return -1; }
  virtual int32_t eosId() const { return -1; }
};

// Each returns nullptr for a JSON null (no such stage).
std::unique_ptr<Normalizer> readNormalizer(const JsonNode &node);
std::unique_ptr<PreTokenizer> readPreTokenizer(const JsonNode &node);
std::unique_ptr<Decoder> readDecoder(const JsonNode &node);
std::unique_ptr<PostProcessor> readPostProcessor(const JsonNode &node);

} // namespace bitnet::tokenizer

#endif // BITNET_TOKENIZER_COMPONENTS_H
