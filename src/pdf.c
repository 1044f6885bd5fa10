/* pdf: the page list drawn with libharu 2.3 (Debian 12).
 *
 * Everything libharu-specific lives here. Quirks of that version worked
 * around below (each measured, see the notes at the functions):
 *  - its ToUnicode CMap uses `cidrange`, which maps nothing for a ToUnicode
 *    CMap (ISO 32000-1 §9.10.3): one bfrange map is written instead;
 *  - it keeps only one level of composite-glyph components, and copies 13
 *    TrueType tables whether a PDF needs them or not: fonts are subset by
 *    HarfBuzz (which closes over composites) and that subset, with only the
 *    tables a PDF reader uses, is embedded as it is;
 *  - its PNG loader abort()s the process on a corrupt file (through libpng),
 *    rejects interlaced files and truncates 16-bit ones: PNGs are decoded
 *    here with libpng's simplified API and passed as raw samples;
 *  - HPDF_Destination_SetXYZ refuses zoom 0 ("keep"): destinations are
 *    built as [page /XYZ 0 top null];
 *  - HPDF_SaveToFile gives no control over fsync or partial writes, and
 *    libharu writes PDF 1.4 with every object on its own: the document is
 *    saved to memory, packed into object streams (pdfpack.h) and written
 *    whole (outfile.h).
 *
 * Size: a leaflet is small enough to email: the two-page seed leaflet is
 * 9.0 KB with both fonts embedded (14 KB from libharu as it comes), the
 * 50-topic benchmark booklet 224 KB (720 KB). What it takes, each measured
 * (see the notes at the functions): simple WinAnsi fonts where the text
 * allows (one byte a character instead of four hex digits), font programs
 * with only the tables a reader uses, one ToUnicode map for all fonts,
 * short W and Widths arrays, pieces of a link merged into one annotation a
 * line, destinations as direct arrays, resources and page size inherited
 * from the page tree, positions on a 1/16 pt grid, text runs that continue
 * one another drawn without a move, rules and boxes drawn before the text
 * when nothing changes, streams deflated at zlib's best level, and the
 * small objects (outline items, links, pages, stream lengths: a third of
 * the booklet) packed into compressed object streams.
 * What remains is mostly the text itself.
 */
#include "pdf.h"

#include <errno.h>
#include <hb-ot.h>
#include <hb-subset.h>
#include <hb.h>
#include <hpdf.h>
#include <hpdf_annotation.h>
#include <limits.h>
#include <math.h>
#include <png.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag.h"
#include "flate.h"
#include "fontset.h"
#include "outfile.h"
#include "pages.h"
#include "pdfpack.h"

enum { BMP = 0x10000, MAX_OUTLINE_DEPTH = 32 };

/* One font file used by text, whatever faces name it. */
struct font_slot {
    const char *path;       /* fontset_path, borrowed */
    int face;               /* first face that uses it */
    uint8_t cps[BMP / 8];   /* code points drawn with it */
    int missing;            /* code points the face has no glyph for */
    uint32_t first_missing;
    uint32_t max_cp;        /* highest code point drawn */
    HPDF_Font font;
    hb_blob_t *program;     /* the font program embedded (FontFile2) */
    int simple;             /* a TrueType font with WinAnsiEncoding, not Type0 */
};

struct image_slot {
    const char *path;
    HPDF_Image image;
};

/* A link annotation: the page items of one link on one line, merged. */
struct link {
    int page;
    double x0, y0, x1, y1;
    const char *uri;        /* or NULL: a link inside the document */
    int dest_page;
    double dest_y;
};

/* A URI action, shared by the links to the same address. */
struct action {
    const char *uri;
    int uses;
    HPDF_Dict dict;
};

struct pdf_ctx {
    HPDF_Doc pdf;
    HPDF_STATUS err, detail; /* first libharu error, 0 if none */
    int reported;            /* an error is already in d */
    const char *path;
    struct diag *d;
    const struct doc *doc;
    const struct fontset *fs;
    int *face_slot;          /* per face: slot index or -1 */
    struct font_slot *slots;
    int nslots;
    struct image_slot *images;
    int nimages, cap_images;
    HPDF_Page *pages;
    HPDF_Encoder utf8;
    HPDF_Dict res_fonts;     /* the page tree's resources, shared */
    HPDF_Dict res_xobjects;
    struct link *links;
    int nlinks, cap_links;
    struct action *actions;
    int nactions;
    char *scratch;           /* cleaned UTF-8 text */
    size_t scratch_cap;
    char *run;               /* text waiting to be drawn */
    size_t run_len, run_cap;
    int bad_text;            /* characters left out */
    uint32_t first_bad;
};

/* Positions are written on a 1/16 pt grid: at most 1/32 pt (0.011 mm, half
 * a 1200 dpi printer dot) from the layout's. Such numbers have few digits,
 * and libharu's float arithmetic on them is exact, so its relative moves
 * print without noise ("16.8125", not "16.79999"); the 50-topic booklet is
 * 8 KB smaller so. */
static double grid(double v)
{
    return floor(v * 16 + 0.5) / 16;
}

/* ---- errors ------------------------------------------------------------ */

static void on_hpdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user)
{
    struct pdf_ctx *c = user;
    if (!c->err) {
        c->err = error_no;
        c->detail = detail_no;
    }
}

static const char *hpdf_error_text(HPDF_STATUS e)
{
    switch (e) {
    case HPDF_FAILD_TO_ALLOC_MEM: return "out of memory";
    case HPDF_FILE_IO_ERROR: return "file read or write error";
    case HPDF_FILE_OPEN_ERROR: return "cannot open file";
    case HPDF_INVALID_DATE_TIME: return "invalid date";
    case HPDF_INVALID_FONTDEF_DATA: return "font has no usable character map";
    case HPDF_INVALID_IMAGE: return "invalid image";
    case HPDF_INVALID_JPEG_DATA: return "invalid JPEG data";
    case HPDF_INVALID_PNG_IMAGE: return "invalid PNG image";
    case HPDF_LIBPNG_ERROR: return "PNG decoding error";
    case HPDF_INVALID_PARAMETER: return "invalid parameter";
    case HPDF_PAGE_INVALID_SIZE: return "invalid page size";
    case HPDF_PAGE_INVALID_FONT_SIZE: return "invalid font size";
    case HPDF_PAGE_OUT_OF_RANGE: return "too many pages";
    case HPDF_REAL_OUT_OF_RANGE: return "number out of range";
    case HPDF_STRING_OUT_OF_RANGE: return "string too long";
    case HPDF_TTF_CANNOT_EMBEDDING_FONT: return "font licence does not allow embedding";
    case HPDF_TTF_INVALID_CMAP: return "font has an invalid cmap table";
    case HPDF_TTF_INVALID_FOMAT: return "not a usable TrueType font (needs a Unicode format 4 cmap)";
    case HPDF_TTF_MISSING_TABLE: return "font is missing a required table";
    case HPDF_UNSUPPORTED_FONT_TYPE: return "unsupported font type";
    case HPDF_UNSUPPORTED_JPEG_FORMAT: return "unsupported JPEG format";
    case HPDF_ZLIB_ERROR: return "compression error";
    default: return "PDF library error";
    }
}

