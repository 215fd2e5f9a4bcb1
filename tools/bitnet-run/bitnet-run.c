/* bitnet-run: loads a compiled model library, feeds it .npy/.pb inputs and
 * writes or prints its outputs. Uses only the public runtime API, so it
 * doubles as an example of it. */
#include "bitnet/runtime.h"
#include "bitnet/tooling.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#ifndef BITNET_MLIR_VERSION
#define BITNET_MLIR_VERSION "0.1.0"
#endif

static const char usage[] =
    "usage: bitnet-run LIB.so [options]\n"
    "\n"
    "Runs the model in LIB.so (a library from bitnet-compile that exports\n"
    "bitnet_model_query) once.\n"
    "\n"
    "options:\n"
    "  --input NAME=FILE   bind FILE to the model input NAME\n"
    "  --input FILE        bind FILE to the next input not bound by name\n"
    "                      (FILE: .npy or ONNX TensorProto .pb)\n"
    "  --output-dir DIR    write each output as DIR/<output name>.npy\n"
    "  --print             print each output's type and first 16 values\n"
    "                      (the default when neither --output-dir nor --bench)\n"
    "  --bench N           after the run, time N more runs; print JSON\n"
    "  --threads N         threads of the run (default: BITNET_THREADS, else\n"
    "                      the number of CPUs)\n"
    "  --help              show this help\n"
    "  --version           show the version\n"
    "Options also take the --opt=value form.\n";

typedef struct options {
  const char *lib;
  const char **inputs; /* --input values, in order */
  int num_inputs;
  const char *output_dir;
  long bench;
  int32_t threads; /* 0: bitnet_default_threads() */
  int print;
} options;

static int fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("bitnet-run: error: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  return 1;
}

/* Matches "--name VALUE" and "--name=VALUE"; advances *i past the value. */
static int take_value(int argc, char **argv, int *i, const char *name,
                      const char **value, int *err) {
  size_t n = strlen(name);
  if (strncmp(argv[*i], name, n) != 0)
    return 0;
  if (argv[*i][n] == '=') {
    *value = argv[*i] + n + 1;
    return 1;
  }
  if (argv[*i][n] != '\0')
    return 0;
  if (*i + 1 >= argc) {
    *err = fail("%s needs a value", name);
    return 1;
  }
  *value = argv[++*i];
  return 1;
}

/* Returns 0 to go on, 1 on error, 2 when --help/--version already answered. */
static int parse_args(int argc, char **argv, options *o) {
  o->inputs = calloc((size_t)argc, sizeof *o->inputs);
  if (!o->inputs)
    return fail("out of memory");
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i], *v = NULL;
    int err = 0;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      fputs(usage, stdout);
      return 2;
    } else if (strcmp(a, "--version") == 0) {
      printf("bitnet-run %s\n", BITNET_MLIR_VERSION);
      return 2;
    } else if (strcmp(a, "--print") == 0) {
      o->print = 1;
    } else if (take_value(argc, argv, &i, "--input", &v, &err)) {
      if (err)
        return err;
      o->inputs[o->num_inputs++] = v;
    } else if (take_value(argc, argv, &i, "--output-dir", &v, &err)) {
      if (err)
        return err;
      if (!*v)
        return fail("--output-dir needs a directory");
      o->output_dir = v;
    } else if (take_value(argc, argv, &i, "--bench", &v, &err)) {
      if (err)
        return err;
      char *end;
      errno = 0;
      o->bench = strtol(v, &end, 10);
      if (!*v || *end || errno || o->bench < 1 || o->bench > 100000000)
        return fail("--bench expects an integer >= 1, got '%s'", v);
    } else if (take_value(argc, argv, &i, "--threads", &v, &err)) {
      if (err)
        return err;
      char *end;
      errno = 0;
      long n = strtol(v, &end, 10);
      if (!*v || *end || errno || n < 1 || n > 4096)
        return fail("--threads expects an integer in 1..4096, got '%s'", v);
      o->threads = (int32_t)n;
    } else if (a[0] == '-' && a[1] != '\0') {
      return fail("unknown option '%s' (try --help)", a);
    } else if (!o->lib) {
      o->lib = a;
    } else {
      return fail("unexpected argument '%s' (inputs go after --input)", a);
    }
  }
  if (!o->lib)
    return fail("no model library given (usage: bitnet-run LIB.so"
                " [--input NAME=FILE]...; try --help)");
  if (!o->output_dir && !o->bench)
    o->print = 1;
  return 0;
}

