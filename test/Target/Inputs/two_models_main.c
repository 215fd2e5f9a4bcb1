/* Links two compiled models (small.mlir as 'small', two_outputs.mlir as
 * 'two') into one program through their generated headers and runs both;
 * 'two' with a dynamic batch of 3 rows. Compiles as C11 and as C++. */
#include <stdio.h>

#include "small.h"
#include "two.h"

static int check(bitnet_status status, const char *what) {
  if (status == BITNET_OK)
    return 0;
  printf("%s: %s: %s\n", what, bitnet_status_string(status),
         bitnet_status_message());
  return 1;
}

int main(void) {
  bitnet_tensor x, y, a, b, total;
  /* A dynamic output: passed with data == NULL, allocated by the model. */
  bitnet_tensor sum = {0, 0, {0}, NULL};
  int64_t dyn_shape[2] = {3, 4};
  int64_t i;
  if (check(bitnet_tensor_alloc(&x, BITNET_DTYPE_FLOAT, 2,
                                bitnet_small_model.inputs[0].shape), "x") ||
      check(bitnet_model_output_alloc(&bitnet_small_model,
                                      BITNET_SMALL_OUTPUT_Y, &y), "y"))
    return 1;
  for (i = 0; i < 8; ++i)
    ((float *)x.data)[i] = (float)i;
  if (check(bitnet_small_run(&x, &y), "small"))
    return 1;
  printf("small y:");
  for (i = 0; i < 6; ++i)
    printf(" %g", (double)((float *)y.data)[i]);
  printf("\n");

  if (check(bitnet_tensor_alloc(&a, BITNET_DTYPE_INT32, 2, dyn_shape), "a") ||
      check(bitnet_tensor_alloc(&b, BITNET_DTYPE_INT32, 2, dyn_shape), "b") ||
      check(bitnet_model_output_alloc(&bitnet_two_model,
                                      BITNET_TWO_OUTPUT_INT, &total),
            "total"))
    return 1;
  for (i = 0; i < 12; ++i) {
    ((int32_t *)a.data)[i] = (int32_t)i;
    ((int32_t *)b.data)[i] = 100;
  }
  if (check(bitnet_two_run(&a, &b, &sum, &total), "two"))
    return 1;
  printf("two sum [%d, %d]:", (int)sum.shape[0], (int)sum.shape[1]);
  for (i = 0; i < 12; ++i)
    printf(" %d", (int)((int32_t *)sum.data)[i]);
  printf("\ntwo total: %d\n", (int)*(int32_t *)total.data);

  /* The checks run before invoke: a wrong static dimension is an error. */
  x.shape[1] = 5;
  check(bitnet_small_run(&x, &y), "small with x[2,5]");
  check(bitnet_two_run(&a, NULL, &sum, &total), "two with NULL b");
  /* sum still holds the first run's buffer: a second run would leak it. */
  check(bitnet_two_run(&a, &b, &sum, &total), "two with sum not freed");

  bitnet_tensor_free(&x);
  bitnet_tensor_free(&y);
  bitnet_tensor_free(&a);
  bitnet_tensor_free(&b);
  bitnet_tensor_free(&sum);
  bitnet_tensor_free(&total);
  return 0;
}
