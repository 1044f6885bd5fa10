/* flate: zlib at its best level, sized for the small streams a PDF holds. */
#ifndef HANDOUT_FLATE_H
#define HANDOUT_FLATE_H
#include <stddef.h>

/* The most bytes flate_best can write for n bytes in. */
size_t flate_bound(size_t n);

/* Deflates in[0..n) into out (room for flate_bound(n) bytes) as a zlib
 * stream; returns its length, or 0 on failure (out of memory). */
size_t flate_best(const void *in, size_t n, void *out);

#endif
