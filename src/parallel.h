/* parallel: runs fn(ctx, i) for every i in [0, n) on up to `threads`
 * threads, the caller's included, handing out indices in order. */
#ifndef HANDOUT_PARALLEL_H
#define HANDOUT_PARALLEL_H
#include <pthread.h>

void parallel_for(int n, int threads, void (*fn)(void *ctx, int i), void *ctx);

/* The same in two steps, so that the caller can do other work while the
 * other threads start on the indices: parallel_start, then the caller's
 * own work, then parallel_join, where the caller takes indices too and
 * waits for the rest. */
enum { PARALLEL_MAX_THREADS = 64 };
struct parallel {
    int n, next;
    void (*fn)(void *ctx, int i);
    void *ctx;
    pthread_mutex_t lock;
    pthread_t tids[PARALLEL_MAX_THREADS];
    int started;
};
void parallel_start(struct parallel *p, int n, int threads, void (*fn)(void *ctx, int i), void *ctx);
void parallel_join(struct parallel *p);

#endif
