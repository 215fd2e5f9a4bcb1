/* Where a decoder's tensors are in a compiled model: the interface of
 * bitnet/decoder.h found by name and checked (dtype, rank, which
 * dimensions are static), and the caches the model extends in place. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char interface_help[] =
    "a decoder takes input_ids, attention_mask, position_ids and"
    " past_key_values.{i}.key/.value and returns logits and"
    " present.{i}.key/.value (docs/runtime.md, \"Decoders\")";

static int32_t find_tensor(const bitnet_tensor_info *infos, int32_t count,
                           const char *name) {
  for (int32_t i = 0; i < count; ++i)
    if (strcmp(infos[i].name, name) == 0)
      return i;
  return -1;
}

/* Finds `name` among the inputs (is_input) or outputs and checks its dtype
 * and rank; *out_index is its index. */
static bitnet_status find_checked(const bitnet_model_info *m, int is_input,
                                  const char *name, int32_t dtype,
                                  int32_t rank, int32_t *out_index) {
  const char *kind = is_input ? "input" : "output";
  const bitnet_tensor_info *infos = is_input ? m->inputs : m->outputs;
  int32_t index = find_tensor(infos, is_input ? m->num_inputs : m->num_outputs,
                              name);
  if (index < 0)
    return bitnet_fail(BITNET_ERR_ARGUMENT, "model '%s' has no %s '%s': %s",
                       m->name, kind, name, interface_help);
  const bitnet_tensor_info *ti = &infos[index];
  if (ti->dtype != dtype || ti->rank != rank)
    return bitnet_fail(ti->dtype != dtype ? BITNET_ERR_DTYPE : BITNET_ERR_SHAPE,
                       "model '%s' %s '%s': a decoder needs %s of rank %d,"
                       " got %s of rank %d", m->name, kind, name,
                       bitnet_dtype_name(dtype), (int)rank,
                       bitnet_dtype_name(ti->dtype), (int)ti->rank);
  *out_index = index;
  return BITNET_OK;
}

/* Dimension `dim` of a cache tensor: static and equal to *value (or setting
 * it when *value < 0) for want_static, dynamic otherwise. */
static bitnet_status check_cache_dim(const bitnet_model_info *m,
                                     const char *kind,
                                     const bitnet_tensor_info *ti, int32_t dim,
                                     const char *what, int want_static,
                                     int64_t *value) {
  int64_t size = ti->shape[dim];
  if (!want_static) {
    if (size >= 0)
      return bitnet_fail(BITNET_ERR_SHAPE, "model '%s' %s '%s' dimension %d"
                         " (%s) is static (%lld): a decoder's cache grows"
                         " along it", m->name, kind, ti->name, (int)dim, what,
                         (long long)size);
    return BITNET_OK;
  }
  if (size < 0)
    return bitnet_fail(BITNET_ERR_SHAPE, "model '%s' %s '%s' dimension %d (%s)"
                       " is dynamic: a decoder needs it static", m->name, kind,
                       ti->name, (int)dim, what);
  if (*value >= 0 && size != *value)
    return bitnet_fail(BITNET_ERR_SHAPE, "model '%s' %s '%s' dimension %d (%s)"
                       " is %lld, but the first cache has %lld", m->name, kind,
                       ti->name, (int)dim, what, (long long)size,
                       (long long)*value);
  *value = size;
  return BITNET_OK;
}

static bitnet_status check_cache_tensor(bitnet_decoder_layout *d, int is_input,
                                        int32_t index) {
  const bitnet_model_info *m = d->model;
  const char *kind = is_input ? "input" : "output";
  const bitnet_tensor_info *ti = is_input ? &m->inputs[index]
                                          : &m->outputs[index];
  bitnet_status s =
      check_cache_dim(m, kind, ti, 1, "kv_heads", 1, &d->kv_heads);
  if (s == BITNET_OK)
    s = check_cache_dim(m, kind, ti, 2, is_input ? "past_seq" : "total_seq", 0,
                        NULL);
  if (s == BITNET_OK)
    s = check_cache_dim(m, kind, ti, 3, "head_dim", 1, &d->head_dim);
  return s;
}

/* The layers: past_key_values.{i}.key/.value and present.{i}.key/.value for
 * i = 0, 1, ... while the input exists. */