static int fail(struct pdf_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct pdf_ctx *c, const char *fmt, ...)
{
    if (c->reported)
        return -1;
    char buf[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    diag_add(c->d, DIAG_ERROR, c->path, 0, 0, "%s", buf);
    c->reported = 1;
    return -1;
}

/* Returns -1 (and reports) if libharu has flagged an error since the start. */
static int check(struct pdf_ctx *c, const char *what)
{
    if (!c->err)
        return 0;
    return fail(c, "%s: %s (libharu error 0x%04X, detail %u)", what, hpdf_error_text(c->err),
                (unsigned)c->err, (unsigned)c->detail);
}

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

/* ---- text -------------------------------------------------------------- */

/* Decodes one UTF-8 sequence; returns its length and sets *cp, or returns
 * the number of bytes to skip with *cp = UINT32_MAX if it is malformed. */
static int utf8_next(const unsigned char *s, uint32_t *cp)
{
    unsigned char b = s[0];
    int n;
    uint32_t v, min;
    if (b < 0x80) {
        *cp = b;
        return 1;
    } else if ((b & 0xE0) == 0xC0) {
        n = 2, v = b & 0x1F, min = 0x80;
    } else if ((b & 0xF0) == 0xE0) {
        n = 3, v = b & 0x0F, min = 0x800;
    } else if ((b & 0xF8) == 0xF0) {
        n = 4, v = b & 0x07, min = 0x10000;
    } else {
        *cp = UINT32_MAX;
        return 1;
    }
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = UINT32_MAX;
            return i;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    *cp = (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) ? UINT32_MAX : v;
    return n;
}

/* Copies s into c->scratch keeping only what libharu's UTF-8 encoder can
 * draw: valid UTF-8, BMP only, no C0 controls. Returns NULL on OOM. */
static const char *clean_text(struct pdf_ctx *c, const char *s)
{
    size_t len = strlen(s);
    if (len + 1 > c->scratch_cap) {
        size_t cap = len + 1 < 256 ? 256 : len + 1;
        char *p = realloc(c->scratch, cap);
        if (!p)
            return NULL;
        c->scratch = p;
        c->scratch_cap = cap;
    }
    const unsigned char *p = (const unsigned char *)s;
    char *o = c->scratch;
    while (*p) {
        uint32_t cp;
        int n = utf8_next(p, &cp);
        if (cp == UINT32_MAX || cp >= BMP || cp < 0x20) {
            if (!c->bad_text++)
                c->first_bad = cp;
        } else {
            memcpy(o, p, (size_t)n);
            o += n;
        }
        p += n;
    }
    *o = '\0';
    return c->scratch;
}

/* Printable ASCII is the same in PDFDocEncoding: such strings can be
 * written as short literals instead of UTF-16 hex. */
static int plain_ascii(const char *s)
{
    for (; *s; s++)
        if (*s < 0x20 || *s > 0x7E)
            return 0;
    return 1;
}

/* ---- libharu objects ---------------------------------------------------- */

/* The status of libharu's internal calls, which set the error without
 * calling the handler. */
/* libharu's UTF-8 encoder, made on first use: making it clears 400 KB of
 * tables, 11 % of the instructions for a leaflet that needs none (text in
 * WinAnsi fonts, ASCII outline and document info). NULL on failure. */
static HPDF_Encoder utf8_encoder(struct pdf_ctx *c)
{
    if (!c->utf8) {
        HPDF_UseUTFEncodings(c->pdf);
        c->utf8 = HPDF_GetEncoder(c->pdf, "UTF-8");
    }
    return c->utf8;
}

/* The encoder for a text string outside the page: none for ASCII. */
static HPDF_Encoder encoder_for(struct pdf_ctx *c, const char *t)
{
    return plain_ascii(t) ? NULL : utf8_encoder(c);
}

static int hpdf_failed(struct pdf_ctx *c, HPDF_STATUS r)
{
    if (r == HPDF_OK && HPDF_GetError(c->pdf) == HPDF_OK)
        return 0;
    if (!c->err) {
        c->err = HPDF_GetError(c->pdf) ? HPDF_GetError(c->pdf) : r;
        c->detail = HPDF_GetErrorDetail(c->pdf);
    }
    return 1;
}

static void dict_remove(HPDF_Dict dict, const char *key)
{
    for (HPDF_UINT i = 0; i < dict->list->count; i++) {
        HPDF_DictElement e = HPDF_List_ItemAt(dict->list, i);
        if (strcmp(e->key, key) == 0) {
            HPDF_Dict_RemoveElement(dict, key);
            return;
        }
    }
}

/* Replaces a stream's data. */
static HPDF_STATUS stream_set(HPDF_Dict dict, const void *data, size_t len)
{
    HPDF_MemStream_FreeData(dict->stream);
    return len ? HPDF_Stream_Write(dict->stream, data, (HPDF_UINT)len) : HPDF_OK;
}

/* ---- fonts ------------------------------------------------------------- */

static int has_cp(const struct font_slot *s, uint32_t cp)
{
    return (s->cps[cp >> 3] >> (cp & 7)) & 1;
}

/* WinAnsiEncoding (ISO 32000-1 Annex D) beyond ASCII and Latin-1: the
 * code points of 0x80..0x9F. */
static const uint16_t winansi_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

/* The WinAnsiEncoding code of a code point, or -1. */
static int winansi_code(uint32_t cp)
{
    if ((cp >= 0x20 && cp <= 0x7E) || (cp >= 0xA0 && cp <= 0xFF))
        return (int)cp;
    for (int i = 0; i < 32; i++)
        if (winansi_high[i] == cp && cp)
            return 0x80 + i;
    return -1;
}

/* Rewrites cleaned UTF-8 text, in place, as WinAnsiEncoding bytes (every
 * code point of a simple font has one). */
static void to_winansi(char *t)
{
    const unsigned char *p = (const unsigned char *)t;
    char *o = t;
    while (*p) {
        uint32_t cp;
        p += utf8_next(p, &cp);
        int b = winansi_code(cp);
        *o++ = (char)(b > 0 ? b : '?');
    }
    *o = '\0';
}

/* Finds the slot of every face used by text and the code points each draws. */
static int collect_fonts(struct pdf_ctx *c)
{
    int nfaces = fontset_count(c->fs);
    c->face_slot = malloc(((size_t)nfaces + 1) * sizeof *c->face_slot);
    c->slots = calloc((size_t)nfaces + 1, sizeof *c->slots);
    if (!c->face_slot || !c->slots)
        return fail(c, "out of memory");
    for (int i = 0; i < nfaces; i++)
        c->face_slot[i] = -1;

    for (int pi = 0; pi < c->doc->page_count; pi++) {
        for (const struct page_item *it = c->doc->pages[pi].items; it; it = it->next) {
            if (it->kind != PAGE_TEXT)
                continue;
            if (it->face < 0 || it->face >= nfaces)
                return fail(c, "page %d: text uses face %d, but the font set has %d", pi + 1, it->face,
                            nfaces);
            if (!it->text)
                continue;
            int si = c->face_slot[it->face];
            if (si < 0) {
                const char *fp = fontset_path(c->fs, it->face);
                for (si = 0; si < c->nslots; si++)
                    if (strcmp(c->slots[si].path, fp) == 0)
                        break;
                if (si == c->nslots) {
                    c->slots[si].path = fp;
                    c->slots[si].face = it->face;
                    c->nslots++;
                }
                c->face_slot[it->face] = si;
            }
            struct font_slot *s = &c->slots[si];
            const unsigned char *p = (const unsigned char *)it->text;
            while (*p) {
                uint32_t cp;
                p += utf8_next(p, &cp);
                if (cp == UINT32_MAX || cp >= BMP || cp < 0x20)
                    continue;
                uint8_t bit = (uint8_t)(1u << (cp & 7));
                if (s->cps[cp >> 3] & bit)
                    continue;
                s->cps[cp >> 3] |= bit;
                if (cp > s->max_cp)
                    s->max_cp = cp;
                if (!fontset_has(c->fs, it->face, cp) && !s->missing++)
                    s->first_missing = cp;
            }
        }
    }
    for (int i = 0; i < c->nslots; i++)
        if (c->slots[i].missing)
            diag_add(c->d, DIAG_WARNING, c->path, 0, 0,
                     "font %s has no glyph for U+%04X%s; it shows as a blank box", c->slots[i].path,
                     (unsigned)c->slots[i].first_missing,
                     c->slots[i].missing > 1 ? " and other characters" : "");
    return 0;
}

/* The width of a code point in the PDF, in 1/1000 em: the advance the
 * layout used, rounded. Code points the face lacks are 0 wide there too. */
static int cp_width(const struct pdf_ctx *c, const struct font_slot *s, uint32_t cp)
{
    return (int)lround(fontset_advance(c->fs, s->face, cp) * 1000);
}

/* The width of cleaned text in the PDF, in 1/1000 em. */
static long text_width(const struct pdf_ctx *c, const struct font_slot *s, const char *t)
{
    long w = 0;
    const unsigned char *p = (const unsigned char *)t;
    while (*p) {
        uint32_t cp;
        p += utf8_next(p, &cp);
        w += cp_width(c, s, cp);
    }
    return w;
}

/* Subsets the face to the code points drawn (plus the glyphs their
 * composites need), from the face fontset parsed once for the whole run.
 * Gives two fonts with the same glyphs: *metrics, with the tables libharu
 * reads when it loads a font (cmap, hmtx, OS/2, name, post, ...), and
 * *program, the one embedded, with only the tables a PDF reader uses
 * (PDF 1.7 reference §5.8: glyf, loca, head, hhea, hmtx, maxp; cvt, fpgm
 * and prep only for hinting, which is dropped: PDF viewers do not run it).
 * A Type0 font's codes reach the glyphs through the CIDToGIDMap, so it
 * needs no cmap; a simple font's do through the cmap. Leaving out name,
 * post and OS/2 (and cmap) saves about 300 bytes a font after deflate.
 * If HarfBuzz cannot subset it, both are the whole file, with a warning. */
static int subset_font(struct pdf_ctx *c, const struct font_slot *s, hb_blob_t **metrics, hb_blob_t **program)
{
    /* Layout tables: keeping GSUB would pull ligatures and alternates into
     * the glyph closure. */
    static const char drop[][4] = {"GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "kern",
                                   "morx", "mort", "kerx", "feat", "trak", "DSIG", "hdmx",
                                   "LTSH", "VDMX", "PCLT", "gasp", "meta", "STAT"};
    static const char embed[][4] = {"glyf", "head", "hhea", "hmtx", "loca",
                                    "maxp", "cvt ", "fpgm", "prep", "cmap"};
    /* A simple font reaches its glyphs through the cmap (by the code's
     * glyph name's Unicode value), so it keeps its cmap. */
    size_t nembed = sizeof embed / sizeof embed[0] - !s->simple;
    hb_face_t *face = fontset_hb_face(c->fs, s->face);
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    hb_face_t *sub = NULL, *builder = NULL;
    *metrics = *program = NULL;
    if (!in)
        return fail(c, "out of memory");
    hb_set_t *u = hb_subset_input_unicode_set(in);
    for (uint32_t cp = 0x20; cp <= s->max_cp; cp++)
        if (has_cp(s, cp))
            hb_set_add(u, cp);
    /* WinAnsiEncoding names 0xA0 and 0xAD "space" and "hyphen": readers
     * look those up as U+0020 and U+002D. */
    if (s->simple && has_cp(s, 0xA0))
        hb_set_add(u, 0x20);
    if (s->simple && has_cp(s, 0xAD))
        hb_set_add(u, 0x2D);
    hb_set_t *tables = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++)
        hb_set_add(tables, HB_TAG(drop[i][0], drop[i][1], drop[i][2], drop[i][3]));
    /* libharu reads the PostScript name and the style (IDs 6 and 2). */
    hb_set_t *names = hb_subset_input_set(in, HB_SUBSET_SETS_NAME_ID);
    hb_set_clear(names);
    hb_set_add(names, 2);
    hb_set_add(names, 6);
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING);
    sub = hb_subset_or_fail(face, in);
    hb_subset_input_destroy(in);
    if (sub) {
        *metrics = hb_face_reference_blob(sub);
        builder = hb_face_builder_create();
        for (size_t i = 0; i < nembed; i++) {
            hb_tag_t tag = HB_TAG(embed[i][0], embed[i][1], embed[i][2], embed[i][3]);
            hb_blob_t *t = hb_face_reference_table(sub, tag);
            if (hb_blob_get_length(t))
                hb_face_builder_add_table(builder, tag, t);
            hb_blob_destroy(t);
        }
        *program = hb_face_reference_blob(builder);
        hb_face_destroy(builder);
        hb_face_destroy(sub);
        if (hb_blob_get_length(*metrics) && hb_blob_get_length(*program))
            return 0;
        hb_blob_destroy(*metrics);
        hb_blob_destroy(*program);
    }
    diag_add(c->d, DIAG_WARNING, c->path, 0, 0, "font %s embedded whole: HarfBuzz could not subset it", s->path);
    *metrics = hb_face_reference_blob(face);
    *program = hb_blob_reference(*metrics);
    if (!hb_blob_get_length(*metrics))
        return fail(c, "cannot embed font %s: cannot read it", s->path);
    return 0;
}

