/* Element types, tensor sizes and aligned allocation. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t bitnet_dtype_size(int32_t dtype) {
  switch (dtype) {
  case BITNET_DTYPE_UINT8: case BITNET_DTYPE_INT8: case BITNET_DTYPE_BOOL:
    return 1;
  case BITNET_DTYPE_UINT16: case BITNET_DTYPE_INT16:
  case BITNET_DTYPE_FLOAT16: case BITNET_DTYPE_BFLOAT16:
    return 2;
  case BITNET_DTYPE_FLOAT: case BITNET_DTYPE_INT32: case BITNET_DTYPE_UINT32:
    return 4;
  case BITNET_DTYPE_INT64: case BITNET_DTYPE_DOUBLE: case BITNET_DTYPE_UINT64:
    return 8;
  default:
    return 0;
  }
}

const char *bitnet_dtype_name(int32_t dtype) {
  switch (dtype) {
  case BITNET_DTYPE_FLOAT: return "float32";
  case BITNET_DTYPE_UINT8: return "uint8";
  case BITNET_DTYPE_INT8: return "int8";
  case BITNET_DTYPE_UINT16: return "uint16";
  case BITNET_DTYPE_INT16: return "int16";
  case BITNET_DTYPE_INT32: return "int32";
  case BITNET_DTYPE_INT64: return "int64";
  case BITNET_DTYPE_BOOL: return "bool";
  case BITNET_DTYPE_FLOAT16: return "float16";
  case BITNET_DTYPE_DOUBLE: return "float64";
  case BITNET_DTYPE_UINT32: return "uint32";
  case BITNET_DTYPE_UINT64: return "uint64";
  case BITNET_DTYPE_BFLOAT16: return "bfloat16";
  default: return "unknown";
  }
}

bool bitnet_mul_i64(int64_t a, int64_t b, int64_t *out) {
  if (a < 0 || b < 0)
    return false;
  if (a != 0 && b > INT64_MAX / a)
    return false;
  *out = a * b;
  return true;
}

void bitnet_format_type(char *buf, size_t size, int32_t dtype, int32_t rank,
                        const int64_t *shape) {
  int n = snprintf(buf, size, "%s[", bitnet_dtype_name(dtype));
  for (int32_t i = 0; i < rank && shape && n >= 0 && (size_t)n < size; ++i)
    n += snprintf(buf + n, size - (size_t)n, "%s%lld", i ? "," : "",
                  (long long)shape[i]);
  if (n >= 0 && (size_t)n < size)
    snprintf(buf + n, size - (size_t)n, "]");
}

int64_t bitnet_tensor_numel(const bitnet_tensor *t) {
  if (!t || t->rank < 0 || t->rank > BITNET_MAX_RANK)
    return -1;
  int64_t n = 1;
  for (int32_t i = 0; i < t->rank; ++i)
    if (!bitnet_mul_i64(n, t->shape[i], &n))
      return -1;
  return n;
}

size_t bitnet_tensor_nbytes(const bitnet_tensor *t) {
  int64_t n = bitnet_tensor_numel(t);
  size_t elem = t ? bitnet_dtype_size(t->dtype) : 0;
  if (n < 0 || elem == 0 || (uint64_t)n > SIZE_MAX / elem)
    return 0;
  return (size_t)n * elem;
}

void *bitnet_aligned_alloc(size_t alignment, size_t bytes) {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
    bitnet_fail(BITNET_ERR_ARGUMENT,
                "alignment %zu is not a power of two", alignment);
    return NULL;
  }
  if (alignment < sizeof(void *))
    alignment = sizeof(void *);
  /* C11 aligned_alloc wants a size that is a multiple of the alignment, and
   * a zero-byte request may return NULL; round up to at least one unit. */
  size_t rounded = bytes == 0 ? alignment : bytes;
  if (rounded > SIZE_MAX - (alignment - 1)) {
    bitnet_fail(BITNET_ERR_MEMORY, "cannot allocate %zu bytes", bytes);
    return NULL;
  }
  rounded = (rounded + alignment - 1) & ~(alignment - 1);
  void *p = aligned_alloc(alignment, rounded);
  if (!p)
    bitnet_fail(BITNET_ERR_MEMORY, "out of memory allocating %zu bytes",
                bytes);
  return p;
}

void bitnet_aligned_free(void *p) { free(p); }

bitnet_status bitnet_tensor_alloc(bitnet_tensor *t, int32_t dtype,
                                  int32_t rank, const int64_t *shape) {
  if (!t)
    return bitnet_fail(BITNET_ERR_ARGUMENT, "tensor_alloc: tensor is NULL");
  memset(t, 0, sizeof *t);
  if (bitnet_dtype_size(dtype) == 0)
    return bitnet_fail(BITNET_ERR_DTYPE, "tensor_alloc: unknown dtype %d",
                       (int)dtype);
  if (rank < 0 || rank > BITNET_MAX_RANK)
    return bitnet_fail(BITNET_ERR_SHAPE,
                       "tensor_alloc: rank %d outside 0..%d", (int)rank,
                       BITNET_MAX_RANK);
  if (rank > 0 && !shape)
    return bitnet_fail(BITNET_ERR_ARGUMENT, "tensor_alloc: shape is NULL");
  t->dtype = dtype;
  t->rank = rank;
  for (int32_t i = 0; i < rank; ++i) {
    if (shape[i] < 0)
      return bitnet_fail(BITNET_ERR_SHAPE,
                         "tensor_alloc: dimension %d is negative (%lld)",
                         (int)i, (long long)shape[i]);
    t->shape[i] = shape[i];
  }
  size_t bytes = bitnet_tensor_nbytes(t);
  if (bytes == 0 && bitnet_tensor_numel(t) != 0) {
    char type[128];
    bitnet_format_type(type, sizeof type, dtype, rank, shape);
    return bitnet_fail(BITNET_ERR_MEMORY, "tensor_alloc: size of %s overflows",
                       type);
  }
  t->data = bitnet_aligned_alloc(BITNET_ALIGNMENT, bytes);
  if (!t->data)
    return BITNET_ERR_MEMORY; /* message set by bitnet_aligned_alloc */
  memset(t->data, 0, bytes);
  return BITNET_OK;
}

void bitnet_tensor_free(bitnet_tensor *t) {
  if (!t)
    return;
  bitnet_aligned_free(t->data);
  t->data = NULL;
}
