// The "added_tokens" of tokenizer.json (special tokens such as
// <|begin_of_text|>, and plain added ones) and how Hugging Face finds them in
// the text before anything else runs: leftmost-longest matching of their
// contents, with the single_word, lstrip and rstrip rules.
#ifndef BITNET_TOKENIZER_ADDED_VOCABULARY_H
#define BITNET_TOKENIZER_ADDED_VOCABULARY_H

#include "Bpe.h"
#include "Components.h"
#include "Json.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace bitnet::tokenizer {

// A piece of the input: text still to tokenize (id < 0) or an added token.
struct Piece {
  std::string text;
  int32_t id = -1;
};

class AddedVocabulary {
public:
  // Reads "added_tokens" and assigns ids as Hugging Face's add_tokens does:
  // the model's id for a content the vocabulary has, otherwise the next id
  // after the model (the "id" field is only checked there, not used).
  AddedVocabulary(const JsonNode &addedTokens, const Bpe &model,
                  const Normalizer *normalizer);

  // Hugging Face's extract_and_normalize: splits off the tokens matched on
  // the raw text (normalized: false), normalizes the rest, then splits off
  // the tokens matched on normalized text (normalized: true). Empty pieces
  // are dropped.
  std::vector<Piece> extract(const std::string &text,
                             const Normalizer *normalizer) const;

  // -1 if absent.
  int32_t tokenToId(const std::string &content) const;
  // The string the decoder gets for an added token id; nullptr if `id` is
  // not one.
  const std::string *decodeString(int32_t id) const;
  int32_t maxId() const { return maxId_; }

private:
  struct Token {
    std::string content;
    std::string pattern; // what is matched: the normalized content if
                         // normalized and a normalizer changes it
    int32_t id;
    bool singleWord, lstrip, rstrip, normalized, special;
  };
  // A byte trie over the patterns of one group (normalized or not).
  class Matcher {
  public:
    void add(const std::string &pattern, size_t token);
    bool empty() const { return terminal_.size() <= 1; }
    // The leftmost match at or after `from`, longest there: its token
    // index and end; false if none.
    bool find(const std::string &text, size_t from, size_t &begin,
              size_t &end, size_t &token) const;

  private:
    int32_t child(int32_t node, uint8_t byte) const;
    std::unordered_map<uint64_t, int32_t> edges_;
    std::vector<int64_t> terminal_{-1}; // token index per node, -1 if none
    bool firstByte_[256] = {};
  };

  void split(std::vector<Piece> &pieces, const Matcher &matcher) const;

  std::vector<Token> tokens_;
  std::unordered_map<std::string, size_t> byContent_;
  std::unordered_map<int32_t, size_t> byId_;
  Matcher raw_, normalized_;
  int32_t maxId_ = -1;
};

} // namespace bitnet::tokenizer

#endif // BITNET_TOKENIZER_ADDED_VOCABULARY_H
