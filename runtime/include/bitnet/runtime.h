/* bitnet/runtime.h - C runtime for models compiled by bitnet-compile.
 *
 * Plain C11, no MLIR or LLVM: applications and generated code link it
 * (static library bitnet_runtime, CMake target BitnetMLIR::runtime).
 * docs/runtime.md is the reference; docs/abi.md specifies the entry points.
 *
 * Conventions (one rule for every function):
 *  - A fallible call returns bitnet_status; on failure it sets a specific
 *    message for this thread, read with bitnet_status_message().
 *  - Results come back through out_ parameters; on failure an out_ tensor has
 *    data == NULL and an out_ handle is NULL.
 *  - "Ownership" notes below say who frees what. Nothing keeps a pointer to an
 *    argument after returning unless stated.
 *  - Thread safety: no global mutable state. Functions may be called from any
 *    thread; objects passed to concurrent calls must not be written to by
 *    another thread at the same time.
 *  - Little-endian hosts only (the .npy/.pb readers copy raw bytes).
 */
#ifndef BITNET_RUNTIME_H
#define BITNET_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BITNET_MAX_RANK 8
#define BITNET_ABI_VERSION 2u
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
  BITNET_ERR_FORMAT,   /* malformed .npy/.pb contents */
  BITNET_ERR_MEMORY,   /* allocation failed or size overflow */
  BITNET_ERR_LIBRARY,  /* dlopen/dlsym failed, or not a model library */
  BITNET_ERR_ABI,      /* model built for another ABI, or inconsistent info */
  BITNET_ERR_CHECK,    /* a check inside the compiled model failed (sizes that
                          contradict the graph, an index out of range) */
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
 * between ONNX files, the compiler and bitnet_model_info. */
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

/* ---- Tensors ----------------------------------------------------------- */

/* A dense row-major contiguous tensor. A plain struct: the caller owns it and
 * may point `data` at its own memory. shape[rank..] are ignored. */
typedef struct bitnet_tensor {
  int32_t dtype; /* bitnet_dtype */
  int32_t rank;  /* 0..BITNET_MAX_RANK; rank 0 holds one element */
  int64_t shape[BITNET_MAX_RANK];
  void *data;
} bitnet_tensor;

/* Number of elements (1 for rank 0); -1 if rank or a dimension is invalid or
 * the product overflows. */
int64_t bitnet_tensor_numel(const bitnet_tensor *t);
/* numel * element size; 0 if the tensor is invalid or that overflows size_t
 * (also 0, legitimately, for a tensor with a zero dimension). */
size_t bitnet_tensor_nbytes(const bitnet_tensor *t);

/* Fills *t with dtype/rank/shape and a zeroed BITNET_ALIGNMENT-aligned
 * buffer (non-NULL even when it holds zero elements). `shape` may be NULL
 * when rank == 0. Ownership: the caller releases t->data with
 * bitnet_tensor_free. On failure t->data is NULL. */
bitnet_status bitnet_tensor_alloc(bitnet_tensor *t, int32_t dtype,
                                  int32_t rank, const int64_t *shape);
/* Frees t->data (which must come from a runtime allocator: tensor_alloc,
 * model_output_alloc, model_run, npy_read, pb_read, or bitnet_aligned_alloc)
 * and sets it to NULL. NULL t or NULL t->data: no-op. */
void bitnet_tensor_free(bitnet_tensor *t);

/* `bytes` bytes aligned to `alignment` (a power of two; values below
 * sizeof(void *) are raised to it). Not zeroed. NULL (with a message) on
 * failure or bad alignment. Ownership: release with bitnet_aligned_free. */
void *bitnet_aligned_alloc(size_t alignment, size_t bytes);
/* Releases memory from bitnet_aligned_alloc; NULL is a no-op. */
void bitnet_aligned_free(void *p);

/* ---- Compiled models (docs/abi.md) ------------------------------------- */

typedef struct bitnet_tensor_info {
  const char *name;     /* ONNX graph input/output name */
  int32_t dtype;        /* bitnet_dtype (ONNX TensorProto.DataType code) */
  int32_t rank;
  const int64_t *shape; /* rank entries; -1 marks a dynamic dimension */
  /* NULL, or rank entries: the ONNX dim_param naming each dimension ("batch",
   * "seq"), NULL for an unnamed one. Dimensions of the inputs that share a
   * name must have the same size in a call. */
  const char *const *dim_names;
} bitnet_tensor_info;

typedef struct bitnet_model_info {
  uint32_t abi_version; /* BITNET_ABI_VERSION (2) */
  const char *name;
  int32_t num_inputs;
  const bitnet_tensor_info *inputs;
  int32_t num_outputs;
  const bitnet_tensor_info *outputs;
  /* The compiled graph on memref descriptors (docs/abi.md). Returns 0, or
   * k in 1..num_errors when the check errors[k - 1] failed. */
  int32_t (*invoke)(void **descriptors);
  int32_t num_errors;
  const char *const *errors; /* num_errors messages of the model's checks */
} bitnet_model_info;

