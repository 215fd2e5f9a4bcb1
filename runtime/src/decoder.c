/* Decoders: prefill and step a compiled decoder over a KV cache that the
 * runtime allocates once (bitnet/decoder.h, docs/runtime.md "Decoders").
 *
 * Each (past input, present output) pair has one buffer of max_batch x
 * kv_heads x max_seq x head_dim floats. How it reaches the model depends on
 * whether the model lists the pair in bitnet_model_info.caches
 * (docs/abi.md "Caches"):
 *  - in place: the buffer keeps the capacity layout [batch, kv, C, d]; the
 *    past input is a view of its first past_seq slots and the present
 *    output a pre-filled descriptor of the whole capacity with the same
 *    strides; the model writes the new slots and sets the size;
 *  - copied: the buffer holds the cache packed as [batch, kv, past_seq, d],
 *    which is exactly the contiguous past input, and the present output the
 *    model allocates is copied back into it (and freed). Nothing is
 *    allocated per call by the decoder in either case. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

enum { DEFAULT_MAX_SEQ = 512 };

struct bitnet_decoder {
  const bitnet_model_info *model;
  bitnet_decoder_layout layout; /* where the interface's tensors are */
  bitnet_session *session;
  int owns_session;
  int32_t max_batch, max_seq;
  size_t cache_bytes;
  /* Scratch of every call, allocated at creation. */
  int64_t *ids, *mask, *positions; /* max_batch * max_seq each */
  bitnet_tensor *inputs;           /* model->num_inputs */
  bitnet_descriptor *desc;         /* num_inputs + num_outputs */
  void **ptrs;
  /* The sequences. */
  int32_t batch;
  int64_t length;  /* cache slots in use per row */
  int64_t *pad;    /* left padding per row (max_batch) */
  bitnet_tensor logits; /* of the last call; data NULL when none */
};

void bitnet_decoder_options_init(bitnet_decoder_options *options) {
  if (!options)
    return;
  memset(options, 0, sizeof *options);
  options->max_batch = 1;
  options->max_seq = DEFAULT_MAX_SEQ;
}

/* ---- Creation ---------------------------------------------------------- */

static bitnet_status allocate(bitnet_decoder *d) {
  const bitnet_model_info *m = d->model;
  bitnet_decoder_layout *L = &d->layout;
  int64_t slots, floats, tokens = (int64_t)d->max_batch * d->max_seq;
  if (!bitnet_mul_i64(tokens, L->kv_heads, &slots) ||
      !bitnet_mul_i64(slots, L->head_dim, &floats) ||
      floats > (int64_t)(SIZE_MAX / sizeof(float) / (size_t)L->num_pairs))
    return bitnet_fail(BITNET_ERR_MEMORY, "decoder_create: a cache of %d x %d"
                       " tokens overflows", (int)d->max_batch,
                       (int)d->max_seq);
  size_t bytes = (size_t)floats * sizeof(float);
  d->cache_bytes = bytes * (size_t)L->num_pairs;
  for (int32_t p = 0; p < L->num_pairs; ++p)
    if (!(L->pairs[p].buffer = bitnet_aligned_alloc(BITNET_ALIGNMENT, bytes)))
      return bitnet_fail(BITNET_ERR_MEMORY, "decoder_create: no memory for"
                         " the cache (%zu bytes for %d x %d tokens)",
                         d->cache_bytes, (int)d->max_batch, (int)d->max_seq);
  size_t n = (size_t)m->num_inputs + (size_t)m->num_outputs;
  d->ids = malloc((size_t)tokens * sizeof *d->ids);
  d->mask = malloc((size_t)tokens * sizeof *d->mask);
  d->positions = malloc((size_t)tokens * sizeof *d->positions);
  d->pad = calloc((size_t)d->max_batch, sizeof *d->pad);
  d->inputs = calloc((size_t)m->num_inputs, sizeof *d->inputs);
  d->desc = calloc(n, sizeof *d->desc);
  d->ptrs = calloc(n, sizeof *d->ptrs);
  if (!d->ids || !d->mask || !d->positions || !d->pad || !d->inputs ||
      !d->desc || !d->ptrs)
    return bitnet_fail(BITNET_ERR_MEMORY, "decoder_create: out of memory");
  for (size_t i = 0; i < n; ++i)
    d->ptrs[i] = &d->desc[i];
  return BITNET_OK;
}

