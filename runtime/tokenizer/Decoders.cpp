// Decoders: ByteLevel, Sequence, Replace, ByteFallback, Fuse, Strip and
// BPEDecoder, each as Hugging Face's decode_chain. WordPiece, Metaspace and
// CTC are rejected by name.
#include "Components.h"
#include "Regex.h"
#include "Unicode.h"

namespace bitnet::tokenizer {

namespace {

const char replacementChar[] = "\xEF\xBF\xBD"; // U+FFFD

class SequenceDecoder : public Decoder {
public:
  explicit SequenceDecoder(std::vector<std::unique_ptr<Decoder>> steps)
      : steps_(std::move(steps)) {}
  void decodeChain(std::vector<std::string> &tokens) const override {
    for (const auto &step : steps_)
      step->decodeChain(tokens);
  }

private:
  std::vector<std::unique_ptr<Decoder>> steps_;
};

// Characters of the byte-level alphabet back to bytes; a token with any
// other character (an added token such as "<|eot_id|>" is all ASCII and
// maps to itself) keeps its own bytes. The bytes of all tokens together
// become UTF-8, U+FFFD where they are not.
class ByteLevelDecoder : public Decoder {
public:
  void decodeChain(std::vector<std::string> &tokens) const override {
    const ByteLevelAlphabet &alphabet = ByteLevelAlphabet::get();
    std::string bytes;
    std::string mapped;
    for (const std::string &token : tokens) {
      mapped.clear();
      bool all = true;
      for (size_t pos = 0; pos < token.size() && all;
           pos += utf8Length(token, pos)) {
        int b = alphabet.byteOf(decodeUtf8(token, pos));
        if (b < 0)
          all = false;
        else
          mapped += static_cast<char>(b);
      }
      bytes += all ? mapped : token;
    }
    tokens.assign(1, fromUtf8Lossy(bytes));
  }
};

class ReplaceDecoder : public Decoder {
public:
  ReplaceDecoder(std::unique_ptr<Regex> pattern, std::string content)
      : pattern_(std::move(pattern)), content_(std::move(content)) {}
  void decodeChain(std::vector<std::string> &tokens) const override {
    std::vector<Span> matches;
    for (std::string &token : tokens) {
      matches.clear();
      pattern_->findAll(token, matches);
      std::string out;
      size_t done = 0;
      for (const Span &m : matches) {
        out.append(token, done, m.first - done);
        out += content_;
        done = m.second;
      }
      out.append(token, done, std::string::npos);
      token = std::move(out);
    }
  }

private:
  std::unique_ptr<Regex> pattern_;
  std::string content_;
};

// "<0xAB>" tokens: runs of them become their bytes if those are UTF-8,
// else one U+FFFD per byte.
class ByteFallbackDecoder : public Decoder {
public:
  void decodeChain(std::vector<std::string> &tokens) const override {
    std::vector<std::string> out;
    std::string run;
    auto flush = [&] {
      if (run.empty())
        return;
      if (findInvalidUtf8(run) == std::string::npos)
        out.push_back(run);
      else
        for (size_t i = 0; i < run.size(); ++i)
          out.push_back(replacementChar);
      run.clear();
    };
    for (std::string &token : tokens) {
      int byte = byteOf(token);
      if (byte >= 0) {
        run += static_cast<char>(byte);
        continue;
      }
      flush();
      out.push_back(std::move(token));
    }
    flush();
    tokens = std::move(out);
  }

private:
  // Rust's u8::from_str_radix(&token[3..5], 16), which allows a '+'.
  static int byteOf(const std::string &token) {
    if (token.size() != 6 || token.compare(0, 3, "<0x") != 0 ||
        token[5] != '>')
      return -1;
    auto hex = [](char c) {
      if (c >= '0' && c <= '9')
        return c - '0';
      if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
      if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
      return -1;
    };
    if (token[3] == '+')
      return hex(token[4]);
    int high = hex(token[3]), low = hex(token[4]);
    return high < 0 || low < 0 ? -1 : high * 16 + low;
  }
};

class FuseDecoder : public Decoder {
public:
  void decodeChain(std::vector<std::string> &tokens) const override {
    std::string all;
    for (const std::string &token : tokens)
      all += token;
    tokens.assign(1, std::move(all));
  }
};

// Removes up to `start` leading and `stop` trailing `content` characters
// from each token.
class StripDecoder : public Decoder {
public:
  StripDecoder(std::string content, size_t start, size_t stop)
      : content_(std::move(content)), start_(start), stop_(stop) {}
  void decodeChain(std::vector<std::string> &tokens) const override {
    for (std::string &token : tokens) {
      size_t begin = 0;
      for (size_t i = 0; i < start_ && token.compare(begin, content_.size(),
                                                     content_) == 0;
           ++i)
        begin += content_.size();
      size_t end = token.size();
      for (size_t i = 0; i < stop_ && end >= begin + content_.size() &&
                         token.compare(end - content_.size(), content_.size(),
                                       content_) == 0;
           ++i)
        end -= content_.size();
      token = token.substr(begin, end - begin);
    }
  }

private:
  std::string content_;
  size_t start_, stop_;
};

// end_of_word_suffix back to spaces: " " after each token but the last.
class BpeSuffixDecoder : public Decoder {
public:
  explicit BpeSuffixDecoder(std::string suffix) : suffix_(std::move(suffix)) {}
  void decodeChain(std::vector<std::string> &tokens) const override {
    for (size_t i = 0; i < tokens.size(); ++i) {
      const char *replacement = i + 1 == tokens.size() ? "" : " ";
      tokens[i] = replaceAll(tokens[i], replacement);
    }
  }

private:
  // Rust's str::replace; an empty suffix matches at every char boundary.
  std::string replaceAll(const std::string &token, const char *with) const {
    std::string out;
    if (suffix_.empty()) {
      for (size_t pos = 0; pos < token.size(); pos += utf8Length(token, pos))
        out += with + token.substr(pos, utf8Length(token, pos));
      return out + with;
    }
    size_t done = 0;
    for (size_t at = token.find(suffix_); at != std::string::npos;
         at = token.find(suffix_, done)) {
      out.append(token, done, at - done);
      out += with;
      done = at + suffix_.size();
    }
    return out + token.substr(done);
  }
  std::string suffix_;
};

size_t readCount(const JsonNode &node) {
  int64_t value = node.integer();
  if (value < 0)
    node.fail("expected a count >= 0, got " + std::to_string(value));
  return static_cast<size_t>(value);
}

} // namespace

std::unique_ptr<Decoder> readDecoder(const JsonNode &node) {
  if (node.isNull())
    return nullptr;
  std::string type = node.type();
  if (type == "Sequence") {
    JsonNode list = node["decoders"];
    std::vector<std::unique_ptr<Decoder>> steps;
    for (size_t i = 0; i < list.size(); ++i) {
      auto step = readDecoder(list.at(i));
      if (!step)
        list.at(i).expected("a decoder");
      steps.push_back(std::move(step));
    }
    return std::make_unique<SequenceDecoder>(std::move(steps));
  }
  if (type == "ByteLevel")
    return std::make_unique<ByteLevelDecoder>();
  if (type == "Replace")
    return std::make_unique<ReplaceDecoder>(readPattern(node["pattern"]),
                                            node["content"].string());
  if (type == "ByteFallback")
    return std::make_unique<ByteFallbackDecoder>();
  if (type == "Fuse")
    return std::make_unique<FuseDecoder>();
  if (type == "Strip") {
    JsonNode content = node["content"];
    std::string c = content.string();
    if (c.empty() || findInvalidUtf8(c) != std::string::npos ||
        utf8Length(c, 0) != c.size())
      content.fail("expected one character");
    return std::make_unique<StripDecoder>(c, readCount(node["start"]),
                                          readCount(node["stop"]));
  }
  if (type == "BPEDecoder")
    return std::make_unique<BpeSuffixDecoder>(node.stringOr("suffix", "</w>"));
  failUnsupported(node, "decoder", type,
                  "Sequence, ByteLevel, Replace, ByteFallback, Fuse, Strip, "
                  "BPEDecoder");
}

} // namespace bitnet::tokenizer
