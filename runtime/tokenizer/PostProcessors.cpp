// Post-processors for single sequences: TemplateProcessing (BOS/EOS around
// the text), BertProcessing and RobertaProcessing (CLS ... SEP), ByteLevel
// (offsets only: nothing to do for ids) and Sequence.
#include "Components.h"

namespace bitnet::tokenizer {

namespace {

class SequencePostProcessor : public PostProcessor {
public:
  explicit SequencePostProcessor(
      std::vector<std::unique_ptr<PostProcessor>> steps)
      : steps_(std::move(steps)) {}
  void addSpecialTokens(std::vector<int32_t> &ids) const override {
    for (const auto &step : steps_)
      step->addSpecialTokens(ids);
  }
  bool hasTemplate() const override {
    for (const auto &step : steps_)
      if (step->hasTemplate())
        return true;
    return false;
  }
  int32_t bosId() const override {
    for (const auto &step : steps_)
      if (step->bosId() >= 0)
        return step->bosId();
    return -1;
  }
  int32_t eosId() const override {
    for (const auto &step : steps_)
      if (step->eosId() >= 0)
        return step->eosId();
    return -1;
  }

private:
  std::vector<std::unique_ptr<PostProcessor>> steps_;
};

class ByteLevelPostProcessor : public PostProcessor {
public:
  void addSpecialTokens(std::vector<int32_t> &) const override {}
  bool hasTemplate() const override { return false; }
};

// The ids before and after the text.
class TemplatePostProcessor : public PostProcessor {
public:
  TemplatePostProcessor(std::vector<int32_t> before,
                        std::vector<int32_t> after)
      : before_(std::move(before)), after_(std::move(after)) {}
  void addSpecialTokens(std::vector<int32_t> &ids) const override {
    ids.insert(ids.begin(), before_.begin(), before_.end());
    ids.insert(ids.end(), after_.begin(), after_.end());
  }
  bool hasTemplate() const override { return true; }
  int32_t bosId() const override {
    return before_.size() == 1 ? before_[0] : -1;
  }
  int32_t eosId() const override {
    return after_.size() == 1 ? after_[0] : -1;
  }

private:
  std::vector<int32_t> before_, after_;
};

int32_t readId(const JsonNode &node) {
  int64_t id = node.integer();
  if (id < 0 || id > INT32_MAX)
    node.fail("token id " + std::to_string(id) + " is out of range");
  return static_cast<int32_t>(id);
}

// A "single" template piece: {"Sequence": {"id": "A"}},
// {"SpecialToken": {"id": "<s>"}}, or the string forms "$A" and "<s>"
// (":type_id" suffixes are ignored: type ids are not returned). Returns
// the special token's name, or "" for the sequence.
std::string readPiece(const JsonNode &piece) {
  if (piece.isString()) {
    std::string text = piece.string();
    std::string name = text.substr(0, text.find(':'));
    if (!name.empty() && name[0] == '$') {
      if (name != "$" && name != "$A" && name != "$0")
        piece.fail("the single template can only use sequence A, got '" +
                   text + "'");
      return "";
    }
    if (name.empty())
      piece.fail("empty template piece");
    return name;
  }
  if (piece.has("Sequence")) {
    std::string id = piece["Sequence"].stringOr("id", "A");
    if (id != "A")
      piece["Sequence"]["id"].fail(
          "the single template can only use sequence A, got '" + id + "'");
    return "";
  }
  if (piece.has("SpecialToken")) {
    std::string name = piece["SpecialToken"]["id"].string();
    if (name.empty())
      piece["SpecialToken"]["id"].fail("empty special token name");
    return name;
  }
  piece.fail("expected {\"Sequence\": ...} or {\"SpecialToken\": ...}");
}

std::unique_ptr<PostProcessor> readTemplate(const JsonNode &node) {
  JsonNode single = node["single"];
  JsonNode specials = node["special_tokens"];
  std::vector<int32_t> before, after;
  bool seenSequence = false;
  for (size_t i = 0; i < single.size(); ++i) {
    std::string name = readPiece(single.at(i));
    if (name.empty()) {
      if (seenSequence)
        single.at(i).fail("sequence A appears twice");
      seenSequence = true;
      continue;
    }
    JsonNode special = specials[name.c_str()];
    if (special.isNull())
      specials.fail("missing special token '" + name +
                    "' used by the single template");
    JsonNode ids = special["ids"];
    for (size_t k = 0; k < ids.size(); ++k)
      (seenSequence ? after : before).push_back(readId(ids.at(k)));
  }
  if (!seenSequence)
    single.fail("the single template has no sequence $A");
  return std::make_unique<TemplatePostProcessor>(std::move(before),
                                                 std::move(after));
}

// BertProcessing / RobertaProcessing: {"cls": ["<s>", 0], "sep": ["</s>", 2]}.
std::unique_ptr<PostProcessor> readClsSep(const JsonNode &node) {
  auto idOf = [](const JsonNode &pair) {
    if (!pair.isArray() || pair.size() != 2)
      pair.expected("a [token, id] pair");
    return readId(pair.at(1));
  };
  return std::make_unique<TemplatePostProcessor>(
      std::vector<int32_t>{idOf(node["cls"])},
      std::vector<int32_t>{idOf(node["sep"])});
}

} // namespace

std::unique_ptr<PostProcessor> readPostProcessor(const JsonNode &node) {
  if (node.isNull())
    return nullptr;
  std::string type = node.type();
  if (type == "Sequence") {
    JsonNode list = node["processors"];
    std::vector<std::unique_ptr<PostProcessor>> steps;
    for (size_t i = 0; i < list.size(); ++i) {
      auto step = readPostProcessor(list.at(i));
      if (!step)
        list.at(i).expected("a post-processor");
      steps.push_back(std::move(step));
    }
    return std::make_unique<SequencePostProcessor>(std::move(steps));
  }
  if (type == "TemplateProcessing")
    return readTemplate(node);
  if (type == "ByteLevel")
    return std::make_unique<ByteLevelPostProcessor>();
  if (type == "BertProcessing" || type == "RobertaProcessing")
    return readClsSep(node);
  failUnsupported(node, "post_processor", type,
                  "Sequence, TemplateProcessing, ByteLevel, BertProcessing, "
                  "RobertaProcessing");
}

} // namespace bitnet::tokenizer
