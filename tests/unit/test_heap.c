/* heap: after heap_use_huge_pages, large blocks, from any thread, come
 * from one heap the kernel was asked to back with huge pages
 * ("hg" in the mapping's VmFlags). Under a sanitizer, whose malloc is not
 * glibc's, it must say so and leave malloc working. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heap.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define OWN_MALLOC 1
#else
#define OWN_MALLOC 0
#endif

/* The VmFlags of the mapping that holds p, from /proc/self/smaps; "" when
 * no mapping does. */
static void flags_of(const void *p, char *flags, size_t size)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    assert_non_null(f);
    char line[512];
    bool inside = false;
    flags[0] = '\0';
    uintptr_t a = (uintptr_t)p;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
            inside = a >= lo && a < hi;
        else if (inside && strncmp(line, "VmFlags:", 8) == 0) {
            snprintf(flags, size, "%s", line + 8);
            break;
        }
    }
    fclose(f);
}

static bool on_huge_heap(const void *p)
{
    char flags[512];
    flags_of(p, flags, sizeof flags);
    return strstr(flags, " hg") != NULL;
}

static void *thread_block(void *arg)
{
    (void)arg;
    return malloc(1 << 20);
}

/* Blocks above glibc's usual 128 KB mmap threshold, from the main thread
 * and from another, lie on the marked heap. A block's last byte is looked
 * at: the first blocks may start in the few KB below the first 2 MB
 * boundary, on 4 KB pages. */
static void test_heap(void **state)
{
    (void)state;
    bool marked = heap_use_huge_pages(true);
    assert_int_equal(marked, !OWN_MALLOC);

    enum { MB = 1 << 20 };
    char *one = malloc(MB), *eight = malloc(8 * MB);
    assert_non_null(one);
    assert_non_null(eight);
    memset(one, 0xA5, MB);
    memset(eight, 0xA5, 8 * MB);
    assert_int_equal(on_huge_heap(one + MB - 1), marked);
    assert_int_equal(on_huge_heap(eight + 8 * MB - 1), marked);

    pthread_t t;
    char *from_thread = NULL;
    assert_int_equal(pthread_create(&t, NULL, thread_block, NULL), 0);
    assert_int_equal(pthread_join(t, (void **)&from_thread), 0);
    assert_non_null(from_thread);
    memset(from_thread, 0xA5, MB);
    assert_int_equal(on_huge_heap(from_thread + MB - 1), marked);

    /* Freed memory is reused, not handed back and faulted in again (a
     * sanitizer holds freed blocks back on purpose). */
    free(eight);
    char *again = malloc(8 * MB);
    if (marked)
        assert_ptr_equal(again, eight);
    free(again);
    free(one);
    free(from_thread);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_heap)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
