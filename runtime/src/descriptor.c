/* Memref descriptors: filling them from tensors, and turning what a model
 * handed back into tensors (docs/abi.md). Shared by bitnet_model_run and the
 * decoder. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

void bitnet_descriptor_fill(bitnet_descriptor *d, const bitnet_tensor *t) {
  d->allocated = t->data;
  d->aligned = t->data;
  d->offset = 0;
  int64_t *sizes = d->sizes_strides, *strides = d->sizes_strides + t->rank;
  int64_t stride = 1;
  for (int32_t i = t->rank - 1; i >= 0; --i) {
    sizes[i] = t->shape[i];
    strides[i] = stride;
    stride *= t->shape[i]; /* cannot overflow: numel was checked */
  }
}

void bitnet_copy_strided(char *dst, const char *src, const int64_t *sizes,
                         const int64_t *strides, int32_t rank, size_t elem) {
  /* Rows along the innermost dimension go by memcpy when it is unit-stride
   * (a KV cache copies whole head_dim rows); otherwise element by element. */
  int32_t outer = rank;
  size_t run = elem;
  if (rank > 0 && (strides[rank - 1] == 1 || sizes[rank - 1] == 1)) {
    outer = rank - 1;
    run = (size_t)sizes[rank - 1] * elem;
  }
  int64_t index[BITNET_MAX_RANK] = {0};
  int64_t count = 1;
  for (int32_t d = 0; d < rank; ++d)
    count *= sizes[d];
  if (count == 0)
    return;
  for (int32_t d = outer; d < rank; ++d)
    count /= sizes[d];
  for (int64_t n = 0; n < count; ++n) {
    int64_t offset = 0;
    for (int32_t d = 0; d < outer; ++d)
      offset += index[d] * strides[d];
    memcpy(dst + (size_t)n * run, src + offset * (int64_t)elem, run);
    for (int32_t d = outer - 1; d >= 0 && ++index[d] == sizes[d]; --d)
      index[d] = 0;
  }
}

bitnet_status bitnet_adopt_output(const bitnet_tensor_info *ti,
                                  const bitnet_descriptor *d,
                                  bitnet_tensor *out) {
  const int64_t *sizes = d->sizes_strides, *strides = sizes + ti->rank;
  out->dtype = ti->dtype;
  out->rank = ti->rank;
  out->data = NULL;
  for (int32_t i = 0; i < ti->rank; ++i)
    out->shape[i] = sizes[i];
  bitnet_status s = BITNET_OK;
  int64_t numel = bitnet_tensor_numel(out);
  for (int32_t i = 0; i < ti->rank && s == BITNET_OK; ++i)
    if (sizes[i] < 0 || (ti->shape[i] >= 0 && sizes[i] != ti->shape[i]))
      s = bitnet_fail(BITNET_ERR_ABI,
                      "output '%s' dimension %d: the model returned size %lld",
                      ti->name, (int)i, (long long)sizes[i]);
  if (s == BITNET_OK && numel < 0)
    s = bitnet_fail(BITNET_ERR_ABI, "output '%s': element count overflows",
                    ti->name);
  if (s == BITNET_OK && numel > 0 && !d->aligned)
    s = bitnet_fail(BITNET_ERR_ABI, "output '%s': the model returned no data",
                    ti->name);
  if (s != BITNET_OK) {
    free(d->allocated);
    return s;
  }
  int contiguous = d->offset == 0 && d->aligned == d->allocated && numel > 0;
  for (int64_t i = ti->rank - 1, stride = 1; i >= 0 && contiguous; --i) {
    if (sizes[i] != 1 && strides[i] != stride)
      contiguous = 0;
    stride *= sizes[i];
  }
  if (contiguous) {
    out->data = d->allocated;
    return BITNET_OK;
  }
  s = bitnet_tensor_alloc(out, ti->dtype, ti->rank, sizes);
  if (s == BITNET_OK && numel > 0)
    bitnet_copy_strided(out->data,
                 (const char *)d->aligned +
                     d->offset * (int64_t)bitnet_dtype_size(ti->dtype),
                 sizes, strides, ti->rank, bitnet_dtype_size(ti->dtype));
  free(d->allocated);
  return s;
}
