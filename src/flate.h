/* flate: zlib streams (/FlateDecode) made with libdeflate. */
#ifndef HANDOUT_FLATE_H
#define HANDOUT_FLATE_H
#include <stddef.h>

/* The most bytes flate_compress can write for n bytes in. */
size_t flate_bound(size_t n);

enum flate_effort {
    FLATE_FAST,     /* text and structure, written for every page */
    FLATE_SMALLEST, /* fonts and images: few, and much smaller so */
};

/* Deflates in[0..n) into out (room for flate_bound(n) bytes) as a zlib
 * stream; returns its length, or 0 on failure (out of memory). */
size_t flate_compress(const void *in, size_t n, void *out, enum flate_effort effort);

/* Frees the calling thread's compressors (flate_compress keeps them for
 * the next call; another thread's are freed when it ends). */
void flate_release(void);

#endif
