/* The fake decoders of fake_decoder.c, for the runtime tests. */
#ifndef BITNET_FAKE_DECODER_H
#define BITNET_FAKE_DECODER_H

#include "bitnet/runtime.h"

/* Lists its caches and extends them in place when given pre-filled present
 * descriptors; allocates them when given zeroed ones. */
extern const bitnet_model_info fake_decoder_in_place;
/* The same model without caches: the runtime copies. */
extern const bitnet_model_info fake_decoder_copying;

/* What the last successful or failed invoke saw. */
typedef struct fake_decoder_record {
  int in_place;          /* present descriptors came pre-filled */
  int32_t num_threads;   /* env->num_threads */
  const void *present0;  /* present.0.key's buffer */
  int64_t past, seq;
} fake_decoder_record;
extern fake_decoder_record fake_decoder_last;

/* The fake's vocabulary and its rule: next = sum of t * (p + 1) mod 11 over
 * the tokens t at positions p seen so far. */
enum { FAKE_DECODER_VOCAB = 11 };

#endif