/* Loads a font into libharu from memory, as HPDF_LoadTTFontFromFile does
 * from a file (with the same subset tag), under a name that is only a
 * lookup key: libharu finds fonts by PostScript name, so a second file with
 * the same name (a copy, another version) would otherwise get the first
 * one's glyphs. */
static HPDF_FontDef load_fontdef(struct pdf_ctx *c, hb_blob_t *blob, int index)
{
    unsigned len = 0;
    const char *data = hb_blob_get_data(blob, &len);
    /* One byte to spare: libharu's memory stream cannot seek to the end of
     * data that fills its buffers exactly (HPDF_INVALID_OBJECT). */
    HPDF_Stream st = HPDF_MemStream_New(c->pdf->mmgr, len + 1);
    if (!st)
        return NULL;
    if (HPDF_Stream_Write(st, (const HPDF_BYTE *)data, len) != HPDF_OK) {
        HPDF_Stream_Free(st);
        return NULL;
    }
    HPDF_FontDef def = HPDF_TTFontDef_Load(c->pdf->mmgr, st, HPDF_TRUE); /* owns st */
    if (!def)
        return NULL;
    char tag[HPDF_TTF_FONT_TAG_LEN + 1];
    snprintf(tag, sizeof tag, "HPDF%c%c", 'A' + index / 26 % 26, 'A' + index % 26);
    HPDF_TTFontDef_SetTagName(def, tag);
    /* libharu appends the style to the name ("Name,Bold", the convention for
     * unembedded TrueType fonts); the embedded font's PostScript name is
     * just "Name", and PostScript names have no commas. BaseFont and
     * FontName are written from this field. */
    HPDF_TTFontDefAttr ta = def->attr;
    char *comma = strchr(ta->base_font, ',');
    if (comma)
        *comma = '\0';
    snprintf(def->base_font, sizeof def->base_font, "handout.font.%d", index);
    if (HPDF_Doc_RegisterFontDef(c->pdf, def) != HPDF_OK) /* frees def */
        return NULL;
    return def;
}

static int digits(long v)
{
    int n = v < 0 ? 2 : 1;
    for (v = labs(v); v >= 10; v /= 10)
        n++;
    return n;
}

/* Writes DW and W: DW is the commonest width, and W gives the others as the
 * shortest mix of `c [w1 w2 ...]` lists and `c1 c2 w` ranges (as libharu
 * prints them). Only the codes drawn need their width: a list may fill a
 * gap with 0s, and a range may span codes not drawn. */
static int write_widths(struct pdf_ctx *c, const struct font_slot *s, HPDF_Dict cidfont)
{
    int n = 0;
    for (uint32_t cp = 0x20; cp <= s->max_cp; cp++)
        n += has_cp(s, cp);
    uint32_t *cps = malloc(((size_t)n + 1) * sizeof *cps);
    int *w = malloc(((size_t)n + 1) * sizeof *w);
    long *best = malloc(((size_t)n + 1) * sizeof *best);
    int *from = malloc(((size_t)n + 1) * sizeof *from), *how = malloc(((size_t)n + 1) * sizeof *how);
    if (!cps || !w || !best || !from || !how) {
        free(cps), free(w), free(best), free(from), free(how);
        return fail(c, "out of memory");
    }
    n = 0;
    for (uint32_t cp = 0x20; cp <= s->max_cp; cp++)
        if (has_cp(s, cp)) {
            cps[n] = cp;
            w[n++] = cp_width(c, s, cp);
        }
    /* DW: the commonest width, the smallest of equals. */
    int dw = 1000, dw_count = 0;
    for (int i = 0; i < n; i++) {
        int k = 0;
        for (int j = 0; j < n; j++)
            k += w[j] == w[i];
        if (k > dw_count || (k == dw_count && w[i] < dw))
            dw = w[i], dw_count = k;
    }
    /* best[j]: the shortest W covering the first j codes; how: 0 = left to
     * DW, 1 = list from[j]..j-1, 2 = range from[j]..j-1. */
    best[0] = 0;
    for (int j = 1; j <= n; j++) {
        best[j] = LONG_MAX;
        if (w[j - 1] == dw)
            best[j] = best[j - 1], from[j] = j - 1, how[j] = 0;
        long list = 0;
        int same = 1;
        for (int i = j - 1; i >= 0; i--) {
            list += digits(w[i]) + 1;
            if (i < j - 1)
                list += 2L * (long)(cps[i + 1] - cps[i] - 1);
            long cost = best[i] + digits(cps[i]) + 5 + list;
            if (cost < best[j])
                best[j] = cost, from[j] = i, how[j] = 1;
            same = same && w[i] == w[j - 1];
            if (same) {
                cost = best[i] + digits(cps[i]) + digits(cps[j - 1]) + digits(w[i]) + 3;
                if (cost < best[j])
                    best[j] = cost, from[j] = i, how[j] = 2;
            }
            if (!same && list > best[j])
                break; /* longer lists only cost more */
        }
    }
    /* Walk back to front, then add front to back. */
    int parts = 0;
    for (int j = n; j > 0; j = from[j])
        parts++;
    int *ends = malloc(((size_t)parts + 1) * sizeof *ends);
    HPDF_STATUS r = HPDF_OK;
    if (!ends)
        r = HPDF_FAILD_TO_ALLOC_MEM;
    else {
        int k = parts;
        for (int j = n; j > 0; j = from[j])
            ends[--k] = j;
        dict_remove(cidfont, "W");
        dict_remove(cidfont, "DW");
        dict_remove(cidfont, "DW2"); /* vertical writing only */
        if (dw != 1000)
            r += HPDF_Dict_AddNumber(cidfont, "DW", dw);
        HPDF_Array arr = NULL;
        for (k = 0; k < parts && r == HPDF_OK; k++) {
            int j = ends[k], i = from[j];
            if (how[j] == 0)
                continue;
            if (!arr) {
                arr = HPDF_Array_New(c->pdf->mmgr);
                r += HPDF_Dict_Add(cidfont, "W", arr);
                if (r != HPDF_OK)
                    break;
            }
            r += HPDF_Array_AddNumber(arr, (HPDF_INT32)cps[i]);
            if (how[j] == 2) {
                r += HPDF_Array_AddNumber(arr, (HPDF_INT32)cps[j - 1]);
                r += HPDF_Array_AddNumber(arr, w[i]);
                continue;
            }
            HPDF_Array list = HPDF_Array_New(c->pdf->mmgr);
            r += HPDF_Array_Add(arr, list);
            for (int m = i; m < j && r == HPDF_OK; m++) {
                if (m > i)
                    for (uint32_t gap = cps[m - 1] + 1; gap < cps[m]; gap++)
                        r += HPDF_Array_AddNumber(list, 0);
                r += HPDF_Array_AddNumber(list, w[m]);
            }
        }
    }
    free(ends), free(cps), free(w), free(best), free(from), free(how);
    if (hpdf_failed(c, r))
        return check(c, "cannot write the font widths");
    return 0;
}

/* libharu's CIDToGIDMap covers every code of the font's cmap. A map up to
 * the highest code drawn says the same for every code in the document:
 * codes past its end are never used. */
static int write_cid_map(struct pdf_ctx *c, const struct font_slot *s)
{
    HPDF_FontAttr fa = s->font->attr;
    if (!fa->map_stream || !fa->map_stream->stream)
        return fail(c, "cannot embed font %s: libharu made no glyph map", s->path);
    size_t n = 2 * ((size_t)s->max_cp + 1);
    HPDF_BYTE *map = calloc(n, 1);
    if (!map)
        return fail(c, "out of memory");
    for (uint32_t cp = 0x20; cp <= s->max_cp; cp++)
        if (has_cp(s, cp)) {
            HPDF_UINT16 gid = HPDF_TTFontDef_GetGlyphid(fa->fontdef, (HPDF_UINT16)cp);
            map[2 * cp] = (HPDF_BYTE)(gid >> 8);
            map[2 * cp + 1] = (HPDF_BYTE)gid;
        }
    HPDF_STATUS r = stream_set(fa->map_stream, map, n);
    free(map);
    if (hpdf_failed(c, r))
        return check(c, "cannot write the glyph map");
    return 0;
}

/* The start of every ToUnicode CMap (ISO 32000-1 §9.10.3). */
#define TOUNICODE_HEAD                                                                                             \
    "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"                                            \
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"                                  \
    "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"

/* The ToUnicode map of every font: the codes of our Type0 fonts are
 * Identity-H, two bytes equal to the CID, which libharu's UTF-8 encoder
 * makes equal to the BMP code point. So one identity map serves all fonts:
 * a bfrange for each block of 256 codes drawn (a range may not cross a
 * change of the first byte); it also maps codes never drawn, which is
 * harmless. It is written into the first font's own ToUnicode stream. */
static int write_tounicode(struct pdf_ctx *c, HPDF_Dict cmap)
{
    uint8_t blocks[256] = {0};
    int n = 0;
    for (int i = 0; i < c->nslots; i++)
        for (uint32_t cp = 0x20; cp <= c->slots[i].max_cp && !c->slots[i].simple; cp++)
            if (has_cp(&c->slots[i], cp) && !blocks[cp >> 8]) {
                blocks[cp >> 8] = 1;
                n++;
            }
    /* libharu gave it the keys of an encoding CMap (Type, CMapName UTF-8,
     * CIDSystemInfo Adobe-Identity-H, WMode); a ToUnicode stream needs none. */
    dict_remove(cmap, "Type");
    dict_remove(cmap, "CMapName");
    dict_remove(cmap, "CIDSystemInfo");
    dict_remove(cmap, "WMode");
    char buf[600 + 256 * 22];
    int len = snprintf(buf, sizeof buf,
                       TOUNICODE_HEAD
                       "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    for (int b = 0, done = 0; b < 256; b++) {
        if (!blocks[b])
            continue;
        if (done % 100 == 0)
            len += snprintf(buf + len, sizeof buf - (size_t)len, "%s%d beginbfrange\n", done ? "endbfrange\n" : "",
                            n - done < 100 ? n - done : 100);
        len += snprintf(buf + len, sizeof buf - (size_t)len, "<%02X00> <%02XFF> <%02X00>\n", b, b, b);
        done++;
    }
    len += snprintf(buf + len, sizeof buf - (size_t)len,
                    "%sendcmap\n"
                    "CMapName currentdict /CMap defineresource pop\n"
                    "end\n"
                    "end\n",
                    n ? "endbfrange\n" : "");
    if (hpdf_failed(c, stream_set(cmap, buf, (size_t)len)))
        return check(c, "cannot write the ToUnicode map");
    return 0;
}

