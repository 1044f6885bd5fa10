#include "parallel.h"

static void *work(void *arg)
{
    const struct parallel_thread *t = arg;
    struct parallel *p = t->p;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        int i = p->next < p->n ? p->next++ : -1;
        pthread_mutex_unlock(&p->lock);
        if (i < 0)
            return NULL;
        p->fn(p->ctx, i, t->worker);
    }
}

int parallel_workers(int n, int threads)
{
    int w = threads < n ? threads : n;
    return w < 1 ? 1 : w > PARALLEL_MAX_THREADS + 1 ? PARALLEL_MAX_THREADS + 1 : w;
}

void parallel_start(struct parallel *p, int n, int threads, parallel_fn *fn, void *ctx)
{
    *p = (struct parallel){.n = n, .fn = fn, .ctx = ctx};
    pthread_mutex_init(&p->lock, NULL);
    int extra = parallel_workers(n, threads) - 1;
    for (int i = 0; i < extra; i++) {
        struct parallel_thread *t = &p->threads[p->started];
        *t = (struct parallel_thread){.p = p, .worker = p->started + 1};
        p->started += pthread_create(&t->tid, NULL, work, t) == 0;
    }
}

void parallel_join(struct parallel *p)
{
    struct parallel_thread caller = {.p = p, .worker = 0};
    work(&caller); /* with no thread to be had, the caller does it all */
    for (int i = 0; i < p->started; i++)
        pthread_join(p->threads[i].tid, NULL);
    pthread_mutex_destroy(&p->lock);
}

void parallel_for(int n, int threads, parallel_fn *fn, void *ctx)
{
    struct parallel p;
    parallel_start(&p, n, threads, fn, ctx);
    parallel_join(&p);
}
