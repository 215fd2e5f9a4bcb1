/* Checking a call against bitnet_model_info and invoking the compiled code
 * through MLIR memref descriptors (docs/abi.md). */
#include "internal.h"

#include <stdlib.h>

/* A ranked memref descriptor with room for the largest rank. For rank r the
 * ABI struct is {allocated, aligned, offset, sizes[r], strides[r]}: the same
 * bytes as this struct's prefix when strides are stored right after the r
 * sizes, i.e. at sizes_strides[r]. */
typedef struct descriptor {
  void *allocated;
  void *aligned;
  int64_t offset;
  int64_t sizes_strides[2 * BITNET_MAX_RANK];
} descriptor;

/* Up to this many tensors the descriptors live on the stack (about 2.5 KB),
 * so the common call allocates nothing. */
enum { LOCAL_TENSORS = 16 };

static const char *model_name(const bitnet_model_info *m) {
  return m->name ? m->name : "?";
}

static bitnet_status validate_infos(const bitnet_model_info *m,
                                    const char *kind, int32_t count,
                                    const bitnet_tensor_info *infos) {
  if (count < 0 || (count > 0 && !infos))
    return bitnet_fail(BITNET_ERR_ABI, "model '%s': bad %s list (%d entries)",
                       model_name(m), kind, (int)count);
  for (int32_t i = 0; i < count; ++i) {
    const bitnet_tensor_info *ti = &infos[i];
    if (!ti->name)
      return bitnet_fail(BITNET_ERR_ABI, "model '%s': %s %d has no name",
                         model_name(m), kind, (int)i);
    if (bitnet_dtype_size(ti->dtype) == 0)
      return bitnet_fail(BITNET_ERR_ABI, "model '%s' %s '%s': unknown dtype %d",
                         model_name(m), kind, ti->name, (int)ti->dtype);
    if (ti->rank < 0 || ti->rank > BITNET_MAX_RANK || (ti->rank && !ti->shape))
      return bitnet_fail(BITNET_ERR_ABI,
                         "model '%s' %s '%s': rank %d unsupported (max %d)",
                         model_name(m), kind, ti->name, (int)ti->rank,
                         BITNET_MAX_RANK);
    for (int32_t d = 0; d < ti->rank; ++d)
      if (ti->shape[d] < -1)
        return bitnet_fail(BITNET_ERR_ABI,
                           "model '%s' %s '%s' dimension %d: invalid size %lld",
                           model_name(m), kind, ti->name, (int)d,
                           (long long)ti->shape[d]);
  }
  return BITNET_OK;
}

bitnet_status bitnet_model_validate(const bitnet_model_info *m) {
  if (!m)
    return bitnet_fail(BITNET_ERR_ARGUMENT, "model info is NULL");
  if (m->abi_version != BITNET_ABI_VERSION)
    /* Other fields may have moved in another ABI: read none of them. */
    return bitnet_fail(BITNET_ERR_ABI,
                       "model has ABI version %u, runtime expects %u",
                       (unsigned)m->abi_version, BITNET_ABI_VERSION);
  if (!m->name || !m->invoke)
    return bitnet_fail(BITNET_ERR_ABI, "model '%s': %s is NULL", model_name(m),
                       m->name ? "invoke" : "name");
  bitnet_status s = validate_infos(m, "input", m->num_inputs, m->inputs);
  if (s == BITNET_OK)
    s = validate_infos(m, "output", m->num_outputs, m->outputs);
  return s;
}

/* One tensor against its declaration; `kind` is "input" or "output". */
static bitnet_status check_tensor(const char *kind, const bitnet_tensor_info *ti,
                                  const bitnet_tensor *t) {
  if (!t->data)
    return bitnet_fail(BITNET_ERR_ARGUMENT, "%s '%s': data is NULL", kind,
                       ti->name);
  if (t->dtype != ti->dtype)
    return bitnet_fail(BITNET_ERR_DTYPE, "%s '%s': expected dtype %s, got %s",
                       kind, ti->name, bitnet_dtype_name(ti->dtype),
                       bitnet_dtype_name(t->dtype));
  if (t->rank != ti->rank)
    return bitnet_fail(BITNET_ERR_SHAPE, "%s '%s': expected rank %d, got %d",
                       kind, ti->name, (int)ti->rank, (int)t->rank);
  for (int32_t d = 0; d < ti->rank; ++d) {
    int64_t want = ti->shape[d], got = t->shape[d];
    if (want >= 0 && got != want)
      return bitnet_fail(BITNET_ERR_SHAPE,
                         "%s '%s' dimension %d: expected %lld, got %lld", kind,
                         ti->name, (int)d, (long long)want, (long long)got);
    if (got < 0)
      return bitnet_fail(BITNET_ERR_SHAPE,
                         "%s '%s' dimension %d (dynamic): expected a size >= 0,"
                         " got %lld", kind, ti->name, (int)d, (long long)got);
  }
  if (bitnet_tensor_numel(t) < 0)
    return bitnet_fail(BITNET_ERR_SHAPE, "%s '%s': element count overflows",
                       kind, ti->name);
  return BITNET_OK;
}