static bitnet_status use_session(bitnet_decoder *d,
                                 const bitnet_decoder_options *o) {
  if (o->session) {
    if (bitnet_session_model(o->session) != d->model)
      return bitnet_fail(BITNET_ERR_ARGUMENT, "decoder_create: the session"
                         " runs model '%s', not '%s'",
                         bitnet_session_model(o->session)->name,
                         d->model->name);
    d->session = o->session;
    return BITNET_OK;
  }
  bitnet_session_options so;
  bitnet_session_options_init(&so);
  so.num_threads = o->num_threads;
  bitnet_status s = bitnet_session_create(d->model, &so, &d->session);
  d->owns_session = s == BITNET_OK;
  return s;
}

bitnet_status bitnet_decoder_create(const bitnet_model_info *model,
                                    const bitnet_decoder_options *options,
                                    bitnet_decoder **out_decoder) {
  if (!out_decoder)
    return bitnet_fail(BITNET_ERR_ARGUMENT, "decoder_create: out_decoder is"
                                            " NULL");
  *out_decoder = NULL;
  bitnet_status s = bitnet_model_check_cpu(model);
  if (s != BITNET_OK)
    return s;
  bitnet_decoder_options defaults;
  bitnet_decoder_options_init(&defaults);
  const bitnet_decoder_options *o = options ? options : &defaults;
  if (o->max_batch < 1 || o->max_seq < 1)
    return bitnet_fail(BITNET_ERR_ARGUMENT, "decoder_create: max_batch (%d)"
                       " and max_seq (%d) must be >= 1", (int)o->max_batch,
                       (int)o->max_seq);
  bitnet_decoder *d = calloc(1, sizeof *d);
  if (!d)
    return bitnet_fail(BITNET_ERR_MEMORY, "decoder_create: out of memory");
  d->model = model;
  d->max_batch = o->max_batch;
  d->max_seq = o->max_seq;
  if ((s = bitnet_decoder_layout_find(model, &d->layout)) ||
      (s = allocate(d)) ||
      (s = use_session(d, o))) {
    bitnet_decoder_destroy(d);
    return s;
  }
  *out_decoder = d;
  return BITNET_OK;
}

void bitnet_decoder_destroy(bitnet_decoder *d) {
  if (!d)
    return;
  bitnet_tensor_free(&d->logits);
  for (int32_t p = 0; d->layout.pairs && p < d->layout.num_pairs; ++p)
    bitnet_aligned_free(d->layout.pairs[p].buffer);
  if (d->owns_session)
    bitnet_session_destroy(d->session);
  bitnet_decoder_layout_free(&d->layout);
  free(d->ids);
  free(d->mask);
  free(d->positions);
  free(d->pad);
  free(d->inputs);
  free(d->desc);
  free(d->ptrs);
  free(d);
}

void bitnet_decoder_reset(bitnet_decoder *d) {
  if (!d)
    return;
  bitnet_tensor_free(&d->logits);
  d->batch = 0;
  d->length = 0;
}

/* ---- Running ----------------------------------------------------------- */

static void set_tensor(bitnet_tensor *t, int32_t dtype, int32_t rank,
                       const int64_t *shape, void *data) {
  t->dtype = dtype;
  t->rank = rank;
  for (int32_t i = 0; i < rank; ++i)
    t->shape[i] = shape[i];
  t->data = data;
}

/* A descriptor of `buffer` in the capacity layout [batch, kv, C, d] with
 * `slots` along axis 2 (past_seq for the past input, C for the present). */
static void fill_capacity_view(const bitnet_decoder *d, bitnet_descriptor *desc,
                               float *buffer, int32_t batch, int64_t slots) {
  int64_t *sizes = desc->sizes_strides, *strides = sizes + 4;
  int64_t capacity = d->max_seq;
  desc->allocated = desc->aligned = buffer;
  desc->offset = 0;
  sizes[0] = batch;
  sizes[1] = d->layout.kv_heads;
  sizes[2] = slots;
  sizes[3] = d->layout.head_dim;
  strides[3] = 1;
  strides[2] = d->layout.head_dim;
  strides[1] = capacity * d->layout.head_dim;
  strides[0] = d->layout.kv_heads * capacity * d->layout.head_dim;
}

/* After an in-place run: the model kept the buffer and strides and set the
 * sequence size to `total`. A buffer the model substituted is freed. */
