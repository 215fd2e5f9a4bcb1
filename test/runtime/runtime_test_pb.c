/* TensorProto (.pb) checks on ONNX backend-test files and hand-encoded
 * messages, and bitnet_library_* checks. */
#include "runtime_test.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NODE_DIR "/usr/share/libonnx-testdata/data/node"

/* ---- a minimal protobuf encoder for hand-made TensorProtos ------------- */

typedef struct msg {
  unsigned char b[512];
  size_t n;
} msg;

static void put_varint(msg *m, uint64_t v) {
  do {
    m->b[m->n++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
    v >>= 7;
  } while (v);
}
static void put_key(msg *m, int field, int wt) {
  put_varint(m, (uint64_t)field << 3 | (uint64_t)wt);
}
static void put_int(msg *m, int field, int64_t v) {
  put_key(m, field, 0);
  put_varint(m, (uint64_t)v);
}
static void put_bytes(msg *m, int field, const void *p, size_t len) {
  put_key(m, field, 2);
  put_varint(m, len);
  memcpy(m->b + m->n, p, len);
  m->n += len;
}
/* Packed varints: the payload is encoded in a scratch message first. */
static void put_packed(msg *m, int field, const int64_t *v, size_t count) {
  msg p = {.n = 0};
  for (size_t i = 0; i < count; ++i)
    put_varint(&p, (uint64_t)v[i]);
  put_bytes(m, field, p.b, p.n);
}

/* Writes m to a temp file and reads it back. */
static bitnet_status read_msg(const msg *m, bitnet_tensor *t, char **name) {
  const char *path = tmp_path("t.pb");
  write_bytes(path, m->b, m->n);
  return bitnet_pb_read(path, t, name);
}

static void backend_files(void) {
  struct stat st;
  if (!check(stat(NODE_DIR, &st) == 0, "libonnx test data at " NODE_DIR))
    return;
  bitnet_tensor t;
  char *name = NULL;
  bitnet_status s =
      bitnet_pb_read(NODE_DIR "/test_abs/test_data_set_0/input_0.pb", &t, &name);
  check(s == BITNET_OK && t.dtype == BITNET_DTYPE_FLOAT && t.rank == 3 &&
            t.shape[0] == 3 && t.shape[1] == 4 && t.shape[2] == 5 &&
            name && strcmp(name, "x") == 0 &&
            ((float *)t.data)[0] > 1.76405f && ((float *)t.data)[0] < 1.76406f,
        "pb test_abs: float32[3,4,5] 'x', x[0] = 1.764052");
  free(name);
  bitnet_tensor_free(&t);

  static const unsigned char and2d[12] = {1, 1, 1, 1, 1, 0, 1, 0, 0, 1, 1, 1};
  s = bitnet_pb_read(NODE_DIR "/test_and2d/test_data_set_0/input_0.pb", &t, NULL);
  check(s == BITNET_OK && t.dtype == BITNET_DTYPE_BOOL && t.rank == 2 &&
            memcmp(t.data, and2d, 12) == 0,
        "pb test_and2d: bool[3,4]");
  bitnet_tensor_free(&t);

  s = bitnet_pb_read(NODE_DIR "/test_gather_0/test_data_set_0/input_1.pb", &t,
                     &name);
  const int64_t *i64 = t.data;
  check(s == BITNET_OK && t.dtype == BITNET_DTYPE_INT64 && t.rank == 1 &&
            t.shape[0] == 3 && i64[0] == 0 && i64[1] == 1 && i64[2] == 3 &&
            strcmp(name, "indices") == 0,
        "pb test_gather_0 input_1: int64[3] 'indices' = {0, 1, 3}");
  free(name);
  bitnet_tensor_free(&t);

  s = bitnet_pb_read(NODE_DIR "/test_max_int32/test_data_set_0/input_0.pb", &t,
                     NULL);
  check(s == BITNET_OK && t.dtype == BITNET_DTYPE_INT32 &&
            ((int32_t *)t.data)[0] == 3 && ((int32_t *)t.data)[2] == 1,
        "pb test_max_int32: int32[3] = {3, 2, 1}");
  bitnet_tensor_free(&t);

  s = bitnet_pb_read(
      NODE_DIR "/test_range_int32_type_negative_delta/test_data_set_0/input_0.pb",
      &t, NULL);
  check(s == BITNET_OK && t.rank == 0 && *(int32_t *)t.data == 10,
        "pb test_range_int32...: rank-0 int32 = 10");
  bitnet_tensor_free(&t);

  s = bitnet_pb_read(NODE_DIR "/test_max_float16/test_data_set_0/input_0.pb", &t,
                     NULL);
  check(s == BITNET_OK && t.dtype == BITNET_DTYPE_FLOAT16 &&
            ((uint16_t *)t.data)[0] == 0x4200 && ((uint16_t *)t.data)[2] == 0x3c00,
        "pb test_max_float16: float16[3] = {3, 2, 1}");
  bitnet_tensor_free(&t);

  check_status(bitnet_pb_read(NODE_DIR "/test_cast_STRING_to_FLOAT/"
                              "test_data_set_0/input_0.pb", &t, NULL),
               BITNET_ERR_DTYPE, "data_type 8", "pb: string tensor rejected");
  check_status(bitnet_pb_read(NODE_DIR "/test_identity_sequence/"
                              "test_data_set_0/input_0.pb", &t, NULL),
               BITNET_ERR_FORMAT, "test_identity_sequence",
               "pb: a SequenceProto fails cleanly");
}

/* Every .pb of every node test: loads, or fails with a message naming it. */
static void sweep(void) {
  DIR *dir = opendir(NODE_DIR);
  if (!dir)
    return;
  size_t ok = 0, bad = 0, unnamed = 0;
  struct dirent *e;
  while ((e = readdir(dir))) {
    for (int k = 0; k < 8; ++k) {
      char path[1024];
      snprintf(path, sizeof path, NODE_DIR "/%s/test_data_set_0/%s_%d.pb",
               e->d_name, k < 4 ? "input" : "output", k % 4);
      struct stat st;
      if (stat(path, &st) != 0)
        continue;
      bitnet_tensor t;
      if (bitnet_pb_read(path, &t, NULL) == BITNET_OK) {
        ++ok;
        bitnet_tensor_free(&t);
      } else {
        ++bad;
        unnamed += strstr(bitnet_status_message(), path) == NULL;
      }
    }
  }
  closedir(dir);
  check(ok > 2000 && unnamed == 0,
        "pb sweep: %zu files load, %zu fail cleanly with the path named", ok,
        bad);
}

static void hand_made(void) {
  bitnet_tensor t;
  char *name = NULL;
  msg m = {.n = 0};
  put_int(&m, 1, 2); /* dims, unpacked */
  put_int(&m, 1, 2);
  put_int(&m, 2, BITNET_DTYPE_FLOAT);
  float f[4] = {1.5f, -2, 3, 4};
  put_bytes(&m, 4, f, sizeof f); /* packed float_data */
  put_bytes(&m, 12, "doc", 3);   /* doc_string: skipped */
  put_int(&m, 99, 7);            /* unknown varint field */
  put_key(&m, 100, 5);           /* unknown fixed32 */
  memcpy(m.b + m.n, "abcd", 4);
  m.n += 4;
  put_bytes(&m, 8, "w", 1);
  bitnet_status s = read_msg(&m, &t, &name);
  check(s == BITNET_OK && t.rank == 2 && t.shape[1] == 2 &&
            ((float *)t.data)[1] == -2 && strcmp(name, "w") == 0,
        "pb: packed float_data, unpacked dims, unknown fields skipped");
  free(name);
  bitnet_tensor_free(&t);

  m.n = 0; /* float_data one fixed32 per record, packed dims */
  int64_t dims[] = {1, 2};
  put_packed(&m, 1, dims, 2);
  put_int(&m, 2, BITNET_DTYPE_FLOAT);
  for (int i = 0; i < 2; ++i) {
    put_key(&m, 4, 5);
    memcpy(m.b + m.n, &f[i], 4);
    m.n += 4;
  }
  s = read_msg(&m, &t, NULL);
  check(s == BITNET_OK && t.rank == 2 && ((float *)t.data)[0] == 1.5f,
        "pb: unpacked float_data, packed dims");
  bitnet_tensor_free(&t);

  static const struct { int32_t dtype; int field; int64_t v[3]; uint64_t want[3]; }
      typed[] = {
          {BITNET_DTYPE_INT8, 5, {-5, 127, 0}, {0xfb, 0x7f, 0}},
          {BITNET_DTYPE_UINT16, 5, {65535, 1, 2}, {0xffff, 1, 2}},
          {BITNET_DTYPE_BFLOAT16, 5, {0x3f80, 0, 0xc000}, {0x3f80, 0, 0xc000}},
          {BITNET_DTYPE_BOOL, 5, {2, 0, 1}, {1, 0, 1}},
          {BITNET_DTYPE_INT64, 7, {-1, INT64_MAX, 3}, {UINT64_MAX, INT64_MAX, 3}},
          {BITNET_DTYPE_UINT32, 11, {0xffffffff, 0, 5}, {0xffffffff, 0, 5}},
          {BITNET_DTYPE_UINT64, 11, {-1, 0, 5}, {UINT64_MAX, 0, 5}},
      };
  for (size_t c = 0; c < sizeof typed / sizeof *typed; ++c) {
    m.n = 0;
    put_int(&m, 1, 3);
    put_int(&m, 2, typed[c].dtype);
    put_packed(&m, typed[c].field, typed[c].v, 3);
    s = read_msg(&m, &t, NULL);
    bool same = s == BITNET_OK;
    size_t es = bitnet_dtype_size(typed[c].dtype);
    for (int i = 0; same && i < 3; ++i) {
      uint64_t got = 0;
      memcpy(&got, (char *)t.data + (size_t)i * es, es);
      same = got == typed[c].want[i];
    }
    check(same, "pb: %s from typed field %d", bitnet_dtype_name(typed[c].dtype),
          typed[c].field);
    bitnet_tensor_free(&t);
  }
  m.n = 0;
  put_int(&m, 2, BITNET_DTYPE_DOUBLE);
  double d = -0.25;
  put_bytes(&m, 10, &d, sizeof d);
  s = read_msg(&m, &t, NULL);
  check(s == BITNET_OK && t.rank == 0 && *(double *)t.data == -0.25,
        "pb: rank-0 double from packed double_data");
  bitnet_tensor_free(&t);
}

static void hand_made_errors(void) {
  static const struct {
    const char *what, *bytes;
    size_t len;
    bitnet_status want;
    const char *needle;
  } cases[] = {
#define B(lit) lit, sizeof(lit) - 1
      {"truncated varint", B("\x08\x80"), BITNET_ERR_FORMAT, "truncated"},
      {"length past end", B("\x42\x10" "ab"), BITNET_ERR_FORMAT, "past the end"},
      {"group wire type", B("\x10\x01\x1b"), BITNET_ERR_FORMAT, "wire type"},
      {"field 0", B("\x00\x01"), BITNET_ERR_FORMAT, "field number 0"},
      {"external data", B("\x10\x01\x42\x01w\x70\x01"), BITNET_ERR_FORMAT,
       "tensor 'w' uses external data"},
      {"no data_type", B("\x08\x01"), BITNET_ERR_DTYPE, "data_type 0"},
      {"count mismatch", B("\x08\x03\x10\x01\x22\x08" "abcdefgh"),
       BITNET_ERR_FORMAT, "float_data has 2 values, float32[3] needs 3"},
      {"raw size mismatch", B("\x08\x02\x10\x07\x4a\x08" "abcdefgh"),
       BITNET_ERR_FORMAT, "raw_data has 8 bytes, int64[2] needs 16"},
      {"rank 9", B("\x0a\x09\x01\x01\x01\x01\x01\x01\x01\x01\x01"),
       BITNET_ERR_SHAPE, "rank exceeds 8"},
      {"negative dim", B("\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01\x10\x01"),
       BITNET_ERR_FORMAT, "negative dimension"},
      {"data_type wire type", B("\x12\x00"), BITNET_ERR_FORMAT, "bad varint"},
#undef B
  };
  for (size_t c = 0; c < sizeof cases / sizeof *cases; ++c) {
    const char *path = tmp_path("bad.pb");
    write_bytes(path, cases[c].bytes, cases[c].len);
    bitnet_tensor t;
    static char sentinel[] = "sentinel"; /* must be replaced by NULL */
    char *name = sentinel;
    check_status(bitnet_pb_read(path, &t, &name), cases[c].want,
                 cases[c].needle, cases[c].what);
    check(t.data == NULL && name == NULL &&
              strstr(bitnet_status_message(), path),
          "  ... data and name NULL, message names the file");
  }
  bitnet_tensor t;
  check_status(bitnet_pb_read(tmp_path("missing.pb"), &t, NULL), BITNET_ERR_IO,
               "No such file", "pb: missing file");
  /* Every prefix of a real file: no crash, and no prefix but the whole loads
   * (the last field is raw_data, so any cut breaks it). */
  FILE *f = fopen(NODE_DIR "/test_abs/test_data_set_0/input_0.pb", "rb");
  unsigned char buf[1024];
  size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
  if (f)
    fclose(f);
  size_t loaded = 0;
  for (size_t len = 0; len < n; ++len) {
    write_bytes(tmp_path("cut.pb"), buf, len);
    if (bitnet_pb_read(tmp_path("cut.pb"), &t, NULL) == BITNET_OK) {
      ++loaded;
      bitnet_tensor_free(&t);
    }
  }
  check(n > 0 && loaded == 0, "pb: all %zu truncations of test_abs fail", n);
}

void test_pb(void) {
  backend_files();
  sweep();
  hand_made();
  hand_made_errors();
}

void test_library(const char *fake_model_path) {
  bitnet_library *lib = (bitnet_library *)1;
  check_status(bitnet_library_open("/nonexistent/model.so", &lib),
               BITNET_ERR_LIBRARY, "No such file", "library: missing file");
  check(lib == NULL, "  ... out_lib is NULL");
  write_bytes(tmp_path("garbage.so"), "not an ELF file", 15);
  check_status(bitnet_library_open(tmp_path("garbage.so"), &lib),
               BITNET_ERR_LIBRARY, "cannot load", "library: not a shared object");
  check_status(bitnet_library_open("libm.so.6", &lib), BITNET_ERR_LIBRARY,
               "no bitnet_model_query", "library: libm has no bitnet_model_query");
  check_status(bitnet_library_open(NULL, &lib), BITNET_ERR_ARGUMENT, "NULL",
               "library: NULL path");
  check(bitnet_library_model(NULL) == NULL, "library_model(NULL) is NULL");
  bitnet_library_close(NULL);
  if (!fake_model_path) {
    printf("note: no fake model library given; skipping library_open success\n");
    return;
  }
  bitnet_status s = bitnet_library_open(fake_model_path, &lib);
  const bitnet_model_info *m = bitnet_library_model(lib);
  if (!check_status(s, BITNET_OK, NULL, "library: open fake model"))
    return;
  check(m && strcmp(m->name, "fake") == 0 && m->num_inputs == 1 &&
            strcmp(m->inputs[0].name, "x") == 0 && m->outputs[0].rank == 2,
        "library: fake model info (x: float32[2,3] -> y)");
  bitnet_tensor x, y;
  int64_t shape[] = {2, 3};
  bitnet_tensor_alloc(&x, BITNET_DTYPE_FLOAT, 2, shape);
  for (int i = 0; i < 6; ++i)
    ((float *)x.data)[i] = (float)i;
  bitnet_model_output_alloc(m, 0, &y);
  s = bitnet_model_run(m, &x, 1, &y, 1);
  check(s == BITNET_OK && ((float *)y.data)[0] == 1 && ((float *)y.data)[5] == 6,
        "library: fake model computes y = x + 1");
  bitnet_tensor_free(&x);
  bitnet_tensor_free(&y);
  bitnet_library_close(lib);
}
