/* bitnet/base.h - status codes, element types and aligned memory: what every
 * other runtime header builds on. Plain C11. docs/runtime.md is the
 * reference; the conventions below hold for every runtime function.
 *
 *  - A fallible call returns bitnet_status; on failure it sets a specific
 *    message for this thread, read with bitnet_status_message().
 *  - Results come back through out_ parameters; on failure an out_ tensor has
 *    data == NULL and an out_ handle is NULL.
 *  - "Ownership" notes say who frees what. Nothing keeps a pointer to an
 *    argument after returning unless stated.
 *  - Thread safety: no global mutable state. Functions may be called from any
 *    thread; objects passed to concurrent calls must not be written to by
 *    another thread at the same time (each type says more).
 *  - Little-endian hosts only.
 */
#ifndef BITNET_BASE_H
#define BITNET_BASE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The largest tensor rank the ABI describes (descriptor arrays are sized by
 * it). The compiler reads this value from here. */
#define BITNET_MAX_RANK 8
/* Version of the ABI between compiled models and this runtime (docs/abi.md):
 * bitnet_model_info, bitnet_exec_env and the descriptors. The compiler
 * stamps this value into every model it emits. */
#define BITNET_ABI_VERSION 3u
/* Alignment of every buffer the runtime allocates (a cache line, and enough
 * for any vector load the compiler emits). */
#define BITNET_ALIGNMENT 64

/* ---- Status ------------------------------------------------------------ */

typedef enum bitnet_status {
  BITNET_OK = 0,
  BITNET_ERR_ARGUMENT, /* NULL pointer, bad index or count */
  BITNET_ERR_SHAPE,    /* rank or dimension mismatch, rank > BITNET_MAX_RANK */
  BITNET_ERR_DTYPE,    /* unknown, unsupported or mismatched element type */
  BITNET_ERR_IO,       /* open/read/write/mkdir failed */
  BITNET_ERR_FORMAT,   /* malformed file contents */
  BITNET_ERR_MEMORY,   /* allocation failed or size overflow */
  BITNET_ERR_LIBRARY,  /* dlopen/dlsym failed, or not a model library */
  BITNET_ERR_ABI,      /* model built for another ABI, or inconsistent info */
  BITNET_ERR_CHECK,    /* a check inside the compiled model failed (sizes that
                          contradict the graph, an index out of range) */
  BITNET_ERR_UNSUPPORTED, /* the model needs what this machine lacks (CPU
                             features, a GPU, a communicator) */
  BITNET_ERR_STATE,    /* a call out of order (a step before a prefill, a
                          sequence past the session's capacity) */
} bitnet_status;

/* Constant name of a status ("BITNET_ERR_SHAPE"); "BITNET_ERR_UNKNOWN" for a
 * value outside the enum. Never NULL; static storage. */
const char *bitnet_status_string(bitnet_status status);

/* Message of the last failing call on the calling thread, e.g.
 * "input 'x' dimension 1: expected 64, got 32"; "" if none failed yet.
 * Successful calls leave it unchanged (like errno). The string is
 * thread-local: valid until the next failing call on this thread. */
const char *bitnet_status_message(void);

/* ---- Element types ----------------------------------------------------- */

/* Values are ONNX TensorProto.DataType codes, so they travel unchanged
 * between ONNX files, the compiler and bitnet_model_info. The compiler reads
 * the codes it emits from here. */
typedef enum bitnet_dtype {
  BITNET_DTYPE_FLOAT = 1,
  BITNET_DTYPE_UINT8 = 2,
  BITNET_DTYPE_INT8 = 3,
  BITNET_DTYPE_UINT16 = 4,
  BITNET_DTYPE_INT16 = 5,
  BITNET_DTYPE_INT32 = 6,
  BITNET_DTYPE_INT64 = 7,
  BITNET_DTYPE_BOOL = 9, /* one byte, 0 or 1 */
  BITNET_DTYPE_FLOAT16 = 10,
  BITNET_DTYPE_DOUBLE = 11,
  BITNET_DTYPE_UINT32 = 12,
  BITNET_DTYPE_UINT64 = 13,
  BITNET_DTYPE_BFLOAT16 = 16,
} bitnet_dtype;

/* Bytes per element of a bitnet_dtype value; 0 if unknown/unsupported. */
size_t bitnet_dtype_size(int32_t dtype);
/* numpy-style name ("float32", "int64", "bool", "bfloat16"); "unknown" for
 * other values. Never NULL; static storage. */
const char *bitnet_dtype_name(int32_t dtype);

/* ---- Memory ------------------------------------------------------------ */

/* `bytes` bytes aligned to `alignment` (a power of two; values below
 * sizeof(void *) are raised to it). Not zeroed. NULL (with a message) on
 * failure or bad alignment. Ownership: release with bitnet_aligned_free. */
void *bitnet_aligned_alloc(size_t alignment, size_t bytes);
/* Releases memory from bitnet_aligned_alloc; NULL is a no-op. */
void bitnet_aligned_free(void *p);

#ifdef __cplusplus
}
#endif

#endif /* BITNET_BASE_H */
