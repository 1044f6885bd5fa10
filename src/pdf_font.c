/* pdf_font: the fonts of the text, subset by HarfBuzz and embedded.
 *
 * A font file used by text is a slot: simple (TrueType, WinAnsiEncoding)
 * when all its code points are in WinAnsiEncoding, else Type0 with
 * Identity-H codes equal to the BMP code points. Quirks of libharu 2.3
 * worked around here (each measured, see the notes at the functions):
 *  - its ToUnicode CMap uses `cidrange`, which maps nothing for a ToUnicode
 *    CMap (ISO 32000-1 §9.10.3): one bfrange map is written instead;
 *  - it keeps only one level of composite-glyph components, and copies 13
 *    TrueType tables whether a PDF needs them or not: fonts are subset by
 *    HarfBuzz (which closes over composites) and that subset, with only the
 *    tables a PDF reader uses, is embedded as it is;
 *  - it loads TrueType only from a file: the subset is loaded from memory
 *    through its font-definition API, under a name that is only a key;
 *  - it writes a simple font's widths for all of 32..255, rounded down,
 *    and leaves CapHeight out of a CID font's descriptor: widths, glyph
 *    map and descriptor are written here through its object API;
 *  - its Type0 fonts walk all 65,536 codes of its UTF-8 encoder: a Type0
 *    font is made here from its simple one (make_type0).
 */
#include <hb-ot.h>
#include <hb-subset.h>
#include <hb.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "fontset.h"
#include "pages.h"
#include "pdf_internal.h"

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
        p += pdf_utf8_next(p, &cp);
        int b = winansi_code(cp);
        *o++ = (char)(b > 0 ? b : '?');
    }
    *o = '\0';
}

static int advance_1000(const struct fontset *fs, int face, uint32_t cp)
{
    return (int)lround(fontset_advance(fs, face, cp) * 1000);
}

/* Finds the slot of every face used by text and the code points each draws. */
int pdf_fonts_collect(struct pdf_ctx *c)
{
    int nfaces = fontset_count(c->fs);
    c->face_slot = malloc(((size_t)nfaces + 1) * sizeof *c->face_slot);
    c->slots = calloc((size_t)nfaces + 1, sizeof *c->slots);
    if (!c->face_slot || !c->slots)
        return pdf_fail(c, "out of memory");
    for (int i = 0; i < nfaces; i++)
        c->face_slot[i] = -1;

    for (int pi = 0; pi < c->doc->page_count; pi++) {
        for (const struct page_item *it = c->doc->pages[pi].items; it; it = it->next) {
            if (it->kind != PAGE_TEXT)
                continue;
            if (it->face < 0 || it->face >= nfaces)
                return pdf_fail(c, "page %d: text uses face %d, but the font set has %d", pi + 1,
                                it->face, nfaces);
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
                    for (uint32_t cp = 0; cp < SLOT_WIDTHS; cp++)
                        c->slots[si].width[cp] = advance_1000(c->fs, it->face, cp);
                    c->nslots++;
                }
                c->face_slot[it->face] = si;
            }
            struct font_slot *s = &c->slots[si];
            const unsigned char *p = (const unsigned char *)it->text;
            while (*p) {
                if (*p < 0x80 && (s->cps[*p >> 3] & (1u << (*p & 7)))) {
                    p++; /* ASCII seen before: most of the text */
                    continue;
                }
                uint32_t cp;
                p += pdf_utf8_next(p, &cp);
                if (!pdf_drawable(cp))
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
    return cp < SLOT_WIDTHS ? s->width[cp] : advance_1000(c->fs, s->face, cp);
}

/* The width of cleaned text in the PDF, in 1/1000 em. */
static long text_width(const struct pdf_ctx *c, const struct font_slot *s, const char *t)
{
    long w = 0;
    const unsigned char *p = (const unsigned char *)t;
    while (*p) {
        uint32_t cp;
        p += pdf_utf8_next(p, &cp);
        w += cp_width(c, s, cp);
    }
    return w;
}

long pdf_font_encode(const struct pdf_ctx *c, const struct font_slot *s, char *t)
{
    long w = text_width(c, s, t);
    if (s->simple)
        to_winansi(t);
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
        return pdf_fail(c, "out of memory");
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
        return pdf_fail(c, "cannot embed font %s: cannot read it", s->path);
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
        return pdf_fail(c, "out of memory");
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
        pdf_dict_remove(cidfont, "W");
        pdf_dict_remove(cidfont, "DW");
        pdf_dict_remove(cidfont, "DW2"); /* vertical writing only */
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
    if (pdf_hpdf_failed(c, r))
        return pdf_check(c, "cannot write the font widths");
    return 0;
}

/* The CIDToGIDMap, up to the highest code drawn: codes past its end are
 * never used. */
static int write_cid_map(struct pdf_ctx *c, const struct font_slot *s, HPDF_Dict stream)
{
    HPDF_FontDef def = ((HPDF_FontAttr)s->font->attr)->fontdef;
    size_t n = 2 * ((size_t)s->max_cp + 1);
    HPDF_BYTE *map = calloc(n, 1);
    if (!map)
        return pdf_fail(c, "out of memory");
    for (uint32_t cp = 0x20; cp <= s->max_cp; cp++)
        if (has_cp(s, cp)) {
            HPDF_UINT16 gid = HPDF_TTFontDef_GetGlyphid(def, (HPDF_UINT16)cp);
            map[2 * cp] = (HPDF_BYTE)(gid >> 8);
            map[2 * cp + 1] = (HPDF_BYTE)gid;
        }
    return pdf_stream_set(c, stream, map, n, PDF_TAKE);
}

/* The start of every ToUnicode CMap (ISO 32000-1 §9.10.3). */
#define TOUNICODE_HEAD                                                                                             \
    "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"                                            \
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"                                  \
    "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
#define TOUNICODE_TAIL "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"

/* The ToUnicode map of every Type0 font: their codes are Identity-H, two
 * bytes equal to the CID, which pdf_draw.c makes the BMP code point. So
 * one identity map serves all fonts:
 * a bfrange for each block of 256 codes drawn (a range may not cross a
 * change of the first byte); it also maps codes never drawn, which is
 * harmless. */
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
                    "%s" TOUNICODE_TAIL, n ? "endbfrange\n" : "");
    return pdf_stream_set(c, cmap, buf, (size_t)len, PDF_COPY);
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
    pdf_dict_remove(font, "FirstChar");
    pdf_dict_remove(font, "LastChar");
    pdf_dict_remove(font, "MissingWidth");
    HPDF_STATUS r = HPDF_Dict_AddNumber(font, "FirstChar", first);
    r += HPDF_Dict_AddNumber(font, "LastChar", last);
    HPDF_Array arr = HPDF_Array_New(c->pdf->mmgr);
    r += HPDF_Dict_Add(font, "Widths", arr);
    for (int b = first; b <= last && r == HPDF_OK; b++)
        r += HPDF_Array_AddNumber(arr, w[b]);
    r += HPDF_Dict_AddName(font, "Encoding", "WinAnsiEncoding");
    if (pdf_hpdf_failed(c, r))
        return pdf_check(c, "cannot write the font widths");
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
                return pdf_check_or_fail(c, "cannot make the ToUnicode map", "out of memory");
        }
        if (pdf_hpdf_failed(c, HPDF_Dict_Add(c->slots[i].font, "ToUnicode", cmap)))
            return pdf_check(c, "cannot make the ToUnicode map");
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
    len += snprintf(buf + len, sizeof buf - (size_t)len, TOUNICODE_TAIL);
    return pdf_stream_set(c, cmap, buf, (size_t)len, PDF_COPY);
}

