/* A hand-written decoder with the interface of bitnet-export-hf's graphs
 * (runtime/include/bitnet/decoder.h), for testing the runtime's decoder
 * without the compiler. Two layers, 2 KV heads of head_dim 3, vocabulary
 * 11; the inputs are deliberately not in the exported order.
 *
 * What it computes makes every cache error visible: the entry it writes for
 * a token t at position p, layer l, head h, element e is
 *   key   = t + 1000 l + 100 h + 10 e,   value = p + 1000 l + 100 h + 10 e,
 * and the logits of a query are -|v - next| with
 *   next = (sum over the slots it sees of t * (p + 1)) mod 11,
 * read back from the cache (slot j is seen when j <= past + i and the
 * attention mask is 1). Before that it checks every slot of every layer
 * against the formula: a cache entry the model did not write (a wrong copy,
 * stride or offset) fails check 2.
 *
 * Caches: fake_decoder_in_place lists its four (past, present) pairs
 * (docs/abi.md, "Caches"). Given a pre-filled present descriptor it checks
 * that past and present view one buffer with the capacity strides
 * [kv*C*d, C*d, d, 1] (check 1 otherwise), writes the new slots in place and
 * sets the size; given a zeroed one (bitnet_model_run) it allocates the
 * present like any dynamic output. fake_decoder_copying lists none.
 * Rows are computed as parallel tasks on the environment's pool. */
#include "fake_decoder.h"

#include <stdlib.h>
#include <string.h>

enum { LAYERS = 2, KV = 2, HEAD_DIM = 3, VOCAB = 11, PAIRS = 2 * LAYERS };
/* Input order: pasts of layer 1, position_ids, input_ids, pasts of layer 0,
 * attention_mask. Outputs: logits, then present.{0,1}.{key,value}. */
enum { IN_POSITIONS = 2, IN_IDS = 3, IN_MASK = 6, NUM_INPUTS = 7 };
static const int32_t past_input[PAIRS] = {4, 5, 0, 1}; /* 0.key .. 1.value */

typedef struct memref2 {
  int64_t *allocated, *aligned;
  int64_t offset, sizes[2], strides[2];
} memref2;
typedef struct memref3 {
  float *allocated, *aligned;
  int64_t offset, sizes[3], strides[3];
} memref3;
typedef struct memref4 {
  float *allocated, *aligned;
  int64_t offset, sizes[4], strides[4];
} memref4;

fake_decoder_record fake_decoder_last;

static float *at(const memref4 *m, int64_t b, int64_t h, int64_t j,
                 int64_t e) {
  return m->aligned + m->offset + b * m->strides[0] + h * m->strides[1] +
         j * m->strides[2] + e * m->strides[3];
}

static int64_t at2(const memref2 *m, int64_t b, int64_t j) {
  return m->aligned[m->offset + b * m->strides[0] + j * m->strides[1]];
}

static float entry(int pair, int64_t h, int64_t e, int64_t token,
                   int64_t position) {
  int64_t base = 1000 * (pair / 2) + 100 * h + 10 * e;
  return (float)(base + (pair % 2 ? position : token));
}

typedef struct call {
  void **d;
  memref4 *present[PAIRS];
  int64_t past, seq;
  int status[64]; /* per row; the tests use small batches */
} call;

/* Row b: append the new slots, check the whole cache, write the logits. */
static void run_row(void *arg, int64_t b) {
  call *c = arg;
  const memref2 *ids = c->d[IN_IDS], *pos = c->d[IN_POSITIONS];
  const memref2 *mask = c->d[IN_MASK];
  const memref3 *logits = c->d[NUM_INPUTS];
  int64_t total = c->past + c->seq;
  for (int p = 0; p < PAIRS; ++p)
    for (int64_t i = 0; i < c->seq; ++i)
      for (int64_t h = 0; h < KV; ++h)
        for (int64_t e = 0; e < HEAD_DIM; ++e)
          *at(c->present[p], b, h, c->past + i, e) =
              entry(p, h, e, at2(ids, b, i), at2(pos, b, i));
  for (int64_t j = 0; j < total; ++j) {
    int64_t token = (int64_t)*at(c->present[0], b, 0, j, 0);
    int64_t position = (int64_t)*at(c->present[1], b, 0, j, 0);
    for (int p = 0; p < PAIRS; ++p)
      for (int64_t h = 0; h < KV; ++h)
        for (int64_t e = 0; e < HEAD_DIM; ++e)
          if (*at(c->present[p], b, h, j, e) !=
              entry(p, h, e, token, position))
            c->status[b] = 2;
  }
  for (int64_t i = 0; i < c->seq; ++i) {
    int64_t sum = 0;
    for (int64_t j = 0; j <= c->past + i; ++j)
      if (at2(mask, b, j))
        sum += (int64_t)*at(c->present[0], b, 0, j, 0) *
               ((int64_t)*at(c->present[1], b, 0, j, 0) + 1);
    int64_t next = sum % VOCAB;
    for (int64_t v = 0; v < VOCAB; ++v)
      logits->aligned[(b * c->seq + i) * VOCAB + v] =
          -(float)(v > next ? v - next : next - v);
  }
}

/* A zeroed present descriptor: allocate it contiguous and copy the past. */
static int allocate_present(memref4 *present, const memref4 *past,
                            int64_t total) {
  int64_t batch = past->sizes[0];
  float *data = malloc((size_t)(batch * KV * total * HEAD_DIM + 1) *
                       sizeof *data);
  if (!data)
    return 0;
  *present = (memref4){data, data, 0, {batch, KV, total, HEAD_DIM},
                       {KV * total * HEAD_DIM, total * HEAD_DIM, HEAD_DIM, 1}};
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t h = 0; h < KV; ++h)
      for (int64_t j = 0; j < past->sizes[2]; ++j)
        for (int64_t e = 0; e < HEAD_DIM; ++e)
          *at(present, b, h, j, e) = *at(past, b, h, j, e);
  return 1;
}

