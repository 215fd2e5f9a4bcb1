/* bitnet_example: runs examples/bitnet_mlp.onnx, compiled into this program
 * by bitnet_add_model() (CMakeLists.txt), through its generated header.
 *
 *   bitnet_example [input.npy]
 *
 * Input x: float32 [4, 64], read from the .npy file if one is given, else a
 * fixed deterministic pattern. Prints the output y and a checksum (the sum of
 * its elements), then exits 0; on any error prints the runtime's message and
 * exits 1. */
#include <stdio.h>

#include "bitnet/tooling.h" /* bitnet_npy_read */
#include "mlp.h"            /* generated: bitnet_mlp_model, bitnet_mlp_run() */

/* x[i] = ((i * 37) % 17 - 8) / 8: exact in float32, in [-1, 1]. */
static void fill_input(bitnet_tensor *x) {
  float *data = (float *)x->data;
  int64_t n = bitnet_tensor_numel(x);
  for (int64_t i = 0; i < n; ++i)
    data[i] = (float)((i * 37) % 17 - 8) / 8.0f;
}

static int fail(const char *what, bitnet_status status) {
  fprintf(stderr, "bitnet_example: %s: %s: %s\n", what,
          bitnet_status_string(status), bitnet_status_message());
  return 1;
}

int main(int argc, char **argv) {
  const bitnet_model_info *model = &bitnet_mlp_model;
  const bitnet_tensor_info *x_info =
      &model->inputs[BITNET_MLP_INPUT_X];
  bitnet_tensor x = {0}, y = {0};
  bitnet_status status;
  if (argc > 2) {
    fprintf(stderr, "usage: %s [input.npy]\n", argv[0]);
    return 1;
  }
  if (argc == 2) {
    status = bitnet_npy_read(argv[1], &x);
    if (status != BITNET_OK)
      return fail("reading the input", status);
  } else {
    status = bitnet_tensor_alloc(&x, x_info->dtype, x_info->rank,
                                 x_info->shape);
    if (status != BITNET_OK)
      return fail("allocating the input", status);
    fill_input(&x);
  }
  /* y.data == NULL: the run allocates y (static or dynamic shape alike) and
   * we free it below; on failure nothing is left allocated. */
  status = bitnet_mlp_run(&x, &y); /* checks dtypes and shapes */
  if (status != BITNET_OK) {
    bitnet_tensor_free(&x);
    return fail("running the model", status);
  }

  printf("model %s: output '%s' %s [", model->name,
         model->outputs[BITNET_MLP_OUTPUT_Y].name,
         bitnet_dtype_name(y.dtype));
  for (int32_t d = 0; d < y.rank; ++d)
    printf("%s%lld", d ? ", " : "", (long long)y.shape[d]);
  printf("]\n");
  const float *values = (const float *)y.data;
  int64_t n = bitnet_tensor_numel(&y);
  int64_t columns = y.rank ? y.shape[y.rank - 1] : 1;
  double checksum = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    printf("%s%.6g", i % columns ? " " : "", (double)values[i]);
    if ((i + 1) % columns == 0 || i + 1 == n)
      printf("\n");
    checksum += values[i];
  }
  printf("checksum: %.6f\n", checksum);
  bitnet_tensor_free(&x);
  bitnet_tensor_free(&y);
  return 0;
}
