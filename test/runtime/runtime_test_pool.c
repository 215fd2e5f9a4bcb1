/* Thread pools and sessions: every task of a loop runs exactly once on 1..8
 * threads, a loop started inside a task runs serially on that task's
 * thread, many pools live side by side, and sessions hand their pool to
 * compiled code through the environment. */
#include "runtime_test.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_TASKS = 1000 };

typedef struct counts {
  atomic_int ran[MAX_TASKS];
} counts;

static void count_task(void *arg, int64_t t) {
  atomic_fetch_add(&((counts *)arg)->ran[t], 1);
}

/* Runs `num_tasks` counting tasks `rounds` times on `pool`; true when each
 * task ran exactly `rounds` times. */
static bool runs_each_once(bitnet_thread_pool *pool, int64_t num_tasks,
                           int rounds) {
  static counts c;
  for (int64_t t = 0; t < MAX_TASKS; ++t)
    atomic_store(&c.ran[t], 0);
  for (int r = 0; r < rounds; ++r)
    bitnet_thread_pool_run(pool, num_tasks, count_task, &c);
  for (int64_t t = 0; t < MAX_TASKS; ++t)
    if (atomic_load(&c.ran[t]) != (t < num_tasks ? rounds : 0))
      return false;
  return true;
}

static void test_every_task_once(void) {
  static const int64_t sizes[] = {0, 1, 2, 3, 7, 64, MAX_TASKS};
  for (int32_t threads = 1; threads <= 8; ++threads) {
    bitnet_thread_pool *pool;
    bitnet_status s = bitnet_thread_pool_create(threads, &pool);
    bool ok = s == BITNET_OK && bitnet_thread_pool_size(pool) == threads;
    for (size_t k = 0; ok && k < sizeof sizes / sizeof *sizes; ++k)
      ok = runs_each_once(pool, sizes[k], 20);
    check(ok, "pool of %d threads: every task of 0..1000-task loops runs"
          " exactly once, 20 loops each", (int)threads);
    bitnet_thread_pool_destroy(pool);
  }
  check(runs_each_once(NULL, 17, 3), "NULL pool: runs the tasks itself");
}

/* A task that starts loops on its own pool and on another: both must run
 * serially on the task's thread (no deadlock on the busy pool). */
typedef struct nested {
  bitnet_thread_pool *outer, *other;
  atomic_int inner_ran[4 * 5];
  atomic_int wrong_thread;
} nested;

typedef struct inner_args {
  nested *n;
  int64_t outer_task;
  pthread_t thread;
} inner_args;

static void inner_task(void *arg, int64_t t) {
  inner_args *a = arg;
  if (!pthread_equal(a->thread, pthread_self()))
    atomic_fetch_add(&a->n->wrong_thread, 1);
  atomic_fetch_add(&a->n->inner_ran[a->outer_task * 5 + t], 1);
}

static void outer_task(void *arg, int64_t t) {
  nested *n = arg;
  inner_args a = {n, t, pthread_self()};
  bitnet_thread_pool_run(n->outer, 5, inner_task, &a);
  bitnet_thread_pool_run(n->other, 5, inner_task, &a);
}

static void test_nested(void) {
  static nested n;
  memset(&n, 0, sizeof n);
  bitnet_status s1 = bitnet_thread_pool_create(3, &n.outer);
  bitnet_status s2 = bitnet_thread_pool_create(2, &n.other);
  bool ok = s1 == BITNET_OK && s2 == BITNET_OK;
  if (ok)
    bitnet_thread_pool_run(n.outer, 4, outer_task, &n);
  for (int i = 0; ok && i < 20; ++i)
    ok = atomic_load(&n.inner_ran[i]) == 2;
  check(ok && atomic_load(&n.wrong_thread) == 0,
        "nested loops (same pool and another) run serially on the task's"
        " thread, each task once per loop");
  bitnet_thread_pool_destroy(n.outer);
  bitnet_thread_pool_destroy(n.other);
}

static void test_many_pools(void) {
  enum { POOLS = 16 };
  bitnet_thread_pool *pools[POOLS];
  bool ok = true;
  for (int i = 0; i < POOLS; ++i)
    ok &= bitnet_thread_pool_create(2 + i % 3, &pools[i]) == BITNET_OK;
  for (int round = 0; ok && round < 3; ++round)
    for (int i = 0; ok && i < POOLS; ++i)
      ok = runs_each_once(pools[i], 100, 2);
  for (int i = POOLS - 1; i >= 0; --i)
    bitnet_thread_pool_destroy(pools[i]);
  check(ok, "16 pools of 2..4 threads alive at once, used in turn");
  bitnet_thread_pool *pool;
  check_status(bitnet_thread_pool_create(-1, &pool), BITNET_ERR_ARGUMENT,
               "-1 threads", "pool_create: -1 threads");
  check(pool == NULL, "  ... and no pool");
  bitnet_thread_pool_destroy(NULL);
}

