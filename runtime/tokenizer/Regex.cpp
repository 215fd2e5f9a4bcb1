#include "Regex.h"

#include "Error.h"
#include "Json.h"
#include "Unicode.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace bitnet::tokenizer {

namespace {

std::string pcre2Message(int code) {
  PCRE2_UCHAR buffer[256];
  if (pcre2_get_error_message(code, buffer, sizeof buffer) < 0)
    return "PCRE2 error " + std::to_string(code);
  return reinterpret_cast<const char *>(buffer);
}

struct MatchData {
  // One pair: only the whole match is read. A match with more groups than
  // that returns 0, which is still a match.
  MatchData() : data(pcre2_match_data_create(1, nullptr)) {
    if (!data)
      fail(BITNET_ERR_MEMORY, "out of memory for a pattern match");
  }
  ~MatchData() { pcre2_match_data_free(data); }
  MatchData(const MatchData &) = delete;
  MatchData &operator=(const MatchData &) = delete;
  pcre2_match_data *data;
};

} // namespace

struct Regex::Code {
  pcre2_code *code = nullptr;
  ~Code() { pcre2_code_free(code); }
};

Regex::Regex(const std::string &pattern, bool literal,
             const std::string &where)
    : code_(std::make_unique<Code>()) {
  // PCRE2 refuses UCP with LITERAL; a literal needs no character classes.
  uint32_t options = PCRE2_UTF | PCRE2_NO_UTF_CHECK |
                     (literal ? PCRE2_LITERAL : PCRE2_UCP);
  if (findInvalidUtf8(pattern) != std::string_view::npos)
    fail(BITNET_ERR_FORMAT, where + ": pattern is not valid UTF-8");
  int error = 0;
  PCRE2_SIZE offset = 0;
  code_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()),
                              pattern.size(), options, &error, &offset,
                              nullptr);
  if (!code_->code)
    fail(BITNET_ERR_FORMAT, where + ": invalid regular expression at offset " +
                                std::to_string(offset) + ": " +
                                pcre2Message(error));
  // Without JIT (an architecture PCRE2 cannot compile for) matching is
  // slower, not different.
  (void)pcre2_jit_compile(code_->code, PCRE2_JIT_COMPLETE);
}

Regex::~Regex() = default;

namespace {

// One match of `code` starting at or after `start`; false if none.
bool search(const Regex::Code &code, MatchData &md, std::string_view text,
            size_t start, uint32_t options, Span &match) {
  auto subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  uint32_t flags = PCRE2_NO_UTF_CHECK | options;
  int rc = pcre2_match(code.code, subject, text.size(), start, flags,
                       md.data, nullptr);
  // JIT runs on a fixed 32 KiB stack; the interpreter uses the heap.
  if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
    rc = pcre2_match(code.code, subject, text.size(), start,
                     flags | PCRE2_NO_JIT, md.data, nullptr);
  if (rc == PCRE2_ERROR_NOMATCH)
    return false;
  if (rc < 0)
    fail(BITNET_ERR_CHECK, "pattern match failed: " + pcre2Message(rc));
  PCRE2_SIZE *ovector = pcre2_get_ovector_pointer(md.data);
  match = {ovector[0], ovector[1]};
  return true;
}

} // namespace

void Regex::findAll(std::string_view text, std::vector<Span> &out) const {
  MatchData md;
  size_t next = 0;
  bool matched = false;
  size_t lastEnd = 0;
  while (next <= text.size()) {
    Span m;
    if (!search(*code_, md, text, next, 0, m))
      return;
    if (m.first == m.second && matched && lastEnd == m.second) {
      next += next < text.size() ? utf8Length(text, next) : 1;
      continue;
    }
    next = m.second;
    lastEnd = m.second;
    matched = true;
    out.push_back(m);
  }
}

bool Regex::matchesAt(std::string_view text, size_t pos) const {
  if (pos >= text.size())
    return false;
  MatchData md;
  Span m;
  return search(*code_, md, text, pos, PCRE2_ANCHORED, m);
}

const CharClasses &CharClasses::get() {
  static const CharClasses classes;
  return classes;
}

CharClasses::CharClasses()
    : whitespace_("\\p{White_Space}", false, "whitespace class"),
      word_("[\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}]", false,
            "word class") {}

std::unique_ptr<Regex> readPattern(const JsonNode &node) {
  if (node.has("Regex"))
    return std::make_unique<Regex>(node["Regex"].string(), false,
                                   node.path() + ".Regex");
  if (node.has("String"))
    return std::make_unique<Regex>(node["String"].string(), true,
                                   node.path() + ".String");
  node.fail("expected a pattern {\"Regex\": ...} or {\"String\": ...}");
}

} // namespace bitnet::tokenizer
