/* bitnet-runtime-test [FAKE_MODEL.so]: checks the C runtime against
 * hand-written fake models (no compiler involved). One line per check, then
 * "N passed, N failed"; exit status 1 on any failure. The optional argument
 * is the bitnet-fake-model library, for the bitnet_library_* checks. */
#include "runtime_test.h"

#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int passed, failed;

bool check(bool ok, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  printf("%s: ", ok ? "PASS" : "FAIL");
  vprintf(fmt, ap);
  putchar('\n');
  va_end(ap);
  ok ? ++passed : ++failed;
  return ok;
}

bool check_status(bitnet_status got, bitnet_status want, const char *needle,
                  const char *what) {
  const char *msg = bitnet_status_message();
  bool ok = got == want && (!needle || strstr(msg, needle));
  if (!check(ok, "%s", what))
    printf("  got %s \"%s\", want %s containing \"%s\"\n",
           bitnet_status_string(got), msg, bitnet_status_string(want),
           needle ? needle : "");
  return ok;
}

char test_tmpdir[256];

const char *tmp_path(const char *name) {
  static char bufs[4][512];
  static int next;
  char *b = bufs[next++ % 4];
  snprintf(b, sizeof bufs[0], "%s/%s", test_tmpdir, name);
  return b;
}

bool write_bytes(const char *path, const void *data, size_t len) {
  FILE *f = fopen(path, "wb");
  if (!f)
    return false;
  bool ok = fwrite(data, 1, len, f) == len;
  return fclose(f) == 0 && ok;
}

/* ---- fake models: invoke functions reading memref descriptors --------- */

/* A descriptor of rank r: sizes at dims[0..r), strides at dims[r..2r). */
typedef struct memref {
  float *allocated, *aligned;
  int64_t offset, dims[];
} memref;

static int invoke_calls;
static int64_t seen_sizes[2], seen_strides[2];

/* c = a + b for rank-2 float tensors, honouring sizes/strides/offset. */
static int32_t add_invoke(void **d, const bitnet_exec_env *env) {
  (void)env;
  const memref *a = d[0], *b = d[1], *c = d[2];
  ++invoke_calls;
  memcpy(seen_sizes, a->dims, sizeof seen_sizes);
  memcpy(seen_strides, a->dims + 2, sizeof seen_strides);
  for (int64_t i = 0; i < a->dims[0]; ++i)
    for (int64_t j = 0; j < a->dims[1]; ++j) {
      int64_t ia = a->offset + i * a->dims[2] + j * a->dims[3];
      int64_t ib = b->offset + i * b->dims[2] + j * b->dims[3];
      int64_t ic = c->offset + i * c->dims[2] + j * c->dims[3];
      c->aligned[ic] = a->aligned[ia] + b->aligned[ib];
    }
  return 0;
}

/* Output 0 (rank 1, float[3]) = sum of 20 rank-1 inputs: more descriptors
 * than fit on the stack, so bitnet_model_run takes its heap path. */
enum { MANY = 20 };
static int32_t sum_invoke(void **d, const bitnet_exec_env *env) {
  (void)env;
  const memref *out = d[MANY];
  ++invoke_calls;
  for (int64_t j = 0; j < out->dims[0]; ++j) {
    float s = 0;
    for (int k = 0; k < MANY; ++k)
      s += ((const memref *)d[k])->aligned[j * ((const memref *)d[k])->dims[1]];
    out->aligned[j * out->dims[1]] = s;
  }
  return 0;
}

static const int64_t s2x3[] = {2, 3}, sdyn[] = {-1, 3}, s3[] = {3};
static const bitnet_tensor_info add_in[] = {{"a", BITNET_DTYPE_FLOAT, 2, s2x3, NULL},
                                            {"b", BITNET_DTYPE_FLOAT, 2, sdyn, NULL}};