static void fill_descriptor(descriptor *d, const bitnet_tensor *t) {
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

bitnet_status bitnet_model_run(const bitnet_model_info *m,
                               const bitnet_tensor *inputs, int32_t num_inputs,
                               bitnet_tensor *outputs, int32_t num_outputs) {
  bitnet_status s = bitnet_model_validate(m);
  if (s != BITNET_OK)
    return s;
  if (num_inputs != m->num_inputs || num_outputs != m->num_outputs)
    return bitnet_fail(BITNET_ERR_ARGUMENT,
                       "model '%s': expected %d inputs and %d outputs, got %d"
                       " and %d", m->name, (int)m->num_inputs,
                       (int)m->num_outputs, (int)num_inputs, (int)num_outputs);
  if ((num_inputs > 0 && !inputs) || (num_outputs > 0 && !outputs))
    return bitnet_fail(BITNET_ERR_ARGUMENT, "model '%s': %s array is NULL",
                       m->name, num_inputs > 0 && !inputs ? "input" : "output");
  for (int32_t i = 0; i < num_inputs; ++i)
    if ((s = check_tensor("input", &m->inputs[i], &inputs[i])) != BITNET_OK)
      return s;
  for (int32_t i = 0; i < num_outputs; ++i)
    if ((s = check_tensor("output", &m->outputs[i], &outputs[i])) != BITNET_OK)
      return s;

  size_t n = (size_t)num_inputs + (size_t)num_outputs;
  descriptor local_desc[LOCAL_TENSORS];
  void *local_ptrs[LOCAL_TENSORS];
  descriptor *desc = local_desc;
  void **ptrs = local_ptrs;
  if (n > LOCAL_TENSORS) {
    desc = malloc(n * sizeof *desc);
    ptrs = malloc(n * sizeof *ptrs);
    if (!desc || !ptrs) {
      free(desc);
      free(ptrs);
      return bitnet_fail(BITNET_ERR_MEMORY,
                         "model '%s': no memory for %zu descriptors", m->name,
                         n);
    }
  }
  for (size_t i = 0; i < n; ++i) {
    const bitnet_tensor *t = i < (size_t)num_inputs
                                 ? &inputs[i]
                                 : &outputs[i - (size_t)num_inputs];
    fill_descriptor(&desc[i], t);
    ptrs[i] = &desc[i];
  }
  m->invoke(ptrs);
  if (desc != local_desc) {
    free(desc);
    free(ptrs);
  }
  return BITNET_OK;
}

bitnet_status bitnet_model_output_alloc(const bitnet_model_info *m,
                                        int32_t index,
                                        bitnet_tensor *out_tensor) {
  if (out_tensor)
    out_tensor->data = NULL;
  bitnet_status s = bitnet_model_validate(m);
  if (s != BITNET_OK)
    return s;
  if (!out_tensor)
    return bitnet_fail(BITNET_ERR_ARGUMENT, "output_alloc: tensor is NULL");
  if (index < 0 || index >= m->num_outputs)
    return bitnet_fail(BITNET_ERR_ARGUMENT,
                       "model '%s': output index %d outside 0..%d", m->name,
                       (int)index, (int)m->num_outputs - 1);
  const bitnet_tensor_info *ti = &m->outputs[index];
  for (int32_t d = 0; d < ti->rank; ++d)
    if (ti->shape[d] < 0)
      return bitnet_fail(BITNET_ERR_SHAPE,
                         "output '%s' dimension %d is dynamic; allocate it with"
                         " bitnet_tensor_alloc", ti->name, (int)d);
  return bitnet_tensor_alloc(out_tensor, ti->dtype, ti->rank, ti->shape);
}
