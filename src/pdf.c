/* pdf: the page list drawn with libharu 2.3 (Debian 12).
 *
 * Everything libharu-specific lives in the pdf*.c files (pdf_internal.h
 * lists them); this one runs the steps in order and holds what they
 * share: errors, text cleaning, libharu object helpers, the page tree.
 * libharu 2.3's quirks are worked around where they bite, each noted at
 * the top of its file: its ToUnicode CMaps, composite glyphs and font
 * tables (pdf_font.c), its PNG loader (pdf_image.c), its destinations
 * (pdf_nav.c), and its PDF 1.4 output written with no control over the
 * file (pdf_save.c).
 *
 * Size: a leaflet is small enough to email: the two-page seed leaflet is
 * 9.0 KB with both fonts embedded (14 KB from libharu as it comes), the
 * 50-topic benchmark booklet 230 KB (720 KB). What it takes, each measured
 * (see the notes at the functions): simple WinAnsi fonts where the text
 * allows (one byte a character instead of four hex digits), font programs
 * with only the tables a reader uses, one ToUnicode map for all fonts,
 * short W and Widths arrays (pdf_font.c), pieces of a link merged into one
 * annotation a line, destinations as direct arrays (pdf_nav.c), resources
 * and page size inherited from the page tree (here), positions on a
 * 1/16 pt grid, text runs that continue one another drawn without a move,
 * rules and boxes drawn before the text when nothing changes
 * (pdf_draw.c), streams deflated (flate.c), and the small
 * objects (outline items, links, pages, stream lengths: a third of the
 * booklet) packed into compressed object streams (pdf_save.c).
 * What remains is mostly the text itself.
 */
#include "pdf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "bytes.h"
#include "diag.h"
#include "flate.h"
#include "pages.h"
#include "pdf_internal.h"

/* ---- errors ------------------------------------------------------------ */

static void on_hpdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user)
{
    struct pdf_ctx *c = user;
    if (!c->err) {
        c->err = error_no;
        c->detail = detail_no;
    }
}

const char *pdf_hpdf_error_text(HPDF_STATUS e)
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

/* Only the first error is reported: the ones after it are its echoes. */
static int vfail(struct pdf_ctx *c, const char *fmt, va_list ap)
{
    if (c->reported)
        return -1;
    char buf[768];
    vsnprintf(buf, sizeof buf, fmt, ap);
    diag_add(c->d, DIAG_ERROR, c->path, 0, 0, "%s", buf);
    c->reported = 1;
    return -1;
}

int pdf_fail(struct pdf_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(c, fmt, ap);
    va_end(ap);
    return -1;
}

int pdf_check(struct pdf_ctx *c, const char *what)
{
    if (!c->err)
        return 0;
    return pdf_fail(c, "%s: %s (libharu error 0x%04X, detail %u)", what, pdf_hpdf_error_text(c->err),
                    (unsigned)c->err, (unsigned)c->detail);
}

