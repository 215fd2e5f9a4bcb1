/* bitnet-generate: text generation with a compiled decoder, its KV cache
 * held by the runtime's decoder (bitnet/decoder.h), prompts encoded and
 * outputs decoded by the tokenizer library. docs/generate.md. */
#include "options.h"
#include "sampler.h"

#include "bitnet/runtime.h"
#include "bitnet/tokenizer.h"
#include "bitnet/tooling.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct sequence {
  int32_t *prompt;
  int32_t prompt_len;
  int32_t *out; /* generated ids (max_new_tokens), the EOS not among them */
  int64_t out_len;
  int64_t rows; /* tokens sampled, EOS included: rows of --logits-out */
  int done;
  sampler sampler;
  size_t printed; /* bytes of its text already on stdout */
} sequence;

typedef struct generation {
  generate_options o;
  bitnet_tokenizer *tok;
  bitnet_library *lib;
  bitnet_decoder *dec;
  sequence *seqs;
  int32_t batch;
  int64_t vocab, longest;
  int64_t eos; /* -1 unless --stop-at-eos */
  float *prompt_logits, *step_logits; /* --prompt-logits-out, --logits-out */
  double prefill_ms, decode_ms;
  int64_t steps;
} generation;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Prompt b's ids: encoded text or a parsed list, BOS first with --bos. */
static int load_prompt(generation *g, int b) {
  const generate_options *o = &g->o;
  sequence *s = &g->seqs[b];
  if (o->num_prompts) {
    int32_t *ids;
    size_t count;
    const char *text = o->prompts[b];
    if (bitnet_tokenizer_encode(g->tok, text, strlen(text), o->bos, &ids,
                                &count) != BITNET_OK)
      return generate_fail("prompt %d: %s", b + 1, bitnet_status_message());
    s->prompt = malloc((count + 1) * sizeof *s->prompt);
    if (s->prompt)
      memcpy(s->prompt, ids, count * sizeof *ids);
    bitnet_tokenizer_free_ids(ids);
    s->prompt_len = (int32_t)count;
  } else {
    int32_t *ids, count;
    if (!generate_parse_ids(o->prompt_ids[b], &ids, &count))
      return 1;
    s->prompt = malloc(((size_t)count + 1) * sizeof *s->prompt);
    if (s->prompt) {
      int32_t bos = g->tok ? bitnet_tokenizer_bos_id(g->tok) : -1;
      if (o->bos && bos < 0) {
        free(ids);
        return generate_fail("--bos with --prompt-ids needs --tokenizer with"
                             " a BOS token");
      }
      if (o->bos)
        s->prompt[0] = bos;
      memcpy(s->prompt + o->bos, ids, (size_t)count * sizeof *ids);
      s->prompt_len = count + o->bos;
    }
    free(ids);
  }
  if (!s->prompt)
    return generate_fail("out of memory");
  if (s->prompt_len == 0)
    return generate_fail("prompt %d is empty (no tokens); give some text, or"
                         " --bos", b + 1);
  return 0;
}

static int load_prompts(generation *g) {
  const generate_options *o = &g->o;
  if (o->tokenizer &&
      bitnet_tokenizer_load(o->tokenizer, &g->tok) != BITNET_OK)
    return generate_fail("%s", bitnet_status_message());
  g->batch = o->num_prompts ? o->num_prompts : o->num_prompt_ids;
  g->seqs = calloc((size_t)g->batch, sizeof *g->seqs);
  if (!g->seqs)
    return generate_fail("out of memory");
  for (int b = 0; b < g->batch; ++b) {
    if (load_prompt(g, b))
      return 1;
    if (g->seqs[b].prompt_len > g->longest)
      g->longest = g->seqs[b].prompt_len;
  }
  g->eos = -1;
  if (o->stop_at_eos) {
    g->eos = o->eos_id >= 0 ? o->eos_id
             : g->tok       ? bitnet_tokenizer_eos_id(g->tok)
                            : -1;
    if (g->eos < 0)
      return generate_fail("--stop-at-eos needs an end-of-text id: pass"
                           " --eos-id ID, or --tokenizer with an EOS token");
  }
  return 0;
}

