/* .npy files: read versions 1.0/2.0/3.0, write 1.0. Format reference:
 * numpy/lib/format.py. Everything read from the file is bounds-checked and
 * every failure names the file. */
#include "bitnet/tooling.h"
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char npy_magic[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};

/* Headers numpy writes are < 100 bytes for rank <= 8; anything larger than
 * this is garbage and must not drive an allocation. */
enum { MAX_HEADER = 1 << 20 };

typedef struct descr_entry {
  char kind_size[3]; /* descr without the byte-order character */
  int32_t dtype;
} descr_entry;

static const descr_entry descr_table[] = {
    {"f2", BITNET_DTYPE_FLOAT16}, {"f4", BITNET_DTYPE_FLOAT},
    {"f8", BITNET_DTYPE_DOUBLE},  {"i1", BITNET_DTYPE_INT8},
    {"u1", BITNET_DTYPE_UINT8},   {"b1", BITNET_DTYPE_BOOL},
    {"i2", BITNET_DTYPE_INT16},   {"u2", BITNET_DTYPE_UINT16},
    {"i4", BITNET_DTYPE_INT32},   {"u4", BITNET_DTYPE_UINT32},
    {"i8", BITNET_DTYPE_INT64},   {"u8", BITNET_DTYPE_UINT64},
};

/* ---- header parsing: a Python dict literal with three known keys ------- */

typedef struct parser {
  const char *p, *end;
  const char *path;
} parser;

typedef struct header {
  char descr[16];
  int fortran_order; /* -1 until seen */
  int32_t rank;      /* -1 until seen */
  int64_t shape[BITNET_MAX_RANK];
} header;

static void skip_ws(parser *ps) {
  while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
                             *ps->p == '\n' || *ps->p == '\r'))
    ++ps->p;
}

static bool eat(parser *ps, char c) {
  skip_ws(ps);
  if (ps->p < ps->end && *ps->p == c) {
    ++ps->p;
    return true;
  }
  return false;
}

static bitnet_status bad_header(const parser *ps, const char *what) {
  return bitnet_fail(BITNET_ERR_FORMAT, "'%s': malformed .npy header: %s",
                     ps->path, what);
}

/* A '...' or "..." literal without escapes (numpy never writes any). */
static bitnet_status parse_string(parser *ps, char *buf, size_t size) {
  skip_ws(ps);
  if (ps->p >= ps->end || (*ps->p != '\'' && *ps->p != '"'))
    return bad_header(ps, "expected a string");
  char quote = *ps->p++;
  size_t n = 0;
  while (ps->p < ps->end && *ps->p != quote) {
    if (n + 1 >= size)
      return bad_header(ps, "string too long");
    buf[n++] = *ps->p++;
  }
  if (ps->p >= ps->end)
    return bad_header(ps, "unterminated string");
  ++ps->p;
  buf[n] = '\0';
  return BITNET_OK;
}

static bitnet_status parse_shape(parser *ps, header *h) {
  if (!eat(ps, '('))
    return bad_header(ps, "'shape' is not a tuple");
  h->rank = 0;
  while (!eat(ps, ')')) {
    skip_ws(ps);
    int64_t v = 0;
    const char *start = ps->p;
    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
      if (!bitnet_mul_i64(v, 10, &v) || v > INT64_MAX - (*ps->p - '0'))
        return bad_header(ps, "dimension too large");
      v += *ps->p++ - '0';
    }
    if (ps->p == start)
      return bad_header(ps, "expected a non-negative integer in 'shape'");
    if (ps->p < ps->end && *ps->p == 'L') /* Python 2 long literal */
      ++ps->p;
    if (h->rank == BITNET_MAX_RANK)
      return bitnet_fail(BITNET_ERR_SHAPE, "'%s': rank exceeds %d", ps->path,
                         BITNET_MAX_RANK);
    h->shape[h->rank++] = v;
    if (!eat(ps, ',')) {
      if (!eat(ps, ')'))
        return bad_header(ps, "expected ',' or ')' in 'shape'");
      break;
    }
  }
  return BITNET_OK;
}

