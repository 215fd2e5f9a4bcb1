/* Checking a call against bitnet_model_info and invoking the compiled code
 * through MLIR memref descriptors (docs/abi.md). */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* Up to this many tensors the descriptors live on the stack (about 2.5 KB),
 * so the common call allocates nothing. */
enum { LOCAL_TENSORS = 16 };

static const char *model_name(const bitnet_model_info *m) {
  return m->name ? m->name : "?";
}

static bitnet_status validate_infos(const bitnet_model_info *m,
                                    const char *kind, int32_t count,
                                    const bitnet_tensor_info *infos) {
  if (count < 0 || (count > 0 && !infos))
    return bitnet_fail(BITNET_ERR_ABI, "model '%s': bad %s list (%d entries)",
                       model_name(m), kind, (int)count);
  for (int32_t i = 0; i < count; ++i) {
    const bitnet_tensor_info *ti = &infos[i];
    if (!ti->name)
      return bitnet_fail(BITNET_ERR_ABI, "model '%s': %s %d has no name",
                         model_name(m), kind, (int)i);
    if (bitnet_dtype_size(ti->dtype) == 0)
      return bitnet_fail(BITNET_ERR_ABI, "model '%s' %s '%s': unknown dtype %d",
                         model_name(m), kind, ti->name, (int)ti->dtype);
    if (ti->rank < 0 || ti->rank > BITNET_MAX_RANK || (ti->rank && !ti->shape))
      return bitnet_fail(BITNET_ERR_ABI,
                         "model '%s' %s '%s': rank %d unsupported (max %d)",
                         model_name(m), kind, ti->name, (int)ti->rank,
                         BITNET_MAX_RANK);
    for (int32_t d = 0; d < ti->rank; ++d)
      if (ti->shape[d] < -1)
        return bitnet_fail(BITNET_ERR_ABI,
                           "model '%s' %s '%s' dimension %d: invalid size %lld",
                           model_name(m), kind, ti->name, (int)d,
                           (long long)ti->shape[d]);
  }
  return BITNET_OK;
}

static bitnet_status validate_errors(const bitnet_model_info *m) {
  if (m->num_errors < 0 || (m->num_errors > 0 && !m->errors))
    return bitnet_fail(BITNET_ERR_ABI, "model '%s': bad error list (%d"
                       " entries)", model_name(m), (int)m->num_errors);
  for (int32_t i = 0; i < m->num_errors; ++i)
    if (!m->errors[i])
      return bitnet_fail(BITNET_ERR_ABI, "model '%s': error message %d is"
                         " NULL", model_name(m), (int)i);
  return BITNET_OK;
}

static bitnet_status validate_caches(const bitnet_model_info *m) {
  if (m->num_caches < 0 || (m->num_caches > 0 && !m->caches))
    return bitnet_fail(BITNET_ERR_ABI, "model '%s': bad cache list (%d"
                       " entries)", model_name(m), (int)m->num_caches);
  for (int32_t i = 0; i < m->num_caches; ++i) {
    const bitnet_cache_info *c = &m->caches[i];
    if (c->input < 0 || c->input >= m->num_inputs || c->output < 0 ||
        c->output >= m->num_outputs)
      return bitnet_fail(BITNET_ERR_ABI, "model '%s': cache %d names input"
                         " %d and output %d", model_name(m), (int)i,
                         (int)c->input, (int)c->output);
    const bitnet_tensor_info *in = &m->inputs[c->input];
    const bitnet_tensor_info *out = &m->outputs[c->output];
    if (in->dtype != out->dtype || in->rank != out->rank || c->axis < 0 ||
        c->axis >= in->rank)
      return bitnet_fail(BITNET_ERR_ABI, "model '%s': cache %d ('%s' ->"
                         " '%s') differs in dtype or rank, or axis %d is"
                         " outside it", model_name(m), (int)i, in->name,
                         out->name, (int)c->axis);
  }
  if (m->num_state_slots < 0)
    return bitnet_fail(BITNET_ERR_ABI, "model '%s': %d state slots",
                       model_name(m), (int)m->num_state_slots);
  return BITNET_OK;
}