/* The font descriptor and the font program. libharu makes the descriptor
 * when it saves, with a font file rebuilt from the file it loaded; it is
 * made here instead without that file (the program is HarfBuzz's subset,
 * embedded as it is), and libharu's hook is cleared so it is not redone. */
static int embed_font(struct pdf_ctx *c, struct font_slot *s)
{
    HPDF_FontAttr fa = s->font->attr;
    HPDF_TTFontDefAttr ta = fa->fontdef->attr;
    HPDF_STATUS r;
    if (!s->font->before_write_fn)
        return pdf_fail(c, "cannot embed font %s: unexpected libharu font", s->path);
    /* libharu's embedding flag stays off from here on: it only makes libharu
     * build a font file of its own (not wanted: the program is HarfBuzz's
     * subset) and, for each glyph measured the first time, walk the glyph's
     * components in the loaded font to mark them for that file. The walk
     * seeks to the end of the glyph, and libharu's memory stream refuses a
     * seek to the end of data that fills its buffers exactly: a composite
     * glyph that ends the font (é in a subset of "Renée") left
     * HPDF_INVALID_OBJECT set, failing the page at the next check. */
    ta->embedding = HPDF_FALSE;
    r = s->font->before_write_fn(s->font);
    s->font->before_write_fn = NULL;
    HPDF_Dict desc = fa->fontdef->descriptor;
    if (pdf_hpdf_failed(c, r) || !desc)
        return pdf_check_or_fail(c, "cannot make the font descriptor", "cannot make the font descriptor");

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

    HPDF_Dict file = HPDF_DictStream_New(c->pdf->mmgr, c->pdf->xref);
    if (!file)
        return pdf_check_or_fail(c, "cannot embed a font", "out of memory");
    unsigned len = 0;
    const char *data = hb_blob_get_data(s->program, &len);
    r += HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)len);
    r += HPDF_Dict_Add(desc, "FontFile2", file);
    if (pdf_hpdf_failed(c, r))
        return pdf_check(c, "cannot embed a font");
    return pdf_stream_set(c, file, data, len, PDF_BORROW); /* s->program lasts until pdf_fonts_free */
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

