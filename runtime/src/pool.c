/* The persistent thread pool that compiled parallel loops run on.
 *
 * One loop at a time: the caller publishes (fn, args, num_tasks) under a new
 * generation number, workers and the caller claim task indices from an
 * atomic counter, and the caller returns once every task has finished.
 * Tasks are independent by contract (bitnet_task_fn), so which thread runs
 * which task never changes a result. Every worker takes part in every
 * loop (if only to find no task left) and reports that it left it, so the
 * next loop never meets a straggler of the last. Idle workers spin for a short while
 * (a decoder calls a loop every few hundred microseconds, and a wake-up
 * through the kernel costs tens of them), then sleep on a condition
 * variable. */
#include "internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#define cpu_relax() __builtin_ia32_pause()
#elif defined(__aarch64__)
#define cpu_relax() __asm__ volatile("yield")
#else
#define cpu_relax() ((void)0)
#endif

/* How long an idle worker spins before it sleeps. */
enum { SPIN_NANOSECONDS = 500 * 1000 };

struct bitnet_thread_pool {
  int32_t size; /* threads including the caller */
  pthread_t *workers;
  pthread_mutex_t lock;
  pthread_cond_t wake;
  /* The loop being run; written by the caller before `generation` moves. */
  bitnet_task_fn fn;
  void *args;
  int64_t num_tasks;
  atomic_llong next_task;
  atomic_llong tasks_done;
  atomic_int workers_done; /* workers that left the current loop */
  atomic_uint generation;
  atomic_int sleeping; /* workers waiting on `wake` */
  atomic_bool stop;
};

/* Set while a thread runs tasks of some pool: a loop started from inside a
 * task runs serially instead of deadlocking on the busy pool. */
static _Thread_local int in_loop;

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void run_tasks(bitnet_thread_pool *p) {
  in_loop = 1;
  int64_t n = p->num_tasks;
  for (;;) {
    int64_t t = atomic_fetch_add_explicit(&p->next_task, 1,
                                          memory_order_relaxed);
    if (t >= n)
      break;
    p->fn(p->args, t);
    atomic_fetch_add_explicit(&p->tasks_done, 1, memory_order_release);
  }
  in_loop = 0;
}

/* Waits until `generation` differs from `seen` or the pool stops. */
static unsigned wait_for_work(bitnet_thread_pool *p, unsigned seen) {
  int64_t deadline = now_ns() + SPIN_NANOSECONDS;
  for (unsigned spins = 0;; ++spins) {
    unsigned g = atomic_load_explicit(&p->generation, memory_order_acquire);
    if (g != seen || atomic_load(&p->stop))
      return g;
    cpu_relax();
    if ((spins & 255) == 255 && now_ns() > deadline)
      break;
  }
  pthread_mutex_lock(&p->lock);
  atomic_fetch_add(&p->sleeping, 1);
  unsigned g;
  while ((g = atomic_load(&p->generation)) == seen && !atomic_load(&p->stop))
    pthread_cond_wait(&p->wake, &p->lock);
  atomic_fetch_sub(&p->sleeping, 1);
  pthread_mutex_unlock(&p->lock);
  return g;
}

static void *worker_main(void *arg) {
  bitnet_thread_pool *p = arg;
  unsigned seen = 0;
  for (;;) {
    seen = wait_for_work(p, seen);
    if (atomic_load(&p->stop))
      return NULL;
    run_tasks(p);
    atomic_fetch_add_explicit(&p->workers_done, 1, memory_order_release);
  }
}

int32_t bitnet_default_threads(void) {
  const char *env = getenv("BITNET_THREADS");
  if (env && *env) {
    char *end;
    long n = strtol(env, &end, 10);
    if (!*end && n >= 1 && n <= 4096)
      return (int32_t)n;
  }
  return bitnet_cpu_count();
}

bitnet_status bitnet_thread_pool_create(int32_t num_threads,
                                        bitnet_thread_pool **out_pool) {
  if (!out_pool)
    return bitnet_fail(BITNET_ERR_ARGUMENT, "thread_pool_create: out_pool is"
                                            " NULL");
  *out_pool = NULL;
  if (num_threads < 0 || num_threads > 4096)
    return bitnet_fail(BITNET_ERR_ARGUMENT,
                       "thread_pool_create: %d threads (expected 0 for the"
                       " default, or 1..4096)", (int)num_threads);
  if (num_threads == 0)
    num_threads = bitnet_default_threads();
  bitnet_thread_pool *p = calloc(1, sizeof *p);
  if (!p)
    return bitnet_fail(BITNET_ERR_MEMORY, "thread_pool_create: out of memory");
  p->size = num_threads;
  pthread_mutex_init(&p->lock, NULL);
  pthread_cond_init(&p->wake, NULL);
  atomic_init(&p->next_task, 0);
  atomic_init(&p->tasks_done, 0);
  atomic_init(&p->workers_done, 0);
  atomic_init(&p->generation, 0);
  atomic_init(&p->sleeping, 0);
  atomic_init(&p->stop, false);
  if (num_threads > 1) {
    p->workers = calloc((size_t)num_threads - 1, sizeof *p->workers);
    if (!p->workers) {
      bitnet_thread_pool_destroy(p);
      return bitnet_fail(BITNET_ERR_MEMORY,
                         "thread_pool_create: out of memory");
    }
    for (int32_t i = 0; i < num_threads - 1; ++i) {
      if (pthread_create(&p->workers[i], NULL, worker_main, p) != 0) {
        p->size = i + 1; /* destroy joins the ones that started */
        bitnet_thread_pool_destroy(p);
        return bitnet_fail(BITNET_ERR_MEMORY,
                           "thread_pool_create: cannot start thread %d of %d",
                           (int)i + 2, (int)num_threads);
      }
    }
  }
  *out_pool = p;
  return BITNET_OK;
}

void bitnet_thread_pool_destroy(bitnet_thread_pool *p) {
  if (!p)
    return;
  pthread_mutex_lock(&p->lock);
  atomic_store(&p->stop, true);
  pthread_cond_broadcast(&p->wake);
  pthread_mutex_unlock(&p->lock);
  for (int32_t i = 0; p->workers && i < p->size - 1; ++i)
    pthread_join(p->workers[i], NULL);
  free(p->workers);
  pthread_cond_destroy(&p->wake);
  pthread_mutex_destroy(&p->lock);
  free(p);
}

int32_t bitnet_thread_pool_size(const bitnet_thread_pool *p) {
  return p ? p->size : 1;
}

void bitnet_thread_pool_run(bitnet_thread_pool *p, int64_t num_tasks,
                            bitnet_task_fn fn, void *args) {
  if (num_tasks <= 0 || !fn)
    return;
  if (!p || p->size == 1 || num_tasks == 1 || in_loop) {
    for (int64_t t = 0; t < num_tasks; ++t)
      fn(args, t);
    return;
  }
  p->fn = fn;
  p->args = args;
  p->num_tasks = num_tasks;
  atomic_store_explicit(&p->next_task, 0, memory_order_relaxed);
  atomic_store_explicit(&p->tasks_done, 0, memory_order_relaxed);
  atomic_store_explicit(&p->workers_done, 0, memory_order_relaxed);
  atomic_fetch_add_explicit(&p->generation, 1, memory_order_release);
  if (atomic_load(&p->sleeping) > 0) {
    pthread_mutex_lock(&p->lock);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
  }
  run_tasks(p);
  while (atomic_load_explicit(&p->tasks_done, memory_order_acquire) <
             num_tasks ||
         atomic_load_explicit(&p->workers_done, memory_order_acquire) <
             p->size - 1)
    cpu_relax();
}
