/* pdf_draw: each page's items as its content stream.
 *
 * The streams are written here, not through libharu's page operators:
 * each of those clears a 512-byte buffer byte by byte, and they made up a
 * fifth of a booklet's instructions. Written here, pages are independent:
 * they are made, and deflated, on every thread at once. What needs
 * libharu (font and image names in the shared resources, images loaded,
 * links recorded) is done first, one page after another, in drawing order,
 * so the names and the bytes are what libharu's operators gave.
 *
 * The operators are kept few: what the stream has set (font, size,
 * colours, line width, where the last text ended) is not set again, text
 * runs that continue one another are shown as one string, neutral colours
 * are gray, positions sit on a 1/16 pt grid, and rules, boxes and images
 * that overlap nothing drawn before them are drawn before all the text,
 * so they do not break it into many text objects. Link items are handed
 * to pdf_nav.c, images loaded by pdf_image.c, text measured by pdf_font.c.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "bytes.h"
#include "diag.h"
#include "flate.h"
#include "fontset.h"
#include "pages.h"
#include "parallel.h"
#include "pdf_internal.h"

/* Positions are written on a 1/16 pt grid: at most 1/32 pt (0.011 mm, half
 * a 1200 dpi printer dot) from the layout's. Such numbers have few digits,
 * and float arithmetic on them is exact, so relative moves print without
 * noise ("16.8125", not "16.79999"); the 50-topic booklet is 8 KB smaller
 * so. */
static double grid(double v)
{
    return floor(v * 16 + 0.5) / 16;
}

/* ---- the stream's bytes ------------------------------------------------- */

/* A number as libharu writes one (pdf_real), then a space or the
 * operator. */
static void put_num(struct bytes *o, double v, const char *then)
{
    char b[32];
    bytes_put(o, b, (size_t)(pdf_real(b, (float)v) - b));
    bytes_puts(o, then);
}

/* Text in the font's encoding: a literal string for a simple font (its
 * bytes are WinAnsi codes), four hex digits a character for a Type0 font
 * (Identity-H: the code is the Unicode value, see pdf_font.c). */
static void put_text(struct bytes *o, const struct font_slot *s, const char *t)
{
    static const char hex[] = "0123456789ABCDEF";
    char b[512];
    size_t n = 0;
    b[n++] = s->simple ? '(' : '<';
    for (const unsigned char *p = (const unsigned char *)t; *p;) {
        if (n + 24 > sizeof b) {
            bytes_put(o, b, n);
            n = 0;
        }
        if (!s->simple) {
            uint32_t cp;
            p += pdf_utf8_next(p, &cp);
            for (int shift = 12; shift >= 0; shift -= 4)
                b[n++] = hex[(cp >> shift) & 15];
            continue;
        }
        unsigned char c = *p++;
        /* A literal string needs only these escaped (ISO 32000-1 §7.3.4.2;
         * control codes too, as a reader would turn CR into LF). libharu
         * also escaped / % # < > [ ] { } and every byte over 126, four
         * bytes each: "https://" was "https:\057\057". */
        if (c == '(' || c == ')' || c == '\\') {
            b[n++] = '\\';
            b[n++] = (char)c;
        } else if (c < 0x20) {
            b[n++] = '\\';
            b[n++] = (char)('0' + (c >> 6));
            b[n++] = (char)('0' + ((c >> 3) & 7));
            b[n++] = (char)('0' + (c & 7));
        } else {
            b[n++] = (char)c;
        }
    }
    b[n++] = s->simple ? ')' : '>';
    bytes_put(o, b, n);
    bytes_puts(o, " Tj\012");
}

/* ---- drawing state ------------------------------------------------------ */

/* What the content stream has set, to avoid repeating operators. */
struct gstate {
    int in_text;
    int slot;                /* font, -1 for none */
    double size;
    uint32_t fill, stroke;
    double line_width;
    int pen;                 /* in a text object, and pen_x/pen_y known */
    double pen_x, pen_y;     /* where the last text shown ended */
    double line_x, line_y;   /* where the text line starts (Td is relative to it) */
};
#define UNSET_COLOR 0xFFFFFFFEu

/* Text not drawn yet: runs that continue one another on a line in the same
 * style are shown as one string. */
struct run {
    int active;
    int slot;
    double size;
    uint32_t fill;
    double x, y;             /* where it starts (on the grid) */
    double end;              /* where it ends, by the PDF's widths */
    char *text;              /* cleaned, in the font's encoding */
    size_t len, cap;
};

/* One page being written: everything a thread needs of its own. */
struct writer {
    const struct pdf_ctx *c;
    struct bytes out;
    struct gstate g;
    struct run run;
    char *clean;             /* the item's text, cleaned */
    size_t clean_cap;
    int bad_text;            /* characters left out */
    uint32_t first_bad;
};

