/* flate: zlib streams (/FlateDecode) made with libdeflate, one compressor
 * per thread and level, kept for the next call.
 *
 * Levels, by callgrind instructions and bytes out. The 50-topic benchmark
 * booklet took 257 M and came to 233,198 B with zlib (levels 3 and 9).
 * FLATE_FAST is level 1, for page content and object streams: 231 M and
 * 229,525 B; level 2 costs 13 M more for 1 % fewer bytes, level 6 20 M
 * more for 3.5 % fewer, and the targets (300 KB; a seed leaflet under
 * 12 KB: 8,993 B) are far off. FLATE_SMALLEST is level 9, for fonts and
 * images. Levels 10 to 12 parse near-optimally, at 90 to 160 K
 * instructions more a call however short the stream: the seed leaflet
 * costs 18 to 29 % more instructions for 34 to 39 bytes less (the
 * booklet 7 to 13 M for 46 to 57 bytes), and a large image gets slow (a
 * leaflet with a 4000x2500 PNG photo: 2.5 s at 9, 6.9 s at 10, 17 s at
 * 12; 3.0 s with zlib). They would take 8 % off a small photo (a leaflet
 * with an 800x500 PNG: 198,861 B at 9, 182,636 B at 10), but zlib made
 * 199,648 B of it: level 9 loses nothing that was had. */
#include "flate.h"

#include <libdeflate.h>
#include <pthread.h>
#include <stdlib.h>

static const int levels[] = {[FLATE_FAST] = 1, [FLATE_SMALLEST] = 9};
#define NLEVELS (sizeof levels / sizeof levels[0])

/* A compressor mallocs (and each call resets) hash tables of hundreds of
 * KB: made per call it cost more than the compressing of a page's few KB.
 * So each thread keeps its own, found through a key whose destructor frees
 * them when the thread ends (parallel_for's threads end after each call). */
struct held {
    struct libdeflate_compressor *c[NLEVELS];
};

static pthread_key_t key;
static int key_ok;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void held_free(void *p)
{
    struct held *h = p;
    for (size_t i = 0; i < NLEVELS; i++)
        libdeflate_free_compressor(h->c[i]);
    free(h);
}

static void key_make(void)
{
    key_ok = pthread_key_create(&key, held_free) == 0;
}

size_t flate_bound(size_t n)
{
    return libdeflate_zlib_compress_bound(NULL, n);
}

size_t flate_compress(const void *in, size_t n, void *out, enum flate_effort effort)
{
    pthread_once(&key_once, key_make);
    if (!key_ok)
        return 0;
    struct held *h = pthread_getspecific(key);
    if (!h) {
        if (!(h = calloc(1, sizeof *h)))
            return 0;
        if (pthread_setspecific(key, h) != 0) {
            free(h);
            return 0;
        }
    }
    if (!h->c[effort] && !(h->c[effort] = libdeflate_alloc_compressor(levels[effort])))
        return 0;
    return libdeflate_zlib_compress(h->c[effort], in, n, out, flate_bound(n));
}

void flate_release(void)
{
    pthread_once(&key_once, key_make);
    if (!key_ok)
        return;
    struct held *h = pthread_getspecific(key);
    if (h) {
        pthread_setspecific(key, NULL);
        held_free(h);
    }
}