int pdf_check_or_fail(struct pdf_ctx *c, const char *what, const char *fmt, ...)
{
    if (c->err)
        return pdf_check(c, what);
    va_list ap;
    va_start(ap, fmt);
    vfail(c, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- numbers ----------------------------------------------------------- */

char *pdf_real(char *s, float v)
{
    /* HPDF_FToA's steps, in its types, so that every digit is the same. */
    if (v > 32767)
        v = 32767;
    else if (v < -32767)
        v = -32767;
    if (v < 0) {
        *s++ = '-';
        v = -v;
    }
    int32_t whole = (int32_t)(v + 0.000005);
    int32_t frac = (int32_t)((float)(v - whole + 0.000005) * 100000);
    char digits[16], *d = digits + sizeof digits;
    for (int i = 0; i < 5; i++, frac /= 10)
        *--d = (char)('0' + frac % 10);
    *--d = '.';
    if (whole == 0)
        *--d = '0';
    for (; whole > 0; whole /= 10)
        *--d = (char)('0' + whole % 10);
    size_t n = (size_t)(digits + sizeof digits - d);
    while (d[n - 1] == '0') /* no trailing zeros, nor a lone point */
        n--;
    if (d[n - 1] == '.')
        n--;
    memcpy(s, d, n);
    return s + n;
}

/* ---- text -------------------------------------------------------------- */

int pdf_utf8_decode(const unsigned char *s, uint32_t *cp)
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

char *pdf_clean_text_into(const char *s, char **buf, size_t *cap, int *bad, uint32_t *first_bad)
{
    size_t len = strlen(s);
    if (len + 1 > *cap) {
        size_t n = len + 1 < 256 ? 256 : len + 1;
        char *p = realloc(*buf, n);
        if (!p)
            return NULL;
        *buf = p;
        *cap = n;
    }
    const unsigned char *p = (const unsigned char *)s;
    char *o = *buf;
    while (*p) {
        uint32_t cp;
        int n = pdf_utf8_next(p, &cp);
        if (!pdf_drawable(cp)) {
            if (!(*bad)++)
                *first_bad = cp;
        } else {
            memcpy(o, p, (size_t)n);
            o += n;
        }
        p += n;
    }
    *o = '\0';
    return *buf;
}

int pdf_plain_ascii(const char *s)
{
    for (; *s; s++)
        if (*s < 0x20 || *s > 0x7E)
            return 0;
    return 1;
}

char *pdf_clean_text(struct pdf_ctx *c, const char *s)
{
    return pdf_clean_text_into(s, &c->scratch, &c->scratch_cap, &c->bad_text, &c->first_bad);
}

/* ---- libharu objects ---------------------------------------------------- */

/* libharu's UTF-8 encoder, made on first use: making it clears 400 KB of
 * tables, and only a non-ASCII outline title or document information
 * string needs it (text and Type0 fonts are written without it). NULL on
 * failure. */
HPDF_Encoder pdf_utf8_encoder(struct pdf_ctx *c)
{
    if (!c->utf8) {
        HPDF_UseUTFEncodings(c->pdf);
        c->utf8 = HPDF_GetEncoder(c->pdf, "UTF-8");
    }
    return c->utf8;
}

int pdf_hpdf_failed(struct pdf_ctx *c, HPDF_STATUS r)
{
    if (r == HPDF_OK && HPDF_GetError(c->pdf) == HPDF_OK)
        return 0;
    if (!c->err) {
        c->err = HPDF_GetError(c->pdf) ? HPDF_GetError(c->pdf) : r;
        c->detail = HPDF_GetErrorDetail(c->pdf);
    }
    return 1;
}

void pdf_dict_remove(HPDF_Dict dict, const char *key)
{
    for (HPDF_UINT i = 0; i < dict->list->count; i++) {
        HPDF_DictElement e = HPDF_List_ItemAt(dict->list, i);
        if (strcmp(e->key, key) == 0) {
            HPDF_Dict_RemoveElement(dict, key);
            return;
        }
    }
}

void pdf_mem_stream_append(struct bytes *b, HPDF_Stream st, size_t from)
{
    size_t at = 0;
    for (HPDF_UINT i = 0; i < HPDF_MemStream_GetBufCount(st); i++) {
        HPDF_UINT len = 0;
        const HPDF_BYTE *p = HPDF_MemStream_GetBufPtr(st, i, &len);
        if (p && at + len > from) {
            size_t skip = from > at ? from - at : 0;
            bytes_put(b, p + skip, len - skip);
        }
        at += len;
    }
}

/* Held streams, in order of object number; nearly always added in that
 * order (fonts, then pages), and a deflated stream replaces its own. */
static struct pdf_held *held_find(const struct pdf_ctx *c, uint32_t num, int *at)
{
    int lo = 0, hi = c->nheld;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (c->held[mid].num < num)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (at)
        *at = lo;
    return lo < c->nheld && c->held[lo].num == num ? &c->held[lo] : NULL;
}

static uint32_t obj_num(const void *obj)
{
    return ((const HPDF_Obj_Header *)obj)->obj_id & 0x00FFFFFF;
}

int pdf_stream_set(struct pdf_ctx *c, const void *obj, const void *data, size_t len, enum pdf_hold how)
{
    uint32_t num = obj_num(obj);
    void *copy = NULL;
    if (how == PDF_COPY && len) {
        if (!(copy = malloc(len)))
            return pdf_fail(c, "out of memory");
        memcpy(copy, data, len);
        data = copy;
        how = PDF_TAKE;
    }
    int at;
    struct pdf_held *h = held_find(c, num, &at);
    if (!h) {
        if (c->nheld == c->cap_held) {
            int cap = c->cap_held ? 2 * c->cap_held : 64;
            struct pdf_held *q = realloc(c->held, (size_t)cap * sizeof *q);
            if (!q) {
                if (how == PDF_TAKE)
                    free((void *)data);
                return pdf_fail(c, "out of memory");
            }
            c->held = q;
            c->cap_held = cap;
        }
        h = &c->held[at];
        memmove(h + 1, h, (size_t)(c->nheld++ - at) * sizeof *h);
    } else if (h->own) {
        free((void *)h->p);
    }
    *h = (struct pdf_held){num, how == PDF_TAKE, data, len};
    return 0;
}

int pdf_stream_get(const struct pdf_ctx *c, const void *obj, const unsigned char **data, size_t *len)
{
    const struct pdf_held *h = held_find(c, obj_num(obj), NULL);
    if (h) {
        *data = h->p;
        *len = h->len;
    }
    return h != NULL;
}

void pdf_streams_free(struct pdf_ctx *c)
{
    for (int i = 0; i < c->nheld; i++)
        if (c->held[i].own)
            free((void *)c->held[i].p);
    free(c->held);
}

/* ---- page tree --------------------------------------------------------- */

const char *pdf_resource_name(struct pdf_ctx *c, HPDF_Dict res, char prefix, void *obj)
{
    const char *key = res ? HPDF_Dict_GetKeyByObj(res, obj) : NULL;
    if (!key && res) {
        char name[16];
        snprintf(name, sizeof name, "%c%u", prefix, (unsigned)res->list->count + 1);
        if (!pdf_hpdf_failed(c, HPDF_Dict_Add(res, name, obj)))
            key = HPDF_Dict_GetKeyByObj(res, obj);
    }
    if (!key)
        pdf_check_or_fail(c, "cannot name a resource", "cannot name a resource");
    return key;
}

/* The pages, as objects written here (pdf_raw_new): a libharu page costs
 * about 4 KB of memory (its graphics state, resources, procedure sets),
 * none of which the document uses. Numbered as HPDF_AddPage numbered
 * them: the page, its content stream, the stream's length. */
static int add_pages(struct pdf_ctx *c)
{
    const struct doc *doc = c->doc;
    HPDF_Dict tree = c->pdf->root_pages;
    HPDF_Array kids = HPDF_Dict_GetItem(tree, "Kids", HPDF_OCLASS_ARRAY);
    HPDF_Number count = HPDF_Dict_GetItem(tree, "Count", HPDF_OCLASS_NUMBER);
    if (!kids || !count)
        return pdf_check_or_fail(c, "cannot add pages", "cannot add pages");
    for (int i = 0; i < doc->page_count; i++) {
        const struct page *pg = &doc->pages[i];
        if (!(pg->width >= 3 && pg->width <= 14400 && pg->height >= 3 && pg->height <= 14400))
            return pdf_fail(c, "page %d: size %gx%g pt is outside 3..14400", i + 1, pg->width, pg->height);
        struct pdf_page *p = &c->pages[i];
        if (!(p->obj = pdf_raw_new(c)) || !(p->contents = pdf_raw_new(c)) || !(p->length = pdf_raw_new(c)) ||
            pdf_hpdf_failed(c, HPDF_Array_Add(kids, p->obj)))
            return pdf_check_or_fail(c, "cannot add a page", "cannot add a page");
    }
    /* libharu would count the kids that are its own pages. */
    tree->before_write_fn = NULL;
    HPDF_Number_SetValue(count, doc->page_count);
    return 0;
}

void pdf_pages_write(struct pdf_ctx *c)
{
    struct bytes b = {0};
    for (int i = 0; i < c->doc->page_count; i++) {
        const struct page *pg = &c->doc->pages[i];
        struct pdf_page *p = &c->pages[i];
        b.len = 0;
        bytes_puts(&b, "<<\012/Type /Page\012");
        if (c->own_media_box) {
            bytes_puts(&b, "/MediaBox [ 0 0 ");
            pdf_put_real(&b, (float)pg->width);
            bytes_puts(&b, " ");
            pdf_put_real(&b, (float)pg->height);
            bytes_puts(&b, " ]\012");
        }
        bytes_puts(&b, "/Contents ");
        pdf_put_ref(&b, p->contents);
        bytes_puts(&b, "\012/Parent ");
        pdf_put_ref(&b, c->pdf->root_pages);
        bytes_puts(&b, "\012");
        if (p->annots.len) {
            bytes_puts(&b, "/Annots [ ");
            bytes_put(&b, p->annots.p, p->annots.len);
            bytes_puts(&b, "]\012");
            b.oom |= p->annots.oom;
        }
        bytes_puts(&b, ">>");
        pdf_raw_set(c, p->obj, &b);
    }
    free(b.p);
}

/* One Resources dictionary on the page tree, inherited by every page (ISO
 * 32000-1 §7.7.3.4), instead of one per page with an obsolete ProcSet. */
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
        c->font_res = HPDF_Dict_New(mm);
        r += HPDF_Dict_Add(res, "Font", c->font_res);
    }
    if (r == HPDF_OK && images) {
        c->xobject_res = HPDF_Dict_New(mm);
        r += HPDF_Dict_Add(res, "XObject", c->xobject_res);
    }
    if (pdf_hpdf_failed(c, r))
        return pdf_check_or_fail(c, "cannot make the page tree", "cannot make the page tree");
    return 0;
}

