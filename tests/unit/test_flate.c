/* flate: what flate_compress writes inflates (zlib) to what went in, for
 * empty, tiny, page-sized and large inputs at both efforts, on several
 * threads at once, each calling again and again (its compressors are kept
 * per thread) and once more after flate_release. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "flate.h"

enum { NSIZES = 4, BIG = 1 << 20 };
static const size_t SIZES[NSIZES] = {0, 1, 3000, BIG};
static unsigned char *input; /* BIG bytes: content-stream-like text, then noise */

static void make_input(void)
{
    input = malloc(BIG);
    assert_non_null(input);
    size_t n = 0;
    for (int i = 0; n < BIG / 2; i++)
        n += (size_t)snprintf((char *)input + n, BIG - n, "BT /F1 12 Tf %d.5 %d Td (line %d of the page) Tj ET\n",
                              72 + i % 7, 800 - i % 700, i);
    uint32_t x = 2463534242u;
    for (; n < BIG; n++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        input[n] = (unsigned char)x;
    }
}

/* 0 when every size at both efforts round-trips (assert_* is for the
 * main thread only). */
static int round_trips(void)
{
    for (size_t s = 0; s < NSIZES; s++) {
        for (int e = FLATE_FAST; e <= FLATE_SMALLEST; e++) {
            size_t n = SIZES[s];
            unsigned char *z = malloc(flate_bound(n)), *back = malloc(n + 1);
            size_t zn = z ? flate_compress(input, n, z, (enum flate_effort)e) : 0;
            uLongf got = (uLongf)n + 1;
            int ok = zn > 0 && zn <= flate_bound(n) && back &&
                     uncompress(back, &got, z, (uLong)zn) == Z_OK && got == n && memcmp(back, input, n) == 0;
            free(z);
            free(back);
            if (!ok)
                return -1;
        }
    }
    return 0;
}

static void *worker(void *arg)
{
    int *failed = arg;
    for (int r = 0; r < 3; r++)
        *failed |= round_trips() != 0;
    return NULL;
}

static void test_round_trip(void **state)
{
    (void)state;
    make_input();
    assert_int_equal(round_trips(), 0);
    assert_int_equal(round_trips(), 0); /* the kept compressors */
    flate_release();
    flate_release(); /* none held: nothing to do */
    assert_int_equal(round_trips(), 0);
    flate_release();
    free(input);
}

static void test_threads(void **state)
{
    (void)state;
    make_input();
    enum { N = 4 };
    pthread_t th[N];
    int failed[N] = {0};
    for (int i = 0; i < N; i++)
        assert_int_equal(pthread_create(&th[i], NULL, worker, &failed[i]), 0);
    int main_failed = 0;
    worker(&main_failed); /* this thread too, as parallel_for's caller does */
    assert_int_equal(main_failed, 0);
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(failed[i], 0);
    }
    flate_release();
    free(input);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