static const bitnet_tensor_info add_out[] = {{"c", BITNET_DTYPE_FLOAT, 2, s2x3, NULL}};
/* b has a dynamic first dimension; a pins it to 2 in practice. */
static const bitnet_model_info add_model = {
    BITNET_ABI_VERSION, "add", 2, add_in, 1, add_out, add_invoke, 0, NULL,
    0, 0, NULL, 0, NULL};

/* ---- a model with a dynamic output and a check ------------------------- */

/* y[n] = x[n] * 2 for x float[n] (dim "n"), z float[n] (dim "n" too);
 * y is dynamic: the model mallocs it, like compiled code. Returns 1 (check
 * "x must not be empty") for n == 0. `dyn_offset` makes the handed-over
 * descriptor start one element into its buffer (a view), to exercise the
 * runtime's copying path. */
static int dyn_offset;
static int32_t twice_invoke(void **d, const bitnet_exec_env *env) {
  (void)env;
  const memref *x = d[0];
  memref *y = d[2];
  int64_t n = x->dims[0];
  if (n == 0)
    return 1;
  float *buffer = malloc((size_t)(n + dyn_offset) * sizeof *buffer);
  if (!buffer)
    return 2;
  for (int64_t i = 0; i < n; ++i)
    buffer[dyn_offset + i] = 2.0f * x->aligned[x->offset + i * x->dims[1]];
  y->allocated = buffer;
  y->aligned = buffer;
  y->offset = dyn_offset;
  y->dims[0] = n;
  y->dims[1] = 1;
  ++invoke_calls;
  return 0;
}
static const int64_t sn[] = {-1};
static const char *const n_names[] = {"n"};
static const bitnet_tensor_info twice_in[] = {
    {"x", BITNET_DTYPE_FLOAT, 1, sn, n_names},
    {"z", BITNET_DTYPE_FLOAT, 1, sn, n_names}};
static const bitnet_tensor_info twice_out[] = {
    {"y", BITNET_DTYPE_FLOAT, 1, sn, n_names}};
static const char *const twice_errors[] = {"x must not be empty",
                                           "out of memory"};
static const bitnet_model_info twice_model = {
    BITNET_ABI_VERSION, "twice", 2,         twice_in,    1,
    twice_out,          twice_invoke, 2, twice_errors, 0, 0, NULL, 0, NULL};

static bitnet_tensor_info sum_in[MANY];
static const bitnet_tensor_info sum_out[] = {{"s", BITNET_DTYPE_FLOAT, 1, s3, NULL}};
static bitnet_model_info sum_model = {
    BITNET_ABI_VERSION, "sum", MANY, sum_in, 1, sum_out, sum_invoke, 0, NULL,
    0, 0, NULL, 0, NULL};

/* ---- checks ------------------------------------------------------------ */

static void test_dtypes(void) {
  static const struct { int32_t dt; size_t size; const char *name; } t[] = {
      {BITNET_DTYPE_FLOAT, 4, "float32"}, {BITNET_DTYPE_UINT8, 1, "uint8"},
      {BITNET_DTYPE_INT8, 1, "int8"},     {BITNET_DTYPE_UINT16, 2, "uint16"},
      {BITNET_DTYPE_INT16, 2, "int16"},   {BITNET_DTYPE_INT32, 4, "int32"},
      {BITNET_DTYPE_INT64, 8, "int64"},   {BITNET_DTYPE_BOOL, 1, "bool"},
      {BITNET_DTYPE_FLOAT16, 2, "float16"}, {BITNET_DTYPE_DOUBLE, 8, "float64"},
      {BITNET_DTYPE_UINT32, 4, "uint32"}, {BITNET_DTYPE_UINT64, 8, "uint64"},
      {BITNET_DTYPE_BFLOAT16, 2, "bfloat16"}, {0, 0, "unknown"},
      {8, 0, "unknown"},                  {14, 0, "unknown"},
      {-1, 0, "unknown"}};
  for (size_t i = 0; i < sizeof t / sizeof *t; ++i)
    check(bitnet_dtype_size(t[i].dt) == t[i].size &&
              strcmp(bitnet_dtype_name(t[i].dt), t[i].name) == 0,
          "dtype %d: size %zu, name %s", (int)t[i].dt, t[i].size, t[i].name);
  check(BITNET_DTYPE_BFLOAT16 == 16 && BITNET_DTYPE_BOOL == 9,
        "dtype values are ONNX codes");
  check(strcmp(bitnet_status_string(BITNET_ERR_ABI), "BITNET_ERR_ABI") == 0 &&
            strcmp(bitnet_status_string((bitnet_status)99),
                   "BITNET_ERR_UNKNOWN") == 0,
        "status strings");
}

