/* heap: the process's heap on transparent huge pages. */
#ifndef HANDOUT_HEAP_H
#define HANDOUT_HEAP_H
#include <stdbool.h>

/* Call before any thread starts. Sets glibc's malloc to take every block,
 * large ones included, from a heap grown HEAP_RESERVE at a time and never
 * given back, and asks the kernel (madvise MADV_HUGEPAGE) for 2 MB pages
 * across that reserve. With threads_share, other threads take theirs from
 * it too, waiting on its one lock: worth it while memory only grows (a
 * booklet), not when each thread reuses its own (a batch of leaflets: 16 %
 * slower that way on two cores). Returns whether the reserve was marked;
 * on false (malloc is not glibc's, or the kernel refuses) malloc works on
 * as before, on 4 KB pages. */
bool heap_use_huge_pages(bool threads_share);

enum { HEAP_RESERVE = 64 << 20 };

#endif