/* A pre-filled present: one buffer with the past, capacity strides. */
static int in_place_ok(const memref4 *present, const memref4 *past,
                       int64_t total) {
  int64_t capacity = present->sizes[2];
  const int64_t want[4] = {KV * capacity * HEAD_DIM, capacity * HEAD_DIM,
                           HEAD_DIM, 1};
  return present->aligned == past->aligned &&
         present->offset == past->offset && capacity >= total &&
         present->sizes[0] == past->sizes[0] &&
         memcmp(present->strides, want, sizeof want) == 0 &&
         memcmp(past->strides, want, sizeof want) == 0;
}

static int32_t fake_invoke(void **d, const bitnet_exec_env *env) {
  if (!env || env->abi_version != BITNET_ABI_VERSION)
    return 3;
  const memref2 *ids = d[IN_IDS];
  call c = {.d = d, .seq = ids->sizes[1]};
  int64_t batch = ids->sizes[0];
  const memref4 *past0 = d[past_input[0]];
  c.past = past0->sizes[2];
  int64_t total = c.past + c.seq;
  if (batch > 64)
    return 3;
  int in_place = ((memref4 *)d[NUM_INPUTS + 1])->allocated != NULL;
  for (int p = 0; p < PAIRS; ++p) {
    memref4 *present = d[NUM_INPUTS + 1 + p];
    const memref4 *past = d[past_input[p]];
    c.present[p] = present;
    if (in_place && !in_place_ok(present, past, total))
      return 1;
    if (!in_place && !allocate_present(present, past, total))
      return 3;
  }
  memref3 *logits = d[NUM_INPUTS];
  float *out = malloc((size_t)(batch * c.seq * VOCAB + 1) * sizeof *out);
  if (!out)
    return 3;
  *logits = (memref3){out, out, 0, {batch, c.seq, VOCAB},
                      {c.seq * VOCAB, VOCAB, 1}};
  env->parallel_for(env->pool, batch, run_row, &c);
  int32_t status = 0;
  for (int64_t b = 0; b < batch; ++b)
    if (c.status[b])
      status = c.status[b];
  for (int p = 0; p < PAIRS; ++p)
    c.present[p]->sizes[2] = total;
  fake_decoder_last = (fake_decoder_record){
      in_place, env->num_threads, c.present[0]->allocated, c.past, c.seq};
  if (status) { /* a failed check hands nothing over */
    free(out);
    *logits = (memref3){0};
    for (int p = 0; p < PAIRS && !in_place; ++p) {
      free(c.present[p]->allocated);
      *c.present[p] = (memref4){0};
    }
  }
  return status;
}

static const int64_t ids_shape[] = {-1, -1}, cache_shape[] = {-1, KV, -1,
                                                              HEAD_DIM};
static const int64_t logits_shape[] = {-1, -1, VOCAB};
static const char *const ids_dims[] = {"batch", "seq"};
static const char *const mask_dims[] = {"batch", "total_seq"};
static const char *const past_dims[] = {"batch", NULL, "past_seq", NULL};
static const char *const present_dims[] = {"batch", NULL, "total_seq", NULL};
#define PAST(name) {name, BITNET_DTYPE_FLOAT, 4, cache_shape, past_dims}
#define PRESENT(name) {name, BITNET_DTYPE_FLOAT, 4, cache_shape, present_dims}
static const bitnet_tensor_info inputs[NUM_INPUTS] = {
    PAST("past_key_values.1.key"),
    PAST("past_key_values.1.value"),
    {"position_ids", BITNET_DTYPE_INT64, 2, ids_shape, ids_dims},
    {"input_ids", BITNET_DTYPE_INT64, 2, ids_shape, ids_dims},
    PAST("past_key_values.0.key"),
    PAST("past_key_values.0.value"),
    {"attention_mask", BITNET_DTYPE_INT64, 2, ids_shape, mask_dims},
};
static const bitnet_tensor_info outputs[1 + PAIRS] = {
    {"logits", BITNET_DTYPE_FLOAT, 3, logits_shape, NULL},
    PRESENT("present.0.key"),
    PRESENT("present.0.value"),
    PRESENT("present.1.key"),
    PRESENT("present.1.value"),
};
static const char *const errors[] = {
    ("in-place cache: past and present must view one buffer with the"
     " capacity strides"),
    "a cache slot holds a value the model did not write",
    "bad call (environment, batch or memory)",
};
static const bitnet_cache_info caches[PAIRS] = {
    {4, 1, 2}, {5, 2, 2}, {0, 3, 2}, {1, 4, 2}};

const bitnet_model_info fake_decoder_in_place = {
    BITNET_ABI_VERSION, "fake_decoder", NUM_INPUTS, inputs, 1 + PAIRS, outputs,
    fake_invoke, 3, errors, 0, PAIRS, caches, 0, NULL};
const bitnet_model_info fake_decoder_copying = {
    BITNET_ABI_VERSION, "fake_decoder_copying", NUM_INPUTS, inputs, 1 + PAIRS,
    outputs, fake_invoke, 3, errors, 0, 0, NULL, 0, NULL};

#ifdef FAKE_DECODER_LIBRARY
/* The library build exports one of the two, as a compiled .so does. */
__attribute__((visibility("default"))) const bitnet_model_info *
bitnet_model_query(void) {
  return FAKE_DECODER_LIBRARY ? &fake_decoder_in_place : &fake_decoder_copying;
}
#endif
