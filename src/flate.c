/* flate: zlib at its best level, sized for the small streams a PDF holds. */
#include "flate.h"

#include <string.h>
#define ZLIB_CONST /* next_in is const */
#include <zlib.h>

size_t flate_bound(size_t n)
{
    return compressBound((uLong)n);
}

size_t flate_best(const void *in, size_t n, void *out)
{
    /* A window no larger than the data, and a hash table to match: most
     * streams are a few KB, and zlib clears its tables on every start,
     * which for 32 KB windows cost more than the compressing. */
    int bits = 9;
    while (bits < 15 && ((size_t)1 << bits) < n)
        bits++;
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, bits, bits - 6, Z_DEFAULT_STRATEGY) != Z_OK)
        return 0;
    z.next_in = in;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)flate_bound(n);
    int zr = deflate(&z, Z_FINISH);
    size_t got = z.total_out;
    deflateEnd(&z);
    return zr == Z_STREAM_END ? got : 0;
}
