/* Runs the model named by MODEL/RUN (from MODEL_HEADER) on x = 0..7 and
 * prints y; with SECOND_HEADER, also checks that constant.h links. */
#include <stdio.h>

#include MODEL_HEADER
#ifdef SECOND_HEADER
#include SECOND_HEADER
#endif

int main(void) {
  bitnet_tensor x, y;
  int i;
  if (bitnet_tensor_alloc(&x, BITNET_DTYPE_FLOAT, 2, MODEL.inputs[0].shape) ||
      bitnet_model_output_alloc(&MODEL, 0, &y))
    return 1;
  for (i = 0; i < 8; ++i)
    ((float *)x.data)[i] = (float)i;
  if (RUN(&x, &y) != BITNET_OK) {
    printf("error: %s\n", bitnet_status_message());
    return 1;
  }
  printf("%s:", MODEL.name);
  for (i = 0; i < 6; ++i)
    printf(" %g", (double)((float *)y.data)[i]);
  printf("\n");
#ifdef SECOND_HEADER
  printf("%s: %d outputs\n", bitnet_constant_model.name,
         (int)BITNET_CONSTANT_NUM_OUTPUTS);
#endif
  bitnet_tensor_free(&x);
  bitnet_tensor_free(&y);
  return 0;
}
