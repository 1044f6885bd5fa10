/* Why: each fresh 4 KB page a process touches costs a page fault, and on
 * the VMs this was measured on a fault costs about 10 us (a 2 MB huge page
 * about 150 us). The 50-topic booklet touched about 1,100 fresh pages (11
 * ms of CPU time) and a leaflet 190 of its 266; with the heap on huge
 * pages they take 94 and 81 faults in all. The reserve is address space,
 * not memory: only the 2 MB pages written to are ever allocated. */
#define _DEFAULT_SOURCE /* sbrk, madvise */
#include "heap.h"

#include <stdint.h>
#include <stdlib.h>

#ifdef __GLIBC__
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

enum { HUGE_PAGE = 2 << 20, PAGE = 4096 };

/* Never freed, so that malloc does not hand them out again: the old top of
 * the heap and the block that grew it, neither written but for headers. */
static void *held[2];

static uintptr_t round_down(uintptr_t v, uintptr_t to)
{
    return v & ~(to - 1);
}

bool heap_use_huge_pages(bool threads_share)
{
    if ((threads_share && !mallopt(M_ARENA_MAX, 1)) ||
        !mallopt(M_MMAP_THRESHOLD, HEAP_RESERVE) ||   /* large blocks come from it too */
        !mallopt(M_TRIM_THRESHOLD, 2 * HEAP_RESERVE) || /* freed memory stays for reuse */
        !mallopt(M_TOP_PAD, HEAP_RESERVE))            /* it grows a reserve at a time */
        return false;
    /* What is left at the top of the heap would serve the first blocks,
     * on 4 KB pages: it is taken, whole but for a header's room, and kept. */
    size_t top = mallinfo2().keepcost;
    if (top > 64)
        held[0] = malloc(top - 64);
    /* A block larger than the top then makes malloc grow the heap (2 KB
     * and more: not one a free list could hold). Growing writes two chunk
     * headers: at the old break and just after the block, where the new top
     * starts. A huge page only goes where no 4 KB page was touched before
     * the madvise, so the break is first moved to just below a 2 MB
     * boundary, far enough for both headers to fall below it. */
    size_t n = mallinfo2().keepcost + 1;
    if (n < 2048)
        n = 2048;
    uintptr_t below = round_down(n + 2 * PAGE, PAGE);
    uintptr_t brk0 = (uintptr_t)sbrk(0);
    uintptr_t boundary = round_down(brk0 + below + HUGE_PAGE - 1, HUGE_PAGE);
    if (sbrk((intptr_t)(boundary - below - brk0)) == (void *)-1)
        return false;
    held[1] = malloc(n);
    uintptr_t end = round_down((uintptr_t)sbrk(0), HUGE_PAGE);
    return held[1] && end > boundary && madvise((void *)boundary, end - boundary, MADV_HUGEPAGE) == 0;
}
#else
bool heap_use_huge_pages(bool threads_share)
{
    (void)threads_share;
    return false;
}
#endif
