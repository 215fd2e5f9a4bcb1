// Pre-tokenizers: Sequence, Split and ByteLevel, what Llama 3 and GPT-2
// style files use. Others (Whitespace, Metaspace, BertPreTokenizer, ...) are
// rejected by name.
#include "Components.h"
#include "Regex.h"
#include "Unicode.h"

#include <algorithm>

namespace bitnet::tokenizer {

namespace {

// Hugging Face's SplitDelimiterBehavior: what becomes of each match.
enum class Behavior { Removed, Isolated, MergedWithPrevious, MergedWithNext,
                      Contiguous };

Behavior readBehavior(const JsonNode &node) {
  static const std::pair<const char *, Behavior> names[] = {
      {"Removed", Behavior::Removed},
      {"Isolated", Behavior::Isolated},
      {"MergedWithPrevious", Behavior::MergedWithPrevious},
      {"MergedWithNext", Behavior::MergedWithNext},
      {"Contiguous", Behavior::Contiguous},
  };
  std::string name = node.string();
  for (const auto &[spelling, behavior] : names)
    if (name == spelling)
      return behavior;
  node.fail("unknown split behavior '" + name +
            "' (expected Removed, Isolated, MergedWithPrevious, "
            "MergedWithNext or Contiguous)");
}

struct Segment {
  Span span;
  bool flag; // is a match, then: is to be removed
};

// NormalizedString::split: the matches and the text between them, regrouped
// by `behavior`, appended to `out` without the removed and the empty ones.
void splitByPattern(const std::string &text, const Regex &pattern,
                    Behavior behavior, bool invert,
                    std::vector<std::string> &out) {
  std::vector<Span> matches;
  pattern.findAll(text, matches);
  std::vector<Segment> segments;
  size_t previous = 0;
  for (const Span &m : matches) {
    if (previous != m.first)
      segments.push_back({{previous, m.first}, invert});
    segments.push_back({m, !invert});
    previous = m.second;
  }
  if (previous != text.size())
    segments.push_back({{previous, text.size()}, invert});

  std::vector<Segment> pieces;
  bool previousMatch = false;
  switch (behavior) {
  case Behavior::Removed:
    pieces = segments;
    break;
  case Behavior::Isolated:
    for (const Segment &s : segments)
      pieces.push_back({s.span, false});
    break;
  case Behavior::Contiguous:
  case Behavior::MergedWithPrevious:
    for (const Segment &s : segments) {
      bool join = behavior == Behavior::Contiguous
                      ? s.flag == previousMatch
                      : s.flag && !previousMatch;
      if (join && !pieces.empty())
        pieces.back().span.second = s.span.second;
      else
        pieces.push_back({s.span, false});
      previousMatch = s.flag;
    }
    break;
  case Behavior::MergedWithNext:
    for (auto it = segments.rbegin(); it != segments.rend(); ++it) {
      if (it->flag && !previousMatch && !pieces.empty())
        pieces.back().span.first = it->span.first;
      else
        pieces.push_back({it->span, false});
      previousMatch = it->flag;
    }
    std::reverse(pieces.begin(), pieces.end());
    break;
  }
  for (const Segment &p : pieces)
    if (!p.flag && p.span.second > p.span.first)
      out.push_back(text.substr(p.span.first, p.span.second - p.span.first));
}

class SequencePreTokenizer : public PreTokenizer {
public:
  explicit SequencePreTokenizer(
      std::vector<std::unique_ptr<PreTokenizer>> steps)
      : steps_(std::move(steps)) {}
  void preTokenize(std::vector<std::string> &pieces) const override {
    for (const auto &step : steps_)
      step->preTokenize(pieces);
  }

private:
  std::vector<std::unique_ptr<PreTokenizer>> steps_;
};

class SplitPreTokenizer : public PreTokenizer {
public:
  SplitPreTokenizer(std::unique_ptr<Regex> pattern, Behavior behavior,
                    bool invert)
      : pattern_(std::move(pattern)), behavior_(behavior), invert_(invert) {}
  void preTokenize(std::vector<std::string> &pieces) const override {
    std::vector<std::string> out;
    out.reserve(pieces.size());
    for (const std::string &piece : pieces)
      splitByPattern(piece, *pattern_, behavior_, invert_, out);
    pieces = std::move(out);
  }

private:
  std::unique_ptr<Regex> pattern_;
  Behavior behavior_;
  bool invert_;
};

// GPT-2's pattern, which ByteLevel splits with when use_regex is set.
const char gpt2Pattern[] = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| "
                           "?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

class ByteLevelPreTokenizer : public PreTokenizer {
public:
  ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex)
      : addPrefixSpace_(addPrefixSpace),
        gpt2_(useRegex ? std::make_unique<Regex>(gpt2Pattern, false,
                                                 "ByteLevel pattern")
                       : nullptr) {}
  void preTokenize(std::vector<std::string> &pieces) const override {
    std::vector<std::string> out;
    out.reserve(pieces.size());
    for (std::string &piece : pieces) {
      // Every piece, not only the first, as Hugging Face does.
      if (addPrefixSpace_ && (piece.empty() || piece[0] != ' '))
        piece.insert(0, 1, ' ');
      if (gpt2_)
        splitByPattern(piece, *gpt2_, Behavior::Isolated, false, out);
      else
        out.push_back(std::move(piece));
    }
    const ByteLevelAlphabet &alphabet = ByteLevelAlphabet::get();
    for (std::string &word : out)
      word = alphabet.encode(word);
    pieces = std::move(out);
  }

private:
  bool addPrefixSpace_;
  std::unique_ptr<Regex> gpt2_;
};

} // namespace

std::unique_ptr<PreTokenizer> readPreTokenizer(const JsonNode &node) {
  if (node.isNull())
    return nullptr;
  std::string type = node.type();
  if (type == "Sequence") {
    JsonNode list = node["pretokenizers"];
    std::vector<std::unique_ptr<PreTokenizer>> steps;
    for (size_t i = 0; i < list.size(); ++i) {
      auto step = readPreTokenizer(list.at(i));
      if (!step)
        list.at(i).expected("a pre-tokenizer");
      steps.push_back(std::move(step));
    }
    return std::make_unique<SequencePreTokenizer>(std::move(steps));
  }
  if (type == "Split")
    return std::make_unique<SplitPreTokenizer>(readPattern(node["pattern"]),
                                               readBehavior(node["behavior"]),
                                               node["invert"].boolean());
  if (type == "ByteLevel")
    return std::make_unique<ByteLevelPreTokenizer>(
        node.booleanOr("add_prefix_space", true),
        node.booleanOr("use_regex", true));
  failUnsupported(node, "pre_tokenizer", type,
                  "Sequence, Split, ByteLevel");
}

} // namespace bitnet::tokenizer