static void test_alloc(void) {
  static const int64_t shapes[][3] = {{1, 1, 1}, {3, 5, 7}, {64, 64, 3}};
  for (int i = 0; i < 3; ++i) {
    bitnet_tensor t;
    bitnet_status s = bitnet_tensor_alloc(&t, BITNET_DTYPE_INT8, 3, shapes[i]);
    bool zero = s == BITNET_OK;
    for (size_t k = 0; zero && k < bitnet_tensor_nbytes(&t); ++k)
      zero = ((unsigned char *)t.data)[k] == 0;
    check(s == BITNET_OK && (uintptr_t)t.data % BITNET_ALIGNMENT == 0 && zero,
          "alloc int8[%lld,%lld,%lld]: 64-byte aligned, zeroed",
          (long long)shapes[i][0], (long long)shapes[i][1],
          (long long)shapes[i][2]);
    bitnet_tensor_free(&t);
    check(t.data == NULL, "tensor_free sets data to NULL");
  }
  bitnet_tensor t;
  check(bitnet_tensor_alloc(&t, BITNET_DTYPE_DOUBLE, 0, NULL) == BITNET_OK &&
            bitnet_tensor_numel(&t) == 1 && bitnet_tensor_nbytes(&t) == 8,
        "rank 0: one element");
  bitnet_tensor_free(&t);
  int64_t empty[] = {4, 0};
  check(bitnet_tensor_alloc(&t, BITNET_DTYPE_FLOAT, 2, empty) == BITNET_OK &&
            t.data != NULL && bitnet_tensor_nbytes(&t) == 0,
        "zero-element tensor gets a non-NULL buffer");
  bitnet_tensor_free(&t);
  bitnet_tensor_free(NULL);
  int64_t neg[] = {2, -1}, huge[] = {INT64_MAX / 2, 4};
  check_status(bitnet_tensor_alloc(&t, BITNET_DTYPE_FLOAT, 2, neg),
               BITNET_ERR_SHAPE, "dimension 1 is negative", "alloc: negative dim");
  check_status(bitnet_tensor_alloc(&t, 8, 1, s3), BITNET_ERR_DTYPE,
               "unknown dtype 8", "alloc: string dtype rejected");
  check_status(bitnet_tensor_alloc(&t, BITNET_DTYPE_FLOAT, 9, s3),
               BITNET_ERR_SHAPE, "rank 9", "alloc: rank 9 rejected");
  check_status(bitnet_tensor_alloc(&t, BITNET_DTYPE_FLOAT, 2, huge),
               BITNET_ERR_MEMORY, "overflows", "alloc: size overflow");
  check(t.data == NULL, "failed alloc leaves data NULL");
  void *p = bitnet_aligned_alloc(256, 10);
  check(p && (uintptr_t)p % 256 == 0, "aligned_alloc(256, 10)");
  bitnet_aligned_free(p);
  check(bitnet_aligned_alloc(48, 10) == NULL &&
            strstr(bitnet_status_message(), "power of two"),
        "aligned_alloc rejects alignment 48");
}