static bitnet_status check_in_place(const bitnet_decoder *d,
                                    const bitnet_cache_pair *c, int32_t batch,
                                    int64_t total) {
  const bitnet_descriptor *got = &d->desc[d->model->num_inputs + c->present];
  bitnet_descriptor want;
  fill_capacity_view(d, &want, c->buffer, batch, total);
  int same = got->allocated == want.allocated &&
             got->aligned == want.aligned && got->offset == want.offset;
  for (int32_t i = 0; i < 8 && same; ++i) /* 4 sizes, 4 strides */
    same = got->sizes_strides[i] == want.sizes_strides[i];
  if (same)
    return BITNET_OK;
  if (got->allocated != c->buffer)
    free(got->allocated);
  return bitnet_fail(BITNET_ERR_ABI, "model '%s' output '%s': an in-place"
                     " cache must keep its buffer and strides and set"
                     " dimension 2 to %lld, got [%lld, %lld, %lld, %lld]"
                     " (docs/abi.md, \"Caches\")", d->model->name,
                     d->model->outputs[c->present].name, (long long)total,
                     (long long)got->sizes_strides[0],
                     (long long)got->sizes_strides[1],
                     (long long)got->sizes_strides[2],
                     (long long)got->sizes_strides[3]);
}

/* After a copied run: the model's present [batch, kv, total, d] becomes the
 * packed cache; its buffer is freed. */
static bitnet_status copy_back(const bitnet_decoder *d,
                               const bitnet_cache_pair *c,
                               int32_t batch, int64_t total) {
  const bitnet_descriptor *got = &d->desc[d->model->num_inputs + c->present];
  const int64_t *sizes = got->sizes_strides, *strides = sizes + 4;
  int64_t want[4] = {batch, d->layout.kv_heads, total, d->layout.head_dim};
  bitnet_status s = BITNET_OK;
  if (memcmp(sizes, want, sizeof want) != 0 || !got->aligned)
    s = bitnet_fail(BITNET_ERR_ABI, "model '%s' output '%s': the model"
                    " returned [%lld, %lld, %lld, %lld], expected [%lld, %lld,"
                    " %lld, %lld]", d->model->name,
                    d->model->outputs[c->present].name, (long long)sizes[0],
                    (long long)sizes[1], (long long)sizes[2],
                    (long long)sizes[3], (long long)want[0],
                    (long long)want[1], (long long)want[2], (long long)want[3]);
  else
    bitnet_copy_strided((char *)c->buffer,
                        (const char *)got->aligned +
                            got->offset * (int64_t)sizeof(float),
                        sizes, strides, 4, sizeof(float));
  free(got->allocated);
  return s;
}

/* Hands over what the model returned: the logits, and each cache pair
 * checked (in place) or copied back. On failure (ok == 0 or a bad output)
 * every buffer the model allocated is freed. */
static bitnet_status collect(bitnet_decoder *d, bitnet_status s, int32_t batch,
                             int64_t total) {
  const bitnet_model_info *m = d->model;
  const bitnet_descriptor *logits =
      &d->desc[m->num_inputs + d->layout.logits_output];
  if (s == BITNET_OK)
    s = bitnet_adopt_output(&m->outputs[d->layout.logits_output], logits,
                            &d->logits);
  else
    free(logits->allocated);
  for (int32_t p = 0; p < d->layout.num_pairs; ++p) {
    const bitnet_cache_pair *c = &d->layout.pairs[p];
    const bitnet_descriptor *got = &d->desc[m->num_inputs + c->present];
    if (s != BITNET_OK) {
      if (got->allocated != c->buffer)
        free(got->allocated);
      continue;
    }
    s = c->in_place ? check_in_place(d, c, batch, total)
                    : copy_back(d, c, batch, total);
  }
  return s;
}

/* One invoke on [batch, seq] tokens after `past` cached slots; d->ids and
 * d->positions hold [batch, seq], d->pad the padding per row. */
