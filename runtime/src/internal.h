/* Private helpers shared by the runtime's .c files; not installed. */
#ifndef BITNET_RUNTIME_INTERNAL_H
#define BITNET_RUNTIME_INTERNAL_H

#include "bitnet/runtime.h"

#include <stdbool.h>

/* The readers copy raw little-endian bytes into tensors. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "bitnet runtime supports little-endian hosts only"
#endif

#if defined(__GNUC__) || defined(__clang__)
#define BITNET_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define BITNET_PRINTF(f, a)
#endif

/* Formats the thread-local message and returns `status`, so that failure
 * paths read `return bitnet_fail(BITNET_ERR_SHAPE, "...", ...);`. */
bitnet_status bitnet_fail(bitnet_status status, const char *fmt, ...)
    BITNET_PRINTF(2, 3);

/* A serial environment for this CPU (no pool, no state, no communicator,
 * no device). */
void bitnet_env_init(bitnet_exec_env *env);

/* bitnet_model_run's checks and invocation with a given environment (the
 * model is validated and its CPU checked by the caller). */
bitnet_status bitnet_run_with_env(const bitnet_model_info *model,
                                  const bitnet_exec_env *env,
                                  const bitnet_tensor *inputs,
                                  int32_t num_inputs, bitnet_tensor *outputs,
                                  int32_t num_outputs);

/* a * b into *out; false on overflow or negative operands. */
bool bitnet_mul_i64(int64_t a, int64_t b, int64_t *out);

/* Formats "float32[2,3,-1]" into buf (always NUL-terminated). */
void bitnet_format_type(char *buf, size_t size, int32_t dtype, int32_t rank,
                        const int64_t *shape);

#endif /* BITNET_RUNTIME_INTERNAL_H */