/* Fresh inputs a, b (float[2,3]) and output c for the add model. */
static void add_tensors(bitnet_tensor in[2], bitnet_tensor out[1]) {
  bitnet_tensor_alloc(&in[0], BITNET_DTYPE_FLOAT, 2, s2x3);
  bitnet_tensor_alloc(&in[1], BITNET_DTYPE_FLOAT, 2, s2x3);
  bitnet_tensor_alloc(&out[0], BITNET_DTYPE_FLOAT, 2, s2x3);
  for (int i = 0; i < 6; ++i) {
    ((float *)in[0].data)[i] = (float)i;
    ((float *)in[1].data)[i] = 10.0f * (float)i;
  }
}

static void expect_run_error(bitnet_tensor *in, int32_t nin, bitnet_tensor *out,
                             int32_t nout, bitnet_status want,
                             const char *needle, const char *what) {
  int calls = invoke_calls;
  bitnet_status s = bitnet_model_run(&add_model, in, nin, out, nout);
  check_status(s, want, needle, what);
  check(invoke_calls == calls, "  ... and invoke was not called");
}

static void test_model_run(void) {
  bitnet_tensor in[2], out[1];
  add_tensors(in, out);
  bitnet_status s = bitnet_model_run(&add_model, in, 2, out, 1);
  const float *c = out[0].data;
  check(s == BITNET_OK && c[0] == 0 && c[5] == 55 && c[4] == 44,
        "model_run: c = a + b");
  check(seen_sizes[0] == 2 && seen_sizes[1] == 3 && seen_strides[0] == 3 &&
            seen_strides[1] == 1,
        "descriptors carry sizes [2,3] and strides [3,1]");
  check(bitnet_model_validate(&add_model) == BITNET_OK, "validate add model");

  expect_run_error(in, 1, out, 1, BITNET_ERR_ARGUMENT,
                   "expected 2 inputs and 1 outputs, got 1 and 1",
                   "wrong input count");
  expect_run_error(in, 2, out, 0, BITNET_ERR_ARGUMENT, "got 2 and 0",
                   "wrong output count");
  in[1].dtype = BITNET_DTYPE_INT32;
  expect_run_error(in, 2, out, 1, BITNET_ERR_DTYPE,
                   "input 'b': expected dtype float32, got int32", "wrong dtype");
  in[1].dtype = BITNET_DTYPE_FLOAT;
  in[0].rank = 3;
  expect_run_error(in, 2, out, 1, BITNET_ERR_SHAPE,
                   "input 'a': expected rank 2, got 3", "wrong rank");
  in[0].rank = 2;
  in[0].shape[1] = 4;
  expect_run_error(in, 2, out, 1, BITNET_ERR_SHAPE,
                   "input 'a' dimension 1: expected 3, got 4", "wrong static dim");
  in[0].shape[1] = 3;
  in[1].shape[0] = -2;
  expect_run_error(in, 2, out, 1, BITNET_ERR_SHAPE,
                   "input 'b' dimension 0 (dynamic): expected a size >= 0, got -2",
                   "negative dynamic dim");
  in[1].shape[0] = 2;
  out[0].shape[1] = 2;
  expect_run_error(in, 2, out, 1, BITNET_ERR_SHAPE,
                   "output 'c' dimension 1: expected 3, got 2", "wrong output dim");
  out[0].shape[1] = 3;
  void *keep = in[1].data;
  in[1].data = NULL;
  expect_run_error(in, 2, out, 1, BITNET_ERR_ARGUMENT, "input 'b': data is NULL",
                   "NULL input data");
  in[1].data = keep;

  bitnet_model_info bad = add_model;
  bad.abi_version = 1;
  check_status(bitnet_model_run(&bad, in, 2, out, 1), BITNET_ERR_ABI,
               "ABI version 1, runtime expects 3", "bad abi_version");
  bad = add_model;
  bad.invoke = NULL;
  check_status(bitnet_model_validate(&bad), BITNET_ERR_ABI, "invoke is NULL",
               "NULL invoke");
  check_status(bitnet_model_run(NULL, in, 2, out, 1), BITNET_ERR_ARGUMENT,
               "NULL", "NULL model");

  bitnet_tensor extra;
  check_status(bitnet_model_output_alloc(&add_model, 1, &extra),
               BITNET_ERR_ARGUMENT, "output index 1 outside 0..0",
               "output_alloc: index out of range");
  for (int i = 0; i < 2; ++i)
    bitnet_tensor_free(&in[i]);
  bitnet_tensor_free(&out[0]);
}