/* The page size on the page tree when all pages share it (inherited). */
static int share_media_box(struct pdf_ctx *c)
{
    const struct doc *doc = c->doc;
    for (int i = 1; i < doc->page_count; i++)
        if (doc->pages[i].width != doc->pages[0].width || doc->pages[i].height != doc->pages[0].height) {
            c->own_media_box = 1;
            return 0;
        }
    HPDF_Box box = {0, 0, (HPDF_REAL)doc->pages[0].width, (HPDF_REAL)doc->pages[0].height};
    HPDF_Array a = HPDF_Box_Array_New(c->pdf->mmgr, box);
    if (!a || pdf_hpdf_failed(c, HPDF_Dict_Add(c->pdf->root_pages, "MediaBox", a)))
        return pdf_check_or_fail(c, "cannot make the page tree", "cannot make the page tree");
    return 0;
}

/* ---- the document ------------------------------------------------------ */

/* libharu's memory comes from an arena of the document's own. libharu
 * frees its objects one by one, each through the allocator (25,000 mallocs
 * and frees for the 50-topic booklet, and HPDF_Free walking every object);
 * with the arena, the whole document goes at once and HPDF_Free is not
 * needed. libharu's allocator gets no context, so the arena is the
 * thread's: only the thread that runs pdf_write calls libharu. */
