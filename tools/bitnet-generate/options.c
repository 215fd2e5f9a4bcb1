/* bitnet-generate's command line: flags, numbers checked strictly, and the
 * combinations that make no sense refused with a reason. */
#include "options.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef BITNET_MLIR_VERSION
#define BITNET_MLIR_VERSION "0.1.0"
#endif

static const char usage[] =
    "usage: bitnet-generate MODEL.so (--prompt TEXT | --prompt-ids IDS)...\n"
    "                       --max-new-tokens N [options]\n"
    "\n"
    "Generates text with a compiled decoder (bitnet-export-hf's interface)\n"
    "and a KV cache held by the runtime. Greedy unless --temperature is\n"
    "given. Each --prompt (or --prompt-ids) is one sequence of the batch;\n"
    "one output line per prompt.\n"
    "\n"
    "options:\n"
    "  --tokenizer FILE        tokenizer.json (needed for --prompt)\n"
    "  --prompt TEXT           a prompt as text; prints generated text\n"
    "  --prompt-ids 1,2,3      a prompt as token ids; prints generated ids\n"
    "  --max-new-tokens N      tokens to generate per prompt\n"
    "  --temperature T         sample at temperature T > 0 (0: greedy)\n"
    "  --top-k K               sample among the K most likely tokens\n"
    "  --top-p P               sample among the most likely tokens whose\n"
    "                          probabilities add up to P (0 < P <= 1)\n"
    "  --seed S                seed of the sampler (default 0)\n"
    "  --threads N             threads (default BITNET_THREADS, else CPUs)\n"
    "  --max-seq N             cache capacity in tokens (default: what the\n"
    "                          longest prompt and --max-new-tokens need)\n"
    "  --bos                   put the tokenizer's BOS token first\n"
    "  --stop-at-eos           stop a sequence at its end-of-text token\n"
    "  --eos-id ID             the end-of-text id (default: the tokenizer's)\n"
    "  --prompt-logits-out F   save the logits of every prompt position\n"
    "  --logits-out F          save the logits of every generated token\n"
    "  --stats                 print timings as one JSON line on stderr\n"
    "  --help, --version\n"
    "Options also take the --opt=value form. See docs/generate.md.\n";

int generate_fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("bitnet-generate: error: ", stderr);
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
    *err = generate_fail("%s needs a value", name);
    return 1;
  }
  *value = argv[++*i];
  return 1;
}

static int parse_int(const char *flag, const char *v, int64_t min, int64_t max,
                     int64_t *out) {
  char *end;
  errno = 0;
  long long n = strtoll(v, &end, 10);
  if (!*v || *end || errno || n < min || n > max)
    return generate_fail("%s expects an integer in %lld..%lld, got '%s'", flag,
                         (long long)min, (long long)max, v);
  *out = n;
  return 0;
}

static int parse_real(const char *flag, const char *v, double min, double max,
                      int min_open, double *out) {
  char *end;
  errno = 0;
  double x = strtod(v, &end);
  if (!*v || *end || errno || !isfinite(x) || x < min || x > max ||
      (min_open && x == min))
    return generate_fail("%s expects a number in %s%g, %g], got '%s'", flag,
                         min_open ? "(" : "[", min, max, v);
  *out = x;
  return 0;
}

int generate_parse_ids(const char *text, int32_t **out_ids,
                       int32_t *out_count) {
  size_t cap = 1;
  for (const char *c = text; *c; ++c)
    cap += *c == ',';
  int32_t *ids = malloc(cap * sizeof *ids);
  if (!ids) {
    generate_fail("out of memory");
    return 0;
  }
  int32_t count = 0;
  const char *p = text;
  for (;;) {
    char *end;
    errno = 0;
    long long id = strtoll(p, &end, 10);
    while (*end == ' ')
      ++end;
    if (end == p || errno || id < 0 || id > INT32_MAX ||
        (*end != ',' && *end != '\0')) {
      free(ids);
      generate_fail("--prompt-ids expects comma-separated token ids >= 0,"
                    " got '%s'", text);
      return 0;
    }
    ids[count++] = (int32_t)id;
    if (*end == '\0')
      break;
    p = end + 1;
  }
  *out_ids = ids;
  *out_count = count;
  return 1;
}

/* A flag with a value: returns 1 when argv[*i] was it (then *err is set on
 * failure). */
