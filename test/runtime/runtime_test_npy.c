/* .npy checks: round trips, files in the other format versions, and
 * malformed or truncated files that must fail cleanly (never crash). */
#include "runtime_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A .npy image: magic, version, header length (2 or 4 bytes), header, data.
 * Returns its length; buf must be large enough. */
static size_t make_npy(unsigned char *buf, int major, const char *header,
                       const void *data, size_t data_len) {
  size_t h = strlen(header), n = 0;
  memcpy(buf, "\x93NUMPY", 6);
  buf[6] = (unsigned char)major;
  buf[7] = 0;
  n = 8;
  buf[n++] = (unsigned char)(h & 0xff);
  buf[n++] = (unsigned char)(h >> 8);
  if (major >= 2) {
    buf[n++] = 0;
    buf[n++] = 0;
  }
  memcpy(buf + n, header, h);
  n += h;
  memcpy(buf + n, data, data_len);
  return n + data_len;
}

static void round_trips(void) {
  static const struct {
    int32_t dtype, rank;
    int64_t shape[BITNET_MAX_RANK];
  } cases[] = {
      {BITNET_DTYPE_FLOAT, 2, {2, 3}},     {BITNET_DTYPE_DOUBLE, 1, {4}},
      {BITNET_DTYPE_INT8, 0, {0}},         {BITNET_DTYPE_UINT8, 1, {0}},
      {BITNET_DTYPE_INT16, 3, {2, 1, 3}},  {BITNET_DTYPE_UINT16, 1, {5}},
      {BITNET_DTYPE_INT32, 2, {2, 2}},     {BITNET_DTYPE_UINT32, 1, {3}},
      {BITNET_DTYPE_INT64, 1, {7}},        {BITNET_DTYPE_UINT64, 2, {1, 1}},
      {BITNET_DTYPE_BOOL, 1, {4}},         {BITNET_DTYPE_FLOAT16, 2, {3, 2}},
      {BITNET_DTYPE_FLOAT, 8, {1, 2, 1, 2, 1, 2, 1, 2}},
  };
  for (size_t c = 0; c < sizeof cases / sizeof *cases; ++c) {
    bitnet_tensor t, r;
    bitnet_tensor_alloc(&t, cases[c].dtype, cases[c].rank, cases[c].shape);
    size_t nbytes = bitnet_tensor_nbytes(&t);
    for (size_t k = 0; k < nbytes; ++k)
      ((unsigned char *)t.data)[k] = cases[c].dtype == BITNET_DTYPE_BOOL
                                         ? (unsigned char)(k % 2)
                                         : (unsigned char)(k * 37 + 11);
    const char *path = tmp_path("rt.npy");
    bitnet_status ws = bitnet_npy_write(path, &t);
    bitnet_status rs = bitnet_npy_read(path, &r);
    bool same = ws == BITNET_OK && rs == BITNET_OK && r.dtype == t.dtype &&
                r.rank == t.rank &&
                memcmp(r.shape, t.shape, sizeof(int64_t) * (size_t)t.rank) == 0 &&
                memcmp(r.data, t.data, nbytes) == 0;
    FILE *f = fopen(path, "rb");
    long size = -1;
    if (f && fseek(f, 0, SEEK_END) == 0)
      size = ftell(f);
    if (f)
      fclose(f);
    check(same && size >= 0 && (size - (long)nbytes) % 64 == 0,
          "npy round trip %s rank %d (header padded to 64)",
          bitnet_dtype_name(t.dtype), (int)t.rank);
    bitnet_tensor_free(&t);
    bitnet_tensor_free(&r);
  }
  bitnet_tensor bf;
  int64_t two[] = {2};
  bitnet_tensor_alloc(&bf, BITNET_DTYPE_BFLOAT16, 1, two);
  check_status(bitnet_npy_write(tmp_path("bf.npy"), &bf), BITNET_ERR_DTYPE,
               "bfloat16", "npy_write rejects bfloat16");
  bitnet_tensor_free(&bf);
}

