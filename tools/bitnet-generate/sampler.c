/* The sampler (sampler.h). The algorithm, step by step, is the one
 * docs/generate.md states and test/e2e/generate/Inputs/sampler_ref.py
 * re-implements; keep the three in step. */
#include "sampler.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Stream b of seed s starts splitmix64 at s + b * STREAM_STRIDE. */
#define STREAM_STRIDE 0x632be59bd9b4e019ull

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t xoshiro_next(uint64_t s[4]) {
  uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

/* A double in [0, 1) from the top 53 bits. */
static double uniform(uint64_t s[4]) {
  return (double)(xoshiro_next(s) >> 11) * 0x1.0p-53;
}

int sampler_init(sampler *s, const sampler_options *options, int64_t vocab,
                 uint64_t stream) {
  memset(s, 0, sizeof *s);
  s->options = *options;
  s->vocab = vocab;
  uint64_t x = options->seed + stream * STREAM_STRIDE;
  for (int i = 0; i < 4; ++i)
    s->state[i] = splitmix64(&x);
  if (options->temperature <= 0)
    return 1; /* greedy needs no scratch */
  s->order = malloc((size_t)vocab * sizeof *s->order);
  s->weights = malloc((size_t)vocab * sizeof *s->weights);
  return s->order && s->weights;
}

void sampler_free(sampler *s) {
  free(s->order);
  free(s->weights);
  s->order = NULL;
  s->weights = NULL;
}

/* Candidate a ranks before b: the larger logit, the lower id on ties. */
static int before(const float *logits, int32_t a, int32_t b) {
  return logits[a] > logits[b] || (logits[a] == logits[b] && a < b);
}

/* A heap whose root is the candidate ranked last. */
static void sift_down(int32_t *heap, int64_t n, int64_t i,
                      const float *logits) {
  for (;;) {
    int64_t worst = i, l = 2 * i + 1, r = l + 1;
    if (l < n && before(logits, heap[worst], heap[l]))
      worst = l;
    if (r < n && before(logits, heap[worst], heap[r]))
      worst = r;
    if (worst == i)
      return;
    int32_t t = heap[i];
    heap[i] = heap[worst];
    heap[worst] = t;
    i = worst;
  }
}

/* The k best candidates into order[0..k), best first. */
static void select_best(int32_t *order, int64_t vocab, int64_t k,
                        const float *logits) {
  for (int64_t i = 0; i < k; ++i)
    order[i] = (int32_t)i;
  for (int64_t i = k / 2 - 1; i >= 0; --i)
    sift_down(order, k, i, logits);
  for (int64_t id = k; id < vocab; ++id)
    if (before(logits, (int32_t)id, order[0])) {
      order[0] = (int32_t)id;
      sift_down(order, k, 0, logits);
    }
  /* Heap sort: the last-ranked goes to the end each time. */
  for (int64_t n = k - 1; n > 0; --n) {
    int32_t t = order[0];
    order[0] = order[n];
    order[n] = t;
    sift_down(order, n, 0, logits);
  }
}

static int32_t argmax(const float *logits, int64_t vocab) {
  int64_t best = 0;
  for (int64_t i = 1; i < vocab; ++i)
    if (logits[i] > logits[best])
      best = i;
  return (int32_t)best;
}

int32_t sampler_next(sampler *s, const float *logits) {
  const sampler_options *o = &s->options;
  if (o->temperature <= 0)
    return argmax(logits, s->vocab);
  /* 1. Candidates: every id in id order, or with top-k or top-p the k best
   *    (all of them for top-p alone), best first. */
  int64_t n = s->vocab;
  int sorted = (o->top_k > 0 && o->top_k < n) || o->top_p < 1;
  if (o->top_k > 0 && o->top_k < n)
    n = o->top_k;
  if (sorted)
    select_best(s->order, s->vocab, n, logits);
  else
    for (int64_t i = 0; i < n; ++i)
      s->order[i] = (int32_t)i;
  /* 2. Weights exp(z - max z), z = logit / temperature, in double; their
   *    sum in candidate order. */
  double max_z = -INFINITY, total = 0;
  for (int64_t i = 0; i < n; ++i) {
    double z = (double)logits[s->order[i]] / o->temperature;
    if (z > max_z)
      max_z = z;
  }
  for (int64_t i = 0; i < n; ++i) {
    s->weights[i] = exp((double)logits[s->order[i]] / o->temperature - max_z);
    total += s->weights[i];
  }
  /* 3. Top-p: the shortest prefix whose probabilities (weight / total)
   *    add up to at least top_p. */
  if (o->top_p < 1) {
    double mass = 0, kept = 0;
    int64_t i = 0;
    while (i < n) {
      mass += s->weights[i] / total;
      kept += s->weights[i];
      ++i;
      if (mass >= o->top_p)
        break;
    }
    n = i;
    total = kept;
  }
  /* 4. One uniform draw u in [0, 1): the first candidate whose running
   *    weight exceeds u * total (the last one if rounding leaves none). */
  double target = uniform(s->state) * total, running = 0;
  for (int64_t i = 0; i < n; ++i) {
    running += s->weights[i];
    if (running > target)
      return s->order[i];
  }
  return s->order[n - 1];
}