bitnet_status bitnet_model_validate(const bitnet_model_info *m) {
  if (!m)
    return bitnet_fail(BITNET_ERR_ARGUMENT, "model info is NULL");
  if (m->abi_version != BITNET_ABI_VERSION)
    /* Other fields may have moved in another ABI: read none of them. */
    return bitnet_fail(BITNET_ERR_ABI,
                       "model has ABI version %u, runtime expects %u",
                       (unsigned)m->abi_version, BITNET_ABI_VERSION);
  if (!m->name || !m->invoke)
    return bitnet_fail(BITNET_ERR_ABI, "model '%s': %s is NULL", model_name(m),
                       m->name ? "invoke" : "name");
  bitnet_status s = validate_infos(m, "input", m->num_inputs, m->inputs);
  if (s == BITNET_OK)
    s = validate_infos(m, "output", m->num_outputs, m->outputs);
  if (s == BITNET_OK)
    s = validate_errors(m);
  if (s == BITNET_OK)
    s = validate_caches(m);
  return s;
}

bitnet_status bitnet_model_check_cpu(const bitnet_model_info *m) {
  bitnet_status s = bitnet_model_validate(m);
  if (s != BITNET_OK)
    return s;
  uint64_t missing = m->required_cpu_features & ~bitnet_cpu_features();
  if (!missing)
    return BITNET_OK;
  char names[256];
  bitnet_cpu_features_string(missing, names, sizeof names);
  return bitnet_fail(BITNET_ERR_UNSUPPORTED,
                     "model '%s' was compiled for a CPU with %s, which this"
                     " one lacks (compile it with --mcpu=generic, or for this"
                     " machine's CPU)", m->name, names);
}

static void serial_parallel_for(void *pool, int64_t num_tasks,
                                bitnet_task_fn fn, void *args) {
  (void)pool;
  for (int64_t t = 0; t < num_tasks; ++t)
    fn(args, t);
}

void bitnet_env_init(bitnet_exec_env *env) {
  memset(env, 0, sizeof *env);
  env->abi_version = BITNET_ABI_VERSION;
  env->num_threads = 1;
  env->cpu_features = bitnet_cpu_features();
  env->parallel_for = serial_parallel_for;
  env->world_size = 1;
}

/* One tensor against its declaration; `kind` is "input" or "output". */
static bitnet_status check_tensor(const char *kind, const bitnet_tensor_info *ti,
                                  const bitnet_tensor *t) {
  if (!t->data)
    return bitnet_fail(BITNET_ERR_ARGUMENT, "%s '%s': data is NULL", kind,
                       ti->name);
  if (t->dtype != ti->dtype)
    return bitnet_fail(BITNET_ERR_DTYPE, "%s '%s': expected dtype %s, got %s",
                       kind, ti->name, bitnet_dtype_name(ti->dtype),
                       bitnet_dtype_name(t->dtype));
  if (t->rank != ti->rank)
    return bitnet_fail(BITNET_ERR_SHAPE, "%s '%s': expected rank %d, got %d",
                       kind, ti->name, (int)ti->rank, (int)t->rank);
  for (int32_t d = 0; d < ti->rank; ++d) {
    int64_t want = ti->shape[d], got = t->shape[d];
    if (want >= 0 && got != want)
      return bitnet_fail(BITNET_ERR_SHAPE,
                         "%s '%s' dimension %d: expected %lld, got %lld", kind,
                         ti->name, (int)d, (long long)want, (long long)got);
    if (got < 0)
      return bitnet_fail(BITNET_ERR_SHAPE,
                         "%s '%s' dimension %d (dynamic): expected a size >= 0,"
                         " got %lld", kind, ti->name, (int)d, (long long)got);
  }
  if (bitnet_tensor_numel(t) < 0)
    return bitnet_fail(BITNET_ERR_SHAPE, "%s '%s': element count overflows",
                       kind, ti->name);
  return BITNET_OK;
}

int bitnet_info_is_dynamic(const bitnet_tensor_info *ti) {
  for (int32_t d = 0; d < ti->rank; ++d)
    if (ti->shape[d] < 0)
      return 1;
  return 0;
}

int bitnet_model_output_is_dynamic(const bitnet_model_info *m, int32_t index) {
  if (bitnet_model_validate(m) != BITNET_OK || index < 0 ||
      index >= m->num_outputs)
    return -1;
  return bitnet_info_is_dynamic(&m->outputs[index]);
}

static const char *dim_name(const bitnet_tensor_info *ti, int32_t d) {
  return ti->dim_names ? ti->dim_names[d] : NULL;
}

/* Input dimensions that share a dim_param name must agree: the first
 * occurrence of each name fixes its size. Quadratic in the number of
 * dimensions, which is small. */