/* Text that starts this close (pt) to where the previous text ended is
 * shown from there, without a move: the widths in the PDF are the layout's
 * advances rounded to 1/1000 em, so this is at most a rounding error. */
#define SAME_PLACE 0.05

/* A colour component with three decimals, which still give back the 8-bit
 * value (the error is under half of 1/255): three digits, not five. */
static double channel(uint32_t rgb, int shift)
{
    return floor(((rgb >> shift) & 255) / 255.0 * 1000 + 0.5) / 1000;
}

/* Neutral colours are set as gray (g, G): one number instead of three,
 * the same colour, and a printer draws them with black ink alone. */
static int is_gray(uint32_t rgb)
{
    return ((rgb >> 16) & 255) == (rgb & 255) && ((rgb >> 8) & 255) == (rgb & 255);
}

static void put_color(struct bytes *o, uint32_t rgb, const char *gray_op, const char *rgb_op)
{
    if (is_gray(rgb)) {
        put_num(o, channel(rgb, 0), gray_op);
    } else {
        put_num(o, channel(rgb, 16), " ");
        put_num(o, channel(rgb, 8), " ");
        put_num(o, channel(rgb, 0), rgb_op);
    }
}

static void set_fill(struct writer *w, uint32_t rgb)
{
    if (w->g.fill != rgb)
        put_color(&w->out, rgb, " g\012", " rg\012");
    w->g.fill = rgb;
}

static void set_stroke(struct writer *w, uint32_t rgb, double width)
{
    if (w->g.stroke != rgb)
        put_color(&w->out, rgb, " G\012", " RG\012");
    w->g.stroke = rgb;
    if (w->g.line_width != width)
        put_num(&w->out, width, " w\012");
    w->g.line_width = width;
}

/* Draws the pending run. */
static void run_flush(struct writer *w)
{
    struct run *r = &w->run;
    struct gstate *g = &w->g;
    if (!r->active)
        return;
    r->active = 0;
    if (!g->in_text) {
        bytes_puts(&w->out, "BT\012");
        g->in_text = 1;
        g->pen = 0;
        g->line_x = g->line_y = 0;
    }
    const struct font_slot *s = &w->c->slots[r->slot];
    if (r->slot != g->slot || r->size != g->size) {
        bytes_puts(&w->out, "/");
        bytes_puts(&w->out, s->name);
        bytes_puts(&w->out, " ");
        put_num(&w->out, r->size, " Tf\012");
        g->slot = r->slot;
        g->size = r->size;
    }
    set_fill(w, r->fill);
    double x = r->x;
    if (g->pen && g->pen_y == r->y && fabs(g->pen_x - r->x) < SAME_PLACE) {
        x = g->pen_x;
    } else {
        put_num(&w->out, r->x - g->line_x, " ");
        put_num(&w->out, r->y - g->line_y, " Td\012");
        g->line_x = r->x;
        g->line_y = r->y;
    }
    put_text(&w->out, s, r->text);
    g->pen = 1;
    g->pen_x = x + (r->end - r->x);
    g->pen_y = r->y;
    r->len = 0;
}

/* Draws the pending run and ends the text object: paths and images are
 * drawn outside one. */
static void leave_text(struct writer *w)
{
    run_flush(w);
    if (w->g.in_text) {
        bytes_puts(&w->out, "ET\012");
        w->g.in_text = 0;
        w->g.pen = 0;
    }
}

/* Queues a text item: it joins the pending run when it continues it.
 * Returns -1 on OOM. */
static int run_text(struct writer *w, const struct page_item *it, char *t)
{
    const struct pdf_ctx *c = w->c;
    struct run *r = &w->run;
    int si = c->face_slot[it->face];
    uint32_t fill = it->fill == PAGE_NO_COLOR ? 0x000000 : it->fill;
    double x = grid(it->x), y = grid(it->y);
    double width = (double)pdf_font_encode(c, &c->slots[si], t) * it->size / 1000;
    size_t n = strlen(t);
    if (!(r->active && r->slot == si && r->size == it->size && r->fill == fill && r->y == y &&
          fabs(r->end - x) < SAME_PLACE && r->len + n < 30000)) {
        run_flush(w);
        r->active = 1;
        r->slot = si;
        r->size = it->size;
        r->fill = fill;
        r->x = r->end = x;
        r->y = y;
    }
    r->end += width;
    if (r->len + n + 1 > r->cap) {
        size_t cap = r->cap ? r->cap : 256;
        while (cap < r->len + n + 1)
            cap *= 2;
        char *p = realloc(r->text, cap);
        if (!p)
            return -1;
        r->text = p;
        r->cap = cap;
    }
    memcpy(r->text + r->len, t, n + 1);
    r->len += n;
    return 0;
}