static int find_input(const bitnet_model_info *m, const char *name,
                      size_t len) {
  for (int32_t i = 0; i < m->num_inputs; ++i)
    if (strlen(m->inputs[i].name) == len &&
        strncmp(m->inputs[i].name, name, len) == 0)
      return (int)i;
  return -1;
}

static int file_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

/* Fills files[i] with the file bound to model input i. "NAME=FILE" binds by
 * name when NAME is an input (or FILE does not exist as a whole); all
 * other values bind in order to the inputs left. */
static int bind_inputs(const options *o, const bitnet_model_info *m,
                       const char **files) {
  for (int k = 0; k < o->num_inputs; ++k) {
    const char *spec = o->inputs[k], *eq = strchr(spec, '=');
    if (!eq)
      continue;
    int idx = find_input(m, spec, (size_t)(eq - spec));
    if (idx < 0) {
      if (file_exists(spec))
        continue; /* a file name that contains '=' */
      return fail("model '%s' has no input named '%.*s'", m->name,
                  (int)(eq - spec), spec);
    }
    if (files[idx])
      return fail("input '%s' given more than once", m->inputs[idx].name);
    files[idx] = eq + 1;
    o->inputs[k] = NULL; /* consumed; the positional pass skips it */
  }
  int next = 0;
  for (int k = 0; k < o->num_inputs; ++k) {
    if (!o->inputs[k])
      continue;
    while (next < m->num_inputs && files[next])
      ++next;
    if (next == m->num_inputs)
      return fail("too many inputs: '%s' has nowhere to go (model '%s' has"
                  " %d inputs)", o->inputs[k], m->name, (int)m->num_inputs);
    files[next++] = o->inputs[k];
  }
  for (int32_t i = 0; i < m->num_inputs; ++i) {
    if (files[i])
      continue;
    const bitnet_tensor_info *ti = &m->inputs[i];
    char shape[160] = "";
    for (int32_t d = 0, n = 0; d < ti->rank && n < 140; ++d)
      n += snprintf(shape + n, sizeof shape - (size_t)n, "%s%lld",
                    d ? "," : "", (long long)ti->shape[d]);
    return fail("missing input '%s' (%s[%s]); pass --input %s=FILE",
                ti->name, bitnet_dtype_name(ti->dtype), shape, ti->name);
  }
  return 0;
}

static int has_suffix(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* .npy and .pb by extension; anything else by the .npy magic. */
static bitnet_status read_tensor(const char *path, bitnet_tensor *t) {
  int npy = has_suffix(path, ".npy");
  if (!npy && !has_suffix(path, ".pb")) {
    FILE *f = fopen(path, "rb");
    char magic[6] = {0};
    if (f) {
      npy = fread(magic, 1, 6, f) == 6 && memcmp(magic, "\x93NUMPY", 6) == 0;
      fclose(f);
    }
  }
  return npy ? bitnet_npy_read(path, t) : bitnet_pb_read(path, t, NULL);
}

static float half_to_float(uint16_t h) {
  int exp = (h >> 10) & 0x1f, man = h & 0x3ff;
  float v = exp == 0    ? ldexpf((float)man, -24)
            : exp == 31 ? (man ? NAN : INFINITY)
                        : ldexpf((float)(man | 0x400), exp - 25);
  return (h & 0x8000) ? -v : v;
}

static void print_value(const bitnet_tensor *t, int64_t i) {
  const char *p = (const char *)t->data + (size_t)i * bitnet_dtype_size(t->dtype);
  union { float f; double d; int8_t i8; uint8_t u8; int16_t i16; uint16_t u16;
          int32_t i32; uint32_t u32; int64_t i64; uint64_t u64; } v;
  memcpy(&v, p, bitnet_dtype_size(t->dtype));
  switch (t->dtype) {
  case BITNET_DTYPE_FLOAT: printf("%g", (double)v.f); break;
  case BITNET_DTYPE_DOUBLE: printf("%g", v.d); break;
  case BITNET_DTYPE_FLOAT16: printf("%g", (double)half_to_float(v.u16)); break;
  case BITNET_DTYPE_BFLOAT16: {
    uint32_t bits = (uint32_t)v.u16 << 16;
    float f;
    memcpy(&f, &bits, 4);
    printf("%g", (double)f);
    break;
  }
  case BITNET_DTYPE_INT8: printf("%d", v.i8); break;
  case BITNET_DTYPE_UINT8: printf("%u", v.u8); break;
  case BITNET_DTYPE_BOOL: printf("%s", v.u8 ? "true" : "false"); break;
  case BITNET_DTYPE_INT16: printf("%d", v.i16); break;
  case BITNET_DTYPE_UINT16: printf("%u", v.u16); break;
  case BITNET_DTYPE_INT32: printf("%d", v.i32); break;
  case BITNET_DTYPE_UINT32: printf("%u", v.u32); break;
  case BITNET_DTYPE_INT64: printf("%lld", (long long)v.i64); break;
  default: printf("%llu", (unsigned long long)v.u64); break;
  }
}

static void print_tensor(const char *name, const bitnet_tensor *t) {
  printf("%s: %s[", name, bitnet_dtype_name(t->dtype));
  for (int32_t d = 0; d < t->rank; ++d)
    printf("%s%lld", d ? "," : "", (long long)t->shape[d]);
  printf("] = [");
  int64_t n = bitnet_tensor_numel(t), shown = n < 16 ? n : 16;
  for (int64_t i = 0; i < shown; ++i) {
    printf(i ? ", " : "");
    print_value(t, i);
  }
  if (n > shown)
    printf(", ... (%lld values)", (long long)n);
  printf("]\n");
}

/* mkdir -p: creates each missing component of dir. */
static int make_dirs(const char *dir) {
  char *path = malloc(strlen(dir) + 1);
  if (!path)
    return fail("out of memory");
  strcpy(path, dir);
  for (char *p = path + 1;; ++p) {
    if (*p != '/' && *p != '\0')
      continue;
    char c = *p;
    *p = '\0';
    struct stat st;
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
      int err = fail("cannot create output directory '%s': %s", path,
                     strerror(errno));
      free(path);
      return err;
    }
    if (c == '\0' && (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))) {
      free(path);
      return fail("output directory '%s' is not a directory", dir);
    }
    *p = c;
    if (c == '\0')
      break;
  }
  free(path);
  return 0;
}

