/* pdf_draw: one page's items as its content stream.
 *
 * The operators are kept few: what the stream has set (font, size,
 * colours, line width, where the last text ended) is not set again, text
 * runs that continue one another are shown as one string, neutral colours
 * are gray, positions sit on a 1/16 pt grid, and rules, boxes and images
 * that overlap nothing drawn before them are drawn before all the text,
 * so they do not break it into many text objects. Link items are handed
 * to pdf_nav.c, images loaded by pdf_image.c, text encoded by pdf_font.c.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "fontset.h"
#include "pages.h"
#include "pdf_internal.h"

/* Positions are written on a 1/16 pt grid: at most 1/32 pt (0.011 mm, half
 * a 1200 dpi printer dot) from the layout's. Such numbers have few digits,
 * and libharu's float arithmetic on them is exact, so its relative moves
 * print without noise ("16.8125", not "16.79999"); the 50-topic booklet is
 * 8 KB smaller so. */
static double grid(double v)
{
    return floor(v * 16 + 0.5) / 16;
}

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

/* Draws the pending run and ends the text object: paths and images are
 * drawn outside one. */
static void leave_text(struct pdf_ctx *c, HPDF_Page p, struct gstate *g, struct run *r)
{
    run_flush(c, p, g, r);
    end_text(p, g);
}

/* Queues a text item: it joins the pending run when it continues it. */
static int run_text(struct pdf_ctx *c, HPDF_Page p, struct gstate *g, struct run *r, const struct page_item *it,
                    char *t)
{
    int si = c->face_slot[it->face];
    const struct font_slot *s = &c->slots[si];
    double x = grid(it->x), y = grid(it->y);
    double w = (double)pdf_font_encode(c, s, t) * it->size / 1000;
    if (!(r->active && r->slot == si && r->size == it->size && r->fill == it->fill && r->y == y &&
          fabs(r->end - x) < SAME_PLACE && c->run_len + strlen(t) < 30000)) {
        run_flush(c, p, g, r);
        *r = (struct run){1, si, s->font, it->size, it->fill, x, y, x};
    }
    r->end += w;
    return run_append(c, t);
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
        return pdf_fail(c, "out of memory");
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
            return pdf_fail(c, "page %d: invalid font size %g", pi + 1, it->size);
        char *t = pdf_clean_text(c, it->text);
        if (!t)
            return pdf_fail(c, "out of memory");
        if (!*t)
            break;
        struct page_item copy = *it;
        if (copy.fill == PAGE_NO_COLOR)
            copy.fill = 0x000000;
        if (run_text(c, p, g, run, &copy, t) < 0)
            return pdf_fail(c, "out of memory");
        break;
    }
    case PAGE_RECT: {
        int fill = it->fill != PAGE_NO_COLOR;
        int stroke = it->stroke != PAGE_NO_COLOR && it->line_width > 0;
        if (!fill && !stroke)
            break;
        leave_text(c, p, g, run);
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
        leave_text(c, p, g, run);
        set_stroke(p, g, it->stroke, it->line_width);
        HPDF_Page_MoveTo(p, (HPDF_REAL)grid(it->x), (HPDF_REAL)grid(it->y));
        HPDF_Page_LineTo(p, (HPDF_REAL)grid(it->x + it->w), (HPDF_REAL)grid(it->y + it->h));
        HPDF_Page_Stroke(p);
        break;
    case PAGE_IMAGE: {
        if (!it->text)
            return pdf_fail(c, "page %d: image without a file name", pi + 1);
        HPDF_Image img = pdf_image_load(c, it->text);
        if (!img)
            return -1;
        leave_text(c, p, g, run);
        HPDF_Page_DrawImage(p, img, (HPDF_REAL)it->x, (HPDF_REAL)it->y, (HPDF_REAL)it->w, (HPDF_REAL)it->h);
        break;
    }
    case PAGE_LINK:
        if (it->text && !*it->text) {
            diag_add(c->d, DIAG_WARNING, c->path, 0, 0, "page %d: a link has an empty address; left out", pi + 1);
            break;
        }
        if (!it->text && (it->dest_page < 0 || it->dest_page >= c->doc->page_count))
            return pdf_fail(c, "page %d: link to page %d, but the document has %d", pi + 1,
                            it->dest_page + 1, c->doc->page_count);
        if (pdf_link_add(c, pi, it) < 0)
            return -1;
        break;
    }
    return 0;
}

int pdf_page_draw(struct pdf_ctx *c, int pi)
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
            return pdf_fail(c, "page %d: an item has no valid position or size", pi + 1);
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
                rc = pdf_check(c, what);
        }
    }
    free(early);
    if (rc)
        return -1;
    leave_text(c, p, &g, &run);
    return pdf_check(c, what);
}
