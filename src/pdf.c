/* pdf: the page list drawn with libharu 2.3 (Debian 12).
 *
 * Everything libharu-specific lives here. Quirks of that version worked
 * around below (each measured, see the notes at the functions):
 *  - its ToUnicode CMap uses `cidrange`, which maps nothing for a ToUnicode
 *    CMap (ISO 32000-1 §9.10.3): the stream is rewritten with bfrange/bfchar;
 *  - it keeps only one level of composite-glyph components, so a glyph built
 *    from a composite (Ǻ, ǖ, …) loses outlines: fonts are subset by HarfBuzz
 *    first (which closes over composites) and every glyph of the subset kept;
 *  - its PNG loader abort()s the process on a corrupt file (through libpng),
 *    rejects interlaced files and truncates 16-bit ones: PNGs are decoded
 *    here with libpng's simplified API and passed as raw samples;
 *  - HPDF_Destination_SetXYZ refuses zoom 0 ("keep"): the array is rebuilt
 *    as [page /XYZ 0 top null];
 *  - HPDF_SaveToFile gives no control over fsync or partial writes: the
 *    document is saved to memory and written out here.
 */
#include "pdf.h"

#include <errno.h>
#include <fcntl.h>
#include <hb-subset.h>
#include <hb.h>
#include <hpdf.h>
#include <math.h>
#include <png.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "fontset.h"
#include "pages.h"

enum { BMP = 0x10000, MAX_OUTLINE_DEPTH = 32 };

/* One font file used by text, whatever faces name it. */
struct font_slot {
    const char *path;       /* fontset_path, borrowed */
    int face;               /* first face that uses it */
    uint8_t cps[BMP / 8];   /* code points drawn with it */
    int missing;            /* code points the face has no glyph for */
    uint32_t first_missing;
    HPDF_Font font;
};

struct image_slot {
    const char *path;
    HPDF_Image image;
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
    char *scratch;           /* cleaned UTF-8 text */
    size_t scratch_cap;
    int bad_text;            /* characters left out */
    uint32_t first_bad;
};

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

/* ---- fonts ------------------------------------------------------------- */

static int has_cp(const struct font_slot *s, uint32_t cp)
{
    return (s->cps[cp >> 3] >> (cp & 7)) & 1;
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

/* Makes a subset of the font with just the code points used (plus the
 * glyphs their composites need), in a private temporary file. Returns its
 * malloc'd path, or NULL (with a warning) to fall back to the whole file.
 * libharu copies only its 13 TrueType tables (OS/2 cmap cvt fpgm glyf head
 * hhea hmtx loca maxp name post prep), so the layout tables are dropped too:
 * keeping GSUB would pull ligatures and alternates into the glyph closure. */
static char *subset_font(struct pdf_ctx *c, const struct font_slot *s)
{
    static const char drop[][4] = {"GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "kern",
                                   "morx", "mort", "kerx", "feat", "trak", "DSIG", "hdmx",
                                   "LTSH", "VDMX", "PCLT", "gasp", "meta", "STAT"};
    char *tmp = NULL;
    struct errbuf eb;
    const char *why = "cannot read the font file";
    hb_blob_t *blob = hb_blob_create_from_file_or_fail(s->path);
    hb_face_t *face = NULL, *sub = NULL;
    hb_blob_t *out = NULL;
    hb_subset_input_t *in = NULL;
    if (!blob)
        goto done;
    face = hb_face_create(blob, 0);
    why = "out of memory";
    if (!(in = hb_subset_input_create_or_fail()))
        goto done;
    hb_set_t *u = hb_subset_input_unicode_set(in);
    for (uint32_t cp = 0; cp < BMP; cp++)
        if (has_cp(s, cp))
            hb_set_add(u, cp);
    hb_set_t *tables = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++)
        hb_set_add(tables, HB_TAG(drop[i][0], drop[i][1], drop[i][2], drop[i][3]));
    /* The names libharu reads (family, style, full and PostScript name)
     * and the copyright notice; not the version strings or unique ID. */
    hb_set_t *names = hb_subset_input_set(in, HB_SUBSET_SETS_NAME_ID);
    hb_set_clear(names);
    static const unsigned keep_names[] = {0, 1, 2, 4, 6};
    for (size_t i = 0; i < sizeof keep_names / sizeof keep_names[0]; i++)
        hb_set_add(names, keep_names[i]);
    /* PDF viewers do not run TrueType hinting programs. */
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING);
    why = "HarfBuzz could not subset it";
    if (!(sub = hb_subset_or_fail(face, in)))
        goto done;
    out = hb_face_reference_blob(sub);
    unsigned len = 0;
    const char *data = hb_blob_get_data(out, &len);
    if (!len)
        goto done;

    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    size_t n = strlen(dir) + 32;
    tmp = malloc(n);
    why = "out of memory";
    if (!tmp)
        goto done;
    snprintf(tmp, n, "%s/handout-font-XXXXXX", dir);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        why = errstr(errno, &eb);
        free(tmp);
        tmp = NULL;
        goto done;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    if (close(fd) != 0 || off != len) {
        why = "cannot write a temporary file";
        unlink(tmp);
        free(tmp);
        tmp = NULL;
    }