static int write_output(const char *dir, const char *name,
                        const bitnet_tensor *t) {
  size_t n = strlen(dir) + strlen(name) + 16;
  char *path = malloc(n);
  if (!path)
    return fail("out of memory");
  int len = snprintf(path, n, "%s/", dir);
  /* Output names become file names: no directory separators. */
  for (const char *c = *name ? name : "output"; *c; ++c)
    path[len++] = *c == '/' ? '_' : *c;
  strcpy(path + len, ".npy");
  int rc = 0;
  /* numpy has no bfloat16: such outputs are written as float32, which
   * holds every bfloat16 value exactly. */
  bitnet_tensor widened = {0};
  if (t->dtype == BITNET_DTYPE_BFLOAT16) {
    if (bitnet_tensor_alloc(&widened, BITNET_DTYPE_FLOAT, t->rank, t->shape) !=
        BITNET_OK) {
      free(path);
      return fail("output '%s': %s", name, bitnet_status_message());
    }
    const uint16_t *bits = t->data;
    float *values = widened.data;
    for (int64_t i = 0, n = bitnet_tensor_numel(t); i < n; ++i) {
      uint32_t word = (uint32_t)bits[i] << 16;
      memcpy(&values[i], &word, sizeof word);
    }
    t = &widened;
  }
  if (bitnet_npy_write(path, t) != BITNET_OK)
    rc = fail("output '%s': %s", name, bitnet_status_message());
  if (widened.data)
    bitnet_tensor_free(&widened);
  free(path);
  return rc;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Each timed run gets fresh output tensors: the static outputs' buffers of
 * the first run are reused, dynamic outputs are allocated by the model and
 * freed after the run. */
static int bench(bitnet_session *session, const bitnet_tensor *in,
                 const bitnet_tensor *out, long runs) {
  const bitnet_model_info *m = bitnet_session_model(session);
  double *ms = malloc((size_t)runs * sizeof *ms), sum = 0;
  bitnet_tensor *scratch = calloc((size_t)m->num_outputs + 1, sizeof *scratch);
  if (!ms || !scratch) {
    free(ms);
    free(scratch);
    return fail("out of memory");
  }
  int rc = 0;
  for (long r = 0; r < runs && !rc; ++r) {
    for (int32_t i = 0; i < m->num_outputs; ++i)
      if (bitnet_model_output_is_dynamic(m, i))
        memset(&scratch[i], 0, sizeof scratch[i]);
      else
        scratch[i] = out[i];
    double t0 = now_ms();
    if (bitnet_session_run(session, in, m->num_inputs, scratch,
                           m->num_outputs) != BITNET_OK)
      rc = fail("%s", bitnet_status_message());
    ms[r] = now_ms() - t0;
    sum += ms[r];
    for (int32_t i = 0; i < m->num_outputs; ++i)
      if (bitnet_model_output_is_dynamic(m, i))
        bitnet_tensor_free(&scratch[i]);
  }
  if (!rc) {
    qsort(ms, (size_t)runs, sizeof *ms, cmp_double);
    double median =
        runs % 2 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
    printf("{\"runs\": %ld, \"median_ms\": %.6f, \"min_ms\": %.6f, "
           "\"mean_ms\": %.6f}\n", runs, median, ms[0], sum / (double)runs);
  }
  free(ms);
  free(scratch);
  return rc;
}

static int run(const options *o, bitnet_session *session) {
  const bitnet_model_info *m = bitnet_session_model(session);
  int32_t ni = m->num_inputs, no = m->num_outputs;
  const char **files = calloc((size_t)ni + 1, sizeof *files);
  bitnet_tensor *in = calloc((size_t)ni + 1, sizeof *in);
  bitnet_tensor *out = calloc((size_t)no + 1, sizeof *out);
  int rc = !files || !in || !out ? fail("out of memory") : 0;
  if (!rc)
    rc = bind_inputs(o, m, files);
  for (int32_t i = 0; i < ni && !rc; ++i) {
    const bitnet_tensor_info *ti = &m->inputs[i];
    if (read_tensor(files[i], &in[i]) != BITNET_OK)
      rc = fail("input '%s': %s", ti->name, bitnet_status_message());
    else if (ti->dtype == BITNET_DTYPE_BFLOAT16 &&
             in[i].dtype == BITNET_DTYPE_UINT16)
      /* numpy has no bfloat16: .npy files and ONNX's test data carry
       * bfloat16 as its uint16 bit patterns. */
      in[i].dtype = BITNET_DTYPE_BFLOAT16;
    else if (in[i].dtype != ti->dtype)
      rc = fail("input '%s': expected dtype %s, got %s from '%s'", ti->name,
                bitnet_dtype_name(ti->dtype), bitnet_dtype_name(in[i].dtype),
                files[i]);
  }
  /* Outputs start with data == NULL: the run allocates static ones and
   * adopts the model's dynamic ones; all are freed below. */
  if (!rc && bitnet_session_run(session, in, ni, out, no) != BITNET_OK)
    rc = fail("%s", bitnet_status_message());
  if (!rc && o->bench)
    rc = bench(session, in, out, o->bench);
  if (!rc && o->output_dir)
    rc = make_dirs(o->output_dir);
  for (int32_t i = 0; i < no && !rc; ++i) {
    if (o->print)
      print_tensor(m->outputs[i].name, &out[i]);
    if (o->output_dir)
      rc = write_output(o->output_dir, m->outputs[i].name, &out[i]);
  }
  for (int32_t i = 0; in && i < ni; ++i)
    bitnet_tensor_free(&in[i]);
  for (int32_t i = 0; out && i < no; ++i)
    bitnet_tensor_free(&out[i]);
  free(files);
  free(in);
  free(out);
  return rc;
}

int main(int argc, char **argv) {
  options o = {0};
  int rc = parse_args(argc, argv, &o);
  if (rc) {
    free(o.inputs);
    return rc == 2 ? 0 : 1;
  }
  /* A bare file name means the file here, not a search of the library path
   * (dlopen's rule), which is what a command-line user means. */
  char *path = malloc(strlen(o.lib) + 3);
  if (!path) {
    free(o.inputs);
    return fail("out of memory");
  }
  sprintf(path, "%s%s", strchr(o.lib, '/') ? "" : "./", o.lib);
  /* A session: the model runs on a persistent pool of --threads threads. */
  bitnet_library *lib = NULL;
  bitnet_session *session = NULL;
  bitnet_session_options so;
  bitnet_session_options_init(&so);
  so.num_threads = o.threads;
  if (bitnet_library_open(path, &lib) != BITNET_OK ||
      bitnet_session_create(bitnet_library_model(lib), &so, &session) !=
          BITNET_OK)
    rc = fail("%s", bitnet_status_message());
  else
    rc = run(&o, session);
  bitnet_session_destroy(session);
  bitnet_library_close(lib);
  free(path);
  free(o.inputs);
  return rc;
}
