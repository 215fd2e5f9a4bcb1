// Normalizers: Sequence, Prepend, Replace, Strip, ByteLevel. The Unicode
// normalization forms, Lowercase and the BERT/SentencePiece ones need
// Unicode tables this library does not carry and are rejected by name.
#include "Components.h"
#include "Regex.h"
#include "Unicode.h"

namespace bitnet::tokenizer {

namespace {

class SequenceNormalizer : public Normalizer {
public:
  explicit SequenceNormalizer(std::vector<std::unique_ptr<Normalizer>> steps)
      : steps_(std::move(steps)) {}
  void normalize(std::string &text) const override {
    for (const auto &step : steps_)
      step->normalize(text);
  }

private:
  std::vector<std::unique_ptr<Normalizer>> steps_;
};

class PrependNormalizer : public Normalizer {
public:
  explicit PrependNormalizer(std::string prefix) : prefix_(std::move(prefix)) {}
  void normalize(std::string &text) const override {
    if (!text.empty())
      text.insert(0, prefix_);
  }

private:
  std::string prefix_;
};

class ReplaceNormalizer : public Normalizer {
public:
  ReplaceNormalizer(std::unique_ptr<Regex> pattern, std::string content)
      : pattern_(std::move(pattern)), content_(std::move(content)) {}
  void normalize(std::string &text) const override {
    std::vector<Span> matches;
    pattern_->findAll(text, matches);
    if (matches.empty())
      return;
    std::string out;
    size_t done = 0;
    for (const Span &m : matches) {
      out.append(text, done, m.first - done);
      out += content_;
      done = m.second;
    }
    out.append(text, done, std::string::npos);
    text = std::move(out);
  }

private:
  std::unique_ptr<Regex> pattern_;
  std::string content_;
};

// char::is_whitespace at both ends.
class StripNormalizer : public Normalizer {
public:
  StripNormalizer(bool left, bool right) : left_(left), right_(right) {}
  void normalize(std::string &text) const override {
    const CharClasses &classes = CharClasses::get();
    size_t begin = 0, end = text.size();
    if (left_)
      while (begin < end && classes.isWhitespaceAt(text, begin))
        begin += utf8Length(text, begin);
    if (right_) {
      while (end > begin) {
        size_t last = end - 1;
        while (last > begin && (static_cast<uint8_t>(text[last]) & 0xC0) == 0x80)
          --last;
        if (!classes.isWhitespaceAt(text, last))
          break;
        end = last;
      }
    }
    text = text.substr(begin, end - begin);
  }

private:
  bool left_, right_;
};

class ByteLevelNormalizer : public Normalizer {
public:
  void normalize(std::string &text) const override {
    text = ByteLevelAlphabet::get().encode(text);
  }
};

} // namespace

std::unique_ptr<Normalizer> readNormalizer(const JsonNode &node) {
  if (node.isNull())
    return nullptr;
  std::string type = node.type();
  if (type == "Sequence") {
    JsonNode list = node["normalizers"];
    std::vector<std::unique_ptr<Normalizer>> steps;
    for (size_t i = 0; i < list.size(); ++i) {
      auto step = readNormalizer(list.at(i));
      if (!step)
        list.at(i).expected("a normalizer");
      steps.push_back(std::move(step));
    }
    return std::make_unique<SequenceNormalizer>(std::move(steps));
  }
  if (type == "Prepend")
    return std::make_unique<PrependNormalizer>(node["prepend"].string());
  if (type == "Replace")
    return std::make_unique<ReplaceNormalizer>(readPattern(node["pattern"]),
                                               node["content"].string());
  if (type == "Strip")
    return std::make_unique<StripNormalizer>(node["strip_left"].boolean(),
                                             node["strip_right"].boolean());
  if (type == "ByteLevel")
    return std::make_unique<ByteLevelNormalizer>();
  failUnsupported(node, "normalizer", type,
                  "Sequence, Prepend, Replace, Strip, ByteLevel");
}

} // namespace bitnet::tokenizer