/* Turns libharu's simple TrueType font for slot s into a Type0 font
 * (Identity-H, codes = BMP code points) with a CIDFontType2 made here.
 * libharu's own Type0 font walks all 65,536 codes of its UTF-8 encoder, a
 * glyph lookup and a width each, only for all of it to be replaced (the
 * widths, glyph map and ToUnicode map are written here): 12 M
 * instructions a font, half of a leaflet that needs one. The dictionary
 * stays libharu's font object, so pages name it in their resources as
 * any other. All Type0 fonts share one ToUnicode map, *tounicode. */
static int make_type0(struct pdf_ctx *c, struct font_slot *s, HPDF_Dict *tounicode)
{
    HPDF_Dict font = s->font;
    font->write_fn = NULL; /* a simple font's Widths */
    if (embed_font(c, s) < 0)
        return -1;
    HPDF_FontDef def = ((HPDF_FontAttr)font->attr)->fontdef;
    HPDF_MMgr mm = c->pdf->mmgr;
    HPDF_Xref xref = c->pdf->xref;
    HPDF_Dict cid = HPDF_Dict_New(mm), info = HPDF_Dict_New(mm), map = HPDF_DictStream_New(mm, xref);
    HPDF_Array descendants = HPDF_Array_New(mm);
    if (!*tounicode)
        *tounicode = HPDF_DictStream_New(mm, xref);
    if (!cid || !info || !map || !descendants || !*tounicode)
        return pdf_check_or_fail(c, "cannot make a font", "out of memory");
    HPDF_STATUS r = HPDF_Xref_Add(xref, cid);
    r += HPDF_Dict_AddName(cid, "Type", "Font");
    r += HPDF_Dict_AddName(cid, "Subtype", "CIDFontType2");
    r += HPDF_Dict_AddName(cid, "BaseFont", ((HPDF_TTFontDefAttr)def->attr)->base_font);
    r += HPDF_Dict_Add(cid, "CIDSystemInfo", info);
    r += HPDF_Dict_Add(info, "Registry", HPDF_String_New(mm, "Adobe", NULL));
    r += HPDF_Dict_Add(info, "Ordering", HPDF_String_New(mm, "Identity", NULL));
    r += HPDF_Dict_AddNumber(info, "Supplement", 0);
    r += HPDF_Dict_Add(cid, "FontDescriptor", def->descriptor);
    r += HPDF_Dict_Add(cid, "CIDToGIDMap", map);
    static const char *const simple_keys[] = {"Subtype", "FirstChar", "LastChar", "Widths",
                                              "MissingWidth", "Encoding", "FontDescriptor", "ToUnicode"};
    for (size_t k = 0; k < sizeof simple_keys / sizeof simple_keys[0]; k++)
        pdf_dict_remove(font, simple_keys[k]);
    r += HPDF_Dict_AddName(font, "Subtype", "Type0");
    r += HPDF_Dict_AddName(font, "Encoding", "Identity-H");
    r += HPDF_Dict_Add(font, "DescendantFonts", descendants);
    r += HPDF_Array_Add(descendants, cid);
    r += HPDF_Dict_Add(font, "ToUnicode", *tounicode);
    if (pdf_hpdf_failed(c, r))
        return pdf_check_or_fail(c, "cannot make a font", "cannot make a font");
    return write_widths(c, s, cid) < 0 || write_cid_map(c, s, map) < 0 ? -1 : 0;
}

int pdf_fonts_load(struct pdf_ctx *c)
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
            return pdf_fail(c, "cannot embed font %s: %s (libharu error 0x%04X)", s->path,
                            pdf_hpdf_error_text(e), (unsigned)e);
        }
        if (s->simple && (def->flags & HPDF_FONT_SYMBOLIC)) {
            /* A symbolic font's codes are not looked up by name: Type0. */
            s->simple = 0;
            hb_blob_destroy(s->program);
            if (subset_font(c, s, &metrics, &s->program) < 0)
                return -1;
            hb_blob_destroy(metrics);
        }
        /* A Type0 font too starts as libharu's simple TrueType font. */
        s->font = HPDF_GetFont(c->pdf, def->base_font, "WinAnsiEncoding");
        if (!s->font || c->err)
            return pdf_check_or_fail(c, s->path, "cannot use font %s", s->path);
        if (((HPDF_FontAttr)s->font->attr)->type != HPDF_FONT_TRUETYPE)
            return pdf_fail(c, "cannot use font %s: unexpected libharu font", s->path);
        if (s->simple ? write_simple_widths(c, s) < 0 || embed_font(c, s) < 0 : make_type0(c, s, &tounicode) < 0)
            return -1;
    }
    if (tounicode && write_tounicode(c, tounicode) < 0)
        return -1;
    return write_simple_tounicode(c);
}

void pdf_fonts_free(struct pdf_ctx *c)
{
    for (int i = 0; i < c->nslots; i++)
        hb_blob_destroy(c->slots[i].program);
    free(c->slots);
    free(c->face_slot);
}
