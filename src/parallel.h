/* parallel: runs fn(ctx, i, worker) for every i in [0, n) on up to
 * `threads` threads, the caller's included, handing out indices in order.
 * worker says which thread runs it: 0 for the caller, and always less than
 * parallel_workers(n, threads), so that per-worker state can be an array. */
#ifndef HANDOUT_PARALLEL_H
#define HANDOUT_PARALLEL_H
#include <pthread.h>

typedef void parallel_fn(void *ctx, int i, int worker);

void parallel_for(int n, int threads, parallel_fn *fn, void *ctx);
int parallel_workers(int n, int threads);

/* The same in two steps, so that the caller can do other work while the
 * other threads start on the indices: parallel_start, then the caller's
 * own work, then parallel_join, where the caller takes indices too and
 * waits for the rest. */
enum { PARALLEL_MAX_THREADS = 64 };
struct parallel;
struct parallel_thread {
    struct parallel *p;
    int worker;
    pthread_t tid;
};
struct parallel {
    int n, next;
    parallel_fn *fn;
    void *ctx;
    pthread_mutex_t lock;
    struct parallel_thread threads[PARALLEL_MAX_THREADS];
    int started;
};
void parallel_start(struct parallel *p, int n, int threads, parallel_fn *fn, void *ctx);
void parallel_join(struct parallel *p);

#endif
