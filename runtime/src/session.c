/* Sessions: a model with its thread pool and state slots. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

struct bitnet_session {
  const bitnet_model_info *model;
  bitnet_thread_pool *pool;
  int owns_pool;
  bitnet_exec_env env;
  void **state; /* model->num_state_slots zeroed slots, or NULL */
};

static void pool_parallel_for(void *pool, int64_t num_tasks, bitnet_task_fn fn,
                              void *args) {
  bitnet_thread_pool_run(pool, num_tasks, fn, args);
}

void bitnet_session_options_init(bitnet_session_options *options) {
  if (options)
    memset(options, 0, sizeof *options);
}

static void use_pool(bitnet_session *s, bitnet_thread_pool *pool) {
  s->pool = pool;
  s->env.pool = pool;
  s->env.num_threads = bitnet_thread_pool_size(pool);
  s->env.parallel_for = pool_parallel_for;
}

bitnet_status bitnet_session_create(const bitnet_model_info *model,
                                    const bitnet_session_options *options,
                                    bitnet_session **out_session) {
  if (!out_session)
    return bitnet_fail(BITNET_ERR_ARGUMENT, "session_create: out_session is"
                                            " NULL");
  *out_session = NULL;
  bitnet_status st = bitnet_model_check_cpu(model);
  if (st != BITNET_OK)
    return st;
  bitnet_session_options defaults;
  bitnet_session_options_init(&defaults);
  if (!options)
    options = &defaults;
  bitnet_session *s = calloc(1, sizeof *s);
  if (!s)
    return bitnet_fail(BITNET_ERR_MEMORY, "session_create: out of memory");
  s->model = model;
  bitnet_env_init(&s->env);
  if (model->num_state_slots > 0) {
    s->state = calloc((size_t)model->num_state_slots, sizeof *s->state);
    if (!s->state) {
      free(s);
      return bitnet_fail(BITNET_ERR_MEMORY, "session_create: out of memory");
    }
    s->env.state = s->state;
  }
  bitnet_thread_pool *pool = options->pool;
  if (!pool) {
    st = bitnet_thread_pool_create(options->num_threads, &pool);
    if (st != BITNET_OK) {
      free(s->state);
      free(s);
      return st;
    }
    s->owns_pool = 1;
  }
  use_pool(s, pool);
  *out_session = s;
  return BITNET_OK;
}

void bitnet_session_destroy(bitnet_session *s) {
  if (!s)
    return;
  if (s->state && s->model->release_state)
    s->model->release_state(&s->env);
  if (s->owns_pool)
    bitnet_thread_pool_destroy(s->pool);
  free(s->state);
  free(s);
}

const bitnet_model_info *bitnet_session_model(const bitnet_session *s) {
  return s ? s->model : NULL;
}

bitnet_status bitnet_session_set_threads(bitnet_session *s,
                                         int32_t num_threads) {
  if (!s)
    return bitnet_fail(BITNET_ERR_ARGUMENT, "session_set_threads: session is"
                                            " NULL");
  if (!s->owns_pool)
    return bitnet_fail(BITNET_ERR_STATE, "session_set_threads: the session"
                       " shares a pool it does not own");
  bitnet_thread_pool *pool;
  bitnet_status st = bitnet_thread_pool_create(num_threads, &pool);
  if (st != BITNET_OK)
    return st;
  bitnet_thread_pool_destroy(s->pool);
  use_pool(s, pool);
  return BITNET_OK;
}

const bitnet_exec_env *bitnet_session_env(const bitnet_session *s) {
  return &s->env;
}

int32_t bitnet_session_threads(const bitnet_session *s) {
  return s ? bitnet_thread_pool_size(s->pool) : 0;
}

bitnet_status bitnet_session_run(bitnet_session *s,
                                 const bitnet_tensor *inputs,
                                 int32_t num_inputs, bitnet_tensor *outputs,
                                 int32_t num_outputs) {
  if (!s)
    return bitnet_fail(BITNET_ERR_ARGUMENT, "session_run: session is NULL");
  return bitnet_run_with_env(s->model, &s->env, inputs, num_inputs, outputs,
                             num_outputs);
}
