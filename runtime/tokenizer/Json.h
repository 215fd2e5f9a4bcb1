// Reading tokenizer.json: a JSON value with its path in the file, so that
// every message says where ("model.merges[12]: expected ...").
#ifndef BITNET_TOKENIZER_JSON_H
#define BITNET_TOKENIZER_JSON_H

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace bitnet::tokenizer {

class JsonNode {
public:
  JsonNode(const nlohmann::json &value, std::string path)
      : value_(value), path_(std::move(path)) {}

  const std::string &path() const { return path_; }
  const nlohmann::json &raw() const { return value_; }
  // Missing and null are the same: tokenizer.json writes null for "none".
  bool isNull() const { return value_.is_null(); }
  bool isString() const { return value_.is_string(); }
  bool isArray() const { return value_.is_array(); }
  bool isObject() const { return value_.is_object(); }
  bool has(const char *key) const {
    return value_.is_object() && value_.contains(key) && !value_[key].is_null();
  }

  // A member (null if absent); the node must be an object.
  JsonNode operator[](const char *key) const;
  // Elements of an array.
  size_t size() const;
  JsonNode at(size_t index) const;

  std::string string() const;
  bool boolean() const;
  int64_t integer() const;
  // The member `key` if present, else `fallback`.
  std::string stringOr(const char *key, const std::string &fallback) const;
  bool booleanOr(const char *key, bool fallback) const;
  // The "type" member naming a component.
  std::string type() const;

  // Throws Error(BITNET_ERR_FORMAT, "<path>: <what>").
  [[noreturn]] void fail(const std::string &what) const;
  // "expected <what>, got <JSON type>".
  [[noreturn]] void expected(const std::string &what) const;

private:
  const nlohmann::json &value_;
  std::string path_;
};

// The message for a component of `kind` ("pre_tokenizer") whose type this
// library does not implement, listing those it does.
[[noreturn]] void failUnsupported(const JsonNode &node, const char *kind,
                                  const std::string &type,
                                  const char *supported);

} // namespace bitnet::tokenizer

#endif // BITNET_TOKENIZER_JSON_H
