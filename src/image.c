#include "image.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static unsigned long be32(const unsigned char *p)
{
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

static struct image_info fail(const char *problem)
{
    return (struct image_info){.kind = IMAGE_NONE, .problem = problem};
}

/* Walks JPEG markers to the first start-of-frame, which holds the size. */
static struct image_info probe_jpeg(FILE *f)
{
    unsigned char m[9];
    for (;;) {
        int c = fgetc(f);
        while (c == 0xFF)
            c = fgetc(f);
        if (c == EOF)
            return fail("truncated JPEG file");
        if (c == 0xD8 || (c >= 0xD0 && c <= 0xD7) || c == 0x01)
            continue; /* markers without a length */
        if (fread(m, 1, 2, f) != 2)
            return fail("truncated JPEG file");
        unsigned len = be16(m);
        if (len < 2)
            return fail("broken JPEG file");
        if ((c >= 0xC0 && c <= 0xC3) || (c >= 0xC5 && c <= 0xC7) || (c >= 0xC9 && c <= 0xCB) ||
            (c >= 0xCD && c <= 0xCF)) {
            if (fread(m, 1, 5, f) != 5)
                return fail("truncated JPEG file");
            struct image_info r = {.kind = IMAGE_JPEG, .height = (int)be16(m + 1), .width = (int)be16(m + 3)};
            if (r.width == 0 || r.height == 0)
                return fail("JPEG file with no size");
            return r;
        }
        if (fseek(f, (long)len - 2, SEEK_CUR) != 0)
            return fail("truncated JPEG file");
    }
}

struct image_info image_probe(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail("cannot open the image file");
    unsigned char h[24];
    size_t n = fread(h, 1, sizeof h, f);
    struct image_info r;
    if (n >= 24 && memcmp(h, "\x89PNG\r\n\x1a\n", 8) == 0 && memcmp(h + 12, "IHDR", 4) == 0) {
        unsigned long w = be32(h + 16), ht = be32(h + 20);
        if (w == 0 || ht == 0 || w > 0x7FFFFFFF || ht > 0x7FFFFFFF)
            r = fail("PNG file with a bad size");
        else
            r = (struct image_info){.kind = IMAGE_PNG, .width = (int)w, .height = (int)ht};
        /* A PNG cut short is caught here rather than inside the PDF writer. */
        if (r.kind == IMAGE_PNG && (fseek(f, -12, SEEK_END) != 0 || fread(h, 1, 12, f) != 12 ||
                                    memcmp(h + 4, "IEND", 4) != 0))
            r = fail("truncated PNG file");
    } else if (n >= 3 && h[0] == 0xFF && h[1] == 0xD8 && h[2] == 0xFF) {
        fseek(f, 2, SEEK_SET);
        r = probe_jpeg(f);
        /* A JPEG cut short after its header has no end-of-image marker
         * (FF D9) near its end; anything appended after it is tolerated. */
        enum { TAIL = 65536 };
        unsigned char *tail = r.kind == IMAGE_JPEG ? malloc(TAIL) : NULL;
        long size = tail && fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
        if (size > 0 && fseek(f, size > TAIL ? size - TAIL : 0, SEEK_SET) == 0) {
            size_t got = fread(tail, 1, TAIL, f);
            bool eoi = false;
            for (size_t i = 0; !eoi && i + 1 < got; i++)
                eoi = tail[i] == 0xFF && tail[i + 1] == 0xD9;
            if (!eoi)
                r = fail("truncated JPEG file");
        }
        free(tail);
    } else {
        r = fail(n == 0 ? "empty file" : "not a PNG or JPEG image");
    }
    fclose(f);
    return r;
}