static bitnet_status find_layers(bitnet_decoder_layout *d) {
  const bitnet_model_info *m = d->model;
  static const char *const kinds[2] = {"key", "value"};
  char name[64];
  for (;; ++d->num_layers) {
    snprintf(name, sizeof name, "past_key_values.%d.key", (int)d->num_layers);
    if (find_tensor(m->inputs, m->num_inputs, name) < 0)
      break;
  }
  if (d->num_layers == 0)
    return bitnet_fail(BITNET_ERR_ARGUMENT, "model '%s' has no input"
                       " 'past_key_values.0.key': %s", m->name,
                       interface_help);
  d->num_pairs = 2 * d->num_layers;
  d->pairs = calloc((size_t)d->num_pairs, sizeof *d->pairs);
  if (!d->pairs)
    return bitnet_fail(BITNET_ERR_MEMORY, "decoder_create: out of memory");
  d->kv_heads = d->head_dim = -1;
  for (int32_t p = 0; p < d->num_pairs; ++p) {
    bitnet_cache_pair *c = &d->pairs[p];
    int layer = (int)(p / 2);
    const char *kind = kinds[p % 2];
    bitnet_status s;
    snprintf(name, sizeof name, "past_key_values.%d.%s", layer, kind);
    if ((s = find_checked(m, 1, name, BITNET_DTYPE_FLOAT, 4, &c->past)) ||
        (s = check_cache_tensor(d, 1, c->past)))
      return s;
    snprintf(name, sizeof name, "present.%d.%s", layer, kind);
    if ((s = find_checked(m, 0, name, BITNET_DTYPE_FLOAT, 4, &c->present)) ||
        (s = check_cache_tensor(d, 0, c->present)))
      return s;
  }
  return BITNET_OK;
}

/* Every input and output belongs to the interface: the decoder has nothing
 * to pass for another input or to do with another output. */
static bitnet_status check_nothing_else(const bitnet_decoder_layout *d) {
  const bitnet_model_info *m = d->model;
  for (int is_input = 1; is_input >= 0; --is_input) {
    int32_t count = is_input ? m->num_inputs : m->num_outputs;
    for (int32_t i = 0; i < count; ++i) {
      int known = is_input ? i == d->ids_input || i == d->mask_input ||
                                 i == d->positions_input
                           : i == d->logits_output;
      for (int32_t p = 0; p < d->num_pairs && !known; ++p)
        known = i == (is_input ? d->pairs[p].past : d->pairs[p].present);
      if (!known)
        return bitnet_fail(BITNET_ERR_ARGUMENT, "model '%s' %s '%s' is not"
                           " part of the decoder interface: %s", m->name,
                           is_input ? "input" : "output",
                           (is_input ? m->inputs : m->outputs)[i].name,
                           interface_help);
    }
  }
  return BITNET_OK;
}

/* Pairs the model extends in place: each listed cache must be one of the
 * decoder's pairs, along the sequence axis. */
static bitnet_status mark_caches(bitnet_decoder_layout *d) {
  const bitnet_model_info *m = d->model;
  for (int32_t k = 0; k < m->num_caches; ++k) {
    const bitnet_cache_info *c = &m->caches[k];
    bitnet_cache_pair *pair = NULL;
    for (int32_t p = 0; p < d->num_pairs && !pair; ++p)
      if (d->pairs[p].past == c->input)
        pair = &d->pairs[p];
    if (!pair || pair->present != c->output || c->axis != 2)
      return bitnet_fail(BITNET_ERR_ABI, "model '%s': cache %d ('%s' -> '%s',"
                         " axis %d) is not a decoder cache: past_key_values."
                         "{i}.X -> present.{i}.X along axis 2", m->name,
                         (int)k, m->inputs[c->input].name,
                         m->outputs[c->output].name, (int)c->axis);
    pair->in_place = 1;
  }
  return BITNET_OK;
}

bitnet_status bitnet_decoder_layout_find(const bitnet_model_info *m,
                                         bitnet_decoder_layout *d) {
  memset(d, 0, sizeof *d);
  d->model = m;
  int32_t i64 = BITNET_DTYPE_INT64;
  bitnet_status s;
  if ((s = find_checked(m, 1, "input_ids", i64, 2, &d->ids_input)) ||
      (s = find_checked(m, 1, "attention_mask", i64, 2, &d->mask_input)) ||
      (s = find_checked(m, 1, "position_ids", i64, 2, &d->positions_input)) ||
      (s = find_checked(m, 0, "logits", BITNET_DTYPE_FLOAT, 3,
                        &d->logits_output)))
    return s;
  const int64_t *logits = m->outputs[d->logits_output].shape;
  d->vocab = logits[2];
  if (d->vocab <= 0)
    return bitnet_fail(BITNET_ERR_SHAPE, "model '%s' output 'logits' dimension"
                       " 2 (vocab) is %s: a decoder needs it static", m->name,
                       d->vocab < 0 ? "dynamic" : "0");
  if (logits[1] >= 0)
    return bitnet_fail(BITNET_ERR_SHAPE, "model '%s' output 'logits' dimension"
                       " 1 (seq) is static (%lld): a decoder runs prompts and"
                       " single steps through one model", m->name,
                       (long long)logits[1]);
  if ((s = find_layers(d)) || (s = check_nothing_else(d)))
    return s;
  return mark_caches(d);
}

void bitnet_decoder_layout_free(bitnet_decoder_layout *d) {
  free(d->pairs);
  d->pairs = NULL;
}