static void test_default_threads(void) {
  const char *saved = getenv("BITNET_THREADS");
  char *copy = saved ? strdup(saved) : NULL;
  setenv("BITNET_THREADS", "3", 1);
  bool three = bitnet_default_threads() == 3;
  bitnet_thread_pool *pool = NULL;
  bool pool_three = bitnet_thread_pool_create(0, &pool) == BITNET_OK &&
                    bitnet_thread_pool_size(pool) == 3;
  bitnet_thread_pool_destroy(pool);
  setenv("BITNET_THREADS", "two", 1);
  bool fallback = bitnet_default_threads() == bitnet_cpu_count();
  if (copy)
    setenv("BITNET_THREADS", copy, 1);
  else
    unsetenv("BITNET_THREADS");
  free(copy);
  check(three && pool_three, "BITNET_THREADS=3: the default is 3 threads");
  check(fallback, "BITNET_THREADS=two: the CPU count");
}

/* A model whose invoke splits y = 2x over the pool of its environment and
 * records the thread count it was given. */
typedef struct memref1 {
  float *allocated, *aligned;
  int64_t offset, sizes[1], strides[1];
} memref1;

typedef struct double_args {
  const memref1 *x, *y;
} double_args;

static int32_t seen_threads;

static void double_task(void *arg, int64_t t) {
  const double_args *a = arg;
  a->y->aligned[t] = 2.0f * a->x->aligned[t];
}

static int32_t parallel_invoke(void **d, const bitnet_exec_env *env) {
  double_args a = {d[0], d[1]};
  seen_threads = env->num_threads;
  env->parallel_for(env->pool, a.x->sizes[0], double_task, &a);
  return 0;
}

static const int64_t s64[] = {64};
static const bitnet_tensor_info par_in[] = {{"x", BITNET_DTYPE_FLOAT, 1, s64,
                                             NULL}};
static const bitnet_tensor_info par_out[] = {{"y", BITNET_DTYPE_FLOAT, 1, s64,
                                              NULL}};
static const bitnet_model_info parallel_model = {
    BITNET_ABI_VERSION, "parallel", 1, par_in, 1, par_out, parallel_invoke, 0,
    NULL, 0, 0, NULL, 0, NULL};

static bool run_parallel(bitnet_session *s, int32_t want_threads) {
  bitnet_tensor x, y = {0};
  bitnet_tensor_alloc(&x, BITNET_DTYPE_FLOAT, 1, s64);
  for (int i = 0; i < 64; ++i)
    ((float *)x.data)[i] = (float)i;
  bool ok = bitnet_session_run(s, &x, 1, &y, 1) == BITNET_OK &&
            seen_threads == want_threads;
  for (int i = 0; ok && i < 64; ++i)
    ok = ((float *)y.data)[i] == 2.0f * (float)i;
  bitnet_tensor_free(&x);
  bitnet_tensor_free(&y);
  return ok;
}

static void test_sessions(void) {
  bitnet_session_options o;
  bitnet_session_options_init(&o);
  o.num_threads = 2;
  bitnet_session *s = NULL;
  bool ok = bitnet_session_create(&parallel_model, &o, &s) == BITNET_OK &&
            bitnet_session_threads(s) == 2 && run_parallel(s, 2);
  check(ok, "session of 2 threads: invoke gets them in its environment");
  ok = bitnet_session_set_threads(s, 4) == BITNET_OK &&
       bitnet_session_threads(s) == 4 && run_parallel(s, 4);
  check(ok, "session_set_threads(4): the next run gets 4");
  bitnet_session_destroy(s);

  bitnet_thread_pool *pool;
  bitnet_thread_pool_create(3, &pool);
  o.pool = pool;
  ok = bitnet_session_create(&parallel_model, &o, &s) == BITNET_OK &&
       bitnet_session_threads(s) == 3 && run_parallel(s, 3);
  check(ok, "session on a shared pool of 3");
  check_status(bitnet_session_set_threads(s, 2), BITNET_ERR_STATE,
               "shares a pool", "set_threads on a shared pool");
  bitnet_session_destroy(s);
  bitnet_thread_pool_destroy(pool);
  check_status(bitnet_session_create(&parallel_model, NULL, NULL),
               BITNET_ERR_ARGUMENT, "out_session is NULL",
               "session_create: NULL out_session");
}

void test_pool(void) {
  test_every_task_once();
  test_nested();
  test_many_pools();
  test_default_threads();
  test_sessions();
}
