// The BPE model of tokenizer.json: vocabulary, ranked merges and the word
// encoding of Hugging Face's BPE::tokenize (ignore_merges, byte_fallback,
// unk_token with fuse_unk, continuing_subword_prefix, end_of_word_suffix).
#ifndef BITNET_TOKENIZER_BPE_H
#define BITNET_TOKENIZER_BPE_H

#include "Json.h"

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace bitnet::tokenizer {

class Bpe {
public:
  // Reads the "model" object; throws Error (BITNET_ERR_FORMAT) naming the
  // field for a model type other than BPE, a merge of unknown tokens, ...
  explicit Bpe(const JsonNode &model);

  // Appends the ids of one pre-tokenized word.
  void tokenize(const std::string &word, std::vector<int32_t> &out) const;

  // -1 if absent.
  int32_t tokenToId(std::string_view token) const;
  // nullptr if absent.
  const std::string *idToToken(int32_t id) const;
  // Vocabulary entries (Hugging Face's get_vocab_size), and the largest id.
  size_t size() const { return vocab_.size(); }
  int32_t maxId() const { return maxId_; }

private:
  struct Merge {
    uint32_t rank;
    int32_t newId;
  };
  // (left id, right id) -> merge, open addressing: the merge loop's lookups
  // are most of the encoding time, and a node-based map misses the cache.
  class MergeTable {
  public:
    void reserve(size_t count);
    // Inserts or replaces.
    void set(int32_t left, int32_t right, Merge merge);
    const Merge *find(int32_t left, int32_t right) const;

  private:
    struct Slot {
      uint64_t key = emptyKey;
      Merge merge{};
    };
    static constexpr uint64_t emptyKey = ~uint64_t{0}; // ids are < 2^31
    size_t slotOf(uint64_t key) const {
      return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_);
    }
    std::vector<Slot> slots_;
    size_t used_ = 0;
    int shift_ = 64;
  };
  void readVocab(const JsonNode &vocab);
  void readMerges(const JsonNode &merges);
  void addMerge(const JsonNode &where, uint32_t rank, const std::string &left,
                const std::string &right);
  std::vector<int32_t> mergeWord(const std::string &word) const;

  std::deque<std::string> storage_; // owns the strings the maps view
  std::unordered_map<std::string_view, int32_t> vocab_;
  std::unordered_map<int32_t, const std::string *> byId_;
  MergeTable merges_;
  // Ids of the one-character tokens below U+0800 (the byte-level alphabet
  // among them), -1 where none: the first step of every word without a
  // hash lookup per character. Empty with a subword prefix or suffix.
  std::vector<int32_t> charIds_;
  int32_t maxId_ = -1;

  std::optional<std::string> unkToken_;
  std::optional<std::string> prefix_; // continuing_subword_prefix
  std::optional<std::string> suffix_; // end_of_word_suffix
  bool fuseUnk_ = false;
  bool byteFallback_ = false;
  bool ignoreMerges_ = false;

  // Words already encoded; bounded, and locked so that encoding stays safe
  // from several threads.
  mutable std::mutex cacheMutex_;
  mutable std::unordered_map<std::string, std::vector<int32_t>> cache_;
};

} // namespace bitnet::tokenizer

#endif // BITNET_TOKENIZER_BPE_H