static _Thread_local struct arena *hpdf_arena;

static void *hpdf_alloc(HPDF_UINT size)
{
    void *p = arena_alloc(hpdf_arena, size);
    return arena_failed(hpdf_arena) ? NULL : p;
}

static void hpdf_free(void *p)
{
    (void)p;
}

/* Links, bookmarks, page labels, document information and the deflating
 * of fonts and images: done while the other threads draw the pages. */
static int while_drawing(struct pdf_ctx *c)
{
    return pdf_links_write(c) < 0 || pdf_outline_write(c) < 0 || pdf_labels_write(c) < 0 ||
                   pdf_info_write(c) < 0 || share_media_box(c) < 0 || pdf_streams_deflate(c) < 0
               ? -1
               : 0;
}
static int build(struct pdf_ctx *c)
{
    const struct doc *doc = c->doc;
    if (doc->page_count <= 0 || !doc->pages)
        return pdf_fail(c, "the document has no pages");
    if (pdf_fonts_collect(c) < 0)
        return -1;

    if (!(c->hpdf_arena = hpdf_arena = arena_new()))
        return pdf_fail(c, "out of memory");
    c->pdf = HPDF_NewEx(on_hpdf_error, hpdf_alloc, hpdf_free, 0, c);
    if (!c->pdf)
        return pdf_fail(c, "out of memory");
    /* /Lang and /DisplayDocTitle are PDF 1.4. */
    c->pdf->pdf_version = HPDF_VER_14;
    HPDF_SetCompressionMode(c->pdf, HPDF_COMP_ALL);
    if (pdf_check(c, "cannot start the PDF") < 0)
        return -1;

    if (pdf_fonts_load(c) < 0)
        return -1;

    c->pages = calloc((size_t)doc->page_count, sizeof *c->pages);
    if (!c->pages)
        return pdf_fail(c, "out of memory");
    if (add_pages(c) < 0 || share_resources(c) < 0)
        return -1;
    if (pdf_pages_draw(c, c->threads, while_drawing) < 0)
        return -1;
    pdf_pages_write(c);
    if (c->bad_text) {
        char first[32] = "invalid UTF-8";
        if (c->first_bad != UINT32_MAX)
            snprintf(first, sizeof first, "U+%04X", (unsigned)c->first_bad);
        diag_add(c->d, DIAG_WARNING, c->path, 0, 0,
                 "%d character(s) cannot be drawn and are left out (invalid UTF-8, control characters or "
                 "beyond U+FFFF; the first: %s)", c->bad_text, first);
    }
    return pdf_save(c);
}

int pdf_write(const struct doc *doc, const struct fontset *fs, const char *path, int threads, struct diag *d)
{
    struct pdf_ctx c;
    memset(&c, 0, sizeof c);
    c.threads = threads;
    c.path = path;
    c.d = d;
    c.doc = doc;
    c.fs = fs;
    int r = build(&c);
    if (r < 0 && !c.reported)
        pdf_fail(&c, "cannot write the PDF");
    arena_free(c.hpdf_arena); /* the whole of c.pdf */
    hpdf_arena = NULL;
    pdf_fonts_free(&c);
    for (int i = 0; c.pages && i < doc->page_count; i++)
        free(c.pages[i].annots.p);
    free(c.pages);
    free(c.images);
    free(c.links);
    free(c.actions);
    free(c.scratch);
    free(c.raw.p);
    pdf_streams_free(&c);
    /* This thread's compressors (flate.c): a key destructor never runs for
     * the main thread, and valgrind counts what they hold at exit as
     * possibly lost. */
    flate_release();
    return r < 0 ? -1 : 0;
}