/* ---- order of drawing --------------------------------------------------- */

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
 * same drawn before all the text: those are marked `early`. NULL on OOM. */
static uint8_t *plan_page(const struct pdf_ctx *c, const struct page *pg)
{
    int n = 0;
    for (const struct page_item *it = pg->items; it; it = it->next)
        n++;
    uint8_t *early = calloc((size_t)n + 1, 1);
    struct box *before = malloc(((size_t)n + 1) * sizeof *before);
    if (!early || !before) {
        free(early);
        free(before);
        return NULL;
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
            early[i] = 1;
        else
            before[nb++] = b;
    }
    free(before);
    return early;
}

/* Writes one item; -1 on OOM. Everything that can fail otherwise was
 * checked by prepare_page. */
static int draw_item(struct writer *w, const struct page_item *it)
{
    struct bytes *o = &w->out;
    switch (it->kind) {
    case PAGE_TEXT: {
        if (!it->text || !*it->text)
            return 0;
        char *t = pdf_clean_text_into(it->text, &w->clean, &w->clean_cap, &w->bad_text, &w->first_bad);
        if (!t)
            return -1;
        return *t ? run_text(w, it, t) : 0;
    }
    case PAGE_RECT: {
        int fill = it->fill != PAGE_NO_COLOR;
        int stroke = it->stroke != PAGE_NO_COLOR && it->line_width > 0;
        if (!fill && !stroke)
            return 0;
        leave_text(w);
        if (fill)
            set_fill(w, it->fill);
        if (stroke)
            set_stroke(w, it->stroke, it->line_width);
        double x0 = grid(it->x), y0 = grid(it->y);
        put_num(o, x0, " ");
        put_num(o, y0, " ");
        put_num(o, grid(it->x + it->w) - x0, " ");
        put_num(o, grid(it->y + it->h) - y0, " re\012");
        bytes_puts(o, fill && stroke ? "B\012" : fill ? "f\012" : "S\012");
        return 0;
    }
    case PAGE_LINE:
        if (it->stroke == PAGE_NO_COLOR || it->line_width <= 0)
            return 0;
        leave_text(w);
        set_stroke(w, it->stroke, it->line_width);
        put_num(o, grid(it->x), " ");
        put_num(o, grid(it->y), " m\012");
        put_num(o, grid(it->x + it->w), " ");
        put_num(o, grid(it->y + it->h), " l\012");
        bytes_puts(o, "S\012");
        return 0;
    case PAGE_IMAGE:
        leave_text(w);
        bytes_puts(o, "q\012");
        put_num(o, it->w, " 0 0 ");
        put_num(o, it->h, " ");
        put_num(o, it->x, " ");
        put_num(o, it->y, " cm\012/");
        bytes_puts(o, pdf_image_name(w->c, it->text));
        bytes_puts(o, " Do\012Q\012");
        return 0;
    default:
        return 0; /* links: recorded by prepare_page */
    }
}

/* Writes page pi's content stream into w->out, in the order plan_page
 * gave; -1 on OOM. */
static int write_page(struct writer *w, int pi, const uint8_t *early)
{
    const struct page *pg = &w->c->doc->pages[pi];
    w->g = (struct gstate){0, -1, 0, UNSET_COLOR, UNSET_COLOR, -1, 0, 0, 0, 0, 0};
    int rc = 0;
    for (int pass = 0; pass < 2 && !rc; pass++) {
        int i = 0;
        for (const struct page_item *it = pg->items; it && !rc; it = it->next, i++)
            if (early[i] == (pass == 0))
                rc = draw_item(w, it);
    }
    leave_text(w);
    return rc || w->out.oom ? -1 : 0;
}

/* ---- before and after: what needs libharu ------------------------------- */

/* Checks one item and does for it what needs libharu: its font or image
 * named in the shared resources (in drawing order, so the first font
 * drawn is F1, as libharu's operators would name it), its link recorded. */
static int prepare_item(struct pdf_ctx *c, int pi, const struct page_item *it)
{
    switch (it->kind) {
    case PAGE_TEXT: {
        if (!it->text || !*it->text)
            return 0;
        if (it->size <= 0 || it->size > HPDF_MAX_FONTSIZE)
            return pdf_fail(c, "page %d: invalid font size %g", pi + 1, it->size);
        struct font_slot *s = &c->slots[c->face_slot[it->face]];
        return s->name || (s->name = pdf_resource_name(c, c->font_res, 'F', s->font)) ? 0 : -1;
    }
    case PAGE_IMAGE:
        if (!it->text)
            return pdf_fail(c, "page %d: image without a file name", pi + 1);
        return pdf_image_add(c, it->text) ? 0 : -1;
    case PAGE_LINK:
        if (it->text && !*it->text) {
            diag_add(c->d, DIAG_WARNING, c->path, 0, 0, "page %d: a link has an empty address; left out", pi + 1);
            return 0;
        }
        if (!it->text && (it->dest_page < 0 || it->dest_page >= c->doc->page_count))
            return pdf_fail(c, "page %d: link to page %d, but the document has %d", pi + 1, it->dest_page + 1,
                            c->doc->page_count);
        return pdf_link_add(c, pi, it);
    default:
        return 0;
    }
}

