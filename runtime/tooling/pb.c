/* ONNX TensorProto reader without protobuf: a bounds-checked decoder of the
 * wire format (https://protobuf.dev/programming-guides/encoding/) for the
 * fields of onnx.proto's TensorProto that carry a dense tensor. */
#include "bitnet/tooling.h"
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_I32 = 5 };

enum {
  F_DIMS = 1, F_DATA_TYPE = 2, F_FLOAT = 4, F_INT32 = 5, F_INT64 = 7,
  F_NAME = 8, F_RAW = 9, F_DOUBLE = 10, F_UINT64 = 11, F_LOCATION = 14,
  F_LAST_TYPED = F_UINT64
};

typedef struct reader {
  const uint8_t *p, *end;
} reader;

/* What one pass over the message found. Pass 1 fills it; pass 2 (dst set)
 * copies the elements of `fill_field` into dst. */
typedef struct scan {
  const char *path;
  int32_t rank;
  int64_t dims[BITNET_MAX_RANK];
  uint64_t data_type, location;
  const uint8_t *name, *raw;
  size_t name_len, raw_len;
  bool has_raw;
  int64_t count[F_LAST_TYPED + 1]; /* elements seen per typed field */
  int fill_field;
  uint8_t *dst;
  size_t elem_size;
  bool is_bool;
} scan;

static bitnet_status corrupt(const scan *sc, const char *what) {
  return bitnet_fail(BITNET_ERR_FORMAT, "'%s': malformed TensorProto: %s",
                     sc->path, what);
}

static bool read_varint(reader *r, uint64_t *v) {
  *v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (r->p >= r->end)
      return false;
    uint8_t b = *r->p++;
    *v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80))
      return true;
  }
  return false; /* more than 10 bytes */
}

static bool read_fixed(reader *r, size_t n, uint64_t *v) {
  if ((size_t)(r->end - r->p) < n)
    return false;
  *v = 0;
  for (size_t i = 0; i < n; ++i)
    *v |= (uint64_t)r->p[i] << (8 * i);
  r->p += n;
  return true;
}

/* Stores element `index` of the tensor: typed fields hold the value in their
 * low bits (int32_data carries 8/16-bit types and fp16/bf16 bit patterns),
 * so truncating to the element size is the conversion. */
static void store(scan *sc, int64_t index, uint64_t v) {
  uint8_t *d = sc->dst + (size_t)index * sc->elem_size;
  if (sc->is_bool)
    v = v != 0;
  switch (sc->elem_size) {
  case 1: { uint8_t x = (uint8_t)v; memcpy(d, &x, 1); break; }
  case 2: { uint16_t x = (uint16_t)v; memcpy(d, &x, 2); break; }
  case 4: { uint32_t x = (uint32_t)v; memcpy(d, &x, 4); break; }
  default: memcpy(d, &v, 8); break;
  }
}

/* One element of a repeated field: a dimension, or a value of a typed data
 * field (stored in pass 2 only; counts were checked against numel). */
static bitnet_status element(scan *sc, int field, uint64_t v) {
  if (field == F_DIMS) {
    if (sc->rank == BITNET_MAX_RANK)
      return bitnet_fail(BITNET_ERR_SHAPE, "'%s': rank exceeds %d", sc->path,
                         BITNET_MAX_RANK);
    sc->dims[sc->rank++] = (int64_t)v;
    return BITNET_OK;
  }
  int64_t i = sc->count[field]++;
  if (sc->dst && field == sc->fill_field)
    store(sc, i, v);
  return BITNET_OK;
}

/* A repeated scalar field, packed (WT_LEN) or one element per record. */
static bitnet_status repeated(scan *sc, reader *r, int field, int wt,
                              int elem_wt) {
  size_t width = elem_wt == WT_I32 ? 4 : elem_wt == WT_I64 ? 8 : 0;
  uint64_t v, len;
  if (wt == elem_wt) {
    bool ok = width ? read_fixed(r, width, &v) : read_varint(r, &v);
    if (!ok)
      return corrupt(sc, "truncated value");
    return element(sc, field, v);
  }
  if (wt != WT_LEN)
    return corrupt(sc, "unexpected wire type for a repeated field");
  if (!read_varint(r, &len) || len > (uint64_t)(r->end - r->p))
    return corrupt(sc, "packed field runs past the end");
  reader sub = {r->p, r->p + len};
  r->p += len;
  while (sub.p < sub.end) {
    bool ok = width ? read_fixed(&sub, width, &v) : read_varint(&sub, &v);
    if (!ok)
      return corrupt(sc, "truncated packed value");
    bitnet_status s = element(sc, field, v);
    if (s != BITNET_OK)
      return s;
  }
  return BITNET_OK;
}

