/* bitnet/session.h - a model with state: the thread pool its parallel loops
 * run on, its state slots, and (for decoders) its caches. */
#ifndef BITNET_SESSION_H
#define BITNET_SESSION_H

#include "bitnet/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Thread pools ------------------------------------------------------ */

/* A persistent pool of worker threads: created once, reused by every run (no
 * thread is created per call). A pool runs one parallel loop at a time; the
 * calling thread takes part, so a pool of n threads starts n - 1 workers.
 * Idle workers spin briefly, then sleep. */
typedef struct bitnet_thread_pool bitnet_thread_pool; /* opaque */

/* The default thread count: BITNET_THREADS from the environment when it is
 * an integer >= 1, else bitnet_cpu_count(). */
int32_t bitnet_default_threads(void);
/* num_threads >= 1, or 0 for bitnet_default_threads(). Ownership: destroy
 * with bitnet_thread_pool_destroy. */
bitnet_status bitnet_thread_pool_create(int32_t num_threads,
                                        bitnet_thread_pool **out_pool);
/* Joins the workers; NULL is a no-op. No loop may be in flight. */
void bitnet_thread_pool_destroy(bitnet_thread_pool *pool);
int32_t bitnet_thread_pool_size(const bitnet_thread_pool *pool);
/* Runs fn(args, t) for t in [0, num_tasks) on the pool and waits. A NULL
 * pool runs them in order on the calling thread. Not reentrant: one loop at
 * a time per pool (a nested call from a task runs serially). */
void bitnet_thread_pool_run(bitnet_thread_pool *pool, int64_t num_tasks,
                            bitnet_task_fn fn, void *args);

/* ---- Sessions ---------------------------------------------------------- */

typedef struct bitnet_session bitnet_session; /* opaque */

typedef struct bitnet_session_options {
  /* Threads of the session's own pool: >= 1, or 0 for
   * bitnet_default_threads(). Ignored when `pool` is set. */
  int32_t num_threads;
  /* A pool to share with other sessions (the caller keeps ownership and
   * destroys it after them), or NULL for a pool of the session's own. */
  bitnet_thread_pool *pool;
} bitnet_session_options;

/* Defaults: num_threads 0, pool NULL. */
void bitnet_session_options_init(bitnet_session_options *options);

/* Validates the model, checks this CPU has what it was compiled for
 * (bitnet_model_check_cpu), and creates its pool and state. `options` may be
 * NULL (defaults). Ownership: destroy with bitnet_session_destroy; the model
 * must outlive the session. */
bitnet_status bitnet_session_create(const bitnet_model_info *model,
                                    const bitnet_session_options *options,
                                    bitnet_session **out_session);
/* Releases the model's state, the pool (if the session's own) and the
 * session. NULL is a no-op. No run may be in flight. */
void bitnet_session_destroy(bitnet_session *session);

const bitnet_model_info *bitnet_session_model(const bitnet_session *session);
/* Changes the session's own pool to `num_threads` (0: default) threads; the
 * outputs of a model never depend on it. BITNET_ERR_STATE for a shared
 * pool. */
bitnet_status bitnet_session_set_threads(bitnet_session *session,
                                         int32_t num_threads);
int32_t bitnet_session_threads(const bitnet_session *session);

/* bitnet_model_run on the session's pool and state: the same checks and
 * ownership rules. One run at a time per session. */
bitnet_status bitnet_session_run(bitnet_session *session,
                                 const bitnet_tensor *inputs,
                                 int32_t num_inputs, bitnet_tensor *outputs,
                                 int32_t num_outputs);

#ifdef __cplusplus
}
#endif

#endif /* BITNET_SESSION_H */