static bitnet_status check_shared_dims(const bitnet_model_info *m,
                                       const bitnet_tensor *inputs) {
  for (int32_t i = 0; i < m->num_inputs; ++i)
    for (int32_t d = 0; d < m->inputs[i].rank; ++d) {
      const char *name = dim_name(&m->inputs[i], d);
      if (!name)
        continue;
      for (int32_t j = 0; j <= i; ++j)
        for (int32_t e = 0; e < m->inputs[j].rank && (j < i || e < d); ++e) {
          const char *other = dim_name(&m->inputs[j], e);
          if (!other || strcmp(name, other) != 0)
            continue;
          if (inputs[i].shape[d] != inputs[j].shape[e])
            return bitnet_fail(
                BITNET_ERR_SHAPE,
                "input '%s' dimension %d ('%s') is %lld, but input '%s'"
                " dimension %d, which has the same name, is %lld",
                m->inputs[i].name, (int)d, name, (long long)inputs[i].shape[d],
                m->inputs[j].name, (int)e, (long long)inputs[j].shape[e]);
          j = i + 1; /* compared with the first occurrence: done */
          break;
        }
    }
  return BITNET_OK;
}

bitnet_status bitnet_invoke_status(const bitnet_model_info *m, int32_t code) {
  if (code == 0)
    return BITNET_OK;
  if (code == BITNET_INVOKE_CALLBACK_FAILED)
    return BITNET_ERR_CHECK; /* the callback set the message */
  if (code > 0 && code <= m->num_errors)
    return bitnet_fail(BITNET_ERR_CHECK, "model '%s': %s", m->name,
                       m->errors[code - 1]);
  return bitnet_fail(BITNET_ERR_ABI,
                     "model '%s': invoke returned %d, outside 0..%d", m->name,
                     (int)code, (int)m->num_errors);
}

bitnet_status bitnet_check_inputs(const bitnet_model_info *m,
                                  const bitnet_tensor *inputs) {
  bitnet_status s;
  for (int32_t i = 0; i < m->num_inputs; ++i)
    if ((s = check_tensor("input", &m->inputs[i], &inputs[i])) != BITNET_OK)
      return s;
  return check_shared_dims(m, inputs);
}

bitnet_status bitnet_model_run(const bitnet_model_info *m,
                               const bitnet_tensor *inputs, int32_t num_inputs,
                               bitnet_tensor *outputs, int32_t num_outputs) {
  bitnet_status s = bitnet_model_check_cpu(m);
  if (s != BITNET_OK)
    return s;
  bitnet_exec_env env;
  bitnet_env_init(&env);
  void *local_state[8] = {0};
  void **state = local_state;
  if (m->num_state_slots > 8 &&
      !(state = calloc((size_t)m->num_state_slots, sizeof *state)))
    return bitnet_fail(BITNET_ERR_MEMORY, "model '%s': no memory for %d state"
                       " slots", m->name, (int)m->num_state_slots);
  env.state = m->num_state_slots > 0 ? state : NULL;
  s = bitnet_run_with_env(m, &env, inputs, num_inputs, outputs, num_outputs);
  if (m->release_state && env.state)
    m->release_state(&env);
  if (state != local_state)
    free(state);
  return s;
}

