// The C interface of bitnet/tokenizer.h: argument checks, exceptions to
// bitnet_status plus the runtime's thread-local message, C allocations for
// what the caller frees.
#include "bitnet/tokenizer.h"

#include "Error.h"
#include "Tokenizer.h"

#include <cstdlib>
#include <cstring>
#include <new>

extern "C" {
// runtime/src/internal.h: sets the thread-local message, returns `status`.
bitnet_status bitnet_fail(bitnet_status status, const char *fmt, ...);
}

struct bitnet_tokenizer {
  std::unique_ptr<bitnet::tokenizer::Tokenizer> impl;
};

namespace {

// Runs `body`, turning whatever it throws into a status and message.
template <typename Body> bitnet_status guarded(Body &&body) {
  try {
    body();
    return BITNET_OK;
  } catch (const bitnet::tokenizer::Error &e) {
    return bitnet_fail(e.status(), "%s", e.what());
  } catch (const std::bad_alloc &) {
    return bitnet_fail(BITNET_ERR_MEMORY, "tokenizer: out of memory");
  } catch (const std::exception &e) {
    return bitnet_fail(BITNET_ERR_FORMAT, "tokenizer: %s", e.what());
  }
}

} // namespace

extern "C" {

bitnet_status bitnet_tokenizer_load(const char *path,
                                    bitnet_tokenizer **out_tokenizer) {
  if (out_tokenizer)
    *out_tokenizer = nullptr;
  if (!path || !out_tokenizer)
    return bitnet_fail(BITNET_ERR_ARGUMENT,
                       "bitnet_tokenizer_load: NULL argument");
  return guarded([&] {
    auto tokenizer = std::make_unique<bitnet_tokenizer>();
    tokenizer->impl = bitnet::tokenizer::Tokenizer::load(path);
    *out_tokenizer = tokenizer.release();
  });
}

void bitnet_tokenizer_free(bitnet_tokenizer *tokenizer) { delete tokenizer; }

bitnet_status bitnet_tokenizer_encode(const bitnet_tokenizer *tokenizer,
                                      const char *text, size_t len,
                                      int add_bos, int32_t **out_ids,
                                      size_t *out_count) {
  if (out_ids)
    *out_ids = nullptr;
  if (out_count)
    *out_count = 0;
  if (!tokenizer || (!text && len) || !out_ids || !out_count)
    return bitnet_fail(BITNET_ERR_ARGUMENT,
                       "bitnet_tokenizer_encode: NULL argument");
  return guarded([&] {
    std::vector<int32_t> ids =
        tokenizer->impl->encode(std::string_view(text ? text : "", len),
                                add_bos != 0);
    auto *copy = static_cast<int32_t *>(
        std::malloc(ids.empty() ? 1 : ids.size() * sizeof(int32_t)));
    if (!copy)
      throw std::bad_alloc();
    if (!ids.empty())
      std::memcpy(copy, ids.data(), ids.size() * sizeof(int32_t));
    *out_ids = copy;
    *out_count = ids.size();
  });
}

void bitnet_tokenizer_free_ids(int32_t *ids) { std::free(ids); }

bitnet_status bitnet_tokenizer_decode(const bitnet_tokenizer *tokenizer,
                                      const int32_t *ids, size_t count,
                                      char **out_text, size_t *out_len) {
  if (out_text)
    *out_text = nullptr;
  if (out_len)
    *out_len = 0;
  if (!tokenizer || (!ids && count) || !out_text || !out_len)
    return bitnet_fail(BITNET_ERR_ARGUMENT,
                       "bitnet_tokenizer_decode: NULL argument");
  return guarded([&] {
    std::string text = tokenizer->impl->decode(ids, count);
    auto *copy = static_cast<char *>(std::malloc(text.size() + 1));
    if (!copy)
      throw std::bad_alloc();
    std::memcpy(copy, text.data(), text.size());
    copy[text.size()] = '\0';
    *out_text = copy;
    *out_len = text.size();
  });
}

void bitnet_tokenizer_free_text(char *text) { std::free(text); }

int32_t bitnet_tokenizer_token_id(const bitnet_tokenizer *tokenizer,
                                  const char *token) {
  if (!tokenizer || !token)
    return -1;
  try {
    return tokenizer->impl->tokenToId(token);
  } catch (const std::exception &) {
    return -1; // only allocation can fail here
  }
}

int32_t bitnet_tokenizer_bos_id(const bitnet_tokenizer *tokenizer) {
  return tokenizer ? tokenizer->impl->bosId() : -1;
}

int32_t bitnet_tokenizer_eos_id(const bitnet_tokenizer *tokenizer) {
  return tokenizer ? tokenizer->impl->eosId() : -1;
}

int32_t bitnet_tokenizer_vocab_size(const bitnet_tokenizer *tokenizer) {
  return tokenizer ? tokenizer->impl->vocabSize() : 0;
}

} // extern "C"
