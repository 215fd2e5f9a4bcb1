/* The next-token sampler of bitnet-generate (docs/generate.md, "The
 * sampler"): greedy, or temperature, top-k and top-p with a seeded
 * xoshiro256** generator per sequence. Deterministic: the same logits, seed
 * and sequence index give the same token on every machine with IEEE double
 * arithmetic and a correctly rounded or identical libm exp. */
#ifndef BITNET_GENERATE_SAMPLER_H
#define BITNET_GENERATE_SAMPLER_H

#include <stdint.h>

typedef struct sampler_options {
  double temperature; /* 0: greedy (argmax, the lowest id on ties) */
  int64_t top_k;      /* 0: no limit */
  double top_p;       /* 1: no limit; else in (0, 1) */
  uint64_t seed;
} sampler_options;

typedef struct sampler {
  sampler_options options;
  int64_t vocab;
  uint64_t state[4]; /* xoshiro256** */
  int32_t *order;    /* candidate ids (vocab) */
  double *weights;   /* exp((z - max z)) per candidate (vocab) */
} sampler;

/* A sampler for sequence `stream` (its index in the batch) over `vocab`
 * logits. Returns 0 when out of memory. Free with sampler_free. */
int sampler_init(sampler *s, const sampler_options *options, int64_t vocab,
                 uint64_t stream);
void sampler_free(sampler *s);

/* The next token for these logits (vocab floats). */
int32_t sampler_next(sampler *s, const float *logits);

#endif