bitnet_status bitnet_run_with_env(const bitnet_model_info *m,
                                  const bitnet_exec_env *env,
                                  const bitnet_tensor *inputs,
                                  int32_t num_inputs, bitnet_tensor *outputs,
                                  int32_t num_outputs) {
  bitnet_status s = BITNET_OK;
  if (num_inputs != m->num_inputs || num_outputs != m->num_outputs)
    return bitnet_fail(BITNET_ERR_ARGUMENT,
                       "model '%s': expected %d inputs and %d outputs, got %d"
                       " and %d", m->name, (int)m->num_inputs,
                       (int)m->num_outputs, (int)num_inputs, (int)num_outputs);
  if ((num_inputs > 0 && !inputs) || (num_outputs > 0 && !outputs))
    return bitnet_fail(BITNET_ERR_ARGUMENT, "model '%s': %s array is NULL",
                       m->name, num_inputs > 0 && !inputs ? "input" : "output");
  if ((s = bitnet_check_inputs(m, inputs)) != BITNET_OK)
    return s;
  for (int32_t i = 0; i < num_outputs; ++i) {
    const bitnet_tensor_info *ti = &m->outputs[i];
    if (bitnet_info_is_dynamic(ti) && outputs[i].data)
      return bitnet_fail(BITNET_ERR_ARGUMENT,
                         "output '%s' has a dynamic shape: pass data = NULL,"
                         " the model allocates it (free it with"
                         " bitnet_tensor_free)", ti->name);
    if (outputs[i].data &&
        (s = check_tensor("output", ti, &outputs[i])) != BITNET_OK)
      return s;
  }

  size_t n = (size_t)num_inputs + (size_t)num_outputs;
  bitnet_descriptor local_desc[LOCAL_TENSORS];
  void *local_ptrs[LOCAL_TENSORS];
  char local_owned[LOCAL_TENSORS];
  bitnet_descriptor *desc = local_desc;
  void **ptrs = local_ptrs;
  char *owned = local_owned; /* per output: data allocated by this call */
  if (n > LOCAL_TENSORS) {
    desc = malloc(n * sizeof *desc);
    ptrs = malloc(n * sizeof *ptrs);
    owned = malloc(n);
    if (!desc || !ptrs || !owned) {
      free(desc);
      free(ptrs);
      free(owned);
      return bitnet_fail(BITNET_ERR_MEMORY,
                         "model '%s': no memory for %zu descriptors", m->name,
                         n);
    }
  }
  memset(owned, 0, n);
  /* Static outputs without a buffer get one now; dynamic ones get a zeroed
   * descriptor that the model fills. */
  for (int32_t i = 0; i < num_outputs && s == BITNET_OK; ++i) {
    if (outputs[i].data || bitnet_info_is_dynamic(&m->outputs[i]))
      continue;
    s = bitnet_model_output_alloc(m, i, &outputs[i]);
    owned[i] = s == BITNET_OK;
  }
  for (size_t i = 0; i < n && s == BITNET_OK; ++i) {
    ptrs[i] = &desc[i];
    if (i >= (size_t)num_inputs &&
        bitnet_info_is_dynamic(&m->outputs[i - (size_t)num_inputs])) {
      memset(&desc[i], 0, sizeof desc[i]);
      continue;
    }
    const bitnet_tensor *t = i < (size_t)num_inputs
                                 ? &inputs[i]
                                 : &outputs[i - (size_t)num_inputs];
    bitnet_descriptor_fill(&desc[i], t);
  }
  int invoked = s == BITNET_OK;
  int32_t code = invoked ? m->invoke(ptrs, env) : 0;
  if (code != 0)
    s = bitnet_invoke_status(m, code);
  /* Dynamic outputs: adopted while all goes well; once anything failed,
   * whatever the model handed over is freed (a failed check hands over
   * nothing: free(NULL)). */
  for (int32_t i = 0; i < num_outputs && invoked; ++i) {
    const bitnet_descriptor *d = &desc[(size_t)num_inputs + (size_t)i];
    if (!bitnet_info_is_dynamic(&m->outputs[i]))
      continue;
    if (s == BITNET_OK) {
      s = bitnet_adopt_output(&m->outputs[i], d, &outputs[i]);
      owned[i] = s == BITNET_OK;
    } else {
      free(d->allocated);
    }
  }
  if (s != BITNET_OK)
    for (int32_t i = 0; i < num_outputs; ++i)
      if (owned[i])
        bitnet_tensor_free(&outputs[i]);
  if (desc != local_desc) {
    free(desc);
    free(ptrs);
    free(owned);
  }
  return s;
}

bitnet_status bitnet_model_output_alloc(const bitnet_model_info *m,
                                        int32_t index,
                                        bitnet_tensor *out_tensor) {
  if (out_tensor)
    out_tensor->data = NULL;
  bitnet_status s = bitnet_model_validate(m);
  if (s != BITNET_OK)
    return s;
  if (!out_tensor)
    return bitnet_fail(BITNET_ERR_ARGUMENT, "output_alloc: tensor is NULL");
  if (index < 0 || index >= m->num_outputs)
    return bitnet_fail(BITNET_ERR_ARGUMENT,
                       "model '%s': output index %d outside 0..%d", m->name,
                       (int)index, (int)m->num_outputs - 1);
  const bitnet_tensor_info *ti = &m->outputs[index];
  for (int32_t d = 0; d < ti->rank; ++d)
    if (ti->shape[d] < 0)
      return bitnet_fail(BITNET_ERR_SHAPE,
                         "output '%s' dimension %d is dynamic: the model"
                         " allocates it (pass data = NULL to"
                         " bitnet_model_run)", ti->name, (int)d);
  return bitnet_tensor_alloc(out_tensor, ti->dtype, ti->rank, ti->shape);
}