static void other_versions(void) {
  unsigned char buf[256];
  int32_t i4[2] = {7, -9};
  size_t n = make_npy(buf, 2,
                      "{\"shape\": (2,), \"fortran_order\": False,"
                      " \"descr\": \"<i4\"}\n", i4, sizeof i4);
  bitnet_tensor t;
  write_bytes(tmp_path("v2.npy"), buf, n);
  bitnet_status s = bitnet_npy_read(tmp_path("v2.npy"), &t);
  check(s == BITNET_OK && t.dtype == BITNET_DTYPE_INT32 && t.rank == 1 &&
            t.shape[0] == 2 && ((int32_t *)t.data)[1] == -9,
        "npy 2.0, double quotes, keys in another order");
  bitnet_tensor_free(&t);
  double d = 2.5;
  n = make_npy(buf, 3, "{'descr': '<f8', 'fortran_order': False, 'shape': ()}",
               &d, sizeof d);
  write_bytes(tmp_path("v3.npy"), buf, n);
  s = bitnet_npy_read(tmp_path("v3.npy"), &t);
  check(s == BITNET_OK && t.rank == 0 && *(double *)t.data == 2.5,
        "npy 3.0, rank 0, no trailing comma");
  bitnet_tensor_free(&t);
  n = make_npy(buf, 1, "{'descr': '>i1', 'fortran_order': False, 'shape': (1L,), }",
               "\xfe", 1);
  write_bytes(tmp_path("bi1.npy"), buf, n);
  s = bitnet_npy_read(tmp_path("bi1.npy"), &t);
  check(s == BITNET_OK && t.dtype == BITNET_DTYPE_INT8 &&
            ((int8_t *)t.data)[0] == -2,
        "npy '>i1' (byte order irrelevant) and Python 2 '1L'");
  bitnet_tensor_free(&t);
}

/* A raw file image and its length (literals may contain NULs). */
#define RAW(lit) lit, sizeof(lit) - 1
#define HDR(descr, fortran, shape)                                              \
  "{'descr': '" descr "', 'fortran_order': " fortran ", 'shape': " shape ", }"