/* A simple font's Widths, from FirstChar to LastChar (the codes drawn;
 * codes between them not drawn are 0), and its encoding. libharu would
 * write all of 32..255, from widths it rounds down; its writer for them is
 * switched off. */
static int write_simple_widths(struct pdf_ctx *c, const struct font_slot *s)
{
    int first = 256, last = -1, w[256] = {0};
    for (uint32_t cp = 0x20; cp <= s->max_cp; cp++)
        if (has_cp(s, cp)) {
            int b = winansi_code(cp);
            w[b] = cp_width(c, s, cp);
            first = b < first ? b : first;
            last = b > last ? b : last;
        }
    HPDF_Dict font = s->font;
    font->write_fn = NULL;
    dict_remove(font, "FirstChar");
    dict_remove(font, "LastChar");
    dict_remove(font, "MissingWidth");
    HPDF_STATUS r = HPDF_Dict_AddNumber(font, "FirstChar", first);
    r += HPDF_Dict_AddNumber(font, "LastChar", last);
    HPDF_Array arr = HPDF_Array_New(c->pdf->mmgr);
    r += HPDF_Dict_Add(font, "Widths", arr);
    for (int b = first; b <= last && r == HPDF_OK; b++)
        r += HPDF_Array_AddNumber(arr, w[b]);
    r += HPDF_Dict_AddName(font, "Encoding", "WinAnsiEncoding");
    if (hpdf_failed(c, r))
        return check(c, "cannot write the font widths");
    return 0;
}

/* The ToUnicode map of the simple fonts, one for all: WinAnsiEncoding's
 * ASCII and Latin-1 parts as ranges, and the codes of 0x80..0x9F drawn.
 * (Readers can map WinAnsiEncoding without it, but a ToUnicode map leaves
 * nothing to guess.) */
static int write_simple_tounicode(struct pdf_ctx *c)
{
    HPDF_Dict cmap = NULL;
    uint8_t used[32] = {0};
    int n = 0;
    for (int i = 0; i < c->nslots; i++) {
        if (!c->slots[i].simple || !c->slots[i].font)
            continue;
        if (!cmap) {
            cmap = HPDF_DictStream_New(c->pdf->mmgr, c->pdf->xref);
            if (!cmap)
                return check(c, "cannot make the ToUnicode map") ? -1 : fail(c, "out of memory");
        }
        if (hpdf_failed(c, HPDF_Dict_Add(c->slots[i].font, "ToUnicode", cmap)))
            return check(c, "cannot make the ToUnicode map");
        for (int k = 0; k < 32; k++)
            if (winansi_high[k] && has_cp(&c->slots[i], winansi_high[k]) && !used[k]++)
                n++;
    }
    if (!cmap)
        return 0;
    char buf[1200];
    int len = snprintf(buf, sizeof buf,
                       TOUNICODE_HEAD
                       "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n"
                       "2 beginbfrange\n<20> <7E> <0020>\n<A0> <FF> <00A0>\nendbfrange\n");
    if (n) {
        len += snprintf(buf + len, sizeof buf - (size_t)len, "%d beginbfchar\n", n);
        for (int k = 0; k < 32; k++)
            if (used[k])
                len += snprintf(buf + len, sizeof buf - (size_t)len, "<%02X> <%04X>\n", 0x80 + k,
                                (unsigned)winansi_high[k]);
        len += snprintf(buf + len, sizeof buf - (size_t)len, "endbfchar\n");
    }
    len += snprintf(buf + len, sizeof buf - (size_t)len,
                    "endcmap\n"
                    "CMapName currentdict /CMap defineresource pop\n"
                    "end\n"
                    "end\n");
    if (hpdf_failed(c, stream_set(cmap, buf, (size_t)len)))
        return check(c, "cannot write the ToUnicode map");
    return 0;
}

/* The font descriptor and the font program. libharu makes the descriptor
 * when it saves, with a font file rebuilt from the file it loaded; it is
 * made here instead without that file (the program is HarfBuzz's subset,
 * embedded as it is), and libharu's hook is cleared so it is not redone.
 * `spare` is a stream object libharu made that is not needed any more (a
 * ToUnicode map): it becomes the font file rather than an empty object. */
static int embed_font(struct pdf_ctx *c, struct font_slot *s, HPDF_Dict spare)
{
    HPDF_FontAttr fa = s->font->attr;
    HPDF_TTFontDefAttr ta = fa->fontdef->attr;
    HPDF_STATUS r;
    if (!s->font->before_write_fn)
        return fail(c, "cannot embed font %s: unexpected libharu font", s->path);
    /* libharu's embedding flag stays off from here on: it only makes libharu
     * build a font file of its own (not wanted: the program is HarfBuzz's
     * subset) and, for each glyph measured the first time, walk the glyph's
     * components in the loaded font to mark them for that file. The walk
     * seeks to the end of the glyph, and libharu's memory stream refuses a
     * seek to the end of data that fills its buffers exactly: a composite
     * glyph that ends the font (é in a subset of "Renée") left
     * HPDF_INVALID_OBJECT set, failing the page at the next check. (The
     * flag was needed on: HPDF_GetFont makes a Type0 font's CIDToGIDMap
     * stream only for an embedded font.) */
    ta->embedding = HPDF_FALSE;
    r = s->font->before_write_fn(s->font);
    s->font->before_write_fn = NULL;
    HPDF_Dict desc = fa->fontdef->descriptor;
    if (hpdf_failed(c, r) || !desc)
        return check(c, "cannot make the font descriptor") ? -1 : fail(c, "cannot make the font descriptor");

    /* CapHeight is required (ISO 32000-1 Table 122) and libharu leaves it
     * out of CID fonts; it and XHeight come from the whole face here (libharu
     * measures H and x, which the subset may lack). */
    hb_font_t *font = hb_font_create(fontset_hb_face(c->fs, s->face));
    hb_position_t cap = 0, xh = 0;
    hb_ot_metrics_get_position_with_fallback(font, HB_OT_METRICS_TAG_CAP_HEIGHT, &cap);
    hb_ot_metrics_get_position_with_fallback(font, HB_OT_METRICS_TAG_X_HEIGHT, &xh);
    double upem = hb_face_get_upem(fontset_hb_face(c->fs, s->face));
    hb_font_destroy(font);
    r = HPDF_Dict_AddNumber(desc, "CapHeight", upem > 0 ? (HPDF_INT32)lround(cap * 1000 / upem) : 0);
    r += HPDF_Dict_AddNumber(desc, "XHeight", upem > 0 ? (HPDF_INT32)lround(xh * 1000 / upem) : 0);

    HPDF_Dict file = spare;
    if (file) {
        dict_remove(file, "Type");
        dict_remove(file, "CMapName");
        dict_remove(file, "CIDSystemInfo");
        dict_remove(file, "WMode");
    } else {
        file = HPDF_DictStream_New(c->pdf->mmgr, c->pdf->xref);
        if (!file)
            return check(c, "cannot embed a font") ? -1 : fail(c, "out of memory");
    }
    unsigned len = 0;
    const char *data = hb_blob_get_data(s->program, &len);
    r += stream_set(file, data, len);
    r += HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)len);
    r += HPDF_Dict_Add(desc, "FontFile2", file);
    if (hpdf_failed(c, r))
        return check(c, "cannot embed a font");
    return 0;
}

/* Whether a slot can be a simple TrueType font with WinAnsiEncoding: its
 * text is then written one byte a character in literal strings, which
 * deflate to about a fifth less than a Type0 font's four hex digits (the
 * 50-topic booklet: 370 KB all Type0, 323 KB so). */
static int can_be_simple(const struct font_slot *s)
{
    for (uint32_t cp = 0x20; cp <= s->max_cp; cp++)
        if (has_cp(s, cp) && winansi_code(cp) < 0)
            return 0;
    return 1;
}

