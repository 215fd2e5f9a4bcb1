#include "Bpe.h"

#include "Error.h"
#include "Unicode.h"

#include <cstdio>
#include <queue>

namespace bitnet::tokenizer {

namespace {

// Hugging Face caches 10,000 words shorter than 256 bytes; the cache only
// saves time, so its size is ours to choose.
constexpr size_t cacheCapacity = 65536;
constexpr size_t cacheMaxWordBytes = 256;

struct Symbol {
  int32_t id;
  int32_t prev, next; // neighbours in the word, -1 at the ends
  size_t bytes;       // 0 once merged into its left neighbour
};

struct Candidate {
  uint32_t rank;
  size_t pos;
  int32_t newId;
  // std::priority_queue pops the largest: lowest rank, then leftmost.
  bool operator<(const Candidate &other) const {
    if (rank != other.rank)
      return rank > other.rank;
    return pos > other.pos;
  }
};

} // namespace

Bpe::Bpe(const JsonNode &model) {
  if (!model.isObject())
    model.expected("a model object");
  std::string type = model.has("type") ? model.type() : "BPE";
  if (type != "BPE")
    failUnsupported(model, "model", type, "BPE");
  JsonNode dropout = model["dropout"];
  if (!dropout.isNull()) {
    if (!dropout.raw().is_number())
      dropout.expected("a number or null");
    double p = dropout.raw().get<double>();
    if (p < 0.0 || p > 1.0)
      dropout.fail("dropout must be in [0, 1]");
    if (p > 0.0)
      dropout.fail("BPE dropout (random merges) is not supported");
  }
  if (model.has("unk_token"))
    unkToken_ = model["unk_token"].string();
  if (model.has("continuing_subword_prefix"))
    prefix_ = model["continuing_subword_prefix"].string();
  if (model.has("end_of_word_suffix"))
    suffix_ = model["end_of_word_suffix"].string();
  fuseUnk_ = model.booleanOr("fuse_unk", false);
  byteFallback_ = model.booleanOr("byte_fallback", false);
  ignoreMerges_ = model.booleanOr("ignore_merges", false);
  readVocab(model["vocab"]);
  readMerges(model["merges"]);
  if (!prefix_ && !suffix_) {
    charIds_.assign(0x800, -1);
    std::string one;
    for (uint32_t cp = 0; cp < charIds_.size(); ++cp) {
      one.clear();
      appendUtf8(one, cp);
      charIds_[cp] = tokenToId(one);
    }
  }
}

void Bpe::readVocab(const JsonNode &vocab) {
  if (!vocab.isObject())
    vocab.expected("an object of token: id");
  vocab_.reserve(vocab.raw().size());
  byId_.reserve(vocab.raw().size());
  for (const auto &[token, idValue] : vocab.raw().items()) {
    JsonNode idNode(idValue, vocab.path() + "[\"" + token + "\"]");
    int64_t id = idNode.integer();
    if (id < 0 || id >= INT32_MAX)
      idNode.fail("token id " + std::to_string(id) + " is out of range");
    const std::string &stored = storage_.emplace_back(token);
    auto id32 = static_cast<int32_t>(id);
    vocab_[stored] = id32;
    byId_.emplace(id32, &stored); // the first token of a duplicated id wins
    if (id32 > maxId_)
      maxId_ = id32;
  }
}

void Bpe::MergeTable::reserve(size_t count) {
  size_t capacity = 16;
  int shift = 60;
  while (capacity < 2 * count) {
    capacity *= 2;
    --shift;
  }
  slots_.assign(capacity, Slot());
  shift_ = shift;
  used_ = 0;
}

void Bpe::MergeTable::set(int32_t left, int32_t right, Merge merge) {
  if (2 * (used_ + 1) > slots_.size()) {
    std::vector<Slot> old = std::move(slots_);
    reserve(old.size());
    for (const Slot &slot : old)
      if (slot.key != emptyKey)
        set(static_cast<int32_t>(slot.key >> 32),
            static_cast<int32_t>(slot.key & 0xFFFFFFFF), slot.merge);
  }
  uint64_t key = (static_cast<uint64_t>(left) << 32) |
                 static_cast<uint32_t>(right);
  size_t mask = slots_.size() - 1;
  for (size_t i = slotOf(key);; i = (i + 1) & mask) {
    if (slots_[i].key == key) {
      slots_[i].merge = merge;
      return;
    }
    if (slots_[i].key == emptyKey) {
      slots_[i] = {key, merge};
      ++used_;
      return;
    }
  }
}

const Bpe::Merge *Bpe::MergeTable::find(int32_t left, int32_t right) const {
  if (slots_.empty())
    return nullptr;
  uint64_t key = (static_cast<uint64_t>(left) << 32) |
                 static_cast<uint32_t>(right);
  size_t mask = slots_.size() - 1;
  for (size_t i = slotOf(key);; i = (i + 1) & mask) {
    if (slots_[i].key == key)
      return &slots_[i].merge;
    if (slots_[i].key == emptyKey)
      return nullptr;
  }
}

void Bpe::readMerges(const JsonNode &merges) {
  uint32_t rank = 0;
  merges_.reserve(merges.size());
  for (size_t i = 0; i < merges.size(); ++i) {
    JsonNode merge = merges.at(i);
    if (merge.isString()) {
      // Legacy "left right"; merges.txt's "#version" lines are no merges.
      std::string line = merge.string();
      if (line.rfind("#version", 0) == 0)
        continue;
      size_t space = line.find(' ');
      if (space == std::string::npos ||
          line.find(' ', space + 1) != std::string::npos)
        merge.fail("expected \"left right\" with one space, got \"" + line +
                   "\"");
      addMerge(merge, rank++, line.substr(0, space), line.substr(space + 1));
    } else if (merge.isArray() && merge.size() == 2) {
      addMerge(merge, rank++, merge.at(0).string(), merge.at(1).string());
    } else {
      merge.expected("\"left right\" or [\"left\", \"right\"]");
    }
  }
}

void Bpe::addMerge(const JsonNode &where, uint32_t rank,
                   const std::string &left, const std::string &right) {
  int32_t leftId = tokenToId(left), rightId = tokenToId(right);
  size_t prefixBytes = prefix_ ? prefix_->size() : 0;
  if (leftId < 0 || rightId < 0)
    where.fail("merge token '" + (leftId < 0 ? left : right) +
               "' is not in the vocabulary");
  if (right.size() < prefixBytes)
    where.fail("merge token '" + right +
               "' is shorter than continuing_subword_prefix");
  std::string merged = left + right.substr(prefixBytes);
  int32_t newId = tokenToId(merged);
  if (newId < 0)
    where.fail("merged token '" + merged + "' is not in the vocabulary");
  // A repeated pair keeps its last rank, as Hugging Face's map does.
  merges_.set(leftId, rightId, {rank, newId});
}

int32_t Bpe::tokenToId(std::string_view token) const {
  auto it = vocab_.find(token);
  return it == vocab_.end() ? -1 : it->second;
}

const std::string *Bpe::idToToken(int32_t id) const {
  auto it = byId_.find(id);
  return it == byId_.end() ? nullptr : it->second;
}

void Bpe::tokenize(const std::string &word, std::vector<int32_t> &out) const {
  if (word.empty())
    return;
  if (ignoreMerges_) {
    int32_t id = tokenToId(word);
    if (id >= 0) {
      out.push_back(id);
      return;
    }
  }
  bool cacheable = word.size() < cacheMaxWordBytes;
  if (cacheable) {
    std::lock_guard<std::mutex> lock(cacheMutex_);
    auto it = cache_.find(word);
    if (it != cache_.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  std::vector<int32_t> ids = mergeWord(word);
  out.insert(out.end(), ids.begin(), ids.end());
  if (cacheable) {
    std::lock_guard<std::mutex> lock(cacheMutex_);
    if (cache_.size() < cacheCapacity)
      cache_.emplace(word, std::move(ids));
  }
}

std::vector<int32_t> Bpe::mergeWord(const std::string &word) const {
  std::vector<Symbol> symbols;
  symbols.reserve(word.size());
  auto add = [&](int32_t id, size_t bytes) {
    auto index = static_cast<int32_t>(symbols.size());
    if (index > 0)
      symbols.back().next = index;
    symbols.push_back({id, index - 1, -1, bytes});
  };
  // A run of unknown characters waiting for the next known one (fuse_unk
  // makes it one unk token).
  int32_t pendingUnk = -1;
  size_t pendingBytes = 0;
  auto unkId = [&] {
    int32_t id = tokenToId(*unkToken_);
    if (id < 0)
      fail(BITNET_ERR_FORMAT, "model.unk_token: '" + *unkToken_ +
                                  "' is not in the vocabulary");
    return id;
  };

  std::string piece;
  for (size_t pos = 0; pos < word.size();) {
    size_t bytes = utf8Length(word, pos);
    piece.clear();
    if (pos > 0 && prefix_)
      piece += *prefix_;
    piece.append(word, pos, bytes);
    if (pos + bytes == word.size() && suffix_)
      piece += *suffix_;
    pos += bytes;

    uint32_t cp = bytes <= 2 ? decodeUtf8(piece, 0) : 0x800;
    int32_t id = cp < charIds_.size() ? charIds_[cp] : tokenToId(piece);
    if (id >= 0) {
      if (pendingUnk >= 0)
        add(pendingUnk, pendingBytes);
      pendingUnk = -1;
      add(id, bytes);
      continue;
    }
    if (byteFallback_) {
      std::vector<int32_t> byteIds;
      for (unsigned char b : piece) {
        char name[8];
        std::snprintf(name, sizeof name, "<0x%02X>", b);
        int32_t byteId = tokenToId(name);
        if (byteId < 0)
          break;
        byteIds.push_back(byteId);
      }
      if (byteIds.size() == piece.size()) {
        for (int32_t byteId : byteIds)
          add(byteId, 1);
        continue;
      }
    }
    if (!unkToken_)
      continue; // Hugging Face drops a character it cannot encode
    if (pendingUnk >= 0 && fuseUnk_) {
      pendingBytes += bytes;
    } else {
      if (pendingUnk >= 0)
        add(pendingUnk, pendingBytes);
      pendingUnk = unkId();
      pendingBytes = bytes;
    }
  }
  if (pendingUnk >= 0)
    add(pendingUnk, pendingBytes);

  // Merge the lowest-ranked adjacent pair first (leftmost on ties) until
  // none is left; entries made stale by earlier merges are skipped.
  std::priority_queue<Candidate> queue;
  auto consider = [&](int32_t left) {
    if (left < 0 || symbols[left].next < 0)
      return;
    const Merge *merge =
        merges_.find(symbols[left].id, symbols[symbols[left].next].id);
    if (merge)
      queue.push({merge->rank, static_cast<size_t>(left), merge->newId});
  };
  for (size_t i = 0; i + 1 < symbols.size(); ++i)
    consider(static_cast<int32_t>(i));
  while (!queue.empty()) {
    Candidate top = queue.top();
    queue.pop();
    Symbol &left = symbols[top.pos];
    if (left.bytes == 0 || left.next < 0)
      continue;
    Symbol &right = symbols[left.next];
    const Merge *merge = merges_.find(left.id, right.id);
    if (!merge || merge->newId != top.newId)
      continue;
    left.id = top.newId;
    left.bytes += right.bytes;
    right.bytes = 0;
    left.next = right.next;
    if (right.next >= 0)
      symbols[right.next].prev = static_cast<int32_t>(top.pos);
    consider(left.prev);
    consider(static_cast<int32_t>(top.pos));
  }

  std::vector<int32_t> ids;
  for (const Symbol &s : symbols)
    if (s.bytes != 0)
      ids.push_back(s.id);
  return ids;
}

} // namespace bitnet::tokenizer
