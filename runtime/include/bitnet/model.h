/* bitnet/model.h - compiled models: their description (bitnet_model_info),
 * the environment compiled code calls back into (bitnet_exec_env), one-shot
 * runs, and model libraries. docs/abi.md specifies the layout; the compiler
 * includes this header and checks its own view of these structs against it
 * at build time. */
#ifndef BITNET_MODEL_H
#define BITNET_MODEL_H

#include "bitnet/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- CPU features ------------------------------------------------------ */

/* Bits of bitnet_exec_env.cpu_features and bitnet_model_info.
 * required_cpu_features. x86 bits count only when the OS saves the register
 * state they need (XCR0). */
#define BITNET_CPU_X86_SSE42 (1ull << 0)
#define BITNET_CPU_X86_AVX2 (1ull << 1)       /* with FMA, BMI2, F16C */
#define BITNET_CPU_X86_AVX512 (1ull << 2)     /* F, BW, DQ, VL, CD */
#define BITNET_CPU_X86_AVX512VNNI (1ull << 3)
#define BITNET_CPU_X86_AVX512VBMI (1ull << 4) /* VBMI and VBMI2 */
#define BITNET_CPU_X86_AVX512BF16 (1ull << 5)
#define BITNET_CPU_X86_AVXVNNI (1ull << 6)
#define BITNET_CPU_X86_F16C (1ull << 7)
#define BITNET_CPU_ARM_NEON (1ull << 16)
#define BITNET_CPU_ARM_DOTPROD (1ull << 17)
#define BITNET_CPU_ARM_I8MM (1ull << 18)
#define BITNET_CPU_ARM_FP16 (1ull << 19)
#define BITNET_CPU_ARM_BF16 (1ull << 20)

/* The features of the CPU this runs on (probed once per call; cheap). */
uint64_t bitnet_cpu_features(void);
/* Writes the names of the bits set in `features` ("avx2 avx512 ...") into
 * buf (always NUL-terminated). */
void bitnet_cpu_features_string(uint64_t features, char *buf, size_t size);
/* Online processors (>= 1). */
int32_t bitnet_cpu_count(void);

/* ---- What compiled code calls back into -------------------------------- */

/* One task of a parallel loop: compiled code splits work into `num_tasks`
 * independent tasks; which thread runs which task never changes results. */
typedef void (*bitnet_task_fn)(void *args, int64_t task);

/* Passed to invoke on every call. Fields the model does not use may be
 * NULL/0. bitnet_model_run fills a serial one; a session fills its own. */
typedef struct bitnet_exec_env {
  uint32_t abi_version;  /* BITNET_ABI_VERSION */
  int32_t num_threads;   /* >= 1: how many tasks parallel work is split into */
  uint64_t cpu_features; /* BITNET_CPU_* of this machine */
  void *pool;            /* opaque to compiled code */
  /* Runs fn(args, t) for t in [0, num_tasks) and returns when all are done;
   * the calling thread takes part. Never NULL. */
  void (*parallel_for)(void *pool, int64_t num_tasks, bitnet_task_fn fn,
                       void *args);
  /* Per-session state slots of the model (num_state_slots of them, zeroed at
   * session creation; NULL when there are none): compiled code keeps
   * lazily created state there (device buffers, loaded modules). */
  void **state;
  /* Collectives of a sharded model (docs/distributed.md); comm is NULL and
   * world_size 1 when the model runs alone. Each returns 0, or non-zero
   * after setting the thread's status message. */
  void *comm;
  int32_t rank, world_size;
  int32_t (*all_reduce_sum_f32)(void *comm, float *data, int64_t count);
  int32_t (*all_gather_f32)(void *comm, const float *send, int64_t count,
                            float *recv);
  /* A GPU (docs/cuda.md); device is NULL when there is none. Each returns 0,
   * or non-zero after setting the thread's status message. */
  void *device;
  int32_t (*gpu_module_load)(void *device, const void *image, void **out);
  int32_t (*gpu_function)(void *device, void *module, const char *name,
                          void **out);
  int32_t (*gpu_launch)(void *device, void *function, const int64_t grid[3],
                        const int64_t block[3], int32_t shared_bytes,
                        void **params);
  int32_t (*gpu_alloc)(void *device, int64_t bytes, void **out);
  int32_t (*gpu_free)(void *device, void *ptr);
  /* kind: 0 host to device, 1 device to host, 2 device to device. */
  int32_t (*gpu_copy)(void *device, void *dst, const void *src, int64_t bytes,
                      int32_t kind);
  int32_t (*gpu_synchronize)(void *device);
} bitnet_exec_env;

