/* bitnet/tensor.h - dense tensors as the runtime API passes them. */
#ifndef BITNET_TENSOR_H
#define BITNET_TENSOR_H

#include "bitnet/base.h"

#ifdef __cplusplus
extern "C" {
#endif

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
 * model_output_alloc, model_run, session_run, the tooling readers, or
 * bitnet_aligned_alloc) and sets it to NULL. NULL t or NULL t->data:
 * no-op. */
void bitnet_tensor_free(bitnet_tensor *t);

#ifdef __cplusplus
}
#endif

#endif /* BITNET_TENSOR_H */
