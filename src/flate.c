/* flate: zlib, tuned for the small streams a PDF holds. */
#include "flate.h"

#include <string.h>
#define ZLIB_CONST /* next_in is const */
#include <zlib.h>

size_t flate_bound(size_t n)
{
    return compressBound((uLong)n);
}

/* FLATE_FAST is level 3 (zlib's fast matcher), for page content and
 * object streams: measured against level 9, the 50-topic booklet takes
 * 8 % fewer instructions (327 M -> 299 M) for 4 % more bytes (224 KB ->
 * 234 KB; the seed leaflet 8.96 -> 9.06 KB), well under the size targets
 * of 300 KB and 12 KB. Fonts and images keep level 9: a leaflet's photo
 * grew by 15 % at level 3. */
size_t flate_compress(const void *in, size_t n, void *out, enum flate_effort effort)
{
    /* A window no larger than the data, and a hash table to match: most
     * streams are a few KB, and zlib clears its tables on every start,
     * which for 32 KB windows cost more than the compressing. */
    int bits = 9;
    while (bits < 15 && ((size_t)1 << bits) < n)
        bits++;
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, effort == FLATE_FAST ? 3 : Z_BEST_COMPRESSION, Z_DEFLATED, bits, bits - 6, Z_DEFAULT_STRATEGY) != Z_OK)
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
