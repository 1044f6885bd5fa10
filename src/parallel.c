#include "parallel.h"

static void *work(void *arg)
{
    struct parallel *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        int i = p->next < p->n ? p->next++ : -1;
        pthread_mutex_unlock(&p->lock);
        if (i < 0)
            return NULL;
        p->fn(p->ctx, i);
    }
}

void parallel_start(struct parallel *p, int n, int threads, void (*fn)(void *ctx, int i), void *ctx)
{
    *p = (struct parallel){.n = n, .fn = fn, .ctx = ctx};
    pthread_mutex_init(&p->lock, NULL);
    int extra = (threads < n ? threads : n) - 1;
    for (int i = 0; i < extra && i < PARALLEL_MAX_THREADS; i++)
        p->started += pthread_create(&p->tids[p->started], NULL, work, p) == 0;
}

void parallel_join(struct parallel *p)
{
    work(p); /* with no thread to be had, the caller does it all */
    for (int i = 0; i < p->started; i++)
        pthread_join(p->tids[i], NULL);
    pthread_mutex_destroy(&p->lock);
}

void parallel_for(int n, int threads, void (*fn)(void *ctx, int i), void *ctx)
{
    struct parallel p;
    parallel_start(&p, n, threads, fn, ctx);
    parallel_join(&p);
}