/* Fresh inputs x, z of n elements (x[i] = i) for the twice model. */
static void twice_inputs(bitnet_tensor in[2], int64_t n, int64_t nz) {
  bitnet_tensor_alloc(&in[0], BITNET_DTYPE_FLOAT, 1, &n);
  bitnet_tensor_alloc(&in[1], BITNET_DTYPE_FLOAT, 1, &nz);
  for (int64_t i = 0; i < n; ++i)
    ((float *)in[0].data)[i] = (float)i;
}

static void test_dynamic_outputs(void) {
  bitnet_tensor in[2], y = {0};
  check(bitnet_model_output_is_dynamic(&twice_model, 0) == 1 &&
            bitnet_model_output_is_dynamic(&add_model, 0) == 0 &&
            bitnet_model_output_is_dynamic(&add_model, 1) == -1,
        "output_is_dynamic: 1, 0, and -1 for a bad index");
  for (dyn_offset = 0; dyn_offset < 2; ++dyn_offset) {
    twice_inputs(in, 5, 5);
    bitnet_status s = bitnet_model_run(&twice_model, in, 2, &y, 1);
    const float *v = y.data;
    check(s == BITNET_OK && y.dtype == BITNET_DTYPE_FLOAT && y.rank == 1 &&
              y.shape[0] == 5 && v && v[0] == 0 && v[4] == 8,
          "dynamic output handed over (%s)",
          dyn_offset ? "a view at offset 1: copied" : "adopted");
    /* Run again without freeing: refused, y is left alone (no leak). */
    void *first = y.data;
    check_status(bitnet_model_run(&twice_model, in, 2, &y, 1),
                 BITNET_ERR_ARGUMENT, "output 'y' has a dynamic shape",
                 "dynamic output with data != NULL is refused");
    check(y.data == first, "  ... and its buffer is untouched");
    bitnet_tensor_free(&y);
    bitnet_tensor_free(&in[0]);
    bitnet_tensor_free(&in[1]);
  }
  dyn_offset = 0;

  twice_inputs(in, 3, 4);
  int calls = invoke_calls;
  check_status(bitnet_model_run(&twice_model, in, 2, &y, 1), BITNET_ERR_SHAPE,
               "input 'z' dimension 0 ('n') is 4, but input 'x' dimension 0,"
               " which has the same name, is 3",
               "inputs sharing a dim name must agree");
  check(invoke_calls == calls && y.data == NULL,
        "  ... checked before invoke, nothing allocated");
  bitnet_tensor_free(&in[0]);
  bitnet_tensor_free(&in[1]);

  twice_inputs(in, 0, 0);
  check_status(bitnet_model_run(&twice_model, in, 2, &y, 1), BITNET_ERR_CHECK,
               "model 'twice': x must not be empty",
               "a failed check in the model: its message");
  check(y.data == NULL, "  ... and no output");
  bitnet_tensor_free(&in[0]);
  bitnet_tensor_free(&in[1]);

  bitnet_tensor extra;
  check_status(bitnet_model_output_alloc(&twice_model, 0, &extra),
               BITNET_ERR_SHAPE, "output 'y' dimension 0 is dynamic",
               "output_alloc: dynamic dimension");

  /* A static output with data == NULL is allocated by model_run. */
  bitnet_tensor a[2], c[1];
  add_tensors(a, c);
  bitnet_tensor_free(&c[0]);
  bitnet_status s = bitnet_model_run(&add_model, a, 2, c, 1);
  const float *cv = c[0].data;
  check(s == BITNET_OK && cv && c[0].rank == 2 && c[0].shape[1] == 3 &&
            cv[5] == 55,
        "static output with data == NULL is allocated by model_run");
  bitnet_tensor_free(&c[0]);
  a[1].shape[0] = -1;
  check_status(bitnet_model_run(&add_model, a, 2, c, 1), BITNET_ERR_SHAPE,
               "expected a size >= 0", "a failed run...");
  check(c[0].data == NULL, "  ... allocates no output");
  bitnet_tensor_free(&a[0]);
  bitnet_tensor_free(&a[1]);

  bitnet_model_info bad = twice_model;
  bad.errors = NULL;
  check_status(bitnet_model_validate(&bad), BITNET_ERR_ABI,
               "bad error list (2 entries)", "NULL error list");
}

