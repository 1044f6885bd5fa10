#include "parallel.h"

#include <pthread.h>

struct pool {
    int n, next;
    void (*fn)(void *ctx, int i);
    void *ctx;
    pthread_mutex_t lock;
};

static void *work(void *arg)
{
    struct pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        int i = p->next < p->n ? p->next++ : -1;
        pthread_mutex_unlock(&p->lock);
        if (i < 0)
            return NULL;
        p->fn(p->ctx, i);
    }
}

void parallel_for(int n, int threads, void (*fn)(void *ctx, int i), void *ctx)
{
    struct pool p = {.n = n, .fn = fn, .ctx = ctx};
    pthread_mutex_init(&p.lock, NULL);
    enum { MAX_THREADS = 64 };
    pthread_t tids[MAX_THREADS];
    int extra = (threads < n ? threads : n) - 1, started = 0;
    for (int i = 0; i < extra && i < MAX_THREADS; i++)
        started += pthread_create(&tids[started], NULL, work, &p) == 0;
    work(&p); /* with no thread to be had, the caller does it all */
    for (int i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    pthread_mutex_destroy(&p.lock);
}