/* Checks page pi and plans its order of drawing into *early. */
static int prepare_page(struct pdf_ctx *c, int pi, uint8_t **early)
{
    const struct page *pg = &c->doc->pages[pi];
    for (const struct page_item *it = pg->items; it; it = it->next)
        if (!isfinite(it->x) || !isfinite(it->y) || !isfinite(it->w) || !isfinite(it->h) ||
            !isfinite(it->line_width))
            return pdf_fail(c, "page %d: an item has no valid position or size", pi + 1);
    if (!(*early = plan_page(c, pg)))
        return pdf_fail(c, "out of memory");
    for (int pass = 0; pass < 2; pass++) {
        int i = 0;
        for (const struct page_item *it = pg->items; it; it = it->next, i++)
            if ((*early)[i] == (pass == 0) && prepare_item(c, pi, it) < 0)
                return -1;
    }
    return 0;
}

/* A page's stream as made by a thread. */
struct made {
    uint8_t *early;          /* plan_page's */
    struct bytes out;          /* deflated when that made it smaller */
    int deflated;
    int failed;
    int bad_text;
    uint32_t first_bad;
};

struct job {
    const struct pdf_ctx *c;
    struct made *made;
};

/* Writes and deflates one page (run on any thread: reads c only). */
static void make_page(void *ctx, int pi, int worker)
{
    (void)worker;
    struct job *j = ctx;
    struct made *m = &j->made[pi];
    struct writer w = {.c = j->c};
    if (write_page(&w, pi, m->early) < 0) {
        m->failed = 1;
    } else {
        m->out = w.out;
        w.out.p = NULL;
        /* "/Filter /FlateDecode" costs 21 bytes. */
        unsigned char *z = malloc(flate_bound(m->out.len));
        size_t zn = z ? flate_compress(m->out.p, m->out.len, z, FLATE_FAST) : 0;
        if (!z || (m->out.len && !zn)) {
            m->failed = 1;
        } else if (zn + 21 < m->out.len) {
            free(m->out.p);
            m->out = (struct bytes){z, zn, zn, 0};
            m->deflated = 1;
            z = NULL;
        }
        free(z);
    }
    m->bad_text = w.bad_text;
    m->first_bad = w.first_bad;
    free(w.out.p);
    free(w.run.text);
    free(w.clean);
}

int pdf_pages_draw(struct pdf_ctx *c, int threads, int (*meanwhile)(struct pdf_ctx *c))
{
    int n = c->doc->page_count, rc = 0;
    struct made *made = calloc((size_t)n, sizeof *made);
    if (!made)
        return pdf_fail(c, "out of memory");
    for (int pi = 0; pi < n && !rc; pi++)
        rc = prepare_page(c, pi, &made[pi].early);
    struct job job = {c, made};
    if (!rc) {
        struct parallel p;
        parallel_start(&p, n, threads, make_page, &job);
        rc = meanwhile(c);
        parallel_join(&p);
    }
    for (int pi = 0; pi < n; pi++) {
        struct made *m = &made[pi];
        free(m->early);
        if (!rc && m->failed)
            rc = pdf_fail(c, "out of memory");
        if (m->bad_text && !c->bad_text)
            c->first_bad = m->first_bad;
        c->bad_text += m->bad_text;
        struct pdf_page *p = &c->pages[pi];
        if (rc) {
            free(m->out.p);
            continue;
        }
        size_t len = m->out.len;
        if ((rc = pdf_stream_set(c, p->contents, m->out.p, len, PDF_TAKE)) == 0) {
            /* As libharu wrote a page's stream: its length an object of its own. */
            struct bytes b = {0};
            bytes_puts(&b, "<<\012/Length ");
            pdf_put_ref(&b, p->length);
            bytes_puts(&b, m->deflated ? "\012/Filter /FlateDecode\012>>" : "\012>>");
            pdf_raw_set_stream(c, p->contents, &b);
            b.len = 0;
            pdf_put_int(&b, (int32_t)len);
            pdf_raw_set(c, p->length, &b);
            free(b.p);
        }
    }
    free(made);
    return rc;
}