static bitnet_status run(bitnet_decoder *d, int32_t batch, int64_t seq,
                         int64_t past) {
  const bitnet_model_info *m = d->model;
  const bitnet_decoder_layout *L = &d->layout;
  int64_t total = past + seq;
  int64_t tokens_shape[2] = {batch, seq}, mask_shape[2] = {batch, total};
  for (int32_t b = 0; b < batch; ++b)
    for (int64_t j = 0; j < total; ++j)
      d->mask[b * total + j] = j >= d->pad[b];
  set_tensor(&d->inputs[L->ids_input], BITNET_DTYPE_INT64, 2, tokens_shape,
             d->ids);
  set_tensor(&d->inputs[L->positions_input], BITNET_DTYPE_INT64, 2,
             tokens_shape, d->positions);
  set_tensor(&d->inputs[L->mask_input], BITNET_DTYPE_INT64, 2, mask_shape,
             d->mask);
  int64_t past_shape[4] = {batch, L->kv_heads, past, L->head_dim};
  for (int32_t p = 0; p < L->num_pairs; ++p)
    set_tensor(&d->inputs[L->pairs[p].past], BITNET_DTYPE_FLOAT, 4,
               past_shape, L->pairs[p].buffer);
  bitnet_tensor_free(&d->logits);
  bitnet_status s = bitnet_check_inputs(m, d->inputs);
  if (s != BITNET_OK) {
    bitnet_decoder_reset(d);
    return s;
  }
  for (int32_t i = 0; i < m->num_inputs; ++i)
    bitnet_descriptor_fill(&d->desc[i], &d->inputs[i]);
  /* The logits are a dynamic output (seq differs between prefill and
   * steps): the model allocates them. */
  memset(&d->desc[m->num_inputs + L->logits_output], 0, sizeof *d->desc);
  for (int32_t p = 0; p < L->num_pairs; ++p) {
    const bitnet_cache_pair *c = &L->pairs[p];
    bitnet_descriptor *present = &d->desc[m->num_inputs + c->present];
    if (c->in_place) {
      fill_capacity_view(d, &d->desc[c->past], c->buffer, batch, past);
      fill_capacity_view(d, present, c->buffer, batch, d->max_seq);
    } else {
      memset(present, 0, sizeof *present);
    }
  }
  const bitnet_exec_env *env = bitnet_session_env(d->session);
  s = bitnet_invoke_status(m, m->invoke(d->ptrs, env));
  s = collect(d, s, batch, total);
  if (s != BITNET_OK)
    bitnet_decoder_reset(d);
  return s;
}

/* The index of the first token outside [0, vocab), or -1. */
static int64_t bad_token(const bitnet_decoder *d, const int32_t *tokens,
                         int64_t count) {
  for (int64_t i = 0; i < count; ++i)
    if (tokens[i] < 0 || tokens[i] >= d->layout.vocab)
      return i;
  return -1;
}

bitnet_status bitnet_decoder_prefill(bitnet_decoder *d, int32_t batch,
                                     const int32_t *const *prompts,
                                     const int32_t *lengths) {
  if (!d || !prompts || !lengths)
    return bitnet_fail(BITNET_ERR_ARGUMENT, "decoder_prefill: NULL argument");
  if (batch < 1 || batch > d->max_batch)
    return bitnet_fail(BITNET_ERR_ARGUMENT, "decoder_prefill: batch %d outside"
                       " 1..%d (the decoder's max_batch)", (int)batch,
                       (int)d->max_batch);
  int64_t longest = 0;
  for (int32_t b = 0; b < batch; ++b) {
    if (!prompts[b] || lengths[b] < 1)
      return bitnet_fail(BITNET_ERR_ARGUMENT, "decoder_prefill: prompt %d is"
                         " %s", (int)b, prompts[b] ? "empty" : "NULL");
    int64_t bad = bad_token(d, prompts[b], lengths[b]);
    if (bad >= 0)
      return bitnet_fail(BITNET_ERR_ARGUMENT, "decoder_prefill: token %lld of"
                         " prompt %d is %d, outside the vocabulary [0, %lld)",
                         (long long)bad, (int)b, (int)prompts[b][bad],
                         (long long)d->layout.vocab);
    if (lengths[b] > longest)
      longest = lengths[b];
  }
  if (longest > d->max_seq)
    return bitnet_fail(BITNET_ERR_STATE, "decoder_prefill: a prompt of %lld"
                       " tokens exceeds the cache (max_seq %d)",
                       (long long)longest, (int)d->max_seq);
  bitnet_decoder_reset(d);
  for (int32_t b = 0; b < batch; ++b) {
    d->pad[b] = longest - lengths[b];
    for (int64_t j = 0; j < longest; ++j) {
      int64_t k = j - d->pad[b];
      /* Padding: token 0 at position 1, as transformers derives positions
       * from the mask; masked out, so its values never matter. */
      d->ids[b * longest + j] = k >= 0 ? prompts[b][k] : 0;
      d->positions[b * longest + j] = k >= 0 ? k : 1;
    }
  }
  bitnet_status s = run(d, batch, longest, 0);
  if (s == BITNET_OK) {
    d->batch = batch;
    d->length = longest;
  }
  return s;
}

