/* A hand-written stand-in for a compiled model library: y = x + 1 on
 * float32[2,3], reached through the same ABI as bitnet-compile's output
 * (docs/abi.md), so bitnet-run is testable without the compiler. */
#include "bitnet/runtime.h"

/* The rank-2 memref descriptor the runtime passes (docs/abi.md). */
typedef struct memref2 {
  float *allocated, *aligned;
  int64_t offset, sizes[2], strides[2];
} memref2;

static int32_t fake_invoke(void **descriptors, const bitnet_exec_env *env) {
  (void)env;
  const memref2 *x = descriptors[0];
  const memref2 *y = descriptors[1];
  for (int64_t i = 0; i < x->sizes[0]; ++i)
    for (int64_t j = 0; j < x->sizes[1]; ++j)
      y->aligned[y->offset + i * y->strides[0] + j * y->strides[1]] =
          x->aligned[x->offset + i * x->strides[0] + j * x->strides[1]] + 1.0f;
  return 0;
}

static const int64_t shape_2x3[] = {2, 3};
static const bitnet_tensor_info inputs[] = {
    {"x", BITNET_DTYPE_FLOAT, 2, shape_2x3, NULL}};
static const bitnet_tensor_info outputs[] = {
    {"y", BITNET_DTYPE_FLOAT, 2, shape_2x3, NULL}};
static const bitnet_model_info model = {
    BITNET_ABI_VERSION, "fake", 1, inputs, 1, outputs, fake_invoke, 0, NULL,
    0, 0, NULL, 0, NULL};

/* Exported as a compiled .so does; everything else stays hidden. */
__attribute__((visibility("default"))) const bitnet_model_info *
bitnet_model_query(void) {
  return &model;
}
