// Failures inside the tokenizer: an exception carrying a bitnet_status and a
// message, turned into the C API's status and thread-local message at the
// boundary (CApi.cpp). Nothing else escapes the library.
#ifndef BITNET_TOKENIZER_ERROR_H
#define BITNET_TOKENIZER_ERROR_H

#include "bitnet/runtime.h"

#include <stdexcept>
#include <string>

namespace bitnet::tokenizer {

class Error : public std::runtime_error {
public:
  Error(bitnet_status status, const std::string &message)
      : std::runtime_error(message), status_(status) {}
  bitnet_status status() const { return status_; }

private:
  bitnet_status status_;
};

[[noreturn]] inline void fail(bitnet_status status, const std::string &message) {
  throw Error(status, message);
}

} // namespace bitnet::tokenizer

#endif // BITNET_TOKENIZER_ERROR_H
