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

/* A ranked memref descriptor with room for the largest rank. For rank r the
 * ABI struct is {allocated, aligned, offset, sizes[r], strides[r]}: the same
 * bytes as this struct's prefix when strides are stored right after the r
 * sizes, i.e. at sizes_strides[r]. */
typedef struct bitnet_descriptor {
  void *allocated;
  void *aligned;
  int64_t offset;
  int64_t sizes_strides[2 * BITNET_MAX_RANK];
} bitnet_descriptor;

/* allocated = aligned = t->data, offset 0, sizes = shape, row-major
 * strides (the tensor's numel must have been checked). */
void bitnet_descriptor_fill(bitnet_descriptor *d, const bitnet_tensor *t);

/* Copies the elements of a strided view (sizes, strides in elements) into
 * the row-major `dst`. */
void bitnet_copy_strided(char *dst, const char *src, const int64_t *sizes,
                         const int64_t *strides, int32_t rank, size_t elem);

/* Turns the descriptor a model filled for a dynamic output into a runtime
 * tensor and takes over its buffer (`allocated`, from the C library's
 * malloc): adopted as is when it is contiguous at offset 0, else copied and
 * freed. Always consumes the buffer. */
bitnet_status bitnet_adopt_output(const bitnet_tensor_info *ti,
                                  const bitnet_descriptor *d,
                                  bitnet_tensor *out);

/* 1 if the tensor has a dynamic (-1) dimension. */
int bitnet_info_is_dynamic(const bitnet_tensor_info *ti);

/* bitnet_model_run's input checks: data, dtype, rank, static dimensions,
 * dimensions that share a name (inputs: num_inputs tensors). */
bitnet_status bitnet_check_inputs(const bitnet_model_info *model,
                                  const bitnet_tensor *inputs);

/* The status of invoke's return value: OK, CHECK with the model's message,
 * CHECK for a failed callback (message already set), ABI otherwise. */
bitnet_status bitnet_invoke_status(const bitnet_model_info *model,
                                   int32_t code);

/* The environment a session passes to invoke (its pool and state). */
const bitnet_exec_env *bitnet_session_env(const bitnet_session *session);

/* One (past input, present output) pair of a decoder and its cache buffer
 * (max_batch x kv_heads x max_seq x head_dim floats). */
typedef struct bitnet_cache_pair {
  int32_t past;    /* input index */
  int32_t present; /* output index */
  int in_place;    /* the model lists it in caches: extended in place */
  float *buffer;
} bitnet_cache_pair;

/* A decoder's tensors in a model (bitnet/decoder.h's interface). */
typedef struct bitnet_decoder_layout {
  const bitnet_model_info *model;
  int32_t ids_input, mask_input, positions_input, logits_output;
  int32_t num_layers;
  int32_t num_pairs; /* 2 * num_layers: key then value of each layer */
  bitnet_cache_pair *pairs; /* buffers NULL: the decoder allocates them */
  int64_t kv_heads, head_dim, vocab;
} bitnet_decoder_layout;

/* Finds and checks the interface of a validated model; messages name the
 * missing or mistyped tensor. Free `out` with bitnet_decoder_layout_free
 * whatever the result. */
bitnet_status bitnet_decoder_layout_find(const bitnet_model_info *model,
                                         bitnet_decoder_layout *out);
void bitnet_decoder_layout_free(bitnet_decoder_layout *layout);

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