static int load_fonts(struct pdf_ctx *c)
{
    HPDF_Dict tounicode = NULL;
    for (int i = 0; i < c->nslots; i++) {
        struct font_slot *s = &c->slots[i];
        if (!s->max_cp)
            continue; /* nothing drawable: no font */
        s->simple = can_be_simple(s);
        hb_blob_t *metrics;
        if (subset_font(c, s, &metrics, &s->program) < 0)
            return -1;
        HPDF_FontDef def = load_fontdef(c, metrics, i);
        hb_blob_destroy(metrics);
        if (!def || HPDF_GetError(c->pdf)) {
            HPDF_STATUS e = HPDF_GetError(c->pdf) ? HPDF_GetError(c->pdf) : HPDF_INVALID_FONTDEF_DATA;
            c->err = c->err ? c->err : e;
            return fail(c, "cannot embed font %s: %s (libharu error 0x%04X)", s->path, hpdf_error_text(e),
                        (unsigned)e);
        }
        if (s->simple && (def->flags & HPDF_FONT_SYMBOLIC)) {
            /* A symbolic font's codes are not looked up by name: Type0. */
            s->simple = 0;
            hb_blob_destroy(s->program);
            if (subset_font(c, s, &metrics, &s->program) < 0)
                return -1;
            hb_blob_destroy(metrics);
        }
        if (!s->simple && !utf8_encoder(c))
            return check(c, "cannot start the UTF-8 encoder") ? -1 : fail(c, "no UTF-8 encoder");
        s->font = HPDF_GetFont(c->pdf, def->base_font, s->simple ? "WinAnsiEncoding" : "UTF-8");
        if (!s->font || c->err)
            return check(c, s->path) ? -1 : fail(c, "cannot use font %s", s->path);
        HPDF_FontAttr fa = s->font->attr;
        if (s->simple) {
            if (fa->type != HPDF_FONT_TRUETYPE)
                return fail(c, "cannot use font %s: unexpected libharu font", s->path);
            if (write_simple_widths(c, s) < 0 || embed_font(c, s, NULL) < 0)
                return -1;
            continue;
        }
        if (fa->fontdef->type != HPDF_FONTDEF_TYPE_TRUETYPE || !fa->descendant_font || !fa->cmap_stream)
            return fail(c, "cannot use font %s: unexpected libharu font", s->path);
        /* One ToUnicode map for all: the first font's; the others' own
         * streams become their font files. */
        HPDF_Dict spare = NULL;
        if (!tounicode) {
            tounicode = fa->cmap_stream;
        } else {
            spare = fa->cmap_stream;
            if (hpdf_failed(c, HPDF_Dict_Add(s->font, "ToUnicode", tounicode)))
                return check(c, "cannot share the ToUnicode map");
        }
        /* libharu writes Ordering (Identity-H); Identity-H's is Identity. */
        HPDF_Dict info = HPDF_Dict_GetItem(fa->descendant_font, "CIDSystemInfo", HPDF_OCLASS_DICT);
        if (info &&
            hpdf_failed(c, HPDF_Dict_Add(info, "Ordering", HPDF_String_New(c->pdf->mmgr, "Identity", NULL))))
            return check(c, s->path);
        if (write_widths(c, s, fa->descendant_font) < 0 || write_cid_map(c, s) < 0 || embed_font(c, s, spare) < 0)
            return -1;
    }
    if (tounicode && write_tounicode(c, tounicode) < 0)
        return -1;
    return write_simple_tounicode(c);
}

/* ---- images ------------------------------------------------------------ */

/* PNG files are decoded here with libpng's simplified API and handed to
 * libharu as raw 8-bit samples (plus an alpha soft mask). libharu's own PNG
 * loader cannot be used: its libpng error callback returns, so libpng
 * abort()s on a corrupt file; it rejects interlaced files; and it writes
 * 16-bit files as truncated images. Palette images become RGB, which Flate
 * compresses well enough for leaflet pictures. */
enum { MAX_IMAGE_PIXELS = 40 * 1000 * 1000 };

static HPDF_Image load_png(struct pdf_ctx *c, const char *path)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path)) {
        fail(c, "cannot use image %s: %s", path, img.message);
        return NULL;
    }
    if ((uint64_t)img.width * img.height > MAX_IMAGE_PIXELS) {
        png_image_free(&img);
        fail(c, "cannot use image %s: %ux%u pixels is more than a leaflet needs (limit %d million)", path,
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
        fail(c, "cannot use image %s: out of memory", path);
        return NULL;
    }
    if (!png_image_finish_read(&img, NULL, buf, 0, NULL)) {
        fail(c, "cannot use image %s: %s", path, img.message);
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
            fail(c, "cannot use image %s: out of memory", path);
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

static HPDF_Image load_image(struct pdf_ctx *c, const char *path)
{
    for (int i = 0; i < c->nimages; i++)
        if (strcmp(c->images[i].path, path) == 0)
            return c->images[i].image;

    unsigned char magic[8] = {0};
    FILE *f = fopen(path, "rb");
    if (!f) {
        struct errbuf eb;
        fail(c, "cannot read image %s: %s", path, errstr(errno, &eb));
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
        fail(c, "cannot use image %s: not a PNG or JPEG file", path);
        return NULL;
    }
    if (!img || c->err) {
        fail(c, "cannot use image %s: %s (libharu error 0x%04X)", path,
             hpdf_error_text(c->err ? c->err : HPDF_INVALID_IMAGE), (unsigned)c->err);
        return NULL;
    }
    if (c->nimages == c->cap_images) {
        int cap = c->cap_images ? c->cap_images * 2 : 8;
        struct image_slot *p = realloc(c->images, (size_t)cap * sizeof *p);
        if (!p) {
            fail(c, "out of memory");
            return NULL;
        }
        c->images = p;
        c->cap_images = cap;
    }
    c->images[c->nimages++] = (struct image_slot){path, img};
    return img;
}

/* ---- drawing ----------------------------------------------------------- */

/* What the content stream has set, to avoid repeating operators. */
struct gstate {
    int in_text;
    HPDF_Font font;
    double size;
    uint32_t fill, stroke;
    double line_width;
    int pen;                 /* in a text object, and pen_x/pen_y known */
    double pen_x, pen_y;     /* where the last text shown ended */
};
#define UNSET_COLOR 0xFFFFFFFEu

/* Text not drawn yet: runs that continue one another on a line in the same
 * style are shown as one string. */
struct run {
    int active;
    int slot;
    HPDF_Font font;
    double size;
    uint32_t fill;
    double x, y;             /* where it starts (on the grid) */
    double end;              /* where it ends, by the PDF's widths */
};

/* Text that starts this close (pt) to where the previous text ended is
 * shown from there, without a move: the widths in the PDF are the layout's
 * advances rounded to 1/1000 em, so this is at most a rounding error. */
#define SAME_PLACE 0.05

/* A colour component with three decimals, which still give back the 8-bit
 * value (the error is under half of 1/255); libharu then prints three
 * digits, not five. */
static HPDF_REAL channel(uint32_t rgb, int shift)
{
    return (HPDF_REAL)(floor(((rgb >> shift) & 255) / 255.0 * 1000 + 0.5) / 1000);
}

/* Neutral colours are set as gray (g, G): one number instead of three,
 * the same colour, and a printer draws them with black ink alone. */
static int is_gray(uint32_t rgb)
{
    return ((rgb >> 16) & 255) == (rgb & 255) && ((rgb >> 8) & 255) == (rgb & 255);
}

static void set_fill(HPDF_Page p, struct gstate *g, uint32_t rgb)
{
    if (g->fill == rgb)
        return;
    if (is_gray(rgb))
        HPDF_Page_SetGrayFill(p, channel(rgb, 0));
    else
        HPDF_Page_SetRGBFill(p, channel(rgb, 16), channel(rgb, 8), channel(rgb, 0));
    g->fill = rgb;
}

static void set_stroke(HPDF_Page p, struct gstate *g, uint32_t rgb, double width)
{
    if (g->stroke != rgb) {
        if (is_gray(rgb))
            HPDF_Page_SetGrayStroke(p, channel(rgb, 0));
        else
            HPDF_Page_SetRGBStroke(p, channel(rgb, 16), channel(rgb, 8), channel(rgb, 0));
        g->stroke = rgb;
    }
    if (g->line_width != width) {
        HPDF_Page_SetLineWidth(p, (HPDF_REAL)width);
        g->line_width = width;
    }
}

static void end_text(HPDF_Page p, struct gstate *g)
{
    if (g->in_text) {
        HPDF_Page_EndText(p);
        g->in_text = 0;
        g->pen = 0;
    }
}

/* Adds text to c->run; returns -1 on OOM. */
static int run_append(struct pdf_ctx *c, const char *t)
{
    size_t n = strlen(t);
    if (c->run_len + n + 1 > c->run_cap) {
        size_t cap = c->run_cap ? c->run_cap : 256;
        while (cap < c->run_len + n + 1)
            cap *= 2;
        char *p = realloc(c->run, cap);
        if (!p)
            return -1;
        c->run = p;
        c->run_cap = cap;
    }
    memcpy(c->run + c->run_len, t, n + 1);
    c->run_len += n;
    return 0;
}

/* Draws the pending run. */
static void run_flush(struct pdf_ctx *c, HPDF_Page p, struct gstate *g, struct run *r)
{
    if (!r->active)
        return;
    r->active = 0;
    if (!g->in_text) {
        HPDF_Page_BeginText(p);
        g->in_text = 1;
        g->pen = 0;
    }
    if (r->font != g->font || r->size != g->size) {
        HPDF_Page_SetFontAndSize(p, r->font, (HPDF_REAL)r->size);
        g->font = r->font;
        g->size = r->size;
    }
    set_fill(p, g, r->fill);
    double x = r->x;
    if (g->pen && g->pen_y == r->y && fabs(g->pen_x - r->x) < SAME_PLACE) {
        HPDF_Page_ShowText(p, c->run);
        x = g->pen_x;
    } else {
        HPDF_Page_TextOut(p, (HPDF_REAL)r->x, (HPDF_REAL)r->y, c->run);
    }
    g->pen = 1;
    g->pen_x = x + (r->end - r->x);
    g->pen_y = r->y;
    c->run_len = 0;
}

/* Queues a text item: it joins the pending run when it continues it. */
static int run_text(struct pdf_ctx *c, HPDF_Page p, struct gstate *g, struct run *r, const struct page_item *it,
                    const char *t)
{
    int si = c->face_slot[it->face];
    const struct font_slot *s = &c->slots[si];
    double x = grid(it->x), y = grid(it->y);
    double w = (double)text_width(c, s, t) * it->size / 1000;
    if (s->simple)
        to_winansi((char *)t); /* t is c->scratch */
    if (!(r->active && r->slot == si && r->size == it->size && r->fill == it->fill && r->y == y &&
          fabs(r->end - x) < SAME_PLACE && c->run_len + strlen(t) < 30000)) {
        run_flush(c, p, g, r);
        *r = (struct run){1, si, s->font, it->size, it->fill, x, y, x};
    }
    r->end += w;
    return run_append(c, t);
}

/* A destination that keeps the reader's zoom, [page /XYZ 0 top null], as
 * a direct array (libharu's HPDF_Destination is an object of its own, and
 * its SetXYZ refuses zoom 0). The top is rounded up to a whole point. */
static HPDF_Array make_dest(struct pdf_ctx *c, int page, double top)
{
    double h = c->doc->pages[page].height;
    if (!(top >= 0))
        top = 0;
    if (top > h)
        top = h;
    HPDF_Array dst = HPDF_Array_New(c->pdf->mmgr);
    if (!dst)
        return NULL;
    HPDF_STATUS r = HPDF_Array_Add(dst, c->pages[page]);
    r += HPDF_Array_AddName(dst, "XYZ");
    r += HPDF_Array_AddNumber(dst, 0);
    r += HPDF_Array_AddNumber(dst, (HPDF_INT32)ceil(top));
    r += HPDF_Array_Add(dst, HPDF_Null_New(c->pdf->mmgr));
    if (r != HPDF_OK) {
        HPDF_Array_Free(dst);
        return NULL;
    }
    return dst;
}

/* URIs in a PDF are 7-bit ASCII: percent-encode everything else. */
static char *uri_ascii(const char *uri)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(uri);
    char *o = malloc(n * 3 + 1), *p = o;
    if (!o)
        return NULL;
    for (const unsigned char *s = (const unsigned char *)uri; *s; s++) {
        if (*s <= 0x20 || *s >= 0x7F || strchr("\"<>\\^`{|}", *s)) {
            *p++ = '%';
            *p++ = hex[*s >> 4];
            *p++ = hex[*s & 15];
        } else {
            *p++ = (char)*s;
        }
    }
    *p = '\0';
    return o;
}

/* Records a link item; the layout gives one per piece of a line (each word
 * of a link text, each piece of a broken address): pieces of the same link
 * on the same line become one annotation. */
static int add_link(struct pdf_ctx *c, int pi, const struct page_item *it)
{
    struct link l = {pi, it->x, it->y, it->x + it->w, it->y + it->h, it->text, it->dest_page, it->dest_y};
    if (l.x0 > l.x1) {
        double t = l.x0;
        l.x0 = l.x1, l.x1 = t;
    }
    if (l.y0 > l.y1) {
        double t = l.y0;
        l.y0 = l.y1, l.y1 = t;
    }
    if (c->nlinks) {
        struct link *q = &c->links[c->nlinks - 1];
        int same = q->page == pi && (q->uri && l.uri ? q->uri == l.uri || strcmp(q->uri, l.uri) == 0
                                                     : !q->uri && !l.uri && q->dest_page == l.dest_page &&
                                                           q->dest_y == l.dest_y);
        /* On the same line at most half a line height apart (a space), or
         * the same width one right under the other. */
        double gap = (l.y1 - l.y0) / 2;
        int line = fabs(q->y0 - l.y0) < 0.01 && fabs(q->y1 - l.y1) < 0.01 && l.x0 <= q->x1 + gap &&
                   l.x1 >= q->x0 - gap;
        int stack = fabs(q->x0 - l.x0) < 0.01 && fabs(q->x1 - l.x1) < 0.01 && l.y0 <= q->y1 + 0.01 &&
                    l.y1 >= q->y0 - 0.01;
        if (same && (line || stack)) {
            q->x0 = fmin(q->x0, l.x0);
            q->x1 = fmax(q->x1, l.x1);
            q->y0 = fmin(q->y0, l.y0);
            q->y1 = fmax(q->y1, l.y1);
            return 0;
        }
    }
    if (c->nlinks == c->cap_links) {
        int cap = c->cap_links ? c->cap_links * 2 : 16;
        struct link *p = realloc(c->links, (size_t)cap * sizeof *p);
        if (!p)
            return fail(c, "out of memory");
        c->links = p;
        c->cap_links = cap;
    }
    c->links[c->nlinks++] = l;
    return 0;
}

static struct action *find_action(struct pdf_ctx *c, const char *uri)
{
    for (int i = 0; i < c->nactions; i++)
        if (strcmp(c->actions[i].uri, uri) == 0)
            return &c->actions[i];
    return NULL;
}

/* Writes the link annotations: the rectangle on whole points, no border,
 * a direct destination, and the URI action shared by the links to the same
 * address. (libharu's own link annotations would add a destination object
 * each, /P and /Type.) */
static int write_links(struct pdf_ctx *c)
{
    if (!c->nlinks)
        return 0;
    c->actions = calloc((size_t)c->nlinks, sizeof *c->actions);
    if (!c->actions)
        return fail(c, "out of memory");
    for (int i = 0; i < c->nlinks; i++) {
        const char *uri = c->links[i].uri;
        if (!uri)
            continue;
        struct action *a = find_action(c, uri);
        if (!a) {
            a = &c->actions[c->nactions++];
            a->uri = uri;
        }
        a->uses++;
    }
    HPDF_MMgr mm = c->pdf->mmgr;
    for (int i = 0; i < c->nlinks; i++) {
        const struct link *l = &c->links[i];
        HPDF_Page p = c->pages[l->page];
        HPDF_Rect rect = {(HPDF_REAL)floor(l->x0 + 0.5), (HPDF_REAL)floor(l->y0 + 0.5),
                          (HPDF_REAL)floor(l->x1 + 0.5), (HPDF_REAL)floor(l->y1 + 0.5)};
        HPDF_Annotation a = HPDF_Annotation_New(mm, c->pdf->xref, HPDF_ANNOT_LINK, rect);
        if (!a)
            return check(c, "links") ? -1 : fail(c, "cannot make a link");
        dict_remove(a, "Type"); /* optional for annotations */
        HPDF_STATUS r = HPDF_OK;
        HPDF_Array annots = HPDF_Dict_GetItem(p, "Annots", HPDF_OCLASS_ARRAY);
        if (!annots) {
            annots = HPDF_Array_New(mm);
            r += HPDF_Dict_Add(p, "Annots", annots);
        }
        r += HPDF_Array_Add(annots, a);
        r += HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0);
        if (l->uri) {
            struct action *act = find_action(c, l->uri);
            HPDF_Dict d = act->dict;
            if (!d) {
                char *uri = uri_ascii(l->uri);
                if (!uri)
                    return fail(c, "out of memory");
                d = HPDF_Dict_New(mm);
                if (d && act->uses > 1) {
                    r += HPDF_Xref_Add(c->pdf->xref, d);
                    act->dict = d;
                }
                r += HPDF_Dict_AddName(d, "S", "URI");
                r += HPDF_Dict_Add(d, "URI", HPDF_String_New(mm, uri, NULL));
                free(uri);
            }
            r += HPDF_Dict_Add(a, "A", d);
        } else {
            if (l->dest_page < 0 || l->dest_page >= c->doc->page_count)
                return fail(c, "page %d: link to page %d, but the document has %d", l->page + 1,
                            l->dest_page + 1, c->doc->page_count);
            HPDF_Array dst = make_dest(c, l->dest_page, l->dest_y);
            r += dst ? HPDF_Dict_Add(a, "Dest", dst) : HPDF_FAILD_TO_ALLOC_MEM;
        }
        if (hpdf_failed(c, r))
            return check(c, "links") ? -1 : fail(c, "cannot make a link");
    }
    return 0;
}

