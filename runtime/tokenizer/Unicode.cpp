#include "Unicode.h"

namespace bitnet::tokenizer {

namespace {

// Length of the longest prefix of text[pos..] that is a well-formed UTF-8
// sequence or the start of one (Unicode Table 3-7), and whether it is a
// whole character. 0 only for a byte that cannot start a sequence.
size_t wellFormedPrefix(std::string_view text, size_t pos, bool &complete) {
  auto at = [&](size_t i) { return static_cast<uint8_t>(text[pos + i]); };
  uint8_t lead = at(0);
  complete = false;
  if (lead < 0x80) {
    complete = true;
    return 1;
  }
  size_t need;
  uint8_t lo = 0x80, hi = 0xBF; // range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    need = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    need = 3;
    if (lead == 0xE0)
      lo = 0xA0; // no overlong forms
    if (lead == 0xED)
      hi = 0x9F; // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    need = 4;
    if (lead == 0xF0)
      lo = 0x90;
    if (lead == 0xF4)
      hi = 0x8F; // nothing above U+10FFFF
  } else {
    return 0;
  }
  size_t n = 1;
  while (n < need && pos + n < text.size()) {
    uint8_t b = at(n);
    bool ok = n == 1 ? (b >= lo && b <= hi) : (b >= 0x80 && b <= 0xBF);
    if (!ok)
      break;
    ++n;
  }
  complete = n == need;
  return n;
}

} // namespace

size_t findInvalidUtf8(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    bool complete;
    size_t n = wellFormedPrefix(text, pos, complete);
    if (!complete)
      return pos;
    pos += n;
  }
  return std::string_view::npos;
}

size_t utf8Length(std::string_view text, size_t pos) {
  uint8_t lead = static_cast<uint8_t>(text[pos]);
  if (lead < 0x80)
    return 1;
  if (lead < 0xE0)
    return 2;
  if (lead < 0xF0)
    return 3;
  return 4;
}

uint32_t decodeUtf8(std::string_view text, size_t pos) {
  size_t n = utf8Length(text, pos);
  uint32_t lead = static_cast<uint8_t>(text[pos]);
  static const uint32_t leadMask[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
  uint32_t cp = lead & leadMask[n];
  for (size_t i = 1; i < n; ++i)
    cp = (cp << 6) | (static_cast<uint8_t>(text[pos + i]) & 0x3F);
  return cp;
}

void appendUtf8(std::string &out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string fromUtf8Lossy(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  size_t pos = 0;
  while (pos < bytes.size()) {
    bool complete;
    size_t n = wellFormedPrefix(bytes, pos, complete);
    if (complete) {
      out.append(bytes.substr(pos, n));
    } else {
      out += "\xEF\xBF\xBD"; // U+FFFD for the maximal ill-formed subpart
      if (n == 0)
        n = 1;
    }
    pos += n;
  }
  return out;
}

const ByteLevelAlphabet &ByteLevelAlphabet::get() {
  static const ByteLevelAlphabet alphabet;
  return alphabet;
}

ByteLevelAlphabet::ByteLevelAlphabet() {
  byteOf_.fill(-1);
  uint32_t next = 0x100;
  for (int b = 0; b < 256; ++b) {
    bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) ||
                     (b >= 0xAE && b <= 0xFF);
    uint32_t cp = printable ? static_cast<uint32_t>(b) : next++;
    appendUtf8(charOf_[b], cp);
    byteOf_[cp] = static_cast<int16_t>(b);
  }
}

std::string ByteLevelAlphabet::encode(std::string_view text) const {
  std::string out;
  out.reserve(text.size() * 2);
  for (char c : text)
    out += charOf_[static_cast<uint8_t>(c)];
  return out;
}

} // namespace bitnet::tokenizer