/* Checks that the info itself is usable: abi_version, non-NULL name, invoke
 * and arrays, names present, dtypes known, ranks 0..BITNET_MAX_RANK, dims
 * >= -1, error messages present. BITNET_ERR_ABI (or ARGUMENT for NULL model)
 * otherwise. bitnet_model_run and bitnet_library_open call it. */
bitnet_status bitnet_model_validate(const bitnet_model_info *model);

/* Returns 1 if output `index` has a dynamic dimension (its shape is known
 * only after a run; the model allocates it), 0 if its shape is static, -1
 * for a bad model or index. */
int bitnet_model_output_is_dynamic(const bitnet_model_info *model,
                                   int32_t index);

/* Runs the model once.
 *
 * Inputs: checked in order against the info (bitnet_model_validate), the
 * counts, then per input: non-NULL data, dtype, rank, each static dimension
 * equal, each dynamic dimension >= 0, and dimensions that share a name
 * (dim_names) equal.
 *
 * Outputs, per index:
 *  - static shape: pass a tensor with its dtype, rank and shape and your own
 *    buffer in data (checked like an input), or data == NULL and the runtime
 *    allocates it (dtype, rank and shape are then filled in);
 *  - dynamic shape (bitnet_model_output_is_dynamic): data must be NULL (else
 *    BITNET_ERR_ARGUMENT, so that a buffer from an earlier run is never
 *    overwritten and leaked); the model allocates it and the runtime fills
 *    in dtype, rank, shape and data.
 * Ownership: every output whose data was NULL on entry is, on success, a
 * runtime allocation the caller frees with bitnet_tensor_free. On failure
 * those outputs have data == NULL again and nothing is allocated; buffers
 * the caller passed are never freed. Inputs are only read.
 *
 * The compiled code checks what only it can (sizes that contradict a Reshape
 * or a broadcast, a sequence longer than a table it indexes, an index out of
 * range): BITNET_ERR_CHECK with the model's message; outputs are then
 * unspecified (caller buffers) or not allocated.
 *
 * Reentrant: concurrent calls on the same model are safe as long as they use
 * distinct output tensors (the compiled code keeps no state). */
bitnet_status bitnet_model_run(const bitnet_model_info *model,
                               const bitnet_tensor *inputs, int32_t num_inputs,
                               bitnet_tensor *outputs, int32_t num_outputs);

/* Allocates output `index` with its declared dtype and static shape, like
 * bitnet_tensor_alloc. BITNET_ERR_SHAPE if a dimension is dynamic (the
 * model allocates such an output: pass data == NULL to bitnet_model_run).
 * Ownership: free with bitnet_tensor_free. */
bitnet_status bitnet_model_output_alloc(const bitnet_model_info *model,
                                        int32_t index,
                                        bitnet_tensor *out_tensor);

/* ---- Model libraries (shared objects exporting bitnet_model_query) ----- */

/* Defined by a model shared library (bitnet-compile -o model.so), not by the
 * runtime: returns the library's static model info. */
const bitnet_model_info *bitnet_model_query(void);
typedef const bitnet_model_info *(*bitnet_model_query_fn)(void);

typedef struct bitnet_library bitnet_library; /* opaque */

/* dlopen(path, RTLD_NOW | RTLD_LOCAL), looks up
 * `const bitnet_model_info *bitnet_model_query(void)`, calls it and validates
 * the result. `path` follows dlopen rules (without a '/', the library search
 * path is used). Errors carry dlerror() text. Ownership: close *out_lib with
 * bitnet_library_close; on failure *out_lib is NULL. */
bitnet_status bitnet_library_open(const char *path, bitnet_library **out_lib);
/* The model of an open library; NULL for NULL lib. Valid until
 * bitnet_library_close. Many threads may use it at once. */
const bitnet_model_info *bitnet_library_model(const bitnet_library *lib);
/* dlclose + free; NULL is a no-op. No model_run may be in flight. */
void bitnet_library_close(bitnet_library *lib);

/* ---- Files ------------------------------------------------------------- */

/* Reads a .npy file (format 1.0, 2.0 or 3.0; little-endian or byte-order-free
 * descr: <f2 <f4 <f8 |i1 |u1 <i2 <u2 <i4 <u4 <i8 <u8 |b1; C order; rank
 * 0..8). Ownership: the caller frees out->data with bitnet_tensor_free; on
 * failure out->data is NULL. Messages name the file. */
bitnet_status bitnet_npy_read(const char *path, bitnet_tensor *out);
/* Writes t as a .npy file, format 1.0. bfloat16 has no numpy dtype:
 * BITNET_ERR_DTYPE. Ownership: t is only read. */
bitnet_status bitnet_npy_write(const char *path, const bitnet_tensor *t);

/* Reads a serialized ONNX TensorProto (the .pb files of the ONNX backend
 * tests). Data may be in raw_data or the typed fields; external data is
 * rejected. If out_name is non-NULL, *out_name receives a malloc'd copy of
 * the tensor's name ("" if it has none) which the caller frees with free().
 * Ownership of out->data as for bitnet_npy_read. */
bitnet_status bitnet_pb_read(const char *path, bitnet_tensor *out,
                             char **out_name);

#ifdef __cplusplus
}
#endif

#endif /* BITNET_RUNTIME_H */