struct box {
    double x0, y0, x1, y1;
};

static int boxes_overlap(const struct box *a, const struct box *b)
{
    const double e = 0.01;
    return a->x0 < b->x1 - e && b->x0 < a->x1 - e && a->y0 < b->y1 - e && b->y0 < a->y1 - e;
}

/* Where an item can leave ink; returns 0 for items that draw nothing. */
static int item_box(const struct pdf_ctx *c, const struct page_item *it, struct box *b)
{
    double m;
    switch (it->kind) {
    case PAGE_TEXT:
        /* The advance box from the font's descent to its ascent, a tenth
         * of the size wider each side for overhangs. */
        m = it->size / 10;
        *b = (struct box){it->x - m, it->y - fontset_descent(c->fs, it->face) * it->size, it->x + it->w + m,
                          it->y + fontset_ascent(c->fs, it->face) * it->size};
        return 1;
    case PAGE_RECT:
    case PAGE_LINE:
    case PAGE_IMAGE:
        m = it->kind != PAGE_IMAGE && it->stroke != PAGE_NO_COLOR ? it->line_width / 2 : 0;
        *b = (struct box){fmin(it->x, it->x + it->w) - m, fmin(it->y, it->y + it->h) - m,
                          fmax(it->x, it->x + it->w) + m, fmax(it->y, it->y + it->h) + m};
        return 1;
    default:
        return 0;
    }
}

/* Paths and images cannot be drawn inside a text object, so each one ends
 * the text object, and the next text starts again with an absolute move, a
 * font and a colour. A rule, box or image that overlaps nothing drawn
 * before it on the page (text, or such items that stay in place) looks the
 * same drawn before all the text: those are marked `early`. */
static int plan_page(struct pdf_ctx *c, const struct page *pg, uint8_t **early)
{
    int n = 0;
    for (const struct page_item *it = pg->items; it; it = it->next)
        n++;
    *early = calloc((size_t)n + 1, 1);
    struct box *before = malloc(((size_t)n + 1) * sizeof *before);
    if (!*early || !before) {
        free(before);
        return fail(c, "out of memory");
    }
    int nb = 0, i = 0;
    for (const struct page_item *it = pg->items; it; it = it->next, i++) {
        struct box b;
        if (!item_box(c, it, &b) || !isfinite(b.x0 + b.x1 + b.y0 + b.y1))
            continue;
        int clear = it->kind != PAGE_TEXT;
        for (int k = 0; clear && k < nb; k++)
            clear = !boxes_overlap(&b, &before[k]);
        if (clear)
            (*early)[i] = 1;
        else
            before[nb++] = b;
    }
    free(before);
    return 0;
}

