// UTF-8 helpers and the GPT-2 byte-to-character table of byte-level BPE.
#ifndef BITNET_TOKENIZER_UNICODE_H
#define BITNET_TOKENIZER_UNICODE_H

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace bitnet::tokenizer {

// Offset of the first byte that does not start a well-formed UTF-8 sequence
// (overlong forms, surrogates and code points above U+10FFFF are
// ill-formed), or std::string_view::npos if `text` is valid.
size_t findInvalidUtf8(std::string_view text);

// Bytes of the character starting at `pos` of valid UTF-8 text (1 to 4).
size_t utf8Length(std::string_view text, size_t pos);

// The code point starting at `pos` of valid UTF-8 text.
uint32_t decodeUtf8(std::string_view text, size_t pos);

// Appends the UTF-8 encoding of `codepoint` (a Unicode scalar value).
void appendUtf8(std::string &out, uint32_t codepoint);

// `bytes` as UTF-8, each maximal ill-formed subsequence replaced by U+FFFD:
// the rule of the Unicode standard (§3.9) that Rust's
// String::from_utf8_lossy, and so Hugging Face's decoders, follow.
std::string fromUtf8Lossy(std::string_view bytes);

// GPT-2's reversible byte <-> character map: printable Latin-1 bytes stand
// for themselves, the other 68 bytes for U+0100..U+0143 in byte order.
class ByteLevelAlphabet {
public:
  static const ByteLevelAlphabet &get();
  // UTF-8 of the character standing for byte `b`.
  const std::string &charOf(uint8_t b) const { return charOf_[b]; }
  // The byte a code point stands for, or -1 if it is not in the alphabet.
  int byteOf(uint32_t codepoint) const {
    return codepoint < byteOf_.size() ? byteOf_[codepoint] : -1;
  }
  // `text` with each byte replaced by its character.
  std::string encode(std::string_view text) const;

private:
  ByteLevelAlphabet();
  std::array<std::string, 256> charOf_;
  std::array<int16_t, 0x144> byteOf_;
};

} // namespace bitnet::tokenizer

#endif // BITNET_TOKENIZER_UNICODE_H
