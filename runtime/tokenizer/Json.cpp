#include "Json.h"

#include "Error.h"

namespace bitnet::tokenizer {

namespace {
const nlohmann::json &nullJson() {
  static const nlohmann::json null;
  return null;
}
} // namespace

JsonNode JsonNode::operator[](const char *key) const {
  if (!value_.is_object())
    expected("an object");
  std::string path = path_.empty() ? key : path_ + "." + key;
  auto it = value_.find(key);
  return JsonNode(it == value_.end() ? nullJson() : *it, std::move(path));
}

size_t JsonNode::size() const {
  if (!value_.is_array())
    expected("an array");
  return value_.size();
}

JsonNode JsonNode::at(size_t index) const {
  return JsonNode(value_.at(index), path_ + "[" + std::to_string(index) + "]");
}

std::string JsonNode::string() const {
  if (!value_.is_string())
    expected("a string");
  return value_.get<std::string>();
}

bool JsonNode::boolean() const {
  if (!value_.is_boolean())
    expected("true or false");
  return value_.get<bool>();
}

int64_t JsonNode::integer() const {
  if (!value_.is_number_integer())
    expected("an integer");
  return value_.get<int64_t>();
}

std::string JsonNode::stringOr(const char *key,
                               const std::string &fallback) const {
  JsonNode member = (*this)[key];
  return member.isNull() ? fallback : member.string();
}

bool JsonNode::booleanOr(const char *key, bool fallback) const {
  JsonNode member = (*this)[key];
  return member.isNull() ? fallback : member.boolean();
}

std::string JsonNode::type() const {
  JsonNode member = (*this)["type"];
  if (member.isNull())
    fail("missing \"type\"");
  return member.string();
}

void JsonNode::fail(const std::string &what) const {
  tokenizer::fail(BITNET_ERR_FORMAT,
                  (path_.empty() ? std::string("top level") : path_) + ": " +
                      what);
}

void JsonNode::expected(const std::string &what) const {
  fail("expected " + what + ", got " + std::string(value_.type_name()));
}

void failUnsupported(const JsonNode &node, const char *kind,
                     const std::string &type, const char *supported) {
  node.fail(std::string(kind) + " type '" + type +
            "' is not supported (supported: " + supported + ")");
}

} // namespace bitnet::tokenizer
