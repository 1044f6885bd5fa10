#include "fontset.h"

#include <hb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

/* Code points below FONTSET_LATIN (Latin-1 and Latin Extended-A: the
 * letters of most European languages) have their advances cached; the
 * rest are asked of HarfBuzz, whose cmap lookups are quick and safe from
 * many threads. A face is checked when loaded but measured (its font made,
 * its cache filled) only when first used: a leaflet uses two or three of
 * a layout's eight faces, and measuring one maps and reads its cmap and
 * metrics (with unmapping them, 0.1 ms a face). */

struct font_file {
    char *path;
    hb_face_t *face;
    double upem;
    pthread_mutex_t lock;
    atomic_bool measured; /* set once what follows is */
    hb_font_t *font;
    double ascent, descent;
    float advance[FONTSET_LATIN];       /* em; < 0 means missing */
};

struct fontset {
    int count;
    struct font_file **faces; /* may repeat a pointer */
    struct font_file **files; /* unique, owned */
    int file_count;
};

static void measure(struct font_file *f)
{
    f->font = hb_font_create(f->face);
    hb_font_extents_t ext;
    hb_font_get_h_extents(f->font, &ext);
    f->ascent = ext.ascender / f->upem;
    f->descent = -ext.descender / f->upem;
    if (f->ascent <= 0)
        f->ascent = 0.8;
    if (f->descent <= 0)
        f->descent = 0.2;
    for (uint32_t cp = 0; cp < FONTSET_LATIN; cp++) {
        hb_codepoint_t g;
        bool has = hb_font_get_nominal_glyph(f->font, cp, &g) && g != 0;
        f->advance[cp] = has ? (float)(hb_font_get_glyph_h_advance(f->font, g) / f->upem) : -1;
    }
    hb_font_make_immutable(f->font);
}

/* The face, measured: by the first thread to ask, while others wait. The
 * fontset stays read-only to its users; only this cache is filled. */
static const struct font_file *measured(const struct fontset *fs, int face)
{
    struct font_file *f = fs->faces[face];
    if (!atomic_load_explicit(&f->measured, memory_order_acquire)) {
        pthread_mutex_lock(&f->lock);
        if (!atomic_load_explicit(&f->measured, memory_order_relaxed)) {
            measure(f);
            atomic_store_explicit(&f->measured, true, memory_order_release);
        }
        pthread_mutex_unlock(&f->lock);
    }
    return f;
}

static bool file_has(const struct font_file *f, uint32_t cp)
{
    if (cp < FONTSET_LATIN)
        return f->advance[cp] >= 0;
    hb_codepoint_t g;
    return hb_font_get_nominal_glyph(f->font, cp, &g) && g != 0;
}

static double file_advance(const struct font_file *f, uint32_t cp)
{
    if (cp < FONTSET_LATIN)
        return f->advance[cp] < 0 ? 0 : f->advance[cp];
    hb_codepoint_t g;
    if (!hb_font_get_nominal_glyph(f->font, cp, &g))
        return 0;
    return hb_font_get_glyph_h_advance(f->font, g) / f->upem;
}

static struct font_file *file_load(const char *path, struct diag *d)
{
    hb_blob_t *blob = hb_blob_create_from_file_or_fail(path);
    if (!blob) {
        diag_add(d, DIAG_ERROR, path, 0, 0, "cannot read font file");
        return NULL;
    }
    hb_face_t *face = hb_face_create(blob, 0);
    hb_blob_destroy(blob);
    unsigned upem = hb_face_get_upem(face);
    if (hb_face_get_glyph_count(face) == 0 || upem == 0) {
        diag_add(d, DIAG_ERROR, path, 0, 0, "not a TrueType font");
        hb_face_destroy(face);
        return NULL;
    }
    struct font_file *f = calloc(1, sizeof *f);
    if (!f) {
        hb_face_destroy(face);
        return NULL;
    }
    f->path = strdup(path);
    f->face = face;
    f->upem = upem;
    pthread_mutex_init(&f->lock, NULL);
    return f;
}

static void file_free(struct font_file *f)
{
    if (f->font)
        hb_font_destroy(f->font);
    pthread_mutex_destroy(&f->lock);
    hb_face_destroy(f->face);
    free(f->path);
    free(f);
}

struct fontset *fontset_load(const char *const *paths, int count, struct diag *d)
{
    struct fontset *fs = calloc(1, sizeof *fs);
    if (!fs)
        return NULL;
    fs->faces = calloc((size_t)count, sizeof *fs->faces);
    fs->files = calloc((size_t)count, sizeof *fs->files);
    fs->count = count;
    bool ok = fs->faces && fs->files;
    for (int i = 0; ok && i < count; i++) {
        for (int j = 0; j < fs->file_count; j++)
            if (strcmp(fs->files[j]->path, paths[i]) == 0)
                fs->faces[i] = fs->files[j];
        if (fs->faces[i])
            continue;
        struct font_file *f = file_load(paths[i], d);
        if (!f) {
            ok = false;
            break;
        }
        fs->files[fs->file_count++] = f;
        fs->faces[i] = f;
    }
    if (!ok) {
        fontset_free(fs);
        return NULL;
    }
    return fs;
}

void fontset_free(struct fontset *fs)
{
    if (!fs)
        return;
    for (int i = 0; i < fs->file_count; i++)
        file_free(fs->files[i]);
    free(fs->files);
    free(fs->faces);
    free(fs);
}

int fontset_count(const struct fontset *fs) { return fs->count; }
const char *fontset_path(const struct fontset *fs, int face) { return fs->faces[face]->path; }
bool fontset_has(const struct fontset *fs, int face, uint32_t cp) { return file_has(measured(fs, face), cp); }
double fontset_advance(const struct fontset *fs, int face, uint32_t cp) { return file_advance(measured(fs, face), cp); }
double fontset_ascent(const struct fontset *fs, int face) { return measured(fs, face)->ascent; }
double fontset_descent(const struct fontset *fs, int face) { return measured(fs, face)->descent; }
hb_face_t *fontset_hb_face(const struct fontset *fs, int face) { return fs->faces[face]->face; }
const float *fontset_latin(const struct fontset *fs, int face) { return measured(fs, face)->advance; }

double fontset_width(const struct fontset *fs, int face, const char *s, int len)
{
    const struct font_file *f = measured(fs, face);
    double w = 0;
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        uint32_t cp = *p++;
        if (cp >= 0x80) {
            int extra = cp >= 0xF0 ? 3 : cp >= 0xE0 ? 2 : 1;
            cp &= 0x3F >> extra;
            while (extra-- && p < end)
                cp = (cp << 6) | (*p++ & 0x3F);
        }
        w += file_advance(f, cp);
    }
    return w;
}