static bitnet_status parse_header(parser *ps, header *h) {
  bitnet_status s;
  h->descr[0] = '\0';
  h->fortran_order = -1;
  h->rank = -1;
  if (!eat(ps, '{'))
    return bad_header(ps, "expected '{'");
  while (!eat(ps, '}')) {
    char key[32];
    if ((s = parse_string(ps, key, sizeof key)) != BITNET_OK)
      return s;
    if (!eat(ps, ':'))
      return bad_header(ps, "expected ':'");
    skip_ws(ps);
    if (strcmp(key, "descr") == 0) {
      if ((s = parse_string(ps, h->descr, sizeof h->descr)) != BITNET_OK)
        return s;
    } else if (strcmp(key, "fortran_order") == 0) {
      size_t left = (size_t)(ps->end - ps->p);
      if (left >= 4 && memcmp(ps->p, "True", 4) == 0) {
        h->fortran_order = 1;
        ps->p += 4;
      } else if (left >= 5 && memcmp(ps->p, "False", 5) == 0) {
        h->fortran_order = 0;
        ps->p += 5;
      } else {
        return bad_header(ps, "'fortran_order' is not True or False");
      }
    } else if (strcmp(key, "shape") == 0) {
      if ((s = parse_shape(ps, h)) != BITNET_OK)
        return s;
    } else {
      return bitnet_fail(BITNET_ERR_FORMAT,
                         "'%s': malformed .npy header: unexpected key '%s'",
                         ps->path, key);
    }
    if (!eat(ps, ',')) {
      if (!eat(ps, '}'))
        return bad_header(ps, "expected ',' or '}'");
      break;
    }
  }
  if (!h->descr[0] || h->fortran_order < 0 || h->rank < 0)
    return bad_header(ps, "missing 'descr', 'fortran_order' or 'shape'");
  if (h->fortran_order)
    return bitnet_fail(BITNET_ERR_FORMAT,
                       "'%s': fortran_order True is not supported (write the"
                       " array in C order, e.g. np.ascontiguousarray)",
                       ps->path);
  return BITNET_OK;
}

static bitnet_status descr_to_dtype(const char *path, const char *descr,
                                    int32_t *dtype) {
  if (strlen(descr) == 3 && strchr("<|=>", descr[0])) {
    for (size_t i = 0; i < sizeof descr_table / sizeof *descr_table; ++i) {
      if (memcmp(descr + 1, descr_table[i].kind_size, 2) != 0)
        continue;
      *dtype = descr_table[i].dtype;
      if (descr[0] == '>' && bitnet_dtype_size(*dtype) > 1)
        return bitnet_fail(BITNET_ERR_DTYPE,
                           "'%s': big-endian dtype '%s' is not supported",
                           path, descr);
      return BITNET_OK;
    }
  }
  return bitnet_fail(BITNET_ERR_DTYPE, "'%s': unsupported .npy dtype '%s'",
                     path, descr);
}

/* ---- reading ----------------------------------------------------------- */

static bitnet_status read_npy(FILE *f, const char *path, bitnet_tensor *out) {
  unsigned char pre[12];
  size_t got = fread(pre, 1, 10, f);
  if (got < 6 || memcmp(pre, npy_magic, 6) != 0)
    return bitnet_fail(BITNET_ERR_FORMAT, "'%s': not a .npy file (bad magic)",
                       path);
  if (got < 10)
    return bitnet_fail(BITNET_ERR_FORMAT, "'%s': truncated .npy header", path);
  unsigned major = pre[6], minor = pre[7];
  size_t hlen, prelen = 10;
  if (major == 1 && minor == 0) {
    hlen = (size_t)pre[8] | (size_t)pre[9] << 8;
  } else if ((major == 2 || major == 3) && minor == 0) {
    if (fread(pre + 10, 1, 2, f) != 2)
      return bitnet_fail(BITNET_ERR_FORMAT, "'%s': truncated .npy header",
                         path);
    hlen = (size_t)pre[8] | (size_t)pre[9] << 8 | (size_t)pre[10] << 16 |
           (size_t)pre[11] << 24;
    prelen = 12;
  } else {
    return bitnet_fail(BITNET_ERR_FORMAT,
                       "'%s': unsupported .npy format version %u.%u", path,
                       major, minor);
  }
  if (hlen > MAX_HEADER)
    return bitnet_fail(BITNET_ERR_FORMAT, "'%s': .npy header length %zu is"
                       " implausible", path, hlen);
  char *text = malloc(hlen + 1);
  if (!text)
    return bitnet_fail(BITNET_ERR_MEMORY, "'%s': out of memory", path);
  if (fread(text, 1, hlen, f) != hlen) {
    free(text);
    return bitnet_fail(BITNET_ERR_FORMAT, "'%s': truncated .npy header",
                       path);
  }
  header h;
  parser ps = {text, text + hlen, path};
  bitnet_status s = parse_header(&ps, &h);
  free(text);
  int32_t dtype = 0;
  if (s == BITNET_OK)
    s = descr_to_dtype(path, h.descr, &dtype);
  if (s != BITNET_OK)
    return s;

  bitnet_tensor shape_only = {.dtype = dtype, .rank = h.rank};
  memcpy(shape_only.shape, h.shape, sizeof h.shape);
  size_t nbytes = bitnet_tensor_nbytes(&shape_only);
  if (nbytes == 0 && bitnet_tensor_numel(&shape_only) != 0)
    return bitnet_fail(BITNET_ERR_FORMAT, "'%s': array size overflows", path);
  /* Check the size before allocating, so a lying header cannot make us
   * allocate gigabytes (pipes have no size; their short read is caught). */
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) {
    uint64_t have = (uint64_t)st.st_size - (uint64_t)(prelen + hlen);
    if ((uint64_t)st.st_size < prelen + hlen || have < nbytes)
      return bitnet_fail(BITNET_ERR_FORMAT,
                         "'%s': truncated data: expected %zu bytes, file has"
                         " %llu", path, nbytes, (unsigned long long)have);
  }
  if ((s = bitnet_tensor_alloc(out, dtype, h.rank, h.shape)) != BITNET_OK)
    return s;
  if (fread(out->data, 1, nbytes, f) != nbytes) {
    bitnet_tensor_free(out);
    return bitnet_fail(BITNET_ERR_FORMAT,
                       "'%s': truncated data: expected %zu bytes", path,
                       nbytes);
  }
  return BITNET_OK;
}