static int draw_item(struct pdf_ctx *c, int pi, HPDF_Page p, struct gstate *g, struct run *run,
                     const struct page_item *it)
{
    switch (it->kind) {
    case PAGE_TEXT: {
        if (!it->text || !*it->text)
            break;
        if (it->size <= 0 || it->size > 1000)
            return fail(c, "page %d: invalid font size %g", pi + 1, it->size);
        const char *t = clean_text(c, it->text);
        if (!t)
            return fail(c, "out of memory");
        if (!*t)
            break;
        struct page_item copy = *it;
        if (copy.fill == PAGE_NO_COLOR)
            copy.fill = 0x000000;
        if (run_text(c, p, g, run, &copy, t) < 0)
            return fail(c, "out of memory");
        break;
    }
    case PAGE_RECT: {
        int fill = it->fill != PAGE_NO_COLOR;
        int stroke = it->stroke != PAGE_NO_COLOR && it->line_width > 0;
        if (!fill && !stroke)
            break;
        run_flush(c, p, g, run);
        end_text(p, g);
        if (fill)
            set_fill(p, g, it->fill);
        if (stroke)
            set_stroke(p, g, it->stroke, it->line_width);
        double x0 = grid(it->x), y0 = grid(it->y);
        HPDF_Page_Rectangle(p, (HPDF_REAL)x0, (HPDF_REAL)y0, (HPDF_REAL)(grid(it->x + it->w) - x0),
                            (HPDF_REAL)(grid(it->y + it->h) - y0));
        if (fill && stroke)
            HPDF_Page_FillStroke(p);
        else if (fill)
            HPDF_Page_Fill(p);
        else
            HPDF_Page_Stroke(p);
        break;
    }
    case PAGE_LINE:
        if (it->stroke == PAGE_NO_COLOR || it->line_width <= 0)
            break;
        run_flush(c, p, g, run);
        end_text(p, g);
        set_stroke(p, g, it->stroke, it->line_width);
        HPDF_Page_MoveTo(p, (HPDF_REAL)grid(it->x), (HPDF_REAL)grid(it->y));
        HPDF_Page_LineTo(p, (HPDF_REAL)grid(it->x + it->w), (HPDF_REAL)grid(it->y + it->h));
        HPDF_Page_Stroke(p);
        break;
    case PAGE_IMAGE: {
        if (!it->text)
            return fail(c, "page %d: image without a file name", pi + 1);
        HPDF_Image img = load_image(c, it->text);
        if (!img)
            return -1;
        run_flush(c, p, g, run);
        end_text(p, g);
        HPDF_Page_DrawImage(p, img, (HPDF_REAL)it->x, (HPDF_REAL)it->y, (HPDF_REAL)it->w, (HPDF_REAL)it->h);
        break;
    }
    case PAGE_LINK:
        if (it->text && !*it->text) {
            diag_add(c->d, DIAG_WARNING, c->path, 0, 0, "page %d: a link has an empty address; left out", pi + 1);
            break;
        }
        if (!it->text && (it->dest_page < 0 || it->dest_page >= c->doc->page_count))
            return fail(c, "page %d: link to page %d, but the document has %d", pi + 1, it->dest_page + 1,
                        c->doc->page_count);
        if (add_link(c, pi, it) < 0)
            return -1;
        break;
    }
    return 0;
}

static int draw_page(struct pdf_ctx *c, int pi)
{
    const struct page *pg = &c->doc->pages[pi];
    HPDF_Page p = c->pages[pi];
    struct gstate g = {0, NULL, 0, UNSET_COLOR, UNSET_COLOR, -1, 0, 0, 0};
    struct run run = {0};
    char what[64];
    snprintf(what, sizeof what, "page %d", pi + 1);

    for (const struct page_item *it = pg->items; it; it = it->next)
        if (!isfinite(it->x) || !isfinite(it->y) || !isfinite(it->w) || !isfinite(it->h) ||
            !isfinite(it->line_width))
            return fail(c, "page %d: an item has no valid position or size", pi + 1);
    uint8_t *early;
    if (plan_page(c, pg, &early) < 0)
        return -1;
    int rc = 0;
    for (int pass = 0; pass < 2 && !rc; pass++) {
        int i = 0;
        for (const struct page_item *it = pg->items; it && !rc; it = it->next, i++) {
            if (early[i] != (pass == 0))
                continue;
            rc = draw_item(c, pi, p, &g, &run, it);
            if (!rc)
                rc = check(c, what);
        }
    }
    free(early);
    if (rc)
        return -1;
    run_flush(c, p, &g, &run);
    end_text(p, &g);
    return check(c, what);
}

/* ---- document ---------------------------------------------------------- */

static int add_outline(struct pdf_ctx *c)
{
    HPDF_Outline stack[MAX_OUTLINE_DEPTH];
    int levels[MAX_OUTLINE_DEPTH];
    int depth = 0, any = 0;
    for (int pi = 0; pi < c->doc->page_count; pi++) {
        for (const struct page_mark *m = c->doc->pages[pi].marks; m; m = m->next) {
            while (depth > 0 && levels[depth - 1] >= m->level)
                depth--;
            const char *t = clean_text(c, m->title ? m->title : "");
            if (!t)
                return fail(c, "out of memory");
            HPDF_Outline o = HPDF_CreateOutline(c->pdf, depth ? stack[depth - 1] : NULL, t,
                                                encoder_for(c, t));
            HPDF_Array dst = o ? make_dest(c, pi, m->y) : NULL;
            if (!dst || hpdf_failed(c, HPDF_Dict_Add(o, "Dest", dst)))
                return check(c, "outline") ? -1 : fail(c, "cannot make the outline");
            /* Only the outline root has a /Type; libharu gives every item one. */
            dict_remove(o, "Type");
            HPDF_Outline_SetOpened(o, HPDF_TRUE);
            if (depth == MAX_OUTLINE_DEPTH)
                depth--;
            stack[depth] = o;
            levels[depth++] = m->level;
            any = 1;
        }
    }
    if (any)
        HPDF_SetPageMode(c->pdf, HPDF_PAGE_MODE_USE_OUTLINE);
    return check(c, "outline");
}

static int add_labels(struct pdf_ctx *c)
{
    const struct doc *doc = c->doc;
    int prev = -1;
    for (int i = 0; i < doc->label_count; i++) {
        const struct page_label *l = &doc->labels[i];
        if (l->first <= prev || l->first >= doc->page_count)
            return fail(c, "page label %d starts at page %d: labels must be in page order, within %d pages",
                        i + 1, l->first + 1, doc->page_count);
        /* The number tree must start at page 0. */
        if (i == 0 && l->first > 0)
            HPDF_AddPageLabel(c->pdf, 0, HPDF_PAGE_NUM_STYLE_DECIMAL, 1, NULL);
        HPDF_AddPageLabel(c->pdf, (HPDF_UINT)l->first,
                          l->style == LABEL_ROMAN_LOWER ? HPDF_PAGE_NUM_STYLE_LOWER_ROMAN
                                                        : HPDF_PAGE_NUM_STYLE_DECIMAL,
                          (HPDF_UINT)(l->start > 0 ? l->start : 1), NULL);
        prev = l->first;
    }
    return check(c, "page labels");
}


static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

/* The document date: SOURCE_DATE_EPOCH (UTC) wins, then info.date at
 * midnight UTC. Returns 1 and fills *out, 0 for none, -1 on error. */
static int doc_date(struct pdf_ctx *c, HPDF_Date *out)
{
    memset(out, 0, sizeof *out);
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        char *end;
        errno = 0;
        long long v = strtoll(sde, &end, 10);
        if (errno || *end || v < 0 || v > 253402300799LL || sde[0] == '-' || sde[0] == '+' || sde[0] == ' ')
            return fail(c, "SOURCE_DATE_EPOCH=\"%s\" is not a number of seconds since 1970", sde);
        time_t t = (time_t)v;
        struct tm tm;
        if (!gmtime_r(&t, &tm))
            return fail(c, "SOURCE_DATE_EPOCH=\"%s\" is out of range", sde);
        *out = (HPDF_Date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                           tm.tm_sec, 'Z', 0, 0};
        return 1;
    }
    const char *s = c->doc->info.date;
    if (!s || !*s)
        return 0;
    int y, m, d, n = 0;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 || s[4] != '-' ||
        y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) {
        diag_add(c->d, DIAG_WARNING, c->path, 0, 0, "date \"%s\" is not YYYY-MM-DD; the PDF has no date", s);
        return 0;
    }
    *out = (HPDF_Date){y, m, d, 0, 0, 0, 'Z', 0, 0};
    return 1;
}


static int add_info(struct pdf_ctx *c)
{
    const struct doc_info *in = &c->doc->info;
    const struct {
        HPDF_InfoType type;
        const char *value;
    } attrs[] = {
        {HPDF_INFO_TITLE, in->title},
        {HPDF_INFO_AUTHOR, in->author},
        {HPDF_INFO_SUBJECT, in->subject},
        {HPDF_INFO_KEYWORDS, in->keywords},
        {HPDF_INFO_PRODUCER, "handout"}, /* not libharu's long name; no Creator */
    };
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++) {
        if (!attrs[i].value || !*attrs[i].value)
            continue;
        const char *t = clean_text(c, attrs[i].value);
        if (!t)
            return fail(c, "out of memory");
        /* HPDF_SetInfoAttr encodes with the current encoder. */
        c->pdf->cur_encoder = encoder_for(c, t);
        HPDF_SetInfoAttr(c->pdf, attrs[i].type, t);
        c->pdf->cur_encoder = NULL;
    }
    HPDF_Date date;
    int has = doc_date(c, &date);
    if (has < 0)
        return -1;
    if (has) /* a ModDate would only repeat it */
        HPDF_SetInfoDateAttr(c->pdf, HPDF_INFO_CREATION_DATE, date);

    HPDF_Dict cat = c->pdf->catalog;
    if (in->lang && *in->lang) {
        int ok = strlen(in->lang) < 64;
        for (const char *p = in->lang; ok && *p; p++)
            ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-';
        if (ok)
            HPDF_Dict_Add(cat, "Lang", HPDF_String_New(c->pdf->mmgr, in->lang, NULL));
        else
            diag_add(c->d, DIAG_WARNING, c->path, 0, 0, "language \"%s\" is not a language tag; left out",
                     in->lang);
    }
    HPDF_Dict vp = HPDF_Dict_New(c->pdf->mmgr);
    if (vp) {
        HPDF_Dict_AddBoolean(vp, "DisplayDocTitle", HPDF_TRUE);
        HPDF_Dict_Add(cat, "ViewerPreferences", vp);
    }
    return check(c, "document information");
}
/* ---- page tree and streams --------------------------------------------- */