/* What invoke returns when a callback of the env failed: the callback has
 * set the thread's status message already. */
#define BITNET_INVOKE_CALLBACK_FAILED (-1)

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

/* A cache the model reads and extends in place (a decoder's KV cache,
 * docs/abi.md "Caches"): output `output` is input `input` with the new
 * entries appended along `axis`. */
typedef struct bitnet_cache_info {
  int32_t input;
  int32_t output;
  int32_t axis;
} bitnet_cache_info;

typedef struct bitnet_model_info {
  uint32_t abi_version; /* BITNET_ABI_VERSION (3): read before anything */
  const char *name;
  int32_t num_inputs;
  const bitnet_tensor_info *inputs;
  int32_t num_outputs;
  const bitnet_tensor_info *outputs;
  /* The compiled graph on memref descriptors (docs/abi.md). Returns 0, k in
   * 1..num_errors when the check errors[k - 1] failed, or
   * BITNET_INVOKE_CALLBACK_FAILED. */
  int32_t (*invoke)(void **descriptors, const bitnet_exec_env *env);
  int32_t num_errors;
  const char *const *errors; /* num_errors messages of the model's checks */
  /* BITNET_CPU_* bits the code needs (its --mcpu baseline); running it on a
   * CPU without them is refused with BITNET_ERR_UNSUPPORTED. */
  uint64_t required_cpu_features;
  int32_t num_caches;
  const bitnet_cache_info *caches;
  /* Size of bitnet_exec_env.state; release_state (may be NULL) frees what
   * compiled code left there, when a session ends. */
  int32_t num_state_slots;
  void (*release_state)(const bitnet_exec_env *env);
} bitnet_model_info;

/* Checks that the info itself is usable: abi_version, non-NULL name, invoke
 * and arrays, names present, dtypes known, ranks 0..BITNET_MAX_RANK, dims
 * >= -1, error messages present, caches naming inputs and outputs of one
 * dtype and rank. BITNET_ERR_ABI (or ARGUMENT for NULL model) otherwise.
 * bitnet_model_run, sessions and bitnet_library_open call it. */
bitnet_status bitnet_model_validate(const bitnet_model_info *model);

/* BITNET_OK if this CPU has the model's required_cpu_features, else
 * BITNET_ERR_UNSUPPORTED naming the missing ones. */
bitnet_status bitnet_model_check_cpu(const bitnet_model_info *model);

/* Returns 1 if output `index` has a dynamic dimension (its shape is known
 * only after a run; the model allocates it), 0 if its shape is static, -1
 * for a bad model or index. */
int bitnet_model_output_is_dynamic(const bitnet_model_info *model,
                                   int32_t index);

/* Runs the model once on the calling thread (a session runs it on a thread
 * pool: bitnet/session.h).
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
 * Models with state slots or caches run here too (state lives for the call;
 * a cache output is the input with the new entries appended).
 *
 * Reentrant: concurrent calls on the same model are safe as long as they use
 * distinct output tensors. */
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
 * path is used). Errors carry dlerror() text, or say which machine a library
 * was built for when it is not this one's. Ownership: close *out_lib with
 * bitnet_library_close; on failure *out_lib is NULL. */
bitnet_status bitnet_library_open(const char *path, bitnet_library **out_lib);
/* The model of an open library; NULL for NULL lib. Valid until
 * bitnet_library_close. Many threads may use it at once. */
const bitnet_model_info *bitnet_library_model(const bitnet_library *lib);
/* dlclose + free; NULL is a no-op. No run may be in flight. */
void bitnet_library_close(bitnet_library *lib);

#ifdef __cplusplus
}
#endif

#endif /* BITNET_MODEL_H */