done:
    if (!tmp)
        diag_add(c->d, DIAG_WARNING, c->path, 0, 0, "font %s embedded whole: %s", s->path, why);
    hb_blob_destroy(out);
    hb_face_destroy(sub);
    hb_subset_input_destroy(in);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    return tmp;
}

/* Looks key up in a libharu dictionary without raising an error when it is
 * absent (HPDF_Dict_GetItem reports a missing key as an error). */
static HPDF_Dict dict_get_dict(HPDF_Dict dict, const char *key)
{
    for (HPDF_UINT i = 0; i < dict->list->count; i++) {
        HPDF_DictElement e = HPDF_List_ItemAt(dict->list, i);
        if (strcmp(e->key, key) != 0)
            continue;
        HPDF_Obj_Header *h = e->value;
        void *obj = e->value;
        if ((h->obj_class & HPDF_OCLASS_ANY) == HPDF_OCLASS_PROXY) {
            obj = ((HPDF_Proxy)obj)->obj;
            h = obj;
        }
        return (h->obj_class & HPDF_OCLASS_ANY) == HPDF_OCLASS_DICT ? obj : NULL;
    }
    return NULL;
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

static void put_hex4(char *o, uint32_t v)
{
    static const char hex[] = "0123456789ABCDEF";
    o[0] = '<';
    for (int i = 0; i < 4; i++)
        o[1 + i] = hex[(v >> (12 - 4 * i)) & 15];
    o[5] = '>';
    o[6] = '\0';
}

/* Writes `n` entries of `kind` ("bfchar"/"bfrange") from lines in blocks of
 * at most 100, as the CMap syntax requires. */
static HPDF_STATUS write_cmap_block(HPDF_Stream st, const char *kind, const char *lines, int n)
{
    char head[32];
    snprintf(head, sizeof head, "%d begin%s\n", n, kind);
    HPDF_STATUS r = HPDF_Stream_WriteStr(st, head);
    r += HPDF_Stream_WriteStr(st, lines);
    snprintf(head, sizeof head, "end%s\n", kind);
    r += HPDF_Stream_WriteStr(st, head);
    return r;
}

/* The codes of our Type0 fonts are Identity-H: two bytes, equal to the CID,
 * which libharu's UTF-8 encoder makes equal to the BMP code point. So the
 * ToUnicode map is the identity on the code points drawn: runs become
 * bfrange entries (which may not cross a change of the first byte) and
 * single code points bfchar entries. */
static int write_tounicode(struct pdf_ctx *c, const struct font_slot *s)
{
    HPDF_Dict font = s->font;
    HPDF_Dict cmap = dict_get_dict(font, "ToUnicode");
    if (cmap && cmap->stream) {
        HPDF_MemStream_FreeData(cmap->stream);
        /* libharu gave it the keys of an encoding CMap (Type, CMapName
         * UTF-8, CIDSystemInfo Adobe-Identity-H, WMode); a ToUnicode stream
         * needs none of them. */
        dict_remove(cmap, "Type");
        dict_remove(cmap, "CMapName");
        dict_remove(cmap, "CIDSystemInfo");
        dict_remove(cmap, "WMode");
    } else {
        cmap = HPDF_DictStream_New(c->pdf->mmgr, c->pdf->xref);
        if (!cmap || HPDF_Dict_Add(font, "ToUnicode", cmap) != HPDF_OK)
            return check(c, "cannot make the ToUnicode map") ? -1 : fail(c, "cannot make the ToUnicode map");
        cmap->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    }
    HPDF_Stream st = cmap->stream;
    HPDF_STATUS r = HPDF_Stream_WriteStr(st,
        "/CIDInit /ProcSet findresource begin\n"
        "12 dict begin\n"
        "begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n"
        "/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");

    /* One pass for ranges, one for single characters. */
    char lines[100 * 24 + 1];
    for (int pass = 0; pass < 2 && r == HPDF_OK; pass++) {
        int n = 0;
        char *o = lines;
        *o = '\0';
        uint32_t cp = 0;
        while (cp < BMP) {
            if (!has_cp(s, cp)) {
                cp++;
                continue;
            }
            uint32_t end = cp;
            while (end + 1 < BMP && ((end + 1) & 0xFF) != 0 && has_cp(s, end + 1))
                end++;
            int is_range = end > cp;
            if (is_range == (pass == 0)) {
                char a[8], b[8];
                put_hex4(a, cp);
                put_hex4(b, end);
                if (is_range)
                    o += sprintf(o, "%s %s %s\n", a, b, a);
                else
                    o += sprintf(o, "%s %s\n", a, a);
                if (++n == 100) {
                    r += write_cmap_block(st, is_range ? "bfrange" : "bfchar", lines, n);
                    n = 0;
                    o = lines;
                    *o = '\0';
                }
            }
            cp = end + 1;
        }
        if (n)
            r += write_cmap_block(st, pass == 0 ? "bfrange" : "bfchar", lines, n);
    }
    r += HPDF_Stream_WriteStr(st,
        "endcmap\n"
        "CMapName currentdict /CMap defineresource pop\n"
        "end\n"
        "end\n");
    if (r != HPDF_OK || c->err)
        return check(c, "cannot write the ToUnicode map") ? -1 : fail(c, "cannot write the ToUnicode map");
    return 0;
}

/* libharu's CIDToGIDMap covers every BMP code (128 KB before compression,
 * mostly zeros). A map up to the highest code drawn says the same for every
 * code in the document: CIDs past its end are never used. */
static int shorten_cid_map(struct pdf_ctx *c, const struct font_slot *s)
{
    HPDF_FontAttr fa = s->font->attr;
    if (!fa->map_stream || !fa->map_stream->stream || fa->fontdef->type != HPDF_FONTDEF_TYPE_TRUETYPE)
        return 0;
    uint32_t max = 0;
    for (uint32_t cp = 0; cp < BMP; cp++)
        if (has_cp(s, cp))
            max = cp;
    size_t n = 2 * ((size_t)max + 1);
    HPDF_BYTE *map = calloc(n, 1);
    if (!map)
        return fail(c, "out of memory");
    for (uint32_t cp = 0; cp <= max; cp++)
        if (has_cp(s, cp)) {
            HPDF_UINT16 gid = HPDF_TTFontDef_GetGlyphid(fa->fontdef, (HPDF_UINT16)cp);
            map[2 * cp] = (HPDF_BYTE)(gid >> 8);
            map[2 * cp + 1] = (HPDF_BYTE)gid;
        }
    HPDF_MemStream_FreeData(fa->map_stream->stream);
    HPDF_STATUS r = HPDF_Stream_Write(fa->map_stream->stream, map, (HPDF_UINT)n);
    free(map);
    if (r != HPDF_OK || c->err)
        return check(c, "cannot write the glyph map") ? -1 : fail(c, "cannot write the glyph map");
    return 0;
}

static int load_fonts(struct pdf_ctx *c)
{
    for (int i = 0; i < c->nslots; i++) {
        struct font_slot *s = &c->slots[i];
        char *sub = subset_font(c, s);
        const char *name = HPDF_LoadTTFontFromFile(c->pdf, sub ? sub : s->path, HPDF_TRUE);
        /* libharu keeps the file open and reads the glyphs again when it
         * saves, so the name can go now: nothing is left behind even if the
         * process dies before the end. */
        if (sub) {
            unlink(sub);
            free(sub);
        }
        if (!name || c->err) {
            c->err = c->err ? c->err : HPDF_INVALID_FONTDEF_DATA;
            return fail(c, "cannot embed font %s: %s (libharu error 0x%04X)", s->path,
                        hpdf_error_text(c->err), (unsigned)c->err);
        }
        s->font = HPDF_GetFont(c->pdf, name, "UTF-8");
        if (!s->font || c->err)
            return check(c, s->path) ? -1 : fail(c, "cannot use font %s", s->path);
        HPDF_FontAttr fa = s->font->attr;
        /* libharu finds loaded fonts by PostScript name: a second file with
         * the same name (a copy elsewhere, another version) would silently
         * get this one's glyphs. The name is only a lookup key once the font
         * exists (BaseFont is written from the TrueType attributes), so make
         * it unique. */
        snprintf(fa->fontdef->base_font, sizeof fa->fontdef->base_font, "handout.font.%d", i);
        if (fa->fontdef->type == HPDF_FONTDEF_TYPE_TRUETYPE) {
            /* libharu appends the style to the name ("Name,Bold",
             * "DejaVuSans,Book": the convention for unembedded TrueType
             * fonts); the embedded font's PostScript name is just "Name",
             * and PostScript names have no commas. It writes BaseFont and
             * FontName from this field when it saves. */
            HPDF_TTFontDefAttr ta = fa->fontdef->attr;
            char *comma = strchr(ta->base_font, ',');
            if (comma)
                *comma = '\0';
        }
        if (fa->fontdef->type == HPDF_FONTDEF_TYPE_TRUETYPE) {
            /* Keep every glyph of the file. The subset holds exactly the
             * glyphs needed, composites closed over; libharu 2.3's own
             * pruning keeps one level of composite components only, so a
             * nested one (Ǖ = Ü + macron, Ü = U + dieresis) would lose
             * outlines (fixed upstream after 2.3, libharu PR #54). Without
             * a subset the whole font is embedded, which is big but right. */
            HPDF_TTFontDefAttr ta = fa->fontdef->attr;
            memset(ta->glyph_tbl.flgs, 1, ta->num_glyphs);
        }
        if (write_tounicode(c, s) < 0 || shorten_cid_map(c, s) < 0)
            return -1;
    }
    return 0;
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
};
#define UNSET_COLOR 0xFFFFFFFEu

static void set_fill(HPDF_Page p, struct gstate *g, uint32_t rgb)
{
    if (g->fill == rgb)
        return;
    HPDF_Page_SetRGBFill(p, (HPDF_REAL)((rgb >> 16) & 255) / 255, (HPDF_REAL)((rgb >> 8) & 255) / 255,
                         (HPDF_REAL)(rgb & 255) / 255);
    g->fill = rgb;
}

static void set_stroke(HPDF_Page p, struct gstate *g, uint32_t rgb, double width)
{
    if (g->stroke != rgb) {
        HPDF_Page_SetRGBStroke(p, (HPDF_REAL)((rgb >> 16) & 255) / 255, (HPDF_REAL)((rgb >> 8) & 255) / 255,
                               (HPDF_REAL)(rgb & 255) / 255);
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
    }
}

/* An XYZ destination that keeps the reader's zoom: [page /XYZ 0 top null].
 * HPDF_Destination_SetXYZ refuses zoom 0, so the array is rebuilt. */
static HPDF_Destination make_dest(struct pdf_ctx *c, int page, double top)
{
    HPDF_Page target = c->pages[page];
    HPDF_Destination dst = HPDF_Page_CreateDestination(target);
    if (!dst)
        return NULL;
    double h = c->doc->pages[page].height;
    if (top < 0)
        top = 0;
    if (top > h)
        top = h;
    HPDF_Array_Clear(dst);
    HPDF_STATUS r = HPDF_Array_Add(dst, target);
    r += HPDF_Array_AddName(dst, "XYZ");
    r += HPDF_Array_AddReal(dst, 0);
    r += HPDF_Array_AddReal(dst, (HPDF_REAL)top);
    r += HPDF_Array_Add(dst, HPDF_Null_New(c->pdf->mmgr));
    return r == HPDF_OK ? dst : NULL;
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

static int draw_page(struct pdf_ctx *c, int pi)
{
    const struct page *pg = &c->doc->pages[pi];
    HPDF_Page p = c->pages[pi];
    struct gstate g = {0, NULL, 0, UNSET_COLOR, UNSET_COLOR, -1};
    char what[64];
    snprintf(what, sizeof what, "page %d", pi + 1);

    for (const struct page_item *it = pg->items; it; it = it->next) {
        if (!isfinite(it->x) || !isfinite(it->y) || !isfinite(it->w) || !isfinite(it->h) ||
            !isfinite(it->line_width))
            return fail(c, "page %d: an item has no valid position or size", pi + 1);
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
            if (!g.in_text) {
                HPDF_Page_BeginText(p);
                g.in_text = 1;
            }
            HPDF_Font f = c->slots[c->face_slot[it->face]].font;
            if (f != g.font || it->size != g.size) {
                HPDF_Page_SetFontAndSize(p, f, (HPDF_REAL)it->size);
                g.font = f;
                g.size = it->size;
            }
            set_fill(p, &g, it->fill == PAGE_NO_COLOR ? 0x000000 : it->fill);
            HPDF_Page_TextOut(p, (HPDF_REAL)it->x, (HPDF_REAL)it->y, t);
            break;
        }
        case PAGE_RECT: {
            int fill = it->fill != PAGE_NO_COLOR;
            int stroke = it->stroke != PAGE_NO_COLOR && it->line_width > 0;
            if (!fill && !stroke)
                break;
            end_text(p, &g);
            if (fill)
                set_fill(p, &g, it->fill);
            if (stroke)
                set_stroke(p, &g, it->stroke, it->line_width);
            HPDF_Page_Rectangle(p, (HPDF_REAL)it->x, (HPDF_REAL)it->y, (HPDF_REAL)it->w, (HPDF_REAL)it->h);
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
            end_text(p, &g);
            set_stroke(p, &g, it->stroke, it->line_width);
            HPDF_Page_MoveTo(p, (HPDF_REAL)it->x, (HPDF_REAL)it->y);
            HPDF_Page_LineTo(p, (HPDF_REAL)(it->x + it->w), (HPDF_REAL)(it->y + it->h));
            HPDF_Page_Stroke(p);
            break;
        case PAGE_IMAGE: {
            if (!it->text)
                return fail(c, "page %d: image without a file name", pi + 1);
            HPDF_Image img = load_image(c, it->text);
            if (!img)
                return -1;
            end_text(p, &g);
            HPDF_Page_DrawImage(p, img, (HPDF_REAL)it->x, (HPDF_REAL)it->y, (HPDF_REAL)it->w,
                                (HPDF_REAL)it->h);
            break;
        }
        case PAGE_LINK: {
            HPDF_Rect r = {(HPDF_REAL)it->x, (HPDF_REAL)it->y, (HPDF_REAL)(it->x + it->w),
                           (HPDF_REAL)(it->y + it->h)};
            HPDF_Annotation a;
            if (it->text && !*it->text) {
                diag_add(c->d, DIAG_WARNING, c->path, 0, 0, "page %d: a link has an empty address; left out",
                         pi + 1);
                break;
            }
            if (it->text) {
                char *uri = uri_ascii(it->text);
                if (!uri)
                    return fail(c, "out of memory");
                a = HPDF_Page_CreateURILinkAnnot(p, r, uri);
                free(uri);
            } else {
                if (it->dest_page < 0 || it->dest_page >= c->doc->page_count)
                    return fail(c, "page %d: link to page %d, but the document has %d", pi + 1,
                                it->dest_page + 1, c->doc->page_count);
                HPDF_Destination dst = make_dest(c, it->dest_page, it->dest_y);
                a = dst ? HPDF_Page_CreateLinkAnnot(p, r, dst) : NULL;
            }
            if (!a)
                return check(c, what) ? -1 : fail(c, "page %d: cannot make a link", pi + 1);
            HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0);
            break;
        }
        }
        if (check(c, what) < 0)
            return -1;
    }
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
                                                plain_ascii(t) ? NULL : c->utf8);
            HPDF_Destination dst = o ? make_dest(c, pi, m->y) : NULL;
            if (!dst)
                return check(c, "outline") ? -1 : fail(c, "cannot make the outline");
            HPDF_Outline_SetDestination(o, dst);
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
        {HPDF_INFO_CREATOR, "handout"},
    };
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++) {
        if (!attrs[i].value || !*attrs[i].value)
            continue;
        const char *t = clean_text(c, attrs[i].value);
        if (!t)
            return fail(c, "out of memory");
        /* HPDF_SetInfoAttr encodes with the current encoder. */
        c->pdf->cur_encoder = plain_ascii(t) ? NULL : c->utf8;
        HPDF_SetInfoAttr(c->pdf, attrs[i].type, t);
        c->pdf->cur_encoder = c->utf8;
    }
    HPDF_Date date;
    int has = doc_date(c, &date);
    if (has < 0)
        return -1;
    if (has) {
        HPDF_SetInfoDateAttr(c->pdf, HPDF_INFO_CREATION_DATE, date);
        HPDF_SetInfoDateAttr(c->pdf, HPDF_INFO_MOD_DATE, date);
    }

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

