/* Status names and the thread-local failure message. */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>

/* One buffer per thread: messages never race and need no freeing. Long
 * enough for a path plus a sentence; longer messages are truncated. */
static _Thread_local char last_message[1024];

const char *bitnet_status_string(bitnet_status status) {
  switch (status) {
  case BITNET_OK: return "BITNET_OK";
  case BITNET_ERR_ARGUMENT: return "BITNET_ERR_ARGUMENT";
  case BITNET_ERR_SHAPE: return "BITNET_ERR_SHAPE";
  case BITNET_ERR_DTYPE: return "BITNET_ERR_DTYPE";
  case BITNET_ERR_IO: return "BITNET_ERR_IO";
  case BITNET_ERR_FORMAT: return "BITNET_ERR_FORMAT";
  case BITNET_ERR_MEMORY: return "BITNET_ERR_MEMORY";
  case BITNET_ERR_LIBRARY: return "BITNET_ERR_LIBRARY";
  case BITNET_ERR_ABI: return "BITNET_ERR_ABI";
  case BITNET_ERR_CHECK: return "BITNET_ERR_CHECK";
  case BITNET_ERR_UNSUPPORTED: return "BITNET_ERR_UNSUPPORTED";
  case BITNET_ERR_STATE: return "BITNET_ERR_STATE";
  }
  return "BITNET_ERR_UNKNOWN";
}

const char *bitnet_status_message(void) { return last_message; }

bitnet_status bitnet_fail(bitnet_status status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(last_message, sizeof last_message, fmt, ap);
  va_end(ap);
  return status;
}
