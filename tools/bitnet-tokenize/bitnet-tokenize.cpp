// bitnet-tokenize: encodes stdin to comma-separated token ids, or decodes
// ids back to text, with a Hugging Face tokenizer.json. Uses only the C API
// of bitnet/tokenizer.h, so it doubles as an example of it.
#include "bitnet/tokenizer.h"

#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

namespace {

const char usage[] =
    "usage: bitnet-tokenize TOKENIZER.json [--bos] [--decode] [--each-line]\n"
    "                       [--stats]\n"
    "\n"
    "Reads text on stdin and prints its token ids, comma-separated on one\n"
    "line, as Hugging Face tokenizers gives them for TOKENIZER.json (added\n"
    "tokens such as <|eot_id|> written in the text are recognised).\n"
    "\n"
    "options:\n"
    "  --bos         add the special tokens of the post_processor template\n"
    "                (for Llama 3 and BitNet b1.58 2B-4T: BOS first)\n"
    "  --decode      read comma-separated ids instead, print their text\n"
    "                exactly (no newline added)\n"
    "  --each-line   treat each line of stdin (without its newline) as its\n"
    "                own text or id list; print one line per line\n"
    "  --stats       print bytes, tokens and the time taken to stderr\n"
    "  --help        show this help\n";

int fail(const std::string &message) {
  std::cerr << "bitnet-tokenize: error: " << message << "\n";
  return 1;
}

struct Options {
  const char *tokenizer = nullptr;
  bool bos = false, decode = false, eachLine = false, stats = false;
};

// Returns 0 to go on, 1 on error, 2 after --help.
int parseArgs(int argc, char **argv, Options &o) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(usage, stdout);
      return 2;
    }
    if (arg == "--bos")
      o.bos = true;
    else if (arg == "--decode")
      o.decode = true;
    else if (arg == "--each-line")
      o.eachLine = true;
    else if (arg == "--stats")
      o.stats = true;
    else if (arg.size() > 1 && arg[0] == '-')
      return fail("unknown option '" + arg + "' (see --help)");
    else if (o.tokenizer)
      return fail("unexpected argument '" + arg + "': one TOKENIZER.json");
    else
      o.tokenizer = argv[i];
  }
  if (!o.tokenizer)
    return fail("missing TOKENIZER.json (see --help)");
  if (o.bos && o.decode)
    return fail("--bos only applies to encoding");
  return 0;
}

// "1, 2,3" -> ids; whitespace around ids (and a final newline) is allowed.
bool parseIds(const std::string &text, std::vector<int32_t> &ids,
              std::string &error) {
  size_t pos = 0;
  auto skipSpace = [&] {
    while (pos < text.size() && std::strchr(" \t\r\n", text[pos]))
      ++pos;
  };
  skipSpace();
  if (pos == text.size())
    return true;
  for (;;) {
    skipSpace();
    size_t start = pos;
    if (pos < text.size() && text[pos] == '-')
      ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9')
      ++pos;
    std::string number = text.substr(start, pos - start);
    long long value = 0;
    bool ok = !number.empty() && number != "-" && number.size() < 12;
    if (ok)
      value = std::strtoll(number.c_str(), nullptr, 10);
    if (!ok || value < INT32_MIN || value > INT32_MAX) {
      size_t end = text.find_first_of(",\n", start);
      error = "expected a token id at id " + std::to_string(ids.size() + 1) +
              ", got '" + text.substr(start, end - start) + "'";
      return false;
    }
    ids.push_back(static_cast<int32_t>(value));
    skipSpace();
    if (pos == text.size())
      return true;
    if (text[pos] != ',') {
      error = "expected ',' after id " + std::to_string(ids.size()) +
              ", got '" + text.substr(pos, 1) + "'";
      return false;
    }
    ++pos;
  }
}

// Encodes or decodes one text; appends the output.
bool run(const bitnet_tokenizer *tok, const Options &o,
         const std::string &input, std::string &out, size_t &tokens) {
  if (o.decode) {
    std::vector<int32_t> ids;
    std::string error;
    if (!parseIds(input, ids, error))
      return fail("--decode: " + error), false;
    char *text = nullptr;
    size_t len = 0;
    if (bitnet_tokenizer_decode(tok, ids.data(), ids.size(), &text, &len) !=
        BITNET_OK)
      return fail(bitnet_status_message()), false;
    out.append(text, len);
    bitnet_tokenizer_free_text(text);
    tokens += ids.size();
    return true;
  }
  int32_t *ids = nullptr;
  size_t count = 0;
  if (bitnet_tokenizer_encode(tok, input.data(), input.size(), o.bos, &ids,
                              &count) != BITNET_OK)
    return fail(bitnet_status_message()), false;
  for (size_t i = 0; i < count; ++i) {
    if (i)
      out += ',';
    out += std::to_string(ids[i]);
  }
  bitnet_tokenizer_free_ids(ids);
  tokens += count;
  return true;
}

} // namespace

int main(int argc, char **argv) {
  Options o;
  if (int rc = parseArgs(argc, argv, o))
    return rc == 2 ? 0 : rc;

  bitnet_tokenizer *tok = nullptr;
  if (bitnet_tokenizer_load(o.tokenizer, &tok) != BITNET_OK)
    return fail(bitnet_status_message());

  std::string input((std::istreambuf_iterator<char>(std::cin)),
                    std::istreambuf_iterator<char>());
  auto start = std::chrono::steady_clock::now();
  std::clock_t cpuStart = std::clock();
  std::string out;
  size_t tokens = 0;
  bool ok = true;
  if (o.eachLine) {
    size_t pos = 0;
    while (ok && pos < input.size()) {
      size_t end = input.find('\n', pos);
      if (end == std::string::npos)
        end = input.size();
      ok = run(tok, o, input.substr(pos, end - pos), out, tokens);
      out += '\n';
      pos = end + 1;
    }
  } else {
    ok = run(tok, o, input, out, tokens);
    if (!o.decode)
      out += '\n';
  }
  double ms = std::chrono::duration<double, std::milli>(
                  std::chrono::steady_clock::now() - start)
                  .count();
  // CPU time too: on a loaded machine wall time overstates the work.
  double cpuMs = 1000.0 * static_cast<double>(std::clock() - cpuStart) /
                 CLOCKS_PER_SEC;
  bitnet_tokenizer_free(tok);
  if (!ok)
    return 1;
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (o.stats)
    std::fprintf(stderr,
                 "bitnet-tokenize: %zu bytes, %zu tokens, %.1f ms wall, "
                 "%.1f ms CPU\n",
                 input.size(), tokens, ms, cpuMs);
  if (std::fflush(stdout) != 0)
    return fail("cannot write the output");
  return 0;
}