static int open_decoder(generation *g) {
  const generate_options *o = &g->o;
  /* A bare file name means the file here, as for bitnet-run. */
  char *path = malloc(strlen(o->model) + 3);
  if (!path)
    return generate_fail("out of memory");
  sprintf(path, "%s%s", strchr(o->model, '/') ? "" : "./", o->model);
  bitnet_status s = bitnet_library_open(path, &g->lib);
  free(path);
  if (s != BITNET_OK)
    return generate_fail("%s", bitnet_status_message());
  /* The prompts, then max_new_tokens - 1 steps (the last token needs no
   * run). */
  int64_t need = g->longest + (o->max_new_tokens ? o->max_new_tokens - 1 : 0);
  if (o->max_seq && o->max_seq < need)
    return generate_fail("--max-seq %lld is too small: the longest prompt"
                         " (%lld tokens) and %lld new tokens need %lld",
                         (long long)o->max_seq, (long long)g->longest,
                         (long long)o->max_new_tokens, (long long)need);
  if (need > INT32_MAX)
    return generate_fail("the prompts and --max-new-tokens need %lld cache"
                         " slots, more than a decoder holds", (long long)need);
  bitnet_decoder_options d;
  bitnet_decoder_options_init(&d);
  d.max_batch = g->batch;
  d.max_seq = (int32_t)(o->max_seq ? o->max_seq : need);
  d.num_threads = o->threads;
  if (bitnet_decoder_create(bitnet_library_model(g->lib), &d, &g->dec) !=
      BITNET_OK)
    return generate_fail("%s: %s", o->model, bitnet_status_message());
  g->vocab = bitnet_decoder_vocab_size(g->dec);
  for (int32_t b = 0; b < g->batch; ++b)
    for (int32_t i = 0; i < g->seqs[b].prompt_len; ++i)
      if (g->seqs[b].prompt[i] >= g->vocab)
        return generate_fail("prompt %d: token %d at index %d is outside the"
                             " model's vocabulary [0, %lld)", (int)b + 1,
                             (int)g->seqs[b].prompt[i], (int)i,
                             (long long)g->vocab);
  if (g->eos >= g->vocab)
    return generate_fail("the end-of-text id %lld is outside the model's"
                         " vocabulary [0, %lld)", (long long)g->eos,
                         (long long)g->vocab);
  for (int32_t b = 0; b < g->batch; ++b) {
    sequence *s = &g->seqs[b];
    s->out = malloc(((size_t)o->max_new_tokens + 1) * sizeof *s->out);
    if (!s->out || !sampler_init(&s->sampler, &o->sampling, g->vocab,
                                 (uint64_t)b))
      return generate_fail("out of memory");
  }
  return 0;
}

/* Zeroed [batch, rows, vocab] floats for a logits file, or NULL. */
static float *logits_buffer(const generation *g, const char *path,
                            int64_t rows, int *err) {
  if (!path)
    return NULL;
  float *p = calloc((size_t)(g->batch * rows * g->vocab) + 1, sizeof *p);
  if (!p)
    *err = generate_fail("out of memory for the logits of '%s'", path);
  return p;
}

static int prefill(generation *g) {
  int32_t **prompts = malloc((size_t)g->batch * sizeof *prompts);
  int32_t *lengths = malloc((size_t)g->batch * sizeof *lengths);
  if (!prompts || !lengths) {
    free(prompts);
    free(lengths);
    return generate_fail("out of memory");
  }
  for (int32_t b = 0; b < g->batch; ++b) {
    prompts[b] = g->seqs[b].prompt;
    lengths[b] = g->seqs[b].prompt_len;
  }
  double t0 = now_ms();
  bitnet_status s = bitnet_decoder_prefill(
      g->dec, g->batch, (const int32_t *const *)prompts, lengths);
  g->prefill_ms = now_ms() - t0;
  free(prompts);
  free(lengths);
  if (s != BITNET_OK)
    return generate_fail("prefill: %s", bitnet_status_message());
  int err = 0;
  g->prompt_logits = logits_buffer(g, g->o.prompt_logits_out, g->longest, &err);
  g->step_logits =
      logits_buffer(g, g->o.logits_out, g->o.max_new_tokens, &err);
  if (err || !g->prompt_logits)
    return err; /* 0 when no prompt logits are wanted */
  /* Row b's prompt sits at the right end of the padded [batch, S] logits;
   * the file has it from position 0. */
  bitnet_tensor view;
  bitnet_decoder_logits(g->dec, &view);
  const float *all = view.data;
  for (int32_t b = 0; b < g->batch; ++b) {
    int64_t pad = g->longest - g->seqs[b].prompt_len;
    memcpy(g->prompt_logits + b * g->longest * g->vocab,
           all + (b * g->longest + pad) * g->vocab,
           (size_t)(g->seqs[b].prompt_len * g->vocab) * sizeof(float));
  }
  return 0;
}

