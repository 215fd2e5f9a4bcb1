// PCRE2 patterns as Hugging Face tokenizers runs its Oniguruma ones: UTF-8
// with Unicode properties (\s, \p{L}, case folding), matches found left to
// right the way onig's find_iter steps over empty matches.
#ifndef BITNET_TOKENIZER_REGEX_H
#define BITNET_TOKENIZER_REGEX_H

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bitnet::tokenizer {

class JsonNode;

using Span = std::pair<size_t, size_t>; // [begin, end) byte offsets

class Regex {
public:
  // Compiles `pattern` (taken literally if `literal`); throws Error
  // (BITNET_ERR_FORMAT) with PCRE2's message and offset, prefixed by
  // `where`.
  Regex(const std::string &pattern, bool literal, const std::string &where);
  ~Regex();
  Regex(const Regex &) = delete;
  Regex &operator=(const Regex &) = delete;

  // Appends every match in valid UTF-8 `text`, left to right, not
  // overlapping; an empty match right where the previous match ended is
  // skipped by one character, as onig's FindMatches does.
  void findAll(std::string_view text, std::vector<Span> &out) const;

  // Whether the pattern matches at exactly `pos` (anchored there; the text
  // before `pos` is visible to lookbehinds).
  bool matchesAt(std::string_view text, size_t pos) const;

  struct Code;

private:
  std::unique_ptr<Code> code_;
};

// Character classes of Rust's regex crate (Unicode), which Hugging Face uses
// for added tokens (lstrip/rstrip/single_word) and for strip decisions.
class CharClasses {
public:
  static const CharClasses &get();
  // Rust regex \s and char::is_whitespace: White_Space.
  bool isWhitespaceAt(std::string_view text, size_t pos) const {
    return whitespace_.matchesAt(text, pos);
  }
  // Rust regex \w: Alphabetic, M, Nd, Pc, Join_Control.
  bool isWordAt(std::string_view text, size_t pos) const {
    return word_.matchesAt(text, pos);
  }

private:
  CharClasses();
  Regex whitespace_;
  Regex word_;
};

// A pattern of tokenizer.json: {"Regex": "..."} or {"String": "..."} (the
// latter matched literally, as Hugging Face escapes it).
std::unique_ptr<Regex> readPattern(const JsonNode &node);

} // namespace bitnet::tokenizer

#endif // BITNET_TOKENIZER_REGEX_H