bitnet_status bitnet_npy_read(const char *path, bitnet_tensor *out) {
  if (!out)
    return bitnet_fail(BITNET_ERR_ARGUMENT, "npy_read: out is NULL");
  memset(out, 0, sizeof *out);
  if (!path)
    return bitnet_fail(BITNET_ERR_ARGUMENT, "npy_read: path is NULL");
  FILE *f = fopen(path, "rb");
  if (!f)
    return bitnet_fail(BITNET_ERR_IO, "cannot open '%s': %s", path,
                       strerror(errno));
  bitnet_status s = read_npy(f, path, out);
  fclose(f);
  return s;
}

/* ---- writing ----------------------------------------------------------- */

static const char *dtype_to_descr(int32_t dtype) {
  switch (dtype) {
  case BITNET_DTYPE_FLOAT16: return "<f2";
  case BITNET_DTYPE_FLOAT: return "<f4";
  case BITNET_DTYPE_DOUBLE: return "<f8";
  case BITNET_DTYPE_INT8: return "|i1";
  case BITNET_DTYPE_UINT8: return "|u1";
  case BITNET_DTYPE_BOOL: return "|b1";
  case BITNET_DTYPE_INT16: return "<i2";
  case BITNET_DTYPE_UINT16: return "<u2";
  case BITNET_DTYPE_INT32: return "<i4";
  case BITNET_DTYPE_UINT32: return "<u4";
  case BITNET_DTYPE_INT64: return "<i8";
  case BITNET_DTYPE_UINT64: return "<u8";
  default: return NULL;
  }
}

bitnet_status bitnet_npy_write(const char *path, const bitnet_tensor *t) {
  if (!path || !t)
    return bitnet_fail(BITNET_ERR_ARGUMENT, "npy_write: %s is NULL",
                       path ? "tensor" : "path");
  const char *descr = dtype_to_descr(t->dtype);
  if (!descr)
    return bitnet_fail(BITNET_ERR_DTYPE,
                       "'%s': dtype %s has no .npy equivalent%s", path,
                       bitnet_dtype_name(t->dtype),
                       t->dtype == BITNET_DTYPE_BFLOAT16
                           ? " (convert bfloat16 to float32 first)" : "");
  if (t->rank < 0 || t->rank > BITNET_MAX_RANK || bitnet_tensor_numel(t) < 0)
    return bitnet_fail(BITNET_ERR_SHAPE, "'%s': invalid tensor shape", path);
  size_t nbytes = bitnet_tensor_nbytes(t);
  if (nbytes > 0 && !t->data)
    return bitnet_fail(BITNET_ERR_ARGUMENT, "'%s': tensor data is NULL", path);

  /* 10-byte preamble + dict + spaces + '\n', padded to 64 bytes as numpy
   * does so that the data is aligned when memory-mapped. */
  char hdr[512];
  int n = snprintf(hdr + 10, sizeof hdr - 10,
                   "{'descr': '%s', 'fortran_order': False, 'shape': (", descr);
  for (int32_t i = 0; i < t->rank; ++i)
    n += snprintf(hdr + 10 + n, sizeof hdr - 10 - (size_t)n, "%s%lld",
                  i ? ", " : "", (long long)t->shape[i]);
  n += snprintf(hdr + 10 + n, sizeof hdr - 10 - (size_t)n, "%s), }",
                t->rank == 1 ? "," : "");
  size_t total = 10 + (size_t)n + 1;
  total = (total + 63) & ~(size_t)63;
  memset(hdr + 10 + n, ' ', total - 10 - (size_t)n - 1);
  hdr[total - 1] = '\n';
  memcpy(hdr, npy_magic, 6);
  hdr[6] = 1;
  hdr[7] = 0;
  hdr[8] = (char)((total - 10) & 0xff);
  hdr[9] = (char)((total - 10) >> 8);

  FILE *f = fopen(path, "wb");
  if (!f)
    return bitnet_fail(BITNET_ERR_IO, "cannot create '%s': %s", path,
                       strerror(errno));
  bool ok = fwrite(hdr, 1, total, f) == total &&
            (nbytes == 0 || fwrite(t->data, 1, nbytes, f) == nbytes);
  int err = errno;
  if (fclose(f) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    remove(path); /* leave no truncated file that looks valid */
    return bitnet_fail(BITNET_ERR_IO, "cannot write '%s': %s", path,
                       strerror(err));
  }
  return BITNET_OK;
}