static void malformed(void) {
  static const struct {
    const char *what;
    int major;          /* 0: `header` is the whole file */
    const char *header;
    size_t len;         /* major 0: file length; else zero data bytes */
    bitnet_status want;
    const char *needle;
  } cases[] = {
      {"empty file", 0, RAW(""), BITNET_ERR_FORMAT, "not a .npy file"},
      {"short magic", 0, RAW("\x93NUMP"), BITNET_ERR_FORMAT, "not a .npy file"},
      {"wrong magic", 0, RAW("PK\x03\x04 zip file"), BITNET_ERR_FORMAT,
       "not a .npy file"},
      {"preamble cut", 0, RAW("\x93NUMPY\x01\x00\x10"), BITNET_ERR_FORMAT,
       "truncated .npy header"},
      {"version 4.0", 0, RAW("\x93NUMPY\x04\x00\x10\x00{}"),
       BITNET_ERR_FORMAT, "version 4.0"},
      {"header cut", 0, RAW("\x93NUMPY\x01\x00\x64\x00{'descr'"),
       BITNET_ERR_FORMAT, "truncated .npy header"},
      {"v2 header length cut", 0, RAW("\x93NUMPY\x02\x00\x10\x00"),
       BITNET_ERR_FORMAT, "truncated .npy header"},
      {"v2 huge header length", 0, RAW("\x93NUMPY\x02\x00\xff\xff\xff\xff"),
       BITNET_ERR_FORMAT, "implausible"},
      {"not a dict", 1, "garbage", 0, BITNET_ERR_FORMAT, "expected '{'"},
      {"missing shape", 1, "{'descr': '<f4', 'fortran_order': False}", 0,
       BITNET_ERR_FORMAT, "missing"},
      {"bad dim", 1, HDR("<f4", "False", "(2, x)"), 8, BITNET_ERR_FORMAT,
       "non-negative integer"},
      {"negative dim", 1, HDR("<f4", "False", "(-1,)"), 8, BITNET_ERR_FORMAT,
       "non-negative integer"},
      {"dim too large", 1, HDR("<f4", "False", "(99999999999999999999,)"), 0,
       BITNET_ERR_FORMAT, "too large"},
      {"size overflow", 1, HDR("<f4", "False", "(4611686018427387904, 4)"), 0,
       BITNET_ERR_FORMAT, "overflows"},
      {"unterminated", 1, "{'descr': '<f4", 0, BITNET_ERR_FORMAT, "unterminated"},
      {"bad fortran_order", 1, HDR("<f4", "Maybe", "(1,)"), 4, BITNET_ERR_FORMAT,
       "True or False"},
      {"unknown key", 1, "{'descr': '<f4', 'extra': 1}", 0, BITNET_ERR_FORMAT,
       "unexpected key 'extra'"},
      {"fortran order", 1, HDR("<f4", "True", "(2, 2)"), 16, BITNET_ERR_FORMAT,
       "fortran_order True is not supported"},
      {"complex dtype", 1, HDR("<c8", "False", "(1,)"), 8, BITNET_ERR_DTYPE,
       "unsupported .npy dtype '<c8'"},
      {"void dtype", 1, HDR("<V2", "False", "(1,)"), 2, BITNET_ERR_DTYPE,
       "'<V2'"},
      {"big-endian", 1, HDR(">f4", "False", "(1,)"), 4, BITNET_ERR_DTYPE,
       "big-endian"},
      {"rank 9", 1, HDR("<f4", "False", "(1,1,1,1,1,1,1,1,1)"), 4,
       BITNET_ERR_SHAPE, "rank exceeds 8"},
      {"data truncated", 1, HDR("<f4", "False", "(4,)"), 8, BITNET_ERR_FORMAT,
       "truncated data: expected 16 bytes"},
      {"huge shape, no data", 1, HDR("<f4", "False", "(1000000000, 1000)"), 0,
       BITNET_ERR_FORMAT, "truncated data"},
  };
  unsigned char buf[512], zeros[32] = {0};
  for (size_t c = 0; c < sizeof cases / sizeof *cases; ++c) {
    size_t n;
    if (cases[c].major == 0) {
      n = cases[c].len;
      memcpy(buf, cases[c].header, n);
    } else {
      n = make_npy(buf, cases[c].major, cases[c].header, zeros, cases[c].len);
    }
    const char *path = tmp_path("bad.npy");
    write_bytes(path, buf, n);
    bitnet_tensor t;
    bitnet_status s = bitnet_npy_read(path, &t);
    check_status(s, cases[c].want, cases[c].needle, cases[c].what);
    check(t.data == NULL && strstr(bitnet_status_message(), path) != NULL,
          "  ... data NULL and message names the file");
  }
  bitnet_tensor t;
  check_status(bitnet_npy_read(tmp_path("missing.npy"), &t), BITNET_ERR_IO,
               "No such file", "npy: missing file");
}

/* Every prefix of a valid file, and bytes flipped at every header position:
 * all must return (any status), no crash; prefixes must fail. */
static void fuzz(void) {
  unsigned char buf[256], mut[256];
  float data[6] = {1, 2, 3, 4, 5, 6};
  size_t n = make_npy(buf, 1, HDR("<f4", "False", "(2, 3)"), data, sizeof data);
  const char *path = tmp_path("fuzz.npy");
  bool all_failed = true;
  for (size_t len = 0; len < n; ++len) {
    bitnet_tensor t;
    write_bytes(path, buf, len);
    if (bitnet_npy_read(path, &t) == BITNET_OK)
      all_failed = false;
    bitnet_tensor_free(&t);
  }
  check(all_failed, "npy: all %zu truncations fail cleanly", n);
  size_t ok = 0;
  for (size_t pos = 0; pos < n - sizeof data; ++pos)
    for (int v = 0; v < 256; v += 51) {
      memcpy(mut, buf, n);
      mut[pos] = (unsigned char)v;
      write_bytes(path, mut, n);
      bitnet_tensor t;
      ok += bitnet_npy_read(path, &t) == BITNET_OK;
      bitnet_tensor_free(&t);
    }
  check(true, "npy: header byte mutations do not crash (%zu still load)", ok);
}

void test_npy(void) {
  round_trips();
  other_versions();
  malformed();
  fuzz();
}