/* One Resources dictionary on the page tree, inherited by every page (ISO
 * 32000-1 §7.7.3.4), instead of one per page with an obsolete ProcSet.
 * Pointing each page's font and image lists at the shared ones makes
 * libharu name a font or image the same on every page. */
static int share_resources(struct pdf_ctx *c)
{
    HPDF_MMgr mm = c->pdf->mmgr;
    int images = 0;
    for (int pi = 0; pi < c->doc->page_count && !images; pi++)
        for (const struct page_item *it = c->doc->pages[pi].items; it && !images; it = it->next)
            images = it->kind == PAGE_IMAGE;
    HPDF_Dict res = HPDF_Dict_New(mm);
    HPDF_STATUS r = res ? HPDF_Dict_Add(c->pdf->root_pages, "Resources", res) : HPDF_FAILD_TO_ALLOC_MEM;
    if (r == HPDF_OK && c->nslots) {
        c->res_fonts = HPDF_Dict_New(mm);
        r += HPDF_Dict_Add(res, "Font", c->res_fonts);
    }
    if (r == HPDF_OK && images) {
        c->res_xobjects = HPDF_Dict_New(mm);
        r += HPDF_Dict_Add(res, "XObject", c->res_xobjects);
    }
    for (int i = 0; i < c->doc->page_count && r == HPDF_OK; i++) {
        HPDF_PageAttr pa = c->pages[i]->attr;
        dict_remove(c->pages[i], "Resources");
        pa->fonts = c->res_fonts;
        pa->xobjects = c->res_xobjects;
    }
    if (hpdf_failed(c, r))
        return check(c, "cannot make the page tree") ? -1 : fail(c, "cannot make the page tree");
    return 0;
}

/* The page size on the page tree when all pages share it (inherited). */
static int share_media_box(struct pdf_ctx *c)
{
    const struct doc *doc = c->doc;
    for (int i = 1; i < doc->page_count; i++)
        if (doc->pages[i].width != doc->pages[0].width || doc->pages[i].height != doc->pages[0].height)
            return 0;
    HPDF_Box box = {0, 0, (HPDF_REAL)doc->pages[0].width, (HPDF_REAL)doc->pages[0].height};
    HPDF_Array a = HPDF_Box_Array_New(c->pdf->mmgr, box);
    if (!a || hpdf_failed(c, HPDF_Dict_Add(c->pdf->root_pages, "MediaBox", a)))
        return check(c, "cannot make the page tree") ? -1 : fail(c, "cannot make the page tree");
    for (int i = 0; i < doc->page_count; i++)
        dict_remove(c->pages[i], "MediaBox");
    return 0;
}

/* Written in a stream dictionary that holds data deflated here. libharu
 * writes the Filter of a stream it deflates itself (as an array), and
 * drops any Filter entry of one it does not. */
/* Copies the n bytes of a libharu memory stream into dst; -1 if it holds
 * another number of bytes. */
static int mem_stream_copy(HPDF_Stream st, unsigned char *dst, size_t n)
{
    size_t got = 0;
    for (HPDF_UINT b = 0; b < HPDF_MemStream_GetBufCount(st); b++) {
        HPDF_UINT len = 0;
        const HPDF_BYTE *buf = HPDF_MemStream_GetBufPtr(st, b, &len);
        if (!buf || got + len > n)
            return -1;
        memcpy(dst + got, buf, len);
        got += len;
    }
    return got == n ? 0 : -1;
}

static HPDF_STATUS write_flate_filter(HPDF_Dict dict, HPDF_Stream out)
{
    (void)dict;
    return HPDF_Stream_WriteStr(out, "/Filter /FlateDecode\012");
}

/* Deflates every stream at zlib's best level, with a plain /Filter name
 * (libharu uses the default level and a one-name array); one that would
 * not get smaller is left as it is, and JPEG data alone. Measured against
 * libharu's own: 1% smaller with Type0 text and with images, next to
 * nothing with WinAnsi text. */
static int deflate_streams(struct pdf_ctx *c)
{
    HPDF_List entries = c->pdf->xref->entries;
    unsigned char *in = NULL, *out = NULL;
    size_t in_cap = 0, out_cap = 0;
    int rc = 0;
    for (HPDF_UINT i = 0; i < entries->count && !rc; i++) {
        HPDF_XrefEntry e = HPDF_List_ItemAt(entries, i);
        HPDF_Obj_Header *h = e->obj;
        if (!h || (h->obj_class & HPDF_OCLASS_ANY) != HPDF_OCLASS_DICT)
            continue;
        HPDF_Dict d = e->obj;
        if (!d->stream || d->stream->type != HPDF_STREAM_MEMORY || d->write_fn ||
            (d->filter & ~HPDF_STREAM_FILTER_FLATE_DECODE))
            continue;
        size_t n = HPDF_Stream_Size(d->stream);
        if (n + 1 > in_cap || flate_bound(n) > out_cap) {
            free(in);
            free(out);
            in_cap = n + 1;
            out_cap = flate_bound(n);
            in = malloc(in_cap);
            out = malloc(out_cap);
            if (!in || !out) {
                rc = fail(c, "out of memory");
                break;
            }
        }
        size_t zn = 0;
        if (mem_stream_copy(d->stream, in, n) < 0 || !(zn = flate_best(in, n, out))) {
            rc = fail(c, "cannot compress a stream");
            break;
        }
        d->filter = HPDF_STREAM_FILTER_NONE;
        /* "/Filter /FlateDecode" costs 21 bytes. */
        if (zn + 21 < n) {
            if (hpdf_failed(c, stream_set(d, out, zn))) {
                rc = check(c, "cannot compress a stream");
                break;
            }
            d->write_fn = write_flate_filter;
        }
    }
    free(in);
    free(out);
    return rc;
}

/* Saves into memory, packs the objects into object streams (pdfpack.h)
 * and writes the file whole (outfile.h). */
static int save(struct pdf_ctx *c)
{
    HPDF_SaveToStream(c->pdf);
    if (check(c, "cannot make the PDF") < 0)
        return -1;
    HPDF_Stream st = c->pdf->stream;
    if (!st || st->type != HPDF_STREAM_MEMORY)
        return fail(c, "cannot make the PDF: no memory stream");
    size_t n = HPDF_Stream_Size(st);
    unsigned char *classic = malloc(n + 1), *packed = NULL;
    if (!classic)
        return fail(c, "out of memory");
    char err[256];
    size_t packed_len = 0;
    int r = mem_stream_copy(st, classic, n);
    if (r < 0)
        fail(c, "cannot make the PDF: libharu's output is incomplete");
    else if ((r = pdfpack(classic, n, &packed, &packed_len, err, sizeof err)) < 0)
        fail(c, "cannot make the PDF: %s", err);
    else if ((r = outfile_write(c->path, packed, packed_len, err, sizeof err)) < 0)
        fail(c, "%s", err);
    free(classic);
    free(packed);
    return r;
}

static int build(struct pdf_ctx *c)
{
    const struct doc *doc = c->doc;
    if (doc->page_count <= 0 || !doc->pages)
        return fail(c, "the document has no pages");
    if (collect_fonts(c) < 0)
        return -1;

    c->pdf = HPDF_New(on_hpdf_error, c);
    if (!c->pdf)
        return fail(c, "out of memory");
    /* /Lang and /DisplayDocTitle are PDF 1.4. */
    c->pdf->pdf_version = HPDF_VER_14;
    HPDF_SetCompressionMode(c->pdf, HPDF_COMP_ALL);
    if (check(c, "cannot start the PDF") < 0)
        return -1;

    if (load_fonts(c) < 0)
        return -1;

    c->pages = calloc((size_t)doc->page_count, sizeof *c->pages);
    if (!c->pages)
        return fail(c, "out of memory");
    for (int i = 0; i < doc->page_count; i++) {
        const struct page *pg = &doc->pages[i];
        if (!(pg->width >= 3 && pg->width <= 14400 && pg->height >= 3 && pg->height <= 14400))
            return fail(c, "page %d: size %gx%g pt is outside 3..14400", i + 1, pg->width, pg->height);
        c->pages[i] = HPDF_AddPage(c->pdf);
        if (!c->pages[i])
            return check(c, "cannot add a page") ? -1 : fail(c, "cannot add a page");
        HPDF_Page_SetWidth(c->pages[i], (HPDF_REAL)pg->width);
        HPDF_Page_SetHeight(c->pages[i], (HPDF_REAL)pg->height);
    }
    if (check(c, "cannot add pages") < 0 || share_resources(c) < 0)
        return -1;
    for (int i = 0; i < doc->page_count; i++)
        if (draw_page(c, i) < 0)
            return -1;
    if (write_links(c) < 0 || add_outline(c) < 0 || add_labels(c) < 0 || add_info(c) < 0 ||
        share_media_box(c) < 0 || deflate_streams(c) < 0)
        return -1;
    if (c->bad_text) {
        char first[32] = "invalid UTF-8";
        if (c->first_bad != UINT32_MAX)
            snprintf(first, sizeof first, "U+%04X", (unsigned)c->first_bad);
        diag_add(c->d, DIAG_WARNING, c->path, 0, 0,
                 "%d character(s) cannot be drawn and are left out (invalid UTF-8, control characters or "
                 "beyond U+FFFF; the first: %s)", c->bad_text, first);
    }
    return save(c);
}

int pdf_write(const struct doc *doc, const struct fontset *fs, const char *path, struct diag *d)
{
    struct pdf_ctx c;
    memset(&c, 0, sizeof c);
    c.path = path;
    c.d = d;
    c.doc = doc;
    c.fs = fs;
    int r = build(&c);
    if (r < 0 && !c.reported)
        fail(&c, "cannot write the PDF");
    if (c.pdf)
        HPDF_Free(c.pdf);
    for (int i = 0; i < c.nslots; i++)
        hb_blob_destroy(c.slots[i].program);
    free(c.pages);
    free(c.images);
    free(c.links);
    free(c.actions);
    free(c.run);
    free(c.slots);
    free(c.face_slot);
    free(c.scratch);
    return r < 0 ? -1 : 0;
}
