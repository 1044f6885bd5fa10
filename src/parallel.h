/* parallel: runs fn(ctx, i) for every i in [0, n) on up to `threads`
 * threads, the caller's included, handing out indices in order. */
#ifndef HANDOUT_PARALLEL_H
#define HANDOUT_PARALLEL_H

void parallel_for(int n, int threads, void (*fn)(void *ctx, int i), void *ctx);

#endif