bitnet_status bitnet_decoder_step(bitnet_decoder *d, const int32_t *tokens) {
  if (!d || !tokens)
    return bitnet_fail(BITNET_ERR_ARGUMENT, "decoder_step: NULL argument");
  if (d->batch == 0)
    return bitnet_fail(BITNET_ERR_STATE, "decoder_step: no sequences (call"
                       " bitnet_decoder_prefill first)");
  if (d->length >= d->max_seq)
    return bitnet_fail(BITNET_ERR_STATE, "decoder_step: the cache is full:"
                       " %lld tokens per sequence already (max_seq %d)",
                       (long long)d->length, (int)d->max_seq);
  int64_t bad = bad_token(d, tokens, d->batch);
  if (bad >= 0)
    return bitnet_fail(BITNET_ERR_ARGUMENT, "decoder_step: the token of"
                       " sequence %lld is %d, outside the vocabulary [0,"
                       " %lld)", (long long)bad, (int)tokens[bad],
                       (long long)d->layout.vocab);
  int32_t batch = d->batch;
  int64_t past = d->length;
  for (int32_t b = 0; b < batch; ++b) {
    d->ids[b] = tokens[b];
    d->positions[b] = past - d->pad[b];
  }
  bitnet_status s = run(d, batch, 1, past);
  if (s == BITNET_OK) {
    d->batch = batch;
    d->length = past + 1;
  }
  return s;
}

/* ---- Queries ----------------------------------------------------------- */

bitnet_status bitnet_decoder_logits(const bitnet_decoder *d,
                                    bitnet_tensor *out_view) {
  if (!out_view)
    return bitnet_fail(BITNET_ERR_ARGUMENT, "decoder_logits: out_view is"
                                            " NULL");
  memset(out_view, 0, sizeof *out_view);
  if (!d || !d->logits.data)
    return bitnet_fail(BITNET_ERR_STATE, "decoder_logits: no logits (call"
                       " bitnet_decoder_prefill first)");
  *out_view = d->logits;
  return BITNET_OK;
}

const float *bitnet_decoder_next_logits(const bitnet_decoder *d,
                                        int32_t sequence) {
  if (!d || !d->logits.data || sequence < 0 || sequence >= d->batch)
    return NULL;
  int64_t seq = d->logits.shape[1];
  return (const float *)d->logits.data +
         ((int64_t)sequence * seq + seq - 1) * d->layout.vocab;
}

int32_t bitnet_decoder_batch(const bitnet_decoder *d) {
  return d ? d->batch : 0;
}

int64_t bitnet_decoder_position(const bitnet_decoder *d, int32_t sequence) {
  if (!d || sequence < 0 || sequence >= d->batch)
    return -1;
  return d->length - d->pad[sequence];
}

int64_t bitnet_decoder_length(const bitnet_decoder *d) {
  return d ? d->length : 0;
}

int32_t bitnet_decoder_max_seq(const bitnet_decoder *d) {
  return d ? d->max_seq : 0;
}

int32_t bitnet_decoder_max_batch(const bitnet_decoder *d) {
  return d ? d->max_batch : 0;
}

int64_t bitnet_decoder_vocab_size(const bitnet_decoder *d) {
  return d ? d->layout.vocab : 0;
}

int32_t bitnet_decoder_num_layers(const bitnet_decoder *d) {
  return d ? d->layout.num_layers : 0;
}

size_t bitnet_decoder_cache_bytes(const bitnet_decoder *d) {
  return d ? d->cache_bytes : 0;
}

int bitnet_decoder_in_place(const bitnet_decoder *d) {
  int all = d && d->layout.num_pairs > 0;
  for (int32_t p = 0; all && p < d->layout.num_pairs; ++p)
    all = d->layout.pairs[p].in_place;
  return all;
}

bitnet_session *bitnet_decoder_session(const bitnet_decoder *d) {
  return d ? d->session : NULL;
}