/* The process umask, read without changing it (umask(2) is not thread-safe). */
static mode_t current_umask(void)
{
    mode_t mask = 022;
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return mask;
    char line[128];
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "Umask:", 6) == 0) {
            mask = (mode_t)strtoul(line + 6, NULL, 8);
            break;
        }
    fclose(f);
    return mask & 0777;
}

/* Saves into memory, then writes a temporary file next to `path`, fsyncs
 * it and renames it into place. */
static int save(struct pdf_ctx *c)
{
    HPDF_SaveToStream(c->pdf);
    if (check(c, "cannot make the PDF") < 0)
        return -1;
    HPDF_Stream st = c->pdf->stream;
    if (!st || st->type != HPDF_STREAM_MEMORY)
        return fail(c, "cannot make the PDF: no memory stream");

    const char *slash = strrchr(c->path, '/');
    const char *base = slash ? slash + 1 : c->path;
    if (!*base)
        return fail(c, "not a file name");
    size_t dirlen = slash ? (size_t)(slash - c->path) : 0;
    size_t n = strlen(c->path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return fail(c, "out of memory");
    if (slash)
        snprintf(tmp, n, "%.*s/.%s.XXXXXX", (int)dirlen, c->path, base);
    else
        snprintf(tmp, n, ".%s.XXXXXX", base);

    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        struct errbuf eb;
        return fail(c, "cannot create a file in the output folder: %s", errstr(e, &eb));
    }
    const char *step = "cannot write";
    int e = 0;
    if (fchmod(fd, 0666 & ~current_umask()) != 0) {
        e = errno;
        goto bad;
    }
    HPDF_UINT32 total = 0;
    for (HPDF_UINT i = 0; i < HPDF_MemStream_GetBufCount(st); i++) {
        HPDF_UINT len = 0;
        const char *buf = (const char *)HPDF_MemStream_GetBufPtr(st, i, &len);
        if (!buf) {
            e = EIO;
            goto bad;
        }
        total += len;
        while (len > 0) {
            ssize_t w = write(fd, buf, len);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                e = w < 0 ? errno : EIO;
                goto bad;
            }
            buf += w;
            len -= (HPDF_UINT)w;
        }
    }
    if (total != HPDF_GetStreamSize(c->pdf)) {
        e = EIO;
        goto bad;
    }
    if (fsync(fd) != 0) {
        e = errno;
        goto bad;
    }
    step = "cannot write";
    if (close(fd) != 0) {
        e = errno;
        fd = -1;
        goto bad;
    }
    fd = -1;
    step = "cannot replace";
    if (rename(tmp, c->path) != 0) {
        e = errno;
        goto bad;
    }
    free(tmp);
    /* Make the rename itself durable; failure here loses nothing written. */
    char *dir = slash ? strndup(c->path, dirlen ? dirlen : 1) : strdup(".");
    if (dir) {
        int dfd = open(dir, O_RDONLY);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
        free(dir);
    }
    return 0;
bad:
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    free(tmp);
    struct errbuf eb;
    return fail(c, "%s the file: %s", step, errstr(e, &eb));
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
    HPDF_UseUTFEncodings(c->pdf);
    HPDF_SetCurrentEncoder(c->pdf, "UTF-8");
    c->utf8 = HPDF_GetEncoder(c->pdf, "UTF-8");
    if (check(c, "cannot start the PDF") < 0)
        return -1;
    if (!c->utf8)
        return fail(c, "cannot start the PDF: no UTF-8 encoder");

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
    if (check(c, "cannot add pages") < 0)
        return -1;
    for (int i = 0; i < doc->page_count; i++)
        if (draw_page(c, i) < 0)
            return -1;
    if (add_outline(c) < 0 || add_labels(c) < 0 || add_info(c) < 0)
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
    free(c.pages);
    free(c.images);
    free(c.slots);
    free(c.face_slot);
    free(c.scratch);
    return r < 0 ? -1 : 0;
}