/* Writes the part of sequence b's text that is final: the decoded ids less
 * the U+FFFD at the end that a multi-byte character cut between ids gives
 * (the next id may complete it), unless `last`. */
static int print_text(generation *g, sequence *s, int last) {
  char *text;
  size_t len;
  if (bitnet_tokenizer_decode(g->tok, s->out, (size_t)s->out_len, &text,
                              &len) != BITNET_OK)
    return generate_fail("decoding the generated ids: %s",
                         bitnet_status_message());
  static const char replacement[] = "\xEF\xBF\xBD";
  size_t end = len;
  while (!last && end >= 3 && memcmp(text + end - 3, replacement, 3) == 0)
    end -= 3;
  if (end > s->printed) {
    fwrite(text + s->printed, 1, end - s->printed, stdout);
    s->printed = end;
  }
  bitnet_tokenizer_free_text(text);
  fflush(stdout);
  return 0;
}

/* Chooses the next token of every sequence not done; returns 1 on error. */
static int sample_all(generation *g, int32_t *next) {
  for (int32_t b = 0; b < g->batch; ++b) {
    sequence *s = &g->seqs[b];
    next[b] = g->eos >= 0 ? (int32_t)g->eos : 0; /* fed to finished rows */
    if (s->done)
      continue;
    const float *logits = bitnet_decoder_next_logits(g->dec, b);
    for (int64_t v = 0; v < g->vocab; ++v)
      if (!isfinite(logits[v]))
        return generate_fail("the model returned a non-finite logit (%g) for"
                             " token %lld of sequence %d",
                             (double)logits[v], (long long)v, (int)b + 1);
    if (g->step_logits)
      memcpy(g->step_logits + (b * g->o.max_new_tokens + s->rows) * g->vocab,
             logits, (size_t)g->vocab * sizeof(float));
    ++s->rows;
    int32_t token = sampler_next(&s->sampler, logits);
    if (token == g->eos) {
      s->done = 1;
      continue;
    }
    next[b] = token;
    s->out[s->out_len++] = token;
    if (g->o.num_prompts && g->batch == 1 && print_text(g, s, 0))
      return 1;
  }
  return 0;
}

static int generate(generation *g) {
  int32_t *next = malloc((size_t)g->batch * sizeof *next);
  if (!next)
    return generate_fail("out of memory");
  int rc = 0;
  for (int64_t t = 0; t < g->o.max_new_tokens && !rc; ++t) {
    if ((rc = sample_all(g, next)))
      break;
    int all_done = 1;
    for (int32_t b = 0; b < g->batch; ++b)
      all_done &= g->seqs[b].done;
    if (all_done || t + 1 == g->o.max_new_tokens)
      break;
    double t0 = now_ms();
    if (bitnet_decoder_step(g->dec, next) != BITNET_OK)
      rc = generate_fail("decode step %lld: %s", (long long)t + 1,
                         bitnet_status_message());
    g->decode_ms += now_ms() - t0;
    ++g->steps;
  }
  free(next);
  return rc;
}

static int write_logits(const generation *g, const char *path,
                        const float *data, int64_t rows) {
  if (!path)
    return 0;
  bitnet_tensor t = {BITNET_DTYPE_FLOAT, 3, {g->batch, rows, g->vocab},
                     (void *)data};
  if (g->batch == 1) { /* [rows, vocab] */
    t.rank = 2;
    t.shape[0] = rows;
    t.shape[1] = g->vocab;
  }
  if (bitnet_npy_write(path, &t) != BITNET_OK)
    return generate_fail("%s", bitnet_status_message());
  return 0;
}

