#include "AddedVocabulary.h"

#include "Regex.h"
#include "Unicode.h"

#include <algorithm>

namespace bitnet::tokenizer {

namespace {

// Start of the character that ends text[..pos] (pos > 0).
size_t previousChar(const std::string &text, size_t pos) {
  do
    --pos;
  while (pos > 0 && (static_cast<uint8_t>(text[pos]) & 0xC0) == 0x80);
  return pos;
}

} // namespace

AddedVocabulary::AddedVocabulary(const JsonNode &addedTokens,
                                 const Bpe &model,
                                 const Normalizer *normalizer) {
  if (addedTokens.isNull())
    return;
  // Hugging Face starts after the model's entry count (a sparse
  // vocabulary's ids may already be taken; it does not check).
  auto nextId = static_cast<int64_t>(model.size());
  for (size_t i = 0; i < addedTokens.size(); ++i) {
    JsonNode node = addedTokens.at(i);
    if (!node.isObject())
      node.expected("an added token object");
    Token token;
    token.content = node["content"].string();
    token.special = node.booleanOr("special", false);
    token.singleWord = node.booleanOr("single_word", false);
    token.lstrip = node.booleanOr("lstrip", false);
    token.rstrip = node.booleanOr("rstrip", false);
    token.normalized = node.booleanOr("normalized", !token.special);
    if (findInvalidUtf8(token.content) != std::string::npos)
      node["content"].fail("not valid UTF-8");
    if (token.content.empty())
      continue; // ignored by Hugging Face
    token.pattern = token.content;
    if (token.normalized && normalizer)
      normalizer->normalize(token.pattern);

    auto known = byContent_.find(token.content);
    if (known != byContent_.end()) {
      // The same content again: same id, the later flags win.
      token.id = tokens_[known->second].id;
      tokens_[known->second] = token;
      continue;
    }
    int32_t id = model.tokenToId(token.content);
    if (id < 0) {
      if (nextId >= INT32_MAX)
        node.fail("too many tokens");
      id = static_cast<int32_t>(nextId++);
    }
    token.id = id;
    byContent_.emplace(token.content, tokens_.size());
    byId_[id] = tokens_.size();
    tokens_.push_back(token);
    maxId_ = std::max(maxId_, id);
  }
  for (size_t i = 0; i < tokens_.size(); ++i) {
    // An id taken over by a later content only matches as that one.
    if (byId_[tokens_[i].id] != i || tokens_[i].pattern.empty())
      continue;
    (tokens_[i].normalized ? normalized_ : raw_).add(tokens_[i].pattern, i);
  }
}

int32_t AddedVocabulary::tokenToId(const std::string &content) const {
  auto it = byContent_.find(content);
  return it == byContent_.end() ? -1 : tokens_[it->second].id;
}

const std::string *AddedVocabulary::decodeString(int32_t id) const {
  auto it = byId_.find(id);
  if (it == byId_.end())
    return nullptr;
  const Token &token = tokens_[it->second];
  return token.normalized ? &token.pattern : &token.content;
}

void AddedVocabulary::Matcher::add(const std::string &pattern, size_t token) {
  int32_t node = 0;
  for (unsigned char byte : pattern) {
    int32_t next = child(node, byte);
    if (next < 0) {
      next = static_cast<int32_t>(terminal_.size());
      terminal_.push_back(-1);
      edges_.emplace((static_cast<uint64_t>(node) << 8) | byte, next);
    }
    node = next;
  }
  firstByte_[static_cast<unsigned char>(pattern[0])] = true;
  if (terminal_[node] < 0)
    terminal_[node] = static_cast<int64_t>(token);
}

int32_t AddedVocabulary::Matcher::child(int32_t node, uint8_t byte) const {
  auto it = edges_.find((static_cast<uint64_t>(node) << 8) | byte);
  return it == edges_.end() ? -1 : it->second;
}

bool AddedVocabulary::Matcher::find(const std::string &text, size_t from,
                                    size_t &begin, size_t &end,
                                    size_t &token) const {
  for (size_t start = from; start < text.size(); ++start) {
    if (!firstByte_[static_cast<unsigned char>(text[start])])
      continue;
    int64_t best = -1;
    int32_t node = 0;
    for (size_t pos = start; pos < text.size(); ++pos) {
      node = child(node, static_cast<uint8_t>(text[pos]));
      if (node < 0)
        break;
      if (terminal_[node] >= 0) {
        best = terminal_[node];
        end = pos + 1;
      }
    }
    if (best >= 0) {
      begin = start;
      token = static_cast<size_t>(best);
      return true;
    }
  }
  return false;
}

// AddedVocabulary::find_matches of Hugging Face, on each piece not yet
// matched. Matching resumes after a match's own end even when rstrip took
// more, as the automaton there does.
void AddedVocabulary::split(std::vector<Piece> &pieces,
                            const Matcher &matcher) const {
  const CharClasses &classes = CharClasses::get();
  std::vector<Piece> out;
  auto emit = [&](const std::string &text, size_t begin, size_t end,
                  int32_t id) {
    if (end > begin)
      out.push_back({text.substr(begin, end - begin), id});
  };
  for (Piece &piece : pieces) {
    if (piece.id >= 0 || matcher.empty()) {
      if (!piece.text.empty())
        out.push_back(std::move(piece));
      continue;
    }
    const std::string &text = piece.text;
    size_t done = 0, from = 0, begin, end, index;
    while (matcher.find(text, from, begin, end, index)) {
      from = end;
      const Token &token = tokens_[index];
      if (token.singleWord) {
        bool wordBefore =
            begin > 0 && classes.isWordAt(text, previousChar(text, begin));
        bool wordAfter = end < text.size() && classes.isWordAt(text, end);
        if (wordBefore || wordAfter)
          continue;
      }
      if (token.lstrip) {
        size_t start = begin;
        while (start > 0 && classes.isWhitespaceAt(text, previousChar(text, start)))
          start = previousChar(text, start);
        begin = std::max(start, done);
      }
      if (token.rstrip)
        while (end < text.size() && classes.isWhitespaceAt(text, end))
          end += utf8Length(text, end);
      if (done < begin)
        emit(text, done, begin, -1);
      out.push_back({text.substr(begin, end - begin), token.id});
      done = end;
    }
    emit(text, done, text.size(), -1);
  }
  pieces = std::move(out);
}

std::vector<Piece> AddedVocabulary::extract(const std::string &text,
                                            const Normalizer *normalizer) const {
  std::vector<Piece> pieces{{text, -1}};
  split(pieces, raw_);
  if (normalizer)
    for (Piece &piece : pieces)
      if (piece.id < 0)
        normalizer->normalize(piece.text);
  split(pieces, normalized_);
  return pieces;
}

} // namespace bitnet::tokenizer