static bitnet_status skip(scan *sc, reader *r, int wt) {
  uint64_t v;
  switch (wt) {
  case WT_VARINT: if (read_varint(r, &v)) return BITNET_OK; break;
  case WT_I64: if (read_fixed(r, 8, &v)) return BITNET_OK; break;
  case WT_I32: if (read_fixed(r, 4, &v)) return BITNET_OK; break;
  case WT_LEN:
    if (read_varint(r, &v) && v <= (uint64_t)(r->end - r->p)) {
      r->p += v;
      return BITNET_OK;
    }
    break;
  default:
    return corrupt(sc, "unsupported wire type (group or invalid)");
  }
  return corrupt(sc, "field runs past the end");
}

static bitnet_status bytes_field(scan *sc, reader *r, int wt,
                                 const uint8_t **out, size_t *out_len) {
  uint64_t len;
  if (wt != WT_LEN)
    return corrupt(sc, "string/bytes field with wrong wire type");
  if (!read_varint(r, &len) || len > (uint64_t)(r->end - r->p))
    return corrupt(sc, "bytes field runs past the end");
  *out = r->p;
  *out_len = (size_t)len;
  r->p += len;
  return BITNET_OK;
}

static bitnet_status single_varint(scan *sc, reader *r, int wt, uint64_t *v) {
  if (wt != WT_VARINT || !read_varint(r, v))
    return corrupt(sc, "bad varint field");
  return BITNET_OK;
}

static bitnet_status pass(scan *sc, const uint8_t *buf, size_t len) {
  reader r = {buf, buf + len};
  sc->rank = 0;
  sc->has_raw = false;
  memset(sc->count, 0, sizeof sc->count);
  while (r.p < r.end) {
    uint64_t key;
    if (!read_varint(&r, &key))
      return corrupt(sc, "truncated field key");
    uint64_t field = key >> 3;
    int wt = (int)(key & 7);
    bitnet_status s;
    switch (field) {
    case 0: return corrupt(sc, "field number 0");
    case F_DIMS: s = repeated(sc, &r, F_DIMS, wt, WT_VARINT); break;
    case F_DATA_TYPE: s = single_varint(sc, &r, wt, &sc->data_type); break;
    case F_LOCATION: s = single_varint(sc, &r, wt, &sc->location); break;
    case F_FLOAT: s = repeated(sc, &r, F_FLOAT, wt, WT_I32); break;
    case F_DOUBLE: s = repeated(sc, &r, F_DOUBLE, wt, WT_I64); break;
    case F_INT32: case F_INT64: case F_UINT64:
      s = repeated(sc, &r, (int)field, wt, WT_VARINT);
      break;
    case F_NAME: s = bytes_field(sc, &r, wt, &sc->name, &sc->name_len); break;
    case F_RAW:
      s = bytes_field(sc, &r, wt, &sc->raw, &sc->raw_len);
      sc->has_raw = true;
      break;
    default: s = skip(sc, &r, wt); break; /* segment, doc_string, ... */
    }
    if (s != BITNET_OK)
      return s;
  }
  return BITNET_OK;
}

/* The non-raw field that holds elements of each dtype (onnx.proto). */
static int typed_field(int32_t dtype) {
  switch (dtype) {
  case BITNET_DTYPE_FLOAT: return F_FLOAT;
  case BITNET_DTYPE_DOUBLE: return F_DOUBLE;
  case BITNET_DTYPE_INT64: return F_INT64;
  case BITNET_DTYPE_UINT32: case BITNET_DTYPE_UINT64: return F_UINT64;
  default: return F_INT32;
  }
}

static const char *field_name(int field) {
  switch (field) {
  case F_FLOAT: return "float_data";
  case F_DOUBLE: return "double_data";
  case F_INT64: return "int64_data";
  case F_UINT64: return "uint64_data";
  default: return "int32_data";
  }
}

static bitnet_status read_all(const char *path, uint8_t **out, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return bitnet_fail(BITNET_ERR_IO, "cannot open '%s': %s", path,
                       strerror(errno));
  size_t cap = 4096, n = 0;
  uint8_t *buf = malloc(cap);
  while (buf) {
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap)
      break;
    uint8_t *grown = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
    if (!grown)
      free(buf);
    buf = grown;
    cap *= 2;
  }
  bool failed = buf && ferror(f);
  fclose(f);
  if (!buf)
    return bitnet_fail(BITNET_ERR_MEMORY, "'%s': out of memory", path);
  if (failed) {
    free(buf);
    return bitnet_fail(BITNET_ERR_IO, "cannot read '%s'", path);
  }
  *out = buf;
  *len = n;
  return BITNET_OK;
}