static int take_number(int argc, char **argv, int *i, generate_options *o,
                       int *err) {
  const char *v = NULL;
  int64_t n = 0;
  if (take_value(argc, argv, i, "--max-new-tokens", &v, err)) {
    if (!*err)
      *err = parse_int("--max-new-tokens", v, 0, 1 << 30, &o->max_new_tokens);
  } else if (take_value(argc, argv, i, "--temperature", &v, err)) {
    o->has_temperature = 1;
    if (!*err)
      *err = parse_real("--temperature", v, 0, 1e6, 0,
                        &o->sampling.temperature);
  } else if (take_value(argc, argv, i, "--top-k", &v, err)) {
    o->has_top_k = 1;
    if (!*err)
      *err = parse_int("--top-k", v, 1, INT32_MAX, &o->sampling.top_k);
  } else if (take_value(argc, argv, i, "--top-p", &v, err)) {
    o->has_top_p = 1;
    if (!*err)
      *err = parse_real("--top-p", v, 0, 1, 1, &o->sampling.top_p);
  } else if (take_value(argc, argv, i, "--seed", &v, err)) {
    if (!*err && !(*err = parse_int("--seed", v, 0, INT64_MAX, &n)))
      o->sampling.seed = (uint64_t)n;
  } else if (take_value(argc, argv, i, "--threads", &v, err)) {
    if (!*err && !(*err = parse_int("--threads", v, 1, 4096, &n)))
      o->threads = (int32_t)n;
  } else if (take_value(argc, argv, i, "--max-seq", &v, err)) {
    if (!*err)
      *err = parse_int("--max-seq", v, 1, INT32_MAX, &o->max_seq);
  } else if (take_value(argc, argv, i, "--eos-id", &v, err)) {
    if (!*err)
      *err = parse_int("--eos-id", v, 0, INT32_MAX, &o->eos_id);
  } else {
    return 0;
  }
  return 1;
}

static const char *const switches[] = {"--bos", "--stop-at-eos", "--stats"};

static int take_switch(const char *a, generate_options *o) {
  int *flags[] = {&o->bos, &o->stop_at_eos, &o->stats};
  for (size_t k = 0; k < sizeof switches / sizeof *switches; ++k)
    if (strcmp(a, switches[k]) == 0)
      return *flags[k] = 1;
  return 0;
}

/* The combinations a single flag cannot check. */
static int check_combinations(const generate_options *o) {
  if (!o->model)
    return generate_fail("no model library given (usage: bitnet-generate"
                         " MODEL.so --prompt TEXT --max-new-tokens N; try"
                         " --help)");
  if (o->num_prompts && o->num_prompt_ids)
    return generate_fail("give prompts either as --prompt text or as"
                         " --prompt-ids, not both (the output is text or"
                         " ids)");
  if (!o->num_prompts && !o->num_prompt_ids)
    return generate_fail("no prompt: pass --prompt TEXT or --prompt-ids"
                         " 1,2,3");
  if (o->num_prompts && !o->tokenizer)
    return generate_fail("--prompt needs --tokenizer FILE (to encode the"
                         " prompt and decode the output)");
  if (o->max_new_tokens < 0)
    return generate_fail("--max-new-tokens N is required");
  if ((o->has_top_k || o->has_top_p) && o->sampling.temperature <= 0)
    return generate_fail("--top-k and --top-p need --temperature T > 0:"
                         " without it decoding is greedy");
  return 0;
}

int generate_parse_args(int argc, char **argv, generate_options *o) {
  memset(o, 0, sizeof *o);
  o->max_new_tokens = -1;
  o->eos_id = -1;
  o->sampling.top_p = 1;
  o->prompts = calloc((size_t)argc, sizeof *o->prompts);
  o->prompt_ids = calloc((size_t)argc, sizeof *o->prompt_ids);
  if (!o->prompts || !o->prompt_ids)
    return generate_fail("out of memory");
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i], *v = NULL;
    int err = 0;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      fputs(usage, stdout);
      return 2;
    }
    if (strcmp(a, "--version") == 0) {
      printf("bitnet-generate %s\n", BITNET_MLIR_VERSION);
      return 2;
    }
    if (take_switch(a, o) || take_number(argc, argv, &i, o, &err)) {
      if (err)
        return err;
    } else if (take_value(argc, argv, &i, "--tokenizer", &v, &err)) {
      o->tokenizer = v;
    } else if (take_value(argc, argv, &i, "--prompt-ids", &v, &err)) {
      o->prompt_ids[o->num_prompt_ids++] = v;
    } else if (take_value(argc, argv, &i, "--prompt-logits-out", &v, &err)) {
      o->prompt_logits_out = v;
    } else if (take_value(argc, argv, &i, "--logits-out", &v, &err)) {
      o->logits_out = v;
    } else if (take_value(argc, argv, &i, "--prompt", &v, &err)) {
      o->prompts[o->num_prompts++] = v;
    } else if (a[0] == '-' && a[1] != '\0') {
      return generate_fail("unknown option '%s' (try --help)", a);
    } else if (!o->model) {
      o->model = a;
    } else {
      return generate_fail("unexpected argument '%s' (a prompt goes after"
                           " --prompt)", a);
    }
    if (err)
      return err;
  }
  return check_combinations(o);
}