/* Step logits are stored with max_new_tokens rows per sequence; the file
 * has as many as the longest sequence sampled. */
static int write_step_logits(generation *g) {
  int64_t rows = 0, cap = g->o.max_new_tokens;
  for (int32_t b = 0; b < g->batch; ++b)
    if (g->seqs[b].rows > rows)
      rows = g->seqs[b].rows;
  for (int32_t b = 1; b < g->batch && rows < cap; ++b)
    memmove(g->step_logits + b * rows * g->vocab,
            g->step_logits + b * cap * g->vocab,
            (size_t)(rows * g->vocab) * sizeof(float));
  return write_logits(g, g->o.logits_out, g->step_logits, rows);
}

static int print_outputs(generation *g) {
  for (int32_t b = 0; b < g->batch; ++b) {
    sequence *s = &g->seqs[b];
    if (g->o.num_prompts) {
      if (print_text(g, s, 1))
        return 1;
    } else {
      for (int64_t i = 0; i < s->out_len; ++i)
        printf("%s%d", i ? "," : "", (int)s->out[i]);
    }
    putchar('\n');
  }
  return fflush(stdout) != 0 ? generate_fail("cannot write the output") : 0;
}

static void print_stats(const generation *g) {
  int64_t prompt_tokens = 0, generated = 0;
  for (int32_t b = 0; b < g->batch; ++b) {
    prompt_tokens += g->seqs[b].prompt_len;
    generated += g->seqs[b].out_len;
  }
  double prefill_s = g->prefill_ms / 1e3;
  fprintf(stderr,
          "{\"batch\": %d, \"threads\": %d, \"in_place_cache\": %s,"
          " \"cache_bytes\": %zu, \"prompt_tokens\": %lld,"
          " \"prefill_ms\": %.3f, \"prefill_tokens_per_s\": %.1f,"
          " \"generated_tokens\": %lld, \"decode_steps\": %lld,"
          " \"decode_ms_per_token\": ",
          (int)g->batch,
          (int)bitnet_session_threads(bitnet_decoder_session(g->dec)),
          bitnet_decoder_in_place(g->dec) ? "true" : "false",
          bitnet_decoder_cache_bytes(g->dec), (long long)prompt_tokens,
          g->prefill_ms, prefill_s > 0 ? (double)prompt_tokens / prefill_s : 0,
          (long long)generated, (long long)g->steps);
  if (g->steps)
    fprintf(stderr, "%.3f}\n", g->decode_ms / (double)g->steps);
  else
    fprintf(stderr, "null}\n");
}

static void cleanup(generation *g) {
  for (int32_t b = 0; g->seqs && b < g->batch; ++b) {
    free(g->seqs[b].prompt);
    free(g->seqs[b].out);
    sampler_free(&g->seqs[b].sampler);
  }
  free(g->seqs);
  free(g->prompt_logits);
  free(g->step_logits);
  bitnet_decoder_destroy(g->dec);
  bitnet_library_close(g->lib);
  bitnet_tokenizer_free(g->tok);
  free(g->o.prompts);
  free(g->o.prompt_ids);
}

int main(int argc, char **argv) {
  generation g;
  memset(&g, 0, sizeof g);
  int rc = generate_parse_args(argc, argv, &g.o);
  if (rc) {
    cleanup(&g);
    return rc == 2 ? 0 : 1;
  }
  rc = load_prompts(&g);
  if (!rc)
    rc = open_decoder(&g);
  if (!rc)
    rc = prefill(&g);
  if (!rc)
    rc = generate(&g);
  /* The files first: a failure to write them leaves stdout (nearly)
   * empty, not a complete-looking answer with exit status 1. */
  if (!rc)
    rc = write_logits(&g, g.o.prompt_logits_out, g.prompt_logits, g.longest);
  if (!rc && g.step_logits)
    rc = write_step_logits(&g);
  if (!rc)
    rc = print_outputs(&g);
  if (!rc && g.o.stats)
    print_stats(&g);
  cleanup(&g);
  return rc;
}