static bitnet_status decode(scan *sc, const uint8_t *buf, size_t len,
                            bitnet_tensor *out) {
  bitnet_status s = pass(sc, buf, len);
  if (s != BITNET_OK)
    return s;
  if (sc->location == 1)
    return bitnet_fail(BITNET_ERR_FORMAT,
                       "'%s': tensor '%.*s' uses external data"
                       " (data_location EXTERNAL), which is not supported",
                       sc->path, (int)sc->name_len,
                       sc->name ? (const char *)sc->name : "");
  int32_t dtype = (int32_t)sc->data_type;
  if (sc->data_type > INT32_MAX || bitnet_dtype_size(dtype) == 0)
    return bitnet_fail(BITNET_ERR_DTYPE,
                       "'%s': unsupported TensorProto data_type %llu", sc->path,
                       (unsigned long long)sc->data_type);
  bitnet_tensor t = {.dtype = dtype, .rank = sc->rank};
  for (int32_t i = 0; i < sc->rank; ++i) {
    if (sc->dims[i] < 0)
      return corrupt(sc, "negative dimension");
    t.shape[i] = sc->dims[i];
  }
  int64_t numel = bitnet_tensor_numel(&t);
  size_t nbytes = bitnet_tensor_nbytes(&t);
  if (numel < 0 || (nbytes == 0 && numel != 0))
    return corrupt(sc, "element count overflows");
  char type[160];
  bitnet_format_type(type, sizeof type, t.dtype, t.rank, t.shape);
  sc->fill_field = typed_field(dtype);
  if (sc->has_raw && sc->raw_len != nbytes)
    return bitnet_fail(BITNET_ERR_FORMAT,
                       "'%s': raw_data has %zu bytes, %s needs %zu", sc->path,
                       sc->raw_len, type, nbytes);
  int64_t any = 0;
  for (int f = 0; f <= F_LAST_TYPED; ++f)
    any += sc->count[f];
  if (!sc->has_raw && any == 0 && numel > 0)
    return bitnet_fail(BITNET_ERR_FORMAT,
                       "'%s': no data for %s (is it a TensorProto? sequences"
                       " and optionals are not supported)", sc->path, type);
  if (!sc->has_raw && sc->count[sc->fill_field] != numel)
    return bitnet_fail(BITNET_ERR_FORMAT,
                       "'%s': %s has %lld values, %s needs %lld", sc->path,
                       field_name(sc->fill_field),
                       (long long)sc->count[sc->fill_field], type,
                       (long long)numel);
  if ((s = bitnet_tensor_alloc(out, dtype, t.rank, t.shape)) != BITNET_OK)
    return s;
  if (sc->has_raw) {
    if (nbytes)
      memcpy(out->data, sc->raw, nbytes);
    return BITNET_OK;
  }
  sc->dst = out->data;
  sc->elem_size = bitnet_dtype_size(dtype);
  sc->is_bool = dtype == BITNET_DTYPE_BOOL;
  return pass(sc, buf, len); /* cannot fail: same bytes as pass 1 */
}

bitnet_status bitnet_pb_read(const char *path, bitnet_tensor *out,
                             char **out_name) {
  if (out_name)
    *out_name = NULL;
  if (!out)
    return bitnet_fail(BITNET_ERR_ARGUMENT, "pb_read: out is NULL");
  memset(out, 0, sizeof *out);
  if (!path)
    return bitnet_fail(BITNET_ERR_ARGUMENT, "pb_read: path is NULL");
  uint8_t *buf = NULL; /* set by read_all; gcc 12 cannot tell */
  size_t len = 0;
  bitnet_status s = read_all(path, &buf, &len);
  if (s != BITNET_OK)
    return s;
  scan sc = {.path = path};
  s = decode(&sc, buf, len, out);
  if (s == BITNET_OK && out_name) {
    *out_name = malloc(sc.name_len + 1);
    if (*out_name) {
      if (sc.name_len)
        memcpy(*out_name, sc.name, sc.name_len);
      (*out_name)[sc.name_len] = '\0';
    } else {
      bitnet_tensor_free(out);
      s = bitnet_fail(BITNET_ERR_MEMORY, "'%s': out of memory", path);
    }
  }
  free(buf);
  return s;
}