static void test_many_tensors(void) {
  bitnet_tensor in[MANY], out;
  static char names[MANY][8];
  for (int k = 0; k < MANY; ++k) {
    snprintf(names[k], sizeof names[k], "in%d", k);
    sum_in[k] = (bitnet_tensor_info){names[k], BITNET_DTYPE_FLOAT, 1, s3, NULL};
    bitnet_tensor_alloc(&in[k], BITNET_DTYPE_FLOAT, 1, s3);
    for (int j = 0; j < 3; ++j)
      ((float *)in[k].data)[j] = (float)(k + j);
  }
  bitnet_model_output_alloc(&sum_model, 0, &out);
  bitnet_status s = bitnet_model_run(&sum_model, in, MANY, &out, 1);
  const float *o = out.data; /* sum over k of (k + j) = 190 + 20 j */
  check(s == BITNET_OK && o[0] == 190 && o[2] == 230,
        "21 tensors (heap descriptor path)");
  for (int k = 0; k < MANY; ++k)
    bitnet_tensor_free(&in[k]);
  bitnet_tensor_free(&out);
}

/* A failure on another thread must not touch this thread's message. */
static void *fail_elsewhere(void *arg) {
  (void)arg;
  bitnet_tensor t;
  bitnet_tensor_alloc(&t, 99, 0, NULL);
  return (void *)(intptr_t)(strstr(bitnet_status_message(), "dtype 99") != 0);
}

static void test_thread_local_message(void) {
  bitnet_tensor t;
  bitnet_tensor_alloc(&t, BITNET_DTYPE_FLOAT, 9, s3);
  pthread_t th;
  void *ret = NULL;
  bool started = pthread_create(&th, NULL, fail_elsewhere, NULL) == 0;
  if (started)
    pthread_join(th, &ret);
  check(started && ret && strstr(bitnet_status_message(), "rank 9"),
        "status message is thread-local");
}

/* The scratch directory holds only flat files written by the tests. */
static void remove_tmpdir(void) {
  DIR *dir = opendir(test_tmpdir);
  struct dirent *e;
  while (dir && (e = readdir(dir)))
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
      remove(tmp_path(e->d_name));
  if (dir)
    closedir(dir);
  if (rmdir(test_tmpdir) != 0)
    fprintf(stderr, "note: could not remove %s\n", test_tmpdir);
}

int main(int argc, char **argv) {
  const char *tmp = getenv("TMPDIR");
  snprintf(test_tmpdir, sizeof test_tmpdir, "%s/bitnet-rt-XXXXXX",
           tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(test_tmpdir)) {
    perror("mkdtemp");
    return 1;
  }
  test_dtypes();
  test_alloc();
  test_model_run();
  test_dynamic_outputs();
  test_many_tensors();
  test_thread_local_message();
  test_npy();
  test_pb();
  test_library(argc > 1 ? argv[1] : NULL);
  test_pool();
  test_decoder();
  remove_tmpdir();
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
