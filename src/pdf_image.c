/* pdf_image: PNG and JPEG files as image XObjects, each loaded once.
 *
 * PNG files are decoded here with libpng's simplified API and handed to
 * libharu as raw 8-bit samples (plus an alpha soft mask). libharu 2.3's
 * own PNG loader cannot be used: its libpng error callback returns, so
 * libpng abort()s the process on a corrupt file; it rejects interlaced
 * files; and it writes 16-bit files as truncated images. Palette images
 * become RGB, which Flate compresses well enough for leaflet pictures.
 * JPEG files go to libharu as they are.
 */
#include <errno.h>
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf_internal.h"

struct pdf_image_slot {
    const char *path;
    const char *name;   /* in the shared resources ("X1") */
};

/* strerror is not required to be thread-safe; the XSI strerror_r is. */
struct errbuf {
    char s[128];
};
static const char *errstr(int e, struct errbuf *b)
{
    if (strerror_r(e, b->s, sizeof b->s) != 0)
        snprintf(b->s, sizeof b->s, "error %d", e);
    return b->s;
}

/* Refused before decoding: more than any leaflet picture needs. */
enum { MAX_IMAGE_PIXELS = 40 * 1000 * 1000 };

static HPDF_Image load_png(struct pdf_ctx *c, const char *path)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path)) {
        pdf_fail(c, "cannot use image %s: %s", path, img.message);
        return NULL;
    }
    if ((uint64_t)img.width * img.height > MAX_IMAGE_PIXELS) {
        png_image_free(&img);
        pdf_fail(c, "cannot use image %s: %ux%u pixels is more than a leaflet needs (limit %d million)", path,
                 (unsigned)img.width, (unsigned)img.height, MAX_IMAGE_PIXELS / 1000000);
        return NULL;
    }
    int color = (img.format & PNG_FORMAT_FLAG_COLOR) != 0;
    int alpha = (img.format & PNG_FORMAT_FLAG_ALPHA) != 0;
    img.format = color ? (alpha ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB) : (alpha ? PNG_FORMAT_GA : PNG_FORMAT_GRAY);
    size_t w = img.width, h = img.height, nc = color ? 3 : 1, stride = nc + (alpha ? 1 : 0);
    unsigned char *buf = malloc(PNG_IMAGE_SIZE(img));
    if (!buf) {
        png_image_free(&img);
        pdf_fail(c, "cannot use image %s: out of memory", path);
        return NULL;
    }
    if (!png_image_finish_read(&img, NULL, buf, 0, NULL)) {
        pdf_fail(c, "cannot use image %s: %s", path, img.message);
        free(buf);
        png_image_free(&img);
        return NULL;
    }
    HPDF_Image image = NULL, mask = NULL;
    if (alpha) {
        /* Split the alpha channel off, in place. */
        unsigned char *a = malloc(w * h);
        if (!a) {
            free(buf);
            pdf_fail(c, "cannot use image %s: out of memory", path);
            return NULL;
        }
        for (size_t i = 0; i < w * h; i++) {
            memmove(buf + i * nc, buf + i * stride, nc);
            a[i] = buf[i * stride + nc];
        }
        mask = HPDF_LoadRawImageFromMem(c->pdf, a, (HPDF_UINT)w, (HPDF_UINT)h, HPDF_CS_DEVICE_GRAY, 8);
        free(a);
    }
    if (!alpha || mask)
        image = HPDF_LoadRawImageFromMem(c->pdf, buf, (HPDF_UINT)w, (HPDF_UINT)h,
                                         color ? HPDF_CS_DEVICE_RGB : HPDF_CS_DEVICE_GRAY, 8);
    free(buf);
    if (image && mask)
        HPDF_Image_AddSMask(image, mask);
    return image;
}

const char *pdf_image_name(const struct pdf_ctx *c, const char *path)
{
    for (int i = 0; i < c->nimages; i++)
        if (strcmp(c->images[i].path, path) == 0)
            return c->images[i].name;
    return NULL;
}

const char *pdf_image_add(struct pdf_ctx *c, const char *path)
{
    const char *known = pdf_image_name(c, path);
    if (known)
        return known;

    unsigned char magic[8] = {0};
    FILE *f = fopen(path, "rb");
    if (!f) {
        struct errbuf eb;
        pdf_fail(c, "cannot read image %s: %s", path, errstr(errno, &eb));
        return NULL;
    }
    size_t got = fread(magic, 1, sizeof magic, f);
    fclose(f);
    static const unsigned char png_magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    HPDF_Image img = NULL;
    if (got == 8 && memcmp(magic, png_magic, 8) == 0) {
        img = load_png(c, path);
        if (!img && c->reported)
            return NULL;
    } else if (got >= 3 && magic[0] == 0xFF && magic[1] == 0xD8 && magic[2] == 0xFF) {
        img = HPDF_LoadJpegImageFromFile(c->pdf, path);
    } else {
        pdf_fail(c, "cannot use image %s: not a PNG or JPEG file", path);
        return NULL;
    }
    if (!img || c->err) {
        pdf_fail(c, "cannot use image %s: %s (libharu error 0x%04X)", path,
                 pdf_hpdf_error_text(c->err ? c->err : HPDF_INVALID_IMAGE), (unsigned)c->err);
        return NULL;
    }
    const char *name = pdf_resource_name(c, c->xobject_res, 'X', img);
    if (!name)
        return NULL;
    if (c->nimages == c->cap_images) {
        int cap = c->cap_images ? c->cap_images * 2 : 8;
        struct pdf_image_slot *p = realloc(c->images, (size_t)cap * sizeof *p);
        if (!p) {
            pdf_fail(c, "out of memory");
            return NULL;
        }
        c->images = p;
        c->cap_images = cap;
    }
    c->images[c->nimages++] = (struct pdf_image_slot){path, name};
    return name;
}
